"""Health and the OpenAPI document of the HTTP API."""

from __future__ import annotations

from pathlib import Path

import azure.functions as func

from functions.http import endpoint, json_response
from shared import service

bp = func.Blueprint()

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def health(req: func.HttpRequest) -> func.HttpResponse:
    settings = service.settings()
    companies = len(service.store().list_companies())
    return json_response(
        {"status": "ok", "store": settings.store, "ai": settings.ai, "companies": companies}
    )


@bp.route(route="openapi.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def openapi(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(
        OPENAPI_PATH.read_bytes(), mimetype="application/json", charset="utf-8"
    )
