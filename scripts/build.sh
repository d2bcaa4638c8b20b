#!/usr/bin/env bash
# Builds the release Worker into build/ and prints the wasm size.
# With HOOKGATE_SKIP_BUILD=1 and a build present it does nothing: wrangler runs this
# before every start, and the tests start several runtimes from one build.
if [ "${HOOKGATE_SKIP_BUILD:-0}" = 1 ] && [ -f "$(dirname "${BASH_SOURCE[0]}")/../build/index.js" ]; then
  exit 0
fi
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"
say "building the release Worker (worker-build --release)"
worker-build --release >&2
wasm=build/index_bg.wasm
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
say "release wasm: $wasm $raw bytes raw, $gz bytes gzipped"
