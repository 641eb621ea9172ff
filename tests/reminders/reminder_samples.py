"""Small customer ledgers for the reminder tests, written as the details document.

The company ``c1`` keeps its books in EUR; every figure is computed by ``shared.figures`` from
ledger records, so the tests read the same details a request would.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from shared.aging import AgingPeriods
from shared.customer_details import details_document
from shared.figures import compute_figures, ledger_items
from shared.ledger import CollectionStatus, Company, Customer, Settlement, Transaction
from shared.ledger import TransactionType as Type

COMPANY = Company("c1", "Contoso Supplies", "EUR", "Europe/Berlin")
ACCOUNT = "K-100"
AS_OF = date(2025, 3, 31)


def invoice(
    id: str,
    days_past_due: int,
    amount: str,
    currency: str = "EUR",
    accounting: str | None = None,
    status: CollectionStatus = CollectionStatus.NOT_DISPUTED,
    promise: date | None = None,
    account: str = ACCOUNT,
) -> Transaction:
    """An invoice issued 30 days before its due date, ``days_past_due`` late on ``AS_OF``."""
    due = AS_OF - timedelta(days=days_past_due)
    return Transaction(
        company=COMPANY.id,
        id=id,
        customer=account,
        type=Type.INVOICE,
        date=due - timedelta(days=30),
        amount=Decimal(amount),
        currency=currency,
        accounting_amount=Decimal(accounting or amount),
        due_date=due,
        collection_status=status,
        promise_date=promise,
    )


def customer(
    name: str = "Müller Maschinenbau GmbH",
    language: str = "en",
    email: str | None = "ap@example.com",
    contact: str | None = "Jana Roth",
    account: str = ACCOUNT,
) -> Customer:
    return Customer(
        company=COMPANY.id,
        account=account,
        name=name,
        currency="EUR",
        language=language,
        email=email,
        contact_name=contact,
    )


def details(
    transactions: Sequence[Transaction],
    settlements: Sequence[Settlement] = (),
    as_of: date = AS_OF,
    **customer_fields: Any,
) -> dict[str, Any]:
    """The details document of ``customer(**customer_fields)`` as of ``as_of``."""
    who = customer(**customer_fields)
    figures = compute_figures(
        ledger_items(transactions, settlements), as_of, COMPANY.currency, None, AgingPeriods()
    )
    return details_document(who, figures, ())


def two_currencies() -> list[Transaction]:
    """Three overdue invoices in EUR and USD, one not yet due."""
    return [
        invoice("INV-1001", 45, "1200.00"),
        invoice("INV-1002", 12, "850.25"),
        invoice("INV-2001", 20, "1000.00", currency="USD", accounting="920.00"),
        invoice("INV-1003", -5, "300.00"),
    ]
