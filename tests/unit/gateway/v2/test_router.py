"""HTTP API routing, as https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
("Routing API requests") describes it: stage first, then full match, greedy match, `$default` route, 404."""

from __future__ import annotations

import pytest

from serverlite.gateway.v2.errors import NotFound
from serverlite.gateway.v2.router import HttpRouter
from serverlite.template.model import HttpApi, HttpIntegration, HttpStage, Route

LAMBDA = HttpIntegration(type="AWS_PROXY", function="Fn")


def _api(api_id: str, keys: list[str], stages: tuple[str, ...] = ("$default",)) -> HttpApi:
    return HttpApi(
        logical_id=api_id,
        id=api_id,
        name=api_id,
        routes=tuple(Route(key, LAMBDA) for key in keys),
        stages={name: HttpStage(name=name) for name in stages},
    )


# The routes of the documentation's example.
PETS = _api(
    "petsapi001", ["GET /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", "$default"]
)


@pytest.mark.parametrize(
    ("method", "path", "route_key", "parameters"),
    [
        ("GET", "/pets/dog/1", "GET /pets/dog/1", None),  # full match of route and method
        ("GET", "/pets/dog/2", "GET /pets/dog/{id}", {"id": "2"}),
        ("GET", "/pets/cat/1", "GET /pets/{proxy+}", {"proxy": "cat/1"}),  # greedy path variable
        ("POST", "/pets/dog/1", "ANY /{proxy+}", {"proxy": "pets/dog/1"}),  # ANY: methods not defined
        ("GET", "/test/some-request", "ANY /{proxy+}", {"proxy": "test/some-request"}),
        ("GET", "/", "$default", None),  # a greedy variable needs one character at least
    ],
)
def test_routes_match_in_the_documented_priority(method, path, route_key, parameters):
    match = HttpRouter([PETS]).match(method, path)
    assert (match.route.route_key, match.path_parameters, match.stage.name) == (
        route_key,
        parameters,
        "$default",
    )


def test_a_full_match_beats_a_longer_greedy_route():
    api = _api("a", ["GET /{kind}/b", "GET /a/{proxy+}"])
    assert HttpRouter([api]).match("GET", "/a/b").route.route_key == "GET /{kind}/b"


def test_an_explicit_method_beats_any_on_the_same_path():
    api = _api("a", ["ANY /items", "DELETE /items"])
    router = HttpRouter([api])
    assert router.match("DELETE", "/items").route.route_key == "DELETE /items"
    assert router.match("PATCH", "/items").route.route_key == "ANY /items"


def test_path_parameters_are_decoded():
    # "API Gateway decodes URL-encoded request parameters before passing them to your backend integration."
    match = HttpRouter([_api("a", ["GET /items/{id}"])]).match("GET", "/items/a%20b%2Bc")
    assert match.path_parameters == {"id": "a b+c"}


@pytest.mark.parametrize(("method", "path"), [("GET", "/nothing"), ("POST", "/items"), ("GET", "/items/")])
def test_no_route_is_not_found(method, path):
    with pytest.raises(NotFound) as raised:
        HttpRouter([_api("a", ["GET /items"])]).match(method, path)
    response = raised.value.to_response()
    assert (response.status, response.body) == (404, b'{"message":"Not Found"}')
    assert response.headers == [("Content-Type", "application/json")]


def test_a_named_stage_is_the_first_path_segment_and_default_serves_the_rest():
    default = _api("default001", ["GET /x"])
    named = _api("named00001", ["GET /x"], stages=("dev",))
    router = HttpRouter([default, named])
    assert router.match("GET", "/dev/x").api.id == "named00001"
    assert router.match("GET", "/x").api.id == "default001"
    with pytest.raises(NotFound):
        HttpRouter([named]).match("GET", "/x")  # no $default stage: 404 (the docs: no stage matches)


def test_the_execute_api_host_picks_the_api():
    first, second = _api("first00001", ["GET /x"]), _api("second0001", ["GET /x"])
    router = HttpRouter([first, second])
    assert router.match("GET", "/x", "second0001.execute-api.localhost:3000").api.id == "second0001"
    assert router.match("GET", "/x", "127.0.0.1:3000").api.id == "first00001"
