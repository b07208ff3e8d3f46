"""The merge template for `chalice package --merge-template`: everything the stack needs besides the code.

Chalice generates the API, the functions, their roles (from `.chalice/policy-prod*.json`), their log groups and
the schedule; this adds the tables (derived from the models), the identity-provider parameters, the cursor
secret, the expiry job's failure queue and alarms, API throttling, each caller's usage plan and the gateway
responses in the contract's error shape. Chalice deep-merges dictionaries (lists are replaced), so the keys
below under `APIHandler`, `RestAPI`, ... extend what Chalice generated rather than replace it.

Run `python -m infra.template OUT.json` to write it; `scripts/package.sh` does so on every package.
"""

import json
import sys
from pathlib import Path
from typing import Any

from chalicelib.api.errors import GATEWAY_ERRORS, GATEWAY_HEADERS, error_body

from . import events_stack, evidence_bucket, monitoring, rate_limit_stack, webhooks_stack
from .tables import table_logical_ids, table_resources

Json = dict[str, Any]

# Logical ids Chalice gives the functions of this app (app.py's blueprints).
API_FUNCTION = "APIHandler"
AUTHORIZER_FUNCTION = "JwtAuthorizer"
EXPIRY_FUNCTION = "ExpireCancellationRequests"
PUBLISHER_FUNCTION = events_stack.PUBLISHER_FUNCTION
EXPIRY_QUEUE = "ExpiryFailureQueue"
ALARM_TOPIC = "AlarmTopic"
CURSOR_SECRET = "CursorSecret"
# A rotation of the cursor key (docs/deploy.md, "Secrets"): the key it replaced, read until an instant.
CURSOR_SECRET_PREVIOUS = "CursorSecretPrevious"
CURSOR_SECRET_PREVIOUS_UNTIL = "CursorSecretPreviousUntil"

# Function names are set (not generated) so each role's log permission can name its own log group.
FUNCTION_NAMES = {
    API_FUNCTION: "${AWS::StackName}-api",
    AUTHORIZER_FUNCTION: "${AWS::StackName}-authorizer",
    EXPIRY_FUNCTION: "${AWS::StackName}-expire-requests",
    PUBLISHER_FUNCTION: "${AWS::StackName}-publish-events",
    **webhooks_stack.FUNCTION_NAMES,
}
# The log groups Chalice generates for `log_retention_in_days`, by function.
LOG_GROUPS = {
    API_FUNCTION: "ApiHandlerLogGroup",
    AUTHORIZER_FUNCTION: "JwtAuthorizerLogGroup",
    EXPIRY_FUNCTION: "ExpireCancellationRequestsLogGroup",
    PUBLISHER_FUNCTION: "PublishEventsLogGroup",
    **webhooks_stack.LOG_GROUPS,
}

# Gateway response types whose status API Gateway decides (415, 429 quota, 502, 504, ...): only the body
# is reshaped, the status stays what the gateway chose.
KEEP_STATUS = {"DEFAULT_4XX", "DEFAULT_5XX"}


def parameters() -> Json:
    return {
        "AuthIssuer": {
            "Type": "String",
            "AllowedPattern": r"^https://\S+$",
            "Description": "The identity provider's issuer (the tokens' iss), e.g. a Cognito user pool: "
                           "https://cognito-idp.<region>.amazonaws.com/<user-pool-id>",
        },
        "AuthAudience": {
            "Type": "String",
            "MinLength": 1,
            "Description": "The tokens' aud (for Cognito ID tokens: the app client id).",
        },
        "AuthJwksUrl": {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^(https://\S+)?$",
            "Description": "The provider's JWKS; empty means <AuthIssuer>/.well-known/jwks.json (Cognito's).",
        },
        "ApiThrottleRateLimit": {
            "Type": "Number",
            "Default": 50,
            "MinValue": 1,
            "Description": "Steady requests per second the API stage accepts (above: 429).",
        },
        "ApiThrottleBurstLimit": {
            "Type": "Number",
            "Default": 100,
            "MinValue": 1,
            "Description": "Burst of requests the API stage accepts.",
        },
        "AlarmEmail": {
            "Type": "String",
            "Default": "",
            "Description": "Where alarm notifications go (empty: alarms only publish to the stack's topic).",
        },
        CURSOR_SECRET_PREVIOUS: {
            "Type": "String",
            "Default": "",
            "NoEcho": True,
            "Description": "During a rotation of the cursor key: the key CursorSecret held before, which still "
                           "reads cursors until CursorSecretPreviousUntil (empty: no rotation).",
        },
        CURSOR_SECRET_PREVIOUS_UNTIL: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$",
            "ConstraintDescription": "an ISO 8601 instant with its offset, e.g. 2026-12-08T12:00:00Z, or empty",
            "Description": "Until when CursorSecretPrevious reads cursors (ISO 8601, e.g. 2026-12-08T12:00:00Z).",
        },
        "SellerCenterConnectOrigins": {
            "Type": "String",
            "Default": "",
            "Description": "Origins the Seller Center page (GET /app) may fetch from besides its own and the "
                           "issuer's, space-separated: the provider's token endpoint, e.g. "
                           "https://<domain>.auth.<region>.amazoncognito.com",
        },
    }


def rules() -> Json:
    """Checked before any change is made: a previous cursor key without its end would fail every cursor read."""
    return {
        "CursorRotationHasAnEnd": {
            "RuleCondition": {"Fn::Not": [{"Fn::Equals": [{"Ref": CURSOR_SECRET_PREVIOUS}, ""]}]},
            "Assertions": [{
                "Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": CURSOR_SECRET_PREVIOUS_UNTIL}, ""]}]},
                "AssertDescription": "CursorSecretPrevious needs CursorSecretPreviousUntil: the instant after "
                                     "which the previous cursor key is refused.",
            }],
        },
    }


def conditions() -> Json:
    return {
        "DeriveJwksUrl": {"Fn::Equals": [{"Ref": "AuthJwksUrl"}, ""]},
        "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
    }


def environment() -> Json:
    """Variables every function gets (SAM Globals: a function defined later gets them too)."""
    variables: Json = {variable: {"Ref": logical} for variable, logical in table_logical_ids().items()}
    variables.update({
        "AUTH_ISSUER": {"Ref": "AuthIssuer"},
        "AUTH_AUDIENCE": {"Ref": "AuthAudience"},
        "AUTH_JWKS_URL": {"Fn::If": ["DeriveJwksUrl", {"Fn::Sub": "${AuthIssuer}/.well-known/jwks.json"},
                                     {"Ref": "AuthJwksUrl"}]},
        "METRICS_STAGE": {"Ref": "AWS::StackName"},
        **webhooks_stack.environment(),
    })
    return variables


def api_environment() -> Json:
    """Variables only the API handler gets (merged into the ones Chalice writes from the stage config)."""
    # Resolved by CloudFormation at deploy time: the secret never appears in the template or parameters.
    return {"CURSOR_SECRET": {"Fn::Sub": "{{resolve:secretsmanager:${" + CURSOR_SECRET + "}:SecretString}}"},
            # Only the API reads cursors; a parameter, so a rotation is one deploy (and its end another).
            "CURSOR_SECRET_PREVIOUS": {"Ref": CURSOR_SECRET_PREVIOUS},
            "CURSOR_SECRET_PREVIOUS_UNTIL": {"Ref": CURSOR_SECRET_PREVIOUS_UNTIL},
            # Only the API serves the page, so only it needs the page's policy.
            "SELLER_CENTER_CONNECT_ORIGINS": {"Ref": "SellerCenterConnectOrigins"},
            **evidence_bucket.api_environment()}


def gateway_responses() -> Json:
    """API Gateway's own answers (missing token, unknown route, throttling, ...) in the contract's shape."""
    responses: Json = {}
    for response_type, (status, code, message) in GATEWAY_ERRORS.items():
        headers = {"Content-Type": "application/json", **GATEWAY_HEADERS.get(response_type, {})}
        response: Json = {
            "responseParameters": {f"gatewayresponse.header.{name}": f"'{value}'" for name, value in headers.items()},
            "responseTemplates": {"application/json": error_body(code, message)},
        }
        if response_type not in KEEP_STATUS:
            response["statusCode"] = str(status)
        responses[response_type] = response
    return responses


def _alarm(description: str, metric: Json, comparison: str, threshold: int, *, period: int = 300,
           evaluation_periods: int = 1, missing: str = "notBreaching") -> Json:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            **metric,
            "Period": period,
            "EvaluationPeriods": evaluation_periods,
            "DatapointsToAlarm": evaluation_periods,
            "Threshold": threshold,
            "ComparisonOperator": comparison,
            "TreatMissingData": missing,
            "AlarmActions": [{"Ref": ALARM_TOPIC}],
            "OKActions": [{"Ref": ALARM_TOPIC}],
        },
    }


def _lambda_metric(name: str) -> Json:
    return {"Namespace": "AWS/Lambda", "MetricName": name, "Statistic": "Sum",
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": EXPIRY_FUNCTION}}]}


def operations_resources() -> Json:
    return {
        CURSOR_SECRET: {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Description": "Signs pagination cursors (CURSOR_SECRET).",
                "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
            },
        },
        EXPIRY_QUEUE: {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "MessageRetentionPeriod": 1209600,  # 14 days, the maximum: time to look at what failed
                "SqsManagedSseEnabled": True,
            },
        },
        # Unencrypted on purpose: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
        ALARM_TOPIC: {"Type": "AWS::SNS::Topic", "Properties": {}},
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"},
                           "TopicArn": {"Ref": ALARM_TOPIC}},
        },
        "ExpiryErrorsAlarm": _alarm(
            "The expiry job failed: pending requests past their deadline may not be auto-approved.",
            _lambda_metric("Errors"), "GreaterThanOrEqualToThreshold", 1),
        "ExpiryNotRunningAlarm": _alarm(
            "The expiry job has not run for 30 minutes (schedule disabled or throttled).",
            _lambda_metric("Invocations"), "LessThanThreshold", 1, period=900, evaluation_periods=2,
            missing="breaching"),
        "ExpiryFailureQueueAlarm": _alarm(
            "Failed expiry runs are waiting in the failure queue.",
            {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "Statistic": "Maximum",
             "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [EXPIRY_QUEUE, "QueueName"]}}]},
            "GreaterThanOrEqualToThreshold", 1),
    }


def chalice_overrides() -> Json:
    """Keys merged into the resources Chalice generates."""
    functions: Json = {name: {"Properties": {"FunctionName": {"Fn::Sub": sub}}, "DependsOn": [LOG_GROUPS[name]]}
                       for name, sub in FUNCTION_NAMES.items()}
    # Chalice names the API handler's log group after `${ApiHandler}`, a resource it renames to APIHandler;
    # naming every group from the fixed function name also lets it exist before its function first logs
    # (the roles may not create log groups, so none can appear outside the stack's control).
    log_groups: Json = {LOG_GROUPS[name]: {"Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/" + sub}}}
                        for name, sub in FUNCTION_NAMES.items()}
    functions[API_FUNCTION]["Properties"]["Environment"] = {"Variables": api_environment()}
    functions[AUTHORIZER_FUNCTION]["Properties"]["Environment"] = {
        "Variables": rate_limit_stack.authorizer_environment()}
    functions[EXPIRY_FUNCTION]["Properties"]["EventInvokeConfig"] = {
        # A failed run is not retried: the next scheduled run, five minutes later, redoes all that is due.
        "MaximumRetryAttempts": 0,
        "MaximumEventAgeInSeconds": 300,
        "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": {"Fn::GetAtt": [EXPIRY_QUEUE, "Arn"]}}},
    }
    return {
        **functions,
        **log_groups,
        "RestAPI": {
            "Properties": {
                "TracingEnabled": True,  # X-Ray from the gateway on; the functions' Tracing comes from Chalice's xray
                "MethodSettings": [{
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": {"Ref": "ApiThrottleRateLimit"},
                    "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurstLimit"},
                }],
                "DefinitionBody": {"x-amazon-apigateway-gateway-responses": gateway_responses(),
                                   **rate_limit_stack.api_definition()},
            },
        },
    }


def outputs() -> Json:
    out: Json = {
        "ExpiryFunctionName": {"Description": "Invoke by hand with `aws lambda invoke`.",
                               "Value": {"Ref": EXPIRY_FUNCTION}},
        "ExpiryFailureQueueUrl": {"Value": {"Ref": EXPIRY_QUEUE}},
        "AlarmTopicArn": {"Value": {"Ref": ALARM_TOPIC}},
    }
    for variable, logical in table_logical_ids().items():
        out[logical + "Name"] = {"Description": f"{variable} of the functions", "Value": {"Ref": logical}}
    return out


def merge_template() -> Json:
    return {
        "Description": "Cancellation desk: API, functions, schedule and tables (chalice package + infra/).",
        "Parameters": parameters(),
        "Rules": rules(),
        "Conditions": conditions(),
        "Globals": {"Function": {"Environment": {"Variables": environment()}}},
        "Resources": _merged(table_resources(), operations_resources(), chalice_overrides(),
                             events_stack.resources(_alarm), events_stack.function_overrides(),
                             webhooks_stack.resources(), webhooks_stack.function_overrides(),
                             rate_limit_stack.resources(), monitoring.resources(), evidence_bucket.resources()),
        "Outputs": {**outputs(), **events_stack.outputs(), **webhooks_stack.outputs(), **evidence_bucket.outputs()},
    }


def _merged(*parts: Json) -> Json:
    """Resources, the later parts' keys merged into the earlier ones' (as Chalice merges the template)."""
    out: Json = {}
    for part in parts:
        for name, resource in part.items():
            out[name] = _deep(out.get(name, {}), resource)
    return out


def _deep(base: Json, extra: Json) -> Json:
    merged = dict(base)
    for key, value in extra.items():
        merged[key] = _deep(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return merged


def write(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merge_template(), indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m infra.template OUT.json")
    write(Path(sys.argv[1]))
