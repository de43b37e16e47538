"""Role sessions are derived from role ARN and session name, so runtime and composition root agree."""

from serverlite.iam.sessions import role_session

ROLE = "arn:aws:iam::123456789012:role/service/serverlite-DemoHandleItemRole"


def test_session_is_deterministic_and_temporary_looking():
    session = role_session(ROLE, "DemoHandleItem")
    assert session == role_session(ROLE, "DemoHandleItem")
    assert session.access_key_id.startswith("ASIA") and len(session.access_key_id) == 20
    assert session.access_key_id != role_session(ROLE, "Other").access_key_id


def test_assumed_role_arn_drops_the_role_path():
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html (assumed-role ARNs)
    assert role_session(ROLE, "DemoHandleItem").arn == (
        "arn:aws:sts::123456789012:assumed-role/serverlite-DemoHandleItemRole/DemoHandleItem"
    )
