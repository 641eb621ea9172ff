"""How fast the nightly precompute runs on the embedded store, at 100,000 and 1,000,000 customers.

Run with ``make bench`` (``python -m bench.precompute_bench``). For each scale it:

1. generates the ledger with ``demo_batch_at_scale`` (ten transactions per customer) and
   writes it with ``write_batch``, timing the load;
2. times the full precompute of every company (two worker processes) and records the peak
   resident memory of the main process and of the largest worker;
3. changes 1% of the customers (a new invoice each) and times the next night's run;
4. times the same figures written as one plain SQL query in SQLite over the same tables:
   the ratio to beat.

Once, on a sample, it also times ``shared.bulk_load`` (JSON Lines through the ingest
validation). Numbers go to standard output as a Markdown table; ``docs/benchmarks.md``
records them with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

from shared import precompute
from shared.bulk_load import bulk_load
from shared.demo_data import demo_batch_at_scale
from shared.ledger import LedgerBatch, Transaction, TransactionType
from shared.settings import Settings
from shared.stores.sqlite_store import SqliteStore
from shared.windows import shift_months

TODAY = date(2025, 6, 30)
SEED = 2025
TRANSACTIONS_PER_CUSTOMER = 10
SCALES = (100_000, 1_000_000)
BATCH_SIZE = 5_000
WORKERS = 2


@dataclass(frozen=True, slots=True)
class ScaleResult:
    customers: int
    transactions: int
    records: int
    load_seconds: float
    full_seconds: float
    full_peak_main_mb: float
    full_peak_worker_mb: float
    nightly_seconds: float
    nightly_changed: int
    nightly_rolled: int
    nightly_unchanged: int
    sql_seconds: float
    database_mb: float


def machine() -> list[str]:
    """CPU model, cores, memory, Python and SQLite versions, load at the start."""
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    return [
        f"CPU: {model}, {os.cpu_count()} cores",
        f"Memory: {total_kb / 1024 / 1024:.1f} GiB",
        f"Python {platform.python_version()} ({sys.executable}), SQLite {sqlite3.sqlite_version}",
        f"Load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def load(store: SqliteStore, customers: int) -> tuple[int, int, float]:
    """Generate and write the ledger; return records, transactions and seconds."""
    started = time.perf_counter()
    records = transactions = 0
    for batch in demo_batch_at_scale(
        customers, TRANSACTIONS_PER_CUSTOMER, TODAY, SEED, chunk_size=10_000
    ):
        store.write_batch(batch)
        transactions += len(batch.transactions)
        records += (
            len(batch.customers)
            + len(batch.transactions)
            + len(batch.settlements)
            + len(batch.activities)
        )
    return records, transactions, time.perf_counter() - started


def run_all(store: SqliteStore, as_of: date, path: Path) -> precompute.PrecomputeReport:
    """Precompute every company as of ``as_of``; return the reports summed."""
    total = precompute.PrecomputeReport("all", as_of, "")
    reports = precompute.precompute_companies(
        store,
        [(company, as_of) for company in store.list_companies()],
        Settings(),
        batch_size=BATCH_SIZE,
        workers=WORKERS,
        open_worker_store=partial(SqliteStore, path),
    )
    for report in reports:
        total.customers += report.customers
        total.recomputed += report.recomputed
        total.rolled_forward += report.rolled_forward
        total.unchanged += report.unchanged
    return total


def change_one_percent(store: SqliteStore, as_of: date) -> int:
    """Give every hundredth customer a new invoice; return how many changed."""
    changed = 0
    for company in store.list_companies():
        accounts = list(store.ledger_versions(company.id))[::100]
        store.write_batch(
            LedgerBatch(
                transactions=tuple(
                    Transaction(
                        company=company.id,
                        id=f"BENCH-{account}",
                        customer=account,
                        type=TransactionType.INVOICE,
                        date=as_of,
                        due_date=as_of + timedelta(days=30),
                        amount=Decimal("199.00"),
                        currency=company.currency,
                        accounting_amount=Decimal("199.00"),
                    )
                    for account in accounts
                )
            )
        )
        changed += len(accounts)
    return changed


# The ratio to beat: balance, overdue, aging, unapplied credit, the six-month invoices and the
# twelve-month payments of every customer, in integer minor units (every benchmark currency
# has two decimals), converted at the transaction's rate with integer division.
SQL_FIGURES = """
CREATE TABLE sql_figures AS
WITH applied AS (
    SELECT company, tx, SUM(cents) AS cents FROM (
        SELECT company, invoice AS tx, CAST(REPLACE(amount, '.', '') AS INTEGER) AS cents
        FROM settlements WHERE date <= :as_of
        UNION ALL
        SELECT company, credit, CAST(REPLACE(amount, '.', '') AS INTEGER)
        FROM settlements WHERE date <= :as_of
    ) GROUP BY company, tx
),
items AS (
    SELECT t.company, t.customer, t.type, t.date,
           CAST(REPLACE(t.amount, '.', '') AS INTEGER) AS cents,
           CAST(REPLACE(t.accounting_amount, '.', '') AS INTEGER) AS accounting,
           CAST(REPLACE(t.amount, '.', '') AS INTEGER) - COALESCE(a.cents, 0) AS open,
           CAST(julianday(:as_of) - julianday(t.due_date) AS INTEGER) AS late
    FROM transactions t LEFT JOIN applied a ON a.company = t.company AND a.tx = t.id
    WHERE t.date <= :as_of
),
converted AS (
    SELECT *, open * accounting / cents AS open_accounting FROM items
)
SELECT company, customer,
    SUM(CASE WHEN type = 'invoice' AND open > 0 THEN open_accounting ELSE 0 END)
      - SUM(CASE WHEN type <> 'invoice' AND open > 0 THEN open_accounting ELSE 0 END)
      AS balance,
    SUM(CASE WHEN type = 'invoice' AND open > 0 AND late >= 1 THEN open_accounting ELSE 0 END)
      AS overdue,
    SUM(CASE WHEN type <> 'invoice' AND open > 0 THEN open_accounting ELSE 0 END) AS unapplied,
    SUM(CASE WHEN type = 'invoice' AND open > 0 AND late <= 0 THEN open_accounting END) AS b0,
    SUM(CASE WHEN type = 'invoice' AND open > 0 AND late BETWEEN 1 AND 30
        THEN open_accounting END) AS b1,
    SUM(CASE WHEN type = 'invoice' AND open > 0 AND late BETWEEN 31 AND 60
        THEN open_accounting END) AS b2,
    SUM(CASE WHEN type = 'invoice' AND open > 0 AND late BETWEEN 61 AND 90
        THEN open_accounting END) AS b3,
    SUM(CASE WHEN type = 'invoice' AND open > 0 AND late BETWEEN 91 AND 120
        THEN open_accounting END) AS b4,
    SUM(CASE WHEN type = 'invoice' AND open > 0 AND late > 120 THEN open_accounting END) AS b5,
    SUM(CASE WHEN type = 'invoice' AND date > :six_after THEN 1 ELSE 0 END) AS invoices_6m,
    SUM(CASE WHEN type = 'invoice' AND date > :six_after THEN accounting ELSE 0 END)
      AS invoiced_6m,
    SUM(CASE WHEN type = 'payment' AND date > :twelve_after THEN 1 ELSE 0 END) AS payments_12m,
    SUM(CASE WHEN type = 'payment' AND date > :twelve_after THEN accounting ELSE 0 END)
      AS paid_12m
FROM converted GROUP BY company, customer
"""


def sql_baseline(path: Path, as_of: date) -> float:
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE IF EXISTS sql_figures")
    started = time.perf_counter()
    connection.execute(
        SQL_FIGURES,
        {
            "as_of": as_of.isoformat(),
            "six_after": shift_months(as_of, -6).isoformat(),
            "twelve_after": shift_months(as_of, -12).isoformat(),
        },
    )
    connection.commit()
    seconds = time.perf_counter() - started
    connection.execute("DROP TABLE sql_figures")
    connection.commit()
    connection.close()
    return seconds


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of the largest child so far, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def bench_scale(folder: Path, customers: int) -> ScaleResult:
    path = folder / f"bench-{customers}.db"
    store = SqliteStore(path)
    records, transactions, load_seconds = load(store, customers)
    print(f"  loaded {records:,} records in {load_seconds:.1f} s", file=sys.stderr)

    started = time.perf_counter()
    full = run_all(store, TODAY, path)
    full_seconds = time.perf_counter() - started
    main_mb, worker_mb = peak_mb()
    print(f"  full precompute {full.customers:,} in {full_seconds:.1f} s", file=sys.stderr)

    night = TODAY + timedelta(days=1)
    changed = change_one_percent(store, night)
    started = time.perf_counter()
    nightly = run_all(store, night, path)
    nightly_seconds = time.perf_counter() - started
    print(f"  nightly {nightly_seconds:.1f} s", file=sys.stderr)

    store.close()
    sql_seconds = sql_baseline(path, TODAY)
    size = sum(p.stat().st_size for p in folder.glob(f"bench-{customers}.db*")) / 1e6
    return ScaleResult(
        customers=customers,
        transactions=transactions,
        records=records,
        load_seconds=load_seconds,
        full_seconds=full_seconds,
        full_peak_main_mb=main_mb,
        full_peak_worker_mb=worker_mb,
        nightly_seconds=nightly_seconds,
        nightly_changed=changed,
        nightly_rolled=nightly.rolled_forward,
        nightly_unchanged=nightly.unchanged,
        sql_seconds=sql_seconds,
        database_mb=size,
    )


def bench_bulk_load(folder: Path, customers: int) -> tuple[int, float]:
    """Time ``shared.bulk_load`` over a JSON Lines file of ``customers`` customers."""
    path = folder / "sample.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for line in _jsonl_lines(customers):
            out.write(line)
    store = SqliteStore(folder / "bulk.db")
    summary = bulk_load(store, [path], progress=sys.stderr)
    store.close()
    return summary.read, summary.seconds


def _jsonl_lines(customers: int) -> Iterator[str]:
    for batch in demo_batch_at_scale(customers, TRANSACTIONS_PER_CUSTOMER, TODAY, SEED):
        for company in batch.companies:
            yield _line(
                "company",
                id=company.id,
                name=company.name,
                currency=company.currency,
                timeZone=company.time_zone,
            )
        for c in batch.customers:
            yield _line(
                "customer",
                company=c.company,
                account=c.account,
                name=c.name,
                currency=c.currency,
                creditLimit=_text(c.credit_limit),
                agent=c.agent,
            )
        for t in batch.transactions:
            yield _line(
                "transaction",
                company=t.company,
                id=t.id,
                customer=t.customer,
                type=t.type.value,
                date=t.date.isoformat(),
                dueDate=t.due_date.isoformat() if t.due_date else None,
                amount=_text(t.amount),
                currency=t.currency,
                accountingAmount=_text(t.accounting_amount),
            )
        for s in batch.settlements:
            yield _line(
                "settlement",
                company=s.company,
                id=s.id,
                invoice=s.invoice,
                credit=s.credit,
                amount=_text(s.amount),
                date=s.date.isoformat(),
            )


def _line(kind: str, **fields: object) -> str:
    return json.dumps({"kind": kind, **{k: v for k, v in fields.items() if v is not None}}) + "\n"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="*", default=list(SCALES))
    parser.add_argument("--bulk-sample", type=int, default=20_000)
    parser.add_argument("--folder", type=Path, default=None)
    arguments = parser.parse_args()

    for line in machine():
        print(line)
    print(f"Date: {date.today().isoformat()}")  # noqa: DTZ011 - the report's own date
    with tempfile.TemporaryDirectory(dir=arguments.folder) as folder:
        read, seconds = bench_bulk_load(Path(folder), arguments.bulk_sample)
        print(
            f"Bulk load (JSON Lines, validated): {read:,} records in {seconds:.1f} s "
            f"= {read / seconds:,.0f} records/s"
        )
        results = []
        for customers in arguments.customers:
            print(f"Scale {customers:,} customers", file=sys.stderr)
            results.append(bench_scale(Path(folder), customers))

    print()
    print(
        "| customers | transactions | load (records/s) | full precompute | peak memory "
        "(main / worker) | nightly, 1% changed | rolled / unchanged | one SQL query | "
        "full / SQL | database |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r.customers:,} | {r.transactions:,} | {r.records / r.load_seconds:,.0f} | "
            f"{r.full_seconds:.1f} s | {r.full_peak_main_mb:,.0f} / "
            f"{r.full_peak_worker_mb:,.0f} MB | {r.nightly_seconds:.1f} s "
            f"({r.nightly_changed:,} changed) | {r.nightly_rolled:,} / "
            f"{r.nightly_unchanged:,} | {r.sql_seconds:.1f} s | "
            f"{r.full_seconds / r.sql_seconds:.1f}x | {r.database_mb:,.0f} MB |"
        )


if __name__ == "__main__":
    main()
