#!/usr/bin/env bash
# The hashed locks of every Python dependency, compiled by uv from the direct ones:
#   requirements.in      -> requirements.txt      what the Lambda zip ships (`chalice package` reads it)
#   requirements-dev.in  -> requirements-dev.txt  the venv of `make run`, `make test` and `make package`
# The dev lock is constrained by the runtime lock, so both pin one version of what they share.
# `scripts/lock.sh` rewrites both; `scripts/lock.sh --check` compiles them again beside the committed ones
# (uv keeps every version a lock already pins) and fails, naming the file, when either differs: a direct
# dependency was added, removed or re-pinned without `make lock`.
set -euo pipefail
cd "$(dirname "$0")/.."
UV="${UV:-.venv/bin/uv}"
compile() {  # compile IN OUT [constraint]
  "$UV" pip compile --quiet --native-tls --generate-hashes --universal --python-version 3.11 \
    --custom-compile-command "make lock" ${3:+-c "$3"} -o "$2" "$1"
}
if [ "${1:-}" != "--check" ]; then
  compile requirements.in requirements.txt
  compile requirements-dev.in requirements-dev.txt requirements.txt
  exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp requirements.txt requirements-dev.txt "$scratch/"
compile requirements.in "$scratch/requirements.txt"
compile requirements-dev.in "$scratch/requirements-dev.txt" requirements.txt
stale=0
for lock in requirements.txt requirements-dev.txt; do
  if ! diff -q "$lock" "$scratch/$lock" >/dev/null; then
    echo "$lock is stale: its .in file changed since the lock was compiled; run 'make lock' and commit both" >&2
    diff -u "$lock" "$scratch/$lock" | head -n 20 >&2 || true
    stale=1
  fi
done
exit "$stale"
