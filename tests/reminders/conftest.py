"""Fixtures of the reminder tests: a store, and a model writer over a scripted server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.model_writer import ModelWriter, model_writer_from_settings
from shared.settings import Settings
from shared.stores.sqlite_store import SqliteStore
from tests.ai.fake_openai import FakeOpenAI


@pytest.fixture()
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "reminders.db")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture()
def writer(fake: FakeOpenAI) -> ModelWriter:
    settings = Settings(
        ai="openai",
        openai_base_url=fake.base_url,
        openai_model="fake-model",
        ai_timeout_seconds=1,
        ai_max_retries=1,
    )
    built = model_writer_from_settings(settings)
    assert built is not None
    return built
