#!/usr/bin/env bash
# The README's run command: installs what it needs, builds the Worker, runs it in workerd
# with local KV, Queue and R2 (state kept in .wrangler/state), registers a demo webhook
# and prints a signed curl you can paste. Ctrl-C stops it. Safe to run again.
#
#   PORT=8787            where the gateway listens
#   HOOKGATE_DEMO_EXIT=1 exit after printing (used to check this script)
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$HOOKGATE_ROOT"
PORT="${PORT:-8787}"
INSPECTOR_PORT="${INSPECTOR_PORT:-$((PORT + 1442))}"
base="http://127.0.0.1:$PORT"

HOOKGATE_SKIP_BUILD=0 bash scripts/build.sh
bash scripts/check-size.sh >&2

# Local-only credentials, made once and kept beside the local state.
dev_dir=".wrangler/hookgate-dev"
mkdir -p "$dev_dir"
random_token() { node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))'; }
# The admin API stays closed with a token shorter than 32 characters: make a new one then.
if [ "$(tr -d '\n' < "$dev_dir/admin-token" 2>/dev/null | wc -c)" -lt 32 ]; then
  random_token > "$dev_dir/admin-token"
fi
[ -s "$dev_dir/demo-secret" ] || echo "hgs_$(random_token)" > "$dev_dir/demo-secret"
admin_token="$(cat "$dev_dir/admin-token")"
demo_secret="$(cat "$dev_dir/demo-secret")"

# wrangler.toml is the production configuration; locally the logging consumers of
# config/local-consumers.toml are added, so every envelope and dead letter shows here.
local_config="$dev_dir/wrangler.local.toml"
awk -v root="$HOOKGATE_ROOT" '
  /^main = / { print "main = \"" root "/build/index.js\""; next }
  { print }
' wrangler.toml > "$local_config"
cat config/local-consumers.toml >> "$local_config"

say "starting the gateway on $base (workerd, local bindings)"
HOOKGATE_SKIP_BUILD=1 wrangler dev --config "$local_config" --persist-to .wrangler/state \
  --local --ip 127.0.0.1 --port "$PORT" \
  --inspector-port "$INSPECTOR_PORT" --show-interactive-dev-session=false \
  --var "ADMIN_TOKEN:$admin_token" --var "REQUEST_LOG:all" \
  --var "ALLOW_INSECURE_ORIGINS:true" &
wrangler_pid=$!
trap 'kill "$wrangler_pid" 2>/dev/null || true; wait "$wrangler_pid" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 300); do
  curl -s -o /dev/null "$base/" && break
  kill -0 "$wrangler_pid" 2>/dev/null || { echo "wrangler exited; see its output above" >&2; exit 1; }
  sleep 0.2
done

admin() { curl -s -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' "$@"; }
spec=$(printf '{"name":"demo","path":"/hooks/demo","auth":{"scheme":"hmac-sha256-hex","secret":"%s"},"target":{"queue":"EVENTS"}}' "$demo_secret")
created=$(admin -X POST "$base/admin/v1/webhooks" -d "$spec")
if echo "$created" | grep -q '"path_conflict"'; then
  # Registered by an earlier run (the local state persists): keep it, with the demo secret.
  id=$(admin "$base/admin/v1/webhooks" | node -e '
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
      const w=JSON.parse(s).webhooks.find(w=>w.path==="/hooks/demo");console.log(w?w.id:"")})')
  admin -X PATCH "$base/admin/v1/webhooks/$id" \
    -d "$(printf '{"enabled":true,"auth":{"secret":"%s"}}' "$demo_secret")" > /dev/null
elif ! echo "$created" | grep -q '"id"'; then
  echo "could not register the demo webhook: $created" >&2
  exit 1
fi

body='{"event":"deploy.finished","service":"api","ok":true}'
signature=$(printf '%s' "$body" | node -e '
  let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    console.log(require("crypto").createHmac("sha256",process.argv[1]).update(s).digest("hex"))})' "$demo_secret")

cat <<MSG

  hookgate is running at $base
  A demo webhook is registered at /hooks/demo (scheme hmac-sha256-hex).

  Send it a signed event (expect 202; the envelope appears in this log):

    curl -i $base/hooks/demo \\
      -H 'Content-Type: application/json' \\
      -H 'X-Webhook-Signature: $signature' \\
      -d '$body'

  Admin API (token kept in $dev_dir/admin-token):

    curl -s $base/admin/v1/webhooks -H 'Authorization: Bearer $admin_token'

MSG

if [ "${HOOKGATE_DEMO_EXIT:-0}" = 1 ]; then
  curl -s -i "$base/hooks/demo" -H 'Content-Type: application/json' \
    -H "X-Webhook-Signature: $signature" -d "$body"
  echo
  sleep 1
  exit 0
fi
wait "$wrangler_pid"
