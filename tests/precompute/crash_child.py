"""Run the precompute of every company as of one date on a store file; the crash test's child.

Usage: ``python -m tests.precompute.crash_child PATH YYYY-MM-DD BATCH_SIZE``. Prints one line
per document write, so the parent can kill it at a chosen write; exits 0 once every company
is done.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date

from shared import precompute
from shared.settings import Settings
from shared.stores.base import DocumentKind, JsonObject
from shared.stores.sqlite_store import SqliteStore


class ReportingStore(SqliteStore):
    """The SQLite store, announcing each document write on standard output."""

    def put_documents(
        self, company: str, kind: DocumentKind, documents: Iterable[tuple[str, JsonObject]]
    ) -> int:
        written = super().put_documents(company, kind, documents)
        print(f"wrote {kind.value}", flush=True)
        return written


def main(path: str, as_of: str, batch_size: str) -> None:
    store = ReportingStore(path)
    for company in store.list_companies():
        precompute.precompute_company(
            store, company, date.fromisoformat(as_of), Settings(), batch_size=int(batch_size)
        )
    store.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
