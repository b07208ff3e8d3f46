"""Reject with photos (docs/evidence.md, docs/seller-center.md): a photo chosen through the labelled button or dropped
on the zone, its preview, its upload straight to the local S3 (the runner's POST-policy gate, with the bucket's CORS
rules, from the page's own origin), then the reject with its id; the files the page refuses at once, the one the API
refuses on attach, and the whole thing by keyboard alone, at both sizes and axe-clean."""

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import Locator, Page, expect

from devtools.demo import DEMO_PHOTO
from devtools.local_stage import LocalStage
from tests.browser.conftest import Seller
from tests.browser.test_language import sign_in_indonesian
from tests.support.seller_center import SellerCenter

PACKED = "Product already packed (needs a photo)"
MAX_BYTES = 5 * 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def photo(name: str, data: bytes = DEMO_PHOTO, mime: str = "image/jpeg") -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


def open_reject(center: SellerCenter, order_id: str) -> Locator:
    center.row(order_id).get_by_role("button", name="Reject").click()
    dialog = center.dialog("Reject cancellation request")
    expect(dialog).to_be_visible()
    return dialog


def choose(page: Page, dialog: Locator, *files: dict[str, Any]) -> None:
    """Through the file chooser the labelled button opens, as a seller would."""
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Choose photos").click()
    assert chooser.value.is_multiple()
    chooser.value.set_files(list(files))


def chosen(dialog: Locator) -> Locator:
    return dialog.get_by_role("list", name="Chosen photos").get_by_role("listitem")


class HeldUpload:
    """Holds each upload to the local bucket on its way and records every request the page sends, so a test can
    act while a file is still uploading."""

    def __init__(self, center: SellerCenter, stack: LocalStage) -> None:
        self.center = center
        self.bucket = f"{stack.dynamodb.endpoint}/cancel-desk-evidence"
        self.held: list[Any] = []
        self.sent: list[str] = []
        center.page.route(self.bucket, lambda route: self.held.append(route))
        center.page.on("request", lambda request: self.sent.append(request.url))

    def escape_then_release(self, opener: Locator) -> None:
        """Escape closes the dialog (the focus back on its opener); then the held upload ends, and whatever the
        page would do after it has run by the second frame."""
        page = self.center.page
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(opener).to_be_focused()
        with page.expect_response(self.bucket) as uploaded:
            self.held[0].continue_()
        assert uploaded.value.status == 204
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def sent_to(self, path_end: str) -> list[str]:
        return [url for url in self.sent if url.endswith(path_end)]


def still_pending(seller: Seller, cancel_id: str) -> None:
    answer = seller.shop.cancellation(cancel_id, token=seller.token).json
    assert (answer["status"], answer["evidence"]) == ("REQUESTED", []), answer


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_photo_chosen_is_previewed_uploaded_and_attached_to_the_reject(center: SellerCenter, seller: Seller,
                                                                         stack: LocalStage, screen: str) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token)
    dialog = open_reject(center, order_id)
    dialog.get_by_label("Rejection reason").select_option(label=PACKED)
    expect(dialog.get_by_text("This reason needs at least one photo: choose one to reject.")).to_be_visible()
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("alert")).to_have_text("This reason needs at least one photo: choose one to reject.")
    still_pending(seller, cancel_id)

    chooser = dialog.get_by_role("button", name="Choose photos")
    expect(chooser).to_have_accessible_description("JPEG, PNG or WebP: up to 6 photos, each at most 5 MB.")
    choose(center.page, dialog, photo("parcel.jpg"))
    expect(chosen(dialog)).to_have_count(1)
    preview = chosen(dialog).get_by_role("img", name="parcel.jpg")
    expect(preview).to_have_attribute("src", re.compile(r"^blob:http://127\.0\.0\.1:\d+/"))
    expect(dialog.get_by_text("This reason needs at least one photo")).to_have_count(0)
    expect(dialog.get_by_role("button", name="Remove parcel.jpg")).to_be_visible()
    center.axe(f"reject dialog with a photo ({screen})")

    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    expect(center.status()).to_have_text(f"Cancellation request of order {order_id} rejected: the order goes on.")
    rejected = seller.shop.cancellation(cancel_id, token=seller.token).json
    assert (rejected["status"], rejected["reject_reason"]) == ("REJECTED", "PRODUCT_PACKED")
    [evidence] = rejected["evidence"]
    assert (evidence["content_type"], evidence["size"]) == ("image/jpeg", len(DEMO_PHOTO))

    # The order's row tells of the rejected request, its photo a thumbnail of its link, which the page may load.
    center.open_tab("All")
    row = center.row(order_id)
    expect(row).to_contain_text("Cancellation rejected: Product already packed")
    thumbnail = row.get_by_role("list", name="Photos").get_by_role("img", name="Photo 1 of 1")
    link = thumbnail.get_attribute("src") or ""
    assert link.startswith(stack.dynamodb.endpoint + "/cancel-desk-evidence/evidence/"), link
    center.page.wait_for_function("(url) => performance.getEntriesByName(url).length > 0", arg=link)
    assert requests.get(link, timeout=10).content == DEMO_PHOTO
    center.axe(f"a rejected request's photo in its row ({screen})")


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_files_the_page_cannot_send_are_refused_at_once_naming_each(center: SellerCenter, seller: Seller,
                                                                    screen: str) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token)
    dialog = open_reject(center, order_id)
    choose(center.page, dialog, photo("huge.jpg", bytes(MAX_BYTES + 1)),
           photo("notes.pdf", b"%PDF-1.7", "application/pdf"), photo("parcel.jpg"))
    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("huge.jpg is larger than 5 MB.")
    expect(alert).to_contain_text("notes.pdf is not a JPEG, PNG or WebP image.")
    expect(chosen(dialog)).to_have_count(1)
    center.axe(f"reject dialog refusing files ({screen})")

    # Six at most, counting the one already chosen: the seventh is named and left out.
    choose(center.page, dialog, *(photo(f"side-{n}.jpg") for n in range(1, 7)))
    expect(alert).to_have_text("side-6.jpg was not added: at most 6 photos.")
    expect(chosen(dialog)).to_have_count(6)
    expect(dialog.get_by_role("button", name="Choose photos")).to_be_disabled()
    for n in range(1, 6):
        dialog.get_by_role("button", name=f"Remove side-{n}.jpg").click()
    expect(chosen(dialog)).to_have_count(1)

    # Dropped on the zone: the same checks.
    dropped = center.page.evaluate_handle(
        """([good, bad]) => { const data = new DataTransfer();
             data.items.add(new File([new Uint8Array(good)], "dropped.jpg", { type: "image/jpeg" }));
             data.items.add(new File([new Uint8Array(bad)], "dropped.gif", { type: "image/gif" }));
             return data; }""", [list(DEMO_PHOTO), [71, 73, 70]])
    dialog.get_by_role("button", name="Choose photos").dispatch_event("drop", {"dataTransfer": dropped})
    expect(alert).to_have_text("dropped.gif is not a JPEG, PNG or WebP image.")
    expect(chosen(dialog).get_by_role("img", name="dropped.jpg")).to_be_visible()
    still_pending(seller, cancel_id)


def test_a_file_the_api_refuses_is_named_and_nothing_is_rejected(center: SellerCenter, seller: Seller) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token)
    dialog = open_reject(center, order_id)
    dialog.get_by_label("Rejection reason").select_option(label=PACKED)
    # A PNG under a JPEG's name: the page takes the browser's word for the type, the API reads the first bytes (E3).
    choose(center.page, dialog, photo("parcel.jpg"), photo("label.jpg", PNG))
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "label.jpg is not the image its type says: remove it and choose a JPEG, PNG or WebP photo.")
    # Each file went up, its progress told: the upload itself is not what was refused.
    for name in ("parcel.jpg", "label.jpg"):
        expect(dialog.get_by_role("progressbar", name=f"Uploading {name}")).to_have_attribute("value", "1")
    still_pending(seller, cancel_id)

    dialog.get_by_role("button", name="Remove label.jpg").press("Delete")
    expect(chosen(dialog)).to_have_count(1)
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    rejected = seller.shop.cancellation(cancel_id, token=seller.token).json
    assert rejected["status"] == "REJECTED" and len(rejected["evidence"]) == 1


def test_keyboard_only_reject_with_a_photo(center: SellerCenter, seller: Seller) -> None:
    order_id, cancel_id = seller.pending()
    # A listener makes Playwright take over the file chooser; taken over now, well before a key opens one (a single
    # key press is quicker than the take-over a waiter starts, which a click's own steps hide).
    center.page.on("filechooser", lambda chooser: None)
    center.sign_in(seller.token)
    keys = center.page.keyboard
    center.tab_to(center.row(order_id).get_by_role("button", name="Reject"))
    keys.press("Enter")
    dialog = center.dialog("Reject cancellation request")
    reasons = dialog.get_by_label("Rejection reason")
    expect(reasons).to_be_focused()
    keys.press("ArrowDown")
    expect(reasons).to_have_value("PRODUCT_PACKED")
    keys.press("Tab")
    chooser = dialog.get_by_role("button", name="Choose photos")
    expect(chooser).to_be_focused()
    with center.page.expect_file_chooser() as opened:
        keys.press("Enter")
    opened.value.set_files([photo("first.jpg"), photo("second.jpg")])
    expect(chosen(dialog)).to_have_count(2)
    expect(chooser).to_be_focused()
    with center.page.expect_file_chooser() as opened:
        keys.press("Space")
    opened.value.set_files([photo("third.jpg")])
    expect(chosen(dialog)).to_have_count(3)

    keys.press("Tab")
    expect(dialog.get_by_role("button", name="Remove first.jpg")).to_be_focused()
    keys.press("Delete")
    expect(dialog.get_by_role("button", name="Remove second.jpg")).to_be_focused()
    keys.press("Backspace")
    # The focus stays on the list: on the next photo's Remove.
    expect(dialog.get_by_role("button", name="Remove third.jpg")).to_be_focused()
    keys.press("Tab")
    expect(dialog.get_by_label("Comment (optional)")).to_be_focused()
    keys.type("Packed before the request came.")
    keys.press("Tab")
    expect(dialog.get_by_role("button", name="Confirm")).to_be_focused()
    keys.press("Enter")
    expect(center.status()).to_have_text(f"Cancellation request of order {order_id} rejected: the order goes on.")
    rejected = seller.shop.cancellation(cancel_id, token=seller.token).json
    assert (rejected["reject_reason"], rejected["reject_comment"], len(rejected["evidence"])) == (
        "PRODUCT_PACKED", "Packed before the request came.", 1)


# A parcel drawn by the browser itself and encoded as a real JPEG (the page's previews and the row's thumbnail
# show it): the same bytes on every run of one chromium.
PARCEL_JPEG = """() => {
  const canvas = document.createElement("canvas");
  canvas.width = 160; canvas.height = 120;
  const ink = canvas.getContext("2d");
  ink.fillStyle = "#e9eef2"; ink.fillRect(0, 0, 160, 120);
  ink.fillStyle = "#b7844f"; ink.fillRect(30, 30, 100, 70);
  ink.fillStyle = "#d9b27c"; ink.fillRect(30, 30, 100, 14);
  ink.fillStyle = "#f4e9c8"; ink.fillRect(72, 30, 16, 70);
  ink.fillStyle = "#ffffff"; ink.fillRect(95, 62, 28, 18);
  return Array.from(atob(canvas.toDataURL("image/jpeg", 0.9).split(",")[1]), (c) => c.charCodeAt(0));
}"""


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_reject_dialog_with_a_photo_and_the_rejected_row_pictured(center: SellerCenter, seller: Seller,
                                                                     screen: str) -> None:
    order_id, cancel_id = seller.pending()
    center.sign_in(seller.token, "#all")
    parcel = bytes(center.page.evaluate(PARCEL_JPEG))
    assert parcel.startswith(b"\xff\xd8\xff")
    dialog = open_reject(center, order_id)
    dialog.get_by_label("Rejection reason").select_option(label=PACKED)
    choose(center.page, dialog, photo("packed-parcel.jpg", parcel))
    expect(chosen(dialog).get_by_role("img", name="packed-parcel.jpg")).to_have_js_property("complete", True)
    dialog.get_by_label("Comment (optional)").fill("Packed and labelled before the request came.")
    center.axe(f"reject dialog with a photo, pictured ({screen})")
    center.screenshot(f"seller-center-reject-photos-{screen}")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_have_count(0)
    thumbnail = center.row(order_id).get_by_role("img", name="Photo 1 of 1")
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("(img) => img.naturalWidth") == 160
    assert seller.shop.cancellation(cancel_id, token=seller.token).json["evidence"][0]["size"] == len(parcel)
    center.screenshot(f"seller-center-rejected-photo-{screen}")


@pytest.mark.parametrize("browser_locale", ["id-ID"])
def test_refusals_are_told_in_indonesian(center: SellerCenter, seller: Seller, browser_locale: str) -> None:
    order_id, cancel_id = seller.pending()
    sign_in_indonesian(center, seller.token)
    center.row(order_id).get_by_role("button", name="Tolak").click()
    dialog = center.dialog("Tolak pengajuan pembatalan")
    dialog.get_by_label("Alasan penolakan").select_option(label="Produk sudah dikemas (perlu foto)")
    expect(dialog.get_by_text("Alasan ini memerlukan setidaknya satu foto: pilih foto untuk menolak.")).to_be_visible()
    with center.page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Pilih foto").click()
    chooser.value.set_files([photo("besar.jpg", bytes(MAX_BYTES + 1)), photo("label.jpg", PNG)])
    expect(dialog.get_by_role("alert")).to_have_text("besar.jpg lebih besar dari 5 MB.")
    dialog.get_by_role("button", name="Konfirmasi").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "label.jpg bukan gambar sesuai jenisnya: hapus, lalu pilih foto JPEG, PNG, atau WebP.")
    center.axe("reject dialog refusing a photo in Indonesian")
    still_pending(seller, cancel_id)


def test_an_upload_s3_refuses_is_named_with_s3s_code_and_nothing_is_rejected(center: SellerCenter,
                                                                             seller: Seller) -> None:
    """The declaration's answer is changed on its way (another key than the policy pins): the local S3 refuses the
    POST as S3 would, and its answer, readable across origins thanks to the bucket's CORS rule, names the code."""
    order_id, cancel_id = seller.pending()

    def elsewhere(route: Any) -> None:
        answer = route.fetch()
        declared = answer.json()
        declared["upload"]["fields"]["key"] += "-elsewhere"
        route.fulfill(response=answer, json=declared)

    center.page.route("**/seller/evidence", elsewhere)
    center.sign_in(seller.token)
    dialog = open_reject(center, order_id)
    dialog.get_by_label("Rejection reason").select_option(label=PACKED)
    choose(center.page, dialog, photo("parcel.jpg"))
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("alert")).to_have_text("The upload of parcel.jpg was refused (AccessDenied): try again.")
    expect(dialog.get_by_role("progressbar")).to_have_count(0)
    still_pending(seller, cancel_id)


def test_a_progress_per_file_while_it_uploads_and_escape_calls_the_reject_off(center: SellerCenter, seller: Seller,
                                                                             stack: LocalStage) -> None:
    """The upload to S3 is held on its way: its progress shows, labelled with the file's name; Escape then closes
    the dialog, and once the upload ends no reject is sent."""
    order_id, cancel_id = seller.pending()
    upload = HeldUpload(center, stack)
    center.sign_in(seller.token)
    opener = center.row(order_id).get_by_role("button", name="Reject")
    opener.click()
    dialog = center.dialog("Reject cancellation request")
    dialog.get_by_label("Rejection reason").select_option(label=PACKED)
    choose(center.page, dialog, photo("parcel.jpg"))
    dialog.get_by_role("button", name="Confirm").click()
    progress = dialog.get_by_role("progressbar", name="Uploading parcel.jpg")
    expect(progress).to_have_attribute("value", "0")
    expect(dialog.get_by_role("button", name="Confirm")).to_be_disabled()
    expect(dialog.get_by_role("button", name="Remove parcel.jpg")).to_be_disabled()
    center.axe("reject dialog while a photo uploads")

    upload.escape_then_release(opener)
    assert upload.sent_to("/reject") == [], upload.sent  # what would follow the upload has run: no reject went
    still_pending(seller, cancel_id)
