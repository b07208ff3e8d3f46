"""The webhook functions on their queues: fan-out of the bus's events, and delivery attempts (both lanes).

Both report partial batch failures (`batchItemFailures`): only the messages named there come back.
"""

from typing import Any

from chalice.app import Blueprint, SQSEvent

webhook_functions = Blueprint(__name__)
# The queues' names as `chalice package` wires the event sources (the stack names its queues so); at run time
# the functions read their queues from the settings, like every other code path.
EVENTS_QUEUE_NAME = "${AWS::StackName}-webhook-events"
DELIVERY_QUEUE_NAME = "${AWS::StackName}-webhook-deliveries"


def _records(event: SQSEvent) -> list[Any]:
    from .delivery import Record

    return [Record(r["messageId"], r["body"], r["receiptHandle"]) for r in event.to_dict()["Records"]]


def _failures(ids: list[str]) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in ids]}


@webhook_functions.on_sqs_message(queue=EVENTS_QUEUE_NAME, batch_size=10, name="fan_out_webhook_events")
def fan_out_webhook_events(event: SQSEvent) -> dict[str, Any]:
    from . import fanout

    return _failures(fanout.handle_batch(_records(event)))


@webhook_functions.on_sqs_message(queue=DELIVERY_QUEUE_NAME, batch_size=10, name="deliver_webhooks")
def deliver_webhooks(event: SQSEvent) -> dict[str, Any]:
    from . import delivery

    return _failures(delivery.handle_batch(_records(event)))
