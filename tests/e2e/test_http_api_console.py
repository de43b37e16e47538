"""The console's HTTP API pages in headless Chromium, over `serverlite start` (issue 17): the API list with
function URLs, an API's stages and routes, and a route Test."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from .test_console import CHROMIUM, CHROMIUM_ARGS, WIDE

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

TEMPLATE = Path(__file__).parent / "http_api_app" / "template.yaml"


def test_http_api_pages(start_serverlite):
    server = start_serverlite("--template", str(TEMPLATE), "--function-url-port", "0").wait_ready(120)
    console = server.wait_for_line("Console: ").split(" ", 1)[1]  # http://HOST:PORT/?token=...
    base, token = console.split("/?token=", 1)
    url = re.search(r"http://\S+", server.wait_for_line("Function URL HelloUrl")).group(0)
    request = urllib.request.Request(base + "/api/http-apis", headers={"X-Serverlite-Token": token})
    with urllib.request.urlopen(request, timeout=10) as response:
        listing = json.load(response)
    urls = {u["logicalId"]: u for u in listing["functionUrls"]}
    assert (urls["HelloUrl"]["url"], urls["StreamUrl"]["invokeMode"]) == (url, "RESPONSE_STREAM")
    implicit = next(api for api in listing["apis"] if api["logicalId"] == "ServerlessHttpApi")
    assert implicit["stages"][0]["invokeUrl"] == f"http://127.0.0.1:{server.port}/"
    assert [r["routeKey"] for r in implicit["routes"]] == ["GET /hello/{name}"]

    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=WIDE).new_page()
            page.set_default_timeout(15_000)
            page.goto(console)
            page.get_by_role("navigation", name="Services").get_by_role("link", name="HTTP APIs").click()
            expect(page.get_by_role("heading", name="HTTP APIs")).to_be_visible()
            expect(page.get_by_role("region", name="Function URLs").get_by_text(url)).to_be_visible()
            page.goto(f"{base}/#/http-apis/{implicit['id']}")  # both APIs are titled by the stack name
            expect(
                page.get_by_role("region", name="Stage $default").get_by_text(
                    implicit["stages"][0]["invokeUrl"]
                )
            ).to_be_visible()
            page.get_by_role("link", name="GET /hello/{name}").click()
            form = page.get_by_role("form", name="Test GET /hello/{name}")
            form.get_by_label("Path").fill("/hello/grace")
            form.get_by_role("button", name="Test").click()
            expect(page.get_by_test_id("test-status")).to_have_text("200")
            expect(page.get_by_test_id("test-body")).to_have_text(
                '{"hello": "grace", "routeKey": "GET /hello/{name}", "rawPath": "/hello/grace"}'
            )
        finally:
            browser.close()
