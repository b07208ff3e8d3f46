"""Make an offer (docs/offers.md): each kind through the page at both sizes and by keyboard alone, the row while the
buyer decides (their deadline, no Approve or Reject) and once they have (accepted, declined), the form's own
refusals and the API's, and one offer in Indonesian."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.conftest import MARKET_TIMEZONE, Seller
from tests.support.seller_center import SellerCenter

MARKET = ZoneInfo(MARKET_TIMEZONE)


def market_input(at: datetime) -> str:
    """`at` as a datetime-local field holds it: the market's wall time, to the minute."""
    return at.astimezone(MARKET).strftime("%Y-%m-%dT%H:%M")


def open_offer_dialog(center: SellerCenter, order_id: str) -> Locator:
    center.row(order_id).get_by_role("button", name="Make an offer").click()
    dialog = center.dialog("Make an offer")
    expect(dialog).to_be_visible()
    return dialog


def expect_waiting_for_the_buyer(center: SellerCenter, seller: Seller, order_id: str, cancel_id: str) -> None:
    """The row while the offer is open: the buyer's deadline instead of the seller's, and nothing to answer."""
    row = center.row(order_id)
    answer_by = seller.shop.cancellation(cancel_id, token=seller.token).json["offer"]["answer_by"]
    deadline = row.locator(f'time[datetime="{answer_by}"]')
    expect(deadline).to_have_text(re.compile(r"^Waiting for the buyer until \S"))
    expect(row).not_to_contain_text("Respond within")
    for name in ("Approve", "Reject", "Make an offer"):
        expect(row.get_by_role("button", name=name)).to_have_count(0)
    expect(row.get_by_role("checkbox")).to_have_count(0)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_an_offer_of_each_kind_waits_for_the_buyer_then_shows_their_answer(center: SellerCenter, seller: Seller,
                                                                          screen: str) -> None:
    refund_order, refund_id = seller.pending()
    ship_order, ship_id = seller.pending()
    keep_order, keep_id = seller.pending()
    center.sign_in(seller.token, "#all")

    dialog = open_offer_dialog(center, refund_order)
    expect(dialog.get_by_role("radio", name="A partial refund to keep the order")).to_be_focused()
    dialog.get_by_role("radio", name="A partial refund to keep the order").check()
    dialog.get_by_label("Message to the buyer").fill("Keep it and get IDR 250 back.")
    amount = dialog.get_by_label("Amount to refund (IDR)")
    expect(amount).to_have_accessible_description(
        "From the smallest unit up to IDR 1,500.00, what remains of the order.")
    amount.fill("250")
    center.axe(f"offer dialog ({screen})")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(center.status()).to_have_text(
        f"Offer on order {refund_order} sent: your time to respond stops until the buyer answers.")
    expect(center.row(refund_order)).to_contain_text("Your offer: IDR 250.00 back to keep the order")
    expect_waiting_for_the_buyer(center, seller, refund_order, refund_id)

    promised = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)
    dialog = open_offer_dialog(center, ship_order)
    dialog.get_by_role("radio", name="A date you promise to ship by").check()
    dialog.get_by_label("Message to the buyer").fill("It leaves the warehouse in two days.")
    dialog.get_by_label("Ship by", exact=True).fill(market_input(promised))
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(center.row(ship_order)).to_contain_text("Your offer: shipped by")
    expect_waiting_for_the_buyer(center, seller, ship_order, ship_id)

    dialog = open_offer_dialog(center, keep_order)
    dialog.get_by_role("radio", name="A message only").check()
    dialog.get_by_label("Message to the buyer").fill("It is packed and ready.")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect_waiting_for_the_buyer(center, seller, keep_order, keep_id)

    offers = {cancel_id: seller.shop.cancellation(cancel_id, token=seller.token).json["offer"]
              for cancel_id in (refund_id, ship_id, keep_id)}
    assert (offers[refund_id]["kind"], offers[refund_id]["amount"]) == (
        "PARTIAL_REFUND", {"amount": 25000, "currency": "IDR"})
    # The wall time typed in the market's zone is the instant sent, whatever the browser's zone.
    assert (offers[ship_id]["kind"], offers[ship_id]["ship_by"]) == ("SHIP_BY", promised.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert (offers[keep_id]["kind"], offers[keep_id]["message"]) == ("KEEP_ORDER", "It is packed and ready.")
    assert all(offer["status"] == "OPEN" for offer in offers.values())

    center.open_tab("Action Needed")
    center.entry().focus()
    expect(center.tooltip()).to_contain_text(re.compile(r"Offers waiting for the buyer\s*3"))
    expect(center.tooltip()).to_contain_text(re.compile(r"Cancellation requested\s*0"))

    for cancel_id in (refund_id, ship_id, keep_id):
        seller.shop.accept_offer(cancel_id, expect=200)
    center.open_tab("All")
    for order_id in (refund_order, ship_order, keep_order):
        row = center.row(order_id)
        expect(row).to_contain_text("The buyer accepted your offer: the order goes on.")
        expect(row.get_by_role("button", name="Approve")).to_have_count(0)
        expect(row.get_by_role("button", name="More Actions")).to_be_visible()
    expect(center.row(ship_order)).to_contain_text("You promised to ship by")
    expect(center.row(refund_order)).to_contain_text("IDR 250.00")
    center.axe(f"rows with accepted offers ({screen})")


def test_keyboard_only_offer_and_the_clock_back_once_the_buyer_declines(center: SellerCenter,
                                                                        seller: Seller) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token)
    keys = center.page.keyboard
    opener = center.row(order_id).get_by_role("button", name="Make an offer")
    center.tab_to(opener)
    keys.press("Enter")
    dialog = center.dialog("Make an offer")
    expect(dialog.get_by_role("radio", name="A partial refund to keep the order")).to_be_focused()
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    expect(dialog.get_by_role("radio", name="A message only")).to_be_checked()
    keys.press("Tab")
    expect(dialog.get_by_label("Message to the buyer")).to_be_focused()
    keys.type("Packed already: it ships today.")
    keys.press("Tab")
    expect(dialog.get_by_role("button", name="Confirm")).to_be_focused()
    keys.press("Enter")
    expect(dialog).to_have_count(0)
    expect(center.status()).to_contain_text(f"Offer on order {order_id} sent")
    expect_waiting_for_the_buyer(center, seller, order_id, cancel_id)

    seller.shop.decline_offer(cancel_id, expect=200)
    center.page.reload()
    center.wait_until_loaded()
    row = center.row(order_id)
    expect(row).to_contain_text("The buyer declined your offer: respond to the request.")
    expect(row).to_contain_text("Respond within")
    expect(row.get_by_role("button", name="Approve")).to_be_visible()
    expect(row.get_by_role("button", name="Reject")).to_be_visible()
    expect(row.get_by_role("button", name="Make an offer")).to_have_count(0)  # one offer per request


def test_escape_closes_the_offer_dialog_and_gives_the_focus_back(center: SellerCenter, seller: Seller) -> None:
    order_id, _ = seller.pending()
    center.sign_in(seller.token)
    opener = center.row(order_id).get_by_role("button", name="Make an offer")
    opener.click()
    expect(center.dialog("Make an offer")).to_be_visible()
    center.page.keyboard.press("Escape")
    expect(center.dialog("Make an offer")).to_have_count(0)
    expect(opener).to_be_focused()


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_form_refuses_bad_terms_before_any_call_and_the_apis_refusals_are_told(center: SellerCenter,
                                                                                   seller: Seller,
                                                                                   screen: str) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token, "#all")
    dialog = open_offer_dialog(center, order_id)
    confirm = dialog.get_by_role("button", name="Confirm")
    alert = dialog.get_by_role("alert")
    confirm.click()
    expect(alert).to_have_text("Choose what you offer.")
    dialog.get_by_role("radio", name="A partial refund to keep the order").check()
    confirm.click()
    expect(alert).to_have_text("Enter the message.")
    dialog.get_by_label("Message to the buyer").fill("Keep it, half back.")
    amount = dialog.get_by_label("Amount to refund (IDR)")
    amount.fill("1500.01")
    confirm.click()
    expect(alert).to_have_text("The amount must be more than zero and at most what remains of the order.")
    expect(amount).to_have_attribute("aria-invalid", "true")
    amount.fill("12.345")
    confirm.click()
    expect(alert).to_have_text("Enter the amount as a number, like 15000 or 12.50.")
    dialog.get_by_role("radio", name="A date you promise to ship by").check()
    dialog.get_by_label("Ship by", exact=True).fill(market_input(datetime.now(UTC) + timedelta(days=6)))
    confirm.click()
    expect(alert).to_have_text("The ship-by date can be at most 5 days ahead.")
    center.axe(f"offer dialog refusing a date ({screen})")
    assert seller.shop.cancellation(cancel_id, token=seller.token).json["offer"] is None

    # Someone else made the one offer meanwhile: the API's 409 closes the dialog and says so.
    seller.shop.make_offer(cancel_id, token=seller.token, expect=200)
    dialog.get_by_role("radio", name="A message only").check()
    confirm.click()
    expect(dialog).to_have_count(0)
    expect(center.alert()).to_contain_text("You have already made your one offer on this request.")
    expect(center.alert()).to_contain_text(f"Someone else acted on order {order_id} first")
    expect_waiting_for_the_buyer(center, seller, order_id, cancel_id)


@pytest.mark.parametrize("browser_locale", ["id-ID"])
def test_an_offer_in_indonesian(center: SellerCenter, seller: Seller) -> None:
    order_id, cancel_id = seller.pending()
    center.open()
    center.page.get_by_label("Token akses").fill(seller.token)
    center.page.get_by_role("button", name="Masuk", exact=True).click()
    expect(center.page.get_by_role("tabpanel")).to_have_attribute("aria-busy", "false")
    center.row(order_id).get_by_role("button", name="Buat penawaran").click()
    dialog = center.dialog("Buat penawaran")
    dialog.get_by_role("radio", name="Pengembalian dana sebagian agar pesanan tetap berjalan").check()
    dialog.get_by_label("Pesan untuk pembeli").fill("Simpan pesanannya, Rp250 kembali.")
    dialog.get_by_label("Jumlah yang dikembalikan (IDR)").fill("250")
    center.axe("offer dialog in Indonesian")
    dialog.get_by_role("button", name="Konfirmasi").click()
    expect(dialog).to_have_count(0)
    row = center.row(order_id)
    expect(row).to_contain_text("Penawaran Anda: Rp250 dikembalikan agar pesanan tetap berjalan")
    answer_by = seller.shop.cancellation(cancel_id, token=seller.token).json["offer"]["answer_by"]
    expect(row.locator(f'time[datetime="{answer_by}"]')).to_have_text(re.compile(r"^Menunggu pembeli hingga \S"))


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_offer_dialog_and_the_row_waiting_for_the_buyer_pictured(center: SellerCenter, seller: Seller,
                                                                     screen: str) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token, "#all")
    dialog = open_offer_dialog(center, order_id)
    dialog.get_by_role("radio", name="A partial refund to keep the order").check()
    dialog.get_by_label("Message to the buyer").fill("Keep the order and get IDR 250 back for the wait.")
    dialog.get_by_label("Amount to refund (IDR)").fill("250")
    center.axe(f"offer dialog filled ({screen})")
    center.screenshot(f"seller-center-offer-dialog-{screen}")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect_waiting_for_the_buyer(center, seller, order_id, cancel_id)
    center.axe(f"row waiting for the buyer ({screen})")
    center.screenshot(f"seller-center-offer-waiting-{screen}")
