#!/usr/bin/env bash
# The N-MNIST CNN (cnn_sinabs.nir) on a Nahuku 32 board: energy, latency and EDP per inference
# for one seeded synthetic input (no N-MNIST data is shipped), printed for docs/nir.md. The
# numbers come from the cost model; what is checked here is that the report is consistent with
# itself (EDP = energy x latency, energy = the sum of its parts, one inference) and that the
# input reached the network, not the values, which only the cost model computes.
# usage: nir_cnn_edp.sh <loihi-emu> <source dir>
set -u
bin=$1; src=$2
nir=${LE_DATA_DIR:-$src/data}/nir/02_cnn/cnn_sinabs.nir
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -f "$nir" ] || fail "$nir missing: run tools/fetch-data.sh"
T=300
# An N-MNIST sample is about 300 ms of a DVS camera's ON/OFF events at 34 x 34 pixels, a few
# thousand events on the pixels of the digit's strokes: here 12 random strokes, their pixels
# firing with probability 0.15 per 1 ms step (about 3,600 events), split at random between the two polarities.
"$py" - "$tmp/in.npy" $T <<'PY' || fail "input generation"
import sys, numpy as np
path, T = sys.argv[1], int(sys.argv[2])
r = np.random.default_rng(2024)
mask = np.zeros((34, 34), bool)
for _ in range(12):
    y, x = r.integers(5, 29, 2)
    dy, dx = r.integers(-1, 2, 2)
    for k in range(8):
        mask[np.clip(y + k * dy, 0, 33), np.clip(x + k * dx, 0, 33)] = True
ev = (r.random((T, 34, 34)) < 0.15) & mask
pol = r.random((T, 34, 34)) < 0.5
x = np.stack([ev & pol, ev & ~pol], 1).reshape(T, 2 * 34 * 34).astype(np.float32)  # (T, C*H*W)
np.save(path, x)
print(f"input: {int(mask.sum())} active pixels, {int(x.sum())} events in {T} steps")
PY
"$bin" nir run "$nir" --input "$tmp/in.npy" --steps $T --board nahuku32 --report "$tmp/r.json" \
  >"$tmp/out" 2>"$tmp/err" || fail "nir run: $(cat "$tmp/err")"
"$py" - "$tmp/r.json" <<'PY' || fail "inconsistent report: $(cat "$tmp/r.json" | head -30)"
import json, sys, math
r = json.load(open(sys.argv[1]))
e, lat, edp = r["energy_per_inference_j"], r["latency_per_inference_s"], r["edp_js"]
assert r["inferences"] == 1 and r["board"]["name"] == "nahuku32"
assert math.isclose(edp, e * lat, rel_tol=1e-5), (edp, e * lat)
assert math.isclose(e, sum(r["energy_per_inference_split_j"].values()), rel_tol=1e-5)
assert r["events"]["injected"] > 0 and r["events"]["spikes"] > 0
print(f"CNN on nahuku32, one inference of {r['steps']} steps: latency {lat * 1e3:.3f} ms, "
      f"energy {e * 1e6:.1f} uJ, EDP {edp * 1e6:.3f} uJs; {r['events']['spikes']} spikes, "
      f"{r['events']['synops']} synops, {r['chips'][0]['cores_in_use']} cores of chip 0")
PY
echo ok
