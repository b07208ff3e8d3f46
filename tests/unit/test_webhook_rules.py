"""The webhook rules without the network: URL form, addresses, the schedule, what follows an attempt."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.config import DEFAULT_WEBHOOK_RETRY_SCHEDULE
from chalicelib.domain import webhooks as w
from chalicelib.domain.errors import InvalidRequest

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SCHEDULE = w.parse_schedule(DEFAULT_WEBHOOK_RETRY_SCHEDULE)
FIVE_DAYS = timedelta(days=5)


def test_a_target_keeps_the_path_and_query_and_the_default_port():
    target = w.parse_url("https://Hooks.Example.com/a/b?x=1", allow_http=False)
    assert (target.scheme, target.host, target.port, target.path) == ("https", "hooks.example.com", 443, "/a/b?x=1")
    assert w.parse_url("http://127.0.0.1:8080", allow_http=True).path == "/"
    with pytest.raises(InvalidRequest) as refused:
        w.parse_url("https://hooks.example.com/x#", allow_http=False)
    assert refused.value.details == {"reason": "FRAGMENT_NOT_ALLOWED"}


@pytest.mark.parametrize(("address", "reason"), [
    ("8.8.8.8", None), ("2606:4700::1111", None), ("127.0.0.2", "LOOPBACK_ADDRESS"), ("::1", "LOOPBACK_ADDRESS"),
    ("fe80::1%eth0", "LINK_LOCAL_ADDRESS"), ("fd00::1", "PRIVATE_ADDRESS"), ("172.16.0.1", "PRIVATE_ADDRESS"),
    ("::ffff:10.0.0.1", "PRIVATE_ADDRESS"), ("ff02::1", "MULTICAST_ADDRESS"), ("192.0.2.1", "PRIVATE_ADDRESS"),
    ("0.0.0.0", "RESERVED_ADDRESS"), ("255.255.255.255", "RESERVED_ADDRESS"),
])
def test_which_addresses_may_be_called(address, reason):
    assert w.address_refusal(address, allow_private=False) == reason


def test_the_dev_stage_still_refuses_multicast_and_unspecified():
    assert w.address_refusal("127.0.0.1", allow_private=True) is None
    assert w.address_refusal("224.0.0.1", allow_private=True) == "MULTICAST_ADDRESS"
    assert w.address_refusal("0.0.0.0", allow_private=True) == "RESERVED_ADDRESS"


def test_one_bad_address_among_good_ones_refuses_the_host():
    with pytest.raises(InvalidRequest) as refused:
        w.check_addresses("h", ["8.8.8.8", "10.0.0.1"], allow_private=False)
    assert refused.value.details == {"reason": "PRIVATE_ADDRESS"}
    assert w.check_addresses("h", ["8.8.8.8", "1.1.1.1"], allow_private=False) == ["8.8.8.8", "1.1.1.1"]


@pytest.mark.parametrize(("address", "reason"), [
    ("2002:7f00:1::", "LOOPBACK_ADDRESS"),  # 6to4 of 127.0.0.1
    ("2002:a9fe:a9fe::1", "LINK_LOCAL_ADDRESS"),  # 6to4 of 169.254.169.254
    ("2002:c0a8:101::", "PRIVATE_ADDRESS"),  # 6to4 of 192.168.1.1
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "LOOPBACK_ADDRESS"),  # Teredo, client 127.0.0.1 (obfuscated)
    ("2001:0:a9fe:a9fe:8000:63bf:3fff:fdd2", "LINK_LOCAL_ADDRESS"),  # Teredo, server 169.254.169.254
])
def test_6to4_and_teredo_are_judged_by_the_ipv4_they_embed(address, reason):
    """Named for the embedded address, not left to whether this Python's `is_private` covers the prefix."""
    assert w.address_refusal(address, allow_private=False) == reason


def test_an_attempt_succeeded_only_when_it_left_its_delivery_succeeded():
    assert w.attempt_outcome(w.DeliveryStatus.SUCCEEDED) is w.AttemptOutcome.SUCCEEDED
    assert w.attempt_outcome(w.DeliveryStatus.PENDING) is w.AttemptOutcome.FAILED
    assert w.attempt_outcome(w.DeliveryStatus.FAILED) is w.AttemptOutcome.FAILED


@pytest.mark.parametrize("text", ["5,4", "0,5", "a,b", "5,5"])
def test_a_schedule_must_rise_from_above_zero(text):
    with pytest.raises(ValueError):
        w.parse_schedule(text)


def test_retries_follow_the_schedule_from_the_first_try_with_up_to_a_tenth_of_the_gap_as_jitter():
    rng = random.Random(7)
    for attempt, offset in enumerate(SCHEDULE, start=1):
        gap = offset - (SCHEDULE[attempt - 2] if attempt > 1 else 0)
        now = NOW + timedelta(seconds=SCHEDULE[attempt - 2] if attempt > 1 else 0)
        decided = w.after_attempt(w.AttemptResult.FAILURE, attempt=attempt, first_attempt_at=NOW, now=now,
                                  schedule=SCHEDULE, manual=False, failing_since=NOW, disable_after=FIVE_DAYS,
                                  rng=rng)
        assert decided.status is w.DeliveryStatus.PENDING
        assert decided.next_attempt_at is not None
        late = (decided.next_attempt_at - NOW).total_seconds() - offset
        assert 0 <= late <= 0.1 * gap
    last = w.after_attempt(w.AttemptResult.FAILURE, attempt=len(SCHEDULE) + 1, first_attempt_at=NOW, now=NOW,
                           schedule=SCHEDULE, manual=False, failing_since=NOW, disable_after=FIVE_DAYS)
    assert (last.status, last.next_attempt_at) == (w.DeliveryStatus.FAILED, None)


def test_every_gap_of_the_schedule_fits_one_visibility_timeout():
    """A retry waits on its queue at most 15 minutes of delay plus one 12-hour hold (docs/webhooks.md)."""
    gaps = [b - a for a, b in zip((0, *SCHEDULE), SCHEDULE, strict=False)]
    assert max(gaps) * 1.1 <= 900 + 43200


def test_outcomes():
    assert [w.outcome_of(s) for s in (200, 204, 299, 301, 410, 500, None)] == [
        w.AttemptResult.SUCCESS, w.AttemptResult.SUCCESS, w.AttemptResult.SUCCESS, w.AttemptResult.FAILURE,
        w.AttemptResult.GONE, w.AttemptResult.FAILURE, w.AttemptResult.FAILURE]


def test_a_manual_attempt_is_not_rescheduled_and_a_success_ends_the_streak():
    manual = w.after_attempt(w.AttemptResult.FAILURE, attempt=3, first_attempt_at=NOW, now=NOW, schedule=SCHEDULE,
                             manual=True, failing_since=None, disable_after=FIVE_DAYS)
    assert (manual.status, manual.failing_since) == (w.DeliveryStatus.FAILED, NOW)
    ok = w.after_attempt(w.AttemptResult.SUCCESS, attempt=1, first_attempt_at=NOW, now=NOW, schedule=SCHEDULE,
                         manual=False, failing_since=NOW - timedelta(days=4), disable_after=FIVE_DAYS)
    assert (ok.status, ok.failing_since, ok.disable) == (w.DeliveryStatus.SUCCEEDED, None, None)


def test_rotation_keeps_the_old_secret_for_a_day():
    assert w.signing_secrets("new", "old", NOW + timedelta(hours=24), NOW) == ["new", "old"]
    assert w.signing_secrets("new", "old", NOW, NOW) == ["new"]
