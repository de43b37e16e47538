"""Layers a function names: the template's own layer versions (SAM and CloudFormation), public Powertools
layers (their PyPI package), and at most 5 per function."""

from __future__ import annotations

from pathlib import Path

import pytest

from serverlite.template.errors import TemplateError
from serverlite.template.layers import powertools_requirement
from serverlite.template.load import load_application
from serverlite.template.model import Layer

from .conftest import Write

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Built:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: built/, CompatibleRuntimes: [python3.12]}
    Metadata: {BuildMethod: python3.12}
  Plain:
    Type: AWS::Lambda::LayerVersion
    Properties: {LayerName: plain, Content: plain}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src
      Layers: [!Ref Plain, !Ref Built]
"""


def test_template_layers_in_the_order_the_function_names_them(write: Write, tmp_path: Path) -> None:
    (tmp_path / "built").mkdir()
    (tmp_path / "plain").mkdir()
    function = load_application(write(TEMPLATE)).functions["Fn"]
    assert function.layers == (
        Layer("arn:aws:lambda:us-east-1:123456789012:layer:plain:1", tmp_path / "plain", logical_id="Plain"),
        Layer(
            "arn:aws:lambda:us-east-1:123456789012:layer:Built:1",
            tmp_path / "built",
            build_method="python3.12",
            logical_id="Built",
        ),
    )


def test_at_most_five_layers(write: Write, tmp_path: Path) -> None:
    (tmp_path / "built").mkdir()
    (tmp_path / "plain").mkdir()
    path = write(TEMPLATE.replace("[!Ref Plain, !Ref Built]", "[" + ", ".join(["!Ref Plain"] * 6) + "]"))
    with pytest.raises(TemplateError) as raised:
        load_application(path)
    assert str(raised.value).endswith("resource 'Fn': Layers: a function can use at most 5 layers, not 6")


@pytest.mark.parametrize(
    ("arn", "requirement"),
    [
        (
            "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:18",
            "aws-lambda-powertools[all]>=3,<4",
        ),
        (
            "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:69",
            "aws-lambda-powertools[all]>=2,<3",
        ),
        (
            "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPython:3",
            "aws-lambda-powertools>=1,<2",
        ),
        ("arn:aws:lambda:us-east-1:123456789012:layer:AWSLambdaPowertoolsPythonV3:3", None),
    ],
)
def test_public_powertools_layers_are_their_pypi_package(arn: str, requirement: str | None) -> None:
    assert powertools_requirement(arn) == requirement
