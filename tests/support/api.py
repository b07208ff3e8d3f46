"""Driving the real app: chalice.test.Client with JSON in and out and a token per call, and the parties' tokens."""

import json
from datetime import UTC, datetime
from typing import Any

from chalice.test import Client

from devtools import tokens

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


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
        response.json = json.loads(text) if text else None
        return response

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> Any:
        return self.call("GET", path, token, **kwargs)

    def post(self, path: str, token: str | None = None, body: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, token, body, **kwargs)


class Tokens:
    def __init__(self) -> None:
        self.platform = tokens.mint("platform", "order-source", ttl_seconds=10**8)
        self.seller = tokens.mint("seller", "seller-user-1", seller_id="S1", ttl_seconds=10**8)
        self.other_seller = tokens.mint("seller", "seller-user-2", seller_id="S2", ttl_seconds=10**8)
        self.buyer = tokens.mint("buyer", "buyer-user-1", buyer_id="B1", ttl_seconds=10**8)
        self.other_buyer = tokens.mint("buyer", "buyer-user-2", buyer_id="B2", ttl_seconds=10**8)
