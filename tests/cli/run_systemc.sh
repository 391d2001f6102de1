#!/usr/bin/env bash
# `--noc systemc` end to end: the report of every example, of random networks spread over four
# chips, and of sMNIST equals `--noc packet` byte for byte except the mode's name.
# Usage: run_systemc.sh <loihi-emu> <source dir>
set -euo pipefail
bin=$1; src=$2
data=${LE_DATA_DIR:-$src/data}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Two runs of `loihi-emu run` whose JSON reports and tables must agree but for the mode.
same_run() { # label net steps board
  local label=$1 net=$2 steps=$3 board=$4
  for m in packet systemc; do
    "$bin" run "$net" --steps "$steps" --board "$board" --noc $m --report "$tmp/$m.json" \
      --trace "$tmp/$m.csv" >"$tmp/$m.txt" 2>"$tmp/$m.err" || fail "$label --noc $m: $(cat "$tmp/$m.err")"
  done
  grep -q '"noc_mode": "systemc"' "$tmp/systemc.json" || fail "$label: report does not name the systemc mode"
  sed 's/"noc_mode": "systemc"/"noc_mode": "packet"/' "$tmp/systemc.json" | cmp -s - "$tmp/packet.json" \
    || fail "$label: reports differ: $(sed 's/"noc_mode": "systemc"/"noc_mode": "packet"/' "$tmp/systemc.json" | diff - "$tmp/packet.json" | head -5)"
  sed 's/network mode systemc,/network mode packet,/' "$tmp/systemc.txt" | cmp -s - "$tmp/packet.txt" \
    || fail "$label: report tables differ"
  cmp -s "$tmp/systemc.csv" "$tmp/packet.csv" || fail "$label: traces differ"
}

for ex in "$src"/models/examples/*.yaml; do
  same_run "$(basename "$ex")" "$ex" 200 nahuku32
done
# Random networks placed over four chips: packets cross chip links and queue.
for seed in 3 11 19; do
  python3 "$src/tools/random_net.py" --seed $seed --steps 60 --chips 4 --out "$tmp/net$seed.yaml"
  same_run "random network $seed" "$tmp/net$seed.yaml" 60 2x2
done
grep -q '"link_traversals": [1-9]' "$tmp/packet.json" || fail "the random network sent no packets"

# The second router runs too, and says which it is.
"$bin" run "$src/models/examples/ahp_pair.yaml" --steps 50 --board 2x2 --noc systemc:rr --report "$tmp/rr.json" \
  >/dev/null 2>"$tmp/rr.err" || fail "--noc systemc:rr: $(cat "$tmp/rr.err")"
grep -q '"noc_mode": "systemc:rr"' "$tmp/rr.json" || fail "systemc:rr report"

# The help lists the modes; the SystemC engine and network cannot share the kernel.
"$bin" run --help | grep -q "^  systemc " || fail "run --help does not list the systemc mode"
set +e
"$bin" run "$src/models/examples/ahp_pair.yaml" --steps 5 --noc systemc --engine systemc >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "--noc systemc --engine systemc: exit status $rc, expected 2"
grep -q "both would drive the one SystemC kernel" "$tmp/err" || fail "--noc systemc --engine systemc: $(cat "$tmp/err")"

# sMNIST, 20 images.
for m in packet systemc; do
  "$bin" smnist --data "$data" --images 20 --noc $m --json "$tmp/sm_$m.json" >"$tmp/sm_$m.txt" 2>"$tmp/sm.err" \
    || fail "smnist --noc $m: $(cat "$tmp/sm.err") (the data: LE_DATA_DIR or tools/fetch-data.sh)"
done
sed 's/"noc": "systemc"/"noc": "packet"/' "$tmp/sm_systemc.json" | cmp -s - "$tmp/sm_packet.json" \
  || fail "smnist JSON differs between packet and systemc"
sed 's/network systemc$/network packet/' "$tmp/sm_systemc.txt" | cmp -s - "$tmp/sm_packet.txt" \
  || fail "smnist report differs between packet and systemc"
echo ok
