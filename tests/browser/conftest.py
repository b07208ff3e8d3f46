"""The browser layer: the Seller Center page in Debian's chromium (Playwright) against one local stack per session
(`LocalStack`, as `make run` starts it, without the demo shop: each test seeds a seller of its own)."""

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from chalicelib.api import seller_center
from devtools.run_local import LocalStack
from tests.support.api import Tokens
from tests.support.loopback import LoopbackApi
from tests.support.seller_center import AXE, DESKTOP, PHONE, SellerCenter
from tests.support.shop import Shop

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENS = {"desktop": DESKTOP, "phone": PHONE}
_sellers = itertools.count(1)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch arguments: Debian's chromium, never a downloaded browser."""
    if not CHROMIUM.is_file() and shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is missing: install it with `apt-get update && apt-get install -y chromium` "
                    "(as root; `make test` does it when it can)", pytrace=False)
    return {"executable_path": str(CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium")),
            "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="package")
def stack() -> Iterator[LocalStack]:
    """Started once for this layer and stopped when it is done: it sets the environment (the embedded DynamoDB's
    endpoint among it) for its life, which the layers after this one must not see."""
    missing = seller_center.missing_files()
    if missing or not AXE.is_file():
        pytest.fail(f"the page is not built ({missing or AXE}): run `make page`", pytrace=False)
    with LocalStack(port=0, load_demo=False, announce=lambda line: None) as running:
        yield running


@pytest.fixture(scope="package")
def tokens(stack: LocalStack) -> Tokens:
    return Tokens()  # minted with the stack's dev secret, which its start put in the environment


@dataclass
class Seller:
    """A shop of its own for one test: its id, its token and the `Shop` that seeds and acts on it over HTTP."""

    seller_id: str
    token: str
    shop: Shop
    _orders: Iterator[int]

    def order_id(self) -> str:
        return f"{self.seller_id}-{next(self._orders)}"

    def pending(self, **fields: Any) -> tuple[str, str]:
        return self.shop.pending(self.order_id(), seller_id=self.seller_id, **fields)

    def auto_approved(self, **fields: Any) -> tuple[str, str]:
        return self.shop.auto_approved(self.order_id(), seller_id=self.seller_id, **fields)

    def paid(self, **fields: Any) -> str:
        return self.shop.paid(self.order_id(), seller_id=self.seller_id, **fields)

    def unpaid(self, **fields: Any) -> str:
        return self.shop.order(self.order_id(), seller_id=self.seller_id, status="UNPAID", **fields)

    def in_transit(self, **fields: Any) -> str:
        return self.shop.in_transit(self.order_id(), seller_id=self.seller_id, **fields)


@pytest.fixture
def seller(stack: LocalStack, tokens: Tokens) -> Seller:
    seller_id = f"T{next(_sellers)}"
    shop = Shop(LoopbackApi(stack.base_url), tokens)
    return Seller(seller_id, tokens.seller_token(seller_id), shop, itertools.count(1))


@pytest.fixture(params=["desktop"])
def screen(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(browser: Browser, screen: str) -> Iterator[Page]:
    """A fresh context per test: its own storage, a window of the screen's size, the browser in Jakarta's zone."""
    context = browser.new_context(viewport=SCREENS[screen], locale="en-US", timezone_id="Asia/Jakarta")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], errors


@pytest.fixture
def center(page: Page, stack: LocalStack) -> SellerCenter:
    return SellerCenter(page, stack.base_url)
