"""The precompute fanned out over a queue gives what the one-process run gives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import azure.functions as func
import pytest

from function_app import app
from local_host.server import registered_routes, run_background
from shared import service
from shared.demo_data import demo_batch
from shared.precompute import precompute_all, read_workspace
from shared.precompute_queue import QUEUE_NAME, plan_messages, run_message
from shared.settings import Settings
from shared.stores.base import LedgerStore
from shared.stores.sqlite_store import SqliteStore

NOW = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)


class _Timer(func.TimerRequest):
    @property
    def past_due(self) -> bool:
        return False


def demo_store(path: Path) -> SqliteStore:
    store = SqliteStore(path)
    store.write_batch(demo_batch(NOW.date()))
    return store


def workspaces(store: LedgerStore) -> dict[str, object]:
    return {
        company.id: read_workspace(store, company.id, None, 100)
        for company in store.list_companies()
    }


@pytest.fixture()
def inline_lists(tmp_path: Path) -> Iterator[dict[str, object]]:
    store = demo_store(tmp_path / "inline.db")
    try:
        precompute_all(store, Settings(), NOW)
        yield workspaces(store)
    finally:
        store.close()


def test_batches_as_messages_finish_the_run_once(
    tmp_path: Path, inline_lists: dict[str, object]
) -> None:
    store = demo_store(tmp_path / "queue.db")
    try:
        messages = plan_messages(store, Settings(), NOW, batch_size=50)
        companies = {json.loads(m)["company"] for m in messages}
        # 180, 120 and 60 customers in batches of 50.
        assert len(messages) == 4 + 3 + 2 and companies == {"usmf", "demf", "gbsi"}

        # Every message runs; a redelivered one runs again and changes nothing.
        finished = [run_message(store, message) for message in [*messages, messages[0]]]
        assert sum(finished) == 3, "each company's run is finished by exactly one message"
        assert workspaces(store) == inline_lists

        assert plan_messages(store, Settings(), NOW, batch_size=50) == []
    finally:
        store.close()


def test_the_timer_queues_and_the_local_host_delivers(tmp_path: Path) -> None:
    _, functions = registered_routes(app)
    timer = functions["nightly_precompute"]
    assert timer.queue_outputs == {"batches": QUEUE_NAME}
    assert functions["precompute_batch"].queue_name == QUEUE_NAME

    # The timer reads the wall clock, so the one-process run it is compared with does too.
    reference = demo_store(tmp_path / "reference.db")
    demo_store(tmp_path / "host.db").close()
    service.configure(Settings(sqlite_path=tmp_path / "host.db", precompute_fanout="queue"))
    try:
        run_background(functions, timer, _Timer())
        precompute_all(reference, Settings(), datetime.now(UTC))
        queued = workspaces(service.store())
        assert all(document is not None for document in queued.values())
        assert queued == workspaces(reference)
    finally:
        service.reset()
        reference.close()


def test_the_fanout_setting_is_checked() -> None:
    settings = Settings.from_environ({"COLLECTIONS_PRECOMPUTE_FANOUT": "queue"})
    assert settings.precompute_fanout == "queue"
    with pytest.raises(ValueError, match="COLLECTIONS_PRECOMPUTE_FANOUT"):
        Settings.from_environ({"COLLECTIONS_PRECOMPUTE_FANOUT": "threads"})
