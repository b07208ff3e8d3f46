"""Sign-in: a pasted seller token, the runner's demo-seller buttons; other roles' tokens, expired tokens and a
session that expires while the page is open all end on the sign-in screen with a message."""

import re

import pytest
from playwright.sync_api import expect

from devtools import tokens as minting
from tests.browser.conftest import Seller
from tests.support.api import Tokens
from tests.support.seller_center import SellerCenter


@pytest.mark.pictured
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_sign_in_screen_offers_the_token_field_and_one_button_per_demo_seller(center: SellerCenter,
                                                                                  screen: str) -> None:
    center.open()
    expect(center.page.get_by_role("heading", name="Sign in to Seller Center")).to_be_visible()
    expect(center.page.get_by_label("Access token")).to_be_editable()
    expect(center.page.get_by_role("button", name="Sign in", exact=True)).to_be_enabled()
    expect(center.page.get_by_role("button", name=re.compile(r"^Sign in as "))).to_have_count(2)
    # No identity provider is configured locally: no hosted-login button.
    expect(center.page.get_by_role("button", name="Sign in with your account")).to_have_count(0)
    center.axe(f"sign-in ({screen})")
    if screen == "desktop":
        center.screenshot("seller-center-sign-in")


def test_a_demo_seller_button_signs_in_as_that_seller(center: SellerCenter) -> None:
    center.open()
    center.page.get_by_role("button", name="Sign in as S1").click()
    center.wait_until_loaded()
    expect(center.page.get_by_text("Signed in as seller S1")).to_be_visible()
    center.page.get_by_role("button", name="Sign out").click()
    center.page.get_by_role("button", name="Sign in as S2").click()
    expect(center.page.get_by_text("Signed in as seller S2")).to_be_visible()


def test_a_pasted_seller_token_signs_in_and_survives_a_reload(center: SellerCenter, seller: Seller) -> None:
    center.sign_in(seller.token)
    expect(center.page.get_by_text(f"Signed in as seller {seller.seller_id}")).to_be_visible()
    center.page.reload()
    center.wait_until_loaded()
    center.page.get_by_role("button", name="Sign out").click()
    expect(center.page.get_by_label("Access token")).to_be_visible()


@pytest.mark.parametrize("role", ["buyer", "platform"])
def test_other_roles_tokens_are_refused_with_a_message(center: SellerCenter, tokens: Tokens, role: str) -> None:
    center.open()
    center.page.get_by_label("Access token").fill(tokens.token_for(role))
    center.page.get_by_role("button", name="Sign in", exact=True).click()
    expect(center.page.get_by_role("alert")).to_have_text(
        f"This token is for a {role} account. Seller Center needs a seller token.")
    expect(center.page.get_by_role("heading", name="Manage Orders")).to_have_count(0)


def test_a_token_the_api_does_not_trust_is_refused_with_the_apis_message(center: SellerCenter) -> None:
    forged = minting.mint("seller", "forger", seller_id="S1", secret="not-the-secret-0123456789abcdef0123456789")
    center.open()
    center.page.get_by_label("Access token").fill(forged)
    center.page.get_by_role("button", name="Sign in", exact=True).click()
    expect(center.page.get_by_role("alert")).to_contain_text("token")
    expect(center.page.get_by_role("heading", name="Manage Orders")).to_have_count(0)


def test_garbage_and_expired_tokens_are_refused_with_a_message(center: SellerCenter, tokens: Tokens) -> None:
    center.open()
    field = center.page.get_by_label("Access token")
    field.fill("hello")
    center.page.get_by_role("button", name="Sign in", exact=True).click()
    expect(center.page.get_by_role("alert")).to_have_text("That is not an access token. Paste the whole token.")
    field.fill(tokens.seller_token("S1", exp=1_000_000_000))
    center.page.get_by_role("button", name="Sign in", exact=True).click()
    expect(center.page.get_by_role("alert")).to_have_text("Your session has expired. Sign in again.")


def test_a_session_that_expires_on_the_page_goes_back_to_sign_in_with_a_message(center: SellerCenter,
                                                                               seller: Seller) -> None:
    short = minting.mint("seller", f"user-{seller.seller_id}", seller_id=seller.seller_id, ttl_seconds=120)
    center.page.clock.install()
    center.sign_in(short)
    # The page's next 30-second refresh after the token's expiry notices it, without waiting for real time.
    center.page.clock.fast_forward("03:00")
    center.page.clock.run_for(31_000)
    expect(center.page.get_by_role("alert")).to_have_text("Your session has expired. Sign in again.")
    expect(center.page.get_by_label("Access token")).to_be_visible()
    center.axe("sign-in after expiry")
