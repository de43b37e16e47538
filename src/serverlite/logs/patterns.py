"""CloudWatch Logs filter patterns: one parser for term patterns and JSON patterns.

Syntax from "Filter pattern syntax for metric filters, subscription filters, filter log events, and Live
Tail" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html) and its
pages "Using filter patterns to match terms in unstructured log events" and "... in JSON log events"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html):

* terms are case sensitive; ``ERROR Exception`` needs both, ``?ERROR ?Exception`` either, ``-ERROR``
  excludes, ``"exact phrase"`` quotes a term with spaces or symbols, ``%regex%`` is a regular expression;
  an empty pattern matches every event. Terms are matched as substrings of the message.
* ``{ $.eventType = "UpdateTrail" }``, ``{ $.sourceIPAddress != 123.123.* }``, ``{ $.latency > 1000 }``,
  ``{ ($.a = 1) && ($.b[0] = "x") || $.c IS TRUE }``, ``IS NULL``, ``NOT EXISTS``; ``*`` is a wildcard in
  string values; a selector that names no field never matches, not even with ``!=``.

Error texts as CloudWatch sends them: ``Invalid filter pattern`` (aws/aws-toolkit-jetbrains#3219),
``If a filter pattern starts with '{' it must end with '}'`` (jorgebastida/awslogs#210),
``Invalid filter pattern: Invalid character(s) in term '""'`` (DefangLabs/defang#1008).
Space-delimited patterns (``[ip, user, ...]``) are not supported and answer ``Invalid filter pattern``.
"""

from __future__ import annotations

import functools
import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from serverlite.logs.errors import InvalidParameterException

__all__ = ["FilterPattern", "compile_pattern"]

_INVALID = "Invalid filter pattern"
_TERM = re.compile(r'\s*([-?]?)(?:"((?:[^"\\]|\\.)*)"|%([^%]*)%|(\S+))')
_BARE_TERM = re.compile(r"\w+")
_JSON_TOKEN = re.compile(
    r'\s*(?:(?P<punct>&&|\|\||\(|\)|!=|<=|>=|=|<|>)|"(?P<string>(?:[^"\\]|\\.)*)"'
    r"|(?P<selector>\$(?:\.[\w@\-]+|\[\d+\])*)|(?P<word>[^\s()&|=!<>\"]+))"
)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_KEYWORDS = {"TRUE": True, "FALSE": False, "NULL": None}
_MISSING = object()
_JSON_MESSAGE = re.compile(rb'"message":"(?:\s|\\[nrt])*\{')


class FilterPattern(Protocol):
    """A compiled filter pattern."""

    def matches(self, message: str) -> bool:
        """Whether the event message matches."""
        ...

    def may_match(self, line: bytes) -> bool:
        """False only if the stored JSON line of an event cannot match (a cheap first test)."""
        ...


@functools.lru_cache(maxsize=256)
def compile_pattern(text: str | None) -> FilterPattern:
    """Parse a filter pattern once; raises InvalidParameterException like CloudWatch."""
    stripped = (text or "").strip()
    if stripped.startswith("{"):
        if not stripped.endswith("}"):
            raise InvalidParameterException("If a filter pattern starts with '{' it must end with '}'")
        return _JsonPattern(_JsonParser(stripped[1:-1]).parse())
    if stripped.startswith("["):
        raise InvalidParameterException(_INVALID)
    return _parse_terms(stripped)


# --- term patterns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    """One term: a substring or a regular expression."""

    text: str
    regex: re.Pattern[str] | None = None

    def found_in(self, message: str) -> bool:
        """Whether the term occurs in the message."""
        return self.regex.search(message) is not None if self.regex else self.text in message

    @property
    def raw(self) -> bytes | None:
        """The term as it appears in a stored line, when JSON escaping cannot change it."""
        plain = self.text.isascii() and self.text.isprintable() and not {'"', "\\"} & set(self.text)
        return self.text.encode() if self.regex is None and plain else None


@dataclass(frozen=True)
class _TermPattern:
    """Required terms (all), optional ``?`` terms (at least one if any), excluded ``-`` terms (none)."""

    required: tuple[_Term, ...]
    optional: tuple[_Term, ...]
    excluded: tuple[_Term, ...]
    # Plain words as bytes for may_match: every required one, and the optional ones if all are plain.
    raw_required: tuple[bytes, ...] = ()
    raw_optional: tuple[bytes, ...] = ()

    def matches(self, message: str) -> bool:
        """Whether the message satisfies every clause."""
        return (
            all(term.found_in(message) for term in self.required)
            and not any(term.found_in(message) for term in self.excluded)
            and (not self.optional or any(term.found_in(message) for term in self.optional))
        )

    def may_match(self, line: bytes) -> bool:
        """Plain terms cannot hide in a stored line: JSON keeps printable ASCII but ``"\\`` as is."""
        return all(raw in line for raw in self.raw_required) and (
            not self.raw_optional or any(raw in line for raw in self.raw_optional)
        )


def _parse_terms(text: str) -> _TermPattern:
    """Split a term pattern into its three kinds of terms."""
    kinds: dict[str, list[_Term]] = {"": [], "?": [], "-": []}
    position = 0
    while position < len(text):
        found = _TERM.match(text, position)
        if found is None:
            raise InvalidParameterException(_INVALID)
        kinds[found.group(1)].append(_term(found))
        position = found.end()
    required, optional = tuple(kinds[""]), tuple(kinds["?"])
    raw_optional = tuple(raw for term in optional if (raw := term.raw) is not None)
    return _TermPattern(
        required,
        optional,
        tuple(kinds["-"]),
        tuple(raw for term in required if (raw := term.raw) is not None),
        raw_optional if len(raw_optional) == len(optional) else (),
    )


def _term(found: re.Match[str]) -> _Term:
    """One matched term; quoted and bare terms are checked like CloudWatch."""
    quoted, regex, bare = found.group(2), found.group(3), found.group(4)
    if regex is not None:
        return _Term(regex, _compile_regex(regex))
    if quoted is not None:
        if not quoted:
            raise InvalidParameterException(f"{_INVALID}: Invalid character(s) in term '\"\"'")
        return _Term(re.sub(r"\\(.)", r"\1", quoted))
    if not _BARE_TERM.fullmatch(bare):
        raise InvalidParameterException(f"{_INVALID}: Invalid character(s) in term '{bare}'")
    return _Term(bare)


def _compile_regex(text: str) -> re.Pattern[str]:
    """A ``%regex%`` term."""
    try:
        return re.compile(text)
    except re.error as error:
        raise InvalidParameterException(_INVALID) from error


# --- JSON patterns -------------------------------------------------------------------------------

_Node = Callable[[Any], bool]
_NUMERIC_OPS: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class _JsonPattern:
    """A JSON pattern: the message must be a JSON object and the expression true."""

    node: _Node

    def matches(self, message: str) -> bool:
        """Parse the message as JSON and evaluate."""
        if not message.lstrip().startswith("{"):
            return False
        try:
            document = json.loads(message)
        except ValueError:
            return False
        return isinstance(document, dict) and self.node(document)

    def may_match(self, line: bytes) -> bool:
        """Only a message that starts with ``{`` can be a JSON object."""
        return _JSON_MESSAGE.search(line) is not None


class _JsonParser:
    """Recursive descent: ``or := and ('||' and)*``, ``and := primary ('&&' primary)*``."""

    def __init__(self, text: str) -> None:
        self.tokens = _json_tokens(text)
        self.index = 0

    def parse(self) -> _Node:
        """The whole expression; every token must be used."""
        node = self._or()
        if self.index != len(self.tokens):
            raise InvalidParameterException(_INVALID)
        return node

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _next(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise InvalidParameterException(_INVALID)
        self.index += 1
        return token

    def _or(self) -> _Node:
        nodes = [self._and()]
        while self._peek() == ("punct", "||"):
            self.index += 1
            nodes.append(self._and())
        return nodes[0] if len(nodes) == 1 else lambda doc: any(node(doc) for node in nodes)

    def _and(self) -> _Node:
        nodes = [self._primary()]
        while self._peek() == ("punct", "&&"):
            self.index += 1
            nodes.append(self._primary())
        return nodes[0] if len(nodes) == 1 else lambda doc: all(node(doc) for node in nodes)

    def _primary(self) -> _Node:
        kind, text = self._next()
        if (kind, text) == ("punct", "("):
            node = self._or()
            if self._next() != ("punct", ")"):
                raise InvalidParameterException(_INVALID)
            return node
        if kind != "selector":
            raise InvalidParameterException(_INVALID)
        return self._condition(_selector(text))

    def _condition(self, select: Callable[[Any], Any]) -> _Node:
        kind, text = self._next()
        if kind == "word" and text.upper() in ("IS", "NOT"):
            return self._keyword_condition(select, text.upper())
        if kind != "punct" or text not in _NUMERIC_OPS:
            raise InvalidParameterException(_INVALID)
        return _comparison(select, text, self._next())

    def _keyword_condition(self, select: Callable[[Any], Any], keyword: str) -> _Node:
        kind, text = self._next()
        if keyword == "NOT" and text.upper() == "EXISTS":
            return lambda doc: select(doc) is _MISSING
        if keyword == "IS" and kind == "word" and text.upper() in _KEYWORDS:
            expected = _KEYWORDS[text.upper()]
            return lambda doc: _same(select(doc), expected)
        raise InvalidParameterException(_INVALID)


def _json_tokens(text: str) -> list[tuple[str, str]]:
    """Tokens as (kind, text); strings keep their unescaped text."""
    tokens: list[tuple[str, str]] = []
    position, text = 0, text.rstrip()
    while position < len(text):
        found = _JSON_TOKEN.match(text, position)
        if found is None or found.end() == position:
            raise InvalidParameterException(_INVALID)
        kind = found.lastgroup or "word"
        value = found.group(kind)
        tokens.append((kind, re.sub(r"\\(.)", r"\1", value) if kind == "string" else value))
        position = found.end()
    return tokens


def _selector(text: str) -> Callable[[Any], Any]:
    """``$.a.b[0]`` as a function from document to value, or _MISSING."""
    steps: list[str | int] = [
        int(index) if index else name for name, index in re.findall(r"\.([\w@\-]+)|\[(\d+)\]", text)
    ]

    def select(document: Any) -> Any:
        value = document
        for step in steps:
            value = _step(value, step)
            if value is _MISSING:
                break
        return value

    return select


def _step(value: Any, step: str | int) -> Any:
    """One selector step into an object or array."""
    if isinstance(step, int):
        return value[step] if isinstance(value, list) and step < len(value) else _MISSING
    return value.get(step, _MISSING) if isinstance(value, dict) else _MISSING


def _same(value: Any, expected: bool | None) -> bool:
    """``IS TRUE/FALSE/NULL``: identity, so 1 is not TRUE."""
    return value is expected


def _comparison(select: Callable[[Any], Any], op: str, token: tuple[str, str]) -> _Node:
    """A comparison against a number, a string (with ``*``) or a ``%regex%``."""
    kind, text = token
    if kind == "word" and _NUMBER.fullmatch(text):
        number, compare = float(text), _NUMERIC_OPS[op]
        return lambda doc: _is_number(value := select(doc)) and compare(value, number)
    if kind not in ("word", "string") or op not in ("=", "!="):
        raise InvalidParameterException(_INVALID)
    regex = _string_regex(text, kind)
    wanted = op == "="
    return lambda doc: isinstance(value := select(doc), str) and (regex.search(value) is not None) == wanted


def _is_number(value: Any) -> bool:
    """JSON numbers only (bool is not a number here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _string_regex(text: str, kind: str) -> re.Pattern[str]:
    """A whole-value match with ``*`` as a wildcard, or a ``%regex%`` search."""
    if kind == "word" and len(text) > 1 and text.startswith("%") and text.endswith("%"):
        return _compile_regex(text[1:-1])
    return re.compile("^" + ".*".join(re.escape(part) for part in text.split("*")) + "$", re.DOTALL)
