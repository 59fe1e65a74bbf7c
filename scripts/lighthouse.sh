#!/usr/bin/env bash
# Lighthouse on the built app, mobile profile: the sign-in page and a field user's first screen after signing in,
# categories performance, accessibility and best practices (tests/bench/lighthouse.mjs). Prints
# `lighthouse_<page>_<category>=<score>` lines and the failing audits, and rewrites the "## Lighthouse" section of
# BENCHMARKS.md. A documented command, not a test: a low score never fails it.
#
# Needs what scripts/setup.sh installs (Chromium, playwright-core) and a built app and release server; it builds
# nothing. Lighthouse itself is installed on first use into target/lighthouse-tools (git-ignored, not in
# package.json, so the test setup never installs it). Environment:
#   THIDUA_SERVER_BIN  the server binary (default target/release/thidua-server)
#   THIDUA_DIST        the built app (default dist/)
#   CHROME_PATH        the browser (default $CHROMIUM, else /usr/bin/chromium, as the end-to-end tests)
#   THIDUA_LIGHTHOUSE_RUNS  runs per page, the median kept (default 3; about 10 s each)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LIGHTHOUSE_VERSION=13.5.0
export LIGHTHOUSE_TOOLS="$ROOT/target/lighthouse-tools"
export PATH="$ROOT/node_modules/.bin:$PATH"
export THIDUA_SERVER_BIN="${THIDUA_SERVER_BIN:-$ROOT/target/release/thidua-server}"
export THIDUA_DIST="${THIDUA_DIST:-$ROOT/dist}"
export CHROME_PATH="${CHROME_PATH:-${CHROMIUM:-/usr/bin/chromium}}"

if [ ! -x "$THIDUA_SERVER_BIN" ] || [ ! -f "$THIDUA_DIST/index.html" ] || [ ! -f "$THIDUA_DIST/sw.js" ]; then
  echo "lighthouse: no built app or release server ($THIDUA_DIST, $THIDUA_SERVER_BIN)." >&2
  echo "Build them first: scripts/bench.sh does, or source scripts/setup.sh, then" >&2
  echo "  scripts/build_app.sh && cargo build --release -p thidua-server" >&2
  exit 1
fi
if [ ! -x "$CHROME_PATH" ] || [ ! -d node_modules/playwright-core ]; then
  echo "lighthouse: Chromium ($CHROME_PATH) or playwright-core is missing: run scripts/setup.sh first." >&2
  exit 1
fi

installed="$(node -p "require('$LIGHTHOUSE_TOOLS/node_modules/lighthouse/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$LIGHTHOUSE_VERSION" ]; then
  printf '\n==> npm install lighthouse@%s into %s (once)\n' "$LIGHTHOUSE_VERSION" "${LIGHTHOUSE_TOOLS#"$ROOT/"}"
  mkdir -p "$LIGHTHOUSE_TOOLS"
  # Its own folder with a package.json of its own, so npm never looks up at the repository's.
  [ -f "$LIGHTHOUSE_TOOLS/package.json" ] ||
    echo '{ "name": "thidua-lighthouse-tools", "private": true }' > "$LIGHTHOUSE_TOOLS/package.json"
  npm install --prefix "$LIGHTHOUSE_TOOLS" --no-save --no-audit --no-fund --loglevel=error \
    "lighthouse@$LIGHTHOUSE_VERSION"
fi

node tests/bench/lighthouse.mjs
