"""The night's figures of a customer, computed straight from its ledger rows.

``shared.figures.compute_figures`` is the reference. ``night_figures``, the precompute's hot
loop, run for every customer every night, gives the same balance, overdue amount and
unapplied credit from ``ItemRow`` tuples and ISO date strings, converting an amount to
``Decimal`` or a date to ``date`` only where a sum needs it (a property test holds it to the
reference). With them it computes what the next nights need: ``kept``, the items that can
still matter for any later as-of date (the trimming rule below); ``valid_through``, the
last as-of date on which the customer's open items stay what they are (the day before the
first item or settlement dated after the as-of date), or ``None``; and ``pending``, the open
invoices not overdue yet, as ``(due date, accounting open amount)``, so that the overdue
amount can follow the date. The details document is built from the kept items when a
snapshot is read (``shared.snapshot``), with the reference functions.

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
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from shared.aging import AgingPeriods
from shared.ledger_rows import ItemRow
from shared.money import ZERO, format_amount, to_minor_unit
from shared.windows import shift_months

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
        self.currency = accounting_currency
        self.periods = periods
        self.six_after = shift_months(as_of, -6).isoformat()
        self.twelve_after = shift_months(as_of, -12).isoformat()


def night_figures(items: Sequence[ItemRow], context: AsOfContext) -> NightFigures:
    """Balance, overdue and unapplied credit as of the context's date, the items to keep,
    how long the open items hold and the invoices not yet overdue (see module doc).

    The night's hot loop: it touches each row once, compares ISO dates as text and builds
    no document.
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


def _accounting_share(item: ItemRow, amount: Decimal, part: Decimal, money: str) -> Decimal:
    """``LedgerItem.accounting_share``: part of the amount at the transaction's own rate."""
    if part == amount:
        return Decimal(item.accounting_amount)
    if item.currency == money:
        return part
    return to_minor_unit(part * Decimal(item.accounting_amount) / amount, money)


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


def _day_before(iso: str) -> date:
    return date.fromisoformat(iso) - timedelta(days=1)
