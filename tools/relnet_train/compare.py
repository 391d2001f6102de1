"""The emulator against the framework's integer model on the same test stories:
`loihi-emu relnet --weights DIR --sentences M --tasks T --stories N --predictions CSV` per story
size M, then intmodel.py on the stories the emulator ran (task and line from the CSV), answer
by answer; with --float, the floating-point network the export came from on the same stories;
and the paper's Table S3 (models/relnet/table_s3.yaml). Writes compare.json and a per-task
table into the run folder's log."""
import csv
import json
import os
import subprocess
import tempfile

import numpy as np
import torch
import yaml

from . import common, data, ffnet, intmodel
from .stage_d import sample_test

REST_PIECE = 256   # stories per from-rest piece (memory only; the answers do not depend on it)


def emulator_predictions(binary, wdir, d, tasks, sizes, stories, seed, questions=None):
    """The emulator's answers: `stories` per size of `sizes`, or exactly `questions` (a list of
    (task, line), each run at its own size)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = os.path.join(tmp, "pred.csv")
        cmd = [binary, "relnet", "--weights", wdir, "--tasks", ",".join(map(str, tasks)), "--seed", str(seed),
               "--data", d, "--predictions", csv_path]
        if questions is None:
            cmd += ["--sentences", ",".join(map(str, sizes)), "--stories", str(stories)]
        else:
            q_path = os.path.join(tmp, "questions.csv")
            with open(q_path, "w") as f:
                f.write("task,line\n" + "".join("%d,%d\n" % tl for tl in questions))
            cmd += ["--questions", q_path]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(csv_path) as f:
            rows = list(csv.DictReader(f))
    return rows


def rasters_from_rest(W, qs, m):
    """The integer LSNNs' relayed rasters of each story's sentences and question from rest:
    (n, m, 15, 200) and (n, 15, 200)."""
    words = np.stack([data.pad_left(q["ctx"]) for q in qs])                  # (n, m, 11)
    S = intmodel.lsnn(W, "sent", words.reshape(-1, words.shape[-1]))        # (15, n*m, 200)
    S = S.reshape(15, len(qs), m, -1).transpose(1, 2, 0, 3)
    Q = intmodel.lsnn(W, "ques", data.pad_left([q["q"] for q in qs])).transpose(1, 0, 2)
    return S, Q


def from_rest(W, qs, m):
    """The readout v of each story run alone from rest (every LSNN and layer at rest)."""
    S, Q = rasters_from_rest(W, qs, m)
    return intmodel.feedforward(W, S, Q, m)


def float_answers(st, S, Q, m):
    """The floating-point spiking network (a stage D result) on the integer LSNNs' rasters, in
    chunks of stories: a whole test set's M(M+1)/2 instances at once would not fit in memory."""
    out = []
    with torch.no_grad():
        for k in range(0, len(S), 64):
            logit, _ = ffnet.snn_forward(st["W"], torch.from_numpy(np.ascontiguousarray(S[k:k + 64])).float(),
                                         torch.from_numpy(np.ascontiguousarray(Q[k:k + 64])).float(), m, st["delay"])
            out += logit.argmax(1).tolist()
    return out


def table_s3():
    with open(os.path.join(common.ROOT, "models", "relnet", "table_s3.yaml")) as f:
        return {int(t): row for t, row in yaml.safe_load(f)["tasks"].items()}


def compare(binary, wdir, d, tasks, sizes, stories, seed, log=print, float_net=None, per_task=None, only=None):
    """per_task N: the emulator runs stage D's seeded test sample (N per task, the stories stage D
    and E score on) instead of `stories` per size; only (a set of tasks): that sample's stories of
    these tasks (the sample drawn over all `tasks`, so a subset network runs the same stories)."""
    dic = data.Dictionary(d)
    fl = torch.load(float_net) if float_net else None
    qs = data.load(d, tasks, "test", dic)
    test = {(q["task"], q["line"]): q for q in qs}
    questions = None
    if per_task:
        questions = [(q["task"], q["line"]) for q in data.keep_tasks(sample_test(qs, per_task, seed), only)]
        log("the emulator runs stage D's test sample: %d stories per task (seed %d)%s, %d in all" % (
            per_task, seed, "" if only is None else ", tasks %s" % ",".join(map(str, sorted(only))),
            len(questions)))
    elif only is not None:
        raise SystemExit("relnet_train compare: --only needs --per-task (it selects from stage D's sample)")
    run_tasks = tasks if only is None else sorted(only)
    rows = emulator_predictions(binary, wdir, d, run_tasks, sizes, stories, seed, questions)
    W = intmodel.Weights(wdir)
    res = {"agree": 0, "n": 0, "per_task": {}, "per_size": {}, "disagreements": []}
    by_m = {}
    for r in rows:
        q = test[(int(r["task"]), int(r["line"]))]
        by_m.setdefault(len(q["ctx"]), []).append((q, r))
    for m, items in sorted(by_m.items()):
        # the emulator ran these stories back to back in this order: so does the model
        v, _ = intmodel.run_sequence(W, [(q["ctx"], q["q"]) for q, _ in items], m)
        rest, flt = [], []
        # from rest each story stands alone: pieces of REST_PIECE stories bound the rasters'
        # memory (a whole task's stories of one size at once took 24 GB)
        for k in range(0, len(items), REST_PIECE):
            S, Q = rasters_from_rest(W, [q for q, _ in items[k:k + REST_PIECE]], m)
            rest += intmodel.argmax(intmodel.feedforward(W, S, Q, m)).tolist()
            flt += float_answers(fl, S, Q, m) if fl else [None] * len(S)
        for (q, r), p, p0, pf in zip(items, intmodel.argmax(v).tolist(), rest, flt):
            if r["answer"] != q["answer"]:
                raise SystemExit("compare: task %s line %s: the emulator's answer %s is not the file's %s" % (
                    r["task"], r["line"], r["answer"], q["answer"]))
            t = q["task"]
            pt = res["per_task"].setdefault(t, {"n": 0, "agree": 0, "emu_wrong": 0, "int_wrong": 0, "rest_wrong": 0,
                                                "rest_differs": 0})
            emu = r["predicted"]
            mine = dic.tokens[p]
            pt["rest_wrong"] += dic.tokens[p0] != q["answer"]
            if pf is not None:
                pt["float_wrong"] = pt.get("float_wrong", 0) + (dic.tokens[pf] != q["answer"])
            pt["rest_differs"] += p0 != p
            pt["n"] += 1
            pt["agree"] += emu == mine
            pt["emu_wrong"] += emu != q["answer"]
            pt["int_wrong"] += mine != q["answer"]
            ps = res["per_size"].setdefault(m, {"n": 0, "emu_wrong": 0})
            ps["n"] += 1
            ps["emu_wrong"] += emu != q["answer"]
            if emu != mine:
                res["disagreements"].append({"task": t, "line": q["line"], "M": m, "emulator": emu, "integer": mine})
    res["n"] = sum(p["n"] for p in res["per_task"].values())
    res["agree"] = sum(p["agree"] for p in res["per_task"].values())
    for t, p in sorted(res["per_task"].items()):
        log("task %d: %d stories, emulator error %.1f %%, integer model error %.1f %%, agreement %.1f %%; "
            "integer model from rest %.1f %% (%d answers differ from back to back)" % (
                t, p["n"], 100.0 * p["emu_wrong"] / p["n"], 100.0 * p["int_wrong"] / p["n"],
                100.0 * p["agree"] / p["n"], 100.0 * p["rest_wrong"] / p["n"], p["rest_differs"]))
    log("agreement %d / %d = %.2f %%" % (res["agree"], res["n"], 100.0 * res["agree"] / max(1, res["n"])))
    # side by side with the paper (error %): float and integer from rest, the emulator (back to back)
    s3 = table_s3()
    log("task | stories | float, from rest | integer, from rest | integer, back to back | emulator | paper "
        "(Table S3, spiking) | gap to the paper")
    for t, p in sorted(res["per_task"].items()):
        e = 100.0 * p["emu_wrong"] / p["n"]
        paper = s3.get(t, {}).get("spiking")
        p["paper"] = paper
        log("%d | %d | %s | %.1f | %.1f | %.1f | %s | %s" % (
            t, p["n"], "%.1f" % (100.0 * p["float_wrong"] / p["n"]) if "float_wrong" in p else "-",
            100.0 * p["rest_wrong"] / p["n"], 100.0 * p["int_wrong"] / p["n"], e,
            "-" if paper is None else "%.1f" % paper, "-" if paper is None else "%+.1f" % (e - paper)))
    # the error grows with the story's size where the aggregation's count range runs out
    log("emulator error per story size: %s" % ", ".join("M = %d %.1f %% (%d)" % (
        m, 100.0 * p["emu_wrong"] / p["n"], p["n"]) for m, p in sorted(res["per_size"].items())))
    res["rest_differs"] = sum(p["rest_differs"] for p in res["per_task"].values())
    log("from rest against back to back: %d of %d answers differ" % (res["rest_differs"], res["n"]))
    return res


def main(argv=None):
    ap = common.base_args(__doc__, resume=False)
    ap.add_argument("--weights", default=None, help="weight directory (default <out>/weights)")
    ap.add_argument("--bin", default=os.path.join(common.ROOT, "build", "loihi-emu"))
    ap.add_argument("--sentences", default="2,4,6,8,10", help="story sizes M")
    ap.add_argument("--stories", type=int, default=50, help="stories per size (seeded sample; more than a size has: all of them)")
    ap.add_argument("--per-task", type=int, default=None, metavar="N", help="instead of --sentences and "
                    "--stories: stage D's seeded test sample, N stories per task, each at its own size")
    ap.add_argument("--only", default="", metavar="T[,T]", help="with --per-task: the sample's stories of these "
                    "of --tasks only (a network trained with d --train-only)")
    ap.add_argument("--float", default=None, help="a stage D result (stage_d.pt): also score the floating-point "
                    "network the export came from on the same stories")
    args = ap.parse_args(argv)
    run = common.Run(args.out, "compare", args)
    d = common.data_dir(args.data)
    wdir = args.weights or os.path.join(args.out, "weights")
    res = compare(args.bin, wdir, d, common.parse_tasks(args.tasks), [int(x) for x in args.sentences.split(",")],
                  args.stories, args.seed, run.log, args.float, args.per_task,
                  data.parse_only(args.only, common.parse_tasks(args.tasks)))
    with open(os.path.join(args.out, "compare.json"), "w") as f:
        json.dump(res, f, indent=1)
    run.done("emulator and integer model agree on %d of %d answers" % (res["agree"], res["n"]))


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
