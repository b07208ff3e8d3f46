"""Appeals (docs/appeals.md) on the Seller Center page: the Appeal action on a seller-fault cancellation the seller
may still appeal, the statement's own refusal, the appeal's state in the row once sent and once an operator has
decided, photos attached as on a reject (the same picker and upload), the file the API refuses named, by keyboard
alone, and in Indonesian; axe-core on the dialog and the row at both sizes."""

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, expect

from devtools.demo import DEMO_PHOTO
from devtools.local_stage import LocalStage
from tests.browser.conftest import Seller
from tests.browser.test_photos import MAX_BYTES, PNG, HeldUpload, choose, chosen, photo
from tests.support.seller_center import SellerCenter

STATEMENT = "The buyer asked me in the chat to cancel."


def open_appeal_dialog(center: SellerCenter, order_id: str) -> Locator:
    center.row(order_id).get_by_role("button", name="Appeal", exact=True).click()
    dialog = center.dialog("Appeal a seller-fault cancellation")
    expect(dialog).to_be_visible()
    return dialog


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_seller_appeals_a_seller_fault_cancellation_and_sees_the_decision(center: SellerCenter, seller: Seller,
                                                                             screen: str) -> None:
    order_id, _ = seller.seller_fault()
    no_fault = seller.paid()
    seller.shop.seller_cancel(no_fault, "ADDRESS_NOT_DELIVERABLE", token=seller.token, expect=201)
    center.sign_in(seller.token, "#all")
    # Only what counts toward the SFCR can be appealed (A2).
    expect(center.row(no_fault).get_by_role("button", name="Appeal", exact=True)).to_have_count(0)

    dialog = open_appeal_dialog(center, order_id)
    statement = dialog.get_by_label("Why it was not your fault")
    expect(statement).to_be_focused()
    expect(statement).to_have_accessible_description("At most 1000 characters.")
    dialog.get_by_role("button", name="Confirm").click()  # nothing written: the form's own refusal, no call
    expect(dialog.get_by_role("alert")).to_have_text("Say why it was not your fault.")
    statement.fill(STATEMENT)
    center.axe(f"appeal dialog ({screen})")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(center.status()).to_have_text(
        f"Appeal for order {order_id} sent: the support desk decides within 3 days.")
    row = center.row(order_id)
    expect(row.locator(".appeal")).to_have_text("Appeal sent: the support desk decides")
    expect(row.get_by_role("button", name="Appeal", exact=True)).to_have_count(0)  # one per cancellation (A1)
    center.axe(f"appealed row ({screen})")

    [appeal] = seller.shop.appeals(token=seller.token, expect=200).json["items"]
    assert appeal["statement"] == STATEMENT
    seller.shop.decide_appeal(appeal["appeal_id"], "OVERTURN", token=seller.shop.operator_token(), expect=200)
    center.page.reload()  # still signed in: the page reads the decision afresh
    center.wait_until_loaded()
    expect(center.row(order_id).locator(".appeal")).to_have_text("Appeal accepted: the cancellation no longer counts")


def statement_typed_by_keyboard(center: SellerCenter, order_id: str) -> Locator:
    """Tab to the row's Appeal, open it with Enter, type the statement where the focus lands; the dialog."""
    keys = center.page.keyboard
    center.tab_to(center.row(order_id).get_by_role("button", name="Appeal", exact=True))
    keys.press("Enter")
    dialog = center.dialog("Appeal a seller-fault cancellation")
    expect(dialog.get_by_label("Why it was not your fault")).to_be_focused()
    keys.type(STATEMENT)
    return dialog


def test_keyboard_only_appeal(center: SellerCenter, seller: Seller) -> None:
    order_id, _ = seller.seller_fault()
    center.sign_in(seller.token, "#all")
    keys = center.page.keyboard
    dialog = statement_typed_by_keyboard(center, order_id)
    center.tab_to(dialog.get_by_role("button", name="Confirm"))
    keys.press("Enter")
    expect(dialog).to_have_count(0)
    expect(center.row(order_id).locator(".appeal")).to_have_text("Appeal sent: the support desk decides")
    expect(center.row(order_id).get_by_role("button", name="Appeal", exact=True)).to_have_count(0)


def test_an_appeal_refused_by_the_api_says_why(center: SellerCenter, seller: Seller) -> None:
    """Appealed meanwhile from elsewhere: the API's 409, worded, and the row as it now stands."""
    order_id, cancel_id = seller.seller_fault()
    center.sign_in(seller.token, "#all")
    dialog = open_appeal_dialog(center, order_id)
    seller.shop.open_appeal(cancel_id, "From the phone", token=seller.token, expect=201)
    dialog.get_by_label("Why it was not your fault").fill(STATEMENT)
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(center.alert()).to_contain_text("This cancellation has been appealed already.")
    expect(center.row(order_id).locator(".appeal")).to_have_text("Appeal sent: the support desk decides")


@pytest.mark.parametrize("browser_locale", ["id-ID"])
def test_an_appeal_in_indonesian(center: SellerCenter, seller: Seller) -> None:
    order_id, _ = seller.seller_fault()
    center.open()
    center.page.get_by_label("Token akses").fill(seller.token)
    center.page.get_by_role("button", name="Masuk", exact=True).click()
    expect(center.page.get_by_role("tabpanel")).to_have_attribute("aria-busy", "false")
    center.page.get_by_role("tab", name="Semua").click()
    expect(center.page.get_by_role("tabpanel")).to_have_attribute("aria-busy", "false")
    center.row(order_id).get_by_role("button", name="Ajukan banding", exact=True).click()
    dialog = center.dialog("Ajukan banding atas pembatalan karena kesalahan penjual")
    dialog.get_by_label("Mengapa ini bukan kesalahan Anda").fill("Pembeli meminta pembatalan lewat chat.")
    with center.page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Pilih foto").click()
    chooser.value.set_files([photo("besar.jpg", bytes(MAX_BYTES + 1)), photo("chat.jpg")])
    expect(dialog.get_by_role("alert")).to_have_text("besar.jpg lebih besar dari 5 MB.")
    expect(dialog.get_by_role("img", name="chat.jpg")).to_be_visible()
    center.axe("appeal dialog in Indonesian")
    dialog.get_by_role("button", name="Konfirmasi").click()
    expect(dialog).to_have_count(0)
    expect(center.row(order_id).locator(".appeal")).to_have_text("Banding terkirim: tim dukungan yang memutuskan")
    [appeal] = seller.shop.appeals(token=seller.token, expect=200).json["items"]
    assert len(appeal["evidence"]) == 1


def only_appeal(seller: Seller) -> dict[str, Any]:
    """The seller's one appeal, read through the API."""
    [appeal] = seller.shop.appeals(token=seller.token, expect=200).json["items"]
    return dict(appeal)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_an_appeal_with_a_photo(center: SellerCenter, seller: Seller, screen: str) -> None:
    order_id, cancel_id = seller.seller_fault()
    center.sign_in(seller.token, "#all")
    dialog = open_appeal_dialog(center, order_id)
    dialog.get_by_label("Why it was not your fault").fill(STATEMENT)
    chooser = dialog.get_by_role("button", name="Choose photos")
    expect(chooser).to_have_accessible_description("JPEG, PNG or WebP: up to 6 photos, each at most 5 MB.")
    choose(center.page, dialog, photo("chat.jpg"), photo("notes.pdf", b"%PDF-1.7", "application/pdf"))
    expect(dialog.get_by_role("alert")).to_have_text("notes.pdf is not a JPEG, PNG or WebP image.")
    expect(chosen(dialog)).to_have_count(1)
    preview = chosen(dialog).get_by_role("img", name="chat.jpg")
    expect(preview).to_have_attribute("src", re.compile(r"^blob:http://127\.0\.0\.1:\d+/"))
    expect(dialog.get_by_role("button", name="Remove chat.jpg")).to_be_visible()
    center.axe(f"appeal dialog with a photo ({screen})")

    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(center.status()).to_have_text(
        f"Appeal for order {order_id} sent: the support desk decides within 3 days.")
    expect(center.row(order_id).locator(".appeal")).to_have_text("Appeal sent: the support desk decides")
    appeal = only_appeal(seller)
    assert (appeal["cancel_id"], appeal["statement"]) == (cancel_id, STATEMENT)
    [evidence] = appeal["evidence"]
    assert (evidence["content_type"], evidence["size"]) == ("image/jpeg", len(DEMO_PHOTO))
    center.axe(f"row appealed with a photo ({screen})")


def test_a_file_the_api_refuses_is_named_and_no_appeal_is_opened(center: SellerCenter, seller: Seller) -> None:
    order_id, _ = seller.seller_fault()
    center.sign_in(seller.token, "#all")
    dialog = open_appeal_dialog(center, order_id)
    dialog.get_by_label("Why it was not your fault").fill(STATEMENT)
    # A PNG under a JPEG's name: the page takes the browser's word for the type, the API reads the first bytes (E3).
    choose(center.page, dialog, photo("chat.jpg"), photo("label.jpg", PNG))
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "label.jpg is not the image its type says: remove it and choose a JPEG, PNG or WebP photo.")
    for name in ("chat.jpg", "label.jpg"):
        expect(dialog.get_by_role("progressbar", name=f"Uploading {name}")).to_have_attribute("value", "1")
    assert seller.shop.appeals(token=seller.token, expect=200).json["items"] == []
    expect(center.row(order_id).get_by_role("button", name="Appeal", exact=True)).to_have_count(1)

    # The refused file removed, Confirm again: a new request (the refusal is kept under the first key), the photo
    # already uploaded sent as it is.
    dialog.get_by_role("button", name="Remove label.jpg").press("Delete")
    expect(chosen(dialog)).to_have_count(1)
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    assert len(only_appeal(seller)["evidence"]) == 1


def test_keyboard_only_appeal_with_a_photo(center: SellerCenter, seller: Seller) -> None:
    order_id, _ = seller.seller_fault()
    # Playwright takes over the file chooser before a key opens one (as in test_photos' keyboard test).
    center.page.on("filechooser", lambda chooser: None)
    center.sign_in(seller.token, "#all")
    keys = center.page.keyboard
    dialog = statement_typed_by_keyboard(center, order_id)
    keys.press("Tab")
    chooser = dialog.get_by_role("button", name="Choose photos")
    expect(chooser).to_be_focused()
    with center.page.expect_file_chooser() as opened:
        keys.press("Enter")
    opened.value.set_files([photo("chat.jpg"), photo("wrong.jpg")])
    expect(chosen(dialog)).to_have_count(2)
    keys.press("Tab")
    expect(dialog.get_by_role("button", name="Remove chat.jpg")).to_be_focused()
    keys.press("Tab")
    expect(dialog.get_by_role("button", name="Remove wrong.jpg")).to_be_focused()
    keys.press("Delete")
    # The focus stays on the list: on the previous photo's Remove, the last one gone.
    expect(dialog.get_by_role("button", name="Remove chat.jpg")).to_be_focused()
    center.tab_to(dialog.get_by_role("button", name="Confirm"))
    keys.press("Enter")
    expect(dialog).to_have_count(0)
    expect(center.row(order_id).locator(".appeal")).to_have_text("Appeal sent: the support desk decides")
    assert len(only_appeal(seller)["evidence"]) == 1


def test_escape_while_a_photo_uploads_calls_the_appeal_off(center: SellerCenter, seller: Seller,
                                                           stack: LocalStage) -> None:
    """The upload to S3 is held on its way: its progress shows; Escape closes the dialog, and once the upload ends no
    appeal is sent."""
    order_id, _ = seller.seller_fault()
    upload = HeldUpload(center, stack)
    center.sign_in(seller.token, "#all")
    opener = center.row(order_id).get_by_role("button", name="Appeal", exact=True)
    dialog = open_appeal_dialog(center, order_id)
    dialog.get_by_label("Why it was not your fault").fill(STATEMENT)
    choose(center.page, dialog, photo("chat.jpg"))
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("progressbar", name="Uploading chat.jpg")).to_have_attribute("value", "0")
    expect(dialog.get_by_role("button", name="Confirm")).to_be_disabled()
    center.axe("appeal dialog while a photo uploads")

    upload.escape_then_release(opener)
    assert upload.sent_to("/appeal") == [], upload.sent  # what would follow the upload has run: no appeal went
    assert seller.shop.appeals(token=seller.token, expect=200).json["items"] == []
