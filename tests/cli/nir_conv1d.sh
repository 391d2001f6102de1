#!/usr/bin/env bash
# Conv1d maps as a Conv2d over one row, so its synapses are checked against ones worked out by
# hand: with weight [w0, w1], output o reads padded inputs s*o + k, i.e. input i = s*o + k - p
# with weight w[k]. A wrong row/column swap or an off-by-one in the padding shows as a wrong
# triple. NIR writes 1-D stride/padding as a scalar or a 1-element array; both are used.
# usage: nir_conv1d.sh <loihi-emu> <source dir>
set -u
bin=$1
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
"$py" -c 'import h5py' 2>/dev/null || fail "$py has no h5py (apt-get install python3-h5py)"
# gen FILE L STRIDE PADDING WEIGHT_RANK: Input(1, L) -> Conv1d(w = [1, 2]) -> IF -> Output, laid
# out as the shipped files are; "[n]" writes a 1-element array, "n" a scalar.
gen() { "$py" - "$@" <<'PY'
import sys, h5py, numpy as np
out, L, stride, pad, rank = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
num = lambda s: np.array([int(s[1:-1])]) if s.startswith("[") else np.int64(int(s))
lo = (L + 2 * int(pad.strip("[]")) - 2) // int(stride.strip("[]")) + 1
with h5py.File(out, "w") as f:
    f["version"] = "0.2.0"
    g = f.create_group("node"); g["type"] = "NIRGraph"
    n = g.create_group("nodes")
    def node(name, typ, **p):
        d = n.create_group(name); d["type"] = typ
        for k, v in p.items(): d[k] = v
    node("input", "Input", shape=np.array([1, L]))
    node("conv", "Conv1d", weight=np.array([1.0, 2.0], np.float32).reshape((1,) * (rank - 1) + (2,)),
         bias=np.zeros(1, np.float32), stride=num(stride), padding=num(pad), dilation=np.int64(1),
         groups=np.int64(1), input_shape=np.array([L]))
    node("lif", "IF", r=np.ones((1, lo), np.float32), v_threshold=np.ones((1, lo), np.float32))
    node("output", "Output", shape=np.array([1, lo]))
    e = [["input", "conv"], ["conv", "lif"], ["lif", "output"]]
    g.create_dataset("edges", data=e, dtype=h5py.string_dtype())
PY
}
# check NAME L STRIDE PADDING EXPECTED_OUTPUTS "i o w ..." (w in NIR units)
check() {
  local name=$1 L=$2 s=$3 p=$4 lo=$5 want=$6
  gen "$tmp/$name.nir" "$L" "$s" "$p" 3 || fail "$name: could not write the NIR file"
  "$bin" nir info "$tmp/$name.nir" >"$tmp/$name.info" 2>&1 || fail "$name: nir info: $(cat "$tmp/$name.info")"
  grep -q "IF *$lo compartments" "$tmp/$name.info" || fail "$name: expected $lo outputs: $(grep IF "$tmp/$name.info")"
  "$bin" nir export "$tmp/$name.nir" --out "$tmp/$name.yaml" 2>"$tmp/err" || fail "$name: nir export: $(cat "$tmp/err")"
  # Mantissas are the NIR weights times one scale: dividing by the smallest undoes it, as the
  # smallest hand-worked weight here is 1.
  got=$(sed -n 's/^ *- \[\([0-9]*\), \([0-9]*\), \(-\{0,1\}[0-9]*\)\]$/\1 \2 \3/p' "$tmp/$name.yaml" |
        awk '{ i[NR] = $1; o[NR] = $2; m[NR] = $3; if (NR == 1 || $3 < u) u = $3 }
             END { for (k = 1; k <= NR; k++) printf "%s %s %g\n", i[k], o[k], m[k] / u }' | sort)
  exp=$(echo "$want" | xargs -n3 | sort)
  [ "$got" = "$exp" ] || fail "$name: synapses (input output weight) $(echo $got) expected $(echo $exp)"
}
check s1p0 5 1 0 4 "0 0 1 1 0 2 1 1 1 2 1 2 2 2 1 3 2 2 3 3 1 4 3 2"
check s2p1 5 "[2]" "[1]" 3 "0 0 2 1 1 1 2 1 2 3 2 1 4 2 2"
# A Conv2d-shaped weight on a Conv1d: one error naming the file and the node.
gen "$tmp/bad.nir" 5 1 0 4 || fail "bad: could not write the NIR file"
"$bin" nir info "$tmp/bad.nir" >/dev/null 2>"$tmp/err" && fail "bad: a rank-4 Conv1d weight was accepted"
grep -q "bad.nir: node 'conv' (Conv1d): 'weight' must be (C_out, 1, k)" "$tmp/err" || fail "bad: error: $(cat "$tmp/err")"
echo ok
