"""The web console in headless Chromium (Debian's `chromium`, driven by Playwright): issue 7's acceptance.

Screenshots of every page at 1280x800 and 390x844 go to `$SERVERLITE_SCREENSHOTS` (default: a pytest
temporary folder), to look at the layout.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.functional.console.stack import ConsoleStack

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
# Assertions wait up to 30 s (Playwright's default is 5 s): a loaded machine may need that for a cold start.
expect.set_options(timeout=30_000)

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling Google's hosts, which this closed
# network refuses (shared machines note, "Known to work").
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 390, "height": 844}
TABLE_PATH = "/DemoResourceMusic/DemoResourceMusicTable"
ITEM_PATH = "/DemoResourceMusic/DemoResourceMusicItem"

# No skip when chromium is missing: `make test` installs it (`make browser`), and a browser test that
# cannot run must fail, not pass silently.


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = ConsoleStack(tmp_path_factory.mktemp("console-e2e") / "data").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("SERVERLITE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page(browser, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def _no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def test_the_tutorial_in_the_console(stack, browser, shots):
    page = _page(browser, WIDE)
    page.goto(stack.page())
    expect(page.get_by_role("heading", name="Local stack")).to_be_visible()
    page.screenshot(path=shots / "wide-home.png")

    # The Music API tree with both resources.
    page.get_by_role("navigation", name="Services").get_by_role("link", name="API Gateway").click()
    page.get_by_role("link", name="DemoRESTAPI").click()
    tree = page.get_by_role("list", name="Resource tree")
    expect(tree.get_by_role("link", name="/DemoResourceMusicTable", exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name="/DemoResourceMusicItem", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Stage Test")).to_be_visible()
    page.screenshot(path=shots / "wide-api-stages.png", full_page=True)

    # The method Test: PUT the table with header table:Music.
    tree.get_by_role("link", name=f"PUT {TABLE_PATH}").click()
    expect(page.get_by_text("AWS_PROXY (Lambda proxy)")).to_be_visible()
    page.get_by_label("Headers").fill("table:Music")
    page.get_by_role("button", name="Test").click()
    expect(page.get_by_test_id("test-status")).to_have_text("200")
    expect(page.get_by_test_id("test-body")).to_have_text('"Table created"')
    expect(page.get_by_test_id("test-log")).to_contain_text("Method completed with status: 200")
    page.screenshot(path=shots / "wide-api-method-test.png", full_page=True)

    # Table Music on the tables page.
    page.get_by_role("link", name="DynamoDB").click()
    expect(page.get_by_role("link", name="Music", exact=True)).to_be_visible()
    page.screenshot(path=shots / "wide-tables.png", full_page=True)

    # Delete it there, so that the tutorial's Lambda test event can create it again.
    page.get_by_role("button", name="Delete table Music").click()
    expect(page.get_by_role("link", name="Music", exact=True)).to_have_count(0)

    # The DemoCreateTable test event, with its REPORT line.
    page.get_by_role("link", name="Lambda").click()
    page.get_by_role("link", name="DemoCreateTable").click()
    expect(page.get_by_label("Saved event")).to_have_value("DemoEventCreateTable")
    expect(page.get_by_label("Event JSON")).to_have_value(re.compile(r'"table": "Music"'))
    page.get_by_role("button", name="Test", exact=True).click()
    expect(page.get_by_test_id("invoke-status")).to_have_text("succeeded")
    expect(page.get_by_test_id("invoke-log")).to_contain_text("REPORT RequestId:")
    expect(page.get_by_test_id("invoke-payload")).to_contain_text("Table created")
    expect(page.get_by_role("region", name="Invocation list").get_by_text("console")).to_be_visible()
    page.screenshot(path=shots / "wide-function.png", full_page=True)
    page.get_by_role("link", name="DynamoDB").click()
    expect(page.get_by_role("link", name="Music", exact=True)).to_be_visible()

    # Add an item and find it in the item browser.
    page.get_by_role("link", name="Music", exact=True).click()
    page.get_by_role("button", name="Create item").first.click()
    page.get_by_label("Item (DynamoDB JSON)").fill(
        '{"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"},'
        ' "AlbumTitle": {"S": "Somewhat Famous"}}'
    )
    page.get_by_role("form", name="Create item").get_by_role("button", name="Create item").click()
    items = page.get_by_role("region", name="Item list")
    expect(items.get_by_role("cell", name="Call Me Today", exact=True)).to_be_visible()
    expect(items.get_by_role("cell", name="Somewhat Famous", exact=True)).to_be_visible()
    page.screenshot(path=shots / "wide-items.png", full_page=True)

    # Edit it, query for it, delete it.
    items.get_by_role("button", name="Edit item No One You Know / Call Me Today").click()
    editor = page.get_by_label("Item (DynamoDB JSON)")
    editor.fill(editor.input_value().replace("Somewhat Famous", "Louder Than Ever"))
    page.get_by_role("button", name="Save item").click()
    expect(items.get_by_role("cell", name="Louder Than Ever", exact=True)).to_be_visible()
    page.get_by_label("Query").check()
    page.get_by_label("Partition key value").fill("No One You Know")
    page.get_by_label("Sort key value").fill("Call")
    page.get_by_label("Sort key condition").select_option("begins_with")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("1 item(s) returned")).to_be_visible()
    page.get_by_label("Partition key value").fill("Nobody")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("0 item(s) returned")).to_be_visible()
    page.get_by_label("Scan").check()
    page.get_by_label("Filter expression").fill("AlbumTitle = :a")
    page.get_by_label("Expression attribute values").fill('{":a": {"S": "Louder Than Ever"}}')
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("1 item(s) returned, 1 scanned")).to_be_visible()
    items.get_by_role("button", name="Delete item No One You Know / Call Me Today").click()
    expect(items.get_by_text("No items match.")).to_be_visible()

    # The access log line of a request through the stage, in the log view, with a filter.
    status, body = stack.gateway(
        "PUT",
        "/Test" + ITEM_PATH,
        {"table": "Music", "artist": "Acme Band", "songtitle": "Hello", "albumtitle": "First"},
    )
    assert (status, body) == (200, "Item added")
    page.get_by_role("link", name="Logs").click()
    page.get_by_role("link", name="DemoRESTAPI", exact=True).click()
    page.get_by_label("Filter pattern").fill('"PUT"')
    page.get_by_role("button", name="Search").click()
    events = page.get_by_role("region", name="Event list")
    expect(events).to_contain_text('"resourcePath":"/DemoResourceMusic/DemoResourceMusicItem"')
    expect(events).to_contain_text('"status":"200"')
    page.screenshot(path=shots / "wide-logs.png", full_page=True)
    _no_horizontal_overflow(page)
    page.context.close()


def _ensure_table(stack, name: str) -> None:
    status, body = stack.call(
        "POST",
        "/api/dynamodb/CreateTable",
        {
            "TableName": name,
            "KeySchema": [{"AttributeName": "Artist", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "Artist", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    assert status == 200 or body["error"]["type"] == "ResourceInUseException", body
    stack.call("POST", "/api/dynamodb/PutItem", {"TableName": name, "Item": {"Artist": {"S": "Narrow"}}})


def test_every_page_fits_a_phone(stack, browser, shots):
    _ensure_table(stack, "Songs")
    stack.call("POST", "/api/functions/DemoHandleItem/invoke", b'{"httpMethod": "GET"}')
    page = _page(browser, NARROW)
    api_id = stack.call("GET", "/api/apis")[1]["apis"][0]["id"]
    pages = {
        "home": "#/",
        "apis": "#/apis",
        "api-stages": f"#/apis/{api_id}",
        "api-method": f"#/apis/{api_id}",
        "functions": "#/functions",
        "function": "#/functions/DemoHandleItem",
        "tables": "#/tables",
        "items": "#/tables/Songs",
        "log-groups": "#/logs",
        "logs": "#/logs/%2Faws%2Flambda%2FDemoHandleItem",
    }
    for name, fragment in pages.items():
        page.goto(stack.page(fragment))
        expect(page.locator("main h1")).to_be_visible()
        if name == "api-method":
            page.get_by_role("link", name=f"PUT {TABLE_PATH}").click()
            expect(page.get_by_role("heading", name="Test")).to_be_visible()
        if name == "items":
            expect(
                page.get_by_role("region", name="Item list").get_by_role("cell", name="Narrow", exact=True)
            ).to_be_visible()
        if name == "logs":
            expect(page.get_by_role("region", name="Event list")).to_contain_text("REPORT RequestId")
        _no_horizontal_overflow(page)
        page.screenshot(path=shots / f"narrow-{name}.png", full_page=True)
    page.context.close()


def test_keyboard_only_and_labelled_fields(stack, browser):
    page = _page(browser, WIDE)
    page.goto(stack.page())
    expect(page.get_by_role("heading", name="Local stack")).to_be_visible()
    # Tab order starts with the skip link, then the brand, then the service navigation.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("navigation", name="Services").get_by_role("link", name="API Gateway")
    ).to_be_focused()
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("navigation", name="Services").get_by_role("link", name="HTTP APIs")
    ).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Functions")).to_be_visible()
    # Reach the function's Test button with Tab alone and run it with Enter.
    page.get_by_role("link", name="DemoDeleteTable").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="DemoDeleteTable")).to_be_visible()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Test":
            break
    expect(page.get_by_role("button", name="Test", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("invoke-log")).to_contain_text("REPORT RequestId:")

    unlabelled = """() => [...document.querySelectorAll('input, select, textarea, button')]
        .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                        && !el.textContent.trim())
        .map((el) => el.outerHTML)"""
    api_id = stack.call("GET", "/api/apis")[1]["apis"][0]["id"]
    _ensure_table(stack, "Songs")
    for fragment in (
        "#/functions/DemoDeleteTable",
        f"#/apis/{api_id}",
        "#/tables",
        "#/tables/Songs",
        "#/logs/DemoRESTAPI",
    ):
        page.goto(stack.page(fragment))
        expect(page.locator("main h1")).to_be_visible()
        if fragment.startswith("#/apis"):
            page.get_by_role("link", name=f"GET {ITEM_PATH}").click()
            expect(page.get_by_label("Query strings")).to_be_visible()
        assert page.evaluate(unlabelled) == [], fragment
    page.context.close()


def test_live_tail_shows_new_events(stack, browser):
    page = _page(browser, WIDE)
    page.goto(stack.page("#/logs/DemoRESTAPI"))
    page.get_by_label("Filter pattern").fill("404")
    page.get_by_role("button", name="Start live tail").click()
    expect(page.get_by_role("button", name="Stop live tail")).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(300)
    status, _ = stack.gateway(
        "GET", "/Test" + ITEM_PATH, {"table": "Tailed", "artist": "a", "songtitle": "s"}
    )
    assert status == 404
    expect(page.get_by_role("region", name="Event list")).to_contain_text('"status":"404"')
    page.get_by_role("button", name="Stop live tail").click()
    page.context.close()
