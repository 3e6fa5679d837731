#!/usr/bin/env bash
# Interleaved A/B of one-file rebuilds with the build cache: two hyoka
# binaries alternate, each into its own output, after the same edit of one
# project's name; prints each binary's wall times and mean CPU, and checks
# that both outputs are the same.
# Usage: benches/ab.sh N BIN_A BIN_B [CORPUS_N] [sheets|synthetic]
#   (the corpus is generated into $SHM, default /dev/shm)
# MODE=clean times clean builds instead (no previous output, no cache).
set -euo pipefail
cd "$(dirname "$0")/.."
N=$1; A=$(realpath "$2"); B=$(realpath "$3"); SIZE=${4:-10000}; KIND=${5:-sheets}
SHM=${SHM:-/dev/shm}
WORK=$(mktemp -d "$SHM/hyoka-ab.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
case $KIND in
  sheets) python3 benches/gen_sheets.py "$SIZE" "$WORK/c" >/dev/null ;;
  synthetic) python3 benches/gen_corpus.py "$SIZE" "$WORK/c" >/dev/null ;;
  *) echo "corpus: sheets or synthetic" >&2; exit 1 ;;
esac
f=$(find "$WORK/c" -name 'jigyo-*.yaml' | sort | sed -n 1p)
"$A" -q build --content "$WORK/c" --output "$WORK/a"
"$B" -q build --content "$WORK/c" --output "$WORK/b"
for i in $(seq 1 "$N"); do
  [ "${MODE:-}" = clean ] && rm -rf "$WORK/a" "$WORK/b" "$WORK/.hyoka-cache"
  sed -i -e '/^name:/s/（改[0-9]*）"$/"/' -e "/^name:/s/\"\$/（改$i）\"/" "$f"
  for x in a b; do
    bin=$A; [ $x = b ] && bin=$B
    /usr/bin/time -f "$x %e %U %S" "$bin" -q build --content "$WORK/c" --output "$WORK/$x" 2>&1 | tail -1
  done
done | awk '{w[$1]=w[$1]" "$2; u[$1]+=$3; s[$1]+=$4; n[$1]++}
  END {for (k in w) printf "%s walls:%s  mean user %.3f s, sys %.3f s\n", k, w[k], u[k]/n[k], s[k]/n[k]}' | sort
if diff -r "$WORK/a" "$WORK/b" >/dev/null; then echo "outputs equal"; else echo "outputs DIFFER" >&2; exit 1; fi
