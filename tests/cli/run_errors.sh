#!/usr/bin/env bash
# `loihi-emu run` errors: one line "loihi-emu: ..." naming the problem, and the exit status
# of its kind (2 usage, 4 missing file, 1 parse/config).  Usage: run_errors.sh <loihi-emu> <source dir>
set -uo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

expect() { # status pattern command...
  local want=$1 pat=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  [ "$got" -eq "$want" ] || fail "$*: exit status $got, expected $want ($(cat "$tmp/err"))"
  grep -q -- "$pat" "$tmp/err" || fail "$*: stderr lacks '$pat': $(cat "$tmp/err")"
  if [ "$want" -ne 0 ] && [ "$want" -ne 2 ]; then
    [ "$(grep -c '^loihi-emu: ' "$tmp/err")" -eq 1 ] || fail "$*: expected exactly one error line: $(cat "$tmp/err")"
  fi
}
ex=$src/models/examples/three_neurons.yaml

"$bin" run --help >"$tmp/help" || fail "--help exit status"
grep -q -- "--steps T" "$tmp/help" || fail "--help text"

expect 2 "missing --steps" "$bin" run "$ex"
expect 2 "missing the network file" "$bin" run --steps 3
expect 2 "unknown option '--stpes'" "$bin" run "$ex" --stpes 3
expect 2 "--steps: expected a positive number" "$bin" run "$ex" --steps 0
expect 2 "--trace-pops needs --trace" "$bin" run "$ex" --steps 3 --trace-pops lif
expect 2 "--noc: unknown network mode 'mesh' (known: load, packet" "$bin" run "$ex" --steps 3 --noc mesh
expect 2 "no population named 'nope'" "$bin" run "$ex" --steps 3 --trace "$tmp/t.csv" --trace-pops nope
expect 4 "$tmp/none.yaml: cannot open" "$bin" run "$tmp/none.yaml" --steps 3

printf 'populations:\n  - name: a\n    size: [1\n' >"$tmp/bad.yaml"
expect 1 "$tmp/bad.yaml:[0-9]*: YAML syntax error" "$bin" run "$tmp/bad.yaml" --steps 3

printf 'populations:\n  - name: a\n    size: 2\n    vth: 3\n' >"$tmp/key.yaml"
expect 1 "$tmp/key.yaml:4: population 'a': unknown key 'vth'" "$bin" run "$tmp/key.yaml" --steps 3

printf 'populations:\n  - {name: i, kind: input, size: 1}\n  - {name: a, size: 1}\nconnections:\n  - {from: i, to: a, synapses: [[0, 0, 999]]}\n' >"$tmp/w.yaml"
expect 1 "$tmp/w.yaml:5: .*999 outside -256..255" "$bin" run "$tmp/w.yaml" --steps 3

# A network that needs more cores than one chip has.
printf 'populations:\n  - {name: big, size: 140000}\n' >"$tmp/big.yaml"
expect 3 "population 'big' does not fit: the network needs 137 cores, board 'single-chip' has 128" \
  "$bin" run "$tmp/big.yaml" --steps 1
echo "ok"
