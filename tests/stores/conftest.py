"""The ``store`` fixture: every store implementation, empty, for the shared contract tests.

Only the embedded SQLite store is listed here; the Cosmos DB store adds its own parameter
(``"cosmos"``, against the Cosmos-protocol test server) when it lands.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.stores.base import LedgerStore
from shared.stores.sqlite_store import SqliteStore


def _sqlite(tmp_path: Path) -> LedgerStore:
    return SqliteStore(tmp_path / "store" / "ledger.db")


_FACTORIES = {"sqlite": _sqlite}


@pytest.fixture(params=sorted(_FACTORIES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LedgerStore]:
    opened = _FACTORIES[request.param](tmp_path)
    try:
        yield opened
    finally:
        opened.close()
