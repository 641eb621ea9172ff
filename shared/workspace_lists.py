"""The workspace lists: customers with the highest balances and with the most overdue.

Each customer of a run is summed up in a ``CustomerEntry``, which serves twice: as the
customer's line in the lists, and as the roll-forward index the next run reads instead of
the snapshot (ledger version, the snapshot's as-of date, how long its open items hold, and
the open invoices not yet overdue, so that the overdue amount can follow the date). In
stored documents an entry is a JSON array in field order, a tenth of the size of an object.

List order, the contract's: descending by the figure, then by account ascending. A list keeps
at most ``LIST_LENGTH`` entries, and only customers whose figure is above zero: a customer
owing nothing is not among the highest balances. Lists exist per company and per agent;
merging the top entries of every batch gives the top entries of the whole company, because a
customer in the overall top ``n`` is in the top ``n`` of its own batch.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any, NamedTuple

from shared.ledger import Customer
from shared.money import format_amount
from shared.snapshot_figures import NightFigures

JsonObject = dict[str, Any]

LIST_LENGTH = 100
COMPANY_SCOPE = ""
_ZERO = Decimal(0)


class CustomerEntry(NamedTuple):
    """One customer in a run: its list figures (decimal strings) and its snapshot's index."""

    account: str
    name: str
    agent: str | None
    balance: str
    overdue: str
    credit_limit: str | None
    credit_available: str | None
    over_limit: bool
    version: int
    snapshot_as_of: str
    valid_through: str | None
    pending: Sequence[Sequence[str]] = ()

    @classmethod
    def from_json(cls, row: Sequence[Any]) -> CustomerEntry:
        return _new_entry(cls, row)

    def holds_on(self, as_of: str) -> bool:
        """Whether the snapshot's open items are those of ``as_of`` (an ISO date)."""
        return self.snapshot_as_of <= as_of and (
            self.valid_through is None or as_of <= self.valid_through
        )

    def moved_to(self, as_of: str, currency: str) -> CustomerEntry:
        """The entry on a later date its items still hold on: invoices due before it are
        overdue now. ``pending`` is in due date order, so most nights look at one pair."""
        pending = self.pending
        if not pending or pending[0][0] >= as_of:
            return self
        overdue = Decimal(self.overdue)
        count = 0
        for due_date, amount in pending:
            if due_date >= as_of:
                break
            overdue += Decimal(amount)
            count += 1
        return _new_entry(
            CustomerEntry,
            (*self[:4], format_amount(overdue, currency), *self[5:11], pending[count:]),
        )

    def document(self) -> JsonObject:
        """The entry as the workspace document lists it."""
        return {
            "account": self.account,
            "name": self.name,
            "agent": self.agent,
            "balance": self.balance,
            "overdue": self.overdue,
            "creditLimit": self.credit_limit,
            "creditAvailable": self.credit_available,
            "overLimit": self.over_limit,
        }


_new_entry = tuple.__new__


def entry_of(
    customer: Customer, figures: NightFigures, version: int, as_of: str, currency: str
) -> CustomerEntry:
    """The entry of a customer from the night's figures (``currency``: the accounting one)."""
    limit = customer.credit_limit
    available = None if limit is None else limit - figures.balance
    return CustomerEntry(
        account=customer.account,
        name=customer.name,
        agent=customer.agent,
        balance=format_amount(figures.balance, currency),
        overdue=format_amount(figures.overdue, currency),
        credit_limit=None if limit is None else format_amount(limit, currency),
        credit_available=None if available is None else format_amount(available, currency),
        over_limit=available is not None and available < _ZERO,
        version=version,
        snapshot_as_of=as_of,
        valid_through=figures.valid_through,
        pending=sorted(figures.pending),
    )


def highest_balances(entries: Iterable[CustomerEntry], limit: int) -> list[CustomerEntry]:
    return _top(((Decimal(e.balance), e) for e in entries), limit)


def most_overdue(entries: Iterable[CustomerEntry], limit: int) -> list[CustomerEntry]:
    return _top(((Decimal(e.overdue), e) for e in entries), limit)


def _top(figures: Iterable[tuple[Decimal, CustomerEntry]], limit: int) -> list[CustomerEntry]:
    """The ``limit`` entries with the largest figure above zero, in list order."""
    ranked = heapq.nsmallest(
        limit,
        ((figure, entry) for figure, entry in figures if figure > _ZERO),
        key=lambda pair: (-pair[0], pair[1].account),
    )
    return [entry for _, entry in ranked]


def candidates(entries: Sequence[CustomerEntry]) -> dict[str, list[CustomerEntry]]:
    """Per scope (the company, each agent), the entries that can reach either list.

    These are a batch's partial top lists, each in account order; every agent of the batch
    has a scope, even one whose customers owe nothing. A partial list may hold more than
    ``LIST_LENGTH`` entries, never fewer of the right ones (``contenders``).
    """
    scopes: dict[str, list[CustomerEntry]] = {COMPANY_SCOPE: list(entries)}
    for entry in entries:
        if entry.agent is not None:
            scopes.setdefault(entry.agent, []).append(entry)

    partial: dict[str, list[CustomerEntry]] = {}
    for scope, members in scopes.items():
        chosen = {e.account: e for e in contenders(members, _BALANCE)}
        chosen.update((e.account, e) for e in contenders(members, _OVERDUE))
        partial[scope] = [chosen[account] for account in sorted(chosen)]
    return partial


_BALANCE: Callable[[CustomerEntry], str] = attrgetter("balance")
_OVERDUE: Callable[[CustomerEntry], str] = attrgetter("overdue")


def contenders(
    entries: Sequence[CustomerEntry], figure_of: Callable[[CustomerEntry], str]
) -> list[CustomerEntry]:
    """The entries that can be among the ``LIST_LENGTH`` largest by ``figure_of``, above 0.

    Chosen on ``float`` figures, three times cheaper to read than ``Decimal`` ones and
    sorted by a fast path of their own, then ranked exactly by the caller. That is safe
    because rounding to the nearest float never reverses an order, it can only make two
    amounts equal: keeping every entry whose figure, as a float, reaches the
    ``LIST_LENGTH``-th largest keeps every entry of the exact top list, ties included.
    """
    figures = [float(figure_of(entry)) for entry in entries]
    floor = 0.0 if len(figures) < LIST_LENGTH else sorted(figures)[-LIST_LENGTH]
    return [
        entry
        for entry, figure in zip(entries, figures, strict=True)
        if figure > 0.0 and figure >= floor
    ]


def lists_document(entries: Sequence[CustomerEntry]) -> JsonObject:
    """The stored lists of one scope, each at most ``LIST_LENGTH`` long."""
    balances = highest_balances(contenders(entries, _BALANCE), LIST_LENGTH)
    overdue = most_overdue(contenders(entries, _OVERDUE), LIST_LENGTH)
    return {
        "highestBalances": [e.document() for e in balances],
        "mostOverdue": [e.document() for e in overdue],
    }
