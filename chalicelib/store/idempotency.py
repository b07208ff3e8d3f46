"""Stored answers to `Idempotency-Key` requests: one item per key, kept 24 hours (TTL on `expires_at`).

A state change writes its record inside its own transaction (`transactions.commit` stages `item` under
`free`); an answer that changed nothing is kept by `put`, a conditional put of its own.
"""

from datetime import datetime

import msgspec
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.expressions.condition import Condition

from ..domain.clock import iso
from .models import IdempotencyItem


class IdempotencyKeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first."""


class IdempotencyRecord(msgspec.Struct, frozen=True):
    key: str
    body_hash: str
    status_code: int
    response: str
    created_at: datetime
    expires_at: datetime


class StoredAnswer(msgspec.Struct, frozen=True):
    body_hash: str
    status_code: int
    response: str


def item(record: IdempotencyRecord) -> IdempotencyItem:
    return IdempotencyItem(
        record.key,
        body_hash=record.body_hash,
        status_code=record.status_code,
        response=record.response,
        created_at=iso(record.created_at),
        expires_at=record.expires_at,
    )


def free(now: datetime) -> Condition:
    """Condition: no live record holds the key (an expired one not yet swept by TTL may be replaced)."""
    condition: Condition = IdempotencyItem.key.does_not_exist() | (IdempotencyItem.expires_at < now)
    return condition


def get(key: str, now: datetime) -> StoredAnswer | None:
    """The live answer kept for `key`, if any (one consistent GetItem)."""
    try:
        found = IdempotencyItem.get(key, consistent_read=True)
    except DoesNotExist:
        return None
    if found.expires_at <= now:
        return None
    return StoredAnswer(str(found.body_hash), int(found.status_code), str(found.response))


def put(record: IdempotencyRecord, now: datetime) -> None:
    """Keeps an answer that changed no state (an error); raises IdempotencyKeyTaken if one is there."""
    try:
        item(record).save(condition=free(now))
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise IdempotencyKeyTaken() from error
        raise


def get_many(keys: list[str], now: datetime) -> dict[str, StoredAnswer]:
    """The live answers kept for up to 100 keys, in one consistent BatchGetItem."""
    return {str(found.key): StoredAnswer(str(found.body_hash), int(found.status_code), str(found.response))
            for found in IdempotencyItem.batch_get(keys, consistent_read=True) if found.expires_at > now}
