#!/usr/bin/env bash
# The README's test command: installs what it needs, then runs every check and test.
#   formatting, clippy (native and wasm32), the release build and its size budget, the
#   test-only fault-injection build, the fuzz targets (built, not run: see
#   fuzz/README.md), the core's unit, golden and conformance tests, and the end-to-end
#   suite against workerd.
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

say "fuzz targets build"
cargo build --manifest-path fuzz/Cargo.toml --locked --bins

say "tests: core (unit, golden, 143 published + 18 derived conformance vectors) and end-to-end in workerd"
cargo test --workspace --locked
