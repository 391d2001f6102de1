#!/usr/bin/env bash
# The shipped example networks run, write a trace with one row per step and traced neuron,
# and print the one-line summary.  Usage: run_examples.sh <loihi-emu> <source dir>
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

check() { # example steps traced_neurons
  local ex=$1 steps=$2 traced=$3
  "$bin" run "$src/models/examples/$ex.yaml" --steps "$steps" --trace "$tmp/$ex.csv" 2>"$tmp/$ex.err" \
    || fail "$ex: exit status $? ($(cat "$tmp/$ex.err"))"
  [ "$(head -1 "$tmp/$ex.csv")" = "step,population,index,u,v,spike" ] || fail "$ex: trace header"
  local rows; rows=$(($(wc -l <"$tmp/$ex.csv") - 1))
  [ "$rows" -eq $((steps * traced)) ] || fail "$ex: $rows trace rows, expected $((steps * traced))"
  grep -q "^loihi-emu run: .*$ex.yaml: $steps steps, [0-9]* spikes, [0-9]* cores" "$tmp/$ex.err" \
    || fail "$ex: summary line missing: $(cat "$tmp/$ex.err")"
  # The last row belongs to the last step.
  [ "$(tail -1 "$tmp/$ex.csv" | cut -d, -f1)" = "$steps" ] || fail "$ex: last row is not step $steps"
}
check three_neurons 30 3
check ahp_pair 60 2
check npy_layer 20 6

# per_core 3 puts the six layer neurons on two cores.
grep -q ", 2 cores, 6 neurons" "$tmp/npy_layer.err" || fail "npy_layer: expected 2 cores: $(cat "$tmp/npy_layer.err")"

# --trace-pops selects populations; '-' writes the trace to stdout.
"$bin" run "$src/models/examples/ahp_pair.yaml" --steps 5 --trace - --trace-pops ahp 2>/dev/null >"$tmp/out.csv"
[ "$(wc -l <"$tmp/out.csv")" -eq 11 ] || fail "--trace - : $(wc -l <"$tmp/out.csv") lines, expected 11"

# The AHP neuron adapts: under constant drive its spikes thin out.
early=$(awk -F, '$2=="ahp" && $3==0 && $1<=10 && $6==1' "$tmp/ahp_pair.csv" | wc -l)
late=$(awk -F, '$2=="ahp" && $3==0 && $1>30 && $1<=40 && $6==1' "$tmp/ahp_pair.csv" | wc -l)
[ "$early" -gt "$late" ] || fail "ahp_pair: no adaptation (steps 1-10: $early spikes, 31-40: $late)"
echo "ok"
