#!/usr/bin/env bash
# What the search index costs (issue 13), on the benchmark corpus:
# build wall time, CPU time (user + system) and peak RSS with and without the index
# (HYOKA_SKIP_SEARCH_INDEX=1 skips only the index), the index's size
# against the HTML's, and, in headless Chromium, what 2–4 character queries
# download and how long the results take once the pieces have arrived.
# Usage: benches/search.sh [N]   (default 10000)   Env: RUNS=3, SHM=/dev/shm,
#        QUERIES="…" (space-separated), NO_BROWSER=1 (skip the browser part)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${1:-10000}
RUNS=${RUNS:-3}
SHM=${SHM:-/dev/shm}
QUERIES=${QUERIES:-"事業 市民 推進 計画 子育て 情報通信 グループ 地域福祉 システム ｼｽﾃﾑ ＩＣＴ 健康づくり"}
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet
HYOKA=$ROOT/target/release/hyoka
WORK=$(mktemp -d "$SHM/hyoka-search-bench.XXXXXX")
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT

parse_time() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n=split($2,p,":"); w=0; for(i=1;i<=n;i++) w=w*60+p[i] }
    /Maximum resident set size/ { r=$2 }
    /User time|System time/ { c+=$2 }
    END { printf "%.3f %d %.2f\n", w, r, c }' "$1"
}
median() { sort -g | awk '{a[NR]=$1} END { print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2 }'; }
maxof() { sort -g | tail -1; }

C=$WORK/content
python3 benches/gen_corpus.py "$N" "$C"
echo "hyoka $(git rev-parse --short HEAD 2>/dev/null || echo '?'), N=$N, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
: >"$WORK/with"; : >"$WORK/without"
for r in $(seq 1 "$RUNS"); do
  for mode in without with; do
    # Clean builds: no output and no build cache left from the run before.
    rm -rf "$WORK/out" "$WORK/.hyoka-cache"
    if [ "$mode" = without ]; then
      HYOKA_SKIP_SEARCH_INDEX=1 /usr/bin/time -v -o "$WORK/time" "$HYOKA" -q build --content "$C" --output "$WORK/out"
    else
      /usr/bin/time -v -o "$WORK/time" "$HYOKA" -q build --content "$C" --output "$WORK/out"
    fi
    read -r w m c < <(parse_time "$WORK/time"); echo "$w $m $c" >>"$WORK/$mode"
    echo "  run $r $mode index: ${w} s  ${m} KB  cpu ${c} s"
  done
done
ww=$(cut -d' ' -f1 "$WORK/with" | median); wm=$(cut -d' ' -f2 "$WORK/with" | maxof)
ow=$(cut -d' ' -f1 "$WORK/without" | median); om=$(cut -d' ' -f2 "$WORK/without" | maxof)
wc=$(cut -d' ' -f3 "$WORK/with" | median); oc=$(cut -d' ' -f3 "$WORK/without" | median)
printf 'build wall (median): %.3f s without, %.3f s with the index: +%.1f %%\n' "$ow" "$ww" "$(echo "($ww-$ow)*100/$ow" | bc -l)"
printf 'build cpu (median): %.2f s without, %.2f s with the index: +%.1f %%\n' "$oc" "$wc" "$(echo "($wc-$oc)*100/$oc" | bc -l)"
printf 'peak RSS (max):      %.1f MB without, %.1f MB with: +%.1f MB\n' "$(echo "$om/1024" | bc -l)" "$(echo "$wm/1024" | bc -l)" "$(echo "($wm-$om)/1024" | bc -l)"
html=$(find "$WORK/out" -name '*.html' -printf '%s\n' | awk '{s+=$1} END {print s}')
idx=$(find "$WORK/out/search" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
shards=$(find "$WORK/out/search/g" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$WORK/out/search" -type f | wc -l)
printf 'index: %.1f MB in %d files (postings %.1f MB) = %.1f %% of the HTML (%.1f MB; du: %s / %s)\n' \
  "$(echo "$idx/1048576" | bc -l)" "$files" "$(echo "$shards/1048576" | bc -l)" "$(echo "$idx*100/$html" | bc -l)" \
  "$(echo "$html/1048576" | bc -l)" "$(du -sh "$WORK/out/search" | cut -f1)" "$(du -sh "$WORK/out" | cut -f1)"

[ -n "${NO_BROWSER:-}" ] && exit 0
CACHE=$ROOT/.ci/cache/browser
[ -d "$CACHE/node_modules/playwright-core" ] || npm install --prefix "$CACHE" --no-audit --no-fund playwright-core axe-core
mkdir -p "$WORK/www" && ln -s "$WORK/out" "$WORK/www/hyoka"
PORT=${PORT:-$((20000 + RANDOM % 20000))}
python3 -m http.server -d "$WORK/www" "$PORT" --bind 127.0.0.1 >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/hyoka/index.html" >/dev/null && break; sleep 0.1; done
# shellcheck disable=SC2086
MODE=bench BROWSER_MODULES=$CACHE/node_modules node tests/browser/search.mjs \
  "http://127.0.0.1:$PORT/hyoka/" "$WORK/shots" "$ROOT" $QUERIES
