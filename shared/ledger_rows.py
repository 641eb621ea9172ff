"""A customer's ledger as compact rows: the form the precompute reads, computes on and keeps.

``ItemRow`` holds the same facts as ``shared.figures.LedgerItem``, one transaction with the
settlements that touch it, but as a tuple of JSON-ready values: dates as ``YYYY-MM-DD``
strings and amounts as exact decimal strings (``"1234.50"``). That shape costs nothing to read
from a store that keeps text, compares and sorts like the values it stands for (ISO dates
order as strings), and goes into a snapshot document as it is. Figures convert only the
values they need, when they need them.

Invariants, the same as ``ledger_items``: items are ordered by date then id, and each item's
applications by date then settlement id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from shared.figures import Application, LedgerItem
from shared.ledger import CollectionStatus, Settlement, Transaction, TransactionType


class ApplicationRow(NamedTuple):
    """A settlement seen from one of its transactions: ISO date, settlement id, amount."""

    date: str
    settlement: str
    amount: str


class ItemRow(NamedTuple):
    """A transaction and its applications; ``type`` and ``collection_status`` are enum values."""

    id: str
    type: str
    date: str
    due_date: str | None
    amount: str
    currency: str
    accounting_amount: str
    collection_status: str
    promise_date: str | None
    applications: tuple[ApplicationRow, ...] = ()


def decimal_text(value: Decimal) -> str:
    """Write an amount as plain decimal text, never in exponent notation."""
    return format(value, "f")


def item_rows(
    transactions: Iterable[Transaction], settlements: Iterable[Settlement]
) -> list[ItemRow]:
    """Join a customer's transactions to their settlements, ordered like ``ledger_items``."""
    by_transaction: dict[str, list[ApplicationRow]] = {}
    for settlement in settlements:
        row = ApplicationRow(
            settlement.date.isoformat(), settlement.id, decimal_text(settlement.amount)
        )
        by_transaction.setdefault(settlement.invoice, []).append(row)
        by_transaction.setdefault(settlement.credit, []).append(row)

    rows = [
        ItemRow(
            id=t.id,
            type=t.type.value,
            date=t.date.isoformat(),
            due_date=_optional_iso(t.due_date),
            amount=decimal_text(t.amount),
            currency=t.currency,
            accounting_amount=decimal_text(t.accounting_amount),
            collection_status=t.collection_status.value,
            promise_date=_optional_iso(t.promise_date),
            applications=tuple(sorted(by_transaction.get(t.id, ()), key=_application_order)),
        )
        for t in transactions
    ]
    rows.sort(key=lambda row: (row.date, row.id))
    return rows


def to_ledger_items(rows: Sequence[ItemRow]) -> list[LedgerItem]:
    """Turn rows back into ``LedgerItem`` records, for ``shared.figures.compute_figures``."""
    return [
        LedgerItem(
            id=row.id,
            type=TransactionType(row.type),
            date=date.fromisoformat(row.date),
            due_date=_optional_date(row.due_date),
            amount=Decimal(row.amount),
            currency=row.currency,
            accounting_amount=Decimal(row.accounting_amount),
            collection_status=CollectionStatus(row.collection_status),
            promise_date=_optional_date(row.promise_date),
            applications=tuple(
                Application(date.fromisoformat(a.date), a.settlement, Decimal(a.amount))
                for a in row.applications
            ),
        )
        for row in rows
    ]


def _application_order(row: ApplicationRow) -> tuple[str, str]:
    return (row.date, row.settlement)


def _optional_iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _optional_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
