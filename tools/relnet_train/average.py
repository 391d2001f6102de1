"""Averages the weights of stage D spiking networks (stage_d.pt files or checkpoints) of one
architecture and delay into one network, for stage E --stage-d or --init. Tandem learning at a
constant rate ends each epoch somewhere on a noisy plateau (14.26 and 14.76 % after epochs 1
and 2 of run6); the mean of two such points scores better than either (13.18 % against 13.68
and 14.15 % on the validation split), as stochastic weight averaging finds."""

import torch

from . import common, score


def average(paths):
    """-> {"W": mean weights, "delay", "sources"} of the networks at `paths`; refuses networks
    whose delays, layers or shapes differ."""
    nets = [score.network(p) for p in paths]
    W0, delay, _ = nets[0]
    for p, (W, d, _) in zip(paths[1:], nets[1:]):
        if d != delay:
            raise SystemExit("relnet_train average: %s has delay %d, %s delay %d" % (p, d, paths[0], delay))
        if set(W) != set(W0) or any(W[n].shape != W0[n].shape for n in W0):
            raise SystemExit("relnet_train average: %s has other layers or shapes than %s" % (p, paths[0]))
    W = {n: sum(w[n].detach() for w, _, _ in nets) / len(nets) for n in W0}
    return {"W": W, "delay": delay, "sources": list(paths)}


def main(argv=None):
    ap = common.base_args(__doc__, resume=False)
    ap.add_argument("--networks", required=True, help="stage D networks, comma-separated")
    ap.add_argument("--to", required=True, help="the averaged network's file (e.g. <out>/stage_d_avg.pt)")
    args = ap.parse_args(argv)
    paths = args.networks.split(",")
    if len(paths) < 2:
        raise SystemExit("relnet_train average: --networks: give two networks or more")
    run = common.Run(args.out, "average", args)
    res = average(paths)
    torch.save(res, args.to)
    run.log("averaged %s into %s (delay %d)" % (", ".join(paths), args.to, res["delay"]))


if __name__ == "__main__":
    main()
