"""The ledger: companies, customers, transactions, settlements and activities.

These are plain, immutable records; they hold what was booked and nothing derived. Figures are
computed from them in ``shared.figures``. Invariants that ``shared.ingest`` enforces before
anything reaches a store:

- every amount is a positive ``Decimal`` within its currency's minor unit;
- a transaction in a currency other than its company's carries ``accounting_amount``, its
  amount in the company's accounting currency at the transaction's own rate;
- a settlement joins one invoice (the debit) to one payment or credit note (the credit) of the
  same customer and currency, is dated on or after both, and never settles more than is open
  on either side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class TransactionType(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"

    @property
    def is_debit(self) -> bool:
        return self is TransactionType.INVOICE


class CollectionStatus(StrEnum):
    NOT_DISPUTED = "not_disputed"
    DISPUTED = "disputed"
    PROMISED_TO_PAY = "promised_to_pay"
    RESOLVED = "resolved"


class ActivityStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Company:
    """A legal entity: it keeps its books in one accounting currency and one time zone."""

    id: str
    name: str
    currency: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer account of one company. ``credit_limit`` is in the accounting currency."""

    company: str
    account: str
    name: str
    currency: str
    credit_limit: Decimal | None = None
    language: str = "en"
    email: str | None = None
    contact_name: str | None = None
    agent: str | None = None
    customer_since: dt.date | None = None
    credit_group: str | None = None
    status: str = "active"


@dataclass(frozen=True, slots=True)
class Transaction:
    """An invoice, credit note or payment, with its amount positive whatever its side."""

    company: str
    id: str
    customer: str
    type: TransactionType
    date: dt.date
    amount: Decimal
    currency: str
    accounting_amount: Decimal
    due_date: dt.date | None = None
    collection_status: CollectionStatus = CollectionStatus.NOT_DISPUTED
    promise_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Settlement:
    """Part of an invoice paid by a payment or credit note, in the invoice's currency."""

    company: str
    id: str
    invoice: str
    credit: str
    amount: Decimal
    date: dt.date


@dataclass(frozen=True, slots=True)
class Activity:
    """A collections activity: a call, email, task, promise to pay or dispute to follow up."""

    company: str
    id: str
    customer: str
    agent: str | None
    type: str
    purpose: str
    start: dt.date
    end: dt.date
    status: ActivityStatus = ActivityStatus.OPEN
    priority: str = "normal"


@dataclass(frozen=True, slots=True)
class LedgerBatch:
    """One validated ingest document, ready to be written in one store transaction."""

    companies: tuple[Company, ...] = ()
    customers: tuple[Customer, ...] = ()
    transactions: tuple[Transaction, ...] = ()
    settlements: tuple[Settlement, ...] = ()
    activities: tuple[Activity, ...] = ()

    def is_empty(self) -> bool:
        return not (
            self.companies
            or self.customers
            or self.transactions
            or self.settlements
            or self.activities
        )
