"""The reminder endpoints as registered: confirmation, answers, records and the due list."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import azure.functions as func
import pytest

from functions import reminders
from shared import service
from shared.ledger import CollectionStatus, LedgerBatch, Transaction
from shared.reminders import CONFIRMATION_TEXT, DISCLAIMER
from shared.settings import Settings
from shared.stores.base import DocumentKind
from tests.reminders.reminder_samples import COMPANY, customer, invoice

Handler = Callable[[func.HttpRequest], func.HttpResponse]

# Figures are as of the company's today, so the invoices are dated from it.
TODAY = datetime.now(ZoneInfo(COMPANY.time_zone)).date()


def dated(transaction: Transaction, days_past_due: int) -> Transaction:
    """``transaction`` moved so that it is ``days_past_due`` late today."""
    due = TODAY - timedelta(days=days_past_due)
    promise = None if transaction.promise_date is None else TODAY + timedelta(days=5)
    return replace(transaction, due_date=due, date=due - timedelta(days=30), promise_date=promise)


@pytest.fixture()
def handlers(tmp_path: Path) -> Iterator[dict[str, Handler]]:
    service.configure(Settings(sqlite_path=tmp_path / "endpoint.db"))
    service.store().write_batch(
        LedgerBatch(
            companies=(COMPANY,),
            customers=(
                customer(account="K-100", language="de-DE"),
                customer(account="K-200", name="Quiet Ltd"),
                customer(account="K-300", name="Disputing SA", language="fr"),
                customer(account="K-400", name="No Mail Inc", email=None),
            ),
            transactions=(
                dated(invoice("INV-1", 0, "1200.00", account="K-100"), 45),
                dated(invoice("INV-2", 0, "99.00", account="K-100", currency="USD",
                              accounting="90.00"), 10),
                dated(invoice("INV-3", 0, "50.00", account="K-100",
                              status=CollectionStatus.PROMISED_TO_PAY, promise=TODAY), 5),
                dated(invoice("INV-4", 0, "70.00", account="K-200"), -3),
                dated(invoice("INV-5", 0, "80.00", account="K-300",
                              status=CollectionStatus.DISPUTED), 90),
                dated(invoice("INV-6", 0, "10.00", account="K-400"), 70),
            ),
        )
    )  # fmt: skip
    app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
    app.register_functions(reminders.bp)
    try:
        yield {str(f.get_function_name()): f.get_user_function() for f in app.get_functions()}
    finally:
        service.reset()


def post(
    handlers: dict[str, Handler],
    account: str,
    body: dict[str, Any] | None,
    company: str = COMPANY.id,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    request = func.HttpRequest(
        method="POST",
        url=f"http://localhost/api/customers/{account}/reminder-email",
        params={"company": company},
        route_params={"account": account},
        headers=headers or {},
        body=b"" if body is None else json.dumps(body).encode(),
    )
    response = handlers["reminder_email"](request)
    return response.status_code, json.loads(response.get_body())


def due(handlers: dict[str, Handler], company: str = COMPANY.id) -> tuple[int, dict[str, Any]]:
    request = func.HttpRequest(
        method="GET",
        url="http://localhost/api/reminders/due",
        params={"company": company},
        body=b"",
    )
    response = handlers["reminders_due"](request)
    return response.status_code, json.loads(response.get_body())


def records(kind_prefix: str = "draft:") -> list[dict[str, Any]]:
    documents = service.store().iter_documents(COMPANY.id, DocumentKind.REMINDER, kind_prefix)
    return [body for _, body in documents]


@pytest.mark.parametrize("body", [None, {}, {"confirmed": False}])
def test_without_confirmation_the_answer_is_428_with_the_text_to_show(
    handlers: dict[str, Handler], body: dict[str, Any] | None
) -> None:
    status, problem = post(handlers, "K-100", body)

    assert status == 428
    assert problem["confirmationText"] == CONFIRMATION_TEXT
    assert problem["type"].endswith("/confirmation-required")
    assert records() == []


def test_a_confirmed_request_gets_the_draft_and_is_recorded(
    handlers: dict[str, Handler],
) -> None:
    status, draft = post(
        handlers,
        "K-100",
        {"confirmed": True, "requestedBy": "someone else"},
        headers={"x-ms-client-principal-name": "ann@contoso.example"},
    )

    assert status == 200, draft
    assert draft["to"] == "ap@example.com"
    assert draft["subject"] == "Zahlungserinnerung: überfällige Rechnungen zum Konto K-100"
    assert (draft["tone"], draft["language"], draft["source"]) == ("firm", "de-DE", "template")
    assert draft["reason"] == "ai_off"
    assert draft["disclaimer"] == DISCLAIMER
    assert [i["id"] for i in draft["invoices"]] == ["INV-1", "INV-2", "INV-3"]
    assert draft["invoices"][1] == {
        "id": "INV-2",
        "date": (TODAY - timedelta(days=40)).isoformat(),
        "dueDate": (TODAY - timedelta(days=10)).isoformat(),
        "currency": "USD",
        "openAmount": "99.00",
        "daysPastDue": 10,
        "promiseDate": None,
    }
    assert draft["totals"] == [
        {"currency": "EUR", "amount": "1250.00"},
        {"currency": "USD", "amount": "99.00"},
    ]
    assert "die Rechnung INV-3 bis zum" in draft["bodyText"]
    assert draft["mailto"].startswith("mailto:ap@example.com?subject=Zahlungserinnerung")
    assert draft["emlFileName"] == f"reminder-K-100-{TODAY.isoformat()}.eml"
    eml = BytesParser(policy=policy.default).parsebytes(draft["eml"].encode())
    assert eml["Subject"] == draft["subject"]
    assert [a.addr_spec for a in eml["To"].addresses] == ["ap@example.com"]

    # The signed-in user is who asked, not what the body claims.
    [record] = records()
    assert record["requestedBy"] == "ann@contoso.example"
    assert (record["confirmed"], record["channel"]) == (True, "agent")
    assert record["invoices"] == ["INV-1", "INV-2", "INV-3"]
    assert "ap@example.com" not in json.dumps(record)
    assert records("last-workflow:") == []


def test_a_language_and_tone_can_be_asked_for(handlers: dict[str, Handler]) -> None:
    status, draft = post(handlers, "K-100", {"confirmed": True, "language": "fr", "tone": "final"})

    assert status == 200
    assert draft["subject"] == "Dernier rappel : factures échues sur le compte K-100"
    assert (draft["tone"], draft["language"]) == ("final", "fr")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"confirmed": True, "tone": "angry"}, "tone"),
        ({"confirmed": True, "language": "pt"}, "language"),
        ({"confirmed": True, "language": "<script>"}, "language"),
        ({"confirmed": True, "channel": "fax"}, "channel"),
        ({"confirmed": "yes"}, "confirmed"),
    ],
)
def test_bad_values_are_named(
    handlers: dict[str, Handler], body: dict[str, Any], field: str
) -> None:
    status, problem = post(handlers, "K-100", body)

    assert status == 400
    assert [error["field"] for error in problem["errors"]] == [field]


def test_nothing_overdue_gets_a_clear_409(handlers: dict[str, Handler]) -> None:
    status, problem = post(handlers, "K-200", {"confirmed": True})

    assert status == 409
    assert "nothing overdue" in problem["detail"]
    assert records() == []


def test_everything_overdue_disputed_gets_a_clear_409(handlers: dict[str, Handler]) -> None:
    status, problem = post(handlers, "K-300", {"confirmed": True})

    assert status == 409
    assert "every overdue invoice is disputed" in problem["detail"]


@pytest.mark.parametrize(("company", "account"), [("nope", "K-100"), (COMPANY.id, "K-999")])
def test_unknown_company_or_customer_is_404(
    handlers: dict[str, Handler], company: str, account: str
) -> None:
    assert post(handlers, account, {"confirmed": True}, company=company)[0] == 404


def test_a_workflow_reminds_a_customer_once_within_the_quiet_days(
    handlers: dict[str, Handler],
) -> None:
    status, listed = due(handlers)
    assert status == 200
    assert listed["asOf"] == TODAY.isoformat()
    assert [c["account"] for c in listed["customers"]] == ["K-100"]
    assert listed["customers"][0]["to"] == "ap@example.com"
    assert listed["customers"][0]["tone"] == "firm"
    assert listed["skipped"] == [{"account": "K-400", "name": "No Mail Inc", "reason": "no_email"}]

    # A function key makes the call a workflow's.
    status, draft = post(handlers, "K-100", {"confirmed": True},
                         headers={"x-functions-key": "secret"})  # fmt: skip
    assert status == 200
    assert {"to", "subject", "bodyHtml"} <= draft.keys()
    [record] = records()
    assert record["channel"] == "workflow"

    # A second run the same day finds nobody to remind and is refused if it asks anyway.
    assert due(handlers)[1]["customers"] == []
    status, problem = post(handlers, "K-100", {"confirmed": True, "channel": "workflow"})
    assert status == 409
    assert problem["lastReminder"] == TODAY.isoformat()
    assert problem["nextReminder"] == (TODAY + timedelta(days=7)).isoformat()
    assert len(records()) == 1

    # An agent may still draft one.
    assert post(handlers, "K-100", {"confirmed": True})[0] == 200


def test_the_due_list_of_an_unknown_company_is_404(handlers: dict[str, Handler]) -> None:
    assert due(handlers, "nope")[0] == 404
