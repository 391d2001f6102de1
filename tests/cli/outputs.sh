#!/usr/bin/env bash
# Outputs are never lost or wrong without a word: a full or closed stdout is an error naming
# <stdout>; CSV fields and JSON strings are escaped; an output onto an input, two outputs on
# one file, or an unwritable output is refused before the run, leaving every file as it was;
# files appear whole (written beside, renamed into place) and a failed run leaves no temporary.
# Usage: outputs.sh <loihi-emu> <source dir>
set -uo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ex=$src/models/examples/three_neurons.yaml
cd "$tmp" || exit 1

expect() { # status stderr-pattern command...
  local want=$1 pat=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  [ "$got" -eq "$want" ] || fail "$*: exit status $got, expected $want ($(cat "$tmp/err"))"
  grep -q -- "$pat" "$tmp/err" || fail "$*: stderr lacks '$pat': $(cat "$tmp/err")"
}

# ---- stdout: full (/dev/full) and closed (>&-)
if [ -w /dev/full ]; then
  "$bin" run "$ex" --steps 5 --trace - >/dev/full 2>err; st=$?
  [ "$st" -eq 4 ] || fail "trace to a full stdout: exit $st, expected 4"
  grep -q '^loihi-emu: --trace <stdout>: write failed: No space left on device$' err || fail "full stdout: $(cat err)"
  "$bin" run "$ex" --steps 5 --board 1x1 >/dev/full 2>err; st=$?
  [ "$st" -eq 4 ] || fail "report table to a full stdout: exit $st, expected 4"
  grep -q '^loihi-emu: <stdout>: write failed' err || fail "report to full stdout: $(cat err)"
  "$bin" boards >/dev/full 2>err && fail "boards to a full stdout exited 0"
  "$bin" --help >/dev/full 2>err && fail "--help to a full stdout exited 0"
fi
"$bin" run "$ex" --steps 5 --trace - >&- 2>err; st=$?
[ "$st" -eq 4 ] || fail "trace to a closed stdout: exit $st, expected 4"
grep -q '<stdout>: write failed: Bad file descriptor' err || fail "closed stdout: $(cat err)"
# With stdout closed, the trace file must not receive what was meant for stdout.
"$bin" run "$ex" --steps 3 --board 1x1 --trace t.csv >&- 2>err; st=$?
[ "$st" -eq 4 ] || fail "report table to a closed stdout: exit $st, expected 4"
grep -q 'cost report' t.csv 2>/dev/null && fail "the report table went into the trace file"
rm -f t.csv
# A good stdout still works (and the trace on stdout is the same as in a file).
"$bin" run "$ex" --steps 5 --trace - >s.csv 2>/dev/null || fail "trace to stdout"
"$bin" run "$ex" --steps 5 --trace f.csv 2>/dev/null || fail "trace to a file"
cmp -s s.csv f.csv || fail "trace on stdout differs from the trace in a file"

# The JSON report on stdout sends the table to stderr, so stdout is JSON alone.
"$bin" run "$ex" --steps 5 --report - >rj.json 2>rj.err || fail "--report -: $(cat rj.err)"
/usr/bin/python3 -m json.tool rj.json >/dev/null || fail "--report - is not JSON alone: $(head -3 rj.json)"
grep -q '^cost report' rj.err || fail "--report -: no table on stderr"

# ---- CSV: population names with a comma, a quote, a line break
printf 'populations:\n  - {name: "a,b\\"c\\nd", size: 1, vth_mant: 10, bias_mant: 30}\n  - {name: plain, size: 1}\n' >q.yaml
"$bin" run q.yaml --steps 2 --trace q.csv 2>err || fail "run q.yaml: $(cat err)"
/usr/bin/python3 - q.csv <<'PY' || fail "CSV trace with a quoted name: $(cat q.csv)"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["step", "population", "index", "u", "v", "spike"], rows[0]
body = rows[1:]
assert len(body) == 4 and all(len(r) == 6 for r in body), rows
# by hand: v of the biased neuron grows by 30 per step; 'plain' has no input
assert body[0] == ["1", 'a,b"c\nd', "0", "0", "30", "0"], body[0]
assert body[1] == ["1", "plain", "0", "0", "0", "0"], body[1]
assert body[2] == ["2", 'a,b"c\nd', "0", "0", "60", "0"], body[2]
PY

# ---- JSON: a board name and a file name with quotes, backslashes and a tab
printf 'name: "q\\"b\\\\s\\tt"\nchips: {rows: 1, cols: 1, assumed: "test"}\n' >'b"x.yaml'
"$bin" run "$ex" --steps 3 --board 'b"x.yaml' --report r.json >/dev/null 2>err || fail "run with board b\"x.yaml: $(cat err)"
/usr/bin/python3 -c '
import json, sys
r = json.load(open("r.json"))
assert r["board"]["name"] == "q\"b\\s\tt", r["board"]
assert r["board"]["file"] == "b\"x.yaml", r["board"]
' || fail "JSON report with a quoted board name: $(cat r.json)"

# ---- outputs checked before the run: nothing is written or overwritten
cp "$ex" net.yaml
cp net.yaml net.orig
expect 2 "--trace net.yaml would overwrite the network file" "$bin" run net.yaml --steps 3 --trace net.yaml
ln -s net.yaml alias.yaml
expect 2 "would overwrite the network file" "$bin" run net.yaml --steps 3 --report alias.yaml
expect 2 "would overwrite the board file" "$bin" run net.yaml --steps 3 --board 'b"x.yaml' --trace 'b"x.yaml'
cmp -s net.yaml net.orig || fail "the network file was changed"
expect 2 "--trace x and --report ./x name one file" "$bin" run net.yaml --steps 3 --trace x --report ./x
[ -e x ] && fail "x was written although the outputs clash"
expect 4 "--report /nonexistent/dir/r.json: cannot write" "$bin" run net.yaml --steps 3 --trace t.csv --report /nonexistent/dir/r.json
[ -e t.csv ] && fail "the trace was written although the report cannot be"
expect 4 "--trace .: cannot write: it is a directory" "$bin" run net.yaml --steps 3 --trace .
mkdir ro && chmod 555 ro
if [ "$(id -u)" -ne 0 ]; then
  expect 4 "--trace ro/t.csv: cannot write in directory ro" "$bin" run net.yaml --steps 3 --trace ro/t.csv
fi
expect 2 "--json ./p.csv and --predictions p.csv name one file" "$bin" smnist --images 1 --predictions p.csv --json ./p.csv
expect 4 "--json /nonexistent/s.json: cannot write" "$bin" smnist --images 1 --json /nonexistent/s.json
expect 2 "--json r.json and --predictions r.json name one file" "$bin" relnet --sentences 2 --stories 1 --json r.json --predictions r.json
expect 4 "--predictions /nonexistent/p.csv: cannot write" "$bin" relnet --sentences 2 --stories 1 --predictions /nonexistent/p.csv
printf 'x' >in.npy
expect 2 "--trace in.npy would overwrite the input spikes" "$bin" nir run "$src/tests/data/none.nir" --input in.npy --steps 2 --trace in.npy
expect 2 "--out in.npy would overwrite the input spikes" "$bin" nir export "$src/tests/data/none.nir" --input in.npy --steps 2 --out in.npy
# /dev/null takes any number of outputs
"$bin" run net.yaml --steps 3 --trace /dev/null --report /dev/null >/dev/null 2>err || fail "/dev/null outputs: $(cat err)"
[ -c /dev/null ] || fail "/dev/null is no longer a device"

# ---- files appear whole; an error leaves the old file and no temporary
printf 'old\n' >keep.csv
printf 'populations:\n  - {name: a, size: 1}\nconnections: [\n' >bad.yaml
expect 1 "bad.yaml" "$bin" run bad.yaml --steps 3 --trace keep.csv
[ "$(cat keep.csv)" = old ] || fail "a failed run changed an existing output"
ls -a | grep -q '\.tmp-' && fail "temporary files left behind: $(ls -a)"
"$bin" run net.yaml --steps 3 --trace keep.csv --report keep.json >/dev/null 2>&1 || fail "run into keep.csv"
head -1 keep.csv | grep -q '^step,population' || fail "keep.csv not replaced"
ls -a | grep -q '\.tmp-' && fail "temporary files left behind after a run: $(ls -a)"
echo "outputs: OK"
