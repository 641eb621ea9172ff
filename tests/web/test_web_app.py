"""The web app in headless Chromium against a live host serving the demo ledger.

Each test opens the app as an agent would: the workspace, a sort, a customer, the charts,
the reminder dialog, and a failing API. Screenshots of each page land in
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import format_currency

pytestmark = pytest.mark.browser

CONFIRMATION = (
    "A reminder email will be created with AI. Make sure AI-generated content is complete, "
    "accurate, and appropriate before using. Do you want to create the email?"
)


def api(base_url: str, path: str) -> Any:
    """GET a JSON document from the API, as the app would."""
    with urllib.request.urlopen(f"{base_url}/api{path}", timeout=30) as answer:
        return json.load(answer)


def first_company(base_url: str) -> dict[str, Any]:
    companies = api(base_url, "/companies")["companies"]
    assert companies, "The demo data has no company."
    return dict(companies[0])


def open_workspace(page: Any, base_url: str, company: str, agent: str | None = None) -> None:
    hash_query = f"company={company}" + (f"&agent={agent}" if agent else "")
    page.goto(f"{base_url}/?locale=en-US#/workspace?{hash_query}")
    page.get_by_role("heading", name="Highest balances").wait_for()


def column_amounts(page: Any, table: str, column: str) -> list[Decimal]:
    cells = page.locator(f'table[data-table="{table}"] td[data-column="{column}"] [data-amount]')
    return [Decimal(value) for value in cells.evaluate_all("n => n.map(e => e.dataset.amount)")]


def money(amount: str, currency: str) -> str:
    """An amount as en-US formats it; Babel and the browser both follow CLDR."""
    return str(format_currency(Decimal(amount), currency, locale="en_US"))


def collation_key(text: str) -> str:
    """Accents and case ignored, as the app's sort does ("Équipements" beside "Elektro")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def customer_with_overdue(base_url: str, company: str) -> dict[str, Any]:
    workspace = api(base_url, f"/workspace?company={company}")
    assert workspace["mostOverdue"], "The demo data has no customer with an overdue amount."
    return dict(workspace["mostOverdue"][0])


def test_workspace_lists_sort_and_open_a_customer(
    page: Any, live_server: str, screenshots: Path
) -> None:
    company = first_company(live_server)
    workspace = api(live_server, f"/workspace?company={company['id']}")
    open_workspace(page, live_server, company["id"])
    page.screenshot(path=str(screenshots / "workspace.png"), full_page=True)

    # The lists show what the API sent, in its order.
    shown = column_amounts(page, "highest-balances", "balance")
    assert shown == [Decimal(row["balance"]) for row in workspace["highestBalances"]]
    assert shown == sorted(shown, reverse=True)
    activities = page.locator('table[data-table="activities"] tbody tr')
    assert activities.count() == min(15, len(workspace["activities"]))
    if len(workspace["activities"]) > 15:
        page.get_by_role("button", name=f"Show all {len(workspace['activities'])}").click()
    assert activities.count() == len(workspace["activities"])
    overdue = sum(1 for row in workspace["activities"] if row["overdue"])
    assert page.locator('table[data-table="activities"] .badge-danger').count() == overdue

    # Sorting by balance turns the list around; the header says so to screen readers.
    header = page.locator(
        'table[data-table="highest-balances"] th:has(button[data-sort-key="balance"])'
    )
    assert header.get_attribute("aria-sort") == "descending"
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert column_amounts(page, "highest-balances", "balance") == sorted(shown)

    # Sorting by name works from the keyboard too.
    name_button = page.locator('table[data-table="highest-balances"] button[data-sort-key="name"]')
    name_button.focus()
    page.keyboard.press("Enter")
    names = page.locator(
        'table[data-table="highest-balances"] tbody .customer-link span:first-child'
    )
    texts = names.all_inner_texts()
    assert texts == sorted(texts, key=collation_key)

    # A customer name opens its details.
    first = workspace["highestBalances"][0]
    page.locator('table[data-table="highest-balances"]').get_by_role(
        "link", name=re.compile(re.escape(first["name"]))
    ).click()
    page.get_by_role("heading", level=1, name=first["name"]).wait_for()
    assert f"#/customers/{first['account']}" in page.url


def test_customer_figures_match_the_api_and_charts_are_drawn(
    page: Any, live_server: str, screenshots: Path
) -> None:
    company = first_company(live_server)
    account = api(live_server, f"/workspace?company={company['id']}")["highestBalances"][0][
        "account"
    ]
    details = api(live_server, f"/customers/{account}?company={company['id']}")
    page.goto(f"{live_server}/?locale=en-US#/customers/{account}?company={company['id']}")
    page.get_by_role("heading", level=1, name=details["name"]).wait_for()

    for key in ("balance", "overdue", "unappliedCredit", "creditLimit", "creditAvailable"):
        figure = page.locator(f'[data-figure="{key}"] .amount')
        if details[key] is None:
            assert figure.get_attribute("data-amount") == ""
            continue
        assert figure.get_attribute("data-amount") == details[key]
        assert figure.inner_text() == money(details[key], details["currency"])

    # Six aging columns, one per bucket, labelled with the API's amounts.
    bars = page.locator('svg[data-chart="aging"] g.aging-bar')
    assert bars.count() == len(details["aging"]) == 6
    for bar, bucket in zip(bars.all(), details["aging"], strict=True):
        assert bar.get_attribute("data-bucket") == bucket["bucket"]
        assert money(bucket["amount"], details["currency"]) in (bar.text_content() or "")

    # Days late: twelve months, one column for each month in which invoices were settled.
    months = page.locator('svg[data-chart="payments"] g.late-bar')
    assert months.count() == 12
    settled = details["paymentHistory"]["months"]
    assert page.locator('svg[data-chart="payments"] g.late-bar rect').count() == len(settled)
    assert page.locator('svg[data-chart="payments"]').get_attribute("aria-label")

    # Open invoices, in the order of days past due.
    rows = page.locator('table[data-table="open-invoices"] tbody tr')
    assert rows.count() == len(details["openInvoices"])

    page.locator("#summary .summary-text, #summary [role=alert]").first.wait_for()
    page.screenshot(path=str(screenshots / "customer.png"), full_page=True)
    page.set_viewport_size({"width": 820, "height": 1180})
    page.screenshot(path=str(screenshots / "customer-tablet.png"), full_page=True)


def test_summary_says_who_wrote_it(page: Any, live_server: str) -> None:
    company = first_company(live_server)
    account = customer_with_overdue(live_server, company["id"])["account"]
    summary = api(live_server, f"/customers/{account}/summary?company={company['id']}")
    page.goto(f"{live_server}/?locale=en-US#/customers/{account}?company={company['id']}")

    text = page.locator("#summary .summary-text")
    text.wait_for()
    assert text.get_attribute("data-source") == summary["source"]
    expected = "Written by AI" if summary["source"] == "ai" else "Written from a template"
    assert page.locator("#summary .badge").inner_text() == expected
    assert " ".join(text.inner_text().split()) == " ".join(summary["text"].split())
    if summary["disclaimer"]:
        assert page.locator("#summary .disclaimer").inner_text() == summary["disclaimer"]


def test_reminder_email_needs_confirmation(page: Any, live_server: str, screenshots: Path) -> None:
    company = first_company(live_server)
    target = customer_with_overdue(live_server, company["id"])
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"{live_server}/?locale=en-US#/customers/{target['account']}?company={company['id']}")
    create = page.get_by_role("button", name="Create reminder email")

    # No: the dialog closes and nothing is created.
    create.click()
    dialog = page.get_by_role("dialog", name="Create reminder email")
    dialog.wait_for()
    assert dialog.locator("p").inner_text() == CONFIRMATION
    page.screenshot(path=str(screenshots / "reminder-confirmation.png"))
    dialog.get_by_role("button", name="No").click()
    dialog.wait_for(state="detached")
    assert not posts
    assert page.locator(".draft-panel").is_hidden()

    # Yes: the draft is created and shown for review.
    create.click()
    page.get_by_role("dialog").get_by_role("button", name="Yes").click()
    page.get_by_role("heading", name="Reminder email draft").wait_for()
    assert any("/reminder-email" in url for url in posts)
    draft = page.locator(".draft-panel")
    assert draft.locator('[data-field="subject"]').inner_text().strip()
    mail_link = draft.get_by_role("link", name="Open in mail app")
    assert (mail_link.get_attribute("href") or "").startswith("mailto:")
    frame = draft.locator("iframe.email-body")
    if frame.count():
        assert frame.get_attribute("sandbox") == ""
    page.screenshot(path=str(screenshots / "reminder-draft.png"), full_page=True)

    with page.expect_download() as download_info:
        draft.get_by_role("button", name="Download .eml").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".eml")
    assert "Subject:" in Path(download.path()).read_text(errors="replace")


def test_api_errors_are_shown_as_messages(page: Any, live_server: str, screenshots: Path) -> None:
    company = first_company(live_server)

    # An unknown customer: the service's 404 problem, in words.
    page.goto(f"{live_server}/?locale=en-US#/customers/NO-SUCH-ACCOUNT?company={company['id']}")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "could not be loaded" in alert.inner_text()
    page.screenshot(path=str(screenshots / "error-unknown-customer.png"))

    # A failing service: the problem's title and detail, and a way to try again.
    problem = {
        "type": "about:blank",
        "title": "Service unavailable",
        "status": 503,
        "detail": "The store did not answer in time.",
    }
    page.route(
        "**/api/workspace*",
        lambda route: route.fulfill(
            status=503, content_type="application/problem+json", body=json.dumps(problem)
        ),
    )
    page.goto(f"{live_server}/?locale=en-US#/workspace?company={company['id']}")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Service unavailable" in alert.inner_text()
    assert "The store did not answer in time." in alert.inner_text()
    assert alert.get_by_role("button", name="Try again").is_visible()
    page.screenshot(path=str(screenshots / "error-service.png"))


def test_amounts_are_formatted_exactly_for_the_locale(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/?locale=en-US")
    results = page.evaluate(
        """async () => {
          const f = await import('./js/format.js');
          return [
            f.formatMoney('1234.50', 'USD', 'en-US'),
            f.formatMoney('-0.50', 'EUR', 'de-DE'),
            f.formatMoney('12345678901234567.89', 'USD', 'en-US'),
            f.formatMoney('1500', 'JPY', 'ja-JP'),
            f.formatMoney(null, 'USD', 'en-US'),
            f.compareDecimal('10.00', '9.99'),
            f.compareDecimal('-10.00', '-9.99'),
            f.formatDate('2025-03-01', 'en-GB'),
          ];
        }"""
    )
    assert results[0] == "$1,234.50"
    assert results[1].replace("\u00a0", " ") == "-0,50 €"
    assert results[2] == "$12,345,678,901,234,567.89"
    assert results[3] in ("￥1,500", "¥1,500")
    assert results[4] == "–"
    assert results[5] > 0 > results[6]
    assert results[7] == "1 Mar 2025"


def test_close_an_activity(page: Any, live_server: str) -> None:
    company = first_company(live_server)
    workspace = api(live_server, f"/workspace?company={company['id']}")
    if not workspace["activities"]:
        pytest.skip("The demo data has no open activity.")
    open_workspace(page, live_server, company["id"])
    table = page.locator('table[data-table="activities"]')
    first = table.locator("tbody tr").first
    first.get_by_role("button", name=re.compile(r"^Close activity")).click()
    first.get_by_text("Closed").wait_for()
    page.get_by_role("status").filter(has_text="closed").wait_for(state="attached")


def test_a_deployment_with_function_keys_asks_for_one(page: Any, live_server: str) -> None:
    company = first_company(live_server)
    keys_sent: list[str | None] = []

    def guard(route: Any) -> None:
        # Stands in for the Functions host: 401 without the key, the real answer with it.
        key = route.request.headers.get("x-functions-key")
        keys_sent.append(key)
        if key == "agent-key-1":
            route.continue_()
        else:
            route.fulfill(status=401, body="")

    page.route("**/api/workspace*", guard)
    page.goto(f"{live_server}/?locale=en-US#/workspace?company={company['id']}")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "401" in alert.inner_text()

    page.get_by_label("Access key from your administrator").fill("agent-key-1")
    page.get_by_role("button", name="Use this key").click()
    page.get_by_role("heading", name="Highest balances").wait_for()
    assert keys_sent[0] is None and keys_sent[-1] == "agent-key-1"
    assert page.evaluate("sessionStorage.getItem('collections.accessKey')") == "agent-key-1"
