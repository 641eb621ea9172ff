"""Ledgers for the precompute tests: random small ones for properties, and the demo ledger."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import strategies as st

from shared.demo_data import demo_batch
from shared.ledger import (
    CollectionStatus,
    Customer,
    Settlement,
    Transaction,
    TransactionType,
)
from shared.stores.base import DocumentKind, JsonObject, LedgerStore
from shared.stores.sqlite_store import SqliteStore

TODAY = date(2025, 6, 30)
START = date(2023, 11, 1)
CUSTOMER = Customer(
    company="c1",
    account="A-1",
    name="Ledger Test GmbH",
    currency="EUR",
    credit_limit=Decimal("5000.00"),
    customer_since=date(2021, 8, 31),
)


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list[Transaction], list[Settlement]]:
    """A customer's ledger that keeps the invariants of ``shared.ledger``.

    Dates spread over twenty months around leap days and month ends; some invoices are in a
    second currency with their own rate; settlements never exceed what is open on either
    side and are dated on or after both.
    """
    transactions: list[Transaction] = []
    for number in range(draw(st.integers(1, 9))):
        kind = draw(st.sampled_from(list(TransactionType)))
        on = START + timedelta(days=draw(st.integers(0, 640)))
        cents = draw(st.integers(1, 500_000))
        foreign = draw(st.booleans())
        amount = Decimal(cents).scaleb(-2)
        transactions.append(
            Transaction(
                company="c1",
                id=f"T{number}",
                customer="A-1",
                type=kind,
                date=on,
                amount=amount,
                currency="USD" if foreign else "EUR",
                accounting_amount=(amount * Decimal("0.91")).quantize(Decimal("0.01"))
                if foreign
                else amount,
                due_date=on + timedelta(days=draw(st.integers(0, 75))) if kind.is_debit else None,
                collection_status=draw(st.sampled_from(list(CollectionStatus))),
            )
        )

    invoices = [t for t in transactions if t.type.is_debit]
    credits = [t for t in transactions if not t.type.is_debit]
    open_amounts = {t.id: t.amount for t in transactions}
    settlements: list[Settlement] = []
    for number in range(draw(st.integers(0, 8))):
        if not invoices or not credits:
            break
        debit = draw(st.sampled_from(invoices))
        credit = draw(st.sampled_from(credits))
        if debit.currency != credit.currency:
            continue
        most = min(open_amounts[debit.id], open_amounts[credit.id])
        if most <= 0:
            continue
        full = draw(st.booleans())
        amount = most if full else (most * draw(st.integers(1, 99)) / 100).quantize(Decimal("0.01"))
        if amount <= 0:
            continue
        earliest = max(debit.date, credit.date)
        settlements.append(
            Settlement(
                "c1",
                f"S{number}",
                debit.id,
                credit.id,
                amount,
                earliest + timedelta(days=draw(st.integers(0, 90))),
            )
        )
        open_amounts[debit.id] -= amount
        open_amounts[credit.id] -= amount
    return transactions, settlements


def demo_store(path: Path) -> SqliteStore:
    """A store holding the demo ledger dated around ``TODAY``."""
    store = SqliteStore(path)
    store.write_batch(demo_batch(TODAY, 7))
    return store


def all_documents(store: LedgerStore) -> dict[tuple[str, str, str], JsonObject]:
    """Every derived document of every company, by company, kind and key."""
    return {
        (company.id, kind.value, key): body
        for company in store.list_companies()
        for kind in DocumentKind
        for key, body in store.iter_documents(company.id, kind)
    }
