"""The Seller Center page's local-only sign-in: one button per demo seller, made possible by the runner.

The runner answers `GET /app/demo-sellers.json` itself, before the app sees the request, with the demo sellers'
long-lived tokens. The app never serves this file (its asset route answers 404), so no build or deployment of
it can hand out a token; the page asks for it only when no identity provider is configured.
"""

import json

from devtools import demo

DEMO_SELLERS_PATH = "/app/demo-sellers.json"
HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def demo_sellers(tokens: dict[str, str]) -> bytes:
    """The page's "Sign in as S1" / "Sign in as S2" buttons, from the runner's minted tokens."""
    sellers = [{"seller_id": demo.SELLER_ID, "token": tokens["seller"]},
               {"seller_id": demo.OTHER_SELLER_ID, "token": tokens["other_seller"]}]
    return json.dumps({"sellers": sellers}).encode()


def is_demo_sellers(path: str) -> bool:
    return path.split("?", 1)[0] == DEMO_SELLERS_PATH
