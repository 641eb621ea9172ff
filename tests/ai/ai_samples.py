"""A customer ledger small enough to check by hand, as the details document and as facts.

As of 2025-03-31, customer ``K-100`` (EUR, credit limit 20000.00) has five open invoices:

- INV-1001 1200.00 due 2025-01-15 (oldest overdue);
- INV-1002 3400.50 due 2025-02-10 (largest overdue, disputed);
- INV-1003 850.25 due 2025-03-01, promised to pay on 2025-04-15;
- INV-1004 2000.00 due 2025-03-20;
- INV-1005 1500.00 due 2025-04-30 (not due).

Overdue 7450.75 on four invoices; balance 8950.75; credit available 11049.25. Three invoices
of the past year were settled: two on time in the recent quarter, one 20 days late earlier.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from shared.aging import AgingPeriods
from shared.customer_details import details_document
from shared.facts import Facts, build_facts
from shared.figures import compute_figures, ledger_items
from shared.ledger import (
    Activity,
    CollectionStatus,
    Customer,
    Settlement,
    Transaction,
    TransactionType,
)

COMPANY = "c1"
ACCOUNT = "K-100"
AS_OF = date(2025, 3, 31)


def _invoice(
    id: str,
    on: str,
    due: str,
    amount: str,
    status: CollectionStatus = CollectionStatus.NOT_DISPUTED,
    promise: str | None = None,
) -> Transaction:
    return Transaction(
        company=COMPANY,
        id=id,
        customer=ACCOUNT,
        type=TransactionType.INVOICE,
        date=date.fromisoformat(on),
        amount=Decimal(amount),
        currency="EUR",
        accounting_amount=Decimal(amount),
        due_date=date.fromisoformat(due),
        collection_status=status,
        promise_date=None if promise is None else date.fromisoformat(promise),
    )


def _payment(id: str, on: str, amount: str) -> Transaction:
    return Transaction(
        COMPANY, id, ACCOUNT, TransactionType.PAYMENT, date.fromisoformat(on),
        Decimal(amount), "EUR", Decimal(amount),
    )  # fmt: skip


def sample_customer(name: str = "Müller Maschinenbau GmbH", language: str = "en") -> Customer:
    return Customer(
        company=COMPANY,
        account=ACCOUNT,
        name=name,
        currency="EUR",
        credit_limit=Decimal("20000.00"),
        language=language,
        email="ap@example.com",
        contact_name="Jana Roth",
        agent="agent-1",
        customer_since=date(2019, 5, 1),
    )


def sample_details(
    name: str = "Müller Maschinenbau GmbH",
    language: str = "en",
    purpose: str = "Call about the overdue invoices",
) -> dict[str, Any]:
    transactions = [
        _invoice("INV-0901", "2024-06-01", "2024-07-01", "1000.00"),
        _invoice("INV-0950", "2024-12-20", "2025-01-20", "600.00"),
        _invoice("INV-0960", "2025-01-05", "2025-02-05", "400.00"),
        _invoice("INV-1001", "2024-12-16", "2025-01-15", "1200.00"),
        _invoice("INV-1002", "2025-01-10", "2025-02-10", "3400.50", CollectionStatus.DISPUTED),
        _invoice(
            "INV-1003",
            "2025-02-01",
            "2025-03-01",
            "850.25",
            CollectionStatus.PROMISED_TO_PAY,
            "2025-04-15",
        ),
        _invoice("INV-1004", "2025-02-18", "2025-03-20", "2000.00"),
        _invoice("INV-1005", "2025-03-31", "2025-04-30", "1500.00"),
        _payment("PAY-1", "2024-07-21", "1000.00"),
        _payment("PAY-2", "2025-01-18", "600.00"),
        _payment("PAY-3", "2025-02-03", "400.00"),
    ]
    settlements = [
        Settlement(COMPANY, "S-1", "INV-0901", "PAY-1", Decimal("1000.00"), date(2024, 7, 21)),
        Settlement(COMPANY, "S-2", "INV-0950", "PAY-2", Decimal("600.00"), date(2025, 1, 18)),
        Settlement(COMPANY, "S-3", "INV-0960", "PAY-3", Decimal("400.00"), date(2025, 2, 3)),
    ]
    customer = sample_customer(name, language)
    figures = compute_figures(
        ledger_items(transactions, settlements),
        AS_OF,
        "EUR",
        customer.credit_limit,
        AgingPeriods(),
        customer.customer_since,
    )
    activities = [
        Activity(
            COMPANY, "ACT-1", ACCOUNT, "agent-1", "call", purpose,
            date(2025, 3, 20), date(2025, 3, 28),
        ),
    ]  # fmt: skip
    return details_document(customer, figures, activities)


def sample_facts(**kwargs: Any) -> Facts:
    return build_facts(sample_details(**kwargs))
