"""The contract every store keeps, run against each store the ``store`` fixture lists.

Written from the caller's side: what ``write_batch`` counts and versions, what the reads
return and in which order, and how derived documents are kept and iterated.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from shared.ledger import ActivityStatus, Company, LedgerBatch
from shared.ledger_rows import item_rows
from shared.stores.base import DocumentKind, LedgerStore
from tests.stores.ledger_records import (
    COMPANY,
    activity,
    customer,
    invoice,
    payment,
    settlement,
)

BASE = LedgerBatch(
    companies=(COMPANY,),
    customers=(customer("C-002"), customer("C-001", agent="ben")),
    transactions=(
        invoice("INV-1", "C-001", "2024-01-10", "2024-02-09", "100.10"),
        invoice("INV-2", "C-001", "2024-01-05", "2024-02-04", "50.00"),
        payment("PAY-1", "C-001", "2024-02-01", "60.00"),
        invoice("INV-3", "C-002", "2024-03-01", "2024-03-31", "999.99"),
    ),
    settlements=(settlement("S-1", "INV-1", "PAY-1", "60.00", "2024-02-01"),),
    activities=(
        activity("A-2", "C-001", "2024-03-05", agent="ben"),
        activity("A-1", "C-002", "2024-03-05"),
        activity("A-3", "C-002", "2024-02-01"),
        activity("A-4", "C-001", "2024-01-01", status=ActivityStatus.CLOSED),
    ),
)


# Upserts and what they count.


def test_first_write_counts_every_record_as_written(store: LedgerStore) -> None:
    summary = store.write_batch(BASE)

    assert dict(summary.written) == {
        "companies": 1,
        "customers": 2,
        "transactions": 4,
        "settlements": 1,
        "activities": 4,
    }
    assert summary.total_written == 12
    assert not any(summary.unchanged.values())


def test_the_same_batch_twice_changes_nothing(store: LedgerStore) -> None:
    store.write_batch(BASE)
    versions = store.ledger_versions(COMPANY.id)

    summary = store.write_batch(BASE)

    assert summary.total_written == 0
    assert dict(summary.unchanged) == {
        "companies": 1,
        "customers": 2,
        "transactions": 4,
        "settlements": 1,
        "activities": 4,
    }
    assert store.ledger_versions(COMPANY.id) == versions


def test_a_changed_record_is_updated_and_counted(store: LedgerStore) -> None:
    store.write_batch(BASE)
    changed = dataclasses.replace(BASE.transactions[0], amount=Decimal("120.10"))

    summary = store.write_batch(LedgerBatch(transactions=(changed, BASE.transactions[1])))

    assert summary.written.get("transactions") == 1
    assert summary.unchanged.get("transactions") == 1
    assert store.get_transactions(COMPANY.id, ["INV-1"])["INV-1"] == changed


def test_money_and_dates_come_back_exactly(store: LedgerStore) -> None:
    dinar = Company("kw", "Kuwait Trading", "KWD", "Asia/Kuwait")
    account = dataclasses.replace(customer("K-1"), company="kw", credit_limit=None)
    tiny = dataclasses.replace(
        invoice("K-INV", "K-1", "2024-02-29", "2024-03-31", "0.125"),
        company="kw",
        currency="KWD",
        amount=Decimal("0.125"),
        accounting_amount=Decimal("0.125"),
    )
    store.write_batch(LedgerBatch(companies=(dinar,), customers=(account,), transactions=(tiny,)))

    assert store.get_transactions("kw", ["K-INV"]) == {"K-INV": tiny}
    assert store.get_customers("kw", ["K-1"]) == {"K-1": account}
    assert str(store.get_transactions("kw", ["K-INV"])["K-INV"].amount) == "0.125"


# Ledger versions.


def test_every_customer_has_a_version_after_its_first_write(store: LedgerStore) -> None:
    store.write_batch(BASE)

    versions = store.ledger_versions(COMPANY.id)

    assert list(versions) == ["C-001", "C-002"]
    assert all(version >= 1 for version in versions.values())


def test_a_change_raises_only_its_customers_version(store: LedgerStore) -> None:
    store.write_batch(BASE)
    before = store.ledger_versions(COMPANY.id)

    store.write_batch(
        LedgerBatch(
            transactions=(payment("PAY-2", "C-002", "2024-03-10", "10.00"),),
            settlements=(settlement("S-2", "INV-3", "PAY-2", "10.00", "2024-03-10"),),
        )
    )
    after = store.ledger_versions(COMPANY.id)

    assert after["C-001"] == before["C-001"]
    assert after["C-002"] > before["C-002"]


def test_a_settlement_raises_its_invoices_customer(store: LedgerStore) -> None:
    store.write_batch(BASE)
    before = store.ledger_versions(COMPANY.id)

    changed = dataclasses.replace(BASE.settlements[0], amount=Decimal("50.00"))
    store.write_batch(LedgerBatch(settlements=(changed,)))

    assert store.ledger_versions(COMPANY.id)["C-001"] > before["C-001"]
    assert store.ledger_versions(COMPANY.id)["C-002"] == before["C-002"]


def test_an_activity_raises_its_customers_version(store: LedgerStore) -> None:
    store.write_batch(BASE)
    before = store.ledger_versions(COMPANY.id)

    closed = dataclasses.replace(BASE.activities[1], status=ActivityStatus.CLOSED)
    store.write_batch(LedgerBatch(activities=(closed,)))

    assert store.ledger_versions(COMPANY.id)["C-002"] > before["C-002"]
    assert store.ledger_versions(COMPANY.id)["C-001"] == before["C-001"]


def test_a_moved_transaction_raises_both_customers(store: LedgerStore) -> None:
    store.write_batch(BASE)
    before = store.ledger_versions(COMPANY.id)

    moved = dataclasses.replace(BASE.transactions[1], customer="C-002")
    store.write_batch(LedgerBatch(transactions=(moved,)))

    after = store.ledger_versions(COMPANY.id)
    assert after["C-001"] > before["C-001"]
    assert after["C-002"] > before["C-002"]


def test_ledger_versions_of_a_range_of_accounts(store: LedgerStore) -> None:
    accounts = [f"R-{n:03d}" for n in range(10)]
    store.write_batch(LedgerBatch(customers=tuple(customer(a) for a in accounts)))

    assert list(store.ledger_versions(COMPANY.id, "R-003", "R-006")) == accounts[3:6]
    assert list(store.ledger_versions(COMPANY.id, "R-008")) == accounts[8:]
    assert list(store.ledger_versions(COMPANY.id, "R-0035", "R-004")) == []


# Reads of the ledger.


def test_companies_and_customers(store: LedgerStore) -> None:
    store.write_batch(BASE)

    assert store.list_companies() == [COMPANY]
    assert store.get_company(COMPANY.id) == COMPANY
    assert store.get_company("nobody") is None
    assert store.get_customers(COMPANY.id, ["C-001", "C-404"]) == {"C-001": BASE.customers[1]}
    assert [c.account for c in store.iter_customers(COMPANY.id)] == ["C-001", "C-002"]


def test_iter_customers_orders_many_accounts(store: LedgerStore) -> None:
    accounts = [f"N-{n:04d}" for n in range(1_203)]
    store.write_batch(LedgerBatch(customers=tuple(customer(a) for a in reversed(accounts))))

    assert [c.account for c in store.iter_customers(COMPANY.id)] == accounts
    assert list(store.iter_customers("nobody")) == []


def test_transactions_and_settlements_by_id(store: LedgerStore) -> None:
    store.write_batch(BASE)

    found = store.get_transactions(COMPANY.id, ["INV-2", "PAY-1", "NOPE"])

    assert found == {"INV-2": BASE.transactions[1], "PAY-1": BASE.transactions[2]}
    assert store.get_settlements(COMPANY.id, ["S-1", "S-404"]) == {"S-1": BASE.settlements[0]}


def test_settlements_touching_either_side(store: LedgerStore) -> None:
    store.write_batch(BASE)

    assert store.settlements_touching(COMPANY.id, ["INV-1"]) == [BASE.settlements[0]]
    assert store.settlements_touching(COMPANY.id, ["PAY-1"]) == [BASE.settlements[0]]
    assert store.settlements_touching(COMPANY.id, ["INV-2", "INV-3"]) == []


def test_customer_ledger(store: LedgerStore) -> None:
    store.write_batch(BASE)

    transactions, settlements = store.customer_ledger(COMPANY.id, "C-001")

    assert [t.id for t in transactions] == ["INV-2", "INV-1", "PAY-1"]
    assert settlements == [BASE.settlements[0]]
    assert store.customer_ledger(COMPANY.id, "C-404") == ([], [])


def test_customer_ledgers_in_one_read(store: LedgerStore) -> None:
    store.write_batch(BASE)
    versions = store.ledger_versions(COMPANY.id)

    ledgers = list(store.customer_ledgers(COMPANY.id, ["C-000", "C-001", "C-002"]))

    assert [ledger.customer.account for ledger in ledgers] == ["C-001", "C-002"]
    first = ledgers[0]
    assert first.customer == BASE.customers[1]
    assert first.version == versions["C-001"]
    assert list(first.items) == item_rows(BASE.transactions[:3], BASE.settlements)
    assert [a.id for a in first.activities] == ["A-4", "A-2"]
    assert [a.id for a in ledgers[1].activities] == ["A-3", "A-1"]


def test_customer_ledgers_of_a_sparse_selection(store: LedgerStore) -> None:
    accounts = [f"S-{n:04d}" for n in range(300)]
    store.write_batch(LedgerBatch(customers=tuple(customer(a) for a in accounts)))

    chosen = accounts[5:300:37]
    ledgers = list(store.customer_ledgers(COMPANY.id, chosen))

    assert [ledger.customer.account for ledger in ledgers] == chosen
    assert list(store.customer_ledgers(COMPANY.id, [])) == []


def test_open_activities_oldest_end_first(store: LedgerStore) -> None:
    store.write_batch(BASE)

    assert [a.id for a in store.open_activities(COMPANY.id)] == ["A-3", "A-1", "A-2"]
    assert [a.id for a in store.open_activities(COMPANY.id, "ana")] == ["A-3", "A-1"]
    assert [a.id for a in store.open_activities(COMPANY.id, "ben")] == ["A-2"]
    assert store.open_activities(COMPANY.id, "nobody") == []


def test_customer_activities_open_and_closed(store: LedgerStore) -> None:
    store.write_batch(BASE)

    assert [a.id for a in store.customer_activities(COMPANY.id, "C-001")] == ["A-4", "A-2"]


# Derived documents.


def test_documents_round_trip_and_overwrite(store: LedgerStore) -> None:
    body = {"asOf": "2024-03-01", "balance": "12.30", "names": ["Müller", "東京"], "n": 1}

    assert store.put_documents(COMPANY.id, DocumentKind.SNAPSHOT, [("C-001", body)]) == 1
    assert store.get_document(COMPANY.id, DocumentKind.SNAPSHOT, "C-001") == body
    assert store.get_document(COMPANY.id, DocumentKind.WORKSPACE, "C-001") is None
    assert store.get_document("other", DocumentKind.SNAPSHOT, "C-001") is None

    store.put_documents(COMPANY.id, DocumentKind.SNAPSHOT, [("C-001", {"balance": "0.00"})])
    assert store.get_document(COMPANY.id, DocumentKind.SNAPSHOT, "C-001") == {"balance": "0.00"}


def test_documents_by_prefix_in_key_order(store: LedgerStore) -> None:
    keys = [f"run/{n:04d}" for n in range(1_100)] + ["run", "run0", "rum/9", "run/"]
    store.put_documents(COMPANY.id, DocumentKind.RUN, [(key, {"key": key}) for key in keys])

    found = list(store.iter_documents(COMPANY.id, DocumentKind.RUN, "run/"))

    assert [key for key, _ in found] == ["run/", *(f"run/{n:04d}" for n in range(1_100))]
    assert all(body == {"key": key} for key, body in found)
    assert [key for key, _ in store.iter_documents(COMPANY.id, DocumentKind.RUN)] == sorted(keys)
    assert list(store.iter_documents(COMPANY.id, DocumentKind.AUDIT)) == []


def test_delete_documents(store: LedgerStore) -> None:
    store.put_documents(COMPANY.id, DocumentKind.WORKSPACE, [("a", {}), ("b", {}), ("c", {})])

    assert store.delete_documents(COMPANY.id, DocumentKind.WORKSPACE, ["a", "c", "zz"]) == 2
    assert [k for k, _ in store.iter_documents(COMPANY.id, DocumentKind.WORKSPACE)] == ["b"]
    assert store.delete_documents(COMPANY.id, DocumentKind.WORKSPACE, []) == 0
