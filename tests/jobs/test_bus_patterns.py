"""The rule patterns docs/events.md gives subscribers, read from the page and run on moto's bus against real events:
each catches what it says and nothing else."""

import json
import re

import boto3
import pytest

from chalicelib import config
from chalicelib.events import publisher
from tests.support.events import Stream
from tests.support.paths import ROOT

PAGE = (ROOT / "docs" / "events.md").read_text()


def pattern(title: str) -> dict:
    """The first JSON block after the bold `title` on the page."""
    after = PAGE.split(f"**{title}**", 1)[1]
    return json.loads(re.search(r"```json\n(.*?)```", after, re.S).group(1))


@pytest.fixture
def subscribers(bus):
    events, sqs = boto3.client("events"), boto3.client("sqs")
    queues = {}
    for title in ("The parcel must not ship", "Refund due"):
        url = sqs.create_queue(QueueName=title.replace(" ", "-"))["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        name = title.replace(" ", "-")
        events.put_rule(Name=name, EventBusName=config.settings().event_bus_name,
                        EventPattern=json.dumps(pattern(title)))
        events.put_targets(Rule=name, EventBusName=config.settings().event_bus_name, Targets=[{"Id": "q", "Arn": arn}])
        queues[title] = url

    def caught(title: str) -> list[tuple[str, str]]:
        messages = sqs.receive_message(QueueUrl=queues[title], MaxNumberOfMessages=10).get("Messages", [])
        bodies = [json.loads(message["Body"]) for message in messages]
        return sorted((body["detail"]["order_id"], body["detail-type"]) for body in bodies)

    return caught


def test_the_documented_patterns_catch_what_they_say(shop, subscribers):
    _, approved = shop.pending("PAID-APPROVED")
    shop.approve(approved, expect=200)
    shop.seller_cancel(shop.paid("PAID-SELLER-CANCELLED"), expect=201)
    shop.auto_approved("UNPAID-AUTO")  # nothing was paid: nothing to refund, but the parcel must not ship
    _, rejected = shop.pending("PAID-REJECTED")
    shop.reject(rejected, expect=200)
    shop.ship(shop.paid("SHIPPED"), expect=200)
    assert publisher.handle(Stream().records(), sleep=lambda seconds: None).response() == {"batchItemFailures": []}
    assert subscribers("The parcel must not ship") == [
        ("PAID-APPROVED", "cancellation.approved"), ("PAID-SELLER-CANCELLED", "cancellation.seller_cancelled"),
        ("UNPAID-AUTO", "cancellation.auto_approved")]
    assert subscribers("Refund due") == [
        ("PAID-APPROVED", "cancellation.approved"), ("PAID-SELLER-CANCELLED", "cancellation.seller_cancelled")]
