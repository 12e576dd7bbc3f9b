#!/usr/bin/env bash
# The offline DR drill (README's first command). Options: --keep, --azure --settings FILE, --speed N.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
PULUMI_BIN_DIR="$(bash scripts/ensure-pulumi.sh | tail -n 1)"
export PULUMI_BIN_DIR
exec node -r ts-node/register/transpile-only scripts/drill.ts "$@"
