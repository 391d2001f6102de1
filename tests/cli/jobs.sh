#!/usr/bin/env bash
# --jobs N gives the bytes of --jobs 1 whatever N: sMNIST on 23 images (three 10-image
# batches, the last one short) in both network modes, and RelNet on two story sizes.
# usage: jobs.sh <loihi-emu> <source dir>
set -u
bin=$1
src=$2
data=${LE_DATA_DIR:-$src/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for noc in load packet; do
  for j in 1 2 3; do
    "$bin" smnist --data "$data" --images 23 --first 40 --noc "$noc" --ledger --jobs $j --json "$tmp/s$j.json" \
      --predictions "$tmp/s$j.csv" >"$tmp/s$j.txt" 2>"$tmp/err" ||
      { echo "FAIL: smnist --jobs $j --noc $noc: $(cat "$tmp/err")"; exit 1; }
  done
  for j in 2 3; do
    for f in json csv txt; do
      cmp -s "$tmp/s1.$f" "$tmp/s$j.$f" || { echo "FAIL: smnist --noc $noc --jobs $j: $f differs from --jobs 1"; fail=1; }
    done
  done
done
[ "$(wc -l <"$tmp/s1.csv")" -eq 24 ] || { echo "FAIL: $(wc -l <"$tmp/s1.csv") prediction lines, expected 24"; fail=1; }
for j in 1 2; do
  "$bin" relnet --data "$data" --sentences 2,6 --stories 2 --ledger --jobs $j --json "$tmp/r$j.json" \
    --predictions "$tmp/r$j.csv" >"$tmp/r$j.txt" 2>"$tmp/err$j" ||
    { echo "FAIL: relnet --jobs $j: $(cat "$tmp/err$j")"; exit 1; }
done
for f in json csv txt; do
  cmp -s "$tmp/r1.$f" "$tmp/r2.$f" || { echo "FAIL: relnet --jobs 2: $f differs from --jobs 1"; fail=1; }
done
grep -v "generated weights" "$tmp/err1" >"$tmp/e1"; grep -v "generated weights" "$tmp/err2" >"$tmp/e2"
cmp -s "$tmp/e1" "$tmp/e2" || { echo "FAIL: relnet --jobs 2: stderr differs"; fail=1; }
# Bad values are usage errors.
for bad in -1 x 1025 ""; do
  "$bin" smnist --data "$data" --jobs "$bad" >/dev/null 2>"$tmp/err" && { echo "FAIL: --jobs '$bad' accepted"; fail=1; }
  grep -q -- "--jobs" "$tmp/err" || { echo "FAIL: --jobs '$bad': $(cat "$tmp/err")"; fail=1; }
done
[ $fail -eq 0 ] && echo ok
exit $fail
