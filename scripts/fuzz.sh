#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (the test command's fuzz step): each
# starts from its committed seeds (fuzz/seeds/<target>/, read only) and writes what it
# finds into a scratch corpus, so the repository never changes. Any crash, panic, leak
# of the time limit per input or of the memory limit fails the run; the input that did
# it is kept in fuzz/artifacts/<target>/ and its log is printed.
#
#   FUZZ_SECONDS=18   seconds per target (10 targets: about 3 minutes in all)
#
# cargo-fuzz needs nightly flags; on the stable toolchain RUSTC_BOOTSTRAP=1 allows them.
# No sanitizer: the core is safe Rust, and libFuzzer's own checks (panics, overflow
# checks, timeouts, memory) are what a crash here means; the time goes to executions.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
ensure_cargo_fuzz
cd "$HOOKGATE_ROOT/fuzz"
seconds="${FUZZ_SECONDS:-18}"
export RUSTC_BOOTSTRAP=1
fuzz_flags=(--sanitizer none)

# The lock file is current (cargo-fuzz has no --locked of its own).
cargo metadata --locked --format-version 1 >/dev/null

say "fuzz targets build (instrumented, release with debug assertions)"
cargo fuzz build "${fuzz_flags[@]}" >&2

scratch="$(mktemp -d "${TMPDIR:-/tmp}/hookgate-fuzz.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
for target in $(cargo fuzz list); do
  seeds="$PWD/seeds/$target"
  [ -d "$seeds" ] || { echo "fuzz target $target has no seeds in fuzz/seeds/$target" >&2; exit 1; }
  mkdir -p "$scratch/$target" "artifacts/$target"
  log="$scratch/$target.log"
  if ! cargo fuzz run "${fuzz_flags[@]}" "$target" "$scratch/$target" "$seeds" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$PWD/artifacts/$target/" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  say "fuzz $target: $runs inputs in ${seconds} s, no crash"
done
