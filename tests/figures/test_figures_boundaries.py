"""Days past due, aging buckets and the overdue amount at every bucket edge.

The as-of date is 2024-06-30 throughout; each due date below was counted back by hand on a
calendar (May has 31 days, April 30, March 31).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.aging import AgingPeriods, AgingPeriodsError
from tests.figures.figures_builders import buckets, figures_as_of, invoice

AS_OF = "2024-06-30"
DEFAULT_LABELS = ("Not due", "1-30", "31-60", "61-90", "91-120", "Over 120")


@pytest.mark.parametrize(
    ("due", "days_past_due", "bucket"),
    [
        ("2024-07-01", -1, "Not due"),
        ("2024-06-30", 0, "Not due"),
        ("2024-06-29", 1, "1-30"),
        ("2024-05-31", 30, "1-30"),
        ("2024-05-30", 31, "31-60"),
        ("2024-05-01", 60, "31-60"),
        ("2024-04-30", 61, "61-90"),
        ("2024-04-01", 90, "61-90"),
        ("2024-03-31", 91, "91-120"),
        ("2024-03-02", 120, "91-120"),
        ("2024-03-01", 121, "Over 120"),
    ],
)
def test_an_open_invoice_falls_in_the_bucket_of_its_days_past_due(
    due: str, days_past_due: int, bucket: str
) -> None:
    figures = figures_as_of(AS_OF, [invoice("INV-1", "2024-01-15", due, "100.00")])

    (item,) = figures.open_invoices
    assert item.days_past_due == days_past_due
    expected = {label: Decimal("0") for label in DEFAULT_LABELS}
    expected[bucket] = Decimal("100.00")
    assert buckets(figures) == expected

    # Due today or later is not overdue; one day late is.
    assert figures.overdue == (Decimal("100.00") if days_past_due >= 1 else Decimal("0"))
    assert figures.balance == Decimal("100.00")


def test_buckets_and_overdue_add_up_over_every_edge_at_once() -> None:
    # Powers of two, so each bucket total shows exactly which invoices it holds.
    ledger = [
        invoice("D0", "2024-01-02", "2024-06-30", "1.00"),
        invoice("D1", "2024-01-02", "2024-06-29", "2.00"),
        invoice("D30", "2024-01-02", "2024-05-31", "4.00"),
        invoice("D31", "2024-01-02", "2024-05-30", "8.00"),
        invoice("D60", "2024-01-02", "2024-05-01", "16.00"),
        invoice("D61", "2024-01-02", "2024-04-30", "32.00"),
        invoice("D90", "2024-01-02", "2024-04-01", "64.00"),
        invoice("D91", "2024-01-02", "2024-03-31", "128.00"),
        invoice("D120", "2024-01-02", "2024-03-02", "256.00"),
        invoice("D121", "2024-01-02", "2024-03-01", "512.00"),
    ]

    figures = figures_as_of(AS_OF, ledger)

    assert [b.bucket for b in figures.aging] == list(DEFAULT_LABELS)
    assert buckets(figures) == {
        "Not due": Decimal("1.00"),
        "1-30": Decimal("6.00"),
        "31-60": Decimal("24.00"),
        "61-90": Decimal("96.00"),
        "91-120": Decimal("384.00"),
        "Over 120": Decimal("512.00"),
    }
    assert figures.overdue == Decimal("1022.00")
    assert figures.balance == Decimal("1023.00")
    assert figures.unapplied_credit == Decimal("0")


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        ("2024-06-30", "Not due"),
        ("2024-06-29", "1-15"),
        ("2024-06-15", "1-15"),
        ("2024-06-14", "16-45"),
        ("2024-05-16", "16-45"),
        ("2024-05-15", "Over 45"),
    ],
)
def test_configured_periods_15_and_45_make_four_buckets(due: str, bucket: str) -> None:
    periods = AgingPeriods.parse("15,45")

    figures = figures_as_of(AS_OF, [invoice("INV-1", "2024-01-15", due, "70.00")], periods=periods)

    assert [b.bucket for b in figures.aging] == ["Not due", "1-15", "16-45", "Over 45"]
    assert buckets(figures)[bucket] == Decimal("70.00")
    assert sum(buckets(figures).values()) == Decimal("70.00")


def test_periods_are_read_with_spaces_around_the_commas() -> None:
    assert AgingPeriods.parse(" 30, 60 ,90,120 ") == AgingPeriods()
    assert AgingPeriods.parse("45").labels == ("Not due", "1-45", "Over 45")


@pytest.mark.parametrize(
    "text",
    ["", " ", "0,30", "30,30", "60,30", "30,,60", "30,60,", "-5,10", "30.5", "thirty", "30;60"],
)
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(AgingPeriodsError):
        AgingPeriods.parse(text)


def test_periods_built_in_code_are_checked_too() -> None:
    with pytest.raises(AgingPeriodsError, match="at least one period"):
        AgingPeriods(())
    with pytest.raises(AgingPeriodsError, match="positive and increasing"):
        AgingPeriods((30, 20))
