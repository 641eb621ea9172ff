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
     openActivities: {count, overdueCount, next: [{type, purpose, end}]},
     customer: {name, contactName}}

where ``invoice`` is ``{id, dueDate, currency, openAmount, accountingOpenAmount,
collectionStatus, promiseDate}``.

The as-of date and days past due are left out on purpose: they change every day, and the
facts hash must change only when something the text says changes, so that the nightly job
regenerates only the customers whose situation moved. Texts speak of due dates instead.

``customer`` holds the text a customer or agent controls (names, activity purposes are in
``openActivities``); prompts pass it as delimited data, never as instructions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

JsonObject = dict[str, Any]

FACTS_VERSION = 1
DEFAULT_LISTED = 5


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
        raise NotImplementedError

    def figures_json(self) -> str:
        """The document without customer-controlled text, for the prompt's figures part."""
        raise NotImplementedError

    def untrusted_json(self) -> str:
        """Customer- and agent-controlled text (names, purposes) as escaped JSON data.

        ``<`` and ``>`` are escaped so the data cannot close the delimiters around it.
        """
        raise NotImplementedError


def build_facts(details: JsonObject, listed: int = DEFAULT_LISTED) -> Facts:
    """Build the facts of a customer details document (``shared.customer_details``).

    ``listed`` bounds each invoice list; the rest are counted and totalled.
    """
    raise NotImplementedError


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no insignificant spaces, non-ASCII kept as is."""
    raise NotImplementedError
