"""The run protocol: idempotent, resumable, atomic for readers, incremental, per time zone."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from shared import precompute
from shared.customer_view import ledger_details
from shared.ledger import Company, LedgerBatch, Transaction, TransactionType
from shared.settings import Settings, SettingsError
from shared.stores.base import CustomerLedger, DocumentKind, JsonObject
from shared.stores.sqlite_store import SqliteStore
from tests.precompute.ledgers import TODAY, all_documents, demo_store

SETTINGS = Settings()
BATCH = 40


class CountingStore(SqliteStore):
    """The SQLite store, counting the customers whose ledger or snapshot is read."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.ledgers_read: list[str] = []
        self.snapshots_read: list[str] = []

    def customer_ledgers(self, company: str, accounts: Sequence[str]) -> Iterator[CustomerLedger]:
        for ledger in super().customer_ledgers(company, accounts):
            self.ledgers_read.append(ledger.customer.account)
            yield ledger

    def get_document(self, company: str, kind: DocumentKind, key: str) -> JsonObject | None:
        if kind is DocumentKind.SNAPSHOT:
            self.snapshots_read.append(key)
        return super().get_document(company, kind, key)


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = demo_store(tmp_path / "demo.db")
    yield opened
    opened.close()


def company(store: SqliteStore, company_id: str = "usmf") -> Company:
    found = store.get_company(company_id)
    assert found is not None
    return found


def run(store: SqliteStore, as_of: date, company_id: str = "usmf") -> precompute.PrecomputeReport:
    return precompute.precompute_company(
        store, company(store, company_id), as_of, SETTINGS, batch_size=BATCH
    )


# Results.


def test_every_snapshot_equals_the_details_from_the_ledger(store: SqliteStore) -> None:
    run(store, TODAY)
    usmf = company(store)

    for customer in store.iter_customers("usmf"):
        snapshot = precompute.read_snapshot(store, "usmf", customer.account)
        assert snapshot == ledger_details(store, usmf, customer.account, TODAY, SETTINGS)


def test_snapshots_rolled_forward_equal_the_details_from_the_ledger(store: SqliteStore) -> None:
    usmf = company(store)
    for days in (0, 1, 2, 9, 40):
        run(store, TODAY + timedelta(days=days))

    as_of = TODAY + timedelta(days=40)
    for customer in store.iter_customers("usmf"):
        snapshot = precompute.read_snapshot(store, "usmf", customer.account)
        assert snapshot == ledger_details(store, usmf, customer.account, as_of, SETTINGS)


def test_nights_rolled_forward_read_like_one_full_run(tmp_path: Path) -> None:
    nightly = demo_store(tmp_path / "nightly.db")
    full = demo_store(tmp_path / "full.db")
    last = TODAY + timedelta(days=33)
    for days in (0, 1, 2, 3, 10, 33):
        run(nightly, TODAY + timedelta(days=days))
    report = run(full, last)
    assert report.recomputed == report.customers

    agents = sorted({c.agent for c in full.iter_customers("usmf") if c.agent is not None})
    for agent in [None, *agents]:
        assert precompute.read_workspace(nightly, "usmf", agent, 100) == (
            precompute.read_workspace(full, "usmf", agent, 100)
        )
    for customer in full.iter_customers("usmf"):
        assert precompute.read_snapshot(nightly, "usmf", customer.account) == (
            precompute.read_snapshot(full, "usmf", customer.account)
        )


def test_the_workspace_lists_are_sorted_and_filtered(store: SqliteStore) -> None:
    run(store, TODAY)

    workspace = precompute.read_workspace(store, "usmf", None, 100)

    assert workspace is not None
    assert workspace["asOf"] == TODAY.isoformat()
    assert workspace["currency"] == "USD"
    balances = [(Decimal(e["balance"]), e["account"]) for e in workspace["highestBalances"]]
    assert balances == sorted(balances, key=lambda pair: (-pair[0], pair[1]))
    assert all(balance > 0 for balance, _ in balances)
    overdue = [Decimal(e["overdue"]) for e in workspace["mostOverdue"]]
    assert overdue == sorted(overdue, reverse=True) and all(o > 0 for o in overdue)
    ends = [a["end"] for a in workspace["activities"]]
    assert ends == sorted(ends) and all(a["customerName"] for a in workspace["activities"])
    assert set(workspace["highestBalances"][0]) == {
        "account",
        "name",
        "agent",
        "balance",
        "overdue",
        "creditLimit",
        "creditAvailable",
        "overLimit",
    }


def test_an_agents_workspace_holds_only_their_customers(store: SqliteStore) -> None:
    run(store, TODAY)
    company_lists = precompute.read_workspace(store, "usmf", None, 100)
    assert company_lists is not None
    agent = company_lists["highestBalances"][0]["agent"]

    workspace = precompute.read_workspace(store, "usmf", agent, 5)

    assert workspace is not None
    assert 0 < len(workspace["highestBalances"]) <= 5
    assert {e["agent"] for e in workspace["highestBalances"] + workspace["mostOverdue"]} == {agent}
    assert {a["agent"] for a in workspace["activities"]} <= {agent}
    expected = [e for e in company_lists["highestBalances"] if e["agent"] == agent][:5]
    assert workspace["highestBalances"] == expected


def test_no_workspace_before_the_first_run(store: SqliteStore) -> None:
    assert precompute.read_workspace(store, "usmf", None, 10) is None
    assert precompute.read_snapshot(store, "usmf", "US-1001") is None


# Idempotent.


def test_a_rerun_of_the_same_date_changes_nothing(store: SqliteStore) -> None:
    run(store, TODAY)
    before = all_documents(store)

    report = run(store, TODAY)

    assert report.skipped
    assert all_documents(store) == before


def test_a_rerun_after_a_ledger_change_recomputes_only_that_customer(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "counting.db")
    store.write_batch(_demo())
    run(store, TODAY)
    customer = next(store.iter_customers("usmf"))
    store.write_batch(LedgerBatch(transactions=(_invoice(customer.account, "INV-NEW"),)))
    store.ledgers_read.clear()

    report = run(store, TODAY)

    assert not report.skipped
    assert store.ledgers_read == [customer.account]
    assert report.recomputed == 1
    assert report.run.endswith("/2")
    snapshot = precompute.read_snapshot(store, "usmf", customer.account)
    assert snapshot == ledger_details(store, company(store), customer.account, TODAY, SETTINGS)


# Incremental.


def test_the_next_night_reads_only_the_changed_ledgers(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "counting.db")
    store.write_batch(_demo())
    run(store, TODAY)
    changed = [c.account for c in store.iter_customers("usmf")][::25]
    store.write_batch(LedgerBatch(transactions=tuple(_invoice(a, f"INV-X-{a}") for a in changed)))
    store.ledgers_read.clear()
    store.snapshots_read.clear()

    report = run(store, TODAY + timedelta(days=1))

    assert sorted(store.ledgers_read) == sorted(changed)
    assert report.recomputed == len(changed)
    assert set(store.snapshots_read).isdisjoint(changed)
    assert report.rolled_forward == len(store.snapshots_read)
    assert report.unchanged == report.customers - len(changed) - report.rolled_forward
    assert report.unchanged > 0


# Resumable and atomic.


def test_a_half_done_run_resumes_without_redoing_batches(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "counting.db")
    store.write_batch(_demo())
    usmf = company(store)
    batches = precompute.plan_batches(store, usmf, TODAY, SETTINGS, batch_size=BATCH)
    assert len(batches) >= 4
    for batch in batches[:2]:
        precompute.run_batch(store, batch)
    done = set(store.ledgers_read)
    store.ledgers_read.clear()

    report = run(store, TODAY)

    assert report.batches_resumed == 2
    assert set(store.ledgers_read).isdisjoint(done)
    assert len(done) + len(store.ledgers_read) == len(store.ledger_versions("usmf"))


def test_readers_see_the_old_lists_until_the_switch(store: SqliteStore) -> None:
    run(store, TODAY)
    before = precompute.read_workspace(store, "usmf", None, 100)
    usmf = company(store)
    later = TODAY + timedelta(days=45)

    for batch in precompute.plan_batches(store, usmf, later, SETTINGS, batch_size=BATCH):
        precompute.run_batch(store, batch)
        assert precompute.read_workspace(store, "usmf", None, 100) == before

    assert precompute.finish_run(store, "usmf", later)
    after = precompute.read_workspace(store, "usmf", None, 100)
    assert after is not None and after["asOf"] == later.isoformat()
    assert after != before


def test_finishing_before_every_batch_is_done_is_refused(store: SqliteStore) -> None:
    batches = precompute.plan_batches(store, company(store), TODAY, SETTINGS, batch_size=BATCH)
    precompute.run_batch(store, batches[0])

    with pytest.raises(precompute.RunNotReady, match="batches done"):
        precompute.finish_run(store, "usmf", TODAY)


def test_old_runs_are_cleaned_up(store: SqliteStore) -> None:
    for days in range(5):
        run(store, TODAY + timedelta(days=days))

    keys = {key for (_, kind, key) in all_documents(store) if kind != "snapshot"}
    runs = {key.split("/")[0] for key in keys if key[:1].isdigit()}
    assert runs == {(TODAY + timedelta(days=d)).isoformat() for d in (3, 4)}


def test_a_batch_travels_as_a_message(store: SqliteStore) -> None:
    batch = precompute.plan_batches(store, company(store), TODAY, SETTINGS)[0]

    assert precompute.Batch.from_message(batch.to_message()) == batch


# Time zones.


def test_each_company_runs_as_of_its_own_date(store: SqliteStore) -> None:
    # 23:30 UTC on 30 June is already 1 July in Berlin, still 30 June in New York and London.
    now = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)

    reports = {r.company: r for r in precompute.precompute_all(store, SETTINGS, now)}

    zones = {c.id: c.time_zone for c in store.list_companies()}
    assert zones["demf"] == "Europe/Berlin"
    assert reports["demf"].as_of == date(2025, 7, 1)
    assert reports["usmf"].as_of == date(2025, 6, 30)
    workspace = precompute.read_workspace(store, "demf", None, 1)
    assert workspace is not None and workspace["asOf"] == "2025-07-01"


def test_a_naive_instant_is_refused(store: SqliteStore) -> None:
    with pytest.raises(ValueError, match="aware"):
        precompute.precompute_all(store, SETTINGS, datetime(2025, 6, 30, 23, 30))  # noqa: DTZ001


def test_worker_processes_give_the_same_documents(tmp_path: Path) -> None:
    single = demo_store(tmp_path / "single.db")
    double = demo_store(tmp_path / "double.db")
    usmf = company(single)

    precompute.precompute_company(single, usmf, TODAY, SETTINGS, batch_size=BATCH)
    precompute.precompute_company(
        double,
        usmf,
        TODAY,
        SETTINGS,
        batch_size=BATCH,
        workers=2,
        open_worker_store=lambda: SqliteStore(tmp_path / "double.db"),
    )

    assert all_documents(double) == all_documents(single)


def _demo() -> LedgerBatch:
    from shared.demo_data import demo_batch

    return demo_batch(TODAY, 7)


def _invoice(account: str, id: str) -> Transaction:
    return Transaction(
        company="usmf",
        id=id,
        customer=account,
        type=TransactionType.INVOICE,
        date=TODAY - timedelta(days=3),
        due_date=TODAY + timedelta(days=27),
        amount=Decimal("1234.56"),
        currency="USD",
        accounting_amount=Decimal("1234.56"),
    )


def test_the_batch_size_comes_from_the_settings(store: SqliteStore) -> None:
    settings = Settings.from_environ({"COLLECTIONS_PRECOMPUTE_BATCH_SIZE": "50"})
    customers = len(store.ledger_versions("usmf"))

    batches = precompute.plan_batches(store, company(store), TODAY, settings)

    assert settings.precompute_batch_size == 50
    assert len(batches) == -(-customers // 50)
    with pytest.raises(SettingsError, match="COLLECTIONS_PRECOMPUTE_BATCH_SIZE"):
        Settings.from_environ({"COLLECTIONS_PRECOMPUTE_BATCH_SIZE": "0"})
