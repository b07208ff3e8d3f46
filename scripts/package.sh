#!/usr/bin/env bash
# Builds the deployable stack into build/ (or $BUILD_DIR) and lints it, without an AWS account:
#   build/merge-template.json   tables, queue, alarms, parameters (generated from the PynamoDB models)
#   build/package/sam.json      the whole stack: chalice's API, functions, roles, schedule + the merge template
#   build/package/deployment.zip   the functions' code, with its bytecode (scripts/lambda_zip.py)
#   build/wheels/               the libraries' wheels the zip was built from, each one the lock's (by sha256)
#   build/project/              what chalice packages: the app, its config and vendor/ (those wheels, unpacked)
# The Lambda runtime follows the Python of .venv (scripts/find-python picks the newest one Lambda supports).
# Deploy build/package with `aws cloudformation package/deploy` or `sam deploy`: see docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# Only prod is packaged: its functions take table names and identity settings from the stack (dev runs locally).
STAGE=prod
BIN="${BIN:-.venv/bin}"
BUILD="${BUILD_DIR:-build}"
mkdir -p "$BUILD" && BUILD=$(cd "$BUILD" && pwd)  # chalice runs in the project folder below
OUT="$BUILD/package"
MERGE="$BUILD/merge-template.json"

# Packaging makes no AWS call; dummy credentials keep a real profile (or none) out of it.
export AWS_ACCESS_KEY_ID=packaging-only AWS_SECRET_ACCESS_KEY=packaging-only
unset AWS_SESSION_TOKEN AWS_PROFILE
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" AWS_REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"

started=$(date +%s)
# The API viewer's files ship inside chalicelib/; they are built (`make docs`), not committed.
"$BIN/python" -c "import sys; from chalicelib.api.docs_page import missing_files; m = missing_files(); \
sys.exit(f'API viewer files not built (run make docs): {m}' if m else 0)"
"$BIN/python" -c "import sys; from chalicelib.api.seller_center import missing_files; m = missing_files(); \
sys.exit(f'Seller Center page not built (run make page): {m}' if m else 0)"
PROJECT="$BUILD/project"
rm -rf "$OUT" "$MERGE" "$PROJECT" "$BUILD/wheels"
"$BIN/python" -m infra.template "$MERGE"
# The libraries come from the hashed lock only, as wheels for Lambda's platform (scripts/locked_wheels.py); chalice
# gets them unpacked in vendor/ and no requirements file, so it downloads nothing itself.
mkdir -p "$PROJECT/.chalice"
cp -R app.py chalicelib "$PROJECT/"
cp .chalice/config.json .chalice/policy-*.json "$PROJECT/.chalice/"
"$BIN/python" scripts/locked_wheels.py requirements.txt "$BUILD/wheels" "$PROJECT/vendor"
"$BIN/chalice" --project-dir "$PROJECT" package --stage "$STAGE" --pkg-format cloudformation \
  --merge-template "$MERGE" "$OUT"
# Bytecode compiled in (Lambda's code directory is read-only) and unused files out, by the same interpreter.
"$BIN/python" scripts/lambda_zip.py "$OUT"
# Any error or warning fails the build (cfn-lint transforms the SAM template and checks the result).
"$BIN/cfn-lint" --non-zero-exit-code warning -- "$OUT/sam.json"
echo "packaged stage $STAGE into $OUT ($(du -h "$OUT/deployment.zip" | cut -f1) code), cfn-lint clean," \
     "in $(( $(date +%s) - started ))s"
