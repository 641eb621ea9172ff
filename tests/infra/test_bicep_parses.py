"""Every Bicep file parses, and the deployment keeps the rules it is written to.

Bicep's own compiler is not available offline, so the files are parsed with pycep, the parser
checkov also uses. On top of parsing, these tests hold the conventions of ``infra/``: every
parameter described, every role assignment named by ``guid(...)`` with the role's name beside
its id, the azd parameters file in step with ``main.bicep``, and the Cosmos DB layout in step
with the Cosmos store.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any, cast

import pytest
from pycep import BicepParser

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
BICEP_FILES = sorted(INFRA.rglob("*.bicep"))
ROLE_ASSIGNMENT_TYPES = (
    "Microsoft.Authorization/roleAssignments",
    "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
)

# Built-in role ids as Azure publishes them. A role id in the Bicep that is not here is either
# a typo or a new role, which gets its row here after checking its id and name.
KNOWN_ROLES = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
    "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd": "Cognitive Services OpenAI User",
    "00000000-0000-0000-0000-000000000002": "Cosmos DB Built-in Data Contributor",
}
GUID = re.compile(r"'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'")
AZD_VARIABLE = re.compile(r"^\$\{[A-Z][A-Z0-9_]*(=[^}]*)?\}$")


def _ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(INFRA)) for path in paths]


@functools.cache
def parse(path: Path) -> dict[str, Any]:
    # pycep's TypedDicts describe only part of what it returns; the tests read it as plain JSON.
    return cast("dict[str, Any]", BicepParser().parse(file_path=path))


def _resource_body(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource's own object, under a loop or a condition if it has one."""
    config: dict[str, Any] = resource["config"]
    while "loop_type" in config or "condition" in config:
        config = config["config"]
    return config


@pytest.fixture(scope="module")
def templates() -> dict[Path, dict[str, Any]]:
    return {path: parse(path) for path in BICEP_FILES}


def test_infra_holds_the_expected_files() -> None:
    names = {path.relative_to(INFRA).as_posix() for path in BICEP_FILES}
    assert "main.bicep" in names
    assert len(names) >= 5, "The deployment is split into modules under infra/modules/."


@pytest.mark.parametrize("path", BICEP_FILES, ids=_ids(BICEP_FILES))
def test_bicep_file_parses(path: Path) -> None:
    template = parse(path)
    assert template.get("resources") or template.get("modules"), f"{path.name} declares nothing."


@pytest.mark.parametrize("path", BICEP_FILES, ids=_ids(BICEP_FILES))
def test_every_parameter_has_a_description(path: Path) -> None:
    undescribed = [
        name
        for name, parameter in parse(path).get("parameters", {}).items()
        if not any(
            decorator["type"] == "description" and str(decorator.get("argument", "")).strip()
            for decorator in parameter["decorators"]
        )
    ]
    assert not undescribed, f"Add @description to these parameters of {path.name}: {undescribed}"


def test_every_role_assignment_is_named_by_guid(templates: dict[Path, dict[str, Any]]) -> None:
    assignments = 0
    for path, template in templates.items():
        for symbol, resource in template.get("resources", {}).items():
            if resource["type"] not in ROLE_ASSIGNMENT_TYPES:
                continue
            assignments += 1
            name = _resource_body(resource)["name"]
            assert isinstance(name, dict) and name.get("function", {}).get("type") == "guid", (
                f"{path.name}: role assignment {symbol} must be named with guid(...), "
                "so that deploying again finds the same assignment."
            )
    assert assignments >= 6, "Storage, Cosmos DB, OpenAI and monitoring roles are assigned."


@pytest.mark.parametrize("path", BICEP_FILES, ids=_ids(BICEP_FILES))
def test_role_ids_are_known_and_named_beside_them(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        for role_id in GUID.findall(line):
            assert role_id in KNOWN_ROLES, f"{path.name}:{number + 1}: unknown role id {role_id}"
            nearby = " ".join(lines[max(0, number - 2) : number + 1])
            assert KNOWN_ROLES[role_id] in nearby, (
                f"{path.name}:{number + 1}: write the role's name, "
                f"{KNOWN_ROLES[role_id]!r}, beside its id."
            )


def test_local_modules_exist(templates: dict[Path, dict[str, Any]]) -> None:
    for path, template in templates.items():
        for symbol, module in template.get("modules", {}).items():
            assert module["type"] == "local", (
                f"{path.name}: module {symbol} must be a local file; registry modules cannot be "
                "restored offline (see infra/main.bicep)."
            )
            assert (path.parent / module["detail"]["path"]).is_file(), f"{symbol} is missing."


def test_parameters_file_matches_main(templates: dict[Path, dict[str, Any]]) -> None:
    parameters = templates[INFRA / "main.bicep"]["parameters"]
    supplied = json.loads((INFRA / "main.parameters.json").read_text(encoding="utf-8"))

    unknown = sorted(supplied["parameters"].keys() - parameters.keys())
    assert not unknown, f"main.parameters.json sets parameters main.bicep lacks: {unknown}"

    required = {name for name, parameter in parameters.items() if parameter["default"] is None}
    unset = sorted(required - supplied["parameters"].keys())
    assert not unset, f"azd cannot supply these required parameters: {unset}"

    # Every value comes from the azd environment, so nothing site-specific is committed.
    for name, entry in supplied["parameters"].items():
        assert AZD_VARIABLE.match(entry["value"]), f"{name}: use an azd ${{VARIABLE}} value."


def test_main_deploys_to_a_new_resource_group(templates: dict[Path, dict[str, Any]]) -> None:
    main = templates[INFRA / "main.bicep"]
    assert main["globals"]["scope"]["value"] == "subscription"
    groups = [r for r in main["resources"].values() if r["type"].endswith("/resourceGroups")]
    assert len(groups) == 1


def test_function_app_is_flex_consumption_python(templates: dict[Path, dict[str, Any]]) -> None:
    resources = templates[INFRA / "modules" / "function-app.bicep"]["resources"]
    plan = _resource_body(resources["plan"])
    app = _resource_body(resources["app"])

    assert plan["sku"] == {"name": "FC1", "tier": "FlexConsumption"}
    assert app["identity"]["type"] == "UserAssigned"
    config = app["properties"]["functionAppConfig"]
    assert config["runtime"] == {"name": "python", "version": "3.11"}
    assert config["deployment"]["storage"]["authentication"]["type"] == "UserAssignedIdentity"
    assert app["properties"]["httpsOnly"] is True


def _azure_yaml_services(text: str) -> dict[str, dict[str, str]]:
    """The services of azure.yaml as name to flat key-value pairs; comments are skipped."""
    services: dict[str, dict[str, str]] = {}
    inside = False
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            inside = line.startswith("services:")
        elif inside and re.match(r"^  \S", line):
            current = services.setdefault(line.strip().rstrip(":"), {})
        elif inside and re.match(r"^    \S", line):
            key, _, value = line.strip().partition(":")
            current[key] = value.strip()
    return services


def test_azure_yaml_deploys_the_tagged_function_app() -> None:
    services = _azure_yaml_services((ROOT / "azure.yaml").read_text(encoding="utf-8"))
    assert list(services) == ["api"]
    assert services["api"] == {"project": ".", "language": "python", "host": "function"}

    # azd finds the app to deploy to by this tag.
    module = (INFRA / "modules" / "function-app.bicep").read_text(encoding="utf-8")
    main = (INFRA / "main.bicep").read_text(encoding="utf-8")
    assert "'azd-service-name': serviceName" in module
    assert "serviceName: 'api'" in main


# --- Cosmos DB layout ----------------------------------------------------------------------


def test_cosmos_layout_is_what_the_store_uses() -> None:
    from shared.stores import cosmos_store as store

    layout = json.loads((INFRA / "cosmos-layout.json").read_text(encoding="utf-8"))
    expected = {
        store.LEDGER: (store.PARTITION_KEY_PATH, store.LEDGER_INDEXING),
        store.DOCUMENTS: (store.PARTITION_KEY_PATH, store.DOCUMENTS_INDEXING),
        store.COMPANIES: (store.COMPANY_KEY_PATH, store.COMPANIES_INDEXING),
    }

    assert layout["database"] == store.DATABASE
    deployed = {
        container["name"]: (container["partitionKey"], container["indexingPolicy"])
        for container in layout["containers"]
    }
    assert deployed == expected


def test_cosmos_has_no_leases_container_without_a_change_feed() -> None:
    layout = json.loads((INFRA / "cosmos-layout.json").read_text(encoding="utf-8"))
    names = {container["name"] for container in layout["containers"]}
    assert "leases" not in names

    # A change feed trigger in the code would need one; its absence is what makes it unneeded.
    for path in [ROOT / "function_app.py", *sorted((ROOT / "functions").rglob("*.py"))]:
        if path.is_file():
            assert "cosmos_db_trigger" not in path.read_text(encoding="utf-8"), path.name


def test_cosmos_serverless_by_default_and_keyless(templates: dict[Path, dict[str, Any]]) -> None:
    module = templates[INFRA / "modules" / "cosmos.bicep"]
    assert module["parameters"]["capacityMode"]["default"] == "serverless"
    main = templates[INFRA / "main.bicep"]
    assert main["parameters"]["cosmosCapacityMode"]["default"] == "serverless"

    account = _resource_body(module["resources"]["account"])
    assert account["properties"]["disableLocalAuth"] is True
    assert account["properties"]["disableKeyBasedMetadataWriteAccess"] is True
