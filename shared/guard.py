"""The guard: a generated text reaches an agent only if it says nothing the facts do not.

Checks, in order, on every text field of an answer:

- figures: every amount, date, percentage, count and invoice number in the text is one of
  the facts' values, whatever locale the model wrote it in (``1.234,50 €``, ``1 234,50 €``
  and ``€1,234.50`` are the same amount; ``31. März 2025`` and ``2025-03-31`` the same date).
  Percentages and averages may be rounded, but only correctly (66.67 % may read 67 %);
- the policy: no promise, threat, fee or deadline unless the task's policy allows it;
- length and language: within the task's limits, and written in the language asked for.

The result lists every problem as a sentence the model can act on in its one retry.

How figures are found: text a customer or agent typed (a name, a purpose) and the facts' own
identifiers are taken out first, since quoting them is allowed; then dates (ISO, numeric,
and with month names from Babel's calendar data for every supported locale), invoice-like
identifiers, percentages, and finally numbers. A number is read with Babel's parser under
each supported locale; it passes when one of its readings is a fact, so ``1.200`` passes
for 1200.00 (German grouping) as well as for 1.2 days (English decimal). A number beside a
currency sign or code must be an amount of the facts; zero amounts are not facts a text may
state in digits ("nothing is overdue" instead), which keeps an injected "balance is 0" out.
Numbers written as words are not checked; the prompt asks for digits.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from shared.currencies import MINOR_UNITS
from shared.facts import UNTRUSTED, Facts
from shared.template_writer import SUPPORTED_LANGUAGES, text_language, text_locale


class PolicyTopic(StrEnum):
    """What a collections text may only say when the policy allows it."""

    PROMISE = "promise"
    THREAT = "threat"
    FEE = "fee"
    DEADLINE = "deadline"


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    """What one task's texts may contain.

    ``allowed_topics`` are the policy topics the text may touch (none for a summary);
    ``max_words``/``min_words`` bound each field in ``text_fields``; ``required_amounts``
    names facts fields (``balance``, ``overdue``) whose amounts the text must state, so an
    answer cannot leave out the figure that matters most.
    """

    text_fields: tuple[str, ...] = ("text",)
    allowed_topics: frozenset[PolicyTopic] = frozenset()
    min_words: int = 10
    max_words: int = 160
    required_amounts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GuardResult:
    """The outcome of one check: ``problems`` is empty exactly when the text passed."""

    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        """The problems as one paragraph, for the retry prompt and the audit record."""
        return " ".join(self.problems)

    def to_json(self) -> dict[str, object]:
        return {"passed": self.passed, "problems": list(self.problems)}


def check_text(
    fields: Mapping[str, str], facts: Facts, language: str, policy: GuardPolicy
) -> GuardResult:
    """Check the text ``fields`` of an answer against ``facts`` and ``policy``.

    ``language`` is the BCP 47 tag the text was asked in; the figures may be written in any
    supported locale.
    """
    allowed = AllowedValues.of(facts)
    problems: list[str] = []
    amounts_stated: set[Decimal] = set()
    for name in policy.text_fields:
        text = fields.get(name)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"The field '{name}' is empty; write the text there.")
            continue
        figures = FigureCheck(allowed, language)
        problems.extend(figures.run(text))
        amounts_stated |= figures.amounts_stated
        problems.extend(_policy_problems(text, policy.allowed_topics))
        problems.extend(_length_problems(name, text, policy))
        problems.extend(_language_problems(name, figures.prose, language))

    for key in policy.required_amounts:
        value = abs(Decimal(str(facts.document[key])))
        if value != 0 and value not in amounts_stated:
            problems.append(
                f"The text must state the {key} amount, {value} {facts.currency}, in digits."
            )
    return GuardResult(tuple(dict.fromkeys(problems)))


# What the facts allow.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_AMOUNT_KEYS = _words(
    "balance overdue unappliedCredit creditLimit creditAvailable amount openAmount "
    "accountingOpenAmount overdueAmount amountPaid"
)
_COUNT_KEYS = _words(
    "count openCount overdueCount payments invoicesSettled recentQuarterInvoices earlierInvoices"
)
_ROUNDED_KEYS = _words(
    "averageDaysToPay averageDaysLate recentQuarterAverageDaysLate earlierAverageDaysLate "
    "paidOnTimePercent"
)
_DATE_KEYS = frozenset(("dueDate", "promiseDate", "end"))
# Numbers any text may use: the windows (a quarter, six and twelve months) and "1 invoice".
_STRUCTURAL_NUMBERS = frozenset(Decimal(n) for n in (1, 3, 6, 12))


@dataclass(frozen=True, slots=True)
class AllowedValues:
    """The values of a facts document, by kind, as the guard compares them."""

    amounts: frozenset[Decimal]
    numbers: frozenset[Decimal]
    rounded: frozenset[Decimal]
    percents: frozenset[Decimal]
    dates: frozenset[date]
    identifiers: tuple[str, ...]
    quoted: tuple[str, ...]
    currencies: frozenset[str]

    @classmethod
    def of(cls, facts: Facts) -> AllowedValues:
        """The allowed values of ``facts``, computed once per facts hash."""
        known = _ALLOWED_CACHE.get(facts.hash)
        if known is None:
            if len(_ALLOWED_CACHE) >= 256:
                _ALLOWED_CACHE.clear()
            known = _ALLOWED_CACHE[facts.hash] = _allowed_values(facts)
        return known


_ALLOWED_CACHE: dict[str, AllowedValues] = {}


def _allowed_values(facts: Facts) -> AllowedValues:
    amounts: set[Decimal] = set()
    numbers: set[Decimal] = set(_STRUCTURAL_NUMBERS)
    rounded: set[Decimal] = set()
    percents: set[Decimal] = set()
    dates: set[date] = set()
    identifiers = {facts.account, facts.company}
    currencies = {facts.currency}

    for key, value in _walk(facts.document):
        if value is None or isinstance(value, bool):
            continue
        if key in _AMOUNT_KEYS:
            amount = abs(Decimal(str(value)))
            if amount != 0:
                amounts.add(amount)
        elif key in _COUNT_KEYS:
            numbers.add(Decimal(int(value)))
        elif key in _ROUNDED_KEYS:
            (percents if key == "paidOnTimePercent" else rounded).add(Decimal(str(value)))
        elif key in _DATE_KEYS:
            dates.add(date.fromisoformat(str(value)))
        elif key == "id":
            identifiers.add(str(value))
        elif key == "currency":
            currencies.add(str(value))
        elif key == "bucket":
            numbers.update(Decimal(n) for n in re.findall(r"\d+", str(value)))

    # Years of the facts' dates may stand alone ("in 2024").
    numbers.update(Decimal(d.year) for d in dates)
    return AllowedValues(
        amounts=frozenset(amounts),
        numbers=frozenset(numbers),
        rounded=frozenset(rounded),
        percents=frozenset(percents),
        dates=frozenset(dates),
        identifiers=tuple(sorted(identifiers, key=len, reverse=True)),
        quoted=tuple(facts.untrusted_strings()),
        currencies=frozenset(currencies),
    )


def _walk(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for child_key, child in value.items():
            if child_key == UNTRUSTED:
                # Typed text is quoted, not checked; only its dates are facts.
                for activity in child.get("activities", ()):
                    yield "end", activity.get("end")
                continue
            yield from _walk(child, child_key)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child, key)
    else:
        yield key, value


# Finding figures in a text.

_PARSE_LOCALES = ("en", "de", "fr", "es", "de_CH")
_SPACES = " \u00a0\u202f\u2009"
_NUMBER = re.compile(
    r"(?<![\w.,'’])(?:\d{1,3}(?:(?:[.,'’]|[ \u00a0\u202f\u2009])\d{3})+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)(?![\d]|[.,]\d)"
)
_PERCENT_AFTER = re.compile(
    r"^\s?(?:%|percent\b|per cent\b|prozent\b|pour\s?cent\b|por\s?ciento\b)", re.IGNORECASE
)
_IDENTIFIER = re.compile(r"(?<![\w-])[A-Za-z]+[-_/]?\d[A-Za-z0-9]*(?:[-_/][A-Za-z0-9]+)*")
_ORDINAL_OR_QUARTER = re.compile(r"^(?:Q[1-4]|T[1-4])$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"(?<![\d.,/])(\d{1,2})([./])(\d{1,2})\2(\d{4}|\d{2})(?![\d])")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@dataclass
class FigureCheck:
    """Finds and checks the figures of one text; ``prose`` is what is left of it."""

    allowed: AllowedValues
    language: str
    amounts_stated: set[Decimal] = field(default_factory=set)
    prose: str = ""

    def run(self, text: str) -> list[str]:
        problems: list[str] = []
        remaining = _without(text, self.allowed.quoted)
        remaining = _without(remaining, self.allowed.identifiers, word=True)
        remaining = self._dates(remaining, problems)
        remaining = self._identifiers(remaining, problems)
        remaining = self._numbers(remaining, problems)
        self.prose = remaining
        return problems

    def _dates(self, text: str, problems: list[str]) -> str:
        for match, found in sorted(_find_dates(text), key=lambda m: -len(m[0].group(0))):
            written = match.group(0)
            if written not in text:
                continue
            if not any(self._date_allowed(candidate) for candidate in found):
                problems.append(f"The date '{written}' is not one of the facts' dates.")
            text = text.replace(written, " ")
        return text

    def _date_allowed(self, candidate: tuple[int | None, int, int | None]) -> bool:
        year, month, day = candidate
        for allowed in self.allowed.dates:
            if allowed.month != month:
                continue
            if (year is None or allowed.year == year) and (day is None or allowed.day == day):
                return True
        return False

    def _identifiers(self, text: str, problems: list[str]) -> str:
        def replace(match: re.Match[str]) -> str:
            token = match.group(0)
            letters = re.match(r"[A-Za-z]+", token)
            is_currency = letters is not None and letters.group(0).upper() in MINOR_UNITS
            if _ORDINAL_OR_QUARTER.match(token) or is_currency:
                return token
            problems.append(f"'{token}' is not an invoice or account of this customer.")
            return " "

        return _IDENTIFIER.sub(replace, text)

    def _numbers(self, text: str, problems: list[str]) -> str:
        pieces: list[str] = []
        position = 0
        for match in _NUMBER.finditer(text):
            written = match.group(0)
            readings = _readings(written, self.language)
            before, after = text[: match.start()], text[match.end() :]
            if _PERCENT_AFTER.match(after):
                if not any(_rounds_to(self.allowed.percents, r, written) for r in readings):
                    problems.append(f"The percentage '{written} %' is not in the facts.")
            elif _has_currency(before, after, self.allowed.currencies, self.language):
                matched = {r for r in readings if r in self.allowed.amounts}
                if matched:
                    self.amounts_stated |= matched
                else:
                    problems.append(f"The amount '{written}' is not one of the facts' amounts.")
            elif not any(self._number_allowed(r, written) for r in readings):
                problems.append(f"The number '{written}' is not in the facts.")
            else:
                self.amounts_stated |= {r for r in readings if r in self.allowed.amounts}
            pieces.append(text[position : match.start()])
            position = match.end()
        pieces.append(text[position:])
        return " ".join(pieces)

    def _number_allowed(self, reading: Decimal, written: str) -> bool:
        allowed = self.allowed
        return (
            reading in allowed.amounts
            or reading in allowed.numbers
            or _rounds_to(allowed.rounded, reading, written)
            or _rounds_to(allowed.percents, reading, written)
        )


def _without(text: str, strings: Iterable[str], word: bool = False) -> str:
    for value in strings:
        if not value:
            continue
        if word:
            text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", " ", text)
        else:
            text = text.replace(value, " ")
    return text


def _readings(written: str, language: str) -> set[Decimal]:
    """Every value ``written`` has under one of the supported locales' number formats."""
    from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

    readings: set[Decimal] = set()
    for locale in (text_locale(language), *_PARSE_LOCALES):
        group = get_group_symbol(locale)
        token = written
        if group in _SPACES:
            token = "".join(group if ch in _SPACES else ch for ch in written)
        try:
            readings.add(parse_decimal(token, locale, strict=True))
        except (NumberFormatError, InvalidOperation):
            continue
    if any(ch in _SPACES for ch in written):
        # Spaces group thousands in many locales, with either decimal sign.
        compact = "".join(ch for ch in written if ch not in _SPACES)
        for locale in ("en", "de"):
            try:
                readings.add(parse_decimal(compact, locale, strict=True))
            except (NumberFormatError, InvalidOperation):
                continue
    return readings


def _decimals_written(written: str) -> int:
    """How many decimals the writer gave: the digits after the last separator, if not 3."""
    tail = re.split(r"[.,]", written)
    if len(tail) == 1:
        return 0
    return len(tail[-1])


def _rounds_to(values: Iterable[Decimal], reading: Decimal, written: str) -> bool:
    """``reading`` is one of ``values`` rounded half up to the decimals it was written with."""
    places = Decimal(1).scaleb(-min(_decimals_written(written), 2))
    for value in values:
        # A reading with more decimals than written (1.2345 from "1.2345") is not rounded.
        exact = reading == reading.quantize(places, ROUND_HALF_UP)
        if exact and value.quantize(places, ROUND_HALF_UP) == reading:
            return True
    return False


@functools.cache
def _currency_marks(currencies: frozenset[str], language: str) -> re.Pattern[str]:
    """Currency codes, and the symbols Babel writes for ``currencies`` in every locale."""
    from babel.numbers import get_currency_symbol

    marks = set(MINOR_UNITS) | {"€", "$", "£", "¥", "Fr.", "CHF"}
    for code in currencies:
        for locale in (text_locale(language), *_PARSE_LOCALES):
            marks.add(get_currency_symbol(code, locale))
    alternatives = "|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})")


def _has_currency(before: str, after: str, currencies: frozenset[str], language: str) -> bool:
    marks = _currency_marks(currencies, language).pattern
    return bool(
        re.search(rf"(?:{marks})[\s\u00a0\u202f]?-?$", before)
        or re.match(rf"^[\s\u00a0\u202f]?(?:{marks})", after)
    )


# Dates.

DateCandidate = tuple[int | None, int, int | None]


@functools.cache
def _month_names() -> dict[str, int]:
    """Month names and abbreviations of every supported locale, lower case, by month."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for language in SUPPORTED_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    names[str(name).lower().rstrip(".")] = int(number)
    return names


@functools.cache
def _textual_date_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    months = "|".join(re.escape(n) for n in sorted(_month_names(), key=len, reverse=True))
    month = rf"(?<!\w)(?P<month>{months})(?!\w)\.?"
    day = r"(?<![\d.,])(?P<day>\d{1,2})(?:st|nd|rd|th|er|º|°)?\.?"
    year = r"(?P<year>\d{4})(?!\d)"
    day_first = re.compile(rf"{day}\s*(?:de\s+)?{month}(?:,?\s*(?:de\s+)?{year})?", re.I)
    month_first = re.compile(rf"{month}\s+{day}(?!\d)(?:,?\s*{year})?", re.I)
    month_year = re.compile(rf"{month}\s+(?:de\s+)?{year}", re.I)
    return day_first, month_first, month_year


def _find_dates(text: str) -> Iterator[tuple[re.Match[str], list[DateCandidate]]]:
    """Every date-like phrase with the dates it can mean (year or day may be unknown)."""
    for match in _ISO_DATE.finditer(text):
        yield match, [(int(match[1]), int(match[2]), int(match[3]))]
    for match in _NUMERIC_DATE.finditer(text):
        first, second, year = int(match[1]), int(match[3]), _full_year(match[4])
        yield match, [(year, second, first), (year, first, second)]
    names = _month_names()
    for pattern in _textual_date_patterns():
        for match in pattern.finditer(text):
            groups = match.groupdict()
            month = names[groups["month"].lower().rstrip(".")]
            named_year = int(groups["year"]) if groups.get("year") else None
            named_day = int(groups["day"]) if groups.get("day") else None
            yield match, [(named_year, month, named_day)]


def _full_year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


# The policy: promises, threats, fees and deadlines, per language.

_POLICY_PATTERNS: dict[PolicyTopic, tuple[str, ...]] = {
    PolicyTopic.PROMISE: (
        r"\bwe (?:will|shall|can|could|are happy to) (?:waive|cancel|forgive|reduce|extend"
        r"|offer|grant|accept|write off)",
        r"\bguarantee",
        r"\bwaive",
        r"\bdiscount",
        r"\bwir (?:werden|können|könnten)\b[^.]*\b(?:erlassen|stornieren|verzichten|gewähren"
        r"|stunden)",
        r"\bgarantier",
        r"\berlassen\b",
        r"\bskonto",
        r"\brabatt",
        r"\bnous (?:allons|pouvons|pourrons|pourrions) (?:annuler|renoncer|accorder|réduire"
        r"|offrir)",
        r"\bgarantiss",
        r"\bremise\b",
        r"\bescompte",
        r"\b(?:podemos|podríamos|vamos a) (?:condonar|anular|cancelar|ofrecer|reducir"
        r"|conceder)",
        r"\bgarantiz",
        r"\bdescuento",
        r"\bcondon",
    ),
    PolicyTopic.THREAT: (
        r"\blegal (?:action|steps|proceedings)",
        r"\blawyer",
        r"\battorney",
        r"\bcourts?\b",
        r"\bsue\b",
        r"\blawsuit",
        r"\bcollection agenc",
        r"\bdebt collector",
        r"\bsuspend",
        r"\bcredit (?:rating|bureau|report)",
        r"\brechtliche\w* (?:schritte|maßnahmen)",
        r"\banwalt",
        r"\bgericht",
        r"\bklage\b",
        r"\bmahnbescheid",
        r"\binkasso(?:büro|unternehmen|verfahren|dienst)",
        r"\bschufa",
        r"\bliefersperre",
        r"\bsperr",
        r"\bpoursuites?\b",
        r"\bavocat",
        r"\btribunal",
        r"\bhuissier",
        r"\bcontentieux",
        r"\bmise en demeure",
        r"\bsociété de recouvrement",
        r"\bsuspen",
        r"\bacciones? legal",
        r"\babogad",
        r"\bdemanda\b",
        r"\bjudicial",
        r"\bagencia de (?:cobro|recobro)",
        r"\bempresa de recobro",
    ),
    PolicyTopic.FEE: (
        r"\bfees?\b",
        r"\b(?:late|penalty|extra|additional) charges?\b",
        r"\binterest\b",
        r"\bpenalt",
        r"gebühr",
        r"\bverzugszins",
        r"\bzinsen\b",
        r"\bstrafe",
        r"\bfrais\b",
        r"\bpénalit",
        r"\bintérêts?\b",
        r"\bindemnité",
        r"\bcargos?\b",
        r"\bcomisi[oó]n",
        r"\brecargo",
        r"\bintereses\b",
        r"\bpenalizaci",
        r"\bmulta\b",
    ),
    PolicyTopic.DEADLINE: (
        r"\bwithin \d+ (?:business |working |calendar )?days\b",
        r"\bno later than\b",
        r"\bdeadline",
        r"\bimmediately\b",
        r"\b(?:must|need to|has to|have to) (?:be )?(?:pay|paid|settle)",
        r"\bfinal (?:notice|reminder|demand)",
        r"\bfrist\b",
        r"\bfristen\b",
        r"\bspätestens\b",
        r"\binnerhalb von \d+ tagen",
        r"\bumgehend\b",
        r"\bunverzüglich\b",
        r"\bsofort\b",
        r"\bdélai\b",
        r"\bau plus tard\b",
        r"\bsous \d+ jours",
        r"\bdans les \d+ jours",
        r"\bimmédiatement\b",
        r"\bdate limite",
        r"\bplazo\b",
        r"\ba más tardar\b",
        r"\bdentro de \d+ días",
        r"\binmediatamente\b",
        r"\bfecha límite",
    ),
}


@functools.cache
def _policy_regex(topic: PolicyTopic) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _POLICY_PATTERNS[topic]), re.IGNORECASE)


def _policy_problems(text: str, allowed: frozenset[PolicyTopic]) -> list[str]:
    # Every language's phrases are checked: a model may slip into another language.
    problems: list[str] = []
    for topic in PolicyTopic:
        if topic in allowed:
            continue
        match = _policy_regex(topic).search(text)
        if match:
            problems.append(
                f"The text must not contain a {topic.value} ('{match.group(0)}'); "
                "state the facts only."
            )
    return problems


def _length_problems(name: str, text: str, policy: GuardPolicy) -> list[str]:
    words = len(text.split())
    if words > policy.max_words:
        return [f"The {name} has {words} words; write at most {policy.max_words}."]
    if words < policy.min_words:
        return [f"The {name} has {words} words; write at least {policy.min_words}."]
    return []


# Language: the short words that make up much of any sentence, a few per language.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _words("the and of is are was were has have for with on which their this that its from"),
    "de": _words(
        "der die das und ist sind von mit für im den dem des wurde wurden nach noch nicht "
        "ein eine zum zur"
    ),
    "fr": _words("le les et est sont des du au aux une dont ont été sur pour par qui ne pas"),
    "es": _words("el los las y es son del una por con que se su sus están ha han para"),
}


def _language_problems(name: str, prose: str, language: str) -> list[str]:
    expected = text_language(language)
    words = re.findall(r"[^\W\d_]+", prose.lower())
    scores = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _FUNCTION_WORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == expected))
    if len(words) >= 8 and (best != expected or scores[expected] < 2):
        return [f"The {name} must be written in {expected}, the language asked for."]
    return []
