"""How ledger records become rows of the embedded store, and back.

Each record kind has a ``*_values`` function giving the tuple of stored values that decide
whether a row changed (everything but the company and the id), and a ``*_from_row`` function
reading a full row. Money is stored as exact decimal text and dates as ISO text, so a value
read back is equal to the one written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from shared.ledger import (
    Activity,
    ActivityStatus,
    CollectionStatus,
    Company,
    Customer,
    Settlement,
    Transaction,
    TransactionType,
)
from shared.ledger_rows import decimal_text

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A ledger table: its name, the column holding the id, and the compared columns."""

    name: str
    id_column: str
    columns: tuple[str, ...]
    by_id: str = ""

    def source(self) -> str:
        """The table in a lookup by id, with the index that serves it.

        Named explicitly: for an ``IN`` list the planner otherwise prefers scanning the
        company's part of the clustered primary key, a full scan per lookup.
        """
        return f"{self.name} INDEXED BY {self.by_id}" if self.by_id else self.name

    def select_by_ids(self) -> str:
        columns = ", ".join(f'"{c}"' for c in self.columns)
        return (
            f"SELECT {self.id_column}, {columns} FROM {self.source()} "
            f"WHERE company = ? AND {self.id_column} IN (SELECT value FROM json_each(?))"
        )

    def insert(self) -> str:
        columns = ", ".join(f'"{c}"' for c in ("company", self.id_column, *self.columns))
        marks = ", ".join("?" for _ in range(len(self.columns) + 2))
        return f"INSERT INTO {self.name} ({columns}) VALUES ({marks})"

    def update(self) -> str:
        assignments = ", ".join(f'"{c}" = ?' for c in self.columns)
        return f"UPDATE {self.name} SET {assignments} WHERE company = ? AND {self.id_column} = ?"


CUSTOMERS = Table(
    "customers",
    "account",
    (
        "name",
        "currency",
        "credit_limit",
        "language",
        "email",
        "contact_name",
        "agent",
        "customer_since",
        "credit_group",
        "status",
    ),
)
TRANSACTIONS = Table(
    "transactions",
    "id",
    (
        "customer",
        "type",
        "date",
        "due_date",
        "amount",
        "currency",
        "accounting_amount",
        "collection_status",
        "promise_date",
    ),
    by_id="transactions_by_id",
)
SETTLEMENTS = Table(
    "settlements",
    "id",
    ("customer", "invoice", "credit", "amount", "date"),
    by_id="settlements_by_id",
)
ACTIVITIES = Table(
    "activities",
    "id",
    ("customer", "agent", "type", "purpose", "start", "end", "status", "priority"),
    by_id="activities_by_id",
)
TABLES = {table.name: table for table in (CUSTOMERS, TRANSACTIONS, SETTLEMENTS, ACTIVITIES)}


def company_values(company: Company) -> Row:
    return (company.name, company.currency, company.time_zone)


def customer_values(customer: Customer) -> Row:
    return (
        customer.name,
        customer.currency,
        _optional_decimal(customer.credit_limit),
        customer.language,
        customer.email,
        customer.contact_name,
        customer.agent,
        _optional_iso(customer.customer_since),
        customer.credit_group,
        customer.status,
    )


def transaction_values(transaction: Transaction) -> Row:
    return (
        transaction.customer,
        transaction.type.value,
        transaction.date.isoformat(),
        _optional_iso(transaction.due_date),
        decimal_text(transaction.amount),
        transaction.currency,
        decimal_text(transaction.accounting_amount),
        transaction.collection_status.value,
        _optional_iso(transaction.promise_date),
    )


def settlement_values(settlement: Settlement, customer: str) -> Row:
    """The stored values of a settlement; ``customer`` is its invoice's customer."""
    return (
        customer,
        settlement.invoice,
        settlement.credit,
        decimal_text(settlement.amount),
        settlement.date.isoformat(),
    )


def activity_values(activity: Activity) -> Row:
    return (
        activity.customer,
        activity.agent,
        activity.type,
        activity.purpose,
        activity.start.isoformat(),
        activity.end.isoformat(),
        activity.status.value,
        activity.priority,
    )


COMPANY_COLUMNS = "id, name, currency, time_zone"
CUSTOMER_COLUMNS = (
    "company, account, name, currency, credit_limit, language, email, contact_name, agent, "
    "customer_since, credit_group, status"
)
TRANSACTION_COLUMNS = (
    "company, id, customer, type, date, due_date, amount, currency, accounting_amount, "
    "collection_status, promise_date"
)
SETTLEMENT_COLUMNS = "company, id, invoice, credit, amount, date"
ACTIVITY_COLUMNS = 'company, id, customer, agent, type, purpose, start, "end", status, priority'


def company_from_row(row: Sequence[Any]) -> Company:
    return Company(id=row[0], name=row[1], currency=row[2], time_zone=row[3])


def customer_from_row(row: Sequence[Any]) -> Customer:
    return Customer(
        company=row[0],
        account=row[1],
        name=row[2],
        currency=row[3],
        credit_limit=None if row[4] is None else Decimal(row[4]),
        language=row[5],
        email=row[6],
        contact_name=row[7],
        agent=row[8],
        customer_since=None if row[9] is None else date.fromisoformat(row[9]),
        credit_group=row[10],
        status=row[11],
    )


def transaction_from_row(row: Sequence[Any]) -> Transaction:
    return Transaction(
        company=row[0],
        id=row[1],
        customer=row[2],
        type=TransactionType(row[3]),
        date=date.fromisoformat(row[4]),
        due_date=None if row[5] is None else date.fromisoformat(row[5]),
        amount=Decimal(row[6]),
        currency=row[7],
        accounting_amount=Decimal(row[8]),
        collection_status=CollectionStatus(row[9]),
        promise_date=None if row[10] is None else date.fromisoformat(row[10]),
    )


def settlement_from_row(row: Sequence[Any]) -> Settlement:
    return Settlement(
        company=row[0],
        id=row[1],
        invoice=row[2],
        credit=row[3],
        amount=Decimal(row[4]),
        date=date.fromisoformat(row[5]),
    )


def activity_from_row(row: Sequence[Any]) -> Activity:
    return Activity(
        company=row[0],
        id=row[1],
        customer=row[2],
        agent=row[3],
        type=row[4],
        purpose=row[5],
        start=date.fromisoformat(row[6]),
        end=date.fromisoformat(row[7]),
        status=ActivityStatus(row[8]),
        priority=row[9],
    )


def _optional_decimal(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def _optional_iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
