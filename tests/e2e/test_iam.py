"""Issue 10 end to end: each function calls DynamoDB as its role session, and the role's policies decide.

The Music API's own template (tests/e2e/test_music_api.py's six tutorial requests) already runs with
least-privilege roles under enforcement. Here DemoHandleItem's role lacks `dynamodb:UpdateItem`
(examples/iam_denied/template.yaml): POST fails with AWS's AccessDeniedException text, surfaced by the
handler as a 500 (SEED-API.md, "Errors": anything not listed is 500 with the boto3 ClientError message),
while PUT, GET and DELETE still work. Message format: aws-samples/aws-serverless-workshop-innovator-island#97
(an observed Lambda denial, `... because no identity-based policy allows the dynamodb:PutItem action`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import REPO, Serverlite

TEMPLATE = REPO / "examples" / "iam_denied" / "template.yaml"
ITEM = "/Test/DemoResourceMusic/DemoResourceMusicItem"
TABLE = "/Test/DemoResourceMusic/DemoResourceMusicTable"
HEADERS = {"content-type": "application/json", "table": "IamMusic"}
SONG = {"artist": "No One You Know", "songtitle": "Call Me Today"}


@pytest.fixture(scope="module")
def denied(tmp_path_factory) -> Iterator[Serverlite]:
    server = Serverlite(["--template", str(TEMPLATE)], tmp_path_factory.mktemp("iam") / "data").wait_ready()
    yield server
    assert server.stop() == 0


def test_credentials_map_is_written_for_each_function(denied):
    credentials = json.loads((denied.data_dir / "iam" / "credentials.json").read_text())
    sessions = {entry["session_name"] for entry in credentials["sessions"].values()}
    assert sessions == {"DemoCreateTable", "DemoDeleteTable", "DemoHandleItem"}


def test_post_without_update_item_is_denied_and_the_rest_works(denied):
    assert denied.request("PUT", TABLE, HEADERS) == (200, "Table created")
    assert denied.request("PUT", ITEM, {**HEADERS, **SONG, "albumtitle": "Somewhat Famous"}) == (
        200,
        "Item added",
    )
    status, message = denied.request("POST", ITEM, {**HEADERS, **SONG, "albumtitle": "Louder Than Ever"})
    assert (status, message) == (
        500,
        "An error occurred (AccessDeniedException) when calling the UpdateItem operation: User: "
        "arn:aws:sts::123456789012:assumed-role/serverlite-DemoHandleItemRole/DemoHandleItem is not authorized "
        "to perform: dynamodb:UpdateItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/IamMusic "
        "because no identity-based policy allows the dynamodb:UpdateItem action",
    )
    status, item = denied.request("GET", ITEM, {**HEADERS, **SONG})
    assert (status, item) == (
        200,
        {
            "Artist": {"S": "No One You Know"},
            "SongTitle": {"S": "Call Me Today"},
            "AlbumTitle": {"S": "Somewhat Famous"},
        },
    )
    assert denied.request("DELETE", ITEM, {**HEADERS, **SONG}) == (200, "Item deleted")
    assert denied.request("DELETE", TABLE, HEADERS) == (200, "Table deleted")


def test_iam_off_and_warn_let_the_call_through(start_serverlite, tmp_path):
    """`--iam off` checks nothing; `--iam warn` lets the call through and logs the missing statement."""
    for mode in ("off", "warn"):
        server = start_serverlite(
            "--template", str(TEMPLATE), "--iam", mode, data_dir=tmp_path / mode
        ).wait_ready()
        assert json.loads((server.data_dir / "iam" / "credentials.json").read_text())["mode"] == mode
        assert server.request("PUT", TABLE, HEADERS) == (200, "Table created")
        assert server.request("PUT", ITEM, {**HEADERS, **SONG, "albumtitle": "A"})[0] == 200
        assert server.request("POST", ITEM, {**HEADERS, **SONG, "albumtitle": "B"}) == (200, "Item updated")
        server.stop()
