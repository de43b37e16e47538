"""Issue 16, layers, through `serverlite start`:

- a local `AWS::Serverless::LayerVersion` whose `Metadata.BuildMethod: python3.12` builds its
  `requirements.txt` into the layer (what `sam build` puts in `python/`), its own modules beside them
  (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/building-layers.html);
- a local `AWS::Lambda::LayerVersion` whose folder holds `python/` as the layer's zip does;
- a layer ARN of another account given with `--layer ARN=DIR`;
- the public Powertools for AWS Lambda (Python) layer, which holds the PyPI package (installed from PyPI);
- layers in order: a later layer's module replaces an earlier one's, as Lambda extracts them into /opt in order
  (https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html), and the function's own code wins over all.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path

EXTERNAL = "arn:aws:lambda:us-east-1:111122223333:layer:external:7"
POWERTOOLS = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"

TEMPLATE = f"""\
Transform: AWS::Serverless-2016-10-31
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: shared/
      CompatibleRuntimes: [python3.12]
    Metadata:
      BuildMethod: python3.12
  Plain:
    Type: AWS::Lambda::LayerVersion
    Properties:
      LayerName: plain
      Content: plain
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src
      Layers: [!Ref Shared, !Ref Plain, {EXTERNAL}, {POWERTOOLS}]
      Events:
        Get:
          Type: Api
          Properties: {{Path: /layers, Method: get}}
"""
APP = """\
import json
import six, shared_util, plainmod, extmod, which
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({
        "six": six.__version__, "shared": shared_util.NAME, "plain": plainmod.NAME, "external": extmod.NAME,
        "which": which.NAME, "powertools": APIGatewayRestResolver.__name__,
    })}
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_local_built_public_and_supplied_layers_in_order(start_serverlite, tmp_path: Path):
    _write(
        tmp_path,
        {
            "template.yaml": TEMPLATE,
            "src/app.py": APP,
            "shared/requirements.txt": "six==1.16.0\n",
            "shared/shared_util.py": "NAME = 'shared'\n",
            "shared/which.py": "NAME = 'shared layer'\n",
            "plain/python/plainmod.py": "NAME = 'plain'\n",
            "plain/python/which.py": "NAME = 'plain layer'\n",
            "external/python/extmod.py": "NAME = 'external'\n",
            "external/python/which.py": "NAME = 'external layer, the last with it'\n",
        },
    )
    server = start_serverlite(
        "--template", str(tmp_path / "template.yaml"), "--layer", f"{EXTERNAL}={tmp_path / 'external'}"
    ).wait_ready(300)
    assert any(line.startswith("Built layer Shared: ") for line in server.lines), server.lines
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("GET", "/Prod/layers")
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert (response.status, json.loads(body)) == (
        200,
        {
            "six": "1.16.0",
            "shared": "shared",
            "plain": "plain",
            "external": "external",
            "which": "external layer, the last with it",
            "powertools": "APIGatewayRestResolver",
        },
    )
