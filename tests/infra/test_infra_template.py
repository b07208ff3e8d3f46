"""The merge template: what it adds to Chalice's stack, checked without packaging."""

import json
import re
from pathlib import Path

from chalicelib.api.errors import GATEWAY_ERRORS
from infra import template
from infra.policies import chalice_config
from infra.tables import table_logical_ids

ROOT = Path(__file__).resolve().parents[2]
# Variables the stack provides; a stage value in .chalice/config.json would override the stack's (Chalice
# writes stage variables on each function, and SAM lets a function's own variables win over Globals).
STACK_VARIABLES = {*table_logical_ids(), "AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL", "CURSOR_SECRET",
                   "SELLER_CENTER_CONNECT_ORIGINS"}


def test_every_function_gets_the_table_names_from_the_stack():
    variables = template.merge_template()["Globals"]["Function"]["Environment"]["Variables"]
    resources = template.merge_template()["Resources"]
    for variable, logical in table_logical_ids().items():
        assert variables[variable] == {"Ref": logical}
        assert resources[logical]["Type"] == "AWS::DynamoDB::Table"


def test_the_prod_stage_leaves_stack_variables_to_the_stack():
    config = chalice_config()
    prod = config["stages"]["prod"]
    assert prod["environment_variables"]["AUTH_MODE"] == "jwks"
    assert not STACK_VARIABLES & set(prod["environment_variables"])
    assert not STACK_VARIABLES & set(config.get("environment_variables", {}))
    for function in prod.get("lambda_functions", {}).values():
        assert not STACK_VARIABLES & set(function.get("environment_variables", {}))


def test_identity_settings_come_from_parameters():
    variables = template.merge_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["AUTH_ISSUER"] == {"Ref": "AuthIssuer"}
    assert variables["AUTH_AUDIENCE"] == {"Ref": "AuthAudience"}
    derived, given = variables["AUTH_JWKS_URL"]["Fn::If"][1:]
    assert derived == {"Fn::Sub": "${AuthIssuer}/.well-known/jwks.json"}  # Cognito's layout
    assert given == {"Ref": "AuthJwksUrl"}
    assert "CURSOR_SECRET" not in variables  # only the API signs cursors
    assert "resolve:secretsmanager" in template.api_environment()["CURSOR_SECRET"]["Fn::Sub"]


def test_the_seller_center_pages_extra_origins_come_from_a_parameter_of_the_api_only():
    assert template.api_environment()["SELLER_CENTER_CONNECT_ORIGINS"] == {"Ref": "SellerCenterConnectOrigins"}
    assert template.parameters()["SellerCenterConnectOrigins"]["Default"] == ""
    assert "SELLER_CENTER_CONNECT_ORIGINS" not in template.merge_template()["Globals"]["Function"]["Environment"][
        "Variables"]


def test_gateway_responses_speak_the_error_contract():
    responses = template.gateway_responses()
    assert set(responses) == set(GATEWAY_ERRORS)
    for response_type, (status, code, message) in GATEWAY_ERRORS.items():
        response = responses[response_type]
        body = json.loads(response["responseTemplates"]["application/json"])
        assert body == {"error": {"code": code, "message": message}}
        assert response["responseParameters"]["gatewayresponse.header.Content-Type"] == "'application/json'"
        if response_type in template.KEEP_STATUS:
            assert "statusCode" not in response  # a 415 or a 502 keeps its status; only the body is reshaped
        else:
            assert response["statusCode"] == str(status)
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"  # API Gateway's "unknown route"
    assert json.loads(responses["UNAUTHORIZED"]["responseTemplates"]["application/json"])["error"]["code"] == \
        "TOKEN_MISSING"


def test_the_expiry_job_reports_failures():
    resources = template.merge_template()["Resources"]
    invoke = resources[template.EXPIRY_FUNCTION]["Properties"]["EventInvokeConfig"]
    assert invoke["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS", "Destination": {"Fn::GetAtt": [template.EXPIRY_QUEUE, "Arn"]}}
    errors = resources["ExpiryErrorsAlarm"]["Properties"]
    assert (errors["Namespace"], errors["MetricName"]) == ("AWS/Lambda", "Errors")
    assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": template.EXPIRY_FUNCTION}}]
    assert errors["Threshold"] == 1 and errors["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert errors["AlarmActions"] == [{"Ref": template.ALARM_TOPIC}]


def test_the_api_stage_is_throttled():
    settings = template.merge_template()["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert settings == [{"ResourcePath": "/*", "HttpMethod": "*",
                         "ThrottlingRateLimit": {"Ref": "ApiThrottleRateLimit"},
                         "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurstLimit"}}]


def test_the_documented_manual_run_payload_runs_the_job(api):
    """docs/deploy.md's `aws lambda invoke --payload` is an event the scheduled handler accepts."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    payload = json.loads(re.search(r"--payload '([^']+)'", text).group(1))
    report = api.client.lambda_.invoke("expire_cancellation_requests", payload).payload
    assert {"due_seen", "auto_approved", "skipped", "failed"} <= set(report)  # the job's report, not an error
    assert report["due_seen"] == 0
