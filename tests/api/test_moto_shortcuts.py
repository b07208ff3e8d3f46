"""devtools/moto_shortcuts.py writes moto's answers to the item calls without moto's serializer: botocore
reads exactly what it read before, for every item call and every kind of attribute value. A cancelled
transaction leaves the tables as moto's own backup did, and the embedded server finds a backend without
reading moto's folder again."""

import os
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from devtools import moto_shortcuts

# Newer botocore prefixes the streams endpoint with the account id, which moto does not route.
_STREAMS = Config(account_id_endpoint_mode="disabled")
ITEM = {"pk": {"S": "P1"}, "sk": {"N": "1"}, "bin": {"B": b"\x00\xffraw"}, "bins": {"BS": [b"a", b"\x01"]},
        "nums": {"NS": ["1", "2.5"]}, "strs": {"SS": ["x", "y"]}, "flag": {"BOOL": True}, "nothing": {"NULL": True},
        "list": {"L": [{"S": "a"}, {"N": "3"}, {"M": {"deep": {"B": b"\x02"}}}]},
        "map": {"M": {"k": {"S": "v"}, "empty": {"L": []}}}, "gsi": {"S": "G"}}


def calls(client: Any) -> Iterator[tuple[str, Any]]:
    """Every item call, with the options that shape its answer; each yields what botocore read."""
    table = "answers"
    client.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in (("pk", "S"), ("sk", "N"),
                                                                                     ("gsi", "S"))],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_gsi", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "gsi", "KeyType": "HASH"}]}])
    key = {"pk": {"S": "P1"}, "sk": {"N": "1"}}
    yield "put", client.put_item(TableName=table, Item=ITEM, ReturnConsumedCapacity="TOTAL")
    yield "put old", client.put_item(TableName=table, Item=ITEM, ReturnValues="ALL_OLD")
    for n in range(2, 6):
        client.put_item(TableName=table, Item={**ITEM, "sk": {"N": str(n)}})
    yield "get", client.get_item(TableName=table, Key=key, ConsistentRead=True)
    yield "get missing", client.get_item(TableName=table, Key={"pk": {"S": "none"}, "sk": {"N": "0"}})
    yield "get projected", client.get_item(TableName=table, Key=key, ProjectionExpression="bin, #l",
                                           ExpressionAttributeNames={"#l": "list"})
    for values in ("ALL_NEW", "ALL_OLD", "UPDATED_NEW", "UPDATED_OLD", "NONE"):
        yield f"update {values}", client.update_item(
            TableName=table, Key=key, UpdateExpression="ADD tally :one SET #m.k = :v",
            ExpressionAttributeNames={"#m": "map"},
            ExpressionAttributeValues={":one": {"N": "1"}, ":v": {"S": values}}, ReturnValues=values,
            ReturnConsumedCapacity="INDEXES")
    yield "query page", client.query(TableName=table, KeyConditionExpression="pk = :p",
                                     ExpressionAttributeValues={":p": {"S": "P1"}}, Limit=2,
                                     ScanIndexForward=False, ReturnConsumedCapacity="TOTAL")
    yield "query count", client.query(TableName=table, KeyConditionExpression="pk = :p", Select="COUNT",
                                      ExpressionAttributeValues={":p": {"S": "P1"}})
    yield "query index", client.query(TableName=table, IndexName="by_gsi", KeyConditionExpression="gsi = :g",
                                      ExpressionAttributeValues={":g": {"S": "G"}}, Limit=3)
    yield "query filtered", client.query(TableName=table, KeyConditionExpression="pk = :p",
                                         FilterExpression="sk > :s", ExpressionAttributeValues={
                                             ":p": {"S": "P1"}, ":s": {"N": "3"}})
    yield "scan", client.scan(TableName=table, Limit=3)
    yield "batch get", client.batch_get_item(RequestItems={table: {"Keys": [key, {"pk": {"S": "P1"},
                                                                                  "sk": {"N": "9"}}]}})
    yield "batch write", client.batch_write_item(RequestItems={table: [
        {"PutRequest": {"Item": {**ITEM, "sk": {"N": "7"}}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "P1"}, "sk": {"N": "5"}}}}]})
    yield "transact get", client.transact_get_items(TransactItems=[
        {"Get": {"TableName": table, "Key": key}}, {"Get": {"TableName": table, "Key": {
            "pk": {"S": "P1"}, "sk": {"N": "9"}}}}])
    yield "transact write", client.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": {**ITEM, "sk": {"N": "8"}}}},
        {"Update": {"TableName": table, "Key": key, "UpdateExpression": "SET flag = :f",
                    "ExpressionAttributeValues": {":f": {"BOOL": False}}}}])
    yield "delete old", client.delete_item(TableName=table, Key=key, ReturnValues="ALL_OLD")
    yield "delete none", client.delete_item(TableName=table, Key=key)


def read(install: Callable[[], None]) -> list[tuple[str, Any]]:
    install()
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name="us-east-1")
            answers = []
            for name, answer in calls(client):
                meta = answer.pop("ResponseMetadata")
                answers.append((name, answer, meta["HTTPStatusCode"],
                                meta["HTTPHeaders"]["content-type"]))
            return answers
    finally:
        moto_shortcuts.install()  # as the test session runs (tests/support/patches.py)


@pytest.fixture(scope="module")
def both() -> tuple[list[Any], list[Any]]:
    return read(moto_shortcuts.uninstall), read(moto_shortcuts.install)


def test_botocore_reads_the_same_answer_to_every_item_call(both):
    by_serializer, written = both
    assert [name for name, *_ in written] == [name for name, *_ in by_serializer]
    for serialized, direct in zip(by_serializer, written, strict=True):
        assert direct == serialized, serialized[0]


def test_the_answers_compared_hold_every_kind_of_value_and_every_optional_member(both):
    answers = dict((name, answer) for name, answer, *_ in both[1])
    assert answers["get"]["Item"] == {**{k: v for k, v in ITEM.items() if k not in ("bins", "nums", "strs")},
                                      "bins": {"BS": [b"a", b"\x01"]}, "nums": answers["get"]["Item"]["nums"],
                                      "strs": answers["get"]["Item"]["strs"]}
    assert "Item" not in answers["get missing"]
    assert "LastEvaluatedKey" in answers["query page"] and "Items" not in answers["query count"]
    assert answers["put"]["ConsumedCapacity"]["TableName"] == "answers"
    assert answers["update ALL_NEW"]["Attributes"]["tally"] == {"N": "1"}
    assert answers["batch get"]["Responses"]["answers"] and answers["batch write"]["UnprocessedItems"] == {}
    assert "Attributes" not in answers["delete none"]


def transactions(install: Callable[[], None]) -> list[Any]:
    """Two tables (one with a range key and a stream), then transactions that fail at their last operation after
    a put, an update and a delete on each, a transaction naming one item twice, one that succeeds, and what the
    tables and the stream hold after each."""
    install()
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name="us-east-1")
            streams = boto3.client("dynamodbstreams", region_name="us-east-1", config=_STREAMS)
            client.create_table(TableName="ranged", BillingMode="PAY_PER_REQUEST",
                                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                      {"AttributeName": "sk", "AttributeType": "N"}],
                                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                           {"AttributeName": "sk", "KeyType": "RANGE"}],
                                StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
            client.create_table(TableName="flat", BillingMode="PAY_PER_REQUEST",
                                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
            for n in (1, 2):
                client.put_item(TableName="ranged", Item={"pk": {"S": "P"}, "sk": {"N": str(n)}, "v": {"N": "0"}})
                client.put_item(TableName="flat", Item={"pk": {"S": f"F{n}"}, "v": {"N": "0"}})
            arn = client.describe_table(TableName="ranged")["Table"]["LatestStreamArn"]
            shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
            iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                                  ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

            def state() -> Any:
                records = streams.get_records(ShardIterator=iterator)["Records"]
                return ([sorted(client.scan(TableName=t)["Items"], key=repr) for t in ("ranged", "flat")],
                        [(r["eventName"], r["dynamodb"]["Keys"]) for r in records])

            bump = {"UpdateExpression": "ADD v :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}
            fails = {"ConditionExpression": "attribute_not_exists(pk)"}
            writes = [
                {"Put": {"TableName": "ranged", "Item": {"pk": {"S": "P"}, "sk": {"N": "3"}}}},
                {"Update": {"TableName": "ranged", "Key": {"pk": {"S": "P"}, "sk": {"N": "1"}}, **bump}},
                {"Delete": {"TableName": "ranged", "Key": {"pk": {"S": "P"}, "sk": {"N": "2"}}}},
                {"Put": {"TableName": "ranged", "Item": {"pk": {"S": "NEW"}, "sk": {"N": "1"}}}},
                {"Put": {"TableName": "flat", "Item": {"pk": {"S": "F3"}}}},
                {"Update": {"TableName": "flat", "Key": {"pk": {"S": "F1"}}, **bump}},
                {"Delete": {"TableName": "flat", "Key": {"pk": {"S": "F2"}}}},
            ]
            seen = [state()]
            failing = [
                [*writes, {"ConditionCheck": {"TableName": "flat", "Key": {"pk": {"S": "F1"}}, **fails}}],
                [*writes, {"Update": {"TableName": "ranged", "Key": {"pk": {"S": "P"}, "sk": {"N": "9"}}, **bump,
                                      **fails, "ConditionExpression": "attribute_exists(pk)"}}],
                [writes[1], {"Update": {"TableName": "ranged", "Key": {"pk": {"S": "P"}, "sk": {"N": "1"}}, **bump}}],
            ]
            for transaction in failing:
                with pytest.raises(client.exceptions.ClientError) as refused:
                    client.transact_write_items(TransactItems=transaction)
                seen.append((refused.value.response["Error"]["Code"], state()))
            client.transact_write_items(TransactItems=writes)
            seen.append(state())
            return seen
    finally:
        moto_shortcuts.install()


def test_a_failed_transaction_leaves_the_tables_as_moto_does_and_writes_no_stream_record():
    by_moto, shortcut = transactions(moto_shortcuts.uninstall), transactions(moto_shortcuts.install)
    (tables_before, records_before), *refused, applied = shortcut
    assert [code for code, _ in refused] == ["ValidationException", "TransactionCanceledException",
                                             "ValidationException"]  # an item named twice, a condition, a key
    assert [(code, tables) for code, (tables, _) in refused] == [(code, tables) for code, (tables, _) in by_moto[1:-1]]
    assert all(tables == tables_before for _, (tables, _) in refused)
    # DynamoDB streams no record of a cancelled transaction. moto's own backup puts back a copy of the table's
    # stream, so a reader already on the stream (its iterator holds the stream) read the cancelled writes' records.
    assert all(records == records_before for _, (_, records) in refused)
    assert applied == by_moto[-1] and len(applied[1]) == len(records_before) + 4  # put, update, delete, put


def test_the_embedded_server_finds_a_hosts_backend_without_reading_motos_folder_again(monkeypatch):
    server = DomainDispatcherApplication(create_backend_app)
    assert server.get_backend_for_host("dynamodb") == "dynamodb"  # the folder read once, if not yet
    reads: list[str] = []
    listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path: reads.append(path) or listdir(path))
    assert [server.get_backend_for_host(host) for host in ("dynamodb", "sqs", "events", "s3")] == [
        "dynamodb", "sqs", "events", "s3"]
    assert reads == []
    moto_shortcuts.uninstall()
    try:
        assert server.get_backend_for_host("dynamodb") == "dynamodb" and reads  # moto's own reads it per request
    finally:
        moto_shortcuts.install()
