"""The snapshot document: a customer's details as of a night's date, and how it rolls forward.

A snapshot body is the contract's customer details document (``details_document``) with one
more key, ``precompute``, holding what the next night needs to roll it forward without
reading the customer's ledger::

    {...details..., "precompute": {
        "ledgerVersion": 7,              # the customer's ledger version it was computed from
        "validThrough": "2025-07-14",    # last as-of date with the same open items, or null
        "agingBounds": [30, 60, 90, 120],
        "customerCurrency": "EUR",
        "items": [[id, type, date, dueDate, amount, currency, accountingAmount,
                   collectionStatus, promiseDate, [[date, settlement, amount], ...]], ...]
    }}

``items`` are the trimmed ledger rows (see ``shared.snapshot_figures``). Between its ``asOf``
and ``validThrough`` a snapshot's open items, windows and history hold; what still moves
with the date follows from the document alone, and ``rebase`` recomputes it: days past due,
the aging buckets, the overdue amounts, the activities' ``overdue`` flags and the months as
a customer. So a night on which a customer's ledger did not change and none of its items
left a window leaves its snapshot untouched, and readers rebase it to the night's date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from shared.aging import AgingPeriods
from shared.ledger import Activity, ActivityStatus, Customer
from shared.ledger_rows import ApplicationRow, ItemRow
from shared.money import ZERO, format_amount
from shared.snapshot_figures import ComputedSnapshot
from shared.windows import shift_months, whole_months_between

JsonObject = dict[str, Any]

INTERNALS = "precompute"


def snapshot_body(
    computed: ComputedSnapshot,
    version: int,
    customer_currency: str,
    aging_bounds: tuple[int, ...],
) -> JsonObject:
    """The stored body: the details document and the roll-forward internals."""
    return {
        **computed.details,
        INTERNALS: {
            "ledgerVersion": version,
            "validThrough": (
                None if computed.valid_through is None else computed.valid_through.isoformat()
            ),
            "agingBounds": list(aging_bounds),
            "customerCurrency": customer_currency,
            "items": computed.kept,
        },
    }


def details_of(body: JsonObject) -> JsonObject:
    """The details document of a snapshot body, without the internals."""
    return {key: value for key, value in body.items() if key != INTERNALS}


def ledger_version(body: JsonObject) -> int:
    return int(body[INTERNALS]["ledgerVersion"])


def valid_through(body: JsonObject) -> date | None:
    text = body[INTERNALS]["validThrough"]
    return None if text is None else date.fromisoformat(text)


def holds_on(body: JsonObject, as_of: date) -> bool:
    """Whether the snapshot's figures are those of ``as_of``, up to a ``rebase``."""
    computed_on = date.fromisoformat(body["asOf"])
    last = valid_through(body)
    return computed_on <= as_of and (last is None or as_of <= last)


def aging_bounds(body: JsonObject) -> tuple[int, ...]:
    return tuple(body[INTERNALS]["agingBounds"])


def rebase(details: JsonObject, as_of: date, bounds: tuple[int, ...]) -> JsonObject:
    """Move a details document whose open items still hold (``holds_on``) to ``as_of``.

    Recomputed from the document: ``asOf``, the open invoices' ``daysPastDue``, ``aging``
    (with the aging periods ``bounds`` it was computed with), ``overdue``, the overdue count
    and amount of the six-month invoices, the activities' ``overdue`` flags and
    ``monthsAsCustomer``. Balance, credit and everything else stay as they are.
    """
    if details["asOf"] == as_of.isoformat():
        return details
    money = details["currency"]
    periods = AgingPeriods(bounds)
    ordinal = as_of.toordinal()
    six_after = shift_months(as_of, -6).isoformat()

    buckets = [ZERO] * len(periods.labels)
    overdue = window_overdue = ZERO
    window_overdue_count = 0
    invoices: list[JsonObject] = []
    for invoice in details["openInvoices"]:
        days_past_due = ordinal - date.fromisoformat(invoice["dueDate"]).toordinal()
        amount = Decimal(invoice["accountingOpenAmount"])
        buckets[periods.bucket_index(days_past_due)] += amount
        if days_past_due >= 1:
            overdue += amount
            if invoice["date"] > six_after:
                window_overdue_count += 1
                window_overdue += amount
        invoices.append({**invoice, "daysPastDue": days_past_due})

    since = details.get("customerSince")
    return {
        **details,
        "asOf": as_of.isoformat(),
        "overdue": format_amount(overdue, money),
        "monthsAsCustomer": (
            None if since is None else whole_months_between(date.fromisoformat(since), as_of)
        ),
        "aging": [
            {"bucket": label, "amount": format_amount(total, money)}
            for label, total in zip(periods.labels, buckets, strict=True)
        ],
        "openInvoices": invoices,
        "invoicesLast6Months": {
            **details["invoicesLast6Months"],
            "overdueCount": window_overdue_count,
            "overdueAmount": format_amount(window_overdue, money),
        },
        "activities": [
            {
                **activity,
                "overdue": activity["status"] == ActivityStatus.OPEN.value
                and activity["end"] < as_of.isoformat(),
            }
            for activity in details["activities"]
        ],
    }


def customer_of(body: JsonObject) -> Customer:
    """The customer record a snapshot was computed for, as far as its figures need it."""
    limit = body["creditLimit"]
    since = body["customerSince"]
    return Customer(
        company=body["company"],
        account=body["account"],
        name=body["name"],
        currency=body[INTERNALS]["customerCurrency"],
        credit_limit=None if limit is None else Decimal(limit),
        language=body["language"],
        email=body["email"],
        contact_name=body["contactName"],
        agent=body["agent"],
        customer_since=None if since is None else date.fromisoformat(since),
        credit_group=body["creditGroup"],
        status=body["status"],
    )


def items_of(body: JsonObject) -> list[ItemRow]:
    """The trimmed ledger rows kept in a snapshot."""
    return [
        ItemRow(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            tuple(ApplicationRow(*application) for application in row[9]),
        )
        for row in body[INTERNALS]["items"]
    ]


def activities_of(body: JsonObject) -> list[Activity]:
    """The customer's activities as the snapshot lists them (by end date, then id)."""
    return [
        Activity(
            company=body["company"],
            id=activity["id"],
            customer=activity["customer"],
            agent=activity["agent"],
            type=activity["type"],
            purpose=activity["purpose"],
            start=date.fromisoformat(activity["start"]),
            end=date.fromisoformat(activity["end"]),
            status=ActivityStatus(activity["status"]),
            priority=activity["priority"],
        )
        for activity in body["activities"]
    ]
