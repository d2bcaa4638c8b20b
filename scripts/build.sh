#!/usr/bin/env bash
# Builds the Worker and prints the wasm size.
#   bash scripts/build.sh          the release Worker into build/ (what wrangler deploys)
#   bash scripts/build.sh profile  the release Worker with function names, into
#                                  build-profile/ (scripts/profile.sh). Never deployed.
#   bash scripts/build.sh faults   a test-only Worker into build-faults/, with the
#                                  `fault-injection` feature (src/faults.rs); the e2e
#                                  suite uses it to inject KV failures. Never deployed.
# With HOOKGATE_SKIP_BUILD=1 and a build present it does nothing: wrangler runs this
# before every start, and the tests start several runtimes from one build.
variant="${1:-release}"
out=build
[ "$variant" = faults ] && out=build-faults
[ "$variant" = profile ] && out=build-profile
if [ "${HOOKGATE_SKIP_BUILD:-0}" = 1 ] && [ -f "$(dirname "${BASH_SOURCE[0]}")/../$out/index.js" ]; then
  exit 0
fi
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"
case "$variant" in
  release)
    say "building the release Worker (worker-build --release)"
    # Optimised for size on this target only (37 KB of the gzipped wasm against "s"); the
    # native release profile, which the core's CPU bench uses, keeps "s".
    CARGO_PROFILE_RELEASE_OPT_LEVEL=z worker-build --release >&2
    # worker-build keeps the wasm name section (wasm-opt --debuginfo) for readable stack
    # traces: 199 KB raw, 54 KB of the 543 KB gzipped at the time. The panic hook in
    # src/lib.rs logs each panic's message and file:line instead, so the names go.
    "$WASM_OPT_BIN" build/index_bg.wasm --strip-debug -o build/index_bg.wasm \
      --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int \
      --enable-bulk-memory --enable-multivalue --enable-reference-types \
      --enable-exception-handling >&2
    ;;
  profile)
    # The release Worker with its function names kept (no strip step): for the V8 CPU
    # profile of scripts/profile.sh, which would otherwise show wasm-function[N].
    say "building the release Worker with names into build-profile/"
    CARGO_PROFILE_RELEASE_OPT_LEVEL=z worker-build --release --out-dir build-profile >&2
    ;;
  faults)
    say "building the test-only fault-injection Worker into build-faults/"
    worker-build --dev --no-opt --out-dir build-faults --features fault-injection >&2
    ;;
  *)
    echo "unknown build variant: $variant (release, faults or profile)" >&2
    exit 2
    ;;
esac
wasm="$out/index_bg.wasm"
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
say "$variant wasm: $wasm $raw bytes raw, $gz bytes gzipped"
