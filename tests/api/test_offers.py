"""Offers through the API (docs/offers.md): the seller's one offer stops its clock, the buyer accepts or declines,
the job ends a lapsed one, shipping and withdrawing end an open one; every count exact after each step."""

from datetime import timedelta
from typing import Any

from chalicelib.domain.clock import iso, parse_iso, utc_now
from chalicelib.jobs import expiry
from tests.support.shop import Shop


def idr(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "IDR"}


def counts(shop: Shop) -> dict[str, int]:
    return shop.counts(expect=200).json["cancellation"]


def test_an_offer_made_accepted_and_refunded(shop: Shop, clock):
    order_id, cancel_id = shop.pending()
    asked = shop.cancellation(cancel_id, expect=200).json
    assert asked["offer"] is None and asked["withdraw_cause"] is None and asked["response_seconds_left"] is None
    assert counts(shop) == {"total": 1, "cancellation_requested": 1, "auto_approved": 0, "due_soon": 0,
                            "awaiting_buyer": 0}

    clock.shift(timedelta(hours=10))
    offered = shop.make_offer(cancel_id, "PARTIAL_REFUND", "Keep it, and 20,000 back", amount=20000, expect=200).json
    assert offered["status"] == "REQUESTED" and offered["respond_by"] is None
    assert offered["response_seconds_left"] == 38 * 3600
    assert offered["offer"] == {"kind": "PARTIAL_REFUND", "message": "Keep it, and 20,000 back", "amount": idr(20000),
                                "ship_by": None, "status": "OPEN", "made_at": iso(utc_now()),
                                "answer_by": iso(utc_now() + timedelta(days=1)), "answered_at": None}
    assert counts(shop) == {"total": 0, "cancellation_requested": 0, "auto_approved": 0, "due_soon": 0,
                            "awaiting_buyer": 1}
    # The seller's queue shows it, with the buyer's answer_by.
    queue = shop.cancellations("status=REQUESTED", expect=200).json["items"]
    assert [(c["cancel_id"], c["offer"]["answer_by"]) for c in queue] == [(cancel_id, offered["offer"]["answer_by"])]

    assert shop.approve(cancel_id, expect=409).json["error"]["code"] == "OFFER_OPEN"
    assert shop.reject(cancel_id, expect=409).json["error"]["code"] == "OFFER_OPEN"
    assert shop.make_offer(cancel_id, expect=409).json["error"]["code"] == "OFFER_ALREADY_MADE"

    accepted = shop.accept_offer(cancel_id, expect=200).json
    assert accepted["status"] == "WITHDRAWN" and accepted["withdraw_cause"] == "OFFER_ACCEPTED"
    assert accepted["offer"]["status"] == "ACCEPTED" and accepted["offer"]["answered_at"] == iso(utc_now())
    assert accepted["refund"] == idr(20000) and accepted["refund_status"] == "PENDING"
    assert accepted["line_items"] == asked["line_items"]  # what the buyer asked for: nothing is cancelled
    order = shop.detail(order_id, expect=200).json
    assert order["status"] == "AWAITING_SHIPMENT" and order["remaining_total"] == idr(150000)
    assert order["pending_cancel_id"] is None and order["promised_ship_by"] is None
    assert [entry["action"] for entry in order["history"]][-3:] == [
        "CANCELLATION_REQUESTED", "OFFER_MADE", "OFFER_ACCEPTED"]
    assert counts(shop) == {"total": 0, "cancellation_requested": 0, "auto_approved": 0, "due_soon": 0,
                            "awaiting_buyer": 0}
    assert shop.accept_offer(cancel_id, expect=409).json["error"]["code"] == "OFFER_NOT_OPEN"

    refunded = shop.report_refund(cancel_id, "PSP-77", expect=200).json
    assert refunded["refund_status"] == "REFUNDED" and refunded["refund"] == idr(20000)


def test_a_declined_offer_restarts_the_sellers_clock_with_what_was_left(shop: Shop, clock):
    _, cancel_id = shop.pending()
    clock.shift(timedelta(hours=47, minutes=30))  # 30 minutes left
    shop.make_offer(cancel_id, "SHIP_BY", "Ships tomorrow", ship_by=iso(utc_now() + timedelta(days=1)), expect=200)
    clock.shift(timedelta(hours=3))
    declined = shop.decline_offer(cancel_id, expect=200).json
    assert declined["status"] == "REQUESTED" and declined["offer"]["status"] == "DECLINED"
    assert parse_iso(declined["respond_by"]) == utc_now() + timedelta(hours=1)  # at least an hour back
    assert declined["response_seconds_left"] is None
    assert counts(shop) == {"total": 1, "cancellation_requested": 1, "auto_approved": 0, "due_soon": 1,
                            "awaiting_buyer": 0}
    assert shop.decline_offer(cancel_id, expect=409).json["error"]["code"] == "OFFER_NOT_OPEN"
    assert shop.make_offer(cancel_id, expect=409).json["error"]["code"] == "OFFER_ALREADY_MADE"
    assert shop.approve(cancel_id, expect=200).json["status"] == "APPROVED"


def test_the_job_ends_a_lapsed_offer_once_and_the_request_waits_again(shop: Shop, clock):
    _, cancel_id = shop.pending()
    clock.shift(timedelta(hours=8))  # 40 h left
    answer_by = parse_iso(shop.make_offer(cancel_id, expect=200).json["offer"]["answer_by"])
    clock.move_to(answer_by - timedelta(seconds=1))
    assert expiry.run(utc_now()).due_seen == 0
    assert shop.accept_offer(cancel_id, token=shop.buyer_token("B2"), expect=404).status_code == 404
    clock.move_to(answer_by)
    assert shop.accept_offer(cancel_id, expect=409).json["error"]["code"] == "OFFER_NOT_OPEN"  # lapsed in effect
    report = expiry.run(utc_now())
    assert (report.due_seen, report.offers_lapsed, report.auto_approved) == (1, 1, 0)
    lapsed = shop.cancellation(cancel_id, expect=200).json
    assert lapsed["status"] == "REQUESTED" and lapsed["offer"]["status"] == "EXPIRED"
    assert lapsed["offer"]["answered_at"] is None
    assert parse_iso(lapsed["respond_by"]) == answer_by + timedelta(hours=40)
    assert expiry.run(utc_now()).due_seen == 0  # again: nothing twice
    assert counts(shop)["cancellation_requested"] == 1 and counts(shop)["awaiting_buyer"] == 0
    clock.move_to(answer_by + timedelta(hours=40))
    assert expiry.run(utc_now()).auto_approved == 1  # the restarted clock runs out as any deadline does
    assert shop.cancellation(cancel_id, expect=200).json["status"] == "AUTO_APPROVED"


def test_past_answer_by_the_offer_stays_open_until_the_job_ends_it(shop: Shop, clock):
    """Between answer_by and the job's run (OF8): the seller still meets OFFER_OPEN, the counts stand; the buyer
    can no longer answer but may withdraw, which ends the offer DECLINED, and shipping ends it EXPIRED, leaving the
    job nothing of either; the job gives the seller's time back from its own run."""
    withdrawn_order, withdrawn = shop.offered()
    shipped_order, shipped = shop.offered()
    _, lapsing = shop.offered()
    answer_by = parse_iso(shop.cancellation(lapsing, expect=200).json["offer"]["answer_by"])
    left = shop.cancellation(lapsing, expect=200).json["response_seconds_left"]
    clock.move_to(answer_by + timedelta(minutes=3))  # the job has not run since
    for cancel_id in (withdrawn, shipped, lapsing):
        assert shop.approve(cancel_id, expect=409).json["error"]["code"] == "OFFER_OPEN"
        assert shop.reject(cancel_id, expect=409).json["error"]["code"] == "OFFER_OPEN"
        assert shop.make_offer(cancel_id, expect=409).json["error"]["code"] == "OFFER_ALREADY_MADE"
        assert shop.accept_offer(cancel_id, expect=409).json["error"]["code"] == "OFFER_NOT_OPEN"
    results = shop.bulk_approve([withdrawn, shipped, lapsing], expect=200).json["results"]
    assert [(r["status"], r["error"]["code"]) for r in results] == [(409, "OFFER_OPEN")] * 3
    assert counts(shop) == {"total": 0, "cancellation_requested": 0, "auto_approved": 0, "due_soon": 0,
                            "awaiting_buyer": 3}

    ended = shop.withdraw(withdrawn, expect=200).json
    assert (ended["status"], ended["withdraw_cause"]) == ("WITHDRAWN", "BUYER")
    assert (ended["offer"]["status"], ended["offer"]["answered_at"]) == ("DECLINED", iso(utc_now()))
    shop.ship(shipped_order, expect=200)
    rejected = shop.cancellation(shipped, expect=200).json
    assert (rejected["status"], rejected["reject_reason"], rejected["offer"]["status"]) == (
        "REJECTED", "ORDER_SHIPPED", "EXPIRED")
    clock.shift(timedelta(minutes=2))  # the job's next run
    report = expiry.run(utc_now())
    assert (report.due_seen, report.offers_lapsed, report.auto_approved) == (1, 1, 0)  # the other two left
    lapsed = shop.cancellation(lapsing, expect=200).json
    assert lapsed["offer"]["status"] == "EXPIRED"
    assert parse_iso(lapsed["respond_by"]) == utc_now() + timedelta(seconds=left)  # from the run, not answer_by
    assert shop.cancellation(withdrawn, expect=200).json == ended
    assert shop.cancellation(shipped, expect=200).json == rejected
    assert shop.detail(withdrawn_order, expect=200).json["history"][-1]["action"] == "CANCELLATION_WITHDRAWN"
    assert shop.detail(shipped_order, expect=200).json["history"][-1]["action"] == "SHIPPED"
    assert counts(shop) == {"total": 1, "cancellation_requested": 1, "auto_approved": 0, "due_soon": 0,
                            "awaiting_buyer": 0}


def test_a_broken_ship_by_promise_auto_approves_the_next_request_as_seller_fault(shop: Shop, clock):
    order_id, cancel_id = shop.pending()
    ship_by = utc_now() + timedelta(days=2)
    shop.make_offer(cancel_id, "SHIP_BY", "Ships by Wednesday", ship_by=iso(ship_by), expect=200)
    shop.accept_offer(cancel_id, expect=200)
    assert shop.detail(order_id, expect=200).json["promised_ship_by"] == iso(ship_by)
    clock.move_to(ship_by)
    late = shop.request_cancellation(order_id, expect=201).json
    assert late["status"] == "AUTO_APPROVED" and late["auto_approve_cause"] == "PROMISE_MISSED"
    assert late["fault"] == "SELLER" and late["counts_toward_sfcr"] is True
    assert shop.sfcr(expect=200).json["seller_fault_cancellations"] == 1
    assert counts(shop)["auto_approved"] == 1


def test_withdrawing_or_shipping_ends_an_open_offer(shop: Shop, clock):
    _, withdrawn_id = shop.offered()
    withdrawn = shop.withdraw(withdrawn_id, expect=200).json
    assert withdrawn["status"] == "WITHDRAWN" and withdrawn["withdraw_cause"] == "BUYER"
    assert withdrawn["offer"]["status"] == "DECLINED"
    shipped_order, shipped_id = shop.offered(kind="PARTIAL_REFUND")
    shop.ship(shipped_order, expect=200)
    shipped = shop.cancellation(shipped_id, expect=200).json
    assert shipped["status"] == "REJECTED" and shipped["reject_reason"] == "ORDER_SHIPPED"
    assert shipped["offer"]["status"] == "EXPIRED" and shipped["refund_status"] == "NONE"
    assert counts(shop) == {"total": 0, "cancellation_requested": 0, "auto_approved": 0, "due_soon": 0,
                            "awaiting_buyer": 0}


def test_bad_offers_are_400_and_change_nothing(shop: Shop, clock):
    order_id, cancel_id = shop.pending()
    before = shop.detail(order_id, expect=200).json
    soon = iso(utc_now() + timedelta(days=1))
    # (kind, fields, code, the detail naming what was refused): the body's schema first, then the offer's terms
    for kind, fields, code, named in [
        ("PARTIAL_REFUND", {}, "INVALID_OFFER", ("field", "amount")),
        ("PARTIAL_REFUND", {"amount": 150001}, "INVALID_OFFER", ("field", "amount")),  # over the remaining total
        ("PARTIAL_REFUND", {"amount": 0}, "INVALID_OFFER", ("field", "amount")),
        ("KEEP_ORDER", {"ship_by": soon}, "INVALID_OFFER", ("field", "ship_by")),
        ("SHIP_BY", {"ship_by": iso(utc_now() + timedelta(days=6))}, "INVALID_OFFER", ("field", "ship_by")),
        ("KEEP_ORDER", {"message": "   "}, "INVALID_OFFER", ("field", "message")),  # blanks only
        ("SHIP_BY", {"ship_by": "tomorrow"}, "INVALID_FIELD", ("path", "$.ship_by")),
        ("DISCOUNT", {}, "UNKNOWN_ENUM_VALUE", ("path", "$.kind")),
        ("KEEP_ORDER", {"message": ""}, "INVALID_FIELD", ("path", "$.message")),
        ("KEEP_ORDER", {"message": "x" * 501}, "INVALID_FIELD", ("path", "$.message")),
    ]:
        body = {"kind": kind, "message": "Please keep it", **fields}
        answer = shop.api.post(f"/seller/cancellations/{cancel_id}/offer", shop.seller_token(), body)
        error = answer.json["error"]
        assert answer.status_code == 400 and error["code"] == code, (body, answer.json)
        assert error["details"][named[0]] == named[1], (body, error)
    assert shop.detail(order_id, expect=200).json == before


def test_only_the_requests_own_parties_see_its_offer(shop: Shop, clock):
    _, cancel_id = shop.pending()
    assert shop.make_offer(cancel_id, token=shop.seller_token("S2"), expect=404).json["error"]["code"] == \
        "CANCELLATION_NOT_FOUND"
    shop.make_offer(cancel_id, expect=200)
    for answer in (shop.accept_offer, shop.decline_offer):
        assert answer(cancel_id, token=shop.buyer_token("B2"), expect=404).json["error"]["code"] == \
            "CANCELLATION_NOT_FOUND"


def test_no_offer_after_the_deadline(shop: Shop, clock):
    _, cancel_id = shop.pending()
    clock.shift(timedelta(hours=48))
    assert shop.make_offer(cancel_id, expect=409).json["error"]["code"] == "RESPONSE_DEADLINE_PASSED"


def test_the_feed_has_each_offer_event(shop: Shop, clock):
    _, made = shop.offered()
    shop.decline_offer(made, expect=200)
    _, accepted = shop.offered()
    shop.accept_offer(accepted, expect=200)
    _, lapsing = shop.offered()
    clock.shift(timedelta(days=1))
    expiry.run(utc_now())
    clock.shift(timedelta(minutes=10))
    types = "cancellation.offer_made,cancellation.offer_accepted,cancellation.offer_declined,cancellation.offer_expired"
    items = shop.events(f"types={types}&limit=100", expect=200).json["items"]
    seen = sorted((item["type"], item["data"]["cancellation"]["cancel_id"]) for item in items)
    assert seen == sorted([("cancellation.offer_made", made), ("cancellation.offer_declined", made),
                           ("cancellation.offer_made", accepted), ("cancellation.offer_accepted", accepted),
                           ("cancellation.offer_made", lapsing), ("cancellation.offer_expired", lapsing)])


OFFER_EVENTS = ("cancellation.offer_made", "cancellation.offer_accepted", "cancellation.offer_declined",
                "cancellation.offer_expired")


def test_webhooks_subscribe_to_each_offer_event_by_name():
    from chalicelib.api.openapi import document
    from chalicelib.domain.webhooks import check_event_types

    assert check_event_types(OFFER_EVENTS) == OFFER_EVENTS
    schema = document()["components"]["schemas"]["WebhookIn"]["properties"]["event_types"]["items"]
    assert set(OFFER_EVENTS) <= set(schema["enum"])
