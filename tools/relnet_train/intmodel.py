"""The integer network the chip runs, in numpy, written from core/compartment.h's arithmetic,
docs/relnet-weights.md's units and the x86 schedule of models/relnet/snips.c (the same
statement of the schedule as tests/test_relnet_reference.cpp's dense model), not from the
emulator's network code. `lsnn` and `feedforward` start every sample from rest; the emulator
runs samples back to back, which `run_sequence` (the whole chip) and `lsnn_chain` (one LSNN
population, where all the carry-over lies) model (docs/relnet-training.md).

It reads an exported weight directory (the `.npy` files and the manifest's exponents and layer
registers), so what it scores is exactly what `loihi-emu relnet --weights DIR` loads."""
import os

import numpy as np
import yaml

U_BITS, Q_BITS = 24, 22
V_MAX = (1 << 23) - 1
W_CLIP = (1 << 21) - (1 << 6)
LSNN_T, WIN_FIRST, WIN_LAST = 111, 97, 111
FIRST_FF, LAST = 98, 143
READOUT_ON = 135


def wrap(x, bits):
    half = 1 << (bits - 1)
    return ((x + half) & ((1 << bits) - 1)) - half


def decay(x, k):
    mag = (np.abs(x) * (4096 - k)) >> 12
    return np.where(x < 0, -mag, mag)


def mm(a, b):
    """Integer matrix product through float64 BLAS: exact, since spikes are 0/1, actual weights
    stay below 2^21 and a sum over at most 600 inputs stays far below 2^53."""
    return np.rint(np.asarray(a, np.float64) @ np.asarray(b, np.float64)).astype(np.int64)


def actual(m, e):
    m = m.astype(np.int64)
    w = m * (1 << (6 + e)) if e >= 0 else (m >> (-e)) << 6
    return np.clip(w, -W_CLIP, W_CLIP)


class Layer:
    """Compartment state of one layer for a batch: u, v (refractory delay 1: no silent step)."""

    def __init__(self, shape, L):
        self.u = np.zeros(shape, np.int64)
        self.v = np.zeros(shape, np.int64)
        self.du, self.dv, self.vth = L["decay_u"], L["decay_v"], L["vth_mant"] << 6

    def step(self, q, join=0, dv=None):
        self.u = wrap(decay(self.u, self.du) + wrap(q, Q_BITS) + join, U_BITS)
        v = np.clip(decay(self.v, self.dv if dv is None else dv) + self.u, -V_MAX, V_MAX)
        z = v > self.vth
        self.v = np.where(z, 0, v)
        return z.astype(np.int64)


class Weights:
    def __init__(self, wdir):
        with open(os.path.join(wdir, "manifest.yaml")) as f:
            self.man = yaml.safe_load(f)
        self.L = self.man["layers"]
        self.w, self.d = {}, {}
        for name, t in self.man["tensors"].items():
            a = np.load(os.path.join(wdir, t["file"])).astype(np.int64)
            if name.endswith(".d_in") or name.endswith(".d_rec") or name.endswith(".d"):
                self.d[name] = a
            else:
                self.w[name] = actual(a, t["exponent"])

    def delays(self, name):
        """The one delay of a tensor (the trainer writes one per tensor)."""
        d = self.d[name][self.w[name.rsplit(".", 1)[0] + "." + ("w_in" if name.endswith("d_in") else "w_rec"
                                                                  if name.endswith("d_rec") else "w")] != 0]
        u = np.unique(d)
        if len(u) > 1:
            raise ValueError("%s: %d different delays; the integer model takes one per tensor" % (name, len(u)))
        return int(u[0]) if len(u) else 0


def lsnn(W, kind, words, steps=(WIN_FIRST, WIN_LAST)):
    """words (B, 11) right-aligned -> spikes of steps 97..111 (or `steps`, first and last),
    (15, B, 200) int; the LSNN runs from rest."""
    L = W.L["lsnn_" + kind]
    win, wrec = W.w["lsnn_%s.w_in" % kind], W.w["lsnn_%s.w_rec" % kind]
    d_in, d_rec = W.delays("lsnn_%s.d_in" % kind), W.delays("lsnn_%s.d_rec" % kind)
    B = words.shape[0]
    n_ada = L["n_adaptive"]
    n = L["n"]
    main = Layer((B, n), L)
    aux = Layer((B, n_ada), dict(L["ahp"], vth_mant=0))
    ahp_w = int(actual(np.array(L["ahp"]["weight"]), L["ahp"]["wexp"]))
    x = win[words] * (words > 0)[..., None]
    zs = []
    zero = np.zeros((B, n), np.int64)
    for t in range(1, max(LSNN_T, steps[1]) + 1):
        s = t - 1 - d_in
        q = x[:, (s - 1) // 10].copy() if 1 <= s <= 110 else zero.copy()
        tr = t - 1 - d_rec
        if tr >= 1:
            q += mm(zs[tr - 1], wrec)
        zl = zs[-1] if zs else zero
        # the AHP compartment: its own spike one step later, no current memory, v decays
        aux.u = wrap(wrap(ahp_w * zl[:, n - n_ada:], Q_BITS), U_BITS)
        aux.v = np.clip(decay(aux.v, aux.dv) + aux.u, -V_MAX, V_MAX)
        join = np.concatenate([np.zeros((B, n - n_ada), np.int64), aux.v], 1)
        zs.append(main.step(q, join))
    return np.stack(zs[steps[0] - 1:steps[1]])


def lsnn_chain(W, kind, words_seq):
    """One LSNN population running sentences back to back as the chip does (the x86 schedule of
    run_sequence: words in steps 1..110, the reset of u, v, the AHP compartment and the
    dendritic accumulators after step 112's compartments, the spikes of step 112 still sent).
    words_seq (L, B, 11): B independent chains of L sentences each. Returns the relayed rasters
    (L, 15, B, 200) of steps 97..111 of every sentence: the first from rest, each later one
    with what its predecessor left behind."""
    L = W.L["lsnn_" + kind]
    win, wrec = W.w["lsnn_%s.w_in" % kind], W.w["lsnn_%s.w_rec" % kind]
    d_in, d_rec = W.delays("lsnn_%s.d_in" % kind), W.delays("lsnn_%s.d_rec" % kind)
    n_ada, n = L["n_adaptive"], L["n"]
    Lsteps, B = words_seq.shape[0], words_seq.shape[1]
    main = Layer((B, n), L)
    aux = Layer((B, n_ada), dict(L["ahp"], vth_mant=131071))
    ahp_w = int(actual(np.array(L["ahp"]["weight"]), L["ahp"]["wexp"]))
    acc, acc_aux = {}, {}

    def add(d, slot, q):
        d[slot] = d[slot] + q if slot in d else q

    sent = np.zeros((B, n), np.int64)
    inj = None
    t = 0
    out = np.zeros((Lsteps, WIN_LAST - WIN_FIRST + 1, B, n), np.uint8)
    for k in range(Lsteps):
        words = words_seq[k]
        x = win[words] * (words > 0)[..., None]
        for s in range(1, 144):
            t += 1
            if inj is not None:
                add(acc, t + d_in, inj)
            if sent.any():
                add(acc, t + d_rec, mm(sent, wrec))
                add(acc_aux, t, ahp_w * sent[:, n - n_ada:])
            inj = x[:, (s - 1) // 10] if s <= 110 else None
            aux.step(acc_aux.pop(t, 0))
            join = np.concatenate([np.zeros((B, n - n_ada), np.int64), aux.v], 1)
            sent = main.step(acc.pop(t, 0), join)
            if WIN_FIRST <= s <= WIN_LAST:
                out[k, s - WIN_FIRST] = sent
            if s == 112:
                for lay in (main, aux):
                    lay.u[...] = 0
                    lay.v[...] = 0
                acc, acc_aux = {}, {}
    return out


def feedforward(W, S, Q, m, record=False):
    """S (B, M, 15, 200), Q (B, 15, 200) LSNN spikes of steps 97..111 -> readout v after step 143
    (B, 180) and, with record, the spike trains of every layer."""
    B = S.shape[0]
    ii, jj = zip(*[(i, j) for i in range(m) for j in range(i, m)])
    ii, jj = list(ii), list(jj)
    P = len(ii)
    names = ("g1", "g2", "g3", "g4", "agg", "f1", "f2", "f3", "readout")
    dl = {n: W.delays(n + ".d") for n in ("g1", "g2", "g3", "g4", "f1", "f2", "f3")}
    dl["agg"] = dl["readout"] = 0
    lay = {}
    for n in names:
        rows = B * P if n.startswith("g") else B
        lay[n] = Layer((rows, W.L[n]["n"]), W.L[n])
    w1 = W.w["g1.w"]
    A, Bm, C = w1[:200], w1[200:400], w1[400:]
    T = LAST - FIRST_FF + 1
    hist = {n: [] for n in names}
    # relay spikes: step 98 + k carries LSNN step 97 + k (k < 15)
    rel_s = np.zeros((T, B, m, 200), np.int64)
    rel_q = np.zeros((T, B, 200), np.int64)
    rel_s[:15] = S.transpose(2, 0, 1, 3)
    rel_q[:15] = Q.transpose(1, 0, 2)
    src = {"g1": None, "g2": "g1", "g3": "g2", "g4": "g3", "agg": "g4", "f1": "agg", "f2": "f1", "f3": "f2",
           "readout": "f3"}
    v_read = None
    for k in range(T):
        step = FIRST_FF + k
        for n in names:
            d = dl[n]
            j = k - 1 - d          # spikes fired at index j arrive now
            if n == "g1":
                if j >= 0:
                    rs, rq = rel_s[j], rel_q[j]
                    q = (mm(rs, A)[:, ii] + mm(rs, Bm)[:, jj] + mm(rq, C)[:, None]).reshape(B * P, -1)
                else:
                    q = 0
            else:
                h = hist[src[n]]
                if j >= 0:
                    z = h[j]
                    if n == "agg":
                        q = z.reshape(B, P, -1).sum(1) * W.w["agg.w"]
                    else:
                        q = mm(z, W.w[n + ".w"])
                else:
                    q = 0
            if n == "readout":
                dv = 4095 if step <= READOUT_ON else 0
                lay[n].step(q, dv=dv)
                hist[n].append(np.zeros((B, 180), np.int64))
            else:
                hist[n].append(lay[n].step(q))
        # the layers are updated in order within a step, but every input above comes from
        # index j <= k - 1, so the order does not matter
    v_read = lay["readout"].v
    return (v_read, hist) if record else v_read


def argmax(v):
    """First index of the largest value (the snip's argmax, models/relnet/snips.c)."""
    return np.argmax(v, axis=1)


class _Pop:
    """A population in the sequential simulation: compartment state, enabled flag, and the
    dendritic accumulators (arrival step -> summed actual weights)."""

    def __init__(self, shape, L, n_aux=0, aux=None):
        self.main = Layer(shape, L)
        self.n_aux = n_aux
        self.aux = Layer(shape[:-1] + (n_aux,), aux) if n_aux else None
        self.acc, self.acc_aux = {}, {}
        self.on = True
        self.fired = np.zeros(shape, np.int64)
        self.sent = np.zeros(shape, np.int64)

    def add(self, slot, q, aux=False):
        d = self.acc_aux if aux else self.acc
        d[slot] = d[slot] + q if slot in d else np.array(q, dtype=np.int64)

    def take(self, t, aux=False):
        d = self.acc_aux if aux else self.acc
        return d.pop(t, 0)

    def reset(self):
        self.main.u[...] = 0
        self.main.v[...] = 0
        if self.aux:
            self.aux.u[...] = 0
            self.aux.v[...] = 0
        self.acc, self.acc_aux = {}, {}


def run_sequence(W, samples, m, per_step=False):
    """The samples back to back, as `loihi-emu relnet` runs one story size: every population,
    the relays and the x86 schedule of models/relnet/snips.c (switching, resets, the readout's
    decay), state and spikes in flight carried from one sample into the next. samples: list of
    (context word lists (m of them), question words). Returns the readout v at each read-out
    (n, 180) and the spike count of each layer per sample (with per_step, per sample a dict of
    per-step count arrays (143,) instead: where a story's activity lies, e.g. after the resets)."""
    ii, jj = zip(*[(i, j) for i in range(m) for j in range(i, m)])
    ii, jj = list(ii), list(jj)
    P = len(ii)
    L = W.L
    relayL = L["relay"]
    rw = int(actual(np.array(relayL["in_weight"]), relayL["in_wexp"]))
    pops = {
        "s": _Pop((m, 200), L["lsnn_sent"], 100, dict(L["lsnn_sent"]["ahp"], vth_mant=131071)),
        "q": _Pop((1, 200), L["lsnn_ques"], 100, dict(L["lsnn_ques"]["ahp"], vth_mant=131071)),
        "rs": _Pop((m, 200), relayL), "rq": _Pop((1, 200), relayL),
    }
    for n in ("g1", "g2", "g3", "g4"):
        pops[n] = _Pop((P, 256), L[n])
    for n in ("agg", "f1", "f2", "f3", "readout"):
        pops[n] = _Pop((1, L[n]["n"]), L[n])
    ahp = {k: int(actual(np.array(L["lsnn_" + nm]["ahp"]["weight"]), L["lsnn_" + nm]["ahp"]["wexp"]))
           for k, nm in (("s", "sent"), ("q", "ques"))}
    dly = {n: W.delays(n + ".d") for n in ("g1", "g2", "g3", "g4", "f1", "f2", "f3")}
    din = {"s": W.delays("lsnn_sent.d_in"), "q": W.delays("lsnn_ques.d_in")}
    drec = {"s": W.delays("lsnn_sent.d_rec"), "q": W.delays("lsnn_ques.d_rec")}
    win = {"s": W.w["lsnn_sent.w_in"], "q": W.w["lsnn_ques.w_in"]}
    wrec = {"s": W.w["lsnn_sent.w_rec"], "q": W.w["lsnn_ques.w_rec"]}
    w1 = W.w["g1.w"]
    A, B, C = w1[:200], w1[200:400], w1[400:]
    words_sent = {"s": None, "q": None}
    out_v, counts = [], []
    readout_dv = L["readout"]["decay_v"]
    t = 0
    order = ("s", "q", "rs", "rq", "g1", "g2", "g3", "g4", "agg", "f1", "f2", "f3", "readout")
    for ctx, ques in samples:
        words = {"s": data_pad(ctx), "q": data_pad([ques])}
        cnt = {n: np.zeros(143, np.int64) if per_step else 0 for n in order}
        for s in range(1, 144):
            t += 1
            # synaptic: last step's spikes (and injections) into the accumulators
            for k in ("s", "q"):
                z = pops[k].sent
                if words_sent[k] is not None:
                    pops[k].add(t + din[k], words_sent[k])
                if z.any():
                    pops[k].add(t + drec[k], mm(z, wrec[k]))
                    pops[k].add(t, ahp[k] * z[:, 100:], aux=True)
                    pops["r" + k].add(t, rw * z)
            zs, zq = pops["rs"].sent, pops["rq"].sent
            if zs.any() or zq.any():
                pops["g1"].add(t + dly["g1"], mm(zs, A)[ii] + mm(zs, B)[jj] + mm(zq, C))
            for a, b in (("g1", "g2"), ("g2", "g3"), ("g3", "g4")):
                z = pops[a].sent
                if z.any():
                    pops[b].add(t + dly[b], mm(z, W.w[b + ".w"]))
            z = pops["g4"].sent
            if z.any():
                pops["agg"].add(t, z.sum(0, keepdims=True) * W.w["agg.w"])
            for a, b in (("agg", "f1"), ("f1", "f2"), ("f2", "f3")):
                z = pops[a].sent
                if z.any():
                    pops[b].add(t + dly[b], mm(z, W.w[b + ".w"]))
            z = pops["f3"].sent
            if z.any():
                pops["readout"].add(t, mm(z, W.w["readout.w"]))
            # spiking phase: this step's word injections
            for k in ("s", "q"):
                if s <= 110:
                    w = words[k][:, (s - 1) // 10]
                    words_sent[k] = np.where((w > 0)[:, None], win[k][w], 0)
                else:
                    words_sent[k] = None
            # compartments
            for n in order:
                p = pops[n]
                p.fired = np.zeros_like(p.fired)
                if not p.on:
                    continue
                join = 0
                if p.aux is not None:
                    p.aux.step(p.take(t, aux=True))
                    join = np.concatenate([np.zeros(p.aux.v.shape[:-1] + (200 - p.n_aux,), np.int64), p.aux.v],
                                          -1)
                if n == "readout":
                    p.main.step(p.take(t), dv=readout_dv)
                else:
                    p.fired = p.main.step(p.take(t), join)
                    if per_step:
                        cnt[n][s - 1] = int(p.fired.sum())
                    else:
                        cnt[n] += int(p.fired.sum())
            # management
            if s == 1:
                for r in ("rs", "rq"):
                    pops[r].on = False
                readout_dv = 4095
            elif s == 97:
                for r in ("rs", "rq"):
                    pops[r].on = True
                    pops[r].acc = {}
            elif s == 112:
                for r in ("rs", "rq"):
                    pops[r].on = False
                pops["s"].reset()
                pops["q"].reset()
            elif s == 135:
                readout_dv = 0
            elif s == 143:
                out_v.append(pops["readout"].main.v[0].copy())
                for n in ("g1", "g2", "g3", "g4", "agg", "f1", "f2", "f3", "readout"):
                    pops[n].reset()
            for p in pops.values():
                p.sent = p.fired
        counts.append(cnt)
    return np.stack(out_v), counts


def data_pad(seqs):
    a = np.zeros((len(seqs), 11), dtype=np.int64)
    for i, s in enumerate(seqs):
        if s:
            a[i, 11 - len(s):] = s
    return a
