"""Applies a stage's variables from .chalice/config.json under the environment: what is set wins."""

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def stage_variables(stage: str = "dev") -> dict[str, str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    merged = dict(config.get("environment_variables", {}))
    merged.update(config["stages"][stage].get("environment_variables", {}))
    return merged


def apply(stage: str = "dev") -> None:
    for name, value in stage_variables(stage).items():
        os.environ.setdefault(name, value)
