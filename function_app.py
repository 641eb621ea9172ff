"""The composition root: one function app, one blueprint per area, nothing else."""

import azure.functions as func

from functions import (
    companies,
    customers,
    health,
    ingest,
    precompute,
    reminders,
    summary,
    workspace,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)

for area in (health, companies, ingest, precompute, workspace, customers, summary, reminders):
    app.register_functions(area.bp)
