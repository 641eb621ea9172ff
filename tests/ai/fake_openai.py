"""A local OpenAI-compatible server whose answers a test scripts, one per request.

It serves ``POST /v1/chat/completions`` and the Azure OpenAI path
``/openai/deployments/{deployment}/chat/completions?api-version=...`` on 127.0.0.1 with a
port the OS picks. Each request takes the next scripted reply (status, headers, JSON or raw
body, a delay to provoke a client timeout) and is recorded, so a test can check what the
SDK sent: the messages, the ``response_format`` JSON schema, headers.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JsonObject = dict[str, Any]


@dataclass
class Reply:
    """One scripted reply; ``body`` is sent as JSON unless it is already a string."""

    status: int = 200
    body: JsonObject | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: JsonObject


def completion(
    content: JsonObject | str | None,
    finish_reason: str = "stop",
    refusal: str | None = None,
    prompt_tokens: int = 900,
    completion_tokens: int = 120,
    model: str = "fake-model",
) -> Reply:
    """A chat completion whose message content is ``content`` (a dict is sent as JSON text)."""
    text = json.dumps(content) if isinstance(content, dict) else content
    return Reply(
        body={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": refusal},
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    """An error answer shaped like OpenAI's and Azure's: ``{"error": {code, message}}``."""
    return Reply(
        status=status,
        body={"error": {"code": code, "message": message, "type": code, "param": None}},
        headers=headers or {},
    )


class FakeOpenAI:
    """The server; use as a context manager, script with ``reply``, inspect ``requests``."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        return self.origin + "/v1"

    def reply(self, *replies: Reply) -> None:
        with self._lock:
            self.replies.extend(replies)

    @property
    def calls(self) -> int:
        return len(self.requests)

    def _next(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            if self.replies:
                return self.replies.popleft()
        # An unscripted request is a test bug: answer something no client retries.
        return error(418, "unscripted", "The test scripted no reply for this request.")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                path = self.path.split("?", 1)[0]
                is_openai = path == "/v1/chat/completions"
                is_azure = path.startswith("/openai/deployments/") and path.endswith(
                    "/chat/completions"
                )
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                if not (is_openai or is_azure):
                    self._send(error(404, "not_found", f"No route {path}."))
                    return
                body = json.loads(raw or b"{}")
                headers = {k.lower(): v for k, v in self.headers.items()}
                recorded = Recorded(self.path, headers, body)
                self._send(fake._next(recorded))

            def _send(self, reply: Reply) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = payload.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (a timeout test); nothing left to answer.
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
