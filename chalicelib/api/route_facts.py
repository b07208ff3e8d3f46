"""The values a route's description and summary state, each read from where the rule lives.

A route's docstring names them as `{NAME}`; /openapi.json fills them in when it is built (`fill`), so the document
says what the code enforces: a limit, a window or a list of reasons changed at its source changes the sentence
too. An unknown name fails the document's build. Loaded with the document, never at a cold start.
"""

import re
from collections.abc import Iterable
from datetime import timedelta
from enum import Enum

from .. import config
from ..domain import evidence, limits, offers, reasons, webhooks
from ..domain.enums import AppealStatus

PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


def span(length: timedelta, unit: str) -> str:
    """`length` in whole `unit`s, as a sentence says it: "an hour", "5 days"."""
    count, rest = divmod(int(length.total_seconds()), _UNITS[unit])
    if rest or not count:
        raise ValueError(f"{length} is not a whole number of {unit}s")
    if count == 1:
        return f"{'an' if unit == 'hour' else 'a'} {unit}"
    return f"{count} {unit}s"


def words(members: Iterable[Enum], of: type[Enum]) -> str:
    """Members of an enum in its own order, as a sentence lists them: "A", "A and B", "A, B and C"."""
    chosen = set(members)
    values = [str(member.value) for member in of if member in chosen]
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} and {values[-1]}"


def _mib(size: int) -> str:
    mib, rest = divmod(size, 1024 * 1024)
    if rest:
        raise ValueError(f"{size} bytes is not a whole number of MiB")
    return f"{mib} MiB"


def facts() -> dict[str, str]:
    """Every value a description may name. The stage's settings may differ: the document states their defaults."""
    from ..store.webhooks import LOG_RETENTION  # the delivery log's retention is where the log is written

    defaults = config.Settings()
    return {
        **{name.upper(): str(value) for name, value in reasons.public_limits().items()},
        "EVIDENCE_SIZE": _mib(limits.MAX_EVIDENCE_BYTES),
        "EVIDENCE_TYPES": words(evidence.ContentType, evidence.ContentType).replace(" and ", " or "),
        "UPLOAD_VALID": span(evidence.UPLOAD_VALID, "minute"),
        "LINK_VALID": span(evidence.LINK_VALID, "minute"),
        "UNATTACHED_KEPT": span(timedelta(days=evidence.UNATTACHED_DAYS), "day"),
        "SHIP_BY_AHEAD": span(offers.MAX_SHIP_BY_AHEAD, "day"),
        "MIN_TIME_BACK": span(offers.MIN_TIME_BACK, "hour"),
        "EVIDENCE_REQUIRED": words(reasons.EVIDENCE_REQUIRED, reasons.RejectReason),
        "SYSTEM_REJECT_REASONS": words(reasons.SYSTEM_REJECT_REASONS, reasons.RejectReason),
        "SHIPPING_REJECT_REASON": reasons.SHIPPING_REJECT_REASON.value,
        "PARTIAL_CANCEL_REASONS": words(reasons.PARTIAL_CANCEL_REASONS, reasons.SellerCancelReason),
        "COMMENT_REQUIRED": words(reasons.COMMENT_REQUIRED, reasons.BuyerReason),
        "APPEAL_STATUSES": ", ".join(status.value for status in AppealStatus),
        "APPEAL_WINDOW_DAYS": str(defaults.appeal_window_days),
        "EVENT_RETENTION": span(timedelta(days=defaults.event_retention_days), "day"),
        "EVENT_FEED_SETTLE": span(timedelta(seconds=defaults.event_feed_settle_seconds), "minute"),
        "ROTATION_OVERLAP": span(webhooks.ROTATION_OVERLAP, "hour"),
        "WEBHOOK_DISABLE_AFTER": span(timedelta(seconds=defaults.webhook_disable_after_seconds), "day"),
        "DELIVERY_LOG_KEPT": span(LOG_RETENTION, "day"),
        "GONE_STATUS": str(webhooks.GONE_STATUS),
    }


def fill(text: str, known: dict[str, str] | None = None) -> str:
    """`text` with every `{NAME}` replaced by its fact; a name with no fact is a KeyError naming it."""
    values = facts() if known is None else known

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"a route's description names {{{name}}}, which route_facts.facts() does not hold")
        return values[name]

    return PLACEHOLDER.sub(value, text)
