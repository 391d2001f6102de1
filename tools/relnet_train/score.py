"""Scores a stage D spiking network while its fine-tune goes on: the network of the stage's
last checkpoint (or a stage_d.pt) on the test sample stage D scores on (the same
--eval-per-task and --seed), from rest and, with --chip-rasters, back to back. The checkpoint is
only read (written atomically by the training), and each score is one line in train.log, so a
fine-tune of many sessions keeps its course in the log."""
import os

import torch

from . import common, data, ffnet, stage_d


def network(path):
    """-> (W, delay, step or None) of a stage D checkpoint or stage_d.pt."""
    if not os.path.exists(path):
        raise SystemExit("relnet_train score: %s missing" % path)
    st = torch.load(path)
    if "W" not in st or "delay" not in st:
        raise SystemExit("relnet_train score: %s holds no stage D network (keys %s)" % (path, sorted(st)))
    return st["W"], st["delay"], st.get("loop", {}).get("step")


def dev_stories(test, seed):
    """The test files' questions whose stories hold no question of stage D's test sample
    (stage_d.TEST_PER_TASK per task, `seed`): a held-out set for choosing between networks. The
    validation split is drawn by question out of the training files, so that most of its
    questions share their story's first sentences with training questions (tasks 1, 8, 15, 17,
    18: 96-100 %; the test files: 9-23 % for 1, 8 and 17), so that it may flatter a network that
    has learnt its training stories (docs/relnet-training.md, twelfth session)."""
    held = {(q["task"], q["story"]) for q in stage_d.sample_test(test, stage_d.TEST_PER_TASK, seed)}
    return [q for q in test if (q["task"], q["story"]) not in held]


def stories(d, tasks, dic, on, seed):
    """The stories a score draws from: the test set, ("val") the validation split stage D
    holds out of its training stories, or ("dev") the test files' stories outside stage D's
    test sample."""
    if on == "val":
        return data.split_train_val(data.load(d, tasks, "train", dic), seed)[1]
    if on == "dev":
        return dev_stories(data.load(d, tasks, "test", dic), seed)
    return data.load(d, tasks, "test", dic)


def main(argv=None):
    ap = common.base_args(__doc__, resume=False)
    ap.add_argument("--network", default=None, help="a stage D checkpoint or stage_d.pt (default "
                    "<out>/stage_d.ckpt.pt)")
    ap.add_argument("--eval-per-task", type=int, default=stage_d.TEST_PER_TASK,
                    help="test stories per task (stage D's default, %(default)s)")
    ap.add_argument("--rows", type=int, default=600, help="instances per batch (memory only)")
    ap.add_argument("--chip-rasters", action="store_true", help="score on rasters_chip.pt, also back to back")
    ap.add_argument("--on", choices=("test", "val", "dev"), default="test", help="the stories scored: the test "
                    "sample stage D scores on; as many per task of the validation split; or (dev) of the test files' "
                    "stories that hold no question of that sample (to choose between networks without the "
                    "stories the test sample scores)")
    args = ap.parse_args(argv)
    path = args.network or os.path.join(args.out, "stage_d.ckpt.pt")
    W, delay, step = network(path)
    run = common.Run(args.out, "score", args)
    d = common.data_dir(args.data)
    tasks = common.parse_tasks(args.tasks)
    dic = data.Dictionary(d)
    stage_d.CACHE = stage_d.load_cache(args.out, args.chip_rasters)
    test = stage_d.sample_test(stories(d, tasks, dic, args.on, args.seed), args.eval_per_task,
                               args.seed + (1 if args.on == "dev" else 0))
    snn = lambda S, Q, m: ffnet.snn_forward(W, S, Q, m, delay)[0]  # noqa: E731
    where = "%s%s" % (path, "" if step is None else " (step %d)" % step)
    err, tot = stage_d.evaluate(snn, test, args.rows)
    what = {"val": "validation", "dev": "dev"}.get(args.on, "test")
    count = {}
    for q in test:
        count[q["task"]] = count.get(q["task"], 0) + 1
    short = ["task %d: %d" % (t, n) for t, n in sorted(count.items()) if n < args.eval_per_task]
    run.log("%s: %s error %.2f %% (%s; %d stories per task%s)" % (where, what, tot, stage_d.fmt(err),
                                                               args.eval_per_task,
                                                               ", fewer where a task has fewer: " + ", ".join(short)
                                                               if short else ""))
    if args.chip_rasters:
        errb, totb = stage_d.evaluate(snn, test, args.rows, 1)
        run.log("%s: back to back (variant 1) %.2f %% (%s)" % (where, totb, stage_d.fmt(errb)))
    run.log("scored in %.0f s wall, %.0f s CPU" % (run.wall(), run.cpu()))


if __name__ == "__main__":
    main()
