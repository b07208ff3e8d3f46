"""Events out on the local stage: the bus and the dead-letter queue in the embedded moto, and a pump that reads the
events table's stream from moto's DynamoDB Streams and hands each batch to the stream function's own handler, as
Lambda's event source mapping would (partial batch responses honoured: a batch that reports a failure is handed
over again from that record).

`LocalEvents.subscribe(name, pattern)` adds a rule on the bus with an SQS queue as its target and returns the
queue's URL: how a local consumer (a webhook dispatcher, a test) gets the events the way a stack's rule would.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any

from chalice.app import Chalice
from chalice.local import LambdaContext

from devtools import demo

STREAM_FUNCTION = "publish_events"
# The services beside DynamoDB the local stage reaches on the embedded moto (botocore's AWS_ENDPOINT_URL_<id>).
SERVICES = ("EVENTBRIDGE", "SQS", "DYNAMODB_STREAMS")
DLQ_NAME = "cancel-desk-events-dlq"
PUMP_SECONDS = 0.2
# Locally a write takes milliseconds, not a Lambda's timeout: the feed may settle in 2 s.
LOCAL_DEFAULTS = {"EVENT_FEED_SETTLE_SECONDS": "2"}

log = logging.getLogger("devtools.events_local")


def reset_backends() -> None:
    """moto's EventBridge and SQS are process-wide: a stack started after another must not see its bus."""
    from moto.events.models import events_backends
    from moto.sqs.models import sqs_backends

    events_backends.reset()
    sqs_backends.reset()


def _client(service: str) -> Any:
    import boto3  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]

    # Newer botocore puts the account id in the streams host name; the embedded moto is one host.
    return boto3.client(service, config=Config(account_id_endpoint_mode="disabled"))


class LocalEvents:
    def __init__(self, app: Chalice, endpoint: str, interval: float = PUMP_SECONDS) -> None:
        self.handler = app.handler_map[STREAM_FUNCTION]
        self.function_name = f"{app.app_name}-dev-{STREAM_FUNCTION}"
        self.endpoint = endpoint
        self.interval = interval
        self.bus_name = ""
        self.bus_arn = ""
        self.dlq_url = ""
        self.published = 0
        self.batches = 0
        self._iterators: dict[str, str | None] = {}
        self._stream_arn = ""
        self._streams: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- setup

    def start(self, *, from_latest: bool = False) -> LocalEvents:
        """The bus and the queue (the environment must already point every client at the embedded moto).

        `from_latest`: read the stream from after what it holds now (restored items: published in an earlier
        run), as a new event source mapping at LATEST would; else from the start, as at TRIM_HORIZON."""
        from chalicelib import config
        from chalicelib.events import publisher
        from chalicelib.store.models import EventItem

        publisher.reset()
        self.bus_name = config.settings().event_bus_name
        self.bus_arn = _client("events").create_event_bus(Name=self.bus_name)["EventBusArn"]
        self.dlq_url = _client("sqs").create_queue(QueueName=DLQ_NAME)["QueueUrl"]
        os.environ["EVENTS_DLQ_URL"] = self.dlq_url
        self._streams = _client("dynamodbstreams")
        self._stream_arn = _client("dynamodb").describe_table(TableName=EventItem.Meta.table_name)["Table"][
            "LatestStreamArn"]
        if from_latest:
            self._iterators = {shard["ShardId"]: self._streams.get_shard_iterator(
                StreamArn=self._stream_arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST")["ShardIterator"]
                for shard in self._streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]["Shards"]}
        self._thread = threading.Thread(target=self._loop, name="local-events", daemon=True)
        self._thread.start()
        return self

    def subscribe(self, name: str, pattern: dict[str, Any]) -> str:
        """A rule on the bus sending what matches `pattern` to a new queue `name`; the queue's URL."""
        sqs = _client("sqs")
        url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events = _client("events")
        events.put_rule(Name=name, EventBusName=self.bus_name, EventPattern=json.dumps(pattern))
        events.put_targets(Rule=name, EventBusName=self.bus_name, Targets=[{"Id": name, "Arn": arn}])
        return url

    # -- the pump

    def _records(self) -> list[tuple[str, dict[str, Any]]]:
        """(shard, record) of what is new on the stream, in order, as Lambda shapes them."""
        streams = self._streams
        found: list[tuple[str, dict[str, Any]]] = []
        for shard in streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = streams.get_shard_iterator(
                    StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            iterator = self._iterators[shard_id]
            if iterator is None:
                continue
            answer = streams.get_records(ShardIterator=iterator, Limit=100)
            for record in answer["Records"]:
                shaped = json.loads(json.dumps(record, default=lambda value: value.timestamp()))
                shaped["eventSourceARN"] = self._stream_arn
                found.append((shard_id, shaped))
            self._iterators[shard_id] = answer.get("NextShardIterator")
        return found

    def pump(self) -> int:
        """Hands what is new on the stream to the stream function; the number of records it took."""
        with self._lock:
            records = self._records()
            if not records:
                return 0
            context = LambdaContext(self.function_name, memory_size=256, max_runtime_ms=60_000)
            answer = self.handler({"Records": [record for _, record in records]}, context)
            failed = {item["itemIdentifier"] for item in (answer or {}).get("batchItemFailures", [])}
            if failed:
                # Lambda hands the batch over again from the first failed record: rewind to it.
                first = next(i for i, (_, r) in enumerate(records) if r["dynamodb"]["SequenceNumber"] in failed)
                shard, record = records[first]
                self._iterators[shard] = self._streams.get_shard_iterator(
                    StreamArn=self._stream_arn, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER",
                    SequenceNumber=record["dynamodb"]["SequenceNumber"])["ShardIterator"]
                log.warning("stream batch failed from %s; handing it over again", record["dynamodb"]["SequenceNumber"])
            self.batches += 1
            self.published += len(records)
            return len(records)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                while self.pump() and not self._stop.is_set():
                    pass
            except Exception:  # the pump must outlive a bad batch, as the event source mapping does
                log.exception("stream function %s failed", STREAM_FUNCTION)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    # -- what the banner says

    def banner_lines(self, base_url: str) -> list[str]:
        from chalicelib import config

        feed = demo.Example("", "GET", "/seller/events?limit=5", "seller")
        settle = config.settings().event_feed_settle_seconds
        return [
            f"  events     bus {self.bus_name} on the embedded moto, the stream pumped every {self.interval:g}s; "
            f"dead letters in {DLQ_NAME}",
            f"             the feed serves events {settle}s after they commit (EVENT_FEED_SETTLE_SECONDS); watch it:",
            f"             {feed.curl(base_url)}",
        ]
