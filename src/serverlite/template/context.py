"""What the model builders share: the stack, every resolved resource, and where code lives."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from serverlite.template.stack import ResolvedResource, Stack

__all__ = ["BuildContext"]

# arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function-arn}/invocations
_LAMBDA_URI = re.compile(
    r"^arn:[\w-]+:apigateway:[^:]*:lambda:path/[\d-]+/functions/(?P<arn>.+)/invocations$"
)


@dataclass(frozen=True)
class BuildContext:
    """Inputs of every `build_*` function."""

    stack: Stack
    resources: Mapping[str, ResolvedResource]
    base_dir: Path
    code_dirs: Mapping[str, Path] = field(default_factory=dict)
    # Each resource's `Metadata` as written (SAM CLI reads `BuildMethod` there).
    metadata: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # `--layer ARN=DIR`: local folders standing in for layers that cannot be downloaded.
    layer_overrides: Mapping[str, Path] = field(default_factory=dict)

    def of_type(self, resource_type: str) -> list[ResolvedResource]:
        """Every resource of one type, in template order."""
        return [resource for resource in self.resources.values() if resource.type == resource_type]

    def function_for_uri(self, uri: str) -> str | None:
        """The logical id of the function a Lambda integration URI invokes (alias or version allowed)."""
        match = _LAMBDA_URI.match(uri)
        if match is None:
            return None
        # arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]
        parts = match.group("arn").split(":")
        name = parts[6] if len(parts) > 6 and parts[5] == "function" else match.group("arn")
        names = {
            str(self.stack.ref(resource.logical_id)): resource.logical_id
            for resource in self.of_type("AWS::Lambda::Function")
        }
        return names.get(name)

    def function_for_target(self, target: str) -> str | None:
        """Like `function_for_uri`, also accepting a bare function ARN (what API Gateway v2 integrations,
        function URLs and event targets name)."""
        if target.startswith("arn:") and target.split(":")[2:3] == ["lambda"]:
            region = self.stack.region
            target = f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{target}/invocations"
        return self.function_for_uri(target)
