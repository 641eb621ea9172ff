"""Every figure of a customer, computed as of a date.

The input is a customer's ledger as ``LedgerItem`` rows: each transaction with the
settlements that touch it. Nothing dated after the as-of date exists for a figure, so the
figures as of a past date are the ones that were true on that date. The definitions are the
product's contract with finance teams (``docs/figures.md``):

- open amount: amount minus the settlements dated on or before the as-of date; in the
  accounting currency it is proportional to the transaction's own rate, rounded half up to
  the accounting currency's minor unit;
- days past due: as-of date minus due date; overdue from 1 day;
- aging buckets of open invoices, unapplied credit (open payments and credit notes), balance
  (buckets minus unapplied credit), credit available (limit minus balance);
- invoices of the six months and payment history of the twelve months ending on the as-of
  date (``shared.windows``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from shared.aging import AgingPeriods
from shared.ledger import CollectionStatus, Settlement, Transaction, TransactionType
from shared.money import ZERO, to_minor_unit
from shared.windows import Window, whole_months_between

_ONE_DECIMAL = Decimal("0.1")
_SHARE_DECIMALS = Decimal("0.0001")
_EXACT_DIGITS = 60


@dataclass(frozen=True, slots=True)
class Application:
    """A settlement seen from one of its two transactions."""

    date: dt.date
    settlement: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LedgerItem:
    """A transaction and the settlements that touch it, sorted by date then settlement id."""

    id: str
    type: TransactionType
    date: dt.date
    due_date: dt.date | None
    amount: Decimal
    currency: str
    accounting_amount: Decimal
    collection_status: CollectionStatus
    promise_date: dt.date | None
    applications: tuple[Application, ...] = ()

    def open_amount(self, as_of: dt.date) -> Decimal:
        """Amount minus the settlements dated on or before ``as_of``."""
        settled = sum((a.amount for a in self.applications if a.date <= as_of), ZERO)
        return self.amount - settled

    def settled_date(self, as_of: dt.date) -> dt.date | None:
        """The date of the settlement that brought the open amount to zero, if one did."""
        remaining = self.amount
        for application in self.applications:
            if application.date > as_of:
                return None
            remaining -= application.amount
            if remaining <= ZERO:
                return application.date
        return None

    def accounting_share(self, amount: Decimal, accounting_currency: str) -> Decimal:
        """Convert part of this transaction's amount at the transaction's own rate.

        The whole amount converts to the booked accounting amount exactly; a part converts
        proportionally, rounded half up once to the accounting currency's minor unit.
        """
        if self.currency == accounting_currency:
            return amount
        if amount == self.amount:
            return self.accounting_amount

        # Enough digits that the product and quotient are exact up to the one rounding that
        # counts: the default 28 digits could round a large product half-even first.
        with localcontext(prec=_EXACT_DIGITS):
            proportional = amount * self.accounting_amount / self.amount
        return to_minor_unit(proportional, accounting_currency)


def ledger_items(
    transactions: Iterable[Transaction], settlements: Iterable[Settlement]
) -> list[LedgerItem]:
    """Join a customer's transactions to their settlements, ordered by date then id."""
    by_transaction: dict[str, list[Application]] = {}
    for settlement in settlements:
        application = Application(settlement.date, settlement.id, settlement.amount)
        by_transaction.setdefault(settlement.invoice, []).append(application)
        by_transaction.setdefault(settlement.credit, []).append(application)

    items = [
        LedgerItem(
            id=t.id,
            type=t.type,
            date=t.date,
            due_date=t.due_date,
            amount=t.amount,
            currency=t.currency,
            accounting_amount=t.accounting_amount,
            collection_status=t.collection_status,
            promise_date=t.promise_date,
            applications=tuple(
                sorted(by_transaction.get(t.id, ()), key=lambda a: (a.date, a.settlement))
            ),
        )
        for t in transactions
    ]
    items.sort(key=lambda item: (item.date, item.id))
    return items


@dataclass(frozen=True, slots=True)
class AgingBucket:
    bucket: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice, payment or credit note still open on the as-of date."""

    id: str
    type: TransactionType
    date: dt.date
    due_date: dt.date | None
    days_past_due: int | None
    currency: str
    amount: Decimal
    open_amount: Decimal
    accounting_open_amount: Decimal
    collection_status: CollectionStatus
    promise_date: dt.date | None


@dataclass(frozen=True, slots=True)
class InvoiceWindowFigures:
    """Invoices dated in a window: all, still open, and overdue (amounts in accounting)."""

    count: int
    amount: Decimal
    open_count: int
    open_amount: Decimal
    overdue_count: int
    overdue_amount: Decimal


@dataclass(frozen=True, slots=True)
class SettledInvoice:
    """An invoice whose open amount reached zero inside the payment-history window."""

    id: str
    date: dt.date
    due_date: dt.date
    settled_date: dt.date
    accounting_amount: Decimal

    @property
    def days_to_pay(self) -> int:
        return (self.settled_date - self.date).days

    @property
    def days_late(self) -> int:
        return max(0, (self.settled_date - self.due_date).days)


@dataclass(frozen=True, slots=True)
class PaymentHistory:
    """Payments and fully settled invoices of the twelve months ending on the as-of date.

    Averages are rounded half up to one decimal and absent when no invoice was settled; the
    on-time share is a ratio from 0 to 1, rounded to four decimals.
    """

    payments: int
    amount_paid: Decimal
    invoices_settled: int
    average_days_to_pay: Decimal | None
    average_days_late: Decimal | None
    paid_on_time_share: Decimal | None
    settled: tuple[SettledInvoice, ...]


@dataclass(frozen=True, slots=True)
class CustomerFigures:
    """Every figure of one customer as of one date, totals in the accounting currency."""

    as_of: dt.date
    currency: str
    balance: Decimal
    overdue: Decimal
    unapplied_credit: Decimal
    credit_limit: Decimal | None
    credit_available: Decimal | None
    aging: tuple[AgingBucket, ...]
    open_invoices: tuple[OpenItem, ...]
    open_credits: tuple[OpenItem, ...]
    invoices_last_6_months: InvoiceWindowFigures
    payment_history: PaymentHistory
    months_as_customer: int | None


def compute_figures(
    items: Sequence[LedgerItem],
    as_of: dt.date,
    accounting_currency: str,
    credit_limit: Decimal | None,
    periods: AgingPeriods,
    customer_since: dt.date | None = None,
) -> CustomerFigures:
    """Compute a customer's figures as of ``as_of`` from its ledger items."""
    bucket_totals = [ZERO] * len(periods.labels)
    open_invoices: list[OpenItem] = []
    open_credits: list[OpenItem] = []
    overdue = ZERO
    unapplied = ZERO

    six_months = Window.months_ending(as_of, 6)
    twelve_months = Window.months_ending(as_of, 12)
    window_count = window_open_count = window_overdue_count = 0
    window_amount = window_open_amount = window_overdue_amount = ZERO
    payments = 0
    amount_paid = ZERO
    settled: list[SettledInvoice] = []

    for item in items:
        if item.date > as_of:
            continue
        open_amount = item.open_amount(as_of)
        accounting_open = item.accounting_share(open_amount, accounting_currency)

        # Credits: open ones are unapplied credit; payments feed the payment history.
        if not item.type.is_debit:
            if open_amount > ZERO:
                unapplied += accounting_open
                open_credits.append(_open_item(item, open_amount, accounting_open, None))
            if item.type is TransactionType.PAYMENT and item.date in twelve_months:
                payments += 1
                amount_paid += item.accounting_amount
            continue

        # Invoices: open ones are aged; every one may count in the six-month window.
        assert item.due_date is not None
        days_past_due = (as_of - item.due_date).days
        if open_amount > ZERO:
            bucket_totals[periods.bucket_index(days_past_due)] += accounting_open
            open_invoices.append(_open_item(item, open_amount, accounting_open, days_past_due))
            if days_past_due >= 1:
                overdue += accounting_open

        if item.date in six_months:
            window_count += 1
            window_amount += item.accounting_amount
            if open_amount > ZERO:
                window_open_count += 1
                window_open_amount += accounting_open
                if days_past_due >= 1:
                    window_overdue_count += 1
                    window_overdue_amount += accounting_open

        if open_amount <= ZERO:
            settled_date = item.settled_date(as_of)
            if settled_date is not None and settled_date in twelve_months:
                settled.append(
                    SettledInvoice(
                        item.id, item.date, item.due_date, settled_date, item.accounting_amount
                    )
                )

    balance = sum(bucket_totals, ZERO) - unapplied
    return CustomerFigures(
        as_of=as_of,
        currency=accounting_currency,
        balance=balance,
        overdue=overdue,
        unapplied_credit=unapplied,
        credit_limit=credit_limit,
        credit_available=None if credit_limit is None else credit_limit - balance,
        aging=tuple(
            AgingBucket(label, total)
            for label, total in zip(periods.labels, bucket_totals, strict=True)
        ),
        open_invoices=tuple(open_invoices),
        open_credits=tuple(open_credits),
        invoices_last_6_months=InvoiceWindowFigures(
            window_count,
            window_amount,
            window_open_count,
            window_open_amount,
            window_overdue_count,
            window_overdue_amount,
        ),
        payment_history=_payment_history(payments, amount_paid, settled),
        months_as_customer=(
            None if customer_since is None else whole_months_between(customer_since, as_of)
        ),
    )


def _open_item(
    item: LedgerItem, open_amount: Decimal, accounting_open: Decimal, days_past_due: int | None
) -> OpenItem:
    return OpenItem(
        id=item.id,
        type=item.type,
        date=item.date,
        due_date=item.due_date,
        days_past_due=days_past_due,
        currency=item.currency,
        amount=item.amount,
        open_amount=open_amount,
        accounting_open_amount=accounting_open,
        collection_status=item.collection_status,
        promise_date=item.promise_date,
    )


def _payment_history(
    payments: int, amount_paid: Decimal, settled: list[SettledInvoice]
) -> PaymentHistory:
    in_order = sorted(settled, key=lambda s: (s.settled_date, s.id))
    count = len(in_order)
    if count == 0:
        return PaymentHistory(payments, amount_paid, 0, None, None, None, ())

    late = [s.days_late for s in in_order]
    return PaymentHistory(
        payments=payments,
        amount_paid=amount_paid,
        invoices_settled=count,
        average_days_to_pay=average_days([s.days_to_pay for s in in_order]),
        average_days_late=average_days(late),
        paid_on_time_share=on_time_share(late),
        settled=tuple(in_order),
    )


def average_days(days: Sequence[int]) -> Decimal:
    """The mean of day counts, rounded half up to one decimal: the one rounding of averages."""
    return (Decimal(sum(days)) / len(days)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def on_time_share(days_late: Sequence[int]) -> Decimal:
    """The share of invoices settled by their due date, rounded half up to four decimals."""
    on_time = Decimal(sum(1 for days in days_late if days == 0)) / len(days_late)
    return on_time.quantize(_SHARE_DECIMALS, rounding=ROUND_HALF_UP)
