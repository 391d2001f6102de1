"""Stage D: conversion. (1) An ANN on the LSNN spike counts, initialised from the teacher (its
g_theta layer 1 composed with stage B's count readouts) and fine-tuned; (2) per-layer balancing
into the LIF network: each layer's weights are scaled so that the spiking layer fires the counts
the ANN's activations stand for (g_theta: R_target Hz summed over instances; aggregation and
f_phi: rate_f per step); (3) a spiking fine-tune by BPTT with cross-entropy, the rate and the
voltage regularisers."""
import os

import numpy as np
import torch
import torch.nn.functional as F

from . import common, data, ffnet
from .neuron import delayed
from .stage_c import lookup
from .teacher import Teacher

TEST_PER_TASK = 200   # the seeded test sample's stories per task (--eval-per-task's default): score's dev set
                      # keeps clear of that sample, and compare --per-task 200 runs it on the emulator
NAMES = ffnet.G_NAMES + ("agg",) + ffnet.F_NAMES + ("readout",)


def add_args(ap):
    ap.add_argument("--delay", type=int, default=2, help="synaptic delay of g_theta and f_phi (steps)")
    ap.add_argument("--r-target", type=float, default=300.0, help="g_theta Hz per unit summed over instances")
    ap.add_argument("--rate-f", type=float, default=0.05, help="aggregation / f_phi spikes per neuron per step")
    ap.add_argument("--l-rate", type=float, default=0.02)
    ap.add_argument("--l-v", type=float, default=0.05)
    ap.add_argument("--l-v-layer", type=ffnet.parse_layer_factors, default={}, metavar="NAME=K[,NAME=K]",
                    help="a layer's factor on --l-v (default 1 each), e.g. f2=10,f3=40 to pull down the last "
                         "layers' drive")
    ap.add_argument("--l-tail", type=float, default=0.0, help="weight of the aggregation's and f_phi's spikes per "
                    "neuron after the reset at step 143 (what the spikes in flight start in the next story; 0: off)")
    ap.add_argument("--tail-steps", type=int, default=16, help="steps after the reset that --l-tail counts")
    ap.add_argument("--ann-from", default=None, help="start the ANN phase from this stage D network (a balanced "
                    "network is an ANN on counts) instead of the teacher")
    ap.add_argument("--ann-lr-rel", type=float, default=None, help="the ANN phase's per-layer learning rate: this "
                    "times the layer's weight spread (instead of --ann-lr)")
    ap.add_argument("--l-density", type=float, default=0.0, help="weight of the ANN phase's density term "
                    "(0: off): each unit of g4, the aggregation and f_phi active on at least --density of the rows")
    ap.add_argument("--density", type=float, default=0.25, help="the share of rows the density term asks for")
    ap.add_argument("--ann-response", action="store_true", help="with --ann-from: the ANN phase trains the spiking "
                    "network's count model (each hidden layer's count a fitted response to its input charge, "
                    "refitted to the spiking network every --refit steps) in the network's own units; no balancing")
    ap.add_argument("--response-noise", type=float, default=0.0, help="with --ann-response: train the count model "
                    "with each count scattered K times as much as the spiking network's scatter around the model")
    ap.add_argument("--tandem", action="store_true", help="with --ann-response: each layer's forward value is the "
                    "spiking network's own count (the spiking network runs forward on the batch), its gradient the "
                    "count model's (tandem learning)")
    ap.add_argument("--tandem-readout", action="store_true", help="with --tandem: the logits' forward value is "
                    "the readout as the chip reads it (its u over the read-out steps), not f_phi 3's whole counts")
    ap.add_argument("--tandem-rate", action="store_true", help="with --tandem: add the rate term (--l-rate, "
                    "--g-rate-log, --r-target, --rate-f) on the layers' spike counts, its gradient the count model's")
    ap.add_argument("--lr-final", type=float, default=None, metavar="SHARE", help="decay the learning rates along "
                    "a cosine to SHARE of the start's by the loop's last step (default: constant)")
    ap.add_argument("--refit", type=int, default=1000, help="ANN phase steps between refits of the count model")
    ap.add_argument("--l-match", type=float, default=0.0, help="weight of the count match: each hidden layer's "
                    "spike counts against the reference ANN's activations on the same story, scaled (0: off)")
    ap.add_argument("--match-ref", default=None, help="the stage D network whose hidden layers, read as an ANN on "
                    "counts, are matched (default: the --init network; the balanced network is such an ANN)")
    ap.add_argument("--g-rate-log", type=float, default=0.0, help="weight of a g_theta rate term unbounded above: "
                    "log(R / R_target) squared per unit (0: the bounded term only)")
    ap.add_argument("--rows", type=int, default=1200, help="instances (stories x pairs) per batch")
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--lr-rel", type=float, default=None, help="per-layer learning rate: this times the layer's "
                    "weight spread (instead of --lr for all)")
    ap.add_argument("--balance-iters", type=int, default=10, help="bisection steps per layer gain")
    ap.add_argument("--balance-batches", type=int, default=3, help="reference batches of the balancing")
    ap.add_argument("--eval-per-task", type=int, default=TEST_PER_TASK,
                    help="test stories per task for the evaluations (default %(default)s)")
    ap.add_argument("--oversample", default="", metavar="T:K[,T:K]",
                    help="the training loops take task T's training stories K times per epoch (the fits, the "
                         "balancing and the evaluations count each story once)")
    ap.add_argument("--oversample-rare", type=int, default=1, metavar="K",
                    help="the training loops also take each story whose answer is n times rarer than its "
                         "task's most common answer min(K, n) times (task 8's ordered lists; default 1: off)")
    ap.add_argument("--oversample-long", default="", metavar="M:K",
                    help="the training loops also take each story with at least M context sentences K times "
                         "(on top of --oversample and --oversample-rare; the long stories are where tasks 1 and "
                         "11-14 err most)")
    ap.add_argument("--order-seed", type=int, default=None,
                    help="seed of the training loops' order of batches only (default: --seed); the "
                         "train/validation split, the test sample and the fits keep --seed, so that runs "
                         "that differ in it are scored on the same held-out stories")
    ap.add_argument("--train-only", default="", metavar="T[,T]",
                    help="train (and fit and score) on these of --tasks only: a network for a subset, "
                         "with the validation stories of the run over all --tasks held out")


def batches(qs, rows, rng=None):
    """Stories bucketed by M, as many per batch as keep stories x pairs under `rows`."""
    by_m = {}
    for k, q in enumerate(qs):
        by_m.setdefault(len(q["ctx"]), []).append(k)
    out = []
    for m, ks in sorted(by_m.items()):
        if rng is not None:
            ks = [ks[i] for i in rng.permutation(len(ks))]
        b = max(1, rows // (m * (m + 1) // 2))
        out += [ks[i:i + b] for i in range(0, len(ks), b)]
    if rng is not None:
        out = [out[i] for i in rng.permutation(len(out))]
    return out


def sample_test(qs, per_task, seed):
    rng = np.random.RandomState(seed)
    out = []
    for t in sorted({q["task"] for q in qs}):
        ks = [k for k, q in enumerate(qs) if q["task"] == t]
        pick = sorted(rng.choice(len(ks), min(per_task, len(ks)), replace=False)) if per_task else range(len(ks))
        out += [qs[ks[i]] for i in pick]
    return out


def evaluate(forward, qs, rows, variant=None, preds=None):
    """forward(S, Q, m) -> logits; per-task error % and overall (a chip cache: its `variant`).
    A dict `preds` receives each story's answer, keyed by its index in qs."""
    wrong, count = {}, {}
    with torch.no_grad():
        for ks in batches(qs, rows):
            S, Q = lookup(CACHE, qs, ks, variant)
            pred = forward(S, Q, len(qs[ks[0]]["ctx"])).argmax(1)
            for k, p in zip(ks, pred.tolist()):
                if preds is not None:
                    preds[k] = p
                t = qs[k]["task"]
                count[t] = count.get(t, 0) + 1
                wrong[t] = wrong.get(t, 0) + (p != qs[k]["y"])
    return {t: 100.0 * wrong[t] / count[t] for t in sorted(count)}, 100.0 * sum(wrong.values()) / sum(count.values())


CACHE = None
# With a chip cache (stage C --chip-weights), training batches draw a random variant per item.
VARIANT_RNG = None


def fmt(err):
    return ", ".join("task %d %.1f %%" % kv for kv in err.items())


def from_teacher(st_a, st_b):
    t = Teacher()
    t.load_state_dict(st_a["model"])
    Rs, Rq = st_b["sent"]["ro"]["weight"], st_b["ques"]["ro"]["weight"]   # (32, 200)
    g1 = t.head.g[0].weight.detach()                                      # (256, 96)
    W = {"g1": torch.cat([Rs.t() @ g1[:, :32].t(), Rs.t() @ g1[:, 32:64].t(), Rq.t() @ g1[:, 64:].t()])}
    for k, n in enumerate(ffnet.G_NAMES[1:]):
        W[n] = t.head.g[k + 1].weight.detach().t().clone()
    W["agg"] = t.head.agg.detach().clone()
    for k, n in enumerate(ffnet.F_NAMES):
        W[n] = t.head.f[k].weight.detach().t().clone()
    W["readout"] = t.head.out.weight.detach().t().clone()
    return W


DENSE_LAYERS = ("g4", "agg") + ffnet.F_NAMES   # the layers the density term asks to be denser


def counts(S, Q):
    return S.sum(2), Q.sum(1)


def lr_factor(step, total, final):
    """The learning rate's factor at `step` of `total` under the cosine decay from 1 to `final`
    (None: constant 1). At a constant rate the weights wander on the loss's plateau (run6: two
    tandem epochs 14.3 and 14.8 % from rest, their mean 14.4 %); a rate that ends near nothing
    ends at one point of it rather than a random one."""
    if final is None or total <= 0:
        return 1.0
    return final + (1.0 - final) * 0.5 * (1.0 + np.cos(np.pi * min(step, total) / total))


def training_epoch(run, train, tasks, args):
    """The training loops' epoch (--oversample, --oversample-rare, --oversample-long; logged when it differs from
    the training stories) and the seed of their order (--order-seed, else --seed), for stages
    D and E."""
    over = data.parse_oversample(args.oversample, tasks)
    long = data.parse_long(args.oversample_long)
    epoch = data.oversample(train, over, args.oversample_rare, long)
    if len(epoch) != len(train):
        parts = ["task %d x %d" % kv for kv in sorted(over.items())]
        if args.oversample_rare > 1:
            parts.append("rare answers up to x %d" % args.oversample_rare)
        if long:
            parts.append("stories of %d or more sentences x %d" % long)
        run.log("training loops: %s (%d stories per epoch, %d without)" % (", ".join(parts), len(epoch),
                                                                           len(train)))
    return epoch, args.seed if args.order_seed is None else args.order_seed


def loop_order(train, rows, epochs, seed):
    """The batches a training loop walks (each epoch a fresh shuffle) and its length in steps."""
    rng = np.random.RandomState(seed)
    order = []
    for e in range(int(np.ceil(epochs)) + 1):
        order += batches(train, rows, rng)
    return order, int(epochs * len(batches(train, rows)))


def train_loop(run, W, train, loss_fn, iters_or_epochs, lr, rows, seed, tag, state=None, save=None, log_every=50,
               lr_rel=None, every=None, lr_final=None):
    """Adam over every layer, for the loop's whole length in steps (returned); with lr_rel, each
    layer's learning rate is lr_rel times the spread of its weights at the start (Adam's steps
    have the size of the learning rate whatever the weights' scale, and the balanced layers'
    spreads range from 0.01 (g1, agg) to 5 (readout)). every (N, fn): fn(step) after every N-th
    step (before that step's checkpoint). lr_final: the rates decay along a cosine to this share
    of the start's by the last step (lr_factor; the start's rates are kept in the optimiser's
    groups as "initial_lr", so a resumed loop decays from the same ones)."""
    params = [W[n] for n in NAMES]
    for p in params:
        p.requires_grad_(True)
    if lr_rel:
        opt = torch.optim.Adam([{"params": [W[n]], "lr": lr_rel * W[n].detach().std().item()} for n in NAMES])
    else:
        opt = torch.optim.Adam(params, lr=lr)
    step = 0
    for g in opt.param_groups:
        g["initial_lr"] = g["lr"]
    if state is not None:
        opt.load_state_dict(state["opt"])       # with the learning rates the loop started with
        step = state["step"]
        for g in opt.param_groups:              # a checkpoint from before the decay: its constant rates
            g.setdefault("initial_lr", g["lr"])
    if lr_rel:
        run.log("%s learning rates%s: %s" % (tag, " (from the checkpoint)" if state is not None else "", ", ".join(
            "%s %.2g" % (n, g["initial_lr"]) for n, g in zip(NAMES, opt.param_groups))))
    order, total = loop_order(train, rows, iters_or_epochs, seed)
    acc = 0.0
    while step < total:
        ks = order[step]
        S, Q = lookup(CACHE, train, ks, rng=VARIANT_RNG)
        y = torch.tensor([train[k]["y"] for k in ks])
        loss, info = loss_fn(S, Q, len(train[ks[0]]["ctx"]), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        f = lr_factor(step, total, lr_final)
        for g in opt.param_groups:
            g["lr"] = g["initial_lr"] * f
        opt.step()
        step += 1
        acc += loss.item()
        run.progress(tag, step, total, "loss %.3f" % (acc / ((step - 1) % log_every + 1)))
        if step % log_every == 0 or step == total:
            run.log("%s step %d/%d: loss %.4f %s%s, wall %.0f s, CPU %.0f s" % (tag, step, total, acc / (
                (step - 1) % log_every + 1), info, "" if lr_final is None else ", rate x %.3f" % f, run.wall(),
                run.cpu()))
            acc = 0.0
        if every and step % every[0] == 0 and step < total:
            every[1](step)
        if save and (run.due() or step == total):
            save({"opt": opt.state_dict(), "step": step})
    for p in params:
        p.requires_grad_(False)
    return total


GAIN_MAX = 1000.0   # the bisection's upper bound on a layer's gain
REACH_SHARE = 0.5   # the share of a layer's reachable count aimed at when its target is out of reach


def balance(run, W, train, args):
    """Scales the ANN's layers (positively homogeneous: no biases) to the count targets, then
    finds per layer the gain that makes the spiking layer fire those counts on a reference batch."""
    rng = np.random.RandomState(args.seed)
    ref = [train[i] for i in rng.choice(len(train), 400, replace=False)]
    bs = batches(ref, args.rows)
    bs = [bs[i] for i in rng.permutation(len(bs))]
    W = {n: w.clone() for n, w in W.items()}
    # ANN scaling: mean activation = target count per unit (g: summed over instances)
    with torch.no_grad():
        target = {n: args.r_target * ffnet.T_FF / 1000.0 for n in ffnet.G_NAMES}
        target.update({n: args.rate_f * ffnet.T_FF for n in ("agg",) + ffnet.F_NAMES})
        for n in NAMES[:-1]:
            tot, cnt = 0.0, 0
            for ks in bs:
                S, Q = lookup(CACHE, ref, ks)
                cs, cq = counts(S, Q)
                _, acts = ffnet.ann_forward(W, cs, cq, len(ref[ks[0]]["ctx"]))
                a = acts[n]
                tot += (a.sum(1) if n in ffnet.G_NAMES else a).mean(-1).sum().item()
                cnt += len(ks)
            c = target[n] / max(tot / cnt, 1e-9)
            W[n] *= c
            nxt = NAMES[NAMES.index(n) + 1]
            W[nxt] /= c
        # spiking gains, layer by layer
        for n in NAMES[:-1]:
            def mean_count(g):
                W2 = dict(W)
                W2[n] = W[n] * g
                tot, cnt = 0.0, 0
                for ks in bs[:args.balance_batches]:
                    S, Q = lookup(CACHE, ref, ks)
                    m = len(ref[ks[0]]["ctx"])
                    _, out = ffnet.snn_forward(W2, S, Q, m, args.delay)
                    z = out[n][0].sum(0)
                    if n in ffnet.G_NAMES:
                        z = z.view(len(ks), m * (m + 1) // 2, -1).sum(1)
                    tot += z.mean(-1).sum().item()
                    cnt += len(ks)
                return tot / cnt
            lo, hi = 0.01, GAIN_MAX
            want = target[n]
            # A layer whose activity the ANN carries on few units saturates them (one spike per
            # step and refractory step) before the mean reaches the target; gain then only makes
            # every unit with any positive input fire flat out, and its threshold falls below one
            # weight step in Loihi's format (the 17-task dry run: g4 and f2 at the bound, then a
            # threshold of 0). So the target is capped at a share of what the layer can fire.
            reach = mean_count(GAIN_MAX)
            if reach < want / REACH_SHARE:
                want = REACH_SHARE * reach
                run.log("balance %s: at most %.2f per unit at gain %.0f, under the target %.2f: aiming at %.2f" % (
                    n, reach, GAIN_MAX, target[n], want))
            for _ in range(args.balance_iters):
                g = (lo * hi) ** 0.5
                if mean_count(g) < want:
                    lo = g
                else:
                    hi = g
            g = (lo * hi) ** 0.5
            W[n] *= g
            run.log("balance %s: gain %.3f, mean count %.2f (target %.2f)" % (n, g, mean_count(1.0), target[n]))
        # readout: SNN logits with the ANN logits' spread
        sa = ss = 0.0
        for ks in bs[:6]:
            S, Q = lookup(CACHE, ref, ks)
            m = len(ref[ks[0]]["ctx"])
            cs, cq = counts(S, Q)
            la, _ = ffnet.ann_forward(W, cs, cq, m)
            ls, _ = ffnet.snn_forward(W, S, Q, m, args.delay)
            sa += la.std().item()
            ss += ls.std().item()
        W["readout"] *= sa / max(ss, 1e-9)
    return W


def reference_stories(train, n, seed):
    """A seeded sample of n training stories (each use its own seed): what the fits and scales
    of this stage are measured on."""
    rng = np.random.RandomState(seed)
    return [train[i] for i in rng.choice(len(train), min(n, len(train)), replace=False)]


def logit_spread(forward, train, args):
    """The mean spread of forward(S, Q, m)'s logits on the first 4 batches of 200 seeded
    training stories."""
    ref = reference_stories(train, 200, args.seed + 5)
    with torch.no_grad():
        sd = [forward(*lookup(CACHE, ref, ks), len(ref[ks[0]]["ctx"])).std().item()
              for ks in batches(ref, args.rows)[:4]]
    return max(float(np.mean(sd)), 1e-9)


def set_logit_spread(W, train, args):
    """Scales the readout so that the spiking network's logits have the spread --logit-std:
    the ANN's scaled to count targets are hundreds wide, which saturates the softmax."""
    W["readout"] *= args.logit_std / logit_spread(
        lambda S, Q, m: ffnet.snn_forward(W, S, Q, m, args.delay)[0], train, args)


def readout_features(W, S, Q, m, delay):
    """The readout's logit is linear in its weights: the f_phi 3 spikes filtered by the readout's
    u and summed over the read-out steps."""
    return ffnet.read_out(delayed(ffnet.snn_forward(W, S, Q, m, delay)[1]["f3"][0], 0))


def count_scales(W, ref_w, train, args):
    """Per hidden layer, the least-squares factor from the ANN `ref_w`'s activations to the spiking
    network W's counts on a seeded sample of 400 training stories, and the scaled activations'
    mean square there: -> (scales, norms)."""
    ref = reference_stories(train, 400, args.seed + 9)
    num, den, rows = {}, {}, {}
    with torch.no_grad():
        for ks in batches(ref, args.rows):
            S, Q = lookup(CACHE, ref, ks)
            m = len(ref[ks[0]]["ctx"])
            _, out = ffnet.snn_forward(W, S, Q, m, args.delay)
            acts = ffnet.ann_forward(ref_w, *counts(S, Q), m)[1]
            for n, (c, a) in ffnet.match_pairs(out, acts):
                num[n] = num.get(n, 0.0) + (c * a).sum().item()
                den[n] = den.get(n, 0.0) + (a * a).sum().item()
                rows[n] = rows.get(n, 0) + a.numel()
    scales = {n: num[n] / max(den[n], 1e-12) for n in num}
    return scales, {n: max(scales[n] ** 2 * den[n] / rows[n], 1e-9) for n in num}


def match_reference(run, W, train, args, st):
    """The count match's reference (--match-ref, else the --init network), its scale per layer
    (the least-squares factor from the reference ANN's activations to the spiking network's
    counts on a seeded sample of training stories, so that the term asks each layer for the
    counts it would fire were its conversion exact, at the rates it fires now) and its norm per
    layer (the scaled activations' mean square on that sample)."""
    path = args.match_ref or st.get("init")
    if not path:
        raise SystemExit("relnet_train: --l-match needs --match-ref or a fine-tune started with --init")
    ref_w = {n: w.clone() for n, w in torch.load(path)["W"].items()}
    scales, norms = count_scales(W, ref_w, train, args)
    run.log("count match against %s: scales %s; norms %s" % (path, ", ".join("%s %.3g" % kv for kv in scales.items()),
                                                               ", ".join("%s %.3g" % kv for kv in norms.items())))
    return ref_w, scales, norms


def fit_response(run, W, train, args, when="start", stories=300, points=200000, iters=600):
    """The count model of spiking network W: per hidden layer, ffnet.response's (c, k, b) fitted
    by least squares to (input charge from the layer before's counts, the layer's count) on a
    seeded sample of training stories. The model's layers then follow the spiking network's
    counts closely (correlation 0.98 per layer for run6's dense network) where the ReLU ANN the
    network was balanced from does not (it has no leak, no saturation)."""
    ref = reference_stories(train, stories, args.seed + 13)
    xs, ys = {}, {}
    with torch.no_grad():
        for ks in batches(ref, args.rows):
            S, Q = lookup(CACHE, ref, ks)
            m = len(ref[ks[0]]["ctx"])
            _, out = ffnet.snn_forward(W, S, Q, m, args.delay)
            c = ffnet.window_counts(out)
            for n, x in ffnet.layer_inputs(W, *counts(S, Q), c, m).items():
                xs.setdefault(n, []).append(x.flatten())
                ys.setdefault(n, []).append(c[n].flatten())
    g = torch.Generator().manual_seed(args.seed + 13)
    resp, fit = {}, []
    for n in ffnet.MATCH_LAYERS:
        x, y = torch.cat(xs[n]), torch.cat(ys[n])
        pick = torch.randperm(len(x), generator=g)[:points]
        p, corr, disp = fit_response_params(x[pick], y[pick], iters)
        resp[n] = torch.cat([p, torch.tensor([disp])])
        fit.append("%s %.1f/%.2f/%.2f (corr %.3f, dispersion %.2f)" % ((n,) + tuple(p.tolist()) + (corr, disp)))
    run.log("count model fitted (%s; c/k/b per layer): %s" % (when, ", ".join(fit)))
    return resp


def fit_response_params(x, y, iters=600):
    """ffnet.response's (c, k, b) by least squares (Adam from c = the largest count, k = 4,
    b = 0.3) -> (params, correlation of the fitted response with y, dispersion: the residuals'
    variance per count of response, sum (y - r)^2 / sum r, as for counts that scatter like
    Poisson counts around r)."""
    p = torch.tensor([max(y.max().item(), 1.0), 4.0, 0.3], requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.05)
    for _ in range(iters):
        opt.zero_grad()
        loss = ((ffnet.response(x, p) - y) ** 2).mean()
        loss.backward()
        opt.step()
    p = p.detach()
    r = ffnet.response(x, p)
    corr = float(np.corrcoef(r.numpy(), y.numpy())[0, 1]) if r.std() > 0 and y.std() > 0 else 0.0
    return p, corr, ((y - r) ** 2).sum().item() / max(r.sum().item(), 1e-9)


def count_model_act(resp, noise=0.0):
    """ann_forward's activations for the count model (None: the ReLU ANN). resp[n]: (c, k, b,
    dispersion). With noise K, each count scatters by K sqrt(dispersion r) around its response r
    (training only: a code that survives the spiking network's own scatter, which compounds over
    eight layers)."""
    if resp is None:
        return None

    def act(x, n):
        r = ffnet.response(x, resp[n])
        if noise:
            r = r + noise * (resp[n][3] * r.detach()).sqrt() * torch.randn_like(r)
        return r
    return {n: (lambda x, n=n: act(x, n)) for n in resp}


def tandem_act(resp, spikes):
    """ann_forward's activations for tandem learning: forward, each layer's value is the spiking
    network's count `spikes[n]` (so every layer's input is the charge the spiking layer really
    receives); backward, the count model's slope at that input."""
    def act(x, n):
        r = ffnet.response(x, resp[n])
        return r + (spikes[n].view(r.shape) - r).detach()
    return {n: (lambda x, n=n: act(x, n)) for n in resp}


def tandem_readout(W, a3, z3):
    """The logits of tandem learning read as the chip reads them: forward, the readout's u summed
    over its read-out steps (what f_phi 3's spikes z3 give there, in the scale of f_phi 3's
    counts a3); backward into f_phi 3, the counts' path. The readout alone integrates only the
    window's last steps, so a readout trained on whole-window counts answers from other
    features than the chip reads (12.8 % error on the counts, 14.3 % as read)."""
    x = ffnet.read_out(delayed(z3, 0))
    kappa = x.sum() / a3.detach().sum().clamp(min=1e-9)
    return (a3 + (x / kappa - a3).detach()) @ W["readout"]


def model_logit_gain(W, resp, train, args):
    """The factor that gives the count model's logits the spread --logit-std: read through the
    spiking network's readout they are a fraction of one wide, and the cross-entropy then barely
    moves (a loss of ln 180 for thousands of steps)."""
    act = count_model_act(resp)
    return args.logit_std / logit_spread(lambda S, Q, m: ffnet.ann_forward(W, *counts(S, Q), m, act=act)[0],
                                         train, args)


def fit_logistic(X, Y, classes, l2, iters):
    """Multinomial logistic regression (no bias) of labels Y on rows X by L-BFGS, on X scaled to
    unit spread (L2 `l2` on the scaled weights); -> weights [features, classes] for X as given."""
    sd = X.std().clamp(min=1e-6)
    Wr = torch.zeros(X.shape[1], classes, requires_grad=True)
    opt = torch.optim.LBFGS([Wr], lr=1.0, max_iter=iters, history_size=20, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy((X / sd) @ Wr, Y) + l2 * (Wr ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return Wr.detach() / sd


def load_cache(out, chip):
    """The raster cache of stage C: the integer LSNNs' (rasters_chip.pt, from rest and back to
    back) when `chip`, else the float LSNNs' (rasters.pt)."""
    path = os.path.join(out, "rasters_chip.pt" if chip else "rasters.pt")
    if not os.path.exists(path):
        raise SystemExit("relnet_train: %s missing (stage C%s makes it)" % (path, " --chip-weights" if chip else ""))
    return torch.load(path)


def fit_readout(run, W, train, args, n_stories=3000, iters=300):
    """Fits the readout to the spiking network's own f_phi 3 output (multinomial logistic regression,
    L-BFGS, on a seeded sample of training stories; every chip variant when the cache has them), so
    that the fine-tune starts from answers the balanced network can give, at the logit scale of the
    cross-entropy it then minimises."""
    ref = reference_stories(train, n_stories, args.seed + 7)
    X, Y = [], []
    with torch.no_grad():
        for ks in batches(ref, args.rows):
            S, Q = lookup(CACHE, ref, ks, rng=VARIANT_RNG)
            X.append(readout_features(W, S, Q, len(ref[ks[0]]["ctx"]), args.delay))
            Y += [ref[k]["y"] for k in ks]
    X, Y = torch.cat(X), torch.tensor(Y)
    nv = int(0.8 * len(Y))
    with torch.no_grad():
        old = (((X @ W["readout"]).argmax(1) != Y).float().mean().item())
    Wr = fit_logistic(X[:nv], Y[:nv], W["readout"].shape[1], args.readout_l2, iters)
    with torch.no_grad():
        tr = ((X[:nv] @ Wr).argmax(1) != Y[:nv]).float().mean().item()
        va = ((X[nv:] @ Wr).argmax(1) != Y[nv:]).float().mean().item()
        W["readout"] = Wr
    run.log("readout fitted on %d training stories' f_phi 3 output: error %.1f %% (fit) / %.1f %% (held-out "
            "fifth), balanced readout %.1f %%; logit spread %.2f" % (len(Y), 100 * tr, 100 * va, 100 * old,
                                                                   (X @ Wr).std().item()))


def main(argv=None):
    global CACHE
    ap = common.base_args(__doc__)
    add_args(ap)
    ap.add_argument("--ann-epochs", type=float, default=3.0)
    ap.add_argument("--ann-lr", type=float, default=1e-4)
    ap.add_argument("--logit-std", type=float, default=4.0, help="spread of the logits the fine-tune starts from")
    ap.add_argument("--rebalance", action="store_true", help="balance the checkpoint's network again (e.g. "
                    "with another --delay) and fine-tune it")
    ap.add_argument("--snn-epochs", type=float, default=0.5)
    ap.add_argument("--init", default=None, help="a stage_d.pt whose spiking network the fine-tune starts from "
                    "(its readout fitted first; no ANN, no balancing)")
    ap.add_argument("--chip-rasters", action="store_true", help="train and score on rasters_chip.pt (stage C "
                    "--chip-weights): the integer LSNNs' rasters, back to back")
    ap.add_argument("--readout-l2", type=float, default=1e-4)
    ap.add_argument("--readout-stories", type=int, default=3000, help="with --init: training stories the readout "
                    "is fitted on (a fifth of them held out for its score)")
    args = ap.parse_args(argv)
    if args.tandem and not args.ann_response:
        raise SystemExit("relnet_train: --tandem takes its gradient from the count model: give --ann-response")
    if args.tandem_readout and not args.tandem:
        raise SystemExit("relnet_train: --tandem-readout reads the spiking network's readout: give --tandem")
    if args.tandem_rate and not args.tandem:
        raise SystemExit("relnet_train: --tandem-rate regularises the spiking network's counts: give --tandem")
    if args.lr_final is not None and not 0.0 <= args.lr_final <= 1.0:
        raise SystemExit("relnet_train: --lr-final is a share of the starting rate, from 0 to 1: got %g" %
                         args.lr_final)
    if args.ann_response and not args.ann_from:
        raise SystemExit("relnet_train: --ann-response fits its count model to a spiking network: give --ann-from")
    if args.ann_from and (args.init or args.rebalance):
        raise SystemExit("relnet_train: --ann-from starts the ANN phase, which --init and --rebalance skip: "
                         "give one of them")
    run = common.Run(args.out, "stage_d", args)
    common.seed_all(args.seed)
    d = common.data_dir(args.data)
    tasks = common.parse_tasks(args.tasks)
    dic = data.Dictionary(d)
    global VARIANT_RNG
    CACHE = load_cache(run.out, args.chip_rasters)
    if args.chip_rasters:
        VARIANT_RNG = np.random.RandomState(args.seed + 11)
    train, _ = data.split_train_val(data.load(d, tasks, "train", dic), args.seed)
    test = sample_test(data.load(d, tasks, "test", dic), args.eval_per_task, args.seed)
    only = data.parse_only(args.train_only, tasks)
    train, test = data.keep_tasks(train, only), data.keep_tasks(test, only)
    if only:
        run.log("tasks %s only: %d training stories, %d test stories (of the split and sample over %s)" % (
            ",".join(map(str, sorted(only))), len(train), len(test), ",".join(map(str, tasks))))
    train_epoch, order_seed = training_epoch(run, train, tasks, args)
    st = run.load() if args.resume or args.rebalance else {"phase": "ann"}
    if args.ann_from and not args.resume:
        st0 = torch.load(args.ann_from)
        st = {"phase": "ann", "W": {n: w.detach().clone() for n, w in st0["W"].items()}}
        run.log("ANN phase from %s's network" % args.ann_from)
        if args.ann_response:
            args.delay = st0.get("delay", args.delay)
            st["resp"] = fit_response(run, st["W"], train, args)
            st["logit_gain"] = model_logit_gain(st["W"], st["resp"], train, args)
    if args.init and not args.resume:
        st0 = torch.load(args.init)
        args.delay = st0["delay"]
        W = {n: w.detach().clone() for n, w in st0["W"].items()}
        run.log("spiking network from %s (delay %d)" % (args.init, args.delay))
        snn = lambda S, Q, m: ffnet.snn_forward(W, S, Q, m, args.delay)[0]  # noqa: E731
        err, tot = evaluate(snn, test, args.rows)
        run.log("before the readout fit: test error %.2f %% (%s)" % (tot, fmt(err)))
        fit_readout(run, W, train, args, args.readout_stories)
        bal = {}
        for v in ([0, 1] if args.chip_rasters else [None]):
            err, tot = evaluate(snn, test, args.rows, v)
            bal[v] = err
            run.log("after the readout fit: test error %.2f %% (%s)%s" % (tot, fmt(err), "" if v is None else
                    " on variant %d (%s)" % (v, "from rest" if v == 0 else "back to back")))
        st = {"phase": "snn", "W": W, "ann_err": st0.get("ann_err"), "balanced_err": st0.get("balanced_err"),
              "readout_fit_err": bal, "init": args.init}
        run.save(st)
        # the network before the fine-tune, for stage E --stage-d should the fine-tune not pay
        torch.save({"W": {n: w.clone() for n, w in W.items()}, "delay": args.delay, "test_err": bal[0 if args.chip_rasters
                    else None], "test_err_back_to_back": bal.get(1), "ann_err": st0.get("ann_err"),
                    "balanced_err": st0.get("balanced_err"), "eval_per_task": args.eval_per_task},
                   run.out + "/stage_d_readout.pt")
    if args.resume and "delay" in st:
        args.delay = st["delay"]
    if args.rebalance:
        # The balanced network is itself an ANN on counts with the same answers (no biases: a
        # positive scale per layer only scales the logits), so another delay or other targets
        # can start from it without repeating the ANN fine-tune.
        st = {"phase": "balance", "W_ann": st.get("W") or st["W_ann"], "ann_err": st["ann_err"]}
        run.log("re-balancing the checkpoint's network with delay %d" % args.delay)
    if st["phase"] == "ann":
        W = st.get("W") or from_teacher(common.load_stage(args.out, "stage_a"), common.load_stage(args.out, "stage_b"))
        resp = st.get("resp")
        if resp is not None:
            args.delay = st.get("delay", args.delay)
        act = count_model_act(resp)
        act_train = count_model_act(resp, args.response_noise)
        gain = st.get("logit_gain", 1.0)
        ann = lambda S, Q, m: gain * ffnet.ann_forward(W, *counts(S, Q), m, act=act)[0]  # noqa: E731
        err, tot = evaluate(ann, test, args.rows)
        what = "the spiking network's count model" if resp else "ANN on counts"
        run.log("%s, from %s: test error %.2f %% (%s)" % (what, args.ann_from or "the teacher", tot, fmt(err)))

        def ann_loss(S, Q, m, y):
            pre = {}
            a = act_train
            if args.tandem:
                with torch.no_grad():
                    _, out = ffnet.snn_forward(W, S, Q, m, args.delay)
                a = tandem_act(resp, ffnet.window_counts(out))
            logits, acts = ffnet.ann_forward(W, *counts(S, Q), m, pre, a)
            if args.tandem_readout:
                logits = tandem_readout(W, acts["f3"], out["f3"][0])
            ce = F.cross_entropy(gain * logits, y)
            loss, info = ce, []
            if args.tandem_rate:
                # forward the layers' real spike counts (tandem_act), so the term sees the rates the
                # chip will run at; backward the count model's slopes, as for the cross-entropy
                lr, hz = ffnet.rate_terms(acts, m, S.shape[0], args)
                loss = loss + args.l_rate * lr
                info.append("rate %.3f, g Hz %s" % (lr.item(), "/".join("%.0f" % hz[n] for n in ffnet.G_NAMES)))
            if args.l_density:
                ld = ffnet.density_loss(pre, args.density, DENSE_LAYERS)
                loss = loss + args.l_density * ld
                info.append("density %.3f" % ld.item())
            return loss, ("(ce %.3f, %s)" % (ce.item(), ", ".join(info)) if info else "")
        def refit(step):
            resp.update(fit_response(run, W, train, args, "step %d" % step))
        train_loop(run, W, train_epoch, ann_loss, args.ann_epochs, args.ann_lr, args.rows, order_seed, "ANN",
                   st.get("loop"),
                   lambda s: run.save({"phase": "ann", "W": W, "loop": s, "resp": resp, "logit_gain": gain,
                                       "delay": args.delay}),
                   lr_rel=args.ann_lr_rel, every=(args.refit, refit) if resp else None, lr_final=args.lr_final)
        with torch.no_grad():
            shares = {}
            for ks in batches(test, args.rows)[:20]:
                _, acts = ffnet.ann_forward(W, *counts(*lookup(CACHE, test, ks)), len(test[ks[0]]["ctx"]), act=act)
                for n in DENSE_LAYERS:
                    shares.setdefault(n, []).append((acts[n] > 0).float().mean().item())
        run.log("ANN units active (share of rows x units): %s" % ", ".join(
            "%s %.3f" % (n, float(np.mean(v))) for n, v in shares.items()))
        err, tot = evaluate(ann, test, args.rows)
        run.log("%s, fine-tuned: test error %.2f %% (%s)" % (what, tot, fmt(err)))
        if resp:
            # the count model's weights are the spiking network's: nothing to balance
            snn = lambda S, Q, m: ffnet.snn_forward(W, S, Q, m, args.delay)[0]  # noqa: E731
            errs, tots = evaluate(snn, test, args.rows)
            run.log("SNN after the count model's training: test error %.2f %% (%s)" % (tots, fmt(errs)))
            st = {"phase": "snn", "W": W, "ann_err": err, "balanced_err": errs}
        else:
            st = {"phase": "balance", "W_ann": W, "ann_err": err}
        run.save(st)
    if st["phase"] == "balance":
        W = balance(run, st["W_ann"], train, args)
        snn = lambda S, Q, m: ffnet.snn_forward(W, S, Q, m, args.delay)[0]  # noqa: E731
        err, tot = evaluate(snn, test, args.rows)
        run.log("SNN after balancing: test error %.2f %% (%s)" % (tot, fmt(err)))
        st = {"phase": "snn", "W": W, "ann_err": st["ann_err"], "balanced_err": err}
        run.save(st)
    W = st["W"]
    st["delay"] = args.delay
    if "loop" not in st and "init" not in st:
        set_logit_spread(W, train, args)

    if args.l_match and "match_ref" not in st:
        st["match_ref"], st["match_scales"], st["match_norms"] = match_reference(run, W, train, args, st)

    def snn_loss(S, Q, m, y):
        logit, out = ffnet.snn_forward(W, S, Q, m, args.delay, tail=ffnet.tail_steps(args))
        lr, lv, hz = ffnet.regularisers(out, m, S.shape[0], args)
        ce = F.cross_entropy(logit, y)
        lt = ffnet.tail_loss(out)
        loss = ce + args.l_rate * lr + args.l_v * lv + args.l_tail * lt
        extra = ""
        if args.l_match:
            with torch.no_grad():
                acts = ffnet.ann_forward(st["match_ref"], *counts(S, Q), m)[1]
            lm = ffnet.match_loss(out, acts, st["match_scales"], st["match_norms"])
            loss = loss + args.l_match * lm
            extra = ", match %.3f" % lm.item()
        return loss, "(ce %.3f, g Hz %s%s%s)" % (
            ce.item(), "/".join("%.0f" % hz[n] for n in ffnet.G_NAMES),
            ", tail %.2f spikes per neuron" % lt.item() if args.l_tail else "", extra)
    base = {k: v for k, v in st.items() if k not in ("loop",)}
    train_loop(run, W, train_epoch, snn_loss, args.snn_epochs, args.lr, args.rows, order_seed + 1, "SNN",
               st.get("loop"),
               lambda s: run.save(dict(base, W=W, loop=s)), log_every=20, lr_rel=args.lr_rel, lr_final=args.lr_final)
    snn = lambda S, Q, m: ffnet.snn_forward(W, S, Q, m, args.delay)[0]  # noqa: E731
    err, tot = evaluate(snn, test, args.rows)
    extra = ""
    res = {"W": W, "delay": args.delay, "test_err": err, "ann_err": st["ann_err"],
           "balanced_err": st["balanced_err"], "eval_per_task": args.eval_per_task}
    if args.chip_rasters:
        errb, totb = evaluate(snn, test, args.rows, 1)
        res["test_err_back_to_back"] = errb
        res["readout_fit_err"] = st.get("readout_fit_err")
        extra = "; back to back (variant 1) %.2f %% (%s)" % (totb, fmt(errb))
    torch.save(res, run.out + "/stage_d.pt")
    run.done("spiking test error %.2f %% (%s; %d stories per task)%s" % (tot, fmt(err), args.eval_per_task, extra))


if __name__ == "__main__":
    main()
