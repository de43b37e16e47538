"""partiql/keys.py and partiql/projection.py: key equalities in a WHERE and SELECT's result names."""

from __future__ import annotations

import pytest

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import Comparison, Path, Value
from serverlite.dynamodb.partiql.ast import Select
from serverlite.dynamodb.partiql.keys import INCOMPLETE_KEY, split_key
from serverlite.dynamodb.partiql.parser import parse
from serverlite.dynamodb.partiql.projection import alias, select_paths


def _where(condition: str) -> object:
    statement = parse(f"SELECT * FROM T WHERE {condition}", [])
    assert isinstance(statement, Select)
    return statement.where


def test_split_key_finds_equalities_inside_grouped_and() -> None:
    # floci DynamoDbPartiQLEdgeCaseIntegrationTest readsKeyEqualitiesInsideAGroupedAnd (AWS).
    key, rest = split_key(_where("(pk = 'a' AND 1 = sk) AND flag = 'x'"), ["pk", "sk"])
    assert key == {"pk": {"S": "a"}, "sk": {"N": "1"}}
    assert rest == [Comparison("=", Path(("flag",)), Value("literal", {"S": "x"}))]


def test_split_key_needs_every_key_attribute() -> None:
    # nubo-db/dynamodb-conformance tests/tier2/partiql/executeStatement.test.ts (AWS).
    with pytest.raises(ValidationException) as caught:
        split_key(_where("pk = 'a' OR sk = 1"), ["pk", "sk"])
    assert (
        caught.value.message
        == INCOMPLETE_KEY
        == ("Where clause does not contain a mandatory equality on all key attributes")
    )


def test_projection_names_each_path_by_its_last_name() -> None:
    # conformance executeStatement.test.ts: SELECT mymap.nested answers {"nested": ...} (AWS).
    item = {"pk": {"S": "p"}, "mymap": {"M": {"nested": {"S": "deep"}}}, "l": {"L": [{"S": "a"}]}}
    selected = select_paths(item, (Path(("mymap", "nested")), Path(("l", 0)), Path(("gone",))))
    assert selected == {"nested": {"S": "deep"}, "l[0]": {"S": "a"}}
    assert alias(Path(("a", "b", 2))) == "a.b[2]"
    assert select_paths(item, None) is item
