"""The nightly precompute fanned out over a queue, so that any instance can take a batch.

On Azure (``COLLECTIONS_PRECOMPUTE_FANOUT=queue``) the timer only plans: for each company it
starts or resumes the day's run and puts one message per batch not yet done on the
``precompute-batches`` queue. Each message is one ``Batch`` (``Batch.to_message``); the
queue-triggered function runs it and then tries to finish the run, which succeeds for the
instance that ran the last batch and is refused, harmlessly, for the others. A message
delivered twice runs a batch twice, which writes the same documents (``run_batch`` is safe
to repeat), and a message that fails is retried by the queue and finally parked in
``precompute-batches-poison``. Locally (``inline``, the default) the same batches run in one
process through ``precompute_all``.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.precompute import (
    Batch,
    RunNotReady,
    finish_run,
    plan_batches,
    run_batch,
)
from shared.settings import Settings
from shared.stores.base import LedgerStore

logger = logging.getLogger(__name__)

QUEUE_NAME = "precompute-batches"


def plan_messages(
    store: LedgerStore,
    settings: Settings,
    now: datetime,
    *,
    batch_size: int | None = None,
) -> list[str]:
    """Start or resume every company's run as of its own date; one message per batch left.

    A company whose batches are all done (a run that stopped just before finishing) is
    finished here, since no message would come back to finish it.
    """
    if now.tzinfo is None:
        raise ValueError("plan_messages needs an aware datetime, such as one in UTC.")

    messages: list[str] = []
    for company in store.list_companies():
        as_of = now.astimezone(ZoneInfo(company.time_zone)).date()
        batches = plan_batches(store, company, as_of, settings, batch_size=batch_size)
        if not batches:
            finish_run(store, company.id, as_of)
        messages.extend(json.dumps(batch.to_message()) for batch in batches)
        logger.info("Precompute %s as of %s: %s batches queued.", company.id, as_of, len(batches))
    return messages


def run_message(store: LedgerStore, message: str) -> bool:
    """Run the batch of one queue message; return whether it finished the run."""
    batch = Batch.from_message(json.loads(message))
    result = run_batch(store, batch)
    try:
        finished = finish_run(store, batch.company, batch.as_of)
    except RunNotReady:
        finished = False
    logger.info(
        "Precompute %s as of %s, batch %s: %s customers%s.",
        batch.company,
        batch.as_of,
        batch.index,
        result.customers,
        ", run finished" if finished else "",
    )
    return finished
