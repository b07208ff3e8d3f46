"""CloudFormation tables derived from the PynamoDB models, so the stack and the code cannot disagree.

Every table: keys, attribute definitions, global secondary indexes and projections exactly as the model
declares them (through PynamoDB's own schema, the one `create_table` sends), on-demand billing, TTL where
the model has a `TTLAttribute`, point-in-time recovery, deletion protection, KMS encryption at rest, and
`Retain` on delete and on replacement: losing an order book to a stack mistake is not recoverable.
"""

import inspect
from typing import Any

from pynamodb.models import Model

from chalicelib.store.models import MODELS

Json = dict[str, Any]


def table_variable(model: type[Model]) -> str:
    """The environment variable that carries the model's table name (`ORDERS_TABLE`, ...)."""
    descriptor = inspect.getattr_static(model.Meta, "table_name")
    variable = getattr(descriptor, "variable", None)
    if not isinstance(variable, str):
        raise TypeError(f"{model.__name__}.Meta.table_name must be resolved from an environment variable")
    return variable


def logical_id(variable: str) -> str:
    """`ORDERS_TABLE` -> `OrdersTable`: the table's resource name in the template."""
    return "".join(part.capitalize() for part in variable.split("_"))


def table_logical_ids() -> dict[str, str]:
    """Environment variable -> logical id, for every model."""
    return {table_variable(model): logical_id(table_variable(model)) for model in MODELS}


def _key_schema(elements: list[Json]) -> list[Json]:
    # DynamoDB wants HASH before RANGE; PynamoDB lists them in attribute order.
    ordered = sorted(elements, key=lambda element: element["KeyType"] != "HASH")
    return [{"AttributeName": e["AttributeName"], "KeyType": e["KeyType"]} for e in ordered]


def _projection(projection: Json) -> Json:
    out: Json = {"ProjectionType": projection["ProjectionType"]}
    if projection.get("NonKeyAttributes"):
        out["NonKeyAttributes"] = sorted(projection["NonKeyAttributes"])
    return out


def table_properties(model: type[Model]) -> Json:
    schema = model._get_schema()
    if schema["local_secondary_indexes"]:
        raise NotImplementedError("local secondary indexes are not mapped yet")
    definitions = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    for index in schema["global_secondary_indexes"]:
        definitions.update({d["AttributeName"]: d["AttributeType"] for d in index["attribute_definitions"]})
    properties: Json = {
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": kind}
                                 for name, kind in sorted(definitions.items())],
        "KeySchema": _key_schema(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "DeletionProtectionEnabled": True,
        "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS"},
        "Tags": [{"Key": "app", "Value": "cancellation-desk"}],
    }
    indexes = sorted(schema["global_secondary_indexes"], key=lambda index: index["index_name"])
    if indexes:
        properties["GlobalSecondaryIndexes"] = [
            {"IndexName": index["index_name"], "KeySchema": _key_schema(index["key_schema"]),
             "Projection": _projection(index["projection"])}
            for index in indexes
        ]
    stream = getattr(model.Meta, "stream_view_type", None)
    if stream is not None:
        properties["StreamSpecification"] = {"StreamViewType": stream}
    ttl = model._ttl_attribute()
    if ttl is not None:
        properties["TimeToLiveSpecification"] = {"AttributeName": ttl.attr_name, "Enabled": True}
    return properties


def table_resources() -> dict[str, Json]:
    return {
        logical_id(table_variable(model)): {
            "Type": "AWS::DynamoDB::Table",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": table_properties(model),
        }
        for model in MODELS
    }
