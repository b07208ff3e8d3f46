"""The support desk on the Seller Center page (docs/support-desk.md, SD8): a cancellation an operator made says so
with its ticket, in the row and in its status details, at both sizes, by keyboard, axe-clean, and in Indonesian."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Seller
from tests.support.seller_center import SellerCenter


def cancelled_by_support(seller: Seller, ticket: str = "T-123") -> str:
    """An order support cancelled on the seller's behalf (OUT_OF_STOCK: it counts in the seller's SFCR)."""
    order_id = seller.paid()
    created = seller.shop.operator_cancel(order_id, "seller", "OUT_OF_STOCK", ticket, expect=201).json
    assert created["actor"]["role"] == "OPERATOR" and created["fault"] == "SELLER"
    return order_id


def requested_by_support(seller: Seller, ticket: str = "T-9") -> str:
    """An order support asked to cancel on its buyer's behalf: the request waits for the seller."""
    order_id = seller.paid()
    created = seller.shop.operator_cancel(order_id, "buyer", "NEED_TO_CHANGE_ADDRESS", ticket, expect=201).json
    assert created["status"] == "REQUESTED" and created["initiator"] == "BUYER"
    return order_id


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_cancellation_by_support_says_so_with_its_ticket(center: SellerCenter, seller: Seller, screen: str) -> None:
    by_support = cancelled_by_support(seller)
    asked_by_support = requested_by_support(seller)
    by_seller = seller.paid()
    seller.shop.seller_cancel(by_seller, token=seller.token, expect=201)
    center.sign_in(seller.token, "#all")

    row = center.row(by_support)
    expect(row).to_contain_text("Cancelled by support on your behalf (ticket T-123)")
    pending = center.row(asked_by_support)
    expect(pending).to_contain_text("Requested by support on the buyer's behalf (ticket T-9)")
    expect(pending.get_by_role("button", name="Approve")).to_be_visible()  # the seller still decides (SD6)
    own = center.row(by_seller)
    expect(own).not_to_contain_text("support")

    # The status details, by keyboard: who cancelled is support, with the ticket.
    status = row.get_by_role("button", name="Cancelled")
    center.tab_to(status)
    expect(center.tooltip()).to_contain_text("Cancelled by support on your behalf (ticket T-123)")
    expect(center.tooltip()).to_contain_text("cancelled by support on your behalf")  # the cause, not "by you"
    expect(center.tooltip()).not_to_contain_text("cancelled by you")
    center.axe(f"rows cancelled and asked by support ({screen})")
    center.page.keyboard.press("Escape")
    expect(center.tooltip()).to_be_hidden()
    center.tab_to(own.get_by_role("button", name="Cancelled"))
    expect(center.tooltip()).to_contain_text("Cancelled by you")


@pytest.mark.parametrize("browser_locale", ["id-ID"])
def test_a_cancellation_by_support_in_indonesian(center: SellerCenter, seller: Seller) -> None:
    by_support = cancelled_by_support(seller, "T-77")
    asked_by_support = requested_by_support(seller, "T-78")
    center.open("#all")
    center.page.get_by_label("Token akses").fill(seller.token)
    center.page.get_by_role("button", name="Masuk", exact=True).click()
    expect(center.page.get_by_role("tabpanel")).to_have_attribute("aria-busy", "false")
    expect(center.row(by_support)).to_contain_text("Dibatalkan oleh tim dukungan atas nama Anda (tiket T-77)")
    expect(center.row(asked_by_support)).to_contain_text(
        "Diajukan oleh tim dukungan atas nama pembeli (tiket T-78)")
    center.axe("rows by support in Indonesian")
