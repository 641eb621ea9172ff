"""Generated texts: cache, model writer, guard, one retry, template fallback, store and audit.

``generate_text`` is the one way a task (the customer summary, the reminder email) turns a
facts document into text that an agent may see:

1. the stored text of the same task, customer, language, options and prompt version is
   returned without a model call when its facts hash equals the current one (unless it was a
   fallback for a transient failure such as a timeout, which is worth another try);
2. with a model writer, the task's prompt files are filled and sent; the answer is checked by
   the guard; a failed check is retried once with the guard's reason;
3. anything else (AI off, a second failed check, a content filter, a timeout, a rate limit
   past the retry budget, a malformed answer) ends in the task's template writer, with the
   reason recorded;
4. the result is stored with its facts hash, prompt version, model, token counts, guard
   result and source, and an audit record is written for every text generated.
"""

from __future__ import annotations

import functools
import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from shared.facts import Facts, canonical_json
from shared.guard import GuardPolicy, GuardResult, check_text
from shared.model_writer import FailureReason, Message, ModelFailure, ModelWriter
from shared.stores.base import DocumentKind, LedgerStore
from shared.template_writer import PROMPTS_DIR, text_language, text_locale

logger = logging.getLogger(__name__)

JsonObject = dict[str, Any]

TemplateFn = Callable[[Facts, str, Mapping[str, str]], dict[str, str]]

AI = "ai"
TEMPLATE = "template"
REASON_AI_OFF = "ai_off"
REASON_GUARD = "guard_failed"

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True, slots=True)
class TextTask:
    """One kind of generated text.

    ``name`` and ``prompt_version`` select ``prompts/<name>.<prompt_version>.{system,user}.md``;
    ``schema`` is the JSON schema of the model's answer, an object whose string properties
    include ``policy.text_fields``; ``template`` writes the same fields deterministically from
    ``(facts, language, options)``; ``kind`` is where the texts are stored.
    """

    name: str
    prompt_version: str
    schema: JsonObject
    policy: GuardPolicy
    template: TemplateFn
    kind: DocumentKind
    max_output_tokens: int = 600

    @property
    def version_label(self) -> str:
        """``summary.v1``: the prompt files' stem, recorded with every text."""
        return f"{self.name}.{self.prompt_version}"


@dataclass(frozen=True, slots=True)
class GeneratedText:
    """A text an agent may see, and how it came to be.

    ``source`` is ``"ai"`` only when the text passed the guard; otherwise ``"template"`` and
    ``reason`` says why (``ai_off``, ``guard_failed``, ``timeout``...). ``tokens`` are the
    prompt and completion tokens of every model call made for it.
    """

    fields: dict[str, str]
    source: str
    language: str
    generated_at: str
    facts_hash: str
    prompt_version: str
    model: str | None
    prompt_tokens: int
    completion_tokens: int
    guard: JsonObject
    reason: str | None
    cached: bool = False
    attempts: list[JsonObject] = field(default_factory=list)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def to_json(self) -> JsonObject:
        """The stored body, camelCase."""
        return {
            "fields": dict(self.fields),
            "source": self.source,
            "language": self.language,
            "generatedAt": self.generated_at,
            "factsHash": self.facts_hash,
            "promptVersion": self.prompt_version,
            "model": self.model,
            "promptTokens": self.prompt_tokens,
            "completionTokens": self.completion_tokens,
            "guard": self.guard,
            "reason": self.reason,
            "attempts": list(self.attempts),
        }

    @classmethod
    def from_json(cls, body: JsonObject) -> GeneratedText:
        return cls(
            fields=dict(body["fields"]),
            source=str(body["source"]),
            language=str(body["language"]),
            generated_at=str(body["generatedAt"]),
            facts_hash=str(body["factsHash"]),
            prompt_version=str(body["promptVersion"]),
            model=body.get("model"),
            prompt_tokens=int(body.get("promptTokens") or 0),
            completion_tokens=int(body.get("completionTokens") or 0),
            guard=dict(body.get("guard") or {}),
            reason=body.get("reason"),
            attempts=list(body.get("attempts") or []),
        )


def generate_text(
    store: LedgerStore,
    task: TextTask,
    facts: Facts,
    language: str,
    writer: ModelWriter | None,
    now: datetime,
    options: Mapping[str, str] | None = None,
    use_cache: bool = True,
) -> GeneratedText:
    """The text of ``task`` for ``facts`` in ``language``; never raises for a model failure.

    ``options`` are task options (a reminder's tone) that the prompt and template receive and
    that are part of the cache key. ``now`` is the generation time (UTC).
    """
    options = dict(options or {})
    if use_cache:
        stored = _stored(store, task, facts, language, options)
        if stored is not None and _still_good(stored, facts, task, writer):
            return replace(stored, cached=True)

    started = time.perf_counter()
    text = _write(task, facts, language, writer, now, options)
    store.put_documents(
        facts.company, task.kind, [(_cache_key(task, facts, language, options), text.to_json())]
    )
    _audit(store, task, facts, options, text)
    logger.info(
        "Generated %s for %s/%s: source=%s reason=%s tokens=%s+%s in %.0f ms",
        task.version_label,
        facts.company,
        facts.account,
        text.source,
        text.reason,
        text.prompt_tokens,
        text.completion_tokens,
        (time.perf_counter() - started) * 1000,
    )
    return text


def cached_text(
    store: LedgerStore,
    task: TextTask,
    facts: Facts,
    language: str,
    options: Mapping[str, str] | None = None,
    writer: ModelWriter | None = None,
) -> GeneratedText | None:
    """The stored text for these facts, if one is still good to show without a model call."""
    stored = _stored(store, task, facts, language, dict(options or {}))
    if stored is None or not _still_good(stored, facts, task, writer):
        return None
    return replace(stored, cached=True)


def prompt_messages(
    task: TextTask, facts: Facts, language: str, options: Mapping[str, str] | None = None
) -> list[Message]:
    """The system and user messages of ``task`` for ``facts``, placeholders filled."""
    values = prompt_values(task, facts, language, options or {})
    return [
        {"role": "system", "content": fill(_prompt_file(task.version_label, "system"), values)},
        {"role": "user", "content": fill(_prompt_file(task.version_label, "user"), values)},
    ]


def prompt_values(
    task: TextTask, facts: Facts, language: str, options: Mapping[str, str]
) -> dict[str, str]:
    """What the prompt files' ``{{name}}`` placeholders are filled with."""
    from babel import Locale

    locale = text_locale(language)
    return {
        **options,
        "language_name": Locale.parse(text_language(language)).english_name or "English",
        "locale": locale.replace("_", "-"),
        "currency": facts.currency,
        "max_words": str(task.policy.max_words * 3 // 4),
        "figures": facts.figures_json(),
        "customer_data": facts.untrusted_json(),
    }


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace ``{{name}}`` with ``values[name]``; unknown names stay visible, unfilled."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


@functools.cache
def _prompt_file(stem: str, role: str) -> str:
    return (Path(PROMPTS_DIR) / f"{stem}.{role}.md").read_text("utf-8")


# Writing: model, guard, one retry, template.


def _write(
    task: TextTask,
    facts: Facts,
    language: str,
    writer: ModelWriter | None,
    now: datetime,
    options: Mapping[str, str],
) -> GeneratedText:
    attempts: list[JsonObject] = []
    tokens = [0, 0]
    if writer is None:
        return _template(task, facts, language, now, options, REASON_AI_OFF, None, attempts, tokens)

    messages = prompt_messages(task, facts, language, options)
    guard = GuardResult()
    for attempt in (1, 2):
        try:
            answer = writer.complete(
                messages, task.name.replace("-", "_"), task.schema, task.max_output_tokens
            )
        except ModelFailure as failure:
            tokens[0] += failure.prompt_tokens
            tokens[1] += failure.completion_tokens
            attempts.append({"attempt": attempt, "outcome": failure.reason.value,
                             "detail": failure.detail})  # fmt: skip
            return _template(
                task, facts, language, now, options, failure.reason.value, writer.model,
                attempts, tokens,
            )  # fmt: skip

        tokens[0] += answer.prompt_tokens
        tokens[1] += answer.completion_tokens
        fields = {name: answer.content.get(name) for name in task.policy.text_fields}
        guard = check_text(fields, facts, language, task.policy)  # type: ignore[arg-type]
        attempts.append({"attempt": attempt, "outcome": "passed" if guard.passed else REASON_GUARD,
                         "problems": list(guard.problems)})  # fmt: skip
        if guard.passed:
            return GeneratedText(
                fields={name: str(value) for name, value in fields.items()},
                source=AI,
                language=language,
                generated_at=_iso(now),
                facts_hash=facts.hash,
                prompt_version=task.version_label,
                model=answer.model,
                prompt_tokens=tokens[0],
                completion_tokens=tokens[1],
                guard=guard.to_json(),
                reason=None,
                attempts=attempts,
            )

        # One retry: the model sees its answer and why it was refused.
        messages = [
            *messages,
            {"role": "assistant", "content": canonical_json(answer.content)},
            {
                "role": "user",
                "content": "That answer was refused by the figure check: "
                + guard.reason
                + " Write it again following the rules, using only the figures given.",
            },
        ]

    return _template(
        task, facts, language, now, options, REASON_GUARD, writer.model, attempts, tokens
    )


def _template(
    task: TextTask,
    facts: Facts,
    language: str,
    now: datetime,
    options: Mapping[str, str],
    reason: str,
    model: str | None,
    attempts: list[JsonObject],
    tokens: list[int],
) -> GeneratedText:
    fields = task.template(facts, language, options)
    # The template is checked too, so that a template bug shows in the record, not in silence.
    guard = check_text(fields, facts, language, task.policy)
    if not guard.passed:
        logger.warning("The %s template failed its own check: %s", task.name, guard.reason)
    return GeneratedText(
        fields=fields,
        source=TEMPLATE,
        language=language,
        generated_at=_iso(now),
        facts_hash=facts.hash,
        prompt_version=task.version_label,
        model=model,
        prompt_tokens=tokens[0],
        completion_tokens=tokens[1],
        guard=guard.to_json(),
        reason=reason,
        attempts=attempts,
    )


# The cache and the audit trail.


def _cache_key(task: TextTask, facts: Facts, language: str, options: Mapping[str, str]) -> str:
    variant = "&".join(f"{k}={v}" for k, v in sorted(options.items())) or "-"
    return f"{facts.account}/{task.name}/{language}/{variant}"


def _stored(
    store: LedgerStore,
    task: TextTask,
    facts: Facts,
    language: str,
    options: Mapping[str, str],
) -> GeneratedText | None:
    body = store.get_document(facts.company, task.kind, _cache_key(task, facts, language, options))
    return None if body is None else GeneratedText.from_json(body)


def _still_good(
    stored: GeneratedText, facts: Facts, task: TextTask, writer: ModelWriter | None
) -> bool:
    """Same facts and prompt, and nothing a new call could do better."""
    if stored.facts_hash != facts.hash or stored.prompt_version != task.version_label:
        return False
    if writer is None:
        return stored.source == TEMPLATE
    if stored.source == AI:
        return True
    # A template written because AI was off, or after a passing failure, is worth a new try;
    # one written after a content filter or two refused answers would only be refused again.
    transient = {r.value for r in FailureReason if r.is_transient} | {REASON_AI_OFF}
    return stored.reason not in transient


def _audit(
    store: LedgerStore,
    task: TextTask,
    facts: Facts,
    options: Mapping[str, str],
    text: GeneratedText,
) -> None:
    key = f"{facts.account}/{task.name}/{text.generated_at}/{uuid.uuid4().hex[:8]}"
    record = {
        **text.to_json(),
        "task": task.name,
        "company": facts.company,
        "account": facts.account,
        "options": dict(options),
        "facts": facts.document,
    }
    store.put_documents(facts.company, DocumentKind.AUDIT, [(key, record)])


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
