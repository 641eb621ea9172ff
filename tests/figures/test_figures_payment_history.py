"""Payment history of the twelve months ending on the as-of date, worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from shared.ledger import Settlement, Transaction
from tests.figures.figures_builders import credit_note, day, figures_as_of, invoice, payment, settle


def _year_of_payments() -> tuple[list[Transaction], list[Settlement]]:
    """Five invoices settled in 2024, one settled in 2023, one still open.

    invoice  dated       due         settled     days to pay  days late
    I1       2024-01-10  2024-02-09  2024-02-01  22           0 (8 days early)
    I2       2024-03-01  2024-03-31  2024-04-15  45           15
    I3       2024-05-01  2024-05-31  2024-06-30  60           30 (a credit note settles it)
    I4       2023-11-01  2023-12-01  2023-12-20  -            - (settled before the window)
    I5       2023-12-01  2023-12-31  2024-01-05  35           5
    I6       2024-12-01  2024-12-31  open
    I7       2024-07-01  2024-07-31  2024-07-31  30           0 (on the due date)
    """
    transactions = [
        invoice("I1", "2024-01-10", "2024-02-09", "100.00"),
        invoice("I2", "2024-03-01", "2024-03-31", "200.00"),
        invoice("I3", "2024-05-01", "2024-05-31", "300.00"),
        invoice("I4", "2023-11-01", "2023-12-01", "50.00"),
        invoice("I5", "2023-12-01", "2023-12-31", "60.00"),
        invoice("I6", "2024-12-01", "2024-12-31", "80.00"),
        invoice("I7", "2024-07-01", "2024-07-31", "70.00"),
        payment("P1", "2024-02-01", "100.00"),
        payment("P2", "2024-04-15", "200.00"),
        payment("P3", "2024-05-20", "100.00"),
        credit_note("CN1", "2024-06-30", "200.00"),
        payment("P4", "2023-12-20", "50.00"),
        payment("P5", "2024-01-05", "60.00"),
        payment("P7", "2024-07-31", "70.00"),
    ]
    settlements = [
        settle("S1", "I1", "P1", "100.00", "2024-02-01"),
        settle("S2", "I2", "P2", "200.00", "2024-04-15"),
        settle("S3a", "I3", "P3", "100.00", "2024-05-20"),
        settle("S3b", "I3", "CN1", "200.00", "2024-06-30"),
        settle("S4", "I4", "P4", "50.00", "2023-12-20"),
        settle("S5", "I5", "P5", "60.00", "2024-01-05"),
        settle("S7", "I7", "P7", "70.00", "2024-07-31"),
    ]
    return transactions, settlements


def test_payment_history_of_the_year_ending_on_the_as_of_date() -> None:
    transactions, settlements = _year_of_payments()

    history = figures_as_of("2024-12-31", transactions, settlements).payment_history

    # Payments dated 2024-01-01 .. 2024-12-31: P1, P2, P3, P5, P7; a credit note is no payment.
    assert history.payments == 5
    assert history.amount_paid == Decimal("530.00")
    assert history.invoices_settled == 5
    assert [s.id for s in history.settled] == ["I5", "I1", "I2", "I3", "I7"]
    assert [s.days_to_pay for s in history.settled] == [35, 22, 45, 60, 30]
    assert [s.days_late for s in history.settled] == [5, 0, 15, 30, 0]
    # (35 + 22 + 45 + 60 + 30) / 5 = 38.4; (5 + 0 + 15 + 30 + 0) / 5 = 10.0; 2 of 5 on time.
    assert history.average_days_to_pay == Decimal("38.4")
    assert history.average_days_late == Decimal("10.0")
    assert history.paid_on_time_share == Decimal("0.4000")


def test_the_settlement_that_brings_the_invoice_to_zero_dates_it() -> None:
    transactions, settlements = _year_of_payments()

    # I3 was part paid on 2024-05-20; the credit note on 2024-06-30 closed it.
    history = figures_as_of("2024-12-31", transactions, settlements).payment_history
    (i3,) = [s for s in history.settled if s.id == "I3"]
    assert i3.settled_date == day("2024-06-30")

    # Before the credit note, I3 is not settled at all.
    before = figures_as_of("2024-06-29", transactions, settlements)
    assert "I3" not in [s.id for s in before.payment_history.settled]
    assert [(i.id, i.open_amount) for i in before.open_invoices] == [("I3", Decimal("200.00"))]


def test_averages_round_half_up_to_one_decimal_at_the_window_edge() -> None:
    transactions, settlements = _year_of_payments()

    # As of 2025-01-05 the window starts after 2024-01-05, so I5 (settled that day) and P5
    # drop out. (22 + 45 + 60 + 30) / 4 = 39.25 and (0 + 15 + 30 + 0) / 4 = 11.25: half up
    # gives 39.3 and 11.3, where half to even would give 39.2 and 11.2.
    history = figures_as_of("2025-01-05", transactions, settlements).payment_history

    assert [s.id for s in history.settled] == ["I1", "I2", "I3", "I7"]
    assert history.payments == 4
    assert history.amount_paid == Decimal("470.00")
    assert history.average_days_to_pay == Decimal("39.3")
    assert history.average_days_late == Decimal("11.3")
    assert history.paid_on_time_share == Decimal("0.5000")


def _invoices_settled_on(*settled_on: str) -> tuple[list[Transaction], list[Settlement]]:
    transactions: list[Transaction] = []
    settlements: list[Settlement] = []
    for number, on in enumerate(settled_on, start=1):
        transactions.append(invoice(f"I{number}", "2024-03-01", "2024-03-31", "10.00"))
        transactions.append(payment(f"P{number}", on, "10.00"))
        settlements.append(settle(f"S{number}", f"I{number}", f"P{number}", "10.00", on))
    return transactions, settlements


def test_one_of_three_on_time() -> None:
    ledger = _invoices_settled_on("2024-03-31", "2024-04-10", "2024-04-20")

    history = figures_as_of("2024-06-30", *ledger).payment_history

    # Days to pay 30, 40, 50; days late 0, 10, 20.
    assert history.average_days_to_pay == Decimal("40.0")
    assert history.average_days_late == Decimal("10.0")
    assert history.paid_on_time_share == Decimal("0.3333")


def test_two_of_three_on_time() -> None:
    ledger = _invoices_settled_on("2024-03-31", "2024-03-31", "2024-04-20")

    history = figures_as_of("2024-06-30", *ledger).payment_history

    # 110 / 3 = 36.67 days to pay, 20 / 3 = 6.67 days late, 2 / 3 on time.
    assert history.average_days_to_pay == Decimal("36.7")
    assert history.average_days_late == Decimal("6.7")
    assert history.paid_on_time_share == Decimal("0.6667")


def test_the_on_time_share_rounds_half_up_to_four_decimals() -> None:
    # 1 of 32 on time is 0.03125: half up 0.0313. The other 31 are a day late:
    # (30 + 31 * 31) / 32 = 30.96875 days to pay and 31 / 32 = 0.96875 days late.
    ledger = _invoices_settled_on("2024-03-31", *["2024-04-01"] * 31)

    history = figures_as_of("2024-06-30", *ledger).payment_history

    assert history.invoices_settled == 32
    assert history.paid_on_time_share == Decimal("0.0313")
    assert history.average_days_to_pay == Decimal("31.0")
    assert history.average_days_late == Decimal("1.0")


def test_no_settled_invoice_means_no_averages() -> None:
    history = figures_as_of(
        "2024-06-30", [invoice("I1", "2024-06-01", "2024-07-01", "10.00")]
    ).payment_history

    assert (history.payments, history.amount_paid, history.invoices_settled) == (0, Decimal(0), 0)
    assert history.average_days_to_pay is None
    assert history.average_days_late is None
    assert history.paid_on_time_share is None
