"""The local stage's settings checked before anything starts: a bad value stops the runner with one line that
names the variable and the problem (`InvalidSetting`), never a traceback from deep inside a request.

The rules are the service's own (chalicelib.config's bounds and the domain's parsers), asked once up front,
with the service's own `InvalidSetting`; the few checked here are the runner's own variables.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib import config
from chalicelib.config import InvalidSetting as InvalidSetting  # the runner raises the service's own


def check_service_settings() -> None:
    """Every setting the service reads, parsed as its functions will parse it (the types and bounds when
    read, raising InvalidSetting; then the values the functions parse further)."""
    current = config.settings()
    try:
        ZoneInfo(current.market_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSetting("MARKET_TIMEZONE", f"{current.market_timezone!r} is not an IANA time zone "
                             "(e.g. Asia/Jakarta)") from None
    for name, parse in (("SFCR_BANDS", config.policy), ("REMINDER_LEAD_SECONDS", config.reminder_leads),
                        ("WEBHOOK_RETRY_SCHEDULE_SECONDS", config.webhooks),
                        ("CURSOR_SECRET_PREVIOUS_UNTIL", lambda: config.cursor_keys(datetime.now(UTC)))):
        try:
            parse()
        except InvalidSetting:
            raise  # it names its own variable (CURSOR_SECRET, say, behind the cursor keys)
        except (ValueError, RuntimeError) as error:
            raise InvalidSetting(name, _problem(str(error), name) + _FORMS.get(name, "")) from None
    if not isinstance(logging.getLevelName(current.log_level.upper()), int):
        raise InvalidSetting("LOG_LEVEL", f"{current.log_level!r} is not a level (DEBUG, INFO, WARNING, ERROR)")


_FORMS = {"SFCR_BANDS": " (the form: min_rate:STANDING:order_volume_cap,...; e.g. "
                         "0:GOOD:1,0.1:RESTRICTED:0.5)"}


def _problem(message: str, name: str) -> str:
    # The parsers' messages often start with the variable's name already.
    return message.removeprefix(name).lstrip(" :") or "not valid"


def port(raw: str) -> int:
    """PORT: 0 (any free port) to 65535."""
    try:
        number = int(raw)
    except ValueError:
        raise InvalidSetting("PORT", f"{raw!r} is not a port number (e.g. PORT=8001)") from None
    if not 0 <= number <= 65535:
        raise InvalidSetting("PORT", f"{number} is outside 0-65535")
    return number


def positive_seconds(name: str, raw: str) -> float:
    """A runner interval (LOCAL_SCHEDULE_SECONDS, LOCAL_SAVE_SECONDS): seconds above 0."""
    try:
        seconds = float(raw)
    except ValueError:
        raise InvalidSetting(name, f"{raw!r} is not a number of seconds") from None
    if not (seconds > 0 and math.isfinite(seconds)):
        raise InvalidSetting(name, f"must be above 0, not {raw!r}")
    return seconds


def flag(name: str, raw: str) -> bool:
    """A yes/no variable: 1/true/yes or 0/false/no (empty: no)."""
    value = raw.strip().lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("", "0", "false", "no"):
        return False
    raise InvalidSetting(name, f"{raw!r} is not 1/true/yes or 0/false/no")
