"""Route templates of HTTP triggers, matched the way the Functions host matches them.

A template is made of literal segments and parameters: ``{name}``, ``{name?}`` (optional,
last), ``{name:constraint}`` (``int``, ``alpha``, ``guid``, ``bool``; others match any
segment) and ``{*name}`` (the rest of the path). Literal segments win over parameters, so
``reminders/due`` is found before ``reminders/{id}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

_PARAMETER = re.compile(r"^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(:[A-Za-z]+(?:\([^)]*\))?)?(\?)?\}$")
_CONSTRAINTS = {
    "int": r"-?\d+",
    "alpha": r"[A-Za-z]+",
    "bool": r"(?i:true|false)",
    "guid": r"[0-9A-Fa-f]{8}-?(?:[0-9A-Fa-f]{4}-?){3}[0-9A-Fa-f]{12}",
}


class RouteTemplateError(ValueError):
    """A route template that the local host cannot read."""


@dataclass(frozen=True)
class Route:
    """One HTTP trigger: its template, its methods and the function to call."""

    template: str
    methods: frozenset[str]
    function_name: str
    handler: Any
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    precedence: tuple[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern, literals, parameters = _compile(self.template)
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "precedence", (parameters, -literals))

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path)
        if found is None:
            return None
        return {name: unquote(value) for name, value in found.groupdict().items() if value}


def _compile(template: str) -> tuple[re.Pattern[str], int, int]:
    parts: list[str] = []
    literals = parameters = 0
    segments = [segment for segment in template.strip("/").split("/") if segment]
    for index, segment in enumerate(segments):
        found = _PARAMETER.match(segment)
        if found is None:
            if "{" in segment or "}" in segment:
                raise RouteTemplateError(f"Cannot read the route segment {segment!r}.")
            parts.append("/" + re.escape(segment))
            literals += 1
            continue

        catch_all, name, constraint, optional = found.groups()
        parameters += 1
        if catch_all:
            parts.append(f"(?:/(?P<{name}>.*))?")
            continue
        kind = (constraint or ":")[1:].split("(")[0].lower()
        body = _CONSTRAINTS.get(kind, r"[^/]+")
        if optional and index == len(segments) - 1:
            parts.append(f"(?:/(?P<{name}>{body}))?")
        else:
            parts.append(f"/(?P<{name}>{body})")
    return re.compile("".join(parts) or "/?"), literals, parameters


@dataclass
class RouteTable:
    """The routes in precedence order; built once from the registrations."""

    routes: Sequence[Route]

    @classmethod
    def of(cls, routes: Iterable[Route]) -> RouteTable:
        return cls(sorted(routes, key=lambda route: route.precedence))

    def find(self, method: str, path: str) -> tuple[Route | None, dict[str, str], list[str]]:
        """The route for ``method`` and ``path``, its parameters, and the methods allowed."""
        allowed: list[str] = []
        for route in self.routes:
            parameters = route.match(path)
            if parameters is None:
                continue
            if method in route.methods:
                return route, parameters, []
            allowed.extend(sorted(route.methods))
        return None, {}, allowed
