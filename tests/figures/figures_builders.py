"""Small builders for the figures tests: ledgers written the way a finance reader reads them.

Dates are ISO strings and amounts decimal strings, so every expected value in a test can be
checked by hand against the ledger above it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.aging import AgingPeriods
from shared.figures import CustomerFigures, compute_figures, ledger_items
from shared.ledger import Settlement, Transaction, TransactionType

COMPANY = "c1"
CUSTOMER = "cust-1"


def day(text: str) -> date:
    return date.fromisoformat(text)


def invoice(
    id: str,
    on: str,
    due: str,
    amount: str,
    currency: str = "EUR",
    accounting: str | None = None,
) -> Transaction:
    return _transaction(TransactionType.INVOICE, id, on, amount, currency, accounting, due)


def payment(
    id: str, on: str, amount: str, currency: str = "EUR", accounting: str | None = None
) -> Transaction:
    return _transaction(TransactionType.PAYMENT, id, on, amount, currency, accounting, None)


def credit_note(
    id: str, on: str, amount: str, currency: str = "EUR", accounting: str | None = None
) -> Transaction:
    return _transaction(TransactionType.CREDIT_NOTE, id, on, amount, currency, accounting, None)


def settle(id: str, invoice_id: str, credit_id: str, amount: str, on: str) -> Settlement:
    return Settlement(COMPANY, id, invoice_id, credit_id, Decimal(amount), day(on))


def figures_as_of(
    as_of: str,
    transactions: list[Transaction],
    settlements: list[Settlement] | None = None,
    *,
    currency: str = "EUR",
    credit_limit: str | None = None,
    periods: AgingPeriods | None = None,
    customer_since: str | None = None,
) -> CustomerFigures:
    return compute_figures(
        ledger_items(transactions, settlements or []),
        day(as_of),
        currency,
        None if credit_limit is None else Decimal(credit_limit),
        periods or AgingPeriods(),
        None if customer_since is None else day(customer_since),
    )


def buckets(figures: CustomerFigures) -> dict[str, Decimal]:
    return {bucket.bucket: bucket.amount for bucket in figures.aging}


def _transaction(
    kind: TransactionType,
    id: str,
    on: str,
    amount: str,
    currency: str,
    accounting: str | None,
    due: str | None,
) -> Transaction:
    # Ingest sets the accounting amount to the amount when the currencies agree.
    return Transaction(
        company=COMPANY,
        id=id,
        customer=CUSTOMER,
        type=kind,
        date=day(on),
        amount=Decimal(amount),
        currency=currency,
        accounting_amount=Decimal(accounting if accounting is not None else amount),
        due_date=None if due is None else day(due),
    )
