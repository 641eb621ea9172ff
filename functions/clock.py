"""The one place the HTTP layer reads the wall clock; calculations take dates as arguments."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
