"""`serverlite start --gateway-processes N` (issue 18, "More cores"): N processes serve the gateway port, the
functions they invoke run in the one runtime of the `serverlite start` process, their logs go to its store;
templates whose counters must stay in one place (usage plans, throttles) are served by one process."""

from __future__ import annotations

import http.client
import json
import os
import signal
import textwrap
import time
from pathlib import Path

import boto3

from serverlite.template.usage_plans import generated_key_value

from .conftest import Serverlite, wait_gone
from .test_usage_plan_burst import TEMPLATE as USAGE_PLAN_TEMPLATE
from .test_usage_plan_burst import _get

ITEM = "/Test/DemoResourceMusic/DemoResourceMusicItem"
QUERY = {"table": "Nothing", "artist": "a", "songtitle": "s"}


def gateway_processes(server: Serverlite) -> list[int]:
    """The gateway processes `serverlite start` runs (its children running serverlite.gateway.processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            if (
                parent == server.process.pid
                and b"serverlite.gateway.processes" in (entry / "cmdline").read_bytes()
            ):
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return sorted(found)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One request on a connection of its own: the kernel picks the process that accepts it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def access_log_streams(server: Serverlite, group: str, expected: int) -> dict[str, int]:
    """Events per stream of an access log group, once `expected` events arrived (or 10 s passed)."""
    logs = boto3.client(
        "logs",
        endpoint_url=f"http://127.0.0.1:{server.lambda_port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    deadline = time.monotonic() + 10
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        events = logs.filter_log_events(logGroupName=group)["events"]
        counts = {}
        for event in events:
            counts[event["logStreamName"]] = counts.get(event["logStreamName"], 0) + 1
        if sum(counts.values()) >= expected:
            break
        time.sleep(0.1)
    return counts


def test_two_processes_serve_the_port_and_log_into_the_one_store(start_serverlite, tmp_path):
    data = tmp_path / "data"
    server = start_serverlite("--gateway-processes", "2", data_dir=data).wait_ready()
    assert "Gateway processes: 2" in server.lines
    children = gateway_processes(server)
    assert len(children) == 2
    answers = [
        get(server.port, ITEM + "?" + "&".join(f"{k}={v}" for k, v in QUERY.items()), {}) for _ in range(40)
    ]
    assert {status for status, _ in answers} == {404}
    assert {body for _, body in answers} == {answers[0][1]}
    # Each gateway process writes a stream of its own (as API Gateway's nodes do); 40 connections spread
    # by the kernel land on both (all on one: a chance of 2 in 2**40).
    streams = access_log_streams(server, "DemoRESTAPI", 40)
    assert sum(streams.values()) == 40 and len(streams) == 2, streams
    line = json.loads(
        boto3.client(
            "logs",
            endpoint_url=f"http://127.0.0.1:{server.lambda_port}",
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        ).filter_log_events(logGroupName="DemoRESTAPI")["events"][0]["message"]
    )
    assert (line["httpMethod"], line["status"]) == ("GET", "404")
    assert server.stop() == 0
    assert wait_gone(data) == []
    assert all(not Path(f"/proc/{pid}").exists() for pid in children)


def test_a_gateway_process_that_dies_is_replaced_and_the_port_stays_served(start_serverlite, tmp_path):
    server = start_serverlite("--gateway-processes", "2", data_dir=tmp_path / "data").wait_ready()
    first, second = gateway_processes(server)
    os.kill(first, signal.SIGKILL)
    # Until its exit closed its listening socket, the kernel may still hand it connections (SO_REUSEPORT).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _alive(first):
        time.sleep(0.05)
    path = ITEM + "?" + "&".join(f"{k}={v}" for k, v in QUERY.items())
    assert {get(server.port, path, {})[0] for _ in range(10)} == {404}  # the other one answers meanwhile
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(gateway_processes(server)) < 2:
        time.sleep(0.1)
    now = gateway_processes(server)
    assert len(now) == 2 and second in now and first not in now
    assert {get(server.port, path, {})[0] for _ in range(20)} == {404}


def test_a_usage_plan_keeps_one_process_and_its_burst_exact(start_serverlite, tmp_path):
    """Usage plan counters live in one process's memory: with two, each would allow the burst."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        'def handler(event, context):\n    return {"statusCode": 200, "body": "hi"}\n'
    )
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent(USAGE_PLAN_TEMPLATE))
    server = start_serverlite(
        "--template", str(template), "--gateway-processes", "2", data_dir=tmp_path / "data"
    ).wait_ready()
    assert "Gateway processes: 1 (usage plans count requests in one process)" in server.lines
    assert gateway_processes(server) == []
    key = generated_key_value("ApiApiKey")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    assert _get(conn, key)[0] == 200  # the function is warm
    time.sleep(2.2)  # the bucket refills to its burst of 10
    statuses = [_get(conn, key)[0] for _ in range(20)]
    conn.close()
    assert statuses[:10] == [200] * 10 and 429 in statuses
