"""The store interface that every store implements, and the records it exchanges.

Two kinds of data live in a store:

- the ledger (companies, customers, transactions, settlements, activities), written by
  ``write_batch`` in one transaction and upserted by id, so that the same batch sent twice
  changes nothing;
- documents derived from the ledger (customer snapshots, workspace lists, summaries, audit
  records, precompute runs): JSON objects addressed by company, kind and key. Their shapes
  belong to the modules that write them; the store only keeps them.

Every write to a customer's ledger (its customer row, a transaction, a settlement that touches
one of its transactions) raises that customer's ledger version, which the precompute compares
with the version its last snapshot was computed from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from shared.ledger import (
    Activity,
    Company,
    Customer,
    LedgerBatch,
    Settlement,
    Transaction,
)

JsonObject = dict[str, Any]


class StoreError(RuntimeError):
    """The store could not be reached or refused a request that was valid."""


class DocumentKind(StrEnum):
    """The kinds of derived documents; each store may keep each kind in its own place."""

    SNAPSHOT = "snapshot"
    WORKSPACE = "workspace"
    SUMMARY = "summary"
    AUDIT = "audit"
    REMINDER = "reminder"
    RUN = "run"


@dataclass(frozen=True, slots=True)
class WriteSummary:
    """What ``write_batch`` did, per record kind: rows new or changed, and rows unchanged."""

    written: Mapping[str, int] = field(default_factory=dict)
    unchanged: Mapping[str, int] = field(default_factory=dict)

    @property
    def total_written(self) -> int:
        return sum(self.written.values())


class LedgerStore(Protocol):
    """What the functions, the precompute and the writers need from a store."""

    # The ledger.

    def write_batch(self, batch: LedgerBatch) -> WriteSummary:
        """Upsert a validated batch in one transaction; unchanged rows are left alone."""
        ...

    def list_companies(self) -> list[Company]: ...

    def get_company(self, company: str) -> Company | None: ...

    def get_customers(self, company: str, accounts: Iterable[str]) -> dict[str, Customer]:
        """The customers among ``accounts`` that exist, by account."""
        ...

    def iter_customers(self, company: str) -> Iterator[Customer]:
        """Every customer of ``company``, ordered by account."""
        ...

    def get_transactions(self, company: str, ids: Iterable[str]) -> dict[str, Transaction]:
        """The transactions among ``ids`` that exist, by id."""
        ...

    def get_settlements(self, company: str, ids: Iterable[str]) -> dict[str, Settlement]:
        """The settlements among ``ids`` that exist, by id."""
        ...

    def settlements_touching(
        self, company: str, transaction_ids: Iterable[str]
    ) -> list[Settlement]:
        """Every settlement whose invoice or credit is one of ``transaction_ids``."""
        ...

    def customer_ledger(
        self, company: str, account: str
    ) -> tuple[list[Transaction], list[Settlement]]:
        """A customer's transactions and the settlements between them."""
        ...

    def customer_activities(self, company: str, account: str) -> list[Activity]: ...

    def open_activities(self, company: str, agent: str | None = None) -> list[Activity]:
        """Open activities of a company, or of one agent, oldest end date first."""
        ...

    def ledger_versions(self, company: str) -> dict[str, int]:
        """Each customer's ledger version, by account."""
        ...

    # Derived documents.

    def put_documents(
        self, company: str, kind: DocumentKind, documents: Iterable[tuple[str, JsonObject]]
    ) -> int:
        """Upsert ``(key, body)`` pairs; return how many were written."""
        ...

    def get_document(self, company: str, kind: DocumentKind, key: str) -> JsonObject | None: ...

    def iter_documents(
        self, company: str, kind: DocumentKind, key_prefix: str = ""
    ) -> Iterator[tuple[str, JsonObject]]:
        """Documents of one kind whose key starts with ``key_prefix``, ordered by key."""
        ...

    def delete_documents(self, company: str, kind: DocumentKind, keys: Iterable[str]) -> int: ...

    def close(self) -> None: ...
