"""Each caller's rate limit in the stack (docs/deploy.md, "Rate limits"), merged into infra/template.py's merge
template: API Gateway usage plans keyed by the authorizer's `usageIdentifierKey`.

The REST API takes its usage keys from the authorizer (`ApiKeySourceType: AUTHORIZER`) and every gated route
requires one (`api_key_required`, chalicelib/api/routing.py). The callers' plan holds each seller's and each
buyer slot's key (the authorizer adds them on first sight, chalicelib/auth/usage_keys.py) and the keys shared by
failed tokens and by callers whose own key could not be made yet; the platform's key sits in a plan of the stage's
own limits. The callers' rate and burst are the Settings' defaults, the numbers the local runner emulates: one
place, so the two cannot drift.
"""

from typing import Any

from chalicelib.config import Settings
from chalicelib.domain.rate_limit import ANONYMOUS, PENDING, PLATFORM

Json = dict[str, Any]

CALLER_PLAN = "CallerUsagePlan"
PLATFORM_PLAN = "PlatformUsagePlan"
PLAN_NAME = "${AWS::StackName}-callers"  # the authorizer finds the plan by name: its id would make a cycle
KEY_PREFIX = "${AWS::StackName}-rate-limit-"  # + the caller: each key's name
# The keys the stack provisions itself: logical id -> (caller, plan).
SHARED_KEYS = {
    "AnonymousCallerKey": (ANONYMOUS, CALLER_PLAN),
    "PendingCallerKey": (PENDING, CALLER_PLAN),
    "PlatformCallerKey": (PLATFORM, PLATFORM_PLAN),
}
LIMITS = Settings()


def _plan(name: str, description: str, rate: Any, burst: Any) -> Json:
    return {
        "Type": "AWS::ApiGateway::UsagePlan",
        "Properties": {
            "UsagePlanName": {"Fn::Sub": name},
            "Description": description,
            # RestAPI.Stage: SAM's reference to the stage it makes, so the plan waits for it.
            "ApiStages": [{"ApiId": {"Ref": "RestAPI"}, "Stage": {"Ref": "RestAPI.Stage"}}],
            "Throttle": {"RateLimit": rate, "BurstLimit": burst},
        },
    }


def resources() -> Json:
    out: Json = {
        CALLER_PLAN: _plan(PLAN_NAME, "Each seller, buyer slot and the failed tokens: their own token bucket.",
                           LIMITS.rate_limit_per_second, LIMITS.rate_limit_burst),
        PLATFORM_PLAN: _plan("${AWS::StackName}-platform", "The platform: held only by the stage's throttle.",
                             {"Ref": "ApiThrottleRateLimit"}, {"Ref": "ApiThrottleBurstLimit"}),
    }
    for logical, (caller, plan) in SHARED_KEYS.items():
        # API Gateway makes the value (letters and digits); the authorizer reads it by the key's name.
        out[logical] = {"Type": "AWS::ApiGateway::ApiKey",
                        "Properties": {"Name": {"Fn::Sub": KEY_PREFIX + caller}, "Enabled": True}}
        out[logical + "InPlan"] = {"Type": "AWS::ApiGateway::UsagePlanKey",
                                   "Properties": {"KeyId": {"Ref": logical}, "KeyType": "API_KEY",
                                                  "UsagePlanId": {"Ref": plan}}}
    return out


def authorizer_environment() -> Json:
    """Only the authorizer names usage keys."""
    return {"RATE_LIMIT_USAGE_PLAN": {"Fn::Sub": PLAN_NAME}, "RATE_LIMIT_KEY_PREFIX": {"Fn::Sub": KEY_PREFIX}}


def api_definition() -> Json:
    """Merged into the REST API's definition: usage keys come from the authorizer, not from an x-api-key header."""
    return {"x-amazon-apigateway-api-key-source": "AUTHORIZER"}
