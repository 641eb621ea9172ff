"""Fixtures shared by every test area: live local hosts over the demo ledger or an empty store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_host import LocalHostProcess


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a local host serving the demo ledger, precomputed, and the web app."""
    host = LocalHostProcess(tmp_path_factory.mktemp("live") / "demo.db", demo=True)
    try:
        host.wait_until_ready()
        yield host.base_url
    finally:
        host.stop()


@pytest.fixture()
def empty_server(tmp_path: Path) -> Iterator[str]:
    """The base URL of a local host over an empty store, for tests that write."""
    host = LocalHostProcess(tmp_path / "empty.db", demo=False)
    try:
        host.wait_until_ready()
        yield host.base_url
    finally:
        host.stop()
