"""Access log rendering and MethodSettings lookup (reference apigateway-lambda.md 5.1-5.3)."""

from serverlite.gateway.logs import execution_log_group, method_setting, render_access_log
from serverlite.template.model import MethodSetting, Stage

# The console's JSON format (reference 5.2), one line.
JSON_FORMAT = (
    '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", '
    '"user":"$context.identity.user","requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod",'
    '"resourcePath":"$context.resourcePath", "status":"$context.status","protocol":"$context.protocol", '
    '"responseLength":"$context.responseLength" }'
)


def test_missing_values_render_as_dash():
    """A real line from the older console variant (reference 5.2, G1 18627075763)."""
    values = {
        "requestId": "f56d",
        "identity.sourceIp": "52.68.0.1",
        "requestTime": "13/Feb/2021:07:54:52 +0000",
        "httpMethod": "GET",
        "resourcePath": "/hello",
        "status": 200,
        "protocol": "HTTP/1.1",
        "responseLength": 26,
    }
    assert render_access_log(JSON_FORMAT, values) == (
        '{ "requestId":"f56d", "ip": "52.68.0.1", "caller":"-", "user":"-","requestTime":"13/Feb/2021:07:54:52 +0000",'
        ' "httpMethod":"GET","resourcePath":"/hello", "status":"200","protocol":"HTTP/1.1", "responseLength":"26" }'
    )


def test_clf_format_and_trailing_text():
    line = render_access_log(
        '$context.identity.sourceIp $context.identity.caller [$context.requestTime] "$context.httpMethod '
        '$context.resourcePath $context.protocol" $context.status. done',
        {
            "identity.sourceIp": "1.2.3.4",
            "requestTime": "t",
            "httpMethod": "PUT",
            "resourcePath": "/a",
            "protocol": "HTTP/1.1",
            "status": 404,
        },
    )
    assert line == '1.2.3.4 - [t] "PUT /a HTTP/1.1" 404. done'


def test_method_settings_most_specific_wins():
    stage = Stage(
        name="Test",
        deployment_id="d",
        method_settings=(
            MethodSetting(resource_path="/*", http_method="*", logging_level="INFO"),
            MethodSetting(resource_path="/music", http_method="GET", logging_level="ERROR"),
            MethodSetting(resource_path="/music", http_method="*", logging_level="OFF"),
        ),
    )
    assert method_setting(stage, "/music", "GET").logging_level == "ERROR"
    assert method_setting(stage, "/music", "PUT").logging_level == "OFF"
    assert method_setting(stage, "/other", "GET").logging_level == "INFO"
    assert method_setting(Stage(name="x", deployment_id="d"), "/a", "GET") is None


def test_execution_log_group_name():
    assert execution_log_group("abc123defg", "Test") == "API-Gateway-Execution-Logs_abc123defg/Test"


VALUES = {
    "requestId": "r-1",
    "extendedRequestId": "Jq3xYHk2IAMEabc=",
    "identity.sourceIp": "203.0.113.7",
    "requestTime": "12/Mar/2024:10:11:12 +0000",
    "httpMethod": "POST",
    "resourcePath": "/music",
    "status": 201,
    "protocol": "HTTP/1.1",
    "responseLength": 17,
}


def test_console_xml_format():
    """Reference 5.2, the console's XML button."""
    xml = (
        '<request id="$context.requestId"> <extendedRequestId>$context.extendedRequestId</extendedRequestId> '
        "<ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> "
        "<user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> "
        "<httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> "
        "<status>$context.status</status> <protocol>$context.protocol</protocol> "
        "<responseLength>$context.responseLength</responseLength> </request>"
    )
    assert render_access_log(xml, VALUES) == (
        '<request id="r-1"> <extendedRequestId>Jq3xYHk2IAMEabc=</extendedRequestId> <ip>203.0.113.7</ip> '
        "<caller>-</caller> <user>-</user> <requestTime>12/Mar/2024:10:11:12 +0000</requestTime> "
        "<httpMethod>POST</httpMethod> <resourcePath>/music</resourcePath> <status>201</status> "
        "<protocol>HTTP/1.1</protocol> <responseLength>17</responseLength> </request>"
    )


def test_console_csv_format():
    """Reference 5.2, the console's CSV button."""
    csv = (
        "$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,"
        "$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,"
        "$context.requestId,$context.extendedRequestId"
    )
    assert render_access_log(csv, VALUES) == (
        "203.0.113.7,-,-,12/Mar/2024:10:11:12 +0000,POST,/music,HTTP/1.1,201,17,r-1,Jq3xYHk2IAMEabc="
    )


def test_authorizer_and_api_key_variables():
    from serverlite.gateway.access import Grant
    from serverlite.gateway.gateway import _grant_values

    grant = Grant(
        authorizer={"principalId": "user-1", "tenant": "acme", "claims": {"email": "a@example.com"}},
        identity={"apiKey": "k" * 20, "apiKeyId": "abc123defg"},
    )
    line = render_access_log(
        "$context.authorizer.principalId $context.authorizer.tenant $context.authorizer.claims.email "
        "$context.identity.apiKeyId $context.authorizer.missing $context.authorizer.latency",
        _grant_values(grant),
    )
    assert line == "user-1 acme a@example.com abc123defg - -"
