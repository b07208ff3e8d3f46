"""The browser layer: the Seller Center page in Debian's chromium (Playwright) against one local stack per session
(`LocalStage`, as `make run` starts it, without the demo shop: each test seeds a seller of its own).

A test marked `pictured` writes a screenshot into docs/images/, so what it shows must not depend on when or in
what company it runs: the stack's clock (the same process) stands still at `PICTURED_AT` and moves a minute per
seeded object, the page's clock is fixed at `PICTURED_PAGE_AT`, and every seller's id comes from its test's name."""

import hashlib
import itertools
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import time_machine
from playwright.sync_api import Browser, Page

from chalicelib.api import seller_center
from devtools.local_stage import LocalStage
from tests.support.api import Tokens
from tests.support.loopback import LoopbackApi
from tests.support.seller_center import AXE, DESKTOP, PHONE, SellerCenter
from tests.support.shop import Shop

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  # Screenshots: a tile is always rastered whole, so an edge's anti-aliasing does not depend on
                  # which part of it the last change repainted.
                  "--disable-partial-raster"]
SCREENS = {"desktop": DESKTOP, "phone": PHONE}
MARKET_TIMEZONE = "Asia/Jakarta"
BROWSER_TIMEZONE = "America/New_York"
# A Friday morning in Jakarta; the page looks a little later, once the seeding's minutes have passed.
PICTURED_AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
PICTURED_PAGE_AT = PICTURED_AT + timedelta(minutes=30)
SEED_STEP = timedelta(minutes=1)
_seller_ids: dict[str, str] = {}
Made = TypeVar("Made")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pictured: the test writes a screenshot into docs/images/ (fixed clocks)")


def pictured(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("pictured") is not None


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch arguments: Debian's chromium, never a downloaded browser."""
    if not CHROMIUM.is_file() and shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is missing: install it with `apt-get update && apt-get install -y chromium` "
                    "(as root; `make test` does it when it can)", pytrace=False)
    return {"executable_path": str(CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium")),
            "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="package")
def stack() -> Iterator[LocalStage]:
    """Started once for this layer and stopped when it is done: it sets the environment (the embedded DynamoDB's
    endpoint among it) for its life, which the layers after this one must not see."""
    missing = seller_center.missing_files()
    if missing or not AXE.is_file():
        pytest.fail(f"the page is not built ({missing or AXE}): run `make page`", pytrace=False)
    # The market is Jakarta's, as the desk's is; the browser is elsewhere (`page`), so a time shown in the market's
    # zone cannot pass for one in the browser's.
    with LocalStage(port=0, load_demo=False, announce=lambda line: None,
                    environment={"MARKET_TIMEZONE": MARKET_TIMEZONE}) as running:
        yield running


@pytest.fixture(scope="package")
def tokens(stack: LocalStage) -> Tokens:
    return Tokens()  # minted with the stack's dev secret, which its start put in the environment


@dataclass
class Seller:
    """A shop of its own for one test: its id, its token and the `Shop` that seeds and acts on it over HTTP."""

    seller_id: str
    token: str
    shop: Shop
    _orders: Iterator[int]
    # Called after each seeded object: under a standing clock it moves a minute, so no two share an instant.
    seeded: Callable[[], None] = field(default=lambda: None)

    def order_id(self) -> str:
        return f"{self.seller_id}-{next(self._orders)}"

    def _seed(self, made: Made) -> Made:
        self.seeded()
        return made

    def pending(self, **fields: Any) -> tuple[str, str]:
        return self._seed(self.shop.pending(self.order_id(), seller_id=self.seller_id, **fields))

    def auto_approved(self, **fields: Any) -> tuple[str, str]:
        return self._seed(self.shop.auto_approved(self.order_id(), seller_id=self.seller_id, **fields))

    def paid(self, **fields: Any) -> str:
        return self._seed(self.shop.paid(self.order_id(), seller_id=self.seller_id, **fields))

    def unpaid(self, **fields: Any) -> str:
        return self._seed(self.shop.order(self.order_id(), seller_id=self.seller_id, status="UNPAID", **fields))

    def in_transit(self, **fields: Any) -> str:
        return self._seed(self.shop.in_transit(self.order_id(), seller_id=self.seller_id, **fields))

    def seller_fault(self, **fields: Any) -> tuple[str, str]:
        return self._seed(self.shop.seller_fault(self.order_id(), seller_id=self.seller_id, **fields))


def seller_id_for(node_id: str) -> str:
    """The same id for the same test on every run, whichever tests run before it."""
    seller_id = "T" + hashlib.blake2b(node_id.encode(), digest_size=3).hexdigest().upper()
    other = _seller_ids.setdefault(seller_id, node_id)
    assert other == node_id, f"{node_id} and {other} would share seller {seller_id}: lengthen the digest"
    return seller_id


@pytest.fixture
def stack_clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller | None]:
    """For a pictured test, the stack's clock (and the tokens' issue times) standing at `PICTURED_AT`."""
    if not pictured(request):
        yield None
        return
    with time_machine.travel(PICTURED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def seller(request: pytest.FixtureRequest, stack: LocalStage, tokens: Tokens,
           stack_clock: time_machine.Traveller | None) -> Seller:
    seller_id = seller_id_for(request.node.nodeid.partition("@")[0])  # without pytest-xdist's "@group"
    if stack_clock is not None:
        tokens = Tokens()  # issued at the standing clock's time, not in its future
    shop = Shop(LoopbackApi(stack.base_url), tokens)
    made = Seller(seller_id, tokens.seller_token(seller_id), shop, itertools.count(1))
    if stack_clock is not None:
        made.seeded = lambda: stack_clock.shift(SEED_STEP)
    return made


@pytest.fixture(params=["desktop"])
def screen(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def browser_locale() -> str:
    """The browser's language (navigator.languages): English unless a test says otherwise."""
    return "en-US"


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser, screen: str, browser_locale: str,
         stack_clock: time_machine.Traveller | None) -> Iterator[Page]:
    """A fresh context per test: its own storage, a window of the screen's size, the browser's language, the
    browser in a zone other than the market's; for a pictured test, the page's time fixed (its timers still run)."""
    context = browser.new_context(viewport=SCREENS[screen], device_scale_factor=1, locale=browser_locale,
                                  timezone_id=BROWSER_TIMEZONE)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    if pictured(request):
        opened.clock.set_fixed_time(PICTURED_PAGE_AT)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], errors


@pytest.fixture
def center(request: pytest.FixtureRequest, page: Page, stack: LocalStage) -> SellerCenter:
    return SellerCenter(page, stack.base_url, pictured=pictured(request))
