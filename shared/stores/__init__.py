"""Stores of the ledger and of what is derived from it, behind one interface.

``LedgerStore`` is implemented by the embedded SQLite store (the default, a file under
``.data/``) and by the Cosmos DB store. ``open_store`` picks one from the settings; each
store's module is imported only when chosen, so the SQLite path never loads the Cosmos SDK.
"""

from __future__ import annotations

from shared.settings import Settings
from shared.stores.base import DocumentKind, JsonObject, LedgerStore, StoreError, WriteSummary

__all__ = ["DocumentKind", "JsonObject", "LedgerStore", "StoreError", "WriteSummary", "open_store"]


def open_store(settings: Settings) -> LedgerStore:
    """Open the store that ``settings`` name; the caller closes it."""
    if settings.store == "cosmos":
        from shared.stores.cosmos_store import CosmosStore

        return CosmosStore.from_settings(settings)

    from shared.stores.sqlite_store import SqliteStore

    return SqliteStore(settings.sqlite_path)
