"""POST /prices: validates the order with pydantic (a C extension, built for python3.12) and prices it."""

import json

import money
from pydantic import BaseModel, PositiveInt, ValidationError


class Order(BaseModel):
    item: str
    quantity: PositiveInt
    unit_cents: PositiveInt


def handler(event, context):
    try:
        order = Order.model_validate_json(event.get("body") or "{}")
    except ValidationError as error:
        fields = [".".join(str(part) for part in problem["loc"]) for problem in error.errors()]
        return {"statusCode": 400, "body": json.dumps({"invalid": fields})}
    total = order.quantity * order.unit_cents
    return {
        "statusCode": 200,
        "body": json.dumps({"item": order.item, "total_cents": total, "spelled": money.spelled(total)}),
    }
