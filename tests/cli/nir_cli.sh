#!/usr/bin/env bash
# `loihi-emu nir info|run` end to end on the shipped NIR files: every file either maps (and
# says how many cores it needs) or gives one error naming the file and the node.
# usage: nir_cli.sh <loihi-emu> <source dir>
set -u
bin=$1; src=$2
data=${LE_DATA_DIR:-$src/data}/nir
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -d "$data" ] || fail "$data missing: run tools/fetch-data.sh"
for f in 01_lif/lif_norse.nir 01_lif/lif_rockpool.nir 01_lif/debug_spike_representation/two_lif_neurons.nir \
         03_rnn/braille_noDelay_bias_zero.nir 03_rnn/braille_noDelay_noBias_subtract.nir 02_cnn/cnn_sinabs.nir; do
  "$bin" nir info "$data/$f" >"$tmp/out" 2>"$tmp/err" || fail "nir info $f: $(cat "$tmp/err")"
  grep -q "^placed: [0-9]* cores" "$tmp/out" || fail "nir info $f prints no core count"
  grep -q "^quantisation: dt 0.0001 s" "$tmp/out" || fail "nir info $f prints no quantisation"
done
for f in 03_rnn/extras/braille_noDelay_bias_zero_subgraph.nir 03_rnn/extras/braille_noDelay_noBias_subtract_subgraph.nir; do
  "$bin" nir info "$data/$f" >"$tmp/out" 2>"$tmp/err" && fail "nir info $f accepted a malformed graph"
  [ "$(grep -c '^loihi-emu: ' "$tmp/err")" -eq 1 ] || fail "$f: expected one error line: $(cat "$tmp/err")"
  grep -q "$f: graph 'lif1': .*no node 'lif'" "$tmp/err" || fail "$f: $(cat "$tmp/err")"
done
"$bin" nir info "$data/03_rnn/braille_noDelay_noBias_subtract.nir" --reset subtract >/dev/null 2>"$tmp/err" &&
  fail "reset by subtraction accepted without --accept-reset"
grep -q "node 'lif1.lif' (CubaLIF): reset by subtraction cannot map" "$tmp/err" || fail "$(cat "$tmp/err")"
# A run: two input spikes into the single LIF neuron, with a board's cost report.
python3 - "$tmp/in.npy" <<'PY'
import struct, sys
rows = [0.0] * 50; rows[3] = rows[10] = 1.0
h = "{'descr': '<f4', 'fortran_order': False, 'shape': (50, 1), }"
h += ' ' * (63 - (10 + len(h)) % 64) + '\n'
open(sys.argv[1], 'wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode() + struct.pack('<50f', *rows))
PY
"$bin" nir run "$data/01_lif/lif_norse.nir" --input "$tmp/in.npy" --steps 50 --vscale 16000 --trace "$tmp/t.csv" \
  --board nahuku32 >"$tmp/out" 2>"$tmp/err" || fail "nir run: $(cat "$tmp/err")"
[ "$(head -1 "$tmp/t.csv")" = "step,population,index,u,v,spike" ] || fail "trace header"
# Row 4 of the input (step 4) is integrated in step 5: 1 x r x dt/tau x 16000 = 640.
grep -q "^5,1,0,640,640,0$" "$tmp/t.csv" || fail "step 5: $(sed -n 6p "$tmp/t.csv")"
grep -qi "energy" "$tmp/out" || fail "no cost report: $(cat "$tmp/out")"
"$bin" nir run "$data/01_lif/lif_norse.nir" --steps 5 >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] || fail "missing --input"
echo ok
