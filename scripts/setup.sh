#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there, so the second run takes seconds.
# Sourced by scripts/run.sh and scripts/test.sh. Everything comes from crates.io, Debian's packages and npm.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Trunk 0.22 needs rustc >= 1.96.1; 0.21.14 builds on the machines' rustc 1.95.
TRUNK_VERSION=0.21.14
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v brotli >/dev/null || missing+=(brotli)
# LibreOffice and poppler check the office's documents and lists as a real office suite opens them.
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
dpkg -s fonts-liberation >/dev/null 2>&1 || missing+=(fonts-liberation)
# nginx balances two server instances in the second end-to-end run.
command -v nginx >/dev/null || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if ! trunk --version 2>/dev/null | grep -q " ${TRUNK_VERSION}$"; then
  step "cargo install trunk ${TRUNK_VERSION} (about 12 minutes, once)"
  cargo install trunk --locked --version "$TRUNK_VERSION"
fi

# Trunk requires the wasm-bindgen CLI of exactly the version in Cargo.lock.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}$"; then
  step "cargo install wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (about 3 minutes, once)"
  # Not --locked: its lock file wants a webpki-roots release the registry here does not have.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! cargo fuzz --version 2>/dev/null | grep -q " 0.13.2"; then
  step "cargo install cargo-fuzz 0.13.2 (about 2 minutes, once)"
  cargo install cargo-fuzz --locked --version 0.13.2
fi

# wasm-opt 132 (Debian's 108 produces broken wasm) and playwright-core, pinned by package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Trunk builds with `cargo build --offline`, so every crate must already be in the local registry.
cargo fetch --quiet
