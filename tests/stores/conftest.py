"""The ``store`` fixture: every store implementation, empty, for the shared contract tests.

- ``sqlite``: the embedded store, a file in the test's temporary folder;
- ``cosmos``: the Cosmos DB store against the Cosmos-protocol test server (one server for the
  session, one new database per test), marked ``cosmos``.

Tests marked ``azure`` need a real Cosmos DB account (``COSMOS_ENDPOINT``, and ``COSMOS_KEY``
or an Entra ID login) and are skipped unless ``COLLECTIONS_AZURE_TESTS=1``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from azure.cosmos import CosmosClient

from shared.stores.base import LedgerStore
from shared.stores.cosmos_store import CosmosStore
from shared.stores.sqlite_store import SqliteStore
from tests.stores import cosmos_server

# The test server's certificate is self-signed; only these tests accept it.
INSECURE_OK = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("cosmos") is not None:
            item.add_marker(INSECURE_OK)
        if item.get_closest_marker("azure") is not None and not _azure_tests_enabled():
            item.add_marker(pytest.mark.skip(reason="set COLLECTIONS_AZURE_TESTS=1 to run"))


def _azure_tests_enabled() -> bool:
    return os.environ.get("COLLECTIONS_AZURE_TESTS", "").strip() == "1"


@pytest.fixture(scope="session")
def cosmos_endpoint() -> Iterator[str]:
    """The endpoint of a Cosmos-protocol test server that runs transactional batches."""
    yield from _server(batch=True)


@pytest.fixture(scope="session")
def cosmos_endpoint_without_batches() -> Iterator[str]:
    """The endpoint of a test server as published: without transactional batches."""
    yield from _server(batch=False)


def _server(*, batch: bool) -> Iterator[str]:
    reason = cosmos_server.missing_reason()
    if reason is not None:
        if cosmos_server.required_in_ci():
            pytest.fail(f"CI must run the Cosmos tests: {reason}")
        pytest.skip(reason)
    with cosmos_server.running_server(batch=batch) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def cosmos_client(cosmos_endpoint: str) -> Iterator[CosmosClient]:
    """One client for the session: making one costs more than a whole contract test."""
    client = cosmos_server.local_client(cosmos_endpoint)
    try:
        yield client
    finally:
        client.close()


def _sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LedgerStore]:
    store = SqliteStore(tmp_path / "store" / "ledger.db")
    try:
        yield store
    finally:
        store.close()


def _cosmos(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LedgerStore]:
    client: CosmosClient = request.getfixturevalue("cosmos_client")
    database = f"contract-{uuid.uuid4().hex[:12]}"
    store = CosmosStore(client, database, allow_batch_fallback=True)
    try:
        yield store
    finally:
        # The client is the session's, so the store is not closed; its database goes.
        client.delete_database(database)


_FACTORIES: dict[str, Callable[[pytest.FixtureRequest, Path], Iterator[LedgerStore]]] = {
    "sqlite": _sqlite,
    "cosmos": _cosmos,
}


@pytest.fixture(
    params=[
        pytest.param("cosmos", marks=pytest.mark.cosmos),
        pytest.param("sqlite"),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LedgerStore]:
    yield from _FACTORIES[request.param](request, tmp_path)
