#!/usr/bin/env bash
# Where the accepted path's CPU goes: builds the release Worker with its function names
# (build-profile/), runs it in workerd, sends signed 1 KiB deliveries, and takes a V8 CPU
# profile through wrangler's inspector (benches/profile.rs). Prints self time by crate
# or layer and by function; the raw profile is target/profile/<case>.cpuprofile.
#   HOOKGATE_PROFILE_SECS=8 HOOKGATE_PROFILE_CASE=duplicate bash scripts/profile.sh
# (cases: accepted, the default; duplicate; bad-signature)
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"
HOOKGATE_SKIP_BUILD=0 bash scripts/build.sh profile
cargo bench --bench profile --locked
