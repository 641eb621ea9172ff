"""The nightly precompute: a snapshot per customer and the workspace lists, per company.

A run covers one company as of one date (the company's own today, from ``precompute_all``).
It is cut into batches of neighbouring accounts that any process can take:

1. ``plan_batches`` starts the run, or resumes it, and returns the batches not done yet;
2. ``run_batch`` computes one batch: each customer's snapshot, its ``CustomerEntry`` (the
   roll-forward index) and the batch's partial top lists; the batch result document is
   written last and marks the batch done;
3. ``finish_run`` merges the partial lists, writes the run's lists and switches the
   ``current`` pointer, then drops what older runs left.

Locally ``precompute_company`` runs the three in one process (or a few worker processes);
on Azure the batches fan out over a queue (``docs/precompute.md``).

Properties the tests hold the code to:

- idempotent: rerunning a finished date with an unchanged ledger writes nothing;
- resumable: a killed run continues where it stopped; finished batches are not redone, and
  a batch killed half-way is redone whole (each snapshot write is atomic on its own);
- atomic for readers: lists are written under the run's key and become visible only when
  the pointer switches, so a reader sees one run's lists or the next one's;
- incremental: a customer whose ledger version is the one its snapshot was computed from is
  not read from the ledger. If its figures still hold on the new date (``shared.snapshot``)
  the snapshot is left as it is; otherwise it is rolled forward from the items the
  snapshot keeps. Only customers whose ledger changed are read again.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from multiprocessing import get_context
from typing import Any
from zoneinfo import ZoneInfo

from shared import snapshot
from shared.aging import AgingPeriods
from shared.collector import collector_paused
from shared.customer_details import activity_document
from shared.ledger import Activity, Company, Customer
from shared.precompute_runs import (
    COMPLETE,
    POINTER_KEY,
    RUNNING,
    STATE_KEY,
    Basis,
    Run,
    batch_key,
    batch_prefix,
    index_key,
    lists_key,
    plan_starts,
    run_key,
)
from shared.settings import Settings
from shared.snapshot_figures import AsOfContext, NightFigures, night_figures
from shared.stores.base import DocumentKind, JsonObject, LedgerStore
from shared.workspace_lists import (
    COMPANY_SCOPE,
    CustomerEntry,
    candidates,
    entry_of,
    lists_document,
)

logger = logging.getLogger(__name__)

_WRITE_CHUNK = 500

RUN = DocumentKind.RUN
WORKSPACE = DocumentKind.WORKSPACE
SNAPSHOT = DocumentKind.SNAPSHOT


class RunNotReady(RuntimeError):
    """``finish_run`` was called before every batch of the run was done."""


@dataclass(frozen=True, slots=True)
class Batch:
    """A range of accounts of one run: ``start <= account < stop`` (``stop=None``: no end).

    Everything ``run_batch`` needs travels in the batch, so it fits in a queue message
    (``to_message``) and any instance can take it.
    """

    company: str
    as_of: date
    attempt: int
    index: int
    start: str
    stop: str | None
    currency: str
    aging_bounds: tuple[int, ...]
    baseline: str | None

    @property
    def run(self) -> str:
        return run_key(self.as_of, self.attempt)

    def to_message(self) -> JsonObject:
        return {
            "company": self.company,
            "asOf": self.as_of.isoformat(),
            "attempt": self.attempt,
            "index": self.index,
            "start": self.start,
            "stop": self.stop,
            "currency": self.currency,
            "agingBounds": list(self.aging_bounds),
            "baseline": self.baseline,
        }

    @classmethod
    def from_message(cls, body: JsonObject) -> Batch:
        return cls(
            company=body["company"],
            as_of=date.fromisoformat(body["asOf"]),
            attempt=body["attempt"],
            index=body["index"],
            start=body["start"],
            stop=body["stop"],
            currency=body["currency"],
            aging_bounds=tuple(body["agingBounds"]),
            baseline=body["baseline"],
        )


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one batch did: customers seen, read again, rolled forward, left as they were."""

    index: int
    customers: int
    recomputed: int
    rolled_forward: int
    unchanged: int


@dataclass(slots=True)
class PrecomputeReport:
    """What a run of one company did; ``skipped`` when the date was done and nothing changed."""

    company: str
    as_of: date
    run: str
    customers: int = 0
    recomputed: int = 0
    rolled_forward: int = 0
    unchanged: int = 0
    batches: int = 0
    batches_resumed: int = 0
    seconds: float = 0.0
    skipped: bool = False
    results: list[BatchResult] = field(default_factory=list, repr=False)

    def add(self, result: BatchResult) -> None:
        self.results.append(result)
        self.customers += result.customers
        self.recomputed += result.recomputed
        self.rolled_forward += result.rolled_forward
        self.unchanged += result.unchanged

    def to_json(self) -> JsonObject:
        return {
            "company": self.company,
            "asOf": self.as_of.isoformat(),
            "run": self.run,
            "customers": self.customers,
            "recomputed": self.recomputed,
            "rolledForward": self.rolled_forward,
            "unchanged": self.unchanged,
            "batches": self.batches,
            "batchesResumed": self.batches_resumed,
            "seconds": round(self.seconds, 3),
            "skipped": self.skipped,
        }


# Running everything.


def precompute_all(
    store: LedgerStore,
    settings: Settings,
    now: datetime,
    *,
    batch_size: int | None = None,
    workers: int = 1,
    open_worker_store: Callable[[], LedgerStore] | None = None,
) -> list[PrecomputeReport]:
    """Precompute every company as of its own date at the instant ``now`` (aware, any zone)."""
    if now.tzinfo is None:
        raise ValueError("precompute_all needs an aware datetime, such as one in UTC.")
    jobs = [
        (company, now.astimezone(ZoneInfo(company.time_zone)).date())
        for company in store.list_companies()
    ]
    return precompute_companies(
        store,
        jobs,
        settings,
        batch_size=batch_size,
        workers=workers,
        open_worker_store=open_worker_store,
    )


def precompute_company(
    store: LedgerStore,
    company: Company,
    as_of: date,
    settings: Settings,
    *,
    batch_size: int | None = None,
    workers: int = 1,
    open_worker_store: Callable[[], LedgerStore] | None = None,
) -> PrecomputeReport:
    """Run (or finish) the precompute of ``company`` as of ``as_of``, from this process;
    ``workers`` and ``open_worker_store`` as for ``precompute_companies``."""
    (report,) = precompute_companies(
        store,
        [(company, as_of)],
        settings,
        batch_size=batch_size,
        workers=workers,
        open_worker_store=open_worker_store,
    )
    return report


def precompute_companies(
    store: LedgerStore,
    jobs: Sequence[tuple[Company, date]],
    settings: Settings,
    *,
    batch_size: int | None = None,
    workers: int = 1,
    open_worker_store: Callable[[], LedgerStore] | None = None,
) -> list[PrecomputeReport]:
    """Run (or finish) the precompute of each ``(company, as_of)``, from this process.

    With ``workers > 1`` and ``open_worker_store`` (which opens the same store anew), the
    batches run in that many worker processes, one pool for every company; planning and
    finishing stay here and overlap the batches: the next company is planned while the
    workers take the batches of the previous one, and a company is finished as soon as its
    last batch is done, while the workers go on with the next company's.
    """
    if workers <= 1 or open_worker_store is None:
        reports = []
        for company, as_of in jobs:
            started = time.perf_counter()
            report, pending = _plan(store, company, as_of, settings, batch_size)
            if not report.skipped:
                for batch in pending:
                    report.add(run_batch(store, batch))
                finish_run(store, company.id, as_of)
            reports.append(_done(report, started))
        return reports

    # Fork: the workers inherit the code and the opener; each opens its own store.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("fork"),
        initializer=_open_worker,
        initargs=(open_worker_store,),
    ) as pool:
        planned = []
        for company, as_of in jobs:
            started = time.perf_counter()
            report, pending = _plan(store, company, as_of, settings, batch_size)
            futures = [pool.submit(_run_in_worker, batch) for batch in pending]
            planned.append((report, futures, started))

        reports = []
        for report, futures, started in planned:
            if not report.skipped:
                for future in futures:
                    report.add(future.result())
                finish_run(store, report.company, report.as_of)
            reports.append(_done(report, started))
        return reports


def _plan(
    store: LedgerStore,
    company: Company,
    as_of: date,
    settings: Settings,
    batch_size: int | None,
) -> tuple[PrecomputeReport, list[Batch]]:
    """Start or resume the run; its report so far, and the batches left to run."""
    run, pending = _start(store, company, as_of, settings, batch_size)
    report = PrecomputeReport(company.id, as_of, run.key, batches=len(run.starts))
    report.batches_resumed = len(run.starts) - len(pending)
    if run.status == COMPLETE and not pending:
        report.skipped = True
        report.customers = report.unchanged = run.ledger_mark[0]
    return report, pending


def _done(report: PrecomputeReport, started: float) -> PrecomputeReport:
    report.seconds = time.perf_counter() - started
    logger.info(
        "Precompute %s as of %s (run %s): %s customers, %s recomputed, %s rolled forward, "
        "%s unchanged, %s batches (%s resumed)%s in %.2f s.",
        report.company,
        report.as_of,
        report.run,
        report.customers,
        report.recomputed,
        report.rolled_forward,
        report.unchanged,
        report.batches,
        report.batches_resumed,
        ", nothing to do" if report.skipped else "",
        report.seconds,
    )
    return report


_worker_store: LedgerStore | None = None


def _open_worker(open_store: Callable[[], LedgerStore]) -> None:
    global _worker_store
    _worker_store = open_store()


def _run_in_worker(batch: Batch) -> BatchResult:
    assert _worker_store is not None
    return run_batch(_worker_store, batch)


# Step 1: plan, or resume.


def plan_batches(
    store: LedgerStore,
    company: Company,
    as_of: date,
    settings: Settings,
    *,
    batch_size: int | None = None,
) -> list[Batch]:
    """Start or resume the run of ``company`` as of ``as_of``; return its batches not done.

    An empty list means every batch is done: the run needs only ``finish_run``, or nothing
    at all when it finished before and the ledger has not changed since.
    """
    return _start(store, company, as_of, settings, batch_size)[1]


def _start(
    store: LedgerStore,
    company: Company,
    as_of: date,
    settings: Settings,
    batch_size: int | None,
) -> tuple[Run, list[Batch]]:
    versions = store.ledger_versions(company.id)
    mark = (len(versions), sum(versions.values()))
    basis = Basis(company.currency, settings.aging_periods.bounds)
    pointer = store.get_document(company.id, WORKSPACE, POINTER_KEY)
    existing = _read_run(store, company.id, as_of)

    if existing is not None:
        if existing.status == RUNNING:
            return existing, _pending(store, existing)
        is_current = pointer is not None and pointer["run"] == existing.key
        if is_current and existing.ledger_mark == mark and existing.basis == basis:
            return existing, []

    run = Run(
        company=company.id,
        as_of=as_of,
        attempt=1 if existing is None else existing.attempt + 1,
        status=RUNNING,
        starts=plan_starts(list(versions), batch_size or settings.precompute_batch_size),
        baseline=_baseline(store, company.id, as_of, basis, pointer),
        basis=basis,
        ledger_mark=mark,
    )
    state = store.get_document(company.id, RUN, STATE_KEY) or {"latestStarted": "", "runs": []}
    state = {
        "latestStarted": max(state["latestStarted"], as_of.isoformat()),
        "runs": list(dict.fromkeys([*state["runs"], run.key])),
    }
    # The run document before the day's pointer to it: a crash in between leaves a run no
    # one points to, and the next start makes the same one again.
    store.put_documents(company.id, RUN, [(STATE_KEY, state), (run.key, run.to_json())])
    store.put_documents(company.id, RUN, [(as_of.isoformat(), {"attempt": run.attempt})])
    return run, _pending(store, run)


def _read_run(store: LedgerStore, company: str, as_of: date) -> Run | None:
    """The latest attempt of the run of ``company`` as of ``as_of``, if one was started."""
    day = store.get_document(company, RUN, as_of.isoformat())
    if day is None:
        return None
    body = store.get_document(company, RUN, run_key(as_of, int(day["attempt"])))
    return None if body is None else Run.from_json(body)


def _baseline(
    store: LedgerStore,
    company: str,
    as_of: date,
    basis: Basis,
    pointer: JsonObject | None,
) -> str | None:
    """The finished run to roll forward from, or ``None`` for a full recompute.

    Rolling forward needs a finished run on or before ``as_of`` with the same basis, and no
    run ever started for a later date: such a run may have rewritten snapshots for its own,
    later date, which cannot roll backwards.
    """
    if pointer is None or Basis.from_json(pointer["basis"]) != basis:
        return None
    if pointer["asOf"] > as_of.isoformat():
        return None
    state = store.get_document(company, RUN, STATE_KEY)
    if state is not None and state["latestStarted"] > as_of.isoformat():
        return None
    return str(pointer["run"])


def _pending(store: LedgerStore, run: Run) -> list[Batch]:
    done = {key for key, _ in store.iter_documents(run.company, RUN, batch_prefix(run.key))}
    return [
        Batch(
            company=run.company,
            as_of=run.as_of,
            attempt=run.attempt,
            index=index,
            start=start,
            stop=run.stop_of(index),
            currency=run.basis.currency,
            aging_bounds=run.basis.aging_bounds,
            baseline=run.baseline,
        )
        for index, start in enumerate(run.starts)
        if batch_key(run.key, index) not in done
    ]


# Step 2: one batch.


def run_batch(store: LedgerStore, batch: Batch) -> BatchResult:
    """Compute the snapshots and entries of one batch; safe to run again, or twice at once."""
    with collector_paused():
        return _run_batch(store, batch)


def _run_batch(store: LedgerStore, batch: Batch) -> BatchResult:
    versions = store.ledger_versions(batch.company, batch.start, batch.stop)
    previous = _baseline_entries(store, batch)
    context = AsOfContext(batch.as_of, batch.currency, AgingPeriods(batch.aging_bounds))
    as_of = batch.as_of.isoformat()

    # Sort the customers: figures that still hold, snapshots to roll forward, ledgers to read.
    entries: dict[str, CustomerEntry] = {}
    to_roll: list[str] = []
    to_read: list[str] = []
    for account, version in versions.items():
        entry = previous.get(account)
        if entry is None or entry.version != version:
            to_read.append(account)
        elif entry.holds_on(as_of):
            entries[account] = entry.moved_to(as_of, batch.currency)
        else:
            to_roll.append(account)
    unchanged = len(entries)

    # Roll forward from the snapshots' kept items; a snapshot that does not match its index
    # entry (missing, or from another ledger version) sends the customer to the ledger.
    bodies: list[tuple[str, JsonObject]] = []
    rolled = 0
    for account in to_roll:
        body = store.get_document(batch.company, SNAPSHOT, account)
        if (
            body is None
            or snapshot.ledger_version(body) != versions[account]
            or body["asOf"] > as_of
        ):
            to_read.append(account)
            continue
        figures = night_figures(snapshot.items_of(body), context)
        customer = snapshot.customer_of(batch.company, body)
        activities = snapshot.activities_of(batch.company, body)
        _keep(customer, activities, figures, versions[account], context, entries, bodies)
        rolled += 1

    recomputed = 0
    for ledger in store.customer_ledgers(batch.company, sorted(to_read)):
        figures = night_figures(ledger.items, context)
        _keep(ledger.customer, ledger.activities, figures, ledger.version, context, entries, bodies)
        recomputed += 1

    for chunk in _chunks(bodies, _WRITE_CHUNK):
        store.put_documents(batch.company, SNAPSHOT, chunk)

    # The index first, then the result that marks the batch done. Versions come in account
    # order; an account without a customer row has no entry.
    ordered = [entries[account] for account in versions if account in entries]
    result = BatchResult(batch.index, len(ordered), recomputed, rolled, unchanged)
    store.put_documents(
        batch.company,
        RUN,
        [(index_key(batch.run, batch.index), {"index": batch.index, "entries": ordered})],
    )
    store.put_documents(
        batch.company,
        RUN,
        [
            (
                batch_key(batch.run, batch.index),
                {
                    "index": batch.index,
                    "customers": result.customers,
                    "recomputed": recomputed,
                    "rolledForward": rolled,
                    "unchanged": unchanged,
                    "candidates": candidates(ordered),
                },
            )
        ],
    )
    return result


def _keep(
    customer: Customer,
    activities: Sequence[Activity],
    figures: NightFigures,
    version: int,
    context: AsOfContext,
    entries: dict[str, CustomerEntry],
    bodies: list[tuple[str, JsonObject]],
) -> None:
    entries[customer.account] = entry_of(
        customer, figures, version, context.as_of_iso, context.currency
    )
    bodies.append(
        (customer.account, snapshot.snapshot_body(customer, activities, figures, version, context))
    )


def _baseline_entries(store: LedgerStore, batch: Batch) -> dict[str, CustomerEntry]:
    """The baseline run's entries of the accounts in the batch's range, and perhaps of a few
    neighbours (from an index that overlaps the range), which no lookup asks for."""
    if batch.baseline is None:
        return {}
    body = store.get_document(batch.company, RUN, batch.baseline)
    if body is None:
        return {}
    baseline = Run.from_json(body)

    entries: dict[str, CustomerEntry] = {}
    for index, start in enumerate(baseline.starts):
        stop = baseline.stop_of(index)
        overlaps = (batch.stop is None or start < batch.stop) and (
            stop is None or batch.start < stop
        )
        if not overlaps:
            continue
        document = store.get_document(batch.company, RUN, index_key(baseline.key, index))
        if document is None:
            return {}
        from_json = CustomerEntry.from_json
        entries.update((row[0], from_json(row)) for row in document["entries"])
    return entries


# Step 3: finish.


def finish_run(store: LedgerStore, company: str, as_of: date) -> bool:
    """Merge the batches' lists, switch the pointer to the run, drop older runs' documents.

    Returns ``False`` when the run had already been finished. Raises ``RunNotReady`` while a
    batch is missing. Safe to call twice at once: both write the same documents.
    """
    run = _read_run(store, company, as_of)
    if run is None:
        raise RunNotReady(f"There is no precompute run of {company!r} as of {as_of}.")
    pointer = store.get_document(company, WORKSPACE, POINTER_KEY)
    if run.status == COMPLETE and pointer is not None and pointer["run"] == run.key:
        return False

    results = [b for _, b in store.iter_documents(company, RUN, batch_prefix(run.key))]
    if len(results) < len(run.starts):
        raise RunNotReady(
            f"The precompute run {run.key} of {company!r} has {len(results)} of "
            f"{len(run.starts)} batches done; run the others first."
        )

    # Merge each scope's candidates from every batch into its final lists.
    merged: dict[str, list[CustomerEntry]] = {}
    for result in results:
        for scope, rows in result["candidates"].items():
            merged.setdefault(scope, []).extend(CustomerEntry.from_json(row) for row in rows)
    merged.setdefault(COMPANY_SCOPE, [])
    agents = tuple(sorted(scope for scope in merged if scope != COMPANY_SCOPE))
    store.put_documents(
        company,
        WORKSPACE,
        [
            (lists_key(run.key, None if scope == COMPANY_SCOPE else scope), lists_document(rows))
            for scope, rows in sorted(merged.items())
        ],
    )

    # The switch: one document write, after which readers see this run.
    # A finish killed after the switch is finished again: keep the previous run it named.
    if pointer is None:
        previous = None
    elif pointer["run"] == run.key:
        previous = pointer["previous"]
    else:
        previous = str(pointer["run"])
    store.put_documents(
        company,
        WORKSPACE,
        [
            (
                POINTER_KEY,
                {
                    "asOf": as_of.isoformat(),
                    "run": run.key,
                    "previous": previous,
                    "currency": run.basis.currency,
                    "basis": run.basis.to_json(),
                },
            )
        ],
    )
    finished = dataclasses.replace(run, status=COMPLETE, agents=agents)
    store.put_documents(company, RUN, [(run.key, finished.to_json())])
    _clean_up(store, company, finished, previous)
    return True


def _clean_up(store: LedgerStore, company: str, run: Run, previous: str | None) -> None:
    """Drop the documents of runs readers can no longer reach.

    Kept: this run's documents, and the previous run's lists (a reader that read the old
    pointer just before the switch may still fetch them). Runs started for a later date
    and not finished are left alone: they may still be running.
    """
    state = store.get_document(company, RUN, STATE_KEY) or {"latestStarted": "", "runs": []}
    kept: list[str] = []
    for key in state["runs"]:
        if key == run.key or key.split("/")[0] > run.as_of.isoformat():
            kept.append(key)
            continue
        body = store.get_document(company, RUN, key)
        old = None if body is None else Run.from_json(body)
        count = 0 if old is None else len(old.starts)
        store.delete_documents(
            company,
            RUN,
            [batch_key(key, i) for i in range(count)] + [index_key(key, i) for i in range(count)],
        )
        if key == previous:
            kept.append(key)
            continue
        agents = () if old is None else old.agents
        store.delete_documents(
            company,
            WORKSPACE,
            [lists_key(key, None), *(lists_key(key, agent) for agent in agents)],
        )
        store.delete_documents(company, RUN, [key])
    if previous is not None and previous not in kept:
        kept.append(previous)
    kept_days = {key.split("/")[0] for key in kept}
    dropped_days = {key.split("/")[0] for key in state["runs"]} - kept_days
    store.delete_documents(company, RUN, dropped_days)
    store.put_documents(
        company, RUN, [(STATE_KEY, {"latestStarted": state["latestStarted"], "runs": kept})]
    )


# Readers.


MAX_WORKSPACE_ACTIVITIES = 200


def read_workspace(
    store: LedgerStore, company: str, agent: str | None, top: int
) -> JsonObject | None:
    """The contract's workspace document of the last finished run, or ``None`` before one.

    ``highestBalances`` and ``mostOverdue`` hold at most ``top`` entries; ``activities``
    are the open activities of the company or of ``agent``, oldest end date first, as of the
    run's date, each with the customer's name: the first ``MAX_WORKSPACE_ACTIVITIES`` of
    them, with ``activitiesTotal`` saying how many there are.
    """
    pointer = store.get_document(company, WORKSPACE, POINTER_KEY)
    if pointer is None:
        return None
    lists = store.get_document(company, WORKSPACE, lists_key(pointer["run"], agent)) or {}
    as_of = date.fromisoformat(pointer["asOf"])

    every_activity = store.open_activities(company, agent)
    # A whole company's open activities can run to hundreds of thousands: an agent works the
    # oldest first, and the total says how many wait behind them.
    activities = every_activity[:MAX_WORKSPACE_ACTIVITIES]
    names = {
        account: customer.name
        for account, customer in store.get_customers(
            company, {a.customer for a in activities}
        ).items()
    }
    return {
        "company": company,
        "agent": agent,
        "asOf": pointer["asOf"],
        "currency": pointer["currency"],
        "activities": [
            {**activity_document(a, as_of), "customerName": names.get(a.customer)}
            for a in activities
        ],
        "activitiesTotal": len(every_activity),
        "highestBalances": lists.get("highestBalances", [])[:top],
        "mostOverdue": lists.get("mostOverdue", [])[:top],
    }


def read_snapshot(store: LedgerStore, company: str, account: str) -> JsonObject | None:
    """The customer's details document from its snapshot, as of the last finished run.

    The document is built from the snapshot as of that run's date. A snapshot written by a
    run still in progress, for a later date, answers as of its own date.
    """
    body = store.get_document(company, SNAPSHOT, account)
    if body is None:
        return None
    pointer = store.get_document(company, WORKSPACE, POINTER_KEY)
    as_of = None
    if pointer is not None and pointer["asOf"] >= body["asOf"]:
        as_of = date.fromisoformat(pointer["asOf"])
    return snapshot.details_of(company, body, as_of)


def _chunks(items: Sequence[tuple[str, JsonObject]], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
