"""The HTTP server of the local host.

Routes come from the function app's registrations (``registered_routes``), never from a
second list. Requests become ``azure.functions.HttpRequest`` objects and the function's
``HttpResponse`` is written back as it is, so a function behaves here as it does under the
Functions host.
"""

from __future__ import annotations

import functools
import json
import logging
import mimetypes
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import azure.functions as func

from local_host.routing import Route, RouteTable

logger = logging.getLogger(__name__)

API_PREFIX = "/api"
MAX_BODY_BYTES = 32 * 1024 * 1024
WEB_ROOT = Path(__file__).resolve().parent.parent / "web"


@dataclass(frozen=True)
class BackgroundFunction:
    """A timer- or queue-triggered function, with the queues it writes to by argument name."""

    name: str
    handler: Any
    trigger_type: str
    trigger_arg: str
    queue_name: str | None
    queue_outputs: dict[str, str]


@functools.cache
def registered_routes(
    app: func.FunctionApp,
) -> tuple[RouteTable, dict[str, BackgroundFunction]]:
    """The HTTP routes and the other (timer, queue) functions that ``app`` registers.

    Cached: the Functions library indexes an app only once and refuses a second indexing as
    duplicate function names.
    """
    routes: list[Route] = []
    others: dict[str, BackgroundFunction] = {}
    for function in app.get_functions():
        trigger = function.get_trigger()
        name = str(function.get_function_name())
        handler = function.get_user_function()
        if trigger is None or trigger.get_binding_name() != "httpTrigger":
            others[name] = _background_function(name, handler, function)
            continue
        methods = frozenset(
            str(getattr(method, "value", method)).upper()
            for method in (getattr(trigger, "methods", None) or ["GET", "POST"])
        )
        template = str(getattr(trigger, "route", None) or name)
        routes.append(Route(template, methods, name, handler))
    return RouteTable.of(routes), others


def _background_function(name: str, handler: Any, function: Any) -> BackgroundFunction:
    bindings = [binding.get_dict_repr() for binding in function.get_bindings()]
    trigger = next(b for b in bindings if str(b["type"]).endswith("Trigger"))
    return BackgroundFunction(
        name=name,
        handler=handler,
        trigger_type=str(trigger["type"]),
        trigger_arg=str(trigger["name"]),
        queue_name=trigger.get("queueName"),
        queue_outputs={
            str(b["name"]): str(b["queueName"]) for b in bindings if b["type"] == "queue"
        },
    )


class _QueueOut(func.Out[Any]):
    """An output binding to a queue, kept in memory until the function returns."""

    def __init__(self) -> None:
        self.value: Any = None

    def set(self, val: Any) -> None:
        self.value = val

    def get(self) -> Any:
        return self.value


class _TimerRequest(func.TimerRequest):
    """What a timer function receives when it is run on demand."""

    @property
    def past_due(self) -> bool:
        return False


class LocalHost(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        app: func.FunctionApp,
        web_root: Path = WEB_ROOT,
    ) -> None:
        self.routes, self.other_functions = registered_routes(app)
        self.web_root = web_root
        super().__init__(address, _Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="local-host", daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: LocalHost
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        # The functions log one line per request themselves; the server's own line is noise.
        logger.debug("%s %s", self.address_string(), format % args)

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        body = self._read_body()
        if body is None:
            return
        if url.path == API_PREFIX or url.path.startswith(API_PREFIX + "/"):
            self._call_function(url.path[len(API_PREFIX) :] or "/", url.query, body)
        elif url.path.startswith("/admin/functions/"):
            self._run_function(url.path.removeprefix("/admin/functions/"))
        elif self.command in ("GET", "HEAD"):
            self._serve_static(url.path)
        else:
            self._send_problem(HTTPStatus.NOT_FOUND, "There is nothing to post here.")

    def _read_body(self) -> bytes | None:
        length_header = self.headers.get("Content-Length") or "0"
        if not length_header.isdigit():
            self._send_problem(HTTPStatus.BAD_REQUEST, "Content-Length must be a number.")
            return None
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            self._send_problem(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"The body has {length} bytes; send at most {MAX_BODY_BYTES}.",
            )
            return None
        return self.rfile.read(length) if length else b""

    def _call_function(self, path: str, query: str, body: bytes) -> None:
        route, route_params, allowed = self.server.routes.find(self.command, path)
        if route is None:
            if allowed:
                self._send_problem(
                    HTTPStatus.METHOD_NOT_ALLOWED,
                    f"{self.command} is not allowed here; use {', '.join(allowed)}.",
                    {"Allow": ", ".join(allowed)},
                )
            else:
                self._send_problem(HTTPStatus.NOT_FOUND, f"No function answers {API_PREFIX}{path}.")
            return

        request = func.HttpRequest(
            method=self.command,
            url=f"http://{self.headers.get('Host', 'localhost')}{self.path}",
            headers=dict(self.headers.items()),
            params=dict(parse_qsl(query, keep_blank_values=True)),
            route_params=route_params,
            body=body,
        )
        response: func.HttpResponse = route.handler(request)
        headers = dict(response.headers.items())
        content_type = response.mimetype or "text/plain"
        if response.charset and "charset" not in content_type:
            content_type += f"; charset={response.charset}"
        headers.setdefault("Content-Type", content_type)
        self._send(response.status_code, response.get_body() or b"", headers)

    def _run_function(self, name: str) -> None:
        function = self.server.other_functions.get(name)
        if function is None or function.trigger_type != "timerTrigger" or self.command != "POST":
            self._send_problem(HTTPStatus.NOT_FOUND, f"There is no timer function {name!r}.")
            return
        started = datetime.now().astimezone()
        try:
            run_background(self.server.other_functions, function, _TimerRequest())
        except Exception:
            logger.exception("%s failed when run on demand", name)
            self._send_problem(
                HTTPStatus.INTERNAL_SERVER_ERROR, f"{name} failed; the error has been logged."
            )
            return
        logger.info("Ran %s on demand, started %s.", name, started.isoformat(timespec="seconds"))
        self._send(HTTPStatus.ACCEPTED, b"", {})

    def _serve_static(self, path: str) -> None:
        root = self.server.web_root.resolve()
        relative = path.lstrip("/") or "index.html"
        target = (root / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if root not in target.parents or not target.is_file():
            self._send_problem(HTTPStatus.NOT_FOUND, f"There is no file {path}.")
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix in (".js", ".mjs"):
            kind = "text/javascript"
        charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith("json") else ""
        self._send(
            HTTPStatus.OK,
            target.read_bytes(),
            {"Content-Type": kind + charset, "Cache-Control": "no-cache"},
        )

    def _send_problem(
        self, status: HTTPStatus, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        body = {"type": "about:blank", "title": status.phrase, "status": status, "detail": detail}
        self._send(
            status,
            json.dumps(body).encode(),
            {"Content-Type": "application/problem+json", **(headers or {})},
        )

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def run_background(
    functions: dict[str, BackgroundFunction], function: BackgroundFunction, trigger: Any
) -> None:
    """Call ``function``; deliver what it puts on queues to their queue-triggered functions.

    This stands in for the storage queue locally: messages are handled in this process, one
    after another, in the order they were written.
    """
    outputs = {arg: _QueueOut() for arg in function.queue_outputs}
    function.handler(**{function.trigger_arg: trigger}, **outputs)

    for arg, out in outputs.items():
        value = out.get()
        messages = value if isinstance(value, list) else [] if value is None else [value]
        queue = function.queue_outputs[arg]
        readers = [f for f in functions.values() if f.queue_name == queue]
        for message in messages:
            for reader in readers:
                run_background(functions, reader, func.QueueMessage(body=str(message)))


def iter_route_lines(routes: RouteTable) -> Iterator[str]:
    """One line per route, as the host prints them at start-up."""
    for route in routes.routes:
        yield f"  {route.function_name}: [{','.join(sorted(route.methods))}] /api/{route.template}"
