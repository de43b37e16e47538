"""IAM enforced by the DynamoDB server for callers that sign with a role session of the credentials map.

AWS texts these tests pin, and where they were observed:
* AccessDeniedException, HTTP 400, `__type` `com.amazon.coral.service#AccessDeniedException`, capital
  `Message` (raw DynamoDB body in sebdah/dynamic-dynamodb#321); message
  `User: arn:aws:sts::<acct>:assumed-role/<role>/<session> is not authorized to perform: dynamodb:PutItem on
  resource: arn:aws:dynamodb:<region>:<acct>:table/<t> because no identity-based policy allows the
  dynamodb:PutItem action` (aws-samples/aws-serverless-workshop-innovator-island#97, anomalyco/sst#4469);
  the explicit-deny suffix `with an explicit deny in an identity-based policy`
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
* BatchWriteItem is authorized as `dynamodb:BatchWriteItem` per table (stelviodev/stelvio#136,
  chanzuckerberg/napari-hub#1048, both observed denials).
* UnrecognizedClientException `The security token included in the request is invalid`
  (baopham/laravel-dynamodb#228, raw body) and InvalidSignatureException `The request signature we calculated
  does not match ...` (DynamoDB Applied Design Patterns, ch. 6).
"""

from __future__ import annotations

import json
import time
import typing as t
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from serverlite.iam.managed import managed_policy
from serverlite.iam.registry import CREDENTIALS_FILE, write_registry
from serverlite.iam.sessions import RoleSession, role_session
from tests.functional.dynamodb.dynamodb_server import ServerProcess, make_client, start_server, stop_server

ACCOUNT = "123456789012"
TABLES = "arn:aws:dynamodb:us-east-1:123456789012:table"
FULL = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"


def _role(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def _allow(actions: t.Any, resource: t.Any = f"{TABLES}/*", **extra: t.Any) -> dict[str, t.Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource, **extra}],
    }


ROLES: dict[str, list[tuple[str, t.Mapping[str, t.Any]]]] = {
    "Reader": [("read", _allow(["dynamodb:GetItem", "dynamodb:Query"]))],
    "DenySecret": [
        (FULL, managed_policy(FULL) or {}),
        ("deny", {"Statement": {"Effect": "Deny", "Action": "dynamodb:*", "Resource": f"{TABLES}/Secret"}}),
    ],
    "NotDelete": [
        (
            "not-delete",
            {"Statement": [{"Effect": "Allow", "NotAction": "dynamodb:DeleteItem", "Resource": "*"}]},
        )
    ],
    "NotSecret": [
        (
            "not-secret",
            {"Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "NotResource": f"{TABLES}/Secret"}]},
        )
    ],
    "Alice": [
        (
            "own-items",
            _allow(
                ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                Condition={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["alice"]}},
            ),
        )
    ],
    "Batcher": [("batch", _allow(["dynamodb:PutItem", "dynamodb:DeleteItem"]))],
}


@pytest.fixture(scope="module")
def sessions() -> dict[str, RoleSession]:
    return {name: role_session(_role(name), f"{name}Function") for name in ROLES}


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, sessions: dict[str, RoleSession]
) -> t.Iterator[ServerProcess]:
    data_dir = tmp_path_factory.mktemp("dynamodb-iam")
    write_registry(data_dir / CREDENTIALS_FILE, sessions.values(), {_role(n): p for n, p in ROLES.items()})
    running = start_server(data_dir)
    admin = make_client(running.endpoint)  # not in the map: the local admin principal, unchecked
    for table in ("Music", "Secret"):
        admin.create_table(
            TableName=table,
            KeySchema=[
                {"AttributeName": "Owner", "KeyType": "HASH"},
                {"AttributeName": "Song", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "Owner", "AttributeType": "S"},
                {"AttributeName": "Song", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    yield running
    stop_server(running)


def _client(
    server: ServerProcess, session: RoleSession, *, secret: str | None = None, token: str | None = None
) -> t.Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=session.access_key_id,
        aws_secret_access_key=secret or session.secret_access_key,
        aws_session_token=token or session.session_token,
        config=Config(retries={"max_attempts": 1}),
    )


def _item(owner: str = "alice", song: str = "One") -> dict[str, t.Any]:
    return {"Owner": {"S": owner}, "Song": {"S": song}}


def _denied(call: t.Callable[[], t.Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Code"], error["Message"]


def test_a_role_without_put_item_is_denied_with_aws_message(server, sessions):
    reader = _client(server, sessions["Reader"])
    code, message = _denied(lambda: reader.put_item(TableName="Music", Item=_item()))
    assert code == "AccessDeniedException"
    assert message == (
        "User: arn:aws:sts::123456789012:assumed-role/Reader/ReaderFunction is not authorized to perform: "
        "dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/Music because no "
        "identity-based policy allows the dynamodb:PutItem action"
    )
    assert reader.get_item(TableName="Music", Key=_item())["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_denial_wire_body_has_capital_message(server, sessions):
    reader = _client(server, sessions["Reader"])
    captured: dict[str, t.Any] = {}
    reader.meta.events.register(
        "after-call.dynamodb.PutItem", lambda http_response, **_: captured.update(r=http_response)
    )
    _denied(lambda: reader.put_item(TableName="Music", Item=_item()))
    body = json.loads(captured["r"].content)
    assert list(body) == ["__type", "Message"]
    assert body["__type"] == "com.amazon.coral.service#AccessDeniedException"


def test_a_denied_call_never_learns_whether_the_table_exists(server, sessions):
    code, message = _denied(
        lambda: _client(server, sessions["Reader"]).put_item(TableName="Nope", Item=_item())
    )
    assert code == "AccessDeniedException"
    assert message.endswith("table/Nope because no identity-based policy allows the dynamodb:PutItem action")


def test_explicit_deny_wins_over_full_access(server, sessions):
    client = _client(server, sessions["DenySecret"])
    client.put_item(TableName="Music", Item=_item())
    code, message = _denied(lambda: client.get_item(TableName="Secret", Key=_item()))
    assert code == "AccessDeniedException"
    assert message == (
        "User: arn:aws:sts::123456789012:assumed-role/DenySecret/DenySecretFunction is not authorized to perform: "
        "dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/Secret with an explicit deny "
        "in an identity-based policy"
    )


def test_not_action(server, sessions):
    client = _client(server, sessions["NotDelete"])
    client.put_item(TableName="Music", Item=_item("bob"))
    code, message = _denied(lambda: client.delete_item(TableName="Music", Key=_item("bob")))
    assert (code, message.split(" on resource")[0][-19:]) == ("AccessDeniedException", "dynamodb:DeleteItem")


def test_not_resource(server, sessions):
    client = _client(server, sessions["NotSecret"])
    client.get_item(TableName="Music", Key=_item())
    code, message = _denied(lambda: client.get_item(TableName="Secret", Key=_item()))
    assert code == "AccessDeniedException"
    assert "on resource: arn:aws:dynamodb:us-east-1:123456789012:table/Secret because" in message


def test_leading_keys_restrict_to_own_partition(server, sessions):
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
    client = _client(server, sessions["Alice"])
    client.put_item(TableName="Music", Item=_item("alice", "Mine"))
    assert client.get_item(TableName="Music", Key=_item("alice", "Mine"))["Item"]["Song"] == {"S": "Mine"}
    query = client.query(
        TableName="Music",
        KeyConditionExpression="#o = :o",
        ExpressionAttributeNames={"#o": "Owner"},
        ExpressionAttributeValues={":o": {"S": "alice"}},
    )
    assert query["Count"] >= 1
    code, _ = _denied(lambda: client.put_item(TableName="Music", Item=_item("mallory")))
    assert code == "AccessDeniedException"
    code, _ = _denied(
        lambda: client.query(
            TableName="Music",
            KeyConditionExpression="#o = :o",
            ExpressionAttributeNames={"#o": "Owner"},
            ExpressionAttributeValues={":o": {"S": "bob"}},
        )
    )
    assert code == "AccessDeniedException"


def test_batch_write_needs_batch_write_item(server, sessions):
    client = _client(server, sessions["Batcher"])
    client.put_item(TableName="Music", Item=_item("carol"))
    code, message = _denied(
        lambda: client.batch_write_item(
            RequestItems={"Music": [{"PutRequest": {"Item": _item("carol", "Two")}}]}
        )
    )
    assert code == "AccessDeniedException"
    assert message.endswith("because no identity-based policy allows the dynamodb:BatchWriteItem action")


def test_wrong_secret_is_an_invalid_signature(server, sessions):
    client = _client(server, sessions["Reader"], secret="not-the-secret")
    code, message = _denied(lambda: client.get_item(TableName="Music", Key=_item()))
    assert code == "InvalidSignatureException"
    assert message == (
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        "Access Key and signing method. Consult the service documentation for details."
    )


def test_wrong_session_token_is_unrecognized(server, sessions):
    client = _client(server, sessions["Reader"], token="someone-elses-token")
    code, message = _denied(lambda: client.get_item(TableName="Music", Key=_item()))
    assert (code, message) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid",
    )


def test_callers_outside_the_map_are_not_checked(server):
    admin = make_client(server.endpoint)
    admin.put_item(TableName="Secret", Item=_item("admin"))
    unsigned = urllib.request.Request(
        server.endpoint,
        data=json.dumps({"TableName": "Secret", "Key": _item("admin")}).encode(),
        headers={"X-Amz-Target": "DynamoDB_20120810.GetItem", "Content-Type": "application/x-amz-json-1.0"},
    )
    with urllib.request.urlopen(unsigned) as response:
        assert json.loads(response.read())["Item"]["Owner"] == {"S": "admin"}


def test_the_map_is_re_read_when_it_changes(tmp_path):
    session = role_session(_role("Changing"), "ChangingFunction")
    path = tmp_path / CREDENTIALS_FILE
    write_registry(path, [session], {_role("Changing"): [("none", _allow("dynamodb:ListTables", "*"))]})
    running = start_server(tmp_path)
    try:
        client = _client(running, session)
        assert _denied(lambda: client.describe_limits())[0] == "AccessDeniedException"
        write_registry(path, [session], {_role("Changing"): [("more", _allow("dynamodb:Describe*", "*"))]})
        deadline = time.monotonic() + 5
        while True:
            try:
                client.describe_limits()
                break
            except ClientError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        stop_server(running)
