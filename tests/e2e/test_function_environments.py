"""Issue 16: functions run as Lambda runs them, through `serverlite start` and `serverlite invoke`.

- The Python the template asks for: a python3.X function runs on a python3.X interpreter of this machine
  (PATH, pyenv, uv), and the start says which. This machine has 3.10, 3.12 and 3.13 beside serverlite's 3.11;
  a test that cannot find one fails, saying so.
- Isolation: a function imports its code, its built dependencies and the runtime's packages (awslambdaric,
  boto3), never serverlite's: an import it does not declare fails with Lambda's ImportModuleError text,
  `Unable to import module 'app': No module named 'yaml'` (awslambdaric's bootstrap words it so), although
  PyYAML is installed beside serverlite. Its own pinned boto3 wins over the runtime's, as on Lambda
  (https://docs.aws.amazon.com/lambda/latest/dg/python-package.html).
- Builds like `sam build`: `requirements.txt` installed per function, with progress at the first start,
  reused at the next, rebuilt when it changes (the workers then run the new build); a failed build names
  the requirements line and the function's invocations fail with that message.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from serverlite.runtime.pythons import find_python

from .conftest import REPO

VERSIONS = """\
import sys

def handler(event, context):
    try:
        import serverlite  # noqa: F401
        sees = "serverlite"
    except ImportError:
        sees = "nothing of serverlite"
    return {"statusCode": 200, "body": f"{sys.version_info[0]}.{sys.version_info[1]} {sees}"}
"""
PINNED = """\
import boto3, six

def handler(event, context):
    return {"statusCode": 200, "body": f"boto3 {boto3.__version__} six {six.__version__}"}
"""
UNDECLARED = """\
import yaml

def handler(event, context):
    return {"statusCode": 200, "body": yaml.__version__}
"""


def _function(name: str, runtime: str, code: str, path: str) -> str:
    return f"""
  {name}:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: {runtime}
      Handler: app.handler
      CodeUri: {code}
      Events:
        Get:
          Type: Api
          Properties: {{Path: {path}, Method: get}}
"""


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text))


def _get(port: int, target: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", target)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


@pytest.mark.parametrize("runtime", ["python3.10", "python3.12", "python3.13"])
def test_this_machine_has_the_pythons_the_tests_need(runtime: str):
    found = find_python(runtime)
    assert found.exact, f"no {runtime} interpreter on this machine (PATH, pyenv, uv): install one"


def test_each_function_runs_on_its_python_isolated_with_its_own_dependencies(
    start_serverlite, tmp_path: Path
):
    template = "Transform: AWS::Serverless-2016-10-31\nResources:"
    for minor in (10, 12, 13):
        template += _function(f"V3{minor}", f"python3.{minor}", "versions", f"/v3{minor}")
    template += _function("Pinned", "python3.12", "pinned", "/pinned")
    _write(
        tmp_path,
        {
            "template.yaml": template,
            "versions/app.py": VERSIONS,
            "pinned/app.py": PINNED,
            "pinned/requirements.txt": "# the function's own boto3 wins over the runtime's\nboto3==1.34.0\nsix==1.16.0\n",
        },
    )
    data = tmp_path / "data"
    server = start_serverlite("--template", str(tmp_path / "template.yaml"), data_dir=data).wait_ready(300)
    for minor in (10, 12, 13):
        path = find_python(f"python3.{minor}").path
        assert f"Runtime python3.{minor}: {path} (pyenv)" in server.lines or any(
            line.startswith(f"Runtime python3.{minor}: {path} (") for line in server.lines
        )
        assert _get(server.port, f"/Prod/v3{minor}") == (200, f"3.{minor} nothing of serverlite")
    requirements = tmp_path / "pinned" / "requirements.txt"
    assert f"Building Pinned: 2 requirements from {requirements} (python3.12, x86_64, uv) ..." in server.lines
    assert any(line.startswith("Built Pinned: ") and " packages in " in line for line in server.lines)
    assert _get(server.port, "/Prod/pinned") == (200, "boto3 1.34.0 six 1.16.0")

    # A changed requirements.txt is built again and the function's workers are replaced.
    requirements.write_text("boto3==1.34.0\nsix==1.17.0\n")
    server.wait_for_line("Code changed: reloading Pinned", timeout=120)
    assert _get(server.port, "/Prod/pinned") == (200, "boto3 1.34.0 six 1.17.0")
    builds = sorted(
        path.name for path in (data / "build" / "Pinned").iterdir() if not path.name.startswith(".")
    )
    assert len(builds) == 1  # the old build is gone
    server.stop()

    # The next start reuses the build: nothing is installed again.
    again = start_serverlite("--template", str(tmp_path / "template.yaml"), data_dir=data).wait_ready(120)
    assert not [line for line in again.lines if line.startswith(("Building", "Built", "Installed"))]
    assert _get(again.port, "/Prod/pinned") == (200, "boto3 1.34.0 six 1.17.0")


def _invoke(template: Path, function: str, data: Path) -> tuple[int, dict, str]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "serverlite",
            "invoke",
            function,
            "--template",
            str(template),
            "--data-dir",
            str(data),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )
    return done.returncode, json.loads(done.stdout), done.stderr


def test_an_undeclared_import_fails_as_it_would_on_lambda(tmp_path: Path):
    assert importlib.util.find_spec("yaml") is not None  # installed beside serverlite
    _write(
        tmp_path,
        {
            "template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:"
            + _function("Undeclared", "python3.12", "undeclared", "/u"),
            "undeclared/app.py": UNDECLARED,
        },
    )
    code, payload, _ = _invoke(tmp_path / "template.yaml", "Undeclared", tmp_path / "data")
    assert code == 1
    assert payload == {
        "errorMessage": "Unable to import module 'app': No module named 'yaml'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": payload["requestId"],
        "stackTrace": [],
    }


def test_a_failed_build_names_its_requirements_line_and_fails_every_invocation(
    start_serverlite, tmp_path: Path
):
    _write(
        tmp_path,
        {
            "template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:"
            + _function("Broken", "python3.12", "broken", "/broken"),
            "broken/app.py": PINNED,
            # six exists, this version does not
            "broken/requirements.txt": "boto3==1.34.0\nsix==0.0.0.dev999\n",
        },
    )
    requirements = tmp_path / "broken" / "requirements.txt"
    server = start_serverlite("--template", str(tmp_path / "template.yaml")).wait_ready(300)
    failure = server.wait_for_line("Build failed: ")
    prefix = f"Build failed: dependencies of function Broken could not be installed: {requirements}:2: six==0.0.0.dev999: "
    assert failure.startswith(prefix)
    explanation = failure[len(prefix) :]
    assert "there is no version of six==0.0.0.dev999" in explanation  # the installer's own words
    status, body = _get(server.port, "/Prod/broken")
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
    code, payload, _ = _invoke(tmp_path / "template.yaml", "Broken", tmp_path / "invoke-data")
    assert code == 1
    assert payload["errorType"] == "Serverlite.BuildFailed"
    assert payload["errorMessage"].startswith(prefix.removeprefix("Build failed: "))
