"""Small ledger records for the store tests: one company, a few customers, readable amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.ledger import (
    Activity,
    ActivityStatus,
    Company,
    Customer,
    Settlement,
    Transaction,
    TransactionType,
)

COMPANY = Company("acme", "Acme GmbH", "EUR", "Europe/Berlin")


def customer(account: str, *, name: str | None = None, agent: str | None = "ana") -> Customer:
    return Customer(
        company=COMPANY.id,
        account=account,
        name=name or f"Customer {account}",
        currency="EUR",
        credit_limit=Decimal("1000.00"),
        agent=agent,
        customer_since=date(2020, 1, 31),
    )


def invoice(id: str, account: str, on: str, due: str, amount: str) -> Transaction:
    return Transaction(
        company=COMPANY.id,
        id=id,
        customer=account,
        type=TransactionType.INVOICE,
        date=date.fromisoformat(on),
        due_date=date.fromisoformat(due),
        amount=Decimal(amount),
        currency="EUR",
        accounting_amount=Decimal(amount),
    )


def payment(id: str, account: str, on: str, amount: str) -> Transaction:
    return Transaction(
        company=COMPANY.id,
        id=id,
        customer=account,
        type=TransactionType.PAYMENT,
        date=date.fromisoformat(on),
        amount=Decimal(amount),
        currency="EUR",
        accounting_amount=Decimal(amount),
    )


def settlement(id: str, invoice_id: str, credit_id: str, amount: str, on: str) -> Settlement:
    return Settlement(
        COMPANY.id, id, invoice_id, credit_id, Decimal(amount), date.fromisoformat(on)
    )


def activity(
    id: str,
    account: str,
    end: str,
    *,
    agent: str | None = "ana",
    status: ActivityStatus = ActivityStatus.OPEN,
) -> Activity:
    return Activity(
        company=COMPANY.id,
        id=id,
        customer=account,
        agent=agent,
        type="call",
        purpose="Ask about the overdue invoices",
        start=date.fromisoformat(end),
        end=date.fromisoformat(end),
        status=status,
    )
