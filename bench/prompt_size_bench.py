"""Prompt size of the summary: a customer with 5,000 open invoices, and the demo ledger's median.

Run from the repository root: ``python -m bench.prompt_size_bench``. Tokens are counted with
``tiktoken`` when it is installed, else estimated as characters / 4.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from shared.aging import AgingPeriods
from shared.customer_details import details_document
from shared.facts import build_facts
from shared.figures import compute_figures, ledger_items
from shared.generated_text import prompt_messages
from shared.ledger import Customer, LedgerBatch, Settlement, Transaction, TransactionType
from shared.summaries import SUMMARY_TASK

AS_OF = date(2025, 3, 31)
OPEN_INVOICES = 5_000


def token_counter() -> tuple[str, Callable[[str], int]]:
    try:
        import tiktoken  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return "characters / 4", lambda text: len(text) // 4
    encoding = tiktoken.get_encoding("o200k_base")
    return "tiktoken o200k_base", lambda text: len(encoding.encode(text))


def prompt_text(details: dict[str, object], language: str) -> str:
    facts = build_facts(details)
    return "\n".join(m["content"] for m in prompt_messages(SUMMARY_TASK, facts, language))


def large_customer() -> dict[str, object]:
    """One customer with 5,000 open invoices spread over the past year."""
    customer = Customer("bench", "BIG-1", "Large Customer AG", "EUR", Decimal("5000000.00"))
    invoices = [
        Transaction(
            "bench", f"INV-{n:05d}", "BIG-1", TransactionType.INVOICE,
            AS_OF - timedelta(days=n % 360), Decimal(100 + n % 900) + Decimal("0.50"),
            "EUR", Decimal(100 + n % 900) + Decimal("0.50"),
            due_date=AS_OF - timedelta(days=n % 360) + timedelta(days=30),
        )
        for n in range(OPEN_INVOICES)
    ]  # fmt: skip
    figures = compute_figures(
        ledger_items(invoices, []), AS_OF, "EUR", customer.credit_limit, AgingPeriods()
    )
    return details_document(customer, figures, [])


def demo_customers(today: date) -> list[tuple[dict[str, object], str]]:
    from shared.demo_data import demo_batch

    batch: LedgerBatch = demo_batch(today)
    transactions: dict[tuple[str, str], list[Transaction]] = defaultdict(list)
    owner: dict[tuple[str, str], str] = {}
    for t in batch.transactions:
        transactions[(t.company, t.customer)].append(t)
        owner[(t.company, t.id)] = t.customer
    settlements: dict[tuple[str, str], list[Settlement]] = defaultdict(list)
    for s in batch.settlements:
        settlements[(s.company, owner[(s.company, s.invoice)])].append(s)
    currency = {c.id: c.currency for c in batch.companies}
    activities = defaultdict(list)
    for a in batch.activities:
        activities[(a.company, a.customer)].append(a)

    found = []
    for customer in batch.customers:
        key = (customer.company, customer.account)
        figures = compute_figures(
            ledger_items(transactions[key], settlements[key]),
            today,
            currency[customer.company],
            customer.credit_limit,
            AgingPeriods(),
            customer.customer_since,
        )
        found.append((details_document(customer, figures, activities[key]), customer.language))
    return found


def main() -> None:
    method, count = token_counter()
    print(f"Summary prompt {SUMMARY_TASK.version_label}; tokens by {method}.")

    text = prompt_text(large_customer(), "en")
    print(f"{OPEN_INVOICES} open invoices: {len(text)} characters, {count(text)} tokens")

    demo = [prompt_text(details, language) for details, language in demo_customers(AS_OF)]
    characters = statistics.median(len(t) for t in demo)
    tokens = statistics.median(count(t) for t in demo)
    largest = max(demo, key=len)
    print(
        f"Demo ledger, {len(demo)} customers: median {characters:.0f} characters, "
        f"{tokens:.0f} tokens; largest {len(largest)} characters, {count(largest)} tokens"
    )


if __name__ == "__main__":
    main()
