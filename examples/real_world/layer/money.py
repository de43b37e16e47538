"""Shared by the functions through the layer: formatting of amounts."""

import humanize


def spelled(cents: int) -> str:
    """`123456` -> `1.2 thousand`-style text of whole units."""
    return humanize.intword(cents // 100)
