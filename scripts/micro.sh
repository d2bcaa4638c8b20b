#!/usr/bin/env bash
# Micro-benchmarks of platform calls in local workerd, the figures behind design choices
# in the shell (bench/micro/). Each runs a small JS Worker under `wrangler dev` and
# prints what it measured.
#   bash scripts/micro.sh response-init   a Response per form of header list
#   bash scripts/micro.sh do-writes       workerd's CPU per Durable Object call, by write
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"
which="${1:-}"
case "$which" in
  response-init | do-writes) ;;
  *)
    echo "usage: bash scripts/micro.sh response-init|do-writes" >&2
    exit 2
    ;;
esac
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
state=$(mktemp -d)
log="$state/wrangler.log"
# A process group of its own, so that wrangler and its workerd stop with the script.
setsid npx wrangler dev --config "bench/micro/$which.toml" --port "$port" --ip 127.0.0.1 \
  --persist-to "$state" >"$log" 2>&1 &
pid=$!
trap 'kill -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$state"' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/?v=none&n=1" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/?v=none&n=1" >/dev/null || { cat "$log" >&2; exit 1; }
case "$which" in
  response-init)
    for round in 1 2 3; do
      say "round $round: $(curl -fsS "http://127.0.0.1:$port/")"
    done
    ;;
  do-writes)
    # workerd's own CPU time (user + system, from /proc) across each variant's calls.
    # The workerd started under this script's wrangler (its descendant), not another.
    descends() {
      local p=$1
      while [ "$p" -gt 1 ]; do
        [ "$p" = "$pid" ] && return 0
        p=$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 1)
      done
      return 1
    }
    workerd=""
    for candidate in $(pgrep -f "workerd serve"); do
      descends "$candidate" && workerd=$candidate
    done
    [ -n "$workerd" ] || { echo "no workerd under wrangler ($pid)" >&2; exit 1; }
    ticks() { awk '{print $14 + $15}' "/proc/$workerd/stat"; }
    hz=$(getconf CLK_TCK)
    n=2000
    for variant in none one two-in-one-exec read kv-put kv3 none one kv3; do
      before=$(ticks)
      answer=$(curl -fsS "http://127.0.0.1:$port/?v=$variant&n=$n")
      after=$(ticks)
      cpu_us=$(((after - before) * 1000000 / hz / n))
      say "$variant: workerd CPU $cpu_us us per call; $answer"
    done
    ;;
esac
