"""Issue 10 on the Lambda Invoke endpoint: a function invokes another only when its role allows it.

examples/chained gives the Caller `LambdaInvokePolicy` for Callee, so its boto3 `invoke` works under
`serverlite start`'s default `--iam enforce`. examples/chained_denied is the same code without that policy:
the invoke fails with AWS's text (awslabs/aws-deployment-framework#460: `User: <assumed-role ARN> is not
authorized to perform: lambda:InvokeFunction on resource: <function ARN> because no identity-based policy
allows the lambda:InvokeFunction action`, 403 AccessDeniedException), the handler does not catch it, so
API Gateway answers 502 `Internal server error` and the Caller's output shows the boto3 ClientError.
"""

from __future__ import annotations

from .conftest import REPO

CHAINED = REPO / "examples" / "chained" / "template.yaml"
DENIED = REPO / "examples" / "chained_denied" / "template.yaml"


def test_allowed_invoke_works_under_enforce(start_serverlite):
    server = start_serverlite("--template", str(CHAINED)).wait_ready()
    assert server.request("GET", "/Prod/double?n=21") == (200, {"callee_said": {"doubled": 42}})


def test_invoke_without_lambda_invoke_policy_is_denied(start_serverlite):
    server = start_serverlite("--template", str(DENIED)).wait_ready()
    assert server.request("GET", "/Prod/double?n=21") == (502, {"message": "Internal server error"})
    expected = (
        "[Caller] [ERROR] ClientError: An error occurred (AccessDeniedException) when calling the Invoke "
        "operation: User: arn:aws:sts::123456789012:assumed-role/serverlite-CallerRole/Caller is not authorized to perform: "
        "lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:Callee "
        "because no identity-based policy allows the lambda:InvokeFunction action"
    )
    server.wait_for_line(expected)
    assert not any("callee got" in line for line in server.lines)
