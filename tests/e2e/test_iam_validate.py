"""Issue 10: `serverlite start --record-access` records what each function's calls used, and
`serverlite validate` names what the role lacks, with the statement to add.

examples/iam_denied/template.yaml gives DemoHandleItem PutItem, GetItem and DeleteItem but not UpdateItem:
after the tutorial's item requests (POST denied), validate must name `dynamodb:UpdateItem` on the table
for DemoHandleItem only, print the exact statement, and exit 1. The template itself is cfn-lint clean.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.e2e.conftest import REPO

TEMPLATE = REPO / "examples" / "iam_denied" / "template.yaml"
ITEM = "/Test/DemoResourceMusic/DemoResourceMusicItem"
TABLE = "/Test/DemoResourceMusic/DemoResourceMusicTable"
HEADERS = {"content-type": "application/json", "table": "IamMusic"}
SONG = {"artist": "No One You Know", "songtitle": "Call Me Today"}
ROLE = "arn:aws:iam::123456789012:role/serverlite-DemoHandleItemRole"
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/IamMusic"


def _validate(data_dir) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "serverlite",
            "validate",
            "--template",
            str(TEMPLATE),
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_record_then_validate_names_the_missing_update_item(start_serverlite, tmp_path):
    data_dir = tmp_path / "data"
    server = start_serverlite("--template", str(TEMPLATE), "--record-access", data_dir=data_dir).wait_ready()
    assert json.loads((data_dir / "iam" / "credentials.json").read_text())["record"] is True
    assert server.request("PUT", TABLE, HEADERS) == (200, "Table created")
    assert server.request("PUT", ITEM, {**HEADERS, **SONG, "albumtitle": "Somewhat Famous"}) == (
        200,
        "Item added",
    )
    assert server.request("POST", ITEM, {**HEADERS, **SONG, "albumtitle": "Louder Than Ever"})[0] == 500
    assert server.request("GET", ITEM, {**HEADERS, **SONG})[0] == 200
    assert server.request("POST", ITEM, {**HEADERS, **SONG, "albumtitle": "Again"})[0] == 500
    assert server.stop() == 0

    records = [json.loads(line) for line in (data_dir / "iam" / "access.jsonl").read_text().splitlines()]
    assert records == [
        {
            "function": "DemoCreateTable",
            "action": "dynamodb:CreateTable",
            "resource": TABLE_ARN,
            "allowed": True,
        },
        {"function": "DemoHandleItem", "action": "dynamodb:PutItem", "resource": TABLE_ARN, "allowed": True},
        {
            "function": "DemoHandleItem",
            "action": "dynamodb:UpdateItem",
            "resource": TABLE_ARN,
            "allowed": False,
        },
        {"function": "DemoHandleItem", "action": "dynamodb:GetItem", "resource": TABLE_ARN, "allowed": True},
    ]  # each distinct record once, in the order first seen

    done = _validate(data_dir)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "cfn-lint: no findings",
        f"DemoHandleItem (role {ROLE}): 1 recorded action(s) not allowed",
        f"  dynamodb:UpdateItem on {TABLE_ARN}: no statement allows it",
        "  Add this statement to the role's policy:",
        "    {",
        '      "Effect": "Allow",',
        '      "Action": "dynamodb:UpdateItem",',
        f'      "Resource": "{TABLE_ARN}"',
        "    }",
    ]


def test_validate_passes_once_the_role_allows_what_was_recorded(tmp_path):
    """The Music API's own template allows UpdateItem: the same record is not reported, exit 0."""
    access = tmp_path / "data" / "iam" / "access.jsonl"
    access.parent.mkdir(parents=True)
    record = {
        "function": "DemoHandleItem",
        "action": "dynamodb:UpdateItem",
        "resource": TABLE_ARN,
        "allowed": False,
    }
    access.write_text(json.dumps(record) + "\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "serverlite",
            "validate",
            "--template",
            str(REPO / "template.yaml"),
            "--data-dir",
            str(tmp_path / "data"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert (done.returncode, done.stdout.splitlines()) == (
        0,
        ["cfn-lint: no findings", "IAM: the roles allow every recorded call (1 function(s) recorded)"],
    ), done.stderr


def test_validate_without_a_recording_says_how_to_make_one(tmp_path):
    done = _validate(tmp_path / "empty")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == (
        f"{tmp_path / 'empty' / 'iam' / 'access.jsonl'}: nothing recorded; run `serverlite start --record-access` first"
    )


def test_iam_off_still_records_and_rejects_nothing(start_serverlite, tmp_path):
    data_dir = tmp_path / "off"
    server = start_serverlite(
        "--template", str(TEMPLATE), "--iam", "off", "--record-access", data_dir=data_dir
    ).wait_ready()
    assert server.request("PUT", TABLE, HEADERS) == (200, "Table created")
    assert server.request("PUT", ITEM, {**HEADERS, **SONG, "albumtitle": "A"})[0] == 200
    assert server.request("POST", ITEM, {**HEADERS, **SONG, "albumtitle": "B"}) == (200, "Item updated")
    assert server.stop() == 0
    lines = (data_dir / "iam" / "access.jsonl").read_text().splitlines()
    assert (
        json.dumps(
            {
                "function": "DemoHandleItem",
                "action": "dynamodb:UpdateItem",
                "resource": TABLE_ARN,
                "allowed": False,
            },
            separators=(",", ":"),
        )
        in lines
    )
    assert _validate(data_dir).returncode == 1
