"""One botocore loader for the whole process (the tests and the local stage).

botocore reads a service's JSON models again for every session, and PynamoDB makes a session per table, so every
table's first call read DynamoDB's models again: a third of the local stage's start (its tables created, the
demo shop loaded) and a sixth of building each client the tests build. The loader only reads files that do not
change while the process runs, so one shared loader answers the same.
"""

import functools

import botocore.session  # type: ignore[import-untyped]


def share() -> None:
    """Idempotent: every session made from now on shares the loader."""
    if not hasattr(botocore.session.create_loader, "cache_info"):
        botocore.session.create_loader = functools.cache(botocore.session.create_loader)
