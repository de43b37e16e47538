"""`$input`: body, json(), path(), params().

Sources: AWS "API Gateway mapping template and access logging variable reference"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html,
awsdocs/amazon-api-gateway-developer-guide doc_source/api-gateway-mapping-template-reference.md) and reference
apigateway-lambda.md 3.3.
"""

from __future__ import annotations

import json

import pytest

from serverlite.gateway.vtl import BodyNotJson, render, render_response

PETS = '{"pets": [{"id": 1, "type": "dog", "price": 249.99}, {"id": 2, "type": "cat", "price": 124.99}, {"id": 3, "type": "fish", "price": 0.99}]}'


def out(template, data):
    return render(template, data).output


def test_body_is_the_raw_payload(make):
    assert out("$input.body", make('{"a": 1}')) == '{"a": 1}'


def test_body_of_an_empty_request_is_an_empty_object(make):
    # LocalStack template_mapping.py (VelocityInput.body) [E]: "{}" when there is no body.
    assert out("$input.body", make("")) == "{}"


def test_json_of_the_whole_body_is_compact_json(make):
    assert out("$input.json('$')", make('{"a": {"b": [1, 2]}, "s": "x/y"}')) == '{"a":{"b":[1,2]},"s":"x/y"}'


def test_json_of_an_empty_body_is_an_empty_object(make):
    # Reference 3.3: passthrough events show "body-json": {} for GET requests [V].
    assert out("$input.json('$')", make("")) == "{}"


def test_json_of_a_nested_path(make):
    assert out("$input.json('$.a.b')", make('{"a": {"b": {"c": "d"}}}')) == '{"c":"d"}'


def test_json_of_a_string_keeps_its_quotes(make):
    # LocalStack test_template_mapping.py test_apply_template: escapeJavaScript($input.json('$.message')) -> \"foobar\"
    assert out("$input.json('$.message')", make('{"message": "foobar"}')) == '"foobar"'


def test_json_of_a_missing_path_is_empty(make):
    assert out("[$input.json('$.missing')]", make('{"a": 1}')) == "[]"


def test_json_of_a_wildcard_path_is_a_list(make):
    assert out("$input.json('$.pets[*].id')", make(PETS)) == "[1,2,3]"


def test_path_size_of_an_array(make):
    # AWS doc: `$input.path('$.pets')` ... "would return "3"" (the doc says .count(); Java lists have .size()).
    assert out("$input.path('$.pets').size()", make(PETS)) == "3"


def test_path_index_field_and_foreach(make):
    template = "$input.path('$.pets')[1].type|#foreach($p in $input.path('$.pets'))$p.id#if($foreach.hasNext),#end#end"
    assert out(template, make(PETS)) == "cat|1,2,3"


def test_path_numbers_stay_numbers(make):
    assert out("#set($n = $input.path('$.n') + 1)$n", make('{"n": 41}')) == "42"
    assert out("$input.path('$.pets[0].price')", make(PETS)) == "249.99"


def test_path_booleans_and_null_print_as_java(make):
    assert (
        out(
            "$input.path('$.t') $input.path('$.f') [$input.path('$.z')]",
            make('{"t": true, "f": false, "z": null}'),
        )
        == "true false []"
    )


def test_path_maps_print_java_style_and_arrays_as_json(make):
    # LocalStack template_mapping.py VTLJsonDict: $input.path('$') of {"a": 1, "b": [{"c": 5}]} -> {a=1, b=[{"c":5}]}
    assert out("$input.path('$')", make('{"a": 1, "b": [{"c": 5}]}')) == '{a=1, b=[{"c":5}]}'
    assert out("$input.path('$').b", make('{"a": 1, "b": [{"c": 5}]}')) == '[{"c":5}]'


def test_the_docs_things_example(make):
    # AWS doc "Example Request and Response Using $input": POST /things/abc.
    template = """{
    "id" : "$input.params('id')",
    "count" : "$input.path('$.things').size()",
    "things" : $util.escapeJavaScript($input.json('$.things'))
}"""
    data = make('{"things": {"1": {}, "2": {}, "3": {}}}', path_params={"id": "abc"})
    # The doc shows the echoed result as clean JSON; escapeJavaScript really backslashes the quotes of the
    # JSON it is given (commons-lang rules), so the exact bytes are these.
    assert (
        out(template, data)
        == """{
    "id" : "abc",
    "count" : "3",
    "things" : {\\"1\\":{},\\"2\\":{},\\"3\\":{}}
}"""
    )


def test_params_map_has_path_querystring_and_header(make):
    template = (
        "$input.params().path.id $input.params().querystring.artist $input.params().header.get('User-Agent')"
    )
    assert out(template, make()) == "42 x curl/8.1.2"


def test_params_by_name_search_path_then_query_then_header(make):
    data = make(
        path_params={"x": "path"}, query_params={"x": "query", "y": "query"}, headers={"x": "h", "z": "h"}
    )
    assert out("$input.params('x') $input.params('y') $input.params('z')", data) == "path query h"


def test_params_by_name_is_empty_when_absent(make):
    assert out("\"$input.params('nope')\"", make()) == '""'


def test_the_docs_name_and_body_example(make):
    # AWS doc "Example JSON Mapping Template Using $input".
    template = '{\n    "name" : "$input.params(\'name\')",\n    "body" : $input.json(\'$\') \n}'
    data = make('{"mykey": "v"}', query_params={"name": "me"})
    assert json.loads(out(template, data)) == {"name": "me", "body": {"mykey": "v"}}


def test_a_body_that_is_not_json_is_a_400(make):
    with pytest.raises(BodyNotJson) as caught:
        render("$input.json('$')", make("a=1&b=2"))
    assert caught.value.status == 400
    assert json.loads(caught.value.to_response().body)["message"].startswith(
        "Could not parse request body into json: "
    )


def test_a_raw_body_template_never_parses_it(make):
    assert out("$input.body", make("a=1&b=2")) == "a=1&b=2"


def test_response_templates_read_the_integration_body(make):
    rendered = render_response(
        "$input.path('$.statusCode') $input.params('id')", make('{"x": 1}'), '{"statusCode": 201}'
    )
    assert rendered.output == "201 42"
