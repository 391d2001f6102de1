#!/usr/bin/env bash
# tools/plot_relnet.py on a real `loihi-emu relnet --json` output: a valid PNG and SVG, and the
# CSV of the plotted series equal to the JSON's numbers (read here on their own, not through
# the plotting code).
# usage: relnet_plot.sh <loihi-emu> <source dir>
set -u
bin=$1
src=$2
data=${LE_DATA_DIR:-$src/data}
py=/usr/bin/python3
if ! [ -x "$py" ] || ! "$py" -c 'import matplotlib' 2>/dev/null; then
  echo "skipped: Debian's python3-matplotlib is not installed (tools/deps.sh installs it)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
"$bin" relnet --data "$data" --sentences 2,6 --placement both --stories 2 --json "$tmp/r.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ]; then echo "FAIL: relnet exit $rc: $(cat "$tmp/err") (CI has the data: LE_DATA_DIR or tools/fetch-data.sh)"; exit 1; fi
"$py" "$src/tools/plot_relnet.py" --data "$tmp/s.csv" "$tmp/p.png" "$tmp/r.json" 2>"$tmp/perr"
rc=$?
if [ $rc -ne 0 ]; then echo "FAIL: plot_relnet.py exit $rc: $(cat "$tmp/perr")"; exit 1; fi

magic=$(head -c 8 "$tmp/p.png" | od -An -tx1 | tr -d ' \n')
[ "$magic" = 89504e470d0a1a0a ] || { echo "FAIL: p.png does not start with the PNG signature ($magic)"; fail=1; }
size=$(wc -c <"$tmp/p.png")
[ "$size" -gt 10240 ] || { echo "FAIL: p.png is $size bytes, expected more than 10 kB"; fail=1; }
grep -q '<svg' "$tmp/p.svg" 2>/dev/null || { echo "FAIL: no SVG written beside the PNG"; fail=1; }

# Every placement's (M, EDP, us/step) and the paper's, exactly once each, equal to the JSON.
"$py" - "$tmp/r.json" "$tmp/s.csv" <<'EOF' || fail=1
import csv, json, math, sys
rows = json.load(open(sys.argv[1]))["rows"]
want = {}
for r in rows:
    want[(r["placement"], r["sentences"])] = (r["edp_ujs"], r["us_per_step"])
    want[("paper (Table S2)", r["sentences"])] = (r["paper"]["edp_ujs"], r["paper"]["us_per_step"])
got = {}
for r in csv.DictReader(open(sys.argv[2])):
    key = (r["series"], int(r["sentences"]))
    if key in got:
        sys.exit("FAIL: CSV has %s twice" % (key,))
    got[key] = (float(r["edp_ujs"]), float(r["us_per_step"]))
if len(want) != 6:
    sys.exit("FAIL: expected 2 placements x 2 sizes + 2 paper rows in the JSON, got %d" % len(want))
if set(got) != set(want):
    sys.exit("FAIL: CSV series %s, JSON %s" % (sorted(got), sorted(want)))
for k in want:
    if not all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(got[k], want[k])):
        sys.exit("FAIL: %s: CSV %s, JSON %s" % (k, got[k], want[k]))
EOF

# Two weight directories: one series per placement and weights, named after the directory.
tw=$src/train/run2/weights
"$bin" relnet --data "$data" --sentences 2 --stories 2 --weights "$tw" --json "$tmp/t.json" >/dev/null 2>"$tmp/err" ||
  { echo "FAIL: relnet --weights $tw: $(cat "$tmp/err")"; fail=1; }
"$py" "$src/tools/plot_relnet.py" --data "$tmp/s2.csv" "$tmp/p2.png" "$tmp/r.json" "$tmp/t.json" 2>"$tmp/perr" ||
  { echo "FAIL: plot_relnet.py on two weight directories: $(cat "$tmp/perr")"; fail=1; }
"$py" - "$tmp/t.json" "$tmp/s2.csv" <<'EOF' || fail=1
import csv, json, sys
want = json.load(open(sys.argv[1]))["rows"][0]
series = {}
for r in csv.DictReader(open(sys.argv[2])):
    series.setdefault(r["series"], {})[int(r["sentences"])] = float(r["edp_ujs"])
names = sorted(series)
if "optimised, run2/weights" not in series or "optimised, run6/weights" not in series:
    sys.exit("FAIL: series %s: expected one per weights (optimised, run2/weights; optimised, run6/weights)" % names)
if series["optimised, run2/weights"] != {2: want["edp_ujs"]}:
    sys.exit("FAIL: trained series %s, JSON M = 2 EDP %s" % (series["optimised, run2/weights"], want["edp_ujs"]))
EOF

# A file that is not the command's JSON is an error that says so, not a traceback.
echo '{"model": "x"}' >"$tmp/bad.json"
"$py" "$src/tools/plot_relnet.py" "$tmp/b.png" "$tmp/bad.json" 2>"$tmp/berr" && { echo "FAIL: bad JSON accepted"; fail=1; }
grep -q "no 'rows' list" "$tmp/berr" || { echo "FAIL: bad JSON message: $(cat "$tmp/berr")"; fail=1; }
grep -q Traceback "$tmp/berr" && { echo "FAIL: traceback on bad JSON"; fail=1; }
[ $fail -eq 0 ] && echo ok
exit $fail
