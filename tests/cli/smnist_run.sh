#!/usr/bin/env bash
# `loihi-emu smnist` end to end on 3 images: report, JSON and predictions CSV.
# usage: smnist_run.sh <loihi-emu> <source dir>
set -u
bin=$1
src=$2
data=${LE_DATA_DIR:-$src/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
out=$("$bin" smnist --data "$data" --images 3 --first 7 --json "$tmp/r.json" --predictions "$tmp/p.csv" 2>"$tmp/err")
rc=$?
if [ $rc -ne 0 ]; then echo "FAIL: exit $rc: $(cat "$tmp/err") (CI has the data: LE_DATA_DIR or tools/fetch-data.sh)"; exit 1; fi
for want in "accuracy:" "time per step" "latency per image" "x86 power dynamic" "neuro-core power static" \
            "energy per inference" "EDP" "16.79" "14.11" "5.14" "calibrated, not reproduced"; do
  grep -qF -- "$want" <<<"$out" || { echo "FAIL: report lacks '$want'"; fail=1; }
done
# Predictions: a header and one line per image; the labels of t10k images 7, 8, 9 are 9, 5, 9.
[ "$(head -1 "$tmp/p.csv")" = "index,label,predicted" ] || { echo "FAIL: CSV header: $(head -1 "$tmp/p.csv")"; fail=1; }
[ "$(wc -l <"$tmp/p.csv")" -eq 4 ] || { echo "FAIL: CSV has $(wc -l <"$tmp/p.csv") lines, expected 4"; fail=1; }
cut -d, -f1,2 "$tmp/p.csv" | tail -3 | tr '\n' ' ' | grep -qx "7,9 8,5 9,9 " || { echo "FAIL: CSV index,label: $(cat "$tmp/p.csv")"; fail=1; }
grep -q '"table_s1"' "$tmp/r.json" || { echo "FAIL: JSON lacks table_s1"; fail=1; }
grep -q '"images": 3' "$tmp/r.json" || { echo "FAIL: JSON images"; fail=1; }
# No progress bar when stderr is not a terminal.
[ ! -s "$tmp/err" ] || { echo "FAIL: unexpected stderr: $(cat "$tmp/err")"; fail=1; }
# The default data folder also comes from LE_DATA_DIR.
LE_DATA_DIR="$data" "$bin" smnist --images 1 >/dev/null || { echo "FAIL: LE_DATA_DIR not used"; fail=1; }
[ $fail -eq 0 ] && echo ok
exit $fail
