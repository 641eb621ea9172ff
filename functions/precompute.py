"""The nightly precompute: on its timer, and on demand over HTTP."""

from __future__ import annotations

import logging

import azure.functions as func

from functions.clock import utc_now
from functions.http import date_param, endpoint, json_response, required_param
from shared import precompute, service
from shared.customer_view import company_today, require_company
from shared.precompute_queue import QUEUE_NAME, plan_messages, run_message

logger = logging.getLogger(__name__)

bp = func.Blueprint()


@bp.route(route="precompute", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
@endpoint
def precompute_now(req: func.HttpRequest) -> func.HttpResponse:
    store = service.store()
    company = require_company(store, required_param(req, "company"))
    as_of = date_param(req, "asOf") or company_today(company, utc_now())
    report = precompute.precompute_company(store, company, as_of, service.settings())
    return json_response(report.to_json())


@bp.timer_trigger(
    schedule="%PRECOMPUTE_SCHEDULE%", arg_name="timer", run_on_startup=False, use_monitor=True
)
@bp.queue_output(arg_name="batches", queue_name=QUEUE_NAME, connection="AzureWebJobsStorage")
def nightly_precompute(timer: func.TimerRequest, batches: func.Out[list[str]]) -> None:
    if timer.past_due:
        # A missed night (host down, deployment) is caught up now; the run is idempotent.
        logger.warning("The precompute timer is past due; running it now.")
    settings = service.settings()
    if settings.precompute_fanout == "queue":
        batches.set(plan_messages(service.store(), settings, utc_now()))
        return
    reports = precompute.precompute_all(service.store(), settings, utc_now())
    logger.info("Nightly precompute finished for %s companies.", len(reports))


@bp.queue_trigger(arg_name="message", queue_name=QUEUE_NAME, connection="AzureWebJobsStorage")
def precompute_batch(message: func.QueueMessage) -> None:
    run_message(service.store(), message.get_body().decode("utf-8"))
