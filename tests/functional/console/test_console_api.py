"""The console's JSON API over a real stack: the Music API's template, workers, DynamoDB and logs."""

from __future__ import annotations

import json
import time
import urllib.request

from serverlite.console.guard import TOKEN_HEADER

TABLE_PATH = "/DemoResourceMusic/DemoResourceMusicTable"


def _api_id(stack) -> str:
    return stack.call("GET", "/api/apis")[1]["apis"][0]["id"]


def test_index_and_assets_are_served_from_the_package(stack):
    with urllib.request.urlopen(stack.url + "/", timeout=10) as response:
        page = response.read().decode()
    assert '<script type="module" src="/static/js/app.js"></script>' in page
    assert "http://" not in page.replace(stack.url, "") and "https://" not in page
    for asset in ("/static/console.css", "/static/js/app.js", "/static/js/tables.js"):
        with urllib.request.urlopen(stack.url + asset, timeout=10) as response:
            assert response.status == 200


def test_the_music_api_tree(stack):
    status, body = stack.call("GET", "/api/apis")
    assert status == 200
    (api,) = body["apis"]
    assert (api["name"], api["endpointType"]) == ("DemoRESTAPI", "REGIONAL")
    methods = {r["path"]: [m["httpMethod"] for m in r["methods"]] for r in api["resources"]}
    assert methods["/DemoResourceMusic/DemoResourceMusicTable"] == ["DELETE", "PUT"]
    assert methods["/DemoResourceMusic/DemoResourceMusicItem"] == ["DELETE", "GET", "POST", "PUT"]
    put = next(r for r in api["resources"] if r["path"] == TABLE_PATH)["methods"][1]
    assert put["integration"]["type"] == "AWS_PROXY" and put["integration"]["function"] == "DemoCreateTable"
    test = next(s for s in api["stages"] if s["name"] == "Test")
    assert test["accessLogGroup"] == "DemoRESTAPI"
    assert test["invokeUrl"] == stack.gateway_url + "/Test"


def test_method_test_creates_the_table(stack):
    request = {"method": "PUT", "path": TABLE_PATH, "headers": "table:Tested\n", "query": "", "body": ""}
    status, result = stack.call("POST", f"/api/apis/{_api_id(stack)}/test-invoke", request)
    assert status == 200
    assert (result["status"], result["body"]) == (200, '"Table created"')
    assert result["log"][0].startswith("Execution log for request ")
    assert result["log"][-1].endswith("Method completed with status: 200")
    tables = [t["TableName"] for t in stack.call("GET", "/api/tables")[1]["tables"]]
    assert "Tested" in tables


def test_method_test_without_a_method_answers_like_the_console(stack):
    status, result = stack.call(
        "POST", f"/api/apis/{_api_id(stack)}/test-invoke", {"method": "PATCH", "path": "/nope"}
    )
    assert status == 200
    assert result["status"] == 403 and "Missing Authentication Token" in result["body"]


def test_method_test_rejects_a_bad_header_line(stack):
    status, body = stack.call(
        "POST",
        f"/api/apis/{_api_id(stack)}/test-invoke",
        {"method": "PUT", "path": TABLE_PATH, "headers": "no colon"},
    )
    assert status == 400
    assert body["error"]["message"] == "header line 1 is not name:value"


def test_functions_with_the_tutorial_preset_and_recent_invocations(stack):
    functions = {f["name"]: f for f in stack.call("GET", "/api/functions")[1]["functions"]}
    create = functions["DemoCreateTable"]
    assert (create["runtime"], create["handler"], create["memorySize"], create["timeout"]) == (
        "python3.12",
        "create_table.lambda_handler",
        128,
        10,
    )
    events = stack.call("GET", "/api/functions/DemoCreateTable/events")[1]["events"]
    assert events[0] == {"name": "DemoEventCreateTable", "event": {"headers": {"table": "Music"}}}

    status, result = stack.call(
        "POST", "/api/functions/DemoCreateTable/invoke", json.dumps(events[0]["event"]).encode()
    )
    assert status == 200 and result["status"] == "Succeeded"
    assert json.loads(result["payload"])["statusCode"] in (200, 409)
    assert result["log"][0].startswith("START RequestId: " + result["requestId"])
    assert result["log"][-1].startswith("REPORT RequestId: " + result["requestId"])
    assert stack.call("GET", "/api/functions")[1]["functions"][0]["warm"] >= 1
    recent = stack.call("GET", "/api/invocations?function=DemoCreateTable")[1]["invocations"]
    assert recent[0]["requestId"] == result["requestId"] and recent[0]["source"] == "console"


def test_saved_events_and_bad_events(stack):
    status, body = stack.call(
        "PUT", "/api/functions/DemoHandleItem/events/ReadOne", {"event": {"httpMethod": "GET"}}
    )
    assert status == 200 and body["events"] == [{"name": "ReadOne", "event": {"httpMethod": "GET"}}]
    status, body = stack.call("POST", "/api/functions/DemoHandleItem/invoke", b"{not json")
    assert status == 400 and body["error"]["message"].startswith("the event is not JSON")
    status, body = stack.call("POST", "/api/functions/Nope/invoke", b"{}")
    assert status == 404 and body["error"]["message"] == "no function Nope"


def test_item_round_trip_through_the_dynamodb_proxy(stack):
    create = {
        "TableName": "Proxied",
        "KeySchema": [{"AttributeName": "Artist", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "Artist", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    assert stack.call("POST", "/api/dynamodb/CreateTable", create)[0] == 200
    item = {"Artist": {"S": "Acme"}, "Year": {"N": "1999"}}
    assert stack.call("POST", "/api/dynamodb/PutItem", {"TableName": "Proxied", "Item": item}) == (200, {})
    status, body = stack.call("POST", "/api/dynamodb/Scan", {"TableName": "Proxied"})
    assert status == 200 and body["Items"] == [item]
    described = next(t for t in stack.call("GET", "/api/tables")[1]["tables"] if t["TableName"] == "Proxied")
    assert described["ItemCount"] == 1
    status, body = stack.call("POST", "/api/dynamodb/GetItem", {"TableName": "Nothing", "Key": item})
    assert status == 400 and body["error"]["type"] == "ResourceNotFoundException"
    status, body = stack.call("POST", "/api/dynamodb/UpdateTable", {"TableName": "Proxied"})
    assert status == 404
    assert stack.call("POST", "/api/dynamodb/DeleteTable", {"TableName": "Proxied"})[0] == 200


def test_logs_groups_streams_and_filter(stack):
    status, _ = stack.gateway(
        "GET",
        "/Test/DemoResourceMusic/DemoResourceMusicItem",
        {"table": "Nope", "artist": "a", "songtitle": "s"},
    )
    assert status == 404
    deadline = time.monotonic() + 10
    events: list = []
    while time.monotonic() < deadline and not events:
        status, body = stack.call("GET", "/api/logs/events?group=DemoRESTAPI&filter=%22404%22")
        events = body.get("events", []) if status == 200 else []
        time.sleep(0.1)
    assert json.loads(events[-1]["message"])["status"] == "404"
    recent = stack.call("GET", "/api/invocations?function=DemoHandleItem")[1]["invocations"]
    assert recent[0]["source"] == "api" and recent[0]["function"] == "DemoHandleItem"
    groups = [g["name"] for g in stack.call("GET", "/api/logs/groups")[1]["groups"]]
    assert "DemoRESTAPI" in groups and "/aws/lambda/DemoHandleItem" in groups
    streams = stack.call("GET", "/api/logs/streams?group=DemoRESTAPI")[1]["streams"]
    assert streams and streams[0]["lastEventTimestamp"] is not None
    assert stack.call("GET", "/api/logs/events?group=Nothing")[0] == 404
    status, body = stack.call("GET", "/api/logs/events?group=DemoRESTAPI&filter=%7Bbroken")
    assert status == 400


def test_live_tail_streams_new_events(stack):
    request = urllib.request.Request(
        stack.url + "/api/logs/tail?group=DemoRESTAPI&filter=%22404%22", headers={TOKEN_HEADER: stack.token}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/event-stream"
        assert response.readline() == b": tailing\n"
        stack.gateway(
            "GET",
            "/Test/DemoResourceMusic/DemoResourceMusicItem",
            {"table": "Tailed", "artist": "a", "songtitle": "s"},
        )
        response.readline()
        line = response.readline()
    assert line.startswith(b"data: ")
    assert json.loads(json.loads(line[6:])["message"])["status"] == "404"


def test_requests_not_from_the_console_page_do_nothing(stack):
    """Issue 15: what a cross-site form, a cross-site fetch and a DNS-rebinding page could send."""
    invoke = "/api/functions/DemoCreateTable/invoke"
    before = stack.call("GET", "/api/invocations?function=DemoCreateTable")[1]["invocations"]
    event = b'{"headers": {"table": "CrossSite"}}'
    attempts = [
        # The form of the report: no token, text/plain, another origin.
        {TOKEN_HEADER: "", "Content-Type": "text/plain", "Origin": "http://evil.example"},
        # The token alone is not enough from another origin, nor without JSON.
        {"Origin": "http://127.0.0.1:5173"},
        {"Content-Type": "text/plain"},
        # A page whose name was rebound to 127.0.0.1.
        {"Host": "evil.example:" + stack.url.rsplit(":", 1)[1]},
    ]
    answers = [stack.call("POST", invoke, event, headers) for headers in attempts]
    assert [(status, body["error"]["type"]) for status, body in answers] == [
        (403, "AccessDeniedException"),
        (403, "AccessDeniedException"),
        (415, "UnsupportedMediaType"),
        (403, "AccessDeniedException"),
    ]
    assert stack.call("GET", "/api/invocations?function=DemoCreateTable")[1]["invocations"] == before
    tables = [t["TableName"] for t in stack.call("GET", "/api/tables")[1]["tables"]]
    assert "CrossSite" not in tables
    # The same request from the console's page runs.
    status, result = stack.call("POST", invoke, event)
    assert (status, result["status"]) == (200, "Succeeded")
