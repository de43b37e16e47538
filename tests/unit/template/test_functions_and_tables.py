"""Functions (SAM and plain CloudFormation, local and inline code) and tables."""

from __future__ import annotations

from pathlib import Path

from serverlite.template.load import load_application
from tests.unit.template.conftest import Write

SAM = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    CodeUri: src/
    Runtime: python3.12
    Environment:
      Variables: {SHARED: one, TABLE: !Ref Songs}
Resources:
  Songs:
    Type: AWS::Serverless::SimpleTable
    Properties:
      TableName: songs
      PrimaryKey: {Name: artist, Type: String}
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.read
      MemorySize: 512
      Timeout: 30
      ReservedConcurrentExecutions: 2
      Environment:
        Variables: {DEBUG: true}
      LoggingConfig: {LogFormat: JSON, ApplicationLogLevel: DEBUG, SystemLogLevel: DEBUG}
      Policies:
        - AmazonDynamoDBReadOnlyAccess
        - DynamoDBCrudPolicy:
            TableName: !Ref Songs
      Events:
        Read:
          Type: Api
          Properties: {Path: "/songs/{artist}", Method: any}
  Other:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: other
      Handler: pkg/mod.main
  Inline:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(event, context):\\n    return 1\\n"
      Handler: index.handler
"""


def test_sam_functions(write: Write, tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    app = load_application(write(SAM))
    reader, other, inline = app.functions["Reader"], app.functions["Other"], app.functions["Inline"]
    assert (reader.code_dir, other.code_dir) == (tmp_path / "src", tmp_path / "other")
    assert (reader.handler, reader.runtime, reader.memory_size, reader.timeout) == (
        "app.read",
        "python3.12",
        512,
        30,
    )
    assert reader.environment == {"SHARED": "one", "TABLE": "songs", "DEBUG": "true"}
    assert (reader.reserved_concurrency, reader.log_format) == (2, "JSON")
    assert (reader.application_log_level, reader.system_log_level) == ("DEBUG", "DEBUG")
    assert (other.handler, other.memory_size, other.timeout) == ("pkg/mod.main", 128, 3)
    assert inline.inline_code == "def handler(event, context):\n    return 1\n"
    assert inline.code_dir == tmp_path / ".serverlite" / "inline" / "Inline"


def test_sam_implicit_api_and_simple_table(write: Write, tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    app = load_application(write(SAM))
    (api,) = app.rest_apis
    assert (api.logical_id, sorted(api.stages)) == ("ServerlessRestApi", ["Prod", "Stage"])
    assert [resource.path for resource in api.resources] == ["/", "/songs", "/songs/{artist}"]
    method = api.resources[2].methods["ANY"]
    assert (method.integration.type, method.integration.function) == ("AWS_PROXY", "Reader")
    (table,) = app.tables
    assert (table.logical_id, table.name) == ("Songs", "songs")
    assert table.create_table_request == {
        "TableName": "songs",
        "AttributeDefinitions": [{"AttributeName": "artist", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "artist", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }


def test_sam_api_binary_media_types(write: Write) -> None:
    path = write(
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Api:
            Type: AWS::Serverless::Api
            Properties:
              StageName: v1
              BinaryMediaTypes: ["image~1png", "*~1*"]
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src
              Runtime: python3.12
              Handler: app.handler
              Events:
                Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /, Method: get}}
        """
    )
    (api,) = load_application(path).rest_apis
    assert api.binary_media_types == ("image/png", "*/*")
    assert api.resources[0].methods["GET"].integration.function == "Fn"


def test_plain_cloudformation_json(write: Write, tmp_path: Path) -> None:
    path = write(
        """
        {
        \t"Resources": {
        \t\t"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
        \t\t\t"Code": "src", "Runtime": "python3.11", "Handler": "app.h", "MemorySize": "256",
        \t\t\t"Role": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/fixed"}}},
        \t\t"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
        \t\t\t"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
        \t\t\t\t{"AttributeName": "sk", "AttributeType": "N"}],
        \t\t\t"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        \t\t\t"BillingMode": "PROVISIONED",
        \t\t\t"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": "1"},
        \t\t\t"GlobalSecondaryIndexes": [{"IndexName": "bySk", "KeySchema": [{"AttributeName": "sk", "KeyType": "HASH"}],
        \t\t\t\t"Projection": {"ProjectionType": "ALL"},
        \t\t\t\t"ProvisionedThroughput": {"ReadCapacityUnits": "2", "WriteCapacityUnits": 2},
        \t\t\t\t"ContributorInsightsSpecification": {"Enabled": true}}],
        \t\t\t"SSESpecification": {"SSEEnabled": true},
        \t\t\t"TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": true}}}
        \t}
        }
        """,
        name="template.json",
    )
    app = load_application(path)
    function = app.functions["Fn"]
    assert (function.code_dir, function.memory_size, function.role_arn) == (
        tmp_path / "src",
        256,
        "arn:aws:iam::123456789012:role/fixed",
    )
    (table,) = app.tables
    assert table.create_table_request == {
        "TableName": "Table",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "bySk",
                "KeySchema": [{"AttributeName": "sk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2},
            }
        ],
        "SSESpecification": {"Enabled": True},
    }
    assert table.time_to_live_attribute == "ttl"


def test_a_function_without_code_uri_has_its_code_in_the_template_folder(
    write: Write, tmp_path: Path
) -> None:
    # SAM CLI's rule (sam init's "web backend with connectors" quick start has no CodeUri).
    app = load_application(
        write(
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Description: dropped by the SAM transform, accepted
                Properties: {Handler: src/handlers/get.handler, Runtime: python3.12}
            """
        )
    )
    assert app.functions["Fn"].code_dir == tmp_path


def test_an_event_path_with_a_trailing_slash_is_its_resource_without_it(write: Write) -> None:
    app = load_application(
        write(
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: app.handler
                  Runtime: python3.12
                  CodeUri: src
                  Events:
                    Slash: {Type: Api, Properties: {Path: /songs/, Method: get}}
                    Plain: {Type: Api, Properties: {Path: /songs, Method: post}}
            """
        )
    )
    (api,) = app.rest_apis
    assert [(resource.path, sorted(resource.methods)) for resource in api.resources] == [
        ("/", []),
        ("/songs", ["GET", "POST"]),
    ]


def test_a_zip_code_uri_is_unpacked_once_by_content(write: Write, tmp_path: Path, monkeypatch) -> None:
    import zipfile

    monkeypatch.setenv("SERVERLITE_CACHE_DIR", str(tmp_path / "cache"))
    with zipfile.ZipFile(tmp_path / "code.zip", "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    template = """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {Handler: app.handler, Runtime: python3.12, CodeUri: code.zip}
        """
    first = load_application(write(template)).functions["Fn"].code_dir
    assert (first / "app.py").read_text() == "def handler(event, context):\n    return 1\n"
    assert first.parent == tmp_path / "cache" / "archives"
    assert load_application(write(template)).functions["Fn"].code_dir == first
