"""The events' side of a test desk: the outbox's stream as Lambda hands it over, the bus with a queue that keeps
what reaches it (as a subscriber's rule would), the dead-letter queue, and the whole feed of a seller."""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import boto3
from botocore.config import Config

from chalicelib import config
from chalicelib.store.models import EventItem

DLQ_NAME = "cancel-desk-events-dlq"
# Newer botocore prefixes the streams endpoint with the account id, which moto does not route.
_STREAMS = Config(account_id_endpoint_mode="disabled")


class Stream:
    """The events table's stream, read from where the last `records()` stopped."""

    def __init__(self) -> None:
        self.client = boto3.client("dynamodbstreams", config=_STREAMS)
        self.arn = boto3.client("dynamodb").describe_table(TableName=EventItem.Meta.table_name)["Table"][
            "LatestStreamArn"]
        self._iterators: dict[str, str | None] = {}

    def records(self) -> list[dict[str, Any]]:
        """The new records, shaped as Lambda's event hands them to the function."""
        out: list[dict[str, Any]] = []
        for shard in self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self.client.get_shard_iterator(
                    StreamArn=self.arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            iterator = self._iterators[shard_id]
            while iterator:
                answer = self.client.get_records(ShardIterator=iterator)
                iterator = answer.get("NextShardIterator")
                self._iterators[shard_id] = iterator
                if not answer["Records"]:
                    break
                out += [lambda_record(record, self.arn) for record in answer["Records"]]
        return out


def lambda_record(record: dict[str, Any], arn: str) -> dict[str, Any]:
    shaped = json.loads(json.dumps(record, default=lambda value: value.timestamp()))
    shaped["eventSourceARN"] = arn
    return shaped


class Bus:
    """The stack's bus in moto, with a rule sending everything of `cancel-desk` to a queue the test reads."""

    def __init__(self) -> None:
        self.events = boto3.client("events")
        self.sqs = boto3.client("sqs")
        name = config.settings().event_bus_name
        self.arn = self.events.create_event_bus(Name=name)["EventBusArn"]
        self.tap = self.sqs.create_queue(QueueName="bus-tap")["QueueUrl"]
        tap_arn = self.sqs.get_queue_attributes(QueueUrl=self.tap, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"]
        self.events.put_rule(Name="tap", EventBusName=name, EventPattern=json.dumps({"source": ["cancel-desk"]}))
        self.events.put_targets(Rule="tap", EventBusName=name, Targets=[{"Id": "tap", "Arn": tap_arn}])
        self.dlq = self.sqs.create_queue(QueueName=DLQ_NAME)["QueueUrl"]

    def _drain(self, url: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return out
            for message in messages:
                out.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def received(self) -> list[dict[str, Any]]:
        """What reached the bus since the last call: EventBridge's events (`detail-type`, `detail`, ...)."""
        return self._drain(self.tap)

    def dead_letters(self) -> list[dict[str, Any]]:
        return self._drain(self.dlq)


@contextmanager
def bus_and_dead_letters() -> Iterator[Bus]:
    from chalicelib.events import publisher

    publisher.reset()
    bus = Bus()
    saved = os.environ.get("EVENTS_DLQ_URL")
    os.environ["EVENTS_DLQ_URL"] = bus.dlq
    try:
        yield bus
    finally:
        if saved is None:
            os.environ.pop("EVENTS_DLQ_URL", None)
        else:
            os.environ["EVENTS_DLQ_URL"] = saved
        publisher.reset()


def settle_step() -> timedelta:
    """How far to move a frozen clock so that everything committed so far is in the feed."""
    return timedelta(seconds=config.settings().event_feed_settle_seconds + 1)


def whole_feed(api: Any, token: str, clock: Any, query: str = "", limit: int = 100) -> list[dict[str, Any]]:
    """Every event of the caller's feed, read as it will be once settled; the clock is put back after."""
    step = settle_step()
    clock.shift(step)
    try:
        events: list[dict[str, Any]] = []
        cursor = None
        while True:
            path = f"/seller/events?limit={limit}" + (f"&{query}" if query else "") + \
                (f"&cursor={cursor}" if cursor else "")
            response = api.get(path, token)
            assert response.status_code == 200, response.json
            events += response.json["items"]
            assert response.json["next_cursor"]
            if not response.json["items"] or cursor == response.json["next_cursor"]:
                return events
            cursor = response.json["next_cursor"]
    finally:
        clock.shift(-step)
