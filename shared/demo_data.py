"""A believable demo ledger, generated from a date and a seed.

``demo_batch(today, seed)`` returns three companies in three currencies and time zones, a few
hundred customers and about eighteen months of invoices, payments, credit notes, settlements
and collections activities, so that the workspace looks lived in whatever the day:

- customers pay early, on time, late, very late, in part or not at all (a few big debtors
  with invoices more than 120 days past due); some hold disputed invoices or promised to pay,
  some have credit notes (applied or left open) or payments on account, some are invoiced in
  a foreign currency, some have no credit limit and some are over theirs;
- collections activities (calls, emails, tasks, promises to pay, disputes) are open or
  closed, and some open ones are past their end date.

Determinism: every random draw is a day offset from ``today`` or an integer amount of minor
units, drawn from ``random.Random`` in a fixed order that does not depend on ``today``. The
same seed therefore gives the same customers, amounts and histories on any day; only the
calendar moves. No float reaches an amount: amounts are built from integers of minor units
and converted at exchange rates held as ``Decimal``.

The records satisfy the invariants of ``shared.ledger`` by construction: every settlement
joins an invoice to a payment or credit note of the same customer and currency, is dated on
the later of the two, and settles at most what is still open on both. No transaction,
settlement or closed activity is dated after ``today``; due dates, promise dates and open
activities may be.

``demo_batch_at_scale`` streams a much larger and plainer ledger for benchmarks; see its
docstring for the shape.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache

from shared.collector import collector_paused
from shared.currencies import minor_unit
from shared.ledger import (
    Activity,
    ActivityStatus,
    CollectionStatus,
    Company,
    Customer,
    LedgerBatch,
    Settlement,
    Transaction,
    TransactionType,
)
from shared.money import to_minor_unit

HISTORY_DAYS = 548
"""How far back the demo ledger reaches: about eighteen months before ``today``."""

DEMO_AGENTS: dict[str, dict[str, str]] = {
    "usmf": {
        "jordan.miller": "Jordan Miller",
        "priya.shah": "Priya Shah",
        "marcus.reed": "Marcus Reed",
        "emily.chen": "Emily Chen",
    },
    "demf": {
        "anna.keller": "Anna Keller",
        "lukas.becker": "Lukas Becker",
        "sophie.wagner": "Sophie Wagner",
        "jonas.fischer": "Jonas Fischer",
    },
    "gbsi": {
        "oliver.hughes": "Oliver Hughes",
        "amelia.clarke": "Amelia Clarke",
        "harry.patel": "Harry Patel",
    },
}
"""Collections agents of each demo company: agent id to display name."""


@dataclass(frozen=True, slots=True)
class _CompanyPlan:
    """What a demo company looks like: its record, its customers' mix and its number prefix."""

    company: Company
    prefix: str
    customers: int
    languages: tuple[str, ...]
    english_legal_forms: tuple[str, ...]
    foreign_currencies: tuple[str, ...]


_COMPANIES = (
    _CompanyPlan(
        Company("usmf", "Contoso Entertainment USA", "USD", "America/New_York"),
        prefix="US",
        customers=180,
        languages=("en",) * 7 + ("es", "es", "fr"),
        english_legal_forms=("Inc.", "LLC", "Corp.", "Co."),
        foreign_currencies=("CAD", "EUR"),
    ),
    _CompanyPlan(
        Company("demf", "Contoso Europe GmbH", "EUR", "Europe/Berlin"),
        prefix="DE",
        customers=120,
        languages=("de",) * 5 + ("fr", "fr", "es", "en", "en"),
        english_legal_forms=("Ltd", "B.V.", "A/S"),
        foreign_currencies=("CHF", "USD", "GBP"),
    ),
    _CompanyPlan(
        Company("gbsi", "Contoso Retail UK Ltd", "GBP", "Europe/London"),
        prefix="GB",
        customers=60,
        languages=("en",) * 8 + ("fr", "es"),
        english_legal_forms=("Ltd", "plc", "LLP"),
        foreign_currencies=("EUR",),
    ),
)

# Units of the accounting currency per unit of the foreign one, near recent market rates.
_RATES: dict[tuple[str, str], Decimal] = {
    ("CAD", "USD"): Decimal("0.7350"),
    ("EUR", "USD"): Decimal("1.0850"),
    ("CHF", "EUR"): Decimal("1.0420"),
    ("USD", "EUR"): Decimal("0.9210"),
    ("GBP", "EUR"): Decimal("1.1730"),
    ("EUR", "GBP"): Decimal("0.8520"),
}
_RATE_WOBBLE = Decimal("0.0001")


def _words(text: str) -> tuple[str, ...]:
    """Split a comma-separated word list; entries may hold spaces ("Blue Yonder")."""
    return tuple(word.strip() for word in text.split(","))


# Word lists for names. Company names combine two words and a legal form in each language's
# usual order; contact names combine a first and a last name of the same language.
_NAME_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        _words(
            "Northwind, Fabrikam, Litware, Proseware, Tailspin, Wingtip, Woodgrove, Adatum, "
            "Lucerne, Trey, Alpine, Blue Yonder, Coho, Wide World, Harbor, Summit, Redwood, "
            "Silverline, Lakeshore, Granite, Evergreen, Pioneer, Keystone, Bluebird, Riverbend, "
            "Ironwood, Maple Leaf, Cedar, Oakridge, Brightwater, Copperfield, Starling, "
            "Relecloud, Southridge"
        ),
        _words(
            "Traders, Lighting, Outfitters, Foods, Supplies, Logistics, Electronics, Publishing, "
            "Studios, Furniture, Sports, Toys, Media, Hardware, Textiles, Audio, Games, Catering, "
            "Events, Signs, Packaging, Cinemas"
        ),
    ),
    "de": (
        _words(
            "Bergmann, Hoffmann, Schäfer, Krüger, Brandt, Lehmann, Vogel, Albrecht, Rheinland, "
            "Alpen, Nordstern, Elbtal, Bodensee, Schwarzwald, Isartal, Mainufer, Weserland, "
            "Hansa, Sonnenberg, Lindner"
        ),
        _words(
            "Haustechnik, Logistik, Elektrotechnik, Medien, Feinkost, Möbel, "
            "Veranstaltungstechnik, Lichttechnik, Sportartikel, Spielwaren, Bürobedarf, "
            "Verpackungen, Kinobetriebe, Tontechnik"
        ),
    ),
    "fr": (
        _words(
            "Éditions, Transports, Distribution, Équipements, Ateliers, Librairie, Studios, "
            "Optique, Imprimerie, Cinémas, Spectacles, Jouets"
        ),
        _words(
            "Dubois, Lefèvre, Moreau, Laurent, Girard, Rousseau, Fontaine, Chevalier, Mercier, "
            "Lambert, Bonnet, Garnier, Lemaire, Perrin"
        ),
    ),
    "es": (
        _words(
            "Distribuciones, Suministros, Transportes, Ediciones, Iluminación, Muebles, Deportes, "
            "Juguetes, Espectáculos, Cines, Sonido"
        ),
        _words(
            "García, Martínez, López, Sánchez, Romero, Navarro, Torres, Ruiz, Castillo, Ortega, "
            "del Sur, Mediterráneo, Ibérica, del Norte"
        ),
    ),
}
_LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "de": _words("GmbH, GmbH, AG, KG, GmbH & Co. KG"),
    "fr": _words("SARL, SAS, S.A."),
    "es": _words("S.L., S.L., S.A."),
}
_PEOPLE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        _words(
            "James, Mary, Robert, Patricia, Michael, Jennifer, David, Linda, Emily, Daniel, "
            "Olivia, Ethan, Grace, Noah, Chloe, Samuel"
        ),
        _words(
            "Smith, Johnson, Brown, Taylor, Anderson, Thompson, Walker, Wright, Mitchell, Carter, "
            "Hughes, Bennett, Parker, Collins, Murphy, Reed"
        ),
    ),
    "de": (
        _words(
            "Lukas, Anna, Jonas, Lea, Felix, Laura, Maximilian, Sophie, Paul, Marie, Tobias, "
            "Katharina, Jan, Julia"
        ),
        _words(
            "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, "
            "Koch, Richter, Klein, Wolf, Schröder, Neumann"
        ),
    ),
    "fr": (
        _words(
            "Camille, Louis, Chloé, Hugo, Léa, Thomas, Manon, Julien, Inès, Nicolas, Élodie, "
            "Mathieu"
        ),
        _words(
            "Martin, Bernard, Dubois, Durand, Leroy, Moreau, Simon, Lefebvre, Michel, Petit, "
            "Roux, Fournier"
        ),
    ),
    "es": (
        _words(
            "Lucía, Hugo, Martina, Pablo, Sofía, Alejandro, Carmen, Javier, Elena, Diego, Isabel, "
            "Andrés"
        ),
        _words(
            "García, Fernández, González, Rodríguez, López, Martínez, Sánchez, Pérez, Gómez, "
            "Jiménez, Ruiz, Navarro"
        ),
    ),
}
_EMAIL_DOMAINS = ("example.com", "example.org")
_CREDIT_GROUPS = ("Key accounts", "Retail", "Wholesale", "Public sector")
_NEW_ACCOUNTS = "New accounts"

# Typical invoice sizes in major units; a customer's invoices vary around its own size.
_INVOICE_SIZES = (250, 400, 600, 900, 1_500, 2_500, 4_000, 6_500, 10_000, 16_000, 25_000)
_BIG_DEBTOR_SIZES = (25_000, 40_000, 60_000)
_PAYMENT_TERMS = (14, 30, 30, 30, 30, 45, 60)

_DISPUTE_REASONS = (
    "the customer reports that the goods arrived damaged",
    "the price differs from the order confirmation",
    "the delivered quantity is lower than invoiced",
    "the customer says the service was not delivered yet",
    "the invoice went to an address the customer closed",
)


class Behaviour(StrEnum):
    """How a demo customer pays its invoices."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    VERY_LATE = "very_late"
    NEVER = "never"
    PARTIAL = "partial"


# Weights of the behaviours among customers beyond the showcase ones.
_BEHAVIOUR_WEIGHTS = {
    Behaviour.EARLY: 14,
    Behaviour.ON_TIME: 38,
    Behaviour.LATE: 26,
    Behaviour.VERY_LATE: 10,
    Behaviour.NEVER: 3,
    Behaviour.PARTIAL: 9,
}


@dataclass(slots=True)
class _Profile:
    """One customer's story: how it pays and what else happens on its account."""

    behaviour: Behaviour
    credit_notes: bool = False
    payment_on_account: bool = False
    dispute: bool = False
    promise: bool = False
    foreign_currency: bool = False
    over_limit: bool = False
    no_limit: bool = False
    showcase: bool = False


# Every company tells each story at least once, whatever the seed: these profiles come first
# and are then shuffled among the randomly drawn ones.
_SHOWCASE = (
    _Profile(Behaviour.NEVER, over_limit=True),
    _Profile(Behaviour.NEVER, dispute=True),
    _Profile(Behaviour.VERY_LATE, promise=True, over_limit=True),
    _Profile(Behaviour.LATE, dispute=True, credit_notes=True),
    _Profile(Behaviour.LATE, promise=True, foreign_currency=True),
    _Profile(Behaviour.ON_TIME, payment_on_account=True, credit_notes=True),
    _Profile(Behaviour.EARLY, no_limit=True),
    _Profile(Behaviour.PARTIAL, foreign_currency=True),
)


@dataclass(slots=True, eq=False)
class _Document:
    """An invoice, payment or credit note before it gets its number."""

    kind: TransactionType
    customer: int
    day: int
    minor_units: int
    due: int | None = None
    rate: Decimal | None = None
    status: CollectionStatus = CollectionStatus.NOT_DISPUTED
    promise: int | None = None
    settled: int = 0
    id: str = ""

    @property
    def open_today(self) -> bool:
        return self.settled < self.minor_units


@dataclass(slots=True)
class _Application:
    """A settlement before it gets its number: part of an invoice paid by a credit."""

    invoice: _Document
    credit: _Document
    minor_units: int
    day: int


@dataclass(slots=True)
class _FollowUp:
    """A collections activity before it gets its number; ``{document}`` in the purpose
    stands for the number of ``subject``, known only once every document is numbered."""

    customer: int
    type: str
    purpose: str
    start: int
    end: int
    status: ActivityStatus
    priority: str
    subject: _Document | None = None


@dataclass(slots=True)
class _Book:
    """Everything drafted for one company, in the order it was drawn."""

    documents: list[_Document] = field(default_factory=list)
    applications: list[_Application] = field(default_factory=list)
    follow_ups: list[_FollowUp] = field(default_factory=list)

    def apply(self, invoice: _Document, credit: _Document, minor_units: int, day: int) -> None:
        """Settle part of ``invoice`` with ``credit``, keeping count of what each has left."""
        assert minor_units <= invoice.minor_units - invoice.settled
        assert minor_units <= credit.minor_units - credit.settled
        invoice.settled += minor_units
        credit.settled += minor_units
        self.applications.append(_Application(invoice, credit, minor_units, day))


@dataclass(frozen=True, slots=True)
class _Account:
    """A customer's fixed traits, drawn before its history."""

    index: int
    currency: str
    accounting_currency: str
    size: int
    terms: int
    cadence: int
    since: int
    profile: _Profile


def demo_batch(today: date, seed: int = 7) -> LedgerBatch:
    """Build the demo ledger dated around ``today``; the same arguments give the same batch.

    >>> batch = demo_batch(date(2025, 3, 14))
    >>> sorted(company.id for company in batch.companies)
    ['demf', 'gbsi', 'usmf']
    """
    batches = [_company_batch(plan, today, seed) for plan in _COMPANIES]
    return LedgerBatch(
        companies=tuple(plan.company for plan in _COMPANIES),
        customers=tuple(c for batch in batches for c in batch.customers),
        transactions=tuple(t for batch in batches for t in batch.transactions),
        settlements=tuple(s for batch in batches for s in batch.settlements),
        activities=tuple(a for batch in batches for a in batch.activities),
    )


def _company_batch(plan: _CompanyPlan, today: date, seed: int) -> LedgerBatch:
    # One generator per company, seeded by a string (hashed with SHA-512 by ``random``, so
    # stable across runs and interpreters): changing one company leaves the others as they were.
    rng = random.Random(f"{seed}:{plan.company.id}")
    agents = sorted(DEMO_AGENTS[plan.company.id])
    accounts = _draw_accounts(rng, plan)

    book = _Book()
    for account in accounts:
        _draft_history(rng, account, book)

    _number(book, plan.prefix)
    transactions = _transactions(book, plan, accounts, today)
    settlements = _settlements(book, plan, accounts, today)
    customers = _customers(rng, plan, accounts, agents, transactions, settlements, today)
    activities = _activities(book, plan, customers, today)
    return LedgerBatch((), customers, transactions, settlements, activities)


# Customers.


def _draw_accounts(rng: random.Random, plan: _CompanyPlan) -> list[_Account]:
    extra = max(0, plan.customers - len(_SHOWCASE))
    behaviours = rng.choices(
        list(_BEHAVIOUR_WEIGHTS), weights=list(_BEHAVIOUR_WEIGHTS.values()), k=extra
    )
    profiles = [_showcase_copy(p) for p in _SHOWCASE[: plan.customers]]
    profiles += [_random_profile(rng, behaviour, plan) for behaviour in behaviours]
    rng.shuffle(profiles)
    return [_draw_account(rng, plan, index, profile) for index, profile in enumerate(profiles)]


def _showcase_copy(profile: _Profile) -> _Profile:
    return replace(profile, showcase=True)


def _random_profile(rng: random.Random, behaviour: Behaviour, plan: _CompanyPlan) -> _Profile:
    struggling = behaviour in (Behaviour.VERY_LATE, Behaviour.NEVER, Behaviour.PARTIAL)
    return _Profile(
        behaviour=behaviour,
        credit_notes=rng.random() < 0.25,
        payment_on_account=rng.random() < 0.08,
        dispute=rng.random() < 0.1,
        promise=behaviour is not Behaviour.EARLY and rng.random() < (0.3 if struggling else 0.08),
        foreign_currency=bool(plan.foreign_currencies) and rng.random() < 0.1,
        over_limit=rng.random() < (0.35 if struggling else 0.03),
        no_limit=rng.random() < 0.15,
    )


def _draw_account(
    rng: random.Random, plan: _CompanyPlan, index: int, profile: _Profile
) -> _Account:
    currency = plan.company.currency
    if profile.foreign_currency and plan.foreign_currencies:
        currency = rng.choice(plan.foreign_currencies)
    sizes = _BIG_DEBTOR_SIZES if profile.behaviour is Behaviour.NEVER else _INVOICE_SIZES

    # A quarter of the customers joined within the ledger's history, the others years ago; a
    # showcase customer needs the whole history to tell its story.
    joined_recently = not profile.showcase and rng.random() < 0.25
    since = -rng.randint(60, HISTORY_DAYS) if joined_recently else -rng.randint(600, 5_000)
    return _Account(
        index=index,
        currency=currency,
        accounting_currency=plan.company.currency,
        size=rng.choice(sizes),
        terms=rng.choice(_PAYMENT_TERMS),
        cadence=rng.randint(14, 60),
        since=since,
        profile=profile,
    )


def _customers(
    rng: random.Random,
    plan: _CompanyPlan,
    accounts: Sequence[_Account],
    agents: Sequence[str],
    transactions: Sequence[Transaction],
    settlements: Sequence[Settlement],
    today: date,
) -> tuple[Customer, ...]:
    balances = _balances(transactions, settlements, plan.company.currency)
    names: set[str] = set()
    emails: set[str] = set()
    customers = []
    for account in accounts:
        account_number = _account_number(plan.prefix, account.index)
        language = rng.choice(plan.languages)
        first, last = (rng.choice(words) for words in _PEOPLE[language])
        customers.append(
            Customer(
                company=plan.company.id,
                account=account_number,
                name=_company_name(rng, language, plan, names),
                currency=account.currency,
                credit_limit=_credit_limit(rng, account, balances.get(account_number, Decimal(0))),
                language=language,
                email=_email(rng, first, last, emails),
                contact_name=f"{first} {last}",
                agent=rng.choice(agents),
                customer_since=today + timedelta(days=account.since),
                credit_group=_credit_group(rng, account),
                status=_account_status(account),
            )
        )
    return tuple(customers)


def _account_number(prefix: str, index: int) -> str:
    return f"{prefix}-{1001 + index}"


def _company_name(rng: random.Random, language: str, plan: _CompanyPlan, taken: set[str]) -> str:
    first_words, second_words = _NAME_WORDS[language]
    forms = plan.english_legal_forms if language == "en" else _LEGAL_FORMS[language]
    # Each language has hundreds of combinations for at most a few dozen customers of a
    # company, so a fresh name turns up within a few draws.
    for _ in range(1_000):
        name = f"{rng.choice(first_words)} {rng.choice(second_words)} {rng.choice(forms)}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError(f"The {language} word lists ran out of company names; add words.")


def _email(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    local = f"{_ascii(first)}.{_ascii(last)}"
    domain = rng.choice(_EMAIL_DOMAINS)
    address = f"{local}@{domain}"
    suffix = 2
    while address in taken:
        address = f"{local}{suffix}@{domain}"
        suffix += 1
    taken.add(address)
    return address


def _ascii(name: str) -> str:
    """Spell a name for an email address: lower case, accents dropped, spaces as hyphens."""
    decomposed = unicodedata.normalize("NFKD", name.lower().replace("ß", "ss"))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return letters.replace(" ", "-")


def _credit_group(rng: random.Random, account: _Account) -> str:
    if account.since > -365:
        return _NEW_ACCOUNTS
    if account.size >= 10_000:
        return "Key accounts"
    return rng.choice(_CREDIT_GROUPS[1:])


def _account_status(account: _Account) -> str:
    if account.profile.behaviour is Behaviour.NEVER:
        return "blocked"
    if account.profile.over_limit:
        return "on_hold"
    return "active"


def _credit_limit(rng: random.Random, account: _Account, balance: Decimal) -> Decimal | None:
    """A limit in whole thousands: below the balance for the over-limit stories, else above."""
    if account.profile.no_limit:
        return None
    thousands = int(balance) // 1_000
    if account.profile.over_limit and thousands >= 2:
        return Decimal(thousands * rng.randint(50, 85) // 100 * 1_000)

    # Room for a few months of invoicing on top of today's balance.
    headroom = account.size * rng.randint(3, 8)
    return Decimal((max(thousands, 0) + 1 + headroom // 1_000) * 1_000)


def _balances(
    transactions: Sequence[Transaction], settlements: Sequence[Settlement], currency: str
) -> dict[str, Decimal]:
    """Each customer's balance today in the accounting currency, as the figures define it."""
    settled: dict[str, Decimal] = {}
    for settlement in settlements:
        for transaction_id in (settlement.invoice, settlement.credit):
            settled[transaction_id] = settled.get(transaction_id, Decimal(0)) + settlement.amount

    balances: dict[str, Decimal] = {}
    for t in transactions:
        open_amount = t.amount - settled.get(t.id, Decimal(0))
        if open_amount == t.amount:
            accounting = t.accounting_amount
        else:
            accounting = to_minor_unit(open_amount * t.accounting_amount / t.amount, currency)
        signed = accounting if t.type is TransactionType.INVOICE else -accounting
        balances[t.customer] = balances.get(t.customer, Decimal(0)) + signed
    return balances


# Histories: invoices, then what settles them, then the activities they call for.


def _draft_history(rng: random.Random, account: _Account, book: _Book) -> None:
    invoices = _draft_invoices(rng, account, book)
    held = _hold_invoices(rng, account, invoices, book)
    payable = _draft_credit_notes(rng, account, invoices, held, book)
    _draft_payments(rng, account, payable, book)
    if account.profile.payment_on_account:
        _draft_payment_on_account(rng, account, book)
    _draft_follow_ups(rng, account, invoices, book)


def _draft_invoices(rng: random.Random, account: _Account, book: _Book) -> list[_Document]:
    profile = account.profile
    start = max(-HISTORY_DAYS, account.since + rng.randint(3, 30))
    # A customer that stopped paying was blocked six to eight months ago and has not been
    # invoiced since, so even its last invoice is more than 120 days past due.
    last = -rng.randint(190, 240) if profile.behaviour is Behaviour.NEVER else 0

    invoices = []
    day = start
    while day <= last:
        minor_units = rng.randint(account.size * 60, account.size * 140)
        invoice = _Document(
            TransactionType.INVOICE,
            account.index,
            day,
            minor_units,
            due=day + account.terms,
            rate=_rate(rng, account),
        )
        invoices.append(invoice)
        day += account.cadence + rng.randint(-account.cadence // 3, account.cadence // 3)
    book.documents.extend(invoices)
    return invoices


def _rate(rng: random.Random, account: _Account) -> Decimal | None:
    """The exchange rate of one document: near the market rate, a little different each time."""
    if account.currency == account.accounting_currency:
        return None
    base = _RATES[(account.currency, account.accounting_currency)]
    return base + rng.randint(-250, 250) * _RATE_WOBBLE


def _hold_invoices(
    rng: random.Random, account: _Account, invoices: Sequence[_Document], book: _Book
) -> set[_Document]:
    """Pick the invoices that stay unpaid on purpose: a debtor's last ones, a disputed one and
    a promised one."""
    profile = account.profile
    held: set[_Document] = set()
    if profile.behaviour is Behaviour.NEVER and invoices:
        # Nothing issued in the last four months before the account was blocked was paid.
        blocked = invoices[-1].day
        held.update(invoice for invoice in invoices if invoice.day > blocked - 120)

    if profile.dispute:
        _dispute(rng, account, invoices, held, book)
    if profile.promise:
        _promise(rng, account, invoices, held, book)
    return held


def _dispute(
    rng: random.Random,
    account: _Account,
    invoices: Sequence[_Document],
    held: set[_Document],
    book: _Book,
) -> None:
    recent = [i for i in invoices if -100 <= i.day <= -15 and i not in held]
    candidates = recent or [i for i in invoices if i.day <= -15][-3:]
    if candidates:
        invoice = rng.choice(candidates)
        invoice.status = CollectionStatus.DISPUTED
        held.add(invoice)
        start = min(invoice.day + rng.randint(10, 25), 0)
        reason = rng.choice(_DISPUTE_REASONS)
        book.follow_ups.append(
            _FollowUp(
                account.index,
                "dispute",
                f"Resolve the dispute on invoice {{document}}: {reason}.",
                start,
                start + rng.randint(10, 40),
                ActivityStatus.OPEN,
                "high",
                invoice,
            )
        )

    # An older dispute, settled with the customer and paid since.
    settled_long_ago = [i for i in invoices if i.day < -200 and i not in held]
    if settled_long_ago:
        invoice = rng.choice(settled_long_ago)
        invoice.status = CollectionStatus.RESOLVED
        start = invoice.day + rng.randint(5, 20)
        reason = rng.choice(_DISPUTE_REASONS)
        book.follow_ups.append(
            _FollowUp(
                account.index,
                "dispute",
                f"Dispute on invoice {{document}} resolved with the customer: {reason}.",
                start,
                start + rng.randint(5, 30),
                ActivityStatus.CLOSED,
                "normal",
                invoice,
            )
        )


def _promise(
    rng: random.Random,
    account: _Account,
    invoices: Sequence[_Document],
    held: set[_Document],
    book: _Book,
) -> None:
    overdue = [i for i in invoices if i.due is not None and -90 <= i.due <= -3 and i not in held]
    if not overdue:
        return
    invoice = rng.choice(overdue)
    invoice.status = CollectionStatus.PROMISED_TO_PAY
    # Most promises fall in the coming two weeks; a few were due days ago and are broken.
    invoice.promise = rng.randint(-7, 14)
    held.add(invoice)
    start = -rng.randint(1, 20)
    book.follow_ups.append(
        _FollowUp(
            account.index,
            "promise_to_pay",
            "Check that the payment promised for invoice {document} has arrived.",
            start,
            max(invoice.promise, start),
            ActivityStatus.OPEN,
            "normal",
            invoice,
        )
    )


def _draft_credit_notes(
    rng: random.Random,
    account: _Account,
    invoices: Sequence[_Document],
    held: set[_Document],
    book: _Book,
) -> list[tuple[_Document, int]]:
    """Credit some invoices; return the invoices to pay with what is left to pay on each."""
    payable = []
    for invoice in invoices:
        remaining = invoice.minor_units
        if account.profile.credit_notes and rng.random() < 0.2:
            remaining -= _draft_credit_note(rng, account, invoice, book)
        if invoice not in held and remaining > 0:
            payable.append((invoice, remaining))
    return payable


def _draft_credit_note(
    rng: random.Random, account: _Account, invoice: _Document, book: _Book
) -> int:
    """Draft a credit note on ``invoice``; return how much of the invoice it settles."""
    day = invoice.day + rng.randint(3, 25)
    if day > 0:
        return 0

    # Sometimes the whole delivery went back; usually a part of it, or a price correction.
    whole = rng.random() < 0.15
    credited = invoice.minor_units if whole else invoice.minor_units * rng.randint(5, 35) // 100
    note = _Document(
        TransactionType.CREDIT_NOTE, account.index, day, max(credited, 1), rate=_rate(rng, account)
    )
    book.documents.append(note)

    # A quarter of the partial credit notes are left open: unapplied credit on the account.
    if not whole and rng.random() < 0.25:
        return 0
    book.apply(invoice, note, note.minor_units, day)
    return note.minor_units


def _draft_payments(
    rng: random.Random, account: _Account, payable: Sequence[tuple[_Document, int]], book: _Book
) -> None:
    """Pay invoices on the days the customer's behaviour says, several in one payment when
    they fall in the same week; what would be paid after today stays open."""
    planned: list[tuple[int, _Document, int]] = []
    for invoice, remaining in payable:
        day = _payment_day(rng, account, invoice)
        if day > 0:
            continue
        if account.profile.behaviour is Behaviour.PARTIAL and rng.random() < 0.4:
            remaining = max(1, remaining * rng.randint(30, 80) // 100)
        planned.append((day, invoice, remaining))
    planned.sort(key=lambda plan: plan[0])

    group: list[tuple[int, _Document, int]] = []
    for plan in planned:
        if group and (plan[0] - group[0][0] > 6 or rng.random() < 0.35):
            _draft_payment(rng, account, group, book)
            group = []
        group.append(plan)
    if group:
        _draft_payment(rng, account, group, book)


def _payment_day(rng: random.Random, account: _Account, invoice: _Document) -> int:
    assert invoice.due is not None
    behaviour = account.profile.behaviour
    if behaviour is Behaviour.EARLY:
        day = invoice.due - rng.randint(3, max(3, account.terms - 3))
    elif behaviour is Behaviour.ON_TIME:
        day = invoice.due - rng.randint(0, 2)
    elif behaviour is Behaviour.LATE:
        day = invoice.due + rng.randint(3, 35)
    elif behaviour is Behaviour.VERY_LATE:
        day = invoice.due + rng.randint(40, 120)
    elif behaviour is Behaviour.NEVER:
        day = invoice.due + rng.randint(20, 60)
    else:
        day = invoice.due + rng.randint(0, 20)
    return max(day, invoice.day)


def _draft_payment(
    rng: random.Random,
    account: _Account,
    group: Sequence[tuple[int, _Document, int]],
    book: _Book,
) -> None:
    # The group is sorted by day: the payment arrives on the last of its planned days, which
    # is on or after every invoice it settles.
    day = group[-1][0]
    total = sum(units for _, _, units in group)
    payment = _Document(
        TransactionType.PAYMENT, account.index, day, total, rate=_rate(rng, account)
    )
    book.documents.append(payment)
    for _, invoice, units in group:
        book.apply(invoice, payment, units, day)


def _draft_payment_on_account(rng: random.Random, account: _Account, book: _Book) -> None:
    """A round payment the customer sent without saying which invoices it pays."""
    day = -rng.randint(2, 45)
    amount = rng.randint(1, 10) * account.size * 50
    payment = _Document(
        TransactionType.PAYMENT, account.index, day, amount, rate=_rate(rng, account)
    )
    book.documents.append(payment)
    start = day + rng.randint(1, 3)
    book.follow_ups.append(
        _FollowUp(
            account.index,
            "task",
            "Ask the customer which invoices payment {document} should settle.",
            start,
            start + rng.randint(5, 20),
            ActivityStatus.OPEN,
            "normal",
            payment,
        )
    )


# Activities that follow from the history.

_REMINDER_ODDS = {
    Behaviour.EARLY: 0.0,
    Behaviour.ON_TIME: 0.03,
    Behaviour.LATE: 0.3,
    Behaviour.VERY_LATE: 0.5,
    Behaviour.NEVER: 0.6,
    Behaviour.PARTIAL: 0.3,
}


def _draft_follow_ups(
    rng: random.Random, account: _Account, invoices: Sequence[_Document], book: _Book
) -> None:
    _draft_past_reminders(rng, account, invoices, book)
    _draft_open_reminder(rng, account, invoices, book)
    if account.profile.over_limit:
        start = -rng.randint(0, 30)
        book.follow_ups.append(
            _FollowUp(
                account.index,
                "task",
                "Review the credit limit with the credit manager before releasing new orders.",
                start,
                start + rng.randint(3, 14),
                ActivityStatus.OPEN,
                "high",
            )
        )
    if rng.random() < 0.2:
        start = -rng.randint(1, 300)
        book.follow_ups.append(
            _FollowUp(
                account.index,
                "email",
                "Send the customer its account statement.",
                start,
                start + 1,
                ActivityStatus.CLOSED,
                "low",
            )
        )


def _draft_past_reminders(
    rng: random.Random, account: _Account, invoices: Sequence[_Document], book: _Book
) -> None:
    odds = _REMINDER_ODDS[account.profile.behaviour]
    for invoice in invoices:
        assert invoice.due is not None
        start = invoice.due + rng.randint(3, 14)
        if start > -1 or rng.random() >= odds:
            continue
        call = rng.random() < 0.4
        book.follow_ups.append(
            _FollowUp(
                account.index,
                "call" if call else "email",
                "Call about the past-due invoice {document}."
                if call
                else "Send a reminder for the past-due invoice {document}.",
                start,
                min(start + rng.randint(0, 3), 0),
                ActivityStatus.CLOSED,
                "normal",
                invoice,
            )
        )


def _draft_open_reminder(
    rng: random.Random, account: _Account, invoices: Sequence[_Document], book: _Book
) -> None:
    """One open follow-up on the oldest invoice still overdue today, if there is one."""
    overdue = [
        i
        for i in invoices
        if i.open_today
        and i.due is not None
        and i.due < 0
        and i.status is CollectionStatus.NOT_DISPUTED
    ]
    if not overdue or rng.random() < 0.25:
        return
    oldest = min(overdue, key=lambda i: i.day)
    assert oldest.due is not None
    days_past_due = -oldest.due
    call = days_past_due > 30
    start = -rng.randint(0, 20)
    book.follow_ups.append(
        _FollowUp(
            account.index,
            "call" if call else "email",
            "Call about the past-due invoice {document} and ask for a payment date."
            if call
            else "Send a reminder for invoice {document}.",
            start,
            start + rng.randint(1, 21),
            ActivityStatus.OPEN,
            "high" if days_past_due > 60 else "normal",
            oldest,
        )
    )


# Numbering and the final records.

_DOCUMENT_PREFIXES = {
    TransactionType.INVOICE: "INV",
    TransactionType.CREDIT_NOTE: "CN",
    TransactionType.PAYMENT: "PAY",
}


def _number(book: _Book, prefix: str) -> None:
    """Number documents, settlements and activities in date order, as a ledger would."""
    counters = dict.fromkeys(TransactionType, 0)
    # Sorting is stable: documents of the same day keep the order they were drawn in.
    for document in sorted(book.documents, key=lambda d: d.day):
        counters[document.kind] += 1
        kind = _DOCUMENT_PREFIXES[document.kind]
        document.id = f"{kind}-{prefix}-{counters[document.kind]:06d}"


def _transactions(
    book: _Book, plan: _CompanyPlan, accounts: Sequence[_Account], today: date
) -> tuple[Transaction, ...]:
    company = plan.company
    days = _Calendar(today)
    transactions = []
    for document in book.documents:
        account = accounts[document.customer]
        amount = _money(document.minor_units, account.currency)
        accounting = (
            amount
            if document.rate is None
            else to_minor_unit(amount * document.rate, company.currency)
        )
        transactions.append(
            Transaction(
                company=company.id,
                id=document.id,
                customer=_account_number(plan.prefix, account.index),
                type=document.kind,
                date=days[document.day],
                amount=amount,
                currency=account.currency,
                accounting_amount=accounting,
                due_date=None if document.due is None else days[document.due],
                collection_status=document.status,
                promise_date=None if document.promise is None else days[document.promise],
            )
        )
    transactions.sort(key=lambda t: (t.date, t.id))
    return tuple(transactions)


def _settlements(
    book: _Book, plan: _CompanyPlan, accounts: Sequence[_Account], today: date
) -> tuple[Settlement, ...]:
    days = _Calendar(today)
    ordered = sorted(book.applications, key=lambda a: a.day)
    return tuple(
        Settlement(
            company=plan.company.id,
            id=f"SET-{plan.prefix}-{number:06d}",
            invoice=application.invoice.id,
            credit=application.credit.id,
            amount=_money(application.minor_units, accounts[application.invoice.customer].currency),
            date=days[application.day],
        )
        for number, application in enumerate(ordered, start=1)
    )


def _activities(
    book: _Book, plan: _CompanyPlan, customers: Sequence[Customer], today: date
) -> tuple[Activity, ...]:
    days = _Calendar(today)
    ordered = sorted(book.follow_ups, key=lambda f: f.start)
    activities = []
    for number, follow_up in enumerate(ordered, start=1):
        customer = customers[follow_up.customer]
        subject = follow_up.subject
        purpose = follow_up.purpose
        if subject is not None:
            purpose = purpose.replace("{document}", subject.id)
        activities.append(
            Activity(
                company=plan.company.id,
                id=f"ACT-{plan.prefix}-{number:06d}",
                customer=customer.account,
                agent=customer.agent,
                type=follow_up.type,
                purpose=purpose,
                start=days[follow_up.start],
                end=days[follow_up.end],
                status=follow_up.status,
                priority=follow_up.priority,
            )
        )
    return tuple(activities)


def _money(minor_units: int, currency: str) -> Decimal:
    """An amount from a whole number of the currency's minor units: 12345 cents is 123.45."""
    return Decimal(minor_units).scaleb(-minor_unit(currency))


class _Calendar(dict[int, date]):
    """Dates by day offset from today, each computed once."""

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def __missing__(self, day: int) -> date:
        value = self.today + timedelta(days=day)
        self[day] = value
        return value


# A large, plain ledger for benchmarks.

_SCALE_TABLE_SIZE = 1_009
"""How many distinct amounts the scale ledger uses: a prime, so index strides never cycle short."""

_SCALE_LIMITS = tuple(Decimal(thousands * 1_000) for thousands in range(5, 55))
"""Credit limits of the scale ledger's customers, from 5,000 to 54,000."""

_SCALE_PATTERNS = 20
"""Customers at scale follow one of twenty patterns, picked by a scrambled customer number:
0 stopped paying, 1 and 2 pay half, 3 overpays, 4 gets credit notes, 5 has no credit limit,
6 disputes an invoice, 7 promised to pay one; the others simply pay."""


def demo_batch_at_scale(
    customers: int,
    transactions_per_customer: int,
    today: date,
    seed: int,
    *,
    chunk_size: int = 10_000,
) -> Iterator[LedgerBatch]:
    """Stream a large demo ledger, ``chunk_size`` customers per batch, for benchmarks.

    The shape a benchmark can rely on:

    - every batch repeats the three demo companies (writes are idempotent by id, so each
      batch can be written on its own) and holds up to ``chunk_size`` customers with all of
      their records: exactly ``transactions_per_customer`` transactions each, the
      settlements between them (about one per three transactions) and one open activity
      for every fourth customer;
    - customer ``n`` (counted from 0 over the whole run) belongs to company ``n % 3``
      (``usmf``, ``demf``, ``gbsi``) with an account such as ``"US-00000042"``; its
      transaction ``k`` (from 0) has the id ``"INV-US-00000042-0003"``, ``"PAY-…"`` or
      ``"CN-…"``; a settlement takes the id of its credit (``"SET-US-00000042-0003"``),
      an activity its customer's (``"ACT-US-00000042"``);
    - everything is dated in the eighteen months up to ``today``; most customers pay
      invoice by invoice, some pay half, overpay, get credit notes, are invoiced in a
      foreign currency or stopped paying (invoices over 120 days past due); the last one to
      three invoices of every customer are open;
    - memory stays bounded: one batch is built at a time, and nothing is kept once the
      caller lets a batch go; while a batch is built (never while the caller holds the
      generator suspended) the cyclic garbage collector is paused, which saves a quarter of
      the time;
    - the records depend on ``(customers, transactions_per_customer, today, seed)`` only;
      ``chunk_size`` changes how they are cut into batches, not what they are.

    Amounts come from small precomputed tables and the variety from integer arithmetic on
    the customer number, which keeps generation cheap: the point is volume with valid
    invariants, not a story per customer (``demo_batch`` tells those).
    """
    if customers < 0 or transactions_per_customer < 1 or chunk_size < 1:
        raise ValueError(
            "Ask for zero or more customers, at least one transaction per customer and "
            f"batches of at least one customer; got {customers}, "
            f"{transactions_per_customer} and {chunk_size}."
        )
    companies = tuple(plan.company for plan in _COMPANIES)
    makers = [_ScaleCompany(plan, today, seed, transactions_per_customer) for plan in _COMPANIES]
    for first in range(0, customers, chunk_size):
        chunk = _ScaleChunk()
        with collector_paused():
            for number in range(first, min(first + chunk_size, customers)):
                makers[number % len(makers)].add_customer(number, chunk)
        yield LedgerBatch(
            companies,
            tuple(chunk.customers),
            tuple(chunk.transactions),
            tuple(chunk.settlements),
            tuple(chunk.activities),
        )


@dataclass(slots=True)
class _ScaleChunk:
    customers: list[Customer] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _AmountTable:
    """Amounts precomputed once per currency pair, so that the hot loop only looks them up.

    ``full[m]`` is an invoice amount, ``half[m]`` a part payment of it and ``over[m]`` a
    payment that exceeds it; ``*_accounting`` hold them in the company's currency.
    """

    currency: str
    full: tuple[Decimal, ...]
    half: tuple[Decimal, ...]
    over: tuple[Decimal, ...]
    full_accounting: tuple[Decimal, ...]
    half_accounting: tuple[Decimal, ...]
    over_accounting: tuple[Decimal, ...]


@cache
def _amount_table(currency: str, accounting_currency: str) -> _AmountTable:
    # From 100.00 to 20,000.00, spread by a multiplicative stride.
    units = [10_000 + (m * 104_729) % 1_990_000 for m in range(_SCALE_TABLE_SIZE)]
    full = tuple(_money(u, currency) for u in units)
    half = tuple(_money(u // 2, currency) for u in units)
    over = tuple(_money(u + 2_500, currency) for u in units)
    if currency == accounting_currency:
        return _AmountTable(currency, full, half, over, full, half, over)

    rate = _RATES[(currency, accounting_currency)]

    def converted(amounts: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
        return tuple(to_minor_unit(a * rate, accounting_currency) for a in amounts)

    return _AmountTable(
        currency, full, half, over, converted(full), converted(half), converted(over)
    )


def _scramble(number: int, seed: int) -> int:
    """Mix a customer number and the seed into 32 well-spread bits (multiply and xor-shift)."""
    value = (number * 0x9E3779B1 + seed * 0x85EBCA77 + 0x165667B1) & 0xFFFFFFFF
    value ^= value >> 15
    value = (value * 0x2C1B3C6D) & 0xFFFFFFFF
    return value ^ (value >> 12)


class _ScaleCompany:
    """Makes the scale ledger's customers of one company, one customer at a time."""

    def __init__(self, plan: _CompanyPlan, today: date, seed: int, per_customer: int) -> None:
        self.plan = plan
        self.seed = seed
        self.per_customer = per_customer
        # Transaction k of a customer is numbered by its account and k: no number to format.
        self.suffixes = tuple(f"-{k:04d}" for k in range(per_customer))
        self.days = _Calendar(today)
        # Fill the calendar before the hot loop, which then only looks dates up.
        self.days.update((day, today + timedelta(days=day)) for day in range(-3_700, 61))
        self.agents = sorted(DEMO_AGENTS[plan.company.id])
        accounting = plan.company.currency
        self.home = _amount_table(accounting, accounting)
        self.foreign = tuple(_amount_table(c, accounting) for c in plan.foreign_currencies)

    def add_customer(self, number: int, chunk: _ScaleChunk) -> None:
        scrambled = _scramble(number, self.seed)
        pattern = scrambled % _SCALE_PATTERNS
        table = self.home
        if self.foreign and (scrambled >> 12) % 25 == 0:
            table = self.foreign[(scrambled >> 17) % len(self.foreign)]

        account = f"{self.plan.prefix}-{number:08d}"
        chunk.customers.append(self._customer(number, scrambled, account, table, pattern))
        oldest_open = self._history(number, scrambled, account, table, pattern, chunk)
        if number % 4 == 0:
            chunk.activities.append(self._activity(number, account, oldest_open))

    def _customer(
        self, number: int, scrambled: int, account: str, table: _AmountTable, pattern: int
    ) -> Customer:
        language = self.plan.languages[scrambled % len(self.plan.languages)]
        first_words, second_words = _NAME_WORDS[language]
        first_names, last_names = _PEOPLE[language]
        return Customer(
            company=self.plan.company.id,
            account=account,
            name=f"{first_words[scrambled % len(first_words)]} "
            f"{second_words[(scrambled >> 6) % len(second_words)]}",
            currency=table.currency,
            credit_limit=None if pattern == 5 else _SCALE_LIMITS[(scrambled >> 3) % 50],
            language=language,
            email=f"ap.{number}@example.com",
            contact_name=f"{first_names[(scrambled >> 9) % len(first_names)]} "
            f"{last_names[(scrambled >> 13) % len(last_names)]}",
            agent=self.agents[(number // 3) % len(self.agents)],
            customer_since=self.days[-HISTORY_DAYS - (scrambled >> 4) % 3_000],
            credit_group=_CREDIT_GROUPS[(scrambled >> 7) % len(_CREDIT_GROUPS)],
            status="blocked" if pattern == 0 else "active",
        )

    def _history(
        self,
        number: int,
        scrambled: int,
        account: str,
        table: _AmountTable,
        pattern: int,
        chunk: _ScaleChunk,
    ) -> str:
        """Append a customer's transactions and settlements; return its oldest open invoice.

        This is the hot loop of a ten-million-transaction run, hence the local names.
        """
        company, days, currency = self.plan.company.id, self.days, table.currency
        suffixes = self.suffixes
        add_transaction = chunk.transactions.append
        add_settlement = chunk.settlements.append
        per_customer = self.per_customer
        opened = per_customer if pattern == 0 else min(per_customer, 1 + (scrambled >> 5) % 3)
        pairs = (per_customer - opened) // 2
        opened = per_customer - 2 * pairs
        stride = 1 + (scrambled >> 20) % 97
        terms = _PAYMENT_TERMS[(scrambled >> 8) % len(_PAYMENT_TERMS)]
        late = terms + (scrambled >> 9) % 50 - 10

        # What settles each invoice, by pattern: (kind, prefix, amounts, accounting, settled).
        full, full_accounting = table.full, table.full_accounting
        credit_kind, credit_prefix = TransactionType.PAYMENT, "PAY"
        credits, credits_accounting, settles = full, full_accounting, full
        if pattern in (1, 2):
            credits, credits_accounting, settles = table.half, table.half_accounting, table.half
        elif pattern == 3:
            credits, credits_accounting = table.over, table.over_accounting
        elif pattern == 4:
            credit_kind, credit_prefix = TransactionType.CREDIT_NOTE, "CN"

        # Invoice then payment (or credit note), pair after pair, from 548 to 150 days ago: a
        # credit is dated at most 39 days after the due date, so always by today.
        for pair in range(pairs):
            day = -HISTORY_DAYS + pair * (HISTORY_DAYS - 150) // pairs
            m = (scrambled + pair * stride) % _SCALE_TABLE_SIZE
            invoice = f"INV-{account}{suffixes[2 * pair]}"
            credit_suffix = suffixes[2 * pair + 1]
            credit = f"{credit_prefix}-{account}{credit_suffix}"
            paid_on = days[day + late]
            add_transaction(
                _make_transaction(
                    company, invoice, account, _INVOICE, days[day], full[m], currency,
                    full_accounting[m], days[day + terms], _NOT_DISPUTED, None,
                )
            )  # fmt: skip
            add_transaction(
                _make_transaction(
                    company, credit, account, credit_kind, paid_on, credits[m], currency,
                    credits_accounting[m], None, _NOT_DISPUTED, None,
                )
            )  # fmt: skip
            add_settlement(
                _make_settlement(
                    company, f"SET-{account}{credit_suffix}", invoice, credit, settles[m], paid_on
                )
            )

        # The open invoices: over the whole history for a customer that stopped paying, over
        # the last four months for the others.
        span = HISTORY_DAYS if pattern == 0 else 120
        oldest = f"INV-{account}{suffixes[2 * pairs]}"
        for k in range(opened):
            day = -span + k * span // opened
            m = (scrambled + (pairs + k) * stride) % _SCALE_TABLE_SIZE
            status, promise = _NOT_DISPUTED, None
            if k == 0 and pattern == 6:
                status = CollectionStatus.DISPUTED
            elif k == 0 and pattern == 7:
                status, promise = CollectionStatus.PROMISED_TO_PAY, days[7]
            add_transaction(
                _make_transaction(
                    company, f"INV-{account}{suffixes[2 * pairs + k]}", account, _INVOICE,
                    days[day], full[m], currency, full_accounting[m], days[day + terms], status,
                    promise,
                )
            )  # fmt: skip
        return oldest

    def _activity(self, number: int, account: str, invoice: str) -> Activity:
        start = -5 - number % 11
        return Activity(
            company=self.plan.company.id,
            id=f"ACT-{account}",
            customer=account,
            agent=self.agents[(number // 3) % len(self.agents)],
            type="call",
            purpose=f"Call about the past-due invoice {invoice}.",
            start=self.days[start],
            end=self.days[start + number % 17],
            status=ActivityStatus.OPEN,
            priority="high" if number % 5 == 0 else "normal",
        )


_INVOICE = TransactionType.INVOICE
_NOT_DISPUTED = CollectionStatus.NOT_DISPUTED


# Frozen dataclasses set every field through ``object.__setattr__``, which costs about twice
# as much as setting the slot directly; at ten million records that is most of the run. The
# ledger records are plain data without ``__post_init__``, so writing their slots skips
# nothing; the setters are looked up by field name, so a new or renamed field fails here.


def _slot_setters(record_type: type[object]) -> dict[str, Callable[[object, object], None]]:
    if hasattr(record_type, "__post_init__"):
        raise TypeError(f"{record_type.__name__} checks its fields; build it the usual way.")
    members = vars(record_type)
    return {f.name: members[f.name].__set__ for f in fields(record_type)}  # type: ignore[arg-type]


def _transaction_maker() -> Callable[
    [str, str, str, TransactionType, date, Decimal, str, Decimal, date | None,
     CollectionStatus, date | None],
    Transaction,
]:  # fmt: skip
    setters = _slot_setters(Transaction)
    set_company, set_id, set_customer = (
        setters.pop("company"),
        setters.pop("id"),
        setters.pop("customer"),
    )
    set_type, set_date, set_amount = setters.pop("type"), setters.pop("date"), setters.pop("amount")
    set_currency, set_accounting = setters.pop("currency"), setters.pop("accounting_amount")
    set_due, set_status = setters.pop("due_date"), setters.pop("collection_status")
    set_promise = setters.pop("promise_date")
    if setters:
        raise TypeError(f"Transaction has fields the scale ledger does not set: {sorted(setters)}.")
    new = object.__new__

    def make(
        company: str, id: str, customer: str, type: TransactionType, date: date,
        amount: Decimal, currency: str, accounting_amount: Decimal, due_date: date | None,
        collection_status: CollectionStatus, promise_date: date | None,
    ) -> Transaction:  # fmt: skip
        record: Transaction = new(Transaction)
        set_company(record, company)
        set_id(record, id)
        set_customer(record, customer)
        set_type(record, type)
        set_date(record, date)
        set_amount(record, amount)
        set_currency(record, currency)
        set_accounting(record, accounting_amount)
        set_due(record, due_date)
        set_status(record, collection_status)
        set_promise(record, promise_date)
        return record

    return make


def _settlement_maker() -> Callable[[str, str, str, str, Decimal, date], Settlement]:
    setters = _slot_setters(Settlement)
    set_company, set_id, set_invoice = (
        setters.pop("company"),
        setters.pop("id"),
        setters.pop("invoice"),
    )
    set_credit, set_amount, set_date = (
        setters.pop("credit"),
        setters.pop("amount"),
        setters.pop("date"),
    )
    if setters:
        raise TypeError(f"Settlement has fields the scale ledger does not set: {sorted(setters)}.")
    new = object.__new__

    def make(
        company: str, id: str, invoice: str, credit: str, amount: Decimal, date: date
    ) -> Settlement:
        record: Settlement = new(Settlement)
        set_company(record, company)
        set_id(record, id)
        set_invoice(record, invoice)
        set_credit(record, credit)
        set_amount(record, amount)
        set_date(record, date)
        return record

    return make


_make_transaction = _transaction_maker()
_make_settlement = _settlement_maker()
