"""Runs a queue's function as Lambda's SQS event source mapping would: receive a batch, hand it to the
function as an SQS event, delete what it did not report as failed. Used by the local runner (a thread per
queue) and by tests (`drain`), so both run the very handler the Lambda runs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from chalice.local import LambdaContext

from chalicelib.webhooks import queues

Handler = Callable[[dict[str, Any], Any], Any]
POLL_SECONDS = 0.1


class QueuePump:
    def __init__(self, queue_url: str, handler: Handler, function_name: str, batch: int = 10) -> None:
        self.queue_url = queue_url
        self.batch = batch
        self.handler = handler
        self.function_name = function_name
        self.arn = "arn:aws:sqs:us-east-1:123456789012:" + queue_url.rsplit("/", 1)[-1]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.handled = 0

    def once(self) -> int:
        """One receive (no long poll: the local moto serves one request at a time); how many came."""
        sqs = queues.client()
        answer = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch, WaitTimeSeconds=0,
                                     AttributeNames=["All"])
        messages = answer.get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs", "eventSourceARN": self.arn, "awsRegion": "us-east-1",
        } for m in messages]}
        context = LambdaContext(self.function_name, memory_size=256, max_runtime_ms=60_000)
        result = self.handler(event, context) or {}
        failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)])
        self.handled += len(done)
        return len(messages)

    def drain(self, rounds: int = 100) -> int:
        """Handles messages until a receive finds none visible; how many were received."""
        total = 0
        for _ in range(rounds):
            got = self.once()
            if not got:
                break
            total += got
        return total

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.once():
                    self._stop.wait(POLL_SECONDS)
            except Exception:  # a failed batch comes back after its visibility timeout, as on Lambda
                self._stop.wait(POLL_SECONDS)

    def start(self) -> QueuePump:
        self._thread = threading.Thread(target=self._loop, name=f"pump-{self.function_name}", daemon=True)
        self._thread.start()
        return self

    def signal(self) -> None:
        """Asks the loop to end after the batch in hand (stop() then waits for it)."""
        self._stop.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None


def pumps(app: Any) -> list[QueuePump]:
    """The webhook functions on their queues: fan-out on the events queue, delivery on both lanes."""
    deliver = app.handler_map["deliver_webhooks"]
    return [
        QueuePump(queues.events_queue(), app.handler_map["fan_out_webhook_events"], "fan_out_webhook_events"),
        QueuePump(queues.delivery_queue(), deliver, "deliver_webhooks"),
        QueuePump(queues.retry_queue(), deliver, "deliver_webhooks"),
    ]
