"""Issue 15's acceptance in Chromium: a page of another origin cannot use the console or DynamoDB.

The attacker's page is served by a server of its own on another local port, under two origins:
`http://127.0.0.1:PORT` and `http://evil.test:PORT` (Chromium resolves `evil.test` to 127.0.0.1, as a
DNS-rebinding name would be). It tries what the issue's report did: forms and `fetch`es to the console's
invoke and DynamoDB routes, and `fetch`es of Scan and DeleteTable to the DynamoDB endpoint. Each is
refused, and the tables, their items and the invocations are unchanged afterwards; the console keeps
working from its own origin.
"""

from __future__ import annotations

import http.server
import json
import threading
import typing as t

import pytest

from tests.e2e.test_console import CHROMIUM, CHROMIUM_ARGS
from tests.functional.console.stack import ConsoleStack

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

KEPT = "Kept"
FETCH_BLOCKED = "failed: TypeError: Failed to fetch"
ATTACK_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>A page on the web</title></head>
<body>
<h1>Nothing to see</h1>
<form name="invoke" method="POST" enctype="text/plain" action="{console}/api/functions/DemoCreateTable/invoke">
  <input type="hidden" name='{{"headers": {{"table": "Stolen"}}, "x": "' value='"}}'>
</form>
<form name="deleteTable" method="POST" enctype="text/plain" action="{console}/api/dynamodb/DeleteTable">
  <input type="hidden" name='{{"TableName": "{kept}", "x": "' value='"}}'>
</form>
<script>
async function attempt(url, init) {{
  try {{
    const response = await fetch(url, init);
    return `answered ${{response.status}} ${{response.type}}: ${{await response.text()}}`;
  }} catch (error) {{
    return `failed: ${{error}}`;
  }}
}}
</script>
</body></html>
"""


class _AttackerHandler(http.server.BaseHTTPRequestHandler):
    page = b""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, format: str, *args: t.Any) -> None:
        pass


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = ConsoleStack(tmp_path_factory.mktemp("cross-site") / "data").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def attacker(stack) -> t.Iterator[int]:
    """The attacker's web server on a port of its own; returns the port."""
    handler = type(
        "Handler", (_AttackerHandler,), {"page": ATTACK_PAGE.format(console=stack.url, kept=KEPT).encode()}
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.test 127.0.0.1"],
        )
        yield chromium
        chromium.close()


def _page(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    return context.new_page()


def _ensure_kept(stack) -> list[dict[str, t.Any]]:
    """Table Kept with its one item; returns DemoCreateTable's recent invocations so far."""
    status, body = stack.call(
        "POST",
        "/api/dynamodb/CreateTable",
        {
            "TableName": KEPT,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    assert status == 200 or body["error"]["type"] == "ResourceInUseException", body
    stack.call("POST", "/api/dynamodb/PutItem", {"TableName": KEPT, "Item": {"id": {"S": "kept"}}})
    return _invocations(stack)


def _invocations(stack) -> list[dict[str, t.Any]]:
    return stack.call("GET", "/api/invocations?function=DemoCreateTable")[1]["invocations"]


def _assert_unchanged(stack, invocations: list[dict[str, t.Any]]) -> None:
    tables = [table["TableName"] for table in stack.call("GET", "/api/tables")[1]["tables"]]
    assert KEPT in tables and "Stolen" not in tables
    status, scanned = stack.call("POST", "/api/dynamodb/Scan", {"TableName": KEPT})
    assert (status, scanned["Items"]) == (200, [{"id": {"S": "kept"}}])
    assert _invocations(stack) == invocations


def _dynamodb(target: str, request: dict[str, t.Any]) -> dict[str, t.Any]:
    return {
        "method": "POST",
        "headers": {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"DynamoDB_20120810.{target}",
        },
        "body": json.dumps(request),
    }


@pytest.mark.parametrize("name", ["127.0.0.1", "evil.test"])
def test_a_page_of_another_origin_is_refused(stack, attacker, browser, name):
    invocations = _ensure_kept(stack)
    page = _page(browser)
    origin = f"http://{name}:{attacker}"
    refused = f"Origin '{origin}' is not the console's own: pages of other origins cannot use the console"

    # Forms: the browser sends them anywhere, with no preflight; the console refuses them.
    for form, route in (
        ("invoke", "functions/DemoCreateTable/invoke"),
        ("deleteTable", "dynamodb/DeleteTable"),
    ):
        page.goto(origin + "/")
        with page.expect_navigation():
            page.evaluate(f"document.forms.{form}.submit()")
        assert page.url == f"{stack.url}/api/{route}"
        expect(page.locator("body")).to_contain_text(refused)

    # fetch: a "simple" request goes out (and is refused: the page cannot even tell), the rest are
    # stopped at their preflight.
    page.goto(origin + "/")
    console, dynamodb = stack.url, stack.dynamodb_url
    attempts = {
        "console invoke": (
            f"{console}/api/functions/DemoCreateTable/invoke",
            {"method": "POST", "body": '{"headers": {"table": "Stolen"}}'},
        ),
        "console DeleteTable, no-cors": (
            f"{console}/api/dynamodb/DeleteTable",
            {"method": "POST", "mode": "no-cors", "body": json.dumps({"TableName": KEPT})},
        ),
        "console Scan, as the page sends it": (
            f"{console}/api/dynamodb/Scan",
            {
                "method": "POST",
                "headers": {"Content-Type": "application/json", "X-Serverlite-Token": "guessed"},
                "body": json.dumps({"TableName": KEPT}),
            },
        ),
        "console tables": (f"{console}/api/tables", {}),
        "DynamoDB Scan": (dynamodb, _dynamodb("Scan", {"TableName": KEPT})),
        "DynamoDB DeleteTable": (dynamodb, _dynamodb("DeleteTable", {"TableName": KEPT})),
    }
    results = {
        what: page.evaluate("([url, init]) => attempt(url, init)", [url, init])
        for what, (url, init) in attempts.items()
    }
    assert results == {
        "console invoke": FETCH_BLOCKED,
        "console DeleteTable, no-cors": "answered 0 opaque: ",
        "console Scan, as the page sends it": FETCH_BLOCKED,
        "console tables": FETCH_BLOCKED,
        "DynamoDB Scan": FETCH_BLOCKED,
        "DynamoDB DeleteTable": FETCH_BLOCKED,
    }
    page.context.close()
    _assert_unchanged(stack, invocations)


def test_a_rebinding_page_reads_only_refusals(stack, browser):
    """The second half of DNS rebinding: the page's own name now points at 127.0.0.1, so its requests
    are same-origin and it could read the answers; the Host they carry is refused."""
    invocations = _ensure_kept(stack)
    page = _page(browser)
    for url in (stack.url, stack.dynamodb_url):
        port = url.rsplit(":", 1)[1]
        response = page.goto(f"http://evil.test:{port}/")
        assert response is not None and response.status == 403
        expect(page.locator("body")).to_contain_text(f"Host 'evil.test:{port}' is not allowed")
    # Same-origin now: the page may send anything and read the answer, even with the console's token.
    port = stack.url.rsplit(":", 1)[1]
    page.goto(f"http://evil.test:{port}/")
    answer = page.evaluate(
        """async ([token, table]) => {
            const response = await fetch("/api/dynamodb/DeleteTable", {method: "POST",
                headers: {"Content-Type": "application/json", "X-Serverlite-Token": token},
                body: JSON.stringify({TableName: table})});
            return [response.status, (await response.json()).error.type];
        }""",
        [stack.token, KEPT],
    )
    assert answer == [403, "AccessDeniedException"]
    port = stack.dynamodb_url.rsplit(":", 1)[1]
    page.goto(f"http://evil.test:{port}/")
    answer = page.evaluate(
        """async (request) => {
            const response = await fetch("/", request);
            return [response.status, (await response.json()).__type];
        }""",
        _dynamodb("DeleteTable", {"TableName": KEPT}),
    )
    assert answer == [403, "com.amazon.coral.service#AccessDeniedException"]
    page.context.close()
    _assert_unchanged(stack, invocations)


def test_the_console_keeps_working_from_its_own_origin(stack, browser):
    _ensure_kept(stack)
    page = _page(browser)
    page.goto(stack.page("#/tables"))
    expect(page.get_by_role("link", name=KEPT, exact=True)).to_be_visible()
    assert "token" not in page.url  # kept by the page, out of the address bar (and of any Referer)
    page.get_by_role("link", name="Lambda").click()
    page.get_by_role("link", name="DemoCreateTable").click()
    page.get_by_role("button", name="Test", exact=True).click()
    expect(page.get_by_test_id("invoke-status")).to_have_text("succeeded")
    expect(page.get_by_test_id("invoke-payload")).to_contain_text("Table created")
    # A reload finds the token where the page kept it.
    page.reload()
    expect(page.get_by_role("heading", name="DemoCreateTable")).to_be_visible()
    page.context.close()
