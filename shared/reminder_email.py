"""The reminder email: a draft collection letter written from a customer's facts.

A draft has a subject, a plain-text body and an HTML body. Only three parts are phrased, by the
model writer or the template writer (``prompts/reminder.v1.*``): the subject, the opening
paragraph and the closing paragraph, in the tone the account's lateness calls for. Everything
that states a figure is written by this module from the facts, so the model cannot change it:

- the greeting, to the collections contact (or the customer) by name;
- the overdue invoices asked for, oldest first: number, invoice date, due date, days overdue
  and open amount in the invoice's own currency, then the total per currency;
- an open promise to pay, acknowledged with its date;
- disputed invoices, left out of what is asked for and mentioned as under review;
- the sign-off with the company's name.

The HTML body is safe to send as it is: every value in it, phrased or written, passes through
``html.escape``, and it holds no script, link or remote image. The subject is one line: line
breaks and control characters a name or a model could bring in are removed, so it cannot add
a mail header.

The facts document of a reminder has the shape the guard reads (see ``shared.facts``)::

    {factsVersion, task: "reminder", company, account, currency, language,
     invoices: [{id, date, dueDate, currency, openAmount, promiseDate?}],
     totals: [{currency, amount}],
     disputed: [{id, dueDate, currency, openAmount}],
     untrusted: {customerName, contactName, companyName}}

Days past due are not part of it: they change every day while the text does not need to, so
a stored text stays good for the same invoices (the tone, which does follow the days, is part
of the cache key as a task option).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.facts import FACTS_VERSION, UNTRUSTED, Facts, facts_hash
from shared.generated_text import TextTask
from shared.guard import GuardPolicy, PolicyTopic
from shared.mail_handoff import safe_header
from shared.money import format_amount
from shared.reminder_schedule import Overdue, OverdueInvoice, Tone
from shared.stores.base import DocumentKind
from shared.template_writer import LocaleText, load_template, text_locale

JsonObject = dict[str, Any]

REMINDER_TEMPLATE = "reminder.v1"
PHRASED_FIELDS = ("subject", "opening", "closing")
MAX_SUBJECT_LENGTH = 200

_BODY_STYLE = "font-family: Arial, Helvetica, sans-serif; font-size: 14px; color: #1f1f1f;"
_CELL_STYLE = "padding: 4px 12px 4px 0; border-bottom: 1px solid #d0d0d0;"


def reminder_facts(
    details: JsonObject, overdue: Overdue, company_name: str, language: str
) -> Facts:
    """The facts of a reminder from a customer details document and its overdue invoices."""
    document: JsonObject = {
        "factsVersion": FACTS_VERSION,
        "task": "reminder",
        "company": details["company"],
        "account": details["account"],
        "currency": details["currency"],
        "language": language,
        "invoices": [_invoice_fact(invoice) for invoice in overdue.asked],
        "totals": [
            {"currency": currency, "amount": format_amount(amount, currency)}
            for currency, amount in overdue.totals().items()
        ],
        "disputed": [
            {
                "id": invoice.id,
                "dueDate": invoice.due_date.isoformat(),
                "currency": invoice.currency,
                "openAmount": format_amount(invoice.open_amount, invoice.currency),
            }
            for invoice in overdue.disputed
        ],
        UNTRUSTED: {
            "customerName": details.get("name") or "",
            "contactName": details.get("contactName") or "",
            "companyName": company_name,
        },
    }
    return Facts(document, facts_hash(document))


def _invoice_fact(invoice: OverdueInvoice) -> JsonObject:
    fact: JsonObject = {
        "id": invoice.id,
        "date": invoice.date.isoformat(),
        "dueDate": invoice.due_date.isoformat(),
        "currency": invoice.currency,
        "openAmount": format_amount(invoice.open_amount, invoice.currency),
    }
    if invoice.open_promise is not None:
        fact["promiseDate"] = invoice.open_promise.isoformat()
    return fact


def write_reminder(
    facts: Facts, language: str, options: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The template writer of the reminder: subject, opening and closing in the tone asked.

    The phrases name no figure, so the template passes the guard whatever the facts hold.
    """
    tone = Tone((options or {}).get("tone") or Tone.FRIENDLY)
    words = load_template(REMINDER_TEMPLATE, language)
    return {
        "subject": str(words["subject"][tone]).format(account=facts.account),
        "opening": str(words["opening"][tone]),
        "closing": str(words["closing"][tone]),
    }


def reminder_task(tone: Tone) -> TextTask:
    """The reminder task: prompt ``reminder.v1``, the phrased parts of the letter.

    The phrased parts need no figure of their own; the guard still checks every amount, date
    and invoice number a model writes into them against the facts. No promise, threat or fee
    is allowed in any tone; a final reminder may speak of urgency ("final reminder",
    "immediately"), but an invented date or number of days still fails the figure check.
    """
    allowed = frozenset({PolicyTopic.DEADLINE}) if tone is Tone.FINAL else frozenset()
    return TextTask(
        name="reminder",
        prompt_version=REMINDER_TEMPLATE.split(".", 1)[1],
        schema={
            "type": "object",
            "properties": {name: {"type": "string"} for name in PHRASED_FIELDS},
            "required": list(PHRASED_FIELDS),
            "additionalProperties": False,
        },
        policy=GuardPolicy(
            text_fields=PHRASED_FIELDS, allowed_topics=allowed, min_words=3, max_words=90
        ),
        template=write_reminder,
        kind=DocumentKind.REMINDER,
        max_output_tokens=500,
    )


@dataclass(frozen=True, slots=True)
class ReminderDraft:
    """The draft as the agent or a workflow receives it.

    ``shortened_note`` is the sentence, in the draft's language, that ends a body cut short
    to fit in a ``mailto:`` link.
    """

    subject: str
    body_text: str
    body_html: str
    shortened_note: str


def compose_draft(
    facts: Facts, overdue: Overdue, phrased: Mapping[str, str], language: str
) -> ReminderDraft:
    """Put the phrased parts and the figures together into the subject and both bodies."""
    letter = _Letter(facts, overdue, phrased, language)
    return ReminderDraft(
        subject=letter.subject,
        body_text=letter.text(),
        body_html=letter.html(),
        shortened_note=letter.say("shortened"),
    )


class _Letter:
    """The parts of one letter, formatted once and written out as text and as HTML."""

    def __init__(
        self, facts: Facts, overdue: Overdue, phrased: Mapping[str, str], language: str
    ) -> None:
        self.language = language
        self.words = load_template(REMINDER_TEMPLATE, language)
        self.fmt = LocaleText(text_locale(language))
        untrusted = facts.document[UNTRUSTED]
        self.company_name = safe_header(str(untrusted.get("companyName") or ""))
        self.addressee = safe_header(
            str(untrusted.get("contactName") or untrusted.get("customerName") or "")
        )
        self.subject = safe_header(phrased["subject"])[:MAX_SUBJECT_LENGTH].rstrip()
        self.opening = phrased["opening"].strip()
        self.closing = phrased["closing"].strip()
        self.invoices = overdue.asked
        self.totals = overdue.totals()
        self.disputed = overdue.disputed

    def say(self, key: str, **values: str) -> str:
        return str(self.words[key]).format(**values)

    # The parts written from the figures.

    def greeting(self) -> str:
        return self.say("greeting", name=self.addressee)

    def days(self, invoice: OverdueInvoice) -> str:
        forms = self.words["days"]
        return self.fmt.plural(invoice.days_past_due, forms).format(
            n=self.fmt.number(invoice.days_past_due)
        )

    def amount(self, invoice: OverdueInvoice) -> str:
        return self.fmt.amount(
            format_amount(invoice.open_amount, invoice.currency), invoice.currency
        )

    def invoice_line(self, invoice: OverdueInvoice) -> str:
        return self.say(
            "invoiceLine",
            id=invoice.id,
            date=self.fmt.date(invoice.date.isoformat()),
            dueDate=self.fmt.date(invoice.due_date.isoformat()),
            amount=self.amount(invoice),
            days=self.days(invoice),
        )

    def total_lines(self) -> list[str]:
        # One currency needs no label; several are listed each in their own currency, never
        # converted or added up across currencies.
        several = len(self.totals) > 1
        return [
            self.say(
                "totalIn" if several else "total",
                currency=currency,
                amount=self.fmt.amount(format_amount(amount, currency), currency),
            )
            for currency, amount in self.totals.items()
        ]

    def notes(self) -> list[str]:
        promises = [
            self.say("promise", id=invoice.id, date=self.fmt.date(invoice.open_promise.isoformat()))
            for invoice in self.invoices
            if invoice.open_promise is not None
        ]
        reviews = [
            self.say("disputed", id=invoice.id, amount=self.amount(invoice))
            for invoice in self.disputed
        ]
        return promises + reviews

    def sign_off(self) -> list[str]:
        return (
            [self.say("signOff"), self.company_name] if self.company_name else [self.say("signOff")]
        )

    # The two bodies.

    def text(self) -> str:
        lines = [self.greeting(), "", self.opening, "", self.say("listIntro")]
        lines += [f"- {self.invoice_line(invoice)}" for invoice in self.invoices]
        lines += ["", *self.total_lines()]
        for note in self.notes():
            lines += ["", note]
        lines += ["", self.closing, "", *self.sign_off()]
        return "\n".join(lines) + "\n"

    def html(self) -> str:
        columns = self.words["columns"]
        header = "".join(
            _cell("th", str(columns[key]), right=key in ("daysOverdue", "openAmount"))
            for key in ("invoice", "date", "dueDate", "daysOverdue", "openAmount")
        )
        rows = "".join(
            "<tr>"
            + _cell("td", invoice.id)
            + _cell("td", self.fmt.date(invoice.date.isoformat()))
            + _cell("td", self.fmt.date(invoice.due_date.isoformat()))
            + _cell("td", self.fmt.number(invoice.days_past_due), right=True)
            + _cell("td", self.amount(invoice), right=True)
            + "</tr>\n"
            for invoice in self.invoices
        )
        totals = "".join(
            f"<p><strong>{_escape(line)}</strong></p>\n" for line in self.total_lines()
        )
        notes = "".join(_paragraph(note) for note in self.notes())
        sign_off = "<br>\n".join(_escape(line) for line in self.sign_off())
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{_escape(self.language)}">\n'
            '<head><meta charset="utf-8">'
            f"<title>{_escape(self.subject)}</title></head>\n"
            f'<body style="{_BODY_STYLE}">\n'
            f"{_paragraph(self.greeting())}"
            f"{_paragraph(self.opening)}"
            f"{_paragraph(self.say('listIntro'))}"
            '<table style="border-collapse: collapse;">\n'
            f"<thead><tr>{header}</tr></thead>\n"
            f"<tbody>\n{rows}</tbody>\n"
            "</table>\n"
            f"{totals}{notes}{_paragraph(self.closing)}"
            f"<p>{sign_off}</p>\n"
            "</body>\n</html>\n"
        )


def _escape(value: str) -> str:
    return html.escape(value, quote=True)


def _paragraph(text: str) -> str:
    # A phrased paragraph may hold line breaks; they stay line breaks, escaped like the rest.
    lines = [_escape(line) for line in text.splitlines()]
    return f"<p>{'<br>'.join(lines)}</p>\n"


def _cell(tag: str, value: str, right: bool = False) -> str:
    align = "right" if right else "left"
    return f'<{tag} style="{_CELL_STYLE} text-align: {align};">{_escape(value)}</{tag}>'
