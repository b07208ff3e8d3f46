"""Runs one packaged function as the Lambda runtime does, from an unzipped deployment package.

    python -P -S lambda_probe.py TASK_ROOT HANDLER EVENTS_JSON

TASK_ROOT goes first on `sys.path` (Lambda's /var/task), `-S` keeps any site-packages out, and the handler
("module.attribute", the template's Handler) is imported by name and called once per event, as the runtime
calls it. Prints one JSON line: the handler's answers and the file of every module loaded from TASK_ROOT.
Only the standard library runs before the handler's module is imported.
"""

import importlib
import json
import sys
from pathlib import Path
from typing import Any


class Context:
    """The parts of Lambda's context object the functions read."""

    function_name = "probe"
    aws_request_id = "00000000-0000-0000-0000-000000000000"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 60_000


def main(root: str, handler: str, events: str) -> None:
    sys.path.insert(0, root)
    module_name, attribute = handler.rsplit(".", 1)
    function = getattr(importlib.import_module(module_name), attribute)
    answers: list[Any] = [function(event, Context()) for event in json.loads(events)]
    top = Path(root).resolve()
    files = {name: getattr(module, "__file__", None) for name, module in sorted(sys.modules.items())}
    modules = {name: file for name, file in files.items() if file and Path(file).resolve().is_relative_to(top)}
    print(json.dumps({"answers": answers, "modules": modules}, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:])
