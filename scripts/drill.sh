#!/usr/bin/env bash
# The offline DR drill (README's first command). Options: --report DIR, --backend URL, --shards N, --stack NAME, --keep, --azure --settings FILE, --speed N.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
PULUMI_BIN_DIR="$(bash scripts/ensure-pulumi.sh | tail -n 1)"
export PULUMI_BIN_DIR
# The drill talks HTTPS to the emulator: trust its CA (made once, kept outside the repo).
NODE_EXTRA_CA_CERTS="$(node -r ts-node/register/transpile-only emulator/cli.ts --print-ca-path)"
export NODE_EXTRA_CA_CERTS
exec node -r ts-node/register/transpile-only scripts/drill.ts "$@"
