"""loihi_emu: build networks from numpy, run them on an emulated Loihi board, read the
results as arrays (docs/python.md).

The C library does the work; this module turns Python values into the flat arrays it takes
(vectorised numpy conversions, never a loop over synapses) and its results back into arrays
and dicts. Errors of the library raise loihi_emu.Error (one subclass per kind) with the
library's message.
"""
import csv
import json
import os
import tempfile
import warnings

import numpy as np

from . import _core
from ._core import (Error, LimitError, RangeError, FileError, ParseError, ConfigError, OutOfMemory,
                    DataError, UsageError)

__all__ = ["Network", "Population", "Board", "Simulation", "Placement", "place", "smnist", "relnet", "noc_modes",
           "Error", "LimitError", "RangeError", "FileError", "ParseError", "ConfigError", "OutOfMemory",
           "DataError", "UsageError", "SIGN_MODES", "KINDS"]

KINDS = {"input": 0, "lif": 1, "ahp": 2}
SIGN_MODES = {"split": 0, "mixed": 1, "exc": 2, "inh": 3}
_PROFILE_KEYS = ("decay_u", "decay_v", "bias_mant", "bias_exp", "vth_mant", "refract", "vmin_exp", "vmax_exp")
_NO_CORE = 2**32 - 1


def _source_dir():
    # The shipped files (sMNIST sample, Table S1) stay in the source tree the library was
    # built from, as for the CLI; $LE_SOURCE_DIR moves them.
    return os.environ.get("LE_SOURCE_DIR") or _core.SOURCE_DIR


def noc_modes():
    """Names of the network modes a Board accepts (`loihi-emu run --help`)."""
    return _core.noc_modes()


def _as_c(a, dtype, what, lo, hi):
    """a as a contiguous array of dtype, range-checked first so that nothing wraps silently."""
    a = np.asarray(a)
    if a.ndim != 1:
        a = a.reshape(-1)
    if a.size and not np.issubdtype(a.dtype, np.integer):
        if not np.all(np.equal(np.mod(a, 1), 0)):
            raise ValueError(f"{what}: expected integers")
    if a.size:
        mn, mx = a.min(), a.max()
        if mn < lo or mx > hi:
            bad = mn if mn < lo else mx
            raise ValueError(f"{what}: {bad} outside {lo}..{hi}")
    return np.ascontiguousarray(a, dtype=dtype)


class Population:
    """A handle on one population of a Network: its index, name, kind and size."""

    def __init__(self, net, index, name, kind, size):
        self.network, self.index, self.name, self.kind, self.size = net, index, name, kind, size

    def __repr__(self):
        return f"Population({self.name!r}, {self.kind}, {self.size})"


class Network:
    """Populations of compartments, connections and input spikes (models/network.h).

    Compartment parameters use the network file's names (docs/network-file.md): decay_u,
    decay_v, bias_mant, bias_exp, vth_mant, refract, vmin_exp, vmax_exp.
    """

    def __init__(self):
        self._c = _core.Network()
        self._pops = []

    @classmethod
    def load(cls, path):
        """A network file (YAML, docs/network-file.md)."""
        net = cls()
        net._c.load(os.fspath(path))
        net._adopt_pops()
        return net

    @classmethod
    def load_nir(cls, path, dt=1e-4, vscale=None, decay="lava", reset="zero", accept_reset=False, split=True):
        """A NIR graph (HDF5), mapped onto Loihi's compartments as `loihi-emu nir` maps it
        (docs/nir.md): dt seconds per step; vscale integer v units per NIR voltage unit (None:
        automatic); decay 'lava' (floor(4095 dt/tau)) or 'round' (round(4096 dt/tau)); reset
        'zero' or 'subtract' (how the model was trained; NIR does not store it); accept_reset
        maps a non-zero v_reset or a subtracting reset as reset to zero; split=False keeps
        each connection at one weight exponent. The mapping is in net.nir (vscale, input,
        populations, connections); drive the graph's Input with net.add_nir_input."""
        if decay not in ("lava", "round"):
            raise UsageError(f"decay {decay!r}: expected 'lava' or 'round'")
        if reset not in ("zero", "subtract"):
            raise UsageError(f"reset {reset!r}: expected 'zero' or 'subtract'")
        if not dt > 0 or (vscale is not None and not vscale > 0):
            raise UsageError("dt and vscale: expected positive numbers")
        net = cls()
        info = net._c.load_nir(os.fspath(path), float(dt), 0.0 if vscale is None else float(vscale),
                               decay == "round", bool(accept_reset), reset == "subtract", 0.05 if split else -1.0)
        net._adopt_pops()
        ip = info.pop("input_pop")
        info["input"] = None if ip < 0 else net._pops[ip]
        net.nir = info
        return net

    def add_nir_input(self, spikes, steps=None):
        """Drives a NIR graph's Input with spikes [rows, inputs] as `loihi-emu nir run --input`
        does: a non-zero entry in row t is a spike the input sends in step t + 1, integrated
        in step t + 2 (the chip's one step of synaptic latency), so it is an input spike of
        step t + 2 here; with steps, rows that would land after step steps are dropped."""
        info = getattr(self, "nir", None)
        if not info or info["input"] is None:
            raise ConfigError("the graph has no Input node to drive")
        a = np.asarray(spikes)
        if a.ndim == 1:
            a = a.reshape(-1, 1)
        if a.ndim != 2 or a.shape[1] != info["input_size"]:
            raise ParseError(f"input spikes: {a.shape[-1] if a.ndim else 0} columns, the graph's Input has "
                             f"{info['input_size']}")
        t, c = np.nonzero(a)
        if steps is not None:
            keep = t + 2 <= int(steps)
            t, c = t[keep], c[keep]
        self.add_input(info["input"], neurons=c, steps=t + 2)

    def _adopt_pops(self):
        self._pops = []
        for i, (name, kind, size, _traced) in enumerate(self._c.pops()):
            kname = [k for k, v in KINDS.items() if v == kind][0]
            self._pops.append(Population(self, i, name, kname, size))

    @property
    def populations(self):
        return list(self._pops)

    def population(self, name):
        for p in self._pops:
            if p.name == name:
                return p
        raise KeyError(name)

    def _pop(self, p):
        if isinstance(p, Population):
            if p.network is not self:
                raise ValueError(f"population {p.name!r} belongs to another network")
            return p
        if isinstance(p, str):
            return self.population(p)
        return self._pops[int(p)]

    def add_population(self, name, size, kind="lif", aux=None, ahp_weight=0, ahp_wexp=0, first_core=-1,
                       per_core=0, chip=-1, own_cores=False, trace=False, **profile):
        """Adds a population: kind 'input', 'lif' or 'ahp'; profile keywords set the (main)
        compartment; aux (a dict of the same keys), ahp_weight and ahp_wexp the AHP parts;
        first_core, per_core, chip, own_cores its placement (docs/network-file.md)."""
        if kind not in KINDS:
            raise ValueError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
        unknown = set(profile) - set(_PROFILE_KEYS)
        if unknown:
            raise TypeError(f"unknown compartment parameter(s) {', '.join(sorted(unknown))}")
        idx = self._c.add_pop(name, KINDS[kind], int(size), dict(profile), None if aux is None else dict(aux),
                              int(ahp_weight), int(ahp_wexp), int(first_core), int(per_core), int(chip),
                              bool(own_cores), bool(trace))
        p = Population(self, idx, name, kind, int(size))
        self._pops.append(p)
        return p

    def connect(self, src, dst, weights=None, *, sparse=None, wexp=0, delay=None, sign="split",
                weight_bits=8, to_aux=False):
        """Connects two populations. Either weights, a dense [src.size, dst.size] matrix of
        mantissas (zeros are no synapse), or sparse=(pre, post, w) index and mantissa arrays.
        delay: a scalar, a matrix like weights, or an array like pre. sign: split, mixed, exc, inh."""
        s, d = self._pop(src), self._pop(dst)
        if (weights is None) == (sparse is None):
            raise TypeError("give either weights (dense) or sparse=(pre, post, w)")
        if weights is not None:
            w = np.asarray(weights)
            if w.shape != (s.size, d.size):
                raise ValueError(f"weights: shape {w.shape}, expected ({s.size}, {d.size})")
            pre, post = np.nonzero(w)
            wv = w[pre, post]
            if delay is not None and np.ndim(delay) == 2:
                delay = np.asarray(delay)[pre, post]
        else:
            pre, post, wv = sparse
        pre = _as_c(pre, np.uint32, "pre", 0, 2**32 - 1)
        post = _as_c(post, np.uint32, "post", 0, 2**32 - 1)
        wv = _as_c(wv, np.int16, "weight", -32768, 32767)
        if delay is not None:
            if np.ndim(delay) == 0:
                delay = np.full(pre.shape, int(delay))
            delay = _as_c(delay, np.uint8, "delay", 0, 255)
        if sign not in SIGN_MODES:
            raise ValueError(f"sign {sign!r}: expected one of {', '.join(SIGN_MODES)}")
        self._c.add_conn(s.index, d.index, pre, post, wv, delay, int(wexp), int(weight_bits), SIGN_MODES[sign],
                         bool(to_aux))

    def add_input(self, pop, spikes=None, *, neurons=None, steps=None):
        """Input spikes of an input population: either spikes, a boolean raster
        [steps, pop.size] whose row t is step t + 1, or neurons and steps (1-based) arrays."""
        p = self._pop(pop)
        if spikes is not None:
            t, n = np.nonzero(np.asarray(spikes))
            steps, neurons = t + 1, n
        neurons = _as_c(neurons, np.uint32, "neurons", 0, 2**32 - 1)
        steps = _as_c(steps, np.uint32, "steps", 0, 2**32 - 1)
        self._c.add_inputs(p.index, neurons, steps)

    @property
    def n_synapses(self):
        return self._c.counts()[2]

    def validate(self):
        self._c.validate()


class Board:
    """Where a network runs: a shipped board name (`loihi-emu boards`), a board YAML file or
    'RxC' chips; noc the network mode of the cost model; None is one chip without costs
    unless costed=True."""

    def __init__(self, name=None, noc=None, seed=1, arch=None, costed=None):
        self.name = None if name is None else os.fspath(name)
        self.noc, self.seed, self.arch = noc, seed, arch
        self.costed = costed if costed is not None else (name is not None or noc is not None)

    def __repr__(self):
        return f"Board({self.name!r}, noc={self.noc!r})"


def _board(board):
    if board is None or isinstance(board, Board):
        return board or Board()
    return Board(board)


class Placement:
    """Where each neuron went: core gid and compartment index per neuron of each population."""

    def __init__(self, net, pop_base, core, cx, n_cores):
        self.n_cores = n_cores
        self._net, self._base, self._core, self._cx = net, pop_base, core, cx

    def cores(self, pop):
        p = self._net._pop(pop)
        return self._core[self._base[p.index]:self._base[p.index + 1]]

    def compartments(self, pop):
        p = self._net._pop(pop)
        return self._cx[self._base[p.index]:self._base[p.index + 1]]

    @property
    def cores_used(self):
        c = self._core[self._core != _NO_CORE]
        return np.unique(c)


class Simulation:
    """A placed, configured network on a board, ready to run (run/pipeline.h). record: the
    populations whose spikes and u/v are kept every step (default: those added with trace=True,
    else every compartment population)."""

    def __init__(self, network, board=None, record=None, inject_latency=1):
        b = _board(board)
        self.network = network
        if record is None:
            record = [p for p in network._pops if p.kind != "input" and network._c.pops()[p.index][3]]
            if not record:
                record = [p for p in network._pops if p.kind != "input"]
        self._record = [network._pop(p) for p in record]
        for p in self._record:
            if p.kind == "input":
                raise ValueError(f"population {p.name!r} is an input population: nothing to record")
        self._c = _core.Simulation(network._c, b.name, b.noc, int(b.seed), bool(b.costed), int(inject_latency),
                                   b.arch, [p.index for p in self._record])
        self._costed = b.costed

    def run(self, steps):
        """Runs steps time steps (continuing); the loop is C."""
        self._c.run(int(steps))
        return self

    @property
    def step(self):
        return self._c.info()["step"]

    @property
    def info(self):
        return self._c.info()

    def _slice(self, arr, pop):
        p = self.network._pop(pop)
        off = 0
        for r in self._record:
            if r.index == p.index:
                return arr[:, off:off + r.size]
            off += r.size
        raise ValueError(f"population {p.name!r} is not recorded (record=...)")

    def spikes(self, pop):
        """Boolean raster [steps, pop.size]: row t is step t + 1."""
        return self._slice(self._c.records()[0], pop).astype(bool)

    def u(self, pop):
        """Current u [steps, pop.size] after each step's compartment phase (int32)."""
        return self._slice(self._c.records()[1], pop)

    def v(self, pop):
        """Voltage v [steps, pop.size] after each step's compartment phase (int32)."""
        return self._slice(self._c.records()[2], pop)

    def placement(self):
        return Placement(self.network, *self._c.placement())

    def report(self):
        """The cost model's report as a dict, equal to the JSON `loihi-emu run --report`
        writes; the steps run so far close one inference, as the CLI's run does."""
        fd, path = tempfile.mkstemp(suffix=".json", prefix="loihi-emu-")
        os.close(fd)
        try:
            self._c.write_report(path)
            with open(path) as f:
                return json.load(f)
        finally:
            os.unlink(path)

    def close(self):
        """Frees the chip configuration now (otherwise when the object goes)."""
        self._c.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def place(network, board=None):
    """Places and configures network on board and returns the Placement (every limit checked:
    a network that does not fit raises LimitError)."""
    sim = Simulation(network, board, record=[])
    try:
        return sim.placement()
    finally:
        sim.close()


def _authors_sample():
    path = os.path.join(_source_dir(), "models", "smnist", "authors_sample.csv")
    index, chip = [], []
    with open(path) as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))]
    for r in rows[1:]:
        index.append(int(r[1]))
        chip.append(int(r[2]))
    return np.array(index, dtype=np.uint32), np.array(chip, dtype=np.uint8)


def _table_s1(summary, accuracy):
    """Table S1 of the paper beside ours, as emu/cmd_smnist.c computes it."""
    import yaml
    with open(os.path.join(_source_dir(), "models", "smnist", "table_s1.yaml")) as f:
        doc = yaml.safe_load(f)
    s = summary
    t = s["time_s"] if s["time_s"] > 0 else 1.0
    x86_s, x86_d = s["e_x86_static_j"] / t, s["e_x86_dynamic_j"] / t
    nc_s, nc_d = s["e_nc_static_j"] / t, s["e_nc_dynamic_j"] / t
    ours = {
        "accuracy_pct": accuracy, "time_per_step_us": s["step_mean_s"] * 1e6,
        "latency_ms": s["latency_per_inference_s"] * 1e3, "x86_static_mw": x86_s * 1e3,
        "x86_dynamic_mw": x86_d * 1e3, "x86_total_mw": (x86_s + x86_d) * 1e3, "nc_static_mw": nc_s * 1e3,
        "nc_dynamic_mw": nc_d * 1e3, "nc_total_mw": (nc_s + nc_d) * 1e3,
        "total_mw": (x86_s + x86_d + nc_s + nc_d) * 1e3, "energy_mj": s["energy_per_inference_j"] * 1e3,
        "edp_ujs": s["edp_js"] * 1e6,
    }
    figs = doc.get("figures", doc) if isinstance(doc, dict) else doc
    table = []
    for f in figs:
        if not isinstance(f, dict) or f.get("key") not in ours:
            continue
        paper = float(f["paper"])
        o = ours[f["key"]]
        table.append({"figure": f.get("figure"), "key": f["key"], "unit": f.get("unit"), "ours": o,
                      "paper": paper, "diff_pct": 100.0 * (o - paper) / paper if paper else 0.0,
                      "calibrated": f.get("ours") == "calibrated"})
    return table


def smnist(images=200, first=0, sample=None, board="nahuku32", noc=None, arch=None, data=None,
           inject_latency=1, report=False):
    """The seed paper's sMNIST LSNN with the authors' weights (`loihi-emu smnist`): classifies
    images first..first+images-1 of MNIST t10k (or sample='authors', the authors' 100-image
    unit test) and returns a dict: accuracy (%), index, labels, predictions, v_out (the 10
    output voltages at each decision), summary (the cost model's), table_s1 (ours beside the
    paper's), chip_agreement with sample='authors', report (dict) with report=True."""
    chip = None
    if sample == "authors":
        index, chip = _authors_sample()
    elif sample is None:
        if not 0 <= first < 10000 or not 1 <= images <= 10000 - first:
            raise UsageError(f"--images {images}: out of range, must be 1..{10000 - first} (10000 - --first {first})")
        index = np.arange(first, first + images, dtype=np.uint32)
    else:
        raise ValueError(f"sample {sample!r}: expected 'authors' or None")
    rpath = None
    if report:
        fd, rpath = tempfile.mkstemp(suffix=".json", prefix="loihi-emu-")
        os.close(fd)
    try:
        labels, pred, vout, summary = _core.smnist(index, board, noc, arch, data, int(inject_latency), rpath)
        rep = None
        if rpath:
            with open(rpath) as f:
                rep = json.load(f)
    finally:
        if rpath:
            os.unlink(rpath)
    acc = 100.0 * float(np.mean(labels == pred))
    out = {"accuracy": acc, "correct": int(np.sum(labels == pred)), "index": index, "labels": labels,
           "predictions": pred, "v_out": vout, "summary": summary, "table_s1": _table_s1(summary, acc)}
    if chip is not None:
        out["chip_agreement"] = int(np.sum(chip == pred))
    if rep is not None:
        out["report"] = rep
    return out


_RELNET_SIZES = (2, 6, 10, 16, 20)
_RELNET_STRATEGIES = {"optimised": [0], "naive": [1], "both": [0, 1]}


def relnet(sentences=None, placement="optimised", stories=25, tasks=None, board="nahuku32", noc="load",
           arch=None, data=None, weights=None, mapping=None, seed=1):
    """The seed paper's Spiking RelNet on bAbI per story size (`loihi-emu relnet`): returns a
    dict with board, network, weights (the directory: as the command's --weights, "trained" by
    default, the trained weights the source tree ships; "generated", generated with seed into
    <data>/relnet-weights/generated-<seed> when missing; or a weight directory),
    weights_manifest_sha256 and rows, one per size and placement: the keys of
    `loihi-emu relnet --json` (ours; paper: Table S2's row or None) plus available,
    layer_cores, busiest_links, rates (firing per layer, as the command prints it),
    accuracy (%) and task_accuracy {task: %}; tasks maps
    task -> (correct, stories). sentences: sizes 1..20 (default the paper's 2, 6, 10, 16, 20);
    placement: optimised, naive, both or a placement file; stories per size (0 = the paper's
    250, 100 at M = 16); tasks: bAbI task numbers (default the paper's 17 among the weight
    directory's task_list). The result's tasks are those the
    stories came from, weights_tasks those the weights were made for; asking for a task outside
    them warns (its accuracy says nothing about the weights)."""
    sizes = list(_RELNET_SIZES if sentences is None else ([sentences] if np.ndim(sentences) == 0 else sentences))
    if not sizes or any(not 1 <= int(m) <= 20 for m in sizes) or len(sizes) > 20:
        raise UsageError(f"sentences {sizes}: expected 1 to 20 sizes in 1..20")
    pfile = None
    if isinstance(placement, (str, os.PathLike)) and os.fspath(placement) in _RELNET_STRATEGIES:
        strategies = _RELNET_STRATEGIES[os.fspath(placement)]
    else:
        pfile = os.fspath(placement)
        strategies = [0]  # the relay plan a placement file's layout uses, as the command
    if tasks is None:
        mask = 0  # the weights' own (le_relnet_default_tasks)
    else:
        mask = 0
        for t in ([tasks] if np.ndim(tasks) == 0 else tasks):
            if not 1 <= int(t) <= 20:
                raise UsageError(f"task {t}: bAbI tasks are 1..20")
            mask |= 1 << (int(t) - 1)
    if not 0 <= int(stories) <= 100000:
        raise UsageError(f"stories {stories}: expected 0..100000")
    bname, wdir, sha, rows, run_mask, w_mask = _core.relnet(np.asarray(sizes, dtype=np.uint32), strategies, pfile, mask,
                                          int(stories), os.fspath(board), noc,
                                          None if arch is None else os.fspath(arch),
                                          None if data is None else os.fspath(data),
                                          None if weights is None else os.fspath(weights),
                                          None if mapping is None else os.fspath(mapping), int(seed))
    for r in rows:
        r["accuracy"] = 100.0 * r["correct"] / r["stories"] if r["stories"] else 0.0
        r["task_accuracy"] = {t: 100.0 * ok / n for t, (ok, n) in r["tasks"].items()}
    if run_mask & ~w_mask:
        warnings.warn(f"tasks {_task_list(run_mask & ~w_mask)} are not in the task_list of {wdir}: "
                      "their accuracy is not the weights'", stacklevel=2)
    return {"model": "Spiking RelNet (seed 002)", "board": bname, "network": noc, "weights": wdir,
            "weights_manifest_sha256": sha, "tasks": _task_list(run_mask), "weights_tasks": _task_list(w_mask),
            "rows": rows}


def _task_list(mask):
    return [t for t in range(1, 21) if mask & (1 << (t - 1))]
