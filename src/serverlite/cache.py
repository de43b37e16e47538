"""The user cache every project of this user shares (runtime folders, unpacked code archives)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_root"]


def cache_root() -> Path:
    """`$SERVERLITE_CACHE_DIR`, else `$XDG_CACHE_HOME/serverlite`, else `~/.cache/serverlite`."""
    explicit = os.environ.get("SERVERLITE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "serverlite"
