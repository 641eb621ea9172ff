"""The collections agent's workspace, and closing an activity from it."""

from __future__ import annotations

import dataclasses

import azure.functions as func

from functions.clock import utc_now
from functions.http import endpoint, int_param, json_response, optional_param, required_param
from shared import precompute, service
from shared.customer_details import activity_document
from shared.customer_view import company_today, require_company
from shared.ledger import ActivityStatus, LedgerBatch
from shared.problems import NotFound, NotReady

bp = func.Blueprint()

MAX_TOP = 100


@bp.route(route="workspace", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
@endpoint
def workspace(req: func.HttpRequest) -> func.HttpResponse:
    store = service.store()
    company = require_company(store, required_param(req, "company"))
    agent = optional_param(req, "agent")
    top = int_param(req, "top", service.settings().workspace_top, 1, MAX_TOP)

    document = precompute.read_workspace(store, company.id, agent, top)
    if document is None:
        raise NotReady(
            f"The workspace of {company.id!r} has not been computed yet; "
            f"run POST /api/precompute?company={company.id} or wait for the nightly run."
        )
    return json_response(document)


@bp.route(route="activities/{activity}/close", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
@endpoint
def close_activity(req: func.HttpRequest) -> func.HttpResponse:
    store = service.store()
    company = require_company(store, required_param(req, "company"))
    activity_id = req.route_params.get("activity", "")

    activity = next((a for a in store.open_activities(company.id) if a.id == activity_id), None)
    if activity is None:
        raise NotFound(f"Company {company.id!r} has no open activity {activity_id!r}.")

    closed = dataclasses.replace(activity, status=ActivityStatus.CLOSED)
    store.write_batch(LedgerBatch(activities=(closed,)))
    today = company_today(company, utc_now())
    return json_response({"activity": activity_document(closed, today)})
