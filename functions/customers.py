"""Customer details: the snapshot of the night, or the ledger as of a date."""

from __future__ import annotations

import azure.functions as func

from functions.clock import utc_now
from functions.http import date_param, endpoint, json_response, required_param
from shared import service
from shared.customer_view import customer_details

bp = func.Blueprint()


@bp.route(route="customers/{account}", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
@endpoint
def customer(req: func.HttpRequest) -> func.HttpResponse:
    details = customer_details(
        service.store(),
        required_param(req, "company"),
        req.route_params.get("account", ""),
        date_param(req, "asOf"),
        service.settings(),
        utc_now(),
    )
    return json_response(details)
