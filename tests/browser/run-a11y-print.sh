#!/usr/bin/env bash
# Issue 14's browser checks: builds the shipped site into a fresh folder,
# serves it under /hyoka/ over HTTP (missing paths answered with 404.html and
# status 404, as a web server configured for it would), then runs
# a11y-print.mjs: axe-core at 390 px and 1280 px on every page type, page
# width and chart text sizes, and every 事務事業 sheet printed to at most two
# A4 pages.
#
# Usage: tests/browser/run-a11y-print.sh [shots-dir]
# Installs Chromium, CJK fonts and poppler-utils when missing, and
# playwright-core + axe-core into .ci/cache/browser (never the repo root).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CACHE="$ROOT/.ci/cache/browser"
SHOTS="${1:-}"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
fc-list :lang=ja 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -d "$CACHE/node_modules/playwright-core" ] || [ ! -d "$CACHE/node_modules/axe-core" ]; then
  mkdir -p "$CACHE"
  npm install --silent --no-audit --no-fund --prefix "$CACHE" playwright-core axe-core >/dev/null
fi

TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

cargo build -q
./target/debug/hyoka build -q --output "$TMP/site"
mkdir -p "$TMP/www"
ln -s "$TMP/site" "$TMP/www/hyoka"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$TMP/www" "$PORT" <<'PY' &
import functools, http.server, os, sys
root, port = sys.argv[1], int(sys.argv[2])
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def send_error(self, code, message=None, explain=None):
        page = os.path.join(root, "hyoka", "404.html")
        if code != 404 or not os.path.exists(page):
            return super().send_error(code, message, explain)
        body = open(page, "rb").read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
http.server.ThreadingHTTPServer(("127.0.0.1", port),
    functools.partial(Handler, directory=root)).serve_forever()
PY
SERVER_PID=$!
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/hyoka/index.html" 2>/dev/null && break
  sleep 0.1
done

NODE_PATH="$CACHE/node_modules" node "$ROOT/tests/browser/a11y-print.mjs" \
  "$TMP/site" "http://127.0.0.1:$PORT/hyoka/" "$TMP/pdf" ${SHOTS:+"$SHOTS"}
if [ -n "$SHOTS" ]; then
  first=$(ls "$TMP/pdf"/*.pdf | head -1)
  cp "$first" "$SHOTS/printed.pdf"
  pdftoppm -png -r 60 "$first" "$SHOTS/printed"
fi
