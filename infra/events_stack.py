"""The events' part of the stack (docs/events.md): the bus, the dead-letter queue, the stream function's mapping
and the alarms, merged into infra/template.py's merge template.

Chalice generates the stream function and a DynamoDB event source from `chalicelib/events/stream.py` with a
placeholder stream; the keys below point it at the events table's stream and set what Chalice does not expose:
partial batch responses, bisecting a failing batch, bounded retries and record age, the on-failure destination
(the dead-letter queue gets the batch's position after the retries) and a filter that keeps only new events.
"""

from typing import Any

from chalicelib.events.stream import BATCH_SIZE

Json = dict[str, Any]

PUBLISHER_FUNCTION = "PublishEvents"  # Chalice's logical id of `publish_events`
EVENT_SOURCE = "PublishEventsDynamodbEventSource"  # Chalice's name of the function's DynamoDB event
EVENTS_TABLE = "EventsTable"
EVENT_BUS = "EventBus"
DEAD_LETTERS = "EventsDeadLetterQueue"
MAX_RETRIES = 10
MAX_RECORD_AGE_SECONDS = 86400  # the stream keeps a record 24 h


def _publisher_metric(name: str, statistic: str = "Sum") -> Json:
    return {"Namespace": "AWS/Lambda", "MetricName": name, "Statistic": statistic,
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": PUBLISHER_FUNCTION}}]}


def resources(alarm: Any) -> Json:
    """`alarm(description, metric, comparison, threshold, **options)`: infra.template's alarm builder."""
    return {
        EVENT_BUS: {"Type": "AWS::Events::EventBus", "Properties": {"Name": {"Fn::Sub": "${AWS::StackName}-events"}}},
        DEAD_LETTERS: {
            "Type": "AWS::SQS::Queue",
            "Properties": {"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True},
        },
        "EventsDeadLetterAlarm": alarm(
            "Events could not be published and wait in the dead-letter queue: subscribers have not seen them.",
            {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "Statistic": "Maximum",
             "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [DEAD_LETTERS, "QueueName"]}}]},
            "GreaterThanOrEqualToThreshold", 1),
        "PublisherErrorsAlarm": alarm(
            "The stream function failed: events wait on the stream and are retried.",
            _publisher_metric("Errors"), "GreaterThanOrEqualToThreshold", 1),
        "PublisherLagAlarm": alarm(
            "Events reach the bus more than 5 minutes after they commit (the stream function is behind).",
            _publisher_metric("IteratorAge", "Maximum"), "GreaterThanThreshold", 300000, evaluation_periods=2),
    }


def function_overrides() -> Json:
    """Deep-merged into Chalice's function, after infra.template's own keys for it."""
    return {
        PUBLISHER_FUNCTION: {  # its name and log group: infra.template.FUNCTION_NAMES
            "Properties": {
                "Environment": {"Variables": {"EVENT_BUS_NAME": {"Ref": EVENT_BUS},
                                              "EVENTS_DLQ_URL": {"Ref": DEAD_LETTERS}}},
                "Events": {EVENT_SOURCE: {"Properties": {
                    "Stream": {"Fn::GetAtt": [EVENTS_TABLE, "StreamArn"]},
                    "BatchSize": BATCH_SIZE,
                    "StartingPosition": "TRIM_HORIZON",
                    "FunctionResponseTypes": ["ReportBatchItemFailures"],
                    "BisectBatchOnFunctionError": True,
                    "MaximumRetryAttempts": MAX_RETRIES,
                    "MaximumRecordAgeInSeconds": MAX_RECORD_AGE_SECONDS,
                    "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [DEAD_LETTERS, "Arn"]}}},
                    # Only new events: not the reminders' marks and checkpoint, not the TTL's removals.
                    "FilterCriteria": {"Filters": [{"Pattern": '{"eventName": ["INSERT"], "dynamodb": {"NewImage": '
                                                                '{"body": {"S": [{"exists": true}]}}}}'}]},
                }}},
            },
        },
    }


def outputs() -> Json:
    return {
        "EventBusName": {"Description": "The bus every event goes to (EVENT_BUS_NAME)", "Value": {"Ref": EVENT_BUS},
                         "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-EventBusName"}}},
        "EventBusArn": {"Description": "Target it from other stacks' rules",
                        "Value": {"Fn::GetAtt": [EVENT_BUS, "Arn"]},
                        "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-EventBusArn"}}},
        "EventsDeadLetterQueueUrl": {"Value": {"Ref": DEAD_LETTERS}},
    }
