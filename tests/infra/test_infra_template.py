"""The merge template: what it adds to Chalice's stack, checked without packaging."""

import json
import re
from pathlib import Path

from chalicelib.api.errors import GATEWAY_ERRORS, GATEWAY_HEADERS, RETRY_AFTER_SECONDS
from chalicelib.config import Settings
from chalicelib.domain import rate_limit
from chalicelib.domain.clock import parse_iso
from infra import rate_limit_stack, template
from infra.policies import chalice_config
from infra.tables import table_logical_ids

ROOT = Path(__file__).resolve().parents[2]
# Variables the stack provides; a stage value in .chalice/config.json would override the stack's (Chalice
# writes stage variables on each function, and SAM lets a function's own variables win over Globals).
STACK_VARIABLES = {*table_logical_ids(), "AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL", "CURSOR_SECRET",
                   "CURSOR_SECRET_PREVIOUS", "CURSOR_SECRET_PREVIOUS_UNTIL",
                   "SELLER_CENTER_CONNECT_ORIGINS", "METRICS_STAGE", "RATE_LIMIT_USAGE_PLAN", "RATE_LIMIT_KEY_PREFIX",
                   "EVIDENCE_BUCKET"}


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


def test_a_cursor_key_rotation_is_two_parameters_passed_to_the_api_only():
    """The key CursorSecret held before (never shown: NoEcho) and until when it reads cursors; the instant's
    pattern takes only what the code parses, and a previous key without an end is refused before deploying."""
    parameters = template.parameters()
    previous = parameters[template.CURSOR_SECRET_PREVIOUS]
    until = parameters[template.CURSOR_SECRET_PREVIOUS_UNTIL]
    assert previous["NoEcho"] is True and previous["Default"] == "" and until["Default"] == ""
    api = template.api_environment()
    assert api["CURSOR_SECRET_PREVIOUS"] == {"Ref": template.CURSOR_SECRET_PREVIOUS}
    assert api["CURSOR_SECRET_PREVIOUS_UNTIL"] == {"Ref": template.CURSOR_SECRET_PREVIOUS_UNTIL}
    every_function = template.merge_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert not {"CURSOR_SECRET_PREVIOUS", "CURSOR_SECRET_PREVIOUS_UNTIL"} & set(every_function)
    pattern = re.compile(until["AllowedPattern"])
    for instant in ("2026-12-08T12:00:00Z", "2026-12-08T19:00+07:00", "2026-12-08T12:00:00.5-03:30"):
        assert pattern.fullmatch(instant), instant
        parse_iso(instant)
    for refused in ("tomorrow", "2026-12-08", "2026-12-08T12:00:00", "2026-12-08 12:00:00Z"):
        assert not pattern.fullmatch(refused), refused
    assert pattern.fullmatch("")  # no rotation
    rule = template.merge_template()["Rules"]["CursorRotationHasAnEnd"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": template.CURSOR_SECRET_PREVIOUS}, ""]}]}
    assert [a["Assert"] for a in rule["Assertions"]] == [
        {"Fn::Not": [{"Fn::Equals": [{"Ref": template.CURSOR_SECRET_PREVIOUS_UNTIL}, ""]}]}]


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
        headers = {"Content-Type": "application/json", **GATEWAY_HEADERS.get(response_type, {})}
        assert response["responseParameters"] == {f"gatewayresponse.header.{name}": f"'{value}'"
                                                  for name, value in headers.items()}
        if response_type in template.KEEP_STATUS:
            assert "statusCode" not in response  # a 415 or a 502 keeps its status; only the body is reshaped
        else:
            assert response["statusCode"] == str(status)
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"  # API Gateway's "unknown route"
    assert json.loads(responses["UNAUTHORIZED"]["responseTemplates"]["application/json"])["error"]["code"] == \
        "TOKEN_MISSING"


def test_api_gateways_429_is_rate_limited_with_retry_after():
    responses = template.gateway_responses()
    for response_type in ("THROTTLED", "QUOTA_EXCEEDED"):
        response = responses[response_type]
        assert response["statusCode"] == "429"
        assert response["responseParameters"]["gatewayresponse.header.Retry-After"] == f"'{RETRY_AFTER_SECONDS}'"
        assert json.loads(response["responseTemplates"]["application/json"])["error"]["code"] == "RATE_LIMITED"


def test_each_caller_has_a_usage_plan_at_the_limit_the_local_runner_emulates():
    merged = template.merge_template()
    resources = merged["Resources"]
    callers = resources[rate_limit_stack.CALLER_PLAN]["Properties"]
    defaults = Settings()
    assert callers["Throttle"] == {"RateLimit": defaults.rate_limit_per_second, "BurstLimit": defaults.rate_limit_burst}
    assert callers["ApiStages"] == [{"ApiId": {"Ref": "RestAPI"}, "Stage": {"Ref": "RestAPI.Stage"}}]
    assert callers["UsagePlanName"] == {"Fn::Sub": "${AWS::StackName}-callers"}
    platform = resources[rate_limit_stack.PLATFORM_PLAN]["Properties"]
    assert platform["Throttle"] == {"RateLimit": {"Ref": "ApiThrottleRateLimit"},
                                    "BurstLimit": {"Ref": "ApiThrottleBurstLimit"}}
    # Usage keys come from the authorizer, which finds the plan by the name the stack gives it.
    definition = resources["RestAPI"]["Properties"]["DefinitionBody"]
    assert definition["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    variables = resources[template.AUTHORIZER_FUNCTION]["Properties"]["Environment"]["Variables"]
    assert variables == {"RATE_LIMIT_USAGE_PLAN": callers["UsagePlanName"],
                         "RATE_LIMIT_KEY_PREFIX": {"Fn::Sub": "${AWS::StackName}-rate-limit-"}}
    assert "RATE_LIMIT_USAGE_PLAN" not in merged["Globals"]["Function"]["Environment"]["Variables"]


def test_the_stack_provisions_the_shared_keys_each_in_its_plan():
    resources = template.merge_template()["Resources"]
    keys = {name: r["Properties"] for name, r in resources.items() if r.get("Type") == "AWS::ApiGateway::ApiKey"}
    in_plans = {r["Properties"]["KeyId"]["Ref"]: r["Properties"]["UsagePlanId"]["Ref"] for r in resources.values()
                if r.get("Type") == "AWS::ApiGateway::UsagePlanKey"}
    callers = {rate_limit.ANONYMOUS: rate_limit_stack.CALLER_PLAN, rate_limit.PENDING: rate_limit_stack.CALLER_PLAN,
               rate_limit.PLATFORM: rate_limit_stack.PLATFORM_PLAN}
    assert {keys[name]["Name"]["Fn::Sub"].removeprefix(rate_limit_stack.KEY_PREFIX): plan
            for name, plan in in_plans.items()} == callers
    for key in keys.values():
        assert key["Enabled"] is True
        assert "Value" not in key  # API Gateway makes it; the authorizer reads it by the key's name


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


def _alarm_rows() -> dict[str, str]:
    """Each alarm the docs' table names, with its row's last cell (what to do)."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    section = text[text.index("## 5. What watches it"):text.index("### Metrics, logs and traces")]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            for name in re.findall(r"`([A-Za-z0-9]+Alarm)`", cells[0]):
                rows[name] = cells[2]
    return rows


def test_every_alarm_has_a_runbook_line_in_the_deploy_guide():
    alarms = {name for name, resource in template.merge_template()["Resources"].items()
              if resource.get("Type") == "AWS::CloudWatch::Alarm"}
    rows = _alarm_rows()
    assert sorted(alarms - set(rows)) == [], "alarms without a runbook line in docs/deploy.md"
    assert sorted(set(rows) - alarms) == [], "docs/deploy.md documents alarms the stack does not have"
    assert all(len(runbook) >= 20 for runbook in rows.values()), "a runbook line says what to do"


def test_operators_are_alarmed_on_the_api_every_function_every_table_and_the_webhook_lanes():
    resources = template.merge_template()["Resources"]
    alarms = {name: resource["Properties"] for name, resource in resources.items()
              if resource.get("Type") == "AWS::CloudWatch::Alarm"}

    def watched(namespace: str, metric: str) -> list[object]:
        found = []
        for properties in alarms.values():
            stats = [m["MetricStat"]["Metric"] for m in properties.get("Metrics", []) if "MetricStat" in m]
            for spec in [properties, *stats]:
                if spec.get("Namespace") == namespace and spec.get("MetricName") == metric:
                    found.append(next(iter(spec["Dimensions"]))["Value"])
        return found

    functions = list(template.FUNCTION_NAMES)
    assert sorted(f["Ref"] for f in watched("AWS/Lambda", "Throttles")) == sorted(functions)
    assert sorted(f["Ref"] for f in watched("AWS/Lambda", "Errors")) == sorted(functions)
    tables = sorted(table_logical_ids().values())
    assert sorted(t["Ref"] for t in watched("AWS/DynamoDB", "ReadThrottleEvents")) == tables
    assert sorted(t["Ref"] for t in watched("AWS/DynamoDB", "WriteThrottleEvents")) == tables
    assert watched("AWS/ApiGateway", "5XXError") == [{"Ref": "AWS::StackName"}]
    assert alarms["ApiLatencyAlarm"]["ExtendedStatistic"] == "p99"
    ages = watched("AWS/SQS", "ApproximateAgeOfOldestMessage")
    assert sorted(q["Fn::GetAtt"][0] for q in ages) == ["WebhookDeliveryQueue", "WebhookEventsQueue"]
    assert all(a["AlarmActions"] == [{"Ref": template.ALARM_TOPIC}] for a in alarms.values())


def test_the_dashboard_shows_this_stacks_metrics_only():
    from chalicelib import obs
    from infra import monitoring

    resources = template.merge_template()["Resources"]
    body = json.loads(resources[monitoring.DASHBOARD]["Properties"]["DashboardBody"]["Fn::Sub"])
    desk_metrics = [m for widget in body["widgets"] for m in widget["properties"]["metrics"]
                    if m[0] == obs.NAMESPACE]
    assert {m[1] for m in desk_metrics} == set(obs.METRICS)
    assert all(m[-2:] == ["Stage", "${AWS::StackName}"] for m in desk_metrics)
    assert template.environment()["METRICS_STAGE"] == {"Ref": "AWS::StackName"}
    assert resources["RestAPI"]["Properties"]["Name"] == {"Ref": "AWS::StackName"}
