"""The repository's template.yaml (the Music API) loads into the expected model."""

from __future__ import annotations

from pathlib import Path

import pytest

from serverlite.template.load import load_application
from serverlite.template.model import AccessLogSetting, Application, MethodSetting, RestApi

REPO = Path(__file__).resolve().parents[3]
TEMPLATE = REPO / "template.yaml"
ACCESS_LOG_FORMAT = (
    '{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", '
    '"ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", '
    '"user":"$context.identity.user", "requestTime":"$context.requestTime", '
    '"httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", '
    '"status":"$context.status", "protocol":"$context.protocol", '
    '"responseLength":"$context.responseLength" }'
)
DENY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "execute-api:Invoke",
    "Resource": "execute-api:/*",
    "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-0a1b2c3d"}},
}
ALLOW = {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}


@pytest.fixture(scope="module")
def app() -> Application:
    return load_application(TEMPLATE)


@pytest.fixture(scope="module")
def api(app: Application) -> RestApi:
    (only,) = app.rest_apis
    return only


def test_application_facts(app: Application) -> None:
    assert (app.template_path, app.region, app.account_id) == (TEMPLATE, "us-east-1", "123456789012")
    assert app.tables == ()
    assert app.log_groups == ("DemoRESTAPI",)


def test_rest_api(api: RestApi) -> None:
    assert (api.logical_id, api.name, api.endpoint_type, api.binary_media_types) == (
        "DemoRESTAPI",
        "DemoRESTAPI",
        "REGIONAL",
        (),
    )
    assert len(api.id) == 10 and api.id.isalnum() and api.id.islower()
    assert api.id == load_application(TEMPLATE).rest_apis[0].id  # stable across loads


def test_test_stage(api: RestApi) -> None:
    stage = api.stages["Test"]
    assert stage.access_log == AccessLogSetting(
        "arn:aws:logs:us-east-1:123456789012:log-group:DemoRESTAPI:*", ACCESS_LOG_FORMAT
    )
    assert stage.access_log.log_group_name == "DemoRESTAPI"
    assert stage.method_settings == (
        MethodSetting(resource_path="/*", http_method="*", logging_level="INFO", data_trace_enabled=True),
    )
    assert stage.variables == {} and stage.tracing_enabled is False


def test_sam_also_creates_the_stage_named_stage(api: RestApi) -> None:
    """SAM's Deployment carries `StageName: Stage` (the well-known extra stage), sharing the deployment."""
    assert sorted(api.stages) == ["Stage", "Test"]
    assert api.stages["Stage"].deployment_id == api.stages["Test"].deployment_id
    assert len(api.stages["Test"].deployment_id) == 6


def test_resource_tree(api: RestApi) -> None:
    routes = {
        resource.path: {
            name: (m.integration.type, m.integration.function) for name, m in resource.methods.items()
        }
        for resource in api.resources
    }
    table = {"PUT": ("AWS_PROXY", "DemoCreateTable"), "DELETE": ("AWS_PROXY", "DemoDeleteTable")}
    item = {name: ("AWS_PROXY", "DemoHandleItem") for name in ("PUT", "GET", "POST", "DELETE")}
    assert routes == {
        "/": {},
        "/DemoResourceMusic": {},
        "/DemoResourceMusic/DemoResourceMusicItem": item,
        "/DemoResourceMusic/DemoResourceMusicTable": table,
    }
    ids = [resource.id for resource in api.resources]
    assert len(set(ids)) == 4 and all(len(i) == 6 and i.isalnum() and i.islower() for i in ids)


def test_integration_details(api: RestApi) -> None:
    (item,) = [r for r in api.resources if r.path == "/DemoResourceMusic/DemoResourceMusicItem"]
    integration = item.methods["GET"].integration
    assert integration.uri == (
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-east-1:123456789012:function:DemoHandleItem/invocations"
    )
    assert (integration.http_method, integration.timeout_ms, integration.passthrough_behavior) == (
        "POST",
        29000,
        "WHEN_NO_MATCH",
    )
    assert item.methods["GET"].authorization_type == "NONE"


def test_functions(app: Application) -> None:
    handlers = {
        "DemoCreateTable": "create_table.lambda_handler",
        "DemoDeleteTable": "delete_table.lambda_handler",
        "DemoHandleItem": "handle_item.lambda_handler",
    }
    assert {name: f.handler for name, f in app.functions.items()} == handlers
    for name, function in app.functions.items():
        assert (function.name, function.runtime, function.code_dir) == (
            name,
            "python3.12",
            REPO / "music_api",
        )
        assert (function.timeout, function.memory_size, function.inline_code) == (10, 128, None)
        assert function.arn == f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        assert function.role_arn == f"arn:aws:iam::123456789012:role/serverlite-{name}Role"
        assert function.environment == {} and function.log_format == "Text"


def test_policy_default_allows_only(api: RestApi) -> None:
    assert api.policy == {"Version": "2012-10-17", "Statement": [ALLOW]}


def test_policy_enabled_adds_the_deny_statement() -> None:
    app = load_application(TEMPLATE, parameter_overrides={"AllowedSourceVpc": "vpc-0a1b2c3d"})
    assert app.rest_apis[0].policy == {"Version": "2012-10-17", "Statement": [ALLOW, DENY]}


def test_other_region_and_account() -> None:
    app = load_application(TEMPLATE, region="eu-west-1", account_id="111122223333")
    assert (
        app.functions["DemoHandleItem"].arn == "arn:aws:lambda:eu-west-1:111122223333:function:DemoHandleItem"
    )
    stage = app.rest_apis[0].stages["Test"]
    assert stage.access_log is not None
    assert stage.access_log.destination_arn == "arn:aws:logs:eu-west-1:111122223333:log-group:DemoRESTAPI:*"
