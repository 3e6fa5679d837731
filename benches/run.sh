#!/usr/bin/env bash
# Benchmark a full hyoka build against a Hugo build of the same N items.
# Usage: benches/run.sh [N...]        (default: 1000 10000)
# Env:   RUNS=3 (runs per tool per N, alternating hyoka/Hugo), SHM=/dev/shm
#        CORPUS=synthetic (gen_corpus.py, the default) | sheets (gen_sheets.py:
#        the shipped jimu sheets cloned) | both (each N on both corpora)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${RUNS:-3}
SHM=${SHM:-/dev/shm}
[ $# -eq 0 ] && set -- 1000 10000
case ${CORPUS:=synthetic} in
  synthetic | sheets) CORPORA=$CORPUS ;;
  both) CORPORA="synthetic sheets" ;;
  *) echo "CORPUS must be synthetic, sheets or both" >&2; exit 1 ;;
esac
# Each argument becomes corpus:N, corpora outermost.
set -- $(for K in $CORPORA; do for N in "$@"; do echo "$K:$N"; done; done)

command -v hugo >/dev/null || { echo "hugo missing: apt-get install -y --no-install-recommends hugo" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet
HYOKA=$ROOT/target/release/hyoka

WORK=$(mktemp -d "$SHM/hyoka-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# /usr/bin/time -v output -> "wall_seconds max_rss_kb cpu_seconds" (CPU: user + system,
# steadier than the wall time on a shared machine)
parse_time() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n=split($2,p,":"); w=0; for(i=1;i<=n;i++) w=w*60+p[i] }
    /Maximum resident set size/ { r=$2 }
    /User time \(seconds\)/ { c+=$2 }
    /System time \(seconds\)/ { c+=$2 }
    END { printf "%.3f %d %.2f\n", w, r, c }' "$1"
}
median() { sort -g | awk '{a[NR]=$1} END { print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2 }'; }
maxof() { sort -g | tail -1; }

echo "hyoka $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(hugo version | cut -d' ' -f1-2), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
for N in "$@"; do
  K=${N%%:*}; N=${N#*:}
  C=$WORK/content-$N; H=$WORK/hugo-$N
  t0=$(date +%s.%N)
  case $K in
    synthetic) python3 benches/gen_corpus.py "$N" "$C" ;;
    sheets) python3 benches/gen_sheets.py "$N" "$C" ;;
  esac
  python3 benches/gen_hugo.py "$C" "$H"
  echo
  echo "== N=$N, $K corpus  ($(du -sh "$C" | cut -f1), generated in $(echo "$(date +%s.%N) - $t0" | bc) s)"
  : >"$WORK/hy.$N"; : >"$WORK/hu.$N"
  for r in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/out-hyoka" "$WORK/out-hugo" "$WORK/.hyoka-cache"
    /usr/bin/time -v -o "$WORK/time" "$HYOKA" -v build --content "$C" --output "$WORK/out-hyoka" \
      2>"$WORK/stages.$N.$r" >/dev/null
    read -r w m c < <(parse_time "$WORK/time"); echo "$w $m $c" >>"$WORK/hy.$N"
    echo "  run $r hyoka: ${w}s  ${m} KB  cpu ${c}s"
    (cd "$H" && /usr/bin/time -v -o "$WORK/time" hugo --minify=false --quiet --destination "$WORK/out-hugo" >/dev/null)
    read -r w m c < <(parse_time "$WORK/time"); echo "$w $m $c" >>"$WORK/hu.$N"
    echo "  run $r hugo:  ${w}s  ${m} KB  cpu ${c}s"
  done
  hyw=$(cut -d' ' -f1 "$WORK/hy.$N" | median); hym=$(cut -d' ' -f2 "$WORK/hy.$N" | maxof)
  huw=$(cut -d' ' -f1 "$WORK/hu.$N" | median); hum=$(cut -d' ' -f2 "$WORK/hu.$N" | maxof)
  hyc=$(cut -d' ' -f3 "$WORK/hy.$N" | median); huc=$(cut -d' ' -f3 "$WORK/hu.$N" | median)
  hyf=$(find "$WORK/out-hyoka" -type f | wc -l); huf=$(find "$WORK/out-hugo" -type f | wc -l)
  printf '  %-6s median wall %8.3f s   peak RSS %8.1f MB   files %s\n' hyoka "$hyw" "$(echo "$hym/1024" | bc -l)" "$hyf"
  printf '  %-6s median wall %8.3f s   peak RSS %8.1f MB   files %s\n' hugo "$huw" "$(echo "$hum/1024" | bc -l)" "$huf"
  printf '  ratio hyoka/hugo (median wall): %.2f\n' "$(echo "$hyw/$huw" | bc -l)"
  printf '  CPU (user + sys, median): hyoka %.2f s, hugo %.2f s\n' "$hyc" "$huc"
  echo "  hyoka stages (ms; median over runs):"
  cat "$WORK"/stages."$N".* | awk '/^  (wall|cpu) +[^ ]+ +[0-9.]+ ms$/ {
        key=$1 " " $2; if (!(key in c)) o[++k]=key; c[key]++; v[key, c[key]]=$3 }
      END { for (i=1;i<=k;i++) { s=o[i]; n=c[s];
              for (a=1;a<=n;a++) x[a]=v[s,a];
              for (a=1;a<=n;a++) for (b=a+1;b<=n;b++) if (x[b]<x[a]) { t=x[a]; x[a]=x[b]; x[b]=t }
              m=(n%2)?x[(n+1)/2]:(x[n/2]+x[n/2+1])/2; printf "    %-20s %10.1f\n", s, m } }'
  # Rebuilds into the existing output with the build cache (.hyoka-cache/
  # beside it): nothing changed, one project file changed, a department
  # renamed; each output must equal a --no-cache clean build byte for byte.
  # Ratios are against the median clean wall time above.
  # Each rebuild is timed three times (after its own edit each time; the
  # median is reported), then checked once against a clean build.
  rebuild() {  # label edit-command
    : >"$WORK/rb"
    for k in 1 2 3; do
      "$2" "$k"
      /usr/bin/time -v -o "$WORK/time" "$HYOKA" -q build --content "$C" --output "$WORK/out-hyoka"
      parse_time "$WORK/time" >>"$WORK/rb"
    done
    w=$(cut -d' ' -f1 "$WORK/rb" | median); m=$(cut -d' ' -f2 "$WORK/rb" | maxof)
    c=$(cut -d' ' -f3 "$WORK/rb" | median)
    printf '  rebuild, %-20s %8.3f s  = %5.3f x clean   peak RSS %8.1f MB   (runs: %s)\n' "$1:" "$w" \
      "$(echo "$w/$hyw" | bc -l)" "$(echo "$m/1024" | bc -l)" "$(cut -d' ' -f1 "$WORK/rb" | tr '\n' ' ' | sed 's/ $//')"
    printf '    CPU %.2f s = %s x the clean build'"'"'s\n' "$c" \
      "$(awk -v a="$c" -v b="$hyc" 'BEGIN { if (b > 0) printf "%.3f", a / b; else printf "-" }')"
    rm -rf "$WORK/out-clean"
    "$HYOKA" -q build --no-cache --content "$C" --output "$WORK/out-clean"
    if diff -r "$WORK/out-hyoka" "$WORK/out-clean" >/dev/null; then
      echo "    byte-identical to a clean build"
    else
      echo "    rebuilt output DIFFERS from a clean build" >&2; exit 1
    fi
  }
  nothing() { :; }
  one=$(find "$C" -name 'jigyo-*.yaml' | sort | sed -n 1p)
  # The first project's name, changed anew each time.
  one_file() { sed -i "s/^name: \"\(.*\)\"\$/name: \"\1（改$1）\"/" "$one"; }
  # The first department renamed anew each time: every page may show it.
  department() { sed -i "0,/^\( *- name: \)\(.*\)\$/s//\1\2（新$1）/" "$C/departments.yaml"; }
  "$HYOKA" -q build --content "$C" --output "$WORK/out-hyoka"   # writes the cache
  rebuild "nothing changed" nothing
  rebuild "one file changed" one_file
  rebuild "department renamed" department
  rm -rf "$C" "$H" "$WORK/out-hyoka" "$WORK/out-hugo" "$WORK/out-clean" "$WORK/.hyoka-cache"
done
