"""The service's settings and store, opened once per process and shared by the functions.

A Functions worker serves many invocations from one process; opening the store (and, for
Cosmos DB, its connection pool and credential) once per process keeps cold start and request
latency down. Tests and the local host call ``configure`` to point the service at their own
settings, and ``reset`` to close what was opened.
"""

from __future__ import annotations

import logging
import threading

from shared.settings import Settings
from shared.stores import LedgerStore, open_store

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_settings: Settings | None = None
_store: LedgerStore | None = None


def configure(settings: Settings) -> None:
    """Use ``settings`` from now on, closing a store opened with earlier settings."""
    global _settings
    reset()
    with _lock:
        _settings = settings


def settings() -> Settings:
    """The settings, read from the environment on first use."""
    global _settings
    with _lock:
        if _settings is None:
            _settings = Settings.from_environ()
        return _settings


def store() -> LedgerStore:
    """The store the settings name, opened on first use."""
    global _store
    current = settings()
    with _lock:
        if _store is None:
            _store = open_store(current)
            logger.info("Opened the %s store.", current.store)
        return _store


def reset() -> None:
    """Close the store and forget the settings."""
    global _settings, _store
    with _lock:
        if _store is not None:
            _store.close()
        _store = None
        _settings = None
