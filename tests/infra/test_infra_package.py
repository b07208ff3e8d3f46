"""End to end: `scripts/package.sh` builds the stack and cfn-lint passes; then the stack itself is read.

Packaging takes seconds (pip's cache keeps the wheels scripts/locked_wheels.py downloads), so it runs here as
well as in CI's `make package`. The `package` fixture (tests/infra/conftest.py) builds it once per session.
"""

import copy
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from importlib import resources as package_resources
from pathlib import Path
from typing import Any

import pytest

from app import app  # noqa: F401 - registers every route into REGISTRY
from chalicelib.api import auth as api_auth
from chalicelib.api import docs_page, seller_center
from chalicelib.api.routing import REGISTRY
from chalicelib.config import Settings
from infra import policies, rate_limit_stack, template, webhooks_stack
from infra.tables import table_logical_ids
from scripts import lambda_zip, locked_wheels

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "chalicelib" / "domain" / "labels"
RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
# Chalice's logical ids for the app's functions.
FUNCTIONS = {policies.API_HANDLER: template.API_FUNCTION, policies.AUTHORIZER: template.AUTHORIZER_FUNCTION,
             policies.EXPIRY: template.EXPIRY_FUNCTION, policies.PUBLISHER: template.PUBLISHER_FUNCTION,
             policies.WEBHOOK_FAN_OUT: webhooks_stack.FAN_OUT_FUNCTION,
             policies.WEBHOOK_DELIVERY: webhooks_stack.DELIVERY_FUNCTION}


@pytest.fixture(scope="module")
def stack(package) -> dict[str, Any]:
    return json.loads((package / "sam.json").read_text())


@pytest.fixture(scope="module")
def transformed(stack) -> dict[str, Any]:
    """The stack as CloudFormation sees it once the SAM transform has run (as cfn-lint runs it)."""
    from cfnlint.template.transforms._sam import Transform

    region = os.environ.get("AWS_DEFAULT_REGION")
    sam = Transform("sam.json", copy.deepcopy(stack), "us-east-1")
    problems = sam.transform_template()
    if region is not None:
        os.environ["AWS_DEFAULT_REGION"] = region  # the transform sets it for itself
    assert problems == []
    return sam.template()


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: r for name, r in resources.items() if r["Type"] == kind}


def test_the_runtime_is_the_newest_python_lambda_and_chalice_support(stack):
    chosen = subprocess.run(["scripts/find-python"], cwd=ROOT, capture_output=True, text=True, check=True)
    version = subprocess.run([chosen.stdout.strip(), "-c", "import sys; print(*sys.version_info[:2], sep='.')"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert f"python{version}" == RUNTIME  # the tests run on the Python the package is built with
    assert RUNTIME == "python3.13"
    functions = of_type(stack["Resources"], "AWS::Serverless::Function")
    assert set(functions) == set(FUNCTIONS.values())
    assert {f["Properties"]["Runtime"] for f in functions.values()} == {RUNTIME}
    lifecycle = json.loads(package_resources.files("cfnlint.data.AdditionalSpecs")
                           .joinpath("LmbdRuntimeLifecycle.json").read_text())
    assert date.fromisoformat(lifecycle[RUNTIME]["deprecated"]) > date.today() + timedelta(days=365)


def test_the_code_package_holds_only_what_lambda_runs(package):
    names = zipfile.ZipFile(package / "deployment.zip").namelist()
    assert "app.py" in names and "chalicelib/store/models.py" in names
    assert not [n for n in names if n.split("/")[0] in {"tests", "infra", "devtools", "bench", "scripts", "web"}]
    assert any(n.startswith("pynamodb/") for n in names) and any(n.startswith("jwt/") for n in names)


def test_the_code_package_ships_the_api_viewer_and_the_api_routes_it(package, stack):
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        names = archive.namelist()
        for name in (docs_page.PAGE, *docs_page.ASSETS):
            assert archive.read(f"chalicelib/static/docs/{name}") == (docs_page.STATIC / name).read_bytes(), name
    assert not [n for n in names if n.endswith(".map") or "node_modules" in n]
    paths = stack["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    for path in ("/docs", "/docs/{asset}"):
        assert set(paths[path]) == {"get"}, path
        assert "security" not in paths[path]["get"], path  # open, like /openapi.json
    assert paths["/seller/orders"]["get"]["security"] == [{"api_key": []}, {"jwt_authorizer": []}]  # the check can tell


def test_the_code_package_ships_the_seller_center_page_and_the_api_routes_it_openly(package, stack):
    built = sorted(p.name for p in seller_center.STATIC.iterdir() if p.suffix in seller_center.TYPES)
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        for name in (seller_center.PAGE, *built):
            assert archive.read(f"chalicelib/static/seller-center/{name}") == (seller_center.STATIC / name).read_bytes()
        names = archive.namelist()
        shipped = sum(archive.getinfo(n).file_size for n in names if "static/seller-center/" in n)
    assert not [n for n in names if "seller-center" in n and n.endswith((".map", ".ts", ".tsx"))]
    assert shipped < 400_000  # bytes: the page adds little to the package
    paths = stack["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    for path in ("/app", "/app/{asset}"):
        assert set(paths[path]) == {"get"}, path
        assert "security" not in paths[path]["get"], path  # the page signs in itself; the API checks its token


def test_the_code_package_ships_every_reason_label_catalogue(package):
    catalogues = sorted(LABELS.glob("*.json"))
    assert {p.stem for p in catalogues} >= {"en", "id"}
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        for path in catalogues:
            assert archive.read(f"chalicelib/domain/labels/{path.name}") == path.read_bytes(), path.name


def test_every_function_reads_its_tables_by_reference(transformed):
    functions = of_type(transformed["Resources"], "AWS::Lambda::Function")
    assert len(functions) == len(FUNCTIONS)
    for name, function in functions.items():
        variables = function["Properties"]["Environment"]["Variables"]
        for variable, logical in table_logical_ids().items():
            assert variables[variable] == {"Ref": logical}, (name, variable)
        assert variables["AUTH_MODE"] == "jwks"
        assert variables["AUTH_ISSUER"] == {"Ref": "AuthIssuer"}
        assert variables["AUTH_AUDIENCE"] == {"Ref": "AuthAudience"}
        # Only the API signs and reads cursors; the secret is resolved by CloudFormation, never written in the
        # template, and a rotation's previous key comes from a NoEcho parameter.
        for variable in ("CURSOR_SECRET", "CURSOR_SECRET_PREVIOUS", "CURSOR_SECRET_PREVIOUS_UNTIL"):
            assert (variable in variables) == (name == template.API_FUNCTION), (name, variable)
    api = functions[template.API_FUNCTION]["Properties"]["Environment"]["Variables"]
    secret = "{{resolve:secretsmanager:${" + template.CURSOR_SECRET + "}:SecretString}}"
    assert api["CURSOR_SECRET"] == {"Fn::Sub": secret}
    assert api["CURSOR_SECRET_PREVIOUS"] == {"Ref": template.CURSOR_SECRET_PREVIOUS}
    assert transformed["Parameters"][template.CURSOR_SECRET_PREVIOUS]["NoEcho"] is True
    assert "CursorRotationHasAnEnd" in transformed["Rules"]


def test_every_role_carries_its_policy_file(stack):
    for function, logical in FUNCTIONS.items():
        function_resource = stack["Resources"][logical]
        role = function_resource["Properties"]["Role"]["Fn::GetAtt"][0]
        documents = [p["PolicyDocument"] for p in stack["Resources"][role]["Properties"]["Policies"]]
        assert documents == [policies.policy_document("prod", function)]


def test_every_function_has_a_log_group_with_retention(stack):
    retention = policies.chalice_config()["stages"]["prod"]["log_retention_in_days"]
    for logical in FUNCTIONS.values():
        group_name = template.LOG_GROUPS[logical]
        group = stack["Resources"][group_name]
        assert group["Properties"]["RetentionInDays"] == retention
        assert group["Properties"]["LogGroupName"] == {"Fn::Sub": "/aws/lambda/" + template.FUNCTION_NAMES[logical]}
        function = stack["Resources"][logical]
        assert function["Properties"]["FunctionName"] == {"Fn::Sub": template.FUNCTION_NAMES[logical]}
        assert function["DependsOn"] == [group_name]


def test_the_job_runs_every_five_minutes_and_its_failures_go_to_its_queue(transformed):
    resources = transformed["Resources"]
    rules = {name: rule for name, rule in of_type(resources, "AWS::Events::Rule").items()
             if "ScheduleExpression" in rule["Properties"]}
    assert [r["Properties"]["ScheduleExpression"] for r in rules.values()] == ["rate(5 minutes)"]
    target = next(iter(rules.values()))["Properties"]["Targets"][0]["Arn"]
    assert target == {"Fn::GetAtt": [template.EXPIRY_FUNCTION, "Arn"]}
    invoke_configs = list(of_type(resources, "AWS::Lambda::EventInvokeConfig").values())
    assert len(invoke_configs) == 1
    config = invoke_configs[0]["Properties"]
    assert config["FunctionName"] == {"Ref": template.EXPIRY_FUNCTION}
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": [template.EXPIRY_QUEUE, "Arn"]}


def test_the_api_stage_throttles_and_caches_the_authorizer(stack, transformed):
    stages = list(of_type(transformed["Resources"], "AWS::ApiGateway::Stage").values())
    assert len(stages) == 1
    [settings] = stages[0]["Properties"]["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ApiThrottleBurstLimit"}
    # The API definition as deployed (cfn-lint's transform blanks it, so it is read before the transform).
    body = stack["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    authorizer = body["securityDefinitions"]["jwt_authorizer"]["x-amazon-apigateway-authorizer"]
    assert authorizer["authorizerResultTtlInSeconds"] == api_auth.CACHE_SECONDS
    assert body["x-amazon-apigateway-gateway-responses"] == template.gateway_responses()


def test_each_gated_route_is_held_to_its_callers_usage_plan(stack, transformed):
    """Usage keys come from the authorizer, every route behind it needs one (and no open route does: it has no
    authorizer to name one), and both plans are on the API's one stage, the callers' at the Settings' limit."""
    body = stack["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    assert body["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    gated = 0
    for path, methods in body["paths"].items():
        for method, operation in methods.items():
            security = operation.get("security") or []
            assert ({"api_key": []} in security) == ({"jwt_authorizer": []} in security), (path, method)
            gated += {"jwt_authorizer": []} in security
    assert gated == sum(1 for spec in REGISTRY if spec.role is not None)
    resources = transformed["Resources"]
    [stage] = of_type(resources, "AWS::ApiGateway::Stage")
    plans = of_type(resources, "AWS::ApiGateway::UsagePlan")
    assert set(plans) == {rate_limit_stack.CALLER_PLAN, rate_limit_stack.PLATFORM_PLAN}
    for plan in plans.values():
        assert plan["Properties"]["ApiStages"] == [{"ApiId": {"Ref": "RestAPI"}, "Stage": {"Ref": stage}}]
    limits = Settings()
    assert plans[rate_limit_stack.CALLER_PLAN]["Properties"]["Throttle"] == {
        "RateLimit": limits.rate_limit_per_second, "BurstLimit": limits.rate_limit_burst}
    assert len(of_type(resources, "AWS::ApiGateway::UsagePlanKey")) == len(rate_limit_stack.SHARED_KEYS)
    variables = resources[template.AUTHORIZER_FUNCTION]["Properties"]["Environment"]["Variables"]
    assert variables["RATE_LIMIT_USAGE_PLAN"] == plans[rate_limit_stack.CALLER_PLAN]["Properties"]["UsagePlanName"]


def test_tables_are_in_the_stack(transformed):
    tables = of_type(transformed["Resources"], "AWS::DynamoDB::Table")
    assert set(tables) == set(table_logical_ids().values())
    assert all(t["DeletionPolicy"] == "Retain" for t in tables.values())


def test_the_stream_function_reads_the_events_stream_with_what_chalice_does_not_expose(transformed):
    resources = transformed["Resources"]
    (mapping,) = [m for m in of_type(resources, "AWS::Lambda::EventSourceMapping").values()
                  if m["Properties"]["FunctionName"] == {"Ref": template.PUBLISHER_FUNCTION}]
    props = mapping["Properties"]
    assert props["EventSourceArn"] == {"Fn::GetAtt": ["EventsTable", "StreamArn"]}
    assert props["FunctionName"] == {"Ref": template.PUBLISHER_FUNCTION}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert props["MaximumRetryAttempts"] == 10 and props["MaximumRecordAgeInSeconds"] == 86400
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]}
    (only,) = props["FilterCriteria"]["Filters"]
    assert json.loads(only["Pattern"])["eventName"] == ["INSERT"]
    table = resources["EventsTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    variables = resources[template.PUBLISHER_FUNCTION]["Properties"]["Environment"]["Variables"]
    assert variables["EVENT_BUS_NAME"] == {"Ref": "EventBus"}
    assert variables["EVENTS_DLQ_URL"] == {"Ref": "EventsDeadLetterQueue"}


def test_the_bus_is_exported_and_its_dead_letters_raise_an_alarm(stack):
    outputs = stack["Outputs"]
    assert outputs["EventBusArn"]["Export"] == {"Name": {"Fn::Sub": "${AWS::StackName}-EventBusArn"}}
    assert outputs["EventBusName"]["Value"] == {"Ref": "EventBus"}
    alarm = stack["Resources"]["EventsDeadLetterAlarm"]["Properties"]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["EventsDeadLetterQueue",
                                                                                  "QueueName"]}}]
    assert alarm["Threshold"] == 1 and alarm["AlarmActions"] == [{"Ref": template.ALARM_TOPIC}]


def test_tracing_is_on_for_every_function_and_the_gateway(transformed):
    for name, function in of_type(transformed["Resources"], "AWS::Lambda::Function").items():
        assert function["Properties"]["TracingConfig"] == {"Mode": "Active"}, name
    (stage,) = of_type(transformed["Resources"], "AWS::ApiGateway::Stage").values()
    assert stage["Properties"]["TracingEnabled"] is True


def test_the_zip_ships_exactly_the_distributions_the_runtime_lock_pins(package):
    """requirements.txt (scripts/lock.sh) pins every distribution with its hashes: the zip holds those, at
    those versions, and nothing else."""
    def normal(name: str) -> str:
        return name.lower().replace("_", "-").replace(".", "-")

    locked = {(normal(line.split("==")[0]), line.split("==")[1].split()[0])
              for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line and line[0].isalpha()}
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        shipped = {(normal(folder.rsplit("-", 1)[0]), folder.rsplit("-", 1)[1])
                   for folder in {name.split("/")[0][: -len(".dist-info")] for name in archive.namelist()
                                  if name.split("/")[0].endswith(".dist-info")}}
    assert shipped == locked
    lock = (ROOT / "requirements.txt").read_text()
    hashed = re.findall(r"^[a-z].*==.*\\\n    --hash=sha256:[0-9a-f]{64}", lock, re.M)
    assert len(hashed) == len(locked)


def test_every_library_file_the_zip_ships_is_one_of_a_wheel_whose_sha256_the_lock_lists(package, stack):
    """The wheels the zip was built from (scripts/locked_wheels.py keeps them beside the package) are the lock's,
    file by file, and built for the functions' runtime and architecture; every file of the zip other than the
    app's own and chalice's is the very bytes of one of them, and nothing they hold that Lambda loads is left out."""
    pins = locked_wheels.read_lock((ROOT / "requirements.txt").read_text())
    wheels = sorted((package.parent / "wheels").iterdir())
    assert {locked_wheels.wheel_pin(w.name) for w in wheels} == {(name, pin.version) for name, pin in pins.items()}
    for wheel in wheels:
        assert locked_wheels.sha256(wheel) in pins[locked_wheels.wheel_pin(wheel.name)[0]].hashes, wheel.name
    functions = of_type(stack["Resources"], "AWS::Serverless::Function").values()
    assert {tuple(f["Properties"]["Architectures"]) for f in functions} == {(locked_wheels.MACHINE,)}
    major, minor = sys.version_info[:2]  # the template's Runtime (test_the_runtime_is_the_newest_python...)
    platforms = {"any", *locked_wheels.platforms((major, minor))}
    for wheel in wheels:
        *_, abis, tags = wheel.name.removesuffix(".whl").split("-")
        assert set(abis.split(".")) & {f"cp{major}{minor}", "abi3", "none"}, wheel.name
        assert set(tags.split(".")) & platforms, wheel.name

    from_wheels: dict[str, bytes] = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                name = locked_wheels.installed_name(wheel, member)
                if name is not None and not lambda_zip.dropped(name) and "__pycache__" not in name:
                    from_wheels[name] = archive.read(member)
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        libraries = {name: archive.read(name) for name in archive.namelist()
                     if name.split("/")[0] not in {"app.py", "chalicelib", "chalice"} and "__pycache__" not in name}
    assert set(libraries) == set(from_wheels)
    assert [name for name, content in libraries.items() if content != from_wheels[name]] == []
