"""Reminder emails end to end: the confirmed request, the draft, its hand-off and its record.

``create_reminder`` is what the HTTP function calls for an agent or a workflow:

1. the caller must have confirmed that the draft is created with AI and must be reviewed;
   without it the answer is a 428 problem that carries the confirmation text to show;
2. the customer's details of the company's today give the overdue invoices; with nothing to
   ask for (nothing overdue, or everything overdue disputed) there is no draft, only a 409
   that says so;
3. a workflow within the quiet days after its last draft for the customer gets a 409 too, so
   two runs on one day never remind a customer twice;
4. the subject, opening and closing come from ``generate_text`` (cache, model writer, guard,
   one retry, template fallback, audit record); the rest of the letter is written from the
   facts by ``shared.reminder_email``;
5. the draft is recorded (who asked, that they confirmed, channel, tone, source, facts hash)
   without its text or address, and a workflow draft starts the customer's quiet days.

``due_reminders`` lists the customers a workflow should remind today.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from shared.customer_view import company_today, customer_details, require_company
from shared.generated_text import GeneratedText, generate_text
from shared.mail_handoff import eml_file_name, eml_message, mailto_link, safe_address
from shared.model_writer import ModelWriter
from shared.money import format_amount
from shared.problems import ConfirmationRequired, FieldError, InvalidRequest, NothingToRemind
from shared.reminder_email import ReminderDraft, compose_draft, reminder_facts, reminder_task
from shared.reminder_schedule import (
    DRAFT_PREFIX,
    Overdue,
    RecentlyReminded,
    ReminderSchedule,
    Tone,
    due_customers,
    last_workflow_reminder,
    last_workflow_reminders,
    mark_workflow_reminder,
    overdue_of,
)
from shared.settings import Settings
from shared.stores.base import DocumentKind, JsonObject, LedgerStore
from shared.template_writer import SUPPORTED_LANGUAGES, text_language

logger = logging.getLogger(__name__)

CONFIRMATION_TEXT = (
    "A reminder email will be created with AI. Make sure AI-generated content is complete, "
    "accurate, and appropriate before using. Do you want to create the email?"
)
DISCLAIMER = (
    "AI-generated content may be incorrect. Make sure this email is complete, accurate, and "
    "appropriate before you send it."
)

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_MAX_REQUESTED_BY = 200

_E = TypeVar("_E", bound=StrEnum)


class Channel(StrEnum):
    """Who receives the draft: an agent reviewing it, or a workflow sending it."""

    AGENT = "agent"
    WORKFLOW = "workflow"


@dataclass(frozen=True, slots=True)
class ReminderRequest:
    """A reminder request as the caller sent it, checked field by field."""

    confirmed: bool
    language: str | None = None
    tone: Tone | None = None
    requested_by: str | None = None
    channel: Channel = Channel.AGENT

    @classmethod
    def from_json(
        cls, body: JsonObject, principal: str | None = None, key_auth: bool = False
    ) -> ReminderRequest:
        """Read the body; ``principal`` is the signed-in user, ``key_auth`` a function key.

        The signed-in user's name wins over a ``requestedBy`` in the body, which anyone can
        write. Without a ``channel``, a call with a function key is taken for a workflow.
        """
        errors: list[FieldError] = []
        confirmed = body.get("confirmed", False)
        if not isinstance(confirmed, bool):
            errors.append(FieldError("confirmed", "must be true or false"))

        language = body.get("language")
        if language is not None:
            if not isinstance(language, str) or not _LANGUAGE_TAG.match(language):
                errors.append(FieldError("language", "must be a language tag such as 'de-CH'"))
            elif text_language(language) != language.split("-", 1)[0].lower():
                errors.append(
                    FieldError(
                        "language", f"must be one of {', '.join(SUPPORTED_LANGUAGES)} or a variant"
                    )
                )

        tone = _enum_field(body, "tone", Tone, errors)
        channel = _enum_field(body, "channel", Channel, errors)

        requested_by = body.get("requestedBy")
        if requested_by is not None and (
            not isinstance(requested_by, str) or len(requested_by) > _MAX_REQUESTED_BY
        ):
            errors.append(FieldError("requestedBy", "must be a name of at most 200 characters"))

        if errors:
            raise InvalidRequest("The reminder request has invalid values.", errors)
        return cls(
            confirmed=confirmed is True,
            language=language,
            tone=tone,
            requested_by=(principal or requested_by or None),
            channel=channel or (Channel.WORKFLOW if key_auth else Channel.AGENT),
        )


def _enum_field(body: JsonObject, name: str, kind: type[_E], errors: list[FieldError]) -> _E | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        errors.append(FieldError(name, f"must be one of {allowed}"))
        return None


def create_reminder(
    store: LedgerStore,
    settings: Settings,
    company_id: str,
    account: str,
    request: ReminderRequest,
    now: datetime,
    writer: ModelWriter | None,
) -> JsonObject:
    """The draft for one customer as the HTTP contract answers it."""
    if not request.confirmed:
        raise ConfirmationRequired(
            "Confirm that the email is created with AI and must be reviewed: send "
            '"confirmed": true after showing the confirmation text.',
            extra={"confirmationText": CONFIRMATION_TEXT},
        )

    company = require_company(store, company_id)
    details = customer_details(store, company.id, account, None, settings, now)
    overdue = overdue_of(details)
    _require_something_to_ask(overdue, account)

    schedule = ReminderSchedule.from_settings(settings)
    if request.channel is Channel.WORKFLOW:
        _require_quiet_days_over(store, company.id, account, overdue, schedule)

    # The letter's language: the one asked for, else the customer's, else English.
    language = _letter_language(request.language or str(details.get("language") or ""))
    tone = request.tone or overdue.tone(schedule.tones)
    facts = reminder_facts(details, overdue, company.name, language)
    text = generate_text(
        store, reminder_task(tone), facts, language, writer, now, options={"tone": tone.value}
    )
    draft = compose_draft(facts, overdue, text.fields, language)

    draft_key = _record(store, company.id, account, request, overdue, tone, text, now)
    if request.channel is Channel.WORKFLOW:
        mark_workflow_reminder(store, company.id, account, overdue.as_of, draft_key)
    logger.info(
        "Reminder draft for %s/%s: tone %s, language %s, source %s, channel %s",
        company.id,
        account,
        tone.value,
        language,
        text.source,
        request.channel.value,
    )
    return _answer(details, overdue, draft, tone, language, text, now)


def _require_something_to_ask(overdue: Overdue, account: str) -> None:
    if not overdue.has_nothing_to_ask():
        return
    if overdue.disputed:
        raise NothingToRemind(
            f"Customer {account!r} has nothing overdue to remind them of: every overdue "
            "invoice is disputed and under review. No email was created."
        )
    raise NothingToRemind(
        f"Customer {account!r} has nothing overdue to remind them of as of "
        f"{overdue.as_of.isoformat()}. No email was created."
    )


def _require_quiet_days_over(
    store: LedgerStore, company: str, account: str, overdue: Overdue, schedule: ReminderSchedule
) -> None:
    last = last_workflow_reminder(store, company, account)
    if last is None or overdue.as_of >= schedule.quiet_until(last):
        return
    raise RecentlyReminded(
        f"Customer {account!r} was handed to a workflow on {last.isoformat()}; the next "
        f"workflow reminder is due on {schedule.quiet_until(last).isoformat()} at the "
        "earliest. No email was created.",
        extra={
            "lastReminder": last.isoformat(),
            "nextReminder": schedule.quiet_until(last).isoformat(),
        },
    )


def _letter_language(tag: str) -> str:
    """The tag itself when its language is supported (``de-CH``), else English."""
    cleaned = tag.strip().replace("_", "-")
    if _LANGUAGE_TAG.match(cleaned) and text_language(cleaned) == cleaned.split("-")[0].lower():
        return cleaned
    return text_language(None)


def _record(
    store: LedgerStore,
    company: str,
    account: str,
    request: ReminderRequest,
    overdue: Overdue,
    tone: Tone,
    text: GeneratedText,
    now: datetime,
) -> str:
    """Record who asked for which draft; the text and the address stay out of the record."""
    key = f"{DRAFT_PREFIX}{account}:{now.isoformat()}:{uuid.uuid4().hex[:8]}"
    record: JsonObject = {
        "account": account,
        "asOf": overdue.as_of.isoformat(),
        "createdAt": now.isoformat(),
        "requestedBy": request.requested_by,
        "confirmed": True,
        "channel": request.channel.value,
        "tone": tone.value,
        "language": text.language,
        "source": text.source,
        "reason": text.reason,
        "factsHash": text.facts_hash,
        "promptVersion": text.prompt_version,
        "model": text.model,
        "invoices": [invoice.id for invoice in overdue.asked],
        "disputed": [invoice.id for invoice in overdue.disputed],
    }
    store.put_documents(company, DocumentKind.REMINDER, [(key, record)])
    return key


def _answer(
    details: JsonObject,
    overdue: Overdue,
    draft: ReminderDraft,
    tone: Tone,
    language: str,
    text: GeneratedText,
    now: datetime,
) -> JsonObject:
    to = safe_address(details.get("email")) or ""
    contact = details.get("contactName") or details.get("name") or None
    link = mailto_link(to, draft.subject, draft.body_text, draft.shortened_note)
    totals = [
        {"currency": currency, "amount": format_amount(amount, currency)}
        for currency, amount in overdue.totals().items()
    ]
    return {
        "company": details["company"],
        "account": details["account"],
        "asOf": overdue.as_of.isoformat(),
        "to": to,
        "toName": contact,
        "subject": draft.subject,
        "bodyText": draft.body_text,
        "bodyHtml": draft.body_html,
        "mailto": link.url,
        "mailtoShortened": link.shortened,
        "eml": eml_message(to, contact, draft.subject, draft.body_text, draft.body_html, now),
        "emlFileName": eml_file_name(str(details["account"]), overdue.as_of),
        "invoices": [
            {
                "id": invoice.id,
                "date": invoice.date.isoformat(),
                "dueDate": invoice.due_date.isoformat(),
                "currency": invoice.currency,
                "openAmount": format_amount(invoice.open_amount, invoice.currency),
                "daysPastDue": invoice.days_past_due,
                "promiseDate": _optional_date(invoice.open_promise),
            }
            for invoice in overdue.asked
        ],
        "disputedInvoices": [
            {
                "id": invoice.id,
                "currency": invoice.currency,
                "openAmount": format_amount(invoice.open_amount, invoice.currency),
            }
            for invoice in overdue.disputed
        ],
        "totals": totals,
        "tone": tone.value,
        "language": language,
        "source": text.source,
        "reason": text.reason,
        "generatedAt": text.generated_at,
        "disclaimer": DISCLAIMER,
    }


def _optional_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def due_reminders(
    store: LedgerStore, settings: Settings, company_id: str, now: datetime
) -> JsonObject:
    """The customers a workflow should remind on the company's today, most overdue first.

    A customer without a usable email address cannot be reminded by a workflow; it is listed
    under ``skipped`` so that someone can add the address.
    """
    company = require_company(store, company_id)
    as_of = company_today(company, now)
    schedule = ReminderSchedule.from_settings(settings)
    details = {
        customer.account: customer_details(store, company.id, customer.account, None, settings, now)
        for customer in store.iter_customers(company.id)
    }
    due = due_customers(details.values(), last_workflow_reminders(store, company.id), schedule)

    customers: list[JsonObject] = []
    skipped: list[JsonObject] = []
    for entry in due:
        to = safe_address(details[entry.account].get("email"))
        if to is None:
            skipped.append({"account": entry.account, "name": entry.name, "reason": "no_email"})
            continue
        customers.append(
            {
                "account": entry.account,
                "name": entry.name,
                "to": to,
                "tone": entry.tone.value,
                "oldestDaysPastDue": entry.oldest_days_past_due,
                "invoices": entry.invoices,
                "totals": [
                    {"currency": currency, "amount": format_amount(amount, currency)}
                    for currency, amount in entry.totals.items()
                ],
                "lastWorkflowReminder": _optional_date(entry.last_workflow_reminder),
            }
        )
    logger.info(
        "Reminders due for %s on %s: %s, %s skipped",
        company.id,
        as_of.isoformat(),
        len(customers),
        len(skipped),
    )
    return {
        "company": company.id,
        "asOf": as_of.isoformat(),
        "customers": customers,
        "skipped": skipped,
    }
