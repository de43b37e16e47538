"""errors.py: TransactionCanceledException renders AWS's body (aws/aws-sdk-net#1292)."""

from __future__ import annotations

import json

from serverlite.dynamodb.errors import TransactionCanceledException, render_error


def test_transaction_cancelled_body() -> None:
    reasons = [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]
    status, body = render_error(TransactionCanceledException(reasons))
    assert status == 400
    assert json.loads(body) == {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ConditionalCheckFailed]",
        "CancellationReasons": reasons,
    }
