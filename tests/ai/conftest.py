"""Fixtures of the guarded-text tests: a scripted OpenAI-compatible server, a store, writers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.model_writer import ModelWriter, model_writer_from_settings
from shared.settings import Settings
from shared.stores.sqlite_store import SqliteStore
from tests.ai.fake_openai import FakeOpenAI

NOW = datetime(2025, 3, 31, 22, 0, tzinfo=UTC)


@pytest.fixture()
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "ai.db")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture()
def ai_settings(fake: FakeOpenAI) -> Settings:
    """Settings for an OpenAI-compatible endpoint: the fake, one SDK retry, 1 s timeout."""
    return Settings(
        ai="openai",
        openai_base_url=fake.base_url,
        openai_model="fake-model",
        ai_timeout_seconds=1,
        ai_max_retries=1,
    )


@pytest.fixture()
def writer(ai_settings: Settings) -> ModelWriter:
    built = model_writer_from_settings(ai_settings)
    assert built is not None
    return built
