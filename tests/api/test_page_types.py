"""The page's types (web/seller-center/src/generated/openapi.ts) are what openapi-typescript makes of the document
the app serves today: a field or route changed on the server without regenerating them fails here."""

import difflib

from devtools.page_types import GENERATED, REGENERATE, ROOT, generate


def test_the_pages_generated_types_are_current_with_the_openapi_document():
    committed = GENERATED.read_text(encoding="utf-8") if GENERATED.exists() else ""
    fresh = generate()
    diff = list(difflib.unified_diff(committed.splitlines(), fresh.splitlines(), "committed", "generated",
                                     lineterm="", n=1))
    assert not diff, (f"{GENERATED.relative_to(ROOT)} is stale: run `{REGENERATE}` and commit it.\n"
                      + "\n".join(diff[:40]))
