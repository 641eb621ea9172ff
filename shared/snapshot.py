"""The snapshot document: what the night keeps of a customer, and the details built from it.

A snapshot is compact: the customer's record, the ledger rows that can still matter (the
trimmed ``ItemRow`` list of ``shared.snapshot_figures``), its activities, and what the next
night needs to roll it forward without reading the customer's ledger::

    {"asOf": "2025-06-30",                 # the night it was computed for
     "ledgerVersion": 7,                   # the customer's ledger version it was computed from
     "validThrough": "2025-07-14",         # last night with the same open items, or null
     "currency": "EUR",                    # the company's accounting currency
     "agingBounds": [30, 60, 90, 120],
     "customer": [account, name, currency, creditLimit, language, email, contactName,
                  agent, customerSince, creditGroup, status],
     "items": [[id, type, date, dueDate, amount, currency, accountingAmount,
                collectionStatus, promiseDate, [[date, settlement, amount], ...]], ...],
     "activities": [[id, agent, type, purpose, start, end, status, priority], ...]}

The contract's details document is not stored: ``details_of`` builds it when it is read,
with the same functions as a details request with ``asOf``, as of any date from the
snapshot's own onwards; from the kept rows it equals the document computed from the whole
ledger (the trimming rule). Writing a third of the bytes, and formatting no
document for the million customers nobody opens that day, is what keeps the night short;
a read pays about 0.5 ms for it (the benchmark machine, ten transactions a customer).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from shared.aging import AgingPeriods
from shared.customer_details import details_document
from shared.figures import compute_figures
from shared.ledger import Activity, ActivityStatus, Customer
from shared.ledger_rows import ApplicationRow, ItemRow, decimal_text, to_ledger_items
from shared.snapshot_figures import AsOfContext, NightFigures

JsonObject = dict[str, Any]


def snapshot_body(
    customer: Customer,
    activities: Sequence[Activity],
    figures: NightFigures,
    version: int,
    context: AsOfContext,
) -> JsonObject:
    """The stored body of one customer's snapshot as of the context's date."""
    limit = customer.credit_limit
    since = customer.customer_since
    return {
        "asOf": context.as_of_iso,
        "ledgerVersion": version,
        "validThrough": figures.valid_through,
        "currency": context.currency,
        "agingBounds": context.periods.bounds,
        "customer": (
            customer.account,
            customer.name,
            customer.currency,
            None if limit is None else decimal_text(limit),
            customer.language,
            customer.email,
            customer.contact_name,
            customer.agent,
            None if since is None else since.isoformat(),
            customer.credit_group,
            customer.status,
        ),
        "items": figures.kept,
        "activities": [
            (
                a.id,
                a.agent,
                a.type,
                a.purpose,
                a.start.isoformat(),
                a.end.isoformat(),
                a.status.value,
                a.priority,
            )
            for a in activities
        ],
    }


def ledger_version(body: JsonObject) -> int:
    return int(body["ledgerVersion"])


def details_of(company: str, body: JsonObject, as_of: date | None = None) -> JsonObject:
    """The contract's details document of a snapshot, as of ``as_of`` (default: its own date).

    A date before the snapshot's own is refused: the items it dropped may matter then.
    """
    computed_on = date.fromisoformat(body["asOf"])
    day = computed_on if as_of is None else as_of
    if day < computed_on:
        raise ValueError(f"A snapshot of {computed_on} cannot answer for the earlier {day}.")
    customer = customer_of(company, body)
    figures = compute_figures(
        to_ledger_items(items_of(body)),
        day,
        body["currency"],
        customer.credit_limit,
        AgingPeriods(tuple(body["agingBounds"])),
        customer.customer_since,
    )
    return details_document(customer, figures, activities_of(company, body))


def customer_of(company: str, body: JsonObject) -> Customer:
    """The customer record the snapshot was computed for."""
    (account, name, currency, limit, language, email, contact, agent, since, group, status) = body[
        "customer"
    ]
    return Customer(
        company=company,
        account=account,
        name=name,
        currency=currency,
        credit_limit=None if limit is None else Decimal(limit),
        language=language,
        email=email,
        contact_name=contact,
        agent=agent,
        customer_since=None if since is None else date.fromisoformat(since),
        credit_group=group,
        status=status,
    )


def items_of(body: JsonObject) -> list[ItemRow]:
    """The trimmed ledger rows kept in a snapshot."""
    return [
        ItemRow(
            id_,
            type_,
            on,
            due,
            amount,
            currency,
            accounting,
            status,
            promise,
            tuple(ApplicationRow(*application) for application in applications),
        )
        for id_, type_, on, due, amount, currency, accounting, status, promise, applications in (
            body["items"]
        )
    ]


def activities_of(company: str, body: JsonObject) -> list[Activity]:
    """The customer's activities as the snapshot keeps them (by end date, then id)."""
    account = body["customer"][0]
    return [
        Activity(
            company=company,
            id=id_,
            customer=account,
            agent=agent,
            type=type_,
            purpose=purpose,
            start=date.fromisoformat(start),
            end=date.fromisoformat(end),
            status=ActivityStatus(status),
            priority=priority,
        )
        for id_, agent, type_, purpose, start, end, status, priority in body["activities"]
    ]
