"""Find the API, stage, resource and method a request is for.

Rules (reference apigateway-lambda.md 1.8 and 4.1): a static path part beats `{param}`, which beats
`{proxy+}`; `{proxy+}` needs at least one segment; a trailing slash is ignored for matching; extra slashes
right after the stage are ignored; path values are not decoded; an explicit method beats `ANY`; anything
unmatched is 403 Missing Authentication Token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from serverlite.gateway.errors import MissingAuthenticationToken
from serverlite.template.model import Method, Resource, RestApi, Stage

__all__ = ["RouteMatch", "Router"]


@dataclass(frozen=True)
class RouteMatch:
    """The outcome of routing one request."""

    api: RestApi
    stage: Stage
    resource: Resource
    method: Method
    path: str  # the event's `path`: after the stage, leading slashes collapsed, trailing slash kept
    path_parameters: dict[str, str] | None


@dataclass
class _Node:
    resource: Resource | None = None
    static: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    greedy: tuple[str, Resource] | None = None


class _ApiRoutes:
    """The resource tree of one API, compiled once."""

    def __init__(self, api: RestApi) -> None:
        self.api = api
        self.root = _Node()
        for resource in api.resources:
            self._add(resource)

    def _add(self, resource: Resource) -> None:
        node = self.root
        for part in _segments(resource.path):
            if part.startswith("{") and part.endswith("+}"):
                node.greedy = (part[1:-2], resource)
                return
            if part.startswith("{") and part.endswith("}"):
                if node.param is None:
                    node.param = (part[1:-1], _Node())
                node = node.param[1]
            else:
                node = node.static.setdefault(part, _Node())
        node.resource = resource

    def match(self, segments: Sequence[str]) -> tuple[Resource, dict[str, str]] | None:
        return _match(self.root, segments, 0, {})


def _match(node: _Node, segments: Sequence[str], index: int, params: dict[str, str]):  # type: ignore[no-untyped-def]
    if index == len(segments):
        return (node.resource, params) if node.resource is not None else None
    part = segments[index]
    child = node.static.get(part)
    if child is not None:
        found = _match(child, segments, index + 1, params)
        if found is not None:
            return found
    if node.param is not None and part != "":
        name, child = node.param
        found = _match(child, segments, index + 1, {**params, name: part})
        if found is not None:
            return found
    if node.greedy is not None:
        name, resource = node.greedy
        return resource, {**params, name: "/".join(segments[index:])}
    return None


def _segments(path: str) -> list[str]:
    stripped = path.strip("/")
    return stripped.split("/") if stripped else []


class Router:
    """Routes requests across every API of the application."""

    def __init__(self, apis: Sequence[RestApi]) -> None:
        self._apis = [_ApiRoutes(api) for api in apis]
        self._by_id = {routes.api.id: routes for routes in self._apis}

    def match(self, method: str, raw_path: str, host: str = "") -> RouteMatch:
        """Route `method raw_path`; raises MissingAuthenticationToken when nothing matches."""
        stage_name, rest = _split_stage(raw_path)
        for routes in self._candidates(host):
            stage = routes.api.stages.get(stage_name)
            if stage is None:
                continue
            path = "/" + rest.lstrip("/")
            found = routes.match(_segments(path[:-1] if path.endswith("/") and path != "/" else path))
            if found is None:
                continue
            resource, params = found
            chosen = resource.methods.get(method) or resource.methods.get("ANY")
            if chosen is None:
                continue
            return RouteMatch(routes.api, stage, resource, chosen, path, params or None)
        raise MissingAuthenticationToken(f"{method} {raw_path}")

    def stage_for(self, raw_path: str, host: str = "") -> tuple[RestApi, Stage] | None:
        """The API and stage a path names, whether or not a route matches (for logging)."""
        stage_name, _ = _split_stage(raw_path)
        for routes in self._candidates(host):
            stage = routes.api.stages.get(stage_name)
            if stage is not None:
                return routes.api, stage
        return None

    def match_without_stage(self, api_id: str, method: str, path: str, stage: Stage) -> RouteMatch:
        """Route `method path` within one API, as the console's method Test does (no stage in the path)."""
        routes = self._by_id.get(api_id)
        if routes is not None:
            event_path = "/" + path.lstrip("/")
            trimmed = event_path[:-1] if event_path.endswith("/") and event_path != "/" else event_path
            found = routes.match(_segments(trimmed))
            if found is not None:
                resource, params = found
                chosen = resource.methods.get(method) or resource.methods.get("ANY")
                if chosen is not None:
                    return RouteMatch(routes.api, stage, resource, chosen, event_path, params or None)
        raise MissingAuthenticationToken(f"{method} {path}")

    def _candidates(self, host: str) -> list[_ApiRoutes]:
        # `<apiId>.execute-api.<anything>` picks one API, as the default hostname does on AWS.
        label = host.split(".", 1)[0].lower() if ".execute-api." in host.lower() else ""
        if label in self._by_id:
            return [self._by_id[label]]
        return self._apis


def _split_stage(raw_path: str) -> tuple[str, str]:
    trimmed = raw_path[1:] if raw_path.startswith("/") else raw_path
    stage, _, rest = trimmed.partition("/")
    return stage, "/" + rest if rest or trimmed.endswith("/") else ""
