#!/usr/bin/env bash
# Builds the app's two bundles with Trunk, offline, into dist/: the field's at the root and the office's in
# dist/office/ (the second build must come after the first, which empties dist/). Then writes the service
# worker and the precompressed files. Expects the tools scripts/setup.sh installs on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
trunk --skip-version-check build --release
trunk --skip-version-check build --release --dist dist/office --public-url /office/ app/office.html
python3 scripts/post_build.py dist
