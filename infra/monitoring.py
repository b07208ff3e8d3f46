"""What operators look at: alarms on the API, every function, the tables and the webhook queues, and one
CloudWatch dashboard of the desk's own metrics (docs/deploy.md, "What watches it", holds a runbook line for
every alarm; a test keeps the two in step).

Every metric is the stack's own: AWS metrics by the resources' names (which carry the stack name), the
desk's embedded metrics by their `Stage` dimension (the stack name, `METRICS_STAGE`), so two stacks in one
account never mix.
"""

import json
from typing import Any

from .tables import table_logical_ids

Json = dict[str, Any]

ALARM_TOPIC = "AlarmTopic"
API = "RestAPI"
API_STAGE = "api"  # the gateway stage Chalice deploys (`api_gateway_stage`)
DASHBOARD = "DeskDashboard"
NAMESPACE = "CancellationDesk"  # chalicelib.obs.NAMESPACE
# Functions by logical id, each with its alarm's short name.
FUNCTIONS = {
    "APIHandler": "Api", "JwtAuthorizer": "Authorizer", "ExpireCancellationRequests": "Expiry",
    "PublishEvents": "Publisher", "FanOutWebhookEvents": "WebhookFanOut", "DeliverWebhooks": "WebhookDelivery",
}
# The expiry job's and the publisher's errors have alarms of their own already (infra.template, events_stack).
ERRORS_ELSEWHERE = {"ExpireCancellationRequests", "PublishEvents"}
API_5XX_RATE = 0.05  # of requests, over 5 minutes
API_P99_MS = 3000  # the gateway's p99 latency, over 5 minutes
WEBHOOK_AGE_SECONDS = 300  # a message waiting on the events or delivery lane this long: fan-out or delivery stalls


def _alarm(description: str, body: Json, threshold: float, comparison: str = "GreaterThanOrEqualToThreshold",
           periods: int = 1) -> Json:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description, **body, "EvaluationPeriods": periods, "DatapointsToAlarm": periods,
        "Threshold": threshold, "ComparisonOperator": comparison, "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": ALARM_TOPIC}], "OKActions": [{"Ref": ALARM_TOPIC}]}}


def _metric(namespace: str, name: str, dimensions: Json, statistic: str = "Sum", period: int = 300) -> Json:
    return {"Namespace": namespace, "MetricName": name, "Period": period, "Statistic": statistic,
            "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()]}


def _stat(metric_id: str, namespace: str, name: str, dimensions: Json, stat: str = "Sum") -> Json:
    return {"Id": metric_id, "ReturnData": False, "MetricStat": {"Stat": stat, "Period": 300, "Metric": {
        "Namespace": namespace, "MetricName": name,
        "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()]}}}


def _api_dimensions() -> Json:
    return {"ApiName": {"Ref": "AWS::StackName"}, "Stage": API_STAGE}


def alarms() -> Json:
    out: Json = {
        "ApiServerErrorRateAlarm": _alarm(
            f"Over {API_5XX_RATE:.0%} of the API's requests of 5 minutes answered 5XX (at least 20 requests).",
            {"Metrics": [
                _stat("errors", "AWS/ApiGateway", "5XXError", _api_dimensions()),
                _stat("requests", "AWS/ApiGateway", "Count", _api_dimensions()),
                {"Id": "rate", "ReturnData": True, "Label": "5XX share of requests",
                 "Expression": "IF(requests >= 20, errors / requests, 0)"}]},
            API_5XX_RATE, "GreaterThanThreshold"),
        "ApiLatencyAlarm": _alarm(
            f"The API's p99 latency stayed over {API_P99_MS} ms for 10 minutes.",
            {**{k: v for k, v in _metric("AWS/ApiGateway", "Latency", _api_dimensions()).items()
                if k != "Statistic"}, "ExtendedStatistic": "p99"},
            API_P99_MS, "GreaterThanThreshold", periods=2),
        "WebhookEventsAgeAlarm": _queue_age("WebhookEventsQueue", "fan-out"),
        "WebhookDeliveryAgeAlarm": _queue_age("WebhookDeliveryQueue", "delivery"),
    }
    for function, short in FUNCTIONS.items():
        dimensions = {"FunctionName": {"Ref": function}}
        if function not in ERRORS_ELSEWHERE:
            out[f"{short}ErrorsAlarm"] = _alarm(
                f"The {short} function failed (an error or a timeout) in a 5-minute period.",
                _metric("AWS/Lambda", "Errors", dimensions), 1)
        out[f"{short}ThrottlesAlarm"] = _alarm(
            f"The {short} function was throttled (account or reserved concurrency used up).",
            _metric("AWS/Lambda", "Throttles", dimensions), 1)
    for logical in table_logical_ids().values():
        table = {"TableName": {"Ref": logical}}
        out[f"{logical}ThrottlesAlarm"] = _alarm(
            f"DynamoDB throttled requests to {logical} in a 5-minute period.",
            {"Metrics": [_stat("reads", "AWS/DynamoDB", "ReadThrottleEvents", table),
                         _stat("writes", "AWS/DynamoDB", "WriteThrottleEvents", table),
                         {"Id": "throttled", "ReturnData": True, "Label": "throttled requests",
                          "Expression": "reads + writes"}]}, 1)
    return out


def _queue_age(queue: str, stage: str) -> Json:
    return _alarm(f"A webhook message has waited over {WEBHOOK_AGE_SECONDS} s for {stage} ({queue}).",
                  _metric("AWS/SQS", "ApproximateAgeOfOldestMessage",
                          {"QueueName": {"Fn::GetAtt": [queue, "QueueName"]}}, "Maximum"),
                  WEBHOOK_AGE_SECONDS, "GreaterThanThreshold")


def _widget(title: str, metrics: list[list[Any]], x: int, y: int, stat: str = "Sum") -> Json:
    return {"type": "metric", "x": x, "y": y, "width": 12, "height": 6, "properties": {
        "title": title, "metrics": metrics, "stat": stat, "period": 300, "region": "${AWS::Region}",
        "view": "timeSeries"}}


def dashboard_body() -> str:
    """The dashboard's JSON, for Fn::Sub (`${AWS::StackName}` and `${AWS::Region}` filled in by the stack)."""
    stage = ["Stage", "${AWS::StackName}"]
    desk = [
        _widget("Requests by status class", [[NAMESPACE, "Requests", "StatusClass", c, *stage]
                                             for c in ("2xx", "4xx", "5xx")], 0, 0),
        _widget("Request latency (p99)", [[NAMESPACE, "RequestLatency", "StatusClass", c, *stage]
                                          for c in ("2xx", "4xx", "5xx")], 12, 0, "p99"),
        _widget("Auto-approvals by cause", [[NAMESPACE, "AutoApprovals", "Cause", c, *stage] for c in
                                            ("UNPAID_ORDER", "WITHIN_GRACE_PERIOD", "SELLER_RESPONSE_TIMEOUT")], 0, 6),
        _widget("Webhook deliveries by outcome", [[NAMESPACE, "WebhookDeliveries", "Outcome", o, *stage]
                                                  for o in ("SUCCESS", "FAILURE", "GONE")], 12, 6),
        _widget("Events published, dead-lettered", [[NAMESPACE, "EventsPublished", *stage],
                                                    [NAMESPACE, "EventsDeadLettered", *stage]], 0, 12),
        _widget("Publish and feed lag (s, max)", [[NAMESPACE, "PublishLagSeconds", *stage],
                                                  [NAMESPACE, "FeedLagSeconds", *stage]], 12, 12, "Maximum"),
        _widget("Reminders sent", [[NAMESPACE, "RemindersSent", *stage]], 0, 18),
        _widget("Function errors", [["AWS/Lambda", "Errors", "FunctionName", f"${{{f}}}"] for f in FUNCTIONS],
                12, 18),
    ]
    return json.dumps({"widgets": desk}, separators=(",", ":"))


def resources() -> Json:
    return {
        **alarms(),
        DASHBOARD: {"Type": "AWS::CloudWatch::Dashboard", "Properties": {
            "DashboardName": {"Fn::Sub": "${AWS::StackName}-desk"},
            "DashboardBody": {"Fn::Sub": dashboard_body()}}},
        # The gateway's metrics are by API name: the stack's own, not the app's (shared by every stack).
        API: {"Properties": {"Name": {"Ref": "AWS::StackName"}}},
    }
