"""Scores a stage D spiking network while its fine-tune goes on: the network of the stage's
last checkpoint (or a stage_d.pt) on the test sample stage D scores on (the same
--eval-per-task and --seed), from rest and, with --chip-rasters, back to back. The checkpoint is
only read (written atomically by the training), and each score is one line in train.log, so a
fine-tune of many sessions keeps its course in the log. With --weights it scores an exported
weight directory's integer model instead (what the chip runs), e.g. on dev to choose between
exports."""
import os

import numpy as np
import torch

from . import common, data, ffnet, intmodel, stage_d
from .stage_c import lookup


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


def dev_sample(test, per_task, seed):
    """The dev stories a score draws: `per_task` per task of dev_stories(test, seed), drawn with
    another seed than the test sample's (seed + 1), so that dev is not the test sample's draw
    again over other stories. Stage E's dev score and score --on dev share it."""
    return stage_d.sample_test(dev_stories(test, seed), per_task, seed + 1)


def fresh_stories(test, seed):
    """The test files' questions that neither the test sample nor the dev sample holds
    (stage_d.TEST_PER_TASK per task each): a second held-out set, for when dev has chosen among so
    many networks that its score of the winner flatters it. Held out by question, not by story
    as dev is: a bAbI story holds up to 5 questions, and by story few tasks would keep any."""
    held = {(q["task"], q["line"]) for q in stage_d.sample_test(test, stage_d.TEST_PER_TASK, seed)}
    held |= {(q["task"], q["line"]) for q in dev_sample(test, stage_d.TEST_PER_TASK, seed)}
    return [q for q in test if (q["task"], q["line"]) not in held]


def int_evaluate(wdir, qs, cache, rows=600, variant=None):
    """The integer model of the weight directory `wdir` on the stories `qs` (LSNN rasters from
    `cache`, a chip cache's `variant`): per-task error %, overall %, and each story's answer."""
    W = intmodel.Weights(wdir)
    wrong, count, preds = {}, {}, {}
    for ks in stage_d.batches(qs, rows):
        S, Q = lookup(cache, qs, ks, variant)
        m = len(qs[ks[0]]["ctx"])
        v = intmodel.feedforward(W, S.numpy().astype(np.int64), Q.numpy().astype(np.int64), m)
        for k, p in zip(ks, intmodel.argmax(v).tolist()):
            t = qs[k]["task"]
            preds[(t, qs[k]["line"])] = p
            count[t] = count.get(t, 0) + 1
            wrong[t] = wrong.get(t, 0) + (p != qs[k]["y"])
    err = {t: 100.0 * wrong[t] / count[t] for t in sorted(count)}
    return err, 100.0 * sum(wrong.values()) / sum(count.values()), preds


def lsnns_match(wdir, cache, n=32):
    """True when the export's integer LSNNs give the cache's rasters from rest for its first n
    sentences and questions: an export is scored on a cache built from its own LSNNs' weights
    (stage C --chip-weights on any export of the same stage B), not another's."""
    W = intmodel.Weights(wdir)
    for kind in ("sent", "ques"):
        items = list(cache[kind]["index"])[:n]
        mine = intmodel.lsnn(W, kind, data.pad_left([list(k) for k in items])).transpose(1, 0, 2)
        theirs = cache[kind]["raster"][:len(items)]
        theirs = theirs[:, 0] if theirs.dim() == 4 else theirs
        if not np.array_equal(mine, theirs.numpy().astype(mine.dtype)):
            return False
    return True


def breakdown(qs, preds):
    """Where a task's errors lie: per task, (stories, wrong) per whole answer and per context
    size (the sentences before the question). preds: each story's answer class by its index in
    qs."""
    out = {}
    for k, q in enumerate(qs):
        t = out.setdefault(q["task"], {"answer": {}, "size": {}})
        bad = int(preds[k] != q["y"])
        for by, key in (("answer", q["answer"]), ("size", len(q["ctx"]))):
            n, w = t[by].get(key, (0, 0))
            t[by][key] = (n + 1, w + bad)
    return out


def breakdown_lines(bd):
    """One line per task with errors: its wrong answers and sizes, `wrong/stories` each."""
    lines = []
    for t, b in sorted(bd.items()):
        if not any(w for _, w in b["answer"].values()):
            continue
        ans = ", ".join("%s %d/%d" % (a, w, n) for a, (n, w) in sorted(b["answer"].items(), key=lambda x: -x[1][1])
                        if w)
        size = ", ".join("%d: %d/%d" % (m, w, n) for m, (n, w) in sorted(b["size"].items()))
        lines.append("task %d wrong by answer: %s; by context size (wrong/stories): %s" % (t, ans, size))
    return lines


def sample_size(count, per_task):
    """How many stories each task's score counts: `per_task`, the tasks with fewer named; when no
    task has that many, the whole set's count per task."""
    short = ["task %d: %d" % (t, n) for t, n in sorted(count.items()) if n < per_task]
    if len(short) == len(count):
        by = {}
        for t, n in sorted(count.items()):
            by.setdefault(n, []).append(t)
        return "every story: " + ", ".join("%d in task%s %s" % (n, "s" if len(ts) > 1 else "", ", ".join(map(str, ts)))
                                           for n, ts in by.items())
    return "%d stories per task%s" % (per_task, ", fewer where a task has fewer: " + ", ".join(short) if short else "")


def stories(d, tasks, dic, on, seed):
    """The stories a test or validation score draws from: the test set, or ("val") the
    validation split stage D holds out of its training stories (dev draws with dev_sample)."""
    if on == "val":
        return data.split_train_val(data.load(d, tasks, "train", dic), seed)[1]
    return data.load(d, tasks, "test", dic)


def main(argv=None):
    ap = common.base_args(__doc__, resume=False)
    ap.add_argument("--network", default=None, help="a stage D checkpoint or stage_d.pt (default "
                    "<out>/stage_d.ckpt.pt)")
    ap.add_argument("--eval-per-task", type=int, default=stage_d.TEST_PER_TASK,
                    help="test stories per task (stage D's default, %(default)s)")
    ap.add_argument("--rows", type=int, default=600, help="instances per batch (memory only)")
    ap.add_argument("--chip-rasters", action="store_true", help="score on rasters_chip.pt, also back to back")
    ap.add_argument("--by-answer", action="store_true", help="also log, per task, the wrong answers and the "
                    "errors per context size (from rest)")
    ap.add_argument("--weights", default=None, help="score this exported weight directory's integer model (stage "
                    "E's output; its LSNN rasters from rasters_chip.pt, so with --chip-rasters) instead of a stage D "
                    "network")
    ap.add_argument("--on", choices=("test", "val", "dev", "fresh"), default="test", help="the stories scored: "
                    "the test sample stage D scores on; as many per task of the validation split; (dev) of the test "
                    "files' stories that hold no question of that sample (to choose between networks without the "
                    "stories the test sample scores); or (fresh) of the test questions that neither that sample nor the "
                    "dev sample (%d per task) holds" % stage_d.TEST_PER_TASK)
    args = ap.parse_args(argv)
    if args.weights and args.network:
        raise SystemExit("relnet_train score: --weights and --network name two networks; give one")
    if args.weights and not args.chip_rasters:
        # the float LSNNs' rasters are not what an export's integer LSNNs produce
        raise SystemExit("relnet_train score: --weights scores the integer model on the integer LSNNs' rasters: "
                         "add --chip-rasters")
    if args.weights:
        if not os.path.isdir(args.weights):
            raise SystemExit("relnet_train score: %s is no weight directory" % args.weights)
        path, step = args.weights, None
    else:
        path = args.network or os.path.join(args.out, "stage_d.ckpt.pt")
        W, delay, step = network(path)
    run = common.Run(args.out, "score", args)
    d = common.data_dir(args.data)
    tasks = common.parse_tasks(args.tasks)
    dic = data.Dictionary(d)
    stage_d.CACHE = stage_d.load_cache(args.out, args.chip_rasters)
    if args.weights and not lsnns_match(args.weights, stage_d.CACHE):
        raise SystemExit("relnet_train score: %s's LSNNs do not give the rasters of %s/rasters_chip.pt (built from "
                         "another stage B's LSNNs): rebuild it with stage C --chip-weights %s" % (
                             args.weights, args.out, args.weights))
    if args.on == "dev":
        test = dev_sample(data.load(d, tasks, "test", dic), args.eval_per_task, args.seed)
    elif args.on == "fresh":
        test = stage_d.sample_test(fresh_stories(data.load(d, tasks, "test", dic), args.seed), args.eval_per_task,
                                   args.seed + 2)
    else:
        test = stage_d.sample_test(stories(d, tasks, dic, args.on, args.seed), args.eval_per_task, args.seed)
    preds = {}
    if args.weights:
        line = {(q["task"], q["line"]): k for k, q in enumerate(test)}

        def score(variant=None):
            err, tot, p = int_evaluate(args.weights, test, stage_d.CACHE, args.rows, variant)
            if variant is None:
                preds.update({line[key]: a for key, a in p.items()})
            return err, tot
        where = "%s (integer model)" % path
    else:
        snn = lambda S, Q, m: ffnet.snn_forward(W, S, Q, m, delay)[0]  # noqa: E731

        def score(variant=None):
            return stage_d.evaluate(snn, test, args.rows, variant, preds if variant is None else None)
        where = "%s%s" % (path, "" if step is None else " (step %d)" % step)
    err, tot = score()
    what = {"val": "validation", "dev": "dev", "fresh": "fresh held-out"}.get(args.on, "test")
    count = {}
    for q in test:
        count[q["task"]] = count.get(q["task"], 0) + 1
    run.log("%s: %s error %.2f %% (%s; %s)" % (where, what, tot, stage_d.fmt(err), sample_size(count,
                                                                                            args.eval_per_task)))
    if args.by_answer:
        for ln in breakdown_lines(breakdown(test, preds)):
            run.log("%s: %s %s" % (where, what, ln))
    if args.chip_rasters:
        errb, totb = score(1)
        run.log("%s: back to back (variant 1) %.2f %% (%s)" % (where, totb, stage_d.fmt(errb)))
    run.log("scored in %.0f s wall, %.0f s CPU" % (run.wall(), run.cpu()))


if __name__ == "__main__":
    main()
