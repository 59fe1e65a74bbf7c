#!/usr/bin/env bash
# Measures the figures in BENCHMARKS.md on this machine and rewrites that file. Benchmarks are not tests: a slow
# machine gives slow figures, never a failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

step "build the app"
trunk --skip-version-check build --release

step "transfer size of the app shell"
size_of() { stat -c %s "$1"; }
shell_files=$(cd dist && ls app-*.js app-*_bg.wasm style-*.css | grep -v -e '\.gz$' -e '\.br$')
raw=0; gz=0; br=0
for f in $shell_files; do
  raw=$((raw + $(size_of "dist/$f"))); gz=$((gz + $(size_of "dist/$f.gz"))); br=$((br + $(size_of "dist/$f.br")))
done

step "push throughput of the storage layer (synchronous = FULL vs NORMAL)"
push=$(cargo bench -q -p thidua-server --bench push 2>/dev/null)
full=$(echo "$push" | sed -n 's/^push_durable_full_per_s=//p')
normal=$(echo "$push" | sed -n 's/^push_durable_normal_per_s=//p')

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
mem=$(free -g | awk '/^Mem:/ {print $2}')
cat > BENCHMARKS.md <<MD
# Benchmarks

Written by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu), ${mem} GiB of memory,
$(rustc --version | cut -d' ' -f1-2). Each figure names the command that reproduces it.

| figure | value | target | command |
|---|---|---|---|
| app shell transfer size, brotli (wasm + js + css, as served) | $((br / 1024)) KiB ($br bytes) | ≤ 250 KB | \`scripts/bench.sh\` |
| app shell transfer size, gzip | $((gz / 1024)) KiB ($gz bytes) | | \`scripts/bench.sh\` |
| app shell, uncompressed | $((raw / 1024)) KiB ($raw bytes) | | \`scripts/bench.sh\` |
| push, mutations/s, each in its own durable transaction (\`synchronous = FULL\`) | $full | | \`cargo bench -p thidua-server --bench push\` |
| push, mutations/s, with \`synchronous = NORMAL\` (not durable against power loss) | $normal | | \`cargo bench -p thidua-server --bench push\` |
MD
cat BENCHMARKS.md
