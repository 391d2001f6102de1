#!/usr/bin/env bash
# A network whose synapses come as npy_sparse triplets runs exactly as the same network with
# the synapses written as a YAML list: same trace, same report. The .npy files are written
# byte by byte here (format 1.0), not by the emulator.  Usage: run_npy_sparse.sh <loihi-emu> <source dir>
set -euo pipefail
bin=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
/usr/bin/python3 - "$tmp" <<'PY'
import random, struct, sys
d = sys.argv[1]
random.seed(7)
n_in, n_hid, n_syn = 40, 30, 600
syn = [(random.randrange(n_in), random.randrange(n_hid), random.choice([v for v in range(-120, 121) if v]),
        random.randrange(4)) for _ in range(n_syn)]
def npy(name, code, descr, vals):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': (%d,), }" % (descr, len(vals))
    h += ' ' * ((64 - (10 + len(h) + 1) % 64) % 64) + '\n'
    with open(f"{d}/{name}", "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode())
        f.write(struct.pack("<%d%s" % (len(vals), code), *vals))
npy("src.npy", "i", "<i4", [s[0] for s in syn])
npy("dst.npy", "q", "<i8", [s[1] for s in syn])
npy("w.npy", "f", "<f4", [float(s[2]) for s in syn])
npy("d.npy", "B", "|u1", [s[3] for s in syn])
head = f"""populations:
  - {{name: in, kind: input, size: {n_in}}}
  - {{name: hid, size: {n_hid}, decay_u: 2048, decay_v: 1024, vth_mant: 40, trace: true}}
connections:
  - from: in
    to: hid
    wexp: 1
"""
inputs = "inputs:\n" + "".join(f"  - {{population: in, neuron: {i}, steps: [{1 + i % 7}, {9 + i % 5}, {20 + i % 3}]}}\n"
                               for i in range(n_in))
with open(f"{d}/list.yaml", "w") as f:
    f.write(head + "    synapses:\n" + "".join(f"      - [{a}, {b}, {w}, {x}]\n" for a, b, w, x in syn) + inputs)
with open(f"{d}/sparse.yaml", "w") as f:
    f.write(head + "    npy_sparse: {src: src.npy, dst: dst.npy, w: w.npy, delay: d.npy}\n" + inputs)
PY
for form in list sparse; do
  "$bin" run "$tmp/$form.yaml" --steps 40 --trace "$tmp/$form.csv" --report "$tmp/$form.json" >/dev/null 2>"$tmp/$form.err" ||
    fail "$form: $(cat "$tmp/$form.err")"
done
[ "$(awk -F, '$6 == 1' "$tmp/list.csv" | wc -l)" -gt 0 ] || fail "no spikes in the trace: the test shows nothing"
cmp -s "$tmp/list.csv" "$tmp/sparse.csv" || fail "traces differ"
cmp -s "$tmp/list.json" "$tmp/sparse.json" || fail "reports differ"
echo "ok"
