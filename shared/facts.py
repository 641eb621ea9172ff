"""The facts document: everything a generated text may say about one customer.

A summary or a reminder email is written from this document and checked against it; the model
never sees the ledger. The document is built from the customer details answer (the precomputed
snapshot, or the ledger as of a date) and is deliberately compact: however many invoices are
open, it lists only the few oldest and largest overdue ones and gives counts and totals of the
rest, so the prompt stays small.

Shape (JSON, camelCase, money as decimal strings in the accounting currency unless an invoice
names its own currency, dates as ``YYYY-MM-DD``)::

    {factsVersion, company, account, currency, language,
     balance, overdue, unappliedCredit, creditLimit, creditAvailable, overLimit,
     aging: [{bucket, amount}],
     openInvoices: {count, amount, overdueCount, overdueAmount},
     oldestOverdue: [invoice], largestOverdue: [invoice],
     otherOverdue: {count, amount},
     invoicesLast6Months: {count, amount, openCount, openAmount, overdueCount, overdueAmount},
     paymentHistory: {payments, amountPaid, invoicesSettled, averageDaysToPay,
                      averageDaysLate, paidOnTimePercent,
                      trend: {recentQuarterAverageDaysLate, recentQuarterInvoices,
                              earlierAverageDaysLate, earlierInvoices, direction}},
     disputed: {count, amount, invoices: [invoice]},
     promisesToPay: {count, amount, invoices: [invoice]},
     openActivities: {count, overdueCount},
     untrusted: {customerName, contactName, activities: [{type, purpose, end}]}}

where ``invoice`` is ``{id, dueDate, currency, openAmount, accountingOpenAmount,
collectionStatus, promiseDate}``.

The as-of date and days past due are left out on purpose: they change every day, and the
facts hash must change only when something the text says changes, so that the nightly job
regenerates only the customers whose situation moved. Texts speak of due dates instead.

``untrusted`` holds the text that a customer or an agent typed (names, activity purposes);
prompts pass it as delimited data, never as instructions, and the guard lets a text quote it.
Aging lists only the buckets that hold an amount. The payment trend compares the average days
late of invoices settled in the recent quarter (the as-of month and the two before it) with
the rest of the year, weighting each month by its settled invoices.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shared.money import format_amount
from shared.windows import shift_months

JsonObject = dict[str, Any]

FACTS_VERSION = 1
DEFAULT_LISTED = 5
UNTRUSTED = "untrusted"

# A trend needs more than rounding noise to be called better or worse.
_TREND_THRESHOLD_DAYS = Decimal(2)
_ONE_DECIMAL = Decimal("0.1")
_TWO_DECIMALS = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Facts:
    """A facts document with its identity.

    ``document`` is the JSON object above; ``hash`` is the sha256 of its canonical JSON
    (sorted keys, no spaces, UTF-8), so equal facts always have equal hashes.
    """

    document: JsonObject
    hash: str

    @property
    def company(self) -> str:
        return str(self.document["company"])

    @property
    def account(self) -> str:
        return str(self.document["account"])

    @property
    def currency(self) -> str:
        return str(self.document["currency"])

    @property
    def language(self) -> str:
        """The customer's language as a BCP 47 tag (``de-CH``), as the ledger holds it."""
        return str(self.document["language"])

    def canonical_json(self) -> str:
        """The document as canonical JSON; what ``hash`` is computed from."""
        return canonical_json(self.document)

    def figures_json(self) -> str:
        """The document without customer-controlled text, for the prompt's figures part."""
        figures = {k: v for k, v in self.document.items() if k != UNTRUSTED}
        return json.dumps(figures, ensure_ascii=False, indent=1, sort_keys=True)

    def untrusted_json(self) -> str:
        """Customer- and agent-controlled text (names, purposes) as escaped JSON data.

        ``<`` and ``>`` are escaped so the data cannot close the delimiters around it.
        """
        text = json.dumps(self.document[UNTRUSTED], ensure_ascii=False, indent=1, sort_keys=True)
        return text.replace("<", "\\u003c").replace(">", "\\u003e")

    def untrusted_strings(self) -> list[str]:
        """Every customer- or agent-typed string, longest first (for quoting checks)."""
        found: list[str] = []
        _collect_strings(self.document[UNTRUSTED], found)
        return sorted({s for s in found if s.strip()}, key=len, reverse=True)


def build_facts(details: JsonObject, listed: int = DEFAULT_LISTED) -> Facts:
    """Build the facts of a customer details document (``shared.customer_details``).

    ``listed`` bounds each invoice list; the rest are counted and totalled.
    """
    currency = str(details["currency"])
    as_of = date.fromisoformat(str(details["asOf"]))
    invoices: list[JsonObject] = list(details.get("openInvoices") or ())
    overdue = [i for i in invoices if (i.get("daysPastDue") or 0) >= 1]

    # The few invoices worth naming; everything else is counted and totalled.
    oldest = sorted(overdue, key=lambda i: (str(i["dueDate"]), str(i["id"])))[:listed]
    largest = sorted(overdue, key=lambda i: (-_accounting(i), str(i["id"])))[:listed]
    named = {str(i["id"]) for i in oldest + largest}
    others = [i for i in overdue if str(i["id"]) not in named]

    disputed = [i for i in invoices if i.get("collectionStatus") == "disputed"]
    promised = [i for i in invoices if i.get("collectionStatus") == "promised_to_pay"]
    open_activities = [a for a in details.get("activities") or () if a.get("status") == "open"]
    open_activities.sort(key=lambda a: (str(a["end"]), str(a["id"])))

    document: JsonObject = {
        "factsVersion": FACTS_VERSION,
        "company": details["company"],
        "account": details["account"],
        "currency": currency,
        "language": details.get("language") or "en",
        "balance": details["balance"],
        "overdue": details["overdue"],
        "unappliedCredit": details.get("unappliedCredit") or "0",
        "creditLimit": details.get("creditLimit"),
        "creditAvailable": details.get("creditAvailable"),
        "overLimit": bool(details.get("overLimit")),
        "aging": [b for b in details.get("aging") or () if Decimal(b["amount"]) != 0],
        "openInvoices": {
            "count": len(invoices),
            "amount": _total(invoices, currency),
            "overdueCount": len(overdue),
            "overdueAmount": _total(overdue, currency),
        },
        "oldestOverdue": [_invoice(i, currency) for i in oldest],
        "largestOverdue": [_invoice(i, currency) for i in largest],
        "otherOverdue": {"count": len(others), "amount": _total(others, currency)},
        "invoicesLast6Months": dict(details.get("invoicesLast6Months") or {}),
        "paymentHistory": _payment_history(details.get("paymentHistory") or {}, as_of),
        "disputed": _group(
            sorted(disputed, key=lambda i: (-_accounting(i), str(i["id"]))), currency, listed
        ),
        "promisesToPay": _group(
            sorted(promised, key=lambda i: (str(i.get("promiseDate") or ""), str(i["id"]))),
            currency,
            listed,
        ),
        "openActivities": {
            "count": len(open_activities),
            "overdueCount": sum(1 for a in open_activities if a.get("overdue")),
        },
        UNTRUSTED: {
            "customerName": details.get("name") or "",
            "contactName": details.get("contactName") or "",
            "activities": [
                {"type": a.get("type") or "", "purpose": a.get("purpose") or "", "end": a["end"]}
                for a in open_activities[:listed]
            ],
        },
    }
    return Facts(document, facts_hash(document))


def facts_hash(document: JsonObject) -> str:
    """The sha256 of the document's canonical JSON, as hex."""
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no insignificant spaces, non-ASCII kept as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _accounting(invoice: JsonObject) -> Decimal:
    return Decimal(str(invoice.get("accountingOpenAmount") or invoice["openAmount"]))


def _total(invoices: Iterable[JsonObject], currency: str) -> str:
    total = sum((_accounting(i) for i in invoices), Decimal(0))
    return format_amount(total, currency)


def _invoice(invoice: JsonObject, accounting_currency: str) -> JsonObject:
    """An invoice as the facts name it; its own currency's amount only when it differs."""
    entry: JsonObject = {
        "id": invoice["id"],
        "dueDate": invoice.get("dueDate"),
        "currency": invoice.get("currency") or accounting_currency,
        "openAmount": invoice["openAmount"],
        "collectionStatus": invoice.get("collectionStatus") or "not_disputed",
    }
    if entry["currency"] != accounting_currency:
        entry["accountingOpenAmount"] = invoice.get("accountingOpenAmount")
    if invoice.get("promiseDate"):
        entry["promiseDate"] = invoice["promiseDate"]
    return entry


def _group(invoices: list[JsonObject], currency: str, listed: int) -> JsonObject:
    return {
        "count": len(invoices),
        "amount": _total(invoices, currency),
        "invoices": [_invoice(i, currency) for i in invoices[:listed]],
    }


def _payment_history(history: JsonObject, as_of: date) -> JsonObject:
    share = history.get("paidOnTimeShare")
    return {
        "payments": history.get("payments", 0),
        "amountPaid": history.get("amountPaid", "0"),
        "invoicesSettled": history.get("invoicesSettled", 0),
        "averageDaysToPay": _decimal_text(history.get("averageDaysToPay"), _ONE_DECIMAL),
        "averageDaysLate": _decimal_text(history.get("averageDaysLate"), _ONE_DECIMAL),
        "paidOnTimePercent": (
            None
            if share is None
            else _plain((Decimal(str(share)) * 100).quantize(_TWO_DECIMALS, ROUND_HALF_UP))
        ),
        "trend": _trend(history.get("months") or (), as_of),
    }


def _trend(months: Iterable[JsonObject], as_of: date) -> JsonObject:
    """Average days late of the recent quarter against the rest of the twelve months."""
    first_recent = shift_months(as_of.replace(day=1), -2).strftime("%Y-%m")
    recent: list[tuple[int, Decimal]] = []
    earlier: list[tuple[int, Decimal]] = []
    for month in months:
        count = int(month.get("invoicesSettled") or 0)
        late = Decimal(str(month.get("averageDaysLate") or 0))
        (recent if str(month["month"]) >= first_recent else earlier).append((count, late))

    recent_average = _weighted(recent)
    earlier_average = _weighted(earlier)
    direction = "unknown"
    if recent_average is not None and earlier_average is not None:
        change = recent_average - earlier_average
        if change <= -_TREND_THRESHOLD_DAYS:
            direction = "improving"
        elif change >= _TREND_THRESHOLD_DAYS:
            direction = "worsening"
        else:
            direction = "steady"
    return {
        "recentQuarterAverageDaysLate": _none_or_plain(recent_average),
        "recentQuarterInvoices": sum(count for count, _ in recent),
        "earlierAverageDaysLate": _none_or_plain(earlier_average),
        "earlierInvoices": sum(count for count, _ in earlier),
        "direction": direction,
    }


def _weighted(pairs: list[tuple[int, Decimal]]) -> Decimal | None:
    invoices = sum(count for count, _ in pairs)
    if invoices == 0:
        return None
    total = sum((late * count for count, late in pairs), Decimal(0))
    return (total / invoices).quantize(_ONE_DECIMAL, ROUND_HALF_UP)


def _decimal_text(value: object, quantum: Decimal) -> str | None:
    if value is None:
        return None
    return _plain(Decimal(str(value)).quantize(quantum, ROUND_HALF_UP))


def _none_or_plain(value: Decimal | None) -> str | None:
    return None if value is None else _plain(value)


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: ``66.70`` → ``66.7``, ``50.00`` → ``50``."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _collect_strings(value: Any, found: list[str]) -> None:
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_strings(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_strings(item, found)
