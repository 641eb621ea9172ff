"""No output, parameter default or app setting of the deployment carries a key or a secret.

The deployment authenticates with Entra ID everywhere, so no secret should ever need to
travel through Bicep. The one exception is the reminder workflow's function key, which is read
with ``listKeys`` straight into a SecureString workflow parameter and marked secure in run
history; the tests below pin that exception down so that it cannot spread.

Bicep expressions are read from pycep's parse tree: every string in an expression (function
names, property names, literal text and interpolations) is checked for the marks a secret
leaves, such as a ``list*()`` call, ``primaryKey`` or ``AccountKey=``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from pycep import BicepParser

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
BICEP_FILES = sorted(INFRA.rglob("*.bicep"))
APP_SETTINGS_BICEP = INFRA / "modules" / "function-app.bicep"
WORKFLOW_BICEP = INFRA / "modules" / "reminder-workflow.bicep"
MONITORING_BICEP = INFRA / "modules" / "monitoring.bicep"

# list*() is how ARM hands out keys: listKeys, listConnectionStrings, listSecrets, ...
LIST_CALL = re.compile(r"(?<![A-Za-z])list(?:_func|[A-Z][A-Za-z]*)")
SECRET_WORDS = (
    "primarykey",
    "secondarykey",
    "masterkey",
    "accountkey",
    "sharedaccesskey",
    "sharedaccesssignature",
    "primaryconnectionstring",
    "secondaryconnectionstring",
    "connectionstrings",
    "password",
    "secret",
)
SECRET_LAST_WORDS = ("key", "keys", "secret", "password", "token", "sas")
# A 40+ character run of base64, the shape of a storage, Cosmos DB or Cognitive Services key.
BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40,}={0,2}")
# Settings that must stay out of Azure: in Azure each of these would be a key.
KEY_SETTINGS = ("COSMOS_KEY", "AZURE_OPENAI_API_KEY", "OPENAI_API_KEY", "AzureWebJobsStorage")


def named_like_a_secret(name: str) -> bool:
    """COSMOS_KEY, apiKey, clientSecret, SAS_TOKEN, X_CONNECTION_STRING; not TOKEN_BUDGET."""
    words = [w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)]
    if not words:
        return False
    return words[-1] in SECRET_LAST_WORDS or words[-2:] == ["connection", "string"]


@functools.cache
def parse(path: Path) -> dict[str, Any]:
    # Cached: parametrized tests read the same files many times. Callers do not mutate it.
    return cast("dict[str, Any]", BicepParser().parse(file_path=path))


def parse_text(text: str) -> dict[str, Any]:
    return cast("dict[str, Any]", BicepParser().parse(text=text))


def strings_in(node: Any) -> Iterator[str]:
    """Every string in a parse tree, object keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from strings_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings_in(item)


def secret_marks(node: Any) -> list[str]:
    """The strings of an expression that show it computes or holds a secret."""
    return [text for text in strings_in(node) if _marks_a_secret(text)]


def _marks_a_secret(text: str) -> bool:
    folded = text.lower().replace("_", "")
    if LIST_CALL.search(text) or any(word in folded for word in SECRET_WORDS):
        return True
    return _looks_like_a_key(text)


def _looks_like_a_key(text: str) -> bool:
    for match in BASE64_RUN.finditer(text):
        run = match.group(0)
        # Paths and words are long too; a key mixes digits with both cases and has no "//".
        mixed = all(re.search(pattern, run) for pattern in (r"\d", r"[a-z]", r"[A-Z]"))
        if mixed and "//" not in run:
            return True
    return False


def _resource_body(resource: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = resource["config"]
    while "loop_type" in config or "condition" in config:
        config = config["config"]
    return config


def app_settings(template: dict[str, Any]) -> dict[str, Any]:
    for resource in template.get("resources", {}).values():
        body = _resource_body(resource)
        if resource["type"] == "Microsoft.Web/sites/config" and body["name"] == "appsettings":
            return cast("dict[str, Any]", body["properties"])
    raise AssertionError("No appsettings resource found.")


@pytest.fixture(scope="module")
def templates() -> dict[Path, dict[str, Any]]:
    return {path: parse(path) for path in BICEP_FILES}


# --- The detector catches what it is meant to catch ----------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("COSMOS_KEY", True),
        ("AZURE_OPENAI_API_KEY", True),
        ("clientSecret", True),
        ("storageConnectionString", True),
        ("APPLICATIONINSIGHTS_CONNECTION_STRING", True),
        ("SAS_TOKEN", True),
        ("COLLECTIONS_SUMMARY_TOKEN_BUDGET", False),
        ("AZURE_CLIENT_ID", False),
        ("keyVaultName", False),
    ],
)
def test_secret_names_are_recognised(name: str, expected: bool) -> None:
    assert named_like_a_secret(name) is expected


@pytest.mark.parametrize(
    "expression",
    [
        "account.listKeys().primaryMasterKey",
        "listKeys(storage.id, '2023-05-01').keys[0].value",
        "'DefaultEndpointsProtocol=https;AccountName=x;"
        "AccountKey=${storage.listKeys().keys[0].value}'",
        "cosmos.listConnectionStrings().connectionStrings[0].connectionString",
        "bus.listKeys().primaryConnectionString",
        "'Zm9vYmFyMTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJD=='",
    ],
)
def test_detector_flags_a_secret_output(expression: str) -> None:
    template = parse_text(f"output leaked string = {expression}\n")
    assert secret_marks(template["outputs"]["leaked"]["value"])


@pytest.mark.parametrize(
    "expression",
    [
        "account.properties.documentEndpoint",
        "'https://${app.properties.defaultHostName}'",
        "identity.properties.clientId",
        "'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#'",
    ],
)
def test_detector_passes_an_ordinary_output(expression: str) -> None:
    template = parse_text(f"output fine string = {expression}\n")
    assert not secret_marks(template["outputs"]["fine"]["value"])


# --- The deployment -------------------------------------------------------------------------


@pytest.mark.parametrize("path", BICEP_FILES, ids=[p.name for p in BICEP_FILES])
def test_no_output_carries_a_secret(path: Path) -> None:
    for name, output in parse(path).get("outputs", {}).items():
        assert not named_like_a_secret(name), f"{path.name}: output {name} is named like a secret."
        assert "secure" not in {d["type"] for d in output["decorators"]}, name
        marks = secret_marks(output["value"])
        assert not marks, f"{path.name}: output {name} carries a secret: {marks}"


@pytest.mark.parametrize("path", BICEP_FILES, ids=[p.name for p in BICEP_FILES])
def test_no_parameter_default_carries_a_secret(path: Path) -> None:
    for name, parameter in parse(path).get("parameters", {}).items():
        marks = secret_marks(parameter["default"])
        assert not marks, f"{path.name}: the default of {name} carries a secret: {marks}"

        # A parameter meant for a secret is @secure and has no default to leak.
        if named_like_a_secret(name):
            decorators = {decorator["type"] for decorator in parameter["decorators"]}
            assert "secure" in decorators, f"{path.name}: mark {name} @secure()."
            assert parameter["default"] is None, f"{path.name}: {name} has a default."


def test_no_app_setting_carries_a_key(templates: dict[Path, dict[str, Any]]) -> None:
    settings = app_settings(templates[APP_SETTINGS_BICEP])
    for name in KEY_SETTINGS:
        assert name not in settings, f"{name} would put a key in Azure; use the identity."

    for name, value in settings.items():
        marks = secret_marks(value)
        assert not marks, f"App setting {name} carries a secret: {marks}"


def test_only_the_telemetry_connection_string_is_set_and_it_grants_nothing(
    templates: dict[Path, dict[str, Any]],
) -> None:
    settings = app_settings(templates[APP_SETTINGS_BICEP])
    named_like_secrets = sorted(name for name in settings if named_like_a_secret(name))
    assert named_like_secrets == ["APPLICATIONINSIGHTS_CONNECTION_STRING"]

    # Its instrumentation key identifies the component; with local auth off, ingestion still
    # needs an Entra token, which the authentication string tells the host to get.
    monitoring = templates[MONITORING_BICEP]["resources"]["appInsights"]
    assert _resource_body(monitoring)["properties"]["DisableLocalAuth"] is True
    assert settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].endswith(";Authorization=AAD")


def test_host_storage_is_reached_by_identity(templates: dict[Path, dict[str, Any]]) -> None:
    settings = app_settings(templates[APP_SETTINGS_BICEP])
    assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
    storage = templates[INFRA / "modules" / "storage.bicep"]["resources"]["storage"]
    assert _resource_body(storage)["properties"]["allowSharedKeyAccess"] is False


def test_openai_and_cosmos_refuse_keys(templates: dict[Path, dict[str, Any]]) -> None:
    openai = templates[INFRA / "modules" / "openai.bicep"]["resources"]["account"]
    cosmos = templates[INFRA / "modules" / "cosmos.bicep"]["resources"]["account"]
    assert _resource_body(openai)["properties"]["disableLocalAuth"] is True
    assert _resource_body(cosmos)["properties"]["disableLocalAuth"] is True


def test_list_calls_appear_only_in_the_workflow_key_parameter() -> None:
    for path in BICEP_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LIST_CALL.search(line.split("//")[0]):
                assert (path, line.strip().split(":")[0]) == (WORKFLOW_BICEP, "value"), (
                    f"{path.name}:{number} calls list*(); keys stay out of the deployment."
                )


def test_workflow_key_is_secure_in_definition_and_run_history() -> None:
    template = parse(WORKFLOW_BICEP)
    variables = {name: entry["value"] for name, entry in template["variables"].items()}
    workflow = _resource_body(template["resources"]["workflow"])
    definition = workflow["properties"]["definition"]
    supplied = workflow["properties"]["parameters"]

    assert definition["parameters"]["functionKey"]["type"] == "SecureString"
    assert LIST_CALL.search(json.dumps(supplied["functionKey"]))
    for name, entry in supplied.items():
        if name != "functionKey":
            assert not secret_marks(entry), f"Workflow parameter {name} carries a secret."

    # Every action that sends the key hides its inputs from run history.
    http_actions = list(_actions_of_type(definition["actions"], "Http"))
    assert len(http_actions) == 2
    for name, action in http_actions:
        headers = {header.strip("'") for header in action["inputs"]["headers"]}
        assert "x-functions-key" in headers, name
        runtime = action.get("runtimeConfiguration", {})
        runtime = variables.get(runtime, runtime) if isinstance(runtime, str) else runtime
        assert "inputs" in runtime["secureData"]["properties"], f"{name}: secure its inputs."


def _actions_of_type(actions: Any, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Workflow actions of one type, however deep inside loops and conditions."""
    if not isinstance(actions, dict):
        return
    for name, action in actions.items():
        if not isinstance(action, dict):
            continue
        if action.get("type") == kind:
            yield name, action
        yield from _actions_of_type(action.get("actions"), kind)
        yield from _actions_of_type(action.get("else", {}).get("actions"), kind)


def test_parameters_file_and_local_example_hold_no_secret() -> None:
    supplied = json.loads((INFRA / "main.parameters.json").read_text(encoding="utf-8"))
    for name, entry in supplied["parameters"].items():
        assert not secret_marks(entry["value"]), name
        assert not named_like_a_secret(name), f"main.parameters.json passes {name}."

    example = json.loads((ROOT / "local.settings.json.example").read_text(encoding="utf-8"))
    for name, value in example["Values"].items():
        if named_like_a_secret(name):
            assert value == "", f"local.settings.json.example: leave {name} empty."
        assert not secret_marks(value), name


def test_no_committed_file_in_infra_holds_a_literal_key() -> None:
    paths = [*INFRA.rglob("*"), ROOT / "azure.yaml", ROOT / "local.settings.json.example"]
    for path in paths:
        if path.is_file() and path.suffix in (".bicep", ".json", ".yaml", ".mk", ".txt", ""):
            text = path.read_text(encoding="utf-8")
            assert not _looks_like_a_key(text), f"{path.name} holds something shaped like a key."
            assert not re.search(r"(?i)(AccountKey|SharedAccessKey)=[^;$'\"]", text), path.name
