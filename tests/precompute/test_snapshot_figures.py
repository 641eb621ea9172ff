"""The precompute's figures equal the reference figures, and rolling forward loses nothing.

The reference is ``compute_figures`` over the whole ledger followed by ``details_document``.
Three properties, over random ledgers and dates:

- the night's balance, overdue amount and unapplied credit equal the reference as of the
  same date (and the ledger rows, turned back into ledger items, give the reference);
- the details document built later from the items the night kept equals the reference as
  of that later date (the trimming rule);
- while the open items hold (up to ``valid_through``), the night's figures moved to a later
  date as the workspace lists move them (overdue grows by the pending invoices fallen due)
  equal the reference's.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.aging import AgingPeriods
from shared.customer_details import details_document
from shared.demo_data import demo_batch
from shared.figures import compute_figures, ledger_items
from shared.ledger import Customer, Settlement, Transaction
from shared.ledger_rows import ItemRow, item_rows, to_ledger_items
from shared.money import ZERO
from shared.snapshot_figures import AsOfContext, NightFigures, night_figures
from shared.stores.base import JsonObject
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


def from_rows(customer: Customer, rows: list[ItemRow], context: AsOfContext) -> JsonObject:
    """The details document as a snapshot read builds it from the rows it kept."""
    figures = compute_figures(
        to_ledger_items(rows),
        context.as_of,
        context.currency,
        customer.credit_limit,
        context.periods,
        customer.customer_since,
    )
    return details_document(customer, figures, [])


def follows(figures: NightFigures, later: date) -> tuple[Decimal, Decimal, Decimal]:
    """Balance, overdue and unapplied credit on ``later`` as the lists move them forward."""
    due = sum((Decimal(amount) for on, amount in figures.pending if on < later.isoformat()), ZERO)
    return figures.balance, figures.overdue + due, figures.unapplied


def headline(document: JsonObject) -> tuple[Decimal, Decimal, Decimal]:
    return (
        Decimal(document["balance"]),
        Decimal(document["overdue"]),
        Decimal(document["unappliedCredit"]),
    )


@settings(max_examples=300, deadline=None)
@given(
    ledger=ledgers(),
    offset=st.integers(0, 700),
    periods=st.sampled_from([(30, 60, 90, 120), (15, 45)]),
)
def test_the_kept_items_answer_for_every_later_date(
    ledger: tuple[list[Transaction], list[Settlement]], offset: int, periods: tuple[int, ...]
) -> None:
    transactions, settlements = ledger
    aging = AgingPeriods(periods)
    as_of = START + timedelta(days=offset)
    rows = item_rows(transactions, settlements)
    context = AsOfContext(as_of, "EUR", aging)
    expected = reference(CUSTOMER, transactions, settlements, as_of, periods=aging)
    assert from_rows(CUSTOMER, rows, context) == expected
    night = night_figures(rows, context)
    assert (night.balance, night.overdue, night.unapplied) == headline(expected)

    for days in LATER:
        later = as_of + timedelta(days=days)
        expected = reference(CUSTOMER, transactions, settlements, later, periods=aging)
        from_kept = from_rows(CUSTOMER, night.kept, AsOfContext(later, "EUR", aging))
        assert from_kept == expected
        if night.valid_through is None or later.isoformat() <= night.valid_through:
            assert follows(night, later) == headline(expected)


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
    rolled = 0
    for customer in batch.customers[::7]:
        key = (customer.company, customer.account)
        money = currency[customer.company]
        current = night_figures(
            item_rows(transactions[key], settlements[key]), AsOfContext(start, money, PERIODS)
        )
        for days in range(1, 40):
            day = start + timedelta(days=days)
            expected = reference(customer, transactions[key], settlements[key], day, money)
            if current.valid_through is not None and day.isoformat() > current.valid_through:
                current = night_figures(current.kept, AsOfContext(day, money, PERIODS))
                rolled += 1
                assert (current.balance, current.overdue, current.unapplied) == headline(expected)
            else:
                assert follows(current, day) == headline(expected)
            assert from_rows(customer, current.kept, AsOfContext(day, money, PERIODS)) == expected
    assert rolled > 0
