#!/usr/bin/env bash
# The benchmark command: the native criterion bench of the core's hot path, then the
# release gateway against its baselines in workerd. Writes BENCHMARKS.md.
#   HOOKGATE_BENCH_SECS=5 HOOKGATE_BENCH_CONNECTIONS=8 bash scripts/bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"
HOOKGATE_SKIP_BUILD=0 bash scripts/build.sh
bash scripts/check-size.sh
say "criterion: core hot path vs raw HMAC-SHA256"
cargo bench -p hookgate-core --bench hot_path --locked -- --warm-up-time 2 --measurement-time 5
say "load: gateway vs ceiling in workerd"
cargo bench --bench gateway --locked
