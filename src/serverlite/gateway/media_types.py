"""`binaryMediaTypes` matching (reference apigateway-lambda.md 1.7 and 2.4)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["DEFAULT_CONTENT_TYPE", "first_accept", "is_binary", "media_type"]

DEFAULT_CONTENT_TYPE = "application/json"


def media_type(value: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json`; absent -> `application/json`."""
    if not value:
        return DEFAULT_CONTENT_TYPE
    return value.split(";", 1)[0].strip().lower() or DEFAULT_CONTENT_TYPE


def is_binary(content_type: str | None, binary_media_types: Sequence[str]) -> bool:
    """Whether a media type matches an entry: exact, `type/*` or `*/*`; parameters are ignored."""
    if not content_type or not binary_media_types:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    kind = media.split("/", 1)[0]
    for entry in binary_media_types:
        entry = entry.strip().lower()
        if entry in (media, "*/*", f"{kind}/*"):
            return True
    return False


def first_accept(accept: str | None) -> str | None:
    """The first media type of an `Accept` header, which decides binary responses."""
    if not accept:
        return None
    return accept.split(",", 1)[0].strip() or None
