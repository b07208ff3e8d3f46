"""The stack's tables are the models' tables: keys, attribute types, indexes, projections, TTL.

Three views must agree: the PynamoDB models read attribute by attribute, the tables `create_tables` builds
from them (as DynamoDB, here moto, describes them), and the CloudFormation resources in the merge template.
"""

from typing import Any

import boto3
import pytest
from pynamodb.attributes import TTLAttribute
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib import config
from chalicelib.store.models import MODELS
from infra.tables import logical_id, table_variable
from infra.template import merge_template

Shape = dict[str, Any]


def _keys(elements: list[dict[str, str]], types: dict[str, str]) -> dict[str, tuple[str, str]]:
    return {e["KeyType"]: (e["AttributeName"], types[e["AttributeName"]]) for e in elements}


def _projection(projection: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    return projection["ProjectionType"], tuple(sorted(projection.get("NonKeyAttributes", [])))


def shape_of_model(model: type[Model]) -> Shape:
    """Read from the model's attributes and index classes (not from PynamoDB's schema builder)."""
    attributes = model.get_attributes()

    def key_of(owner_attributes) -> dict[str, tuple[str, str]]:
        keys = {}
        for attribute in owner_attributes.values():
            if attribute.is_hash_key:
                keys["HASH"] = (attribute.attr_name, attribute.attr_type)
            if attribute.is_range_key:
                keys["RANGE"] = (attribute.attr_name, attribute.attr_type)
        return keys

    indexes = {}
    for value in vars(model).values():
        if isinstance(value, GlobalSecondaryIndex):
            meta = value.Meta
            projection = meta.projection
            indexes[meta.index_name] = {
                "keys": key_of(meta.attributes),
                "projection": (projection.projection_type, tuple(sorted(getattr(projection, "non_key_attributes",
                                                                                None) or []))),
            }
    ttl = [a.attr_name for a in attributes.values() if isinstance(a, TTLAttribute)]
    return {"keys": key_of(attributes), "indexes": indexes, "ttl": ttl[0] if ttl else None}


def shape_of_resource(properties: dict[str, Any]) -> Shape:
    types = {d["AttributeName"]: d["AttributeType"] for d in properties["AttributeDefinitions"]}
    ttl = properties.get("TimeToLiveSpecification")
    return {
        "keys": _keys(properties["KeySchema"], types),
        "indexes": {index["IndexName"]: {"keys": _keys(index["KeySchema"], types),
                                         "projection": _projection(index["Projection"])}
                    for index in properties.get("GlobalSecondaryIndexes", [])},
        "ttl": ttl["AttributeName"] if ttl and ttl["Enabled"] else None,
    }


def shape_of_description(table: dict[str, Any], ttl: dict[str, Any]) -> Shape:
    types = {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]}
    return {
        "keys": _keys(table["KeySchema"], types),
        "indexes": {index["IndexName"]: {"keys": _keys(index["KeySchema"], types),
                                         "projection": _projection(index["Projection"])}
                    for index in table.get("GlobalSecondaryIndexes", [])},
        "ttl": ttl["AttributeName"] if ttl.get("TimeToLiveStatus") == "ENABLED" else None,
    }


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return merge_template()["Resources"]


def tables_in(resources: dict[str, Any]) -> dict[str, Any]:
    return {name: r for name, r in resources.items() if r.get("Type") == "AWS::DynamoDB::Table"}


def test_every_model_has_exactly_one_table(resources):
    assert set(tables_in(resources)) == {logical_id(table_variable(model)) for model in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_template_declares_the_models_table(resources, model):
    properties = resources[logical_id(table_variable(model))]["Properties"]
    assert shape_of_resource(properties) == shape_of_model(model)
    # Attribute definitions: exactly the key attributes of the table and its indexes (CloudFormation refuses
    # unused ones, and a missing one would not deploy).
    used = {e["AttributeName"] for e in properties["KeySchema"]}
    used |= {e["AttributeName"] for i in properties.get("GlobalSecondaryIndexes", []) for e in i["KeySchema"]}
    assert {d["AttributeName"] for d in properties["AttributeDefinitions"]} == used
    assert all(i["KeySchema"][0]["KeyType"] == "HASH" for i in properties.get("GlobalSecondaryIndexes", []))
    assert properties["KeySchema"][0]["KeyType"] == "HASH"


def test_the_template_matches_the_tables_the_code_creates(resources, tables_and_queues):
    """`create_tables` (what tests and the local runner use) and the stack build the same tables."""
    client = boto3.client("dynamodb")
    for model in MODELS:
        name = config.table_name(table_variable(model))
        described = shape_of_description(client.describe_table(TableName=name)["Table"],
                                         client.describe_time_to_live(TableName=name)["TimeToLiveDescription"])
        assert shape_of_resource(resources[logical_id(table_variable(model))]["Properties"]) == described, name


@pytest.mark.parametrize("name", [logical_id(table_variable(model)) for model in MODELS])
def test_every_table_is_protected_and_on_demand(resources, name):
    table = resources[name]
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in properties
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["DeletionProtectionEnabled"] is True
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert "TableName" not in properties  # CloudFormation names it; the functions get the name by Ref


def test_a_drifted_model_is_noticed(resources):
    """The comparison is not vacuous: change one detail of a table and the shapes differ."""
    model = MODELS[0]
    properties = dict(resources[logical_id(table_variable(model))]["Properties"])
    index = dict(properties["GlobalSecondaryIndexes"][0])
    index["Projection"] = {"ProjectionType": "KEYS_ONLY"}
    properties["GlobalSecondaryIndexes"] = [index, *properties["GlobalSecondaryIndexes"][1:]]
    assert shape_of_resource(properties) != shape_of_model(model)
