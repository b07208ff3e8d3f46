"""Reads the IAM policy files of `.chalice/` as sets of grants, so tests can hold them to the code.

A grant is (action, table variable, index or None): `("dynamodb:Query", "ORDERS_TABLE", "by_seller")`. The
`prod` policies name the stack's tables with `Fn::GetAtt`/`Fn::Sub` (Chalice copies the file into the role
and CloudFormation resolves them); the `dev` policies name the dev stage's tables by ARN. Anything else on a
DynamoDB action (a wildcard, another table, `NotAction`) is refused: least privilege, checked.

EventBridge and SQS grants read the same way, their resource named by the setting that names it:
`("events:PutEvents", "EVENT_BUS_NAME", None)`; S3 grants by the bucket's setting and the object prefix:
`("s3:GetObject", "EVIDENCE_BUCKET", "evidence/*")`. API Gateway's management API (the authorizer's usage keys) is
granted by HTTP method on a path of the region's API Gateway: `("apigateway:POST", "/usageplans/*/keys", None)`.
Statements whose `Sid` is in `BY_LAMBDA` are what the Lambda service or runtime does with the function's role
(read its stream, send a failed run to its destination, write trace segments), not calls of the code: they are
read apart (`lambda_grants`).
"""

import json
import re
from pathlib import Path
from typing import Any, NamedTuple

from .tables import table_logical_ids

ROOT = Path(__file__).resolve().parent.parent
CHALICE_DIR = ROOT / ".chalice"

# Chalice's names for the app's Lambda functions (their settings go under `lambda_functions`).
API_HANDLER = "api_handler"
AUTHORIZER = "jwt_authorizer"
EXPIRY = "expire_cancellation_requests"
WEBHOOK_FAN_OUT = "fan_out_webhook_events"
WEBHOOK_DELIVERY = "deliver_webhooks"
PUBLISHER = "publish_events"
FUNCTIONS = (API_HANDLER, AUTHORIZER, EXPIRY, PUBLISHER, WEBHOOK_FAN_OUT, WEBHOOK_DELIVERY)
# Statements the Lambda service or runtime uses, by Sid (SourceQueues: the SQS event source mappings' polling).
BY_LAMBDA = frozenset({"FailureQueue", "StreamRead", "StreamList", "Tracing", "SourceQueues"})
# Non-DynamoDB resources: setting -> (logical id in the stack, the dev stage's ARN).
OTHER_RESOURCES = {
    "EVENT_BUS_NAME": ("EventBus", "arn:aws:events:*:*:event-bus/cancel-desk-events"),
    "EVENTS_DLQ_URL": ("EventsDeadLetterQueue", "arn:aws:sqs:*:*:cancel-desk-events-dlq"),
    "WEBHOOK_EVENTS_QUEUE": ("WebhookEventsQueue", "arn:aws:sqs:*:*:cancel-desk-webhook-events"),
    "WEBHOOK_DELIVERY_QUEUE": ("WebhookDeliveryQueue", "arn:aws:sqs:*:*:cancel-desk-webhook-deliveries"),
    "WEBHOOK_RETRY_QUEUE": ("WebhookRetryQueue", "arn:aws:sqs:*:*:cancel-desk-webhook-retries"),
}
# S3 grants name the evidence bucket's object prefix, the only objects the code touches:
# ("s3:GetObject", "EVIDENCE_BUCKET", "evidence/*").
EVIDENCE_BUCKET = "EVIDENCE_BUCKET"
EVIDENCE_OBJECTS = "evidence/*"
_EVIDENCE_OBJECT_RESOURCES = {"prod": {"Fn::Sub": "${EvidenceBucket.Arn}/" + EVIDENCE_OBJECTS},
                              "dev": "arn:aws:s3:::cancel-desk-evidence/" + EVIDENCE_OBJECTS}
CODE_SERVICES = ("apigateway", "dynamodb", "events", "sqs", "s3")
STAGES = ("dev", "prod")

_APIGATEWAY = re.compile(r"^arn:(aws|\$\{AWS::Partition\}):apigateway:(\*|\$\{AWS::Region\})::(?P<path>/[a-z/*]+)$")
_INDEX_SUB = re.compile(r"^\$\{(?P<logical>[A-Za-z0-9]+)\.Arn\}/index/(?P<index>[A-Za-z0-9_.-]+)$")
_DEV_ARN = re.compile(r"^arn:aws:dynamodb:\*:\*:table/(?P<table>[A-Za-z0-9_.-]+)(/index/(?P<index>[A-Za-z0-9_.-]+))?$")


class Grant(NamedTuple):
    action: str
    table: str  # the environment variable naming the table, e.g. ORDERS_TABLE
    index: str | None


class PolicyError(ValueError):
    pass


def chalice_config() -> dict[str, Any]:
    return json.loads((CHALICE_DIR / "config.json").read_text())


def policy_path(stage: str, function: str) -> Path:
    config = chalice_config()
    stage_config = config["stages"][stage]
    function_config = stage_config.get("lambda_functions", {}).get(function, {})
    name = function_config.get("iam_policy_file") or stage_config.get("iam_policy_file") \
        or config.get("iam_policy_file") or f"policy-{stage}.json"
    return CHALICE_DIR / name


def policy_document(stage: str, function: str) -> dict[str, Any]:
    return json.loads(policy_path(stage, function).read_text())


def _dev_tables() -> dict[str, str]:
    config = chalice_config()
    variables = {**config.get("environment_variables", {}), **config["stages"]["dev"]["environment_variables"]}
    return {variables[variable]: variable for variable in table_logical_ids()}


def _resource_of(stage: str, resource: Any) -> tuple[str, str | None]:
    """(table variable, index) named by one policy resource; for S3, (bucket setting, object prefix)."""
    if resource == _EVIDENCE_OBJECT_RESOURCES[stage]:
        return EVIDENCE_BUCKET, EVIDENCE_OBJECTS
    arn = resource.get("Fn::Sub") if stage == "prod" and isinstance(resource, dict) else resource
    if isinstance(arn, str) and (path := _APIGATEWAY.match(arn)):
        return path["path"], None
    for setting, (logical, dev_arn) in OTHER_RESOURCES.items():
        if resource == ({"Fn::GetAtt": [logical, "Arn"]} if stage == "prod" else dev_arn):
            return setting, None
    if stage == "prod":
        variables = {logical: variable for variable, logical in table_logical_ids().items()}
        if isinstance(resource, dict) and list(resource) == ["Fn::GetAtt"]:
            logical, attribute = resource["Fn::GetAtt"]
            if attribute == "Arn" and logical in variables:
                return variables[logical], None
        if isinstance(resource, dict) and list(resource) == ["Fn::Sub"] and isinstance(resource["Fn::Sub"], str):
            match = _INDEX_SUB.match(resource["Fn::Sub"])
            if match and match["logical"] in variables:
                return variables[match["logical"]], match["index"]
    elif isinstance(resource, str) and (match := _DEV_ARN.match(resource)):
        tables = _dev_tables()
        if match["table"] in tables:
            return tables[match["table"]], match["index"]
    raise PolicyError(f"{stage}: {json.dumps(resource)} is not one of the project's tables or indexes")


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def dynamodb_grants(stage: str, function: str) -> set[Grant]:
    """What the function's code may call: DynamoDB, EventBridge and SQS grants outside the BY_LAMBDA statements."""
    grants: set[Grant] = set()
    for statement in policy_document(stage, function)["Statement"]:
        if "NotAction" in statement or "NotResource" in statement or statement.get("Effect") != "Allow":
            raise PolicyError(f"{stage}/{function}: only plain Allow statements are expected")
        if statement.get("Sid") in BY_LAMBDA:
            continue
        actions = [a for a in _listed(statement["Action"]) if a.lower().split(":")[0] in CODE_SERVICES]
        if not actions:
            continue
        if any("*" in action for action in actions):
            raise PolicyError(f"{stage}/{function}: wildcard action in {actions}")
        for resource in _listed(statement["Resource"]):
            table, index = _resource_of(stage, resource)
            grants.update(Grant(action, table, index) for action in actions)
    return grants


def lambda_statements(stage: str, function: str) -> list[dict[str, Any]]:
    """The statements the Lambda service or runtime uses for the function."""
    return [st for st in policy_document(stage, function)["Statement"] if st.get("Sid") in BY_LAMBDA]


def all_grants(stage: str) -> dict[str, set[Grant]]:
    return {function: dynamodb_grants(stage, function) for function in FUNCTIONS}
