"""The HTTP contract over real sockets: ingest, precompute, workspace and details.

Each test starts from an empty store served by ``python -m local_host`` in a child process,
so what is checked is what the web app and the workflows get.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.live_host import request_json

TODAY = datetime.now(UTC).date()


def days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def ledger() -> dict[str, Any]:
    """A small company in UTC with two customers, one of them in a foreign currency."""
    return {
        "companies": [{"id": "acme", "name": "Acme Ltd", "currency": "USD", "timeZone": "UTC"}],
        "customers": [
            {
                "company": "acme",
                "account": "C1",
                "name": "Northwind",
                "currency": "USD",
                "creditLimit": "1000.00",
                "language": "en",
                "email": "ap@northwind.example",
                "agent": "ann",
            },
            {
                "company": "acme",
                "account": "C2",
                "name": "Fabrikam GmbH",
                "currency": "EUR",
                "agent": "bob",
            },
        ],
        "transactions": [
            {
                "company": "acme",
                "id": "INV-1",
                "customer": "C1",
                "type": "invoice",
                "date": days_ago(75),
                "dueDate": days_ago(45),
                "amount": "700.00",
                "currency": "USD",
            },
            {
                "company": "acme",
                "id": "INV-2",
                "customer": "C1",
                "type": "invoice",
                "date": days_ago(20),
                "dueDate": days_ago(0),
                "amount": "500.00",
                "currency": "USD",
            },
            {
                "company": "acme",
                "id": "PAY-1",
                "customer": "C1",
                "type": "payment",
                "date": days_ago(10),
                "amount": "200.00",
                "currency": "USD",
            },
            {
                "company": "acme",
                "id": "INV-3",
                "customer": "C2",
                "type": "invoice",
                "date": days_ago(40),
                "dueDate": days_ago(10),
                "amount": "100.00",
                "currency": "EUR",
                "accountingAmount": "110.00",
            },
        ],
        "settlements": [
            {
                "company": "acme",
                "id": "SET-1",
                "invoice": "INV-1",
                "credit": "PAY-1",
                "amount": "150.00",
                "date": days_ago(10),
            }
        ],
        "activities": [
            {
                "company": "acme",
                "id": "ACT-1",
                "customer": "C1",
                "agent": "ann",
                "type": "call",
                "purpose": "Ask about INV-1",
                "start": days_ago(5),
                "end": days_ago(2),
            }
        ],
    }


def ingest(base: str, document: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    return request_json("POST", f"{base}/api/ingest", document)


def test_ingest_precompute_workspace_and_details(empty_server: str) -> None:
    status, _, body = ingest(empty_server, ledger())
    assert status == 200, body
    assert body["received"]["transactions"] == 4
    assert body["written"]["settlements"] == 1

    status, _, body = ingest(empty_server, ledger())
    assert status == 200
    assert sum(body["written"].values()) == 0, "the same batch twice must change nothing"

    status, _, report = request_json("POST", f"{empty_server}/api/precompute?company=acme")
    assert status == 200, report

    status, _, workspace = request_json("GET", f"{empty_server}/api/workspace?company=acme")
    assert status == 200, workspace
    assert workspace["currency"] == "USD"
    assert workspace["asOf"] == TODAY.isoformat()
    top = workspace["highestBalances"][0]
    # C1: 700 + 500 - 200 = 1000.00; C2: 110.00 in the accounting currency.
    assert (top["account"], top["balance"], top["creditAvailable"]) == ("C1", "1000.00", "0.00")
    assert [e["account"] for e in workspace["mostOverdue"]] == ["C1", "C2"]
    assert workspace["mostOverdue"][0]["overdue"] == "550.00"
    assert [a["id"] for a in workspace["activities"]] == ["ACT-1"]
    assert workspace["activitiesTotal"] == 1

    status, _, details = request_json("GET", f"{empty_server}/api/customers/C1?company=acme")
    assert status == 200, details
    assert details["balance"] == "1000.00"
    assert details["overdue"] == "550.00"
    assert details["unappliedCredit"] == "50.00"
    aging = {row["bucket"]: row["amount"] for row in details["aging"]}
    assert aging == {
        "Not due": "500.00",
        "1-30": "0.00",
        "31-60": "550.00",
        "61-90": "0.00",
        "91-120": "0.00",
        "Over 120": "0.00",
    }

    status, _, agent_view = request_json(
        "GET", f"{empty_server}/api/workspace?company=acme&agent=bob"
    )
    assert status == 200
    assert [e["account"] for e in agent_view["highestBalances"]] == ["C2"]
    assert agent_view["activities"] == []


def test_details_as_of_a_past_date_ignores_later_rows(empty_server: str) -> None:
    assert ingest(empty_server, ledger())[0] == 200

    as_of = days_ago(30)
    status, _, details = request_json(
        "GET", f"{empty_server}/api/customers/C1?company=acme&asOf={as_of}"
    )
    assert status == 200, details
    assert details["asOf"] == as_of
    # Only INV-1 existed then, 15 days past due; the payment came 20 days later.
    assert details["balance"] == "700.00"
    assert details["overdue"] == "700.00"
    assert details["unappliedCredit"] == "0.00"
    assert [i["daysPastDue"] for i in details["openInvoices"]] == [15]


def test_foreign_currency_invoice_keeps_its_own_currency(empty_server: str) -> None:
    assert ingest(empty_server, ledger())[0] == 200
    status, _, details = request_json("GET", f"{empty_server}/api/customers/C2?company=acme")
    assert status == 200
    invoice = details["openInvoices"][0]
    assert (invoice["currency"], invoice["openAmount"]) == ("EUR", "100.00")
    assert invoice["accountingOpenAmount"] == "110.00"
    assert details["balance"] == "110.00"
    assert details["creditLimit"] is None and details["creditAvailable"] is None


def test_unknown_company_and_customer_are_404(empty_server: str) -> None:
    assert ingest(empty_server, ledger())[0] == 200
    for path in (
        "/api/workspace?company=nope",
        "/api/customers/C1?company=nope",
        "/api/customers/NOPE?company=acme",
        "/api/customers/NOPE?company=acme&asOf=2024-01-01",
    ):
        status, headers, body = request_json("GET", empty_server + path)
        assert status == 404, path
        assert headers["Content-Type"].startswith("application/problem+json")
        assert body["status"] == 404 and body["detail"]


def test_workspace_before_any_precompute_says_so(empty_server: str) -> None:
    assert ingest(empty_server, ledger())[0] == 200
    status, _, body = request_json("GET", f"{empty_server}/api/workspace?company=acme")
    assert status == 409
    assert "precompute" in body["detail"]


def test_closing_an_activity(empty_server: str) -> None:
    assert ingest(empty_server, ledger())[0] == 200
    close = f"{empty_server}/api/activities/ACT-1/close?company=acme"
    status, _, body = request_json("POST", close)
    assert status == 200, body
    assert body["activity"]["status"] == "closed"
    status, _, _ = request_json("POST", close)
    assert status == 404


def _bad(mutate: Any) -> dict[str, Any]:
    document = ledger()
    mutate(document)
    return document


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def mutate(document: dict[str, Any]) -> None:
        target: Any = document
        for step in path[:-1]:
            target = target[step]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return mutate


_DELETE = object()

BAD_BATCHES = {
    "settlement larger than the invoice": (
        _set(("settlements", 0, "amount"), "900.00"),
        "settlements[0].amount",
    ),
    "settlement larger than the payment": (
        _set(("settlements", 0, "amount"), "250.00"),
        "settlements[0].amount",
    ),
    "settlement between two invoices": (
        _set(("settlements", 0, "credit"), "INV-2"),
        "settlements[0].credit",
    ),
    "settlement dated before its payment": (
        _set(("settlements", 0, "date"), days_ago(11)),
        "settlements[0].date",
    ),
    "foreign amount without accounting amount": (
        _set(("transactions", 3, "accountingAmount"), _DELETE),
        "transactions[3].accountingAmount",
    ),
    "unknown customer": (
        _set(("transactions", 0, "customer"), "C9"),
        "transactions[0].customer",
    ),
    "unknown currency": (
        _set(("transactions", 0, "currency"), "XYZ"),
        "transactions[0].currency",
    ),
    "due date before document date": (
        _set(("transactions", 0, "dueDate"), days_ago(80)),
        "transactions[0].dueDate",
    ),
    "amount as a JSON number": (
        _set(("transactions", 0, "amount"), 700.0),
        "transactions[0].amount",
    ),
    "amount with more decimals than the currency": (
        _set(("transactions", 0, "amount"), "700.001"),
        "transactions[0].amount",
    ),
    "negative amount": (
        _set(("transactions", 0, "amount"), "-700.00"),
        "transactions[0].amount",
    ),
    "unknown time zone": (
        _set(("companies", 0, "timeZone"), "Mars/Olympus"),
        "companies[0].timeZone",
    ),
    "invoice without due date": (
        _set(("transactions", 0, "dueDate"), _DELETE),
        "transactions[0].dueDate",
    ),
    "date not written YYYY-MM-DD": (
        _set(("transactions", 0, "date"), "03/01/2024"),
        "transactions[0].date",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BATCHES))
def test_bad_batches_are_refused_whole(empty_server: str, case: str) -> None:
    mutate, field = BAD_BATCHES[case]
    status, headers, body = ingest(empty_server, _bad(mutate))

    assert status == 422, body
    assert headers["Content-Type"].startswith("application/problem+json")
    assert field in [error["field"] for error in body["errors"]], body["errors"]
    status, _, companies = request_json("GET", f"{empty_server}/api/companies")
    assert companies == {"companies": []}, "a bad batch must write nothing"


def test_duplicate_ids_with_different_content_are_refused(empty_server: str) -> None:
    document = ledger()
    twin = copy.deepcopy(document["transactions"][0])
    twin["amount"] = "701.00"
    document["transactions"].append(twin)

    status, _, body = ingest(empty_server, document)
    assert status == 422
    assert [e["field"] for e in body["errors"]] == ["transactions[4].id"]

    document["transactions"][-1]["amount"] = "700.00"
    status, _, body = ingest(empty_server, document)
    assert status == 200, "an exact repeat in one batch is harmless"
    assert body["received"]["transactions"] == 4


def test_settlement_over_what_is_stored_is_refused(empty_server: str) -> None:
    assert ingest(empty_server, ledger())[0] == 200
    second = {
        "settlements": [
            {
                "company": "acme",
                "id": "SET-2",
                "invoice": "INV-2",
                "credit": "PAY-1",
                "amount": "60.00",
                "date": days_ago(5),
            }
        ]
    }
    status, _, body = ingest(empty_server, second)
    assert status == 422, "PAY-1 has only 50.00 left after SET-1"
    assert body["errors"][0]["field"] == "settlements[0].amount"

    second["settlements"][0]["amount"] = "50.00"
    assert ingest(empty_server, second)[0] == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/api/ingest", None, 400),
        ("POST", "/api/ingest", ["not", "an", "object"], 400),
        ("POST", "/api/ingest", {}, 422),
        ("POST", "/api/ingest", {"invoices": []}, 422),
        ("GET", "/api/customers/C1?company=acme&asOf=yesterday", None, 400),
        ("GET", "/api/customers/C1", None, 400),
        ("GET", "/api/workspace?company=acme&top=0", None, 400),
        ("GET", "/api/workspace?company=acme&top=lots", None, 400),
        ("POST", "/api/precompute", None, 400),
        ("POST", "/api/precompute?company=acme&asOf=2024-13-01", None, 400),
        ("DELETE", "/api/ingest", None, 405),
        ("GET", "/api/no-such-function", None, 404),
    ],
)
def test_bad_requests_get_problem_answers(
    empty_server: str, method: str, path: str, body: Any, status: int
) -> None:
    assert ingest(empty_server, ledger())[0] == 200
    answer_status, headers, answer = request_json(method, empty_server + path, body)
    assert answer_status == status, answer
    assert headers["Content-Type"].startswith("application/problem+json")
    assert answer["status"] == status and answer["detail"]


def test_malformed_json_is_a_400(empty_server: str) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{empty_server}/api/ingest", data=b"{not json", method="POST")
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=30)
    assert raised.value.code == 400


def test_health_and_openapi(empty_server: str) -> None:
    status, _, health = request_json("GET", f"{empty_server}/api/health")
    assert status == 200 and health["status"] == "ok" and health["store"] == "sqlite"

    status, _, document = request_json("GET", f"{empty_server}/api/openapi.json")
    assert status == 200
    assert document["openapi"].startswith("3.")
    for path in ("/ingest", "/precompute", "/workspace", "/customers/{account}", "/companies"):
        assert path in document["paths"], path


def test_dates_are_iso_and_money_is_strings(empty_server: str) -> None:
    assert ingest(empty_server, ledger())[0] == 200
    _, _, details = request_json("GET", f"{empty_server}/api/customers/C1?company=acme")
    date.fromisoformat(details["asOf"])
    for name in ("balance", "overdue", "unappliedCredit", "creditLimit", "creditAvailable"):
        assert isinstance(details[name], str), name


def test_a_timer_runs_on_demand_like_under_core_tools(empty_server: str) -> None:
    assert ingest(empty_server, ledger())[0] == 200
    status, _, _ = request_json("POST", f"{empty_server}/admin/functions/nightly_precompute")
    assert status == 202

    status, _, workspace = request_json("GET", f"{empty_server}/api/workspace?company=acme")
    assert status == 200 and workspace["highestBalances"][0]["account"] == "C1"
    status, _, _ = request_json("POST", f"{empty_server}/admin/functions/no_such_timer")
    assert status == 404
