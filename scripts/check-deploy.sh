#!/usr/bin/env bash
# The deploy script's dry run (`scripts/deploy.sh --dry-run`: the production
# configuration, checked by `wrangler deploy --dry-run`): the bundle builds, the bindings
# and Durable Object classes resolve, the local logging consumer is not in it, and the
# upload is under the Free plan's 3 MB compressed limit. Offline: nothing is sent.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
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
