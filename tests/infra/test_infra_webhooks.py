"""The webhooks' part of the stack, packaged: the rule on the bus, the queues with their dead letters and
alarms, the event sources reporting partial batch failures, the retry lane capped, and the roles."""

import json
from typing import Any

import pytest

from chalicelib.events import publisher
from infra import events_stack, policies
from infra import webhooks_stack as ws


@pytest.fixture(scope="module")
def stack(package) -> dict[str, Any]:
    return json.loads((package / "sam.json").read_text())


def test_the_bus_rule_sends_every_desk_event_to_the_fan_out_queue_with_a_dead_letter_queue(stack):
    rule = stack["Resources"][ws.BUS_RULE]["Properties"]
    assert rule["EventBusName"] == {"Ref": events_stack.EVENT_BUS}  # the bus the publisher puts on, this stack's
    assert stack["Resources"][events_stack.EVENT_BUS]["Type"] == "AWS::Events::EventBus"
    assert "EventBusName" not in stack.get("Parameters", {})
    assert rule["EventPattern"] == {"source": [publisher.SOURCE]}
    [target] = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [ws.EVENTS_QUEUE, "Arn"]}
    assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": [ws.EVENTS_QUEUE + "DeadLetters", "Arn"]}
    statement = stack["Resources"]["WebhookEventsQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [ws.BUS_RULE, "Arn"]}}}


def test_every_queue_has_a_dead_letter_queue_with_an_alarm(stack):
    resources = stack["Resources"]
    for queue, (_, receives, name) in ws.QUEUES.items():
        properties = resources[queue]["Properties"]
        assert properties["QueueName"] == {"Fn::Sub": name}
        assert properties["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [queue + "DeadLetters", "Arn"]}, "maxReceiveCount": receives}
        alarm = resources[queue + "DeadLettersAlarm"]["Properties"]
        assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": [queue + "DeadLetters", "QueueName"]}
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert "WebhookFailureRateAlarm" in resources


def test_the_event_sources_are_the_stacks_queues_and_report_partial_failures(stack):
    resources = stack["Resources"]
    fan_out = resources[ws.FAN_OUT_FUNCTION]["Properties"]["Events"]
    delivery = resources[ws.DELIVERY_FUNCTION]["Properties"]["Events"]
    sources = {ws.FAN_OUT_SOURCE: fan_out[ws.FAN_OUT_SOURCE], ws.DELIVERY_SOURCE: delivery[ws.DELIVERY_SOURCE],
               ws.RETRY_SOURCE: delivery[ws.RETRY_SOURCE]}
    names = {queue: name for queue, (_, _, name) in ws.QUEUES.items()}
    assert sources[ws.FAN_OUT_SOURCE]["Properties"]["Queue"]["Fn::Sub"].endswith(":" + names[ws.EVENTS_QUEUE])
    assert sources[ws.DELIVERY_SOURCE]["Properties"]["Queue"]["Fn::Sub"].endswith(":" + names[ws.DELIVERY_QUEUE])
    assert sources[ws.RETRY_SOURCE]["Properties"]["Queue"] == {"Fn::GetAtt": [ws.RETRY_QUEUE, "Arn"]}
    for source in sources.values():
        assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert delivery[ws.RETRY_SOURCE]["Properties"]["ScalingConfig"]["MaximumConcurrency"] == \
        ws.RETRY_LANE_CONCURRENCY < ws.DELIVERY_LANE_CONCURRENCY
    # The event sources name their queues by name: the functions wait for the queues through their variables.
    variables = stack["Globals"]["Function"]["Environment"]["Variables"]
    assert {variables[variable]["Ref"] for variable, _, _ in ws.QUEUES.values()} == set(ws.QUEUES)


def test_the_delivery_function_outlasts_a_batch_and_the_queues_outlast_the_function():
    prod = policies.chalice_config()["stages"]["prod"]["lambda_functions"]
    timeout = prod[policies.WEBHOOK_DELIVERY]["lambda_timeout"]
    assert timeout >= 10 + 5  # a batch's attempts run at once: 10 s, and the writes after them
    assert 6 * timeout <= ws.VISIBILITY_SECONDS
