#!/usr/bin/env bash
# `loihi-emu run` with the cost model: the report is written, the functional result is the
# same on every board and network mode, and placement spreads over the board's chips.
# Usage: run_board.sh <loihi-emu> <source dir>
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ex=$src/models/examples/ahp_pair.yaml

"$bin" run "$ex" --steps 40 --trace "$tmp/plain.csv" 2>/dev/null >/dev/null
"$bin" run "$ex" --steps 40 --trace "$tmp/packet.csv" --board nahuku32 --noc packet --report "$tmp/r.json" \
  >"$tmp/table" 2>"$tmp/err" || fail "board run: $(cat "$tmp/err")"
"$bin" run "$ex" --steps 40 --trace "$tmp/load.csv" --board 2x2 --noc load >/dev/null 2>&1 || fail "2x2 load run"
cmp -s "$tmp/plain.csv" "$tmp/packet.csv" || fail "trace differs between the functional and the nahuku32/packet run"
cmp -s "$tmp/plain.csv" "$tmp/load.csv" || fail "trace differs between the functional and the 2x2/load run"
grep -q '"steps": 40' "$tmp/r.json" || fail "report JSON lacks the step count"
grep -q '"name": "nahuku32"' "$tmp/r.json" || fail "report JSON lacks the board"
grep -q "cost report: board nahuku32" "$tmp/table" || fail "report table missing on stdout"

# --report alone: the cost model of one chip.
"$bin" run "$ex" --steps 5 --report "$tmp/one.json" >/dev/null 2>&1 || fail "--report without --board"
grep -q '"chips": 1' "$tmp/one.json" || fail "--report without --board is not a one-chip board"

# 140,000 neurons need 137 cores: more than one chip has, fine on a 2x1 board.
printf 'populations:\n  - {name: big, size: 140000}\n' >"$tmp/big.yaml"
"$bin" run "$tmp/big.yaml" --steps 2 --board 2x1 >/dev/null 2>"$tmp/err" || fail "big on 2x1: $(cat "$tmp/err")"
grep -q ", 137 cores, 140000 neurons" "$tmp/err" || fail "big: $(cat "$tmp/err")"
"$bin" run "$tmp/big.yaml" --steps 2 --board 1x1 >/dev/null 2>"$tmp/err" && fail "big fits on one chip?"
grep -q "needs 137 cores, board '1x1' has 128" "$tmp/err" || fail "big on 1x1: $(cat "$tmp/err")"
echo "ok"
