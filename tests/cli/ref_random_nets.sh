#!/usr/bin/env bash
# The C emulator against an independent Python reference (tools/ref_emulator.py, written
# from the spec, not from the C code), bit for bit, on random networks (tools/random_net.py).
# First both are checked on one tiny network worked out by hand below.
#
# Usage: ref_random_nets.sh <loihi-emu> <source dir> [NETS] [FIRST_SEED] [STEPS]
#   (or LE_REF_NETS, LE_REF_FIRST_SEED, LE_REF_STEPS; defaults 60, 1, 200)
# On a mismatch it prints the seed and the first differing row, and keeps the files.
set -euo pipefail
bin=$1; src=$2
nets=${3:-${LE_REF_NETS:-60}}
first=${4:-${LE_REF_FIRST_SEED:-1}}
steps=${5:-${LE_REF_STEPS:-200}}

# /usr/bin/python3 carries Debian's python3-yaml and starts faster than a pyenv shim.
py=${LE_PYTHON:-}
if [ -z "$py" ]; then
  for c in /usr/bin/python3 python3; do
    if "$c" -c 'import yaml' 2>/dev/null; then py=$c; break; fi
  done
fi
[ -n "$py" ] || { echo "FAIL: no python3 with PyYAML (Debian: apt-get install python3-yaml)" >&2; exit 1; }
ref="$py $src/tools/ref_emulator.py"
gen="$py $src/tools/random_net.py"

tmp=$(mktemp -d)
keep=0
trap '[ $keep -eq 1 ] || rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; keep=1; echo "files kept in $tmp" >&2; exit 1; }

# --- 1. A network worked out by hand (values derived in the comments) ---
cat >"$tmp/hand.yaml" <<'YAML'
populations:
  - {name: in, kind: input, size: 3}
  # u = this step's input exactly (decay_u 4096), v keeps it (decay_v 0): the actual weights.
  - {name: w, size: 6, decay_u: 4096, decay_v: 0, vth_mant: 131071}
  # Negative current decays toward zero.
  - {name: d, size: 1, decay_u: 100, decay_v: 0, vth_mant: 131071}
  # Threshold 64, bias 1, refractory delay 3 (two silent steps); s: the same without bias.
  - {name: r, size: 1, decay_u: 4096, decay_v: 4095, bias_mant: 1, vth_mant: 1, refract: 3}
  - {name: s, size: 1, decay_u: 4096, decay_v: 4095, vth_mant: 1}
  # Latency: r's spikes with delay 2, an injected spike with delay 3.
  - {name: t, size: 1, decay_u: 4096, decay_v: 4095, vth_mant: 131071}
  # AHP neuron: the aux's u integrates the self-synapse (-64), its v joins the main's u.
  - {name: h, kind: ahp, size: 1, decay_u: 4096, decay_v: 0, vth_mant: 1, refract: 1,
     aux: {decay_u: 0, decay_v: 4095}, ahp_weight: -1, ahp_wexp: 0}
  # u wraps at 24 bits; v clamps to vmax = 2^9 - 1 = 511 and vmin = -(2^4) + 1 = -15.
  - {name: x, size: 1, decay_u: 0, decay_v: 0, vth_mant: 131071, vmax_exp: 0, vmin_exp: 4}
connections:
  - {from: in, to: w, synapses: [[1, 0, -3]], wexp: -1}                    # floor(-3/2)*64 = -128
  - {from: in, to: w, synapses: [[1, 1, -3]], sign_mode: mixed}            # -4*64 = -256
  - {from: in, to: w, synapses: [[1, 2, 253]], sign_mode: mixed}           # 252*64 = 16128
  - {from: in, to: w, synapses: [[1, 3, -37]], weight_bits: 5}             # split: inhibitory magnitude 37 -> 32: -32*64 = -2048
  - {from: in, to: w, synapses: [[1, 4, 255], [1, 4, 255]], wexp: 7}       # 2*2088960 wraps
  - {from: in, to: w, synapses: [[1, 5, -256]], wexp: 7}                   # clip: -(2^21-64) = -2097088
  - {from: in, to: d, synapses: [[1, 0, -1]]}                              # -64
  - {from: in, to: r, synapses: [[0, 0, 1]]}                               # 64 per step
  - {from: in, to: s, synapses: [[0, 0, 1]]}
  - {from: r, to: t, synapses: [[0, 0, 10, 2]]}                            # 640
  - {from: in, to: t, synapses: [[2, 0, 1, 3]]}                            # 64
  - {from: in, to: h, synapses: [[0, 0, 2]]}                               # 128 per step
  - {from: in, to: x, synapses: [[0, 0, 255]], wexp: 7}                    # 2088960 per step
inputs:
  - {population: in, neuron: 0, steps: [1, 2, 3, 4, 5, 6, 7]}
  - {population: in, neuron: 1, steps: 1}
  - {population: in, neuron: 2, steps: 5}
YAML
expected='
1,w,0,-128,-128,0
1,w,1,-256,-256,0
1,w,2,16128,16128,0
1,w,3,-2048,-2048,0
1,w,4,-16384,-16384,0
1,w,5,-2097088,-2097088,0
2,w,0,0,-128,0
2,w,4,0,-16384,0
1,d,0,-64,-64,0
2,d,0,-62,-126,0
3,d,0,-60,-186,0
1,r,0,64,0,1
2,r,0,64,0,0
3,r,0,64,0,0
4,r,0,64,0,1
5,r,0,64,0,0
7,r,0,64,0,1
8,r,0,0,0,0
1,s,0,64,64,0
7,s,0,64,64,0
3,t,0,0,0,0
4,t,0,640,640,0
5,t,0,0,0,0
7,t,0,640,640,0
8,t,0,64,64,0
1,h,0,128,0,1
2,h,0,64,64,0
3,h,0,64,0,1
4,h,0,0,0,0
7,h,0,0,0,0
8,h,0,-128,-128,0
1,x,0,2088960,511,0
4,x,0,8355840,511,0
5,x,0,-6332416,-15,0
8,x,0,-2154496,-15,0'
# d: u2 = -((64*3996)>>12) = -62, u3 = -((62*3996)>>12) = -60 (toward zero; floor gives -63).
# r: 64+1 = 65 > 64 fires at 1; refractory 3 holds v at 0 in 2 and 3; fires again at 4 and 7.
# s: v = 64 is not > 64, so it never fires.  t: r's spikes at 1,4,7 arrive at 4,7,10 (1+2);
# the spike injected at 5 arrives at 8 (delay 3).  h: the spike at 1 reaches the aux at 2
# (aux v = -64, main u = 128-64); at 3 the main fires again and the aux sums to -128 from 4.
# x: u = k*2088960 wraps at k = 5 to 10444800 - 2^24 = -6332416.
$ref "$tmp/hand.yaml" --steps 8 --trace "$tmp/hand_ref.csv" 2>"$tmp/hand_ref.err" \
  || fail "reference on the hand-worked network: $(cat "$tmp/hand_ref.err")"
"$bin" run "$tmp/hand.yaml" --steps 8 --trace "$tmp/hand_c.csv" 2>"$tmp/hand_c.err" \
  || fail "loihi-emu on the hand-worked network: $(cat "$tmp/hand_c.err")"
for row in $expected; do
  grep -qx "$row" "$tmp/hand_ref.csv" || fail "reference, hand-worked network: row '$row' missing"
  grep -qx "$row" "$tmp/hand_c.csv" || fail "loihi-emu, hand-worked network: row '$row' missing"
done
cmp -s "$tmp/hand_ref.csv" "$tmp/hand_c.csv" || fail "hand-worked network: traces differ"

# --- 2. Random networks ---
: >"$tmp/stats.txt"
bad=0
for ((seed = first; seed < first + nets; seed++)); do
  d="$tmp/seed$seed"; mkdir "$d"
  # One network in four spreads over a 2x2-chip board and runs through the cost model
  # (packet or load mesh, C or SystemC engine): the functional trace must not change.
  chips=1; opts=()
  case $((seed % 8)) in
    3) chips=4; opts=(--board 2x2 --noc packet) ;;
    7) chips=4; opts=(--board 2x2 --noc load --engine systemc) ;;
  esac
  $gen --seed "$seed" --steps "$steps" --chips $chips --out "$d/net.yaml"
  if ! "$bin" run "$d/net.yaml" --steps "$steps" --trace "$d/c.csv" "${opts[@]}" >"$d/c.out" 2>"$d/c.err"; then
    echo "MISMATCH seed $seed: loihi-emu ${opts[*]} rejected the network: $(cat "$d/c.err")" >&2
    bad=$((bad + 1)); continue
  fi
  if ! $ref "$d/net.yaml" --steps "$steps" --trace "$d/ref.csv" --stats "$tmp/stats.txt" 2>"$d/ref.err"; then
    echo "MISMATCH seed $seed: the reference rejected the network: $(cat "$d/ref.err")" >&2
    bad=$((bad + 1)); continue
  fi
  if cmp -s "$d/c.csv" "$d/ref.csv"; then
    rm -rf "$d"
  else
    # diff's first hunk header starts with the first differing line number.
    line=$(diff "$d/c.csv" "$d/ref.csv" | sed -n '1s/^\([0-9]*\).*/\1/p' || true)
    echo "MISMATCH seed $seed (tools/random_net.py --seed $seed --steps $steps --chips $chips;" \
         "loihi-emu run ${opts[*]}), first differing row $line:" >&2
    echo "  header:    $(head -1 "$d/c.csv")" >&2
    echo "  loihi-emu: $(sed -n "${line}p" "$d/c.csv")" >&2
    echo "  reference: $(sed -n "${line}p" "$d/ref.csv")" >&2
    bad=$((bad + 1))
  fi
done
if [ $bad -gt 0 ]; then
  fail "$bad of $nets random networks differ (seeds $first..$((first + nets - 1)), $steps steps)"
fi

# The check means something only if the networks reached the edge cases: sum the counts.
summary=$(awk '{for (i = 1; i <= NF; i++) {split($i, kv, "="); s[kv[1]] += kv[2]; if (!(kv[1] in o)) {o[kv[1]] = ++n; k[n] = kv[1]}}}
               END {for (i = 1; i <= n; i++) printf "%s=%d ", k[i], s[k[i]]}' "$tmp/stats.txt")
echo "ok: $nets random networks x $steps steps agree bit for bit; reached: $summary"
if [ "$nets" -ge 20 ]; then
  for key in spikes q_wrap u_wrap v_at_vmax v_at_vmin refractory_held join_nonzero trunc_lossy \
             trunc_lossy_negative shift_lossy delay_over_31; do
    case " $summary" in *" $key=0 "*) fail "the random networks never reached '$key'" ;; esac
  done
fi
