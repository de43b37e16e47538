"""Parse once, render many: airspeed's Velocity parser with Java's printing, loops and string literals.

airspeed implements the Velocity grammar; four of its elements are re-classed after parsing (never patched
globally) so that a compiled template behaves as Velocity does on AWS:
- references print Java's `toString()` and null prints nothing (java.py);
- `#foreach` walks a map's values, and stops after 1,000 iterations: API Gateway quotas, "Number of iterations
  in a #foreach ... #end loop in mapping templates: 1,000" (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html);
- string literals keep their backslashes (Velocity has no escapes in literals), so the AWS doc example
  `$util.escapeJavaScript(data).replaceAll("\\'","'")` hands Java's regex `\\'`.
"""

from __future__ import annotations

import functools
import re
import typing as t

import airspeed  # type: ignore[import-untyped]  # airspeed ships no type hints

from serverlite.gateway.vtl.java import (
    LIST_METHODS,
    MAP_METHODS,
    STRING_METHODS,
    JsonArray,
    iterate,
    java_str,
)

__all__ = ["HYPHEN", "MAX_FOREACH", "MAX_TEMPLATE_BYTES", "compile_template", "merge"]

MAX_FOREACH = 1000
# "Mapping template size: 300 KB" (API Gateway quotas, same page).
MAX_TEMPLATE_BYTES = 300 * 1024
# Velocity identifiers may hold '-' (`#set($context.responseOverride.header.Content-Type = ...)`, a common
# override); airspeed's do not, so such a #set target is spelled with this marker and decoded by the reader.
HYPHEN = "_x2D_"
_SET_TARGET = re.compile(r"(#\{?set\}?\s*\(\s*\$!?\{?)([A-Za-z_][\w.-]*)")

# airspeed looks up Java-style methods in this table by the value's exact class; strings from the request are
# JavaString (methods of their own), literals and results of `+` are plain str.
_REGISTRY: dict[type, dict[str, t.Callable[..., t.Any]]] = airspeed.__additional_methods__
_REGISTRY.setdefault(str, {}).update(STRING_METHODS)
_REGISTRY.setdefault(list, {}).update(LIST_METHODS)
_REGISTRY.setdefault(dict, {}).update(MAP_METHODS)
_REGISTRY[JsonArray] = LIST_METHODS


class _Reference(airspeed.FormalReference):  # type: ignore[misc]  # airspeed is untyped
    """`$x`, `$!x`, `${x}`: writes the value as Java prints it; null writes nothing."""

    def evaluate_raw(self, stream: t.Any, namespace: t.Any, loader: t.Any) -> None:
        if self.expression is None:
            stream.write(self.my_text())
            return
        value = self.expression.calculate(namespace, loader)
        if value is None and self.alternate is not None:
            value = self.alternate.calculate(namespace, loader)
        stream.write(java_str(value))


class _Foreach(airspeed.ForeachDirective):  # type: ignore[misc]  # airspeed is untyped
    """`#foreach` over map values or list items, at most MAX_FOREACH; sets `$foreach`, `$velocityCount`."""

    def evaluate_raw(self, stream: t.Any, namespace: t.Any, loader: t.Any) -> None:
        items = iterate(self.value.calculate(namespace, loader))
        for index, item in enumerate(items[:MAX_FOREACH]):
            has_next = index + 1 < len(items)
            local = airspeed.LocalNamespace(namespace)
            local["velocityCount"] = index + 1
            local["velocityHasNext"] = has_next
            local["foreach"] = {"count": index + 1, "index": index, "hasNext": has_next}
            local["foreach"] |= {"first": index == 0, "last": not has_next}
            local[self.loop_var_name] = item
            self.block.evaluate(stream, local, loader)


def _keep_backslashes(node: t.Any) -> None:
    """Re-reads a string literal verbatim: only the delimiting quote may be escaped."""
    raw = node.my_text()[1:-1]
    quote = node.my_text()[0]
    node.value = raw.replace("\\" + quote, quote)
    if isinstance(node, airspeed.InterpolatedStringLiteral):
        node.block = airspeed.Block(node.filename, node.value, 0)
        _reclass(node.block)


_CLASSES: dict[type, type] = {airspeed.FormalReference: _Reference, airspeed.ForeachDirective: _Foreach}


def _reclass(node: t.Any) -> None:
    """Walks a parsed tree, swapping in the Java-faithful element classes."""
    if type(node) in _CLASSES:
        node.__class__ = _CLASSES[type(node)]
    if type(node) in (airspeed.StringLiteral, airspeed.InterpolatedStringLiteral):
        _keep_backslashes(node)
        return
    for child in vars(node).values():
        for item in _children(child):
            _reclass(item)


def _children(value: object) -> list[t.Any]:
    if isinstance(value, airspeed._Element):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, airspeed._Element)]
    if isinstance(value, dict):
        return [item for pair in value.items() for item in pair if isinstance(item, airspeed._Element)]
    return []


@functools.lru_cache(maxsize=256)
def compile_template(template: str) -> t.Any:
    """The parsed template, cached by its text.

    Raises:
        airspeed.TemplateSyntaxError: the template does not parse.
    """
    source = _SET_TARGET.sub(lambda m: m.group(1) + m.group(2).replace("-", HYPHEN), template)
    compiled = airspeed.Template(source)
    compiled.ensure_compiled()
    _reclass(compiled.root_element)
    return compiled


def merge(template: str, namespace: dict[str, t.Any]) -> str:
    """Renders a template against the namespace (which `#set` may change)."""
    return str(compile_template(template).merge(namespace))
