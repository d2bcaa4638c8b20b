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
say "callgrind: instructions of the core hot path vs raw HMAC-SHA256 at 1 KiB"
# Counted, not timed: repeatable on a noisy machine, and valgrind's CPU has no SHA
# extensions, so both sides run the software SHA-256 the wasm build runs.
counts=target/criterion/instructions.json
rm -f "$counts"
if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
  exe=$(cargo bench -p hookgate-core --bench hot_path --locked --no-run --message-format=json 2>/dev/null \
    | grep -o '"executable":"[^"]*hot_path-[^"]*"' | tail -1 | cut -d'"' -f4)
  requests=$(HOOKGATE_COUNT_INSTRUCTIONS=1 valgrind --tool=callgrind \
    --callgrind-out-file=target/criterion/callgrind.out "$exe" 2>/dev/null \
    | sed -n 's/^counted \([0-9]*\) requests.*/\1/p')
  inclusive() {
    callgrind_annotate --inclusive=yes target/criterion/callgrind.out \
      | awk -v f="$1" '$0 ~ f" " {gsub(",", "", $1); print $1; exit}'
  }
  hot=$(inclusive 'hot_path::counted_hot_path')
  hmac=$(inclusive 'hot_path::counted_hmac')
  printf '{"1KiB": {"hot_path": %s, "hmac": %s, "requests": %s}}\n' "$hot" "$hmac" "$requests" > "$counts"
  say "instructions for $requests requests: hot path $hot, HMAC-SHA256 $hmac"
else
  say "valgrind is not installed: instruction counts left out of BENCHMARKS.md"
fi
say "load: gateway vs ceiling in workerd"
cargo bench --bench gateway --locked
