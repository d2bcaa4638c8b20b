#!/usr/bin/env bash
# The README's test command: installs what it needs, then runs every check and test.
#   formatting, clippy (native and wasm32), the release build and its size budget, the
#   test-only fault-injection build, every fuzz target run from its seeds for a bounded
#   time (scripts/fuzz.sh, about 2 minutes; fuzz/README.md), the core's unit, golden,
#   conformance and memory tests, and the end-to-end suite against workerd (with the
#   dashboard in Debian's headless Chromium, installed here when missing).
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"

say "cargo fmt --check"
cargo fmt --all --check

say "clippy (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "clippy (wasm32-unknown-unknown)"
cargo clippy --workspace --all-targets --locked --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p hookgate --locked --target wasm32-unknown-unknown --features fault-injection -- -D warnings

say "release build"
HOOKGATE_SKIP_BUILD=0 bash scripts/build.sh
bash scripts/check-size.sh

say "deploy dry run (wrangler deploy --dry-run of the production configuration)"
bash scripts/check-deploy.sh

say "test-only build with KV fault injection (build-faults/, never deployed)"
HOOKGATE_SKIP_BUILD=0 bash scripts/build.sh faults

say "fuzz targets: each run for ${FUZZ_SECONDS:-18} s from its seeds, failing on any crash"
bash scripts/fuzz.sh

# The dashboard test drives Debian's Chromium over WebDriver; nothing downloads a browser.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  say "installing Debian's chromium and chromium-driver (once)"
  sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_if_needed apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq chromium chromium-driver >&2
fi

say "tests: core (unit, golden, unverified-body memory, the catalogue, the published, provider and derived conformance vectors) and end-to-end in workerd"
cargo test --workspace --locked
