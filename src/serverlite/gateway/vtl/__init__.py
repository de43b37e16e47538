"""API Gateway mapping templates (Velocity): `$input`, `$util`, `$context`, `$stageVariables`, overrides."""

from serverlite.gateway.vtl.errors import BodyNotJson, MappingTemplateError
from serverlite.gateway.vtl.render import Rendered, TemplateInput, render, render_response

__all__ = ["BodyNotJson", "MappingTemplateError", "Rendered", "TemplateInput", "render", "render_response"]
