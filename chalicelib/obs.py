"""Structured logs: one JSON object per line, which CloudWatch Logs Insights queries by field."""

import json
import logging
import sys
from typing import Any

from . import config

_logger: logging.Logger | None = None


def logger() -> logging.Logger:
    global _logger
    if _logger is None:
        _logger = logging.getLogger("cancellation_desk")
        if not _logger.handlers:
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(logging.Formatter("%(message)s"))
            _logger.addHandler(handler)
            _logger.propagate = False
        _logger.setLevel(config.settings().log_level.upper())
    return _logger


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    log = logger()
    if log.isEnabledFor(level):
        log.log(level, json.dumps({"event": name, "level": logging.getLevelName(level), **fields},
                                  default=str, separators=(",", ":")))
