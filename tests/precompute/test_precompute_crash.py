"""Kill the precompute at random moments, rerun it, and compare with one clean run.

Each night's run is started in a child process and killed with SIGKILL at a random document
write (the child announces each one), several times, then run to completion. Between nights
some ledgers change. Every snapshot and every workspace list must then be exactly what an
uninterrupted run over a copy of the same ledger wrote.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from shared import precompute
from shared.ledger import LedgerBatch, Transaction, TransactionType
from shared.stores.base import DocumentKind, JsonObject
from shared.stores.sqlite_store import SqliteStore
from tests.precompute.ledgers import TODAY, demo_store

NIGHTS = (TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=9))
BATCH = "15"
KILLS_PER_NIGHT = 4


def test_killed_runs_finish_with_what_a_clean_run_writes(tmp_path: Path) -> None:
    crashed_path = tmp_path / "crashed.db"
    clean_path = tmp_path / "clean.db"
    demo_store(crashed_path).close()
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{crashed_path}{suffix}").exists():
            shutil.copy(f"{crashed_path}{suffix}", f"{clean_path}{suffix}")

    chance = random.Random(20250630)
    kills = 0
    for number, night in enumerate(NIGHTS):
        if number:
            _change_some_ledgers(crashed_path, clean_path, number)
        writes = _run_to_end(clean_path, night.isoformat())
        # Each rerun resumes, so kill early enough in it that the run is never done first.
        for _ in range(KILLS_PER_NIGHT):
            after = chance.randint(1, max(1, writes // (KILLS_PER_NIGHT + 1)))
            kills += _run_and_kill(crashed_path, night.isoformat(), after)
        _run_to_end(crashed_path, night.isoformat())

    assert kills == len(NIGHTS) * KILLS_PER_NIGHT
    assert _visible(crashed_path) == _visible(clean_path)


def _start(path: Path, as_of: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.precompute.crash_child", str(path), as_of, BATCH],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )


def _run_to_end(path: Path, as_of: str) -> int:
    """Run the child to its end; return how many document writes it made."""
    child = _start(path, as_of)
    output, _ = child.communicate(timeout=300)
    assert child.returncode == 0
    return max(1, output.count("\n"))


def _run_and_kill(path: Path, as_of: str, after_writes: int) -> int:
    """Run the child and SIGKILL it after ``after_writes`` writes; 1 if it was killed."""
    child = _start(path, as_of)
    assert child.stdout is not None
    seen = 0
    while seen < after_writes and child.stdout.readline():
        seen += 1
    killed = child.poll() is None
    child.send_signal(signal.SIGKILL)
    child.communicate()
    return int(killed)


def _change_some_ledgers(first: Path, second: Path, night: int) -> None:
    for path in (first, second):
        store = SqliteStore(path)
        accounts = [c.account for c in store.iter_customers("usmf")][night::17]
        store.write_batch(
            LedgerBatch(
                transactions=tuple(
                    Transaction(
                        company="usmf",
                        id=f"INV-N{night}-{account}",
                        customer=account,
                        type=TransactionType.INVOICE,
                        date=TODAY,
                        due_date=TODAY + timedelta(days=5),
                        amount=Decimal("250.00"),
                        currency="USD",
                        accounting_amount=Decimal("250.00"),
                    )
                    for account in accounts
                )
            )
        )
        store.close()


def _visible(path: Path) -> dict[str, JsonObject | list[JsonObject] | None]:
    """Every snapshot body and every list a reader can reach, by company, account or agent."""
    store = SqliteStore(path)
    seen: dict[str, JsonObject | list[JsonObject] | None] = {}
    for company in store.list_companies():
        for key, body in store.iter_documents(company.id, DocumentKind.SNAPSHOT):
            seen[f"{company.id}/snapshot/{key}"] = body
            seen[f"{company.id}/details/{key}"] = precompute.read_snapshot(store, company.id, key)
        agents = {customer.agent for customer in store.iter_customers(company.id)}
        for agent in [None, *sorted(a for a in agents if a is not None)]:
            seen[f"{company.id}/workspace/{agent}"] = precompute.read_workspace(
                store, company.id, agent, 100
            )
    store.close()
    return seen
