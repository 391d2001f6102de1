"""The feed-forward part of the Spiking RelNet (g_theta, aggregation, f_phi, readout) on the
relayed LSNN rasters, twice: as an ANN on spike counts (stage D's conversion source) and as
the spiking network the chip runs (stages D and E).

Timing (models/relnet/snips.c): the relays fire in steps 98..112 (LSNN steps 97..111, one step
later); the spiking model runs steps 98..143, index t = step - 98, T_FF = 46 steps. A spike of
step t arrives in step t + 1 + d; g_theta and f_phi synapses have the delay `delay` (one per
layer), the aggregation and the readout 0. The x86 wipes the readout's v every step until step
135 and lets it integrate from then on, and reads v after step 143: the answer's logit is the sum
of the readout's u over steps 135..143."""
import torch
import torch.nn.functional as F

from . import data
from .lsnn import T_WIN
from .neuron import ALPHA, GAMMA, delayed, lif

FIRST_STEP = 98
T_FF = 143 - FIRST_STEP + 1
READ_FROM = 135 - FIRST_STEP
G_NAMES = ("g1", "g2", "g3", "g4")
F_NAMES = ("f1", "f2", "f3")


def pair_index(m):
    ii, jj = zip(*data.pairs(m))
    return list(ii), list(jj)


def response(x, p):
    """A LIF layer's spike count over the window as a function of its input charge x (the layer
    before's counts times the weights, in thresholds), p = (c, k, b): c tanh(k relu(x - b) / c).
    Fitted to a spiking network's own layers (stage D fit_response): the charge a layer needs
    before it fires at all (b, the leak), its counts per threshold of charge (k, about the u and
    v decays' 7 steps each), and the count it saturates at (c: the steps left in the window
    after the layers before it)."""
    c, k, b = p[0], p[1], p[2]
    return c * torch.tanh(k * F.relu(x - b) / c)


def _act(pre, n, act):
    return act[n](pre) if act and n in act else F.relu(pre)


def ann_forward(W, cs, cq, m, pre=None, act=None):
    """ANN on counts. cs: (B, M, 200) sentence spike counts, cq: (B, 200). W: dict of float
    weights [pre, post] (g1 [600, 256]). Returns logits and the layers' activations; a dict
    `pre` receives each layer's input before the ReLU. `act` {layer: function of the input}
    replaces those layers' ReLU (the count model: response)."""
    pre = {} if pre is None else pre
    ii, jj = pair_index(m)
    A, Bm, C = W["g1"][:200], W["g1"][200:400], W["g1"][400:]
    pre["g1"] = (cs @ A)[:, ii] + (cs @ Bm)[:, jj] + (cq @ C)[:, None]
    x = _act(pre["g1"], "g1", act)
    acts = {"g1": x}
    for n in G_NAMES[1:]:
        pre[n] = x @ W[n]
        x = _act(pre[n], n, act)
        acts[n] = x
    logits, _ = ann_after(W, "g4 sum", x.sum(1), acts, pre, act)
    return logits, acts


def ann_after(W, layer, x, acts=None, pre=None, act=None):
    """The ANN on counts from `layer`'s output x onwards: `layer` is "g4 sum" (g_theta's last
    layer summed over the instances, what the aggregation receives), "agg" or an f_phi layer.
    -> (logits, acts); the layers after `layer` fill `acts` and `pre` as in ann_forward."""
    acts = {} if acts is None else acts
    pre = {} if pre is None else pre
    after = list(F_NAMES)
    if layer == "g4 sum":
        pre["agg"] = x * W["agg"]
        x = _act(pre["agg"], "agg", act)
        acts["agg"] = x
    elif layer != "agg":
        after = after[after.index(layer) + 1:]
    for n in after:
        pre[n] = x @ W[n]
        x = _act(pre[n], n, act)
        acts[n] = x
    return x @ W["readout"], acts


def density_loss(pre, share, layers):
    """Asks every unit of `layers` to be active on at least `share` of the rows: the hinge on
    the (1 - share) quantile of its input before the ReLU, over the batch's rows, relative to
    the layer's input spread (scale-free: the balanced layers' scales differ by 500x). A code
    that sparse layers hold (4 % of f_phi's units active for 17 tasks) is one that spike counts
    of a 46-step window cannot carry."""
    total = 0.0
    for n in layers:
        h = pre[n].reshape(-1, pre[n].shape[-1])
        q = torch.quantile(h, 1.0 - share, dim=0)
        total = total + F.relu(-q).mean() / h.detach().std().clamp(min=1e-9)
    return total / len(layers)


def snn_forward(W, S, Q, m, delay, gamma=GAMMA, keep=False, tail=0):
    """The spiking network. S: (B, M, T_WIN, 200) relayed sentence rasters (LSNN steps 97..111),
    Q: (B, T_WIN, 200). Returns logits (B, 180) and per layer (spikes (T, rows, n), pre-reset v).
    With tail K, out["tail"] holds the aggregation's and f_phi's spikes in the K steps after the
    x86 reset (steps 144..): see tail_forward."""
    B = S.shape[0]
    ii, jj = pair_index(m)
    P = len(ii)
    pad = torch.zeros(T_FF - T_WIN, *S.shape[:2], 200)
    rs = torch.cat([S.permute(2, 0, 1, 3), pad], 0)                       # (T, B, M, 200) relay spikes
    rq = torch.cat([Q.permute(1, 0, 2), pad[:, :, 0]], 0)                 # (T, B, 200)
    rs, rq = delayed(rs, delay), delayed(rq, delay)
    A, Bm, C = W["g1"][:200], W["g1"][200:400], W["g1"][400:]
    cur = (rs @ A)[:, :, ii] + (rs @ Bm)[:, :, jj] + (rq @ C)[:, :, None]  # (T, B, P, 256)
    cur = cur.reshape(T_FF, B * P, -1)
    out = {}
    z = None
    for n in G_NAMES:
        if n != "g1":
            cur = delayed(z, delay) @ W[n]
        z, p = lif(cur)
        out[n] = (z, p)
    s = z.view(T_FF, B, P, -1).sum(2)
    z, p = lif(delayed(s, 0) * W["agg"])
    out["agg"] = (z, p)
    for n in F_NAMES:
        z, p = lif(delayed(z, delay) @ W[n])
        out[n] = (z, p)
    if tail:
        out["tail"] = tail_forward(W, out, s, delay, tail)
    return read_out(delayed(z, 0) @ W["readout"]), out


def read_out(q):
    """The readout's logit from its input per step q (T, rows, n): its u summed over the read-out
    steps. Linear in q, so read_out(spikes) @ W is read_out(spikes @ W): the chip's read-out
    features of a layer's spikes."""
    u = torch.zeros_like(q[0])
    logit = torch.zeros_like(q[0])
    for t in range(T_FF):
        u = ALPHA * u + q[t]
        if t >= READ_FROM:
            logit = logit + u
    return logit


MATCH_LAYERS = G_NAMES + ("agg",) + F_NAMES


def layer_inputs(W, cs, cq, counts, m):
    """Each hidden layer's input charge over the window (weights in thresholds) computed from
    the layer before's spike counts `counts` {layer: (rows, units)} (g1's from the LSNN counts
    cs, cq), laid out as match_pairs lays out the counts."""
    ii, jj = pair_index(m)
    A, Bm, C = W["g1"][:200], W["g1"][200:400], W["g1"][400:]
    inp = {"g1": ((cs @ A)[:, ii] + (cs @ Bm)[:, jj] + (cq @ C)[:, None]).reshape(counts["g1"].shape)}
    for prev, n in zip(G_NAMES, G_NAMES[1:]):
        inp[n] = counts[prev] @ W[n]
    inp["agg"] = counts["g4"].view(cs.shape[0], len(ii), -1).sum(1) * W["agg"]
    for prev, n in zip(("agg",) + F_NAMES, F_NAMES):
        inp[n] = counts[prev] @ W[n]
    return inp


def window_counts(out):
    """Each hidden layer's spike counts over the window, {layer: (rows, units)}, from
    snn_forward's `out`."""
    return {n: out[n][0].sum(0) for n in MATCH_LAYERS}


def match_pairs(out, acts):
    """(layer, (spike counts over the window, the ANN's activations)) per hidden layer, both as
    (rows, units): g_theta's rows are the instances (story-major, as snn_forward lays them out)."""
    for n in MATCH_LAYERS:
        c = out[n][0].sum(0)
        yield n, (c, acts[n].reshape(c.shape))


def match_loss(out, acts, scales, norms):
    """Conversion by distillation: each hidden layer's counts against its scaled ANN activations,
    the mean squared error over the layer's norm (the targets' mean square over a reference
    sample: a batch's own would swing by orders of magnitude for the sparse layers, a batch of
    ten stories holding hardly any of f_phi 3's activity), averaged over the layers. The
    cross-entropy alone reaches g_theta only through eight layers of surrogate gradients; this
    gives every layer its own target."""
    total = 0.0
    for n, (c, a) in match_pairs(out, acts):
        total = total + ((c - scales[n] * a) ** 2).mean() / norms[n]
    return total / len(MATCH_LAYERS)


def tail_forward(W, out, s, delay, k):
    """What the aggregation and f_phi fire in the k steps after the reset that ends the window
    (step 143): the x86 zeroes their state, but the spikes still in flight (fired in the last
    1 + delay steps) arrive afterwards and start them again, which is work in the next story's
    steps (docs/relnet.md, Table S2 with trained weights). Each layer starts from rest and is fed
    only what arrives after step 143: its source's window spikes that are still in flight and its
    source's own tail. g_theta's tail is taken as silent (the emulator: none of its spikes fall
    outside the window). s: g4's spikes summed over instances (T, B, 256)."""
    tails = {}
    pad = torch.zeros(k, *s.shape[1:])
    z = torch.cat([s, pad], 0)
    for n, d in (("agg", 0),) + tuple((f, delay) for f in F_NAMES):
        arrive = delayed(z, d)[T_FF:]
        cur = arrive * W["agg"] if n == "agg" else arrive @ W[n]
        zt, _ = lif(cur)
        tails[n] = zt
        z = torch.cat([out[n][0], zt], 0)
    return tails


def tail_term(tails):
    """Mean spikes per neuron after the reset, summed over the tail's layers."""
    return sum(z.sum(0).mean() for z in tails.values())


def tail_steps(args):
    """The tail snn_forward is to run for the loss: none when --l-tail is off."""
    return args.tail_steps if getattr(args, "l_tail", 0.0) else 0


def tail_loss(out):
    return tail_term(out["tail"]) if "tail" in out else torch.zeros(())


def rate_terms(counts, m, B, args):
    """The rate regulariser on each layer's spike counts over the window {layer: counts, rows
    first} (g_theta's rows: B stories x the m-sentence story's pairs): g_theta units' rate summed
    over instances towards R_target Hz, the other layers' rates towards rate_f, each unit's
    deviation as (R - target) / (R + target), squared (bounded, so a silent or saturated layer
    cannot swamp the cross-entropy). -> (term, {layer: mean Hz})."""
    P = m * (m + 1) // 2
    lr = 0.0
    hz = {}
    for n in G_NAMES:
        R = counts[n].reshape(B, P, -1).sum(1).mean(0) * 1000.0 / T_FF    # (256,) Hz summed over instances
        hz[n] = R.mean().item()
        lr = lr + (((R - args.r_target) / (R + args.r_target)) ** 2).mean()
        if getattr(args, "g_rate_log", 0.0):
            # Unbounded above: a g_theta layer whose sum over instances grows with the story's
            # pairs (M = 10: 55 instances) saturates the aggregation, and the bounded term above
            # hardly pulls it back once R is a few times the target (docs/relnet-training.md).
            lr = lr + args.g_rate_log / args.l_rate * (torch.log((R + 1.0) / (args.r_target + 1.0)) ** 2).mean()
    for n in ("agg",) + F_NAMES:
        rho = counts[n].reshape(-1, counts[n].shape[-1]).mean(0) / T_FF
        hz[n] = rho.mean().item() * 1000.0
        lr = lr + (((rho - args.rate_f) / (rho + args.rate_f)) ** 2).mean()
    return lr, hz


def regularisers(out, m, B, args):
    """The paper's regularisers in the form used here (docs/relnet-training.md): rate_terms on
    the spike counts, and the voltage regulariser of Eq. 17-18 on the pre-reset voltage
    (threshold 1, reset 0)."""
    lr, hz = rate_terms(window_counts(out), m, B, args)
    lv = 0.0
    # A layer's own factor on the voltage term (--l-v-layer): f_phi 2 and 3 driven tens of
    # thresholds high keep firing into the next story after the reset (docs/relnet.md), which a
    # weight small enough for the other layers' cross-entropy does not stop.
    scale = getattr(args, "l_v_layer", None) or {}
    for n, zp in out.items():
        if n == "tail":
            continue
        p = zp[1]
        vs = (p - 1.0).clamp(-20.0, 20.0)   # bounded: a far-off voltage is pulled back, not exploded
        lv = lv + scale.get(n, 1.0) * (torch.relu(vs - 0.4) ** 2 + torch.relu(-vs - 2.0) ** 2).mean()
    return lr, lv, hz


def parse_layer_factors(spec):
    """'f2=10,f3=40' -> {'f2': 10.0, 'f3': 40.0}: a factor per feed-forward layer name."""
    out = {}
    for part in filter(None, spec.split(",")):
        name, _, val = part.partition("=")
        if name not in G_NAMES + ("agg",) + F_NAMES:
            raise SystemExit("relnet_train: --l-v-layer: '%s' is not a layer (%s)" % (
                name, ", ".join(G_NAMES + ("agg",) + F_NAMES)))
        try:
            out[name] = float(val)
        except ValueError:
            raise SystemExit("relnet_train: --l-v-layer: expected NAME=FACTOR, got '%s'" % part)
        if out[name] < 0:
            raise SystemExit("relnet_train: --l-v-layer: factor of %s below 0" % name)
    return out
