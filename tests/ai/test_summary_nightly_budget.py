"""The nightly summaries: only changed facts are refreshed, within the night's token budget."""

from __future__ import annotations

from typing import Any

from shared.facts import build_facts
from shared.ledger import Company, Customer, LedgerBatch
from shared.model_writer import ModelWriter
from shared.settings import Settings
from shared.stores.sqlite_store import SqliteStore
from shared.summaries import nightly_summaries, worst_case_tokens
from tests.ai.ai_samples import sample_details
from tests.ai.conftest import NOW
from tests.ai.fake_openai import FakeOpenAI, completion, error
from tests.ai.test_summary_guard_cases import GOOD

ACCOUNTS = ("K-100", "K-200", "K-300")


def seeded(store: SqliteStore) -> dict[str, dict[str, Any]]:
    """Three customers whose snapshots differ only by name (so their facts differ)."""
    store.write_batch(
        LedgerBatch(
            companies=(Company("c1", "Company One", "EUR", "UTC"),),
            customers=tuple(Customer("c1", a, f"Customer {a}", "EUR") for a in ACCOUNTS),
        )
    )
    return {a: {**sample_details(name=f"Customer {a}"), "account": a} for a in ACCOUNTS}


def test_the_night_refreshes_changed_facts_within_its_budget(
    store: SqliteStore, writer: ModelWriter, ai_settings: Settings, fake: FakeOpenAI
) -> None:
    snapshots = seeded(store)
    one = worst_case_tokens(build_facts(snapshots["K-100"]), "en")
    # Room for one call's worst case, not two: each call here costs 1020 tokens.
    budget = one + 500
    fake.reply(*(completion({"text": GOOD}) for _ in range(3)))

    night = nightly_summaries(
        store, ai_settings, NOW, writer, token_budget=budget, snapshots=_reader(snapshots)
    )

    assert (night.refreshed, night.over_budget, night.fell_back) == (1, 2, 0)
    assert night.tokens_used == 1020 <= budget and fake.calls == 1

    # The next night: the first is unchanged, the second now fits, the third waits again.
    night = nightly_summaries(
        store, ai_settings, NOW, writer, token_budget=budget, snapshots=_reader(snapshots)
    )
    assert (night.refreshed, night.unchanged, night.over_budget) == (1, 1, 1)
    assert night.skipped == 2 and fake.calls == 2


def test_the_night_counts_fallbacks(
    store: SqliteStore, writer: ModelWriter, ai_settings: Settings, fake: FakeOpenAI
) -> None:
    snapshots = seeded(store)
    fake.reply(
        completion({"text": GOOD}),
        error(400, "content_filter", "Filtered."),
        completion({"text": GOOD}),
    )

    report = nightly_summaries(store, ai_settings, NOW, writer, snapshots=_reader(snapshots))

    assert (report.refreshed, report.fell_back, report.skipped) == (3, 1, 0)
    assert report.to_json()["fellBack"] == 1


def test_without_ai_the_night_writes_templates_and_spends_nothing(store: SqliteStore) -> None:
    snapshots = seeded(store)

    report = nightly_summaries(store, Settings(), NOW, None, snapshots=_reader(snapshots))

    assert (report.refreshed, report.tokens_used, report.fell_back) == (3, 0, 0)


def _reader(snapshots: dict[str, dict[str, Any]]) -> Any:
    def read(store: object, company: str, account: str) -> dict[str, Any] | None:
        return snapshots.get(account)

    return read
