"""The page in Bahasa Indonesia: chosen from the browser's languages, switched in the header and remembered,
`<html lang>` following; the main screens in Indonesian at both sizes, axe-clean, with the API's reason labels,
rupiah without sen and countdowns in Indonesian; the README's pictures of them."""

import re

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.conftest import Seller
from tests.support.seller_center import SellerCenter

TITLE_EN = "Seller Center · Manage Orders"
TITLE_ID = "Seller Center · Kelola Pesanan"
TABS_ID = ["Perlu Tindakan", "Semua", "Belum Dibayar", "Perlu Dikirim", "Dikirim", "Selesai", "Dibatalkan"]


@pytest.fixture
def browser_locale() -> str:
    return "id-ID"


def switch(center: SellerCenter) -> Locator:
    return center.page.get_by_role("banner").get_by_role("combobox")


def sign_in_indonesian(center: SellerCenter, token: str, hash_: str = "") -> None:
    center.page.goto(f"{center.base_url}/app{hash_}")
    center.page.get_by_label("Token akses").fill(token)
    center.page.get_by_role("button", name="Masuk", exact=True).click()
    expect(center.page.get_by_role("heading", name="Kelola Pesanan", level=1)).to_be_visible()
    expect(center.page.get_by_role("tabpanel")).to_have_attribute("aria-busy", "false")


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_first_visit_speaks_the_first_browser_language_the_page_has(center: SellerCenter, screen: str) -> None:
    center.page.goto(f"{center.base_url}/app")
    expect(center.page.get_by_role("heading", name="Masuk ke Seller Center", level=1)).to_be_visible()
    expect(center.page.locator("html")).to_have_attribute("lang", "id")
    expect(center.page).to_have_title(TITLE_ID)
    expect(switch(center)).to_have_accessible_name("Bahasa")
    expect(switch(center)).to_have_value("id")
    options = switch(center).locator("option")
    assert options.all_inner_texts()[0] == "English"
    expect(options.filter(has_text="Bahasa Indonesia")).to_have_attribute("lang", "id")
    expect(center.page.get_by_label("Token akses")).to_be_editable()
    center.axe(f"sign-in in Indonesian ({screen})")
    if screen == "desktop":
        center.screenshot("seller-center-sign-in-id")


@pytest.mark.parametrize("browser_locale", ["fr-FR", "en-GB"])
def test_a_browser_language_the_page_lacks_gets_english(center: SellerCenter, browser_locale: str) -> None:
    center.page.goto(f"{center.base_url}/app")
    expect(center.page.get_by_role("heading", name="Sign in to Seller Center", level=1)).to_be_visible()
    expect(center.page.locator("html")).to_have_attribute("lang", "en")
    expect(switch(center)).to_have_accessible_name("Language")


@pytest.mark.parametrize("browser_locale", ["en-US"])
def test_the_switch_changes_every_string_and_is_remembered_across_a_reload(
        center: SellerCenter, seller: Seller, browser_locale: str) -> None:
    order_id, _ = seller.pending()
    taken, taken_cancel = seller.pending()
    approved, _ = seller.pending()
    # What the page says stays said, in the language switched to (the sign-in's message here).
    center.open()
    center.page.get_by_role("button", name="Sign in", exact=True).click()
    expect(center.alert()).to_have_text("Enter an access token.")
    switch(center).select_option(label="Bahasa Indonesia")
    expect(center.alert()).to_have_text("Masukkan token akses.")
    switch(center).select_option(label="English")
    expect(center.alert()).to_have_text("Enter an access token.")

    center.sign_in(seller.token, "#all")
    expect(center.page.locator("html")).to_have_attribute("lang", "en")
    expect(center.page).to_have_title(TITLE_EN)
    expect(center.row(order_id)).to_contain_text("Buyer changed their mind")
    seller.shop.approve(taken_cancel, token=seller.token, expect=200)  # another device acts first: a 409's alert
    center.row(taken).get_by_role("button", name="Approve").click()
    expect(center.alert()).to_contain_text("This request is no longer waiting for your answer.")
    switch(center).select_option(label="Bahasa Indonesia")

    expect(center.page.get_by_role("heading", name="Kelola Pesanan", level=1)).to_be_visible()
    expect(center.page.locator("html")).to_have_attribute("lang", "id")
    expect(center.page).to_have_title(TITLE_ID)
    expect(switch(center)).to_have_accessible_name("Bahasa")
    alert = center.alert()  # the alert already shown, worded again
    expect(alert).to_contain_text("Pengajuan ini tidak lagi menunggu tanggapan Anda.")
    expect(alert).to_contain_text(f"Pihak lain sudah menindaklanjuti pesanan {taken} lebih dulu")
    expect(alert).not_to_contain_text("waiting")
    row = center.row(order_id)
    expect(row).to_contain_text("Pembeli berubah pikiran")  # the API's label, asked again in Indonesian
    expect(row).to_contain_text("Rp1.500")
    expect(row.get_by_role("button", name="Setujui")).to_be_visible()
    center.axe("all, switched to Indonesian")

    center.page.reload()
    expect(center.page.get_by_role("heading", name="Kelola Pesanan", level=1)).to_be_visible()
    expect(center.page.locator("html")).to_have_attribute("lang", "id")
    expect(center.page).to_have_title(TITLE_ID)
    expect(switch(center)).to_have_value("id")
    expect(center.row(order_id)).to_contain_text("Pembeli berubah pikiran")
    center.row(approved).get_by_role("button", name="Setujui").click()
    expect(center.status()).to_have_text(f"Pembatalan pesanan {approved} disetujui: pesanan dibatalkan.")

    switch(center).select_option(label="English")
    expect(center.page.get_by_role("heading", name="Manage Orders", level=1)).to_be_visible()
    expect(center.page).to_have_title(TITLE_EN)
    expect(center.status()).to_have_text(f"Cancellation of order {approved} approved: the order is cancelled.")
    expect(center.row(order_id)).to_contain_text("Buyer changed their mind")
    center.page.reload()
    expect(center.page.get_by_role("heading", name="Manage Orders", level=1)).to_be_visible()
    expect(center.page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_action_needed_in_indonesian(center: SellerCenter, seller: Seller, screen: str) -> None:
    first, _ = seller.pending()
    seller.pending()
    seller.auto_approved()
    seller.paid()
    sign_in_indonesian(center, seller.token)
    page = center.page
    assert [t.strip() for t in page.get_by_role("tab").all_inner_texts()][1:] == TABS_ID[1:]
    expect(page.get_by_role("tab", name=re.compile("^Perlu Tindakan"))).to_have_accessible_name(
        re.compile(r"^Perlu Tindakan\s*3$"))
    row = center.row(first)
    expect(row).to_contain_text(re.compile(r"Tanggapi dalam 1 hari 2[23] jam"))
    expect(row).to_contain_text("Pembeli ingin membatalkan: Pembeli berubah pikiran")
    # The handover warning, worded from the API's PENDING_REQUEST code.
    expect(row).to_contain_text("Pembeli mengajukan pembatalan pesanan ini: tanggapi pengajuannya sebelum menyerahkan "
                                "pesanan ke logistik.")
    expect(row).to_contain_text("Rp1.500")  # 2 x 75,000 minor units of IDR, without sen
    expect(row.get_by_role("button", name="Setujui")).to_be_visible()
    expect(row.get_by_role("button", name="Tolak")).to_be_visible()
    # Dates in Indonesian ("27 Nov 2026, 09.01"), in the market's zone.
    expect(row.locator("time").first).to_have_text(re.compile(r"^\d{1,2} \w{3} \d{4}, \d{2}\.\d{2}$"))
    panel = page.get_by_role("region", name="Tingkat pembatalan oleh penjual (SFCR)")
    expect(panel).to_contain_text("Tingkat0%")
    center.axe(f"action needed in Indonesian ({screen})")

    page.get_by_role("tabpanel").get_by_role("button", name=re.compile(r"^Pembatalan \d+")).hover()
    tooltip = center.tooltip()
    expect(tooltip).to_contain_text(re.compile(r"Pembatalan disetujui otomatis\s*1"))
    expect(tooltip).to_contain_text(re.compile(r"Pembatalan diajukan\s*2"))
    expect(tooltip).to_contain_text("Anda punya waktu 2 hari kalender untuk menanggapi")
    center.axe(f"action needed in Indonesian, tooltip open ({screen})")
    center.screenshot(f"seller-center-action-needed-{screen}-id")


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_cancel_and_reject_in_indonesian_list_the_apis_labels(center: SellerCenter, seller: Seller,
                                                              screen: str) -> None:
    pending, _ = seller.pending()
    paid = seller.paid()
    sign_in_indonesian(center, seller.token, "#all")

    center.row(pending).get_by_role("button", name="Tolak").click()
    dialog = center.dialog("Tolak pengajuan pembatalan")
    reasons = dialog.get_by_label("Alasan penolakan")
    expect(reasons).to_be_focused()
    needs_photo = " (perlu foto)"
    assert reasons.locator("option").all_inner_texts()[1:] == [
        "Produk sudah dikemas" + needs_photo, "Pengiriman sesuai jadwal",
        "Sudah sepakat dengan pembeli untuk melanjutkan pesanan" + needs_photo, "Alasan pembeli tidak valid"]
    center.axe(f"reject dialog in Indonesian ({screen})")
    dialog.get_by_role("button", name="Tutup", exact=True).click()
    expect(dialog).to_have_count(0)

    center.row(paid).get_by_role("button", name="Tindakan Lain").click()
    center.page.get_by_role("menuitem", name="Batalkan").click()
    dialog = center.dialog("Batalkan pesanan")
    reasons = dialog.get_by_label("Alasan pembatalan")
    expect(reasons).to_be_focused()
    assert reasons.locator("option").all_inner_texts()[1:] == [
        "Stok habis", "Harga salah", "Alamat tidak dapat dijangkau pengiriman"]
    reasons.select_option(label="Harga salah")
    expect(dialog).to_contain_text("dihitung dalam tingkat pembatalan oleh penjual (SFCR) Anda")
    expect(dialog).to_contain_text(re.compile(r"Tingkat Anda: 0% sekarang → [\d,]+% setelah pembatalan ini\."))
    # The preview's SFCR_BAND_WORSENS in Indonesian: its rates in Indonesian digits, the standings by name.
    expect(dialog).to_contain_text(re.compile(r"Pembatalan ini akan menaikkan tingkat pembatalan oleh penjual Anda "
                                              r"dari 0,0% menjadi \d+,\d%: status akun Anda berubah dari Baik menjadi "
                                              r"(Berisiko|Dibatasi|Ditangguhkan)"))
    center.axe(f"cancel dialog in Indonesian ({screen})")
    center.screenshot(f"seller-center-cancel-dialog-{screen}-id")
    dialog.get_by_role("button", name="Konfirmasi").click()
    expect(dialog).to_have_count(0)
    expect(center.status()).to_have_text(f"Pesanan {paid} dibatalkan.")


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_cancelled_tab_in_indonesian(center: SellerCenter, seller: Seller, screen: str) -> None:
    auto, _ = seller.auto_approved()
    sign_in_indonesian(center, seller.token, "#cancelled")
    row = center.row(auto)
    row.get_by_role("button", name="Dibatalkan").hover()
    tooltip = center.tooltip()
    expect(tooltip).to_contain_text("Pembatalan disetujui otomatis")
    expect(tooltip).to_contain_text("Dibatalkan oleh pembeli")
    expect(tooltip).to_contain_text("Pembeli berubah pikiran")
    expect(tooltip).to_contain_text("pesanan belum dibayar")
    expect(tooltip).to_contain_text("Tidak ada: pesanan belum dibayar")
    center.axe(f"cancelled, status tooltip in Indonesian ({screen})")
    center.screenshot(f"seller-center-cancelled-{screen}-id")


def test_an_error_is_told_in_indonesian_and_the_409_reloads(center: SellerCenter, seller: Seller) -> None:
    order_id, cancel_id = seller.pending()
    sign_in_indonesian(center, seller.token, "#all")
    row = center.row(order_id)
    seller.shop.approve(cancel_id, token=seller.token, expect=200)  # another device acts first
    row.get_by_role("button", name="Setujui").click()
    alert = center.alert()
    expect(alert).to_contain_text("Pengajuan ini tidak lagi menunggu tanggapan Anda.")
    expect(alert).to_contain_text(f"Pihak lain sudah menindaklanjuti pesanan {order_id} lebih dulu")
    expect(alert).not_to_contain_text("pending")  # not the API's English message
    expect(row).to_contain_text("Dibatalkan")
    center.axe("409 alert in Indonesian")
