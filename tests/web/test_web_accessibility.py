"""Accessibility of each page and of the reminder dialog, checked with axe-core.

No violation of impact "serious" or "critical" is allowed, on WCAG 2.1 A and AA rules and
axe's best practices.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}
BLOCKING = {"serious", "critical"}


def api(base_url: str, path: str) -> Any:
    with urllib.request.urlopen(f"{base_url}/api{path}", timeout=30) as answer:
        return json.load(answer)


@pytest.fixture()
def axe_page(browser: Any) -> Any:
    """A page that lets the test inject axe-core despite the app's Content-Security-Policy."""
    if not AXE_SCRIPT.exists():
        pytest.skip("axe-core is not installed; run `npm ci` at the repository root.")
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="en-US", bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page: Any) -> list[str]:
    """Run axe on the page as it is now; describe each serious or critical violation."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def test_pages_and_dialog_have_no_serious_violations(axe_page: Any, live_server: str) -> None:
    page = axe_page
    company = api(live_server, "/companies")["companies"][0]["id"]
    workspace = api(live_server, f"/workspace?company={company}")
    found: dict[str, list[str]] = {}

    page.goto(f"{live_server}/?locale=en-US#/workspace?company={company}")
    page.get_by_role("heading", name="Highest balances").wait_for()
    found["workspace"] = serious_violations(page)

    account = (workspace["mostOverdue"] or workspace["highestBalances"])[0]["account"]
    page.goto(f"{live_server}/?locale=en-US#/customers/{account}?company={company}")
    page.locator(".summary-text").wait_for()
    found["customer"] = serious_violations(page)

    page.get_by_role("button", name="Create reminder email").click()
    page.get_by_role("dialog").wait_for()
    found["confirmation dialog"] = serious_violations(page)

    page.get_by_role("dialog").get_by_role("button", name="Yes").click()
    page.locator(".draft-panel .draft, .draft-panel .state").first.wait_for()
    found["draft"] = serious_violations(page)

    assert not any(found.values()), json.dumps(found, indent=2)
