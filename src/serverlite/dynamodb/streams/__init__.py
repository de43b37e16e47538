"""The DynamoDB Streams API on the DynamoDB port: ``X-Amz-Target: DynamoDBStreams_20120810.<Operation>``.

https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html
Each operation module declares `OPERATION` and has ``validate`` then ``execute``, like operations/.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

__all__ = ["OPERATIONS", "TARGET_PREFIX"]

TARGET_PREFIX = "DynamoDBStreams_20120810."


def _discover() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "OPERATION", None)
        if isinstance(name, str):
            found[name] = module
    return found


OPERATIONS: dict[str, ModuleType] = _discover()
