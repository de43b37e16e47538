"""Template file -> `Application`: parse, expand SAM, resolve intrinsics, build the model."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from serverlite.template.audit import audit_resources, audit_template
from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError, TemplateErrors
from serverlite.template.event_sources import build_event_source_mapping
from serverlite.template.function_urls import build_function_url
from serverlite.template.functions import build_function
from serverlite.template.http_apis import build_http_api
from serverlite.template.iam import build_roles
from serverlite.template.include import include_files
from serverlite.template.model import Application
from serverlite.template.parameters import resolve_parameters
from serverlite.template.rest_apis import build_rest_api
from serverlite.template.sam import expand, is_serverless
from serverlite.template.schedules import build_events_rule, build_scheduler_schedule
from serverlite.template.source import Source, read_template
from serverlite.template.stack import ResolvedResource, Stack
from serverlite.template.tables import build_table
from serverlite.template.usage_plans import build_api_key, build_usage_plan

__all__ = ["STACK_NAME", "load_application"]

# `AWS::StackName` locally; role and log group names default to `<stack>-<LogicalId>`.
STACK_NAME = "serverlite"


def load_application(
    path: Path,
    *,
    region: str = "us-east-1",
    account_id: str = "123456789012",
    parameter_overrides: Mapping[str, str] | None = None,
    layers: Mapping[str, Path] | None = None,
    cache_dir: Path | None = None,
) -> Application:
    """Read a SAM or CloudFormation template into the model every other layer runs.

    Every feature serverlite does not support yet is refused here, all at once (`audit.py`); what it does
    not emulate is listed in `Application.not_emulated`, one located line each. `layers` maps layer ARNs
    to local folders standing in for them (`--layer ARN=DIR`); `cache_dir` keeps SAM translations.

    Raises:
        TemplateError: any problem, as `file:line: resource 'Id': message` (TemplateErrors: one per line).
    """
    lines: dict[str, int] = {}
    try:
        source = read_template(Path(path))
        lines = source.lines
        overrides, local_layers = dict(parameter_overrides or {}), dict(layers or {})
        return _application(source, region, account_id, overrides, local_layers, cache_dir)
    except TemplateError as error:
        raise error.located(str(path), lines) from None
    except Exception as error:  # the one boundary: foreign errors become located TemplateErrors
        raise TemplateError(f"{type(error).__name__}: {error}").located(str(path), lines) from error


def _application(
    source: Source,
    region: str,
    account_id: str,
    overrides: dict[str, str],
    layers: dict[str, Path],
    cache_dir: Path | None,
) -> Application:
    template = include_files(source.template, source.path.resolve().parent)
    if not isinstance(template.get("Resources"), dict) or not template["Resources"]:
        raise TemplateError("the Resources section is required and must not be empty", line=1)
    parameters = resolve_parameters(template.get("Parameters") or {}, overrides)
    base_dir = source.path.resolve().parent
    code_dirs: Mapping[str, Path] = {}
    # The template as written: its resources whose Condition holds are checked before SAM expands them.
    stack = Stack(template, parameters, region=region, account_id=account_id, stack_name=STACK_NAME)
    written = audit_template(source, kept=set(stack.logical_ids()).__contains__)
    problems = list(written.problems)
    try:
        if is_serverless(template):
            expansion = expand(
                template, base_dir, parameters, region=region, account_id=account_id, cache_dir=cache_dir
            )
            template, code_dirs = expansion.template, expansion.code_dirs
            stack = Stack(template, parameters, region=region, account_id=account_id, stack_name=STACK_NAME)
        resources = {logical_id: stack.resolved(logical_id) for logical_id in stack.logical_ids()}
    except TemplateError as error:  # reported with the refusals found so far, all in one run
        _refuse(source, [*problems, error])
        raise
    audit = audit_resources(source, resources, written.derived)
    problems += _new_problems(source, problems, audit.problems)
    refused = {problem.resource for problem in problems}
    context = BuildContext(stack, resources, base_dir, code_dirs, _metadata(source), layers)
    parts: dict[str, list[Any]] = {part: [] for part, _ in _BUILDERS.values()}
    for resource in resources.values():
        part, build = _BUILDERS.get(resource.type, (None, None))
        if part is not None and build is not None:
            try:
                parts[part].append(_built(build, context, resource))
            except TemplateError as error:
                if resource.logical_id not in refused:
                    problems.append(error)
    _refuse(source, problems)
    return Application(
        template_path=source.path.resolve(),
        region=region,
        account_id=account_id,
        functions={function.logical_id: function for function in parts["functions"]},
        rest_apis=tuple(parts["rest_apis"]),
        http_apis=tuple(parts["http_apis"]),
        function_urls=tuple(parts["function_urls"]),
        tables=tuple(parts["tables"]),
        log_groups=tuple(parts["log_groups"]),
        api_keys=tuple(parts["api_keys"]),
        usage_plans=tuple(parts["usage_plans"]),
        event_sources=_flat(parts["event_sources"]),
        schedules=_flat(parts["schedules"]),
        roles=build_roles(context),
        not_emulated=_notes(source, [*written.notes, *audit.notes]),
    )


def _notes(source: Source, notes: list[TemplateError]) -> tuple[str, ...]:
    """Each note located once, in line order (a SAM property and its expansion share a line)."""
    located = [note.located(str(source.path), source.lines) for note in notes]
    unique = {(note.line, note.resource): note for note in reversed(located)}
    return tuple(str(note) for note in sorted(unique.values(), key=lambda note: note.line or 0))


def _metadata(source: Source) -> dict[str, Any]:
    """Each resource's `Metadata` as written."""
    written = source.template.get("Resources") or {}
    return {
        logical_id: resource["Metadata"]
        for logical_id, resource in written.items()
        if isinstance(resource, dict) and isinstance(resource.get("Metadata"), dict)
    }


def _new_problems(
    source: Source, found: list[TemplateError], more: list[TemplateError]
) -> list[TemplateError]:
    """`more` (after the expansion), less what SAM generated when the template as written was refused:
    those repeat the refusals (`FnUrl` of `Fn`'s FunctionUrlConfig) in CloudFormation's words."""
    if not found:
        return more
    written = source.template.get("Resources") or {}
    plain = {
        logical_id
        for logical_id, resource in written.items()
        if isinstance(resource, dict) and not str(resource.get("Type", "")).startswith("AWS::Serverless::")
    }
    return [problem for problem in more if problem.resource in plain]


def _refuse(source: Source, problems: list[TemplateError]) -> None:
    """Raise every problem at once (one alone as itself), located and in line order."""
    located = [problem.located(str(source.path), source.lines) for problem in problems]
    if len(located) == 1:
        raise located[0]
    if located:
        raise TemplateErrors.of(sorted(located, key=lambda problem: (problem.file or "", problem.line or 0)))


def _flat(built: list[Any]) -> tuple[Any, ...]:
    """Builders that may make none or several model objects return tuples."""
    return tuple(item for items in built for item in items)


Builder = Callable[[BuildContext, ResolvedResource], Any]


def _built(build: Builder, context: BuildContext, resource: ResolvedResource) -> Any:
    """One model object; its errors name the resource."""
    try:
        return build(context, resource)
    except TemplateError as error:
        raise error.in_resource(resource.logical_id) from None


def _log_group(context: BuildContext, resource: ResolvedResource) -> str:
    return str(context.stack.ref(resource.logical_id))


# Resource type -> (Application part, builder). Types not listed are resolved (so their references are
# checked) but not modelled: IAM, permissions, accounts ...
_BUILDERS: Mapping[str, tuple[str, Builder]] = {
    "AWS::Lambda::Function": ("functions", build_function),
    "AWS::ApiGateway::RestApi": ("rest_apis", build_rest_api),
    "AWS::ApiGatewayV2::Api": ("http_apis", build_http_api),
    "AWS::Lambda::Url": ("function_urls", build_function_url),
    "AWS::DynamoDB::Table": ("tables", build_table),
    "AWS::Logs::LogGroup": ("log_groups", _log_group),
    "AWS::ApiGateway::ApiKey": ("api_keys", build_api_key),
    "AWS::ApiGateway::UsagePlan": ("usage_plans", build_usage_plan),
    "AWS::Lambda::EventSourceMapping": ("event_sources", build_event_source_mapping),
    "AWS::Events::Rule": ("schedules", build_events_rule),
    "AWS::Scheduler::Schedule": ("schedules", build_scheduler_schedule),
}
