"""The customer details document: a customer's figures as the HTTP contract writes them.

The document is plain JSON (camelCase names, money as decimal strings in the accounting
currency or, for an invoice's own amounts, in the invoice's currency, dates as ``YYYY-MM-DD``).
A details request with ``asOf`` builds it here from the ledger; without, it is built here too,
from the ledger rows the customer's nightly snapshot keeps (``shared.snapshot``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from shared.figures import CustomerFigures, OpenItem, SettledInvoice, average_days
from shared.ledger import Activity, ActivityStatus, Customer
from shared.money import format_amount

JsonObject = dict[str, Any]


def details_document(
    customer: Customer,
    figures: CustomerFigures,
    activities: Iterable[Activity],
) -> JsonObject:
    """Write ``figures`` of ``customer`` as the contract's customer details answer."""
    money = figures.currency
    history = figures.payment_history
    window = figures.invoices_last_6_months
    return {
        "company": customer.company,
        "account": customer.account,
        "name": customer.name,
        "asOf": figures.as_of.isoformat(),
        "currency": money,
        "balance": format_amount(figures.balance, money),
        "overdue": format_amount(figures.overdue, money),
        "unappliedCredit": format_amount(figures.unapplied_credit, money),
        "creditLimit": _optional_amount(figures.credit_limit, money),
        "creditAvailable": _optional_amount(figures.credit_available, money),
        "overLimit": figures.credit_available is not None and figures.credit_available < 0,
        "monthsAsCustomer": figures.months_as_customer,
        "language": customer.language,
        "email": customer.email,
        "contactName": customer.contact_name,
        "agent": customer.agent,
        "creditGroup": customer.credit_group,
        "status": customer.status,
        "customerSince": _optional_date(customer.customer_since),
        "aging": [
            {"bucket": bucket.bucket, "amount": format_amount(bucket.amount, money)}
            for bucket in figures.aging
        ],
        "openInvoices": [_open_invoice(item, money) for item in figures.open_invoices],
        "unappliedCredits": [_open_credit(item, money) for item in figures.open_credits],
        "invoicesLast6Months": {
            "count": window.count,
            "amount": format_amount(window.amount, money),
            "openCount": window.open_count,
            "openAmount": format_amount(window.open_amount, money),
            "overdueCount": window.overdue_count,
            "overdueAmount": format_amount(window.overdue_amount, money),
        },
        "paymentHistory": {
            "payments": history.payments,
            "amountPaid": format_amount(history.amount_paid, money),
            "invoicesSettled": history.invoices_settled,
            "averageDaysToPay": _optional_number(history.average_days_to_pay),
            "averageDaysLate": _optional_number(history.average_days_late),
            "paidOnTimeShare": _optional_number(history.paid_on_time_share),
            "months": _months(history.settled),
        },
        "activities": [activity_document(a, figures.as_of) for a in activities],
    }


def activity_document(activity: Activity, as_of: date) -> JsonObject:
    """An activity as the contract writes it; ``overdue`` when open past its end date."""
    return {
        "id": activity.id,
        "customer": activity.customer,
        "agent": activity.agent,
        "type": activity.type,
        "purpose": activity.purpose,
        "start": activity.start.isoformat(),
        "end": activity.end.isoformat(),
        "status": activity.status.value,
        "priority": activity.priority,
        "overdue": activity.status is ActivityStatus.OPEN and activity.end < as_of,
    }


def _open_invoice(item: OpenItem, accounting_currency: str) -> JsonObject:
    return {
        "id": item.id,
        "date": item.date.isoformat(),
        "dueDate": _optional_date(item.due_date),
        "daysPastDue": item.days_past_due,
        "currency": item.currency,
        "amount": format_amount(item.amount, item.currency),
        "openAmount": format_amount(item.open_amount, item.currency),
        "accountingOpenAmount": format_amount(item.accounting_open_amount, accounting_currency),
        "collectionStatus": item.collection_status.value,
        "promiseDate": _optional_date(item.promise_date),
    }


def _open_credit(item: OpenItem, accounting_currency: str) -> JsonObject:
    return {
        "id": item.id,
        "type": item.type.value,
        "date": item.date.isoformat(),
        "currency": item.currency,
        "amount": format_amount(item.amount, item.currency),
        "openAmount": format_amount(item.open_amount, item.currency),
        "accountingOpenAmount": format_amount(item.accounting_open_amount, accounting_currency),
    }


def _months(settled: Iterable[SettledInvoice]) -> list[JsonObject]:
    """Days late by month of settlement, for the payment-history chart."""
    late_by_month: dict[str, list[int]] = defaultdict(list)
    for invoice in settled:
        late_by_month[invoice.settled_date.strftime("%Y-%m")].append(invoice.days_late)
    return [
        {
            "month": month,
            "invoicesSettled": len(days),
            "averageDaysLate": float(average_days(days)),
        }
        for month, days in sorted(late_by_month.items())
    ]


def _optional_amount(value: Decimal | None, currency: str) -> str | None:
    return None if value is None else format_amount(value, currency)


def _optional_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _optional_number(value: Decimal | None) -> float | None:
    # Averages and shares are not money: JSON numbers, already rounded by the figures.
    return None if value is None else float(value)
