"""Driving the real app: chalice.test.Client with JSON in and out and a token per call, and the parties' tokens."""

import json
from datetime import UTC, datetime
from typing import Any

from chalice.test import Client

from devtools import tokens

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
LONG_TTL = 10**8  # seconds: a test's tokens outlive any clock move it makes


class Api:
    """chalice.test.Client with JSON in and out and a token per call."""

    def __init__(self, client: Client):
        self.client = client

    def call(self, method: str, path: str, token: str | None = None, body: Any = None,
             headers: dict[str, str] | None = None, raw: bytes | None = None) -> Any:
        all_headers = {"Content-Type": "application/json"}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        all_headers.update(headers or {})
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = self.client.http.request(method, path, headers=all_headers, body=payload)
        text = response.body.decode() if response.body else ""
        response.json = json.loads(text) if text else None  # type: ignore[attr-defined]  # the parsed body rides along
        return response

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> Any:
        return self.call("GET", path, token, **kwargs)

    def post(self, path: str, token: str | None = None, body: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, token, body, **kwargs)


class Tokens:
    """The parties' tokens: the platform's, and any seller's or buyer's by id, its user being `user-<id>`.
    `seller`/`other_seller` and `buyer`/`other_buyer` are those of S1/S2 and B1/B2."""

    def __init__(self) -> None:
        self.platform = tokens.mint("platform", "order-source", ttl_seconds=LONG_TTL)
        self.seller = self.seller_token("S1")
        self.other_seller = self.seller_token("S2")
        self.buyer = self.buyer_token("B1")
        self.other_buyer = self.buyer_token("B2")
        self.operator = self.operator_token("OP1")

    def operator_token(self, operator_id: str = "OP1", sub: str | None = None, **claims: Any) -> str:
        return tokens.mint("operator", sub or f"agent-{operator_id}", operator_id=operator_id, ttl_seconds=LONG_TTL,
                           **claims)

    def seller_token(self, seller_id: str = "S1", sub: str | None = None, **claims: Any) -> str:
        return tokens.mint("seller", sub or f"user-{seller_id}", seller_id=seller_id, ttl_seconds=LONG_TTL, **claims)

    def buyer_token(self, buyer_id: str = "B1", sub: str | None = None, **claims: Any) -> str:
        return tokens.mint("buyer", sub or f"user-{buyer_id}", buyer_id=buyer_id, ttl_seconds=LONG_TTL, **claims)

    def token_for(self, role: str, seller_id: str = "S1", buyer_id: str = "B1") -> str:
        return {"platform": self.platform, "operator": self.operator, "seller": self.seller_token(seller_id),
                "buyer": self.buyer_token(buyer_id)}[role]
