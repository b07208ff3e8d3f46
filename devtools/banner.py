"""What the runner prints once the stage is up: where everything is, the settings in effect, the demo orders,
the tokens to export and shell lines that work as printed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devtools import demo
from devtools.demo_tokens import TOKEN_TTL_SECONDS, token_exports
from devtools.local_environment import STAGE
from devtools.local_schedule import SCHEDULED_FUNCTION

if TYPE_CHECKING:
    from devtools.local_stage import LocalStage


def _kept(stage: LocalStage) -> str:
    """Where the tables live, and what this start began from."""
    if stage.data is None:
        return "in memory: gone when stopped"
    began = (f"restored from the save of {stage.restored.saved_at:%Y-%m-%d %H:%M:%S} UTC" if stage.restored
             else "a fresh start")
    return f"data kept in {stage.data.path}, saved on stop and every {stage.data.interval:g}s; {began}"


def _limits(stage: LocalStage) -> str:
    if stage.caller_limit is None:
        return "  limits     none per caller on this stage (the stack holds each one to RATE_LIMIT_PER_SECOND)"
    return (f"  limits     each caller {stage.caller_limit.per_second} requests/s, burst {stage.caller_limit.burst}, "
            "as the stack's usage plan (RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST); past it 429 RATE_LIMITED")


def text(stage: LocalStage) -> str:
    from chalicelib import config

    policy = config.policy()
    assert stage.scheduler is not None
    lines = [
        f"Cancellation desk, local stage '{STAGE}'",
        f"  API        {stage.base_url}   (OpenAPI document: {stage.base_url}/openapi.json)",
        f"  API docs   {stage.base_url}/docs   (the document in a browser, with Try it out)",
        f"  Seller     {stage.base_url}/app   (the Seller Center page: Sign in as S1 or S2, or paste a token)",
        f"  DynamoDB   embedded moto at {stage.dynamodb.endpoint} ({_kept(stage)})",
        f"  schedule   {SCHEDULED_FUNCTION} every {stage.scheduler.interval:g}s (LOCAL_SCHEDULE_SECONDS)",
        f"  policy     response window {int(policy.response_window.total_seconds())}s, grace period "
        f"{int(policy.grace_period.total_seconds())}s, SFCR window {policy.sfcr_window_days} days, "
        f"time zone {policy.market_timezone}",
        "             (any variable set in the environment beats .chalice/config.json)",
        _limits(stage),
        *(stage.webhooks.banner(stage.base_url) if stage.webhooks else []),
    ]
    if stage.events is not None:
        lines += stage.events.banner_lines(stage.base_url)
    if stage.shop is not None:
        lines.append(f"  clock      demo loaded at {demo.at_clock(stage.shop.loaded_at, stage.shop.loaded_at)}; "
                     f"a request waits {demo.span(policy.response_window)} for the seller, then the next "
                     "schedule run auto-approves it")
        lines += ["", *stage.shop.describe()]
    lines += ["", f"Tokens (valid {TOKEN_TTL_SECONDS // 86400} days); paste these first:"]
    lines += [f"  export {name}={value}" for name, value in token_exports(stage.tokens).items()]
    if stage.shop is not None:
        lines += ["", "Then try:"]
        for example in stage.shop.examples:
            lines += [f"  # {example.title}", f"  {example.curl(stage.base_url)}"]
    if stage.data is None:
        lines += ["", "Ctrl-C (or SIGTERM) stops the service; the data is in memory and goes with it."]
    else:
        lines += ["", f"Ctrl-C (or SIGTERM) stops the service; the data stays in {stage.data.path} for the next start "
                  "(FRESH=1 make run starts over with the demo)."]
    return "\n".join(lines)
