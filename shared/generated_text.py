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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.facts import Facts
from shared.guard import GuardPolicy
from shared.model_writer import ModelWriter
from shared.stores.base import DocumentKind, LedgerStore

JsonObject = dict[str, Any]

TemplateFn = Callable[[Facts, str, Mapping[str, str]], dict[str, str]]


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

    def to_json(self) -> JsonObject:
        """The stored body, camelCase."""
        raise NotImplementedError

    @classmethod
    def from_json(cls, body: JsonObject) -> GeneratedText:
        raise NotImplementedError


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
    raise NotImplementedError


def cached_text(
    store: LedgerStore,
    task: TextTask,
    facts: Facts,
    language: str,
    options: Mapping[str, str] | None = None,
) -> GeneratedText | None:
    """The stored text for these facts, if one is still good to show without a model call."""
    raise NotImplementedError
