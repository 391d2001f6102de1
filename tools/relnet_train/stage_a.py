"""Stage A: the non-spiking RelNet teacher on the chosen tasks, until the validation error stops
improving (or --epochs), with the per-task test error logged every epoch."""
import numpy as np
import torch
import torch.nn.functional as F

from . import common, data
from .teacher import Teacher, batch_tensors, per_task_error


def main(argv=None):
    ap = common.base_args(__doc__)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--patience", type=int, default=4, help="epochs without a better validation error")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--oversample", default="", metavar="T:K[,T:K]",
                    help="take task T's training questions K times per epoch (a task the joint network has "
                         "not started to learn gets K times the gradient; validation still counts it once)")
    ap.add_argument("--init", default=None, help="a stage_a.pt whose network this run starts from (fresh Adam): "
                    "e.g. a teacher trained on task 19 alone, which the joint run has not learnt")
    args = ap.parse_args(argv)
    run = common.Run(args.out, "stage_a", args)
    common.seed_all(args.seed)
    d = common.data_dir(args.data)
    tasks = common.parse_tasks(args.tasks)
    dic = data.Dictionary(d)
    train, val = data.split_train_val(data.load(d, tasks, "train", dic), args.seed)
    test = data.load(d, tasks, "test", dic)
    train_epoch = data.oversample(train, data.parse_oversample(args.oversample, tasks))
    model = Teacher()
    if args.init and not args.resume:
        model.load_state_dict(torch.load(args.init)["model"])
        run.log("network from %s" % args.init)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    epoch, best, best_state, stale, history = 0, 1e9, None, 0, []
    if args.resume:
        st = run.load()
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        epoch, best, best_state, stale, history = st["epoch"], st["best"], st["best_state"], st["stale"], st["history"]
        torch.set_rng_state(st["rng"])
    rng = np.random.RandomState(args.seed + epoch)

    def predict(qs):
        def f(ks):
            ctx, q, y, m = batch_tensors(qs, ks)
            return model(ctx, q, m).argmax(1)
        return f

    while epoch < args.epochs and stale < args.patience:
        model.train()
        bs = data.buckets(train_epoch, args.batch, rng)
        tot = 0.0
        for i, ks in enumerate(bs):
            ctx, q, y, m = batch_tensors(train_epoch, ks)
            loss = F.cross_entropy(model(ctx, q, m), y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            tot += loss.item()
            if i % 20 == 0:
                run.progress("epoch %d" % (epoch + 1), i, len(bs), "loss %.3f" % (tot / (i + 1)))
        epoch += 1
        rng = np.random.RandomState(args.seed + epoch)
        model.eval()
        with torch.no_grad():
            _, verr = per_task_error(predict(val), val)
            terr, tall = per_task_error(predict(test), test)
        history.append({"epoch": epoch, "loss": tot / len(bs), "val_err": verr, "test_err": terr})
        if verr < best - 1e-9:
            best, stale = verr, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        run.log("epoch %d: loss %.4f, val error %.2f %%, test error %.2f %% (%s), wall %.0f s, CPU %.0f s" % (
            epoch, tot / len(bs), verr, tall, ", ".join("task %d %.1f" % kv for kv in terr.items()), run.wall(),
            run.cpu()))
        run.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": epoch, "best": best,
                  "best_state": best_state, "stale": stale, "history": history, "rng": torch.get_rng_state()})
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        terr, tall = per_task_error(predict(test), test)
    torch.save({"model": best_state, "tasks": tasks, "test_err": terr, "history": history},
               run.out + "/stage_a.pt")
    run.done("best val error %.2f %%, test error %.2f %%: %s" % (
        best, tall, ", ".join("task %d %.1f %%" % kv for kv in terr.items())))


if __name__ == "__main__":
    main()
