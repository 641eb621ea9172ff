"""The customer summary: on request, and refreshed each night after the precompute."""

from __future__ import annotations

import logging

import azure.functions as func

from functions.clock import utc_now
from functions.http import endpoint, json_response, optional_param, required_param
from shared import service, summaries
from shared.model_writer import shared_model_writer
from shared.summaries import customer_summary, summary_answer

logger = logging.getLogger(__name__)

bp = func.Blueprint()


@bp.route(route="customers/{account}/summary", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
@endpoint
def summary(req: func.HttpRequest) -> func.HttpResponse:
    settings = service.settings()
    text, facts = customer_summary(
        service.store(),
        settings,
        required_param(req, "company"),
        req.route_params.get("account", ""),
        utc_now(),
        shared_model_writer(settings),
        optional_param(req, "language"),
    )
    return json_response(summary_answer(text, facts))


@bp.timer_trigger(
    schedule="%SUMMARY_SCHEDULE%", arg_name="timer", run_on_startup=False, use_monitor=True
)
def nightly_summaries(timer: func.TimerRequest) -> None:
    if timer.past_due:
        logger.warning("The summaries timer is past due; running it now.")
    settings = service.settings()
    report = summaries.nightly_summaries(
        service.store(), settings, utc_now(), shared_model_writer(settings)
    )
    logger.info(
        "Summaries refreshed %s, skipped %s, fell back %s, tokens %s of %s.",
        report.refreshed,
        report.skipped,
        report.fell_back,
        report.tokens_used,
        report.token_budget,
    )
