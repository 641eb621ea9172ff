"""Companies and their collections agents."""

from __future__ import annotations

from collections import Counter

import azure.functions as func

from functions.http import endpoint, json_response, required_param
from shared import service
from shared.customer_view import require_company

bp = func.Blueprint()


@bp.route(route="companies", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
@endpoint
def companies(req: func.HttpRequest) -> func.HttpResponse:
    rows = sorted(service.store().list_companies(), key=lambda company: company.id)
    return json_response(
        {
            "companies": [
                {"id": c.id, "name": c.name, "currency": c.currency, "timeZone": c.time_zone}
                for c in rows
            ]
        }
    )


@bp.route(route="agents", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
@endpoint
def agents(req: func.HttpRequest) -> func.HttpResponse:
    store = service.store()
    company = require_company(store, required_param(req, "company"))

    # Reads every customer of the company: fine for the local store and for thousands of
    # customers; at a million the precompute's per-agent lists are the place to read.
    counts = Counter(customer.agent for customer in store.iter_customers(company.id))
    return json_response(
        {
            "company": company.id,
            "agents": [
                {"id": agent, "customers": count}
                for agent, count in sorted(counts.items())
                if agent is not None
            ],
        }
    )
