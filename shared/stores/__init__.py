"""Stores of the ledger and of what is derived from it, behind one interface.

``LedgerStore`` is implemented by the embedded SQLite store (the default, a file under
``.data/``) and by the Cosmos DB store. ``open_store`` picks one from the settings.
"""

from __future__ import annotations

from shared.stores.base import (
    DocumentKind,
    LedgerStore,
    StoreError,
    WriteSummary,
)

__all__ = ["DocumentKind", "LedgerStore", "StoreError", "WriteSummary"]
