"""Checkov finds nothing in ``infra/`` that is not fixed or justified in place.

Checkov lives in its own virtual environment (``make checkov-setup``, from infra/checkov.mk)
because its dependencies clash with the app's. Under CI a missing checkov fails the test: a
scan that silently does not run is how insecure defaults slip in. Elsewhere it skips and says
how to install it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
SUPPRESSION = re.compile(r"//\s*checkov:skip=([A-Z0-9_]+):(.*)$")
SHORTEST_REASON = 20


def _checkov() -> Path:
    if CHECKOV.is_file():
        return CHECKOV
    message = f"checkov is not installed at {CHECKOV.relative_to(ROOT)}: run `make checkov-setup`."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    completed = subprocess.run(
        [
            str(_checkov()),
            "--directory",
            str(INFRA),
            "--framework",
            "bicep",
            "--output",
            "json",
            # No calls home: the scan runs offline and gives the same answer every time.
            "--skip-download",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # Exit code 1 means failed checks; the report says which, so it is read either way.
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    output = json.loads(completed.stdout)
    reports = output if isinstance(output, list) else [output]
    bicep = [entry for entry in reports if entry.get("check_type") == "bicep"]
    assert bicep, f"checkov scanned no Bicep: {completed.stdout[:500]}"
    result: dict[str, Any] = bicep[0]
    return result


def _suppressions() -> set[tuple[str, str]]:
    """(file relative to infra/, check id) for each in-line suppression."""
    found: set[tuple[str, str]] = set()
    for path in sorted(INFRA.rglob("*.bicep")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = SUPPRESSION.search(line)
            if match:
                found.add((path.relative_to(INFRA).as_posix(), match.group(1)))
    return found


def test_checkov_parses_every_file(report: dict[str, Any]) -> None:
    assert report["summary"]["parsing_errors"] == 0, report["results"].get("parsing_errors")
    assert report["summary"]["resource_count"] >= 20


def test_checkov_finds_no_failed_check(report: dict[str, Any]) -> None:
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file_path']}:"
        f"{check['file_line_range'][0]}): {check['check_name']}"
        for check in report["results"].get("failed_checks", [])
    ]
    assert not failed, "Fix each, or justify it in place with //checkov:skip=ID:reason\n" + (
        "\n".join(failed)
    )
    assert report["summary"]["passed"] >= 20


def test_every_skipped_check_gives_its_reason(report: dict[str, Any]) -> None:
    for check in report["results"].get("skipped_checks", []):
        reason = check.get("check_result", {}).get("suppress_comment", "")
        assert len(reason.strip()) >= SHORTEST_REASON, (
            f"{check['check_id']} on {check['resource']} is skipped without a reason."
        )


def test_every_suppression_is_used(report: dict[str, Any]) -> None:
    # A suppression for a check that no longer fires hides the next real finding.
    skipped = {
        (check["file_path"].lstrip("/"), check["check_id"])
        for check in report["results"].get("skipped_checks", [])
    }
    stale = sorted(_suppressions() - skipped)
    assert not stale, f"Remove these suppressions, their checks no longer fire: {stale}"


def test_suppressions_are_written_as_bicep_comments() -> None:
    # Bicep has no '#' comments: such a line breaks the file for the compiler and pycep.
    for path in sorted(INFRA.rglob("*.bicep")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*#\s*checkov", text, re.M), path.name
    assert _suppressions(), "The scan is expected to justify some skips in place."
