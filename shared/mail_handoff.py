"""Handing a draft to the agent's own mail client: a ``mailto:`` link and an ``.eml`` file.

A ``mailto:`` link (RFC 6068) opens a new message in the default mail client with the
recipient, subject and plain-text body filled in. Clients and browsers cut links longer than
about 2,000 characters, some silently, so a link never exceeds ``MAILTO_LIMIT``: when the body
does not fit, the link carries the beginning of the body, cut at a line or word, followed by a
note that says it was shortened. The ``.eml`` file always holds the whole draft.

The ``.eml`` file is a standard MIME message (RFC 5322 with CRLF line ends) with the plain text
and the HTML as alternatives, both quoted-printable so the file is plain ASCII whatever the
language. ``X-Unsent: 1`` asks clients that honour it (Outlook among them) to open the file as
a draft to edit and send rather than as a received message.

Nothing a customer or agent typed reaches a header unchecked: header values lose their line
breaks and control characters, and the recipient must be one plain address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import quote

MAILTO_LIMIT = 2000

# Line breaks, other control characters and the Unicode line and paragraph separators: any of
# them in a header could end it and start another.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")
# One plain address: no spaces, quotes, brackets or list separators that could smuggle in a
# second recipient or a header.
_ADDRESS = re.compile(r"^[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\]+\.[^\s@<>()\[\],;:\"\\]+$")
_FILE_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EML_POLICY = policy.SMTP


def safe_header(value: str) -> str:
    """``value`` on one line: control characters become spaces, runs of spaces one space."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def safe_address(value: str | None) -> str | None:
    """``value`` when it is one plain email address, else ``None``."""
    if value is None:
        return None
    candidate = value.strip()
    if not _ADDRESS.match(candidate) or _CONTROL.search(candidate):
        return None
    return candidate


@dataclass(frozen=True, slots=True)
class MailtoLink:
    """A ``mailto:`` URL and whether its body had to be shortened to fit."""

    url: str
    shortened: bool


def mailto_link(
    to: str | None,
    subject: str,
    body: str,
    shortened_note: str,
    limit: int = MAILTO_LIMIT,
) -> MailtoLink:
    """A ``mailto:`` URL of at most ``limit`` characters.

    ``shortened_note`` ends the body when it had to be cut; write it in the body's language.
    """
    recipient = safe_address(to) or ""
    subject = safe_header(subject)
    url = _mailto(recipient, subject, body)
    if len(url) <= limit:
        return MailtoLink(url, False)

    # Keep as much of the body as fits before the note, then cut back to a line or word so
    # that no figure is left half written.
    def fits_body(kept: str) -> bool:
        return len(_mailto(recipient, subject, _shortened(kept, shortened_note))) <= limit

    if fits_body(""):
        kept = _tidy_cut(body, _longest_prefix(body, fits_body))
        return MailtoLink(_mailto(recipient, subject, _shortened(kept, shortened_note)), True)

    # Only an absurdly long subject gets here; it is cut the same way.
    def fits_subject(part: str) -> bool:
        return len(_mailto(recipient, part, shortened_note)) <= limit

    subject = _tidy_cut(subject, _longest_prefix(subject, fits_subject))
    return MailtoLink(_mailto(recipient, subject, shortened_note), True)


def _mailto(recipient: str, subject: str, body: str) -> str:
    # RFC 6068: every reserved character percent-encoded, spaces as %20 (never "+"), and
    # line breaks as CRLF.
    crlf_body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    query = f"subject={quote(subject, safe='')}&body={quote(crlf_body, safe='')}"
    return f"mailto:{quote(recipient, safe='@')}?{query}"


def _shortened(kept: str, note: str) -> str:
    return f"{kept}\n\n{note}" if kept else note


def _longest_prefix(text: str, fits: Callable[[str], bool]) -> int:
    """The length of the longest prefix of ``text`` that ``fits`` (monotone in length)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def _tidy_cut(text: str, length: int) -> str:
    """The first ``length`` characters of ``text``, cut back to a whole line or word."""
    if length >= len(text) or text[length].isspace():
        return text[:length].rstrip()
    for separator in ("\n", " "):
        position = text.rfind(separator, 0, length)
        if position > 0:
            return text[:position].rstrip()
    return text[:length].rstrip()


def eml_message(
    to: str | None,
    to_name: str | None,
    subject: str,
    body_text: str,
    body_html: str,
    created: datetime,
) -> str:
    """The draft as an ``.eml`` file's text: headers, then text and HTML alternatives."""
    message = EmailMessage(policy=_EML_POLICY)
    recipient = safe_address(to)
    if recipient is not None:
        username, domain = recipient.rsplit("@", 1)
        message["To"] = Address(
            display_name=safe_header(to_name or ""), username=username, domain=domain
        )
    message["Subject"] = safe_header(subject)
    message["Date"] = format_datetime(created)
    message["X-Unsent"] = "1"
    message.set_content(body_text, subtype="plain", cte="quoted-printable")
    message.add_alternative(body_html, subtype="html", cte="quoted-printable")
    return message.as_string()


def eml_file_name(account: str, as_of: date) -> str:
    """A file name every operating system accepts: ``reminder-C-1001-2025-03-31.eml``."""
    account_part = _FILE_NAME_UNSAFE.sub("-", account).strip("-.") or "customer"
    return f"reminder-{account_part[:60]}-{as_of.isoformat()}.eml"
