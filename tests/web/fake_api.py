"""A stand-in for the local host while it is being written: serves web/ and a canned API.

It follows the HTTP contract of the design brief closely enough to develop the web app
against; the browser tests switch to the real local host once it serves the app.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

WEB_ROOT = Path(__file__).resolve().parents[2] / "web"
AS_OF = "2025-03-14"
DISCLAIMER = "AI-generated content may be incorrect. Check the figures before you act on them."

COMPANIES = [
    {
        "id": "usmf",
        "name": "Contoso Entertainment USA",
        "currency": "USD",
        "timeZone": "America/New_York",
    },
    {
        "id": "demf",
        "name": "Contoso Entertainment Germany",
        "currency": "EUR",
        "timeZone": "Europe/Berlin",
    },
]

# account, name, agent, credit limit, (not due, 1-30, 31-60, 61-90, 91-120, over 120), credit
_CUSTOMERS: list[tuple[str, str, str, str | None, tuple[str, ...], str]] = [
    (
        "US-001",
        "Adventure Works",
        "alice",
        "50000.00",
        ("12000.00", "8400.50", "3100.00", "0.00", "0.00", "1250.00"),
        "0.00",
    ),
    (
        "US-002",
        "Fabrikam Retail",
        "alice",
        "20000.00",
        ("9000.00", "6500.00", "4200.25", "2100.00", "0.00", "0.00"),
        "500.00",
    ),
    (
        "US-003",
        "Northwind Traders",
        "bob",
        None,
        ("31000.00", "0.00", "0.00", "0.00", "0.00", "0.00"),
        "0.00",
    ),
    (
        "US-004",
        "Tailspin Toys",
        "alice",
        "15000.00",
        ("1200.00", "2300.00", "0.00", "5400.00", "3100.00", "900.00"),
        "0.00",
    ),
    (
        "US-005",
        "Wide World Importers",
        "bob",
        "40000.00",
        ("4000.00", "1500.00", "0.00", "0.00", "0.00", "0.00"),
        "250.00",
    ),
    (
        "US-006",
        "Litware Supplies",
        "alice",
        "10000.00",
        ("2500.00", "0.00", "0.00", "0.00", "0.00", "0.00"),
        "0.00",
    ),
]
BUCKETS = ["Not due", "1-30", "31-60", "61-90", "91-120", "Over 120"]
DAYS_FOR_BUCKET = [-10, 14, 45, 75, 105, 160]


def _total(amounts: tuple[str, ...]) -> Decimal:
    return sum((Decimal(a) for a in amounts), Decimal("0.00"))


def _customer_row(row: tuple[str, str, str, str | None, tuple[str, ...], str]) -> dict[str, Any]:
    account, name, agent, limit, aging, credit = row
    balance = _total(aging) - Decimal(credit)
    overdue = _total(aging[1:])
    available = None if limit is None else Decimal(limit) - balance
    return {
        "account": account,
        "name": name,
        "agent": agent,
        "balance": str(balance),
        "overdue": str(overdue),
        "creditLimit": limit,
        "creditAvailable": None if available is None else str(available),
        "overLimit": available is not None and available < 0,
    }


ACTIVITIES: list[dict[str, Any]] = [
    {
        "id": "ACT-101",
        "customer": "US-004",
        "agent": "alice",
        "type": "call",
        "purpose": "Follow up on overdue invoices",
        "start": "2025-03-01",
        "end": "2025-03-05",
        "status": "open",
        "priority": "high",
    },
    {
        "id": "ACT-102",
        "customer": "US-002",
        "agent": "alice",
        "type": "email",
        "purpose": "Send statement",
        "start": "2025-03-10",
        "end": "2025-03-20",
        "status": "open",
        "priority": "normal",
    },
    {
        "id": "ACT-103",
        "customer": "US-001",
        "agent": "alice",
        "type": "promise_to_pay",
        "purpose": "Check promised payment",
        "start": "2025-03-02",
        "end": "2025-03-12",
        "status": "open",
        "priority": "normal",
    },
    {
        "id": "ACT-104",
        "customer": "US-005",
        "agent": "bob",
        "type": "task",
        "purpose": "Review credit limit",
        "start": "2025-03-08",
        "end": "2025-03-28",
        "status": "open",
        "priority": "low",
    },
]


def _names() -> dict[str, str]:
    return {row[0]: row[1] for row in _CUSTOMERS}


def workspace(company: str, agent: str | None, top: int) -> dict[str, Any]:
    """The workspace lists of a company, for one agent or all."""
    rows = [_customer_row(r) for r in _CUSTOMERS if agent is None or r[2] == agent]
    names = _names()
    activities = [
        {**a, "customerName": names[a["customer"]], "overdue": a["end"] < AS_OF}
        for a in ACTIVITIES
        if a["status"] == "open" and (agent is None or a["agent"] == agent)
    ]
    activities.sort(key=lambda a: a["end"])
    by_balance = sorted(rows, key=lambda r: Decimal(r["balance"]), reverse=True)
    by_overdue = sorted(
        (r for r in rows if Decimal(r["overdue"]) > 0),
        key=lambda r: Decimal(r["overdue"]),
        reverse=True,
    )
    return {
        "company": company,
        "agent": agent,
        "asOf": AS_OF,
        "currency": "USD",
        "activities": activities,
        "highestBalances": by_balance[:top],
        "mostOverdue": by_overdue[:top],
    }


def customer(company: str, account: str) -> dict[str, Any] | None:
    """One customer's details, or None when the account is unknown."""
    found = next((r for r in _CUSTOMERS if r[0] == account), None)
    if found is None:
        return None
    row = _customer_row(found)
    aging = found[4]
    invoices = []
    for index, amount in enumerate(aging):
        if Decimal(amount) == 0:
            continue
        days = DAYS_FOR_BUCKET[index]
        status = ["not_disputed", "promised_to_pay", "disputed"][index % 3]
        invoices.append(
            {
                "id": f"INV-{account[-3:]}-{index + 1:02d}",
                "date": "2025-01-02",
                "dueDate": "2025-02-01",
                "daysPastDue": days,
                "currency": "USD",
                "amount": amount,
                "openAmount": amount,
                "accountingOpenAmount": amount,
                "collectionStatus": status,
                "promiseDate": "2025-03-31" if status == "promised_to_pay" else None,
            }
        )
    months = [
        {"month": "2024-05", "invoicesSettled": 2, "averageDaysLate": 0.0},
        {"month": "2024-07", "invoicesSettled": 3, "averageDaysLate": 4.5},
        {"month": "2024-09", "invoicesSettled": 1, "averageDaysLate": 12.0},
        {"month": "2024-11", "invoicesSettled": 2, "averageDaysLate": 36.5},
        {"month": "2025-01", "invoicesSettled": 4, "averageDaysLate": 21.3},
        {"month": "2025-03", "invoicesSettled": 1, "averageDaysLate": 0.0},
    ]
    return {
        **row,
        "company": company,
        "asOf": AS_OF,
        "currency": "USD",
        "unappliedCredit": found[5],
        "monthsAsCustomer": 41,
        "language": "en-US",
        "email": f"ap@{found[1].split()[0].lower()}.example",
        "contactName": "Dana Reyes",
        "aging": [{"bucket": b, "amount": a} for b, a in zip(BUCKETS, aging, strict=True)],
        "openInvoices": invoices,
        "unappliedCredits": []
        if Decimal(found[5]) == 0
        else [
            {
                "id": f"PAY-{account[-3:]}",
                "type": "payment",
                "date": "2025-03-03",
                "currency": "USD",
                "amount": found[5],
                "openAmount": found[5],
                "accountingOpenAmount": found[5],
            }
        ],
        "invoicesLast6Months": {
            "count": 9,
            "amount": "48210.75",
            "openCount": len(invoices),
            "openAmount": row["balance"],
            "overdueCount": 2,
            "overdueAmount": row["overdue"],
        },
        "paymentHistory": {
            "payments": 13,
            "amountPaid": "61200.00",
            "invoicesSettled": 13,
            "averageDaysToPay": 38.2,
            "averageDaysLate": 14.1,
            "paidOnTimeShare": 0.46,
            "months": months,
        },
        "activities": [
            {**a, "overdue": a["end"] < AS_OF} for a in ACTIVITIES if a["customer"] == account
        ],
    }


def summary(details: dict[str, Any]) -> dict[str, Any]:
    """A template summary of a customer."""
    text = (
        f"{details['name']} owes {details['balance']} USD, of which {details['overdue']} "
        "USD is overdue.\n\nThe customer paid 46% of invoices on time in the past year."
    )
    return {
        "text": text,
        "source": "template",
        "language": "en-US",
        "generatedAt": "2025-03-14T02:10:00Z",
        "facts": {},
        "disclaimer": DISCLAIMER,
    }


def reminder(details: dict[str, Any]) -> dict[str, Any]:
    """A draft reminder email for a customer with overdue invoices."""
    subject = f"Overdue invoices for {details['name']}"
    body = f"Dear {details['contactName']},\n\nOur records show {details['overdue']} USD overdue."
    html = (
        f"<p>Dear {details['contactName']},</p><p>Our records show "
        f"<strong>{details['overdue']} USD</strong> overdue.</p>"
    )
    return {
        "to": details["email"],
        "subject": subject,
        "bodyText": body,
        "bodyHtml": html,
        "mailto": f"mailto:{details['email']}?subject=Overdue%20invoices",
        "toName": details["contactName"],
        "invoices": [
            {key: i[key] for key in ("id", "dueDate", "daysPastDue", "currency", "openAmount")}
            for i in details["openInvoices"]
            if i["daysPastDue"] > 0 and i["collectionStatus"] != "disputed"
        ],
        "disputedInvoices": [
            {"id": i["id"], "currency": i["currency"], "openAmount": i["openAmount"]}
            for i in details["openInvoices"]
            if i["collectionStatus"] == "disputed"
        ],
        "source": "template",
        "disclaimer": DISCLAIMER,
    }


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(WEB_ROOT), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: dict[str, Any], problem: bool = False) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        kind = "application/problem+json" if problem else "application/json"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _problem(self, status: HTTPStatus, detail: str, **extra: Any) -> None:
        self._send(
            status,
            {
                "type": "about:blank",
                "title": status.phrase,
                "status": status,
                "detail": detail,
                **extra,
            },
            problem=True,
        )

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if not url.path.startswith("/api/"):
            super().do_GET()
            return
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        company = query.get("company", "usmf")
        path = url.path.removeprefix("/api")
        if path == "/companies":
            self._send(200, {"companies": COMPANIES})
        elif path == "/agents":
            self._send(
                200,
                {
                    "agents": [
                        {"id": "alice", "name": "Alice Nguyen", "customers": 4},
                        {"id": "bob", "name": "Bob Keller", "customers": 2},
                    ]
                },
            )
        elif path == "/workspace":
            self._send(200, workspace(company, query.get("agent"), int(query.get("top", 10))))
        elif match := re.fullmatch(r"/customers/([^/]+)(/summary)?", path):
            details = customer(company, match.group(1))
            if details is None:
                self._problem(
                    HTTPStatus.NOT_FOUND,
                    f"Customer {match.group(1)} does not exist in company {company}.",
                )
            else:
                self._send(200, summary(details) if match.group(2) else details)
        else:
            self._problem(HTTPStatus.NOT_FOUND, f"No endpoint at {url.path}.")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        company = parse_qs(url.query).get("company", ["usmf"])[0]
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"{}")
        path = url.path.removeprefix("/api")
        if match := re.fullmatch(r"/activities/([^/]+)/close", path):
            found = next((a for a in ACTIVITIES if a["id"] == match.group(1)), None)
            if found is None:
                self._problem(HTTPStatus.NOT_FOUND, f"Activity {match.group(1)} does not exist.")
                return
            found["status"] = "closed"
            self._send(200, {"activity": found})
        elif match := re.fullmatch(r"/customers/([^/]+)/reminder-email", path):
            details = customer(company, match.group(1))
            if details is None:
                self._problem(HTTPStatus.NOT_FOUND, "Unknown customer.")
            elif payload.get("confirmed") is not True:
                self._problem(
                    HTTPStatus.PRECONDITION_REQUIRED,
                    "Confirm first.",
                    confirmationText="A reminder email will be created with AI.",
                )
            elif Decimal(details["overdue"]) == 0:
                self._problem(HTTPStatus.CONFLICT, f"{details['name']} has nothing overdue.")
            else:
                self._send(200, reminder(details))
        else:
            self._problem(HTTPStatus.NOT_FOUND, f"No endpoint at {url.path}.")


@contextmanager
def serve() -> Iterator[str]:
    """Serve the fake API and the web app on a free port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    import time

    with serve() as base:
        print(base, flush=True)
        while True:
            time.sleep(3600)
