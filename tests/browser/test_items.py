"""Items and money on the page (docs/money-and-items.md): out of stock, the Cancel dialog lets the seller pick which
items and how many (every remaining one at first: the whole order); the orders row names what was cancelled and
what remains; the status of a cancelled order says what the buyer gets back and where that refund stands."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Seller
from tests.support.seller_center import SellerCenter
from tests.support.shop import MULTI_ITEMS  # SKU-1 x 2 at 75,000 and SKU-2 x 1 at 20,000: IDR 1,700.00

SKU_1 = "SKU-1: quantity to cancel, of 2"
SKU_2 = "SKU-2: quantity to cancel, of 1"


def open_cancel(center: SellerCenter, order_id: str) -> None:
    center.row(order_id).get_by_role("button", name="More Actions").click()
    center.page.get_by_role("menuitem", name="Cancel").click()


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_out_of_stock_cancels_the_items_and_quantities_the_seller_picks(center: SellerCenter, seller: Seller,
                                                                         screen: str) -> None:
    order_id = seller.paid(items=MULTI_ITEMS)
    center.sign_in(seller.token, "#to-ship")
    open_cancel(center, order_id)
    dialog = center.dialog("Cancel order")
    reasons = dialog.get_by_label("Cancellation reason")
    items = dialog.get_by_role("group", name="Items to cancel")

    # Only out of stock cancels some items: another reason cancels the whole order and offers no picker.
    reasons.select_option(label="Incorrect pricing")
    expect(items).to_have_count(0)
    reasons.select_option(label="Out of stock")
    expect(items).to_be_visible()
    expect(items.get_by_label(SKU_1)).to_have_value("2")
    expect(items.get_by_label(SKU_2)).to_have_value("1")
    expect(items.get_by_label(SKU_1)).to_have_accessible_description("IDR\u00a0750.00 each")
    expect(items).to_contain_text("This cancels the whole order. The buyer gets back IDR\u00a01,700.00.")

    items.get_by_label(SKU_1).fill("1")
    items.get_by_label(SKU_2).fill("0")
    expect(items).to_contain_text("The buyer gets back IDR\u00a0750.00.")
    expect(items).not_to_contain_text("This cancels the whole order")
    center.axe(f"cancel dialog, items picked ({screen})")
    center.screenshot(f"seller-center-cancel-items-{screen}")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(center.status()).to_have_text(f"Items of order {order_id} cancelled: SKU-1 \u00d7 1.")

    # The order goes on with what remains; the row names what was cancelled.
    row = center.row(order_id)
    expect(row).to_contain_text("To ship")
    expect(row).to_contain_text("IDR\u00a01,700.00")
    expect(row).to_contain_text("IDR\u00a0950.00 after cancelled items")
    expect(row).to_contain_text("Cancelled items: SKU-1 \u00d7 1")
    center.axe(f"orders, some items cancelled ({screen})")
    detail = seller.shop.detail(order_id, token=seller.token).json
    cancellation = seller.shop.cancellation(detail["cancellations"][0]["cancel_id"], token=seller.token).json
    assert ([(line["sku"], line["quantity"]) for line in cancellation["line_items"]], cancellation["whole_order"],
            cancellation["refund"], cancellation["refund_status"]) == (
        [("SKU-1", 1)], False, {"amount": 75000, "currency": "IDR"}, "PENDING")

    # A second cancel offers only what remains.
    open_cancel(center, order_id)
    reasons.select_option(label="Out of stock")
    expect(items.get_by_label("SKU-1: quantity to cancel, of 1")).to_have_value("1")
    expect(items.get_by_label(SKU_2)).to_have_value("1")
    expect(items).to_contain_text("The buyer gets back IDR\u00a0950.00.")


def test_the_picker_refuses_nothing_chosen_and_a_quantity_beyond_what_remains(center: SellerCenter,
                                                                             seller: Seller) -> None:
    order_id = seller.paid(items=MULTI_ITEMS)
    center.sign_in(seller.token, "#to-ship")
    open_cancel(center, order_id)
    dialog = center.dialog("Cancel order")
    dialog.get_by_label("Cancellation reason").select_option(label="Out of stock")
    first, second = dialog.get_by_label(SKU_1), dialog.get_by_label(SKU_2)
    first.fill("0")
    second.fill("0")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("alert")).to_have_text("Choose at least one item to cancel.")
    first.fill("3")
    expect(dialog.get_by_role("alert")).to_have_count(0)
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("alert")).to_have_text("Enter a whole number from 0 to 2 for SKU-1.")
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(second).to_have_attribute("aria-invalid", "false")
    center.axe("cancel dialog, a quantity refused")
    dialog.get_by_role("button", name="Close").click()
    assert seller.shop.detail(order_id, token=seller.token).json["cancellations"] == []


def test_keyboard_only_cancel_of_some_items(center: SellerCenter, seller: Seller) -> None:
    order_id = seller.paid(items=MULTI_ITEMS)
    center.sign_in(seller.token, "#to-ship")
    keys = center.page.keyboard
    center.tab_to(center.row(order_id).get_by_role("button", name="More Actions"))
    keys.press("Enter")
    expect(center.page.get_by_role("menuitem", name="Cancel")).to_be_focused()
    keys.press("Enter")
    dialog = center.dialog("Cancel order")
    expect(dialog.get_by_label("Cancellation reason")).to_be_focused()
    keys.press("ArrowDown")  # Out of stock
    keys.press("Tab")
    expect(dialog.get_by_label(SKU_1)).to_be_focused()
    keys.press("ArrowDown")  # 2 → 1
    keys.press("Tab")
    expect(dialog.get_by_label(SKU_2)).to_be_focused()
    keys.press("ArrowDown")  # 1 → 0
    expect(dialog).to_contain_text("The buyer gets back IDR\u00a0750.00.")
    keys.press("Tab")
    expect(dialog.get_by_role("button", name="Confirm")).to_be_focused()
    keys.press("Enter")
    expect(center.status()).to_have_text(f"Items of order {order_id} cancelled: SKU-1 \u00d7 1.")
    items = seller.shop.detail(order_id, token=seller.token).json["items"]
    assert [(line["sku"], line["cancelled_quantity"]) for line in items] == [("SKU-1", 1), ("SKU-2", 0)]


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_status_of_a_cancelled_order_says_what_the_buyer_gets_back(center: SellerCenter, seller: Seller,
                                                                     screen: str) -> None:
    pending_refund = seller.paid(items=MULTI_ITEMS)
    seller.shop.seller_cancel(pending_refund, "WRONG_PRICE", token=seller.token, expect=201)
    refunded = seller.paid()
    cancel_id = seller.shop.seller_cancel(refunded, token=seller.token, expect=201).json["cancel_id"]
    seller.shop.report_refund(cancel_id, "PAY-77", expect=200)
    unpaid, _ = seller.auto_approved()
    center.sign_in(seller.token, "#cancelled")
    keys = center.page.keyboard
    expected = {pending_refund: "RefundIDR\u00a01,700.00, waiting for the payment system",
                refunded: re.compile(r"RefundIDR\u00a01,500.00, refunded .*Reference PAY-77"),
                unpaid: "RefundNone: the order was not paid"}
    for order_id, refund in expected.items():
        status = center.row(order_id).get_by_role("button", name="Cancelled")
        center.tab_to(status)  # the tooltip opens on focus
        tooltip = center.tooltip()
        expect(tooltip).to_be_visible()
        expect(tooltip).to_contain_text(refund)
        keys.press("Escape")
        expect(tooltip).to_be_hidden()
    center.row(refunded).get_by_role("button", name="Cancelled").hover()
    expect(center.tooltip().locator("time").last).to_have_attribute("title", re.compile(r"UTC$"))
    center.axe(f"cancelled, refund in the status tooltip ({screen})")
