"""A customer's figures computed straight from ledger rows: the night's and the details'.

``shared.figures.compute_figures`` followed by ``shared.customer_details.details_document`` is
the reference. This module gives the same results from ``ItemRow`` tuples and ISO date
strings, converting an amount to ``Decimal`` or a date to ``date`` only where a sum or a day
count needs it (property tests hold both functions to the reference):

- ``night_figures``, the precompute's hot loop, run for every customer every night: the
  balance, overdue amount and unapplied credit the workspace lists need, and what the next
  nights need: ``kept``, the items that can still matter for any later as-of date (the
  trimming rule below); ``valid_through``, the last as-of date on which the customer's open
  items stay what they are (the day before the first item or settlement dated after the
  as-of date), or ``None``; and ``pending``, the open invoices not overdue yet, as ``(due
  date, accounting open amount)``, so that the overdue amount can follow the date;
- ``details_from_rows``: the contract's details document, built when a snapshot is read.

Until ``valid_through`` a customer's balance and credit stay as they are and its overdue
amount follows from ``pending``; every other figure that moves with the date (aging, days
past due, the six- and twelve-month windows, the payment history) is recomputed from the
kept items when the document is read. So on a typical night only a customer whose ledger
changed, or one with a transaction or settlement dated in the future, needs more than that.

Trimming rule. An item dated on or before the as-of date ``A`` is dropped when all of these
hold: it is fully settled on ``A`` and no settlement of it is dated after ``A``; it is not an
invoice dated in the six months ending on ``A``; it is not a payment dated in the twelve
months ending on ``A``; and it is not an invoice whose settled date falls in the twelve
months ending on ``A``. Items dated after ``A`` are kept. Why this is enough: windows ending
on a later date ``D`` start later (``shift_months`` never moves backwards), so an item
outside a window ending on ``A`` stays outside every later one; a settled item's open amount
and settled date never change once no settlement is dated after ``A``; and a fully settled
credit note or an aged-out payment counts in no figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from shared.aging import AgingPeriods
from shared.currencies import minor_unit
from shared.customer_details import activity_document
from shared.figures import average_days, on_time_share
from shared.ledger import Activity, Customer
from shared.ledger_rows import ItemRow
from shared.money import ZERO, format_amount, to_minor_unit
from shared.windows import shift_months, whole_months_between

JsonObject = dict[str, Any]

_INVOICE = "invoice"
_PAYMENT = "payment"


class NightFigures(NamedTuple):
    """What the night keeps of a customer: its list figures and how to roll it forward.

    ``valid_through`` is an ISO date or ``None``; ``pending`` holds the open invoices not
    overdue yet as ``(due date, accounting open amount)`` text pairs.
    """

    balance: Decimal
    overdue: Decimal
    unapplied: Decimal
    kept: list[ItemRow]
    valid_through: str | None
    pending: list[tuple[str, str]]


class AsOfContext:
    """What every customer of one company shares on one as-of date: computed once per run."""

    def __init__(self, as_of: date, accounting_currency: str, periods: AgingPeriods) -> None:
        self.as_of = as_of
        self.as_of_iso = as_of.isoformat()
        self.as_of_ordinal = as_of.toordinal()
        self.currency = accounting_currency
        self.digits = minor_unit(accounting_currency)
        self.periods = periods
        self.labels = periods.labels
        self.six_after = shift_months(as_of, -6).isoformat()
        self.twelve_after = shift_months(as_of, -12).isoformat()


def details_from_rows(
    customer: Customer,
    items: Sequence[ItemRow],
    activities: Sequence[Activity],
    context: AsOfContext,
) -> JsonObject:
    """The contract's details document of ``customer`` as of the context's date."""
    as_of_iso = context.as_of_iso
    as_of_ordinal = context.as_of_ordinal
    money = context.currency
    six_after = context.six_after
    twelve_after = context.twelve_after

    buckets = [ZERO] * len(context.labels)
    open_invoices: list[JsonObject] = []
    open_credits: list[JsonObject] = []
    overdue = unapplied = ZERO
    window_count = window_open_count = window_overdue_count = 0
    window_amount = window_open_amount = window_overdue_amount = ZERO
    payments = 0
    amount_paid = ZERO
    settled: list[tuple[str, str, int, int]] = []

    for item in items:
        on = item.date
        if on > as_of_iso:
            continue
        amount = Decimal(item.amount)
        open_amount = _open_amount(item, amount, as_of_iso)
        is_open = open_amount > ZERO
        accounting_open = _accounting_share(item, amount, open_amount, money)

        if item.type != _INVOICE:
            if is_open:
                unapplied += accounting_open
                open_credits.append(_open_credit(item, open_amount, accounting_open, money))
            if item.type == _PAYMENT and twelve_after < on:
                payments += 1
                amount_paid += Decimal(item.accounting_amount)
            continue

        # Invoices: aged while open, counted in the six months, in the history once settled.
        assert item.due_date is not None
        due_ordinal = _ordinal(item.due_date)
        days_past_due = as_of_ordinal - due_ordinal
        if is_open:
            buckets[context.periods.bucket_index(days_past_due)] += accounting_open
            open_invoices.append(
                _open_invoice(item, days_past_due, open_amount, accounting_open, money)
            )
            if days_past_due >= 1:
                overdue += accounting_open

        if six_after < on:
            window_count += 1
            window_amount += Decimal(item.accounting_amount)
            if is_open:
                window_open_count += 1
                window_open_amount += accounting_open
                if days_past_due >= 1:
                    window_overdue_count += 1
                    window_overdue_amount += accounting_open

        if not is_open:
            settled_on = _settled_date(item, amount, as_of_iso)
            if settled_on is not None and twelve_after < settled_on:
                settled.append((settled_on, item.id, _ordinal(on), due_ordinal))

    balance = sum(buckets, ZERO) - unapplied
    return _details(
        customer,
        context,
        balance,
        overdue,
        unapplied,
        [
            {"bucket": label, "amount": format_amount(total, money)}
            for label, total in zip(context.labels, buckets, strict=True)
        ],
        open_invoices,
        open_credits,
        {
            "count": window_count,
            "amount": format_amount(window_amount, money),
            "openCount": window_open_count,
            "openAmount": format_amount(window_open_amount, money),
            "overdueCount": window_overdue_count,
            "overdueAmount": format_amount(window_overdue_amount, money),
        },
        _payment_history(payments, amount_paid, settled, money),
        activities,
    )


def night_figures(items: Sequence[ItemRow], context: AsOfContext) -> NightFigures:
    """Balance, overdue and unapplied credit as of the context's date, the items to keep,
    how long the open items hold and the invoices not yet overdue (see module doc).

    The night's hot loop: it touches each row once, compares ISO dates as text and builds
    no document. ``details_from_rows`` gives the same three figures (a test holds it to
    that).
    """
    as_of_iso = context.as_of_iso
    money = context.currency
    six_after = context.six_after
    twelve_after = context.twelve_after

    invoiced = overdue = unapplied = ZERO
    kept: list[ItemRow] = []
    pending: list[tuple[str, str]] = []
    next_change = _NEVER

    for item in items:
        on = item.date
        if on > as_of_iso:
            kept.append(item)
            if on < next_change:
                next_change = on
            continue

        # Open amount on the as-of date; a settlement dated later is a change to come.
        amount = Decimal(item.amount)
        open_amount = amount
        later_settlement = False
        for application in item.applications:
            if application.date <= as_of_iso:
                open_amount -= Decimal(application.amount)
            else:
                later_settlement = True
                if application.date < next_change:
                    next_change = application.date
        is_open = open_amount > ZERO
        keep = is_open or later_settlement

        if item.type != _INVOICE:
            if is_open:
                unapplied += _accounting_share(item, amount, open_amount, money)
            if keep or (item.type == _PAYMENT and twelve_after < on):
                kept.append(item)
            continue

        due = item.due_date
        assert due is not None
        if is_open:
            accounting_open = _accounting_share(item, amount, open_amount, money)
            invoiced += accounting_open
            # Overdue from the day after the due date; ISO dates compare as text.
            if due < as_of_iso:
                overdue += accounting_open
            else:
                pending.append((due, format_amount(accounting_open, money)))

        if keep or six_after < on:
            kept.append(item)
        else:
            settled_on = _settled_date(item, amount, as_of_iso)
            if settled_on is not None and twelve_after < settled_on:
                kept.append(item)

    valid_through = None if next_change == _NEVER else _day_before(next_change).isoformat()
    return NightFigures(invoiced - unapplied, overdue, unapplied, kept, valid_through, pending)


_NEVER = "9999-12-31"


def _details(
    customer: Customer,
    context: AsOfContext,
    balance: Decimal,
    overdue: Decimal,
    unapplied: Decimal,
    aging: list[JsonObject],
    open_invoices: list[JsonObject],
    open_credits: list[JsonObject],
    window: JsonObject,
    history: JsonObject,
    activities: Sequence[Activity],
) -> JsonObject:
    """The contract's details document, in ``details_document``'s key order."""
    money = context.currency
    limit = customer.credit_limit
    available = None if limit is None else limit - balance
    return {
        "company": customer.company,
        "account": customer.account,
        "name": customer.name,
        "asOf": context.as_of_iso,
        "currency": money,
        "balance": format_amount(balance, money),
        "overdue": format_amount(overdue, money),
        "unappliedCredit": format_amount(unapplied, money),
        "creditLimit": None if limit is None else format_amount(limit, money),
        "creditAvailable": None if available is None else format_amount(available, money),
        "overLimit": available is not None and available < 0,
        "monthsAsCustomer": (
            None
            if customer.customer_since is None
            else whole_months_between(customer.customer_since, context.as_of)
        ),
        "language": customer.language,
        "email": customer.email,
        "contactName": customer.contact_name,
        "agent": customer.agent,
        "creditGroup": customer.credit_group,
        "status": customer.status,
        "customerSince": (
            None if customer.customer_since is None else customer.customer_since.isoformat()
        ),
        "aging": aging,
        "openInvoices": open_invoices,
        "unappliedCredits": open_credits,
        "invoicesLast6Months": window,
        "paymentHistory": history,
        "activities": [activity_document(a, context.as_of) for a in activities],
    }


def _accounting_share(item: ItemRow, amount: Decimal, part: Decimal, money: str) -> Decimal:
    """``LedgerItem.accounting_share``: part of the amount at the transaction's own rate."""
    if part == amount:
        return Decimal(item.accounting_amount)
    if item.currency == money:
        return part
    return to_minor_unit(part * Decimal(item.accounting_amount) / amount, money)


def _open_amount(item: ItemRow, amount: Decimal, as_of_iso: str) -> Decimal:
    """The amount still open on the as-of date: settlements dated later do not count yet."""
    open_amount = amount
    for application in item.applications:
        if application.date <= as_of_iso:
            open_amount -= Decimal(application.amount)
    return open_amount


def _settled_date(item: ItemRow, amount: Decimal, as_of_iso: str) -> str | None:
    """``LedgerItem.settled_date``: the settlement that brought the open amount to zero."""
    remaining = amount
    for application in item.applications:
        if application.date > as_of_iso:
            return None
        remaining -= Decimal(application.amount)
        if remaining <= ZERO:
            return application.date
    return None


def _open_invoice(
    item: ItemRow, days_past_due: int, open_amount: Decimal, accounting_open: Decimal, money: str
) -> JsonObject:
    return {
        "id": item.id,
        "date": item.date,
        "dueDate": item.due_date,
        "daysPastDue": days_past_due,
        "currency": item.currency,
        "amount": format_amount(Decimal(item.amount), item.currency),
        "openAmount": format_amount(open_amount, item.currency),
        "accountingOpenAmount": format_amount(accounting_open, money),
        "collectionStatus": item.collection_status,
        "promiseDate": item.promise_date,
    }


def _open_credit(
    item: ItemRow, open_amount: Decimal, accounting_open: Decimal, money: str
) -> JsonObject:
    return {
        "id": item.id,
        "type": item.type,
        "date": item.date,
        "currency": item.currency,
        "amount": format_amount(Decimal(item.amount), item.currency),
        "openAmount": format_amount(open_amount, item.currency),
        "accountingOpenAmount": format_amount(accounting_open, money),
    }


def _payment_history(
    payments: int,
    amount_paid: Decimal,
    settled: list[tuple[str, str, int, int]],
    money: str,
) -> JsonObject:
    """The payment history as ``details_document`` writes it; ``settled`` holds tuples of
    (settled date, invoice id, document date ordinal, due date ordinal)."""
    history: JsonObject = {
        "payments": payments,
        "amountPaid": format_amount(amount_paid, money),
        "invoicesSettled": len(settled),
        "averageDaysToPay": None,
        "averageDaysLate": None,
        "paidOnTimeShare": None,
        "months": [],
    }
    if not settled:
        return history

    settled.sort()
    to_pay: list[int] = []
    late: list[int] = []
    late_by_month: dict[str, list[int]] = {}
    for settled_on, _, document_ordinal, due_ordinal in settled:
        settled_ordinal = _ordinal(settled_on)
        days_late = max(0, settled_ordinal - due_ordinal)
        to_pay.append(settled_ordinal - document_ordinal)
        late.append(days_late)
        late_by_month.setdefault(settled_on[:7], []).append(days_late)

    history["averageDaysToPay"] = float(average_days(to_pay))
    history["averageDaysLate"] = float(average_days(late))
    history["paidOnTimeShare"] = float(on_time_share(late))
    history["months"] = [
        {
            "month": month,
            "invoicesSettled": len(days),
            "averageDaysLate": float(average_days(days)),
        }
        for month, days in sorted(late_by_month.items())
    ]
    return history


@lru_cache(maxsize=65_536)
def _ordinal(iso: str) -> int:
    return date.fromisoformat(iso).toordinal()


def _day_before(iso: str) -> date:
    return date.fromordinal(_ordinal(iso) - 1)
