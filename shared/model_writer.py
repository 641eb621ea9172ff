"""The model writer: one chat completion with a JSON-schema answer, and nothing else.

It sends the messages it is given to Azure OpenAI (a bearer token from ``azure-identity``, or
an API key when one is configured) or to any OpenAI-compatible endpoint, and returns the
parsed JSON object with the model name and token counts. Every way a call can fail ends in
``ModelFailure`` with a short reason, which the caller records before falling back to the
template writer; no failure reaches the agent as an error.

The SDK enforces the timeout per request and retries rate limits and server errors up to
``max_retries`` times, waiting as ``retry-after`` asks; that bounds a call's cost and time.
The SDK and the credential library are imported only when a writer is first built.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from shared.settings import Settings

JsonObject = dict[str, Any]
Message = dict[str, str]


class FailureReason(StrEnum):
    """Why a model call gave no usable answer; recorded with the template text."""

    PROMPT_FILTERED = "content_filter_prompt"
    ANSWER_FILTERED = "content_filter_answer"
    TRUNCATED = "truncated"
    RATE_LIMITED = "rate_limited"
    TIMEOUT = "timeout"
    MALFORMED = "malformed_json"
    REFUSED = "refusal"
    UNAVAILABLE = "model_unavailable"

    @property
    def is_transient(self) -> bool:
        """A later call with the same facts may well succeed."""
        return self in (
            FailureReason.RATE_LIMITED,
            FailureReason.TIMEOUT,
            FailureReason.UNAVAILABLE,
        )


class ModelFailure(Exception):
    """A model call that gave no usable answer; ``reason`` says why."""

    def __init__(self, reason: FailureReason, detail: str, tokens: tuple[int, int] = (0, 0)):
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail
        self.prompt_tokens, self.completion_tokens = tokens


@dataclass(frozen=True, slots=True)
class ModelAnswer:
    """A parsed answer: the JSON object the schema asked for, who wrote it, what it cost."""

    content: JsonObject
    model: str
    prompt_tokens: int
    completion_tokens: int


class ModelWriter(Protocol):
    """What the orchestration needs from a language model."""

    @property
    def model(self) -> str:
        """The model or deployment name recorded with every text."""
        ...

    def complete(
        self, messages: list[Message], schema_name: str, schema: JsonObject, max_tokens: int
    ) -> ModelAnswer:
        """Ask for one answer matching ``schema``; raise ``ModelFailure`` for any failure."""
        ...


def model_writer_from_settings(settings: Settings) -> ModelWriter | None:
    """The writer the settings configure, or ``None`` when ``COLLECTIONS_AI=off``."""
    raise NotImplementedError
