"""`$input`: the payload (request body, or the integration's response body) and the request parameters.

Reference: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
("$input variables"). JSONPath is Jayway's on AWS; a definite path (`$.a.b`, `$.a[0]`) yields one value, an
indefinite one (`*`, `..`, filters, slices, unions) a list of every match.
"""

from __future__ import annotations

import functools
import json
import re
import typing as t
from collections.abc import Mapping

from jsonpath_ng.jsonpath import JSONPath
from jsonpath_ng.parser import parse as parse_jsonpath

from serverlite.gateway.vtl.errors import BodyNotJson
from serverlite.gateway.vtl.java import JavaString, JsonArray, to_vtl

__all__ = ["Input"]

_INDEFINITE = re.compile(r"\*|\.\.|\[\s*\?|\[[^\]]*[:,][^\]]*\]")
_MISSING = object()


@functools.lru_cache(maxsize=512)
def _compiled(path: str) -> tuple[JSONPath, bool]:
    """A parsed JSONPath and whether it is definite."""
    return parse_jsonpath(path), _INDEFINITE.search(path) is None


class Input:
    """The `$input` object: `body`, `json(path)`, `path(path)`, `params([name])`."""

    def __init__(self, body: str, params: Mapping[str, Mapping[str, str]], *, strict: bool = True) -> None:
        self._body = body
        self._params: dict[str, dict[str, JavaString]] = {
            kind: {JavaString(k): JavaString(v) for k, v in values.items()} for kind, values in params.items()
        }
        self._strict = strict
        self._parsed: object = _MISSING

    @property
    def body(self) -> JavaString:
        """The raw payload as a string; `{}` when there is none (LocalStack's template_mapping.py)."""
        return JavaString(self._body or "{}")

    def json(self, path: str = "$") -> JavaString:
        """The JSONPath result as compact JSON; `{}` for `$` of an empty body, empty when nothing matches."""
        found = self._select(path)
        if found is None:
            return JavaString("")
        return JavaString(json.dumps(found, separators=(",", ":"), ensure_ascii=False))

    def path(self, path: str) -> t.Any:
        """The JSONPath result as a template object (map, list, string, number, boolean or null)."""
        return to_vtl(self._select(path))

    def params(self, name: str | None = None) -> t.Any:
        """All parameters (`path`, `querystring`, `header` maps), or one by name (path, query, header)."""
        if name is None:
            return self._params
        for kind in ("path", "querystring"):
            if name in self._params.get(kind, {}):
                return self._params[kind][name]
        headers = self._params.get("header", {})
        lowered = str(name).lower()
        return next((value for key, value in headers.items() if key.lower() == lowered), JavaString(""))

    def _document(self) -> object:
        if self._parsed is _MISSING:
            try:
                self._parsed = json.loads(self._body) if self._body.strip() else {}
            except ValueError as error:
                if self._strict:
                    raise BodyNotJson(str(error)) from error
                raise ValueError(f"body is not JSON: {error}") from error
        return self._parsed

    def _select(self, path: str) -> t.Any:
        compiled, definite = _compiled(str(path))
        matches = [match.value for match in compiled.find(self._document())]
        if definite:
            return matches[0] if matches else None
        return JsonArray(matches)
