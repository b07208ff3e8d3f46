"""Nobody gets in: every route with a role refuses bad tokens (401), other roles (403) and other parties' objects
(404, nothing changed); bodies cannot set what the server decides; identity comes from the token alone; and no
route in Chalice's routing table escapes the authorizer and the fail-closed gate."""

import json
import warnings
from collections.abc import Callable
from datetime import timedelta

import jwt
import pytest
from chalice import Chalice

from chalicelib import config
from chalicelib.api import docs_page, routing, seller_center
from chalicelib.api.auth import jwt_authorizer
from chalicelib.api.routing import REGISTRY, RouteSpec
from chalicelib.domain.clock import utc_now
from devtools import tokens
from tests.support.desk import (
    CHANGE_ROUTES,
    POST_ROUTES,
    ROLE_ROUTES,
    SPECS,
    VIEWER_ROUTES,
    Desk,
    Prepared,
    assert_error,
    b64url,
    expected_writes,
    header,
    unb64url,
)

OPEN = {("GET", "/health"), ("GET", "/openapi.json"), ("GET", "/cancellation-reasons")}
ROLES = ("platform", "seller", "buyer", "operator")
# Roles that see every order: another party's object is not theirs to be refused.
SEE_EVERY_ORDER = ("platform", "operator")
# Fields the server decides; a body that names one is refused whole.
SERVER_FIELDS = ("status", "seller_id", "buyer_id", "fault", "respond_by", "initiator", "counts_toward_sfcr",
                 "auto_approve_cause", "resolved_by", "resolved_at", "acknowledged_at", "cancel_id", "order_id",
                 "version", "requested_at", "paid_at", "reject_reason")
# Names a caller might use to claim to be someone else, in a query or a body.
IDENTITY_NAMES = ("seller_id", "buyer_id", "sub", "role", "user_id", "shop_id")
OWNED_ROUTES = [spec for spec in ROLE_ROUTES if "{" in spec.path and spec.role.value not in SEE_EVERY_ORDER]


_prepared: dict[str, Prepared] = {}


def prepared_once(desk: Desk, name: str) -> Prepared:
    """One set of objects per route for the refusal tests: a refused request changes nothing, so they share it
    (each test still proves nothing changed)."""
    if name not in _prepared:
        _prepared[name] = desk.prepare(name)
    return _prepared[name]


def ids(specs: list) -> list[str]:
    return [spec.name for spec in specs]


# --- tokens ------------------------------------------------------------------------------------------------


def _claims(role: str) -> dict:
    return {"seller": {"seller_id": "S1"}, "buyer": {"buyer_id": "B1"},
            "operator": {"operator_id": "OP1"}}.get(role, {})


def _mint(kind: str, /, **overrides) -> str:
    """A token for role `kind` with claims replaced (None drops one); `sub` and `role` are mint's own arguments."""
    claims = {**_claims(kind), **overrides}
    return tokens.mint(claims.pop("role", kind), claims.pop("sub", f"user-of-{kind}"), **claims)


def _unsigned(role: str, alg: str) -> str:
    """`alg: none`: a well-formed token with no signature at all."""
    now = int(utc_now().timestamp())
    settings = config.auth()
    claims = {"sub": f"user-of-{role}", "role": role, "iss": settings.issuer, "aud": settings.audience,
              "iat": now, "exp": now + 3600, **_claims(role)}
    head = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    return f"{head}.{b64url(json.dumps(claims).encode())}."


def _tampered_signature(role: str) -> str:
    head, payload, signature = _mint(role).split(".")
    raw = bytearray(unb64url(signature))
    raw[0] ^= 0x01  # flip one bit of the MAC (editing the last base64 character may only touch padding bits)
    return f"{head}.{payload}.{b64url(bytes(raw))}"


def _escalated_payload(role: str) -> str:
    """A genuine token whose payload was rewritten to the platform role, signature kept."""
    head, payload, signature = _mint(role).split(".")
    claims = json.loads(unb64url(payload))
    claims.update(role="platform", seller_id="S2", buyer_id="B2")
    return f"{head}.{b64url(json.dumps(claims).encode())}.{signature}"


def _hs512(role: str) -> str:
    settings = config.auth()
    now = int(utc_now().timestamp())
    claims = {"sub": "u", "role": role, "iss": settings.issuer, "aud": settings.audience, "exp": now + 3600,
              **_claims(role)}
    with warnings.catch_warnings():  # the dev secret is short for SHA-512; irrelevant to a refused algorithm
        warnings.simplefilter("ignore")
        return jwt.encode(claims, settings.secret, algorithm="HS512")


def _expired(role: str, seconds_ago: int) -> str:
    now = int(utc_now().timestamp())
    return _mint(role, ttl_seconds=3600, now=now - 3600 - seconds_ago)


# Each case: how to build the Authorization header for a route of `role`, and the codes it may answer.
BAD_TOKENS: dict[str, Callable[[str], str | None]] = {
    "no_token": lambda role: None,
    "empty_bearer": lambda role: "Bearer ",
    "basic_scheme": lambda role: "Basic dXNlcjpwYXNzd29yZA==",
    "garbage": lambda role: "Bearer not-a-jwt",
    "garbage_segments": lambda role: "Bearer aaa.bbb.ccc",
    "token_without_scheme": lambda role: _mint(role),
    "expired_beyond_skew": lambda role: "Bearer " + _expired(role, 61),
    "expired_long_ago": lambda role: "Bearer " + _expired(role, 86400),
    "wrong_issuer": lambda role: "Bearer " + _mint(role, iss="https://issuer.example.invalid"),
    "wrong_audience": lambda role: "Bearer " + _mint(role, aud="another-api"),
    "alg_none": lambda role: "Bearer " + _unsigned(role, "none"),
    "alg_none_uppercase": lambda role: "Bearer " + _unsigned(role, "NONE"),
    "hs512_with_the_right_secret": lambda role: "Bearer " + _hs512(role),
    "tampered_signature": lambda role: "Bearer " + _tampered_signature(role),
    "payload_escalated_to_platform": lambda role: "Bearer " + _escalated_payload(role),
    "wrong_secret": lambda role: "Bearer " + _mint(role, secret="another-secret-of-the-same-length-0123456789"),
    "missing_exp": lambda role: "Bearer " + _mint(role, exp=None),
    "missing_iss": lambda role: "Bearer " + _mint(role, iss=None),
    "missing_aud": lambda role: "Bearer " + _mint(role, aud=None),
    "missing_sub": lambda role: "Bearer " + _mint(role, sub=None),
    "missing_role": lambda role: "Bearer " + _mint(role, role=None),
    "unknown_role": lambda role: "Bearer " + _mint(role, role="admin"),
    "role_in_capitals": lambda role: "Bearer " + _mint(role, role=role.upper()),
    "empty_sub": lambda role: "Bearer " + _mint(role, sub=""),
    "exp_not_a_number": lambda role: "Bearer " + _mint(role, exp="tomorrow"),
    "not_yet_valid": lambda role: "Bearer " + _mint(role, nbf=int(utc_now().timestamp()) + 3600),
    "seller_without_seller_id": lambda role: "Bearer " + tokens.mint("seller", "user-s"),
    "buyer_without_buyer_id": lambda role: "Bearer " + tokens.mint("buyer", "user-b"),
    "seller_id_unsafe": lambda role: "Bearer " + tokens.mint("seller", "user-s", seller_id="S1#to_ship"),
    "seller_id_not_a_string": lambda role: "Bearer " + tokens.mint("seller", "user-s", seller_id=["S1"]),
}


@pytest.mark.parametrize("case", BAD_TOKENS)
@pytest.mark.parametrize("spec", ROLE_ROUTES, ids=ids(ROLE_ROUTES))
def test_bad_token_is_401_and_changes_nothing(desk: Desk, spec, case: str):
    prepared = prepared_once(desk, spec.name)
    authorization = BAD_TOKENS[case](spec.role.value)
    with desk.writes() as writes:
        response = desk.send(prepared, None, headers={"Authorization": authorization} if authorization else None)
    error = assert_error(response, 401)
    assert error["code"] in {"TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED"}
    assert (header(response, "WWW-Authenticate") or "").startswith("Bearer")
    if case.startswith("expired"):
        assert error["code"] == "TOKEN_EXPIRED"
    assert writes == []


@pytest.mark.parametrize("spec", ROLE_ROUTES, ids=ids(ROLE_ROUTES))
def test_token_expired_within_the_clock_skew_is_accepted(desk: Desk, spec):
    """Proves each route's request is valid for its owner, so the refusals above are the token's doing."""
    prepared = desk.prepare(spec.name)
    seller_or_buyer = {"seller_id": prepared.seller} if spec.role.value == "seller" else (
        {"buyer_id": prepared.buyer} if spec.role.value == "buyer" else (
            {"operator_id": "OP1"} if spec.role.value == "operator" else {}))
    now = int(utc_now().timestamp())
    token = tokens.mint(spec.role.value, "user-late", ttl_seconds=3600, now=now - 3600 - 30, **seller_or_buyer)
    with desk.writes() as writes:
        response = desk.send(prepared, token)
    assert response.status_code == spec.status, response.json
    # The write recorder sees a real change, so its silence in the refusal tests means something.
    assert writes == expected_writes(spec)


def test_skew_boundary_is_sixty_seconds(desk: Desk):
    now = int(utc_now().timestamp())
    late = tokens.mint("seller", "user-S1", seller_id="S1", ttl_seconds=3600, now=now - 3600 - 59)
    too_late = tokens.mint("seller", "user-S1", seller_id="S1", ttl_seconds=3600, now=now - 3600 - 61)
    assert desk.counts(token=late).status_code == 200
    assert_error(desk.counts(token=too_late), 401, "TOKEN_EXPIRED")
    desk.clock.shift(timedelta(seconds=-2))  # the same token, seen two seconds earlier, is inside the skew
    try:
        assert desk.counts(token=too_late).status_code == 200
    finally:
        desk.clock.shift(timedelta(seconds=2))


def test_bearer_scheme_is_case_insensitive(desk: Desk):
    token = desk.seller_token("S1")
    for scheme in ("Bearer", "bearer", "BEARER"):
        response = desk.api.get("/seller/action-needed", headers={"Authorization": f"{scheme} {token}"})
        assert response.status_code == 200, (scheme, response.json)


# --- roles ---------------------------------------------------------------------------------------------------


WRONG_ROLES = [pytest.param(spec, role, id=f"{spec.name}-{role}") for spec in ROLE_ROUTES for role in ROLES
               if role != spec.role.value]


@pytest.mark.parametrize(("spec", "role"), WRONG_ROLES)
def test_wrong_role_is_403_and_changes_nothing(desk: Desk, spec, role: str):
    prepared = prepared_once(desk, spec.name)
    with desk.writes() as writes:
        error = assert_error(desk.send(prepared, desk.token_for(role)), 403, "ROLE_NOT_ALLOWED")
    assert error["details"] == {"required_role": spec.role.value}
    assert writes == []


# --- other parties' objects ---------------------------------------------------------------------------------


def _other_party(desk: Desk, prepared: Prepared) -> str:
    return desk.seller_token("S2") if prepared.spec.role.value == "seller" else desk.buyer_token("B2")


@pytest.mark.parametrize("spec", OWNED_ROUTES, ids=ids(OWNED_ROUTES))
def test_another_partys_object_is_404_indistinguishable_from_a_missing_one(desk: Desk, spec):
    prepared = desk.prepare(spec.name)
    order_id = desk.subject_of(prepared)
    before = desk.stored(order_id)
    with desk.writes() as writes:
        foreign = desk.send(prepared, _other_party(desk, prepared))
    error = assert_error(foreign, 404)
    assert error["code"] in {"ORDER_NOT_FOUND", "CANCELLATION_NOT_FOUND", "WEBHOOK_NOT_FOUND", "APPEAL_NOT_FOUND"}
    assert (writes, desk.stored(order_id)) == ([], before)
    assert "S1" not in foreign.body.decode() and "B1" not in foreign.body.decode()

    # The same request on an id that does not exist answers the same, so a 404 reveals nothing.
    position = next(i for i, part in enumerate(spec.path.split("/")) if part.startswith("{"))
    object_id = prepared.path.split("/")[position]
    missing = desk.api.call(spec.method, prepared.path.replace(object_id, "NOPE404"), _other_party(desk, prepared),
                            body=prepared.body)
    missing_error = assert_error(missing, 404)
    assert (missing_error["code"], missing_error["message"].replace("NOPE404", object_id)) == (
        error["code"], error["message"])

    # And the owner can do exactly this: the 404 was about ownership, not about the request.
    assert desk.send(prepared).status_code == spec.status
    if spec in CHANGE_ROUTES:  # the comparison above would have seen a change
        assert desk.stored(order_id) != before


def test_seller_lists_and_counts_hold_only_the_callers_shop(desk: Desk):
    shop, empty = desk.uid("SHOP"), desk.uid("SHOP")
    desk.pending(seller_id=shop, buyer_id="B1")
    desk.auto_approved(seller_id=shop, buyer_id="B1")
    desk.order(seller_id=shop)
    own, other = desk.seller_token(shop), desk.seller_token(empty)
    assert desk.counts(token=own).json["cancellation"]["total"] == 2
    assert desk.counts(token=other).json["cancellation"] == {
        "total": 0, "cancellation_requested": 0, "auto_approved": 0, "due_soon": 0, "awaiting_buyer": 0}
    for path in ("/seller/orders", "/seller/orders?filter=cancellation", "/seller/cancellations",
                 "/seller/cancellations?status=REQUESTED"):
        assert desk.api.get(path, own).json["items"], path
        assert desk.api.get(path, other).json == {"items": [], "next_cursor": None}, path
    assert desk.sfcr(token=own).json["orders"] == 3
    assert desk.sfcr(token=other).json["orders"] == 0


def test_a_buyer_sees_only_its_own_orders(desk: Desk):
    mine = desk.order(buyer_id="B1")
    assert desk.buyer_order(mine, token=desk.buyer_token("B1")).status_code == 200
    assert_error(desk.buyer_order(mine, token=desk.buyer_token("B2")), 404, "ORDER_NOT_FOUND")
    # The seller of the order is not its buyer either.
    assert_error(desk.buyer_order(mine, token=desk.seller_token("S1")), 403, "ROLE_NOT_ALLOWED")


# --- bodies cannot set what the server decides -------------------------------------------------------------


def _mass_assignment_cases() -> list[tuple]:
    cases = []
    for spec in POST_ROUTES:
        known = set(spec.body.__struct_fields__) if spec.body else set()
        cases += [pytest.param(spec, field, id=f"{spec.name}-{field}")
                  for field in dict.fromkeys(SERVER_FIELDS + IDENTITY_NAMES) if field not in known]
    return cases


@pytest.mark.parametrize(("spec", "field"), _mass_assignment_cases())
def test_server_decided_field_in_body_is_refused_never_applied(desk: Desk, spec, field: str):
    prepared = prepared_once(desk, spec.name)
    value = {"version": 99, "counts_toward_sfcr": False, "role": "platform", "sub": "user-S2"}.get(
        field, "S2" if field.endswith("_id") else "APPROVED")
    with desk.writes() as writes:
        error = assert_error(desk.send(prepared, body={**(prepared.body or {}), field: value}), 400,
                             "UNKNOWN_FIELD")
    assert error["details"]["path"] == "$" and field in error["message"]
    assert writes == []


def test_line_items_cannot_smuggle_fields_either(desk: Desk):
    body = desk.order_body()
    body["items"][0]["seller_id"] = "S2"
    error = assert_error(desk.record_order(body), 400, "UNKNOWN_FIELD")
    assert error["details"]["path"] == "$.items[0]"


def test_buyer_request_takes_deadline_and_fault_from_the_rules_not_the_body(desk: Desk):
    order_id = desk.order()
    buyer = desk.buyer_token("B1")
    for extra in ({"respond_by": "2099-01-01T00:00:00Z"}, {"fault": "SELLER"}, {"status": "AUTO_APPROVED"}):
        assert_error(desk.request_cancellation(order_id, "CHANGED_MIND", token=buyer, **extra), 400, "UNKNOWN_FIELD")
    created = desk.request_cancellation(order_id, "CHANGED_MIND", token=buyer).json
    assert (created["status"], created["fault"], created["initiator"]) == ("REQUESTED", "BUYER", "BUYER")
    assert created["respond_by"] == "2026-11-25T09:00:00Z"  # requested_at + 48 h, from the policy


# --- identity from the token only -------------------------------------------------------------------------


def _posing_as(name: str, seller: str, buyer: str, role: str) -> str:
    """A value for identity parameter `name` that names the party (seller, buyer) of `role`."""
    party = buyer if role == "buyer" else seller
    return {"seller_id": seller, "buyer_id": buyer, "sub": f"user-{party}", "user_id": f"user-{party}",
            "shop_id": seller, "role": "platform"}[name]


def _with_query(path: str, name: str, value: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{name}={value}"


_parties: dict[str, tuple[Prepared, tuple[str, str], tuple[str, str]]] = {}


def parties(desk: Desk, spec: RouteSpec, *, fresh: bool) -> tuple[Prepared, tuple[str, str], tuple[str, str]]:
    """The owner's request, the owner (seller, buyer) and a stranger, both new to the desk. A read route's is
    made once (reading changes nothing) and the owner gets a pending request for its lists and counts to leak."""
    if fresh or spec.name not in _parties:
        owner, stranger = (desk.uid("SHOP"), desk.uid("BUYER")), (desk.uid("SHOP"), desk.uid("BUYER"))
        prepared = desk.prepare(spec.name, seller=owner[0], buyer=owner[1])
        if not fresh:
            desk.pending(seller_id=owner[0], buyer_id=owner[1])
        _parties[spec.name] = prepared, owner, stranger
    return _parties[spec.name]


IDENTITY_QUERIES = [pytest.param(spec, name, id=f"{spec.name}-{name}") for spec in ROLE_ROUTES
                    for name in IDENTITY_NAMES]


@pytest.mark.parametrize(("spec", "name"), IDENTITY_QUERIES)
def test_identity_in_the_query_is_refused_or_changes_nothing(desk: Desk, spec: RouteSpec, name: str) -> None:
    """Every gated route, each identity-looking query parameter: a GET refuses one it does not declare (400
    UNKNOWN_PARAMETER) and answers one it declares as if it were absent; a POST acts, or refuses to, exactly
    as the token says. Tried both ways: a stranger naming the owner, the owner naming the stranger."""
    role = spec.role.value
    prepared, owner, stranger = parties(desk, spec, fresh=spec.method == "POST")
    # Operators see every order: their stranger is another operator; the platform has none.
    stranger_token = (desk.token_for(role, *stranger) if role not in SEE_EVERY_ORDER
                      else desk.operator_token("OP2") if role == "operator" else None)
    if spec.method == "GET":
        declared = {param.name for param in spec.query}
        for token, named in ((stranger_token, owner), (prepared.token, stranger)):
            plain = desk.send(prepared, token)
            spoofed = desk.api.get(_with_query(prepared.path, name, _posing_as(name, *named, role)), token)
            if name in declared:
                assert (spoofed.status_code, spoofed.json) == (plain.status_code, plain.json)
            else:
                error = assert_error(spoofed, 400, "UNKNOWN_PARAMETER")
                assert name not in error["details"]["allowed"]
        return

    if spec.method == "PUT":  # the seller's settings: whose they are comes from the token alone
        for token, named, owner_of_rules in ((stranger_token, owner, owner), (prepared.token, stranger, stranger)):
            before = desk.rules(token=desk.seller_token(owner_of_rules[0])).json
            spoofed = desk.api.call("PUT", _with_query(prepared.path, name, _posing_as(name, *named, role)), token,
                                    body=prepared.body)
            assert_error(spoofed, 400, "UNKNOWN_PARAMETER")
            assert desk.rules(token=desk.seller_token(owner_of_rules[0])).json == before
        return

    if spec.tag == "evidence":  # a file is declared for the token's shop: no query parameter is taken
        for token, named in ((stranger_token, owner), (prepared.token, stranger)):
            with desk.writes() as writes:
                spoofed = desk.api.call("POST", _with_query(prepared.path, name, _posing_as(name, *named, role)),
                                        token, body=prepared.body)
            assert_error(spoofed, 400, "UNKNOWN_PARAMETER")
            assert writes == []
        return

    order_id = desk.subject_of(prepared)
    if stranger_token is not None:
        before = desk.stored(order_id)
        with desk.writes() as writes:
            spoofed = desk.api.call(spec.method, _with_query(prepared.path, name, _posing_as(name, *owner, role)),
                                    stranger_token, prepared.body)
        error = assert_error(spoofed, 400 if spoofed.status_code == 400 else 404)
        assert error["code"] in {"UNKNOWN_PARAMETER", "ORDER_NOT_FOUND", "CANCELLATION_NOT_FOUND"}, error
        assert (writes, desk.stored(order_id)) == ([], before)
    acted = desk.api.call(spec.method, _with_query(prepared.path, name, _posing_as(name, *stranger, role)),
                          prepared.token, prepared.body)
    if acted.status_code == 400:
        assert_error(acted, 400, "UNKNOWN_PARAMETER")
        return
    assert acted.status_code == spec.status, acted.json
    stored = desk.stored(order_id)["order"]
    assert (stored["seller_id"]["S"], stored["buyer_id"]["S"]) == owner


def test_identity_headers_and_shared_subjects_do_not_change_the_shop(desk: Desk):
    shop = desk.uid("SHOP")
    desk.pending(seller_id=shop, buyer_id="B1")
    stranger = desk.uid("SHOP")
    spoofing = {"X-Seller-Id": shop, "X-Amz-Seller": shop, "X-Forwarded-User": f"user-{shop}"}
    response = desk.api.get("/seller/orders", desk.seller_token(stranger), headers=spoofing)
    assert response.json == {"items": [], "next_cursor": None}
    # Same subject as the shop's own user, another seller_id claim: the claim decides, not the subject.
    same_sub = desk.seller_token(stranger, sub=f"user-{shop}")
    assert desk.orders(token=same_sub).json["items"] == []
    assert desk.counts(token=same_sub).json["cancellation"]["total"] == 0


def test_a_buyer_token_with_a_seller_id_claim_is_still_only_a_buyer(desk: Desk):
    order_id, cancel_id = desk.pending(seller_id="S1", buyer_id="B1")
    hybrid = tokens.mint("buyer", "user-hybrid", buyer_id="B2", seller_id="S1", ttl_seconds=3600)
    assert_error(desk.detail(order_id, token=hybrid), 403, "ROLE_NOT_ALLOWED")
    assert_error(desk.approve(cancel_id, token=hybrid), 403, "ROLE_NOT_ALLOWED")
    assert_error(desk.buyer_order(order_id, token=hybrid), 404, "ORDER_NOT_FOUND")
    platform_with_ids = tokens.mint("platform", "order-source", seller_id="S1", buyer_id="B1", ttl_seconds=3600)
    assert_error(desk.detail(order_id, token=platform_with_ids), 403, "ROLE_NOT_ALLOWED")


def test_a_seller_cannot_act_for_another_by_naming_it_in_the_body(desk: Desk):
    order_id = desk.order(seller_id="S1")
    before = desk.stored(order_id)
    with desk.writes() as writes:
        response = desk.seller_cancel(order_id, "OUT_OF_STOCK", token=desk.seller_token("S2"), seller_id="S1")
        assert_error(response, 400, "UNKNOWN_FIELD")
        assert_error(desk.seller_cancel(order_id, "OUT_OF_STOCK", token=desk.seller_token("S2")), 404,
                     "ORDER_NOT_FOUND")
    assert (writes, desk.stored(order_id)) == ([], before)


# --- no route escapes the gate ------------------------------------------------------------------------------


def gate_violations(app: Chalice) -> list[str]:
    """Routes in Chalice's table that could answer without the authorizer and the fail-closed gate."""
    declared = {(spec.method, spec.path): spec for spec in REGISTRY}
    problems = []
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            where = f"{method} {path}"
            spec = declared.get((method, path))
            code = entry.view_function.__code__
            gated = code.co_qualname == "endpoint.<locals>.register.<locals>.view" and \
                code.co_filename == routing.__file__
            if (method, path) in OPEN:
                if entry.authorizer is not None or spec is None or spec.role is not None:
                    problems.append(f"{where}: an open route must be declared open, without the authorizer")
                continue
            if (method, path) in VIEWER_ROUTES:
                own = docs_page if path.startswith("/docs") else seller_center
                if entry.authorizer is not None or spec is not None or code.co_filename != own.__file__:
                    problems.append(f"{where}: a viewer route must be {own.__name__.rsplit('.', 1)[-1]}'s own view, "
                                    "open and undeclared")
                continue
            if entry.authorizer is not jwt_authorizer:
                problems.append(f"{where}: lacks the JWT authorizer")
            if spec is None or spec.role is None:
                problems.append(f"{where}: not declared in REGISTRY with a role")
            elif spec.name != entry.view_name:
                problems.append(f"{where}: REGISTRY names {spec.name}, the route runs {entry.view_name}")
            if not gated:
                problems.append(f"{where}: its view is not wrapped by routing.endpoint (no fail-closed gate)")
    return problems


def test_every_route_outside_the_open_list_has_the_authorizer_and_the_gate():
    from app import app

    assert gate_violations(app) == []
    registered = {(method, path) for path, methods in app.routes.items() for method in methods}
    assert {(spec.method, spec.path) for spec in REGISTRY} == registered - VIEWER_ROUTES
    assert registered >= OPEN | VIEWER_ROUTES
    assert {spec.name for spec in ROLE_ROUTES} == set(SPECS) - {"health", "openapi_document",
                                                                "cancellation_reasons"}


def test_the_route_walk_catches_a_route_that_escapes():
    """The walk itself can fail: a route added around `endpoint` is reported, with or without the authorizer."""
    rogue = Chalice(app_name="rogue")

    @rogue.route("/seller/backdoor", authorizer=jwt_authorizer)
    def backdoor():  # pragma: no cover - never called
        return {}

    @rogue.route("/seller/open-door")
    def open_door():  # pragma: no cover - never called
        return {}

    @rogue.route("/health")
    def health():  # pragma: no cover - never called
        return {}

    @rogue.route("/docs/{asset}")
    def not_the_viewer(asset):  # pragma: no cover - never called
        return {}

    @rogue.route("/docs/{asset}/more")
    def beside_the_viewer(asset):  # pragma: no cover - never called
        return {}

    problems = gate_violations(rogue)
    assert any(p.startswith("GET /seller/backdoor: its view is not wrapped") for p in problems)
    assert any(p.startswith("GET /seller/backdoor: not declared") for p in problems)
    assert any(p.startswith("GET /seller/open-door: lacks the JWT authorizer") for p in problems)
    assert any(p.startswith("GET /docs/{asset}: a viewer route must be docs_page's own view") for p in problems)
    assert any(p.startswith("GET /docs/{asset}/more: lacks the JWT authorizer") for p in problems)
    assert not any(p.startswith("GET /health") for p in problems), problems


def test_every_gated_route_in_chalices_table_refuses_anonymous_and_garbage(desk: Desk):
    """Driven by app.routes, not by REGISTRY: a route registered some other way is exercised too."""
    from app import app

    checked = 0
    for path, methods in app.routes.items():
        for method in methods:
            if (method, path) in OPEN:
                assert desk.api.call(method, path).status_code == 200
                continue
            if (method, path) in VIEWER_ROUTES:  # HTML and files, not JSON: straight through the client
                concrete = path.replace("{asset}", seller_center.CONFIG if path.startswith("/app")
                                        else next(iter(docs_page.ASSETS)))
                assert desk.api.client.http.request(method, concrete).status_code == 200
                continue
            concrete = path.replace("{order_id}", "O404").replace("{cancel_id}", "C404")
            assert_error(desk.api.call(method, concrete), 401, "TOKEN_MISSING")
            assert_error(desk.api.call(method, concrete, headers={"Authorization": "Bearer x.y.z"}), 401,
                         "TOKEN_INVALID")
            checked += 1
    assert checked == len(ROLE_ROUTES)
