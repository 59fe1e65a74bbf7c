#!/usr/bin/env bash
# Schema-driven API test: schemathesis (from PyPI) generates requests from the served OpenAPI document and sends
# them to a fresh release server with demo data, signed in as the department office. Any 5xx fails the run.
# Sign-out and password change are left out: they would end the very session the run uses (server/tests/access.rs
# covers them).
#   scripts/api-check.sh [max examples per operation, default 100]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

venv="${XDG_CACHE_HOME:-$HOME/.cache}/thidua/venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
  step "pip install schemathesis 4.32.5"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q schemathesis==4.32.5
fi
step "cargo build --release -p thidua-server"
cargo build --release -p thidua-server

dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
THIDUA_ADDR="127.0.0.1:$port" THIDUA_DB="$dir/api-check.sqlite" RUST_LOG=warn target/release/thidua-server --demo &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; do sleep 0.2; done
token=$(curl -sf "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' \
  -d '{"login":"vanphong","password":"thidua2026","device_id":"00000000-0000-4000-8000-000000000001"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

step "schemathesis: every operation, generated and fuzzed inputs, no 5xx allowed"
SCHEMATHESIS_HOOKS=api_check_hooks PYTHONPATH="$ROOT/scripts" "$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
  -H "Authorization: Bearer $token" --checks not_a_server_error --max-examples "${1:-100}" --workers 2 \
  --exclude-path /api/auth/logout --exclude-path /api/auth/password
