"""IAM as a function's role sees it: policy documents, identity-policy evaluation, role sessions, SigV4.

Shared by the template loader (roles into the model), the composition root (the credentials map) and
the DynamoDB server (its authorization hook); it imports nothing else of serverlite.
"""

from serverlite.iam.policy import Decision, Policy, Statement, evaluate
from serverlite.iam.registry import IamRegistry, write_registry
from serverlite.iam.sessions import RoleSession, role_session

__all__ = [
    "Decision",
    "IamRegistry",
    "Policy",
    "RoleSession",
    "Statement",
    "evaluate",
    "role_session",
    "write_registry",
]
