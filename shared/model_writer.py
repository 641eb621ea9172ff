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

import functools
import json
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from shared.settings import Settings

logger = logging.getLogger(__name__)

JsonObject = dict[str, Any]
Message = dict[str, str]

AZURE_SCOPE = "https://cognitiveservices.azure.com/.default"


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
    if settings.ai == "off":
        return None
    return ChatCompletionsWriter.from_settings(settings)


class ChatCompletionsWriter:
    """A ``ModelWriter`` over the ``openai`` SDK's chat completions, Azure or not."""

    def __init__(self, client: Any, model: str) -> None:
        self._client = client
        self._model = model

    @property
    def model(self) -> str:
        return self._model

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatCompletionsWriter:
        """Build the SDK client: keyless Azure OpenAI unless a key is configured."""
        import openai

        timeout = float(settings.ai_timeout_seconds)
        retries = settings.ai_max_retries
        if settings.ai == "azure-openai":
            assert settings.azure_openai_endpoint and settings.azure_openai_deployment
            common: dict[str, Any] = {
                "azure_endpoint": settings.azure_openai_endpoint,
                "azure_deployment": settings.azure_openai_deployment,
                "api_version": settings.azure_openai_api_version,
                "timeout": timeout,
                "max_retries": retries,
            }
            if settings.azure_openai_api_key:
                client: Any = openai.AzureOpenAI(api_key=settings.azure_openai_api_key, **common)
            else:
                from azure.identity import DefaultAzureCredential, get_bearer_token_provider

                provider = get_bearer_token_provider(DefaultAzureCredential(), AZURE_SCOPE)
                client = openai.AzureOpenAI(azure_ad_token_provider=provider, **common)
            return cls(client, settings.azure_openai_deployment)

        assert settings.openai_model
        client = openai.OpenAI(
            base_url=settings.openai_base_url,
            # A local OpenAI-compatible server often needs no key; the SDK insists on one.
            api_key=settings.openai_api_key or "not-needed",
            timeout=timeout,
            max_retries=retries,
        )
        return cls(client, settings.openai_model)

    def complete(
        self, messages: list[Message], schema_name: str, schema: JsonObject, max_tokens: int
    ) -> ModelAnswer:
        import openai

        try:
            completion = self._client.chat.completions.create(
                model=self._model,
                messages=messages,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": schema_name, "strict": True, "schema": schema},
                },
                max_tokens=max_tokens,
                temperature=0.2,
            )
        except openai.APITimeoutError:
            raise ModelFailure(FailureReason.TIMEOUT, "no answer within the timeout") from None
        except openai.RateLimitError as error:
            raise ModelFailure(
                FailureReason.RATE_LIMITED, f"rate limited past the retry budget ({error.code})"
            ) from None
        except openai.BadRequestError as error:
            if _is_content_filter(error):
                raise ModelFailure(
                    FailureReason.PROMPT_FILTERED, "the prompt was blocked by the content filter"
                ) from None
            raise ModelFailure(FailureReason.UNAVAILABLE, f"bad request ({error.code})") from None
        except (openai.APIConnectionError, openai.APIStatusError) as error:
            raise ModelFailure(
                FailureReason.UNAVAILABLE, f"the model service failed ({type(error).__name__})"
            ) from None

        return _answer(completion, self._model)


def _is_content_filter(error: Any) -> bool:
    """Azure answers a filtered prompt with 400 and the code ``content_filter``."""
    if error.code == "content_filter":
        return True
    body = error.body if isinstance(error.body, dict) else {}
    inner = body.get("error") if isinstance(body.get("error"), dict) else body
    return isinstance(inner, dict) and inner.get("code") == "content_filter"


def _answer(completion: Any, model: str) -> ModelAnswer:
    """Read one completion, refusing anything but a whole JSON object."""
    usage = completion.usage
    tokens = (usage.prompt_tokens, usage.completion_tokens) if usage else (0, 0)
    if not completion.choices:
        raise ModelFailure(FailureReason.MALFORMED, "the answer has no choices", tokens)
    choice = completion.choices[0]
    if choice.finish_reason == "content_filter":
        raise ModelFailure(
            FailureReason.ANSWER_FILTERED, "the answer was blocked by the content filter", tokens
        )
    if choice.finish_reason == "length":
        raise ModelFailure(FailureReason.TRUNCATED, "the answer hit the token limit", tokens)
    if getattr(choice.message, "refusal", None):
        raise ModelFailure(FailureReason.REFUSED, "the model refused to answer", tokens)

    try:
        content = json.loads(choice.message.content or "")
    except json.JSONDecodeError:
        raise ModelFailure(FailureReason.MALFORMED, "the answer is not JSON", tokens) from None
    if not isinstance(content, dict):
        raise ModelFailure(FailureReason.MALFORMED, "the answer is not a JSON object", tokens)
    return ModelAnswer(content, completion.model or model, tokens[0], tokens[1])


@functools.lru_cache(maxsize=4)
def shared_model_writer(settings: Settings) -> ModelWriter | None:
    """The process's writer for ``settings``: one SDK client (and credential) per process."""
    return model_writer_from_settings(settings)
