"""`Shop`: the one way tests drive the desk, each method a call one of the parties makes through the API.

- Actions (`record_order`, `pay`, `request_cancellation`, `approve`, `ship`, ...) and views (`detail`,
  `counts`, `sfcr`, `cancellation`, ...) return the response (`status_code`, `json`, `headers`) and assert
  nothing, so the test states what it expects. `expect=` asserts the status on the spot, for steps whose
  answer is not what the test is about. Keyword fields beyond an action's own go into its body as given (a
  `comment`, or a field the server must refuse). The caller is the order's usual party (platform, seller S1,
  buyer B1) unless `token=` names another.
- Starting points (`order`, `paid`, `pending`, `auto_approved`, `arranged`, `in_transit`, `delivered`) build
  an object in a known state through those same calls, check it got there, and return its ids.

Requests no party's client would make (raw bytes, hand-made headers or query strings, unknown routes) go to
`shop.api` directly.
"""

import itertools
from datetime import timedelta
from typing import Any

from devtools.order_bodies import order_body
from tests.support.api import Api, Tokens

# Placed this long ago and paid half an hour later: well past the hour of grace, so a buyer's request waits
# for the seller, without moving the clock.
PAST_GRACE = timedelta(hours=3)
# Two lines, for partial cancellations: 2 x 75,000 + 1 x 20,000 = 170,000 minor units.
# The first bytes of each type, and a little more: what the attach check reads.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60
WEBP = b"RIFF\x38\x00\x00\x00WEBPVP8 " + b"\x00" * 52
MULTI_ITEMS = [{"sku": "SKU-1", "quantity": 2, "unit_price": 75000},
               {"sku": "SKU-2", "quantity": 1, "unit_price": 20000}]


class Shop:
    """The platform, the sellers and the buyers of one desk, acting through `api`.

    `placed_ago` is when the shop's orders are placed unless a test says otherwise: None for now (a test that
    owns its clock moves it), or a time ago (a clock shared by many tests stays put)."""

    def __init__(self, api: Api, tokens: Tokens | None = None, *, placed_ago: timedelta | None = None) -> None:
        self.api = api
        self.tokens = tokens or Tokens()
        self.placed_ago = placed_ago
        self._ids = itertools.count(1)

    def uid(self, prefix: str = "O") -> str:
        """An id no other object of this shop has."""
        return f"{prefix}{next(self._ids)}"

    # --- who calls -----------------------------------------------------------------------------------------

    @property
    def platform(self) -> str:
        return self.tokens.platform

    def seller_token(self, seller_id: str = "S1", sub: str | None = None, **claims: Any) -> str:
        return self.tokens.seller_token(seller_id, sub, **claims)

    def buyer_token(self, buyer_id: str = "B1", sub: str | None = None, **claims: Any) -> str:
        return self.tokens.buyer_token(buyer_id, sub, **claims)

    def operator_token(self, operator_id: str = "OP1", sub: str | None = None, **claims: Any) -> str:
        return self.tokens.operator_token(operator_id, sub, **claims)

    def token_for(self, role: str, seller_id: str = "S1", buyer_id: str = "B1") -> str:
        return self.tokens.token_for(role, seller_id, buyer_id)

    def _send(self, method: str, path: str, token: str, body: dict[str, Any] | None,
              headers: dict[str, str] | None, expect: int | None) -> Any:
        response = self.api.call(method, path, token, body=body, headers=headers)
        if expect is not None:
            assert response.status_code == expect, (method, path, body, response.status_code, response.json)
        return response

    # --- the platform ----------------------------------------------------------------------------------------

    def record_order(self, body: dict[str, Any], *, token: str | None = None, headers: dict[str, str] | None = None,
                     expect: int | None = None) -> Any:
        return self._send("POST", "/platform/orders", token or self.platform, body, headers, expect)

    def pay(self, order_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
            expect: int | None = None) -> Any:
        return self._send("POST", f"/platform/orders/{order_id}/payment", token or self.platform, None, headers,
                          expect)

    def deliver(self, order_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                expect: int | None = None) -> Any:
        return self._send("POST", f"/platform/orders/{order_id}/delivery", token or self.platform, None, headers,
                          expect)

    def report_refund(self, cancel_id: str, refund_reference: str = "PAY-1", *, token: str | None = None,
                      headers: dict[str, str] | None = None, expect: int | None = None, **fields: Any) -> Any:
        return self._send("POST", f"/platform/cancellations/{cancel_id}/refund", token or self.platform,
                          {"refund_reference": refund_reference, **fields}, headers, expect)

    def complete(self, order_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                 expect: int | None = None) -> Any:
        return self._send("POST", f"/platform/orders/{order_id}/completion", token or self.platform, None, headers,
                          expect)

    # --- the buyer -------------------------------------------------------------------------------------------

    def request_cancellation(self, order_id: str, reason: str = "CHANGED_MIND", *, token: str | None = None,
                             headers: dict[str, str] | None = None, expect: int | None = None,
                             **fields: Any) -> Any:
        return self._send("POST", f"/buyer/orders/{order_id}/cancellation-requests", token or self.buyer_token(),
                          {"reason": reason, **fields}, headers, expect)

    def withdraw(self, cancel_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                 expect: int | None = None) -> Any:
        return self._send("POST", f"/buyer/cancellations/{cancel_id}/withdraw", token or self.buyer_token(), None,
                          headers, expect)

    def accept_offer(self, cancel_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                     expect: int | None = None) -> Any:
        return self._send("POST", f"/buyer/cancellations/{cancel_id}/offer/accept", token or self.buyer_token(),
                          None, headers, expect)

    def decline_offer(self, cancel_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                      expect: int | None = None) -> Any:
        return self._send("POST", f"/buyer/cancellations/{cancel_id}/offer/decline", token or self.buyer_token(),
                          None, headers, expect)

    def buyer_order(self, order_id: str, *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("GET", f"/buyer/orders/{order_id}", token or self.buyer_token(), None, None, expect)

    # --- the support desk ---------------------------------------------------------------------------------------

    def operator_order(self, order_id: str, *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("GET", f"/operator/orders/{order_id}", token or self.tokens.operator, None, None, expect)

    def operator_cancel(self, order_id: str, on_behalf_of: str = "seller", reason: str = "OUT_OF_STOCK",
                        ticket: str | None = "T-123", *, token: str | None = None,
                        headers: dict[str, str] | None = None, expect: int | None = None, **fields: Any) -> Any:
        """An operator cancels on the seller's behalf, or asks on the buyer's; `ticket=None` leaves it out."""
        body = {"on_behalf_of": on_behalf_of, "reason": reason, **fields}
        if ticket is not None:
            body["ticket"] = ticket
        return self._send("POST", f"/operator/orders/{order_id}/cancel", token or self.tokens.operator, body,
                          headers, expect)

    # --- the seller ------------------------------------------------------------------------------------------

    def approve(self, cancel_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                expect: int | None = None) -> Any:
        return self._send("POST", f"/seller/cancellations/{cancel_id}/approve", token or self.seller_token(), None,
                          headers, expect)

    def reject(self, cancel_id: str, reason: str = "DELIVERY_ON_SCHEDULE", *, token: str | None = None,
               headers: dict[str, str] | None = None, expect: int | None = None, **fields: Any) -> Any:
        return self._send("POST", f"/seller/cancellations/{cancel_id}/reject", token or self.seller_token(),
                          {"reason": reason, **fields}, headers, expect)

    def declare_evidence(self, content_type: str = "image/jpeg", size: int = 1024, *, token: str | None = None,
                         expect: int | None = None, **fields: Any) -> Any:
        return self._send("POST", "/seller/evidence", token or self.seller_token(),
                          {"content_type": content_type, "size": size, **fields}, None, expect)

    def upload(self, declared: dict[str, Any], data: bytes) -> Any:
        """The client's upload: the presigned POST's fields, then the file, as multipart/form-data."""
        import requests

        post = declared["upload"]
        return requests.post(post["url"], data=post["fields"], files={"file": ("photo", data)}, timeout=10)

    def photo(self, content_type: str = "image/jpeg", data: bytes | None = None, *,
              seller_id: str = "S1") -> str:
        """A file uploaded and ready to attach; its id."""
        data = JPEG if data is None else data
        declared = self.declare_evidence(content_type, max(len(data), 1), token=self.seller_token(seller_id),
                                         expect=201).json
        assert self.upload(declared, data).status_code in (200, 201, 204)
        evidence_id: str = declared["evidence_id"]
        return evidence_id

    def open_appeal(self, cancel_id: str, statement: str = "The buyer asked me to cancel", *,
                    token: str | None = None, headers: dict[str, str] | None = None, expect: int | None = None,
                    **fields: Any) -> Any:
        return self._send("POST", f"/seller/cancellations/{cancel_id}/appeal", token or self.seller_token(),
                          {"statement": statement, **fields}, headers, expect)

    def appeals(self, query: str = "", *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("GET", "/seller/appeals" + (f"?{query}" if query else ""), token or self.seller_token(),
                          None, None, expect)

    def appeal(self, appeal_id: str, *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("GET", f"/seller/appeals/{appeal_id}", token or self.seller_token(), None, None, expect)

    def appeal_queue(self, query: str = "", *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("GET", "/operator/appeals" + (f"?{query}" if query else ""),
                          token or self.operator_token(), None, None, expect)

    def decide_appeal(self, appeal_id: str, decision: str = "OVERTURN", note: str = "The chat shows the buyer asked",
                      *, token: str | None = None, headers: dict[str, str] | None = None, expect: int | None = None,
                      **fields: Any) -> Any:
        return self._send("POST", f"/operator/appeals/{appeal_id}/decide", token or self.operator_token(),
                          {"decision": decision, "note": note, **fields}, headers, expect)

    def bulk_approve(self, cancel_ids: list[str], *, token: str | None = None, headers: dict[str, str] | None = None,
                     expect: int | None = None, **fields: Any) -> Any:
        return self._send("POST", "/seller/cancellations/bulk-approve", token or self.seller_token(),
                          {"cancel_ids": cancel_ids, **fields}, headers, expect)

    def bulk_reject(self, cancel_ids: list[str], reason: str = "DELIVERY_ON_SCHEDULE", *, token: str | None = None,
                    headers: dict[str, str] | None = None, expect: int | None = None, **fields: Any) -> Any:
        return self._send("POST", "/seller/cancellations/bulk-reject", token or self.seller_token(),
                          {"cancel_ids": cancel_ids, "reason": reason, **fields}, headers, expect)

    def make_offer(self, cancel_id: str, kind: str = "KEEP_ORDER", message: str = "We pack it today",
                   *, token: str | None = None, headers: dict[str, str] | None = None, expect: int | None = None,
                   **fields: Any) -> Any:
        return self._send("POST", f"/seller/cancellations/{cancel_id}/offer", token or self.seller_token(),
                          {"kind": kind, "message": message, **fields}, headers, expect)

    def acknowledge(self, cancel_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                    expect: int | None = None) -> Any:
        return self._send("POST", f"/seller/cancellations/{cancel_id}/acknowledge", token or self.seller_token(),
                          None, headers, expect)

    def seller_cancel(self, order_id: str, reason: str = "OUT_OF_STOCK", *, token: str | None = None,
                      headers: dict[str, str] | None = None, expect: int | None = None, **fields: Any) -> Any:
        return self._send("POST", f"/seller/orders/{order_id}/cancel", token or self.seller_token(),
                          {"reason": reason, **fields}, headers, expect)

    def cancel_preview(self, order_id: str, reason: str = "OUT_OF_STOCK", *, token: str | None = None,
                       headers: dict[str, str] | None = None, expect: int | None = None, **fields: Any) -> Any:
        return self._send("POST", f"/seller/orders/{order_id}/cancel-preview", token or self.seller_token(),
                          {"reason": reason, **fields}, headers, expect)

    def rules(self, *, token: str | None = None, expect: int | None = None) -> Any:
        """The seller's auto-approve rules and their version."""
        return self._send("GET", "/seller/auto-approve-rules", token or self.seller_token(), None, None, expect)

    def put_rules(self, rules: list[dict[str, Any]], version: int | None = None, *, token: str | None = None,
                  expect: int | None = None) -> Any:
        """Replaces the rules; `version` defaults to the one stored now."""
        if version is None:
            version = int(self.rules(token=token, expect=200).json["version"])
        return self._send("PUT", "/seller/auto-approve-rules", token or self.seller_token(),
                          {"rules": rules, "version": version}, None, expect)

    def arrange(self, order_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                expect: int | None = None) -> Any:
        return self._send("POST", f"/seller/orders/{order_id}/arrange-shipment", token or self.seller_token(), None,
                          headers, expect)

    def ship(self, order_id: str, tracking_number: str = "TRK-1", *, token: str | None = None,
             headers: dict[str, str] | None = None, expect: int | None = None, **fields: Any) -> Any:
        return self._send("POST", f"/seller/orders/{order_id}/ship", token or self.seller_token(),
                          {"tracking_number": tracking_number, **fields}, headers, expect)

    # --- what the seller sees --------------------------------------------------------------------------------

    def detail(self, order_id: str, *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("GET", f"/seller/orders/{order_id}", token or self.seller_token(), None, None, expect)

    def cancellation(self, cancel_id: str, *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("GET", f"/seller/cancellations/{cancel_id}", token or self.seller_token(), None, None,
                          expect)

    def orders(self, query: str = "", *, token: str | None = None, expect: int | None = None) -> Any:
        """The order list: `query` as in `tab=to_ship&limit=5`."""
        return self._send("GET", "/seller/orders" + (f"?{query}" if query else ""), token or self.seller_token(),
                          None, None, expect)

    def cancellations(self, query: str = "", *, token: str | None = None, expect: int | None = None) -> Any:
        """The cancellation list: `query` as in `status=REQUESTED`."""
        return self._send("GET", "/seller/cancellations" + (f"?{query}" if query else ""),
                          token or self.seller_token(), None, None, expect)

    def events(self, query: str = "", *, token: str | None = None, expect: int | None = None) -> Any:
        """The event feed: `query` as in `types=order.paid&limit=5&cursor=...`."""
        return self._send("GET", "/seller/events" + (f"?{query}" if query else ""), token or self.seller_token(),
                          None, None, expect)

    def counts(self, *, token: str | None = None, expect: int | None = None) -> Any:
        """Action Needed: the cancellations waiting for the seller."""
        return self._send("GET", "/seller/action-needed", token or self.seller_token(), None, None, expect)

    def sfcr(self, *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("GET", "/seller/metrics/sfcr", token or self.seller_token(), None, None, expect)

    def reasons(self, *, expect: int | None = None) -> Any:
        """The reason catalogue, open to anyone."""
        response = self.api.get("/cancellation-reasons")
        if expect is not None:
            assert response.status_code == expect, response.json
        return response

    # --- starting points -------------------------------------------------------------------------------------

    def order_body(self, order_id: str | None = None, **fields: Any) -> dict[str, Any]:
        """`order_body` with a fresh id unless given, placed when the shop places its orders unless told."""
        fields.setdefault("placed_ago", self.placed_ago)
        return order_body(order_id or self.uid(), **fields)

    def order(self, order_id: str | None = None, **fields: Any) -> str:
        """A recorded order (any `order_body` field may be given); its id."""
        return str(self.record_order(self.order_body(order_id, **fields), expect=201).json["order_id"])

    def paid(self, order_id: str | None = None, **fields: Any) -> str:
        """An order paid long enough ago that a buyer's request waits for the seller; its id."""
        fields.setdefault("placed_ago", PAST_GRACE)
        return self.order(order_id, **fields)

    def pending(self, order_id: str | None = None, **fields: Any) -> tuple[str, str]:
        """A paid order whose buyer asked to cancel, the request waiting for the seller; the order's and the
        request's ids."""
        order_id = self.paid(order_id, **fields)
        return order_id, self._asked(order_id, fields.get("buyer_id", "B1"), "REQUESTED")

    def offered(self, order_id: str | None = None, kind: str = "KEEP_ORDER", **fields: Any) -> tuple[str, str]:
        """A pending request on which the seller made an offer (`kind`; PARTIAL_REFUND offers 1,000), open: the
        order's and the request's ids."""
        order_id, cancel_id = self.pending(order_id, **fields)
        terms: dict[str, Any] = {"amount": 1000} if kind == "PARTIAL_REFUND" else {}
        offered = self.make_offer(cancel_id, kind, token=self.seller_token(fields.get("seller_id", "S1")),
                                  expect=200, **terms).json
        assert offered["offer"]["status"] == "OPEN" and offered["respond_by"] is None, offered
        return order_id, cancel_id

    def auto_approved(self, order_id: str | None = None, **fields: Any) -> tuple[str, str]:
        """An unpaid order whose buyer asked to cancel: approved at once, not yet acknowledged by the seller;
        the order's and the cancellation's ids."""
        order_id = self.order(order_id, status="UNPAID", **fields)
        return order_id, self._asked(order_id, fields.get("buyer_id", "B1"), "AUTO_APPROVED")

    def refund_pending(self, order_id: str | None = None, **fields: Any) -> tuple[str, str]:
        """A paid two-line order (SKU-1 x 2 at 75,000, SKU-2 x 1 at 20,000) whose seller cancelled one SKU-1 out of
        stock: the order goes on, the refund of 75,000 waits for the payment system; the order's and the
        cancellation's ids."""
        fields.setdefault("items", MULTI_ITEMS)
        order_id = self.paid(order_id, **fields)
        created = self.seller_cancel(order_id, token=self.seller_token(fields.get("seller_id", "S1")),
                                     line_items=[{"sku": "SKU-1", "quantity": 1}], expect=201).json
        assert created["refund_status"] == "PENDING" and not created["whole_order"], created
        return order_id, str(created["cancel_id"])

    def seller_fault(self, order_id: str | None = None, **fields: Any) -> tuple[str, str]:
        """A paid order its seller cancelled out of stock: seller-fault, counting toward the SFCR; the order's and
        the cancellation's ids."""
        order_id = self.paid(order_id, **fields)
        created = self.seller_cancel(order_id, token=self.seller_token(fields.get("seller_id", "S1")), expect=201).json
        assert created["fault"] == "SELLER" and created["counts_toward_sfcr"], created
        return order_id, str(created["cancel_id"])

    def appealed(self, order_id: str | None = None, **fields: Any) -> tuple[str, str, str]:
        """A seller-fault cancellation its seller appealed, the appeal open; the order's, the cancellation's and the
        appeal's ids."""
        order_id, cancel_id = self.seller_fault(order_id, **fields)
        appeal = self.open_appeal(cancel_id, token=self.seller_token(fields.get("seller_id", "S1")), expect=201).json
        return order_id, cancel_id, str(appeal["appeal_id"])

    def arranged(self, order_id: str | None = None, **fields: Any) -> str:
        """A paid order whose seller arranged shipment (AWAITING_COLLECTION); its id."""
        order_id = self.paid(order_id, **fields)
        self.arrange(order_id, token=self.seller_token(fields.get("seller_id", "S1")), expect=200)
        return order_id

    def in_transit(self, order_id: str | None = None, **fields: Any) -> str:
        """A paid order its seller shipped with tracking number TRK-1; its id."""
        order_id = self.paid(order_id, **fields)
        self.ship(order_id, token=self.seller_token(fields.get("seller_id", "S1")), expect=200)
        return order_id

    def delivered(self, order_id: str | None = None, **fields: Any) -> str:
        """A shipped order the platform reported delivered; its id."""
        order_id = self.in_transit(order_id, **fields)
        self.deliver(order_id, expect=200)
        return order_id

    def _asked(self, order_id: str, buyer_id: str, status: str) -> str:
        created = self.request_cancellation(order_id, token=self.buyer_token(buyer_id), expect=201).json
        assert created["status"] == status, created
        return str(created["cancel_id"])

    # --- the seller's webhooks ---------------------------------------------------------------------------------

    def create_webhook(self, url: str, event_types: list[str] | None = None, *, token: str | None = None,
                       headers: dict[str, str] | None = None, expect: int | None = None, **fields: Any) -> Any:
        body = {"url": url, "event_types": event_types or ["*"], **fields}
        return self._send("POST", "/seller/webhooks", token or self.seller_token(), body, headers, expect)

    def webhooks(self, query: str = "", *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("GET", "/seller/webhooks" + (f"?{query}" if query else ""), token or self.seller_token(),
                          None, None, expect)

    def webhook(self, webhook_id: str, *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("GET", f"/seller/webhooks/{webhook_id}", token or self.seller_token(), None, None, expect)

    def delete_webhook(self, webhook_id: str, *, token: str | None = None, expect: int | None = None) -> Any:
        return self._send("DELETE", f"/seller/webhooks/{webhook_id}", token or self.seller_token(), None, None,
                          expect)

    def rotate_secret(self, webhook_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                      expect: int | None = None) -> Any:
        return self._send("POST", f"/seller/webhooks/{webhook_id}/rotate-secret", token or self.seller_token(),
                          None, headers, expect)

    def test_webhook(self, webhook_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                     expect: int | None = None) -> Any:
        return self._send("POST", f"/seller/webhooks/{webhook_id}/test", token or self.seller_token(), None,
                          headers, expect)

    def enable_webhook(self, webhook_id: str, *, token: str | None = None, headers: dict[str, str] | None = None,
                       expect: int | None = None) -> Any:
        return self._send("POST", f"/seller/webhooks/{webhook_id}/enable", token or self.seller_token(), None,
                          headers, expect)

    def deliveries(self, webhook_id: str, query: str = "", *, token: str | None = None,
                   expect: int | None = None) -> Any:
        return self._send("GET", f"/seller/webhooks/{webhook_id}/deliveries" + (f"?{query}" if query else ""),
                          token or self.seller_token(), None, None, expect)

    def retry_delivery(self, webhook_id: str, delivery_id: str, *, token: str | None = None,
                       headers: dict[str, str] | None = None, expect: int | None = None) -> Any:
        return self._send("POST", f"/seller/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
                          token or self.seller_token(), None, headers, expect)

    def run_webhooks(self) -> int:
        """The webhook functions, as Lambda runs them, until their queues hold nothing visible: fan-out, then
        the delivery lane, then the retry lane; how many messages they took."""
        from app import app
        from devtools.webhook_pump import pumps

        return sum(pump.drain() for pump in pumps(app))

    def hook(self, url: str, event_types: list[str] | None = None, seller_id: str = "S1") -> tuple[str, str]:
        """A registered webhook of `seller_id`: its id and secret."""
        created = self.create_webhook(url, event_types, token=self.seller_token(seller_id), expect=201).json
        return str(created["webhook_id"]), str(created["secret"])
