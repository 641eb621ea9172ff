"""Reading and checking an ingest document before anything is written.

An ingest document holds any of the arrays ``companies``, ``customers``, ``transactions``,
``settlements`` and ``activities`` with the contract's camelCase field names. ``parse_batch``
reads every record, checks it against the rest of the batch and against what the store
already holds, and either returns a ``LedgerBatch`` ready to be written in one transaction
or raises ``InvalidLedger`` listing every bad record with its (first) bad field. A bad batch
writes nothing.

What cannot be right, and is refused:

- an amount that is not a positive decimal string within its currency's minor unit;
- an unknown company, customer, currency or time zone;
- a transaction in a foreign currency without its accounting-currency amount;
- an invoice without a due date, or due before its document date;
- a settlement that does not join an invoice to a payment or credit note of the same
  customer and currency, that is dated before either of them, or that settles more than is
  open on either side (counting the settlements already stored);
- the same id twice in one batch with different content.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.currencies import is_known_currency
from shared.ledger import (
    Activity,
    ActivityStatus,
    CollectionStatus,
    Company,
    Customer,
    LedgerBatch,
    Settlement,
    Transaction,
    TransactionType,
)
from shared.money import ZERO, AmountError, parse_amount
from shared.problems import FieldError, InvalidLedger
from shared.stores.base import LedgerStore

MAX_RECORDS = 50_000
ARRAYS = ("companies", "customers", "transactions", "settlements", "activities")

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_TEXT = 400

T = TypeVar("T")


class _Invalid(Exception):
    """One bad field of the record being read; collected, never shown as such."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass
class _Errors:
    items: list[FieldError] = field(default_factory=list)

    def add(self, where: str, name: str, message: str) -> None:
        self.items.append(FieldError(f"{where}.{name}" if name else where, message))


class _Record:
    """Typed reading of one JSON object; each getter raises ``_Invalid`` naming the field."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw

    def text(self, name: str, required: bool = True, limit: int = _MAX_TEXT) -> str | None:
        value = self.raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise _Invalid(name, "is required")
            return None
        if not isinstance(value, str):
            raise _Invalid(name, "must be a string")
        if len(value) > limit:
            raise _Invalid(name, f"must be at most {limit} characters")
        if any(ord(char) < 32 for char in value):
            raise _Invalid(name, "must not contain control characters such as line breaks")
        return value.strip()

    def key(self, name: str) -> str:
        value = self.text(name, limit=100)
        assert value is not None
        return value

    def day(self, name: str, required: bool = True) -> date | None:
        value = self.text(name, required)
        if value is None:
            return None
        # Python also reads 20240131 and 2024-W05-3; the contract writes YYYY-MM-DD only.
        try:
            if not _ISO_DATE.match(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise _Invalid(name, f"{value!r} is not a date written YYYY-MM-DD") from None

    def choice(self, name: str, kind: Callable[[str], T], default: T | None = None) -> T:
        value = self.text(name, required=default is None)
        if value is None:
            assert default is not None
            return default
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(str(member) for member in getattr(kind, "__members__", {}).values())
            raise _Invalid(name, f"{value!r} is not one of {allowed}") from None

    def currency(self, name: str) -> str:
        value = self.key(name).upper()
        if not is_known_currency(value):
            raise _Invalid(name, f"{value!r} is not an ISO 4217 currency code")
        return value

    def amount(self, name: str, currency: str, required: bool = True) -> Decimal | None:
        value = self.raw.get(name)
        if value is None:
            if required:
                raise _Invalid(name, "is required")
            return None
        try:
            amount = parse_amount(value, currency)
        except AmountError as error:
            raise _Invalid(name, str(error)) from None
        if amount <= ZERO:
            raise _Invalid(name, "must be greater than zero")
        return amount


@dataclass
class _Context:
    """What the batch refers to: records of the batch first, then the store."""

    store: LedgerStore
    companies: dict[str, Company] = field(default_factory=dict)
    customers: dict[tuple[str, str], Customer] = field(default_factory=dict)
    transactions: dict[tuple[str, str], Transaction] = field(default_factory=dict)
    transaction_positions: dict[tuple[str, ...], int] = field(default_factory=dict)
    settlement_positions: dict[tuple[str, ...], int] = field(default_factory=dict)

    def company(self, company_id: str) -> Company | None:
        if company_id not in self.companies:
            stored = self.store.get_company(company_id)
            if stored is not None:
                self.companies[company_id] = stored
        return self.companies.get(company_id)


def parse_batch(document: Mapping[str, Any], store: LedgerStore) -> LedgerBatch:
    """Read and check a whole ingest document; raise ``InvalidLedger`` if anything is wrong."""
    errors = _Errors()
    arrays = _arrays(document, errors)
    context = _Context(store)

    companies = _read_all(arrays["companies"], "companies", _company, context, errors)
    for company in companies:
        context.companies[company.id] = company
    _prefetch_customers(arrays, context)

    customers = _read_all(arrays["customers"], "customers", _customer, context, errors)
    for customer in customers:
        context.customers[(customer.company, customer.account)] = customer

    transactions = _read_all(
        arrays["transactions"],
        "transactions",
        _transaction,
        context,
        errors,
        context.transaction_positions,
    )
    for transaction in transactions:
        context.transactions[(transaction.company, transaction.id)] = transaction

    settlements = _read_all(
        arrays["settlements"],
        "settlements",
        _settlement_fields,
        context,
        errors,
        context.settlement_positions,
    )
    activities = _read_all(arrays["activities"], "activities", _activity, context, errors)

    if not errors.items:
        _check_settlements(settlements, transactions, context, errors)
    if errors.items:
        count = len(errors.items)
        raise InvalidLedger(
            f"The batch has {count} invalid value{'s' if count != 1 else ''}; "
            "correct them and send the whole batch again.",
            errors.items,
        )

    return LedgerBatch(
        companies=tuple(companies),
        customers=tuple(customers),
        transactions=tuple(transactions),
        settlements=tuple(settlements),
        activities=tuple(activities),
    )


def _arrays(document: Mapping[str, Any], errors: _Errors) -> dict[str, list[Any]]:
    unknown = sorted(set(document) - set(ARRAYS))
    for name in unknown:
        errors.add(name, "", f"is not a known array; send any of {', '.join(ARRAYS)}")

    arrays: dict[str, list[Any]] = {}
    for name in ARRAYS:
        value = document.get(name, [])
        if not isinstance(value, list):
            errors.add(name, "", "must be an array of objects")
            value = []
        arrays[name] = value

    total = sum(len(value) for value in arrays.values())
    if total == 0 and not unknown:
        errors.add("document", "", f"holds no records; send any of {', '.join(ARRAYS)}")
    if total > MAX_RECORDS:
        errors.add("document", "", f"holds {total} records; send at most {MAX_RECORDS} per request")
    return arrays


def _read_all(
    raws: list[Any],
    array: str,
    read: Callable[[_Record, _Context], T],
    context: _Context,
    errors: _Errors,
    positions: dict[tuple[str, ...], int] | None = None,
) -> list[T]:
    """Read each record of one array; drop exact repeats, refuse conflicting ones.

    ``positions`` receives each kept record's index in the array, for error messages.
    """
    records: list[T] = []
    seen: dict[Any, tuple[int, T]] = {}
    for index, raw in enumerate(raws):
        where = f"{array}[{index}]"
        if not isinstance(raw, dict):
            errors.add(where, "", "must be an object")
            continue
        try:
            record = read(_Record(raw), context)
        except _Invalid as invalid:
            errors.add(where, invalid.name, invalid.message)
            continue

        identity = _identity(record)
        if identity in seen:
            first, earlier = seen[identity]
            if earlier != record:
                errors.add(where, "id", f"repeats {array}[{first}] with different content")
            continue
        seen[identity] = (index, record)
        records.append(record)
        if positions is not None:
            positions[identity] = index
    return records


def _identity(record: object) -> tuple[str, ...]:
    if isinstance(record, Company):
        return (record.id,)
    if isinstance(record, Customer):
        return (record.company, record.account)
    assert isinstance(record, Transaction | Settlement | Activity)
    return (record.company, record.id)


def _company(record: _Record, context: _Context) -> Company:
    time_zone = record.key("timeZone")
    if not _is_time_zone(time_zone):
        raise _Invalid("timeZone", f"{time_zone!r} is not an IANA time zone such as Europe/Berlin")
    return Company(
        id=record.key("id"),
        name=_required(record.text("name")),
        currency=record.currency("currency"),
        time_zone=time_zone,
    )


@cache
def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _owning_company(record: _Record, context: _Context) -> Company:
    company_id = record.key("company")
    company = context.company(company_id)
    if company is None:
        raise _Invalid("company", f"{company_id!r} is not a known company")
    return company


def _prefetch_customers(arrays: Mapping[str, list[Any]], context: _Context) -> None:
    """Load the stored customers the batch names, one store call per company."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for array in ("customers", "transactions", "activities"):
        for raw in arrays[array]:
            if isinstance(raw, dict):
                key = "account" if array == "customers" else "customer"
                company, account = raw.get("company"), raw.get(key)
                if isinstance(company, str) and isinstance(account, str):
                    wanted[company.strip()].add(account.strip())
    for company_id, accounts in wanted.items():
        if context.company(company_id) is None:
            continue
        for account, customer in context.store.get_customers(company_id, accounts).items():
            context.customers[(company_id, account)] = customer


def _customer(record: _Record, context: _Context) -> Customer:
    company = _owning_company(record, context)
    language = record.text("language", required=False) or "en"
    if not _LANGUAGE.match(language):
        raise _Invalid("language", f"{language!r} is not a BCP 47 language tag such as de-DE")
    email = record.text("email", required=False)
    if email is not None and not _EMAIL.match(email):
        raise _Invalid("email", f"{email!r} is not an email address")
    return Customer(
        company=company.id,
        account=record.key("account"),
        name=_required(record.text("name")),
        currency=record.currency("currency"),
        credit_limit=_credit_limit(record, company.currency),
        language=language,
        email=email,
        contact_name=record.text("contactName", required=False),
        agent=record.text("agent", required=False, limit=100),
        customer_since=record.day("customerSince", required=False),
        credit_group=record.text("creditGroup", required=False, limit=100),
        status=record.text("status", required=False, limit=50) or "active",
    )


def _credit_limit(record: _Record, currency: str) -> Decimal | None:
    value = record.raw.get("creditLimit")
    if value is None:
        return None
    try:
        limit = parse_amount(value, currency)
    except AmountError as error:
        raise _Invalid("creditLimit", str(error)) from None
    if limit < ZERO:
        raise _Invalid("creditLimit", "must not be negative; leave it out for no limit")
    return limit


def _known_customer(record: _Record, context: _Context, company: Company) -> str:
    account = record.key("customer")
    if (company.id, account) not in context.customers:
        raise _Invalid("customer", f"{account!r} is not a customer of {company.id!r}")
    return account


def _transaction(record: _Record, context: _Context) -> Transaction:
    company = _owning_company(record, context)
    customer = _known_customer(record, context, company)
    kind = record.choice("type", TransactionType)
    currency = record.currency("currency")
    amount = _required(record.amount("amount", currency))
    accounting = _accounting_amount(record, currency, company.currency, amount)

    document_date = _required(record.day("date"))
    due_date = record.day("dueDate", required=kind is TransactionType.INVOICE)
    if due_date is not None and due_date < document_date:
        raise _Invalid("dueDate", "must not be before the document date")

    status = record.choice("collectionStatus", CollectionStatus, CollectionStatus.NOT_DISPUTED)
    promise_date = record.day("promiseDate", required=False)
    if kind is not TransactionType.INVOICE and status is not CollectionStatus.NOT_DISPUTED:
        raise _Invalid("collectionStatus", "applies to invoices only")
    return Transaction(
        company=company.id,
        id=record.key("id"),
        customer=customer,
        type=kind,
        date=document_date,
        amount=amount,
        currency=currency,
        accounting_amount=accounting,
        due_date=due_date,
        collection_status=status,
        promise_date=promise_date,
    )


def _accounting_amount(
    record: _Record, currency: str, accounting_currency: str, amount: Decimal
) -> Decimal:
    accounting = record.amount("accountingAmount", accounting_currency, required=False)
    if currency == accounting_currency:
        if accounting is not None and accounting != amount:
            raise _Invalid(
                "accountingAmount", "must equal amount when the currency is the company's"
            )
        return amount
    if accounting is None:
        raise _Invalid(
            "accountingAmount",
            f"is required for a {currency} transaction in a {accounting_currency} company",
        )
    return accounting


def _settlement_fields(record: _Record, context: _Context) -> Settlement:
    company = _owning_company(record, context)
    invoice = record.key("invoice")
    currency = _settled_currency(context, company.id, invoice)
    return Settlement(
        company=company.id,
        id=record.key("id"),
        invoice=invoice,
        credit=record.key("credit"),
        amount=_required(record.amount("amount", currency)),
        date=_required(record.day("date")),
    )


def _settled_currency(context: _Context, company_id: str, invoice_id: str) -> str:
    """The invoice's currency, which the settlement amount is in (checked fully later)."""
    invoice = context.transactions.get((company_id, invoice_id))
    if invoice is None:
        stored = context.store.get_transactions(company_id, [invoice_id]).get(invoice_id)
        if stored is None:
            raise _Invalid("invoice", f"{invoice_id!r} is not a known transaction")
        context.transactions[(company_id, invoice_id)] = stored
        invoice = stored
    return invoice.currency


def _activity(record: _Record, context: _Context) -> Activity:
    company = _owning_company(record, context)
    start = _required(record.day("start"))
    end = _required(record.day("end"))
    if end < start:
        raise _Invalid("end", "must not be before start")
    return Activity(
        company=company.id,
        id=record.key("id"),
        customer=_known_customer(record, context, company),
        agent=record.text("agent", required=False, limit=100),
        type=_required(record.text("type", limit=50)),
        purpose=record.text("purpose", required=False) or "",
        start=start,
        end=end,
        status=record.choice("status", ActivityStatus, ActivityStatus.OPEN),
        priority=record.text("priority", required=False, limit=20) or "normal",
    )


def _check_settlements(
    settlements: list[Settlement],
    transactions: list[Transaction],
    context: _Context,
    errors: _Errors,
) -> None:
    """Check every settlement the batch adds or affects against the merged ledger."""
    positions = context.settlement_positions
    touched: dict[str, set[str]] = defaultdict(set)
    for settlement in settlements:
        touched[settlement.company].update((settlement.invoice, settlement.credit))
    for transaction in transactions:
        touched[transaction.company].add(transaction.id)

    for company_id, ids in touched.items():
        stored_settlements = context.store.settlements_touching(company_id, ids)
        merged = {(company_id, s.id): s for s in stored_settlements}
        merged.update({(s.company, s.id): s for s in settlements if s.company == company_id})
        needed = {x for s in merged.values() for x in (s.invoice, s.credit)}
        missing = [x for x in needed if (company_id, x) not in context.transactions]
        stored = context.store.get_transactions(company_id, missing)
        for transaction_id, transaction in stored.items():
            context.transactions[(company_id, transaction_id)] = transaction

        settled: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for key, settlement in sorted(merged.items(), key=lambda item: item[0][1]):
            where = f"settlements[{positions[key]}]" if key in positions else None
            problem = _settlement_problem(settlement, context)
            if problem is None:
                settled[settlement.invoice] += settlement.amount
                settled[settlement.credit] += settlement.amount
            elif where is not None:
                errors.add(where, *problem)
            else:
                errors.add(f"settlements.{settlement.id}", "", f"(stored) {problem[1]}")

        _check_settled_totals(settled, merged, positions, company_id, context, errors)


def _settlement_problem(settlement: Settlement, context: _Context) -> tuple[str, str] | None:
    invoice = context.transactions.get((settlement.company, settlement.invoice))
    credit = context.transactions.get((settlement.company, settlement.credit))
    if invoice is None:
        return ("invoice", f"{settlement.invoice!r} is not a known transaction")
    if invoice.type is not TransactionType.INVOICE:
        return ("invoice", f"{settlement.invoice!r} is a {invoice.type.value}, not an invoice")
    if credit is None:
        return ("credit", f"{settlement.credit!r} is not a known transaction")
    if credit.type is TransactionType.INVOICE:
        return (
            "credit",
            f"{settlement.credit!r} is an invoice; settle with a payment or credit note",
        )
    if credit.customer != invoice.customer:
        return ("credit", "belongs to another customer than the invoice")
    if credit.currency != invoice.currency:
        return (
            "credit",
            f"is in {credit.currency} and the invoice in {invoice.currency}; "
            "settlements across currencies are not supported",
        )
    if settlement.date < max(invoice.date, credit.date):
        return ("date", "must not be before the invoice's or the credit's document date")
    return None


def _check_settled_totals(
    settled: Mapping[str, Decimal],
    merged: Mapping[tuple[str, str], Settlement],
    positions: Mapping[tuple[str, ...], int],
    company_id: str,
    context: _Context,
    errors: _Errors,
) -> None:
    for transaction_id, total in settled.items():
        transaction = context.transactions[(company_id, transaction_id)]
        if total <= transaction.amount:
            continue
        blamed = [
            positions[key]
            for key, s in merged.items()
            if key in positions and transaction_id in (s.invoice, s.credit)
        ]
        side = "invoice" if transaction.type is TransactionType.INVOICE else "credit"
        message = (
            f"settles {total} of {transaction_id!r}, more than its amount {transaction.amount}"
        )
        if blamed:
            for index in blamed:
                errors.add(f"settlements[{index}]", "amount", message)
        else:
            # Only a stored settlement exceeds it: the batch lowered the transaction's amount.
            position = context.transaction_positions.get((company_id, transaction_id))
            where = f"transactions[{position}]" if position is not None else transaction_id
            errors.add(where, "amount", f"is below what the {side}'s settlements already settle")


def _required(value: T | None) -> T:
    assert value is not None
    return value


def records_count(batch: LedgerBatch) -> dict[str, int]:
    """How many records of each kind a batch holds, for answers and logs."""
    return {
        "companies": len(batch.companies),
        "customers": len(batch.customers),
        "transactions": len(batch.transactions),
        "settlements": len(batch.settlements),
        "activities": len(batch.activities),
    }
