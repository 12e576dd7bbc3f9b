#!/usr/bin/env bash
# The whole test suite: install, type-check, check formatting (Prettier) and lint (ESLint), make the
# Pulumi CLI available, run every mocha suite
# (unit, emulator, provider against the emulator, and end-to-end through the real Pulumi engine).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "type-checking (tsc --noEmit, strict)…" >&2
npx tsc -p . --noEmit
echo "checking the formatting (prettier --check)…" >&2
if ! npx prettier --check . >&2; then
  echo "test.sh: Prettier found files not in the repository's format (listed above); run \`npx prettier --write .\` and commit the result" >&2
  exit 1
fi
echo "linting (eslint)…" >&2
if ! npx eslint . >&2; then
  echo "test.sh: ESLint found problems (listed above, with file, line and rule); fix them in the code (no eslint-disable comments)" >&2
  exit 1
fi
PULUMI_BIN_DIR="$(bash scripts/ensure-pulumi.sh | tail -n 1)"
export PULUMI_BIN_DIR
# Trust the emulator's CA (made once, kept outside the repo) in every Node process the tests start.
NODE_EXTRA_CA_CERTS="$(node -r ts-node/register/transpile-only emulator/cli.ts --print-ca-path)"
export NODE_EXTRA_CA_CERTS
if [ $# -eq 0 ]; then set -- "test/**/*.test.ts"; fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
npx mocha "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line for CI: "mocha: N passed, N failed".
passed=$(grep -E '^ +[0-9]+ passing' "$log" | tail -n 1 | grep -Eo '[0-9]+' | head -n 1 || true)
failed=$(grep -E '^ +[0-9]+ failing' "$log" | tail -n 1 | grep -Eo '[0-9]+' | head -n 1 || true)
echo "mocha: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
