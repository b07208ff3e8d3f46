"""The demo parties' long-lived tokens, and the `export` names the banner prints them under."""

from devtools import demo, tokens

TOKEN_TTL_SECONDS = 30 * 24 * 3600


def demo_tokens() -> dict[str, str]:
    """Long-lived tokens for the demo parties, signed with the stage's dev secret."""
    ttl = TOKEN_TTL_SECONDS
    return {
        "seller": tokens.mint("seller", "demo-seller-user", seller_id=demo.SELLER_ID, ttl_seconds=ttl),
        "buyer": tokens.mint("buyer", "demo-buyer-user", buyer_id=demo.BUYER_ID, ttl_seconds=ttl),
        "platform": tokens.mint("platform", "demo-order-source", ttl_seconds=ttl),
        "other_seller": tokens.mint("seller", "other-seller-user", seller_id=demo.OTHER_SELLER_ID, ttl_seconds=ttl),
        "operator": tokens.mint("operator", "demo-support-agent", operator_id=demo.OPERATOR_ID, ttl_seconds=ttl),
    }


def token_exports(minted: dict[str, str]) -> dict[str, str]:
    return {demo.TOKEN_VARIABLES[role]: token for role, token in minted.items()}
