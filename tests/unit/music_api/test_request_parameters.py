"""The Music API's parameter lookup (SEED-API.md, "Parameters"), without a worker or DynamoDB."""

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[3] / "music_api" / "request_parameters.py"
_spec = importlib.util.spec_from_file_location("music_request_parameters", _PATH)
assert _spec and _spec.loader
params_module = importlib.util.module_from_spec(_spec)
sys.modules["music_request_parameters"] = params_module
_spec.loader.exec_module(params_module)
Parameters = params_module.Parameters


def _event(headers=None, query=None, body=None):
    return {"headers": headers, "queryStringParameters": query, "body": body}


def test_headers_case_insensitive_then_query_then_body():
    params = Parameters(
        _event(
            {"TaBlE": "FromHeader"},
            {"table": "q", "artist": "FromQuery"},
            '{"table": "b", "artist": "b", "songtitle": "FromBody"}',
        )
    )
    assert (params["table"], params["artist"], params["songtitle"]) == ("FromHeader", "FromQuery", "FromBody")


def test_missing_parameter_is_a_key_error_naming_it():
    with pytest.raises(KeyError) as raised:
        Parameters(_event({"Host": "x"}))["artist"]
    assert str(raised.value) == "'artist'"


def test_no_source_at_all():
    with pytest.raises(params_module.NoParameterSource):
        Parameters(_event())


@pytest.mark.parametrize("body", ["[1]", '"text"', "not json", "3"])
def test_body_must_be_an_object(body):
    with pytest.raises(params_module.BodyNotAnObject):
        Parameters(_event({"Host": "x"}, None, body))


def test_base64_body_is_decoded():
    import base64

    event = {**_event(None, None, base64.b64encode(b'{"table": "B64"}').decode()), "isBase64Encoded": True}
    assert Parameters(event)["table"] == "B64"


def test_non_string_body_values_become_text():
    assert Parameters(_event(None, None, '{"table": 123}'))["table"] == "123"
