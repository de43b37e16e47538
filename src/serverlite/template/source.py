"""Read a YAML or JSON template with CloudFormation short tags, remembering where resources start.

A PyYAML (libyaml) loader with a `!Tag` constructor, rather than `cfnlint.decode`: importing cfn-lint
pulls in sympy and networkx (~0.35 s measured), more than the whole load otherwise costs.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from serverlite.template.errors import TemplateError

__all__ = ["Source", "read_snippet", "read_template"]

_SECTIONS = ("Parameters", "Resources")


KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """A parsed template as plain Python values, plus the 1-based line of each resource and parameter.

    `key_lines` holds the line of every mapping key and sequence item by its path from the document's root,
    e.g. `("Resources", "Fn", "Properties", "Layers", 0)` (empty for JSON that only `json` could parse).
    """

    path: Path
    template: dict[str, Any]
    lines: dict[str, int]
    key_lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, path: KeyPath, *, shortest: int = 1) -> int | None:
        """The line of `path`, else of its longest known prefix of at least `shortest` keys."""
        for end in range(len(path), shortest - 1, -1):
            line = self.key_lines.get(path[:end])
            if line is not None:
                return line
        return None


def read_template(path: Path) -> Source:
    """Parse `path` (YAML or JSON, `!Ref`-style tags allowed).

    Raises:
        TemplateError: the file cannot be read or parsed, has duplicate keys, or is not a mapping.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(f"cannot read template: {error}") from error
    try:
        document, lines, key_lines = _load_yaml(text)
    except yaml.MarkedYAMLError as error:
        if not text.lstrip().startswith("{"):
            raise _yaml_error(error) from None
        document, lines = _load_json(text)
        key_lines = {}
    if not isinstance(document, dict):
        raise TemplateError("a template must be a mapping", line=1)
    return Source(path, _plain(document), lines, key_lines)


def read_snippet(path: Path) -> Any:
    """A YAML or JSON file of any shape (an AWS::Include snippet), CloudFormation tags allowed.

    Raises:
        TemplateError: the file cannot be read or parsed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(f"cannot read {path}: {error}") from error
    try:
        document, _, _ = _load_yaml(text)
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error) from None
    return _plain(document)


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]  # libyaml's loader has no stubs
    """SafeLoader that rejects duplicate keys (CloudFormation does) and knows CloudFormation tags."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    line = key_node.start_mark.line + 1
                    raise TemplateError(f"duplicate key '{key_node.value}'", line=line)
                seen.add(key_node.value)
        return dict(super().construct_mapping(node, deep=deep))


def _short_tag(loader: _Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    """`!Ref x` -> {"Ref": "x"}, `!GetAtt a.b` -> {"Fn::GetAtt": ["a", "b"]}, `!Sub s` -> {"Fn::Sub": s}."""
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        value = value.split(".", 1) if name == "Fn::GetAtt" else value
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_Loader.add_multi_constructor("!", _short_tag)


def _load_yaml(text: str) -> tuple[Any, dict[str, int], dict[KeyPath, int]]:
    """The document, the lines of the Parameters' and Resources' keys, and the line of every key."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        document = loader.construct_document(root) if root is not None else {}
    finally:
        loader.dispose()
    return document, _node_lines(root), _key_lines(root)


_MAX_DEPTH = 64  # aliases may make a node its own descendant


def _key_lines(root: yaml.Node | None) -> dict[KeyPath, int]:
    """Path of every mapping key and sequence item -> its 1-based line."""
    lines: dict[KeyPath, int] = {}
    pending: list[tuple[KeyPath, yaml.Node | None]] = [((), root)]
    while pending:
        path, node = pending.pop()
        children: list[tuple[str | int, yaml.Node, yaml.Node]] = []
        if isinstance(node, yaml.MappingNode):
            children = [
                (key.value, key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)
            ]
        elif isinstance(node, yaml.SequenceNode):
            children = [(index, item, item) for index, item in enumerate(node.value)]
        for name, start, child in children if len(path) < _MAX_DEPTH else ():
            lines.setdefault((*path, name), start.start_mark.line + 1)
            pending.append(((*path, name), child))
    return lines


def _node_lines(root: yaml.Node | None) -> dict[str, int]:
    lines: dict[str, int] = {}
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        if key.value in _SECTIONS and isinstance(value, yaml.MappingNode):
            lines.update({str(name.value): name.start_mark.line + 1 for name, _ in value.value})
    return lines


def _yaml_error(error: yaml.MarkedYAMLError) -> TemplateError:
    mark = error.problem_mark or error.context_mark
    context = f"{error.context}, " if error.context else ""
    return TemplateError(f"invalid YAML: {context}{error.problem}", line=mark.line + 1 if mark else None)


def _load_json(text: str) -> tuple[Any, dict[str, int]]:
    """JSON that YAML rejects (tabs, `\\/` escapes); resource lines found by searching for their keys."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateError(f"invalid JSON: {error.msg}", line=error.lineno) from None
    lines: dict[str, int] = {}
    for section in _SECTIONS:
        start = text.find(f'"{section}"')
        names = document.get(section) if isinstance(document, dict) else None
        for name in names if isinstance(names, dict) and start >= 0 else ():
            found = re.compile(rf'"{re.escape(name)}"\s*:').search(text, start)
            if found:
                lines[name] = text.count("\n", 0, found.start()) + 1
    return document, lines


def _plain(node: Any) -> Any:
    """Keys as text, YAML timestamps (`2010-09-09` unquoted) as their ISO text."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    return node
