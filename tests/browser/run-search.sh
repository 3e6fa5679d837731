#!/usr/bin/env bash
# Browser test of the site search: builds the shipped site, serves output/
# under /hyoka/ and runs tests/browser/search.mjs in headless Chromium.
# Installs what it needs: Chromium and CJK fonts (apt, when missing),
# playwright-core and axe-core (npm, into .ci/cache/browser).
# Env: SHOTS=DIR (screenshots; default .ci/cache/browser/shots), PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
CACHE=$ROOT/.ci/cache/browser
if [ ! -x /usr/bin/chromium ]; then
  apt-get update && apt-get install -y chromium fonts-noto-cjk
fi
if [ ! -d "$CACHE/node_modules/playwright-core" ] || [ ! -d "$CACHE/node_modules/axe-core" ]; then
  npm install --prefix "$CACHE" --no-audit --no-fund playwright-core axe-core
fi
cargo run --release -q -- -q build
WWW=$(mktemp -d)
PORT=${PORT:-$((20000 + RANDOM % 20000))}
ln -s "$ROOT/output" "$WWW/hyoka"
python3 -m http.server -d "$WWW" "$PORT" --bind 127.0.0.1 >/dev/null 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WWW"' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$PORT/hyoka/index.html" >/dev/null && break
  sleep 0.1
done
BROWSER_MODULES=$CACHE/node_modules node "$ROOT/tests/browser/search.mjs" \
  "http://127.0.0.1:$PORT/hyoka/" "${SHOTS:-$CACHE/shots}" "$ROOT"
