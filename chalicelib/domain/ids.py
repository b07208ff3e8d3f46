"""What a valid id is (orders, cancellations, sellers, buyers, SKUs, tracking numbers): one definition.

1-64 ASCII letters, digits, '_' or '-'. `PATTERN` is the same rule for msgspec and for /openapi.json:
Python's `$` also matches before a final newline (so "O1\\n" would pass); the lookahead refuses that, and is
a no-op in ECMA-262, the dialect of the patterns in the document.
"""

import re

MAX_LENGTH = 64
_CHARS = "A-Za-z0-9_-"
END = r"$(?!\n)"
PATTERN = f"^[{_CHARS}]+" + END
_WHOLE = re.compile(f"[{_CHARS}]{{1,{MAX_LENGTH}}}")
DESCRIPTION = f"1-{MAX_LENGTH} characters: letters, digits, '_' and '-'"


def is_id(value: object) -> bool:
    return isinstance(value, str) and _WHOLE.fullmatch(value) is not None
