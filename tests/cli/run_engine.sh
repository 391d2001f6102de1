#!/usr/bin/env bash
# `--engine systemc` runs the same cost model through the SystemC modules: the report (table
# and JSON) and the trace must be byte-identical to the plain C engine's, SystemC's end time
# must equal the report's simulated time, and nothing from the kernel may reach stdout.
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
net="$src/models/examples/three_neurons.yaml"
for e in c systemc; do
  "$bin" run "$net" --steps 300 --board kapoho-bay --noc packet --engine $e \
    --trace "$tmp/trace-$e.csv" --report "$tmp/r-$e.json" > "$tmp/out-$e.txt" 2> "$tmp/err-$e.txt"
done
cmp "$tmp/trace-c.csv" "$tmp/trace-systemc.csv" || { echo "FAIL: traces differ"; exit 1; }
cmp "$tmp/r-c.json" "$tmp/r-systemc.json" || { echo "FAIL: JSON reports differ"; exit 1; }
cmp "$tmp/out-c.txt" "$tmp/out-systemc.txt" || { echo "FAIL: stdout differs"; diff "$tmp/out-c.txt" "$tmp/out-systemc.txt"; exit 1; }
# SystemC time (us) printed on stderr equals the report's simulated time of the run.
sc_us=$(sed -n 's/.*SystemC time at the end: \([0-9.]*\) us/\1/p' "$tmp/err-systemc.txt")
[ -n "$sc_us" ] || { echo "FAIL: no SystemC time line"; cat "$tmp/err-systemc.txt"; exit 1; }
rep_s=$(sed -n 's/^ *"time_s": *\([0-9.eE+-]*\),*$/\1/p' "$tmp/r-c.json" | head -1)
[ -n "$rep_s" ] || { echo "FAIL: no time_s in the JSON report"; exit 1; }
awk -v a="$sc_us" -v b="$rep_s" 'BEGIN { d = a - b * 1e6; if (d < 0) d = -d; exit !(d < 1e-3) }' \
  || { echo "FAIL: SystemC time $sc_us us != report $rep_s s"; exit 1; }
if "$bin" run "$net" --steps 10 --engine bogus 2>"$tmp/bad.txt"; then echo "FAIL: bad engine accepted"; exit 1; fi
grep -q "engine" "$tmp/bad.txt" || { echo "FAIL: bad engine message"; cat "$tmp/bad.txt"; exit 1; }
echo "run_engine: ok"
