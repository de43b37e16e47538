"""Routing rules of reference apigateway-lambda.md 1.8 and 4.1."""

import pytest

from serverlite.gateway.errors import MissingAuthenticationToken
from serverlite.gateway.router import Router
from serverlite.template.model import Integration, Method, Resource, RestApi, Stage

PROXY = Integration(type="AWS_PROXY", function="Fn")


def _api(paths: dict[str, tuple[str, ...]], api_id: str = "abcdef1234", stage: str = "Test") -> RestApi:
    resources = tuple(
        Resource(
            id=f"r{i:05d}", path=path, methods={m: Method(http_method=m, integration=PROXY) for m in methods}
        )
        for i, (path, methods) in enumerate(paths.items())
    )
    return RestApi(
        logical_id="Api",
        id=api_id,
        name="Api",
        resources=resources,
        stages={stage: Stage(name=stage, deployment_id="dep123")},
    )


MUSIC = _api(
    {
        "/": (),
        "/music": ("GET",),
        "/music/{id}": ("GET", "PUT"),
        "/music/special": ("GET",),
        "/files/{proxy+}": ("ANY",),
        "/{proxy+}": ("GET",),
    }
)


@pytest.mark.parametrize(
    ("method", "path", "resource", "event_path", "params"),
    [
        ("GET", "/Test/music", "/music", "/music", None),
        ("GET", "/Test/music/", "/music", "/music/", None),  # trailing slash ignored, kept in path
        ("GET", "/Test//music", "/music", "/music", None),  # extra slashes after the stage
        ("GET", "/Test/music/special", "/music/special", "/music/special", None),  # static beats {id}
        ("GET", "/Test/music/42", "/music/{id}", "/music/42", {"id": "42"}),
        ("PUT", "/Test/music/a%2Fb", "/music/{id}", "/music/a%2Fb", {"id": "a%2Fb"}),  # not decoded
        ("DELETE", "/Test/files/a/b/", "/files/{proxy+}", "/files/a/b/", {"proxy": "a/b"}),
        ("PATCH", "/Test/files/a//b", "/files/{proxy+}", "/files/a//b", {"proxy": "a//b"}),
        ("GET", "/Test/other/thing", "/{proxy+}", "/other/thing", {"proxy": "other/thing"}),
    ],
)
def test_matches(method, path, resource, event_path, params):
    match = Router([MUSIC]).match(method, path)
    assert match.resource.path == resource
    assert match.path == event_path
    assert match.path_parameters == params
    assert match.stage.name == "Test"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/Test/music"),  # no such method, no ANY
        ("GET", "/Test"),  # root has no method; {proxy+} never matches the root
        ("GET", "/Test/"),
        ("GET", "/Prod/music"),  # unknown stage
        ("GET", "/music"),  # no stage at all
        ("DELETE", "/Test/music/42"),
    ],
)
def test_missing_authentication_token(method, path):
    with pytest.raises(MissingAuthenticationToken):
        Router([MUSIC]).match(method, path)


def test_explicit_method_beats_any():
    api = _api({"/items": ("ANY", "GET")})
    assert Router([api]).match("GET", "/Test/items").method.http_method == "GET"
    assert Router([api]).match("PUT", "/Test/items").method.http_method == "ANY"


def test_host_selects_api_by_id():
    first = _api({"/a": ("GET",)}, api_id="first00001")
    second = _api({"/a": ("GET",)}, api_id="second0002")
    router = Router([first, second])
    assert router.match("GET", "/Test/a").api.id == "first00001"
    assert router.match("GET", "/Test/a", host="second0002.execute-api.localhost:3000").api.id == "second0002"
