"""Issue 4: template features the gateway does not serve yet are refused at start, by name."""

from serverlite.gateway.support import unsupported_features
from serverlite.template.model import Integration, Method, Resource, RestApi


def _api(*methods: Method) -> RestApi:
    return RestApi(
        logical_id="Api",
        id="abcdefghij",
        name="Api",
        resources=(Resource(id="r00001", path="/items", methods={m.http_method: m for m in methods}),),
        stages={},
    )


def test_proxy_methods_are_supported():
    assert unsupported_features([_api(Method("GET", Integration(type="AWS_PROXY", function="Fn")))]) == []


def test_each_unsupported_feature_is_named():
    api = _api(
        Method("OPTIONS", Integration(type="VPC_LINK_THING", uri="http://example.com")),
        Method(
            "GET",
            Integration(type="AWS_PROXY", function="Fn"),
            authorization_type="COGNITO_USER_POOLS",
            api_key_required=True,
        ),
        Method("PUT", Integration(type="AWS_PROXY", uri="arn:aws:apigateway:x", function=None)),
    )
    assert unsupported_features([api]) == [
        "REST API Api: OPTIONS /items: VPC_LINK_THING integrations are not supported yet",
        "REST API Api: GET /items: authorizer None is not defined for this API",
        "REST API Api: PUT /items: the integration URI names no function of this template",
    ]


def test_authorizers_and_api_keys_are_served_when_they_can_run():
    from serverlite.template.model import Authorizer

    method = Method(
        "GET",
        Integration(type="AWS_PROXY", function="Fn"),
        authorization_type="CUSTOM",
        authorizer_id="au0001",
        api_key_required=True,
    )
    api = _api(method)
    runnable = Authorizer(id="au0001", name="Tok", type="TOKEN", function="AuthFn")
    orphan = Authorizer(id="au0001", name="Tok", type="TOKEN", uri="arn:aws:apigateway:x", function=None)
    assert unsupported_features([_with(api, runnable)]) == []
    assert unsupported_features([_with(api, orphan)]) == [
        "REST API Api: GET /items: authorizer Tok names no function of this template"
    ]
    iam = _api(Method("GET", Integration(type="AWS_PROXY", function="Fn"), authorization_type="AWS_IAM"))
    assert unsupported_features([iam]) == []


def _with(api: RestApi, authorizer) -> RestApi:
    import dataclasses

    return dataclasses.replace(api, authorizers={authorizer.id: authorizer})
