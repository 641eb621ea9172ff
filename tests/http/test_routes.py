"""The local host's routing table is the function app's registrations, and the API document
describes exactly those routes."""

from __future__ import annotations

import json

import pytest

from function_app import app
from local_host.routing import Route, RouteTable, RouteTemplateError
from local_host.server import registered_routes
from tests.live_host import REPO_ROOT


def _openapi_operations() -> set[tuple[str, str]]:
    document = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text())
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }


def test_openapi_describes_every_registered_route_and_no_other() -> None:
    table, _ = registered_routes(app)
    registered = {
        (method, "/" + route.template) for route in table.routes for method in route.methods
    }
    assert registered == _openapi_operations()


def test_timer_functions_are_runnable_on_demand() -> None:
    _, others = registered_routes(app)
    assert "nightly_precompute" in others


def _table(*templates: str) -> RouteTable:
    return RouteTable.of(Route(t, frozenset({"GET"}), t, None) for t in templates)


def test_literal_segments_win_over_parameters() -> None:
    table = _table("reminders/{id}", "reminders/due")
    route, params, _ = table.find("GET", "/reminders/due")
    assert route is not None and route.template == "reminders/due" and params == {}

    route, params, _ = table.find("GET", "/reminders/R-1")
    assert route is not None and params == {"id": "R-1"}


def test_parameters_are_decoded_and_constrained() -> None:
    table = _table("customers/{account}", "pages/{number:int}", "files/{*rest}", "opt/{x?}")
    assert table.find("GET", "/customers/A%2F1")[1] == {"account": "A/1"}
    assert table.find("GET", "/pages/12")[1] == {"number": "12"}
    assert table.find("GET", "/pages/twelve")[0] is None
    assert table.find("GET", "/files/a/b/c")[1] == {"rest": "a/b/c"}
    assert table.find("GET", "/opt")[0] is not None
    assert table.find("GET", "/opt/1")[1] == {"x": "1"}


def test_a_known_path_with_another_method_reports_the_allowed_ones() -> None:
    route, _, allowed = _table("ingest").find("POST", "/ingest")
    assert route is None and allowed == ["GET"]


def test_unreadable_templates_are_refused() -> None:
    with pytest.raises(RouteTemplateError):
        Route("customers/{account", frozenset({"GET"}), "x", None)
