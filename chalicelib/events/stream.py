"""The events table's stream, read by Lambda: each batch of new items goes to the bus (publisher.py).

The stream's ARN here is a placeholder: the stack points the mapping at the events table's stream and sets what
Chalice does not expose (partial batch responses, bisecting, retries, the on-failure destination, the filter):
infra/events_stack.py. Locally the runner reads moto's stream and calls this same handler (devtools/events_local.py).
"""

from typing import Any

from chalice.app import Blueprint, DynamoDBEvent

stream = Blueprint(__name__)

FUNCTION = "publish_events"
PLACEHOLDER_STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/cancel-desk-events/stream/set-by-the-stack"
BATCH_SIZE = 100


@stream.on_dynamodb_record(stream_arn=PLACEHOLDER_STREAM_ARN, batch_size=BATCH_SIZE,
                           starting_position="TRIM_HORIZON", name=FUNCTION)
def publish_events(event: DynamoDBEvent) -> dict[str, Any]:
    from . import publisher  # the stream's Lambda only: boto3's events and SQS clients stay off the API's path

    return publisher.handle(event.to_dict()["Records"]).response()
