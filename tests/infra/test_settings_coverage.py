"""The code, the docs, the local example and the Bicep agree on which settings exist.

The names the code reads are found by parsing its source, not listed here, so a setting added
anywhere under ``function_app.py``, ``functions/`` or ``shared/`` is caught the first time the
tests run. Where each name belongs (``app``, ``local-only`` or ``host``) is read from the
tables in ``docs/configuration.md``: the docs are the allow-list.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pycep import BicepParser

ROOT = Path(__file__).resolve().parents[2]
CODE_PATHS = (ROOT / "function_app.py", ROOT / "functions", ROOT / "shared")
CONFIGURATION_DOC = ROOT / "docs" / "configuration.md"
LOCAL_EXAMPLE = ROOT / "local.settings.json.example"
APP_SETTINGS_BICEP = ROOT / "infra" / "modules" / "function-app.bicep"
SCOPES = ("app", "local-only", "host")

# An environment variable name as the code spells it; lower-case strings are values.
NAME = re.compile(r"[A-Z][A-Z0-9_]*[A-Z0-9]")
# A Functions binding expression such as schedule="%PRECOMPUTE_SCHEDULE%" reads an app setting.
BINDING_EXPRESSION = re.compile(r"%([A-Za-z_][A-Za-z0-9_]*)%")
ENV_NAMES = frozenset({"env", "environ", "environment", "_env", "_environ"})
MAPPING_READS = frozenset({"get", "pop", "setdefault"})


# --- Reading the names the code uses -------------------------------------------------------


def _is_env(node: ast.expr) -> bool:
    """Whether an expression is an environment mapping: ``os.environ``, ``env``, ``environ``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ"
    if isinstance(node, ast.Name):
        return node.id in ENV_NAMES or node.id.lower().endswith(("_env", "_environ"))
    return False


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "TEXT"`` assignments, so ``env.get(SETTING)`` resolves too."""
    constants: dict[str, str] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
            value = statement.value.value
            for target in statement.targets:
                if isinstance(target, ast.Name) and isinstance(value, str):
                    constants[target.id] = value
        elif (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            constants[statement.target.id] = statement.value.value
    return constants


def _text(node: ast.expr | None, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _reads_first_argument(func: ast.expr) -> bool:
    """``env.get``, ``os.environ.pop``, ``environ.setdefault``, ``os.getenv`` or ``getenv``."""
    if isinstance(func, ast.Attribute):
        return func.attr == "getenv" or (func.attr in MAPPING_READS and _is_env(func.value))
    return isinstance(func, ast.Name) and func.id == "getenv"


def _names_in_call(call: ast.Call, constants: dict[str, str]) -> Iterator[str | None]:
    if _reads_first_argument(call.func):
        yield _text(call.args[0] if call.args else None, constants)
        return

    # A helper handed the mapping and a name: _flag(env, "NAME", True). The name is the
    # argument right after the mapping, so an upper-case default value is not taken for one.
    for position, argument in enumerate(call.args[:-1]):
        if _is_env(argument):
            yield _text(call.args[position + 1], constants)
    if any(_is_env(argument) for argument in [*call.args, *(k.value for k in call.keywords)]):
        for keyword in call.keywords:
            if keyword.arg in ("name", "key", "setting", "variable"):
                yield _text(keyword.value, constants)


def env_names_read(source: str) -> set[str]:
    """Every environment variable name one Python module reads."""
    tree = ast.parse(source)
    constants = _module_constants(tree)
    found: list[str | None] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found.extend(_names_in_call(node, constants))

        # os.environ["NAME"]
        elif isinstance(node, ast.Subscript) and _is_env(node.value):
            found.append(_text(node.slice, constants))

        # "NAME" in os.environ
        elif isinstance(node, ast.Compare) and any(_is_env(c) for c in node.comparators):
            found.append(_text(node.left, constants))

        # A binding expression in a trigger's arguments.
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = BINDING_EXPRESSION.fullmatch(node.value)
            found.append(match.group(1) if match else None)

    return {name for name in found if name is not None and NAME.fullmatch(name)}


def _python_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(path.rglob("*.py"))


def names_the_code_reads() -> set[str]:
    names: set[str] = set()
    for path in _python_files(CODE_PATHS):
        names |= env_names_read(path.read_text(encoding="utf-8"))
    return names


# --- Reading the docs, the local example and the Bicep -------------------------------------


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row; ``\\|`` is a pipe inside a cell."""
    parts = re.split(r"(?<!\\)\|", row.strip())
    return [part.strip() for part in parts[1:-1]]


def documented_settings(text: str) -> dict[str, str]:
    """Setting name to scope, from every table whose first column is ``Setting``."""
    settings: dict[str, str] = {}
    columns: list[str] = []
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            columns = []
            continue
        cells = _cells(line)
        if not columns:
            columns = [cell.lower() for cell in cells]
            continue
        if columns[0] != "setting" or set("".join(cells)) <= set("-: "):
            continue
        name = cells[0].strip("`")
        if name in settings:
            raise AssertionError(f"{name} is listed twice in {CONFIGURATION_DOC.name}.")
        settings[name] = cells[columns.index("scope")]
    return settings


def bicep_app_settings() -> dict[str, Any]:
    """The app settings object of the function app, keyed by setting name."""
    template = BicepParser().parse(file_path=APP_SETTINGS_BICEP)
    for resource in template["resources"].values():
        config = resource["config"]
        if resource["type"] == "Microsoft.Web/sites/config" and config["name"] == "appsettings":
            properties = config["properties"]
            assert isinstance(properties, dict), "Keep the app settings a literal object."
            return properties
    raise AssertionError(f"No appsettings resource in {APP_SETTINGS_BICEP.name}.")


def local_example_values() -> dict[str, str]:
    document = json.loads(LOCAL_EXAMPLE.read_text(encoding="utf-8"))
    assert document["IsEncrypted"] is False
    values = document["Values"]
    assert isinstance(values, dict)
    return values


@pytest.fixture(scope="module")
def code() -> set[str]:
    return names_the_code_reads()


@pytest.fixture(scope="module")
def docs() -> dict[str, str]:
    return documented_settings(CONFIGURATION_DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bicep() -> set[str]:
    return set(bicep_app_settings())


@pytest.fixture(scope="module")
def example() -> dict[str, str]:
    return local_example_values()


def _scope(docs: dict[str, str], scope: str) -> set[str]:
    return {name for name, value in docs.items() if value == scope}


# --- The scanner itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('import os\nos.environ.get("A_SETTING")', {"A_SETTING"}),
        ('import os\nos.environ["A_SETTING"]', {"A_SETTING"}),
        ('import os\nos.getenv("A_SETTING", "fallback")', {"A_SETTING"}),
        ('def f(environ):\n    return environ.get("A_SETTING") or "x"', {"A_SETTING"}),
        ('def f(env):\n    return _flag(env, "A_SETTING", "DEFAULT_NAME")', {"A_SETTING"}),
        ('def f(env):\n    return _flag(name="A_SETTING", environ=env)', {"A_SETTING"}),
        ('log(name="NOT_A_SETTING")', set()),
        ('import os\nif "A_SETTING" in os.environ:\n    pass', {"A_SETTING"}),
        ('NAME = "A_SETTING"\ndef f(env):\n    return env.get(NAME)', {"A_SETTING"}),
        ('app.timer_trigger(schedule="%A_SCHEDULE%", arg_name="t")', {"A_SCHEDULE"}),
        ('values = {"get": "NOT_A_SETTING"}\nvalues.get("NOT_READ")', set()),
        ('print("%s done" % "X")', set()),
    ],
)
def test_scanner_finds_the_names_each_idiom_reads(source: str, expected: set[str]) -> None:
    assert env_names_read(source) == expected


def test_scanner_finds_the_settings_module(code: set[str]) -> None:
    # A scan that silently found nothing would make every other test here pass.
    assert {"COLLECTIONS_STORE", "COSMOS_ENDPOINT", "COLLECTIONS_WORKSPACE_TOP"} <= code


def test_docs_give_every_setting_a_known_scope(docs: dict[str, str]) -> None:
    unknown = {name: scope for name, scope in docs.items() if scope not in SCOPES}
    assert not unknown, f"Scope must be one of {SCOPES} in {CONFIGURATION_DOC.name}: {unknown}"
    assert _scope(docs, "local-only") >= {"COSMOS_KEY", "AZURE_OPENAI_API_KEY", "OPENAI_API_KEY"}


# --- Coverage ------------------------------------------------------------------------------


def test_every_setting_the_code_reads_is_documented(code: set[str], docs: dict[str, str]) -> None:
    missing = sorted(code - docs.keys())
    assert not missing, f"Add a row for each to docs/configuration.md: {missing}"


def test_every_setting_the_code_reads_is_in_the_local_example(
    code: set[str], example: dict[str, str]
) -> None:
    missing = sorted(code - example.keys())
    assert not missing, f"Add each to local.settings.json.example: {missing}"


def test_bicep_sets_every_setting_that_is_not_local_only(
    code: set[str], docs: dict[str, str], bicep: set[str]
) -> None:
    missing = sorted(code - _scope(docs, "local-only") - bicep)
    assert not missing, (
        f"Set each in the app settings of {APP_SETTINGS_BICEP.relative_to(ROOT)}, "
        f"or mark it local-only in docs/configuration.md: {missing}"
    )


def test_bicep_sets_nothing_the_code_never_reads(
    code: set[str], docs: dict[str, str], bicep: set[str]
) -> None:
    unread = sorted(bicep - code - _scope(docs, "host"))
    assert not unread, f"The Bicep sets settings no code reads and no host needs: {unread}"


def test_local_only_settings_are_never_set_in_azure(docs: dict[str, str], bicep: set[str]) -> None:
    assert not sorted(_scope(docs, "local-only") & bicep)


def test_app_rows_are_read_by_the_code_and_set_by_the_bicep(
    code: set[str], docs: dict[str, str], bicep: set[str]
) -> None:
    stale = sorted(_scope(docs, "app") - (code & bicep))
    assert not stale, f"Rows marked app that the code does not read or Bicep does not set: {stale}"


def test_host_rows_are_set_somewhere(
    docs: dict[str, str], bicep: set[str], example: dict[str, str]
) -> None:
    stale = sorted(_scope(docs, "host") - bicep - example.keys())
    assert not stale, f"Host settings documented but set neither in Bicep nor locally: {stale}"


def test_local_example_holds_nothing_stale(
    code: set[str], docs: dict[str, str], example: dict[str, str]
) -> None:
    stale = sorted(example.keys() - code - _scope(docs, "host"))
    assert not stale, f"local.settings.json.example sets names nothing reads: {stale}"
    assert example["FUNCTIONS_WORKER_RUNTIME"] == "python"
    assert example["AzureWebJobsFeatureFlags"] == "EnableWorkerIndexing"


def test_local_example_is_a_valid_configuration(example: dict[str, str]) -> None:
    from shared.settings import Settings

    settings = Settings.from_environ(example)
    assert settings.store == "sqlite"
    assert settings.ai == "off"
