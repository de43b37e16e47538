"""The credentials map: which access key is which role session, and each role's policies.

serverlite writes it to `<data dir>/iam/credentials.json` at start (`write_registry`); a server reads it
(`IamRegistry.load`) and, through `RegistryFile`, reloads it when the file changes. Format:

    {"mode": "enforce", "record": false,
     "sessions": {"ASIA...": {"role_arn", "session_name", "secret_access_key", "session_token"}},
     "roles": {"<role arn>": [{"name": "<policy name or ARN>", "document": {...}}]}}

Decisions are cached per (role, action, resource) for roles whose policies have no conditions (their
answer does not depend on the request); conditional roles are evaluated each time. `record`: the
DynamoDB server appends what each function's calls used to `<data dir>/iam/access.jsonl` (recording.py).
"""

from __future__ import annotations

import json
import os
import time
import typing as t
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from serverlite.iam.conditions import Context
from serverlite.iam.policy import Decision, Policy, evaluate
from serverlite.iam.sessions import RoleSession

__all__ = ["CREDENTIALS_FILE", "MODES", "IamRegistry", "RegistryFile", "write_registry"]

CREDENTIALS_FILE = Path("iam") / "credentials.json"
MODES = ("off", "warn", "enforce")
_CACHE_LIMIT = 4096


class IamRegistry:
    """Sessions by access key id, policies by role ARN, and a decision cache."""

    def __init__(
        self,
        sessions: Mapping[str, RoleSession],
        roles: Mapping[str, Sequence[Policy]],
        mode: str = "enforce",
        record: bool = False,
    ) -> None:
        self.sessions = dict(sessions)
        self.record = record
        self.roles = {arn: tuple(policies) for arn, policies in roles.items()}
        self.mode = mode if mode in MODES else "enforce"
        self._conditional = {arn: any(p.conditional for p in ps) for arn, ps in self.roles.items()}
        self._cache: dict[tuple[str, str, str], Decision] = {}

    @classmethod
    def empty(cls) -> IamRegistry:
        """No sessions: every caller is unchecked."""
        return cls({}, {}, "off")

    @classmethod
    def load(cls, path: Path) -> IamRegistry:
        """Read a credentials map; raises OSError or ValueError."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        sessions = {
            key: RoleSession(
                key,
                str(entry["secret_access_key"]),
                str(entry.get("session_token", "")),
                str(entry["role_arn"]),
                str(entry["session_name"]),
            )
            for key, entry in dict(raw.get("sessions", {})).items()
        }
        roles = {
            arn: [Policy.parse(str(p.get("name", "")), p.get("document", {})) for p in policies]
            for arn, policies in dict(raw.get("roles", {})).items()
        }
        return cls(sessions, roles, str(raw.get("mode", "enforce")), raw.get("record") is True)

    def decide(self, role_arn: str, action: str, resource: str, context: Context) -> Decision:
        """The identity-policy decision for one action on one resource."""
        policies = self.roles.get(role_arn, ())
        if self._conditional.get(role_arn, False):
            return evaluate(policies, action, resource, context)
        key = (role_arn, action, resource)
        decision = self._cache.get(key)
        if decision is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            decision = self._cache[key] = evaluate(policies, action, resource, context)
        return decision


class RegistryFile:
    """A credentials map on disk, re-read when its modification time or size changes.

    The file is looked at no more than once per `interval` seconds (a stat costs about a microsecond).
    A missing file means no sessions; a file that cannot be read keeps the last good registry.
    """

    def __init__(
        self,
        path: Path,
        *,
        mode: str | None = None,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        warn: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.path = path
        self._mode = mode
        self._interval = interval
        self._clock = clock
        self._warn = warn
        self._stamp: tuple[int, int] | None = None
        self._checked = -float("inf")
        self._registry = IamRegistry.empty()
        self.current()

    def current(self) -> IamRegistry:
        """The registry as of the last look at the file."""
        now = self._clock()
        if now - self._checked >= self._interval:
            self._checked = now
            self._refresh()
        return self._registry

    def _refresh(self) -> None:
        try:
            status = os.stat(self.path)
        except OSError:
            stamp = None
        else:
            stamp = (status.st_mtime_ns, status.st_size)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        if stamp is None:
            self._registry = IamRegistry.empty()
            return
        try:
            registry = IamRegistry.load(self.path)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            self._warn(f"IAM credentials map {self.path} unreadable, keeping the previous one: {error}")
            return
        if self._mode is not None:
            registry.mode = self._mode
        self._registry = registry


def write_registry(
    path: Path,
    sessions: Iterable[RoleSession],
    roles: Mapping[str, Sequence[tuple[str, Mapping[str, t.Any]]]],
    mode: str = "enforce",
    record: bool = False,
) -> None:
    """Write the credentials map atomically (a reader never sees half a file)."""
    document = {
        "mode": mode,
        "record": record,
        "sessions": {session.access_key_id: session.to_json() for session in sessions},
        "roles": {
            arn: [{"name": name, "document": dict(document)} for name, document in policies]
            for arn, policies in roles.items()
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)
