"""Role sessions: the temporary credentials Lambda gives a function's execution environment.

On Lambda the function's role is assumed with the function name as the session name, so calls are made
as `arn:aws:sts::<account>:assumed-role/<role>/<function name>`
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html). Temporary access key ids
start with `ASIA` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids).
Locally the credentials are derived from the role ARN and session name, so the runtime (which puts them
in the environment) and the composition root (which writes the credentials map) agree without sharing
state.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from serverlite.iam.arns import assumed_role_arn

__all__ = ["RoleSession", "role_session"]


@dataclass(frozen=True)
class RoleSession:
    """One assumed-role session and its credentials."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    role_arn: str
    session_name: str

    @property
    def arn(self) -> str:
        """The caller ARN that denial messages print."""
        return assumed_role_arn(self.role_arn, self.session_name)

    def to_json(self) -> dict[str, str]:
        """The credentials-map entry (its key is the access key id)."""
        return {
            "role_arn": self.role_arn,
            "session_name": self.session_name,
            "secret_access_key": self.secret_access_key,
            "session_token": self.session_token,
        }


def role_session(role_arn: str, session_name: str) -> RoleSession:
    """The deterministic local session of `role_arn` named `session_name`."""
    digest = hashlib.sha256(f"serverlite-role-session\n{role_arn}\n{session_name}".encode()).digest()
    # Access key ids are 20 upper-case base32 characters: ASIA + 16.
    key = "ASIA" + base64.b32encode(digest[:10]).decode()[:16]
    secret = base64.b64encode(hashlib.sha256(digest + b"secret").digest()).decode()[:40]
    token = base64.b64encode(hashlib.sha256(digest + b"token").digest() * 3).decode()
    return RoleSession(key, secret, token, role_arn, session_name)
