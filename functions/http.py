"""Request reading and answer shaping shared by every HTTP trigger.

Handlers raise ``shared.problems.Problem`` for anything the caller sent wrong; ``endpoint``
turns it into an ``application/problem+json`` answer. Any other exception is logged with its
traceback and answered as a bare 500 problem that reveals nothing of the internals.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import azure.functions as func

from shared.problems import FieldError, InvalidRequest, Problem

logger = logging.getLogger(__name__)

Handler = Callable[[func.HttpRequest], func.HttpResponse]

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> func.HttpResponse:
    """Answer ``body`` as JSON; ``body`` holds money as strings already."""
    return func.HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        mimetype=JSON,
        charset="utf-8",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def problem_response(problem: Problem, instance: str | None = None) -> func.HttpResponse:
    return func.HttpResponse(
        json.dumps(problem.to_json(instance), ensure_ascii=False),
        status_code=problem.status,
        mimetype=PROBLEM_JSON,
        charset="utf-8",
        headers={"Cache-Control": "no-store"},
    )


def endpoint(handler: Handler) -> Handler:
    """Answer problems raised by ``handler`` and log one line per request."""

    @functools.wraps(handler)
    def wrapper(req: func.HttpRequest) -> func.HttpResponse:
        started = time.perf_counter()
        path = _path_of(req)
        try:
            response = handler(req)
        except Problem as problem:
            response = problem_response(problem, path)
        except Exception:
            logger.exception("%s %s failed", req.method, path)
            response = func.HttpResponse(
                json.dumps(
                    {
                        "type": "about:blank",
                        "title": "Internal error.",
                        "status": 500,
                        "detail": "The service failed to answer; the error has been logged.",
                    }
                ),
                status_code=500,
                mimetype=PROBLEM_JSON,
            )
        logger.info(
            "%s %s -> %s in %.1f ms",
            req.method,
            path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    return wrapper


def _path_of(req: func.HttpRequest) -> str:
    url = req.url or ""
    start = url.find("/api/")
    return url[start:].split("?", 1)[0] if start >= 0 else url


def required_param(req: func.HttpRequest, name: str) -> str:
    value = (req.params.get(name) or "").strip()
    if not value:
        raise InvalidRequest(
            f"The query parameter '{name}' is required.",
            [FieldError(name, "is required")],
        )
    return value


def optional_param(req: func.HttpRequest, name: str) -> str | None:
    value = (req.params.get(name) or "").strip()
    return value or None


def date_param(req: func.HttpRequest, name: str) -> date | None:
    value = optional_param(req, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(
            f"The query parameter '{name}' must be a date written YYYY-MM-DD.",
            [FieldError(name, f"{value!r} is not a date written YYYY-MM-DD")],
        ) from None


def int_param(req: func.HttpRequest, name: str, default: int, low: int, high: int) -> int:
    value = optional_param(req, name)
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise InvalidRequest(
            f"The query parameter '{name}' must be a whole number from {low} to {high}.",
            [FieldError(name, f"{value!r} is not a whole number from {low} to {high}")],
        )
    return int(value)


def json_body(req: func.HttpRequest, required: bool = True) -> dict[str, Any]:
    """The body as a JSON object; an empty body is ``{}`` when not ``required``."""
    raw = req.get_body() or b""
    if not raw.strip():
        if required:
            raise InvalidRequest("The request needs a JSON object as its body.")
        return {}
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidRequest(f"The body is not valid JSON: {error}.") from None
    if not isinstance(body, dict):
        raise InvalidRequest("The body must be a JSON object.")
    return body
