"""Support for the hostile-input suites: security, error contract, input limits, pagination, idempotency, OpenAPI.

Each of those modules opens one `Desk`, a `tests.support.shop.Shop` over a moto DynamoDB, the tables and the
real app behind chalice.test.Client, with the clock frozen at `START`. It is shared by a module's tests; each
test makes objects with ids of its own, so the tests stay independent of each other and of their order.

Every answer that passes through `Desk.api` is checked against `/openapi.json` on its way back: the status must
be one the document lists for that route and method, and the body must match the schema listed for it.
"""

import base64
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import time_machine
from botocore.awsrequest import AWSResponse
from chalice.test import Client
from jsonschema import Draft202012Validator
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse

from app import app as APP  # imported first: it registers every route into REGISTRY
from chalicelib import config
from chalicelib.api.openapi import document
from chalicelib.api.routing import REGISTRY, RouteSpec
from chalicelib.webhooks import queues
from devtools.webhook_receiver import Receiver
from tests.support.api import START, Api, Tokens
from tests.support.fresh_aws import AWS
from tests.support.paths import ROOT
from tests.support.shop import PAST_GRACE, Shop

ERROR_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
SPECS: dict[str, RouteSpec] = {spec.name: spec for spec in REGISTRY}
ROLE_ROUTES: list[RouteSpec] = [spec for spec in REGISTRY if spec.role is not None]
POST_ROUTES: list[RouteSpec] = [spec for spec in ROLE_ROUTES if spec.method == "POST"]
# The only open routes outside REGISTRY and /openapi.json: the API viewer's page and files, and the Seller Center
# page's, which are HTML, CSS and JS rather than operations of the API (chalicelib/api/docs_page.py,
# chalicelib/api/seller_center.py).
DOCS_ROUTES = frozenset({("GET", "/docs"), ("GET", "/docs/{asset}")})
PAGE_ROUTES = frozenset({("GET", "/app"), ("GET", "/app/{asset}")})
VIEWER_ROUTES = DOCS_ROUTES | PAGE_ROUTES
# POSTs that only answer (the cancel preview takes the cancel's body and changes nothing).
READ_ONLY_POSTS = frozenset({"cancel_preview"})
CHANGE_ROUTES: list[RouteSpec] = [spec for spec in POST_ROUTES if spec.name not in READ_ONLY_POSTS]
WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


def header(response: Any, name: str) -> str | None:
    return next((value for key, value in response.headers.items() if key.lower() == name.lower()), None)


def assert_error(response: Any, status: int, code: str | None = None) -> dict:
    """The contract's error shape, exactly: `{"error": {"code": UPPER_SNAKE, "message": str, "details"?: obj}}`."""
    assert response.status_code == status, (response.status_code, response.json)
    assert (header(response, "Content-Type") or "").startswith("application/json")
    body = response.json
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert {"code", "message"} <= set(error) <= {"code", "message", "details"}, error
    assert isinstance(error["code"], str) and ERROR_CODE.fullmatch(error["code"]), error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert isinstance(error.get("details", {}), dict), error
    text = response.body.decode()
    assert "Traceback" not in text and 'File "' not in text, text
    if code is not None:
        assert error["code"] == code, error
    return error


# --- the document as an oracle -------------------------------------------------------------------------


class DocumentCheck:
    """Checks an answer against the status and schema /openapi.json documents for its route and method."""

    def __init__(self) -> None:
        self.doc = document()
        # Literal paths first, as API Gateway routes them: /seller/cancellations/bulk-approve before
        # /seller/cancellations/{cancel_id}.
        self.templates = [(re.compile("^" + re.sub(r"{\w+}", "[^/]+", path) + "$"), path)
                          for path in sorted(self.doc["paths"], key=lambda path: path.count("{"))]
        self.validators: dict[str, Draft202012Validator] = {}

    def template(self, path: str) -> str | None:
        bare = path.split("?", 1)[0]
        return next((template for pattern, template in self.templates if pattern.match(bare)), None)

    def validator(self, schema: dict) -> Draft202012Validator:
        key = json.dumps(schema, sort_keys=True)
        if key not in self.validators:
            # `$ref`s point into `#/components`, so the components ride along in the root schema.
            self.validators[key] = Draft202012Validator({**schema, "components": self.doc["components"]})
        return self.validators[key]

    def problems(self, method: str, path: str, status: int, body: Any) -> list[str]:
        template = self.template(path)
        operation = self.doc["paths"].get(template, {}).get(method.lower()) if template else None
        if operation is None:  # an unknown route or method: the document promises the error shape only
            schema = {"$ref": "#/components/schemas/ErrorOut"}
        else:
            documented = operation["responses"].get(str(status))
            if documented is None:
                return [f"{method} {template} answered {status}, which /openapi.json does not list"]
            if "content" not in documented:  # 204: no body
                return [] if body is None else [f"{method} {template} {status}: a body where none is documented"]
            schema = documented["content"]["application/json"]["schema"]
        return [f"{method} {path} {status}: {error.message} at {list(error.absolute_path)}"
                for error in self.validator(schema).iter_errors(body)]


DOCUMENT = DocumentCheck()


class CheckedApi(Api):
    """`tests.support.api.Api` whose every answer must be the one /openapi.json documents."""

    def __init__(self, client: Client):
        super().__init__(client)
        self.answers = 0

    def call(self, method: str, path: str, token: str | None = None, body=None, headers=None,
             raw: bytes | None = None, *, documented: bool = True):
        response = super().call(method, path, token, body=body, headers=headers, raw=raw)
        self.answers += 1
        if documented:
            problems = DOCUMENT.problems(method, path, response.status_code, response.json)
            assert not problems, problems
        return response


# --- the desk ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prepared:
    """A request its owner may make right now: the route, a concrete path, a valid body and the answer."""

    spec: RouteSpec
    path: str
    body: dict | None
    token: str
    status: int
    seller: str
    buyer: str


class Desk(Shop):
    """The hostile suites' shop: a `Shop` over a `CheckedApi`, its orders placed and paid in the past (the clock
    is the module's, shared), and what those suites add: every route prepared as its owner would call it, the
    writes a request made, and what is stored about an order."""

    def __init__(self, api: CheckedApi, clock: time_machine.Traveller, receiver: Receiver):
        super().__init__(api, Tokens(), placed_ago=PAST_GRACE)
        self.api: CheckedApi = api
        self.clock = clock
        self.receiver = receiver
        receiver.respond = lambda received: 410 if received.path == "/gone" else 200
        self._dynamodb: Any = None

    # webhooks: a seller has at most 10, and the module's tests share the sellers

    def make_room(self, seller: str, keep: int = 9) -> None:
        """Deletes the seller's oldest webhooks (through the API) until it has at most `keep`."""
        token = self.seller_token(seller)
        items = self.webhooks("limit=100", token=token, expect=200).json["items"]
        for old in sorted(items, key=lambda w: (w["created_at"], w["webhook_id"]))[:max(0, len(items) - keep)]:
            self.delete_webhook(old["webhook_id"], token=token, expect=204)

    def webhook_of(self, seller: str, path: str = "/hook") -> str:
        """A new enabled webhook of `seller` to the module's receiver; its id."""
        self.make_room(seller)
        return self.hook(self.receiver.url + path, seller_id=seller)[0]

    def delivered_webhook(self, seller: str, path: str = "/hook") -> tuple[str, str]:
        """A webhook of `seller` with one delivery in its log (a test event, delivered); the ids of both."""
        webhook_id = self.webhook_of(seller, path)
        delivery_id = self.test_webhook(webhook_id, token=self.seller_token(seller), expect=202).json["delivery_id"]
        self.run_webhooks()
        return webhook_id, delivery_id

    def subject_of(self, prepared: "Prepared") -> str:
        """What a prepared request is about, for `stored`: its order, or the seller's webhooks."""
        if prepared.spec.tag == "webhooks":
            return "webhooks:" + prepared.seller
        if prepared.spec.name == "record_order":
            assert prepared.body is not None
            return str(prepared.body["order_id"])
        return self.order_of(prepared.path, prepared.body)

    @contextmanager
    def writes(self) -> Iterator[list[str]]:
        """The DynamoDB write operations made inside the block: none means the store is as it was."""
        seen: list[str] = []
        original = BotocoreStubber.__call__

        def recording(stubber, event_name, request, **kwargs):
            target = request.headers.get("X-Amz-Target") or b""
            operation = (target.decode() if isinstance(target, bytes) else target).rsplit(".", 1)[-1]
            if operation in WRITE_OPERATIONS:
                seen.append(operation)
            return original(stubber, event_name, request, **kwargs)

        BotocoreStubber.__call__ = recording
        try:
            yield seen
        finally:
            BotocoreStubber.__call__ = original

    @contextmanager
    def real_query_limits(self) -> Iterator[None]:
        """DynamoDB's `Limit` semantics on top of moto's.

        DynamoDB returns a LastEvaluatedKey whenever `Limit` stopped the read, even on the very last item (the
        next call then returns an empty page); moto leaves it out when nothing follows. Putting it back makes a
        phantom empty page, which the cloud would show, show here too.
        """
        client = self._client()
        keys: dict[tuple[str, str | None], list[str]] = {}

        def key_attributes(table: str, index: str | None) -> list[str]:
            if (table, index) not in keys:
                described = client.describe_table(TableName=table)["Table"]
                schema = [k["AttributeName"] for k in described["KeySchema"]]
                for gsi in described.get("GlobalSecondaryIndexes", []):
                    if gsi["IndexName"] == index:
                        schema += [k["AttributeName"] for k in gsi["KeySchema"] if k["AttributeName"] not in schema]
                keys[(table, index)] = schema
            return keys[(table, index)]

        original = BotocoreStubber.__call__

        def with_limits(stubber, event_name, request, **kwargs):
            response = original(stubber, event_name, request, **kwargs)
            target = request.headers.get("X-Amz-Target") or b""
            if response is None or not (target.decode() if isinstance(target, bytes) else target).endswith(".Query"):
                return response
            params = json.loads(request.body or b"{}")
            body = json.loads(response.content)
            items = body.get("Items") or []
            if "Limit" not in params or "LastEvaluatedKey" in body or len(items) < params["Limit"]:
                return response
            body["LastEvaluatedKey"] = {attr: items[-1][attr] for attr in
                                        key_attributes(params["TableName"], params.get("IndexName"))}
            headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "x-amz-crc32")}
            return AWSResponse(response.url, response.status_code, headers, MockRawResponse(json.dumps(body).encode()))

        key_attributes(config.table_name("ORDERS_TABLE"), None)  # one real call first: the client is warm
        BotocoreStubber.__call__ = with_limits
        try:
            yield
        finally:
            BotocoreStubber.__call__ = original

    def _client(self) -> Any:
        if self._dynamodb is None:
            self._dynamodb = boto3.client("dynamodb")  # made once: building a client costs ~0.1 s
        return self._dynamodb

    def stored(self, order_id: str) -> dict[str, Any]:
        """Everything stored about one order, raw: the order, its cancellations and history, its seller's
        counters (action-needed and SFCR cohorts). What "the stored item is unchanged" compares. For
        `webhooks:<seller>` (see `subject_of`): the seller's webhooks, their logs and the deliveries queued."""
        client = self._client()
        if order_id.startswith("webhooks:"):
            return self._stored_webhooks(order_id.split(":", 1)[1])

        def query(variable: str, key: str, value: str, index: str | None = None) -> list[dict]:
            extra = {"IndexName": index} if index else {"ConsistentRead": True}
            return client.query(TableName=config.table_name(variable), KeyConditionExpression=f"{key} = :v",
                                ExpressionAttributeValues={":v": {"S": value}}, **extra)["Items"]

        order = client.get_item(TableName=config.table_name("ORDERS_TABLE"), Key={"order_id": {"S": order_id}},
                                ConsistentRead=True).get("Item")
        assert order is not None, order_id
        return {
            "order": order,
            "cancellations": sorted(query("CANCELLATIONS_TABLE", "order_id", order_id, "by_order"),
                                    key=lambda item: item["cancel_id"]["S"]),
            "history": query("HISTORY_TABLE", "order_id", order_id),
            "counters": sorted(query("COUNTERS_TABLE", "seller_id", order["seller_id"]["S"], index="by_seller"),
                               key=lambda item: (item["counter_key"]["S"], item["shard_key"]["S"])),
            "appeals": sorted(query("APPEALS_TABLE", "seller_id", order["seller_id"]["S"], index="by_seller"),
                              key=lambda item: item["appeal_id"]["S"]),
        }

    def _stored_webhooks(self, seller: str) -> dict[str, Any]:
        client = self._client()
        hooks = client.query(TableName=config.table_name("WEBHOOKS_TABLE"), KeyConditionExpression="seller_id = :s",
                             ExpressionAttributeValues={":s": {"S": seller}}, ConsistentRead=True)["Items"]
        logs = {hook["webhook_id"]["S"]: client.query(
            TableName=config.table_name("WEBHOOK_DELIVERIES_TABLE"), KeyConditionExpression="webhook_id = :w",
            ExpressionAttributeValues={":w": hook["webhook_id"]}, ConsistentRead=True)["Items"] for hook in hooks}
        sqs = queues.client()
        waiting = {}
        for queue in (queues.delivery_queue(), queues.retry_queue()):
            attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
            waiting[queue] = sum(int(attributes[name]) for name in (
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed"))
        return {"webhooks": hooks, "deliveries": logs, "queued": waiting}

    def order_of(self, path: str, body: dict | None = None) -> str:
        """The order a concrete path is about (through its cancellation for /cancellations/{id} paths, or the
        first of a bulk body's `cancel_ids`)."""
        parts = path.split("?", 1)[0].split("/")
        if "appeals" in parts and len(parts) > parts.index("appeals") + 1:  # an appeal: through its record
            appeal = self._client().get_item(TableName=config.table_name("APPEALS_TABLE"),
                                             Key={"appeal_id": {"S": parts[parts.index("appeals") + 1]}},
                                             ConsistentRead=True)["Item"]
            return str(appeal["order_id"]["S"])
        if "orders" in parts and len(parts) > parts.index("orders") + 1:
            return parts[parts.index("orders") + 1]
        cancel_id = body["cancel_ids"][0] if body and "cancel_ids" in body else parts[parts.index("cancellations") + 1]
        item = self._client().get_item(TableName=config.table_name("CANCELLATIONS_TABLE"),
                                       Key={"cancel_id": {"S": cancel_id}}, ConsistentRead=True)["Item"]
        return item["order_id"]["S"]

    # every route with a role, as its owner would call it

    def prepare(self, name: str, *, seller: str = "S1", buyer: str = "B1") -> Prepared:
        spec = SPECS[name]
        path, body = ROUTE_BUILDERS[name](self, seller, buyer)
        assert path.split("?")[0].count("/") == spec.path.count("/"), (path, spec.path)
        token = self.token_for(spec.role.value, seller, buyer)
        return Prepared(spec, path, body, token, spec.status, seller, buyer)

    def send(self, prepared: Prepared, token: str | None = "owner", *, body: Any = "same",
             headers: dict | None = None, **kwargs: Any):
        token = prepared.token if token == "owner" else token
        body = prepared.body if body == "same" else body
        return self.api.call(prepared.spec.method, prepared.path, token, body=body, headers=headers, **kwargs)


def _order_path(suffix: str = "", **order: Any) -> Callable[[Desk, str, str], tuple[str, dict | None]]:
    def build(desk: Desk, seller: str, buyer: str) -> tuple[str, dict | None]:
        return f"/seller/orders/{desk.order(seller_id=seller, buyer_id=buyer, **order)}{suffix}", None

    return build


def _with_body(build: Callable, body: dict) -> Callable[[Desk, str, str], tuple[str, dict | None]]:
    def with_body(desk: Desk, seller: str, buyer: str) -> tuple[str, dict | None]:
        return build(desk, seller, buyer)[0], dict(body)

    return with_body


def _pending_path(prefix: str, suffix: str) -> Callable[[Desk, str, str], tuple[str, dict | None]]:
    def build(desk: Desk, seller: str, buyer: str) -> tuple[str, dict | None]:
        return f"{prefix}{desk.pending(seller_id=seller, buyer_id=buyer)[1]}{suffix}", None

    return build


def _events_path(desk: Desk, seller: str, buyer: str) -> tuple[str, dict | None]:
    desk.order(seller_id=seller, buyer_id=buyer)  # the feed then has an event to leak, were it to leak
    return "/seller/events?types=order.recorded&limit=5", None


ROUTE_BUILDERS: dict[str, Callable[[Desk, str, str], tuple[str, dict | None]]] = {
    "record_order": lambda d, s, b: ("/platform/orders", d.order_body(seller_id=s, buyer_id=b)),
    "record_payment": lambda d, s, b: (
        f"/platform/orders/{d.order(seller_id=s, buyer_id=b, status='UNPAID')}/payment", None),
    "record_delivery": lambda d, s, b: (f"/platform/orders/{d.in_transit(seller_id=s, buyer_id=b)}/delivery", None),
    "record_completion": lambda d, s, b: (
        f"/platform/orders/{d.delivered(seller_id=s, buyer_id=b)}/completion", None),
    "buyer_order": lambda d, s, b: (f"/buyer/orders/{d.order(seller_id=s, buyer_id=b)}", None),
    "request_cancellation": lambda d, s, b: (
        f"/buyer/orders/{d.order(seller_id=s, buyer_id=b)}/cancellation-requests", {"reason": "CHANGED_MIND"}),
    "withdraw": _pending_path("/buyer/cancellations/", "/withdraw"),
    "accept_offer": lambda d, s, b: (f"/buyer/cancellations/{d.offered(seller_id=s, buyer_id=b)[1]}/offer/accept",
                                     None),
    "decline_offer": lambda d, s, b: (
        f"/buyer/cancellations/{d.offered(seller_id=s, buyer_id=b)[1]}/offer/decline", None),
    "make_offer": _with_body(_pending_path("/seller/cancellations/", "/offer"),
                             {"kind": "PARTIAL_REFUND", "message": "Keep it for less", "amount": 1000}),
    "action_needed": lambda d, s, b: ("/seller/action-needed", None),
    "list_orders": lambda d, s, b: ("/seller/orders?tab=to_ship&limit=5", None),
    "order_detail": _order_path(),
    "list_cancellations": lambda d, s, b: ("/seller/cancellations?status=REQUESTED&limit=5", None),
    "get_cancellation": _pending_path("/seller/cancellations/", ""),
    "approve": _pending_path("/seller/cancellations/", "/approve"),
    "reject": _with_body(_pending_path("/seller/cancellations/", "/reject"), {"reason": "DELIVERY_ON_SCHEDULE"}),
    "acknowledge": lambda d, s, b: (
        f"/seller/cancellations/{d.auto_approved(seller_id=s, buyer_id=b)[1]}/acknowledge", None),
    "seller_cancel": _with_body(_order_path("/cancel"), {"reason": "OUT_OF_STOCK", "comment": "last one broke"}),
    "arrange_shipment": _order_path("/arrange-shipment"),
    "ship": _with_body(_order_path("/ship"), {"tracking_number": "JNE-0001"}),
    "seller_sfcr": lambda d, s, b: ("/seller/metrics/sfcr", None),
    "create_webhook": lambda d, s, b: (
        d.make_room(s) or "/seller/webhooks", {"url": d.receiver.url + "/hook", "event_types": ["*"]}),
    "list_webhooks": lambda d, s, b: (d.webhook_of(s) and "/seller/webhooks?limit=5", None),
    "get_webhook": lambda d, s, b: (f"/seller/webhooks/{d.webhook_of(s)}", None),
    "delete_webhook": lambda d, s, b: (f"/seller/webhooks/{d.webhook_of(s)}", None),
    "rotate_webhook_secret": lambda d, s, b: (f"/seller/webhooks/{d.webhook_of(s)}/rotate-secret", None),
    "test_webhook": lambda d, s, b: (f"/seller/webhooks/{d.webhook_of(s)}/test", None),
    # A webhook its receiver disabled with a 410: enabling it changes it.
    "enable_webhook": lambda d, s, b: (f"/seller/webhooks/{d.delivered_webhook(s, '/gone')[0]}/enable", None),
    "list_deliveries": lambda d, s, b: (f"/seller/webhooks/{d.delivered_webhook(s)[0]}/deliveries?limit=5", None),
    "retry_delivery": lambda d, s, b: (
        "/seller/webhooks/{}/deliveries/{}/retry".format(*d.delivered_webhook(s)), None),
    "list_events": _events_path,
    "cancel_preview": _with_body(_order_path("/cancel-preview"), {"reason": "OUT_OF_STOCK"}),
    "get_auto_approve_rules": lambda d, s, b: ("/seller/auto-approve-rules", None),
    "put_auto_approve_rules": lambda d, s, b: ("/seller/auto-approve-rules", {
        "rules": [{"name": "mistakes", "buyer_reasons": ["ORDERED_BY_MISTAKE"]}],
        "version": d.rules(token=d.seller_token(s), expect=200).json["version"]}),
    "bulk_approve": lambda d, s, b: (
        "/seller/cancellations/bulk-approve", {"cancel_ids": [d.pending(seller_id=s, buyer_id=b)[1]]}),
    "bulk_reject": lambda d, s, b: (
        "/seller/cancellations/bulk-reject",
        {"cancel_ids": [d.pending(seller_id=s, buyer_id=b)[1]], "reason": "DELIVERY_ON_SCHEDULE"}),
    "declare_evidence": lambda d, s, b: ("/seller/evidence", {"content_type": "image/jpeg", "size": 1024}),
    "operator_order": lambda d, s, b: (f"/operator/orders/{d.order(seller_id=s, buyer_id=b)}", None),
    "operator_cancel": lambda d, s, b: (
        f"/operator/orders/{d.order(seller_id=s, buyer_id=b)}/cancel",
        {"on_behalf_of": "seller", "reason": "OUT_OF_STOCK", "ticket": "T-1", "note": "called in"}),
    "open_appeal": lambda d, s, b: (
        f"/seller/cancellations/{d.seller_fault(seller_id=s, buyer_id=b)[1]}/appeal", {"statement": "Not my fault"}),
    "list_appeals": lambda d, s, b: (d.appealed(seller_id=s, buyer_id=b) and "/seller/appeals?status=OPEN&limit=5",
                                     None),
    "get_appeal": lambda d, s, b: (f"/seller/appeals/{d.appealed(seller_id=s, buyer_id=b)[2]}", None),
    "appeal_queue": lambda d, s, b: (d.appealed(seller_id=s, buyer_id=b) and "/operator/appeals?limit=5", None),
    "decide_appeal": lambda d, s, b: (f"/operator/appeals/{d.appealed(seller_id=s, buyer_id=b)[2]}/decide",
                                      {"decision": "OVERTURN", "note": "The buyer asked"}),
    "report_refund": lambda d, s, b: (
        f"/platform/cancellations/{d.refund_pending(seller_id=s, buyer_id=b)[1]}/refund",
        {"refund_reference": "PAY-0001"}),
}
# The DynamoDB writes a route's prepared request makes, where it is not one TransactWriteItems for a POST and
# none for a read: the test ping and a retry by hand only queue a message; a delete is a transaction.
WRITES: dict[str, list[str]] = {"test_webhook": [], "retry_delivery": [], "delete_webhook": ["TransactWriteItems"],
                                "declare_evidence": ["PutItem"]}


def expected_writes(spec: RouteSpec) -> list[str]:
    if spec.name in READ_ONLY_POSTS:
        return []
    if spec.method == "PUT":  # the seller's settings, replaced whole on a version
        return ["PutItem"]
    return WRITES.get(spec.name, ["TransactWriteItems"] if spec.method == "POST" else [])


# The POST routes of an order or a cancellation; the webhook routes' own suite is tests/api/test_webhooks.py, the
# evidence upload's tests/api/test_evidence.py.
_OWN_SUITES = ("webhooks", "evidence")
ORDER_POST_ROUTES: list[RouteSpec] = [spec for spec in POST_ROUTES if spec.tag not in _OWN_SUITES]
ORDER_CHANGE_ROUTES: list[RouteSpec] = [spec for spec in CHANGE_ROUTES if spec.tag not in _OWN_SUITES]


@contextmanager
def open_desk() -> Iterator[Desk]:
    """A fresh store and client with the clock frozen at START (tests may move it; see `clock_back`)."""
    with (time_machine.travel(START, tick=False) as clock, AWS.fresh(), Receiver() as receiver,
          Client(APP, stage_name="test", project_dir=str(ROOT)) as client):
        yield Desk(CheckedApi(client), clock, receiver)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
