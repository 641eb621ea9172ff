"""The payment history and aging checked against a public accounts-receivable sample.

The sample (2,466 invoices of 100 customers, one currency) lives beside the repository, not in
it: it has no stated licence. Each row is an invoice settled in full on one date, and carries
DaysToSettle and DaysLate as computed by its authors; the figures must agree with those
columns. The ledger built here has, for each row, the invoice, one payment on SettledDate for
the whole amount and the settlement between them.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from shared.aging import AgingPeriods
from shared.figures import CustomerFigures, LedgerItem, compute_figures, ledger_items
from shared.ledger import Settlement, Transaction, TransactionType
from shared.money import parse_amount
from shared.windows import shift_months

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = REPO_ROOT.parent / "shared" / "data" / "ibm-accounts-receivable-sample.csv"

AS_OF_DATES = ("2012-09-30", "2012-12-31", "2013-03-15", "2013-06-30", "2013-12-31")
CUSTOMERS_CHECKED = 5

pytestmark = pytest.mark.skipif(
    not SAMPLE.is_file(),
    reason=f"the reference sample is not at {SAMPLE.name} beside the repository",
)


@dataclass(frozen=True, slots=True)
class Row:
    customer: str
    invoice: str
    invoice_date: date
    due_date: date
    settled_date: date
    amount: Decimal
    days_to_settle: int
    days_late: int


def _day(text: str) -> date:
    # The sample writes M/D/YYYY.
    return datetime.strptime(text, "%m/%d/%Y").date()  # noqa: DTZ007 - a date, no time


@pytest.fixture(scope="module")
def rows_by_customer() -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    with SAMPLE.open(newline="", encoding="utf-8") as sample:
        for record in csv.DictReader(sample):
            row = Row(
                customer=record["customerID"],
                invoice=record["invoiceNumber"],
                invoice_date=_day(record["InvoiceDate"]),
                due_date=_day(record["DueDate"]),
                settled_date=_day(record["SettledDate"]),
                amount=parse_amount(record["InvoiceAmount"], "USD"),
                days_to_settle=int(record["DaysToSettle"]),
                days_late=int(record["DaysLate"]),
            )
            grouped[row.customer].append(row)
    return dict(grouped)


@pytest.fixture(scope="module")
def checked_customers(rows_by_customer: dict[str, list[Row]]) -> list[str]:
    # The customers with the most invoices, so each window holds several settled ones.
    ranked = sorted(rows_by_customer, key=lambda c: (-len(rows_by_customer[c]), c))
    return ranked[:CUSTOMERS_CHECKED]


def _ledger(rows: list[Row]) -> list[LedgerItem]:
    transactions: list[Transaction] = []
    settlements: list[Settlement] = []
    for row in rows:
        payment_id = f"PAY-{row.invoice}"
        transactions.append(
            Transaction(
                company="ref",
                id=row.invoice,
                customer=row.customer,
                type=TransactionType.INVOICE,
                date=row.invoice_date,
                amount=row.amount,
                currency="USD",
                accounting_amount=row.amount,
                due_date=row.due_date,
            )
        )
        transactions.append(
            Transaction(
                company="ref",
                id=payment_id,
                customer=row.customer,
                type=TransactionType.PAYMENT,
                date=row.settled_date,
                amount=row.amount,
                currency="USD",
                accounting_amount=row.amount,
            )
        )
        settlements.append(
            Settlement(
                "ref", f"SET-{row.invoice}", row.invoice, payment_id, row.amount, row.settled_date
            )
        )

    return ledger_items(transactions, settlements)


def _figures(rows: list[Row], as_of: date) -> CustomerFigures:
    return compute_figures(_ledger(rows), as_of, "USD", None, AgingPeriods())


def _average(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def test_the_sample_is_consistent_with_its_own_columns(
    rows_by_customer: dict[str, list[Row]],
) -> None:
    # If these fail, the sample changed and the comparisons below compare nothing useful.
    rows = [row for customer_rows in rows_by_customer.values() for row in customer_rows]
    assert len(rows) > 2000
    for row in rows:
        assert row.days_to_settle == (row.settled_date - row.invoice_date).days
        assert row.days_late == max(0, (row.settled_date - row.due_date).days)


@pytest.mark.parametrize("as_of_text", AS_OF_DATES)
def test_payment_history_matches_the_samples_days_to_settle_and_days_late(
    rows_by_customer: dict[str, list[Row]], checked_customers: list[str], as_of_text: str
) -> None:
    as_of = date.fromisoformat(as_of_text)
    year_before = shift_months(as_of, -12)
    compared = 0

    for customer in checked_customers:
        rows = rows_by_customer[customer]
        in_window = [r for r in rows if year_before < r.settled_date <= as_of]

        history = _figures(rows, as_of).payment_history

        assert history.invoices_settled == len(in_window)
        assert history.payments == len(in_window)
        assert history.amount_paid == sum((r.amount for r in in_window), Decimal(0))
        if not in_window:
            assert history.average_days_to_pay is None
            continue
        assert history.average_days_to_pay == _average([r.days_to_settle for r in in_window])
        assert history.average_days_late == _average([r.days_late for r in in_window])
        on_time = Decimal(sum(1 for r in in_window if r.days_late == 0)) / len(in_window)
        assert history.paid_on_time_share == on_time.quantize(Decimal("0.0001"), ROUND_HALF_UP)
        compared += 1

    # The dates were chosen inside the sample's two years: most customers have history.
    assert compared >= CUSTOMERS_CHECKED - 1


def test_an_invoice_is_open_and_aged_between_its_date_and_its_settlement(
    rows_by_customer: dict[str, list[Row]], checked_customers: list[str]
) -> None:
    checked = 0
    for customer in checked_customers:
        rows = rows_by_customer[customer]
        for row in [r for r in rows if r.days_to_settle >= 2][:5]:
            as_of = date.fromordinal(row.invoice_date.toordinal() + row.days_to_settle // 2)

            figures = _figures(rows, as_of)

            open_items = {item.id: item for item in figures.open_invoices}
            assert row.invoice in open_items
            item = open_items[row.invoice]
            assert item.open_amount == row.amount
            assert item.days_past_due == (as_of - row.due_date).days
            # Every invoice of the sample is open from its date until its settlement.
            still_open = [r for r in rows if r.invoice_date <= as_of < r.settled_date]
            assert figures.balance == sum((r.amount for r in still_open), Decimal(0))
            checked += 1

    assert checked >= CUSTOMERS_CHECKED * 3
