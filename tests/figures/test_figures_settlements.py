"""Open amounts after settlements: partial, split, credit notes, unapplied credit, late rows,
foreign currencies and credit limits. Every expected amount was worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from shared.money import format_amount
from tests.figures.figures_builders import (
    buckets,
    credit_note,
    figures_as_of,
    invoice,
    payment,
    settle,
)


def test_a_partial_payment_leaves_the_rest_open_and_aged() -> None:
    ledger = [
        invoice("INV-1", "2024-05-01", "2024-05-31", "1000.00"),
        payment("PAY-1", "2024-06-10", "400.00"),
    ]
    settlements = [settle("S1", "INV-1", "PAY-1", "400.00", "2024-06-10")]

    figures = figures_as_of("2024-06-30", ledger, settlements)

    (item,) = figures.open_invoices
    assert (item.open_amount, item.days_past_due) == (Decimal("600.00"), 30)
    assert buckets(figures)["1-30"] == Decimal("600.00")
    assert figures.overdue == Decimal("600.00")
    assert figures.unapplied_credit == Decimal("0")
    assert figures.open_credits == ()
    assert figures.balance == Decimal("600.00")
    assert figures.payment_history.invoices_settled == 0


def test_one_payment_split_over_two_invoices() -> None:
    ledger = [
        invoice("INV-1", "2024-06-01", "2024-07-01", "300.00"),
        invoice("INV-2", "2024-06-05", "2024-07-05", "200.00"),
        payment("PAY-1", "2024-06-20", "450.00"),
    ]
    settlements = [
        settle("S1", "INV-1", "PAY-1", "300.00", "2024-06-20"),
        settle("S2", "INV-2", "PAY-1", "150.00", "2024-06-20"),
    ]

    figures = figures_as_of("2024-06-30", ledger, settlements)

    assert [(i.id, i.open_amount) for i in figures.open_invoices] == [("INV-2", Decimal("50.00"))]
    assert figures.open_credits == ()
    assert figures.balance == Decimal("50.00")
    assert [s.id for s in figures.payment_history.settled] == ["INV-1"]


def test_an_applied_credit_note_reduces_the_invoice_and_an_open_one_is_unapplied_credit() -> None:
    ledger = [
        invoice("INV-1", "2024-06-01", "2024-06-15", "500.00"),
        credit_note("CN-1", "2024-06-05", "100.00"),
        credit_note("CN-2", "2024-06-20", "80.00"),
    ]
    settlements = [settle("S1", "INV-1", "CN-1", "100.00", "2024-06-05")]

    figures = figures_as_of("2024-06-30", ledger, settlements)

    assert buckets(figures)["1-30"] == Decimal("400.00")
    assert figures.overdue == Decimal("400.00")
    assert [(c.id, c.open_amount) for c in figures.open_credits] == [("CN-2", Decimal("80.00"))]
    assert figures.unapplied_credit == Decimal("80.00")
    # Shown beside the buckets, not netted into one: 400.00 - 80.00.
    assert figures.balance == Decimal("320.00")


def test_an_unapplied_payment_makes_the_balance_negative() -> None:
    figures = figures_as_of(
        "2024-06-30", [payment("PAY-1", "2024-06-01", "250.00")], credit_limit="1000.00"
    )

    assert set(buckets(figures).values()) == {Decimal("0")}
    assert figures.overdue == Decimal("0")
    assert figures.unapplied_credit == Decimal("250.00")
    assert figures.balance == Decimal("-250.00")
    assert figures.credit_available == Decimal("1250.00")
    assert figures.payment_history.payments == 1
    assert figures.payment_history.amount_paid == Decimal("250.00")


def test_a_settlement_dated_after_the_as_of_date_does_not_exist_yet() -> None:
    ledger = [
        invoice("INV-1", "2024-06-01", "2024-06-20", "100.00"),
        payment("PAY-1", "2024-06-25", "100.00"),
    ]
    settlements = [settle("S1", "INV-1", "PAY-1", "100.00", "2024-07-02")]

    before = figures_as_of("2024-06-30", ledger, settlements)
    after = figures_as_of("2024-07-02", ledger, settlements)

    # On 30 June the invoice is still 10 days overdue and the payment still unapplied.
    assert [(i.id, i.days_past_due) for i in before.open_invoices] == [("INV-1", 10)]
    assert before.overdue == Decimal("100.00")
    assert before.unapplied_credit == Decimal("100.00")
    assert before.balance == Decimal("0.00")
    assert before.payment_history.invoices_settled == 0

    assert after.open_invoices == ()
    assert after.overdue == Decimal("0")
    assert after.unapplied_credit == Decimal("0")
    assert after.payment_history.invoices_settled == 1
    (settled,) = after.payment_history.settled
    assert settled.settled_date.isoformat() == "2024-07-02"


def test_a_transaction_dated_after_the_as_of_date_is_ignored() -> None:
    ledger = [
        invoice("INV-1", "2024-06-01", "2024-07-01", "100.00"),
        invoice("INV-2", "2024-07-01", "2024-07-31", "50.00"),
        payment("PAY-1", "2024-07-05", "30.00"),
    ]

    figures = figures_as_of("2024-06-30", ledger)

    assert [i.id for i in figures.open_invoices] == ["INV-1"]
    assert figures.balance == Decimal("100.00")
    assert figures.unapplied_credit == Decimal("0")
    assert figures.invoices_last_6_months.count == 1
    assert figures.invoices_last_6_months.amount == Decimal("100.00")
    assert figures.payment_history.payments == 0


def test_a_remainder_of_one_cent_stays_open() -> None:
    ledger = [
        invoice("INV-1", "2024-05-01", "2024-05-31", "100.00"),
        payment("PAY-1", "2024-06-10", "99.99"),
    ]
    settlements = [settle("S1", "INV-1", "PAY-1", "99.99", "2024-06-10")]

    figures = figures_as_of("2024-06-30", ledger, settlements)

    assert [(i.id, i.open_amount) for i in figures.open_invoices] == [("INV-1", Decimal("0.01"))]
    assert format_amount(figures.balance, "EUR") == "0.01"
    assert format_amount(figures.overdue, "EUR") == "0.01"
    assert figures.payment_history.invoices_settled == 0


def test_a_foreign_invoice_partly_paid_is_open_at_its_own_rate_rounded_half_up() -> None:
    # USD 200.00 booked as EUR 100.01. Half of it is open: 100.01 / 2 = 50.005, which half up
    # is 50.01 (half to even would say 50.00). The payment's own rate (EUR 50.00) does not
    # matter: the exchange difference on the settled half is not part of the balance.
    ledger = [
        invoice("INV-USD", "2024-06-01", "2024-07-01", "200.00", "USD", "100.01"),
        payment("PAY-USD", "2024-06-10", "100.00", "USD", "50.00"),
        invoice("INV-EUR", "2024-06-05", "2024-07-05", "10.00"),
    ]
    settlements = [settle("S1", "INV-USD", "PAY-USD", "100.00", "2024-06-10")]

    figures = figures_as_of("2024-06-30", ledger, settlements)

    usd = next(i for i in figures.open_invoices if i.id == "INV-USD")
    assert (usd.currency, usd.amount, usd.open_amount) == (
        "USD",
        Decimal("200.00"),
        Decimal("100.00"),
    )
    assert usd.accounting_open_amount == Decimal("50.01")
    assert buckets(figures)["Not due"] == Decimal("60.01")
    assert figures.unapplied_credit == Decimal("0")
    assert figures.balance == Decimal("60.01")


def test_a_fully_open_foreign_invoice_counts_at_its_booked_accounting_amount() -> None:
    figures = figures_as_of(
        "2024-06-30",
        [invoice("INV-USD", "2024-06-01", "2024-06-10", "333.33", "USD", "300.00")],
    )

    assert figures.balance == Decimal("300.00")
    assert figures.overdue == Decimal("300.00")


def test_a_partly_applied_foreign_payment_is_unapplied_at_its_own_rate() -> None:
    # USD 300.00 booked as EUR 275.55; USD 200.00 left: 275.55 * 200 / 300 = 183.70.
    ledger = [
        invoice("INV-USD", "2024-06-01", "2024-07-01", "100.00", "USD", "92.00"),
        payment("PAY-USD", "2024-06-10", "300.00", "USD", "275.55"),
    ]
    settlements = [settle("S1", "INV-USD", "PAY-USD", "100.00", "2024-06-10")]

    figures = figures_as_of("2024-06-30", ledger, settlements)

    assert figures.unapplied_credit == Decimal("183.70")
    assert figures.balance == Decimal("-183.70")
    assert figures.payment_history.amount_paid == Decimal("275.55")


def test_an_accounting_currency_without_decimals_rounds_to_whole_units() -> None:
    # A yen company: EUR 100.00 booked as JPY 16255; EUR 33.33 open is
    # 33.33 * 16255 / 100 = 5417.7915, so JPY 5418.
    ledger = [
        invoice("INV-EUR", "2024-06-01", "2024-06-30", "100.00", "EUR", "16255"),
        payment("PAY-EUR", "2024-06-10", "66.67", "EUR", "10837"),
    ]
    settlements = [settle("S1", "INV-EUR", "PAY-EUR", "66.67", "2024-06-10")]

    figures = figures_as_of("2024-06-30", ledger, settlements, currency="JPY")

    assert figures.balance == Decimal("5418")
    assert format_amount(figures.balance, "JPY") == "5418"


def test_no_credit_limit_means_no_credit_available() -> None:
    figures = figures_as_of("2024-06-30", [invoice("INV-1", "2024-06-01", "2024-07-01", "10.00")])

    assert figures.credit_limit is None
    assert figures.credit_available is None


def test_a_customer_over_its_limit_has_negative_credit_available() -> None:
    ledger = [invoice("INV-1", "2024-06-01", "2024-07-01", "600.00")]

    over = figures_as_of("2024-06-30", ledger, credit_limit="500.00")
    within = figures_as_of("2024-06-30", ledger, credit_limit="1000.00")

    assert over.credit_available == Decimal("-100.00")
    assert format_amount(over.credit_available, "EUR") == "-100.00"
    assert within.credit_available == Decimal("400.00")
