"""`Fn::Transform: {Name: AWS::Include, Parameters: {Location: FILE}}` of a local file: its content in place.

CloudFormation's include transform inserts a YAML or JSON snippet stored in S3
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-include.html);
`sam build`/`sam deploy` accept a local path as Location, as serverlite does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from serverlite.template.errors import TemplateError

__all__ = ["include_files"]

_MAX_DEPTH = 10


def include_files(node: Any, base_dir: Path, depth: int = 0) -> Any:
    """`node` with every local AWS::Include replaced by its file's content (includes may nest).

    Raises:
        TemplateError: a Location in S3, or a file that cannot be read.
    """
    if isinstance(node, list):
        return [include_files(item, base_dir, depth) for item in node]
    if not isinstance(node, dict):
        return node
    transform = node.get("Fn::Transform") if len(node) == 1 else None
    if isinstance(transform, dict) and transform.get("Name") == "AWS::Include":
        if depth >= _MAX_DEPTH:
            raise TemplateError("AWS::Include: includes nested too deep")
        return include_files(_included(transform, base_dir), base_dir, depth + 1)
    return {key: include_files(value, base_dir, depth) for key, value in node.items()}


def _included(transform: dict[str, Any], base_dir: Path) -> Any:
    from serverlite.template.source import read_snippet

    location = (transform.get("Parameters") or {}).get("Location")
    if not isinstance(location, str) or location.startswith("s3://"):
        raise TemplateError(f"AWS::Include Location {location!r} cannot be read here: give a local file path")
    try:
        return read_snippet(base_dir / location)
    except TemplateError as error:
        raise TemplateError(f"AWS::Include {location}: {error.message}") from None
