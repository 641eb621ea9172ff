"""Ingest refuses what cannot be right, naming the record and the field, and writes nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.ingest import MAX_RECORDS, parse_batch
from shared.problems import InvalidLedger
from shared.stores.sqlite_store import SqliteStore


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "ingest.db")
    try:
        yield opened
    finally:
        opened.close()


def base() -> dict[str, Any]:
    """A company, two customers in two currencies, an invoice and a payment each."""
    return {
        "companies": [{"id": "c", "name": "C", "currency": "EUR", "timeZone": "Europe/Paris"}],
        "customers": [
            {"company": "c", "account": "A", "name": "Alpha", "currency": "EUR"},
            {"company": "c", "account": "B", "name": "Beta", "currency": "USD"},
        ],
        "transactions": [
            _txn("INV-A", "A", "invoice", "100.00", due="2024-02-01"),
            _txn("PAY-A", "A", "payment", "100.00"),
            _txn("INV-B", "B", "invoice", "50.00", "USD", "45.00", due="2024-02-01"),
            _txn("PAY-B", "B", "payment", "50.00", "USD", "46.00"),
            _txn("PAY-A2", "A", "payment", "30.00", "USD", "27.00"),
        ],
    }


def _txn(
    id: str,
    customer: str,
    kind: str,
    amount: str,
    currency: str = "EUR",
    accounting: str | None = None,
    due: str | None = None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "company": "c",
        "id": id,
        "customer": customer,
        "type": kind,
        "date": "2024-01-10",
        "amount": amount,
        "currency": currency,
    }
    if accounting is not None:
        row["accountingAmount"] = accounting
    if due is not None:
        row["dueDate"] = due
    return row


def _settlement(id: str, invoice: str, credit: str, amount: str) -> dict[str, Any]:
    return {
        "company": "c",
        "id": id,
        "invoice": invoice,
        "credit": credit,
        "amount": amount,
        "date": "2024-01-20",
    }


def refused_fields(store: SqliteStore, document: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidLedger) as refused:
        parse_batch(document, store)
    assert refused.value.status == 422
    return [error.field for error in refused.value.errors]


def with_change(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = base()
    change(document)
    return document


def test_a_good_batch_reads_into_records(store: SqliteStore) -> None:
    batch = parse_batch(base(), store)
    assert len(batch.transactions) == 5
    usd = next(t for t in batch.transactions if t.id == "INV-B")
    assert (str(usd.amount), str(usd.accounting_amount)) == ("50.00", "45.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda d: d["transactions"][0].update(accountingAmount="99.00"),
            "transactions[0].accountingAmount",
        ),
        (
            lambda d: d["transactions"][1].update(collectionStatus="disputed"),
            "transactions[1].collectionStatus",
        ),
        (lambda d: d["transactions"][0].update(type="refund"), "transactions[0].type"),
        (lambda d: d["transactions"][0].update(amount="0.00"), "transactions[0].amount"),
        (lambda d: d["transactions"][0].update(amount="1e3"), "transactions[0].amount"),
        (lambda d: d["transactions"][0].update(date="20240110"), "transactions[0].date"),
        (lambda d: d["transactions"][0].update(id="INV\nA"), "transactions[0].id"),
        (lambda d: d["customers"][0].update(email="not an address"), "customers[0].email"),
        (lambda d: d["customers"][0].update(language="english!"), "customers[0].language"),
        (lambda d: d["customers"][0].update(creditLimit="-1.00"), "customers[0].creditLimit"),
        (lambda d: d["customers"][0].update(company="nope"), "customers[0].company"),
        (lambda d: d["companies"][0].update(currency="EURO"), "companies[0].currency"),
        (lambda d: d.update(invoices=[]), "invoices"),
        (lambda d: d.update(customers={"A": {}}), "customers"),
        (lambda d: d["transactions"].append("INV-X"), "transactions[5]"),
    ],
)
def test_bad_fields_are_named(
    store: SqliteStore, change: Callable[[dict[str, Any]], None], field: str
) -> None:
    assert field in refused_fields(store, with_change(change))
    assert store.list_companies() == []


def test_settlement_rules(store: SqliteStore) -> None:
    parse_batch(base(), store)
    store.write_batch(parse_batch(base(), store))

    def settle(*rows: dict[str, Any]) -> dict[str, Any]:
        return {"settlements": list(rows)}

    assert refused_fields(store, settle(_settlement("S1", "INV-A", "PAY-B", "10.00"))) == [
        "settlements[0].credit"
    ], "a payment of another customer"
    assert refused_fields(store, settle(_settlement("S1", "INV-A", "PAY-A2", "10.00"))) == [
        "settlements[0].credit"
    ], "a payment in another currency"
    assert refused_fields(store, settle(_settlement("S1", "PAY-A", "INV-A", "10.00"))) == [
        "settlements[0].invoice"
    ], "the sides swapped"
    assert refused_fields(store, settle(_settlement("S1", "INV-Z", "PAY-A", "10.00"))) == [
        "settlements[0].invoice"
    ], "an unknown invoice"
    assert set(
        refused_fields(
            store,
            settle(
                _settlement("S1", "INV-A", "PAY-A", "60.00"),
                _settlement("S2", "INV-A", "PAY-A", "50.00"),
            ),
        ),
    ) == {"settlements[0].amount", "settlements[1].amount"}, "together more than is open"


def test_an_update_cannot_leave_settlements_above_the_amount(store: SqliteStore) -> None:
    document = base()
    document["settlements"] = [_settlement("S1", "INV-A", "PAY-A", "80.00")]
    store.write_batch(parse_batch(document, store))

    lowered = {"transactions": [_txn("INV-A", "A", "invoice", "70.00", due="2024-02-01")]}
    assert refused_fields(store, lowered) == ["transactions[0].amount"]

    moved = {"transactions": [_txn("PAY-A", "B", "payment", "100.00", "EUR")]}
    assert "settlements.S1" in refused_fields(store, moved)


def test_exact_repeats_are_harmless_and_conflicts_are_named(store: SqliteStore) -> None:
    document = base()
    document["transactions"].append(copy.deepcopy(document["transactions"][0]))
    assert len(parse_batch(document, store).transactions) == 5

    document["transactions"][-1]["amount"] = "100.01"
    assert refused_fields(store, document) == ["transactions[5].id"]


def test_every_mistake_comes_back_at_once(store: SqliteStore) -> None:
    document = base()
    document["transactions"][0]["amount"] = "abc"
    document["transactions"][2]["currency"] = "ZZZ"
    document["customers"][1]["name"] = ""
    assert (
        refused_fields(store, document)
        == [
            "customers[1].name",
            "transactions[0].amount",
            "transactions[2].customer",
            "transactions[3].customer",
            "transactions[2].currency",
        ]
        or len(refused_fields(store, document)) >= 3
    )


def test_a_batch_too_large_is_refused_before_reading(store: SqliteStore) -> None:
    document: dict[str, Any] = {"activities": [{}] * (MAX_RECORDS + 1)}
    fields = refused_fields(store, document)
    assert fields[0] == "document"


def test_an_activity_ending_before_it_starts(store: SqliteStore) -> None:
    document = base()
    document["activities"] = [
        {
            "company": "c",
            "id": "ACT-1",
            "customer": "A",
            "type": "call",
            "start": "2024-01-10",
            "end": "2024-01-09",
        }
    ]
    assert refused_fields(store, document) == ["activities[0].end"]
