#!/usr/bin/env bash
# `loihi-emu compare` and `loihi-emu sweep` on the hot-spot example. By hand: 256 sources fire
# every step, each sending one packet to the sink; with the sink on chip 1 (hotspot.yaml) each
# packet crosses one chip-to-chip link, with the sink on chip 0 (hotspot_near.yaml) none. A
# longer chip-link latency can only lengthen the path of every packet, so EDP may not fall as
# it grows. Sweep rows reproduce when their command runs alone, and --jobs does not change them.
# usage: congestion_study.sh <loihi-emu> <source dir>
set -u
bin=$1
src=$2
ex=$src/models/examples/congestion
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
steps=10

"$bin" compare "run $ex/hotspot.yaml --steps $steps --board kapoho-bay" "run $ex/hotspot_near.yaml --steps $steps --board kapoho-bay" \
  --names far,near --out "$tmp/cmp" --no-plot >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: compare: $(cat "$tmp/err")"; cat "$tmp/out"; exit 1; }
grep -Eq "chip-to-chip messages \(run\) +2560 +0 +-2560" "$tmp/out" \
  || { echo "FAIL: chip-to-chip messages: expected 2560 (256 x $steps) vs 0"; cat "$tmp/out"; fail=1; }
grep -Eq "packets \(run\) +2560 +2560 +0" "$tmp/out" || { echo "FAIL: both runs send 2560 packets"; fail=1; }
grep -Eq "chip 0 port E +2560 -> 0 " "$tmp/out" || { echo "FAIL: the port's load should be among the links that changed most"; fail=1; }
for s in far near; do
  [ -s "$tmp/cmp/$s/report.json" ] && [ -s "$tmp/cmp/$s/trace/links.csv" ] || { echo "FAIL: compare kept no report or trace of $s"; fail=1; }
done
cmp -s "$tmp/out" <(tail -n +4 "$tmp/cmp/compare.txt") || { echo "FAIL: compare.txt differs from the printed table"; fail=1; }
"$bin" compare "run $ex/hotspot.yaml --steps 2 --board kapoho-bay" "run $ex/nope.yaml --steps 2" --out "$tmp/bad" --no-plot >/dev/null 2>"$tmp/err"
[ $? -ne 0 ] && grep -q "B (run" "$tmp/err" || { echo "FAIL: a failing side must fail compare and name it: $(cat "$tmp/err")"; fail=1; }

sweep() {
  "$bin" sweep --set noc.chip_link.latency_ns=20,75,150,300 --set noc=load,packet --jobs "$1" --out "$2" $3 \
    -- run "$ex/hotspot.yaml" --steps $steps --board kapoho-bay >"$tmp/sout" 2>"$tmp/serr" \
    || { echo "FAIL: sweep --jobs $1: $(cat "$tmp/serr")"; fail=1; }
}
sweep 1 "$tmp/s1" --no-plot
sweep 3 "$tmp/s3" ""
cmp -s "$tmp/s1/sweep.csv" <(sed "s|$tmp/s3|$tmp/s1|g" "$tmp/s3/sweep.csv") || { echo "FAIL: --jobs 3 rows differ from --jobs 1"; fail=1; }
/usr/bin/python3 - "$tmp/s1" "$bin" <<'PY' || fail=1
import csv, json, math, shlex, subprocess, sys, os
d, binary = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(os.path.join(d, "sweep.csv"))))
if len(rows) != 8:
    sys.exit("FAIL: 4 latencies x 2 modes should give 8 rows, got %d" % len(rows))
js = json.load(open(os.path.join(d, "sweep.json")))["points"]
if len(js) != 8 or any(abs(j["edp_ujs"] - float(r["edp_ujs"])) > 1e-9 * abs(j["edp_ujs"]) for j, r in zip(js, rows)):
    sys.exit("FAIL: sweep.json and sweep.csv disagree")
for mode in ("load", "packet"):
    edp = [(float(r["noc.chip_link.latency_ns"]), float(r["edp_ujs"])) for r in rows if r["noc"] == mode]
    edp.sort()
    if any(b[1] < a[1] for a, b in zip(edp, edp[1:])) or edp[-1][1] <= edp[0][1]:
        sys.exit("FAIL: EDP not rising with the chip-link latency in %s mode: %s" % (mode, edp))
# a row alone: its command, with a report of our own
r = rows[5]
argv = shlex.split(r["command"])
assert argv[0] == "loihi-emu"
rep = os.path.join(d, "alone.json")
subprocess.run([binary] + argv[1:] + ["--report", rep], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
edp = json.load(open(rep))["edp_js"] * 1e6
if not math.isclose(edp, float(r["edp_ujs"]), rel_tol=1e-8):
    sys.exit("FAIL: row 5 alone gives EDP %r, the row says %s" % (edp, r["edp_ujs"]))
PY
# the same grid from a file: a mapping of parameter -> values (or one value)
printf 'noc.chip_link.latency_ns: [20, 300]\nboard: kapoho-bay\n' >"$tmp/grid.yaml"
"$bin" sweep --grid "$tmp/grid.yaml" --out "$tmp/g" --no-plot -- run "$ex/hotspot.yaml" --steps $steps >/dev/null 2>"$tmp/gerr" \
  || { echo "FAIL: sweep --grid: $(cat "$tmp/gerr")"; fail=1; }
[ "$(wc -l <"$tmp/g/sweep.csv")" -eq 3 ] || { echo "FAIL: --grid: expected a header and 2 rows"; fail=1; }
grep -q -- '--board kapoho-bay --set noc.chip_link.latency_ns=300' "$tmp/g/sweep.csv" || { echo "FAIL: --grid rows lack their command"; fail=1; }
printf 'board: [kapoho-bay\n' >"$tmp/bad.yaml"
"$bin" sweep --grid "$tmp/bad.yaml" -- run "$ex/hotspot.yaml" --steps 2 >/dev/null 2>"$tmp/gerr"
[ $? -ne 0 ] && grep -q "bad.yaml" "$tmp/gerr" || { echo "FAIL: a malformed grid file must be refused, naming it"; fail=1; }
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  magic=$(head -c 8 "$tmp/s3/sweep.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
  [ "$magic" = 89504e470d0a1a0a ] || { echo "FAIL: sweep.png is not a PNG"; fail=1; }
fi
[ $fail -eq 0 ] && echo "ok"
exit $fail
