"""Request-level checks of expression parameters, before any expression is parsed.

Order and wording from dynalite validations/index.js (validateExpressionParams and
validateExpressions, observed AWS), confirmed for the mixed-parameter and unused-placeholder
messages by nubo-db/dynamodb-conformance tests/tier3/error-messages/updateItem.test.ts.
"""

from __future__ import annotations

import re
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.names import ExpressionContext
from serverlite.dynamodb.values import AttributeValue, validate_value

__all__ = ["expression_context"]

_NAME_KEY = re.compile(r"#[0-9a-zA-Z_]+")
_VALUE_KEY = re.compile(r":[0-9a-zA-Z_]+")


def expression_context(
    request: dict[str, Any], expressions: tuple[str, ...], legacy: tuple[str, ...]
) -> ExpressionContext:
    """Validate ExpressionAttributeNames/Values for a request and return their context.

    ``expressions`` are the request's expression members (ProjectionExpression last, since it
    cannot use values); ``legacy`` the non-expression members that must not be mixed in.
    """
    used = [name for name in expressions if request.get(name) is not None]
    mixed = [name for name in legacy if request.get(name) is not None]
    if used and mixed:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(mixed)}}} "
            f"Expression parameters: {{{', '.join(used)}}}"
        )
    names, values = request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues")
    if names is not None and not used:
        raise ValidationException("ExpressionAttributeNames can only be specified when using expressions")
    value_expressions = [name for name in expressions if name != "ProjectionExpression"]
    if values is not None and not any(request.get(name) is not None for name in value_expressions):
        verb = "are" if len(value_expressions) > 1 else "is"
        raise ValidationException(
            "ExpressionAttributeValues can only be specified when using expressions: "
            f"{' and '.join(value_expressions)} {verb} null"
        )
    return ExpressionContext(_names(names), _values(values))


def _names(names: dict[str, str] | None) -> dict[str, str] | None:
    if names is None:
        return None
    if not names:
        raise ValidationException("ExpressionAttributeNames must not be empty")
    for key in names:
        if not _NAME_KEY.fullmatch(key):
            raise ValidationException(
                f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"'
            )
    return names


def _values(values: dict[str, Any] | None) -> dict[str, AttributeValue] | None:
    if values is None:
        return None
    if not values:
        raise ValidationException("ExpressionAttributeValues must not be empty")
    for key in values:
        if not _VALUE_KEY.fullmatch(key):
            raise ValidationException(
                f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
            )
    checked = {}
    for key, value in values.items():
        try:
            checked[key] = validate_value(value)
        except ValidationException as error:
            raise ValidationException(
                f"ExpressionAttributeValues contains invalid value: {error.message} for key {key}"
            ) from None
    return checked
