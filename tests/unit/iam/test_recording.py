"""Recorded access and what a role lacks for it (`serverlite validate`)."""

from __future__ import annotations

import json

from serverlite.iam.policy import Policy
from serverlite.iam.recording import AccessRecord, AccessRecorder, missing_permissions, read_records, report

ROLE = "arn:aws:iam::123456789012:role/ItemRole"
MUSIC = "arn:aws:dynamodb:us-east-1:123456789012:table/Music"
BOOKS = "arn:aws:dynamodb:us-east-1:123456789012:table/Books"
READ_ONLY = Policy.parse(
    "read", {"Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]}
)
NO_BOOKS = Policy.parse(
    "no-books", {"Statement": {"Effect": "Deny", "Action": "dynamodb:*", "Resource": BOOKS}}
)


def test_recorder_appends_each_distinct_record_once(tmp_path):
    path = tmp_path / "iam" / "access.jsonl"
    recorder = AccessRecorder(path)
    first = AccessRecord("F", "dynamodb:GetItem", MUSIC, True)
    for record in (first, first, AccessRecord("F", "dynamodb:PutItem", MUSIC, False), first):
        recorder.record(record)
    assert path.read_text() == (
        '{"function":"F","action":"dynamodb:GetItem","resource":"' + MUSIC + '","allowed":true}\n'
        '{"function":"F","action":"dynamodb:PutItem","resource":"' + MUSIC + '","allowed":false}\n'
    )


def test_recorder_reports_a_failed_write_and_carries_on(tmp_path):
    (tmp_path / "iam").write_text("a file where the folder should be")
    warnings: list[str] = []
    AccessRecorder(tmp_path / "iam" / "access.jsonl", warnings.append).record(
        AccessRecord("F", "a", "r", True)
    )
    assert len(warnings) == 1 and warnings[0].startswith("[iam] cannot record access to ")


def test_read_records_skips_lines_that_are_not_records_and_duplicates(tmp_path):
    path = tmp_path / "access.jsonl"
    line = json.dumps({"function": "F", "action": "dynamodb:GetItem", "resource": MUSIC, "allowed": True})
    path.write_text(f"{line}\nnot json\n{{}}\n{line}\n")
    assert read_records(path) == [AccessRecord("F", "dynamodb:GetItem", MUSIC, True)]


def test_missing_groups_actions_per_resource_and_names_explicit_denials():
    records = [
        AccessRecord("F", "dynamodb:GetItem", MUSIC, True),
        AccessRecord("F", "dynamodb:UpdateItem", MUSIC, False),
        AccessRecord("F", "dynamodb:PutItem", MUSIC, False),
        AccessRecord("F", "dynamodb:GetItem", BOOKS, False),
        AccessRecord("Gone", "dynamodb:PutItem", MUSIC, False),  # no longer in the template: skipped
    ]
    missing = missing_permissions(records, {"F": (ROLE, [READ_ONLY, NO_BOOKS])})
    assert len(missing) == 1
    assert missing[0].statements() == [
        {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"], "Resource": MUSIC}
    ]
    assert missing[0].denied == {("dynamodb:GetItem", BOOKS): "no-books"}
    assert report(missing, 2)[:4] == [
        f"F (role {ROLE}): 3 recorded action(s) not allowed",
        f"  dynamodb:GetItem on {BOOKS}: explicitly denied by no-books; remove or narrow that Deny",
        f"  dynamodb:PutItem on {MUSIC}: no statement allows it",
        f"  dynamodb:UpdateItem on {MUSIC}: no statement allows it",
    ]


def test_a_role_that_allows_everything_recorded_reports_nothing():
    records = [AccessRecord("F", "dynamodb:GetItem", MUSIC, False)]  # denied then, allowed by the role now
    assert missing_permissions(records, {"F": (ROLE, [READ_ONLY])}) == []
    assert report([], 1) == ["IAM: the roles allow every recorded call (1 function(s) recorded)"]
