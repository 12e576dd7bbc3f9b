#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # functions run via try(); JS snippets in single quotes
# ensure-pulumi.sh — make a `pulumi` CLI available without relying on get.pulumi.com.
#
# Progress goes to stderr; the LAST line of stdout is the absolute path of the
# directory that contains the `pulumi` binary.
#
# Resolution order:
#   1. $PULUMI_BIN_DIR (if it holds an executable `pulumi`), else `pulumi` on PATH.
#   2. Cached build in ${PULUMI_HOME:-~/.pulumi}/versions/<ver>/bin (the layout that
#      PulumiCommand.get({root: .../versions/<ver>}) of the Automation API reads).
#   3. PulumiCommand.install() of the Automation API, only if get.pulumi.com answers.
#   4. Build from Go modules (pkg/v3 + sdk/v3 at the same version) in a throwaway
#      wrapper module in ${XDG_CACHE_HOME:-~/.cache}/vmrestore/pulumi-build-<ver>.
# For 2-4 the `pulumi-resource-pulumi-nodejs` script of the @pulumi/pulumi npm
# package is copied next to the binary (the engine looks for bundled plugins beside
# itself), and the Node.js language host (`pulumi-language-nodejs`, needed by plain
# `pulumi up` of a nodejs project; inline Automation API programs do without it) is
# made available beside the binary when none is there or on PATH:
#   a. built from source: $PULUMI_LANGUAGE_NODEJS_SRC, else ../shared/tools/
#      pulumi-language-nodejs beside this repository (a folder with build.sh OUT_DIR);
#   b. built from the Go module, where the Go proxy serves it.
#
# Env: PULUMI_VERSION (default 3.274.1), PULUMI_HOME, PULUMI_BIN_DIR, XDG_CACHE_HOME,
#      PULUMI_LANGUAGE_NODEJS_SRC (language host source folder with build.sh),
#      PULUMI_LANGUAGE_NODEJS_VERSION (Go module version of the language host),
#      ENSURE_PULUMI_SKIP_INSTALL=1 (skip step 3 without probing the network).
set -euo pipefail

VER="${PULUMI_VERSION:-3.274.1}"
VER="${VER#v}"
PULUMI_ROOT="${PULUMI_HOME:-$HOME/.pulumi}/versions/$VER"
BIN_DIR="$PULUMI_ROOT/bin"
BUILD_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/vmrestore/pulumi-build-$VER"
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VER"
# Go's default install location, in case it is not on PATH.
if [[ -x /usr/local/go/bin/go ]] && ! command -v go >/dev/null 2>&1; then
  PATH="$PATH:/usr/local/go/bin"
fi
export GOWORK=off # never pick up a go.work from a parent directory

tried=()
log() { printf '[ensure-pulumi] %s\n' "$*" >&2; }
done_with() { log "using pulumi in $1"; printf '%s\n' "$1"; exit 0; }

# Run "$@" in a subshell with errexit really on (it is ignored inside `if` conditions),
# output to stderr; the exit status lands in TRY_RC.
TRY_RC=0
try() {
  set +e
  (set -e; "$@") >&2
  TRY_RC=$?
  set -e
}

# True if $1/pulumi runs and reports exactly v$VER.
valid_bin() {
  local out
  [[ -x "$1/pulumi" ]] || return 1
  out="$(PULUMI_SKIP_UPDATE_CHECK=true "$1/pulumi" version 2>/dev/null | tail -n1)" || return 1
  [[ "$out" == "v$VER" ]]
}

# Copy the dynamic-provider plugin script shipped in the @pulumi/pulumi npm package
# (a copy, so the cache does not depend on one checkout; the script itself resolves
# @pulumi/pulumi via NODE_PATH or the working directory of the program's host process).
copy_nodejs_provider() {
  local pkg src
  pkg="$(cd "$REPO_DIR" && node -p "require('path').dirname(require.resolve('@pulumi/pulumi/package.json'))" 2>/dev/null)" ||
    pkg="$REPO_DIR/node_modules/@pulumi/pulumi"
  src="$pkg/pulumi-resource-pulumi-nodejs"
  if [[ -f "$src" ]]; then
    install -m 0755 "$src" "$BIN_DIR/pulumi-resource-pulumi-nodejs"
  else
    log "warning: $src not found (run npm ci first); dynamic providers will not work"
  fi
}

# go get + go build of the CLI in the wrapper module.
build_cli() {
  cd "$BUILD_DIR"
  # pkg/v3's own go.mod replaces sdk/v3 with ../sdk, so `go install pkg@ver` fails;
  # a wrapper module pins pkg and sdk to the same version instead.
  if [[ ! -f go.sum ]] || ! grep -q "github.com/pulumi/pulumi/pkg/v3 v$VER\$" go.mod; then
    printf 'module vmrestore.local/pulumi-build\n\ngo 1.21\n\nrequire (\n\tgithub.com/pulumi/pulumi/pkg/v3 v%s\n\tgithub.com/pulumi/pulumi/sdk/v3 v%s\n)\n' \
      "$VER" "$VER" >go.mod
    rm -f go.sum
    # A dependency's replace directives are ignored: copy pkg's non-local ones
    # (e.g. github.com/atotto/clipboard => github.com/tgummerer/clipboard).
    go mod download "github.com/pulumi/pulumi/pkg/v3@v$VER"
    local modfile
    modfile="$(go env GOMODCACHE)/cache/download/github.com/pulumi/pulumi/pkg/v3/@v/v$VER.mod"
    go mod edit -json "$modfile" | node -e '
      let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        for (const r of JSON.parse(s).Replace || [])
          if (r.New.Version) console.log(`-replace=${r.Old.Path}${r.Old.Version ? "@" + r.Old.Version : ""}=${r.New.Path}@${r.New.Version}`);
      });' | xargs -r go mod edit
    go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$VER" "github.com/pulumi/pulumi/sdk/v3@v$VER"
    local got
    got="$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3)"
    [[ "$got" == "v$VER" ]] || { echo "sdk/v3 resolved to $got, not v$VER" >&2; return 1; }
  fi
  go build -trimpath -ldflags "$LDFLAGS" -o "$BIN_DIR/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  mv -f "$BIN_DIR/pulumi.tmp" "$BIN_DIR/pulumi"
}

# Build the Node.js language host (needed only for plain `pulumi up` of a nodejs
# project). The module is untagged upstream: it resolves only if the Go proxy
# serves the given version (e.g. the pseudo-version of the release commit).
LANG_MOD="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
build_language_host() {
  local lver="$1" dir="$BUILD_DIR/language-nodejs"
  mkdir -p "$dir"
  cd "$dir"
  printf 'module vmrestore.local/pulumi-language-nodejs-build\n\ngo 1.21\n' >go.mod
  rm -f go.sum
  go get "$LANG_MOD@$lver" "github.com/pulumi/pulumi/pkg/v3@v$VER" "github.com/pulumi/pulumi/sdk/v3@v$VER"
  go build -trimpath -ldflags "$LDFLAGS" -o "$BIN_DIR/pulumi-language-nodejs.tmp" "$LANG_MOD"
  mv -f "$BIN_DIR/pulumi-language-nodejs.tmp" "$BIN_DIR/pulumi-language-nodejs"
}

# The language host's source folder (with build.sh OUT_DIR), if there is one.
language_host_source() {
  local src="${PULUMI_LANGUAGE_NODEJS_SRC:-$REPO_DIR/../shared/tools/pulumi-language-nodejs}"
  [[ -f "$src/build.sh" ]] && (cd "$src" && pwd)
}

maybe_language_host() {
  local lver="${PULUMI_LANGUAGE_NODEJS_VERSION:-v$VER}" src
  [[ -x "$BIN_DIR/pulumi-language-nodejs" ]] && return 0
  command -v pulumi-language-nodejs >/dev/null 2>&1 && return 0
  command -v go >/dev/null 2>&1 || { log "note: no pulumi-language-nodejs and no Go to build one"; return 0; }
  if src="$(language_host_source)"; then
    log "building pulumi-language-nodejs from $src (about 2 minutes the first time)"
    try bash "$src/build.sh" "$BIN_DIR" "$VER"
    [[ $TRY_RC == 0 && -x "$BIN_DIR/pulumi-language-nodejs" ]] && return 0
    log "warning: building pulumi-language-nodejs from $src failed (output above)"
  fi
  # Probe the Go proxy first (an unserved module answers at once); remember a refusal by the
  # proxy (not a network error) in a marker file.
  local marker="$BUILD_DIR/language-nodejs-$lver.unavailable" err
  if [[ -f "$marker" ]] || ! err="$(cd / && go list -m -json "$LANG_MOD@$lver" 2>&1 >/dev/null)"; then
    if [[ ! -f "$marker" ]] && grep -qE '403|404|410|not available|not found|unknown revision' <<<"$err"; then
      touch "$marker"
    fi
    log "note: no pulumi-language-nodejs: no source folder (set PULUMI_LANGUAGE_NODEJS_SRC) and the Go proxy does not serve $LANG_MOD@$lver"
    log "      (inline Automation API programs work without it; plain 'pulumi up' of a nodejs project does not)"
    return 0
  fi
  log "building pulumi-language-nodejs $lver"
  try build_language_host "$lver"
  if [[ $TRY_RC != 0 ]]; then
    rm -f "$BIN_DIR/pulumi-language-nodejs.tmp"
    log "warning: building pulumi-language-nodejs failed; continuing without it"
  fi
}

# Finish a cached/installed/built CLI: add bundled plugins, print the bin dir.
finish_cache() {
  copy_nodejs_provider
  maybe_language_host
  done_with "$BIN_DIR"
}

# --- 1. explicit dir, or PATH --------------------------------------------------
if [[ -n "${PULUMI_BIN_DIR:-}" ]]; then
  [[ -x "$PULUMI_BIN_DIR/pulumi" ]] && done_with "$(cd "$PULUMI_BIN_DIR" && pwd)"
  tried+=("PULUMI_BIN_DIR=$PULUMI_BIN_DIR: no executable pulumi there")
fi
if p="$(command -v pulumi 2>/dev/null)" && [[ "$p" == /* ]]; then
  done_with "$(cd "$(dirname "$p")" && pwd)"
fi
tried+=("no pulumi on PATH")

# Serialise concurrent runs that share the cache.
mkdir -p "$BIN_DIR" "$BUILD_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BUILD_DIR/.lock"
  flock 9
fi

# --- 2. cached build -----------------------------------------------------------
valid_bin "$BIN_DIR" && finish_cache
[[ -e "$BIN_DIR/pulumi" ]] && log "cached $BIN_DIR/pulumi is not a working v$VER; replacing it"
tried+=("no working v$VER at $BIN_DIR/pulumi")

# --- 3. official installer via the Automation API (online only) -----------------
if [[ "${ENSURE_PULUMI_SKIP_INSTALL:-}" != 1 ]] && command -v curl >/dev/null 2>&1 &&
  curl -sS -m 5 -o /dev/null https://get.pulumi.com 2>/dev/null; then
  log "get.pulumi.com is reachable: PulumiCommand.install(v$VER)"
  install_cli() {
    cd "$REPO_DIR"
    PULUMI_ROOT="$PULUMI_ROOT" PULUMI_VER="$VER" node -e '
      const { PulumiCommand } = require("@pulumi/pulumi/automation");
      // version must be a semver.SemVer (a plain string breaks the version check)
      const semver = require(require.resolve("semver", { paths: [require.resolve("@pulumi/pulumi")] }));
      PulumiCommand.install({ root: process.env.PULUMI_ROOT, version: new semver.SemVer(process.env.PULUMI_VER) })
        .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });'
  }
  try install_cli
  [[ $TRY_RC == 0 ]] && valid_bin "$BIN_DIR" && finish_cache
  tried+=("PulumiCommand.install({root: $PULUMI_ROOT, version: $VER}) failed")
else
  tried+=("get.pulumi.com unreachable: official installer skipped")
fi

# --- 4. build from Go modules --------------------------------------------------
if command -v go >/dev/null 2>&1; then
  log "building pulumi v$VER from Go modules in $BUILD_DIR"
  log "the first time takes several minutes on 2 cores (module download + compile)"
  start=$SECONDS
  try build_cli
  if [[ $TRY_RC == 0 ]] && valid_bin "$BIN_DIR"; then
    log "built pulumi v$VER in $((SECONDS - start))s"
    finish_cache
  fi
  rm -f "$BIN_DIR/pulumi.tmp"
  tried+=("Go build in $BUILD_DIR failed after $((SECONDS - start))s (output above)")
else
  tried+=("no 'go' toolchain to build from source")
fi

log "ERROR: could not provide pulumi v$VER. Tried:"
for t in "${tried[@]}"; do log "  - $t"; done
exit 1
