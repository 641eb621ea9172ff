"""When a customer is reminded, and in which tone.

A reminder asks for the overdue invoices that are not disputed; disputed ones are under review
and are only mentioned. How late the account is decides the tone, from the days past due of
the oldest invoice asked for and two thresholds (``COLLECTIONS_REMINDER_TONE_DAYS``, default
``30,60``):

- up to the first threshold: ``friendly``;
- up to the second: ``firm``;
- beyond it: ``final``.

A workflow reminds a customer on a day (the as-of date, in the company's time zone) when:

- an invoice asked for is overdue beyond the first threshold (a friendly nudge is the agent's
  call, not a schedule's);
- not everything overdue is disputed;
- no draft was handed to a workflow for the customer within the quiet days before
  (``COLLECTIONS_REMINDER_QUIET_DAYS``, default 7). A workflow draft is recorded as it is
  made, so a second run on the same day finds the customer already reminded.

Every function takes the as-of date as an argument; none reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from shared.money import ZERO, parse_amount
from shared.problems import Problem
from shared.settings import Settings
from shared.stores.base import DocumentKind, LedgerStore

JsonObject = dict[str, Any]

# Keys of the reminder documents: one record per draft, one marker per customer for the
# quiet days. Distinct prefixes keep one kind from showing up in a scan of the other.
DRAFT_PREFIX = "draft:"
WORKFLOW_PREFIX = "last-workflow:"


class Tone(StrEnum):
    FRIENDLY = "friendly"
    FIRM = "firm"
    FINAL = "final"


class RecentlyReminded(Problem):
    """A workflow asked for a reminder within the quiet days after the last one."""

    status = 409
    slug = "recently-reminded"
    title = "Reminded recently."


@dataclass(frozen=True, slots=True)
class ToneThresholds:
    """Days past due after which a reminder turns firm, and after which it is final."""

    firm_after: int = 30
    final_after: int = 60

    def __post_init__(self) -> None:
        if not 1 <= self.firm_after < self.final_after:
            raise ValueError(
                f"Tone thresholds must be positive and increasing, got "
                f"{self.firm_after} and {self.final_after}."
            )

    def tone_for(self, days_past_due: int) -> Tone:
        if days_past_due > self.final_after:
            return Tone.FINAL
        if days_past_due > self.firm_after:
            return Tone.FIRM
        return Tone.FRIENDLY


@dataclass(frozen=True, slots=True)
class ReminderSchedule:
    tones: ToneThresholds = ToneThresholds()
    quiet_days: int = 7

    @classmethod
    def from_settings(cls, settings: Settings) -> ReminderSchedule:
        firm, final = settings.reminder_tone_days
        return cls(ToneThresholds(firm, final), settings.reminder_quiet_days)

    def quiet_until(self, last_reminded: date) -> date:
        """The first day a workflow may remind again after a draft on ``last_reminded``."""
        return last_reminded + timedelta(days=self.quiet_days)


@dataclass(frozen=True, slots=True)
class OverdueInvoice:
    """An overdue open invoice as the reminder sees it, in the invoice's own currency.

    ``open_promise`` is the promise date of a promise to pay that has not passed yet; a
    promise whose date has passed is not acknowledged, the invoice is simply overdue.
    """

    id: str
    date: dt.date
    due_date: dt.date
    currency: str
    open_amount: Decimal
    days_past_due: int
    disputed: bool
    open_promise: dt.date | None


@dataclass(frozen=True, slots=True)
class Overdue:
    """A customer's overdue invoices: those a reminder asks for, and those under review."""

    as_of: date
    asked: tuple[OverdueInvoice, ...]
    disputed: tuple[OverdueInvoice, ...]

    def has_nothing_to_ask(self) -> bool:
        return not self.asked

    @property
    def oldest_days_past_due(self) -> int:
        return max((invoice.days_past_due for invoice in self.asked), default=0)

    @property
    def promised(self) -> tuple[OverdueInvoice, ...]:
        return tuple(invoice for invoice in self.asked if invoice.open_promise is not None)

    def totals(self) -> dict[str, Decimal]:
        """Open amounts asked for, per currency, in currency order; never converted."""
        totals: dict[str, Decimal] = {}
        for invoice in self.asked:
            totals[invoice.currency] = totals.get(invoice.currency, ZERO) + invoice.open_amount
        return dict(sorted(totals.items()))

    def tone(self, thresholds: ToneThresholds) -> Tone:
        return thresholds.tone_for(self.oldest_days_past_due)


def overdue_of(details: JsonObject) -> Overdue:
    """Read the overdue invoices of a customer details document (``shared.customer_details``).

    Oldest first (by due date, then number), so letters list them the way they aged.
    """
    as_of = date.fromisoformat(str(details["asOf"]))
    asked: list[OverdueInvoice] = []
    disputed: list[OverdueInvoice] = []
    for row in details.get("openInvoices") or ():
        days = row.get("daysPastDue")
        if days is None or int(days) < 1 or row.get("dueDate") is None:
            continue
        invoice = _overdue_invoice(row, as_of)
        if invoice.open_amount <= ZERO:
            continue
        (disputed if invoice.disputed else asked).append(invoice)

    def order(invoice: OverdueInvoice) -> tuple[date, str]:
        return (invoice.due_date, invoice.id)

    return Overdue(as_of, tuple(sorted(asked, key=order)), tuple(sorted(disputed, key=order)))


def _overdue_invoice(row: JsonObject, as_of: date) -> OverdueInvoice:
    currency = str(row["currency"])
    status = row.get("collectionStatus") or "not_disputed"
    promise = row.get("promiseDate")
    promise_date = date.fromisoformat(str(promise)) if promise else None
    open_promise = (
        promise_date
        if status == "promised_to_pay" and promise_date is not None and promise_date >= as_of
        else None
    )
    return OverdueInvoice(
        id=str(row["id"]),
        date=date.fromisoformat(str(row["date"])),
        due_date=date.fromisoformat(str(row["dueDate"])),
        currency=currency,
        open_amount=parse_amount(str(row["openAmount"]), currency),
        days_past_due=int(row["daysPastDue"]),
        disputed=status == "disputed",
        open_promise=open_promise,
    )


@dataclass(frozen=True, slots=True)
class DueCustomer:
    """A customer a workflow should remind today, and what the reminder will ask for."""

    account: str
    name: str
    tone: Tone
    oldest_days_past_due: int
    invoices: int
    totals: dict[str, Decimal]
    last_workflow_reminder: date | None


def not_due_reason(
    overdue: Overdue, last_workflow_reminder: date | None, schedule: ReminderSchedule
) -> str | None:
    """Why a workflow should not remind this customer on ``overdue.as_of``; ``None`` if due."""
    if overdue.has_nothing_to_ask():
        return "disputed" if overdue.disputed else "nothing_overdue"
    if len(overdue.promised) == len(overdue.asked):
        # The customer promised to pay everything overdue by a date still to come: a
        # scheduled reminder would ignore the promise; the agent can still write by hand.
        return "promised"
    if overdue.oldest_days_past_due <= schedule.tones.firm_after:
        return "not_overdue_enough"
    if last_workflow_reminder is not None and overdue.as_of < schedule.quiet_until(
        last_workflow_reminder
    ):
        return "quiet_days"
    return None


def due_customers(
    customers: Iterable[JsonObject],
    last_reminded: Mapping[str, date],
    schedule: ReminderSchedule,
) -> list[DueCustomer]:
    """The customers among ``customers`` (details documents of one day) due a reminder.

    The most overdue come first, so a workflow that stops early has reminded the ones that
    matter most.
    """
    due: list[DueCustomer] = []
    for details in customers:
        account = str(details["account"])
        overdue = overdue_of(details)
        last = last_reminded.get(account)
        if not_due_reason(overdue, last, schedule) is not None:
            continue
        due.append(
            DueCustomer(
                account=account,
                name=str(details.get("name") or ""),
                tone=overdue.tone(schedule.tones),
                oldest_days_past_due=overdue.oldest_days_past_due,
                invoices=len(overdue.asked),
                totals=overdue.totals(),
                last_workflow_reminder=last,
            )
        )
    due.sort(key=lambda customer: (-customer.oldest_days_past_due, customer.account))
    return due


def last_workflow_reminders(store: LedgerStore, company: str) -> dict[str, date]:
    """The day of each customer's last draft handed to a workflow, by account."""
    return {
        str(body["account"]): date.fromisoformat(str(body["asOf"]))
        for _, body in store.iter_documents(company, DocumentKind.REMINDER, WORKFLOW_PREFIX)
    }


def last_workflow_reminder(store: LedgerStore, company: str, account: str) -> date | None:
    body = store.get_document(company, DocumentKind.REMINDER, WORKFLOW_PREFIX + account)
    return None if body is None else date.fromisoformat(str(body["asOf"]))


def mark_workflow_reminder(
    store: LedgerStore, company: str, account: str, as_of: date, draft_key: str
) -> None:
    """Record that a workflow was handed a draft for ``account`` on ``as_of``."""
    store.put_documents(
        company,
        DocumentKind.REMINDER,
        [
            (
                WORKFLOW_PREFIX + account,
                {"account": account, "asOf": as_of.isoformat(), "draft": draft_key},
            )
        ],
    )
