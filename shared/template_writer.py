"""The template writer: deterministic texts from the facts, in the customer's language.

It is the default writer (``COLLECTIONS_AI=off``) and the fallback of the model writer, so it
must always succeed and its texts must pass the same guard. Amounts, dates and percentages are
formatted by Babel for the text's locale; the sentences come from
``prompts/<task>.<version>.template.json``, one set per supported language.

``LocaleText`` is the formatting half, shared by every task's template.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.facts import Facts

SUPPORTED_LANGUAGES = ("en", "de", "fr", "es")
DEFAULT_LANGUAGE = "en"


def text_language(tag: str | None) -> str:
    """The supported language for a BCP 47 tag (``de-CH`` → ``de``); English otherwise."""
    raise NotImplementedError


def text_locale(tag: str | None) -> str:
    """The Babel locale for a tag: the tag itself when Babel knows it and its language is
    supported (``de_CH``), else the supported language (``de``)."""
    raise NotImplementedError


@dataclass(frozen=True, slots=True)
class LocaleText:
    """Formats facts values for one locale; values arrive as the facts hold them."""

    locale: str

    def amount(self, value: str, currency: str) -> str:
        """``"1234.50", "EUR"`` → ``1.234,50 €`` in ``de``."""
        raise NotImplementedError

    def date(self, value: str) -> str:
        """``"2025-03-31"`` → ``31. März 2025`` in ``de``."""
        raise NotImplementedError

    def percent(self, value: float | str) -> str:
        """A percentage (0 to 100) with at most one decimal."""
        raise NotImplementedError

    def number(self, value: float | str) -> str:
        """A count or an average, with at most one decimal."""
        raise NotImplementedError

    def plural(self, count: int, forms: dict[str, str]) -> str:
        """Pick ``forms['one']`` or ``forms['other']`` by the locale's plural rule."""
        raise NotImplementedError


def write_summary(facts: Facts, language: str) -> dict[str, str]:
    """The summary as ``{"text": ...}``: a few sentences, in ``language``."""
    raise NotImplementedError
