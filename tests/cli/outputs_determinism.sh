#!/usr/bin/env bash
# The same inputs and seed give byte-identical traces and reports: from run to run, between
# the C and SystemC engines, between the load and packet network modes where no two packets
# share a link at once (the examples here), and through stdout or a file; with the data,
# sMNIST's JSON and predictions too.  Usage: outputs_determinism.sh <loihi-emu> <source dir>
set -uo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ex=$src/models/examples

go() { # tag args...: trace, JSON report and table of one run
  local tag=$1; shift
  "$bin" run "$@" --trace "$tmp/$tag.csv" --report "$tmp/$tag.json" >"$tmp/$tag.txt" 2>"$tmp/$tag.err" ||
    fail "$tag: $(cat "$tmp/$tag.err")"
}
same() { # a b what
  cmp -s "$tmp/$1" "$tmp/$2" || { diff "$tmp/$1" "$tmp/$2" | head -5 >&2; fail "$3: $1 and $2 differ"; }
}

for net in three_neurons ahp_pair npy_layer; do
  steps=300
  go "$net-1" "$ex/$net.yaml" --steps $steps --board nahuku32 --noc packet --seed 7
  go "$net-2" "$ex/$net.yaml" --steps $steps --board nahuku32 --noc packet --seed 7
  for f in csv json txt; do same "$net-1.$f" "$net-2.$f" "$net run to run"; done
  go "$net-sc" "$ex/$net.yaml" --steps $steps --board nahuku32 --noc packet --seed 7 --engine systemc
  for f in csv json txt; do same "$net-1.$f" "$net-sc.$f" "$net C vs SystemC engine"; done
  go "$net-load" "$ex/$net.yaml" --steps $steps --board nahuku32 --noc load --seed 7
  same "$net-1.csv" "$net-load.csv" "$net trace, load vs packet"
  sed 's/"noc_mode": "load"/"noc_mode": "packet"/' "$tmp/$net-load.json" >"$tmp/$net-load2packet.json"
  same "$net-1.json" "$net-load2packet.json" "$net report, load vs packet (no contention)"
  "$bin" run "$ex/$net.yaml" --steps $steps --trace - 2>/dev/null >"$tmp/$net-stdout.csv" || fail "$net to stdout"
  same "$net-1.csv" "$net-stdout.csv" "$net trace, stdout vs file"
done

data=${LE_DATA_DIR:-$src/data}
if [ -f "$data/mnist/t10k-images-idx3-ubyte.gz" ] || [ -f "$data/mnist/t10k-images-idx3-ubyte" ]; then
  for k in 1 2; do
    "$bin" smnist --data "$data" --images 2 --json "$tmp/s$k.json" --predictions "$tmp/p$k.csv" >"$tmp/s$k.txt" 2>/dev/null ||
      fail "smnist run $k"
  done
  same s1.json s2.json "smnist JSON"
  same p1.csv p2.csv "smnist predictions"
  same s1.txt s2.txt "smnist table"
else
  echo "outputs_determinism: no MNIST in $data, sMNIST part skipped"
fi
echo "outputs_determinism: OK"
