"""The Cosmos-protocol test server (npm ``@vercel/cosmosdb-server``), started for the tests.

``running_server`` starts ``start_cosmos_server.js`` on a free loopback port, waits until the
server answers over HTTPS, yields its endpoint and stops it afterwards. The server uses the
self-signed certificate shipped in its package, so clients made here skip certificate checks;
that option exists in the tests only.

Where the server is not installed, ``missing_reason`` says why. Under CI (``CI=true``) the
tests that need it fail rather than skip: a CI run that quietly skipped the Cosmos suite
would report a store it never tested.
"""

from __future__ import annotations

import base64
import http.client
import os
import secrets
import select
import shutil
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from azure.cosmos import CosmosClient

from shared.stores.cosmos_store import CosmosStore, client_options

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGE = REPOSITORY / "node_modules" / "@vercel" / "cosmosdb-server"
LAUNCHER = Path(__file__).with_name("start_cosmos_server.js")

# The server accepts any key; the SDK signs requests with it and wants base64.
TEST_KEY = base64.b64encode(secrets.token_bytes(64)).decode()

_START_SECONDS = 20.0


class CosmosServerError(RuntimeError):
    """The test server did not start or did not answer; the message holds its output."""


def missing_reason() -> str | None:
    """Why the test server cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed; the Cosmos tests need it to run the test server."
    if not (PACKAGE / "package.json").is_file():
        return "node_modules/@vercel/cosmosdb-server is missing; run `npm ci` first."
    return None


def required_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@contextmanager
def running_server(*, batch: bool = True) -> Iterator[str]:
    """Start a server, yield its ``https://127.0.0.1:PORT/`` endpoint, stop it after.

    ``batch=False`` leaves transactional batches unsupported, as the package publishes them,
    so the store's fallback to ordered single writes is exercised too.
    """
    command = ["node", str(LAUNCHER), *(["--batch"] if batch else [])]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            cwd=REPOSITORY,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        try:
            port = _read_port(process, log)
            endpoint = f"https://127.0.0.1:{port}/"
            _wait_until_answering(port, log)
            yield endpoint
        finally:
            _stop(process)


def local_client(endpoint: str) -> CosmosClient:
    """A client with the store's retry options that accepts the self-signed certificate."""
    return CosmosClient(endpoint, TEST_KEY, connection_verify=False, **client_options())


def open_store(endpoint: str, database: str) -> CosmosStore:
    """A store over a new database, allowed to fall back where the server lacks batches."""
    return CosmosStore(local_client(endpoint), database, allow_batch_fallback=True)


def _read_port(process: subprocess.Popen[bytes], log: IO[bytes]) -> int:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], _START_SECONDS)
    line = process.stdout.readline() if ready else b""
    if not line.strip().isdigit():
        raise CosmosServerError(f"The Cosmos test server did not start.\n{_output(log)}")
    return int(line)


def _wait_until_answering(port: int, log: IO[bytes]) -> None:
    """Ask for the account document until the server answers it, within the start time."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + _START_SECONDS
    while True:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=2, context=context)
        try:
            connection.request("GET", "/")
            if connection.getresponse().status < 500:
                return
        except OSError:
            pass
        finally:
            connection.close()
        if time.monotonic() > deadline:
            raise CosmosServerError(f"The Cosmos test server did not answer.\n{_output(log)}")
        time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Close the server's standard input, which ends it; kill it only if it lingers."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    if process.stdout is not None:
        process.stdout.close()


def _output(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]
