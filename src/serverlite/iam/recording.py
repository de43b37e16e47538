"""What functions did, recorded (`serverlite start --record-access`), and what their roles lack for it.

The DynamoDB server appends one JSON line per distinct `{function, action, resource, allowed}` it
authorized to `<data dir>/iam/access.jsonl` while the credentials map's `record` flag is set;
`serverlite validate` reads the lines back, evaluates each recorded action against the function's role
as the template defines it now, and suggests an `Allow` statement for each resource whose actions the
role lacks (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html). The
recorded calls' condition keys are not kept: policies with conditions are evaluated without them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from serverlite.iam.policy import Policy, evaluate

__all__ = [
    "ACCESS_FILE",
    "AccessRecord",
    "AccessRecorder",
    "Missing",
    "missing_permissions",
    "read_records",
    "report",
]

ACCESS_FILE = Path("iam") / "access.jsonl"


@dataclass(frozen=True)
class AccessRecord:
    """One action a function's call needed on one resource, and whether its role allowed it then."""

    function: str
    action: str
    resource: str
    allowed: bool

    def to_json(self) -> str:
        """The line written to access.jsonl (without its newline)."""
        fields = {"function": self.function, "action": self.action, "resource": self.resource}
        return json.dumps({**fields, "allowed": self.allowed}, separators=(",", ":"))


class AccessRecorder:
    """Appends each distinct record once per process; a write that fails is reported, never raised."""

    def __init__(self, path: Path, warn: Callable[[str], None] = lambda line: None) -> None:
        self.path = path
        self._warn = warn
        self._seen: set[AccessRecord] = set()

    def record(self, record: AccessRecord) -> None:
        """Append `record` unless this process wrote it already."""
        if record in self._seen:
            return
        self._seen.add(record)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write(record.to_json() + "\n")
        except OSError as error:
            self._warn(f"[iam] cannot record access to {self.path}: {error}")


def read_records(path: Path) -> list[AccessRecord]:
    """The distinct records of an access file in first-seen order; lines that are not records are skipped.

    Raises OSError when the file cannot be read."""
    found: dict[AccessRecord, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            raw = json.loads(line)
            record = AccessRecord(
                str(raw["function"]), str(raw["action"]), str(raw["resource"]), bool(raw["allowed"])
            )
        except (ValueError, KeyError, TypeError):
            continue
        found[record] = None
    return list(found)


@dataclass(frozen=True)
class Missing:
    """The recorded actions one function's role does not allow, by resource, and the explicit denials."""

    function: str
    role_arn: str
    actions: Mapping[str, tuple[str, ...]]  # resource -> actions no statement allows
    denied: Mapping[tuple[str, str], str]  # (action, resource) -> the policy whose Deny wins

    def statements(self) -> list[dict[str, object]]:
        """The `Allow` statements to add to the role, one per resource."""
        return [
            {"Effect": "Allow", "Action": actions[0] if len(actions) == 1 else list(actions), "Resource": arn}
            for arn, actions in sorted(self.actions.items())
        ]


def missing_permissions(
    records: Iterable[AccessRecord], roles: Mapping[str, tuple[str, Sequence[Policy]]]
) -> list[Missing]:
    """Per function (by name) of `roles` (function -> role ARN and policies), what its role lacks.

    Records of functions `roles` does not hold (removed, or a role defined outside the template) are
    skipped. Functions whose role allows everything recorded are left out."""
    by_function: dict[str, list[AccessRecord]] = {}
    for record in records:
        if record.function in roles:
            by_function.setdefault(record.function, []).append(record)
    found = []
    for function, recorded in sorted(by_function.items()):
        role_arn, policies = roles[function]
        actions: dict[str, list[str]] = {}
        denied: dict[tuple[str, str], str] = {}
        for record in recorded:
            decision = evaluate(policies, record.action, record.resource, lambda key: None)
            if decision.effect == "Deny":
                denied[(record.action, record.resource)] = str(decision.policy)
            elif not decision.allowed and record.action not in actions.get(record.resource, []):
                actions.setdefault(record.resource, []).append(record.action)
        if actions or denied:
            sorted_actions = {arn: tuple(sorted(names)) for arn, names in actions.items()}
            found.append(Missing(function, role_arn, sorted_actions, denied))
    return found


def report(missing: Sequence[Missing], functions_recorded: int) -> list[str]:
    """The lines `serverlite validate` prints: per function, what is missing and the statement to add."""
    if not missing:
        return [f"IAM: the roles allow every recorded call ({functions_recorded} function(s) recorded)"]
    lines = []
    for entry in missing:
        count = sum(len(actions) for actions in entry.actions.values()) + len(entry.denied)
        lines.append(f"{entry.function} (role {entry.role_arn}): {count} recorded action(s) not allowed")
        for (action, resource), policy in sorted(entry.denied.items()):
            lines.append(
                f"  {action} on {resource}: explicitly denied by {policy}; remove or narrow that Deny"
            )
        for resource, actions in sorted(entry.actions.items()):
            lines.extend(f"  {action} on {resource}: no statement allows it" for action in actions)
        for statement in entry.statements():
            lines.append("  Add this statement to the role's policy:")
            lines.extend("    " + line for line in json.dumps(statement, indent=2).splitlines())
    return lines
