"""Where the Music API's functions find their parameters (SEED-API.md, "Parameters").

Each name is looked up in the request headers (case-insensitively), then the query string, then a JSON
object body. The tutorial read only the first non-null source; on a real deployment the headers are never
null, so query and body parameters were silently ignored. We look in every source.
"""

import json


class NoParameterSource(Exception):
    """The event carries no headers, no query string and no body."""


class BodyNotAnObject(Exception):
    """A body is present but is not a JSON object."""


class Parameters:
    """Read-only view of an API Gateway proxy event's parameters."""

    def __init__(self, event):
        headers = event.get("headers")
        query = event.get("queryStringParameters")
        body = event.get("body")
        if headers is None and query is None and body is None:
            raise NoParameterSource()
        self._headers = {name.lower(): value for name, value in (headers or {}).items()}
        self._query = query or {}
        self._body = _parse_body(body, event.get("isBase64Encoded", False))

    def __getitem__(self, name):
        """The value of `name`; raises KeyError(name) when no source has it, as the tutorial's dict did."""
        for source in (self._headers, self._query, self._body):
            key = name.lower() if source is self._headers else name
            if key in source and source[key] is not None:
                return str(source[key])
        raise KeyError(name)


def _parse_body(body, is_base64_encoded):
    if body is None or body == "":
        return {}
    if is_base64_encoded:
        import base64

        body = base64.b64decode(body).decode("utf-8", errors="replace")
    try:
        parsed = json.loads(body)
    except ValueError:
        raise BodyNotAnObject() from None
    if not isinstance(parsed, dict):
        raise BodyNotAnObject()
    return parsed
