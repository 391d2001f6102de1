#!/usr/bin/env bash
# `loihi-emu nir export` writes a network file that `loihi-emu run` runs exactly as `nir run`
# runs the NIR graph: the two traces of every compartment must be byte-identical. The NIR path
# and the YAML path share only the simulator, so a field the exporter drops or misspells (a
# profile value, an exponent, a sign mode, a delay, an input step) shows as a differing row.
# usage: nir_export.sh <loihi-emu> <source dir>
set -u
bin=$1; src=$2
data=${LE_DATA_DIR:-$src/data}/nir
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -d "$data" ] || fail "$data missing: run tools/fetch-data.sh"
"$py" -c 'import numpy' 2>/dev/null || fail "$py has no numpy (tools/deps.sh)"
# Seeded Bernoulli spikes, (steps, inputs).
gen() { "$py" -c "import numpy as np, sys; r = np.random.default_rng($4)
np.save(sys.argv[1], (r.random(($2, $3)) < 0.1).astype(np.float32))" "$1"; }
check() { # name file steps inputs seed [mapping options]
  local name=$1 f=$2 steps=$3 n=$4 seed=$5; shift 5
  gen "$tmp/$name.npy" "$steps" "$n" "$seed"
  "$bin" nir run "$data/$f" --input "$tmp/$name.npy" --steps "$steps" --trace "$tmp/$name.nir.csv" "$@" \
    >/dev/null 2>"$tmp/err" || fail "nir run $f: $(cat "$tmp/err")"
  "$bin" nir export "$data/$f" --input "$tmp/$name.npy" --steps "$steps" --out "$tmp/$name.yaml" "$@" \
    2>"$tmp/err" || fail "nir export $f: $(cat "$tmp/err")"
  "$bin" run "$tmp/$name.yaml" --steps "$steps" --trace "$tmp/$name.yaml.csv" 2>"$tmp/err" \
    || fail "run $name.yaml: $(cat "$tmp/err")"
  cmp -s "$tmp/$name.nir.csv" "$tmp/$name.yaml.csv" ||
    fail "$f: traces differ: $(diff "$tmp/$name.nir.csv" "$tmp/$name.yaml.csv" | head -4)"
  # A trace with no spike would pass with most of the network file wrong.
  awk -F, 'NR > 1 && $6 == 1 { s++ } END { exit !(s > 0) }' "$tmp/$name.nir.csv" || fail "$f: no spike in the trace"
}
check lif 01_lif/lif_norse.nir 300 1 1 --vscale 16000
check braille 03_rnn/braille_noDelay_bias_zero.nir 256 12 2
# The CNN's convolutions are dense enough to go to .npy files beside the YAML.
check cnn 02_cnn/cnn_sinabs.nir 12 2312 3
ls "$tmp"/cnn.conn*.npy >/dev/null 2>&1 || fail "cnn: no weights written as .npy"
grep -q '^  - name: "lif1.lif#0"$' "$tmp/braille.yaml" || fail "braille: population names: $(grep -m2 name: "$tmp/braille.yaml")"
# Usage errors: no --out, --input without --steps.
"$bin" nir export "$data/01_lif/lif_norse.nir" >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing --out accepted"
"$bin" nir export "$data/01_lif/lif_norse.nir" --out "$tmp/x.yaml" --input "$tmp/lif.npy" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--input without --steps accepted"
echo ok
