"""The reminder draft from the template writer: what it asks for, in which tone and language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.ledger import CollectionStatus
from shared.reminder_email import ReminderDraft, compose_draft, reminder_facts, write_reminder
from shared.reminder_schedule import ReminderSchedule, Tone, ToneThresholds, overdue_of
from tests.reminders.reminder_samples import AS_OF, COMPANY, details, invoice, two_currencies

NNBSP = "\u202f"
NBSP = "\xa0"


def draft_for(
    document: dict[str, Any], language: str = "en", tone: Tone | None = None
) -> ReminderDraft:
    overdue = overdue_of(document)
    facts = reminder_facts(document, overdue, COMPANY.name, language)
    chosen = tone or overdue.tone(ReminderSchedule().tones)
    phrased = write_reminder(facts, language, {"tone": chosen.value})
    return compose_draft(facts, overdue, phrased, language)


def test_several_overdue_invoices_in_two_currencies_are_listed_oldest_first() -> None:
    draft = draft_for(details(two_currencies()))

    lines = draft.body_text.splitlines()
    listed = [line for line in lines if line.startswith("- Invoice")]
    assert listed == [
        "- Invoice INV-1001 of January 15, 2025, due February 14, 2025: €1,200.00 "
        "(45 days overdue)",
        "- Invoice INV-2001 of February 9, 2025, due March 11, 2025: $1,000.00 (20 days overdue)",
        "- Invoice INV-1002 of February 17, 2025, due March 19, 2025: €850.25 (12 days overdue)",
    ]
    # Each currency keeps its own total; nothing is converted or added across currencies.
    assert "Total overdue in EUR: €2,050.25" in lines
    assert "Total overdue in USD: $1,000.00" in lines
    assert "INV-1003" not in draft.body_text

    for cell in ("INV-1001", "January 15, 2025", "February 14, 2025", "45", "€1,200.00"):
        assert f">{cell}</td>" in draft.body_html
    assert "Total overdue in USD: $1,000.00" in draft.body_html


def test_one_currency_has_one_plain_total() -> None:
    draft = draft_for(details([invoice("INV-1", 5, "10.00"), invoice("INV-2", 3, "2.50")]))

    assert "Total overdue: €12.50" in draft.body_text.splitlines()
    assert "1 day" not in draft.body_text
    assert "(5 days overdue)" in draft.body_text


def test_a_single_day_overdue_is_singular() -> None:
    draft = draft_for(details([invoice("INV-1", 1, "10.00")]))

    assert "(1 day overdue)" in draft.body_text


def test_a_disputed_invoice_is_left_out_of_the_request_and_mentioned_as_under_review() -> None:
    document = details(
        [
            invoice("INV-1", 40, "500.00"),
            invoice("INV-2", 50, "3400.50", status=CollectionStatus.DISPUTED),
        ]
    )
    overdue = overdue_of(document)
    draft = draft_for(document)

    assert [i.id for i in overdue.asked] == ["INV-1"]
    assert not any(line.startswith("- Invoice INV-2") for line in draft.body_text.splitlines())
    assert "Total overdue: €500.00" in draft.body_text
    assert (
        "Invoice INV-2 (€3,400.50) is under review following your query and is not part of "
        "this reminder."
    ) in draft.body_text
    assert ">INV-2</td>" not in draft.body_html
    assert "INV-2 (€3,400.50) is under review" in draft.body_html
    # The tone follows the invoices asked for, not the older disputed one.
    assert overdue.tone(ToneThresholds()) is Tone.FIRM


def test_an_open_promise_to_pay_is_acknowledged() -> None:
    promised = AS_OF + timedelta(days=10)
    draft = draft_for(
        details(
            [
                invoice("INV-1", 20, "100.00"),
                invoice("INV-2", 15, "200.00", status=CollectionStatus.PROMISED_TO_PAY,
                        promise=promised),
            ]
        )
    )  # fmt: skip

    assert (
        "Thank you for your promise to pay invoice INV-2 by April 10, 2025; we have noted it."
        in draft.body_text
    )
    assert "- Invoice INV-2" in draft.body_text
    assert "Total overdue: €300.00" in draft.body_text


def test_a_promise_whose_date_has_passed_is_not_acknowledged() -> None:
    draft = draft_for(
        details(
            [invoice("INV-2", 15, "200.00", status=CollectionStatus.PROMISED_TO_PAY,
                     promise=AS_OF - timedelta(days=1))]
        )
    )  # fmt: skip

    assert "promise" not in draft.body_text
    assert "- Invoice INV-2" in draft.body_text


@pytest.mark.parametrize(
    "transactions",
    [
        [],
        [invoice("INV-1", 0, "100.00"), invoice("INV-2", -10, "50.00")],
        [invoice("INV-3", 30, "75.00", status=CollectionStatus.DISPUTED)],
    ],
    ids=["no-invoices", "due-today-or-later", "only-disputed"],
)
def test_nothing_to_ask_for(transactions: list[Any]) -> None:
    overdue = overdue_of(details(transactions))

    assert overdue.has_nothing_to_ask()
    assert overdue.totals() == {}


@pytest.mark.parametrize(
    ("days", "tone", "subject"),
    [
        (1, Tone.FRIENDLY, "Friendly reminder: overdue invoices on account K-100"),
        (30, Tone.FRIENDLY, "Friendly reminder: overdue invoices on account K-100"),
        (31, Tone.FIRM, "Payment reminder: overdue invoices on account K-100"),
        (60, Tone.FIRM, "Payment reminder: overdue invoices on account K-100"),
        (61, Tone.FINAL, "Final reminder: overdue invoices on account K-100"),
    ],
)
def test_each_tone_threshold(days: int, tone: Tone, subject: str) -> None:
    document = details([invoice("INV-1", days, "100.00"), invoice("INV-2", 1, "5.00")])

    assert overdue_of(document).tone(ToneThresholds(30, 60)) is tone
    draft = draft_for(document)
    assert draft.subject == subject


def test_configured_thresholds_move_the_tones() -> None:
    thresholds = ToneThresholds(10, 20)

    assert [thresholds.tone_for(d) for d in (10, 11, 20, 21)] == [
        Tone.FRIENDLY,
        Tone.FIRM,
        Tone.FIRM,
        Tone.FINAL,
    ]
    with pytest.raises(ValueError, match="increasing"):
        ToneThresholds(20, 20)


def test_the_tone_can_be_asked_for() -> None:
    draft = draft_for(details([invoice("INV-1", 5, "100.00")]), tone=Tone.FINAL)

    assert draft.subject.startswith("Final reminder")
    assert "without further delay" in draft.body_text


def test_a_german_customer_gets_a_german_letter() -> None:
    draft = draft_for(details(two_currencies(), language="de-DE"), language="de-DE")

    assert draft.subject == "Zahlungserinnerung: überfällige Rechnungen zum Konto K-100"
    lines = draft.body_text.splitlines()
    assert lines[0] == "Guten Tag Jana Roth,"
    assert (
        f"- Rechnung INV-1001 vom 15. Januar 2025, fällig am 14. Februar 2025: "
        f"1.200,00{NBSP}€ (45 Tage überfällig)"
    ) in lines
    assert f"Überfällig insgesamt in EUR: 2.050,25{NBSP}€" in lines
    assert f"Überfällig insgesamt in USD: 1.000,00{NBSP}$" in lines
    assert lines[-2:] == ["Mit freundlichen Grüßen", "Contoso Supplies"]
    assert '<html lang="de-DE">' in draft.body_html
    assert ">Offener Betrag</th>" in draft.body_html


def test_a_french_customer_gets_a_french_letter() -> None:
    promised = AS_OF + timedelta(days=3)
    document = details(
        [
            invoice("F-1", 70, "1234.50"),
            invoice("F-2", 10, "99.00", status=CollectionStatus.PROMISED_TO_PAY, promise=promised),
            invoice("F-3", 10, "40.00", status=CollectionStatus.DISPUTED),
        ],
        language="fr",
    )
    draft = draft_for(document, language="fr")

    assert draft.subject == "Dernier rappel : factures échues sur le compte K-100"
    lines = draft.body_text.splitlines()
    assert lines[0] == "Bonjour Jana Roth,"
    assert (
        f"- Facture F-1 du 21 décembre 2024, échue le 20 janvier 2025 : "
        f"1{NNBSP}234,50{NBSP}€ (70 jours de retard)"
    ) in lines
    assert f"Total échu : 1{NNBSP}333,50{NBSP}€" in lines
    assert "Merci pour votre engagement de régler la facture F-2 d'ici le 3 avril 2025" in (
        draft.body_text
    )
    assert f"La facture F-3 (40,00{NBSP}€) est en cours d'examen" in draft.body_text


def test_html_in_names_and_invoice_numbers_is_escaped() -> None:
    hostile = "<script>alert('x')</script> & \"Sons\""
    document = details(
        [invoice("INV-<img src=x onerror=alert(1)>", 40, "100.00")],
        name=hostile,
        contact=None,
    )
    draft = draft_for(document)

    assert "<script" not in draft.body_html
    assert "<img" not in draft.body_html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Sons&quot;" in (
        draft.body_html
    )
    assert "INV-&lt;img src=x onerror=alert(1)&gt;" in draft.body_html
    # The plain text is plain: the name stands as written.
    assert draft.body_text.startswith(f"Dear {hostile},")


def test_line_breaks_cannot_reach_the_subject() -> None:
    document = details([invoice("INV-1", 40, "100.00")], account="K-1\r\nBcc: evil@example.com")
    overdue = overdue_of(document)
    facts = reminder_facts(document, overdue, COMPANY.name, "en")
    phrased = {
        "subject": "Reminder\r\nBcc: evil@example.com\nX-Header: 1",
        "opening": "Opening line.",
        "closing": "Closing line.",
    }
    draft = compose_draft(facts, overdue, phrased, "en")

    assert "\r" not in draft.subject and "\n" not in draft.subject
    assert draft.subject == "Reminder Bcc: evil@example.com X-Header: 1"
    template_subject = draft_for(document).subject
    assert "\r" not in template_subject and "\n" not in template_subject
    assert template_subject.endswith("K-1 Bcc: evil@example.com")
