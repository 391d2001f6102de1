#!/usr/bin/env bash
# SIGINT and SIGTERM end a run after a whole step: the trace ends with
# "# incomplete: interrupted at step N of M" after whole steps only, the report covers the N
# steps and is marked incomplete, and the exit status is 130 (SIGINT) or 143 (SIGTERM).
# Usage: signal.sh <loihi-emu> <source dir>
set -uo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ex=$src/models/examples/three_neurons.yaml
M=4000000000
# Job control: a background job of a script otherwise starts with SIGINT ignored, and the
# program, as it should, leaves an ignored signal ignored.
set -m

# Starts a run far longer than the test, waits until its trace has rows, signals it.
interrupt() { # signal name status
  local sig=$1 name=$2 want=$3 d=$tmp/$1
  mkdir -p "$d"
  "$bin" run "$ex" --steps $M --trace "$d/t.csv" --report "$d/r.json" --board 1x1 >"$d/table" 2>"$d/err" &
  pid=$!
  for _ in $(seq 1 100); do # the trace is written to t.csv.tmp-PID until the run ends
    [ "$(cat "$d"/t.csv* 2>/dev/null | head -c 20000 | wc -c)" -ge 20000 ] && break
    sleep 0.05
  done
  kill -"$sig" "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && fail "$name: the run did not stop within 30 s"
  wait "$pid"; local st=$?
  pid=
  [ "$st" -eq "$want" ] || fail "$name: exit status $st, expected $want ($(cat "$d/err"))"
  grep -q "^loihi-emu: interrupted by $name after step [0-9]*$" "$d/err" || fail "$name: message: $(cat "$d/err")"
  local n
  n=$(sed -n "s/^loihi-emu: interrupted by $name after step \([0-9]*\)$/\1/p" "$d/err")
  [ "$n" -gt 0 ] && [ "$n" -lt $M ] || fail "$name: step $n"
  # the trace: header, 3 rows per whole step 1..n, then the final line
  [ "$(tail -n 1 "$d/t.csv")" = "# incomplete: interrupted at step $n of $M" ] ||
    fail "$name: last line of the trace: $(tail -n 1 "$d/t.csv")"
  [ "$(wc -l <"$d/t.csv")" -eq $((1 + 3 * n + 1)) ] || fail "$name: $(wc -l <"$d/t.csv") lines for $n steps"
  [ "$(tail -n 2 "$d/t.csv" | head -n 1)" = "$n,lif,2,$(tail -n 2 "$d/t.csv" | head -n 1 | cut -d, -f4-)" ] ||
    fail "$name: the row before the final line is not the last neuron of step $n"
  ls "$d" | grep -q '\.tmp-' && fail "$name: temporary files left: $(ls "$d")"
  # the report: the n steps, marked incomplete, in the JSON and the table
  /usr/bin/python3 - "$d/r.json" "$n" "$M" <<'PY' || fail "$name: report $(head -5 "$d/r.json")"
import json, sys
r = json.load(open(sys.argv[1]))
n, m = int(sys.argv[2]), int(sys.argv[3])
assert r["incomplete"] == "interrupted at step %d of %d" % (n, m), r.get("incomplete")
assert r["steps"] == n, r["steps"]
PY
  grep -q "^  INCOMPLETE: interrupted at step $n of $M; the figures cover the steps done$" "$d/table" ||
    fail "$name: table: $(head -3 "$d/table")"
  grep -q "^  run  *$n steps," "$d/table" || fail "$name: table steps: $(head -3 "$d/table")"
}
interrupt INT SIGINT 130
interrupt TERM SIGTERM 143

# sMNIST: the images decided before the signal are reported, marked incomplete.
data=${LE_DATA_DIR:-$src/data}
if [ -f "$data/mnist/t10k-images-idx3-ubyte.gz" ]; then
  d=$tmp/smnist; mkdir -p "$d"
  # No progress is shown off a terminal: signal after a while, longer while no image was decided.
  for wait_s in 2 6 15; do
    "$bin" smnist --data "$data" --images 10000 --json "$d/s.json" --predictions "$d/p.csv" >"$d/out" 2>"$d/err" &
    pid=$!
    sleep $wait_s
    kill -INT "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && fail "smnist did not stop within 30 s"
    wait "$pid"; st=$?; pid=
    grep -q '^INCOMPLETE' "$d/out" && break
  done
  [ "$st" -eq 130 ] || fail "smnist: exit status $st, expected 130 ($(tail -2 "$d/err"))"
  k=$(sed -n 's/^INCOMPLETE: interrupted after image \([0-9]*\) of 10000; the figures cover the images decided$/\1/p' "$d/out")
  [ -n "$k" ] && [ "$k" -gt 0 ] && [ "$k" -lt 10000 ] || fail "smnist: stdout $(head -3 "$d/out")"
  grep -q "^accuracy: .* of $k)$" "$d/out" || fail "smnist: accuracy line $(head -3 "$d/out")"
  [ "$(tail -n 1 "$d/p.csv")" = "# incomplete: interrupted after image $k of 10000" ] || fail "smnist predictions end"
  [ "$(wc -l <"$d/p.csv")" -eq $((k + 2)) ] || fail "smnist: $(wc -l <"$d/p.csv") prediction lines for $k images"
  /usr/bin/python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["incomplete"] == "interrupted after image %s of 10000" % sys.argv[2] and j["images"] == int(sys.argv[2]), j
' "$d/s.json" "$k" || fail "smnist JSON"
else
  echo "signal: no MNIST in $data, sMNIST part skipped"
fi

# A whole run's report has no "incomplete" member and its trace no final comment line.
"$bin" run "$ex" --steps 10 --trace "$tmp/w.csv" --report "$tmp/w.json" >/dev/null 2>&1 || fail "whole run"
grep -q incomplete "$tmp/w.json" "$tmp/w.csv" && fail "a whole run is marked incomplete"
echo "signal: OK"
