"""The events table's stream to the bus: every new event in the outbox is put on EventBridge, once or more.

At least once, nothing dropped:
- PutEvents takes 10 entries a call; an entry it refuses (per-entry failure, or the whole call throttled) is
  resent, up to `EVENT_PUBLISH_ATTEMPTS` tries with jittered backoff;
- what is still refused then, and a record that is not an event at all (a poison record), goes to the
  dead-letter queue (`EVENTS_DLQ_URL`), whole, with the reason, and an alarm watches the queue;
- if even that fails, the batch reports its first failed record (`batchItemFailures`): Lambda retries the
  stream from there, bisecting, and after its own retries sends the batch's position to the same queue.
A record read twice (Lambda's retries) is published twice with the same `id`: consumers deduplicate on it.
"""

import json
import logging
import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import msgspec

from .. import config, obs

SOURCE = "cancel-desk"
ENTRIES_PER_CALL = 10  # PutEvents' limit
BASE_BACKOFF_SECONDS = 0.1
MAX_DLQ_BATCH = 10  # SendMessageBatch's limit


class Record(msgspec.Struct, frozen=True):
    """One stream record that carries an event."""

    sequence_number: str
    event_id: str
    type: str
    body: str
    occurred_at: str


class Poison(msgspec.Struct, frozen=True):
    sequence_number: str
    raw: dict[str, Any]
    problem: str


class BatchReport(msgspec.Struct):
    published: int = 0
    skipped: int = 0  # not an event: a reminder's mark or checkpoint, a TTL removal
    dead_lettered: int = 0
    poison: int = 0
    resent: int = 0  # entries sent again after a per-entry failure
    failed_sequence: str | None = None  # the first record neither published nor dead-lettered

    def response(self) -> dict[str, Any]:
        """Lambda's partial batch response: retry from the first record not dealt with."""
        failures = [{"itemIdentifier": self.failed_sequence}] if self.failed_sequence else []
        return {"batchItemFailures": failures}


def read(raw: dict[str, Any]) -> Record | Poison | None:
    """A stream record as an event, None when it is not one (not an insert, or an item without a body)."""
    dynamodb = raw.get("dynamodb") if isinstance(raw, dict) else None
    sequence = str((dynamodb or {}).get("SequenceNumber", ""))
    try:
        if raw["eventName"] != "INSERT":
            return None
        image = dynamodb["NewImage"]  # type: ignore[index]
        if "body" not in image:
            return None
        body = image["body"]["S"]
        envelope = json.loads(body)
        record = Record(sequence, image["event_id"]["S"], image["type"]["S"], body, envelope["occurred_at"])
    except (KeyError, TypeError, ValueError) as error:
        return Poison(sequence, raw if isinstance(raw, dict) else {"record": repr(raw)},
                      f"{type(error).__name__}: {error}")
    if envelope.get("id") != record.event_id or envelope.get("type") != record.type:
        return Poison(sequence, raw, "the envelope disagrees with the item's event_id or type")
    return record


_events_client: Any = None
_sqs_client: Any = None


def _client(service: str) -> Any:
    # botocore itself, as PynamoDB uses it: the package ships botocore with these services' models only
    # (scripts/lambda_zip.py), and no boto3 of its own.
    from botocore.session import get_session  # type: ignore[import-untyped]

    return get_session().create_client(service)


def events_client() -> Any:
    global _events_client
    if _events_client is None:
        _events_client = _client("events")
    return _events_client


def sqs_client() -> Any:
    global _sqs_client
    if _sqs_client is None:
        _sqs_client = _client("sqs")
    return _sqs_client


def reset() -> None:
    global _events_client, _sqs_client
    _events_client = _sqs_client = None


def _entry(record: Record, bus: str) -> dict[str, Any]:
    return {"Source": SOURCE, "DetailType": record.type, "Detail": record.body, "EventBusName": bus,
            "Time": datetime.fromisoformat(record.occurred_at.replace("Z", "+00:00"))}


def _put(records: list[Record], bus: str) -> list[tuple[Record, str]]:
    """One PutEvents call; the records it refused, with the reason."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    try:
        answer = events_client().put_events(Entries=[_entry(r, bus) for r in records])
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "ClientError")
        return [(record, code) for record in records]
    return [(record, entry.get("ErrorCode") or "Failed")
            for record, entry in zip(records, answer.get("Entries", []), strict=False) if "ErrorCode" in entry]


def publish(records: list[Record], *, attempts: int, sleep: Callable[[float], None]) -> tuple[int, int,
                                                                                            list[tuple[Record, str]]]:
    """(published, resent, still refused after `attempts` tries)."""
    bus = config.settings().event_bus_name
    pending, published, resent = list(records), 0, 0
    refused: list[tuple[Record, str]] = []
    for attempt in range(max(1, attempts)):
        if attempt:
            sleep(random.uniform(0, BASE_BACKOFF_SECONDS * 2 ** attempt))
            resent += len(pending)
        refused = []
        for start in range(0, len(pending), ENTRIES_PER_CALL):
            chunk = pending[start:start + ENTRIES_PER_CALL]
            failed = _put(chunk, bus)
            published += len(chunk) - len(failed)
            refused += failed
        if not refused:
            break
        pending = [record for record, _ in refused]
    return published, resent, refused


def _dead_letter(messages: list[tuple[str, dict[str, Any]]]) -> set[str]:
    """Sends (sequence number, message) to the dead-letter queue; the sequence numbers it could not send."""
    from botocore.exceptions import BotoCoreError, ClientError

    url = config.settings().events_dlq_url
    if not url:
        return {sequence for sequence, _ in messages}
    unsent: set[str] = set()
    for start in range(0, len(messages), MAX_DLQ_BATCH):
        chunk = messages[start:start + MAX_DLQ_BATCH]
        entries = [{"Id": str(i), "MessageBody": json.dumps(message, separators=(",", ":"), default=str)}
                   for i, (_, message) in enumerate(chunk)]
        try:
            answer = sqs_client().send_message_batch(QueueUrl=url, Entries=entries)
        except (BotoCoreError, ClientError):
            unsent.update(sequence for sequence, _ in chunk)
            continue
        unsent.update(chunk[int(failed["Id"])][0] for failed in answer.get("Failed", []))
    return unsent


def handle(raw_records: Iterable[dict[str, Any]], *, sleep: Callable[[float], None] = time.sleep,
           now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> BatchReport:
    """Publishes a batch of stream records (the Lambda's event's `Records`)."""
    outcome = BatchReport()
    order: list[str] = []  # sequence numbers in stream order
    records: list[Record] = []
    dead: list[tuple[str, dict[str, Any]]] = []
    for raw in raw_records:
        read_as = read(raw)
        if read_as is None:
            outcome.skipped += 1
            continue
        order.append(read_as.sequence_number)
        if isinstance(read_as, Poison):
            outcome.poison += 1
            obs.event("events.poison_record", logging.ERROR, sequence_number=read_as.sequence_number,
                      problem=read_as.problem)
            dead.append((read_as.sequence_number, {"reason": "POISON_RECORD", "problem": read_as.problem,
                                                   "record": read_as.raw}))
        else:
            records.append(read_as)
    published, resent, refused = publish(records, attempts=config.settings().event_publish_attempts, sleep=sleep)
    outcome.published, outcome.resent = published, resent
    for record, code in refused:
        obs.event("events.unpublished", logging.ERROR, event_id=record.event_id, type=record.type, code=code)
        dead.append((record.sequence_number, {"reason": "PUT_EVENTS_FAILED", "code": code,
                                              "event": json.loads(record.body)}))
    unsent = _dead_letter(dead) if dead else set()
    outcome.dead_lettered = len(dead) - len(unsent)
    if unsent:
        outcome.failed_sequence = next(sequence for sequence in order if sequence in unsent)
        obs.event("events.batch_failed", logging.ERROR, first_failed=outcome.failed_sequence, unsent=len(unsent))
    stamp = now()
    published_ok = [r for r in records if all(r is not f for f, _ in refused)]
    if published_ok:
        lag = max(0.0, max((stamp - datetime.fromisoformat(r.occurred_at.replace("Z", "+00:00"))).total_seconds()
                           for r in published_ok))
        obs.metrics("events.published", {"EventsPublished": (len(published_ok), "Count"),
                                          "PublishLagSeconds": (lag, "Seconds")},
                    types=sorted({r.type for r in published_ok}))
    if dead:
        obs.metrics("events.dead_lettered", {"EventsDeadLettered": (outcome.dead_lettered, "Count")})
    return outcome
