"""The webhook queues on SQS: where deliveries wait, and how a message is sent or held back.

A setting names a queue by URL (the stack) or by name (tests and the local runner: resolved once per process).
"""

import json
from typing import Any

import msgspec

from .. import config

MAX_DELAY_SECONDS = 900  # SQS DelaySeconds
MAX_VISIBILITY_SECONDS = 43200  # SQS visibility timeout: 12 hours
BATCH = 10  # SendMessageBatch

_client: Any = None
_urls: dict[str, str] = {}


def client() -> Any:
    global _client
    if _client is None:
        from botocore.session import get_session  # type: ignore[import-untyped]  # on first use only

        _client = get_session().create_client("sqs")
    return _client


def reset() -> None:
    """Forgets the client and the resolved URLs (after the endpoint or credentials changed)."""
    global _client
    _client = None
    _urls.clear()


def url(queue: str) -> str:
    if queue.startswith(("https://", "http://")):
        return queue
    if queue not in _urls:
        _urls[queue] = resolve_name(queue)
    return _urls[queue]


def resolve_name(queue: str) -> str:
    """A queue's URL by its name: tests and the local runner only (the stack sets URLs), so no role grants it."""
    url: str = client().get_queue_url(QueueName=queue)["QueueUrl"]
    return url


def known_urls() -> dict[str, str]:
    """The URLs resolved so far, by name."""
    return dict(_urls)


def events_queue() -> str:
    return url(config.settings().webhook_events_queue)


def delivery_queue() -> str:
    return url(config.settings().webhook_delivery_queue)


def retry_queue() -> str:
    return url(config.settings().webhook_retry_queue)


class QueueError(Exception):
    """SQS did not take every message; the caller's own message is retried."""


def send(queue_url: str, bodies: list[tuple[str, msgspec.Struct | dict[str, Any], int]]) -> None:
    """(id, body, delay seconds) each; one SendMessageBatch per ten."""
    for start in range(0, len(bodies), BATCH):
        chunk = bodies[start:start + BATCH]
        answer = client().send_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(n), "MessageBody": msgspec.json.encode(body).decode(),
             "DelaySeconds": max(0, min(MAX_DELAY_SECONDS, delay))}
            for n, (_, body, delay) in enumerate(chunk)])
        if answer.get("Failed"):
            raise QueueError(json.dumps(answer["Failed"])[:500])


def send_one(queue_url: str, body: msgspec.Struct | dict[str, Any], delay: int = 0) -> None:
    client().send_message(QueueUrl=queue_url, MessageBody=msgspec.json.encode(body).decode(),
                          DelaySeconds=max(0, min(MAX_DELAY_SECONDS, delay)))


def hold(queue_url: str, receipt_handle: str, seconds: int) -> None:
    """Keeps a received message invisible for `seconds` more (at most 12 hours)."""
    client().change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt_handle,
                                       VisibilityTimeout=max(0, min(MAX_VISIBILITY_SECONDS, seconds)))


QUEUE_SETTINGS = ("webhook_events_queue", "webhook_delivery_queue", "webhook_retry_queue")


def create_queues() -> None:
    """The three queues, by their configured names (tests and the local runner; the stack declares its own)."""
    current = config.settings()
    for setting in QUEUE_SETTINGS:
        name = getattr(current, setting)
        if not name.startswith(("https://", "http://")):
            _urls[name] = client().create_queue(QueueName=name)["QueueUrl"]
