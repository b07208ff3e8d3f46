"""Approve, Reject and More Actions > Cancel: by mouse at both sizes and by keyboard alone; the dialogs (reasons
valid for the order's status, the SFCR warning, focus, Escape); what the page says after each action, after a 409
from someone who acted first, and its refresh every 30 seconds while visible."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Seller
from tests.support.seller_center import SellerCenter

SFCR = re.compile(r"SFCR")


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_approve_cancels_the_order_and_updates_the_row_and_counts(center: SellerCenter, seller: Seller,
                                                                  screen: str) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token, "#all")
    row = center.row(order_id)
    # The row says what the order's handover says: not yet, the buyer asked to cancel; then not at all.
    waiting = seller.shop.detail(order_id, token=seller.token).json["handover"]
    assert waiting["hand_over_to_logistics"] is False and waiting["warning"]
    expect(row).to_contain_text(waiting["warning"])
    row.get_by_role("button", name="Approve").click()
    expect(center.status()).to_have_text(f"Cancellation of order {order_id} approved: the order is cancelled.")
    expect(row).to_contain_text("Cancelled")
    expect(row).to_contain_text("You don't need to hand over this order to logistics.")
    expect(row).not_to_contain_text(waiting["warning"])
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)
    expect(center.tab("Action Needed")).to_have_accessible_name(re.compile(r"^Action Needed\s*0$"))
    assert seller.shop.cancellation(cancel_id, token=seller.token).json["status"] == "APPROVED"


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_reject_asks_for_a_reason_and_a_comment_then_the_order_goes_on(center: SellerCenter, seller: Seller,
                                                                       screen: str) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token)
    center.row(order_id).get_by_role("button", name="Reject").click()
    dialog = center.dialog("Reject cancellation request")
    expect(dialog).to_be_visible()
    reasons = dialog.get_by_label("Rejection reason")
    expect(reasons).to_be_focused()
    needs_photo = " (needs a photo)"
    assert reasons.locator("option").all_inner_texts()[1:] == [
        "Product already packed" + needs_photo, "Delivery is on schedule",
        "Agreed with the buyer to keep the order" + needs_photo, "The buyer's reason is not valid"]  # ORDER_SHIPPED
    # is the API's own; the two that need a photo (docs/evidence.md) take one in the dialog (test_photos.py)
    assert reasons.locator("option:disabled").count() == 0
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("alert")).to_have_text("Choose a reason")
    reasons.select_option(label="Delivery is on schedule")
    dialog.get_by_label("Comment (optional)").fill("Packed this morning.")
    center.axe(f"reject dialog ({screen})")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(center.status()).to_have_text(f"Cancellation request of order {order_id} rejected: the order goes on.")
    expect(center.page.get_by_text("No cancellation request is waiting for you.")).to_be_visible()
    rejected = seller.shop.cancellation(cancel_id, token=seller.token).json
    assert (rejected["status"], rejected["reject_reason"], rejected["reject_comment"]) == (
        "REJECTED", "DELIVERY_ON_SCHEDULE", "Packed this morning.")


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_cancel_lists_the_reasons_for_the_status_warns_about_the_sfcr_and_cancels(
        center: SellerCenter, seller: Seller, screen: str) -> None:
    unpaid = seller.unpaid()
    paid = seller.paid()
    center.sign_in(seller.token, "#all")

    center.row(unpaid).get_by_role("button", name="More Actions").click()
    center.page.get_by_role("menuitem", name="Cancel").click()
    dialog = center.dialog("Cancel order")
    reasons = dialog.get_by_label("Cancellation reason")
    expect(reasons).to_be_focused()
    assert reasons.locator("option").all_inner_texts()[1:] == [
        "Out of stock", "Incorrect pricing", "Buyer did not pay in time"]
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)

    center.row(paid).get_by_role("button", name="More Actions").click()
    center.page.get_by_role("menuitem", name="Cancel").click()
    expect(reasons).to_be_focused()
    assert reasons.locator("option").all_inner_texts()[1:] == [
        "Out of stock", "Incorrect pricing", "Address cannot be delivered to"]
    reasons.select_option(label="Address cannot be delivered to")
    expect(dialog.get_by_text(SFCR)).to_have_count(0)
    reasons.select_option(label="Out of stock")
    expect(dialog.get_by_text(SFCR)).to_be_visible()
    expect(reasons).to_have_accessible_description(SFCR)
    center.axe(f"cancel dialog with the SFCR warning ({screen})")
    center.screenshot(f"seller-center-cancel-dialog-{screen}")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(center.status()).to_have_text(f"Order {paid} cancelled.")
    expect(center.row(paid)).to_contain_text("You don't need to hand over this order to logistics.")
    expect(center.page.get_by_role("region", name=re.compile("SFCR"))).to_contain_text("Rate50%")


def test_keyboard_only_approve(center: SellerCenter, seller: Seller) -> None:
    order_id, _ = seller.pending()
    center.sign_in(seller.token)
    keys = center.page.keyboard
    center.tab_to(center.row(order_id).get_by_role("button", name="Approve"))
    keys.press("Enter")
    expect(center.status()).to_have_text(f"Cancellation of order {order_id} approved: the order is cancelled.")
    # The row left the queue: the focus is on the panel, not lost.
    expect(center.page.get_by_role("tabpanel")).to_be_focused()


def test_keyboard_only_reject(center: SellerCenter, seller: Seller) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token)
    keys = center.page.keyboard
    center.tab_to(center.row(order_id).get_by_role("button", name="Reject"))
    keys.press("Enter")
    dialog = center.dialog("Reject cancellation request")
    expect(dialog.get_by_label("Rejection reason")).to_be_focused()
    keys.press("ArrowDown")
    keys.press("ArrowDown")  # past "Product already packed", which needs a photo (test_photos.py)
    keys.press("Tab")
    expect(dialog.get_by_role("button", name="Choose photos")).to_be_focused()
    keys.press("Tab")
    expect(dialog.get_by_label("Comment (optional)")).to_be_focused()
    keys.type("On its way already.")
    keys.press("Tab")
    expect(dialog.get_by_role("button", name="Confirm")).to_be_focused()
    keys.press("Enter")
    expect(center.status()).to_have_text(f"Cancellation request of order {order_id} rejected: the order goes on.")
    rejected = seller.shop.cancellation(cancel_id, token=seller.token).json
    assert (rejected["reject_reason"], rejected["reject_comment"]) == ("DELIVERY_ON_SCHEDULE", "On its way already.")


def test_keyboard_only_cancel_through_more_actions(center: SellerCenter, seller: Seller) -> None:
    order_id = seller.paid()
    center.sign_in(seller.token, "#to-ship")
    keys = center.page.keyboard
    more = center.row(order_id).get_by_role("button", name="More Actions")
    center.tab_to(more)
    keys.press("Enter")
    expect(center.page.get_by_role("menuitem", name="Cancel")).to_be_focused()
    keys.press("Escape")
    expect(center.page.get_by_role("menu")).to_have_count(0)
    expect(more).to_be_focused()
    keys.press("ArrowDown")
    expect(center.page.get_by_role("menuitem", name="Cancel")).to_be_focused()
    keys.press("Enter")
    dialog = center.dialog("Cancel order")
    expect(dialog.get_by_label("Cancellation reason")).to_be_focused()
    keys.press("ArrowDown")  # Out of stock
    expect(dialog.get_by_text(SFCR)).to_be_visible()
    keys.press("Tab")  # the one line's quantity: all of it, the whole order
    expect(dialog.get_by_label("SKU-1: quantity to cancel, of 2")).to_be_focused()
    keys.press("Tab")
    expect(dialog.get_by_role("button", name="Confirm")).to_be_focused()
    keys.press("Enter")
    expect(center.status()).to_have_text(f"Order {order_id} cancelled.")
    assert seller.shop.detail(order_id, token=seller.token).json["status"] == "CANCELLED"


def test_escape_closes_each_dialog_and_gives_the_focus_back(center: SellerCenter, seller: Seller) -> None:
    order_id, _ = seller.pending()
    other = seller.paid()
    center.sign_in(seller.token, "#all")
    keys = center.page.keyboard
    reject = center.row(order_id).get_by_role("button", name="Reject")
    center.tab_to(reject)
    keys.press("Enter")
    expect(center.dialog("Reject cancellation request")).to_be_visible()
    keys.press("Escape")
    expect(center.page.get_by_role("dialog")).to_have_count(0)
    expect(reject).to_be_focused()

    more = center.row(other).get_by_role("button", name="More Actions")
    more.click()
    center.page.get_by_role("menuitem", name="Cancel").click()
    expect(center.dialog("Cancel order")).to_be_visible()
    keys.press("Escape")
    expect(center.page.get_by_role("dialog")).to_have_count(0)
    expect(more).to_be_focused()
    assert seller.shop.detail(other, token=seller.token).json["status"] == "AWAITING_SHIPMENT"


def test_tooltips_open_on_focus_and_close_on_escape(center: SellerCenter, seller: Seller) -> None:
    seller.pending()
    auto, _ = seller.auto_approved()
    center.sign_in(seller.token)
    keys = center.page.keyboard
    center.tab_to(center.entry())
    tooltip = center.tooltip()
    expect(tooltip).to_be_visible()
    expect(center.entry()).to_have_accessible_description(re.compile("You have 2 calendar days to respond"))
    keys.press("Tab")  # into the tooltip: it stays open
    expect(tooltip.get_by_role("link", name="View auto-approved cancellations")).to_be_focused()
    expect(tooltip).to_be_visible()
    keys.press("Escape")
    expect(tooltip).to_be_hidden()
    keys.press("Shift+Tab")
    keys.press("Tab")
    expect(center.tooltip()).to_be_visible()
    keys.press("Enter")  # the Cancelled tab, by keyboard
    expect(center.tab("Cancelled")).to_have_attribute("aria-selected", "true")
    center.wait_until_loaded()
    status = center.row(auto).get_by_role("button", name="Cancelled")
    center.tab_to(status)
    expect(center.tooltip()).to_contain_text("the order was not paid yet")
    keys.press("Escape")
    expect(center.tooltip()).to_be_hidden()


def test_tabs_move_with_the_arrow_keys(center: SellerCenter, seller: Seller) -> None:
    center.sign_in(seller.token)
    center.tab("Action Needed").focus()
    keys = center.page.keyboard
    keys.press("ArrowRight")
    expect(center.tab("All")).to_be_focused()
    expect(center.tab("All")).to_have_attribute("aria-selected", "true")
    keys.press("End")
    expect(center.tab("Cancelled")).to_have_attribute("aria-selected", "true")
    keys.press("ArrowRight")
    expect(center.tab("Action Needed")).to_have_attribute("aria-selected", "true")


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_409_from_someone_who_acted_first_reloads_the_row_and_says_what_happened(
        center: SellerCenter, seller: Seller, screen: str) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token, "#all")
    row = center.row(order_id)
    expect(row.get_by_role("button", name="Approve")).to_be_visible()
    seller.shop.approve(cancel_id, token=seller.token, expect=200)  # another tab, another device
    row.get_by_role("button", name="Approve").click()
    alert = center.alert()
    # The page's sentence for CANCELLATION_NOT_PENDING, in the seller's language (never the API's English message).
    expect(alert).to_contain_text("This request is no longer waiting for your answer.")
    expect(alert).not_to_contain_text("Only a pending request can be approved.")
    expect(alert).to_contain_text(f"Someone else acted on order {order_id} first; it now shows its current state.")
    expect(row).to_contain_text("Cancelled")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)
    center.axe(f"409 alert ({screen})")


def test_a_409_while_a_dialog_is_open_closes_it_and_says_what_happened(center: SellerCenter,
                                                                      seller: Seller) -> None:
    order_id = seller.paid()
    center.sign_in(seller.token, "#all")
    center.row(order_id).get_by_role("button", name="More Actions").click()
    center.page.get_by_role("menuitem", name="Cancel").click()
    dialog = center.dialog("Cancel order")
    dialog.get_by_label("Cancellation reason").select_option(label="Out of stock")
    seller.shop.ship(order_id, token=seller.token, expect=200)
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(center.alert()).to_contain_text(f"Someone else acted on order {order_id} first")
    expect(center.row(order_id)).to_contain_text("In transit")
    expect(center.row(order_id).get_by_role("button", name="More Actions")).to_have_count(0)


def test_the_lists_and_counts_refresh_every_30_seconds_while_visible(center: SellerCenter, seller: Seller) -> None:
    center.page.clock.install()
    center.sign_in(seller.token)
    expect(center.page.get_by_text("No cancellation request is waiting for you.")).to_be_visible()
    order_id, _ = seller.pending()
    center.page.clock.run_for(29_000)
    expect(center.row(order_id)).to_have_count(0)
    center.page.clock.run_for(2_000)
    expect(center.row(order_id)).to_be_visible()
    expect(center.entry()).to_have_accessible_name(re.compile(r"^Cancellation\s*1$"))


def test_mark_as_seen_takes_an_auto_approved_cancellation_out_of_action_needed(center: SellerCenter,
                                                                              seller: Seller) -> None:
    order_id, cancel_id = seller.auto_approved()
    center.sign_in(seller.token, "#cancelled")
    expect(center.tab("Action Needed")).to_have_accessible_name(re.compile(r"^Action Needed\s*1$"))
    center.row(order_id).get_by_role("button", name="Mark as seen").click()
    expect(center.status()).to_have_text(f"Auto-approved cancellation of order {order_id} marked as seen.")
    expect(center.row(order_id).get_by_role("button", name="Mark as seen")).to_have_count(0)
    expect(center.tab("Action Needed")).to_have_accessible_name(re.compile(r"^Action Needed\s*0$"))
    assert seller.shop.cancellation(cancel_id, token=seller.token).json["acknowledged_at"] is not None


def test_a_dialog_keeps_the_keyboard_focus_inside_it(center: SellerCenter, seller: Seller) -> None:
    order_id = seller.paid()
    center.sign_in(seller.token, "#all")
    center.row(order_id).get_by_role("button", name="More Actions").click()
    center.page.get_by_role("menuitem", name="Cancel").click()
    expect(center.dialog("Cancel order").get_by_label("Cancellation reason")).to_be_focused()
    inside = 0
    for _ in range(8):
        center.page.keyboard.press("Tab")
        # Inside the dialog, or out to the browser's own controls (the document itself): never the page behind.
        where = center.page.evaluate(
            "() => document.activeElement === document.body ? 'browser' : "
            "document.activeElement.closest('dialog') ? 'dialog' : 'page'")
        assert where != "page"
        inside += where == "dialog"
    assert inside >= 5
