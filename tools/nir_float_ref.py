#!/usr/bin/python3
"""Float reference of a NIR graph: runs the graph's equations in float64 (no quantisation, no
Loihi), for comparison with `loihi-emu nir run` (docs/nir.md).

    nir_float_ref.py FILE.nir --input SPIKES.npy --out COUNTS.npy [--dt 1e-4] [--reset zero|subtract]

SPIKES.npy: (steps, inputs) or (samples, steps, inputs). COUNTS.npy: (samples, outputs), the
spikes of the neurons that feed the graph's Output node, summed over the steps (float64).

Written apart from the emulator's C mapping (it shares no code with it): it reads the HDF5 with
h5py and steps the NIR equations with forward Euler, as the frameworks that export NIR run them:
  LIF      v += dt/tau (v_leak - v + r x)
  CubaLIF  I += dt/tau_syn (-I + w_in x); then v += dt/tau_mem (v_leak - v + r I)
  IF       v += r x                        (Sinabs' convention, as docs/nir.md says)
  LI, CubaLI as LIF, CubaLIF without spikes
A neuron spikes when v > v_threshold and then v = v_reset (0 when absent), or v -= v_threshold
with --reset subtract. Within a step, values flow along the graph in the same step (Input,
Affine, neuron, ...); an edge that closes a cycle (a recurrent weight) carries the previous
step's value. Affine biases are added to x every step (NIR's definition; the emulator folds
them into a constant v bias instead). Node types: Input, Output, Affine, Linear, Scale,
Flatten, LIF, CubaLIF, IF, LI, CubaLI; others are refused by name.
"""
import argparse
import sys

import numpy as np

try:
    import h5py
except ImportError:
    sys.exit("nir_float_ref.py: needs h5py (Debian: apt-get install python3-h5py; tools/deps.sh)")


def _str(x):
    x = x[()] if hasattr(x, "shape") else x
    return x.decode() if isinstance(x, bytes) else str(x)


def read_graph(path):
    """Flattened graph: {name: (type, {param: array})}, [(src, dst)]."""
    nodes, edges = {}, []

    def walk(group, prefix):
        sub_in, sub_out = {}, {}
        for name, g in group["nodes"].items():
            full = prefix + name
            t = _str(g["type"])
            if t == "NIRGraph":
                ins, outs = walk(g, full + ".")
                sub_in[name], sub_out[name] = ins, outs
                continue
            nodes[full] = (t, {k: np.asarray(v[()], dtype=float) for k, v in g.items()
                               if k != "type" and np.asarray(v[()]).dtype.kind in "fiub"})
        e = group["edges"]
        pairs = ([(_str(a), _str(b)) for a, b in e[()]] if isinstance(e, h5py.Dataset)
                 else [(_str(a), _str(b)) for a, b in zip(e["src"][()], e["dst"][()])])
        for a, b in pairs:
            # An edge naming a subgraph goes to its Input nodes / from its Output nodes.
            srcs = sub_out.get(a, [prefix + a])
            dsts = sub_in.get(b, [prefix + b])
            edges.extend((s, d) for s in srcs for d in dsts)
        ins = [prefix + n for n, g in group["nodes"].items() if _str(g["type"]) == "Input"]
        outs = [prefix + n for n, g in group["nodes"].items() if _str(g["type"]) == "Output"]
        return ins, outs

    with h5py.File(path, "r") as f:
        walk(f["node"], "")
    for s, d in edges:
        for n in (s, d):
            if n not in nodes:
                sys.exit(f"nir_float_ref.py: {path}: an edge names '{n}', but the graph has no such node")
    return nodes, edges


NEURONS = {"LIF", "CubaLIF", "IF", "LI", "CubaLI"}
LINEAR = {"Affine", "Linear", "Scale", "Flatten", "Input", "Output"}


def order(nodes, edges):
    """Evaluation order and the edges that close cycles (found by depth-first search from the
    Input nodes, then from any node left)."""
    succ = {n: [] for n in nodes}
    for s, d in edges:
        succ[s].append(d)
    state, back, post = {}, set(), []

    def dfs(n):
        state[n] = 1
        for d in succ[n]:
            if state.get(d) == 1:
                back.add((n, d))
            elif d not in state:
                dfs(d)
        state[n] = 2
        post.append(n)

    sys.setrecursionlimit(10000)
    for n in [n for n, (t, _) in nodes.items() if t == "Input"] + list(nodes):
        if n not in state:
            dfs(n)
    return post[::-1], back


def run(path, spikes, dt, reset_subtract):
    nodes, edges = read_graph(path)
    for n, (t, _) in nodes.items():
        if t not in NEURONS and t not in LINEAR:
            sys.exit(f"nir_float_ref.py: {path}: node '{n}' ({t}): type not supported")
    seq, back = order(nodes, edges)
    inputs = [n for n in seq if nodes[n][0] == "Input"]
    outputs = [n for n in seq if nodes[n][0] == "Output"]
    if len(inputs) != 1 or len(outputs) != 1:
        sys.exit(f"nir_float_ref.py: {path}: expected one Input and one Output node")
    preds = {n: [s for s, d in edges if d == n] for n in nodes}
    feeding = preds[outputs[0]]
    S, T, _ = spikes.shape
    val = {n: None for n in nodes}          # this step's (or, for back edges, last step's) output
    state = {}
    counts = None
    for t in range(T):
        for n in seq:
            typ, p = nodes[n]
            if typ == "Input":
                val[n] = spikes[:, t, :]
                continue
            xs = [val[s] for s in preds[n] if val[s] is not None]
            x = sum(xs) if xs else None
            if typ == "Output":
                val[n] = x
            elif typ in ("Affine", "Linear"):
                w = p["weight"]
                y = (x @ w.T) if x is not None else np.zeros((S, w.shape[0]))
                val[n] = y + p["bias"] if typ == "Affine" else y
            elif typ == "Scale":
                val[n] = None if x is None else x * p["scale"]
            elif typ == "Flatten":
                val[n] = None if x is None else x.reshape(S, -1)
            else:
                size = np.broadcast(*[np.asarray(v) for v in p.values()]).shape or (1,)
                size = int(np.prod(size))
                if x is None:
                    x = np.zeros((S, size))
                v, i = state.get(n, (np.zeros((S, size)), np.zeros((S, size))))
                r = p.get("r", 1.0)
                if typ in ("CubaLIF", "CubaLI"):
                    i = i + dt / p["tau_syn"] * (-i + p["w_in"] * x)
                    v = v + dt / p["tau_mem"] * (p["v_leak"] - v + r * i)
                elif typ in ("LIF", "LI"):
                    v = v + dt / p["tau"] * (p["v_leak"] - v + r * x)
                else:
                    v = v + r * x
                if typ in ("LIF", "CubaLIF", "IF"):
                    th = p["v_threshold"]
                    s = (v > th).astype(float)
                    if reset_subtract:
                        v = v - s * th
                    else:
                        v = np.where(s > 0, p.get("v_reset", 0.0), v)
                    val[n] = s
                else:
                    val[n] = v
                state[n] = (v, i)
        # Back edges read these values next step: val already holds them.
        out = sum(val[s] for s in feeding)
        counts = out if counts is None else counts + out
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("nir")
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--dt", type=float, default=1e-4)
    ap.add_argument("--reset", choices=["zero", "subtract"], default="zero")
    a = ap.parse_args()
    x = np.load(a.input).astype(float)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3:
        sys.exit(f"nir_float_ref.py: {a.input}: expected (steps, inputs) or (samples, steps, inputs)")
    x = (x != 0).astype(float)
    np.save(a.out, run(a.nir, x, a.dt, a.reset == "subtract"))


if __name__ == "__main__":
    main()
