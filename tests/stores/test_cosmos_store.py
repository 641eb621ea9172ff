"""What only the Cosmos DB store promises: its layout, ids, batches, retries and concurrency.

The shared contract is in ``test_store_contract.py``. These tests run against the
Cosmos-protocol test server, except the layout check (no server) and the ``azure`` tests,
which need a real account because the test server does not roll a failed batch back.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from azure.cosmos import ContainerProxy, CosmosClient

from shared.ledger import Company, LedgerBatch
from shared.settings import Settings
from shared.stores import cosmos_store
from shared.stores.base import StoreError
from shared.stores.cosmos_store import CosmosStore
from tests.stores import cosmos_server
from tests.stores.ledger_records import COMPANY, customer, invoice, payment, settlement
from tests.stores.test_store_contract import BASE

LAYOUT = Path(__file__).resolve().parents[2] / "infra" / "cosmos-layout.json"


@pytest.fixture()
def database(cosmos_client: CosmosClient) -> Iterator[str]:
    name = f"cosmos-{uuid.uuid4().hex[:12]}"
    yield name
    cosmos_client.delete_database(name)


@pytest.fixture()
def store(cosmos_client: CosmosClient, database: str) -> CosmosStore:
    return CosmosStore(cosmos_client, database, allow_batch_fallback=True)


# The layout, shared with the infrastructure.


def test_the_layout_is_the_one_the_infrastructure_deploys() -> None:
    layout = json.loads(LAYOUT.read_text())
    containers = {c["name"]: c for c in layout["containers"]}

    assert layout["database"] == cosmos_store.DATABASE
    assert containers[cosmos_store.LEDGER]["partitionKey"] == cosmos_store.PARTITION_KEY_PATH
    assert containers[cosmos_store.DOCUMENTS]["partitionKey"] == cosmos_store.PARTITION_KEY_PATH
    assert containers[cosmos_store.COMPANIES]["partitionKey"] == cosmos_store.COMPANY_KEY_PATH
    assert containers[cosmos_store.LEDGER]["indexingPolicy"] == cosmos_store.LEDGER_INDEXING
    assert containers[cosmos_store.DOCUMENTS]["indexingPolicy"] == cosmos_store.DOCUMENTS_INDEXING
    assert containers[cosmos_store.COMPANIES]["indexingPolicy"] == cosmos_store.COMPANIES_INDEXING


@pytest.mark.cosmos
def test_throttling_and_transient_errors_are_retried_by_the_sdk(
    cosmos_client: CosmosClient,
) -> None:
    retry = cosmos_client.client_connection.connection_policy.RetryOptions

    assert retry.MaxRetryAttemptCount == cosmos_store.client_options()["retry_total"]
    assert retry.MaxWaitTimeInSeconds == cosmos_store.client_options()["retry_backoff_max"]


@pytest.mark.cosmos
def test_missing_containers_are_created_with_their_keys(
    store: CosmosStore, cosmos_client: CosmosClient, database: str
) -> None:
    db = cosmos_client.get_database_client(database)

    keys = {
        name: db.get_container_client(name).read()["partitionKey"]["paths"]
        for name in (cosmos_store.LEDGER, cosmos_store.DOCUMENTS, cosmos_store.COMPANIES)
    }

    assert keys == {"ledger": ["/pk"], "documents": ["/pk"], "companies": ["/id"]}


# Ids and partitions.


@pytest.mark.cosmos
def test_keys_with_characters_cosmos_refuses_in_ids(store: CosmosStore) -> None:
    company = Company("ACME/EU#1", "Acme?", "EUR", "Europe/Berlin")
    account = "C|1/a\\b"
    row = dataclasses.replace(customer(account), company=company.id)
    bill = dataclasses.replace(invoice("INV/2024?#1", account, "2024-01-01", "2024-01-31", "5.00"))
    bill = dataclasses.replace(bill, company=company.id)

    store.write_batch(LedgerBatch(companies=(company,), customers=(row,), transactions=(bill,)))

    assert store.get_company(company.id) == company
    assert store.get_customers(company.id, [account]) == {account: row}
    assert store.customer_ledger(company.id, account) == ([bill], [])
    assert store.ledger_versions(company.id) == {account: 1}


@pytest.mark.cosmos
def test_a_moved_transaction_leaves_no_copy_behind(store: CosmosStore) -> None:
    store.write_batch(BASE)
    moved = dataclasses.replace(BASE.transactions[1], customer="C-002")

    store.write_batch(LedgerBatch(transactions=(moved,)))

    old, _ = store.customer_ledger(COMPANY.id, "C-001")
    new, _ = store.customer_ledger(COMPANY.id, "C-002")
    assert moved.id not in [t.id for t in old]
    assert moved in new
    assert store.get_transactions(COMPANY.id, [moved.id]) == {moved.id: moved}


@pytest.mark.cosmos
def test_a_partition_beyond_one_batch_is_written_whole_with_one_bump(
    store: CosmosStore,
) -> None:
    many = tuple(
        invoice(f"INV-{n:03d}", "C-001", "2024-01-01", "2024-01-31", "1.00") for n in range(250)
    )
    store.write_batch(LedgerBatch(companies=(COMPANY,), customers=(customer("C-001"),)))

    summary = store.write_batch(LedgerBatch(transactions=many))

    assert summary.written == {"transactions": 250}
    assert len(store.customer_ledger(COMPANY.id, "C-001")[0]) == 250
    assert store.ledger_versions(COMPANY.id) == {"C-001": 2}


# Batches and concurrency.


@pytest.mark.cosmos
def test_the_server_runs_batches_and_the_store_uses_them(store: CosmosStore) -> None:
    store.write_batch(BASE)

    assert store._batches is True


@pytest.mark.cosmos
def test_without_batches_the_store_falls_back_and_converges(
    cosmos_endpoint_without_batches: str,
) -> None:
    client = cosmos_server.local_client(cosmos_endpoint_without_batches)
    store = CosmosStore(client, "fallback", allow_batch_fallback=True)
    try:
        first = store.write_batch(BASE)
        second = store.write_batch(BASE)

        assert store._batches is False
        assert first.total_written == 12
        assert second.total_written == 0
        assert store.ledger_versions(COMPANY.id) == {"C-001": 1, "C-002": 1}
    finally:
        client.delete_database("fallback")
        store.close()


@pytest.mark.cosmos
def test_in_azure_a_server_without_batches_is_an_error(
    cosmos_endpoint_without_batches: str,
) -> None:
    client = cosmos_server.local_client(cosmos_endpoint_without_batches)
    store = CosmosStore(client, "strict")
    try:
        with pytest.raises(StoreError, match="write the batch"):
            store.write_batch(LedgerBatch(customers=(customer("C-001"),)))
        assert store.ledger_versions(COMPANY.id) == {}
    finally:
        client.delete_database("strict")
        store.close()


@pytest.mark.cosmos
def test_a_concurrent_write_to_the_same_customer_fails_the_batch(
    store: CosmosStore, cosmos_client: CosmosClient, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write_batch(BASE)
    other = CosmosStore(cosmos_client, database, create_missing=False)
    renamed = dataclasses.replace(BASE.customers[0], name="Renamed by another writer")
    late = payment("PAY-9", "C-002", "2024-03-02", "1.00")
    write_partitions = store._write_partitions

    def after_another_writer(
        container: ContainerProxy, partitions: Sequence[tuple[str, Sequence[Any]]]
    ) -> None:
        other.write_batch(LedgerBatch(customers=(renamed,)))
        write_partitions(container, partitions)

    monkeypatch.setattr(store, "_write_partitions", after_another_writer)
    with pytest.raises(StoreError, match="status 412"):
        store.write_batch(LedgerBatch(transactions=(late,)))
    monkeypatch.undo()

    # Sent again, the batch converges. (Azure rolled the failed batch back, so the payment
    # is written now; the test server had kept it, so it is unchanged now.)
    assert store.write_batch(LedgerBatch(transactions=(late,))).total_written <= 1
    assert store.get_transactions(COMPANY.id, ["PAY-9"]) == {"PAY-9": late}
    assert store.get_customers(COMPANY.id, ["C-002"]) == {"C-002": renamed}


@pytest.mark.cosmos
def test_a_settlement_of_an_unknown_invoice_writes_nothing(store: CosmosStore) -> None:
    store.write_batch(BASE)
    before = store.ledger_versions(COMPANY.id)
    orphan = settlement("S-9", "INV-404", "PAY-1", "1.00", "2024-03-01")

    with pytest.raises(StoreError, match="INV-404"):
        store.write_batch(LedgerBatch(transactions=BASE.transactions, settlements=(orphan,)))

    assert store.ledger_versions(COMPANY.id) == before


# Real Azure: transactional batches roll back, credentials come from the settings.


@pytest.mark.azure
def test_in_azure_a_failed_batch_writes_nothing_of_its_partition() -> None:
    settings = Settings.from_environ()
    store = CosmosStore.from_settings(dataclasses.replace(settings, store="cosmos"))
    company = dataclasses.replace(COMPANY, id=f"azure-test-{uuid.uuid4().hex[:8]}")
    row = dataclasses.replace(customer("C-001"), company=company.id)
    try:
        store.write_batch(LedgerBatch(companies=(company,), customers=(row,)))
        assert store._batches is True
        bill = dataclasses.replace(
            invoice("INV-1", "C-001", "2024-01-01", "2024-01-31", "9.99"), company=company.id
        )
        store._ledger.delete_item("version", partition_key=f"{company.id}|C-001")
        store._ledger.upsert_item(
            {"id": "version", "pk": f"{company.id}|C-001", "type": "version", "version": 7}
        )

        # The plan saw no version, so its create conflicts: the invoice must not stay.
        with pytest.raises(StoreError):
            _write_with_stale_plan(store, LedgerBatch(transactions=(bill,)))
        assert store.customer_ledger(company.id, "C-001") == ([], [])
    finally:
        _delete_company(store, company.id)
        store.close()


def _write_with_stale_plan(store: CosmosStore, batch: LedgerBatch) -> None:
    def no_versions(plan: Any) -> None:
        return None

    original = store._plan_versions
    store._plan_versions = no_versions  # type: ignore[method-assign]
    try:
        store.write_batch(batch)
    finally:
        store._plan_versions = original  # type: ignore[method-assign]


def _delete_company(store: CosmosStore, company: str) -> None:
    query = "SELECT c.id, c.pk FROM c WHERE c.company = @company"
    parameters: list[dict[str, Any]] = [{"name": "@company", "value": company}]
    rows = store._ledger.query_items(
        query, parameters=parameters, enable_cross_partition_query=True
    )
    for row in list(rows):
        store._ledger.delete_item(row["id"], partition_key=row["pk"])
    store._companies.delete_item(company, partition_key=company)


def test_amounts_keep_their_scale_in_documents() -> None:
    encoded = cosmos_store._encode(payment("P", "C", "2024-01-01", "10.50"))

    assert encoded["amount"] == "10.50"
    assert cosmos_store._decode(type(BASE.transactions[2]), encoded).amount == Decimal("10.50")
