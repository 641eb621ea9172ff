"""The precompute's figures equal the reference figures, and rolling forward loses nothing.

The reference is ``compute_figures`` over the whole ledger followed by ``details_document``.
Three properties, over random ledgers and dates:

- a snapshot's details document equals the reference as of its date;
- a snapshot computed later from the items the first one kept equals the reference as of
  that later date (the trimming rule);
- while a snapshot's open items hold (up to ``validThrough``), rebasing it to a later date
  equals the reference as of that date.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.aging import AgingPeriods
from shared.customer_details import details_document
from shared.demo_data import demo_batch
from shared.figures import compute_figures, ledger_items
from shared.ledger import Customer, Settlement, Transaction
from shared.ledger_rows import item_rows
from shared.snapshot import rebase
from shared.snapshot_figures import AsOfContext, compute_snapshot, window_exit
from shared.stores.base import JsonObject
from shared.windows import Window
from tests.precompute.ledgers import CUSTOMER, START, TODAY, ledgers

PERIODS = AgingPeriods()
LATER = (0, 1, 2, 15, 29, 30, 31, 45, 61, 92, 121, 150, 184, 200, 366, 400)


def reference(
    customer: Customer,
    transactions: list[Transaction],
    settlements: list[Settlement],
    as_of: date,
    currency: str = "EUR",
    periods: AgingPeriods = PERIODS,
) -> JsonObject:
    figures = compute_figures(
        ledger_items(transactions, settlements),
        as_of,
        currency,
        customer.credit_limit,
        periods,
        customer.customer_since,
    )
    return details_document(customer, figures, [])


@settings(max_examples=300, deadline=None)
@given(
    ledger=ledgers(),
    offset=st.integers(0, 700),
    periods=st.sampled_from([(30, 60, 90, 120), (15, 45)]),
)
def test_rolling_forward_equals_recomputing(
    ledger: tuple[list[Transaction], list[Settlement]], offset: int, periods: tuple[int, ...]
) -> None:
    transactions, settlements = ledger
    aging = AgingPeriods(periods)
    as_of = START + timedelta(days=offset)
    first = compute_snapshot(
        CUSTOMER, item_rows(transactions, settlements), [], AsOfContext(as_of, "EUR", aging)
    )
    assert first.details == reference(CUSTOMER, transactions, settlements, as_of, periods=aging)

    for days in LATER:
        later = as_of + timedelta(days=days)
        expected = reference(CUSTOMER, transactions, settlements, later, periods=aging)
        rolled = compute_snapshot(CUSTOMER, first.kept, [], AsOfContext(later, "EUR", aging))
        assert rolled.details == expected
        if first.valid_through is None or later <= first.valid_through:
            assert rebase(first.details, later, aging.bounds) == expected


def test_the_demo_ledger_rolls_forward_day_by_day() -> None:
    batch = demo_batch(TODAY, 11)
    currency = {company.id: company.currency for company in batch.companies}
    owners = {t.id: (t.company, t.customer) for t in batch.transactions}
    transactions: dict[tuple[str, str], list[Transaction]] = defaultdict(list)
    settlements: dict[tuple[str, str], list[Settlement]] = defaultdict(list)
    for t in batch.transactions:
        transactions[(t.company, t.customer)].append(t)
    for s in batch.settlements:
        settlements[owners[s.invoice]].append(s)

    start = TODAY - timedelta(days=20)
    for customer in batch.customers[::7]:
        key = (customer.company, customer.account)
        money = currency[customer.company]
        rows = item_rows(transactions[key], settlements[key])
        current = compute_snapshot(customer, rows, [], AsOfContext(start, money, PERIODS))
        for days in range(1, 40):
            day = start + timedelta(days=days)
            expected = reference(customer, transactions[key], settlements[key], day, money)
            if current.valid_through is not None and day > current.valid_through:
                current = compute_snapshot(
                    customer, current.kept, [], AsOfContext(day, money, PERIODS)
                )
                assert current.details == expected
            else:
                assert rebase(current.details, day, PERIODS.bounds) == expected


@given(on=st.dates(date(2020, 1, 1), date(2030, 12, 31)), months=st.sampled_from([6, 12]))
def test_window_exit_is_the_first_date_outside(on: date, months: int) -> None:
    exit_day = date.fromisoformat(window_exit(on.isoformat(), months))

    assert on not in Window.months_ending(exit_day, months)
    assert on in Window.months_ending(exit_day - timedelta(days=1), months)
