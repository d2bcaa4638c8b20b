#!/usr/bin/env bash
# Two dry runs, offline (nothing is sent):
# - `wrangler deploy --dry-run` of the plain wrangler.toml, what a user's first
#   `npx wrangler deploy` ships: it must build and hold no consumer of the events queue
#   (one would ack every event away);
# - the deploy script's (`scripts/deploy.sh --dry-run`): the bundle builds, the bindings
#   and Durable Object classes resolve, no logging consumer, and the upload is under the
#   Free plan's 3 MB compressed limit.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
plain_log="$out/plain-dry-run.log"
if ! HOOKGATE_SKIP_BUILD=1 wrangler deploy --dry-run --outdir "$out/plain" >"$plain_log" 2>&1; then
  cat "$plain_log" >&2
  echo "wrangler deploy --dry-run of wrangler.toml failed" >&2
  exit 1
fi
# Every consumer the plain configuration declares, by queue name.
consumed=$(awk '/^\[\[queues.consumers\]\]/ { c = 1; next } /^\[/ { c = 0 } c && /^queue = / { print $3 }' wrangler.toml)
if echo "$consumed" | grep -q '"hookgate-events"'; then
  echo "wrangler.toml has a consumer of hookgate-events: npx wrangler deploy would ack every event away" >&2
  exit 1
fi
echo "$consumed" | grep -q '"hookgate-deliveries"' \
  || { echo "wrangler.toml lost the consumer of hookgate-deliveries (async origins)" >&2; exit 1; }
log="$out/dry-run.log"
if ! bash scripts/deploy.sh --dry-run >"$log" 2>&1; then
  cat "$log" >&2
  echo "wrangler deploy --dry-run failed" >&2
  exit 1
fi
for binding in "env.GUARD (Guard)" "env.PATHS (PathClaim)" "env.NAMESPACES (Namespace)" "env.ROUTES" "env.EVENTS" "env.BODIES"; do
  grep -qF "$binding" "$log" || { cat "$log" >&2; echo "dry run lacks binding $binding" >&2; exit 1; }
done
if grep -q 'queue = "hookgate-events"' "$HOOKGATE_ROOT/.wrangler/deploy/wrangler.toml" \
  && grep -A1 '^\[\[queues.consumers\]\]' "$HOOKGATE_ROOT/.wrangler/deploy/wrangler.toml" | grep -q hookgate-events; then
  echo "the production configuration still has the local logging consumer" >&2
  exit 1
fi
for binding in "env.DELIVERIES" "env.DEAD_LETTERS"; do
  grep -qF "$binding" "$log" || { cat "$log" >&2; echo "dry run lacks binding $binding" >&2; exit 1; }
done
gzip_kib=$(grep -oE 'gzip: [0-9.]+ KiB' "$log" | grep -oE '[0-9.]+' | head -1)
[ -n "$gzip_kib" ] || { cat "$log" >&2; echo "no upload size in the dry run" >&2; exit 1; }
echo "deploy dry run: ok, upload $gzip_kib KiB gzipped (Free plan limit 3072 KiB)"
awk -v k="$gzip_kib" 'BEGIN { exit !(k < 3072) }' || { echo "over the Free plan's compressed limit" >&2; exit 1; }
