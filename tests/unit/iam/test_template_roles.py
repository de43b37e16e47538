"""Roles and their policies come into the model from the template (template/iam.py)."""

from __future__ import annotations

import json

from serverlite.template.iam import role_sessions
from serverlite.template.load import load_application

TEMPLATE = {
    "Resources": {
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "FunctionName": "Fn",
                "Handler": "app.handler",
                "Runtime": "python3.12",
                "Code": {"ZipFile": "def handler(e, c): return 1"},
                "Role": {"Fn::GetAtt": ["FnRole", "Arn"]},
            },
        },
        "FnRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": "fn-role",
                "ManagedPolicyArns": [
                    "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
                    "arn:aws:iam::aws:policy/NotShipped",
                ],
                "Policies": [{"PolicyName": "inline", "PolicyDocument": {"Statement": []}}],
            },
        },
        "Extra": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "extra",
                "PolicyDocument": {
                    "Statement": [{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}]
                },
                "Roles": [{"Ref": "FnRole"}],
            },
        },
    }
}


def test_roles_carry_inline_attached_and_managed_policies(tmp_path):
    path = tmp_path / "template.json"
    path.write_text(json.dumps(TEMPLATE))
    application = load_application(path)
    (role,) = application.roles
    assert (role.name, role.arn) == ("fn-role", "arn:aws:iam::123456789012:role/fn-role")
    assert [name for name, _ in role.policies] == ["inline", "extra"]
    sessions, policies = role_sessions(application.functions.values(), application.roles)
    assert [(s.role_arn, s.session_name) for s in sessions] == [(role.arn, "Fn")]
    names = [name for name, _ in policies[role.arn]]
    assert names == ["inline", "extra", "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"]
