"""The precompute's bookkeeping documents: runs, their batches, and the readers' pointer.

A run is identified by company and as-of date; rerunning a finished date after the ledger
changed starts the next *attempt* of that run. Documents, by kind and key:

- ``RUN`` ``YYYY-MM-DD``: the run's latest attempt, ``{"attempt": A}``;
- ``RUN`` ``YYYY-MM-DD/A``: attempt ``A`` of the run: status (``running`` or
  ``complete``), the batch plan (``starts``: the first account of each batch), the baseline
  run it rolls forward from, the basis (accounting currency and aging periods: a change
  forces a full recompute), the ledger mark (count and sum of ledger versions when it
  started) and, once complete, the agents that have lists;
- ``RUN`` ``YYYY-MM-DD/A/index/NNNNNN``: the ``CustomerEntry`` rows of batch ``NNNNNN`` of
  attempt ``A``, the index the next run rolls forward from; written before the batch result;
- ``RUN`` ``YYYY-MM-DD/A/batch/NNNNNN``: the batch result (counts and partial top lists);
  its existence is what marks the batch done;
- ``RUN`` ``state``: the latest as-of date ever started and the runs whose documents are
  still kept, for clean-up;
- ``WORKSPACE`` ``YYYY-MM-DD/A/company`` and ``YYYY-MM-DD/A/agent/ID``: the lists of a run;
- ``WORKSPACE`` ``current``: the pointer to the last finished run, switched last, so a
  reader sees one run's lists or the next one's, never a mix.

Ledger versions only grow, so the count and sum of all versions change whenever the ledger
does: equal marks mean nothing was written since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

JsonObject = dict[str, Any]

RUNNING = "running"
COMPLETE = "complete"
POINTER_KEY = "current"
STATE_KEY = "state"


def run_key(as_of: date | str, attempt: int) -> str:
    day = as_of if isinstance(as_of, str) else as_of.isoformat()
    return f"{day}/{attempt}"


def batch_key(run: str, index: int) -> str:
    return f"{run}/batch/{index:06d}"


def batch_prefix(run: str) -> str:
    return f"{run}/batch/"


def index_key(run: str, index: int) -> str:
    return f"{run}/index/{index:06d}"


def lists_key(run: str, agent: str | None) -> str:
    return f"{run}/company" if agent is None else f"{run}/agent/{agent}"


@dataclass(frozen=True, slots=True)
class Basis:
    """What every figure of a run depends on besides the ledger and the date."""

    currency: str
    aging_bounds: tuple[int, ...]

    def to_json(self) -> JsonObject:
        return {"currency": self.currency, "agingBounds": list(self.aging_bounds)}

    @classmethod
    def from_json(cls, body: JsonObject) -> Basis:
        return cls(body["currency"], tuple(body["agingBounds"]))


@dataclass(frozen=True, slots=True)
class Run:
    """A run document, read or about to be written."""

    company: str
    as_of: date
    attempt: int
    status: str
    starts: tuple[str, ...]
    baseline: str | None
    basis: Basis
    ledger_mark: tuple[int, int]
    agents: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return run_key(self.as_of, self.attempt)

    def stop_of(self, index: int) -> str | None:
        """The first account after batch ``index``, or ``None`` for the last batch."""
        return self.starts[index + 1] if index + 1 < len(self.starts) else None

    def to_json(self) -> JsonObject:
        return {
            "company": self.company,
            "asOf": self.as_of.isoformat(),
            "attempt": self.attempt,
            "status": self.status,
            "starts": list(self.starts),
            "baseline": self.baseline,
            "basis": self.basis.to_json(),
            "ledgerMark": list(self.ledger_mark),
            "agents": list(self.agents),
        }

    @classmethod
    def from_json(cls, body: JsonObject) -> Run:
        count, total = body["ledgerMark"]
        return cls(
            company=body["company"],
            as_of=date.fromisoformat(body["asOf"]),
            attempt=body["attempt"],
            status=body["status"],
            starts=tuple(body["starts"]),
            baseline=body["baseline"],
            basis=Basis.from_json(body["basis"]),
            ledger_mark=(count, total),
            agents=tuple(body.get("agents", ())),
        )


def plan_starts(accounts: list[str], batch_size: int) -> tuple[str, ...]:
    """Cut sorted accounts into batches of ``batch_size``; return each batch's first account.

    The first batch starts at ``""`` and the last has no end, so together the batches cover
    every account, including one added after the plan was made.
    """
    starts = [""]
    starts.extend(accounts[i] for i in range(batch_size, len(accounts), batch_size))
    return tuple(starts)
