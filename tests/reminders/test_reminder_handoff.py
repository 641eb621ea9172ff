"""Handing the draft to a mail client: the mailto link and the .eml file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from urllib.parse import parse_qs, unquote, urlsplit

from shared.mail_handoff import (
    MAILTO_LIMIT,
    eml_file_name,
    eml_message,
    mailto_link,
    safe_address,
    safe_header,
)
from shared.reminder_email import compose_draft, reminder_facts, write_reminder
from shared.reminder_schedule import overdue_of
from tests.reminders.reminder_samples import COMPANY, details, invoice

CREATED = datetime(2025, 3, 31, 9, 30, tzinfo=UTC)
NOTE = "[shortened]"


def read_mailto(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    query = parse_qs(parts.query, keep_blank_values=True)
    return unquote(parts.path), query["subject"][0], query["body"][0]


def parse_eml(text: str) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(text.encode("ascii"))


def test_a_short_draft_travels_whole_and_encoded() -> None:
    link = mailto_link("ap@example.com", "Reminder & more?", "Dear Jana,\n\n100 % = €5 #1", NOTE)

    assert not link.shortened
    assert link.url.startswith("mailto:ap@example.com?subject=Reminder%20%26%20more%3F&body=")
    # RFC 6068: spaces as %20, never "+"; line breaks as CRLF.
    assert "+" not in link.url
    assert "%0D%0A%0D%0A100%20%25%20%3D%20%E2%82%AC5%20%231" in link.url
    to, subject, body = read_mailto(link.url)
    assert (to, subject) == ("ap@example.com", "Reminder & more?")
    assert body == "Dear Jana,\r\n\r\n100 % = €5 #1"


def test_a_body_too_long_for_a_link_is_shortened_and_says_so() -> None:
    invoices = [invoice(f"INV-{n:04d}", 40 + n, "1234.56") for n in range(60)]
    document = details(invoices, language="de")
    overdue = overdue_of(document)
    facts = reminder_facts(document, overdue, COMPANY.name, "de")
    draft = compose_draft(facts, overdue, write_reminder(facts, "de", {"tone": "final"}), "de")
    assert len(draft.body_text) > MAILTO_LIMIT

    link = mailto_link("ap@example.com", draft.subject, draft.body_text, draft.shortened_note)

    assert link.shortened
    assert len(link.url) <= MAILTO_LIMIT
    _, subject, body = read_mailto(link.url)
    assert subject == draft.subject
    assert body.endswith(
        "[Dieser Text wurde gekürzt, damit er in einen Mail-Link passt. Die vollständige E-Mail "
        "steht in der .eml-Datei.]"
    )
    kept = body.rsplit("\r\n\r\n", 1)[0].replace("\r\n", "\n")
    # What is kept is the beginning of the letter, cut at the end of a line.
    assert draft.body_text.startswith(kept + "\n")
    assert kept.splitlines()[-1].startswith("- Rechnung INV-")
    # The .eml file keeps every invoice.
    eml = parse_eml(eml_message("ap@example.com", "Jana", draft.subject, draft.body_text,
                                draft.body_html, CREATED))  # fmt: skip
    plain = eml.get_body(preferencelist=("plain",))
    assert plain is not None
    assert "INV-0059" in plain.get_content()


def test_the_link_uses_most_of_the_room() -> None:
    body = "\n".join(f"line {n} " + "x" * 40 for n in range(200))

    link = mailto_link("ap@example.com", "Subject", body, NOTE)

    assert link.shortened
    assert MAILTO_LIMIT - 120 < len(link.url) <= MAILTO_LIMIT


def test_an_absurd_subject_is_cut_too() -> None:
    link = mailto_link("ap@example.com", "Ü" * 2000, "body", NOTE)

    assert link.shortened
    assert len(link.url) <= MAILTO_LIMIT
    _, subject, body = read_mailto(link.url)
    assert subject and set(subject) == {"Ü"}
    assert body == NOTE


def test_a_recipient_must_be_one_plain_address() -> None:
    assert safe_address(" ap@example.com ") == "ap@example.com"
    for bad in (
        None,
        "",
        "not an address",
        "a@example.com, b@example.com",
        "a@example.com\r\nBcc: evil@example.com",
        "Jana <a@example.com>",
        "a@example.com;b@example.com",
        "a@localhost",
    ):
        assert safe_address(bad) is None, bad

    link = mailto_link("a@example.com\r\nBcc: evil@example.com", "S", "B", NOTE)
    assert link.url.startswith("mailto:?subject=S")


def test_headers_lose_line_breaks_and_control_characters() -> None:
    assert safe_header("Reminder\r\nBcc: x@example.com\u2028Y\tZ\x00") == (
        "Reminder Bcc: x@example.com Y Z"
    )


def test_the_eml_parses_into_the_same_subject_recipient_and_bodies() -> None:
    document = details(
        [invoice("INV-1", 40, "1234.50"), invoice("INV-<2>", 35, "10.00", currency="USD",
                                                  accounting="9.00")],
        language="fr",
        contact='Jana "Rôth", <script>',
    )  # fmt: skip
    overdue = overdue_of(document)
    facts = reminder_facts(document, overdue, COMPANY.name, "fr")
    draft = compose_draft(facts, overdue, write_reminder(facts, "fr", {"tone": "firm"}), "fr")

    text = eml_message(
        "ap@example.com", 'Jana "Rôth", <script>', draft.subject, draft.body_text,
        draft.body_html, CREATED,
    )  # fmt: skip
    assert text.isascii()
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    message = parse_eml(text)

    assert message["Subject"] == draft.subject
    addresses = message["To"].addresses
    assert [(a.display_name, a.addr_spec) for a in addresses] == [
        ('Jana "Rôth", <script>', "ap@example.com")
    ]
    assert message["X-Unsent"] == "1"
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    assert plain is not None and rich is not None
    # The file has CRLF line ends, as RFC 5322 asks; the parsed text is the same text.
    assert plain.get_content().replace("\r\n", "\n") == draft.body_text
    assert rich.get_content().replace("\r\n", "\n") == draft.body_html


def test_header_injection_does_not_reach_the_eml() -> None:
    text = eml_message(
        "ap@example.com",
        "Jana\r\nBcc: evil@example.com",
        "Reminder\r\nBcc: evil@example.com",
        "Body",
        "<p>Body</p>",
        CREATED,
    )
    message = parse_eml(text)

    assert message["Bcc"] is None
    assert message["Subject"] == "Reminder Bcc: evil@example.com"
    assert [a.addr_spec for a in message["To"].addresses] == ["ap@example.com"]


def test_a_draft_without_an_address_has_no_recipient() -> None:
    message = parse_eml(eml_message(None, "Jana", "S", "B", "<p>B</p>", CREATED))

    assert message["To"] is None


def test_the_file_name_is_safe_everywhere() -> None:
    assert eml_file_name("K-100", date(2025, 3, 31)) == "reminder-K-100-2025-03-31.eml"
    assert eml_file_name("../K 1/\\:*?", date(2025, 3, 31)) == "reminder-K-1-2025-03-31.eml"
    assert eml_file_name("...", date(2025, 3, 31)) == "reminder-customer-2025-03-31.eml"
