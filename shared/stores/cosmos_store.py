"""The Cosmos DB store: the ledger and its derived documents in three containers.

Layout (the reasoning and the request-unit cost of each call are in ``docs/cosmos.md``):

- ``ledger``, partitioned by ``/pk`` = ``"{company}|{account}"``: one customer's ledger is one
  logical partition. It holds the customer row (id ``customer``), its transactions
  (``txn:{id}``), the settlements of its invoices (``stl:{id}``), its activities
  (``act:{id}``) and its ledger version (``version``). A ``type`` field tells them apart; the
  record itself sits under ``record``, so its own fields never collide with Cosmos DB's.
- ``documents``, partitioned by ``/pk`` = ``"{company}|{kind}"``: derived documents, id = key,
  so a snapshot or a workspace list is one point read.
- ``companies``, partitioned by ``/id``: one small item per company.

Keys are escaped before they become ids or partition keys: Cosmos DB refuses ``/ \\ ? #`` in
ids, and ``|`` separates the parts of a partition key.

Cosmos DB has no transaction across partitions. ``write_batch`` therefore reads everything it
needs and builds every operation before it writes anything, then writes one customer
partition at a time with a transactional batch (atomic within the partition, at most
``BATCH_LIMIT`` operations each). Every write is an upsert or delete by id decided by
comparing with what is stored, so a batch interrupted between partitions and sent again
converges to the same ledger. The ledger version is bumped by the last operation in its
partition, so a precompute never records a version whose writes are not all there.

Throttling (429) and transient failures are retried by the SDK's own policies, configured in
``client_options``; nothing here loops on errors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from types import NoneType, UnionType
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin, get_type_hints

from azure.core import MatchConditions
from azure.core.credentials import TokenCredential
from azure.core.exceptions import AzureError
from azure.cosmos import ContainerProxy, CosmosClient, DatabaseProxy, PartitionKey
from azure.cosmos.exceptions import (
    CosmosBatchOperationError,
    CosmosHttpResponseError,
    CosmosResourceNotFoundError,
)

from shared.ledger import Activity, Company, Customer, LedgerBatch, Settlement, Transaction
from shared.ledger_rows import item_rows
from shared.stores.base import CustomerLedger, DocumentKind, JsonObject, StoreError, WriteSummary

if TYPE_CHECKING:
    from shared.settings import Settings

logger = logging.getLogger(__name__)

# Names shared with the infrastructure (infra/ creates the same database and containers).
DATABASE = "collections"
LEDGER = "ledger"
DOCUMENTS = "documents"
COMPANIES = "companies"
PARTITION_KEY_PATH = "/pk"
COMPANY_KEY_PATH = "/id"

# Only the paths the queries filter or sort on are indexed: every indexed path adds to the
# cost of each write, and bodies of derived documents are never queried.
LEDGER_INDEXING: JsonObject = {
    "indexingMode": "consistent",
    "automatic": True,
    "includedPaths": [
        {"path": "/pk/?"},
        {"path": "/type/?"},
        {"path": "/company/?"},
        {"path": "/account/?"},
        {"path": "/key/?"},
        {"path": "/record/invoice/?"},
        {"path": "/record/credit/?"},
        {"path": "/record/status/?"},
        {"path": "/record/agent/?"},
    ],
    "excludedPaths": [{"path": "/*"}],
}
DOCUMENTS_INDEXING: JsonObject = {
    "indexingMode": "consistent",
    "automatic": True,
    "includedPaths": [{"path": "/pk/?"}, {"path": "/key/?"}],
    "excludedPaths": [{"path": "/*"}],
}
COMPANIES_INDEXING: JsonObject = {
    "indexingMode": "consistent",
    "automatic": True,
    "includedPaths": [],
    "excludedPaths": [{"path": "/*"}],
}

# Cosmos DB's limit of operations in one transactional batch.
BATCH_LIMIT = 100
# Customer partitions written at once by one ``write_batch``.
WRITE_CONCURRENCY = 8
# Ids in one query's array parameter; keeps each query well under the query size limit.
QUERY_CHUNK = 200
# Accounts per range query of ``customer_ledgers``: a few hundred customers' rows in memory.
LEDGER_CHUNK = 500
# Cosmos DB ids are at most 255 characters; longer escaped keys are replaced by a digest.
_MAX_ID = 255

_CUSTOMER = "customer"
_TRANSACTION = "transaction"
_SETTLEMENT = "settlement"
_ACTIVITY = "activity"
_VERSION = "version"
_ID_PREFIX = {_TRANSACTION: "txn:", _SETTLEMENT: "stl:", _ACTIVITY: "act:"}

_ESCAPES = str.maketrans({"%": "%25", "|": "%7C", "/": "%2F", "\\": "%5C", "?": "%3F", "#": "%23"})

_FIELD_TYPES: dict[type, dict[str, Any]] = {}

_Record = TypeVar("_Record", Company, Customer, Transaction, Settlement, Activity)
_Operation = tuple[str, tuple[Any, ...]] | tuple[str, tuple[Any, ...], dict[str, Any]]


def client_options() -> dict[str, Any]:
    """Keyword options of the ``CosmosClient``: how the SDK retries, so that we never do.

    ``retry_total`` caps both the retries of throttled requests (429, waiting as long as the
    service's retry-after asks) and of connection failures; ``retry_backoff_max`` caps the
    total seconds spent waiting on throttling for one request.
    """
    return {"retry_total": 9, "retry_backoff_max": 30, "retry_connect": 3, "retry_read": 3}


class CosmosStore:
    """``LedgerStore`` over Azure Cosmos DB for NoSQL, through the synchronous SDK."""

    def __init__(
        self,
        client: CosmosClient,
        database: str = DATABASE,
        *,
        create_missing: bool = True,
        allow_batch_fallback: bool = False,
        credential: TokenCredential | None = None,
    ) -> None:
        """Open ``database`` on ``client``; create it and its containers when missing.

        ``allow_batch_fallback`` lets the store fall back to ordered single writes when the
        server does not implement transactional batches (the protocol test server). It stays
        off in Azure, where a batch that fails is an error and never a reason to write less
        atomically.
        """
        self._client = client
        self._credential = credential
        self._batches: bool | None = None if allow_batch_fallback else True
        with _errors("open the database"):
            self._database = self._open_database(database, create_missing)
            self._ledger = self._open(LEDGER, PARTITION_KEY_PATH, LEDGER_INDEXING, create_missing)
            self._documents = self._open(
                DOCUMENTS, PARTITION_KEY_PATH, DOCUMENTS_INDEXING, create_missing
            )
            self._companies = self._open(
                COMPANIES, COMPANY_KEY_PATH, COMPANIES_INDEXING, create_missing
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> CosmosStore:
        """Connect with ``COSMOS_KEY`` when it is set, otherwise with Entra ID."""
        if not settings.cosmos_endpoint:
            raise StoreError("COSMOS_ENDPOINT is required when COLLECTIONS_STORE=cosmos.")
        if settings.cosmos_key:
            client = CosmosClient(settings.cosmos_endpoint, settings.cosmos_key, **client_options())
            return cls(client, settings.cosmos_database)

        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
        client = CosmosClient(settings.cosmos_endpoint, credential, **client_options())
        logger.info("Connecting to Cosmos DB with an Entra ID credential.")
        return cls(client, settings.cosmos_database, credential=credential)

    def _open_database(self, name: str, create_missing: bool) -> DatabaseProxy:
        if create_missing:
            return self._client.create_database_if_not_exists(name)
        return self._client.get_database_client(name)

    def _open(
        self, name: str, key_path: str, indexing: JsonObject, create_missing: bool
    ) -> ContainerProxy:
        if not create_missing:
            return self._database.get_container_client(name)
        # An existing container keeps its settings: the infrastructure owns them in Azure.
        return self._database.create_container_if_not_exists(
            name, partition_key=PartitionKey(key_path), indexing_policy=indexing
        )

    def close(self) -> None:
        self._client.close()
        closer = getattr(self._credential, "close", None)
        if callable(closer):
            closer()

    # The ledger: writes.

    def write_batch(self, batch: LedgerBatch) -> WriteSummary:
        """Upsert ``batch``; every read and check happens before the first write."""
        with _errors("write the batch"):
            plan = _Plan()
            self._plan_companies(batch.companies, plan)
            self._plan_customers(batch.customers, plan)
            self._plan_keyed(_TRANSACTION, batch.transactions, _transaction_account, plan)
            self._plan_keyed(_SETTLEMENT, batch.settlements, self._settlement_accounts(batch), plan)
            self._plan_keyed(_ACTIVITY, batch.activities, _activity_account, plan)
            self._plan_versions(plan)

            for document in plan.companies:
                self._companies.upsert_item(document)
            self._write_partitions(
                self._ledger, [(p.pk, p.operations()) for p in plan.partitions.values()]
            )

        logger.info(
            "Wrote %d ledger records (%d unchanged) across %d customer partitions.",
            sum(plan.written.values()),
            sum(plan.unchanged.values()),
            len(plan.partitions),
        )
        return WriteSummary(written=dict(plan.written), unchanged=dict(plan.unchanged))

    def _plan_companies(self, companies: Sequence[Company], plan: _Plan) -> None:
        if not companies:
            return
        wanted = {company.id: company for company in companies}
        items = [(_cosmos_id(key), _cosmos_id(key)) for key in wanted]
        stored = {doc["id"]: doc for doc in self._companies.read_items(items)}

        for key, company in wanted.items():
            document = {"id": _cosmos_id(key), "record": _encode(company)}
            if _same(stored.get(document["id"]), document):
                plan.unchanged["companies"] += 1
            else:
                plan.written["companies"] += 1
                plan.companies.append(document)

    def _plan_customers(self, customers: Sequence[Customer], plan: _Plan) -> None:
        if not customers:
            return
        by_company: dict[str, dict[str, Customer]] = defaultdict(dict)
        for customer in customers:
            by_company[customer.company][customer.account] = customer

        for company, wanted in by_company.items():
            stored = self._find(company, _CUSTOMER, wanted)
            for account, customer in wanted.items():
                document = _ledger_document(_CUSTOMER, company, account, account, customer)
                if _same(stored.get(account), document):
                    plan.unchanged["customers"] += 1
                    continue
                plan.written["customers"] += 1
                plan.partition(company, account).upserts.append(document)

    def _plan_keyed(
        self,
        kind: str,
        records: Sequence[Transaction] | Sequence[Settlement] | Sequence[Activity],
        account_of: Callable[[Any], str],
        plan: _Plan,
    ) -> None:
        """Plan records whose partition follows their customer, which a later batch may change.

        The stored copy is looked up by id across the company's partitions, so a record that
        moved to another customer is deleted where it was.
        """
        summary_name = f"{kind}s" if kind != _ACTIVITY else "activities"
        by_company: dict[str, dict[str, Any]] = defaultdict(dict)
        for record in records:
            by_company[record.company][record.id] = record

        for company, wanted in by_company.items():
            stored = self._find(company, kind, wanted)
            for key, record in wanted.items():
                account = account_of(record)
                document = _ledger_document(kind, company, account, key, record)
                old = stored.get(key)
                if _same(old, document):
                    plan.unchanged[summary_name] += 1
                    continue

                plan.written[summary_name] += 1
                plan.partition(company, account).upserts.append(document)
                if old is not None and old["pk"] != document["pk"]:
                    plan.partition(company, old["account"]).deletes.append(old["id"])

    def _settlement_accounts(self, batch: LedgerBatch) -> Callable[[Any], str]:
        """The customer of each settlement's invoice, from the batch or else from the store."""
        accounts = {(t.company, t.id): t.customer for t in batch.transactions}
        missing: dict[str, set[str]] = defaultdict(set)
        for settlement in batch.settlements:
            if (settlement.company, settlement.invoice) not in accounts:
                missing[settlement.company].add(settlement.invoice)

        for company, invoices in missing.items():
            for key, doc in self._find(company, _TRANSACTION, invoices).items():
                accounts[(company, key)] = doc["account"]

        def account_of(settlement: Settlement) -> str:
            account = accounts.get((settlement.company, settlement.invoice))
            if account is None:
                raise StoreError(
                    f"Settlement {settlement.id!r} names invoice {settlement.invoice!r}, which "
                    "is neither in the batch nor stored; check batches with shared.ingest."
                )
            return account

        return account_of

    def _plan_versions(self, plan: _Plan) -> None:
        """Every partition the plan writes to has a change, so each gets one version bump."""
        by_company: dict[str, list[str]] = defaultdict(list)
        for partition in plan.partitions.values():
            by_company[partition.company].append(partition.account)

        for company, accounts in by_company.items():
            for account, stored in self._find(company, _VERSION, accounts).items():
                plan.partition(company, account).version = stored

    def _write_partitions(
        self, container: ContainerProxy, partitions: Sequence[tuple[str, Sequence[_Operation]]]
    ) -> None:
        """Write several partitions at once; each one's operations stay in their order.

        Partitions are independent (no transaction spans two), so writing them concurrently
        changes nothing but the time an ingest takes. The first error is raised once every
        partition has finished, so no write is left running behind the caller.
        """
        if not partitions:
            return
        if self._batches is None:
            self._batches = self._probe_batches()
        if len(partitions) == 1:
            self._write_partition(container, *partitions[0])
            return

        with ThreadPoolExecutor(WRITE_CONCURRENCY, thread_name_prefix="cosmos-write") as pool:
            futures = [
                pool.submit(self._write_partition, container, pk, operations)
                for pk, operations in partitions
            ]
        for future in futures:
            future.result()

    def _write_partition(
        self, container: ContainerProxy, pk: str, operations: Sequence[_Operation]
    ) -> None:
        """Write one partition's operations in order, in transactional batches where possible."""
        for chunk in _batch_chunks(operations):
            if self._batches:
                container.execute_item_batch(chunk, partition_key=pk)
            else:
                _write_one_by_one(container, pk, chunk)

    def _probe_batches(self) -> bool:
        """Whether the server runs transactional batches: asked once, with a harmless read.

        Azure answers a batch that reads a missing item with the operation's 404. A server
        without batches answers the request itself with an error.
        """
        try:
            self._ledger.execute_item_batch([("read", ("batch-probe",))], partition_key="probe")
        except CosmosBatchOperationError:
            return True
        except CosmosHttpResponseError as error:
            logger.warning(
                "The Cosmos DB server does not run transactional batches (status %s); "
                "writes fall back to ordered single writes.",
                error.status_code,
            )
            return False
        return True

    # The ledger: reads.

    def list_companies(self) -> list[Company]:
        with _errors("list the companies"):
            documents = self._companies.query_items(
                "SELECT * FROM c", enable_cross_partition_query=True
            )
            companies = [_decode(Company, doc["record"]) for doc in documents]
        return sorted(companies, key=lambda company: company.id)

    def get_company(self, company: str) -> Company | None:
        with _errors("read a company"):
            document = _point_read(self._companies, _cosmos_id(company), _cosmos_id(company))
        return None if document is None else _decode(Company, document["record"])

    def get_customers(self, company: str, accounts: Iterable[str]) -> dict[str, Customer]:
        wanted = set(accounts)
        with _errors("read customers"):
            if len(wanted) == 1:
                # The details page asks for one customer: a point read, the cheapest read.
                (account,) = wanted
                found = _point_read(self._ledger, _CUSTOMER, _ledger_pk(company, account))
                documents = {} if found is None else {account: found}
            else:
                documents = self._find(company, _CUSTOMER, wanted)
        return {account: _decode(Customer, doc["record"]) for account, doc in documents.items()}

    def iter_customers(self, company: str) -> Iterator[Customer]:
        query = "SELECT * FROM c WHERE c.company = @company AND c.type = @type ORDER BY c.account"
        with _errors("list customers"):
            documents = self._ledger.query_items(
                query,
                parameters=_parameters(company=company, type=_CUSTOMER),
                enable_cross_partition_query=True,
            )
            for document in documents:
                yield _decode(Customer, document["record"])

    def get_transactions(self, company: str, ids: Iterable[str]) -> dict[str, Transaction]:
        with _errors("read transactions"):
            found = self._find(company, _TRANSACTION, ids)
        return {key: _decode(Transaction, doc["record"]) for key, doc in found.items()}

    def get_settlements(self, company: str, ids: Iterable[str]) -> dict[str, Settlement]:
        with _errors("read settlements"):
            found = self._find(company, _SETTLEMENT, ids)
        return {key: _decode(Settlement, doc["record"]) for key, doc in found.items()}

    def settlements_touching(
        self, company: str, transaction_ids: Iterable[str]
    ) -> list[Settlement]:
        query = (
            "SELECT * FROM c WHERE c.company = @company AND c.type = @type AND "
            "(ARRAY_CONTAINS(@ids, c.record.invoice) OR ARRAY_CONTAINS(@ids, c.record.credit))"
        )
        found: dict[str, Settlement] = {}
        with _errors("read settlements"):
            for chunk in _chunks(sorted(set(transaction_ids)), QUERY_CHUNK):
                documents = self._ledger.query_items(
                    query,
                    parameters=_parameters(company=company, type=_SETTLEMENT, ids=chunk),
                    enable_cross_partition_query=True,
                )
                for document in documents:
                    found[document["key"]] = _decode(Settlement, document["record"])
        return [found[key] for key in sorted(found)]

    def customer_ledger(
        self, company: str, account: str
    ) -> tuple[list[Transaction], list[Settlement]]:
        with _errors("read a customer's ledger"):
            documents = self._in_partition(company, account, (_TRANSACTION, _SETTLEMENT))
        transactions = [
            _decode(Transaction, doc["record"]) for doc in documents if doc["type"] == _TRANSACTION
        ]
        settlements = [
            _decode(Settlement, doc["record"]) for doc in documents if doc["type"] == _SETTLEMENT
        ]
        transactions.sort(key=lambda t: (t.date, t.id))
        settlements.sort(key=lambda s: s.id)
        return transactions, settlements

    def customer_ledgers(self, company: str, accounts: Sequence[str]) -> Iterator[CustomerLedger]:
        for chunk in _chunks(list(accounts), LEDGER_CHUNK):
            with _errors("read customer ledgers"):
                yield from self._ledger_chunk(company, chunk)

    def _ledger_chunk(self, company: str, accounts: list[str]) -> list[CustomerLedger]:
        """Read a sorted run of accounts in two range queries: versions first, then rows.

        Versions are read before the rows they stand for. A version moves in the same
        transactional batch as its rows, so rows read later are at least as new as their
        version, and a precompute that records it recomputes, never skips, a later change.
        """
        wanted = set(accounts)
        first, last = accounts[0], accounts[-1]
        versions = self._versions(company, first, last, inclusive=True)
        documents: dict[str, list[JsonObject]] = defaultdict(list)
        query = (
            "SELECT * FROM c WHERE c.company = @company AND c.account >= @first "
            "AND c.account <= @last AND c.type != @version"
        )
        rows = self._ledger.query_items(
            query,
            parameters=_parameters(company=company, first=first, last=last, version=_VERSION),
            enable_cross_partition_query=True,
        )
        for document in rows:
            if document["account"] in wanted:
                documents[document["account"]].append(document)

        return [
            _customer_ledger(documents[account], versions.get(account, 0))
            for account in accounts
            if any(doc["type"] == _CUSTOMER for doc in documents.get(account, ()))
        ]

    def customer_activities(self, company: str, account: str) -> list[Activity]:
        with _errors("read a customer's activities"):
            documents = self._in_partition(company, account, (_ACTIVITY,))
        activities = [_decode(Activity, doc["record"]) for doc in documents]
        return sorted(activities, key=lambda activity: (activity.end, activity.id))

    def open_activities(self, company: str, agent: str | None = None) -> list[Activity]:
        query = (
            "SELECT * FROM c WHERE c.company = @company AND c.type = @type "
            "AND c.record.status = 'open'"
        )
        parameters = _parameters(company=company, type=_ACTIVITY)
        if agent is not None:
            query += " AND c.record.agent = @agent"
            parameters += _parameters(agent=agent)

        with _errors("read open activities"):
            documents = self._ledger.query_items(
                query, parameters=parameters, enable_cross_partition_query=True
            )
            activities = [_decode(Activity, doc["record"]) for doc in documents]
        # Sorted here: an ORDER BY on two paths would need a composite index on every write.
        return sorted(activities, key=lambda activity: (activity.end, activity.id))

    def ledger_versions(
        self, company: str, start: str = "", stop: str | None = None
    ) -> dict[str, int]:
        with _errors("read ledger versions"):
            return self._versions(company, start, stop, inclusive=False)

    def _versions(
        self, company: str, start: str, stop: str | None, *, inclusive: bool
    ) -> dict[str, int]:
        """Versions of the accounts from ``start`` to ``stop``, in account (code point) order."""
        query = (
            "SELECT c.account, c.version FROM c WHERE c.company = @company AND c.type = @type "
            "AND c.account >= @start"
        )
        parameters = _parameters(company=company, type=_VERSION, start=start)
        if stop is not None:
            query += " AND c.account <= @stop" if inclusive else " AND c.account < @stop"
            parameters += _parameters(stop=stop)

        rows = self._ledger.query_items(
            query, parameters=parameters, enable_cross_partition_query=True
        )
        versions = {row["account"]: int(row["version"]) for row in rows}
        return {account: versions[account] for account in sorted(versions)}

    def _find(self, company: str, kind: str, keys: Iterable[str]) -> dict[str, JsonObject]:
        """Ledger documents of one kind by key (record id, or account for customers and
        versions), wherever their customer is: one query per chunk, across partitions."""
        query = (
            "SELECT * FROM c WHERE c.company = @company AND c.type = @type "
            "AND ARRAY_CONTAINS(@keys, c.key)"
        )
        found: dict[str, JsonObject] = {}
        for chunk in _chunks(sorted(set(keys)), QUERY_CHUNK):
            documents = self._ledger.query_items(
                query,
                parameters=_parameters(company=company, type=kind, keys=chunk),
                enable_cross_partition_query=True,
            )
            found.update((doc["key"], doc) for doc in documents)
        return found

    def _in_partition(self, company: str, account: str, kinds: Sequence[str]) -> list[JsonObject]:
        """One customer's documents of the given kinds, ordered by record id."""
        pk = _ledger_pk(company, account)
        query = "SELECT * FROM c WHERE c.pk = @pk AND ARRAY_CONTAINS(@types, c.type)"
        documents = self._ledger.query_items(
            query, parameters=_parameters(pk=pk, types=list(kinds)), partition_key=pk
        )
        return sorted(documents, key=lambda doc: str(doc["key"]))

    # Derived documents.

    def put_documents(
        self, company: str, kind: DocumentKind, documents: Iterable[tuple[str, JsonObject]]
    ) -> int:
        pk = _documents_pk(company, kind)
        latest = {key: body for key, body in documents}
        operations: list[_Operation] = [
            ("upsert", ({"id": _cosmos_id(key), "pk": pk, "key": key, "body": body},))
            for key, body in sorted(latest.items())
        ]
        with _errors("write documents"):
            self._write_partitions(self._documents, [(pk, operations)] if operations else [])
        logger.info("Wrote %d %s documents of %s.", len(operations), kind.value, company)
        return len(operations)

    def get_document(self, company: str, kind: DocumentKind, key: str) -> JsonObject | None:
        with _errors("read a document"):
            document = _point_read(self._documents, _cosmos_id(key), _documents_pk(company, kind))
        return None if document is None else dict(document["body"])

    def iter_documents(
        self, company: str, kind: DocumentKind, key_prefix: str = ""
    ) -> Iterator[tuple[str, JsonObject]]:
        pk = _documents_pk(company, kind)
        query = "SELECT c.key, c.body FROM c WHERE c.pk = @pk"
        parameters = _parameters(pk=pk)
        if key_prefix:
            query += " AND STARTSWITH(c.key, @prefix)"
            parameters += _parameters(prefix=key_prefix)
        query += " ORDER BY c.key"

        with _errors("list documents"):
            rows = self._documents.query_items(query, parameters=parameters, partition_key=pk)
            for row in rows:
                yield row["key"], dict(row["body"])

    def delete_documents(self, company: str, kind: DocumentKind, keys: Iterable[str]) -> int:
        pk = _documents_pk(company, kind)
        deleted = 0
        with _errors("delete documents"):
            for key in sorted(set(keys)):
                try:
                    self._documents.delete_item(_cosmos_id(key), partition_key=pk)
                except CosmosResourceNotFoundError:
                    continue
                deleted += 1
        return deleted


@dataclass
class _Partition:
    """What ``write_batch`` will do in one customer's partition, in this order."""

    pk: str
    company: str
    account: str
    upserts: list[JsonObject] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    version: JsonObject | None = None

    def operations(self) -> list[_Operation]:
        operations: list[_Operation] = [("upsert", (doc,)) for doc in self.upserts]
        operations += [("delete", (cosmos_id,)) for cosmos_id in self.deletes]

        # Last, so that a version is never visible before the writes it stands for. The
        # replace is conditional on the version read while planning: a concurrent batch
        # for the same customer makes this one fail whole instead of losing a bump.
        if self.version is None:
            version = {
                "id": _VERSION,
                "pk": self.pk,
                "type": _VERSION,
                "company": self.company,
                "account": self.account,
                "key": self.account,
                "version": 1,
            }
            operations.append(("create", (version,)))
        else:
            bumped = {name: value for name, value in self.version.items() if name[0] != "_"}
            bumped["version"] = int(self.version["version"]) + 1
            etag = {"if_match_etag": self.version["_etag"]}
            operations.append(("replace", (_VERSION, bumped), etag))
        return operations


@dataclass
class _Plan:
    """Every write of one ``write_batch``, decided before the first one is made."""

    companies: list[JsonObject] = field(default_factory=list)
    partitions: dict[str, _Partition] = field(default_factory=dict)
    written: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))

    def partition(self, company: str, account: str) -> _Partition:
        pk = _ledger_pk(company, account)
        if pk not in self.partitions:
            self.partitions[pk] = _Partition(pk, company, account)
        return self.partitions[pk]


def _write_one_by_one(container: ContainerProxy, pk: str, operations: Sequence[_Operation]) -> None:
    """The same operations as a batch, in order, without its atomicity (test servers only)."""
    for operation in operations:
        name, arguments = operation[0], operation[1]
        if name == "upsert":
            container.upsert_item(arguments[0])
        elif name == "delete":
            container.delete_item(arguments[0], partition_key=pk)
        elif name == "create":
            container.create_item(arguments[0])
        elif name == "replace" and len(operation) == 3:
            etag = operation[2]["if_match_etag"]
            container.replace_item(
                arguments[0], arguments[1], etag=etag, match_condition=MatchConditions.IfNotModified
            )
        else:
            raise ValueError(f"Unknown batch operation {name!r}.")


def _batch_chunks(operations: Sequence[_Operation]) -> Iterator[Sequence[_Operation]]:
    """Split a partition's operations into batches, counting full batches from the end.

    The last batch is then full (or holds everything), so the version bump always travels
    with rows: if it fails, those rows fail with it and a batch sent again bumps it again.
    """
    first = len(operations) % BATCH_LIMIT or BATCH_LIMIT
    yield operations[:first]
    for start in range(first, len(operations), BATCH_LIMIT):
        yield operations[start : start + BATCH_LIMIT]


def _point_read(container: ContainerProxy, cosmos_id: str, pk: str) -> JsonObject | None:
    """One item by id and partition key, or None when Cosmos DB answers 404."""
    try:
        return dict(container.read_item(cosmos_id, partition_key=pk))
    except CosmosResourceNotFoundError:
        return None


@contextmanager
def _errors(action: str) -> Iterator[None]:
    """Turn the SDK's errors, after its own retries, into ``StoreError`` naming the action."""
    try:
        yield
    except (CosmosHttpResponseError, CosmosBatchOperationError) as error:
        # A failed transactional batch is not a CosmosHttpResponseError, but carries a status.
        logger.warning("Cosmos DB refused to %s: status %s.", action, error.status_code)
        raise StoreError(
            f"Cosmos DB refused to {action} (status {error.status_code}); see the log."
        ) from error
    except AzureError as error:
        logger.warning("Could not reach Cosmos DB to %s: %s.", action, type(error).__name__)
        raise StoreError(f"Could not reach Cosmos DB to {action}; see the log.") from error


# Ids, partition keys and documents.


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _cosmos_id(key: str, prefix: str = "") -> str:
    cosmos_id = prefix + _escape(key)
    if len(cosmos_id) <= _MAX_ID:
        return cosmos_id
    # Only keys of unusual length and characters get here; the key itself is kept in the item.
    return prefix + "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _ledger_pk(company: str, account: str) -> str:
    return f"{_escape(company)}|{_escape(account)}"


def _documents_pk(company: str, kind: DocumentKind) -> str:
    return f"{_escape(company)}|{kind.value}"


def _ledger_document(kind: str, company: str, account: str, key: str, record: Any) -> JsonObject:
    cosmos_id = _CUSTOMER if kind == _CUSTOMER else _cosmos_id(key, _ID_PREFIX[kind])
    return {
        "id": cosmos_id,
        "pk": _ledger_pk(company, account),
        "type": kind,
        "company": company,
        "account": account,
        "key": key,
        "record": _encode(record),
    }


def _customer_ledger(documents: Sequence[JsonObject], version: int) -> CustomerLedger:
    """Assemble one customer's ``CustomerLedger`` from all the documents of its partition."""
    by_type: dict[str, list[JsonObject]] = defaultdict(list)
    for document in documents:
        by_type[document["type"]].append(document["record"])

    (customer,) = by_type[_CUSTOMER]
    transactions = [_decode(Transaction, record) for record in by_type[_TRANSACTION]]
    settlements = [_decode(Settlement, record) for record in by_type[_SETTLEMENT]]
    activities = sorted(
        (_decode(Activity, record) for record in by_type[_ACTIVITY]),
        key=lambda activity: (activity.end, activity.id),
    )
    return CustomerLedger(
        customer=_decode(Customer, customer),
        version=version,
        items=tuple(item_rows(transactions, settlements)),
        activities=tuple(activities),
    )


def _transaction_account(transaction: Transaction) -> str:
    return transaction.customer


def _activity_account(activity: Activity) -> str:
    return activity.customer


def _same(stored: Mapping[str, Any] | None, document: Mapping[str, Any]) -> bool:
    """Whether the stored item already holds ``document`` (Cosmos DB's own fields aside)."""
    return stored is not None and all(stored.get(name) == document[name] for name in document)


def _encode(record: Any) -> JsonObject:
    """A ledger record as JSON: amounts as exact decimal strings, dates in ISO form."""
    return {f.name: _encode_value(getattr(record, f.name)) for f in fields(record)}


def _encode_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _decode(cls: type[_Record], data: Mapping[str, Any]) -> _Record:
    hints = _field_types(cls)
    values = {name: _decode_value(hints[name], data[name]) for name in hints if name in data}
    return cls(**values)


def _field_types(cls: type) -> dict[str, Any]:
    """Each field's resolved type, worked out once per record class."""
    if cls not in _FIELD_TYPES:
        names = {f.name for f in fields(cls)}
        hints = get_type_hints(cls)
        _FIELD_TYPES[cls] = {name: hint for name, hint in hints.items() if name in names}
    return _FIELD_TYPES[cls]


def _decode_value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    if get_origin(hint) in (Union, UnionType):
        (hint,) = [arg for arg in get_args(hint) if arg is not NoneType]
    if hint is Decimal:
        return Decimal(value)
    if hint is dt.date:
        return dt.date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return hint(value)
    return value


def _parameters(**values: Any) -> list[dict[str, Any]]:
    return [{"name": f"@{name}", "value": value} for name, value in values.items()]


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
