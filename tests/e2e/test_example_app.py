"""Issue 16 acceptance: examples/real_world, every piece at once, answers as its README says."""

from __future__ import annotations

import http.client
import json

from .conftest import REPO

APP = REPO / "examples" / "real_world"


def _call(port: int, method: str, path: str, body: str | None = None) -> tuple[int, object]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data)


def test_the_real_world_example_answers_as_its_readme_says(start_serverlite):
    template = APP / "template.yaml"
    server = start_serverlite("--template", str(template)).wait_ready(300)
    assert (
        f"{template}:39: resource 'QuotesFunction': event 'Refresh' (SQS) is not emulated: the queue never "
        "triggers it; the function still runs on API calls and serverlite invoke"
    ) in server.lines
    assert not [line for line in server.lines if "Feature Toggle" in line]
    port = server.port
    assert _call(port, "GET", "/v1/health") == (200, {"status": "ok", "python": "3.12"})
    order = '{"item":"chair","quantity":3,"unit_cents":4599900}'
    assert _call(port, "POST", "/v1/prices", order) == (
        200,
        {"item": "chair", "total_cents": 13799700, "spelled": "138.0 thousand"},
    )
    assert _call(port, "POST", "/v1/prices", '{"item":"chair","quantity":0}') == (
        400,
        {"invalid": ["quantity", "unit_cents"]},
    )
    assert _call(port, "GET", "/v1/quotes") == (
        200,
        {
            "python": "3.13",
            "requests": "2.32.3",
            "quotes": [
                "Simplicity is prerequisite for reliability.",
                "Make it work, make it right, make it fast.",
            ],
        },
    )
