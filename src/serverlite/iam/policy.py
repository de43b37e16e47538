"""Identity-based policy documents and their evaluation for one request.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html: within an
account, with identity policies only, an explicit `Deny` in any policy wins; otherwise the request needs
an `Allow` that matches; otherwise it is implicitly denied. A statement matches when its `Action` (or
`NotAction`), `Resource` (or `NotResource`) and `Condition` all match. Actions compare case-insensitively;
both accept `*` (any run of characters) and `?` (one character)
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from serverlite.iam.conditions import Context, conditions_hold

__all__ = ["Decision", "Policy", "Statement", "evaluate", "matches"]


@dataclass(frozen=True)
class Statement:
    """One statement; exactly one of each Action/NotAction and Resource/NotResource pair is set."""

    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] | None = None
    condition: Mapping[str, t.Any] = field(default_factory=dict)
    sid: str | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, t.Any]) -> Statement:
        """A statement from its JSON form (strings or lists of strings)."""
        return cls(
            effect=str(raw.get("Effect", "")),
            actions=_tuple(raw.get("Action")),
            not_actions=_tuple(raw["NotAction"]) if "NotAction" in raw else None,
            resources=_tuple(raw.get("Resource")),
            not_resources=_tuple(raw["NotResource"]) if "NotResource" in raw else None,
            condition=dict(raw.get("Condition") or {}),
            sid=str(raw["Sid"]) if "Sid" in raw else None,
        )

    def matches(self, action: str, resource: str, context: Context) -> bool:
        """Action, resource and conditions all match."""
        return (
            _listed(self.actions, self.not_actions, action, _action_matches)
            and _listed(self.resources, self.not_resources, resource, _arn_matches)
            and (not self.condition or conditions_hold(self.condition, context))
        )


@dataclass(frozen=True)
class Policy:
    """A named policy document (inline policy name or managed policy ARN)."""

    name: str
    statements: tuple[Statement, ...]

    @classmethod
    def parse(cls, name: str, document: Mapping[str, t.Any]) -> Policy:
        """A policy from its document (`Statement` an object or a list)."""
        raw = document.get("Statement", [])
        items = raw if isinstance(raw, list) else [raw]
        return cls(name, tuple(Statement.parse(s) for s in items if isinstance(s, Mapping)))

    @property
    def conditional(self) -> bool:
        """Whether any statement has conditions (its decisions depend on the request, not only its ARN)."""
        return any(statement.condition for statement in self.statements)


@dataclass(frozen=True)
class Decision:
    """`Allow`, `Deny` (explicit) or None (implicit deny), and the statement that decided."""

    effect: str | None
    policy: str | None = None
    statement: Statement | None = None

    @property
    def allowed(self) -> bool:
        """Only an Allow lets the request through."""
        return self.effect == "Allow"


def evaluate(policies: Sequence[Policy], action: str, resource: str, context: Context) -> Decision:
    """Explicit deny wins, otherwise an allow is needed."""
    allow: Decision | None = None
    for policy in policies:
        for statement in policy.statements:
            if statement.effect not in ("Allow", "Deny") or not statement.matches(action, resource, context):
                continue
            if statement.effect == "Deny":
                return Decision("Deny", policy.name, statement)
            allow = allow or Decision("Allow", policy.name, statement)
    return allow or Decision(None)


def matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM wildcard matching: `*` any run of characters (including `/` and `:`), `?` one character."""
    if ignore_case:
        return _wildcard(pattern.lower()).fullmatch(value.lower()) is not None
    return _wildcard(pattern).fullmatch(value) is not None


def _action_matches(pattern: str, action: str) -> bool:
    return matches(pattern, action, ignore_case=True)


def _arn_matches(pattern: str, arn: str) -> bool:
    return matches(pattern, arn)


def _listed(
    listed: tuple[str, ...],
    not_listed: tuple[str, ...] | None,
    value: str,
    test: t.Callable[[str, str], bool],
) -> bool:
    if not_listed is not None:
        return not any(test(pattern, value) for pattern in not_listed)
    return any(test(pattern, value) for pattern in listed)


@lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.S)


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
