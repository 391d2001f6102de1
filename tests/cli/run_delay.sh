#!/usr/bin/env bash
# Timing through the whole loop, read from the CSV trace: a spike fired in step t reaches its
# target's current in step t + 1 + delay; an injected spike for step t in step t + delay.
# Usage: run_delay.sh <loihi-emu> <source dir>
set -euo pipefail
bin=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cat >"$tmp/net.yaml" <<'YAML'
populations:
  - {name: in, kind: input, size: 2}
  - {name: a, size: 1, decay_u: 4096, decay_v: 4095, vth_mant: 1}           # fires on any input
  - {name: b, size: 3, decay_u: 4096, decay_v: 0, vth_mant: 100000, trace: true}  # u = this step's input
connections:
  - {from: in, to: a, synapses: [[0, 0, 100]]}
  - {from: a, to: b, synapses: [[0, 0, 10, 0], [0, 1, 10, 7]]}
  - {from: in, to: b, synapses: [[1, 2, 10]], delay: 3}
inputs:
  - {population: in, neuron: 0, steps: [4]}
  - {population: in, neuron: 1, steps: [9]}
YAML
"$bin" run "$tmp/net.yaml" --steps 20 --trace "$tmp/t.csv" 2>/dev/null
steps_with_u() { awk -F, -v i="$1" '$2=="b" && $3==i && $4!=0 {printf "%s ", $1}' "$tmp/t.csv"; }
# a fires in step 4 (injected at 4, delay 0).
[ "$(steps_with_u 0)" = "5 " ] || fail "delay 0 after a spike at 4: u at steps '$(steps_with_u 0)', expected 5"
[ "$(steps_with_u 1)" = "12 " ] || fail "delay 7 after a spike at 4: u at steps '$(steps_with_u 1)', expected 12"
[ "$(steps_with_u 2)" = "12 " ] || fail "injection at 9, delay 3: u at steps '$(steps_with_u 2)', expected 12"
echo "ok"
