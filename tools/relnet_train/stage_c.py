"""Stage C: the frozen LSNNs' relayed rasters (LSNN steps 97..111) of every distinct sentence and
question of the tasks, train and test, cached in the run folder (rasters.pt; regenerated, never
committed). Stages D and E read them instead of running the LSNNs.

With --chip-weights DIR --variants K, the rasters are those of the exported integer LSNNs as the
chip produces them (rasters_chip.pt): variant 0 from rest, variants 1..K each after a random
chain of predecessors in the same population (the stories run back to back and the LSNN
carries what one sentence leaves after its reset into the next: intmodel.lsnn_chain)."""
import numpy as np
import torch

from . import common, data
from .lsnn import LSNN


def build(d, tasks, dic, st_b, batch=256):
    out = {}
    qs = data.load(d, tasks, "train", dic) + data.load(d, tasks, "test", dic)
    for kind in ("sent", "ques"):
        net = LSNN(st_b["d_in"], st_b["d_rec"])
        net.load_state_dict(st_b[kind]["net"])
        items = data.distinct_items(qs, kind)
        keys = list(items)
        ras = []
        with torch.no_grad():
            for i in range(0, len(keys), batch):
                z, _ = net(torch.from_numpy(data.pad_left([list(k) for k in keys[i:i + batch]])))
                ras.append(net.window(z).permute(1, 0, 2).to(torch.uint8))
        out[kind] = {"index": items, "raster": torch.cat(ras)}
    return out


def chip_build(d, tasks, dic, wdir, variants, seed, lanes=64, warm=1):
    """Integer rasters of the exported LSNNs, (N, 1 + variants, T_WIN, 200): variant 0 from rest,
    each later variant from one random order of all items run as `lanes` chains back to back
    (`warm` random items first in every chain, so that no item of a variant starts from rest)."""
    from . import intmodel
    W = intmodel.Weights(wdir)
    qs = data.load(d, tasks, "train", dic) + data.load(d, tasks, "test", dic)
    rng = np.random.RandomState(seed)
    out = {}
    for kind in ("sent", "ques"):
        items = data.distinct_items(qs, kind)
        words = data.pad_left([list(k) for k in items])
        n = len(words)
        ras = np.zeros((n, 1 + variants, 15, 200), np.uint8)
        ras[:, 0] = intmodel.lsnn_chain(W, kind, words[None])[0].transpose(1, 0, 2)
        for v in range(1, variants + 1):
            order = rng.permutation(n)
            per = -(-n // lanes)
            idx = np.concatenate([order, rng.choice(n, per * lanes - n)])     # fill the last places
            seq = idx.reshape(per, lanes)
            seq = np.concatenate([rng.choice(n, (warm, lanes)), seq])
            r = intmodel.lsnn_chain(W, kind, words[seq])[warm:]               # (per, 15, lanes, 200)
            for k in range(per):
                for ln in range(lanes):
                    if k * lanes + ln < n:                                    # the order's own places
                        ras[seq[warm + k, ln], v] = r[k, :, ln]
        out[kind] = {"index": items, "raster": torch.from_numpy(ras)}
    return out


def lookup(cache, qs, ks, variant=None, rng=None):
    """Rasters of a batch with one context length: S (B, M, T_WIN, 200), Q (B, T_WIN, 200), float.
    A chip cache has variants per item: `variant` picks one for every item, or with rng each item
    takes a random one (training on what back-to-back stories present); default variant 0."""
    si, qi = cache["sent"]["index"], cache["ques"]["index"]
    sr, qr = cache["sent"]["raster"], cache["ques"]["raster"]
    if sr.dim() == 4:
        nv = sr.shape[1]

        def pick(r, idx):
            idx = torch.as_tensor(idx)
            if rng is not None:
                v = torch.from_numpy(rng.randint(0, nv, idx.shape))
            else:
                v = torch.full(idx.shape, variant or 0, dtype=torch.long)
            return r[idx, v]
        S = torch.stack([pick(sr, [si[tuple(s)] for s in qs[k]["ctx"]]) for k in ks]).float()
        Q = pick(qr, [qi[tuple(qs[k]["q"])] for k in ks]).float()
        return S, Q
    S = torch.stack([sr[[si[tuple(s)] for s in qs[k]["ctx"]]] for k in ks]).float()
    Q = qr[[qi[tuple(qs[k]["q"])] for k in ks]].float()
    return S, Q


def main(argv=None):
    ap = common.base_args(__doc__)
    ap.add_argument("--chip-weights", default=None, help="exported directory whose integer LSNNs make the rasters "
                    "(rasters_chip.pt, with --variants back-to-back variants)")
    ap.add_argument("--variants", type=int, default=4)
    args = ap.parse_args(argv)
    run = common.Run(args.out, "stage_c", args)
    d = common.data_dir(args.data)
    tasks = common.parse_tasks(args.tasks)
    dic = data.Dictionary(d)
    if args.chip_weights:
        cache = chip_build(d, tasks, dic, args.chip_weights, args.variants, args.seed)
        torch.save(cache, run.out + "/rasters_chip.pt")
    else:
        st_b = common.load_stage(args.out, "stage_b")
        cache = build(d, tasks, dic, st_b)
        torch.save(cache, run.out + "/rasters.pt")
    msg = []
    for kind in ("sent", "ques"):
        r = cache[kind]["raster"].float()
        silent = (r.sum((-2, -1)) == 0).float().mean().item()
        msg.append("%s: %d items, %.4f spikes per neuron per step, %.1f %% silent items" % (
            kind, r.shape[0], r.mean().item(), 100 * silent))
        if r.dim() == 4 and r.shape[1] > 1:
            c = r.sum(2)                                  # counts (N, variants, 200)
            msg.append("%s: count per neuron differs from rest by %.3f (mean count %.3f), bits %.1f %% of spikes" % (
                kind, (c[:, 1:] - c[:, :1]).abs().mean().item(), c.mean().item(),
                100 * (r[:, 1:] != r[:, :1]).float().sum().item() / max(1.0, r[:, :1].sum().item() * (r.shape[1] - 1))))
    run.done("; ".join(msg))


if __name__ == "__main__":
    main()
