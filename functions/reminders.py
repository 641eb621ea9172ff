"""Reminder emails: a draft for an agent or a workflow, and the customers due a reminder.

Both routes take a function key in Azure (Logic Apps call them with one); the local host, like
Core Tools, does not ask for keys.
"""

from __future__ import annotations

import azure.functions as func

from functions.clock import utc_now
from functions.http import endpoint, json_body, json_response, required_param
from shared import service
from shared.model_writer import shared_model_writer
from shared.reminders import ReminderRequest, create_reminder, due_reminders

bp = func.Blueprint()

# Set by App Service authentication (Easy Auth) for a signed-in user; the platform strips it
# from requests that did not pass through authentication.
PRINCIPAL_HEADER = "x-ms-client-principal-name"
FUNCTION_KEY_HEADER = "x-functions-key"


@bp.route(
    route="customers/{account}/reminder-email",
    methods=["POST"],
    auth_level=func.AuthLevel.FUNCTION,
)
@endpoint
def reminder_email(req: func.HttpRequest) -> func.HttpResponse:
    key_auth = bool(req.headers.get(FUNCTION_KEY_HEADER) or req.params.get("code"))
    request = ReminderRequest.from_json(
        json_body(req, required=False),
        principal=(req.headers.get(PRINCIPAL_HEADER) or "").strip() or None,
        key_auth=key_auth,
    )
    settings = service.settings()
    draft = create_reminder(
        service.store(),
        settings,
        required_param(req, "company"),
        req.route_params.get("account", ""),
        request,
        utc_now(),
        shared_model_writer(settings),
    )
    return json_response(draft)


@bp.route(route="reminders/due", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
@endpoint
def reminders_due(req: func.HttpRequest) -> func.HttpResponse:
    answer = due_reminders(
        service.store(), service.settings(), required_param(req, "company"), utc_now()
    )
    return json_response(answer)
