"""Each caller's rate limit on plain values (chalicelib/domain/rate_limit.py): whom a request counts against, and
the token bucket API Gateway's usage plan applies, which the local runner emulates."""

from chalicelib.domain.identity import Identity, Role
from chalicelib.domain.rate_limit import ANONYMOUS, BUYER_SLOTS, PLATFORM, CallerBuckets, TokenBucket, caller_of


def seller(seller_id: str, sub: str) -> Identity:
    return Identity(sub=sub, role=Role.SELLER, seller_id=seller_id)


def buyer(buyer_id: str) -> Identity:
    return Identity(sub=f"user-{buyer_id}", role=Role.BUYER, buyer_id=buyer_id)


def test_a_shops_users_are_one_caller_and_shops_are_apart():
    assert caller_of(seller("S1", "alice")) == caller_of(seller("S1", "bob")) == "seller-S1"
    assert caller_of(seller("S2", "alice")) == "seller-S2"


def test_buyers_fall_in_a_bounded_number_of_stable_slots():
    slots = {caller_of(buyer(f"B{n}")) for n in range(5000)}
    assert len(slots) == BUYER_SLOTS  # every slot used, none beyond
    assert caller_of(buyer("B42")) == caller_of(buyer("B42"))
    assert caller_of(buyer("B42")) == "buyers-" + caller_of(buyer("B42")).split("-")[1]


def test_the_platform_and_failed_tokens_are_callers_of_their_own():
    assert caller_of(Identity(sub="order-source", role=Role.PLATFORM)) == PLATFORM
    assert caller_of(None) == ANONYMOUS


def test_a_bucket_passes_its_burst_then_one_request_per_refill():
    bucket = TokenBucket(per_second=10, burst=20, now=0.0)
    assert [bucket.take(0.0) for _ in range(20)] == [0.0] * 20
    assert abs(bucket.take(0.0) - 0.1) < 1e-9  # the wait until the next token
    assert bucket.take(0.05) > 0  # half a token is not a request
    assert bucket.take(0.1) == 0.0
    assert bucket.take(0.1) > 0


def test_a_long_pause_fills_the_bucket_to_its_burst_only():
    bucket = TokenBucket(per_second=10, burst=20, now=0.0)
    bucket.take(0.0)
    assert [bucket.take(3600.0) for _ in range(21)].count(0.0) == 20


def test_a_clock_that_steps_back_refills_nothing():
    bucket = TokenBucket(per_second=1, burst=1, now=100.0)
    assert bucket.take(100.0) == 0.0
    assert bucket.take(50.0) > 0
    assert bucket.take(100.5) > 0  # the refill counts from the latest time seen
    assert bucket.take(101.0) == 0.0


def test_each_caller_has_its_own_bucket_and_the_platform_none():
    buckets = CallerBuckets(per_second=1, burst=2)
    assert [buckets.take("seller-S1", 0.0) == 0 for _ in range(3)] == [True, True, False]
    assert buckets.take("seller-S2", 0.0) == 0.0
    assert all(buckets.take(PLATFORM, 0.0) == 0.0 for _ in range(1000))
