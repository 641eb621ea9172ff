"""Customer summaries: the summary task, one customer's summary, and the nightly refresh.

The summary is a short plain-language text about a customer's overdue invoices, payment
history, debt and remaining credit, generated through ``shared.generated_text`` (guarded
model call, or the template). The nightly job runs after the precompute: it rebuilds each
customer's facts from the snapshot and regenerates only the summaries whose facts changed,
spending at most the configured token budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.generated_text import GeneratedText, TextTask
from shared.model_writer import ModelWriter
from shared.settings import Settings
from shared.stores.base import JsonObject, LedgerStore

DISCLAIMER = (
    "Written from the figures above; check them before acting. "
    "A text marked as AI-generated was checked against these figures automatically."
)


def summary_task() -> TextTask:
    """The summary task: prompt ``summary.v1``, a ``{"text"}`` answer, no promises/threats."""
    raise NotImplementedError


def customer_summary(
    store: LedgerStore,
    settings: Settings,
    company: str,
    account: str,
    now: datetime,
    writer: ModelWriter | None,
    language: str | None = None,
) -> tuple[GeneratedText, JsonObject]:
    """The summary of one customer and its facts document.

    Reads the precomputed snapshot, or the ledger when there is none yet; raises ``NotFound``
    for an unknown company or customer.
    """
    raise NotImplementedError


def summary_answer(text: GeneratedText, facts: JsonObject) -> JsonObject:
    """The HTTP answer: ``{text, source, language, generatedAt, facts, disclaimer, reason,
    promptVersion, model, guard, factsHash, cached}``."""
    raise NotImplementedError


@dataclass(frozen=True, slots=True)
class NightlyReport:
    """What a nightly run did; ``skipped`` = unchanged + over budget."""

    refreshed: int
    unchanged: int
    over_budget: int
    fell_back: int
    tokens_used: int
    token_budget: int

    @property
    def skipped(self) -> int:
        return self.unchanged + self.over_budget

    def to_json(self) -> JsonObject:
        return {
            "refreshed": self.refreshed,
            "skipped": self.skipped,
            "unchanged": self.unchanged,
            "overBudget": self.over_budget,
            "fellBack": self.fell_back,
            "tokensUsed": self.tokens_used,
            "tokenBudget": self.token_budget,
        }


def nightly_summaries(
    store: LedgerStore,
    settings: Settings,
    now: datetime,
    writer: ModelWriter | None,
    token_budget: int | None = None,
) -> NightlyReport:
    """Refresh the summaries of every company's customers whose facts changed.

    A model call is started only if its estimated cost (prompt characters / 4 plus the
    answer's token limit) fits in what is left of the budget, so the night never spends more
    than ``token_budget`` (default ``settings.summary_token_budget``).
    """
    raise NotImplementedError
