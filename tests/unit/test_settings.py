"""Settings have one source: the typed `Settings` in chalicelib/config.py. The dev stage of .chalice/config.json
and the README's configuration table must say the same defaults, and every variable they name must exist."""

import json
import re
from typing import Annotated, get_args, get_origin, get_type_hints

import msgspec
import pytest

from chalicelib import config
from chalicelib.config import VARIABLES, Settings
from tests.support.paths import ROOT

# The local runner's own variables: read by devtools only, never by the functions.
LOCAL_ONLY = {"LOCAL_SCHEDULE_SECONDS", "PORT", "LOCAL_DATA_DIR", "LOCAL_SAVE_SECONDS", "FRESH"}
# Stage-provided values that have no safe default: empty in code means "not configured" (fail closed).
STAGE_PROVIDED = {"AUTH_JWT_SECRET", "AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL", "CURSOR_SECRET"}
# Switches that open a door: off in code (fail closed), on in the dev stage only, off in prod explicitly.
DEV_ONLY = {"WEBHOOK_ALLOW_PRIVATE_NETWORKS", "WEBHOOK_ALLOW_HTTP"}
DEFAULTS = Settings()


def stage(name: str) -> dict[str, str]:
    document = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {**document.get("environment_variables", {}), **document["stages"][name].get("environment_variables", {})}


def as_setting(variable: str, value: str) -> object:
    parsed = msgspec.convert({variable.lower(): value}, Settings, strict=False)
    return getattr(parsed, variable.lower())


def test_every_stage_variable_is_a_setting_or_the_local_runners_own():
    for name in ("dev", "test", "prod"):
        unknown = set(stage(name)) - set(VARIABLES) - LOCAL_ONLY
        assert not unknown, f"{name} stage sets variables nothing reads: {sorted(unknown)}"


def test_the_dev_stage_says_the_defaults_in_code():
    dev = stage("dev")
    for variable in VARIABLES:
        default = getattr(DEFAULTS, variable.lower())
        if variable in STAGE_PROVIDED:
            assert default == "", f"{variable} must have no default: a stage provides it"
            continue
        if variable in DEV_ONLY:
            assert default is False and as_setting(variable, dev[variable]) is True, variable
            continue
        if variable in dev:
            assert as_setting(variable, dev[variable]) == default, (variable, dev[variable], default)


def test_what_opens_a_door_is_shut_in_prod():
    prod = stage("prod")
    for variable in DEV_ONLY:
        assert as_setting(variable, prod[variable]) is False, variable


def test_the_dev_stage_provides_what_has_no_default():
    dev = stage("dev")
    assert {v for v in STAGE_PROVIDED if v != "AUTH_JWKS_URL"} <= set(dev)  # hs256 locally: no JWKS


def test_every_stage_parses_into_typed_settings(monkeypatch):
    for name in ("dev", "prod"):
        for variable, value in stage(name).items():
            if variable not in LOCAL_ONLY:
                as_setting(variable, value)


def test_the_readme_table_says_the_defaults_in_code():
    text = (ROOT / "README.md").read_text()
    table = text[text.index("## Configuration"):]
    rows = re.findall(r"^\| `([A-Z_]+)` \| ([^|]+) \|", table, flags=re.M)
    checked = 0
    for variable, written in rows:
        if variable in LOCAL_ONLY:
            continue
        assert variable in VARIABLES, f"the README documents {variable}, which nothing reads"
        default = getattr(DEFAULTS, variable.lower())
        if isinstance(default, int | float) or variable in ("MARKET_TIMEZONE", "AUTH_MODE", "LOG_LEVEL"):
            assert as_setting(variable, written.strip().strip("`")) == default, (variable, written)
            checked += 1
    assert checked >= 8


def test_every_setting_is_in_the_readme():
    text = (ROOT / "README.md").read_text()
    table = text[text.index("## Configuration"):]
    missing = [variable for variable in VARIABLES if f"`{variable}`" not in table]
    assert not missing


def test_the_environment_is_read_when_asked_and_wins_over_the_default(monkeypatch):
    monkeypatch.setenv("SELLER_RESPONSE_WINDOW_SECONDS", "5")
    assert config.settings().seller_response_window_seconds == 5
    assert config.policy().response_window.total_seconds() == 5
    monkeypatch.setenv("SELLER_RESPONSE_WINDOW_SECONDS", "")
    assert config.settings().seller_response_window_seconds == DEFAULTS.seller_response_window_seconds


def test_a_bad_value_names_the_setting(monkeypatch):
    monkeypatch.setenv("EXPIRY_CONCURRENCY", "thirty-two")
    with pytest.raises(config.InvalidSetting, match=r"^EXPIRY_CONCURRENCY: 'thirty-two' is not valid \(expected int"):
        config.settings()


# What the runner checks before it starts (devtools/local_settings.py): each case stops it with this one line.
INVALID = [
    ("SELLER_RESPONSE_WINDOW_SECONDS", "two days", "'two days' is not valid (expected int"),
    ("SELLER_RESPONSE_WINDOW_SECONDS", "-5", "'-5' is not valid (expected int >= 1)"),
    ("SELLER_RESPONSE_WINDOW_SECONDS", "0", "'0' is not valid (expected int >= 1)"),
    ("BUYER_GRACE_PERIOD_SECONDS", "-1", "'-1' is not valid (expected int >= 0)"),
    ("BUYER_OFFER_WINDOW_SECONDS", "0", "expected int >= 1"),
    ("APPEAL_WINDOW_DAYS", "0", "expected int >= 1"),
    ("APPEAL_REVIEW_SECONDS", "-1", "expected int >= 1"),
    ("SFCR_WINDOW_DAYS", "0", "expected int >= 1"),
    ("SFCR_WINDOW_DAYS", "91", "expected int <= 90"),
    ("SFCR_TARGET", "-1", "'-1' is not valid (expected float >= 0.0)"),
    ("SFCR_TARGET", "2.5", "expected float <= 1.0"),
    ("AUTH_MODE", "bogus", "'bogus' is not valid (expected hs256 or jwks)"),
    ("AUTH_MODE", "JWKS", "expected hs256 or jwks"),
    ("COUNTER_SHARDS", "0", "'0' is not valid (expected int >= 1)"),
    ("COUNTER_SHARDS", "5000", "expected int <= 1024"),
    ("EXPIRY_CONCURRENCY", "-3", "'-3' is not valid (expected int >= 1)"),
    ("EXPIRY_CONCURRENCY", "10000", "expected int <= 256"),
    ("EXPIRY_SAFETY_MARGIN_MS", "-1", "expected int >= 0"),
    ("EVENT_PUBLISH_ATTEMPTS", "0", "'0' is not valid (expected int >= 1)"),
    ("EVENT_PUBLISH_ATTEMPTS", "20", "expected int <= 8"),
    ("EVENT_RETENTION_DAYS", "0", "expected int >= 1"),
    ("EVENT_FEED_SETTLE_SECONDS", "-300", "expected int >= 0"),
    ("DUE_SOON_SECONDS", "0", "expected int >= 1"),
    ("WEBHOOK_DISABLE_AFTER_SECONDS", "0", "expected int >= 1"),
    ("WEBHOOK_ALLOW_HTTP", "perhaps", "expected bool"),
    ("RATE_LIMIT_PER_SECOND", "0", "'0' is not valid (expected int >= 1)"),
    ("RATE_LIMIT_BURST", "0", "'0' is not valid (expected int >= 1)"),
    ("MARKET_TIMEZONE", "Asia/Atlantis", "not an IANA time zone"),
    ("SFCR_BANDS", "GOOD", "the form: min_rate:STANDING:order_volume_cap"),
    ("REMINDER_LEAD_SECONDS", "-60", "must be positive"),
    ("WEBHOOK_RETRY_SCHEDULE_SECONDS", "5,1", "must rise"),
    ("CURSOR_SECRET_PREVIOUS_UNTIL", "soon", "must be an ISO 8601 instant"),
    ("LOG_LEVEL", "LOUD", "is not a level"),
]


@pytest.mark.parametrize(("variable", "value", "problem"), INVALID)
def test_an_invalid_setting_is_refused_with_one_line_naming_it(monkeypatch, variable, value, problem):
    from devtools.local_settings import check_service_settings

    monkeypatch.setenv(variable, value)
    if variable == "CURSOR_SECRET_PREVIOUS_UNTIL":
        monkeypatch.setenv("CURSOR_SECRET_PREVIOUS", "the-key-before-0123456789")
    with pytest.raises(config.InvalidSetting) as refused:
        check_service_settings()
    assert refused.value.name == variable and problem in refused.value.problem, str(refused.value)
    assert "\n" not in str(refused.value)


def test_the_valid_settings_pass_the_check_at_their_bounds(monkeypatch):
    from devtools.local_settings import check_service_settings

    check_service_settings()  # the dev stage's values
    for variable, value in (("COUNTER_SHARDS", "1"), ("COUNTER_SHARDS", "1024"), ("BUYER_GRACE_PERIOD_SECONDS", "0"),
                            ("EVENT_FEED_SETTLE_SECONDS", "0"), ("SFCR_TARGET", "0"), ("SFCR_TARGET", "1"),
                            ("EVENT_PUBLISH_ATTEMPTS", "8"), ("AUTH_MODE", "jwks"), ("EXPIRY_SAFETY_MARGIN_MS", "0")):
        monkeypatch.setenv(variable, value)
        check_service_settings()


def test_every_number_setting_carries_its_bounds():
    """An int or float field without bounds would take 0 or a negative value without a word."""
    unbounded = []
    for field, hint in get_type_hints(Settings, include_extras=True).items():
        base, *extras = get_args(hint) if get_origin(hint) is Annotated else (hint,)
        if base in (int, float) and not any(isinstance(e, msgspec.Meta) and (e.ge, e.gt) != (None, None)
                                             for e in extras):
            unbounded.append(field.upper())
    assert not unbounded


def test_the_cursor_key_has_no_fallback_and_a_missing_one_is_named(monkeypatch):
    from chalicelib.api import cursors
    from devtools.local_settings import check_service_settings

    monkeypatch.setenv("CURSOR_SECRET", "")
    assert config.settings().auth_jwt_secret  # set, and never used in its place
    for attempt in (lambda: cursors.encode({"k": "v"}, caller="c", query="q"),
                    lambda: cursors.decode("e30.c2ln", caller="c", query="q"), check_service_settings):
        with pytest.raises(config.InvalidSetting, match=r"^CURSOR_SECRET: not set: page cursors are signed with a "
                                                         r"key of their own"):
            attempt()


def test_a_deployed_function_refuses_an_invalid_setting_naming_it(monkeypatch):
    """The functions read the same Settings: the first call fails with the same line (a 500 and its log in the
    cloud), never with a value out of its bounds in use."""
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "cancellation-desk-prod")
    monkeypatch.setenv("AUTH_JWT_SECRET", "a-secret-of-this-account-only-0123456789")
    monkeypatch.setenv("CURSOR_SECRET", "another-secret-of-this-account-0123456789")
    monkeypatch.setenv("COUNTER_SHARDS", "0")
    with pytest.raises(config.InvalidSetting, match=r"^COUNTER_SHARDS: '0' is not valid \(expected int >= 1\)$"):
        config.settings()


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        DEFAULTS.expiry_concurrency = 1  # type: ignore[misc]


@pytest.mark.parametrize("variable", [v for v in VARIABLES if v.endswith("_TABLE")])
def test_the_table_name_fast_path_says_what_the_settings_say(monkeypatch, variable):
    for value in (None, "", "cancel-desk-test-table"):
        if value is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, value)
        assert config.table_name(variable) == getattr(config.settings(), variable.lower())


def test_the_dev_stages_committed_secrets_carry_the_prefix_deployed_functions_refuse():
    dev = stage("dev")
    committed = [name for name in config.SECRETS if name in dev]
    assert committed == ["AUTH_JWT_SECRET", "CURSOR_SECRET"]
    assert all(dev[name].startswith(config.COMMITTED_SECRET_PREFIX) for name in committed)


def test_a_function_deployed_with_the_dev_stages_secrets_refuses_to_run(monkeypatch):
    for variable, value in stage("dev").items():
        monkeypatch.setenv(variable, value)
    assert config.settings().cursor_secret  # the local runner: the dev stage's values are its own
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "cancellation-desk-dev")
    with pytest.raises(RuntimeError, match=r"^AUTH_JWT_SECRET, CURSOR_SECRET hold the dev stage's committed values"):
        config.settings()
    monkeypatch.setenv("AUTH_JWT_SECRET", "a-secret-of-this-account-only-0123456789")
    monkeypatch.setenv("CURSOR_SECRET", "another-secret-of-this-account-0123456789")
    assert config.settings().auth_jwt_secret.startswith("a-secret")


@pytest.mark.parametrize(("variable", "claim"), [("AUTH_ISSUER", "iss"), ("AUTH_AUDIENCE", "aud")])
def test_an_empty_issuer_or_audience_refuses_every_token(monkeypatch, variable, claim):
    """PyJWT skips the claim's check when it is given none: a token naming any issuer would pass."""
    from chalicelib.auth.tokens import AuthFailure, verify_token
    from devtools.tokens import mint

    for name, value in stage("dev").items():
        monkeypatch.setenv(name, value)
    token = mint("seller", "user-S1", seller_id="S1", **{claim: "https://anyone.example.com"})
    monkeypatch.setenv(variable, "")
    with pytest.raises(AuthFailure) as refused:
        verify_token(f"Bearer {token}")
    assert refused.value.code == "AUTH_NOT_CONFIGURED"
