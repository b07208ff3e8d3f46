"""The Seller Center page's TypeScript types, generated from the app's OpenAPI document by openapi-typescript
(pinned in web/seller-center/package.json). `make page-types` writes them; tests/api/test_page_types.py fails when
the committed file is not what the current document makes."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "web" / "seller-center"
GENERATED = PAGE / "src" / "generated" / "openapi.ts"
GENERATOR = PAGE / "node_modules" / ".bin" / "openapi-typescript"
REGENERATE = "make page-types"


def openapi_json() -> str:
    """The document `GET /openapi.json` serves, built from the app's routes and schemas."""
    import app  # noqa: F401  (registers every route)
    from chalicelib.api.openapi import document

    return json.dumps(document(), indent=1)


def generate() -> str:
    """The types the current document makes, as openapi-typescript writes them."""
    if not GENERATOR.exists():
        raise RuntimeError(f"{GENERATOR.relative_to(ROOT)} is missing: run `make page` (it installs the page's "
                           "npm packages) first")
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "openapi.json", Path(tmp) / "openapi.ts"
        source.write_text(openapi_json(), encoding="utf-8")
        # A field with a default may be left out of a request body: optional, not required.
        done = subprocess.run([str(GENERATOR), str(source), "--output", str(out), "--default-non-nullable=false"],
                              cwd=PAGE, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"openapi-typescript failed:\n{done.stderr}")
        return out.read_text(encoding="utf-8")


def main() -> None:
    GENERATED.parent.mkdir(parents=True, exist_ok=True)
    GENERATED.write_text(generate(), encoding="utf-8")
    print(f"wrote {GENERATED.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
