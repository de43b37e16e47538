"""Start and stop the real DynamoDB server in a subprocess on a free port; make boto3 clients."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from tests.processes import kill_group

_LAUNCH = (
    "import pathlib, sys; from serverlite.dynamodb.server import run; "
    "run('127.0.0.1', 0, pathlib.Path(sys.argv[1]), durability='process')"
)


@dataclass
class ServerProcess:
    """A running server subprocess and its endpoint."""

    process: subprocess.Popen[str]
    endpoint: str
    data_dir: pathlib.Path


def start_server(data_dir: pathlib.Path) -> ServerProcess:
    """Start ``run`` in a subprocess and wait for its two start-up lines."""
    return launch_server([sys.executable, "-c", _LAUNCH, str(data_dir)], data_dir)


def launch_server(args: list[str], data_dir: pathlib.Path) -> ServerProcess:
    """Start a DynamoDB server command in a process group of its own and wait for its two start-up lines;
    on any failure (including pytest's timeout) the group is killed."""
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    assert process.stdout is not None
    try:
        first, second = process.stdout.readline().strip(), process.stdout.readline().strip()
        assert first.startswith("DynamoDB: http://127.0.0.1:"), first
        assert second == "Ready", (first, second)
    except BaseException:
        kill_group(process)
        raise
    return ServerProcess(process, first.removeprefix("DynamoDB: "), data_dir)


def stop_server(server: ServerProcess) -> None:
    """SIGTERM and wait; the server must exit cleanly (its group is killed if it has not in 10 s)."""
    try:
        if server.process.poll() is None:
            server.process.terminate()
            server.process.wait(timeout=10)
    finally:
        kill_group(server.process)


def make_client(endpoint: str) -> Any:
    """A boto3 DynamoDB client on the local endpoint with dummy credentials."""
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )
