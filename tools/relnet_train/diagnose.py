"""Where a stage D spiking network loses the answer its ANN on counts gives: for each hidden
layer, on a seeded sample of training stories, the spiking network's spike counts over the
window against the reference ANN's activations on the same stories (the balanced network read
as an ANN on counts: the balancing only scales layers), as
  - mean count per unit, and the share of (story or instance, unit) that is active in each;
  - correlation and mean cosine per row between counts and activations;
  - the error of a readout fitted on the layer's counts, and on the ANN's activations (what a
    layer's code holds, whatever the layers after it do);
  - the error of the ANN completed from the layer's counts (scaled by least squares): what the
    layers after it would make of the spiking code were their own conversion exact.
g_theta is shown as g4 summed over the instances (what the aggregation receives).
With --count-model, also the network's count model (stage D fit_response: each layer's count a
fitted response to its input charge): its error, and per layer how closely the model chained
from the LSNN counts follows the spiking counts."""
import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F

from . import common, data, ffnet, stage_d

LAYERS = ("g4 sum", "agg") + ffnet.F_NAMES


def collect(W, W_ref, qs, delay, rows=600):
    """-> (labels, the spiking network's logits, the ANN's logits, {layer: (counts, activations)})."""
    snn, ann, Y, lg_s, lg_a = {n: [] for n in LAYERS}, {n: [] for n in LAYERS}, [], [], []
    with torch.no_grad():
        for ks in stage_d.batches(qs, rows):
            S, Q = stage_d.lookup(stage_d.CACHE, qs, ks)
            m, B = len(qs[ks[0]]["ctx"]), len(ks)
            P = m * (m + 1) // 2
            lg, out = ffnet.snn_forward(W, S, Q, m, delay)
            la, acts = ffnet.ann_forward(W_ref, *stage_d.counts(S, Q), m)
            lg_s.append(lg)
            lg_a.append(la)
            snn["g4 sum"].append(out["g4"][0].sum(0).view(B, P, -1).sum(1))
            ann["g4 sum"].append(acts["g4"].sum(1))
            for n in LAYERS[1:]:
                snn[n].append(out[n][0].sum(0))
                ann[n].append(acts[n])
            Y += [qs[k]["y"] for k in ks]
    pairs = {n: (torch.cat(snn[n]), torch.cat(ann[n])) for n in LAYERS}
    return torch.tensor(Y), torch.cat(lg_s), torch.cat(lg_a), pairs


def count_model_rows(run, W, delay, train, qs, rows=600, seed=1):
    """-> (the count model's logits on qs, {layer: correlation of its chained counts with the
    spiking network's}), the model fitted to W on stage D's seeded sample of training stories."""
    args = argparse.Namespace(seed=seed, rows=rows, delay=delay)
    act = stage_d.count_model_act(stage_d.fit_response(run, W, train, args))
    lg, model, snn = [], {n: [] for n in ffnet.MATCH_LAYERS}, {n: [] for n in ffnet.MATCH_LAYERS}
    with torch.no_grad():
        for ks in stage_d.batches(qs, rows):
            S, Q = stage_d.lookup(stage_d.CACHE, qs, ks)
            m = len(qs[ks[0]]["ctx"])
            _, out = ffnet.snn_forward(W, S, Q, m, delay)
            la, acts = ffnet.ann_forward(W, *stage_d.counts(S, Q), m, act=act)
            lg.append(la)
            for n, (c, a) in ffnet.match_pairs(out, acts):
                model[n].append(a.flatten())
                snn[n].append(c.flatten())
    corr = {n: float(np.corrcoef(torch.cat(model[n]).numpy(), torch.cat(snn[n]).numpy())[0, 1])
            for n in ffnet.MATCH_LAYERS}
    return torch.cat(lg), corr


def error(logits, y):
    return 100.0 * (logits.argmax(1) != y).float().mean().item()


def readout_error(X, y, classes, l2=1e-4, iters=200):
    """Held-out error (last fifth) of a multinomial logistic regression fitted on the first
    four fifths (stage D's readout fit)."""
    nv = int(0.8 * len(y))
    Wr = stage_d.fit_logistic(X[:nv], y[:nv], classes, l2, iters)
    with torch.no_grad():
        return error(X[nv:] @ Wr, y[nv:])


def complete(W_ref, layer, x):
    """The reference ANN from `layer`'s output x onwards."""
    with torch.no_grad():
        return ffnet.ann_after(W_ref, layer, x)[0]


def layer_row(W_ref, name, counts, acts, y):
    classes = W_ref["readout"].shape[1]
    alpha = (counts * acts).sum() / (counts * counts).sum().clamp(min=1e-9)
    corr = np.corrcoef(counts.flatten().numpy(), acts.flatten().numpy())[0, 1] if counts.std() > 0 else 0.0
    return {"layer": name, "mean_count": counts.mean().item(), "active_snn": (counts > 0).float().mean().item(),
            "active_ann": (acts > 0).float().mean().item(), "corr": float(corr),
            "cos": F.cosine_similarity(counts, acts, dim=1).mean().item(),
            "readout_on_counts": readout_error(counts, y, classes), "readout_on_ann": readout_error(acts, y, classes),
            "ann_completed": error(complete(W_ref, name, alpha * counts), y)}


def main(argv=None):
    ap = common.base_args(__doc__, resume=False)
    ap.add_argument("--network", default=None, help="a stage D checkpoint or stage_d.pt (default "
                    "<out>/stage_d.ckpt.pt)")
    ap.add_argument("--reference", default=None, help="the ANN on counts to compare with: a stage D network "
                    "before its fine-tune (default <out>/stage_d_balanced.pt)")
    ap.add_argument("--stories", type=int, default=1500, help="training stories sampled (seeded)")
    ap.add_argument("--chip-rasters", action="store_true", help="rasters_chip.pt (from rest) instead of rasters.pt")
    ap.add_argument("--count-model", action="store_true", help="also fit the network's count model and compare")
    args = ap.parse_args(argv)
    from .score import network
    W, delay, step = network(args.network or os.path.join(args.out, "stage_d.ckpt.pt"))
    W_ref = network(args.reference or os.path.join(args.out, "stage_d_balanced.pt"))[0]
    run = common.Run(args.out, "diagnose", args)
    d = common.data_dir(args.data)
    tasks = common.parse_tasks(args.tasks)
    dic = data.Dictionary(d)
    stage_d.CACHE = stage_d.load_cache(args.out, args.chip_rasters)
    train, _ = data.split_train_val(data.load(d, tasks, "train", dic), args.seed)
    qs = stage_d.reference_stories(train, args.stories, args.seed + 17)
    y, lg_s, lg_a, pairs = collect(W, W_ref, qs, delay)
    run.log("%s%s: %d training stories: spiking network %.1f %%, reference ANN %.1f %%" % (
        args.network or "checkpoint", "" if step is None else " (step %d)" % step, len(y), error(lg_s, y),
        error(lg_a, y)))
    for name in LAYERS:
        r = layer_row(W_ref, name, *pairs[name], y)
        run.log("%-6s mean count %.2f, active %.2f (ANN %.2f), corr %.3f, cos %.3f | readout on counts %.1f %%, "
                "on the ANN %.1f %% | ANN completed from the counts %.1f %%" % (
                    name, r["mean_count"], r["active_snn"], r["active_ann"], r["corr"], r["cos"],
                    r["readout_on_counts"], r["readout_on_ann"], r["ann_completed"]))
    if args.count_model:
        lg_m, corr = count_model_rows(run, W, delay, train, qs, seed=args.seed)
        run.log("count model of the network: %.1f %% on these stories; its counts chained from the LSNN counts "
                "against the spiking counts, correlation %s" % (error(lg_m, y), ", ".join(
                    "%s %.3f" % kv for kv in corr.items())))


if __name__ == "__main__":
    main()
