"""The embedded store: one SQLite file, standard library only.

The file and its parent directories are created on first use, and the schema with them
(``shared.stores.sqlite_schema``). The database runs in WAL mode, so readers never wait for
the writer and a crash leaves the last committed transaction intact.

Threads and processes: every thread gets its own connection (SQLite connections must not be
shared across threads while in use), opened lazily and closed together by ``close``. Writes
from several threads or processes are serialised by SQLite's own lock: each write transaction
starts with ``BEGIN IMMEDIATE`` and waits up to ``busy_timeout`` seconds for the lock. A store
object that finds itself in a forked child drops the parent's connections and opens its own.

Reads of several tables that must agree (``customer_ledgers``) run in one read transaction,
so they see one committed state.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from shared.ledger import Activity, Company, Customer, LedgerBatch, Settlement, Transaction
from shared.ledger_rows import ApplicationRow, ItemRow
from shared.stores import sqlite_records as records
from shared.stores.base import (
    CustomerLedger,
    DocumentKind,
    JsonObject,
    StoreError,
    WriteSummary,
)
from shared.stores.sqlite_schema import ensure_schema

# Ids per ``json_each`` lookup: large enough to keep round trips few, small enough that one
# statement never holds a bulk load's whole batch in memory twice.
_LOOKUP_CHUNK = 5_000

# Documents per page of ``iter_documents``: the cursor is closed between pages, so a caller
# may write while it iterates.
_DOCUMENT_PAGE = 500

# ``customer_ledgers`` reads this many accounts per range query.
_LEDGER_CHUNK = 2_000

Row = tuple[Any, ...]

# Compact JSON; bodies are trees built by our code, so the cycle check is wasted work.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)


class SqliteStore:
    """``LedgerStore`` over one SQLite file; see the module docstring for threads."""

    def __init__(self, path: Path | str, *, busy_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._pid = os.getpid()
        self._schema_ready = False

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"

    # Connections.

    def _connection(self) -> sqlite3.Connection:
        if self._pid != os.getpid():
            # A forked child must not touch the parent's connections, not even to close them.
            self._local = threading.local()
            self._connections = []
            self._pid = os.getpid()
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open()
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as error:
            raise StoreError(f"Cannot open the SQLite store at {self.path}: {error}.") from error
        try:
            # WAL: readers never wait for the writer. NORMAL: a commit survives a crash of the
            # process; only a power loss may lose the last commits, never corrupt the file.
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA cache_size = -65536")
            with self._lock:
                if not self._schema_ready:
                    ensure_schema(connection)
                    self._schema_ready = True
        except BaseException:
            connection.close()
            raise
        return connection

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or rolled back whole on any error."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so that several queries see the same committed state."""
        connection = self._connection()
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()

    # The ledger: writes.

    def write_batch(self, batch: LedgerBatch) -> WriteSummary:
        written: dict[str, int] = {}
        unchanged: dict[str, int] = {}
        with self._write() as connection:
            touched: set[tuple[str, str]] = set()
            self._write_companies(connection, batch.companies, written, unchanged)
            self._upsert(
                connection,
                records.CUSTOMERS,
                [(c.company, c.account, records.customer_values(c)) for c in batch.customers],
                "customers",
                written,
                unchanged,
                touched,
            )
            self._upsert(
                connection,
                records.TRANSACTIONS,
                [(t.company, t.id, records.transaction_values(t)) for t in batch.transactions],
                "transactions",
                written,
                unchanged,
                touched,
            )
            owners = self._invoice_owners(connection, batch)
            self._upsert(
                connection,
                records.SETTLEMENTS,
                [
                    (s.company, s.id, records.settlement_values(s, owners[(s.company, s.invoice)]))
                    for s in batch.settlements
                ],
                "settlements",
                written,
                unchanged,
                touched,
            )
            self._upsert(
                connection,
                records.ACTIVITIES,
                [(a.company, a.id, records.activity_values(a)) for a in batch.activities],
                "activities",
                written,
                unchanged,
                touched,
            )
            connection.executemany(
                "INSERT INTO ledger_versions (company, account, version) VALUES (?, ?, 1) "
                "ON CONFLICT (company, account) DO UPDATE SET version = version + 1",
                sorted(touched),
            )
        return WriteSummary(written=written, unchanged=unchanged)

    def _write_companies(
        self,
        connection: sqlite3.Connection,
        companies: Sequence[Company],
        written: dict[str, int],
        unchanged: dict[str, int],
    ) -> None:
        for company in companies:
            values = records.company_values(company)
            stored = connection.execute(
                "SELECT name, currency, time_zone FROM companies WHERE id = ?", (company.id,)
            ).fetchone()
            if stored == values:
                unchanged["companies"] = unchanged.get("companies", 0) + 1
                continue
            connection.execute(
                "INSERT INTO companies (id, name, currency, time_zone) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                "currency = excluded.currency, time_zone = excluded.time_zone",
                (company.id, *values),
            )
            written["companies"] = written.get("companies", 0) + 1

    def _upsert(
        self,
        connection: sqlite3.Connection,
        table: records.Table,
        rows: list[tuple[str, str, Row]],
        name: str,
        written: dict[str, int],
        unchanged: dict[str, int],
        touched: set[tuple[str, str]],
    ) -> None:
        """Insert new rows, update changed ones, count the rest; collect touched customers.

        The first compared column of every table but ``customers`` is the owning customer;
        a customer row owns itself.
        """
        if not rows:
            return

        # The last record of an id wins, as if the batch were written in order.
        latest = {(company, key): values for company, key, values in rows}
        stored = self._stored(connection, table, latest.keys())
        inserts: list[Row] = []
        updates: list[Row] = []
        for (company, key), values in latest.items():
            before = stored.get((company, key))
            if before == values:
                continue
            owner = key if table is records.CUSTOMERS else values[0]
            touched.add((company, owner))
            if before is None:
                inserts.append((company, key, *values))
            else:
                if table is not records.CUSTOMERS:
                    touched.add((company, before[0]))
                updates.append((*values, company, key))

        connection.executemany(table.insert(), inserts)
        connection.executemany(table.update(), updates)
        changed = len(inserts) + len(updates)
        if changed:
            written[name] = written.get(name, 0) + changed
        if len(rows) - changed:
            unchanged[name] = unchanged.get(name, 0) + len(rows) - changed

    def _stored(
        self,
        connection: sqlite3.Connection,
        table: records.Table,
        keys: Iterable[tuple[str, str]],
    ) -> dict[tuple[str, str], Row]:
        by_company: dict[str, list[str]] = defaultdict(list)
        for company, key in keys:
            by_company[company].append(key)
        stored: dict[tuple[str, str], Row] = {}
        for company, ids in by_company.items():
            for chunk in _chunks(ids, _LOOKUP_CHUNK):
                for row in connection.execute(table.select_by_ids(), (company, json.dumps(chunk))):
                    stored[(company, row[0])] = tuple(row[1:])
        return stored

    def _invoice_owners(
        self, connection: sqlite3.Connection, batch: LedgerBatch
    ) -> dict[tuple[str, str], str]:
        """The customer of each settled invoice, from the batch itself or the stored ledger."""
        owners = {(t.company, t.id): t.customer for t in batch.transactions}
        missing = {(s.company, s.invoice) for s in batch.settlements} - owners.keys()
        found = self._stored(connection, records.TRANSACTIONS, missing)
        owners.update({key: values[0] for key, values in found.items()})
        unknown = sorted(missing - found.keys())
        if unknown:
            company, invoice = unknown[0]
            raise StoreError(
                f"A settlement of company {company!r} names invoice {invoice!r}, which is "
                "neither in the batch nor in the ledger; write the invoice first."
            )
        return owners

    # The ledger: reads.

    def list_companies(self) -> list[Company]:
        rows = self._connection().execute(
            f"SELECT {records.COMPANY_COLUMNS} FROM companies ORDER BY id"
        )
        return [records.company_from_row(row) for row in rows]

    def get_company(self, company: str) -> Company | None:
        row = (
            self._connection()
            .execute(f"SELECT {records.COMPANY_COLUMNS} FROM companies WHERE id = ?", (company,))
            .fetchone()
        )
        return None if row is None else records.company_from_row(row)

    def get_customers(self, company: str, accounts: Iterable[str]) -> dict[str, Customer]:
        rows = self._by_ids("customers", "account", records.CUSTOMER_COLUMNS, company, accounts)
        return {row[1]: records.customer_from_row(row) for row in rows}

    def iter_customers(self, company: str) -> Iterator[Customer]:
        # Paged by account, so no cursor stays open while the caller works between pages.
        last, operator = "", ">="
        while True:
            rows = (
                self._connection()
                .execute(
                    f"SELECT {records.CUSTOMER_COLUMNS} FROM customers "
                    f"WHERE company = ? AND account {operator} ? ORDER BY account LIMIT ?",
                    (company, last, _DOCUMENT_PAGE),
                )
                .fetchall()
            )
            for row in rows:
                yield records.customer_from_row(row)
            if len(rows) < _DOCUMENT_PAGE:
                return
            last, operator = rows[-1][1], ">"

    def get_transactions(self, company: str, ids: Iterable[str]) -> dict[str, Transaction]:
        rows = self._by_ids("transactions", "id", records.TRANSACTION_COLUMNS, company, ids)
        return {row[1]: records.transaction_from_row(row) for row in rows}

    def get_settlements(self, company: str, ids: Iterable[str]) -> dict[str, Settlement]:
        rows = self._by_ids("settlements", "id", records.SETTLEMENT_COLUMNS, company, ids)
        return {row[1]: records.settlement_from_row(row) for row in rows}

    def settlements_touching(
        self, company: str, transaction_ids: Iterable[str]
    ) -> list[Settlement]:
        found: dict[str, Settlement] = {}
        connection = self._connection()
        for chunk in _chunks(sorted(set(transaction_ids)), _LOOKUP_CHUNK):
            ids = json.dumps(chunk)
            # Two indexed lookups in a UNION: an OR of the two would scan the table.
            rows = connection.execute(
                f"SELECT {records.SETTLEMENT_COLUMNS} FROM settlements "
                "INDEXED BY settlements_by_invoice WHERE company = ? "
                "AND invoice IN (SELECT value FROM json_each(?)) UNION "
                f"SELECT {records.SETTLEMENT_COLUMNS} FROM settlements "
                "INDEXED BY settlements_by_credit WHERE company = ? "
                "AND credit IN (SELECT value FROM json_each(?))",
                (company, ids, company, ids),
            )
            for row in rows:
                found[row[1]] = records.settlement_from_row(row)
        return [found[key] for key in sorted(found)]

    def customer_ledger(
        self, company: str, account: str
    ) -> tuple[list[Transaction], list[Settlement]]:
        with self._read() as connection:
            transactions = connection.execute(
                f"SELECT {records.TRANSACTION_COLUMNS} FROM transactions "
                "WHERE company = ? AND customer = ? ORDER BY date, id",
                (company, account),
            ).fetchall()
            settlements = connection.execute(
                f"SELECT {records.SETTLEMENT_COLUMNS} FROM settlements "
                "WHERE company = ? AND customer = ? ORDER BY id",
                (company, account),
            ).fetchall()
        return (
            [records.transaction_from_row(row) for row in transactions],
            [records.settlement_from_row(row) for row in settlements],
        )

    def customer_ledgers(self, company: str, accounts: Sequence[str]) -> Iterator[CustomerLedger]:
        for chunk in _chunks(list(accounts), _LEDGER_CHUNK):
            yield from self._ledger_chunk(company, chunk)

    def _ledger_chunk(self, company: str, accounts: list[str]) -> list[CustomerLedger]:
        """Read the ledgers of sorted accounts: five queries, joined in account order.

        A chunk that covers most accounts of its range (a full run's batch) is read as one
        range of the clustered primary keys; a sparse one (the changed customers of a night)
        seeks each account, without touching its neighbours.
        """
        first, last = accounts[0], accounts[-1]
        with self._read() as connection:
            (in_range,) = connection.execute(
                "SELECT count(*) FROM ledger_versions "
                "WHERE company = ? AND account BETWEEN ? AND ?",
                (company, first, last),
            ).fetchone()
            if in_range <= 2 * len(accounts):
                keys: tuple[str, ...] = (company, first, last)
                among = "BETWEEN ? AND ?"
            else:
                keys = (company, json.dumps(accounts))
                among = "IN (SELECT value FROM json_each(?))"
            customers = connection.execute(
                f"SELECT {records.CUSTOMER_COLUMNS} FROM customers "
                f"WHERE company = ? AND account {among} ORDER BY account",
                keys,
            ).fetchall()
            versions = dict(
                connection.execute(
                    "SELECT account, version FROM ledger_versions "
                    f"WHERE company = ? AND account {among}",
                    keys,
                ).fetchall()
            )
            transactions = connection.execute(
                "SELECT customer, id, type, date, due_date, amount, currency, accounting_amount, "
                f"collection_status, promise_date FROM transactions "
                f"WHERE company = ? AND customer {among} ORDER BY customer, date, id",
                keys,
            ).fetchall()
            settlements = connection.execute(
                f"SELECT invoice, credit, date, id, amount FROM settlements "
                f"WHERE company = ? AND customer {among}",
                keys,
            ).fetchall()
            activities = connection.execute(
                f"SELECT {records.ACTIVITY_COLUMNS} FROM activities "
                f'WHERE company = ? AND customer {among} ORDER BY customer, "end", id',
                keys,
            ).fetchall()

        # Rows of accounts between the wanted ones belong to no customer asked for; they are
        # never looked up below.
        items_by_customer = _item_rows_by_customer(transactions, settlements)
        activities_by_customer: dict[str, list[Activity]] = defaultdict(list)
        for row in activities:
            activities_by_customer[row[2]].append(records.activity_from_row(row))
        wanted = set(accounts)
        return [
            CustomerLedger(
                customer=records.customer_from_row(row),
                version=versions.get(row[1], 0),
                items=tuple(items_by_customer.get(row[1], ())),
                activities=tuple(activities_by_customer.get(row[1], ())),
            )
            for row in customers
            if row[1] in wanted
        ]

    def customer_activities(self, company: str, account: str) -> list[Activity]:
        rows = self._connection().execute(
            f"SELECT {records.ACTIVITY_COLUMNS} FROM activities "
            'WHERE company = ? AND customer = ? ORDER BY "end", id',
            (company, account),
        )
        return [records.activity_from_row(row) for row in rows]

    def open_activities(self, company: str, agent: str | None = None) -> list[Activity]:
        if agent is None:
            rows = self._connection().execute(
                f"SELECT {records.ACTIVITY_COLUMNS} FROM activities "
                "WHERE company = ? AND status = 'open' ORDER BY \"end\", id",
                (company,),
            )
        else:
            rows = self._connection().execute(
                f"SELECT {records.ACTIVITY_COLUMNS} FROM activities "
                "WHERE company = ? AND agent = ? AND status = 'open' ORDER BY \"end\", id",
                (company, agent),
            )
        return [records.activity_from_row(row) for row in rows]

    def ledger_versions(
        self, company: str, start: str = "", stop: str | None = None
    ) -> dict[str, int]:
        if stop is None:
            rows = self._connection().execute(
                "SELECT account, version FROM ledger_versions "
                "WHERE company = ? AND account >= ? ORDER BY account",
                (company, start),
            )
        else:
            rows = self._connection().execute(
                "SELECT account, version FROM ledger_versions "
                "WHERE company = ? AND account >= ? AND account < ? ORDER BY account",
                (company, start, stop),
            )
        return dict(rows.fetchall())

    def _by_ids(
        self, table: str, id_column: str, columns: str, company: str, ids: Iterable[str]
    ) -> list[Row]:
        connection = self._connection()
        found: list[Row] = []
        for chunk in _chunks(sorted(set(ids)), _LOOKUP_CHUNK):
            found.extend(
                connection.execute(
                    f"SELECT {columns} FROM {records.TABLES[table].source()} WHERE company = ? "
                    f"AND {id_column} IN (SELECT value FROM json_each(?))",
                    (company, json.dumps(chunk)),
                )
            )
        return found

    # Derived documents.

    def put_documents(
        self, company: str, kind: DocumentKind, documents: Iterable[tuple[str, JsonObject]]
    ) -> int:
        encode = _ENCODER.encode
        rows = [(company, kind.value, key, encode(body)) for key, body in documents]
        if not rows:
            return 0
        with self._write() as connection:
            # An equal body is left as it is: no page is written and nothing is counted.
            cursor = connection.executemany(
                "INSERT INTO documents (company, kind, key, body) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (company, kind, key) DO UPDATE SET body = excluded.body "
                "WHERE body IS NOT excluded.body",
                rows,
            )
            return cursor.rowcount

    def get_document(self, company: str, kind: DocumentKind, key: str) -> JsonObject | None:
        row = (
            self._connection()
            .execute(
                "SELECT body FROM documents WHERE company = ? AND kind = ? AND key = ?",
                (company, kind.value, key),
            )
            .fetchone()
        )
        return None if row is None else _json_object(row[0])

    def iter_documents(
        self, company: str, kind: DocumentKind, key_prefix: str = ""
    ) -> Iterator[tuple[str, JsonObject]]:
        last, operator = key_prefix, ">="
        while True:
            rows = (
                self._connection()
                .execute(
                    "SELECT key, body FROM documents WHERE company = ? AND kind = ? "
                    f"AND key {operator} ? ORDER BY key LIMIT ?",
                    (company, kind.value, last, _DOCUMENT_PAGE),
                )
                .fetchall()
            )
            for key, body in rows:
                if not key.startswith(key_prefix):
                    return
                yield key, _json_object(body)
            if len(rows) < _DOCUMENT_PAGE:
                return
            last, operator = rows[-1][0], ">"

    def delete_documents(self, company: str, kind: DocumentKind, keys: Iterable[str]) -> int:
        deleted = 0
        with self._write() as connection:
            for chunk in _chunks(sorted(set(keys)), _LOOKUP_CHUNK):
                cursor = connection.execute(
                    "DELETE FROM documents WHERE company = ? AND kind = ? "
                    "AND key IN (SELECT value FROM json_each(?))",
                    (company, kind.value, json.dumps(chunk)),
                )
                deleted += cursor.rowcount
        return deleted


def _item_rows_by_customer(
    transactions: list[Row], settlements: list[Row]
) -> dict[str, list[ItemRow]]:
    """Join transaction rows to settlement rows into item rows, by customer.

    Transaction rows are ``(customer, id, type, date, …)``, ordered by date then id within a
    customer; settlement rows ``(invoice, credit, date, id, amount)`` in any order: an
    ``ApplicationRow`` sorts as a tuple by date, then settlement id, which is its order.
    """
    applications: dict[str, list[ApplicationRow]] = defaultdict(list)
    for invoice, credit, on, settlement, amount in settlements:
        application = _new_row(ApplicationRow, (on, settlement, amount))
        applications[invoice].append(application)
        applications[credit].append(application)

    # Built with tuple.__new__ from the row itself: the fields are already in ItemRow's order,
    # and a million customers' rows make the keyword constructor's cost count.
    items: dict[str, list[ItemRow]] = defaultdict(list)
    none = ()
    for row in transactions:
        found = applications.get(row[1])
        if found is None:
            attached: tuple[ApplicationRow, ...] = none
        else:
            if len(found) > 1:
                found.sort()
            attached = tuple(found)
        items[row[0]].append(_new_row(ItemRow, (*row[1:], attached)))
    return items


_new_row = tuple.__new__


def _json_object(text: str) -> JsonObject:
    body = json.loads(text)
    if not isinstance(body, dict):
        raise StoreError("A stored document is not a JSON object; the file may be damaged.")
    return body


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
