"""Imports point down the request path only (shared/DESIGN.md, "Layout")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "serverlite"
MUSIC_API = Path(__file__).resolve().parents[1] / "music_api"

# layer -> serverlite modules it must not import (prefix match)
FORBIDDEN = {
    "gateway": (
        "serverlite.dynamodb",
        "serverlite.app",
        "serverlite.cli",
        "serverlite.runtime.pool",
        "serverlite.runtime.worker",
        "serverlite.runtime.runtime_api",
        "serverlite.runtime.lambda_service",
    ),
    "runtime": ("serverlite.gateway", "serverlite.dynamodb", "serverlite.app", "serverlite.cli"),
    "dynamodb": (
        "serverlite.gateway",
        "serverlite.runtime",
        "serverlite.template",
        "serverlite.app",
        "serverlite.cli",
    ),
    "template": (
        "serverlite.gateway",
        "serverlite.runtime",
        "serverlite.dynamodb",
        "serverlite.app",
        "serverlite.cli",
    ),
}
# Inside dynamodb, expressions/ and storage/ import only values and errors.
LEAVES = {"dynamodb/expressions", "dynamodb/storage"}
LEAF_ALLOWED = (
    "serverlite.dynamodb.values",
    "serverlite.dynamodb.errors",
    "serverlite.dynamodb.expressions",
    "serverlite.dynamodb.storage",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_downstream(layer):
    bad = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in sorted((SRC / layer).rglob("*.py"))
        for name in sorted(_imports(path))
        if name.startswith(FORBIDDEN[layer])
    ]
    assert bad == []


def test_expression_and_storage_import_only_values():
    bad = [
        f"{path.relative_to(SRC)} imports {name}"
        for leaf in sorted(LEAVES)
        for path in sorted((SRC / leaf).rglob("*.py"))
        for name in sorted(_imports(path))
        if name.startswith("serverlite") and not name.startswith(LEAF_ALLOWED)
    ]
    assert bad == []


def test_music_api_never_imports_serverlite():
    assert [
        p.name for p in MUSIC_API.glob("*.py") if any(n.startswith("serverlite") for n in _imports(p))
    ] == []
