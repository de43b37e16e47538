"""Expand `AWS::Serverless-2016-10-31` with aws-sam-translator, offline and with local code folders."""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serverlite.template.archives import unpacked
from serverlite.template.errors import TemplateError
from serverlite.template.parameters import ParameterValue

__all__ = ["CODE_BUCKET", "Expansion", "expand", "is_serverless"]

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
# The translator accepts only S3 code locations; local folders travel through it as s3://CODE_BUCKET/<key>.
CODE_BUCKET = "serverlite-local-code"

_SERVICE_ROLE = (
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaKinesisExecutionRole",
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSLambdaRole",
    "AmazonAPIGatewayPushToCloudWatchLogs",
)
_TOP_LEVEL = (
    "AWSLambdaExecute",
    "AWSLambda_FullAccess",
    "AWSLambda_ReadOnlyAccess",
    "AWSXRayDaemonWriteAccess",
    "AWSXrayWriteOnlyAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "CloudWatchLogsFullAccess",
    "CloudWatchLogsReadOnlyAccess",
    "CloudWatchLambdaInsightsExecutionRolePolicy",
    "AdministratorAccess",
    "ReadOnlyAccess",
)


@dataclass(frozen=True)
class Expansion:
    """The CloudFormation template SAM produced, and the local folder behind each code placeholder key."""

    template: dict[str, Any]
    code_dirs: Mapping[str, Path]


def is_serverless(template: Mapping[str, Any]) -> bool:
    """Whether the template's Transform includes SAM's."""
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names


def managed_policies(partition: str) -> dict[str, str]:
    """AWS managed policy name -> ARN, so the translator never asks IAM."""
    arns = {name: f"arn:{partition}:iam::aws:policy/service-role/{name}" for name in _SERVICE_ROLE}
    arns.update({name: f"arn:{partition}:iam::aws:policy/{name}" for name in _TOP_LEVEL})
    return arns


def expand(
    template: Mapping[str, Any],
    base_dir: Path,
    parameters: Mapping[str, ParameterValue],
    *,
    region: str,
    account_id: str,
    partition: str = "aws",
    cache_dir: Path | None = None,
) -> Expansion:
    """Translate a SAM template to CloudFormation; with `cache_dir`, a translation done before for the same
    input (and translator version) is read from there instead (the translator costs ~0.4 s at each start).

    Raises:
        TemplateError: the translator's first complaint, naming its resource.
    """
    sam = copy.deepcopy(dict(template))
    code_dirs = _localize_code(sam, base_dir)
    _inline_definitions(sam, base_dir)
    values: dict[str, Any] = {
        **parameters,
        "AWS::Region": region,
        "AWS::AccountId": account_id,
        "AWS::Partition": partition,
    }
    policies = managed_policies(partition)
    cache = _TranslationCache(cache_dir, [sam, values, policies, region]) if cache_dir is not None else None
    translated = cache.read() if cache is not None else None
    if translated is None:
        translated = _translate(sam, values, policies, region)
        if cache is not None:
            cache.write(translated)
    return Expansion(translated, code_dirs)


def _translate(
    sam: dict[str, Any], values: dict[str, Any], policies: dict[str, str], region: str
) -> dict[str, Any]:
    """Run the translator the way `samtranslator.translator.transform.transform` does, with a fixed region."""
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.utils.py27hash_fix import (
        to_py27_compatible_template,
        undo_mark_unicode_str_in_template,
    )

    # The translator warns "Feature '...' not available in Feature Toggle Config" whenever it has no
    # feature-toggle configuration, which is always the case offline: not the user's concern.
    logging.getLogger("samtranslator.feature_toggle.feature_toggle").setLevel(logging.ERROR)
    to_py27_compatible_template(sam, values)
    # The translator reads only `region_name` of its boto3 session; passing one keeps it off the environment.
    translator = Translator(None, Parser(), boto_session=_Region(region))  # type: ignore[arg-type]
    try:
        translated = translator.translate(
            sam, parameter_values=values, get_managed_policy_map=lambda: policies
        )
    except InvalidDocumentException as error:
        raise _document_error(error) from None
    except Exception as error:  # the translator's own bugs and asserts: still one located message
        raise TemplateError(f"SAM transform failed: {type(error).__name__}: {error}") from None
    finally:
        translator.metrics.publish()  # else its destructor prints "There are unpublished metrics"
    return dict(undo_mark_unicode_str_in_template(translated))


class _TranslationCache:
    """`<cache dir>/sam-<sha256 of the translator's input and version>.json`; the newest few are kept."""

    _KEEP = 8

    def __init__(self, folder: Path, inputs: list[Any]) -> None:
        import samtranslator

        key = json.dumps([inputs, samtranslator.__version__], sort_keys=True, default=repr)
        self._folder = folder
        self._path = folder / f"sam-{hashlib.sha256(key.encode()).hexdigest()}.json"

    def read(self) -> dict[str, Any] | None:
        try:
            cached = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cached if isinstance(cached, dict) else None

    def write(self, translated: dict[str, Any]) -> None:
        """Kept only when JSON holds it exactly (a YAML date, say, would come back as a string)."""
        try:
            text = json.dumps(translated)
            if json.loads(text) != translated:
                return
            self._folder.mkdir(parents=True, exist_ok=True)
            partial = self._path.with_suffix(".partial")
            partial.write_text(text, encoding="utf-8")
            partial.replace(self._path)
            for old in sorted(self._folder.glob("sam-*.json"), key=_modified, reverse=True)[self._KEEP :]:
                old.unlink(missing_ok=True)
        except (OSError, TypeError, ValueError):
            pass  # a cache that cannot be written only costs the next start its time


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@dataclass(frozen=True)
class _Region:
    """The part of a boto3 Session the translator uses."""

    region_name: str


def _document_error(error: Any) -> TemplateError:
    """The translator's first cause as a TemplateError; `_logical_id`/`_message` are its resource and text."""
    causes = list(error.causes)
    first = causes[0] if causes else error
    resource = getattr(first, "_logical_id", None)
    message = str(getattr(first, "_message", None) or first.message)
    if len(causes) > 1:
        message += f" (and {len(causes) - 1} more errors)"
    return TemplateError(message, resource=resource[0] if isinstance(resource, list) else resource)


def _localize_code(sam: dict[str, Any], base_dir: Path) -> dict[str, Path]:
    """Replace each function's local CodeUri (its own or Globals') and each layer's local ContentUri by a
    placeholder; return key (the SAM resource's logical id) -> folder."""
    function_globals = (sam.get("Globals") or {}).get("Function") or {}
    default = function_globals.get("CodeUri")
    if _is_local(default):
        del function_globals["CodeUri"]
    code_dirs: dict[str, Path] = {}
    for logical_id, resource in (sam.get("Resources") or {}).items():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::Serverless::LayerVersion":
            properties = resource.get("Properties")
            uri = properties.get("ContentUri") if isinstance(properties, dict) else None
            if _is_local(uri):
                properties["ContentUri"] = f"s3://{CODE_BUCKET}/{logical_id}"
                code_dirs[logical_id] = (base_dir / str(uri)).resolve()
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Serverless::Function":
            continue
        if not isinstance(resource.get("Properties"), dict):
            resource["Properties"] = {}
        properties = resource["Properties"]
        if "InlineCode" in properties or properties.get("PackageType") == "Image":
            continue
        # SAM CLI reads a function without CodeUri as code in the template's own folder.
        uri = properties.get("CodeUri", default if default is not None else ".")
        if _is_local(uri):
            properties["CodeUri"] = f"s3://{CODE_BUCKET}/{logical_id}"
            code_dirs[logical_id] = unpacked((base_dir / str(uri)).resolve())
    return code_dirs


def _inline_definitions(sam: dict[str, Any], base_dir: Path) -> None:
    """Replace a local `DefinitionUri` of an `AWS::Serverless::Api` or `HttpApi` by its file's content, as
    SAM CLI does."""
    from serverlite.template.source import read_template

    for logical_id, resource in (sam.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") not in _DEFINED_APIS:
            continue
        properties = resource.get("Properties") or {}
        if not _is_local(properties.get("DefinitionUri")):
            continue
        try:
            properties["DefinitionBody"] = read_template(base_dir / properties.pop("DefinitionUri")).template
        except TemplateError as error:
            raise TemplateError(f"DefinitionUri: {error}", resource=logical_id) from None


_DEFINED_APIS = ("AWS::Serverless::Api", "AWS::Serverless::HttpApi")


def _is_local(uri: object) -> bool:
    """A CodeUri/DefinitionUri naming a local path rather than S3 or an intrinsic."""
    return isinstance(uri, str) and not uri.startswith("s3://")
