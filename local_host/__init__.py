"""A local host for the function app: the registered functions over real HTTP.

It serves what ``function_app.app`` registers, as registered (routes, methods, route
parameters), under ``/api/`` like the Functions host, plus the web app's static files at
``/``. Timer functions run on demand with ``POST /admin/functions/{name}``, as under Azure
Functions Core Tools. Function keys are not asked for, as under Core Tools.
"""
