"""Stage C: the frozen LSNNs' relayed rasters (LSNN steps 97..111) of every distinct sentence and
question of the tasks, train and test, cached in the run folder (rasters.pt; regenerated, never
committed). Stages D and E read them instead of running the LSNNs."""
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
        items = {}
        for q in qs:
            for s in (q["ctx"] if kind == "sent" else [q["q"]]):
                items.setdefault(tuple(s), len(items))
        keys = list(items)
        ras = []
        with torch.no_grad():
            for i in range(0, len(keys), batch):
                z, _ = net(torch.from_numpy(data.pad_left([list(k) for k in keys[i:i + batch]])))
                ras.append(net.window(z).permute(1, 0, 2).to(torch.uint8))
        out[kind] = {"index": items, "raster": torch.cat(ras)}
    return out


def lookup(cache, qs, ks):
    """Rasters of a batch with one context length: S (B, M, T_WIN, 200), Q (B, T_WIN, 200), float."""
    si, qi = cache["sent"]["index"], cache["ques"]["index"]
    sr, qr = cache["sent"]["raster"], cache["ques"]["raster"]
    S = torch.stack([sr[[si[tuple(s)] for s in qs[k]["ctx"]]] for k in ks]).float()
    Q = qr[[qi[tuple(qs[k]["q"])] for k in ks]].float()
    return S, Q


def main(argv=None):
    ap = common.base_args(__doc__)
    args = ap.parse_args(argv)
    run = common.Run(args.out, "stage_c", args)
    d = common.data_dir(args.data)
    tasks = common.parse_tasks(args.tasks)
    dic = data.Dictionary(d)
    st_b = common.load_stage(args.out, "stage_b")
    cache = build(d, tasks, dic, st_b)
    torch.save(cache, run.out + "/rasters.pt")
    msg = []
    for kind in ("sent", "ques"):
        r = cache[kind]["raster"].float()
        silent = (r.sum((1, 2)) == 0).float().mean().item()
        msg.append("%s: %d items, %.4f spikes per neuron per step, %.1f %% silent items" % (
            kind, r.shape[0], r.mean().item(), 100 * silent))
    run.done("; ".join(msg))


if __name__ == "__main__":
    main()
