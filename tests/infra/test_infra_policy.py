"""Least privilege, checked: each function's policy grants exactly the DynamoDB operations its code calls.

`tests/iam_recorder.py` records every DynamoDB call the product makes during the whole suite and checks the
policies at the end; the scenario below exercises every access path of the API and the expiry job in one test,
so the policies are held to the code even when this file runs alone.
"""

from datetime import timedelta

import boto3
import pytest

from chalicelib.auth import usage_keys
from chalicelib.domain.clock import utc_now
from chalicelib.events import publisher
from chalicelib.jobs import expiry, reminders
from chalicelib.store import reads
from devtools.webhook_receiver import Receiver
from infra import policies
from infra.policies import Grant, PolicyError
from infra.tables import table_logical_ids
from tests.support.events import Stream
from tests.support.hooks import envelope, put_on_bus_queue
from tests.support.iam_recorder import Call, grants_of, never_called, not_granted


def test_dev_and_prod_grant_the_same_operations():
    assert policies.all_grants("dev") == policies.all_grants("prod")


USAGE_KEY_GRANTS = {Grant("apigateway:GET", "/usageplans", None), Grant("apigateway:GET", "/apikeys", None),
                    Grant("apigateway:POST", "/apikeys", None), Grant("apigateway:POST", "/usageplans/*/keys", None)}


def test_the_authorizer_reads_no_table_and_only_makes_usage_keys():
    """Finding the callers' plan and a key, making a key and putting it in a plan: nothing else of API Gateway's
    management API (no plan made or changed, no key deleted). The plan's id cannot be named: the authorizer's role
    comes before the API, which comes before the plan, so any plan's keys path is granted."""
    for stage in policies.STAGES:
        assert policies.dynamodb_grants(stage, policies.AUTHORIZER) == USAGE_KEY_GRANTS


def test_the_recorder_grants_api_gateway_calls_by_method_and_path():
    assert grants_of("CreateUsagePlanKey", {"usagePlanId": "abc", "keyId": "k"}, "apigateway") == [
        Grant("apigateway:POST", "/usageplans/*/keys", None)]
    assert grants_of("GetApiKeys", {"nameQuery": "x"}, "apigateway") == [Grant("apigateway:GET", "/apikeys", None)]
    assert grants_of("DeleteApiKey", {"apiKey": "k"}, "apigateway") == [Grant("apigateway:DELETE", "/apikeys/*", None)]


def test_every_function_has_its_own_policy_file():
    for stage in policies.STAGES:
        paths = {policies.policy_path(stage, function) for function in policies.FUNCTIONS}
        assert len(paths) == len(policies.FUNCTIONS)
        assert all(path.exists() for path in paths)


def test_no_statement_reaches_beyond_the_project():
    """Every resource is one of the stack's own (no `*` but X-Ray's, which has no resources), and the only grants
    the code does not call are the Lambda service's: the function's own log stream, the expiry job's failure
    queue, the publisher's stream, the webhook functions' source queues, and trace segments. Only the publisher
    reaches the bus and the events' dead-letter queue; only the webhook routes and functions the webhook queues."""
    logical_ids = set(table_logical_ids().values())
    others = {logical for logical, _ in policies.OTHER_RESOURCES.values()}
    webhook_queues = {"WEBHOOK_EVENTS_QUEUE", "WEBHOOK_DELIVERY_QUEUE", "WEBHOOK_RETRY_QUEUE"}
    reaching = {policies.PUBLISHER: {"EVENT_BUS_NAME", "EVENTS_DLQ_URL"},
                policies.API_HANDLER: webhook_queues | {policies.EVIDENCE_BUCKET},
                policies.WEBHOOK_FAN_OUT: webhook_queues, policies.WEBHOOK_DELIVERY: webhook_queues,
                policies.AUTHORIZER: {grant.table for grant in USAGE_KEY_GRANTS}}
    for stage in policies.STAGES:
        for function in policies.FUNCTIONS:
            reached = {grant.table for grant in policies.dynamodb_grants(stage, function)
                       if not grant.action.startswith("dynamodb:")}
            assert reached <= reaching.get(function, set())
            for statement in policies.policy_document(stage, function)["Statement"]:
                services = {action.split(":")[0] for action in statement["Action"]}
                assert services <= {"dynamodb", "logs", "sqs", "events", "xray", "s3", "apigateway"}
                if "s3" in services:  # the evidence objects, and only the calls E1-E7 make (docs/evidence.md)
                    assert (function, statement["Sid"]) == (policies.API_HANDLER, "EvidenceObjects")
                    assert statement["Action"] == ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"]
                if "apigateway" in services:
                    assert function == policies.AUTHORIZER
                for resource in statement["Resource"]:
                    assert "dynamodb:*" not in statement["Action"]
                    if resource == "*":
                        assert statement["Sid"] == "Tracing"
                        assert statement["Action"] == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
                    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
                        assert resource["Fn::GetAtt"][0] in logical_ids | others | {"ExpiryFailureQueue"}
                if statement.get("Sid") == "FailureQueue":
                    assert (stage, function, statement["Action"]) == ("prod", policies.EXPIRY, ["sqs:SendMessage"])
                if statement.get("Sid") in ("StreamRead", "StreamList"):
                    assert function == policies.PUBLISHER
                if statement.get("Sid") == "SourceQueues":
                    assert function in (policies.WEBHOOK_FAN_OUT, policies.WEBHOOK_DELIVERY)
                    assert statement["Action"] == ["sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                                   "sqs:ReceiveMessage"]
                if "events" in services:
                    assert function == policies.PUBLISHER
                if "logs" in services:
                    assert "logs:CreateLogGroup" not in statement["Action"] or stage == "dev"


def test_the_publisher_reads_only_the_events_stream():
    for stage in policies.STAGES:
        (read, listed) = [st for st in policies.lambda_statements(stage, policies.PUBLISHER)
                          if st["Sid"].startswith("Stream")]
        assert read["Action"] == ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        assert listed["Action"] == ["dynamodb:ListStreams"]
        expected = ({"Fn::GetAtt": ["EventsTable", "StreamArn"]} if stage == "prod"
                    else "arn:aws:dynamodb:*:*:table/cancel-desk-events/stream/*")
        assert read["Resource"] == [expected]


def test_a_wildcard_or_foreign_table_is_refused(monkeypatch, tmp_path):
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": ["arn:aws:dynamodb:*:*:table/someone-else"]}]}
    monkeypatch.setattr(policies, "policy_document", lambda stage, function: document)
    with pytest.raises(PolicyError):
        policies.dynamodb_grants("dev", policies.API_HANDLER)
    document["Statement"][0].update(Action=["dynamodb:*"], Resource=["arn:aws:dynamodb:*:*:table/cancel-desk-orders"])
    with pytest.raises(PolicyError):
        policies.dynamodb_grants("dev", policies.API_HANDLER)


# --- the recorder ---------------------------------------------------------------------------------------


def test_a_transaction_needs_the_action_of_each_item():
    orders, counters = "cancel-desk-orders", "cancel-desk-seller-counters"
    params = {"TransactItems": [{"Put": {"TableName": orders}}, {"Update": {"TableName": counters}},
                                {"ConditionCheck": {"TableName": orders}}]}
    assert grants_of("TransactWriteItems", params) == [
        Grant("dynamodb:PutItem", "ORDERS_TABLE", None),
        Grant("dynamodb:UpdateItem", "COUNTERS_TABLE", None),
        Grant("dynamodb:ConditionCheckItem", "ORDERS_TABLE", None),
    ]
    assert grants_of("Query", {"TableName": orders, "IndexName": "by_seller"}) == [
        Grant("dynamodb:Query", "ORDERS_TABLE", "by_seller")]
    assert grants_of("BatchGetItem", {"RequestItems": {orders: {}}}) == [
        Grant("dynamodb:BatchGetItem", "ORDERS_TABLE", None)]


def test_s3_calls_need_the_evidence_objects_grant():
    assert grants_of("HeadObject", {"Bucket": "cancel-desk-evidence", "Key": "evidence/S1/evd_1"}, "s3") == [
        Grant("s3:GetObject", "EVIDENCE_BUCKET", "evidence/*")]
    assert grants_of("PutObjectTagging", {"Bucket": "cancel-desk-evidence", "Key": "evidence/S1/evd_1"}, "s3") == [
        Grant("s3:PutObjectTagging", "EVIDENCE_BUCKET", "evidence/*")]
    assert grants_of("GetObject", {"Bucket": "elsewhere", "Key": "x"}, "s3") == [
        Grant("s3:GetObject", "<bucket elsewhere>", "<key x>")]


def test_a_queue_is_granted_by_its_name_whatever_endpoint_its_url_names(monkeypatch):
    # A local stage's pump finishing a batch after the stage restored the environment names its own endpoint.
    monkeypatch.setenv("EVENTS_DLQ_URL", "http://127.0.0.1:5000/123456789012/cancel-desk-events-dlq")
    for url in ("http://127.0.0.1:5000/123456789012/cancel-desk-events-dlq",
                "http://127.0.0.1:44401/123456789012/cancel-desk-events-dlq"):
        assert grants_of("SendMessageBatch", {"QueueUrl": url}, "sqs") == [
            Grant("sqs:SendMessage", "EVENTS_DLQ_URL", None)]
    other = "http://127.0.0.1:44401/123456789012/somebody-elses-queue"
    assert grants_of("SendMessage", {"QueueUrl": other}, "sqs") == [Grant("sqs:SendMessage", f"<queue {other}>", None)]


def test_the_check_reports_both_directions():
    scan = Call(policies.API_HANDLER, Grant("dynamodb:Scan", "ORDERS_TABLE", None))
    assert not_granted({scan}) == [
        f"{stage}: api_handler calls dynamodb:Scan on ORDERS_TABLE, which its policy does not grant"
        for stage in policies.STAGES]
    job_query = Grant("dynamodb:Query", "CANCELLATIONS_TABLE", "pending_by_due_time")
    # The API may not use the job's grant: attribution is per function.
    assert not_granted({Call(policies.API_HANDLER, job_query)})
    assert not not_granted({Call(policies.EXPIRY, job_query), Call(None, job_query)})
    everything = {Call(function, grant) for function, grants in policies.all_grants("prod").items()
                  for grant in grants}
    assert never_called(everything) == []
    assert f"prod: expire_cancellation_requests is granted {_show(job_query)}, which it never calls" in \
        never_called(everything - {Call(policies.EXPIRY, job_query)})


def _show(grant: Grant) -> str:
    return f"{grant.action} on {grant.table}" + (f" index {grant.index}" if grant.index else "")


# --- every access path, once ---------------------------------------------------------------------------


def test_the_policies_grant_exactly_what_the_code_calls(shop, clock, monkeypatch, dynamodb_calls, bus):
    seller = shop.seller_token()
    shop.paid("IAM-1")
    created = shop.request_cancellation("IAM-1")
    assert created.status_code == 201, created.json
    cancel_id = created.json["cancel_id"]
    for path in ("/seller/action-needed", "/seller/orders", "/seller/orders?tab=to_ship",
                 "/seller/orders?filter=cancellation", "/seller/orders/IAM-1", "/seller/cancellations",
                 "/seller/cancellations?status=REQUESTED", f"/seller/cancellations/{cancel_id}",
                 "/seller/metrics/sfcr", "/buyer/orders/IAM-1", "/seller/events"):
        answer = shop.api.get(path, seller if path.startswith("/seller") else shop.buyer_token())
        assert answer.status_code == 200, (path, answer.json)
    # An appeal opened, read, listed (all, and by status), queued and decided (docs/appeals.md).
    _, fault_id = shop.seller_fault()
    appeal_id = shop.open_appeal(fault_id, expect=201).json["appeal_id"]
    for answer in (shop.appeals(), shop.appeals("status=OPEN"), shop.appeal(appeal_id), shop.appeal_queue()):
        assert answer.status_code == 200, answer.json
    shop.decide_appeal(appeal_id, "OVERTURN", expect=200)
    # An error answer is kept for its Idempotency-Key (a put of its own), then replayed.
    for replayed in ("", "true"):
        missing = shop.approve("cxl_missing", headers={"Idempotency-Key": "k-1"})
        assert missing.status_code == 404
        assert missing.headers.get("Idempotent-Replayed", "") == replayed

    # The expiry job, with a second run overlapping the first: the first run's write is then stale, so it
    # reads the request and the order afresh and finds nothing left to do.
    clock.shift(timedelta(days=3))
    original_get_orders = reads.get_orders
    overlapping: list[expiry.Report] = []

    def get_orders_then_let_another_run_finish(order_ids):
        found = original_get_orders(order_ids)
        monkeypatch.setattr(reads, "get_orders", original_get_orders)  # the second run reads normally
        overlapping.append(expiry.run(utc_now(), sleep=lambda seconds: None))
        return found

    monkeypatch.setattr(reads, "get_orders", get_orders_then_let_another_run_finish)
    first = expiry.run(utc_now(), sleep=lambda seconds: None)
    assert [run.auto_approved for run in overlapping] == [1]
    assert (first.due_seen, first.auto_approved, first.skipped) == (1, 0, 1)

    # Every webhook route, and both webhook functions: an event fanned out, delivered, answered 410.
    with Receiver() as receiver:
        receiver.respond = lambda received: 410
        webhook_id, _ = shop.hook(receiver.url + "/gone")
        put_on_bus_queue(envelope(order_id="IAM-1"))
        shop.run_webhooks()
        assert shop.webhook(webhook_id).json["status"] == "DISABLED"
        assert shop.enable_webhook(webhook_id).status_code == 200
        assert shop.webhooks().status_code == 200
        delivery_id = shop.deliveries(webhook_id).json["items"][0]["delivery_id"]
        assert shop.retry_delivery(webhook_id, delivery_id).status_code == 202
        assert shop.test_webhook(webhook_id).status_code == 202
        assert shop.rotate_secret(webhook_id).status_code == 200
        assert shop.delete_webhook(webhook_id).status_code == 204
        # A receiver failing: its retry sent, its next event fanned out to the retry lane, a retry due in 2 h
        # held on the queue when it arrives after SQS's 15-minute delay.
        monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE_SECONDS", "7200")
        receiver.respond = lambda received: 503
        shop.hook(receiver.url + "/failing")
        put_on_bus_queue(envelope(order_id="IAM-1", sequence=3))
        shop.run_webhooks()
        put_on_bus_queue(envelope(order_id="IAM-1", sequence=4))
        clock.shift(timedelta(minutes=16))
        shop.run_webhooks()
        assert [r.answered for r in receiver.received if r.path == "/failing"] == [503, 503]  # once per event
    # The reminders: a request reminded once (its transaction), and the checkpoint read and moved.
    shop.pending("IAM-2")
    clock.shift(timedelta(days=1, seconds=1))
    assert reminders.run(utc_now()).sent == 1
    # The stream function: what the outbox holds onto the bus, and a poison record to the dead-letter queue.
    records = Stream().records()
    poison = {**records[0], "dynamodb": {**records[0]["dynamodb"], "NewImage": {"body": {"S": "?"}}}}
    outcome = publisher.handle([poison, *records], sleep=lambda seconds: None)
    events = [r for r in records if "body" in r["dynamodb"]["NewImage"]]  # not the reminder's mark, the checkpoint
    assert (outcome.poison, outcome.dead_lettered, outcome.published) == (1, 1, len(events))
    # A bulk answer reads its requests, their orders and (with a key, for the refused items) their kept
    # answers in one BatchGetItem each.
    bulk = shop.bulk_approve([cancel_id, "cxl_missing"], headers={"Idempotency-Key": "k-2"})
    assert [item["status"] for item in bulk.json["results"]] == [409, 404], bulk.json
    # The seller's auto-approve rules: read and replaced whole; a request that would wait reads them.
    shop.put_rules([{"name": "any", "buyer_reasons": ["OTHER"]}], expect=200)
    # Evidence: a file declared (its upload presigned), uploaded, checked and attached to a reject, then shown
    # with a presigned link.
    shop.paid("IAM-3")
    evidence_cancel = shop.request_cancellation("IAM-3", expect=201).json["cancel_id"]
    shop.reject(evidence_cancel, "PRODUCT_PACKED", evidence_ids=[shop.photo()], expect=200)
    assert shop.cancellation(evidence_cancel).json["evidence"][0]["url"]
    # The authorizer in the stack: a caller's usage key, found in no plan yet, made and put in the callers' plan.
    monkeypatch.setenv("RATE_LIMIT_USAGE_PLAN", "iam-callers")
    monkeypatch.setenv("RATE_LIMIT_KEY_PREFIX", "iam-stack-rate-limit-")
    boto3.client("apigateway").create_usage_plan(name="iam-callers")
    usage_keys.reset()
    try:
        assert usage_keys.usage_key("seller-S1") == usage_keys.key_value("iam-stack-rate-limit-seller-S1")
    finally:
        usage_keys.reset()

    called: dict[str, set[Grant]] = {function: set() for function in policies.FUNCTIONS}
    for call in dynamodb_calls:
        assert call.function is not None, call
        called[call.function].add(call.grant)
    for stage in policies.STAGES:
        assert called == policies.all_grants(stage), stage
