#!/usr/bin/env bash
# Runs the whole test suite: domain and server tests (real SQLite files, then the server's again on a real
# PostgreSQL), the fault-injection suite, the store's tests in headless Chromium (real IndexedDB), and the
# end-to-end tests (the built app in Chromium against the real server).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# A run from a fresh clone writes about NEED_GB of build output (target/, fuzz/target/, the PostgreSQL cluster); the
# disk is shared, so say so up front instead of failing half an hour in with "No space left on device".
NEED_GB=8
free_gb=$(df --output=avail -BG "$ROOT" | tail -1 | tr -dc 0-9)
if [ "${free_gb:-0}" -lt "$NEED_GB" ]; then
  echo "warning: ${free_gb} GB free on the disk of $ROOT; a run from a fresh clone needs about ${NEED_GB} GB" >&2
fi
# Every build here is either fresh (CI) or already done; incremental caches would only take disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# Every cargo command below selects the same packages, so features unify the same way and the workspace is built
# once (the domain's dev-dependencies change some crates' features, and with them everything above those crates).
step "domain and server tests (real SQLite files; kill -9 of the real server binary)"
cargo test -p thidua-domain -p thidua-server -- --skip replicas_converge

step "fault injection: seeded tablets against the server through a lossy network (THIDUA_FAULT_SEEDS, default 1000)"
cargo test -p thidua-domain -p thidua-server --test faults -- --nocapture

step "the server's suites again on PostgreSQL 15 (a throwaway cluster): integration, access, faults, kill -9, pg_dump"
# Each test makes a database of its own: they go when the run ends (the cluster is stopped then, after the second
# end-to-end run, which uses it too), and an interrupted run's go before the next begins.
trap 'scripts/pg.sh drop t_ e2e_ >&2 || true; scripts/pg.sh stop >&2 || true' EXIT
pg_url=$(scripts/pg.sh start | tail -1)
scripts/pg.sh drop t_ e2e_
THIDUA_TEST_POSTGRES="$pg_url" cargo test -p thidua-domain -p thidua-server --tests

step "bounded fuzz of the request decoders (cargo fuzz, ${THIDUA_FUZZ_SECONDS:-20} s)"
# Its own target folder: the fuzzing flags differ, and sharing ../target would rebuild the workspace each time.
corpus=$(mktemp -d)
cp fuzz/seeds/decode/* "$corpus"/
fuzz_log=$(mktemp)
if ! (cd fuzz && cargo fuzz run decode -s none "$corpus" -- -max_total_time="${THIDUA_FUZZ_SECONDS:-20}") >"$fuzz_log" 2>&1; then
  grep -E '^(error|Done|==|ERROR|SUMMARY)' "$fuzz_log" | head -40 || true
  rm -rf "$corpus" "$fuzz_log"
  echo "the fuzz run failed: a crash (see fuzz/artifacts) or a target that does not build (the errors above)"
  exit 1
fi
grep -E '^(Done|==|ERROR|SUMMARY)' "$fuzz_log"
rm -rf "$corpus" "$fuzz_log"

step "browser tests: the IndexedDB store in headless Chromium"
cargo test -p thidua-app --target wasm32-unknown-unknown --lib

step "build the app for the end-to-end tests (the server's binary was built with its tests)"
scripts/build_app.sh

step "end-to-end tests in headless Chromium"
THIDUA_SERVER_BIN="$ROOT/target/debug/thidua-server" THIDUA_DIST="$ROOT/dist" node --test tests/e2e/*.test.mjs

step "end-to-end tests again: nginx (round-robin) in front of two server instances on one PostgreSQL database"
THIDUA_E2E_INSTANCES=2 THIDUA_E2E_POSTGRES="$pg_url" THIDUA_SERVER_BIN="$ROOT/target/debug/thidua-server" \
  THIDUA_DIST="$ROOT/dist" node --test tests/e2e/*.test.mjs
