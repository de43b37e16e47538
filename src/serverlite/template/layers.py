"""A function's `Layers` -> `Layer`s: the template's own layer versions, public layers, `--layer` folders.

- `AWS::Lambda::LayerVersion` (SAM's `AWS::Serverless::LayerVersion` expands to one) with a local content
  folder (SAM `ContentUri`, or a local path as `Content`, which `aws cloudformation package` accepts);
  `Metadata.BuildMethod: python3.X` makes `sam build` install the folder's `requirements.txt` into `python/`
  (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/building-layers.html).
- Public layers of Powertools for AWS Lambda (Python) hold its PyPI package: they are installed from PyPI.
- Any other ARN cannot be downloaded here: `serverlite start --layer ARN=DIR` names a folder standing in for
  it, else the template is refused with that advice.

Lambda takes at most 5 layers per function
(https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.model import Layer
from serverlite.template.sam import CODE_BUCKET

__all__ = ["MAX_LAYERS", "function_layers", "powertools_requirement"]

MAX_LAYERS = 5

# arn:aws:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:{version}, and the
# V2 (`AWSLambdaPowertoolsPythonV2[-Arm64]`) and V1 (`AWSLambdaPowertoolsPython`) names; see
# https://docs.aws.amazon.com/powertools/python/latest/#lambda-layer
_POWERTOOLS = re.compile(
    r"^arn:aws[\w-]*:lambda:[\w-]+:(017000801446|498634801083):layer:"
    r"AWSLambdaPowertoolsPython(?P<major>V\d)?(?:-[\w-]+)?:(?P<version>\d+)$"
)


def powertools_requirement(arn: str) -> str | None:
    """The PyPI requirement a public Powertools layer stands for, or None for other ARNs.

    The layer holds the package with all its extra dependencies; its major version is in the layer's name.
    """
    match = _POWERTOOLS.match(arn)
    if match is None:
        return None
    major = int((match.group("major") or "V1")[1:])
    extras = "[all]" if major >= 2 else ""
    return f"aws-lambda-powertools{extras}>={major},<{major + 1}"


def function_layers(context: BuildContext, arns: Any) -> tuple[Layer, ...]:
    """The layers of a function's resolved `Layers` property, in order.

    Raises:
        TemplateError: more than 5 layers, or an ARN that can be neither found nor downloaded.
    """
    if arns is None:
        return ()
    if not isinstance(arns, list):
        raise TemplateError("Layers must be a list of layer version ARNs")
    if len(arns) > MAX_LAYERS:
        raise TemplateError(f"Layers: a function can use at most {MAX_LAYERS} layers, not {len(arns)}")
    local = _template_layers(context)
    return tuple(_layer(context, local, str(arn)) for arn in arns)


def _layer(context: BuildContext, local: Mapping[str, Layer], arn: str) -> Layer:
    if arn in context.layer_overrides:
        return Layer(arn, content_dir=context.layer_overrides[arn])
    if arn in local:
        return local[arn]
    requirement = powertools_requirement(arn)
    if requirement is not None:
        return Layer(arn, requirement=requirement)
    raise TemplateError(
        f"layer {arn} cannot be downloaded here: give its content with `serverlite start --layer {arn}=DIR` "
        "(DIR holds what the layer's zip holds, e.g. python/)"
    )


def _template_layers(context: BuildContext) -> dict[str, Layer]:
    """ARN -> Layer of each `AWS::Lambda::LayerVersion` of the template."""
    layers = {}
    for resource in context.of_type("AWS::Lambda::LayerVersion"):
        arn = str(context.stack.ref(resource.logical_id))
        try:
            layers[arn] = _template_layer(context, resource.logical_id, resource.properties, arn)
        except TemplateError as error:
            raise error.in_resource(resource.logical_id) from None
    return layers


def _template_layer(context: BuildContext, logical_id: str, properties: Mapping[str, Any], arn: str) -> Layer:
    content = properties.get("Content")
    origin = logical_id
    if isinstance(content, dict) and content.get("S3Bucket") == CODE_BUCKET:
        origin = str(content.get("S3Key"))  # the SAM LayerVersion it was expanded from
        folder = context.code_dirs.get(origin)
    elif isinstance(content, str):
        folder = (context.base_dir / content).resolve()
    else:
        raise TemplateError(f"Content {content!r} is not a local folder: use a local ContentUri or path")
    if folder is None or not folder.is_dir():
        raise TemplateError(f"layer content folder {folder} does not exist")
    build_method = (context.metadata.get(origin) or {}).get("BuildMethod")
    if build_method is not None and not re.fullmatch(r"python3\.\d+", str(build_method)):
        raise TemplateError(f"Metadata.BuildMethod {build_method!r} is not supported: python3.X only")
    return Layer(arn, content_dir=folder, build_method=build_method, logical_id=origin)
