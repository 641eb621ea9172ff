"""Pausing Python's cyclic garbage collector around bulk work that builds no cycles.

Building a few hundred thousand short-lived records (ledger rows, snapshot bodies, demo
data) makes the collector run hundreds of times, and each run walks the surviving objects
to find nothing: records made of tuples, strings and decimals are freed by reference
counting alone. On the precompute that wasted walk was about 30% of a batch.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector in the block; it runs again, as it was, afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
