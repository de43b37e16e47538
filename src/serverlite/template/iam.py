"""`AWS::IAM::Role` resources and the policies attached to them -> `Role`.

Sources of a role's permissions (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html):
its inline `Policies` (`PolicyName`, `PolicyDocument`) and `ManagedPolicyArns`; `AWS::IAM::Policy` and
customer-managed `AWS::IAM::ManagedPolicy` resources that name it in `Roles`; `AWS::IAM::RolePolicy`
resources that name it in `RoleName`. SAM's function `Policies`
(policy templates such as `DynamoDBCrudPolicy`, managed policy names, inline statements) arrive here as
the generated role's inline policies and managed ARNs: aws-sam-translator expands them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from serverlite.iam.managed import managed_policy
from serverlite.iam.sessions import RoleSession, role_session
from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.model import Function, Role
from serverlite.template.stack import ResolvedResource

__all__ = ["build_roles", "role_sessions"]

_ATTACHABLE = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
_ROLE_POLICY = "AWS::IAM::RolePolicy"  # one inline policy of one role, by `RoleName`

PolicyEntry = tuple[str, Mapping[str, Any]]


def build_roles(context: BuildContext) -> tuple[Role, ...]:
    """Every role of the template, with the policies attached to it.

    Raises:
        TemplateError: a policy document that is not an object, naming its resource.
    """
    attached = _attached_policies(context)
    roles = []
    for resource in context.of_type("AWS::IAM::Role"):
        name = str(context.stack.ref(resource.logical_id))
        try:
            inline = _inline_policies(resource.properties.get("Policies") or [])
        except TemplateError as error:
            raise error.in_resource(resource.logical_id) from None
        roles.append(
            Role(
                logical_id=resource.logical_id,
                name=name,
                arn=str(context.stack.get_att(resource.logical_id, "Arn")),
                policies=inline + tuple(attached.get(name, ())),
                managed_policy_arns=tuple(str(a) for a in resource.properties.get("ManagedPolicyArns") or []),
            )
        )
    return tuple(roles)


def _inline_policies(policies: list[Any]) -> tuple[PolicyEntry, ...]:
    entries = []
    for policy in policies:
        if not isinstance(policy, Mapping):
            raise TemplateError("Policies entries must be objects with PolicyName and PolicyDocument")
        entries.append((str(policy.get("PolicyName", "")), _document(policy.get("PolicyDocument"))))
    return tuple(entries)


def _attached_policies(context: BuildContext) -> dict[str, list[PolicyEntry]]:
    """Role name -> the `AWS::IAM::Policy`/`ManagedPolicy` documents naming it in `Roles`, and the
    `AWS::IAM::RolePolicy` documents naming it in `RoleName`."""
    attached: dict[str, list[PolicyEntry]] = {}
    for resource in context.resources.values():
        if resource.type not in _ATTACHABLE and resource.type != _ROLE_POLICY:
            continue
        try:
            entry = (_policy_name(resource), _document(resource.properties.get("PolicyDocument")))
        except TemplateError as error:
            raise error.in_resource(resource.logical_id) from None
        properties = resource.properties
        roles = (
            [properties.get("RoleName")] if resource.type == _ROLE_POLICY else properties.get("Roles") or []
        )
        for role in roles:
            attached.setdefault(str(role), []).append(entry)
    return attached


def _policy_name(resource: ResolvedResource) -> str:
    properties = resource.properties
    return str(properties.get("PolicyName") or properties.get("ManagedPolicyName") or resource.logical_id)


def _document(document: Any) -> Mapping[str, Any]:
    if not isinstance(document, Mapping):
        raise TemplateError("PolicyDocument must be an object")
    return document


def role_sessions(
    functions: Iterable[Function], roles: Iterable[Role]
) -> tuple[list[RoleSession], dict[str, list[PolicyEntry]]]:
    """The credentials map of an application: one session per function whose role the template defines,
    and each such role's policies (inline and attached, then the shipped AWS managed ones it names).

    A function whose role is defined elsewhere keeps unchecked credentials: its policies are unknown here.
    """
    by_arn = {role.arn: role for role in roles}
    sessions = [
        role_session(function.role_arn, function.name)
        for function in functions
        if function.role_arn in by_arn and function.role_arn is not None
    ]
    policies: dict[str, list[PolicyEntry]] = {}
    for session in sessions:
        role = by_arn[session.role_arn]
        managed = [(arn, managed_policy(arn)) for arn in role.managed_policy_arns]
        policies[role.arn] = list(role.policies) + [(arn, doc) for arn, doc in managed if doc is not None]
    return sessions, policies
