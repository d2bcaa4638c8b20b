#!/usr/bin/env bash
# `wrangler deploy --dry-run` of the configuration `wrangler deploy` uses: the bundle
# builds, the bindings and Durable Object classes resolve, and the upload is under the
# Free plan's 3 MB compressed limit. Offline: nothing is sent anywhere.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
log="$out/dry-run.log"
if ! HOOKGATE_SKIP_BUILD=1 wrangler deploy --dry-run --outdir "$out/bundle" >"$log" 2>&1; then
  cat "$log" >&2
  echo "wrangler deploy --dry-run failed" >&2
  exit 1
fi
for binding in "env.GUARD (Guard)" "env.PATHS (PathClaim)" "env.NAMESPACES (Namespace)" "env.ROUTES" "env.EVENTS" "env.BODIES"; do
  grep -qF "$binding" "$log" || { cat "$log" >&2; echo "dry run lacks binding $binding" >&2; exit 1; }
done
gzip_kib=$(grep -oE 'gzip: [0-9.]+ KiB' "$log" | grep -oE '[0-9.]+' | head -1)
[ -n "$gzip_kib" ] || { cat "$log" >&2; echo "no upload size in the dry run" >&2; exit 1; }
echo "deploy dry run: ok, upload $gzip_kib KiB gzipped (Free plan limit 3072 KiB)"
awk -v k="$gzip_kib" 'BEGIN { exit !(k < 3072) }' || { echo "over the Free plan's compressed limit" >&2; exit 1; }
