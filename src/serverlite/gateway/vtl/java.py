"""Java's view of template values: how Velocity on AWS prints them and which methods they offer.

AWS evaluates mapping templates with Java Velocity, so a printed value is its Java `toString()`:
`true`, not `True`; a map `{a=1, b=2}` (LinkedHashMap); an array from the JSON body as compact JSON
`[{"c":5}]` (json-smart JSONArray, as `$input.path` returns it); a double `1.0E20`. A null prints as the
empty string (reference apigateway-lambda.md 3.4: absent `$context` values render `""`; LocalStack's
template_mapping.py applies the same rule to every reference).
"""

from __future__ import annotations

import json
import math
import re
import typing as t
from collections.abc import Iterable, KeysView, Mapping, ValuesView
from decimal import Decimal

__all__ = ["JavaString", "JsonArray", "java_str", "to_vtl"]


class JavaString(str):
    """A `java.lang.String`: the string methods templates call (`.length()`, `.substring()`, ...)."""

    def length(self) -> int:
        """`String.length()` (counted in code points here, UTF-16 units in Java)."""
        return len(self)

    def substring(self, begin: int, end: int | None = None) -> JavaString:
        """`String.substring(begin[, end])`; out-of-range indexes raise, as in Java."""
        stop = len(self) if end is None else end
        if not 0 <= begin <= stop <= len(self):
            raise IndexError(f"String index out of range: begin {begin}, end {stop}, length {len(self)}")
        return JavaString(str.__getitem__(self, slice(begin, stop)))

    def toLowerCase(self) -> JavaString:  # noqa: N802 - Java's name
        """`String.toLowerCase()`."""
        return JavaString(self.lower())

    def toUpperCase(self) -> JavaString:  # noqa: N802 - Java's name
        """`String.toUpperCase()`."""
        return JavaString(self.upper())

    def trim(self) -> JavaString:
        """`String.trim()`: strips characters up to U+0020."""
        return JavaString(self.strip("".join(map(chr, range(33)))))

    def replace(self, target: str, replacement: str, count: t.SupportsIndex = -1) -> JavaString:
        """`String.replace(target, replacement)`: literal, every occurrence (as str.replace)."""
        return JavaString(str.replace(self, str(target), str(replacement), count))

    def replaceAll(self, regex: str, replacement: str) -> JavaString:  # noqa: N802 - Java's name
        """`String.replaceAll(regex, replacement)`, `$1` group references included."""
        return JavaString(re.sub(regex, _java_replacement(replacement), self))

    def replaceFirst(self, regex: str, replacement: str) -> JavaString:  # noqa: N802 - Java's name
        """`String.replaceFirst(regex, replacement)`."""
        return JavaString(re.sub(regex, _java_replacement(replacement), self, count=1))

    def split(self, regex: str | None = None, limit: t.SupportsIndex = 0) -> JsonArray:
        """`String.split(regex)`: a regex separator; trailing empty strings removed."""
        parts = [JavaString(part) for part in re.split(regex if regex is not None else r"\s+", self)]
        while parts and not parts[-1] and int(limit) == 0:
            parts.pop()
        return JsonArray(parts)

    def contains(self, text: str) -> bool:
        """`String.contains(text)`."""
        return str(text) in self

    def startsWith(self, prefix: str) -> bool:  # noqa: N802 - Java's name
        """`String.startsWith(prefix)`."""
        return self.startswith(prefix)

    def endsWith(self, suffix: str) -> bool:  # noqa: N802 - Java's name
        """`String.endsWith(suffix)`."""
        return self.endswith(suffix)

    def indexOf(self, text: str) -> int:  # noqa: N802 - Java's name
        """`String.indexOf(text)`: -1 when absent."""
        return self.find(text)

    def lastIndexOf(self, text: str) -> int:  # noqa: N802 - Java's name
        """`String.lastIndexOf(text)`."""
        return self.rfind(text)

    def isEmpty(self) -> bool:  # noqa: N802 - Java's name
        """`String.isEmpty()`."""
        return not self

    def equals(self, other: object) -> bool:
        """`String.equals(other)`."""
        return isinstance(other, str) and str(self) == str(other)

    def equalsIgnoreCase(self, other: object) -> bool:  # noqa: N802 - Java's name
        """`String.equalsIgnoreCase(other)`."""
        return isinstance(other, str) and self.lower() == other.lower()

    def charAt(self, index: int) -> JavaString:  # noqa: N802 - Java's name
        """`String.charAt(index)`."""
        return JavaString(str.__getitem__(self, index))

    def matches(self, regex: str) -> bool:
        """`String.matches(regex)`: the whole string must match."""
        return re.fullmatch(regex, self) is not None

    def concat(self, other: str) -> JavaString:
        """`String.concat(other)`."""
        return JavaString(str(self) + str(other))

    def toString(self) -> JavaString:  # noqa: N802 - Java's name
        """`String.toString()`."""
        return self


STRING_METHODS: dict[str, t.Callable[..., t.Any]] = {
    name: getattr(JavaString, name)
    for name in (
        "length substring toLowerCase toUpperCase trim replaceAll replaceFirst contains startsWith endsWith "
        "indexOf lastIndexOf isEmpty equals equalsIgnoreCase charAt matches concat toString"
    ).split()
}


class JsonArray(list[t.Any]):
    """A JSON array from the body (`$input.path`, `$util.parseJson`): a Java List printing as JSON."""


def _list_add(items: list[t.Any], value: t.Any) -> bool:
    items.append(value)
    return True


def _list_set(items: list[t.Any], index: int, value: t.Any) -> t.Any:
    previous = items[index]
    items[index] = value
    return previous


LIST_METHODS: dict[str, t.Callable[..., t.Any]] = {
    "size": len,
    "get": lambda items, index: items[index],
    "isEmpty": lambda items: not items,
    "contains": lambda items, value: value in items,
    "indexOf": lambda items, value: items.index(value) if value in items else -1,
    "add": _list_add,
    "set": _list_set,
    "toString": lambda items: java_str(items),
}


def _map_put(mapping: dict[t.Any, t.Any], key: t.Any, value: t.Any) -> t.Any:
    previous = mapping.get(key)
    mapping[key] = value
    return previous


MAP_METHODS: dict[str, t.Callable[..., t.Any]] = {
    "size": len,
    "isEmpty": lambda mapping: not mapping,
    "keySet": lambda mapping: list(mapping.keys()),
    "values": lambda mapping: list(mapping.values()),
    "containsKey": lambda mapping, key: key in mapping,
    "containsValue": lambda mapping, value: value in mapping.values(),
    "put": _map_put,
    "putAll": lambda mapping, other: mapping.update(other),
    "remove": lambda mapping, key: mapping.pop(key, None),
    "toString": lambda mapping: java_str(mapping),
}


def java_str(value: object) -> str:
    """The text Velocity on AWS writes for a value; null (None) writes nothing."""
    return "" if value is None else _to_string(value)


def _to_string(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, JsonArray):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_to_string(k)}={_to_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple | range | KeysView | ValuesView):
        return "[" + ", ".join(_to_string(item) for item in value) + "]"
    if callable(value):
        # `$map.items` on a map without that key reaches a Python method; Velocity would see null.
        return ""
    return str(value)


def _java_double(value: float) -> str:
    """`Double.toString`: plain between 10^-3 and 10^7, else `d.dddE±n`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    power = len(digits) + int(exponent) - 1
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{power}"


def _java_replacement(replacement: str) -> str:
    """A Java regex replacement (`$1` groups, `\\x` escapes) as a Python one."""
    out = []
    for match in re.finditer(r"\\(.)|\$(\d)|(.)", str(replacement), re.S):
        escaped, group, plain = match.groups()
        if group is not None:
            out.append(f"\\g<{group}>")
            continue
        char = escaped if escaped is not None else plain
        out.append("\\\\" if char == "\\" else char)
    return "".join(out)


def to_vtl(value: object) -> t.Any:
    """Parsed JSON as the template sees it: strings get Java methods, arrays become JsonArray."""
    if isinstance(value, str):
        return JavaString(value)
    if isinstance(value, Mapping):
        return {JavaString(k): to_vtl(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return JsonArray(to_vtl(item) for item in value)
    return value


def iterate(value: object) -> list[t.Any]:
    """What `#foreach` walks: a map's values, a list's items; nothing for null or a scalar (Velocity 1.7)."""
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return list(value)
    return []
