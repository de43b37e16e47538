"""Find the HTTP API, stage and route a request is for.

Rules (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html, "Routing
API requests"): a stage whose name is the first path segment serves the request, else the `$default`
stage (served at the root), else 404 `{"message":"Not Found"}`. Within the stage the route is, in this
order: a full match of path and method (a static segment beats `{param}`, an explicit method beats
`ANY`), then a match with a greedy `{proxy+}` variable (the longest prefix first), then the `$default`
route; else 404. Path variables are decoded ("API Gateway decodes URL-encoded request parameters before
passing them to your backend integration"); a greedy variable needs at least one character. A trailing
slash is significant: `/items/` does not match `GET /items` (HTTP API route paths cannot end in `/`;
https://github.com/storacha/w3infra/pull/166 routes `/metrics/` separately for that reason).
Everything is compiled once per API at start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from serverlite.gateway.v2.errors import NotFound
from serverlite.template.model import HttpApi, HttpStage, Route

__all__ = ["HttpMatch", "HttpRouter"]


@dataclass(frozen=True)
class HttpMatch:
    """The outcome of routing one request."""

    api: HttpApi
    stage: HttpStage
    route: Route
    path_parameters: dict[str, str] | None


@dataclass
class _Node:
    static: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    methods: dict[str, Route] = field(default_factory=dict)
    greedy_name: str = ""
    greedy: dict[str, Route] = field(default_factory=dict)


def _pick(routes: dict[str, Route], method: str) -> Route | None:
    return routes.get(method) or routes.get("ANY")


class _ApiRoutes:
    """One API's routes as a tree, and its stages."""

    def __init__(self, api: HttpApi) -> None:
        self.api = api
        self.root = _Node()
        self.default: Route | None = None
        self.named_stages = {name: stage for name, stage in api.stages.items() if name != "$default"}
        self.default_stage = api.stages.get("$default")
        for route in api.routes:
            self._add(route)

    def _add(self, route: Route) -> None:
        if route.path is None:
            self.default = route
            return
        node = self.root
        for part in _segments(route.path):
            if part.startswith("{") and part.endswith("+}"):
                node.greedy_name = part[1:-2]
                node.greedy[route.method] = route
                return
            if part.startswith("{") and part.endswith("}"):
                if node.param is None:
                    node.param = (part[1:-1], _Node())
                node = node.param[1]
            else:
                node = node.static.setdefault(part, _Node())
        node.methods[route.method] = route

    def named_stage(self, raw_path: str) -> tuple[HttpStage, str] | None:
        """The stage the first path segment names, and the path within it."""
        first, _, rest = raw_path[1:].partition("/")
        stage = self.named_stages.get(first)
        return (stage, "/" + rest) if stage is not None else None

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        segments = [unquote(part) for part in _segments(path)] if path != "/" else []
        found = _exact(self.root, segments, 0, {}, method) or _greedy(self.root, segments, 0, {}, method)
        if found is not None:
            return found
        return (self.default, {}) if self.default is not None else None


def _exact(
    node: _Node, segments: Sequence[str], index: int, params: dict[str, str], method: str
) -> tuple[Route, dict[str, str]] | None:
    if index == len(segments):
        route = _pick(node.methods, method)
        return (route, params) if route is not None else None
    part = segments[index]
    child = node.static.get(part)
    if child is not None:
        found = _exact(child, segments, index + 1, params, method)
        if found is not None:
            return found
    if node.param is not None and part:
        name, child = node.param
        return _exact(child, segments, index + 1, {**params, name: part}, method)
    return None


def _greedy(
    node: _Node, segments: Sequence[str], index: int, params: dict[str, str], method: str
) -> tuple[Route, dict[str, str]] | None:
    """The deepest greedy route whose prefix matches (a longer prefix is a better match)."""
    if index < len(segments):
        part = segments[index]
        child = node.static.get(part)
        if child is not None:
            found = _greedy(child, segments, index + 1, params, method)
            if found is not None:
                return found
        if node.param is not None and part:
            name, child = node.param
            found = _greedy(child, segments, index + 1, {**params, name: part}, method)
            if found is not None:
                return found
    rest = "/".join(segments[index:])
    route = _pick(node.greedy, method) if rest else None
    return (route, {**params, node.greedy_name: rest}) if route is not None else None


def _segments(path: str) -> list[str]:
    return path[1:].split("/") if path.startswith("/") else path.split("/")


class HttpRouter:
    """Routes requests across every HTTP API of the application: a stage named by the path wins over any
    API's `$default` stage (several APIs share one local host)."""

    def __init__(self, apis: Sequence[HttpApi]) -> None:
        self._apis = [_ApiRoutes(api) for api in apis]
        self._by_id = {routes.api.id: routes for routes in self._apis}

    def claims(self, raw_path: str, host: str) -> bool:
        """Whether one of the HTTP APIs serves this URL (a stage of it is named or `$default` serves it)."""
        return self._target(raw_path, host) is not None

    def owns_host(self, host: str) -> bool:
        """Whether the host names one of the HTTP APIs (`<apiId>.execute-api.<anything>`)."""
        return _api_label(host) in self._by_id

    def match(self, method: str, raw_path: str, host: str = "") -> HttpMatch:
        """Route `method raw_path`; raises NotFound."""
        target = self._target(raw_path, host)
        if target is not None:
            routes, stage, path = target
            found = routes.match(method, path)
            if found is not None:
                route, params = found
                return HttpMatch(routes.api, stage, route, params or None)
        raise NotFound(f"{method} {raw_path}")

    def stage_for(self, raw_path: str, host: str = "") -> tuple[HttpApi, HttpStage] | None:
        """The API and stage a path reaches, whether or not a route matches (for CORS and access logs)."""
        target = self._target(raw_path, host)
        return (target[0].api, target[1]) if target is not None else None

    def match_in(self, api_id: str, method: str, path: str, stage: HttpStage) -> HttpMatch:
        """Route `method path` within one API, with no stage in the path (the console's Test)."""
        routes = self._by_id.get(api_id)
        found = routes.match(method, path) if routes is not None else None
        if routes is None or found is None:
            raise NotFound(f"{method} {path}")
        return HttpMatch(routes.api, stage, found[0], found[1] or None)

    def _target(self, raw_path: str, host: str) -> tuple[_ApiRoutes, HttpStage, str] | None:
        """The API and stage serving `raw_path`, with the path within the stage."""
        candidates = self._candidates(host)
        for routes in candidates:
            named = routes.named_stage(raw_path)
            if named is not None:
                return routes, named[0], named[1]
        for routes in candidates:
            if routes.default_stage is not None:
                return routes, routes.default_stage, raw_path
        return None

    def _candidates(self, host: str) -> list[_ApiRoutes]:
        label = _api_label(host)
        if label in self._by_id:
            return [self._by_id[label]]
        return self._apis


def _api_label(host: str) -> str:
    """`<apiId>.execute-api.<anything>` picks one API, as the default hostname does on AWS."""
    return host.split(".", 1)[0].lower() if ".execute-api." in host.lower() else ""
