"""The webhooks' part of the stack: the rule on the bus, the three queues and their dead-letter queues, the
two functions' event sources, and the alarms (docs/webhooks.md, "How it runs").

`infra.template` merges these into the template it builds; the tables come from the models like every other.
"""

from typing import Any

from .events_stack import EVENT_BUS

Json = dict[str, Any]

FAN_OUT_FUNCTION = "FanOutWebhookEvents"
DELIVERY_FUNCTION = "DeliverWebhooks"
FUNCTION_NAMES = {
    FAN_OUT_FUNCTION: "${AWS::StackName}-webhook-fan-out",
    DELIVERY_FUNCTION: "${AWS::StackName}-webhook-delivery",
}
LOG_GROUPS = {FAN_OUT_FUNCTION: "FanOutWebhookEventsLogGroup", DELIVERY_FUNCTION: "DeliverWebhooksLogGroup"}
# Chalice's names for the functions' SQS event sources.
FAN_OUT_SOURCE = "FanOutWebhookEventsSqsEventSource"
DELIVERY_SOURCE = "DeliverWebhooksSqsEventSource"
RETRY_SOURCE = "DeliverWebhooksRetrySqsEventSource"

EVENTS_QUEUE, DELIVERY_QUEUE, RETRY_QUEUE = "WebhookEventsQueue", "WebhookDeliveryQueue", "WebhookRetryQueue"
QUEUES = {
    # queue: (its variable, receives before the dead-letter queue, its name: the ones Chalice wires the event
    # sources to, chalicelib.webhooks.functions)
    EVENTS_QUEUE: ("WEBHOOK_EVENTS_QUEUE", 5, "${AWS::StackName}-webhook-events"),
    DELIVERY_QUEUE: ("WEBHOOK_DELIVERY_QUEUE", 5, "${AWS::StackName}-webhook-deliveries"),
    # A retry held until due (docs/webhooks.md) costs one receive more than it would.
    RETRY_QUEUE: ("WEBHOOK_RETRY_QUEUE", 10, "${AWS::StackName}-webhook-retries"),
}
VISIBILITY_SECONDS = 180  # six times the delivery function's 30 s, as Lambda advises for SQS sources
DELIVERY_LANE_CONCURRENCY = 100
RETRY_LANE_CONCURRENCY = 10  # what failing receivers may hold at most
BUS_RULE = "WebhookEventsRule"
ALARM_TOPIC = "AlarmTopic"
# The attempts' metrics (from the log lines): the stack's own namespace, so two stacks in one account never mix.
METRICS_NAMESPACE = {"Fn::Sub": "CancelDesk/Webhooks/${AWS::StackName}"}


def environment() -> Json:
    """Every function may send to the webhook queues it is granted: their URLs."""
    return {variable: {"Ref": queue} for queue, (variable, _, _) in QUEUES.items()}


def _queue(name: str, receives: int, queue_name: str) -> dict[str, Json]:
    dead = name + "DeadLetters"
    return {
        name: {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": {"Fn::Sub": queue_name},
                "VisibilityTimeout": VISIBILITY_SECONDS,
                "MessageRetentionPeriod": 345600,  # 4 days: longer than the whole retry schedule
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dead, "Arn"]},
                                  "maxReceiveCount": receives},
            },
        },
        dead: {"Type": "AWS::SQS::Queue",
               "Properties": {"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}},
        dead + "Alarm": _alarm(
            f"Webhook messages are in {dead}: deliveries or events that could not be handled.",
            {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "Statistic": "Maximum",
             "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dead, "QueueName"]}}]}, 1),
    }


def _alarm(description: str, metric: Json, threshold: float) -> Json:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description, **metric, "Period": 300, "EvaluationPeriods": 1,
            "DatapointsToAlarm": 1, "Threshold": threshold, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching", "AlarmActions": [{"Ref": ALARM_TOPIC}],
            "OKActions": [{"Ref": ALARM_TOPIC}],
        },
    }


def _attempt_filter(name: str, pattern: str) -> Json:
    return {
        "Type": "AWS::Logs::MetricFilter",
        "Properties": {
            "LogGroupName": {"Ref": LOG_GROUPS[DELIVERY_FUNCTION]},
            "FilterPattern": pattern,
            "MetricTransformations": [{"MetricNamespace": METRICS_NAMESPACE, "MetricName": name,
                                       "MetricValue": "1", "DefaultValue": 0}],
        },
    }


def resources() -> Json:
    out: Json = {}
    for queue, (_, receives, queue_name) in QUEUES.items():
        out.update(_queue(queue, receives, queue_name))
    out[BUS_RULE] = {
        "Type": "AWS::Events::Rule",
        "Properties": {
            "Description": "Every event of the desk, to the webhooks' fan-out.",
            "EventBusName": {"Ref": EVENT_BUS},
            "EventPattern": {"source": ["cancel-desk"]},
            "State": "ENABLED",
            "Targets": [{
                "Id": "webhook-events", "Arn": {"Fn::GetAtt": [EVENTS_QUEUE, "Arn"]},
                "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400},
                "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [EVENTS_QUEUE + "DeadLetters", "Arn"]}},
            }],
        },
    }
    out["WebhookEventsQueuePolicy"] = {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {
            "Queues": [{"Ref": EVENTS_QUEUE}, {"Ref": EVENTS_QUEUE + "DeadLetters"}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": "TheRuleOnly", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": [{"Fn::GetAtt": [EVENTS_QUEUE, "Arn"]},
                             {"Fn::GetAtt": [EVENTS_QUEUE + "DeadLetters", "Arn"]}],
                "Condition": {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [BUS_RULE, "Arn"]}}},
            }]},
        },
    }
    # Attempts by outcome, from the delivery function's `webhook.attempt` lines.
    out["WebhookAttemptsFailedFilter"] = _attempt_filter(
        "AttemptsFailed", '{ $.event = "webhook.attempt" && $.outcome != "SUCCESS" }')
    out["WebhookAttemptsSucceededFilter"] = _attempt_filter(
        "AttemptsSucceeded", '{ $.event = "webhook.attempt" && $.outcome = "SUCCESS" }')
    out["WebhookFailureRateAlarm"] = {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": "Over half of the webhook attempts of 15 minutes failed (at least 20 attempts).",
            "Metrics": [
                {"Id": "failed", "ReturnData": False, "MetricStat": {"Stat": "Sum", "Period": 900, "Metric": {
                    "Namespace": METRICS_NAMESPACE, "MetricName": "AttemptsFailed"}}},
                {"Id": "succeeded", "ReturnData": False, "MetricStat": {"Stat": "Sum", "Period": 900, "Metric": {
                    "Namespace": METRICS_NAMESPACE, "MetricName": "AttemptsSucceeded"}}},
                {"Id": "rate", "ReturnData": True, "Label": "failed share of attempts",
                 "Expression": "IF(failed + succeeded >= 20, failed / (failed + succeeded), 0)"},
            ],
            "EvaluationPeriods": 1, "DatapointsToAlarm": 1, "Threshold": 0.5,
            "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": ALARM_TOPIC}], "OKActions": [{"Ref": ALARM_TOPIC}],
        },
    }
    return out


def _source(concurrency: int | None = None, queue: str | None = None) -> Json:
    """Keys of an SQS event source: Chalice wrote the queue of its own (merged: it cannot be replaced)."""
    properties: Json = {"FunctionResponseTypes": ["ReportBatchItemFailures"]}
    if queue is not None:
        properties.update(Queue={"Fn::GetAtt": [queue, "Arn"]}, BatchSize=10, MaximumBatchingWindowInSeconds=0)
    if concurrency is not None:
        properties["ScalingConfig"] = {"MaximumConcurrency": concurrency}
    return {"Type": "SQS", "Properties": properties}


def function_overrides() -> Json:
    """Keys merged into the functions Chalice generates: the event sources report partial batch failures;
    the delivery function takes both lanes, each capped on its own."""
    # Chalice names the queues of its event sources by name, not by reference; the functions (so their event
    # sources) still come after the queues: their variables refer to every queue (`environment`).
    return {
        FAN_OUT_FUNCTION: {"Properties": {"Events": {FAN_OUT_SOURCE: _source()}}},
        DELIVERY_FUNCTION: {"Properties": {"Events": {
            DELIVERY_SOURCE: _source(DELIVERY_LANE_CONCURRENCY),
            RETRY_SOURCE: _source(RETRY_LANE_CONCURRENCY, RETRY_QUEUE),
        }}},
    }


def outputs() -> Json:
    return {f"{queue}Url": {"Value": {"Ref": queue}} for queue in QUEUES}

