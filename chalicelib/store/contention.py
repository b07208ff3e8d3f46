"""When DynamoDB is busy rather than refusing: which failures a caller may simply retry, and how long to wait.

One definition for the API (503 SERVICE_BUSY with Retry-After), the executor (a conflict is a lost race) and
the expiry job (retries what is transient, leaves the rest for its next run).
"""

import random
from collections.abc import Iterable, Sequence

from pynamodb.exceptions import TransactWriteError

# Another transaction was in flight on one of the items: another writer is at work.
CONFLICT = "TransactionConflict"

# Over capacity or in conflict (after the SDK's own retries). A failed call names it by error code; a
# cancelled TransactWriteItems names it per item, in its own words ("ThrottlingError", "ProvisionedThroughputExceeded").
BUSY = frozenset({
    CONFLICT, "TransactionConflictException", "TransactionInProgressException",
    "ProvisionedThroughputExceededException", "ProvisionedThroughputExceeded",
    "ThrottlingException", "ThrottlingError", "RequestLimitExceeded",
})

# Worth another try later: busy, or a transient fault on DynamoDB's side.
TRANSIENT = BUSY | {"InternalServerError", "ServiceUnavailable"}

class Unavailable(Exception):
    """S3 (the evidence files) slowed the caller down, failed on its side or could not be reached, after the SDK's
    own retries (store/evidence_objects.py says which errors): like DynamoDB's throttling, worth a retry."""


class Contention(Exception):
    """DynamoDB cancelled the transaction for a reason other than a failed condition (conflict, throttling)."""

    def __init__(self, codes: list[str]):
        super().__init__(", ".join(codes))
        self.codes = codes


# A cancelled TransactWriteItems names an item whose condition failed with this code.
CONDITION_FAILED = "ConditionalCheckFailed"


def failed_items(error: TransactWriteError, labels: Sequence[str]) -> dict[str, str]:
    """Each item DynamoDB names in a cancelled TransactWriteItems, by its label, with its code. `labels` name
    the items in the order PynamoDB sent them: condition checks, then puts and deletes, then updates."""
    reasons = error.cancellation_reasons or []
    return {labels[i]: reason.code for i, reason in enumerate(reasons)
            if reason is not None and i < len(labels) and reason.code not in (None, "None")}


def contention(error: TransactWriteError, failed: dict[str, str]) -> Contention:
    """A cancelled transaction no failed condition explains: its items' codes, or the call's own."""
    return Contention(sorted(set(failed.values())) or [str(error.cause_response_code)])


def codes_of(error: BaseException) -> set[str]:
    """The DynamoDB codes an exception carries: a Contention's reasons, or a PynamoDB error's cause."""
    codes = set(getattr(error, "codes", ()) or ())
    cause = getattr(error, "cause_response_code", None)
    if cause:
        codes.add(str(cause))
    return codes


def is_busy(error: BaseException) -> bool:
    return bool(codes_of(error) & BUSY)


def is_transient(codes: Iterable[str]) -> bool:
    return bool(TRANSIENT.intersection(codes))


def only_conflicts(codes: Iterable[str]) -> bool:
    return set(codes) == {CONFLICT}


def backoff(attempt: int, base_seconds: float) -> float:
    """Jittered exponential backoff: 0.5x to 1.5x of base * 2^attempt (attempt 0 is the first retry)."""
    return base_seconds * (1 << attempt) * random.uniform(0.5, 1.5)
