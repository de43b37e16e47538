"""Typed reads of resolved properties (a parameter makes any number or boolean a string)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from serverlite.template.errors import TemplateError

__all__ = ["flag", "integer"]


def integer(properties: Mapping[str, Any], key: str, default: int) -> int:
    """An integer property.

    Raises:
        TemplateError: the value is not an integer.
    """
    value = properties.get(key, default)
    if isinstance(value, bool) or not re.fullmatch(r"-?\d+", str(value).strip()):
        raise TemplateError(f"{key} must be an integer, not {value!r}")
    return int(str(value))


def flag(value: object) -> bool:
    """A boolean property: true, or the text `true` in any case."""
    return value is True or str(value).lower() == "true"
