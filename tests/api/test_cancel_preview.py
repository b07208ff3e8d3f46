"""POST /seller/orders/{order_id}/cancel-preview: what the cancel would do, changing nothing, in 1 GetItem and
1 Query; and the cancel then does exactly that."""

import pytest

from devtools.dynamo_calls import WRITES, DynamoCalls


@pytest.fixture
def calls(api):
    with DynamoCalls() as recorder:
        yield recorder


def test_previewing_an_out_of_stock_cancel_shows_the_rate_move_and_the_cancel_then_moves_it(shop, calls):
    for _ in range(3):
        shop.order()
    order_id = shop.order()
    calls.clear()
    preview = shop.cancel_preview(order_id, "OUT_OF_STOCK", expect=200).json
    assert calls.counts() == {"GetItem": 1, "Query": 1}
    assert (preview["allowed"], preview["problem"]) == (True, None)
    assert (preview["fault"], preview["counts_toward_sfcr"]) == ("SELLER", True)
    assert preview["refund"] == {"amount": 150000, "currency": "IDR"}
    # The SFCR route adds the seller's open appeals (docs/appeals.md); the rest is the preview's sfcr_now.
    assert {**preview["sfcr_now"], "appeals_open": 0} == shop.sfcr().json
    after = preview["sfcr_after"]
    assert (after["orders"], after["seller_fault_cancellations"], after["rate"]) == (4, 1, 0.25)
    assert (after["standing"], after["order_volume_cap"]) == ("RESTRICTED", 0.75)
    assert preview["warning"] == ("This cancellation would raise your seller-fault cancellation rate from 0.0% to "
                                  "25.0%: your standing goes from GOOD to RESTRICTED, and your order volume cap "
                                  "drops from 100% to 75%.")
    # The code a page words in its own language; the sentence's figures are sfcr_now's and sfcr_after's.
    assert preview["warning_code"] == "SFCR_BAND_WORSENS"
    assert shop.detail(order_id).json["status"] == "AWAITING_SHIPMENT"

    shop.seller_cancel(order_id, "OUT_OF_STOCK", expect=201)
    assert shop.sfcr().json == {**after, "appeals_open": 0}


def test_the_problem_is_the_error_the_cancel_would_give(shop):
    unpaid = shop.order(status="UNPAID")
    pending = shop.pending()
    shipped = shop.in_transit()
    for order_id, reason in ((unpaid, "ADDRESS_NOT_DELIVERABLE"), (pending[0], "OUT_OF_STOCK"),
                             (shipped, "WRONG_PRICE")):
        preview = shop.cancel_preview(order_id, reason, expect=200).json
        cancel = shop.seller_cancel(order_id, reason)
        assert cancel.status_code in (400, 409)
        assert (preview["allowed"], preview["problem"]) == (False, cancel.json["error"]), order_id
        assert preview["sfcr_after"] == preview["sfcr_now"] and preview["warning"] is None
        assert preview["warning_code"] is None


def test_an_unpaid_order_has_no_refund_and_a_reason_that_does_not_count_leaves_the_rate(shop):
    unpaid = shop.order(status="UNPAID")
    preview = shop.cancel_preview(unpaid, "BUYER_NOT_PAID_IN_TIME", expect=200).json
    assert (preview["allowed"], preview["refund"], preview["fault"]) == (True, None, "BUYER")
    assert preview["sfcr_after"] == preview["sfcr_now"] and preview["warning"] is None
    assert preview["warning_code"] is None


def test_another_shops_order_is_404_like_a_missing_one_and_nothing_is_read_of_its_rate(shop, calls):
    order_id = shop.order(seller_id="S2", buyer_id="B2")
    calls.clear()
    foreign = shop.cancel_preview(order_id)
    assert (foreign.status_code, foreign.json["error"]["code"]) == (404, "ORDER_NOT_FOUND")
    assert calls.counts() == {"GetItem": 1}
    missing = shop.cancel_preview("NOPE")
    assert missing.json["error"]["message"].replace("NOPE", order_id) == foreign.json["error"]["message"]


def test_the_preview_writes_nothing_even_with_an_idempotency_key(shop, calls):
    order_id = shop.order()
    calls.clear()
    shop.cancel_preview(order_id, headers={"Idempotency-Key": "p-1"}, expect=200)
    assert not set(calls.counts()) & WRITES


def test_the_body_is_the_cancels(shop):
    order_id = shop.order()
    assert shop.cancel_preview(order_id, "NOT_A_REASON").json["error"]["code"] == "UNKNOWN_ENUM_VALUE"
    assert shop.cancel_preview(order_id, refund=1).json["error"]["code"] == "UNKNOWN_FIELD"
    long = shop.cancel_preview(order_id, comment="x" * 501)
    assert (long.status_code, long.json["error"]["code"]) == (400, "INVALID_FIELD")


def test_a_partial_out_of_stock_preview_refunds_its_lines(shop):
    order_id = shop.order(items=[{"sku": "SKU-A", "quantity": 1, "unit_price": 50000},
                                 {"sku": "SKU-B", "quantity": 2, "unit_price": 75000}])
    lines = [{"sku": "SKU-B", "quantity": 1}]
    preview = shop.cancel_preview(order_id, "OUT_OF_STOCK", line_items=lines, expect=200).json
    assert (preview["allowed"], preview["refund"]) == (True, {"amount": 75000, "currency": "IDR"})
    cancelled = shop.seller_cancel(order_id, "OUT_OF_STOCK", line_items=lines, expect=201).json
    assert cancelled["refund"] == preview["refund"]
    wrong = shop.cancel_preview(order_id, "WRONG_PRICE", line_items=lines, expect=200).json
    assert wrong["problem"] == shop.seller_cancel(order_id, "WRONG_PRICE", line_items=lines).json["error"]


def test_a_key_is_checked_like_every_posts_although_the_preview_keeps_nothing(shop):
    order_id = shop.order()
    refused = shop.cancel_preview(order_id, headers={"Idempotency-Key": "k" * 256}, expect=400)
    assert refused.json["error"]["code"] == "INVALID_IDEMPOTENCY_KEY"
    assert shop.cancel_preview(order_id, headers={"Idempotency-Key": "k-1"}, expect=200).json["allowed"] is True
