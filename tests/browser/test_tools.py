"""The seller tools on the page (docs/seller-tools.md): the Cancel dialog previews the rate now → after with the
API's warning (T3, T4); pending requests are selected in the table and approved at once, each with its own result
(T1), by mouse at both sizes and by keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Seller
from tests.support.seller_center import SellerCenter
from tests.support.shop import MULTI_ITEMS


def open_cancel(center: SellerCenter, order_id: str) -> None:
    center.row(order_id).get_by_role("button", name="More Actions").click()
    center.page.get_by_role("menuitem", name="Cancel").click()


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_cancel_dialog_shows_the_rate_now_and_after_and_the_apis_warning(center: SellerCenter, seller: Seller,
                                                                            screen: str) -> None:
    for _ in range(3):
        seller.paid()
    order_id = seller.paid(items=MULTI_ITEMS)
    expected = seller.shop.cancel_preview(order_id, token=seller.token, expect=200).json
    assert (expected["sfcr_now"]["rate"], expected["sfcr_after"]["rate"]) == (0, 0.25)
    assert expected["warning"], expected
    center.sign_in(seller.token, "#to-ship")
    open_cancel(center, order_id)
    dialog = center.dialog("Cancel order")
    reasons = dialog.get_by_label("Cancellation reason")
    reasons.select_option(label="Out of stock")
    warning = dialog.locator("#sfcr-warning")
    expect(warning).to_contain_text("Your rate: 0% now \u2192 25% after this cancellation.")
    expect(warning).to_contain_text(expected["warning"])
    expect(reasons).to_have_accessible_description(re.compile(re.escape(expected["warning"])))
    # Some items of the order count it just the same (M4): the preview of the new body says so too.
    dialog.get_by_label("SKU-1: quantity to cancel, of 2").fill("1")
    dialog.get_by_label("SKU-2: quantity to cancel, of 1").fill("0")
    expect(warning).to_contain_text("Your rate: 0% now \u2192 25% after this cancellation.")
    center.axe(f"cancel dialog with the rate preview ({screen})")
    # A reason that does not count: no warning and no preview.
    reasons.select_option(label="Address cannot be delivered to")
    expect(dialog.locator("#sfcr-warning")).to_have_count(0)
    dialog.get_by_role("button", name="Close").click()
    assert seller.shop.detail(order_id, token=seller.token).json["cancellations"] == []


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_approve_selected_approves_each_request_and_shows_each_result(center: SellerCenter, seller: Seller,
                                                                     screen: str) -> None:
    first, first_id = seller.pending()
    second, second_id = seller.pending()
    withdrawn, withdrawn_id = seller.pending()
    quiet = seller.paid()
    center.sign_in(seller.token, "#all")
    toolbar = center.page.get_by_role("toolbar", name="Selected requests")
    approve = toolbar.get_by_role("button", name="Approve selected")
    expect(toolbar).to_contain_text("0 requests selected")
    expect(approve).to_be_disabled()
    # Only a pending request can be selected.
    expect(center.row(quiet).get_by_role("checkbox")).to_have_count(0)
    center.row(first).get_by_role("checkbox", name=f"Select order {first}").check()
    select_all = toolbar.get_by_role("checkbox", name="Select all pending requests shown")
    expect(select_all).to_have_js_property("indeterminate", True)
    select_all.check()
    expect(center.row(withdrawn).get_by_role("checkbox")).to_be_checked()
    expect(toolbar).to_contain_text("3 requests selected")
    center.axe(f"all, requests selected ({screen})")

    shown = center.order_ids()
    seller.shop.withdraw(withdrawn_id, expect=200)  # the buyer acts first on one of them
    approve.click()
    expect(center.status()).to_have_text("Approved 2 of 3 requests.")
    results = center.page.get_by_role("region", name="Results of Approve selected")
    expect(results).to_be_focused()
    said = {first: f"Order {first}: approved, the order is cancelled.",
            second: f"Order {second}: approved, the order is cancelled.",
            withdrawn: f"Order {withdrawn}: not approved. This request is no longer waiting for your answer."}
    # In the order of the table (All: newest first), as they were sent.
    expect(results.get_by_role("listitem")).to_have_text([said[o] for o in shown if o in said])
    expect(center.row(withdrawn)).to_contain_text("Not approved: This request is no longer waiting for your answer.")
    expect(center.row(first)).to_contain_text("Cancelled")
    expect(center.tab("Action Needed")).to_have_accessible_name(re.compile(r"^Action Needed\s*0$"))
    expect(approve).to_be_disabled()  # nothing pending is left to select
    center.axe(f"all, results of approve selected ({screen})")
    statuses = [seller.shop.cancellation(i, token=seller.token).json["status"]
                for i in (first_id, second_id, withdrawn_id)]
    assert statuses == ["APPROVED", "APPROVED", "WITHDRAWN"]


def test_keyboard_only_select_and_approve(center: SellerCenter, seller: Seller) -> None:
    first, first_id = seller.pending()
    second, second_id = seller.pending()
    center.sign_in(seller.token)
    keys = center.page.keyboard
    box = center.page.get_by_role("checkbox", name=f"Select order {first}")
    center.tab_to(box)
    keys.press("Space")
    expect(box).to_be_checked()
    approve = center.page.get_by_role("button", name="Approve selected")
    center.tab_to(approve)
    keys.press("Enter")
    expect(center.status()).to_have_text("Approved 1 of 1 request.")
    expect(center.page.get_by_role("region", name="Results of Approve selected")).to_be_focused()
    assert seller.shop.cancellation(first_id, token=seller.token).json["status"] == "APPROVED"
    assert seller.shop.cancellation(second_id, token=seller.token).json["status"] == "REQUESTED"
    expect(center.page.get_by_role("checkbox", name=f"Select order {second}")).not_to_be_checked()
