"""The store interface that every store implements, and the records it exchanges.

Two kinds of data live in a store:

- the ledger (companies, customers, transactions, settlements, activities), written by
  ``write_batch`` in one transaction and upserted by id, so that the same batch sent twice
  changes nothing;
- documents derived from the ledger (customer snapshots, workspace lists, summaries, audit
  records, precompute runs): JSON objects addressed by company, kind and key. Their shapes
  belong to the modules that write them; the store only keeps them.

Every write that changes a customer's records (its customer row, one of its transactions or
activities, a settlement whose invoice is one of its transactions) raises that customer's
ledger version, which the precompute compares with the version its last snapshot was computed
from. Activities count because the snapshot lists them. A write that changes nothing leaves
the version alone, and versions never go down, so an unchanged version means an unchanged
ledger.

Ordering of accounts and document keys is by code point (Python's ``str`` order), so batch
ranges planned in Python select the same customers in every store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
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
from shared.ledger_rows import ItemRow

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


@dataclass(frozen=True, slots=True)
class CustomerLedger:
    """One customer's whole ledger as the precompute reads it.

    ``items`` are ordered by date then id (as ``shared.ledger_rows.item_rows`` orders them);
    ``activities`` (open and closed) by end date then id. ``version`` is the customer's
    ledger version at the moment the rows were read, in the same read.
    """

    customer: Customer
    version: int
    items: tuple[ItemRow, ...]
    activities: tuple[Activity, ...]


class LedgerStore(Protocol):
    """What the functions, the precompute and the writers need from a store."""

    # The ledger.

    def write_batch(self, batch: LedgerBatch) -> WriteSummary:
        """Upsert a validated batch in one transaction; unchanged rows are left alone.

        A row whose stored content equals the new one counts as unchanged and is not
        written; a new or changed row counts as written and raises the ledger version of
        each customer it belongs to (for a moved transaction, the old and the new one). Each
        affected customer's version goes up by one per batch, however many of its rows
        changed. Summary keys: ``companies``, ``customers``, ``transactions``,
        ``settlements``, ``activities``.
        """
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
        """A customer's transactions (by date, then id) and the settlements of its invoices."""
        ...

    def customer_ledgers(self, company: str, accounts: Sequence[str]) -> Iterator[CustomerLedger]:
        """The whole ledger of each existing customer among ``accounts``, in account order.

        ``accounts`` is sorted. Accounts without a customer row are skipped. This is the
        precompute's bulk read: a store should read a run of neighbouring accounts in a few
        range queries rather than one query per customer.
        """
        ...

    def customer_activities(self, company: str, account: str) -> list[Activity]:
        """A customer's activities, open and closed, by end date then id."""
        ...

    def open_activities(self, company: str, agent: str | None = None) -> list[Activity]:
        """Open activities of a company, or of one agent, oldest end date first, then by id."""
        ...

    def ledger_versions(
        self, company: str, start: str = "", stop: str | None = None
    ) -> dict[str, int]:
        """Ledger versions by account, for the accounts with ``start <= account < stop``.

        ``stop=None`` means no upper bound. Every customer has a version (its first write
        gives it one), so the keys are the company's customers in that range; the dict is
        in account order.
        """
        ...

    # Derived documents.

    def put_documents(
        self, company: str, kind: DocumentKind, documents: Iterable[tuple[str, JsonObject]]
    ) -> int:
        """Upsert ``(key, body)`` pairs; return how many were written.

        Each document is written atomically: a reader sees the old body or the new one. A
        store may leave a body equal to the stored one untouched and then does not count it.
        """
        ...

    def get_document(self, company: str, kind: DocumentKind, key: str) -> JsonObject | None: ...

    def iter_documents(
        self, company: str, kind: DocumentKind, key_prefix: str = ""
    ) -> Iterator[tuple[str, JsonObject]]:
        """Documents of one kind whose key starts with ``key_prefix``, ordered by key."""
        ...

    def delete_documents(self, company: str, kind: DocumentKind, keys: Iterable[str]) -> int:
        """Delete the documents with these keys; return how many existed."""
        ...

    def close(self) -> None: ...
