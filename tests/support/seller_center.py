"""`SellerCenter`: the browser suite's driver of the page (Playwright), by the roles and names a seller's assistive
technology sees, plus the axe-core check and the README's screenshots."""

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.support.paths import ROOT

AXE = ROOT / "web" / "seller-center" / "node_modules" / "axe-core" / "axe.min.js"
IMAGES = ROOT / "docs" / "images"
BLOCKING = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class SellerCenter:
    def __init__(self, page: Page, base_url: str, *, pictured: bool = False) -> None:
        self.page = page
        self.base_url = base_url
        self.pictured = pictured

    # --- getting in ---------------------------------------------------------------------------------------

    def open(self, hash_: str = "") -> None:
        self.page.goto(f"{self.base_url}/app{hash_}")
        expect(self.page.get_by_role("heading", level=1)).to_be_visible()

    def sign_in(self, token: str, hash_: str = "") -> None:
        self.open(hash_)
        self.page.get_by_label("Access token").fill(token)
        self.page.get_by_role("button", name="Sign in", exact=True).click()
        self.wait_until_loaded()

    def wait_until_loaded(self) -> None:
        expect(self.page.get_by_role("heading", name="Manage Orders", level=1)).to_be_visible()
        expect(self.page.get_by_role("tabpanel")).to_have_attribute("aria-busy", "false")

    # --- what is on the page ------------------------------------------------------------------------------

    def tab(self, name: str) -> Locator:
        return self.page.get_by_role("tab", name=re.compile(f"^{re.escape(name)}"))

    def open_tab(self, name: str) -> None:
        self.tab(name).click()
        expect(self.tab(name)).to_have_attribute("aria-selected", "true")
        self.wait_until_loaded()

    def row(self, order_id: str) -> Locator:
        return self.page.get_by_role("row").filter(
            has=self.page.get_by_role("rowheader", name=order_id, exact=True))

    def order_ids(self) -> list[str]:
        return [text.strip() for text in self.page.get_by_role("rowheader").all_inner_texts()]

    def entry(self) -> Locator:
        """Action Needed's Cancellation entry."""
        return self.page.get_by_role("tabpanel").get_by_role("button", name=re.compile(r"^Cancellation \d+"))

    def tooltip(self) -> Locator:
        return self.page.get_by_role("tooltip")

    def alert(self) -> Locator:
        return self.page.get_by_role("main").get_by_role("alert")

    def status(self) -> Locator:
        return self.page.get_by_role("status")

    def dialog(self, name: str) -> Locator:
        return self.page.get_by_role("dialog", name=name)

    def filter_toggle(self) -> Locator:
        return self.page.get_by_role("button", name="Cancellation", exact=True)

    # --- keyboard -----------------------------------------------------------------------------------------

    def tab_to(self, target: Locator, limit: int = 80) -> None:
        """Presses Tab until `target` has the focus, as a keyboard user would (bounded)."""
        handle = target.element_handle()
        assert handle is not None
        for _ in range(limit):
            if self.page.evaluate("(el) => document.activeElement === el", handle):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {target}")

    def focused_name(self) -> str:
        return str(self.page.evaluate("() => document.activeElement?.textContent?.trim() ?? ''"))

    # --- checks and pictures ------------------------------------------------------------------------------

    def axe(self, screen: str) -> list[dict[str, Any]]:
        """axe-core on the page as it is now: no serious or critical violation (returns the rest)."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated by the DevTools protocol: the page's CSP (script-src 'self') does not apply to it.
            self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
        violations: list[dict[str, Any]] = self.page.evaluate(
            "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations"
            ".map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }))")
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert blocking == [], f"axe on {screen}: {blocking}"
        return violations

    def screenshot(self, name: str) -> Path:
        """Writes docs/images/<name>.png: only from a test marked `pictured`, whose clocks and data are fixed, so
        that a second run writes the same bytes."""
        assert self.pictured, "mark the test `pictured` before it writes a screenshot"
        IMAGES.mkdir(parents=True, exist_ok=True)
        path = IMAGES / f"{name}.png"
        # A phone shows little at once: the whole page, so that an open tooltip or dialog is in the picture.
        phone = (self.page.viewport_size or DESKTOP)["width"] <= PHONE["width"]
        self.page.screenshot(path=str(path), animations="disabled", full_page=phone)
        return path
