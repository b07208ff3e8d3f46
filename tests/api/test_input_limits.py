"""Input limits (OWASP API4, unrestricted resource consumption): bounded bodies, comments, ids, item counts and
quantities, exact enums, no numbers as strings, bounded Idempotency-Key; each refused with a 400/413 that changes
nothing, and each limit's edge accepted."""

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import msgspec.inspect as mi
import pytest

from app import app  # noqa: F401  # registers every route in REGISTRY
from chalicelib.api import parsing
from chalicelib.api.routing import REGISTRY
from tests.support.desk import Desk, assert_error


def fullwidth(text: str) -> str:
    """The look-alike in Unicode's fullwidth forms (a classic filter bypass)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def padded(body: dict, size: int) -> bytes:
    """`body` as JSON padded with insignificant whitespace to exactly `size` bytes."""
    raw = json.dumps(body).encode()
    return raw[:-1] + b" " * (size - len(raw)) + b"}"


# --- body size -------------------------------------------------------------------------------------------------


def test_a_body_of_exactly_16_kib_is_accepted(desk: Desk):
    raw = padded({"reason": "OUT_OF_STOCK"}, parsing.MAX_BODY_BYTES)
    assert len(raw) == 16 * 1024
    response = desk.api.post(f"/seller/orders/{desk.order()}/cancel", desk.seller_token("S1"), raw=raw)
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("size", [16 * 1024 + 1, 64 * 1024, 1024 * 1024])
@pytest.mark.parametrize("route", ["cancel", "approve"])
def test_a_body_over_16_kib_is_413_and_changes_nothing(desk: Desk, size: int, route: str):
    if route == "cancel":
        path = f"/seller/orders/{desk.order()}/cancel"
    else:  # a route that takes no body at all is bounded too
        path = f"/seller/cancellations/{desk.pending()[1]}/approve"
    before = desk.stored(desk.order_of(path))
    with desk.writes() as writes:
        response = desk.api.post(path, desk.seller_token("S1"), raw=padded({"reason": "OUT_OF_STOCK"}, size))
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert (writes, desk.stored(desk.order_of(path))) == ([], before)


def test_the_size_limit_comes_before_the_media_type(desk: Desk):
    response = desk.api.post(f"/seller/orders/{desk.order()}/cancel", desk.seller_token("S1"),
                             raw=b"x" * (16 * 1024 + 1), headers={"Content-Type": "text/plain"})
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


# --- comments --------------------------------------------------------------------------------------------------


def _comment_routes(desk: Desk) -> dict[str, Callable[[str], Any]]:
    """route -> the call sending a comment, otherwise ready to succeed."""
    order_id = desk.order()
    _, cancel_id = desk.pending()
    to_cancel = desk.order()
    return {
        "buyer request": lambda comment: desk.request_cancellation(order_id, "OTHER", comment=comment),
        "reject": lambda comment: desk.reject(cancel_id, "INVALID_REASON", comment=comment),
        "seller cancel": lambda comment: desk.seller_cancel(to_cancel, "WRONG_PRICE", comment=comment),
    }


@pytest.mark.parametrize("route", ["buyer request", "reject", "seller cancel"])
def test_comment_of_500_characters_is_accepted_and_501_refused(desk: Desk, route: str):
    send = _comment_routes(desk)[route]
    error = assert_error(send("x" * 501), 400, "INVALID_FIELD")
    assert error["details"]["path"] == "$.comment"
    # Characters, not bytes: 500 four-byte characters (2000 bytes) are within the limit.
    accepted = send("\U0001f4e6" * 500)
    assert accepted.status_code in (200, 201), accepted.json
    stored = accepted.json.get("reject_comment") or accepted.json["comment"]
    assert stored == "\U0001f4e6" * 500


def test_a_comment_of_501_multibyte_characters_is_refused(desk: Desk):
    assert_error(_comment_routes(desk)["seller cancel"]("é" * 501), 400, "INVALID_FIELD")


# --- ids -------------------------------------------------------------------------------------------------------

UNSAFE_IDS = ["", "O 1", "O#1", "O/1", "O.1", "O~1", "O1\n", "O1\r\n", "\nO1", "O1\x00", fullwidth("O1"), "Ö1",
              "O1;DROP", "O'1", '"O1"', "O%1", "O\\1", "S1#to_ship"]


@pytest.mark.parametrize("field", ["order_id", "seller_id", "buyer_id"])
def test_body_ids_of_64_safe_characters_are_accepted_and_65_refused(desk: Desk, field: str):
    ok_id = desk.uid("L").ljust(64, "x")
    assert len(ok_id) == 64
    assert desk.record_order(desk.order_body(**{field: ok_id})).status_code == 201
    long_id = desk.uid("L").ljust(65, "x")
    error = assert_error(desk.record_order(desk.order_body(**{field: long_id})), 400, "INVALID_FIELD")
    assert error["details"]["path"] == f"$.{field}"


@pytest.mark.parametrize("value", UNSAFE_IDS, ids=repr)
@pytest.mark.parametrize("field", ["order_id", "seller_id", "buyer_id", "sku"])
def test_body_ids_outside_the_safe_alphabet_are_refused(desk: Desk, field: str, value: str):
    body = desk.order_body()
    if field == "sku":
        body["items"][0]["sku"] = value
    else:
        body[field] = value
    with desk.writes() as writes:
        error = assert_error(desk.record_order(body), 400, "INVALID_FIELD")
    assert error["details"]["path"] == ("$.items[0].sku" if field == "sku" else f"$.{field}")
    assert writes == []


@pytest.mark.parametrize("value", [*UNSAFE_IDS, "T" * 65], ids=repr)
def test_tracking_numbers_follow_the_id_rules(desk: Desk, value: str):
    order_id = desk.order()
    assert_error(desk.ship(order_id, value), 400, "INVALID_FIELD")
    assert desk.ship(order_id, "T" * 64).status_code == 200


@pytest.mark.parametrize("segment", ["O%201", "O%2F1", "O%231", "O%00", "%C3%961", "O.1", "O~1", "O%0A",
                                     "O%27%20OR%201%3D1", pytest.param("O" * 65, id="65-chars")])
@pytest.mark.parametrize("template", ["/seller/orders/{}", "/buyer/orders/{}", "/seller/cancellations/{}",
                                      "/seller/orders/{}/ship", "/platform/orders/{}/payment"])
def test_path_ids_outside_the_safe_alphabet_or_over_64_are_400(desk: Desk, template: str, segment: str):
    role = template.split("/")[1]
    method = "POST" if template.count("/") == 4 else "GET"
    body = {"tracking_number": "T1"} if template.endswith("/ship") else None
    response = desk.api.call(method, template.format(segment), desk.token_for(role), body=body)
    error = assert_error(response, 400, "INVALID_ID")
    assert error["details"]["parameter"] in {"order_id", "cancel_id"}


def test_a_path_id_of_64_characters_is_looked_up(desk: Desk):
    assert_error(desk.detail("O" * 64), 404, "ORDER_NOT_FOUND")


# --- items and amounts -----------------------------------------------------------------------------------------


def _items(count: int, **item) -> list[dict]:
    return [{"sku": f"SKU-{n}", "quantity": 1, "unit_price": 1000, **item} for n in range(count)]


@pytest.mark.parametrize(("items", "accepted"), [
    (_items(1), True), (_items(100), True), (_items(0), False), (_items(101), False),
    (_items(1, quantity=10_000), True), (_items(1, quantity=10_001), False), (_items(1, quantity=0), False),
    (_items(1, quantity=-1), False), (_items(1, quantity=2**64), False), (_items(1, quantity=10**30), False),
    (_items(1, unit_price=0), True), (_items(1, unit_price=10**15), True), (_items(1, unit_price=10**15 + 1), False),
    (_items(1, unit_price=-1), False),
], ids=["1-item", "100-items", "0-items", "101-items", "qty-10000", "qty-10001", "qty-0", "qty-negative",
        "qty-2^64", "qty-10^30", "price-0", "price-10^15", "price-over-10^15", "price-negative"])
def test_item_counts_quantities_and_prices_are_bounded(desk: Desk, items: list, accepted: bool):
    response = desk.record_order(desk.order_body(items=items))
    if accepted:
        assert response.status_code == 201, response.json
        assert response.json["total"]["amount"] == sum(i["quantity"] * i["unit_price"] for i in items)
    else:
        assert_error(response, 400, "INVALID_FIELD")


@pytest.mark.parametrize("currency", ["idr", "ID", "IDRX", "IDR\n", "I1R", "", fullwidth("IDR")], ids=repr)
def test_currency_is_three_capital_letters(desk: Desk, currency: str):
    response = desk.record_order(desk.order_body(currency=currency))
    error = assert_error(response, 400, "INVALID_FIELD")
    assert error["details"]["path"] == "$.currency"


def _currency_patterns(info: mi.Type, path: str) -> Iterator[tuple[str, str | None]]:
    """(path, pattern) of every `currency` field anywhere in a body type."""
    if isinstance(info, mi.StructType):
        for field in info.fields:
            if field.encode_name == "currency":
                inner = field.type.type if isinstance(field.type, mi.Metadata) else field.type
                yield f"{path}.currency", inner.pattern if isinstance(inner, mi.StrType) else None
            yield from _currency_patterns(field.type, f"{path}.{field.encode_name}")
    elif isinstance(info, mi.UnionType):
        for member in info.types:
            yield from _currency_patterns(member, path)
    elif isinstance(info, (mi.ListType, mi.TupleType, mi.VarTupleType, mi.SetType, mi.FrozenSetType)):
        yield from _currency_patterns(info.item_type, path + "[]")
    elif isinstance(info, mi.Metadata):
        yield from _currency_patterns(info.type, path)


def test_every_money_field_of_every_route_refuses_a_trailing_newline():
    """One Currency type: `$` alone matches before a final newline, so "USD\n" once passed one route's money."""
    found = {(spec.method, spec.path, path, pattern)
             for spec in REGISTRY if spec.body is not None
             for path, pattern in _currency_patterns(mi.type_info(spec.body), "$")}
    assert {(method, path, at) for method, path, at, _ in found} >= {
        ("POST", "/platform/orders", "$.currency"),
        ("PUT", "/seller/auto-approve-rules", "$.rules[].max_refund.currency"),
    }
    for method, path, at, pattern in found:
        assert pattern is not None and re.search(pattern, "USD"), (method, path, at)
        assert not re.search(pattern, "USD\n"), (method, path, at)


@pytest.mark.parametrize(("field", "value"), [
    ("quantity", "2"), ("unit_price", "75000"), ("quantity", 2.0), ("quantity", 2.5), ("quantity", True),
    ("unit_price", None), ("quantity", [2]),
], ids=repr)
def test_numbers_must_be_json_integers(desk: Desk, field: str, value):
    body = desk.order_body()
    body["items"][0][field] = value
    error = assert_error(desk.record_order(body), 400, "INVALID_FIELD")
    assert error["details"]["path"] == f"$.items[0].{field}"


# --- times -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-11-23", "2026-11-23T08:00:00", "yesterday", "2026-13-01T00:00:00Z",
                                   "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                   "2026-11-23T08:00:00.000000000000000000000000000Z", "", "2026-11-24T09:00:00Z"])
def test_unreadable_or_future_times_are_400(desk: Desk, value: str):
    error = assert_error(desk.record_order(desk.order_body(placed_at=value)), 400)
    assert error["code"] == "INVALID_FIELD" and error["details"]["path"] == "$.placed_at"


def test_an_old_order_is_stored_so_that_it_reads_back(desk: Desk):
    """A year before 1000 once stored as '1-01-01T...' and broke every page of the seller's order list."""
    shop = desk.uid("SHOP")
    body = desk.order_body(seller_id=shop, status="UNPAID", placed_at="0001-01-01T00:00:00Z")
    recorded = desk.record_order(body)
    assert recorded.status_code == 201 and recorded.json["placed_at"] == "0001-01-01T00:00:00Z"
    seller = desk.seller_token(shop)
    assert desk.detail(body["order_id"], token=seller).json["placed_at"] == "0001-01-01T00:00:00Z"
    assert [o["order_id"] for o in desk.orders(token=seller).json["items"]] == [body["order_id"]]


# --- enums -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["out_of_stock", "Out_Of_Stock", " OUT_OF_STOCK", "OUT_OF_STOCK ", "OUT-OF-STOCK",
                                    "OUT_OF_STOCK\n", fullwidth("OUT_OF_STOCK"), ""], ids=repr)
def test_enum_values_are_exact_and_case_sensitive(desk: Desk, reason: str):
    order_id = desk.order()
    assert_error(desk.seller_cancel(order_id, reason), 400, "UNKNOWN_ENUM_VALUE")
    assert desk.seller_cancel(order_id, "OUT_OF_STOCK").status_code == 201


@pytest.mark.parametrize("status", ["unpaid", "Unpaid", "AWAITING_SHIPMENT ", "PAID"], ids=repr)
def test_order_status_on_record_is_exact(desk: Desk, status: str):
    assert_error(desk.record_order({**desk.order_body(), "status": status}), 400, "UNKNOWN_ENUM_VALUE")


@pytest.mark.parametrize("query", ["tab=ALL", "tab=To_Ship", "tab=to_ship%20", "status=requested",
                                   "status=Requested", "filter=CANCELLATION"])
def test_query_enums_are_exact(desk: Desk, query: str):
    path = "/seller/cancellations" if query.startswith("status") else "/seller/orders"
    assert_error(desk.api.get(f"{path}?{query}", desk.seller_token("S1")), 400, "UNKNOWN_ENUM_VALUE")


# --- unknown fields, query parameters and header sizes ---------------------------------------------------------


@pytest.mark.parametrize("body", [
    {"reason": "OUT_OF_STOCK", "Reason": "WRONG_PRICE"},
    {"reason": "OUT_OF_STOCK", "": 1},
    {"reason": "OUT_OF_STOCK", "__proto__": {"admin": True}},
    {"reason": "OUT_OF_STOCK", "extra": None},
], ids=repr)
def test_unknown_fields_are_refused_even_when_harmless(desk: Desk, body: dict):
    assert_error(desk.seller_cancel(desk.order(), **body), 400, "UNKNOWN_FIELD")


def test_a_cursor_over_2048_characters_is_refused(desk: Desk):
    assert_error(desk.api.get(f"/seller/orders?cursor={'A' * 2049}", desk.seller_token("S1")), 400,
                 "INVALID_CURSOR")


@pytest.mark.parametrize(("key", "accepted"), [
    ("k" * 255, True), ("k" * 256, False), ("", False), ("tab\tinside", False), ("bell\x07", False),
    ("del\x7f", False), ("ключ-идемпотентности", True), ("00000000-0000-4000-8000-000000000000", True),
], ids=["255", "256", "empty", "tab", "bell", "del", "cyrillic", "uuid"])
def test_idempotency_key_is_1_to_255_printable_characters(desk: Desk, key: str, accepted: bool):
    order_id = desk.order()
    with desk.writes() as writes:
        response = desk.arrange(order_id, headers={"Idempotency-Key": key})
    if accepted:
        assert response.status_code == 200, response.json
    else:
        assert_error(response, 400, "INVALID_IDEMPOTENCY_KEY")
        assert writes == []
