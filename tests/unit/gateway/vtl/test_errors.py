"""Broken templates: a 500 whose message is the execution-log line AWS writes."""

from __future__ import annotations

import pytest

from serverlite.gateway.vtl import MappingTemplateError, render, render_response


def test_syntax_error(make):
    with pytest.raises(MappingTemplateError) as caught:
        render("#if($x)no end", make())
    assert str(caught.value).startswith(
        "Execution failed due to configuration error: Unable to transform request: "
    )
    assert caught.value.status == 500
    assert caught.value.to_response().body == b'{"message": "Internal server error"}'


def test_failure_while_evaluating(make):
    with pytest.raises(MappingTemplateError, match="Unable to transform request"):
        render("$util.parseJson('not json')", make())


def test_response_template_failure_names_the_response(make):
    with pytest.raises(MappingTemplateError, match="Unable to transform response"):
        render_response("$input.json('$')", make(), "not json")


def test_templates_over_300_kb_are_refused(make):
    # API Gateway quotas: "Mapping template size: 300 KB".
    with pytest.raises(MappingTemplateError, match="exceeds 307200 bytes"):
        render("x" * (300 * 1024 + 1), make())
    assert render("x" * (300 * 1024), make()).output == "x" * (300 * 1024)


def test_bad_jsonpath(make):
    with pytest.raises(MappingTemplateError):
        render("$input.json('$[')", make('{"a": 1}'))
