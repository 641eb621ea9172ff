"""What only the embedded store promises: its file, its schema, its transactions, its threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from shared.ledger import LedgerBatch
from shared.stores.base import DocumentKind, StoreError
from shared.stores.sqlite_schema import SCHEMA_VERSION
from shared.stores.sqlite_store import SqliteStore
from tests.stores.ledger_records import COMPANY, customer, invoice, payment, settlement


def test_the_file_and_its_folders_appear_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "ledger.db"
    store = SqliteStore(path)
    assert not path.exists()

    assert store.list_companies() == []

    assert path.exists()
    store.close()


def test_the_schema_is_created_once_and_versioned(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    first = SqliteStore(path)
    first.write_batch(LedgerBatch(companies=(COMPANY,)))
    first.close()

    second = SqliteStore(path)
    assert second.list_companies() == [COMPANY]
    second.close()

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    assert {"companies", "transactions", "ledger_versions", "documents"} <= tables


def test_a_file_from_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")

    store = SqliteStore(path)
    with pytest.raises(StoreError, match="newer"):
        store.list_companies()


def test_a_failing_batch_writes_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ledger.db")
    store.write_batch(LedgerBatch(companies=(COMPANY,), customers=(customer("C-1"),)))
    versions = store.ledger_versions(COMPANY.id)

    # The settlement names an invoice that exists nowhere: the whole batch must roll back.
    bad = LedgerBatch(
        customers=(customer("C-2"),),
        transactions=(payment("P-1", "C-1", "2024-01-05", "10.00"),),
        settlements=(settlement("S-1", "INV-404", "P-1", "10.00", "2024-01-05"),),
    )
    with pytest.raises(StoreError, match="INV-404"):
        store.write_batch(bad)

    assert store.get_customers(COMPANY.id, ["C-2"]) == {}
    assert store.get_transactions(COMPANY.id, ["P-1"]) == {}
    assert store.ledger_versions(COMPANY.id) == versions
    store.close()


def test_money_is_stored_as_exact_text(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    store = SqliteStore(path)
    store.write_batch(
        LedgerBatch(
            companies=(COMPANY,),
            customers=(customer("C-1"),),
            transactions=(invoice("I-1", "C-1", "2024-01-01", "2024-01-31", "0.10"),),
        )
    )
    store.close()

    with sqlite3.connect(path) as raw:
        row = raw.execute("SELECT amount, typeof(amount), date FROM transactions").fetchone()
    assert row == ("0.10", "text", "2024-01-01")


def test_an_equal_document_is_not_rewritten(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ledger.db")
    pair = ("k", {"a": "1.00"})

    assert store.put_documents(COMPANY.id, DocumentKind.SNAPSHOT, [pair]) == 1
    assert store.put_documents(COMPANY.id, DocumentKind.SNAPSHOT, [pair]) == 0
    assert store.put_documents(COMPANY.id, DocumentKind.SNAPSHOT, [("k", {"a": "2.00"})]) == 1
    store.close()


def test_threads_write_and_read_through_their_own_connections(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ledger.db")
    store.write_batch(LedgerBatch(companies=(COMPANY,)))
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(20):
                account = f"T{worker}-{n:02d}"
                store.write_batch(LedgerBatch(customers=(customer(account),)))
                assert account in store.get_customers(COMPANY.id, [account])
        except BaseException as error:  # handed to the main thread, which fails the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(store.ledger_versions(COMPANY.id)) == 80
    store.close()
