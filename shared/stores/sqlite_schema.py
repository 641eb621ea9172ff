"""The embedded store's tables, created on first use and versioned in ``PRAGMA user_version``.

Layout, chosen for the precompute's one ordered scan per batch of customers:

- ledger tables are clustered by ``(company, customer, id)`` (``WITHOUT ROWID``), so a range of
  accounts is read as contiguous pages; a unique index on ``(company, id)`` keeps ids unique
  per company and serves lookups by id;
- a settlement carries the customer of its invoice, so it sits beside that customer's
  transactions;
- money is ``TEXT`` holding exact decimal strings and dates are ``TEXT`` in ISO form, which
  sort like the values they stand for;
- derived documents are JSON text in an ordinary rowid table (bodies of a few kilobytes are
  what rowid tables are built for), unique by ``(company, kind, key)``.
"""

from __future__ import annotations

import sqlite3

from shared.stores.base import StoreError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS companies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    time_zone TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS customers (
    company TEXT NOT NULL,
    account TEXT NOT NULL,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    credit_limit TEXT,
    language TEXT NOT NULL,
    email TEXT,
    contact_name TEXT,
    agent TEXT,
    customer_since TEXT,
    credit_group TEXT,
    status TEXT NOT NULL,
    PRIMARY KEY (company, account)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS transactions (
    company TEXT NOT NULL,
    customer TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    date TEXT NOT NULL,
    due_date TEXT,
    amount TEXT NOT NULL,
    currency TEXT NOT NULL,
    accounting_amount TEXT NOT NULL,
    collection_status TEXT NOT NULL,
    promise_date TEXT,
    PRIMARY KEY (company, customer, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS transactions_by_id ON transactions (company, id);

CREATE TABLE IF NOT EXISTS settlements (
    company TEXT NOT NULL,
    customer TEXT NOT NULL,
    id TEXT NOT NULL,
    invoice TEXT NOT NULL,
    credit TEXT NOT NULL,
    amount TEXT NOT NULL,
    date TEXT NOT NULL,
    PRIMARY KEY (company, customer, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS settlements_by_id ON settlements (company, id);
CREATE INDEX IF NOT EXISTS settlements_by_invoice ON settlements (company, invoice);
CREATE INDEX IF NOT EXISTS settlements_by_credit ON settlements (company, credit);

CREATE TABLE IF NOT EXISTS activities (
    company TEXT NOT NULL,
    customer TEXT NOT NULL,
    id TEXT NOT NULL,
    agent TEXT,
    type TEXT NOT NULL,
    purpose TEXT NOT NULL,
    start TEXT NOT NULL,
    "end" TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    PRIMARY KEY (company, customer, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS activities_by_id ON activities (company, id);
CREATE INDEX IF NOT EXISTS open_activities ON activities (company, "end", id)
    WHERE status = 'open';
CREATE INDEX IF NOT EXISTS open_activities_by_agent ON activities (company, agent, "end", id)
    WHERE status = 'open';

CREATE TABLE IF NOT EXISTS ledger_versions (
    company TEXT NOT NULL,
    account TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (company, account)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS documents (
    company TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (company, kind, key)
);
"""


class SchemaVersionError(StoreError):
    """The database file was written by a newer version of this application."""


def ensure_schema(connection: sqlite3.Connection) -> None:
    """Create the tables if the file is new; refuse a file from a newer schema.

    Runs in one immediate transaction, so two processes opening a new file at once create
    the schema once.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"The database has schema version {version}, newer than this code's "
                f"{SCHEMA_VERSION}; upgrade the application or use another file."
            )
        if version < SCHEMA_VERSION:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
