"""Real clients against the server: the AWS CLI, PynamoDB models and boto3's resource layer (issue 3).

The expectations are DynamoDB's, so the same tests pass against any DynamoDB: set
``SERVERLITE_TEST_DYNAMODB_ENDPOINT=http://HOST:PORT`` to run them against another endpoint (the
session server is then not started). The AWS CLI runs as the ``aws`` command of this venv (awscli 1.46+
vendors its own botocore, so it installs beside boto3 without pinning it), with a config of its own.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Attr, Key
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.models import Model

AWS = pathlib.Path(sys.executable).with_name("aws")
CREDENTIALS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}


@pytest.fixture(scope="module")
def endpoint(request: pytest.FixtureRequest) -> str:
    """The session server's URL, or the one named by SERVERLITE_TEST_DYNAMODB_ENDPOINT."""
    return os.environ.get("SERVERLITE_TEST_DYNAMODB_ENDPOINT") or request.getfixturevalue("server").endpoint


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# --- the AWS CLI ----------------------------------------------------------------------------------


class Cli:
    """``aws dynamodb ...`` against the endpoint, isolated from any user configuration."""

    def __init__(self, endpoint: str, home: pathlib.Path) -> None:
        self.endpoint = endpoint
        keep = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env = {
            **keep,
            "HOME": str(home),
            "AWS_CONFIG_FILE": str(home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one command; return its exit code, stdout and stderr."""
        return subprocess.run(
            [str(AWS), "dynamodb", *args, "--endpoint-url", self.endpoint],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=60,
        )

    def ok(self, *args: str) -> str:
        """Run one command that must succeed; return its stdout."""
        done = self.run(*args)
        assert (done.returncode, done.stderr) == (0, ""), done
        return done.stdout


@pytest.fixture(scope="module")
def cli(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    return Cli(endpoint, tmp_path_factory.mktemp("aws-home"))


def _json(value: Any) -> str:
    return json.dumps(value)


SONGS = [
    {"artist": {"S": "Acme Band"}, "title": {"S": "Happy Day"}, "year": {"N": "2015"}},
    {"artist": {"S": "Acme Band"}, "title": {"S": "PartiQL Rocks"}, "year": {"N": "2019"}},
    {"artist": {"S": "No One You Know"}, "title": {"S": "Call Me Today"}, "year": {"N": "1999"}},
]


def test_aws_cli_create_put_get_query_scan_delete(cli: Cli) -> None:
    table = _name("CliMusic")
    created = cli.ok(
        "create-table",
        "--table-name",
        table,
        "--attribute-definitions",
        "AttributeName=artist,AttributeType=S",
        "AttributeName=title,AttributeType=S",
        "--key-schema",
        "AttributeName=artist,KeyType=HASH",
        "AttributeName=title,KeyType=RANGE",
        "--billing-mode",
        "PAY_PER_REQUEST",
        "--query",
        "TableDescription.[TableName, KeySchema[0].AttributeName, KeySchema[1].KeyType, "
        "BillingModeSummary.BillingMode]",
        "--output",
        "text",
    )
    assert created == f"{table}\tartist\tRANGE\tPAY_PER_REQUEST\n"
    assert cli.ok("wait", "table-exists", "--table-name", table) == ""
    status = cli.ok(
        "describe-table", "--table-name", table, "--query", "Table.TableStatus", "--output", "text"
    )
    assert status == "ACTIVE\n"

    for song in SONGS:
        assert cli.ok("put-item", "--table-name", table, "--item", _json(song)) == ""
    conditional = cli.run(
        "put-item",
        "--table-name",
        table,
        "--item",
        _json(SONGS[0]),
        "--condition-expression",
        "attribute_not_exists(artist)",
    )
    assert (conditional.returncode, conditional.stdout, conditional.stderr) == (
        255,
        "",
        "\nAn error occurred (ConditionalCheckFailedException) when calling the PutItem operation: "
        "The conditional request failed\n",
    )

    key = _json({"artist": SONGS[2]["artist"], "title": SONGS[2]["title"]})
    got = cli.ok("get-item", "--table-name", table, "--key", key, "--consistent-read", "--output", "json")
    assert json.loads(got) == {"Item": SONGS[2]}
    year = cli.ok(
        "get-item", "--table-name", table, "--key", key, "--query", "Item.year.N", "--output", "text"
    )
    assert year == "1999\n"
    missing = _json({"artist": {"S": "Nobody"}, "title": {"S": "Nothing"}})
    assert cli.ok("get-item", "--table-name", table, "--key", missing, "--output", "json") == ""

    by_artist = [
        "query",
        "--table-name",
        table,
        "--key-condition-expression",
        "artist = :a",
        "--expression-attribute-values",
        _json({":a": {"S": "Acme Band"}}),
    ]
    assert (
        cli.ok(*by_artist, "--query", "Items[].title.S", "--output", "text") == "Happy Day\tPartiQL Rocks\n"
    )
    assert json.loads(cli.ok(*by_artist, "--output", "json")) == {
        "Items": SONGS[:2],
        "Count": 2,
        "ScannedCount": 2,
        "ConsumedCapacity": None,
    }
    newest = cli.ok(*by_artist, "--no-scan-index-forward", "--max-items", "1", "--output", "json")
    assert json.loads(newest)["Items"] == [SONGS[1]]

    scanned = json.loads(cli.ok("scan", "--table-name", table, "--output", "json"))
    assert sorted(scanned["Items"], key=_json) == sorted(SONGS, key=_json)
    assert (scanned["Count"], scanned["ScannedCount"]) == (3, 3)
    filtered = cli.ok(
        "scan",
        "--table-name",
        table,
        "--filter-expression",
        "#y < :y",
        "--expression-attribute-names",
        _json({"#y": "year"}),
        "--expression-attribute-values",
        _json({":y": {"N": "2016"}}),
        "--query",
        "[Count, ScannedCount]",
        "--output",
        "text",
    )
    assert filtered == "2\t3\n"

    deleted = cli.ok(
        "delete-table", "--table-name", table, "--query", "TableDescription.TableName", "--output", "text"
    )
    assert deleted == f"{table}\n"
    assert cli.ok("wait", "table-not-exists", "--table-name", table) == ""
    gone = cli.run("describe-table", "--table-name", table)
    assert gone.returncode == 255
    assert gone.stderr.startswith(
        "\nAn error occurred (ResourceNotFoundException) when calling the DescribeTable operation: "
    ), gone.stderr


# --- PynamoDB -------------------------------------------------------------------------------------


@pytest.fixture()
def song_model(endpoint: str) -> Iterator[type[Any]]:
    """A PynamoDB model (hash artist, range title) bound to a fresh table on the endpoint."""

    class Song(Model):
        class Meta:
            table_name = _name("PynamoSongs")
            host = endpoint
            region = "us-east-1"
            aws_access_key_id = CREDENTIALS["aws_access_key_id"]
            aws_secret_access_key = CREDENTIALS["aws_secret_access_key"]
            max_retry_attempts = 0

        artist = UnicodeAttribute(hash_key=True)
        title = UnicodeAttribute(range_key=True)
        year = NumberAttribute()
        plays = NumberAttribute(default=0)
        tags = UnicodeSetAttribute(null=True)

    Song.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
    yield Song
    Song.delete_table()


def test_pynamodb_save_get_update_query_count_delete(song_model: Any) -> None:
    Song = song_model
    for title, year in [("Happy Day", 2015), ("Hello World", 2020), ("PartiQL Rocks", 2019)]:
        Song("Acme Band", title, year=year).save()
    Song("No One You Know", "Call Me Today", year=1999, tags={"pop"}).save()

    song = Song.get("Acme Band", "Happy Day", consistent_read=True)
    assert (song.artist, song.title, song.year, song.plays, song.tags) == (
        "Acme Band",
        "Happy Day",
        2015,
        0,
        None,
    )

    song.update(actions=[Song.plays.add(3), Song.tags.add({"rock", "indie"})])
    assert (song.plays, song.tags) == (3, {"rock", "indie"})
    reread = Song.get("Acme Band", "Happy Day", consistent_read=True)
    assert (reread.plays, reread.tags) == (3, {"rock", "indie"})

    with pytest.raises(PutError) as excinfo:
        Song("Acme Band", "Happy Day", year=1).save(condition=Song.artist.does_not_exist())
    assert excinfo.value.cause_response_code == "ConditionalCheckFailedException"

    titles = [s.title for s in Song.query("Acme Band", Song.title.startswith("H"))]
    assert titles == ["Happy Day", "Hello World"]
    newest_first = [s.title for s in Song.query("Acme Band", scan_index_forward=False, limit=2)]
    assert newest_first == ["PartiQL Rocks", "Hello World"]
    recent = [s.title for s in Song.query("Acme Band", filter_condition=Song.year >= 2019)]
    assert recent == ["Hello World", "PartiQL Rocks"]
    assert Song.count("Acme Band") == 3
    assert Song.count("Acme Band", Song.title.startswith("H")) == 2
    assert Song.count("Acme Band", filter_condition=Song.plays > 0) == 1

    song.delete()
    with pytest.raises(DoesNotExist):
        Song.get("Acme Band", "Happy Day", consistent_read=True)
    assert Song.count("Acme Band") == 2


# --- boto3's resource layer -----------------------------------------------------------------------


@pytest.fixture()
def table(endpoint: str) -> Iterator[Any]:
    """A boto3 resource Table (hash pk, range sk) on a fresh table."""
    dynamodb = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS)
    created = dynamodb.create_table(
        TableName=_name("Resource"),
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    )
    created.wait_until_exists()
    yield created
    created.delete()


def test_resource_put_and_get_convert_python_types(table: Any) -> None:
    item = {
        "pk": "user#1",
        "sk": "profile",
        "name": "Ada",
        "age": 36,
        "score": Decimal("99.5"),
        "active": True,
        "nothing": None,
        "tags": {"admin", "dev"},
        "address": {"city": "London", "zip": "N1"},
        "history": [1, "two", {"three": 3}],
        "avatar": b"\x89PNG",
    }
    table.put_item(Item=item)
    got = table.get_item(Key={"pk": "user#1", "sk": "profile"}, ConsistentRead=True)["Item"]
    expected = {**item, "age": Decimal(36), "history": [Decimal(1), "two", {"three": Decimal(3)}]}
    assert {**got, "avatar": bytes(got["avatar"])} == expected
    assert "Item" not in table.get_item(Key={"pk": "user#1", "sk": "nothing"})


def test_resource_query_with_key_conditions(table: Any) -> None:
    for sk in ["order#2024-01", "order#2024-02", "order#2025-01", "profile"]:
        table.put_item(Item={"pk": "user#1", "sk": sk, "total": 10})
    table.put_item(Item={"pk": "user#2", "sk": "order#2024-01", "total": 99})

    orders = table.query(KeyConditionExpression=Key("pk").eq("user#1") & Key("sk").begins_with("order#2024"))
    assert [i["sk"] for i in orders["Items"]] == ["order#2024-01", "order#2024-02"]
    assert (orders["Count"], orders["ScannedCount"]) == (2, 2)
    between = table.query(
        KeyConditionExpression=Key("pk").eq("user#1") & Key("sk").between("order#2024-02", "order#2025-99"),
        ScanIndexForward=False,
    )
    assert [i["sk"] for i in between["Items"]] == ["order#2025-01", "order#2024-02"]
    page = table.query(KeyConditionExpression=Key("pk").eq("user#1"), Limit=3)
    assert [i["sk"] for i in page["Items"]] == ["order#2024-01", "order#2024-02", "order#2025-01"]
    assert page["LastEvaluatedKey"] == {"pk": "user#1", "sk": "order#2025-01"}
    rest = table.query(
        KeyConditionExpression=Key("pk").eq("user#1"), ExclusiveStartKey=page["LastEvaluatedKey"]
    )
    assert [i["sk"] for i in rest["Items"]] == ["profile"]
    assert "LastEvaluatedKey" not in rest


def test_resource_batch_writer_and_scan_with_attr_filters(table: Any) -> None:
    with table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
        for n in range(60):  # more than one BatchWriteItem (25 at most per call)
            batch.put_item(
                Item={
                    "pk": f"item#{n:02}",
                    "sk": "v1",
                    "n": n,
                    "kind": "even" if n % 2 == 0 else "odd",
                    **({"flag": True} if n % 10 == 0 else {}),
                }
            )
        batch.delete_item(Key={"pk": "item#59", "sk": "v1"})  # replaces the unsent put of item#59

    everything = _scan_all(table)
    assert sorted(i["pk"] for i in everything) == [f"item#{n:02}" for n in range(59)]

    even_high = _scan_all(table, FilterExpression=Attr("kind").eq("even") & Attr("n").gte(50))
    assert sorted(int(i["n"]) for i in even_high) == [50, 52, 54, 56, 58]
    flagged = _scan_all(table, FilterExpression=Attr("flag").exists())
    assert sorted(int(i["n"]) for i in flagged) == [0, 10, 20, 30, 40, 50]
    some = _scan_all(
        table,
        FilterExpression=Attr("pk").begins_with("item#1") | Attr("n").is_in([3, 4]),
        ProjectionExpression="pk",
    )
    assert sorted(i["pk"] for i in some) == ["item#03", "item#04"] + [f"item#1{d}" for d in range(10)]
    assert all(set(i) == {"pk"} for i in some)

    page = table.scan(Limit=10, Select="COUNT")
    assert (page["Count"], page["ScannedCount"]) == (10, 10)
    assert "LastEvaluatedKey" in page


def _scan_all(table: Any, **kwargs: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = table.scan(**kwargs)
    items += page["Items"]
    while "LastEvaluatedKey" in page:
        page = table.scan(ExclusiveStartKey=page["LastEvaluatedKey"], **kwargs)
        items += page["Items"]
    return items
