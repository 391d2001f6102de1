"""Stage B: the sentence and the question LSNN fitted to the teacher's 32-d codes (spec §5.2):
a linear readout of the LSNN's spike counts in the relayed window, mean squared error to the
teacher's LSTM state, plus the rate and voltage regularisers. Per distinct sentence, not per story."""
import numpy as np
import torch

from . import common, data
from .lsnn import LSNN, T_LSNN, T_RESET
from .teacher import Teacher


def distinct(qs, kind):
    seen = {}
    for q in qs:
        for s in (q["ctx"] if kind == "sent" else [q["q"]]):
            seen.setdefault(tuple(s), None)
    return [list(s) for s in seen]


def task_members(qs, kind, items):
    """task -> indices (into items) of its distinct sentences or questions."""
    at = {tuple(s): i for i, s in enumerate(items)}
    per_task = {}
    for q in qs:
        for s in (q["ctx"] if kind == "sent" else [q["q"]]):
            per_task.setdefault(q["task"], set()).add(at[tuple(s)])
    return per_task


def task_weights(per_task, n, share):
    """Sampling probability per distinct item: (1 - share) spread evenly over the items and share
    evenly over the tasks, each task's part over its own distinct items. Uniform sampling (share
    0) leaves a task of few distinct sentences (task 15: 28 of 3,120) with a poor fit although its
    sentences fill every one of its stories. per_task: task_members' map; n: the number of items."""
    p = np.full(n, (1.0 - share) / n)
    for members in per_task.values():
        p[list(members)] += share / len(per_task) / len(members)
    return p / p.sum()


def unexplained_per_task(per_task, err, target):
    """(task, squared error / the codes' variance over that task's distinct items) per task;
    per_task: task_members' map."""
    out = []
    for t in sorted(per_task):
        rows = sorted(per_task[t])
        out.append((t, err[rows].mean().item() / max(target[rows].var(0).mean().item() if len(rows) > 1 else 0.0,
                                                      1e-12)))
    return out


def teacher_codes(teacher, kind, items):
    enc = teacher.sent if kind == "sent" else teacher.ques
    with torch.no_grad():
        return enc(torch.from_numpy(data.pad_left(items)))


def voltage_reg(p):
    """Eq. 17-18 in threshold units (the scaled voltage is v - 1 for a reset to 0)."""
    vs = p - 1.0
    return (torch.relu(vs - 0.4) ** 2 + torch.relu(-vs - 2.0) ** 2).mean()


def fit(run, kind, net, ro, words, target, args, state=None, sample_p=None):
    params = list(net.parameters()) + list(ro.parameters())
    opt = torch.optim.Adam(params, lr=args.lr)
    it0 = 0
    if state:
        opt.load_state_dict(state["opt"])
        it0 = state["it"]
    rng = np.random.RandomState(args.seed + it0)
    n = words.shape[0]
    for it in range(it0, args.iters):
        idx = torch.from_numpy(rng.choice(n, min(args.batch, n), replace=False, p=sample_p))
        z, p = net(words[idx], steps=T_RESET if args.l_silent else T_LSNN)
        last = z[T_RESET - 1] if args.l_silent else None   # the spikes the reset leaves behind
        z, p = z[:T_LSNN], p[:T_LSNN]
        cnt = net.window(z).sum(0)
        pred = ro(cnt)
        mse = ((pred - target[idx]) ** 2).mean()
        rate = z.mean()
        loss = mse + args.l_rate * (rate - args.rate) ** 2 * 100 + args.l_v * voltage_reg(p)
        if args.l_silent:
            loss = loss + args.l_silent * last.sum(-1).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if it % 25 == 0 or it == args.iters - 1:
            var = target.var(0).mean().item()
            run.log("%s LSNN iter %d: mse %.4f (target variance %.4f), rate %.4f per step, window rate %.4f%s" % (
                kind, it, mse.item(), var, rate.item(), net.window(z).mean().item(),
                ", %.2f spikes per item in step %d" % (last.sum(-1).mean().item(), T_RESET) if args.l_silent else ""))
        if run.due():
            run.save({"kind": kind, "net": net.state_dict(), "ro": ro.state_dict(), "opt": opt.state_dict(),
                      "it": it + 1, "done": dict(args.done)})
    return net, ro


def main(argv=None):
    ap = common.base_args(__doc__)
    ap.add_argument("--iters", type=int, default=600)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--rate", type=float, default=0.03, help="target LSNN rate per step")
    ap.add_argument("--l-rate", type=float, default=1.0)
    ap.add_argument("--l-v", type=float, default=0.1)
    ap.add_argument("--d-in", type=int, default=0, help="delay of the word synapses")
    ap.add_argument("--d-rec", type=int, default=0, help="delay of the recurrent synapses")
    ap.add_argument("--l-silent", type=float, default=0.0,
                    help="weight of the spikes per item in step %d, the last before the x86 reset: what the "
                    "LSNN fires there carries into the next story (0: off)" % T_RESET)
    ap.add_argument("--task-share", type=float, default=0.0,
                    help="share of the sampling spread evenly over the tasks rather than the distinct items (0..1)")
    args = ap.parse_args(argv)
    if not 0.0 <= args.task_share < 1.0:
        ap.error("--task-share: expected 0 <= share < 1, got %g" % args.task_share)
    run = common.Run(args.out, "stage_b", args)
    common.seed_all(args.seed)
    d = common.data_dir(args.data)
    tasks = common.parse_tasks(args.tasks)
    dic = data.Dictionary(d)
    st_a = common.load_stage(args.out, "stage_a")
    teacher = Teacher()
    teacher.load_state_dict(st_a["model"])
    teacher.eval()
    train = data.load(d, tasks, "train", dic)
    args.done = {}
    resume = run.load() if args.resume else None
    out = {}
    for k, kind in enumerate(("sent", "ques")):
        items = distinct(train, kind)
        words = torch.from_numpy(data.pad_left(items))
        target = teacher_codes(teacher, kind, items)
        members = task_members(train, kind, items)
        net = LSNN(args.d_in, args.d_rec, seed=args.seed * 10 + k)
        ro = torch.nn.Linear(200, 32, bias=False)  # no bias: stage D composes it into g_theta layer 1
        with torch.no_grad():
            ro.weight.mul_(0.02)
        state = None
        if resume and kind in resume["done"]:
            out[kind] = resume["done"][kind]
            run.log("%s LSNN: done before the checkpoint" % kind)
            continue
        if resume and resume["kind"] == kind:
            net.load_state_dict(resume["net"])
            ro.load_state_dict(resume["ro"])
            state = resume
        run.log("%s LSNN: %d distinct items" % (kind, len(items)))
        fit(run, kind, net, ro, words, target, args, state,
            task_weights(members, len(items), args.task_share) if args.task_share else None)
        with torch.no_grad():
            z, _ = net(words, steps=T_RESET)
            after = z[T_RESET - 1].sum(-1).mean().item()
            z = z[:T_LSNN]
            err = (ro(net.window(z).sum(0)) - target) ** 2
            mse = err.mean().item()
        run.log("%s LSNN: unexplained share of the codes' variance per task: %s" % (
            kind, ", ".join("task %d %.2f" % tv for tv in unexplained_per_task(members, err, target))))
        out[kind] = {"net": net.state_dict(), "ro": ro.state_dict(), "mse": mse, "var": target.var(0).mean().item(),
                     "rate": z.mean().item(), "window_rate": net.window(z).mean().item(), "step_reset_spikes": after}
        args.done[kind] = out[kind]
        run.save({"kind": None, "done": dict(args.done)})
        run.log("%s LSNN: mse %.4f of variance %.4f, rate %.4f per step (window %.4f), %.2f spikes per item in "
                "step %d" % (kind, mse, out[kind]["var"], out[kind]["rate"], out[kind]["window_rate"], after, T_RESET))
    out["d_in"], out["d_rec"] = args.d_in, args.d_rec
    torch.save(out, run.out + "/stage_b.pt")
    run.done("sentence LSNN mse %.4f (variance %.4f), question LSNN mse %.4f (variance %.4f)" % (
        out["sent"]["mse"], out["sent"]["var"], out["ques"]["mse"], out["ques"]["var"]))


if __name__ == "__main__":
    main()
