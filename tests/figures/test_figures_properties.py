"""Properties of the figures over random single-customer ledgers.

The generated ledgers keep the invariants ingest enforces: amounts positive and in cents,
settlements between an invoice and a payment or credit note of the same currency, dated on or
after both, and never settling more than is open on either side. Settlements may fall after
the as-of date while both of their transactions fall before it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.aging import AgingPeriods
from shared.figures import CustomerFigures, compute_figures, ledger_items
from shared.ledger import Settlement, Transaction, TransactionType
from tests.figures.figures_builders import COMPANY, CUSTOMER

START = date(2023, 1, 1)
SPAN_DAYS = 400
CENT = Decimal("0.01")

Ledger = tuple[list[Transaction], list[Settlement]]

modest = settings(max_examples=200, deadline=None)


def _cents(count: int) -> Decimal:
    return Decimal(count).scaleb(-2)


@st.composite
def ledgers(draw: st.DrawFn, currency: str = "EUR") -> Ledger:
    # A foreign ledger books every transaction at its own rate, as ingest receives it.
    transactions: list[Transaction] = []
    for number in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(list(TransactionType)))
        on = START + timedelta(days=draw(st.integers(0, SPAN_DAYS)))
        amount = _cents(draw(st.integers(1, 100_000)))
        rate = Decimal(1) if currency == "EUR" else _cents(draw(st.integers(50, 200)))
        transactions.append(
            Transaction(
                company=COMPANY,
                id=f"T{number}",
                customer=CUSTOMER,
                type=kind,
                date=on,
                amount=amount,
                currency=currency,
                accounting_amount=(amount * rate).quantize(CENT, rounding=ROUND_HALF_UP),
                due_date=(
                    on + timedelta(days=draw(st.integers(0, 60)))
                    if kind is TransactionType.INVOICE
                    else None
                ),
            )
        )

    invoices = [t for t in transactions if t.type is TransactionType.INVOICE]
    credits = [t for t in transactions if t.type is not TransactionType.INVOICE]
    if not invoices or not credits:
        return transactions, []

    # Settle pairs at random, within what is still open on both sides over all time.
    unsettled = {t.id: t.amount for t in transactions}
    settlements: list[Settlement] = []
    for number in range(draw(st.integers(0, 10))):
        debit = draw(st.sampled_from(invoices))
        credit = draw(st.sampled_from(credits))
        room = min(unsettled[debit.id], unsettled[credit.id])
        if room <= 0:
            continue
        amount = _cents(draw(st.integers(1, int(room * 100))))
        on = max(debit.date, credit.date) + timedelta(days=draw(st.integers(0, 90)))
        settlements.append(Settlement(COMPANY, f"S{number}", debit.id, credit.id, amount, on))
        unsettled[debit.id] -= amount
        unsettled[credit.id] -= amount
    return transactions, settlements


as_of_dates = st.integers(-10, SPAN_DAYS + 120).map(lambda days: START + timedelta(days=days))

aging_periods = st.lists(st.integers(1, 200), min_size=1, max_size=5, unique=True).map(
    lambda bounds: AgingPeriods(tuple(sorted(bounds)))
)


def _figures(ledger: Ledger, as_of: date, periods: AgingPeriods | None = None) -> CustomerFigures:
    transactions, settlements = ledger
    items = ledger_items(transactions, settlements)
    return compute_figures(items, as_of, "EUR", Decimal("1000.00"), periods or AgingPeriods())


def _signed(transaction: Transaction) -> Decimal:
    return (
        transaction.amount if transaction.type is TransactionType.INVOICE else -transaction.amount
    )


@modest
@given(ledgers(), as_of_dates)
def test_in_one_currency_the_balance_is_the_signed_sum_of_transactions_to_date(
    ledger: Ledger, as_of: date
) -> None:
    transactions, _ = ledger

    figures = _figures(ledger, as_of)

    expected = sum((_signed(t) for t in transactions if t.date <= as_of), Decimal(0))
    assert figures.balance == expected
    assert figures.credit_available == Decimal("1000.00") - expected


@modest
@given(ledgers(), as_of_dates, aging_periods)
def test_buckets_minus_unapplied_credit_is_the_balance_and_overdue_is_the_late_buckets(
    ledger: Ledger, as_of: date, periods: AgingPeriods
) -> None:
    figures = _figures(ledger, as_of, periods)

    amounts = [bucket.amount for bucket in figures.aging]
    assert [bucket.bucket for bucket in figures.aging] == list(periods.labels)
    assert sum(amounts, Decimal(0)) - figures.unapplied_credit == figures.balance
    assert sum(amounts[1:], Decimal(0)) == figures.overdue
    assert figures.overdue == sum(
        (i.open_amount for i in figures.open_invoices if (i.days_past_due or 0) >= 1),
        Decimal(0),
    )


@modest
@given(ledgers(), as_of_dates)
def test_rows_dated_after_the_as_of_date_change_nothing(ledger: Ledger, as_of: date) -> None:
    transactions, settlements = ledger
    known_then = (
        [t for t in transactions if t.date <= as_of],
        [s for s in settlements if s.date <= as_of],
    )

    assert _figures(ledger, as_of) == _figures(known_then, as_of)


@modest
@given(ledgers(), as_of_dates)
def test_open_amounts_are_never_negative(ledger: Ledger, as_of: date) -> None:
    transactions, settlements = ledger

    for item in ledger_items(transactions, settlements):
        assert item.open_amount(as_of) >= 0
    figures = _figures(ledger, as_of)
    for open_item in figures.open_invoices + figures.open_credits:
        assert 0 < open_item.open_amount <= open_item.amount
    assert all(bucket.amount >= 0 for bucket in figures.aging)
    assert figures.unapplied_credit >= 0


@modest
@given(ledgers(currency="USD"), as_of_dates)
def test_foreign_open_amounts_are_proportional_at_each_transactions_own_rate(
    ledger: Ledger, as_of: date
) -> None:
    transactions, _ = ledger
    booked = {t.id: t for t in transactions}

    figures = _figures(ledger, as_of)

    for item in figures.open_invoices + figures.open_credits:
        own = booked[item.id]
        exact = item.open_amount * own.accounting_amount / own.amount
        # Rounded once, half up, to the cent: never further off than half a cent.
        assert abs(item.accounting_open_amount - exact) <= Decimal("0.005")
        assert item.accounting_open_amount == item.accounting_open_amount.quantize(CENT)
        if item.open_amount == own.amount:
            assert item.accounting_open_amount == own.accounting_amount
    open_total = sum((i.accounting_open_amount for i in figures.open_invoices), Decimal(0))
    credit_total = sum((i.accounting_open_amount for i in figures.open_credits), Decimal(0))
    assert figures.balance == open_total - credit_total
