"""Customer summaries: the summary task, one customer's summary, and the nightly refresh.

The summary is a short plain-language text about a customer's overdue invoices, payment
history, debt and remaining credit, generated through ``shared.generated_text`` (guarded
model call, or the template). The nightly job runs after the precompute: it rebuilds each
customer's facts from the snapshot and regenerates only the summaries whose facts changed,
spending at most the configured token budget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from shared.facts import Facts, build_facts
from shared.generated_text import (
    TEMPLATE,
    GeneratedText,
    TextTask,
    cached_text,
    generate_text,
    prompt_messages,
)
from shared.guard import GuardPolicy
from shared.model_writer import ModelWriter
from shared.settings import Settings
from shared.stores.base import DocumentKind, JsonObject, LedgerStore
from shared.template_writer import write_summary

logger = logging.getLogger(__name__)

DISCLAIMER = (
    "Written from the figures above; check them before acting. "
    "A text marked as AI-generated was checked against these figures automatically."
)

SUMMARY_SCHEMA: JsonObject = {
    "type": "object",
    "properties": {"text": {"type": "string", "description": "The summary, plain prose."}},
    "required": ["text"],
    "additionalProperties": False,
}

SnapshotReader = Callable[[LedgerStore, str, str], JsonObject | None]

# Token estimates: characters / 3 errs on the safe side for German and French prompts.
_CHARS_PER_TOKEN = 3


def _template(facts: Facts, language: str, options: Mapping[str, str]) -> dict[str, str]:
    return write_summary(facts, language, options)


SUMMARY_TASK = TextTask(
    name="summary",
    prompt_version="v1",
    schema=SUMMARY_SCHEMA,
    policy=GuardPolicy(
        text_fields=("text",),
        min_words=10,
        max_words=220,
        required_amounts=("balance", "overdue"),
    ),
    template=_template,
    kind=DocumentKind.SUMMARY,
    max_output_tokens=700,
)


def summary_task() -> TextTask:
    """The summary task: prompt ``summary.v1``, a ``{"text"}`` answer, no promises/threats."""
    return SUMMARY_TASK


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
    from shared.customer_view import customer_details

    details = customer_details(store, company, account, None, settings, now)
    facts = build_facts(details)
    text = generate_text(store, SUMMARY_TASK, facts, language or facts.language, writer, now)
    return text, facts.document


def summary_answer(text: GeneratedText, facts: JsonObject) -> JsonObject:
    """The HTTP answer: ``{text, source, language, generatedAt, facts, disclaimer, reason,
    promptVersion, model, guard, factsHash, tokens, cached}``."""
    return {
        "text": text.fields["text"],
        "source": text.source,
        "language": text.language,
        "generatedAt": text.generated_at,
        "facts": facts,
        "disclaimer": DISCLAIMER,
        "reason": text.reason,
        "promptVersion": text.prompt_version,
        "model": text.model,
        "guard": text.guard,
        "factsHash": text.facts_hash,
        "tokens": {"prompt": text.prompt_tokens, "completion": text.completion_tokens},
        "cached": text.cached,
    }


@dataclass(frozen=True, slots=True)
class NightlyReport:
    """What a nightly run did; ``skipped`` = unchanged + over budget + no snapshot yet."""

    refreshed: int
    unchanged: int
    over_budget: int
    fell_back: int
    tokens_used: int
    token_budget: int
    no_snapshot: int = 0

    @property
    def skipped(self) -> int:
        return self.unchanged + self.over_budget + self.no_snapshot

    def to_json(self) -> JsonObject:
        return {
            "refreshed": self.refreshed,
            "skipped": self.skipped,
            "unchanged": self.unchanged,
            "overBudget": self.over_budget,
            "noSnapshot": self.no_snapshot,
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
    snapshots: SnapshotReader | None = None,
) -> NightlyReport:
    """Refresh the summaries of every company's customers whose facts changed.

    A model call is started only if its worst case (two attempts, each the prompt at three
    characters a token plus the answer's token limit) fits in what is left of the budget, so
    the night never spends more than ``token_budget`` (default
    ``settings.summary_token_budget``). A customer left over keeps its old summary until the
    next night, or gets a new one when an agent opens it. ``snapshots`` reads a customer's
    precomputed details (default ``shared.precompute.read_snapshot``).
    """
    if snapshots is None:
        from shared.precompute import read_snapshot

        snapshots = read_snapshot

    budget = settings.summary_token_budget if token_budget is None else token_budget
    counts = {"refreshed": 0, "unchanged": 0, "over_budget": 0, "fell_back": 0, "none": 0}
    used = 0
    for company in store.list_companies():
        for customer in store.iter_customers(company.id):
            details = snapshots(store, company.id, customer.account)
            if details is None:
                counts["none"] += 1
                continue
            facts = build_facts(details)
            language = facts.language
            if cached_text(store, SUMMARY_TASK, facts, language, writer=writer) is not None:
                counts["unchanged"] += 1
                continue
            if writer is not None and used + worst_case_tokens(facts, language) > budget:
                counts["over_budget"] += 1
                continue

            text = generate_text(store, SUMMARY_TASK, facts, language, writer, now, use_cache=False)
            used += text.total_tokens
            counts["refreshed"] += 1
            if writer is not None and text.source == TEMPLATE:
                counts["fell_back"] += 1

    report = NightlyReport(
        refreshed=counts["refreshed"],
        unchanged=counts["unchanged"],
        over_budget=counts["over_budget"],
        fell_back=counts["fell_back"],
        tokens_used=used,
        token_budget=budget,
        no_snapshot=counts["none"],
    )
    logger.info("Nightly summaries: %s", report.to_json())
    return report


def worst_case_tokens(facts: Facts, language: str) -> int:
    """The most tokens one summary can cost: two attempts, the second carrying the first."""
    characters = sum(len(m["content"]) for m in prompt_messages(SUMMARY_TASK, facts, language))
    prompt = characters // _CHARS_PER_TOKEN + 1
    answer = SUMMARY_TASK.max_output_tokens
    return prompt + answer + (prompt + answer + 200) + answer
