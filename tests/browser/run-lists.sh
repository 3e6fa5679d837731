#!/usr/bin/env bash
# Builds the shipped site, serves it under a subpath (/hyoka/) and runs
# tests/browser/lists.mjs in headless Chromium (playwright-core + axe-core).
# Installs what it needs: chromium (apt) and the npm packages into
# .ci/cache/browser (never the repository root). Screenshots go to
# $SHOTS (default .ci/cache/browser/shots). Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MODULES="$ROOT/.ci/cache/browser"
SHOTS="${SHOTS:-$MODULES/shots}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$CHROMIUM" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
if [ ! -d "$MODULES/node_modules/playwright-core" ] || [ ! -d "$MODULES/node_modules/axe-core" ]; then
  mkdir -p "$MODULES"
  npm install --silent --no-audit --no-fund --prefix "$MODULES" playwright-core axe-core >/dev/null
fi
mkdir -p "$SHOTS"

TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# HYOKA: an already built binary (default: cargo run --release).
if [ -n "${HYOKA:-}" ]; then
  "$HYOKA" build --output "$TMP/out" >/dev/null
else
  cargo run --release -q -- build --output "$TMP/out" >/dev/null
fi
mkdir -p "$TMP/www"
ln -s "$TMP/out" "$TMP/www/hyoka"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server -d "$TMP/www" "$PORT" --bind 127.0.0.1 >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do
  if curl -fs "http://127.0.0.1:$PORT/hyoka/projects.html" >/dev/null 2>&1; then break; fi
  sleep 0.1
done

# A list page with rows: the first rating page projects.html links (it
# links only levels that have projects).
LIST_PAGE=$(grep -o 'href="lists/rating/[^"]*"' "$TMP/out/projects.html" | sed -n '1s/href="\(.*\)"/\1/p')

BASE="http://127.0.0.1:$PORT/hyoka/" MODULES="$MODULES" SHOTS="$SHOTS" \
  LIST_PAGE="$LIST_PAGE" CHROMIUM="$CHROMIUM" node "$ROOT/tests/browser/lists.mjs"
