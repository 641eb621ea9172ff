"""Bulk loading from JSON Lines and CSV: validated like an ingest, written in chunks."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from shared.bulk_load import BulkLoadError, bulk_load, main
from shared.stores.sqlite_store import SqliteStore

COMPANY = {
    "kind": "company",
    "id": "acme",
    "name": "Acme",
    "currency": "EUR",
    "timeZone": "Europe/Berlin",
}


def customer(account: str) -> dict[str, str]:
    return {
        "kind": "customer",
        "company": "acme",
        "account": account,
        "name": f"C {account}",
        "currency": "EUR",
    }


def invoice(id: str, account: str, amount: str = "100.00") -> dict[str, str]:
    return {
        "kind": "transaction",
        "company": "acme",
        "id": id,
        "customer": account,
        "type": "invoice",
        "date": "2025-01-10",
        "dueDate": "2025-02-09",
        "amount": amount,
        "currency": "EUR",
    }


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def test_jsonl_is_loaded_in_chunks_and_idempotent(tmp_path: Path) -> None:
    records = [COMPANY, *(customer(f"A-{n:03d}") for n in range(30))]
    records += [invoice(f"I-{n:03d}", f"A-{n % 30:03d}") for n in range(70)]
    path = write_jsonl(tmp_path / "ledger.jsonl", records)
    store = SqliteStore(tmp_path / "store.db")
    progress = io.StringIO()

    first = bulk_load(store, [path], chunk_size=16, progress=progress)
    second = bulk_load(store, [path], chunk_size=16)

    assert first.read == 101
    assert first.written == {"companies": 1, "customers": 30, "transactions": 70}
    assert first.rejected == []
    assert "100%" in progress.getvalue()
    assert second.written == {}
    assert sum(second.unchanged.values()) == 101
    store.close()


def test_bad_records_are_rejected_with_their_line_and_the_rest_written(tmp_path: Path) -> None:
    records = [
        COMPANY,
        customer("A-1"),
        invoice("I-1", "A-1", "12.345"),
        invoice("I-2", "A-1"),
        invoice("I-3", "NOBODY"),
    ]
    path = write_jsonl(tmp_path / "ledger.jsonl", records)
    store = SqliteStore(tmp_path / "store.db")

    summary = bulk_load(store, [path])

    assert [(r.where, r.field) for r in summary.rejected] == [
        ("ledger.jsonl:3", "transactions[0].amount"),
        ("ledger.jsonl:5", "transactions[2].customer"),
    ]
    assert list(store.get_transactions("acme", ["I-1", "I-2", "I-3"])) == ["I-2"]
    assert any("written" in line for line in summary.lines())
    store.close()


def test_csv_files_one_per_kind(tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_text(
        "id,name,currency,timeZone\nacme,Acme,EUR,Europe/Berlin\n", encoding="utf-8"
    )
    (tmp_path / "customers.csv").write_text(
        "company,account,name,currency,creditLimit\n"
        "acme,A-1,First,EUR,\n"
        "acme,A-2,Second,EUR,500.00\n",
        encoding="utf-8",
    )
    store = SqliteStore(tmp_path / "store.db")

    summary = bulk_load(store, [tmp_path / "companies.csv", tmp_path / "customers.csv"])

    assert summary.written == {"companies": 1, "customers": 2}
    customers = store.get_customers("acme", ["A-1", "A-2"])
    assert customers["A-1"].credit_limit is None
    assert str(customers["A-2"].credit_limit) == "500.00"
    store.close()


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "ledger.jsonl"
    bad.write_text('{"kind": "invoice"}\n', encoding="utf-8")
    misc = tmp_path / "misc.csv"
    misc.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(BulkLoadError, match=r"ledger\.jsonl:1"):
        bulk_load(SqliteStore(tmp_path / "store.db"), [bad])
    with pytest.raises(BulkLoadError, match="kind"):
        bulk_load(SqliteStore(tmp_path / "store.db"), [misc])


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "ledger.jsonl", [COMPANY, customer("A-1")])

    code = main([str(path), "--store", "sqlite", "--sqlite-path", str(tmp_path / "cli.db")])

    assert code == 0
    assert "customers: 1 written" in capsys.readouterr().out
    assert SqliteStore(tmp_path / "cli.db").get_company("acme") is not None
