"""`AWS::Lambda::Function` -> `Function`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.intrinsics import text
from serverlite.template.layers import function_layers
from serverlite.template.model import Function
from serverlite.template.properties import integer
from serverlite.template.sam import CODE_BUCKET
from serverlite.template.stack import ResolvedResource

__all__ = ["build_function"]

# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (current and deprecated identifiers)
_RUNTIMES = frozenset(
    [f"python3.{minor}" for minor in range(7, 15)]
    + [f"nodejs{major}.x" for major in range(12, 25, 2)]
    + ["java8", "java8.al2", "java11", "java17", "java21", "java25", "dotnet6", "dotnet8", "dotnet10"]
    + ["ruby3.2", "ruby3.3", "ruby3.4", "go1.x", "provided", "provided.al2", "provided.al2023"]
)
# Python handlers are `[path/]module[.submodule].function`.
_PYTHON_HANDLER = re.compile(r"^[\w./-]*\w\.[A-Za-z_]\w*$")


def build_function(context: BuildContext, resource: ResolvedResource) -> Function:
    """A runnable local function.

    Raises:
        TemplateError: missing or invalid Handler or Runtime, code that is not a local folder, bad numbers.
    """
    properties = resource.properties
    runtime = _runtime(properties)
    code_dir, inline_code = _code(context, resource)
    logging_config = properties.get("LoggingConfig") or {}
    return Function(
        logical_id=resource.logical_id,
        name=str(context.stack.ref(resource.logical_id)),
        arn=str(context.stack.get_att(resource.logical_id, "Arn")),
        handler=_handler(properties, runtime),
        runtime=runtime,
        code_dir=code_dir,
        memory_size=integer(properties, "MemorySize", 128),
        timeout=integer(properties, "Timeout", 3),
        environment=_environment(properties),
        role_arn=str(properties["Role"]) if "Role" in properties else None,
        reserved_concurrency=_concurrency(properties),
        log_format=str(logging_config.get("LogFormat", "Text")),
        application_log_level=logging_config.get("ApplicationLogLevel"),
        system_log_level=logging_config.get("SystemLogLevel"),
        inline_code=inline_code,
        log_group=str(logging_config["LogGroup"]) if logging_config.get("LogGroup") else None,
        architecture=_architecture(properties),
        layers=function_layers(context, properties.get("Layers")),
    )


def _architecture(properties: Mapping[str, Any]) -> str:
    """The first of `Architectures` (sam init's templates list both; Lambda takes one)."""
    architectures = properties.get("Architectures") or ["x86_64"]
    if not isinstance(architectures, list) or not architectures:
        raise TemplateError("Architectures must list x86_64 or arm64")
    for architecture in architectures:
        if architecture not in ("x86_64", "arm64"):
            raise TemplateError(f"Architectures: {architecture!r} is not x86_64 or arm64")
    return str(architectures[0])


def _concurrency(properties: Mapping[str, Any]) -> int | None:
    if properties.get("ReservedConcurrentExecutions") is None:
        return None
    return integer(properties, "ReservedConcurrentExecutions", 0)


def _runtime(properties: Mapping[str, Any]) -> str:
    if properties.get("PackageType") == "Image":
        raise TemplateError("PackageType Image is not supported: serverlite runs Zip functions from folders")
    runtime = properties.get("Runtime")
    if runtime is None:
        raise TemplateError("Runtime is required")
    if runtime not in _RUNTIMES:
        raise TemplateError(f"Runtime '{runtime}' is not a Lambda runtime")
    return str(runtime)


def _handler(properties: Mapping[str, Any], runtime: str) -> str:
    handler = properties.get("Handler")
    if not handler:
        raise TemplateError("Handler is required")
    if runtime.startswith("python") and not _PYTHON_HANDLER.match(str(handler)):
        raise TemplateError(f"Handler '{handler}' must be module.function")
    return str(handler)


def _code(context: BuildContext, resource: ResolvedResource) -> tuple[Path, str | None]:
    """The local code folder and, for inline code, its source."""
    code = resource.properties.get("Code")
    if isinstance(code, dict) and "ZipFile" in code:
        inline_dir = context.base_dir / ".serverlite" / "inline" / resource.logical_id
        return inline_dir, text(code["ZipFile"], "ZipFile")
    if isinstance(code, dict) and code.get("S3Bucket") == CODE_BUCKET:
        folder = context.code_dirs.get(str(code.get("S3Key")))
    elif isinstance(code, str):
        folder = (context.base_dir / code).resolve()
    else:
        raise TemplateError(f"Code {code!r} is not a local folder: use a local CodeUri or InlineCode")
    if folder is None or not folder.is_dir():
        raise TemplateError(f"code folder {folder} does not exist")
    return folder, None


def _environment(properties: Mapping[str, Any]) -> dict[str, str]:
    variables = (properties.get("Environment") or {}).get("Variables") or {}
    return {str(name): text(value, f"Environment variable {name}") for name, value in variables.items()}
