"""The demo ledger: deterministic, valid by every ledger invariant, and telling every story.

The stories are checked the way an agent would see them, through the figures: a big debtor
has invoices over 120 days past due, a customer with a payment on account shows unapplied
credit, and so on. The scale ledger for benchmarks is checked for the same invariants on a
small run.
"""

from __future__ import annotations

import gc
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shared.aging import AgingPeriods
from shared.currencies import minor_unit
from shared.demo_data import DEMO_AGENTS, HISTORY_DAYS, demo_batch, demo_batch_at_scale
from shared.figures import CustomerFigures, compute_figures, ledger_items
from shared.ingest import parse_batch
from shared.ledger import (
    ActivityStatus,
    CollectionStatus,
    Customer,
    LedgerBatch,
    Settlement,
    Transaction,
    TransactionType,
)
from shared.money import format_amount
from shared.stores.sqlite_store import SqliteStore

TODAY = date(2025, 3, 14)


@pytest.fixture(scope="module")
def batch() -> LedgerBatch:
    return demo_batch(TODAY)


@pytest.fixture(scope="module")
def figures(batch: LedgerBatch) -> dict[tuple[str, str], CustomerFigures]:
    return figures_by_customer(batch, TODAY)


def figures_by_customer(batch: LedgerBatch, today: date) -> dict[tuple[str, str], CustomerFigures]:
    """Every customer's figures as of ``today``, keyed by company and account."""
    currencies = {company.id: company.currency for company in batch.companies}
    transactions: dict[tuple[str, str], list[Transaction]] = defaultdict(list)
    owner = {}
    for t in batch.transactions:
        transactions[(t.company, t.customer)].append(t)
        owner[(t.company, t.id)] = (t.company, t.customer)
    settlements: dict[tuple[str, str], list[Settlement]] = defaultdict(list)
    for s in batch.settlements:
        settlements[owner[(s.company, s.invoice)]].append(s)

    return {
        (c.company, c.account): compute_figures(
            ledger_items(transactions[(c.company, c.account)], settlements[(c.company, c.account)]),
            as_of=today,
            accounting_currency=currencies[c.company],
            credit_limit=c.credit_limit,
            periods=AgingPeriods(),
            customer_since=c.customer_since,
        )
        for c in batch.customers
    }


# Determinism.


def test_the_same_day_and_seed_give_the_same_ledger(batch: LedgerBatch) -> None:
    assert demo_batch(TODAY) == batch


def test_another_seed_gives_another_ledger(batch: LedgerBatch) -> None:
    other = demo_batch(TODAY, seed=8)

    assert other != batch
    assert [c.name for c in other.customers] != [c.name for c in batch.customers]


def test_another_day_moves_the_calendar_and_nothing_else(batch: LedgerBatch) -> None:
    later = demo_batch(TODAY + timedelta(days=45))

    assert [c.name for c in later.customers] == [c.name for c in batch.customers]
    assert [(t.id, t.amount) for t in later.transactions] == [
        (t.id, t.amount) for t in batch.transactions
    ]
    assert [t.date - TODAY for t in later.transactions] == [
        t.date - TODAY + timedelta(days=45) for t in batch.transactions
    ]


# Invariants of the ledger, checked record by record.


def assert_ledger_invariants(batch: LedgerBatch, today: date) -> None:
    companies = {company.id: company for company in batch.companies}
    customers = {(c.company, c.account): c for c in batch.customers}
    transactions = {(t.company, t.id): t for t in batch.transactions}
    assert len(customers) == len(batch.customers), "an account appears twice"
    assert len(transactions) == len(batch.transactions), "a transaction id appears twice"
    assert len({(s.company, s.id) for s in batch.settlements}) == len(batch.settlements)
    assert len({(a.company, a.id) for a in batch.activities}) == len(batch.activities)

    for customer in batch.customers:
        assert_valid_customer(customer, companies[customer.company].currency)
    for t in batch.transactions:
        assert_valid_transaction(t, customers, companies[t.company].currency, today)
    assert_valid_settlements(batch.settlements, transactions, today)

    for activity in batch.activities:
        assert (activity.company, activity.customer) in customers
        assert activity.start <= activity.end
        assert activity.agent in DEMO_AGENTS[activity.company]
        assert activity.priority in ("low", "normal", "high")
        assert 0 < len(activity.purpose) <= 400


def assert_valid_customer(customer: Customer, accounting_currency: str) -> None:
    assert customer.name and customer.contact_name
    assert customer.email is not None
    assert customer.email.split("@")[1] in ("example.com", "example.org"), customer.email
    assert customer.agent in DEMO_AGENTS[customer.company]
    if customer.credit_limit is not None:
        assert customer.credit_limit > 0
        assert_within_minor_unit(customer.credit_limit, accounting_currency)


def assert_valid_transaction(
    t: Transaction,
    customers: dict[tuple[str, str], Customer],
    accounting_currency: str,
    today: date,
) -> None:
    customer = customers[(t.company, t.customer)]
    assert t.currency == customer.currency
    assert t.amount > 0 and t.accounting_amount > 0, t
    assert_within_minor_unit(t.amount, t.currency)
    assert_within_minor_unit(t.accounting_amount, accounting_currency)
    if t.currency == accounting_currency:
        assert t.accounting_amount == t.amount, t
    assert t.date <= today, t

    if t.type is TransactionType.INVOICE:
        assert t.due_date is not None and t.due_date >= t.date, t
    else:
        assert t.collection_status is CollectionStatus.NOT_DISPUTED, t
    if t.collection_status is CollectionStatus.PROMISED_TO_PAY:
        assert t.promise_date is not None, t


def assert_valid_settlements(
    settlements: Iterable[Settlement],
    transactions: dict[tuple[str, str], Transaction],
    today: date,
) -> None:
    settled: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for s in settlements:
        invoice = transactions[(s.company, s.invoice)]
        credit = transactions[(s.company, s.credit)]
        assert invoice.type is TransactionType.INVOICE, s
        assert credit.type in (TransactionType.PAYMENT, TransactionType.CREDIT_NOTE), s
        assert invoice.customer == credit.customer, s
        assert invoice.currency == credit.currency, s
        assert s.amount > 0, s
        assert_within_minor_unit(s.amount, invoice.currency)
        assert invoice.date <= s.date and credit.date <= s.date <= today, s
        settled[(s.company, s.invoice)] += s.amount
        settled[(s.company, s.credit)] += s.amount

    for key, amount in settled.items():
        assert amount <= transactions[key].amount, f"{key} settles {amount}, more than it holds"


def assert_within_minor_unit(amount: Decimal, currency: str) -> None:
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    assert -exponent <= minor_unit(currency), f"{amount} has too many decimals for {currency}"


def test_every_record_keeps_the_ledger_invariants(batch: LedgerBatch) -> None:
    assert_ledger_invariants(batch, TODAY)


def test_the_ingest_check_accepts_the_demo_ledger_as_it_is(
    batch: LedgerBatch, tmp_path: Path
) -> None:
    parsed = parse_batch(wire_document(batch), SqliteStore(tmp_path / "ledger.db"))

    assert set(parsed.customers) == set(batch.customers)
    assert set(parsed.transactions) == set(batch.transactions)
    assert set(parsed.settlements) == set(batch.settlements)
    assert set(parsed.activities) == set(batch.activities)


def wire_document(batch: LedgerBatch) -> dict[str, list[dict[str, Any]]]:
    """The batch as an ingest document, with the contract's field names."""
    currencies = {company.id: company.currency for company in batch.companies}
    invoice_currency = {(t.company, t.id): t.currency for t in batch.transactions}

    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "companies": [
            {"id": c.id, "name": c.name, "currency": c.currency, "timeZone": c.time_zone}
            for c in batch.companies
        ],
        "customers": [
            {
                "company": c.company,
                "account": c.account,
                "name": c.name,
                "currency": c.currency,
                "creditLimit": None
                if c.credit_limit is None
                else format_amount(c.credit_limit, currencies[c.company]),
                "language": c.language,
                "email": c.email,
                "contactName": c.contact_name,
                "agent": c.agent,
                "customerSince": day(c.customer_since),
                "creditGroup": c.credit_group,
                "status": c.status,
            }
            for c in batch.customers
        ],
        "transactions": [
            {
                "company": t.company,
                "id": t.id,
                "customer": t.customer,
                "type": t.type.value,
                "date": day(t.date),
                "dueDate": day(t.due_date),
                "amount": format_amount(t.amount, t.currency),
                "currency": t.currency,
                "accountingAmount": format_amount(t.accounting_amount, currencies[t.company]),
                "collectionStatus": t.collection_status.value,
                "promiseDate": day(t.promise_date),
            }
            for t in batch.transactions
        ],
        "settlements": [
            {
                "company": s.company,
                "id": s.id,
                "invoice": s.invoice,
                "credit": s.credit,
                "amount": format_amount(s.amount, invoice_currency[(s.company, s.invoice)]),
                "date": day(s.date),
            }
            for s in batch.settlements
        ],
        "activities": [
            {
                "company": a.company,
                "id": a.id,
                "customer": a.customer,
                "agent": a.agent,
                "type": a.type,
                "purpose": a.purpose,
                "start": day(a.start),
                "end": day(a.end),
                "status": a.status.value,
                "priority": a.priority,
            }
            for a in batch.activities
        ],
    }


# Variety: what the workspace needs to look lived in.


def test_companies_differ_in_currency_and_time_zone(batch: LedgerBatch) -> None:
    assert len(batch.companies) >= 2
    assert len({c.currency for c in batch.companies}) == len(batch.companies)
    assert len({c.time_zone for c in batch.companies}) == len(batch.companies)


def test_a_few_hundred_customers_with_several_agents_each(batch: LedgerBatch) -> None:
    assert len(batch.customers) >= 250
    for company in batch.companies:
        assert len(DEMO_AGENTS[company.id]) >= 3
        agents = {c.agent for c in batch.customers if c.company == company.id}
        assert agents == set(DEMO_AGENTS[company.id]), "every agent has customers"


def test_customers_speak_several_languages_and_differ_in_standing(batch: LedgerBatch) -> None:
    assert {c.language for c in batch.customers} >= {"en", "de", "fr", "es"}
    assert len({(c.company, c.name) for c in batch.customers}) == len(batch.customers)
    assert len({c.credit_group for c in batch.customers}) >= 3
    assert len({c.status for c in batch.customers}) >= 2
    assert any(c.credit_limit is None for c in batch.customers)
    since = sorted(c.customer_since for c in batch.customers if c.customer_since is not None)
    assert since[-1] - since[0] > timedelta(days=5 * 365)


def test_the_history_reaches_eighteen_months_back_and_some_invoices_are_not_due_yet(
    batch: LedgerBatch,
) -> None:
    first = min(t.date for t in batch.transactions)
    invoices = [t for t in batch.transactions if t.type is TransactionType.INVOICE]

    assert first == TODAY - timedelta(days=HISTORY_DAYS)
    assert any(t.due_date is not None and t.due_date > TODAY for t in invoices)


def test_invoice_numbers_follow_the_calendar(batch: LedgerBatch) -> None:
    invoices = [t for t in batch.transactions if t.id.startswith("INV-US-")]

    assert invoices[0].id == "INV-US-000001"
    assert [t.id for t in invoices] == sorted(t.id for t in invoices)
    assert all(t.type is TransactionType.INVOICE for t in invoices)


@pytest.mark.parametrize("company", ["usmf", "demf", "gbsi"])
def test_every_company_tells_every_story(
    batch: LedgerBatch, figures: dict[tuple[str, str], CustomerFigures], company: str
) -> None:
    assert_company_tells_every_story(batch, figures, company)


@pytest.mark.parametrize(("seed", "today"), [(1, date(2024, 2, 29)), (42, date(2026, 12, 31))])
def test_other_seeds_and_days_keep_the_invariants_and_the_stories(seed: int, today: date) -> None:
    batch = demo_batch(today, seed)
    figures = figures_by_customer(batch, today)

    assert_ledger_invariants(batch, today)
    for company in batch.companies:
        assert_company_tells_every_story(batch, figures, company.id)


def assert_company_tells_every_story(
    batch: LedgerBatch, figures: dict[tuple[str, str], CustomerFigures], company: str
) -> None:
    mine = [f for (owner, _), f in figures.items() if owner == company]
    open_invoices = [i for f in mine for i in f.open_invoices]
    accounting = next(c.currency for c in batch.companies if c.id == company)

    assert any(bucket_amount(f, "Over 120") > 0 for f in mine), "a big debtor"
    assert any(f.unapplied_credit > 0 for f in mine), "unapplied credit"
    assert any(f.credit_available is not None and f.credit_available < 0 for f in mine)
    assert any(i.collection_status is CollectionStatus.DISPUTED for i in open_invoices)
    assert any(
        i.collection_status is CollectionStatus.PROMISED_TO_PAY and i.promise_date is not None
        for i in open_invoices
    )
    assert any(i.currency != accounting for i in open_invoices), "a foreign-currency invoice"
    assert any(0 < i.open_amount < i.amount for i in open_invoices), "a part payment"


def test_payment_behaviours_show_in_the_payment_history(
    figures: dict[tuple[str, str], CustomerFigures],
) -> None:
    histories = [f.payment_history for f in figures.values()]
    regular = [h for h in histories if h.invoices_settled >= 3]
    late = [h.average_days_late for h in regular if h.average_days_late is not None]

    assert any(h.paid_on_time_share == 1 for h in regular), "customers who pay on time"
    assert any(0 < days <= 30 for days in late), "customers who pay late"
    assert any(days > 30 for days in late), "customers who pay very late"
    assert any(h.average_days_to_pay is not None and h.average_days_to_pay < 20 for h in regular), (
        "customers who pay early"
    )


def test_credit_notes_are_applied_or_left_open(batch: LedgerBatch) -> None:
    applied = {s.credit for s in batch.settlements}
    notes = [t.id for t in batch.transactions if t.type is TransactionType.CREDIT_NOTE]

    assert any(note in applied for note in notes)
    assert any(note not in applied for note in notes)


def test_activities_are_open_overdue_or_closed_of_every_kind(batch: LedgerBatch) -> None:
    activities = batch.activities
    open_ones = [a for a in activities if a.status is ActivityStatus.OPEN]

    assert any(a.end < TODAY for a in open_ones), "open activities past their end date"
    assert any(a.end >= TODAY for a in open_ones)
    assert any(a.status is ActivityStatus.CLOSED for a in activities)
    assert all(a.end <= TODAY for a in activities if a.status is ActivityStatus.CLOSED)
    assert {a.type for a in open_ones} >= {"call", "email", "task", "promise_to_pay", "dispute"}
    assert {a.priority for a in activities} == {"low", "normal", "high"}


def bucket_amount(figures: CustomerFigures, label: str) -> Decimal:
    return next(b.amount for b in figures.aging if b.bucket == label)


# The scale ledger for benchmarks.


def scale(customers: int, per_customer: int, chunk_size: int = 10_000) -> list[LedgerBatch]:
    return list(demo_batch_at_scale(customers, per_customer, TODAY, 3, chunk_size=chunk_size))


def merged(batches: Sequence[LedgerBatch]) -> LedgerBatch:
    return LedgerBatch(
        companies=batches[0].companies,
        customers=tuple(itertools.chain.from_iterable(b.customers for b in batches)),
        transactions=tuple(itertools.chain.from_iterable(b.transactions for b in batches)),
        settlements=tuple(itertools.chain.from_iterable(b.settlements for b in batches)),
        activities=tuple(itertools.chain.from_iterable(b.activities for b in batches)),
    )


def test_the_scale_ledger_has_the_promised_shape() -> None:
    batches = scale(250, 10, chunk_size=100)

    assert [len(b.customers) for b in batches] == [100, 100, 50]
    assert all(len(b.companies) == 3 for b in batches)
    assert sum(len(b.transactions) for b in batches) == 2_500
    first = batches[0]
    assert first.customers[1].account == "DE-00000001"
    ids = [t.id for t in first.transactions if t.customer == "US-00000000"]
    assert sorted(i.split("-", 1)[1] for i in ids) == [f"US-00000000-{k:04d}" for k in range(10)]
    assert {i.split("-", 1)[0] for i in ids} <= {"INV", "PAY", "CN"}


def test_the_scale_ledger_keeps_the_ledger_invariants() -> None:
    for per_customer in (1, 2, 7, 10):
        assert_ledger_invariants(merged(scale(120, per_customer)), TODAY)


def test_the_scale_ledger_is_deterministic_whatever_the_chunk_size() -> None:
    whole = merged(scale(90, 6))

    assert merged(scale(90, 6, chunk_size=7)) == whole
    assert merged(scale(90, 6)) == whole
    assert merged(list(demo_batch_at_scale(90, 6, TODAY, 4))) != whole


def test_the_scale_ledger_has_open_overdue_and_unapplied_amounts() -> None:
    batch = merged(scale(400, 10))
    figures = figures_by_customer(batch, TODAY).values()

    assert any(bucket_amount(f, "Over 120") > 0 for f in figures)
    assert any(f.unapplied_credit > 0 for f in figures)
    assert any(f.credit_available is not None and f.credit_available < 0 for f in figures)
    assert any(
        i.collection_status is CollectionStatus.DISPUTED for f in figures for i in f.open_invoices
    )
    assert any(c.currency != "USD" for c in batch.customers if c.company == "usmf")


def test_the_scale_ledger_leaves_the_garbage_collector_as_it_found_it() -> None:
    batches = demo_batch_at_scale(20, 4, TODAY, 1, chunk_size=5)

    next(batches)
    assert gc.isenabled()
    gc.disable()
    try:
        next(batches)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_scale_ledger_refuses_sizes_it_cannot_make() -> None:
    with pytest.raises(ValueError, match="at least one transaction per customer"):
        next(demo_batch_at_scale(10, 0, TODAY, 1))


def test_records_built_for_speed_equal_records_built_the_usual_way() -> None:
    batch = scale(3, 4)[0]

    for t in batch.transactions:
        assert t == Transaction(
            t.company,
            t.id,
            t.customer,
            t.type,
            t.date,
            t.amount,
            t.currency,
            t.accounting_amount,
            t.due_date,
            t.collection_status,
            t.promise_date,
        )
    for s in batch.settlements:
        assert s == Settlement(s.company, s.id, s.invoice, s.credit, s.amount, s.date)
