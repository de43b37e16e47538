"""Issue 4: an `AWS` integration with another AWS service than Lambda is refused naming the service."""

from serverlite.gateway.support import unsupported_features
from serverlite.template.model import Integration, Method, Resource, RestApi


def test_an_aws_service_integration_names_the_service():
    uri = "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem"
    method = Method("POST", Integration(type="AWS", uri=uri, function=None))
    api = RestApi(
        logical_id="Api",
        id="abcdefghij",
        name="Api",
        resources=(Resource(id="r00001", path="/items", methods={"POST": method}),),
        stages={},
    )
    assert unsupported_features([api]) == [
        "REST API Api: POST /items: AWS service integrations (dynamodb) are not supported yet: Lambda functions only"
    ]
