"""Who a workflow reminds today, and the quiet days after a reminder."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from shared.ledger import CollectionStatus
from shared.reminder_schedule import (
    ReminderSchedule,
    Tone,
    ToneThresholds,
    due_customers,
    last_workflow_reminder,
    last_workflow_reminders,
    mark_workflow_reminder,
    not_due_reason,
    overdue_of,
)
from shared.settings import Settings
from shared.stores.sqlite_store import SqliteStore
from tests.reminders.reminder_samples import AS_OF, COMPANY, details, invoice

SCHEDULE = ReminderSchedule(ToneThresholds(30, 60), quiet_days=7)


def customer_details(
    account: str, *days_and_status: tuple[int, CollectionStatus]
) -> dict[str, Any]:
    transactions = [
        invoice(f"{account}-{n}", days, "100.00", status=status, account=account)
        for n, (days, status) in enumerate(days_and_status)
    ]
    return details(transactions, account=account, name=f"Customer {account}")


OPEN = CollectionStatus.NOT_DISPUTED
DISPUTED = CollectionStatus.DISPUTED


def test_the_schedule_reads_its_settings() -> None:
    settings = Settings.from_environ(
        {"COLLECTIONS_REMINDER_TONE_DAYS": "15,45", "COLLECTIONS_REMINDER_QUIET_DAYS": "3"}
    )

    schedule = ReminderSchedule.from_settings(settings)

    assert schedule == ReminderSchedule(ToneThresholds(15, 45), 3)
    assert ReminderSchedule.from_settings(Settings()) == SCHEDULE


def test_who_is_due_today() -> None:
    customers = [
        customer_details("A", (31, OPEN)),
        customer_details("B", (30, OPEN)),
        customer_details("C", (90, DISPUTED)),
        customer_details("D", (90, DISPUTED), (40, OPEN)),
        customer_details("E", (-3, OPEN)),
        customer_details("F", (75, OPEN), (5, OPEN)),
        customer_details("G", (50, OPEN)),
    ]
    reminded = {"G": AS_OF - timedelta(days=2)}

    due = due_customers(customers, reminded, SCHEDULE)

    # Most overdue first; B is not past the first threshold, C is all disputed, E not
    # overdue, G within its quiet days.
    assert [(c.account, c.tone, c.oldest_days_past_due, c.invoices) for c in due] == [
        ("F", Tone.FINAL, 75, 2),
        ("D", Tone.FIRM, 40, 1),
        ("A", Tone.FIRM, 31, 1),
    ]
    assert due[0].totals == {"EUR": Decimal("200.00")}
    assert due[0].name == "Customer F"


def test_the_reasons_a_customer_is_not_due() -> None:
    def reason(document: dict[str, Any], last: date | None = None) -> str | None:
        return not_due_reason(overdue_of(document), last, SCHEDULE)

    assert reason(customer_details("A")) == "nothing_overdue"
    assert reason(customer_details("A", (80, DISPUTED))) == "disputed"
    assert reason(customer_details("A", (30, OPEN))) == "not_overdue_enough"
    assert reason(customer_details("A", (31, OPEN)), AS_OF) == "quiet_days"
    assert reason(customer_details("A", (31, OPEN)), AS_OF - timedelta(days=6)) == "quiet_days"
    assert reason(customer_details("A", (31, OPEN)), AS_OF - timedelta(days=7)) is None
    assert reason(customer_details("A", (31, OPEN))) is None


def test_a_workflow_reminder_is_remembered_per_customer(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "schedule.db")
    try:
        assert last_workflow_reminder(store, COMPANY.id, "A") is None

        mark_workflow_reminder(store, COMPANY.id, "A", AS_OF - timedelta(days=9), "draft:A:1")
        mark_workflow_reminder(store, COMPANY.id, "A", AS_OF, "draft:A:2")
        mark_workflow_reminder(store, COMPANY.id, "B", AS_OF - timedelta(days=1), "draft:B:1")

        assert last_workflow_reminder(store, COMPANY.id, "A") == AS_OF
        assert last_workflow_reminders(store, COMPANY.id) == {
            "A": AS_OF,
            "B": AS_OF - timedelta(days=1),
        }
        assert last_workflow_reminders(store, "other") == {}
    finally:
        store.close()


def test_a_promise_to_pay_still_open_holds_back_the_workflow() -> None:
    def promised(account: str, promise: date, *others: int) -> dict[str, Any]:
        rows = [
            invoice(f"{account}-P", 45, "100.00", status=PROMISED, promise=promise, account=account)
        ]
        rows += [
            invoice(f"{account}-{n}", days, "50.00", account=account)
            for n, days in enumerate(others)
        ]
        return details(rows, account=account, name=f"Customer {account}")

    def reason(document: dict[str, Any]) -> str | None:
        return not_due_reason(overdue_of(document), None, SCHEDULE)

    # Everything overdue is promised for a date to come: no scheduled reminder.
    assert reason(promised("A", AS_OF + timedelta(days=5))) == "promised"
    assert reason(promised("A", AS_OF)) == "promised"
    # A promise that has passed is broken; and a promise does not cover other invoices.
    assert reason(promised("B", AS_OF - timedelta(days=1))) is None
    assert reason(promised("C", AS_OF + timedelta(days=5), 35)) is None


PROMISED = CollectionStatus.PROMISED_TO_PAY
