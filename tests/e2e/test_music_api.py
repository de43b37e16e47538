"""The tutorial's requests against `serverlite start` running template.yaml (SEED-API.md is the contract)."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator

import pytest

from .conftest import Serverlite

TABLE = "/Test/DemoResourceMusic/DemoResourceMusicTable"
ITEM = "/Test/DemoResourceMusic/DemoResourceMusicItem"
JSON = {"content-type": "application/json"}
SONG = {"artist": "No One You Know", "songtitle": "Call Me Today"}


@pytest.fixture(scope="module")
def music(tmp_path_factory) -> Iterator[Serverlite]:
    server = Serverlite([], tmp_path_factory.mktemp("music") / "data").wait_ready()
    yield server
    assert server.stop() == 0


def test_startup_prints_each_service_then_ready(music):
    lines = music.lines
    gateway = lines.index(f"Gateway: http://127.0.0.1:{music.port}")
    dynamodb = lines.index(f"DynamoDB: http://127.0.0.1:{music.dynamodb_port}")
    assert gateway < dynamodb < lines.index("Ready")
    assert any(line.endswith(f"stage Test: http://127.0.0.1:{music.port}/Test/") for line in lines)


def test_the_six_tutorial_requests(music):
    """SEED-API.md, "The tutorial's commands, run locally", in order, with the tutorial's exact headers."""
    table = {**JSON, "table": "Music"}
    assert music.request("PUT", TABLE, table) == (200, "Table created")
    assert music.request(
        "PUT",
        ITEM,
        {**table, "artist": "No One You Know", "albumtitle": "Somewhat Famous", "songtitle": "Call Me Today"},
    ) == (200, "Item added")
    # curl -H 'albumtitle: Louder Than Ever': the space after the colon is not part of the value.
    assert music.request(
        "POST",
        ITEM,
        {
            **table,
            "artist": "No One You Know",
            "albumtitle": " Louder Than Ever",
            "songtitle": "Call Me Today",
        },
    ) == (200, "Item updated")
    status, item = music.request("GET", ITEM, {**table, **SONG})
    assert status == 200
    assert item == {
        "Artist": {"S": "No One You Know"},
        "SongTitle": {"S": "Call Me Today"},
        "AlbumTitle": {"S": "Louder Than Ever"},
    }
    assert list(item) == ["Artist", "SongTitle", "AlbumTitle"]
    assert music.request("DELETE", ITEM, {**table, **SONG}) == (200, "Item deleted")
    assert music.request("DELETE", TABLE, table) == (200, "Table deleted")


def test_parameters_from_the_query_string(music):
    assert music.request("PUT", TABLE, query={"table": "QueryMusic"}) == (200, "Table created")
    query = {"table": "QueryMusic", **SONG, "albumtitle": "From Query"}
    assert music.request("PUT", ITEM, query=query) == (200, "Item added")
    status, item = music.request("GET", ITEM, query={"table": "QueryMusic", **SONG})
    assert (status, item["AlbumTitle"]) == (200, {"S": "From Query"})
    assert music.request("DELETE", TABLE, query={"table": "QueryMusic"}) == (200, "Table deleted")


def test_parameters_from_a_json_body(music):
    body = json.dumps({"table": "BodyMusic"})
    assert music.request("PUT", TABLE, JSON, body=body) == (200, "Table created")
    item = json.dumps({"table": "BodyMusic", **SONG, "albumtitle": "From Body"})
    assert music.request("PUT", ITEM, JSON, body=item) == (200, "Item added")
    update = json.dumps({"table": "BodyMusic", **SONG, "albumtitle": "Updated From Body"})
    assert music.request("POST", ITEM, JSON, body=update) == (200, "Item updated")
    status, got = music.request("GET", ITEM, query={"table": "BodyMusic", **SONG})
    assert (status, got["AlbumTitle"]) == (200, {"S": "Updated From Body"})
    assert music.request("DELETE", TABLE, JSON, body=body) == (200, "Table deleted")


def test_sources_mix_and_headers_win(music):
    """Headers first (any casing), then the query string, then the body."""
    assert music.request("PUT", TABLE, {"TABLE": "MixMusic"}, query={"table": "Ignored"}) == (
        200,
        "Table created",
    )
    body = json.dumps({"albumtitle": "From Body", "artist": "Ignored"})
    assert music.request(
        "PUT",
        ITEM,
        {"Artist": "No One You Know", **JSON},
        {"table": "MixMusic", "songtitle": "Call Me Today"},
        body,
    ) == (200, "Item added")
    status, got = music.request("GET", ITEM, {"table": "MixMusic", **SONG})
    assert (
        status == 200
        and got["AlbumTitle"] == {"S": "From Body"}
        and got["Artist"] == {"S": "No One You Know"}
    )
    assert music.request("DELETE", TABLE, {"table": "MixMusic"}) == (200, "Table deleted")


@pytest.mark.parametrize(
    ("method", "path", "headers", "message"),
    [
        ("PUT", TABLE, {}, "KeyError exception happened while using key 'table' to get the table name."),
        ("DELETE", TABLE, {}, "KeyError exception happened while using key 'table' to get the table name."),
        (
            "PUT",
            ITEM,
            {"table": "Music", "artist": "a", "songtitle": "s"},
            "KeyError exception happened while using key 'albumtitle' to get the value.",
        ),
        (
            "GET",
            ITEM,
            {"table": "Music"},
            "KeyError exception happened while using key 'artist' to get the value.",
        ),
        (
            "DELETE",
            ITEM,
            {"artist": "a"},
            "KeyError exception happened while using key 'table' to get the value.",
        ),
    ],
)
def test_missing_parameter_is_400(music, method, path, headers, message):
    assert music.request(method, path, headers) == (400, message)


def test_body_that_is_not_an_object_is_400(music):
    assert music.request("PUT", TABLE, JSON, body="[1, 2]") == (
        400,
        "The request body must be a JSON object.",
    )
    assert music.request("PUT", ITEM, JSON, body="not json") == (
        400,
        "The request body must be a JSON object.",
    )


def test_dynamodb_errors_map_to_their_status(music):
    assert music.request("PUT", TABLE, {"table": "ErrMusic"}) == (200, "Table created")
    # ResourceInUseException -> 409
    assert music.request("PUT", TABLE, {"table": "ErrMusic"}) == (
        409,
        "An error occurred (ResourceInUseException) when calling the CreateTable operation: "
        "Table already exists: ErrMusic",
    )
    # ResourceNotFoundException -> 404 (item operations and DeleteTable)
    put = {"table": "NoSuchTable", **SONG, "albumtitle": "x"}
    assert music.request("PUT", ITEM, put) == (
        404,
        "An error occurred (ResourceNotFoundException) when calling the PutItem operation: "
        "Requested resource not found",
    )
    assert music.request("DELETE", TABLE, {"table": "NoSuchTable"}) == (
        404,
        "An error occurred (ResourceNotFoundException) when calling the DeleteTable operation: "
        "Requested resource not found: Table: NoSuchTable not found",
    )
    # ValidationException -> 400 (a table name the service rejects; boto3 checks only its length)
    assert music.request("PUT", TABLE, {"table": "bad name!"}) == (
        400,
        "An error occurred (ValidationException) when calling the CreateTable operation: "
        "1 validation error detected: Value 'bad name!' at 'tableName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    )
    assert music.request("DELETE", TABLE, {"table": "ErrMusic"}) == (200, "Table deleted")


def test_missing_item_is_404_for_get_and_post(music):
    assert music.request("PUT", TABLE, {"table": "Sparse"}) == (200, "Table created")
    assert music.request("GET", ITEM, {"table": "Sparse", **SONG}) == (404, "Item not found")
    assert music.request("POST", ITEM, {"table": "Sparse", **SONG, "albumtitle": "x"}) == (
        404,
        "Item not found",
    )
    # POST did not create the item, and DELETE of a missing item succeeds like DeleteItem.
    assert music.request("GET", ITEM, {"table": "Sparse", **SONG}) == (404, "Item not found")
    assert music.request("DELETE", ITEM, {"table": "Sparse", **SONG}) == (200, "Item deleted")
    assert music.request("DELETE", TABLE, {"table": "Sparse"}) == (200, "Table deleted")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", ITEM),
        ("GET", TABLE),
        ("GET", "/Test/DemoResourceMusic"),
        ("GET", "/Prod/DemoResourceMusic/DemoResourceMusicItem"),
    ],
)
def test_unrouted_requests_are_missing_authentication_token(music, method, path):
    assert music.request(method, path, {"table": "Music"}) == (
        403,
        {"message": "Missing Authentication Token"},
    )


def test_sigterm_stops_everything(start_serverlite, tmp_path):
    from .conftest import wait_gone

    server = start_serverlite().wait_ready()
    assert server.request("PUT", TABLE, {"table": "Music"}) == (200, "Table created")
    assert server.stop(signal.SIGTERM) == 0
    assert wait_gone(server.data_dir) == []
