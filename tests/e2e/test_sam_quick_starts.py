"""Issue 16 acceptance: `sam init`'s Python quick starts start unchanged and answer as their READMEs say.

The three apps are rendered as `sam init` renders them (shared/apps/README.md says how); they are test data
beside the repository (`../shared/apps`, as on the machines and in CI), never copied into it. Each test copies
its app into a temporary folder (the shared copy is read-only) and starts serverlite on it unchanged.

- Hello World: `curl http://localhost:3000/hello` -> `{"message": "hello world"}` (its `requirements.txt`
  names `requests`, built like `sam build` builds it).
- Hello World with Powertools: the same answer from Powertools' APIGatewayRestResolver, which comes from
  `aws-lambda-powertools[tracer]` in its `requirements.txt`.
- Web backend with connectors: functions without `CodeUri` (code in the template's folder), DynamoDB reached
  through SAM connectors' policies: POST an item, GET it back by id and in the list.
"""

from __future__ import annotations

import http.client
import json
import shutil
from pathlib import Path

import pytest

from .conftest import REPO

_CANDIDATES = (REPO.parent / "shared" / "apps", Path("/work/shared/apps"))


def _app(name: str, tmp_path: Path) -> Path:
    """A copy of the rendered quick start `name`. The apps are test data beside the repository, not in it
    (shared/apps/README.md): where a checkout has no such folder the test is skipped, with the reason in
    the run's summary (`-ra`), rather than failing a run that cannot have them."""
    for root in _CANDIDATES:
        if (root / name / "template.yaml").is_file():
            return Path(shutil.copytree(root / name, tmp_path / name))
    pytest.skip(f"the sam init quick start {name} is in none of {[str(root) for root in _CANDIDATES]}")


def _call(port: int, method: str, path: str, body: str | None = None) -> tuple[int, object]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data)


def test_hello_world(start_serverlite, tmp_path: Path):
    app = _app("sam-hello", tmp_path)
    server = start_serverlite("--template", str(app / "template.yaml")).wait_ready(300)
    assert _call(server.port, "GET", "/Prod/hello") == (200, {"message": "hello world"})


def test_hello_world_with_powertools(start_serverlite, tmp_path: Path):
    app = _app("sam-hello-pt", tmp_path)
    server = start_serverlite("--template", str(app / "template.yaml")).wait_ready(300)
    assert _call(server.port, "GET", "/Prod/hello") == (200, {"message": "hello world"})


def test_web_backend_with_connectors(start_serverlite, tmp_path: Path):
    app = _app("sam-web-conn", tmp_path)
    server = start_serverlite("--template", str(app / "template.yaml")).wait_ready(300)
    event = json.loads((app / "events" / "event-post-item.json").read_text())
    status, answer = _call(server.port, "POST", "/Prod/", event["body"])
    assert status == 200 and answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    item = {"id": {"S": "id1"}, "name": {"S": "name1"}}
    assert _call(server.port, "GET", "/Prod/id1") == (200, item)
    assert _call(server.port, "GET", "/Prod/") == (200, [item])
