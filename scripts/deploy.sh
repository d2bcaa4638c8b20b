#!/usr/bin/env bash
# Deploys hookgate to your Cloudflare account (not run by the tests: they have none).
#   bash scripts/deploy.sh            create what is missing, then deploy
#   bash scripts/deploy.sh --dry-run  build the production configuration and check it
#                                     with `wrangler deploy --dry-run` (offline)
# Needs `npx wrangler login` (or CLOUDFLARE_API_TOKEN) for a real deploy. Creates, when
# missing: the KV namespace for routes, the queues (events, deliveries, dead letters)
# and the R2 bucket for large bodies. The configuration deployed is wrangler.toml (the
# production configuration: no logging consumer) with the real KV namespace id, written
# to .wrangler/deploy/wrangler.toml. The release Worker is built fresh every time. Set the admin token once with
# `npx wrangler secret put ADMIN_TOKEN`. Never set ALLOW_INSECURE_ORIGINS in production.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"
dry_run=0
[ "${1:-}" = "--dry-run" ] && dry_run=1

HOOKGATE_SKIP_BUILD=0 bash scripts/build.sh
out=".wrangler/deploy"
mkdir -p "$out"

kv_id="${HOOKGATE_KV_ID:-}"
if [ "$dry_run" = 0 ] && [ -z "$kv_id" ]; then
  kv_id=$(wrangler kv namespace list 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      try { const n = JSON.parse(s).find(n => n.title.endsWith("hookgate-routes")); if (n) console.log(n.id); } catch {}
    });')
  if [ -z "$kv_id" ]; then
    say "creating the KV namespace hookgate-routes"
    kv_id=$(wrangler kv namespace create hookgate-routes 2>&1 | grep -oE '[0-9a-f]{32}' | head -1)
  fi
  [ -n "$kv_id" ] || { echo "could not find or create the KV namespace" >&2; exit 1; }
  for q in hookgate-events hookgate-deliveries hookgate-dead-letters; do
    wrangler queues info "$q" >/dev/null 2>&1 || { say "creating queue $q"; wrangler queues create "$q" >&2; }
  done
  wrangler r2 bucket info hookgate-bodies >/dev/null 2>&1 \
    || { say "creating R2 bucket hookgate-bodies"; wrangler r2 bucket create hookgate-bodies >&2; }
fi

# The production configuration with the real KV id when known (and no build step: it
# was built above). Paths are made absolute because the file lives in another directory.
awk -v kv="$kv_id" -v root="$HOOKGATE_ROOT" '
  /^main = / { print "main = \"" root "/build/index.js\""; next }
  /^\[build\]/ { build = 1; next }
  build && /^command = / { build = 0; next }
  build && /^#/ { next }
  kv != "" && /^id = "00000000000000000000000000000001"/ { print "id = \"" kv "\""; next }
  { print }
' wrangler.toml > "$out/wrangler.toml"

if [ "$dry_run" = 1 ]; then
  wrangler deploy --config "$out/wrangler.toml" --dry-run --outdir "$out/bundle"
else
  wrangler deploy --config "$out/wrangler.toml"
fi
