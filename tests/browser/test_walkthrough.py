"""The help article's walk through Manage Orders, by mouse, at a desktop size and on a 390 px phone: Action Needed
and its Cancellation entry, the tooltip and its View links, the Cancellation filter, the Cancelled tab's warning and
status details, the orders table with money, times and countdowns, the SFCR panel."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_TIMEZONE, MARKET_TIMEZONE, Seller
from tests.support.seller_center import SellerCenter

TABS = ["Action Needed", "All", "Unpaid", "To Ship", "Shipped", "Completed", "Cancelled"]
NO_HANDOVER = "You don't need to hand over this order to logistics."


@pytest.fixture
def walk(seller: Seller) -> dict[str, str]:
    """Two pending requests, an auto-approved cancellation, and orders that need nothing."""
    first, _ = seller.pending()
    second, _ = seller.pending()
    auto, _ = seller.auto_approved()
    quiet = seller.paid()
    shipped = seller.in_transit()
    return {"first": first, "second": second, "auto": auto, "quiet": quiet, "shipped": shipped}


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_action_needed_shows_the_cancellation_entry_its_tooltip_and_the_requests(
        center: SellerCenter, seller: Seller, walk: dict[str, str], screen: str) -> None:
    center.sign_in(seller.token)
    page = center.page
    expect(page.get_by_role("tablist")).to_be_visible()
    assert [t.strip() for t in page.get_by_role("tab").all_inner_texts()][1:] == TABS[1:]
    expect(center.tab("Action Needed")).to_have_accessible_name(re.compile(r"^Action Needed\s*3$"))
    expect(center.tab("Action Needed")).to_have_attribute("aria-selected", "true")
    expect(center.entry()).to_have_accessible_name(re.compile(r"^Cancellation\s*3$"))

    # The pending requests, most urgent first (as the API orders them), each with its countdown and buttons.
    queue = seller.shop.cancellations("status=REQUESTED", token=seller.token, expect=200).json["items"]
    assert [c["respond_by"] for c in queue] == sorted(c["respond_by"] for c in queue)
    assert center.order_ids() == [c["order_id"] for c in queue]
    assert set(center.order_ids()) == {walk["first"], walk["second"]}
    row = center.row(walk["first"])
    expect(row).to_contain_text(re.compile(r"Respond within 1 day 2[23] h"))
    expect(row.get_by_role("button", name="Approve")).to_be_visible()
    expect(row.get_by_role("button", name="Reject")).to_be_visible()
    expect(row).to_contain_text("IDR\u00a01,500.00")  # 2 x 75,000 minor units
    center.axe(f"action needed ({screen})")

    center.entry().hover()
    tooltip = center.tooltip()
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(re.compile(r"Auto-approved cancellation\s*1"))
    expect(tooltip).to_contain_text(re.compile(r"Cancellation requested\s*2"))
    expect(tooltip).to_contain_text("You have 2 calendar days to respond")
    expect(tooltip.get_by_role("link", name=re.compile("^View"))).to_have_count(2)
    center.axe(f"action needed, tooltip open ({screen})")
    center.screenshot(f"seller-center-action-needed-{screen}")

    # View → the requests; View → the Cancelled tab.
    tooltip.get_by_role("link", name="View cancellation requests").click()
    expect(page.get_by_role("heading", name="Cancellation requests, most urgent first")).to_be_focused()
    center.entry().hover()
    center.tooltip().get_by_role("link", name="View auto-approved cancellations").click()
    expect(center.tab("Cancelled")).to_have_attribute("aria-selected", "true")
    center.wait_until_loaded()
    expect(center.row(walk["auto"])).to_contain_text(NO_HANDOVER)


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_choosing_cancellation_goes_to_all_with_the_filter_on(center: SellerCenter, seller: Seller,
                                                              walk: dict[str, str], screen: str) -> None:
    center.sign_in(seller.token)
    center.entry().click()
    expect(center.tab("All")).to_have_attribute("aria-selected", "true")
    toggle = center.filter_toggle()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    center.wait_until_loaded()
    assert sorted(center.order_ids()) == sorted([walk["first"], walk["second"], walk["auto"]])
    center.axe(f"all, cancellation filter ({screen})")
    if screen == "desktop":
        center.screenshot("seller-center-cancellation-filter")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    center.wait_until_loaded()
    expect(center.page.get_by_role("rowheader")).to_have_count(5)
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(center.page.get_by_role("rowheader")).to_have_count(3)


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_cancelled_tab_warns_and_its_status_tells_who_when_why_and_how(center: SellerCenter, seller: Seller,
                                                                           walk: dict[str, str], screen: str) -> None:
    center.sign_in(seller.token, "#cancelled")
    row = center.row(walk["auto"])
    expect(row).to_contain_text(NO_HANDOVER)
    status = row.get_by_role("button", name="Cancelled")
    status.hover()
    tooltip = center.tooltip()
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("Auto-approved cancellation")
    expect(tooltip).to_contain_text("Cancelled by the buyer")
    expect(tooltip).to_contain_text("Buyer changed their mind")
    expect(tooltip).to_contain_text("the order was not paid yet")
    expect(tooltip.locator("time")).to_have_attribute("title", re.compile(r"UTC$"))
    center.axe(f"cancelled, status tooltip ({screen})")
    center.screenshot(f"seller-center-cancelled-{screen}")
    # No action on a cancelled order.
    expect(row.get_by_role("button", name=re.compile("Approve|Reject|More Actions"))).to_have_count(0)


def test_each_tab_lists_its_orders_with_times_in_the_markets_zone_and_utc_on_hover(
        center: SellerCenter, seller: Seller, walk: dict[str, str]) -> None:
    center.sign_in(seller.token)
    expected = {"All": 5, "Unpaid": 0, "To Ship": 3, "Shipped": 1, "Completed": 0, "Cancelled": 1}
    for name, count in expected.items():
        center.open_tab(name)
        expect(center.page.get_by_role("rowheader")).to_have_count(count)
        if count == 0:
            expect(center.page.get_by_text("No orders here.")).to_be_visible()
    center.open_tab("Shipped")
    placed = center.row(walk["shipped"]).locator("time").first
    utc = placed.get_attribute("title") or ""
    assert utc.endswith("UTC"), utc
    # The market's zone (Jakarta), whatever the browser's (New York): the page's own Intl says what that reads.
    in_market, in_browser = center.page.evaluate(
        "([iso, zones]) => zones.map((timeZone) => new Intl.DateTimeFormat('en', "
        "{ dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso)))",
        [placed.get_attribute("datetime"), [MARKET_TIMEZONE, BROWSER_TIMEZONE]])
    assert in_market != in_browser
    expect(placed).to_have_text(in_market)
    expect(center.row(walk["shipped"]).get_by_role("button", name="More Actions")).to_have_count(0)
    center.open_tab("To Ship")
    expect(center.row(walk["quiet"]).get_by_role("button", name="More Actions")).to_be_visible()
    # An order with a pending request is answered, not cancelled.
    expect(center.row(walk["first"]).get_by_role("button", name="More Actions")).to_have_count(0)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_sfcr_panel_shows_rate_target_standing_cap_and_window(center: SellerCenter, seller: Seller,
                                                                  screen: str) -> None:
    for _ in range(3):
        seller.paid()
    seller.shop.seller_cancel(seller.paid(), token=seller.token, expect=201)
    center.sign_in(seller.token)
    panel = center.page.get_by_role("region", name="Seller-fault cancellation rate (SFCR)")
    expect(panel).to_contain_text("Rate25%")
    expect(panel).to_contain_text("Target2.5%")
    expect(panel).to_contain_text("StandingRestricted")
    expect(panel).to_contain_text("Order volume cap75%")
    expect(panel).to_contain_text(re.compile(r"Window\w{3} \d+, \d{4} \u2013 \w{3} \d+, \d{4}"))
    expect(panel).to_contain_text("1 seller-fault cancellation of 4 orders")


def test_load_more_pages_with_the_next_cursor(center: SellerCenter, seller: Seller) -> None:
    ids = [seller.paid() for _ in range(23)]
    center.sign_in(seller.token, "#all")
    expect(center.page.get_by_role("rowheader")).to_have_count(20)
    more = center.page.get_by_role("button", name="Load more")
    more.click()
    expect(center.page.get_by_role("rowheader")).to_have_count(23)
    expect(more).to_have_count(0)
    assert sorted(center.order_ids()) == sorted(ids)


def test_an_order_with_some_items_cancelled_shows_what_remains(center: SellerCenter, seller: Seller) -> None:
    order_id = seller.paid()  # two of SKU-1 at 75,000 minor units
    seller.shop.seller_cancel(order_id, "OUT_OF_STOCK", token=seller.token,
                              line_items=[{"sku": "SKU-1", "quantity": 1}], expect=201)
    center.sign_in(seller.token, "#to-ship")
    row = center.row(order_id)
    expect(row).to_contain_text("IDR\u00a01,500.00")
    expect(row).to_contain_text("IDR\u00a0750.00 after cancelled items")
