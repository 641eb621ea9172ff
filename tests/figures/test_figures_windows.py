"""Calendar windows around leap days, invoices of the last six months, months as a customer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from shared.windows import Window, shift_months, whole_months_between
from tests.figures.figures_builders import day, figures_as_of, invoice, payment, settle


@pytest.mark.parametrize(
    ("as_of", "months", "after", "first_in"),
    [
        # 31 August back six months is 31 February, clamped to the leap day.
        ("2024-08-31", 6, "2024-02-29", "2024-03-01"),
        # 28 February 2025 back a year is 28 February 2024: the leap day is inside.
        ("2025-02-28", 12, "2024-02-28", "2024-02-29"),
        # The leap day back a year is 29 February 2023, clamped to the 28th.
        ("2024-02-29", 12, "2023-02-28", "2023-03-01"),
        ("2024-06-30", 6, "2023-12-30", "2023-12-31"),
    ],
)
def test_a_window_starts_after_the_clamped_date_and_ends_on_the_as_of_date(
    as_of: str, months: int, after: str, first_in: str
) -> None:
    window = Window.months_ending(day(as_of), months)

    assert window.after == day(after)
    assert window.through == day(as_of)
    assert day(after) not in window
    assert day(first_in) in window
    assert day(as_of) in window
    assert day(as_of) + timedelta(days=1) not in window


def test_moving_by_months_clamps_to_the_month_end() -> None:
    assert shift_months(day("2024-03-31"), -1) == day("2024-02-29")
    assert shift_months(day("2023-03-31"), -1) == day("2023-02-28")
    assert shift_months(day("2024-05-31"), -6) == day("2023-11-30")
    assert shift_months(day("2024-01-15"), -1) == day("2023-12-15")
    assert shift_months(day("2023-11-30"), 3) == day("2024-02-29")


def test_invoices_of_the_last_six_months_across_a_leap_day() -> None:
    # As of 2024-08-31 the window holds 2024-03-01 .. 2024-08-31.
    ledger = [
        invoice("A", "2024-02-29", "2024-03-30", "500.00"),  # a day before the window
        invoice("B", "2024-03-01", "2024-03-31", "100.00"),  # first day, paid in full
        invoice("C", "2024-05-15", "2024-06-14", "200.00"),  # 78 days late, 50.00 paid
        invoice("D", "2024-08-31", "2024-09-30", "300.00"),  # issued on the as-of date
        invoice("E", "2024-08-01", "2024-08-31", "40.00"),  # due today: open, not overdue
        invoice("F", "2024-09-01", "2024-10-01", "900.00"),  # after the as-of date
        payment("P1", "2024-03-20", "100.00"),
        payment("P2", "2024-06-01", "50.00"),
    ]
    settlements = [
        settle("S1", "B", "P1", "100.00", "2024-03-20"),
        settle("S2", "C", "P2", "50.00", "2024-06-01"),
    ]

    figures = figures_as_of("2024-08-31", ledger, settlements)

    window = figures.invoices_last_6_months
    assert (window.count, window.amount) == (4, Decimal("640.00"))
    assert (window.open_count, window.open_amount) == (3, Decimal("490.00"))
    assert (window.overdue_count, window.overdue_amount) == (1, Decimal("150.00"))

    # A is outside the window but still open and aged: 2024-03-30 .. 2024-08-31 is 154 days.
    assert {i.id: i.days_past_due for i in figures.open_invoices} == {
        "A": 154,
        "C": 78,
        "D": -30,
        "E": 0,
    }
    assert figures.overdue == Decimal("650.00")


@pytest.mark.parametrize(
    ("since", "as_of", "months"),
    [
        ("2024-01-31", "2024-02-29", 1),  # 31 January plus a month is clamped to the leap day
        ("2024-01-31", "2024-02-28", 0),
        ("2023-01-31", "2023-02-28", 1),
        ("2024-01-31", "2024-03-30", 1),  # plus two months is 31 March, not reached yet
        ("2024-01-31", "2024-03-31", 2),
        ("2020-06-15", "2024-06-14", 47),
        ("2020-06-15", "2024-06-15", 48),
        ("2024-06-15", "2024-06-15", 0),
        ("2024-07-01", "2024-06-30", 0),  # a customer from a later date
    ],
)
def test_months_as_a_customer_counts_whole_calendar_months(
    since: str, as_of: str, months: int
) -> None:
    assert whole_months_between(day(since), day(as_of)) == months

    figures = figures_as_of(as_of, [], customer_since=since)
    assert figures.months_as_customer == months


def test_months_as_a_customer_is_absent_without_a_start_date() -> None:
    assert figures_as_of("2024-06-30", []).months_as_customer is None
