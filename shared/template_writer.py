"""The template writer: deterministic texts from the facts, in the customer's language.

It is the default writer (``COLLECTIONS_AI=off``) and the fallback of the model writer, so it
must always succeed and its texts must pass the same guard. Amounts, dates and percentages are
formatted by Babel for the text's locale; the sentences come from
``prompts/<task>.<version>.template.json``, one set per supported language, and a sentence is
left out when the fact it states is absent or zero (the guard refuses zero amounts in prose).

``LocaleText`` is the formatting half, shared by every task's template.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.currencies import minor_unit
from shared.facts import Facts

if TYPE_CHECKING:
    from babel import Locale
    from babel.numbers import NumberPattern

SUPPORTED_LANGUAGES = ("en", "de", "fr", "es")
DEFAULT_LANGUAGE = "en"
PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"

SUMMARY_TEMPLATE = "summary.v1"

JsonObject = dict[str, Any]

_ONE_DECIMAL = Decimal("0.1")


def text_language(tag: str | None) -> str:
    """The supported language for a BCP 47 tag (``de-CH`` → ``de``); English otherwise."""
    language = (tag or "").replace("_", "-").split("-", 1)[0].strip().lower()
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def text_locale(tag: str | None) -> str:
    """The Babel locale for a tag: the tag itself when Babel knows it and its language is
    supported (``de_CH``), else the supported language (``de``)."""
    from babel import Locale, UnknownLocaleError

    language = text_language(tag)
    candidate = (tag or "").replace("-", "_").strip()
    if candidate and text_language(candidate) == language and candidate != language:
        try:
            return str(Locale.parse(candidate))
        except (UnknownLocaleError, ValueError):
            pass
    return language


@functools.cache
def _babel_locale(tag: str) -> Locale:
    from babel import Locale

    return Locale.parse(tag)


@functools.cache
def _amount_format(tag: str, decimals: int) -> NumberPattern:
    """The locale's standard currency pattern with exactly ``decimals`` decimals."""
    pattern: NumberPattern = copy.copy(_babel_locale(tag).currency_formats["standard"])
    pattern.frac_prec = (decimals, decimals)
    return pattern


@dataclass(frozen=True, slots=True)
class LocaleText:
    """Formats facts values for one locale; values arrive as the facts hold them."""

    locale: str

    def amount(self, value: str, currency: str) -> str:
        """``"1234.50", "EUR"`` → ``1.234,50 €`` in ``de``.

        The decimals are the currency's ISO 4217 minor unit, not CLDR's display digits: CLDR
        shows forint without decimals, which would print HUF 1234.56 as ``1.235 HUF``.
        """
        pattern = _amount_format(self.locale, minor_unit(currency))
        return str(
            pattern.apply(
                Decimal(value), _babel_locale(self.locale), currency=currency, currency_digits=False
            )
        )

    def date(self, value: str) -> str:
        """``"2025-03-31"`` → ``31. März 2025`` in ``de``."""
        from babel.dates import format_date

        return str(format_date(date.fromisoformat(value), format="long", locale=self.locale))

    def percent(self, value: float | str) -> str:
        """A percentage (0 to 100) with at most one decimal."""
        from babel.numbers import format_percent

        share = _one_decimal(value) / 100
        return str(format_percent(share, locale=self.locale, decimal_quantization=False))

    def number(self, value: float | str) -> str:
        """A count or an average, with at most one decimal."""
        from babel.numbers import format_decimal

        return str(format_decimal(_one_decimal(value), locale=self.locale))

    def plural(self, count: int | float | str, forms: Mapping[str, str]) -> str:
        """Pick ``forms['one']`` or ``forms['other']`` by the locale's plural rule."""
        from babel import Locale

        form = Locale.parse(self.locale).plural_form(_one_decimal(count))
        return forms.get(form) or forms["other"]


def load_template(name: str, language: str) -> JsonObject:
    """The sentences of ``prompts/<name>.template.json`` for a supported language."""
    return dict(_templates(name)[text_language(language)])


@functools.cache
def _templates(name: str) -> JsonObject:
    loaded: JsonObject = json.loads((PROMPTS_DIR / f"{name}.template.json").read_text("utf-8"))
    return loaded


def write_summary(
    facts: Facts, language: str, options: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The summary as ``{"text": ...}``: a few sentences, in ``language``."""
    sentences = SummarySentences(facts.document, language)
    return {"text": " ".join(sentences.all())}


class SummarySentences:
    """Builds the summary one sentence per fact group, skipping groups with nothing to say."""

    def __init__(self, document: JsonObject, language: str) -> None:
        self.doc = document
        self.fmt = LocaleText(text_locale(language))
        self.words = load_template(SUMMARY_TEMPLATE, language)
        self.currency = str(document["currency"])

    def all(self) -> list[str]:
        groups = (
            self.debt(),
            self.invoices_named(),
            self.credit(),
            self.last_six_months(),
            self.payments(),
            self.trend(),
            self.disputes_and_promises(),
            self.activities(),
        )
        return [sentence for group in groups for sentence in group]

    def debt(self) -> list[str]:
        balance = Decimal(self.doc["balance"])
        overdue_count = int(self.doc["openInvoices"]["overdueCount"])
        if balance < 0:
            return [self.say("creditBalance", amount=self.money(str(-balance)))]
        if balance == 0:
            return [self.say("nothingOpen")]
        if Decimal(self.doc["overdue"]) > 0 and overdue_count > 0:
            return [
                self.say(
                    "owesOverdue",
                    balance=self.money(self.doc["balance"]),
                    overdue=self.money(self.doc["overdue"]),
                    invoices=self.unit("invoices", overdue_count),
                )
            ]
        return [self.say("owesNothingOverdue", balance=self.money(self.doc["balance"]))]

    def invoices_named(self) -> list[str]:
        oldest = self.doc["oldestOverdue"]
        largest = self.doc["largestOverdue"]
        sentences: list[str] = []
        if oldest:
            sentences.append(self.invoice_sentence("oldest", oldest[0]))
        if largest and (not oldest or largest[0]["id"] != oldest[0]["id"]):
            sentences.append(self.invoice_sentence("largest", largest[0]))
        return sentences

    def invoice_sentence(self, key: str, invoice: JsonObject) -> str:
        return self.say(
            key,
            id=str(invoice["id"]),
            amount=self.fmt.amount(invoice["openAmount"], invoice["currency"]),
            date=self.fmt.date(invoice["dueDate"]),
        )

    def credit(self) -> list[str]:
        limit = self.doc.get("creditLimit")
        available = self.doc.get("creditAvailable")
        if limit is None or available is None:
            return [self.say("noLimit")]
        if Decimal(available) > 0:
            return [
                self.say(
                    "creditAvailable", limit=self.money(limit), available=self.money(available)
                )
            ]
        if Decimal(available) == 0:
            return [self.say("creditUsed", limit=self.money(limit))]
        return [
            self.say("overLimit", limit=self.money(limit), excess=self.money(available.lstrip("-")))
        ]

    def last_six_months(self) -> list[str]:
        window = self.doc.get("invoicesLast6Months") or {}
        count = int(window.get("count") or 0)
        if count == 0 or Decimal(window["amount"]) == 0:
            return []
        return [
            self.say(
                "last6Months",
                invoices=self.unit("invoices", count),
                amount=self.money(window["amount"]),
                open=self.fmt.number(window.get("openCount") or 0),
            )
        ]

    def payments(self) -> list[str]:
        history = self.doc["paymentHistory"]
        count = int(history.get("payments") or 0)
        if count == 0 or Decimal(history["amountPaid"]) == 0:
            return [self.say("noPayments")]
        sentences = [
            self.say("payments", count, count=count, amount=self.money(history["amountPaid"]))
        ]
        if int(history.get("invoicesSettled") or 0) > 0 and history["averageDaysToPay"]:
            sentences.append(
                self.say(
                    "habits",
                    toPay=self.unit("days", history["averageDaysToPay"]),
                    late=self.unit("days", history["averageDaysLate"]),
                    onTime=self.fmt.percent(history["paidOnTimePercent"]),
                )
            )
        return sentences

    def trend(self) -> list[str]:
        trend = self.doc["paymentHistory"].get("trend") or {}
        direction = trend.get("direction")
        if direction not in ("improving", "worsening", "steady"):
            return []
        return [
            self.say(
                direction,
                recent=self.unit("days", trend["recentQuarterAverageDaysLate"]),
                earlier=self.unit("days", trend["earlierAverageDaysLate"]),
            )
        ]

    def disputes_and_promises(self) -> list[str]:
        sentences: list[str] = []
        disputed = self.doc["disputed"]
        if disputed["count"] and Decimal(disputed["amount"]) > 0:
            sentences.append(
                self.say(
                    "disputed",
                    disputed["count"],
                    count=disputed["count"],
                    amount=self.money(disputed["amount"]),
                )
            )
        promised = self.doc["promisesToPay"]
        dates = [i["promiseDate"] for i in promised["invoices"] if i.get("promiseDate")]
        if promised["count"] and dates and Decimal(promised["amount"]) > 0:
            sentences.append(
                self.say(
                    "promises",
                    promised["count"],
                    count=promised["count"],
                    amount=self.money(promised["amount"]),
                    date=self.fmt.date(min(dates)),
                )
            )
        return sentences

    def activities(self) -> list[str]:
        activities = self.doc["openActivities"]
        count = int(activities["count"])
        if count == 0:
            return []
        overdue = int(activities["overdueCount"])
        key = "activitiesOverdue" if overdue else "activities"
        return [self.say(key, count, count=count, overdue=overdue)]

    # Formatting helpers.

    def money(self, value: str) -> str:
        return self.fmt.amount(value, self.currency)

    def unit(self, name: str, value: int | str) -> str:
        forms: Mapping[str, str] = self.words["units"][name]
        return self.fmt.plural(value, forms).format(n=self.fmt.number(value))

    def say(self, key: str, plural_of: int | None = None, **values: Any) -> str:
        """The sentence ``key``, its plural form chosen by ``plural_of`` when it has forms."""
        pattern = self.words[key]
        if isinstance(pattern, dict):
            pattern = self.fmt.plural(plural_of if plural_of is not None else 0, pattern)
        text: str = pattern.format(
            **{k: self.fmt.number(v) if isinstance(v, int) else v for k, v in values.items()}
        )
        return text


def _one_decimal(value: float | int | str) -> Decimal:
    return Decimal(str(value)).quantize(_ONE_DECIMAL, ROUND_HALF_UP).normalize() + 0
