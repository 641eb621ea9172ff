"""The Azure OpenAI client: deployment path, API version and key header, against the fake."""

from __future__ import annotations

from shared.generated_text import generate_text
from shared.model_writer import model_writer_from_settings
from shared.settings import Settings
from shared.stores.sqlite_store import SqliteStore
from shared.summaries import SUMMARY_TASK
from tests.ai.ai_samples import sample_facts
from tests.ai.conftest import NOW
from tests.ai.fake_openai import FakeOpenAI, completion
from tests.ai.test_summary_guard_cases import GOOD


def test_azure_openai_with_a_key_calls_the_deployment(store: SqliteStore, fake: FakeOpenAI) -> None:
    settings = Settings(
        ai="azure-openai",
        azure_openai_endpoint=fake.origin,
        azure_openai_deployment="summaries",
        azure_openai_api_key="test-key",
        ai_timeout_seconds=2,
        ai_max_retries=0,
    )
    writer = model_writer_from_settings(settings)
    assert writer is not None and writer.model == "summaries"
    fake.reply(completion({"text": GOOD}))

    text = generate_text(store, SUMMARY_TASK, sample_facts(), "en", writer, NOW)

    assert text.source == "ai"
    request = fake.requests[0]
    assert request.path.startswith("/openai/deployments/summaries/chat/completions?")
    assert "api-version=2024-10-21" in request.path
    assert request.headers["api-key"] == "test-key"


def test_ai_off_builds_no_writer() -> None:
    assert model_writer_from_settings(Settings()) is None
