"""One stack's values: parameters, pseudo parameters, conditions, mappings and resolved resources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from serverlite.template import physical
from serverlite.template.errors import TemplateError
from serverlite.template.intrinsics import CONDITION_FUNCTIONS, NO_VALUE, resolve
from serverlite.template.parameters import ParameterValue

__all__ = ["ResolvedResource", "Stack"]

_MISSING = object()


@dataclass(frozen=True)
class ResolvedResource:
    """A resource whose properties hold no intrinsic calls any more."""

    logical_id: str
    type: str
    properties: dict[str, Any]


class Stack:
    """The `Scope` intrinsics evaluate in, and the `Names` physical ids derive from."""

    def __init__(
        self,
        template: Mapping[str, Any],
        parameters: Mapping[str, ParameterValue],
        *,
        region: str,
        account_id: str,
        stack_name: str,
    ) -> None:
        self.region = region
        self.account_id = account_id
        self.partition = "aws"
        self.stack_name = stack_name
        self.paths_by_id: dict[str, tuple[str, str]] = {}
        self._parameters = dict(parameters)
        self._conditions = _section(template, "Conditions")
        self._mappings = _section(template, "Mappings")
        self._condition_values: dict[str, bool] = {}
        self._properties: dict[tuple[str, str], Any] = {}
        self._in_progress: set[tuple[str, str]] = set()
        self._pseudo = self._pseudo_parameters()
        self._resources = {
            logical_id: resource
            for logical_id, resource in _section(template, "Resources").items()
            if self._kept(logical_id, resource)
        }

    def _pseudo_parameters(self) -> dict[str, Any]:
        """https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html"""
        stack_uuid = physical.short_id(f"stack:{self.stack_name}", 32)
        spans = ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))
        stack_uuid = "-".join(stack_uuid[start:end] for start, end in spans)
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": self.partition,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": (
                f"arn:{self.partition}:cloudformation:{self.region}:{self.account_id}:"
                f"stack/{self.stack_name}/{stack_uuid}"
            ),
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
        }

    def _kept(self, logical_id: str, resource: Any) -> bool:
        """Whether a resource exists: it is a mapping and its `Condition`, if any, is true."""
        if not isinstance(resource, dict):
            raise TemplateError("a resource must be a mapping", resource=logical_id)
        if "Type" not in resource:
            raise TemplateError("Type is required", resource=logical_id)
        name = resource.get("Condition")
        try:
            return True if name is None else self.condition(str(name))
        except TemplateError as error:
            raise error.in_resource(logical_id) from None

    def resource_type(self, logical_id: str) -> str:
        """The `Type` of a resource that exists."""
        return str(self._resources[logical_id]["Type"])

    def logical_ids(self) -> list[str]:
        """Every resource that exists, in template order."""
        return list(self._resources)

    def ref(self, name: str) -> Any:
        """`Ref name`: a parameter, a pseudo parameter or a resource."""
        if name in self._parameters:
            return self._parameters[name]
        if name in self._pseudo:
            return self._pseudo[name]
        if name not in self._resources:
            raise TemplateError(f"Ref to unknown resource or parameter '{name}'")
        return physical.reference(self, name, self.resource_type(name))

    def get_att(self, logical_id: str, attribute: str) -> Any:
        """`Fn::GetAtt logical_id.attribute`."""
        if logical_id not in self._resources:
            raise TemplateError(f"Fn::GetAtt to unknown resource '{logical_id}'")
        return physical.attribute(self, logical_id, self.resource_type(logical_id), attribute)

    def condition(self, name: str) -> bool:
        """The value of a condition of the Conditions section (evaluated once)."""
        if name not in self._condition_values:
            if name not in self._conditions:
                raise TemplateError(f"unknown condition '{name}'")
            value = resolve(self._conditions[name], self, CONDITION_FUNCTIONS)
            if not isinstance(value, bool):
                raise TemplateError(f"condition '{name}' is not a condition function")
            self._condition_values[name] = value
        return self._condition_values[name]

    def find_in_map(self, name: str, top: str, second: str) -> Any:
        """`Fn::FindInMap`; KeyError when absent."""
        return self._mappings[name][top][second]

    def property(self, logical_id: str, key: str) -> Any:
        """One property of a resource, resolved once; None when absent.

        Raises:
            TemplateError: naming the resource whose property fails to resolve, or a circular reference.
        """
        slot = (logical_id, key)
        cached = self._properties.get(slot, _MISSING)
        if cached is not _MISSING:
            return cached
        if slot in self._in_progress:
            raise TemplateError(f"circular reference through property {key}", resource=logical_id)
        self._in_progress.add(slot)
        try:
            raw = (self._resources[logical_id].get("Properties") or {}).get(key)
            value = resolve(raw, self)
            value = None if value is NO_VALUE else value
        except TemplateError as error:
            raise error.in_resource(logical_id) from None
        finally:
            self._in_progress.discard(slot)
        self._properties[slot] = value
        return value

    def resolved(self, logical_id: str) -> ResolvedResource:
        """A resource with all its properties resolved (`AWS::NoValue` properties dropped)."""
        raw = self._resources[logical_id].get("Properties") or {}
        if not isinstance(raw, dict):
            raise TemplateError("Properties must be a mapping", resource=logical_id)
        values = {key: self.property(logical_id, key) for key in raw}
        properties = {key: value for key, value in values.items() if value is not None}
        return ResolvedResource(logical_id, self.resource_type(logical_id), properties)


def _section(template: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A top-level section as a mapping (absent -> empty)."""
    body = template.get(name) or {}
    if not isinstance(body, dict):
        raise TemplateError(f"the {name} section must be a mapping")
    return body
