"""The stream function: the outbox's records onto the bus, at least once, nothing dropped (docs/events.md, EV3).

The records are read from moto's stream of the events table, as Lambda hands them to the function; the bus is
moto's, with a queue that keeps what a subscriber's rule would get."""

import json
from collections import Counter

import pytest

from chalicelib.events import publisher
from tests.support.events import Stream
from tests.support.iam_recorder import aws_operations


@pytest.fixture
def stream(bus) -> Stream:
    return Stream()


def publish(records, **kwargs) -> publisher.BatchReport:
    return publisher.handle(records, sleep=lambda seconds: None, **kwargs)


def test_each_committed_change_reaches_the_bus_once_as_its_envelope(shop, stream, bus):
    shop.paid("P1")
    order_id, cancel_id = shop.pending("P2")
    records = stream.records()
    with aws_operations() as calls:
        outcome = publish(records)
    assert (outcome.published, outcome.response()) == (3, {"batchItemFailures": []})
    got = bus.received()
    assert [(e["source"], e["detail-type"]) for e in got] == [
        ("cancel-desk", "order.recorded"), ("cancel-desk", "order.recorded"), ("cancel-desk", "cancellation.requested")]
    requested = got[2]["detail"]
    assert (requested["order_id"], requested["sequence"]) == (order_id, 2)
    assert requested["data"]["cancellation"]["cancel_id"] == cancel_id
    assert got[2]["time"] == requested["occurred_at"]
    # The envelope exactly as the outbox holds it, which is what the feed serves.
    assert [json.loads(r["dynamodb"]["NewImage"]["body"]["S"]) for r in records] == [e["detail"] for e in got]
    # One PutEvents for up to 10 events, and nothing else: no DynamoDB read, no queue.
    assert calls == Counter({("events", "PutEvents"): 1})


def test_calls_per_event_published(shop, stream, bus):
    for n in range(25):
        shop.paid(f"N{n}")
    with aws_operations() as calls:
        assert publish(stream.records()).published == 25
    assert calls == Counter({("events", "PutEvents"): 3})  # ceil(25 / 10)


def test_the_same_records_twice_carry_the_same_ids(shop, stream, bus):
    shop.pending("A1")
    records = stream.records()
    publish(records)
    publish(records)  # Lambda's retry of a batch, or a second read of the stream
    got = bus.received()
    assert len(got) == 4
    ids = [e["detail"]["id"] for e in got]
    assert ids[:2] == ids[2:] and len(set(ids)) == 2


class FlakyBus:
    """Refuses chosen entries of PutEvents, by event type, a number of times each, like a throttled bus."""

    def __init__(self, real, refusals: dict[str, int]):
        self.real, self.refusals, self.calls = real, dict(refusals), []

    def put_events(self, Entries):
        self.calls.append([entry["DetailType"] for entry in Entries])
        passed, answers = [], []
        for entry in Entries:
            if self.refusals.get(entry["DetailType"], 0) > 0:
                self.refusals[entry["DetailType"]] -= 1
                answers.append({"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"})
            else:
                passed.append(entry)
                answers.append(None)
        real = iter(self.real.put_events(Entries=passed)["Entries"]) if passed else iter(())
        return {"FailedEntryCount": sum(a is not None for a in answers),
                "Entries": [a if a is not None else next(real) for a in answers]}


def test_entries_refused_by_put_events_are_resent_alone(shop, stream, bus, monkeypatch):
    shop.pending("F1")
    flaky = FlakyBus(publisher.events_client(), {"cancellation.requested": 2})
    monkeypatch.setattr(publisher, "events_client", lambda: flaky)
    outcome = publish(stream.records())
    assert (outcome.published, outcome.resent, outcome.dead_lettered) == (2, 2, 0)
    assert flaky.calls == [["order.recorded", "cancellation.requested"], ["cancellation.requested"],
                           ["cancellation.requested"]]
    assert sorted(e["detail-type"] for e in bus.received()) == ["cancellation.requested", "order.recorded"]
    assert outcome.response() == {"batchItemFailures": []}


def test_what_stays_refused_goes_to_the_dead_letter_queue_whole(shop, stream, bus, monkeypatch):
    shop.pending("D1")
    flaky = FlakyBus(publisher.events_client(), {"cancellation.requested": 99})
    monkeypatch.setattr(publisher, "events_client", lambda: flaky)
    records = stream.records()
    with aws_operations() as calls:
        outcome = publish(records)
    assert (outcome.published, outcome.dead_lettered, outcome.response()) == (1, 1, {"batchItemFailures": []})
    assert len(flaky.calls) == 3  # EVENT_PUBLISH_ATTEMPTS
    (letter,) = bus.dead_letters()
    assert (letter["reason"], letter["code"]) == ("PUT_EVENTS_FAILED", "ThrottlingException")
    assert letter["event"] == json.loads(records[1]["dynamodb"]["NewImage"]["body"]["S"])
    assert calls == Counter({("sqs", "SendMessageBatch"): 1})  # the bus here is the test's stand-in


def test_a_poison_record_is_dead_lettered_and_the_rest_published(shop, stream, bus):
    shop.paid("X1")
    good = stream.records()
    poison = json.loads(json.dumps(good[0]))
    poison["dynamodb"]["NewImage"]["body"] = {"S": "{not json"}
    poison["dynamodb"]["SequenceNumber"] = "1"
    outcome = publish([poison, *good])
    assert (outcome.poison, outcome.published, outcome.dead_lettered) == (1, 1, 1)
    assert outcome.response() == {"batchItemFailures": []}
    (letter,) = bus.dead_letters()
    assert letter["reason"] == "POISON_RECORD" and "JSONDecodeError" in letter["problem"]
    assert [e["detail-type"] for e in bus.received()] == ["order.recorded"]


def test_without_a_dead_letter_queue_the_batch_is_retried_from_the_first_failure(shop, stream, bus, monkeypatch):
    shop.paid("R1")
    shop.paid("R2")
    records = stream.records()
    flaky = FlakyBus(publisher.events_client(), {"order.recorded": 99})
    monkeypatch.setattr(publisher, "events_client", lambda: flaky)
    monkeypatch.setenv("EVENTS_DLQ_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/gone")
    outcome = publish(records)
    assert outcome.dead_lettered == 0
    assert outcome.response() == {"batchItemFailures": [{"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]}


def test_what_is_not_an_event_is_passed_over(shop, stream, bus):
    shop.paid("K1")
    (record,) = stream.records()
    removed = {**record, "eventName": "REMOVE"}  # the TTL deleting an old event
    mark = json.loads(json.dumps(record))
    del mark["dynamodb"]["NewImage"]["body"]  # a reminder's mark
    outcome = publish([removed, mark])
    assert (outcome.skipped, outcome.published, outcome.response()) == (2, 0, {"batchItemFailures": []})
    assert bus.received() == []


def test_the_lambda_handler_answers_a_partial_batch_response(shop, stream, bus):
    from app import app

    shop.paid("L1")
    event = {"Records": stream.records()}
    handler = app.handler_map["publish_events"]
    assert handler(event, None) == {"batchItemFailures": []}
    assert [e["detail-type"] for e in bus.received()] == ["order.recorded"]
