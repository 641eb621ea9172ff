"""What the HTTP functions show of a company and a customer, and where it comes from.

Customer details come from the nightly snapshot when the caller asks for today's figures, so
the common request is one store read; an ``asOf`` date, or a customer the precompute has not
reached yet, computes the figures from the ledger instead. Either way the answer has the same
shape and says which it was in ``source``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.customer_details import details_document
from shared.figures import compute_figures, ledger_items
from shared.ledger import Company
from shared.precompute import read_snapshot
from shared.problems import NotFound
from shared.settings import Settings
from shared.stores.base import LedgerStore

JsonObject = dict[str, Any]


def company_today(company: Company, now: datetime) -> date:
    """The date in the company's own time zone at the instant ``now`` (an aware datetime)."""
    return now.astimezone(ZoneInfo(company.time_zone)).date()


def require_company(store: LedgerStore, company_id: str) -> Company:
    company = store.get_company(company_id)
    if company is None:
        raise NotFound(f"There is no company {company_id!r}.")
    return company


def customer_details(
    store: LedgerStore,
    company_id: str,
    account: str,
    as_of: date | None,
    settings: Settings,
    now: datetime,
) -> JsonObject:
    """The contract's customer details, as of ``as_of`` or, without it, the company's today."""
    company = require_company(store, company_id)
    today = company_today(company, now)
    if as_of is None:
        snapshot = read_snapshot(store, company.id, account)
        if snapshot is not None and snapshot.get("asOf") == today.isoformat():
            return {**snapshot, "source": "snapshot"}

    return {**ledger_details(store, company, account, as_of or today, settings), "source": "ledger"}


def ledger_details(
    store: LedgerStore, company: Company, account: str, as_of: date, settings: Settings
) -> JsonObject:
    """Compute a customer's details from its ledger as of ``as_of``."""
    customer = store.get_customers(company.id, [account]).get(account)
    if customer is None:
        raise NotFound(f"Company {company.id!r} has no customer {account!r}.")

    transactions, settlements = store.customer_ledger(company.id, account)
    figures = compute_figures(
        ledger_items(transactions, settlements),
        as_of=as_of,
        accounting_currency=company.currency,
        credit_limit=customer.credit_limit,
        periods=settings.aging_periods,
        customer_since=customer.customer_since,
    )
    activities = sorted(store.customer_activities(company.id, account), key=lambda a: (a.end, a.id))
    return details_document(customer, figures, activities)
