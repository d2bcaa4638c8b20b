#!/usr/bin/env bash
# Fails when the gzipped release wasm is over the budget in size-budget.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wasm="$root/build/index_bg.wasm"
[ -f "$wasm" ] || { echo "no release build at $wasm: run scripts/build.sh" >&2; exit 1; }
budget=$(grep -E '^wasm_gzip_bytes=' "$root/size-budget.txt" | cut -d= -f2)
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "release wasm: $raw bytes raw, $gz bytes gzipped (budget $budget bytes gzipped)"
if [ "$gz" -gt "$budget" ]; then
  echo "the gzipped wasm is over its budget by $((gz - budget)) bytes" >&2
  exit 1
fi
# The ASCII-only IDNA back end is chosen in Cargo.lock alone (idna_adapter's documented
# switch); a `cargo update` would silently bring the 48 KB ICU4X tables back.
if ! grep -A1 '^name = "idna_adapter"' "$root/Cargo.lock" | grep -q '^version = "1\.0\.'; then
  echo "Cargo.lock must pin idna_adapter to 1.0.x: cargo update -p idna_adapter --precise 1.0.0" >&2
  exit 1
fi
