"""The OpenAPI export of a REST API (`serverlite openapi`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from serverlite.cli import main
from serverlite.gateway.openapi import SEED_API_PARAMETERS, default_stage, openapi_document, select_api
from serverlite.template.model import Integration, Method, Resource, RestApi, Stage

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"


def _api(**methods: Method) -> RestApi:
    return RestApi(
        logical_id="Api",
        id="abc123defg",
        name="Api",
        resources=(
            Resource(id="root01", path="/"),
            Resource(id="res001", path="/things/{id}", methods=methods),
        ),
        stages={"Stage": Stage("Stage", "d1"), "Test": Stage("Test", "d1")},
    )


def test_paths_are_under_the_stage_and_declared_parameters_are_kept():
    method = Method(
        "GET",
        Integration(type="MOCK"),
        request_parameters={"method.request.path.id": True, "method.request.querystring.q": False},
        operation_name="GetThing",
    )
    document = openapi_document(_api(GET=method), "Test", server_url="http://h:1")
    assert document["openapi"] == "3.0.3" and document["servers"] == [{"url": "http://h:1"}]
    operation = document["paths"]["/Test/things/{id}"]["get"]
    assert operation["operationId"] == "GetThing"
    assert operation["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
    ]
    assert operation["responses"] == {"default": {"description": "What the integration answers"}}


def test_any_becomes_every_method():
    document = openapi_document(_api(ANY=Method("ANY", Integration(type="MOCK"))), "Test")
    assert sorted(document["paths"]["/Test/things/{id}"]) == [
        "delete", "get", "head", "options", "patch", "post", "put"
    ]  # fmt: skip


def test_unknown_stage_and_api_are_lookup_errors():
    with pytest.raises(LookupError, match="no stage 'Prod'"):
        openapi_document(_api(), "Prod")
    with pytest.raises(LookupError, match="no REST API 'nope'"):
        select_api([_api()], "nope")
    assert select_api([_api()], None).id == "abc123defg"


def test_the_template_stage_is_preferred_to_sams_stage_named_stage():
    assert default_stage(_api()) == "Test"


def test_the_music_api_document_follows_the_seed_api_contract():
    result = CliRunner().invoke(main, ["openapi", "--template", str(TEMPLATE)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["info"]["title"] == "DemoRESTAPI" and document["info"]["version"] == "Test"
    item = document["paths"]["/Test/DemoResourceMusic/DemoResourceMusicItem"]
    table = document["paths"]["/Test/DemoResourceMusic/DemoResourceMusicTable"]
    assert sorted(item) == ["delete", "get", "post", "put"] and sorted(table) == ["delete", "put"]
    assert {(p["name"], p["in"]) for p in item["put"]["parameters"]} == {
        (name, where)
        for name in ("table", "artist", "songtitle", "albumtitle")
        for where in ("header", "query")
    }
    assert {(p["name"], p["in"]) for p in table["put"]["parameters"]} == {
        ("table", "header"),
        ("table", "query"),
    }
    assert sorted(item["get"]["responses"]) == ["200", "400", "404", "409", "429", "500"]
    assert item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "object"
    assert table["put"]["responses"]["409"]["content"]["application/json"]["schema"] == {"type": "string"}
    assert len(SEED_API_PARAMETERS) == 6


def test_the_command_reports_an_unknown_api():
    result = CliRunner().invoke(main, ["openapi", "--template", str(TEMPLATE), "--api", "Nope"])
    assert result.exit_code == 1 and "no REST API 'Nope'" in result.output
