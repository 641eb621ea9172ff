"""Ledger ingest: one document of records, checked whole, written in one transaction."""

from __future__ import annotations

import logging

import azure.functions as func

from functions.http import endpoint, json_body, json_response
from shared import service
from shared.ingest import parse_batch, records_count

logger = logging.getLogger(__name__)

bp = func.Blueprint()


@bp.route(route="ingest", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
@endpoint
def ingest(req: func.HttpRequest) -> func.HttpResponse:
    store = service.store()
    batch = parse_batch(json_body(req), store)
    summary = store.write_batch(batch)
    logger.info(
        "Ingested %s records: %s written, %s unchanged.",
        sum(records_count(batch).values()),
        summary.total_written,
        sum(summary.unchanged.values()),
    )
    return json_response(
        {
            "received": records_count(batch),
            "written": dict(summary.written),
            "unchanged": dict(summary.unchanged),
        }
    )
