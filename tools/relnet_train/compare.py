"""The emulator against the framework's integer model on the same test stories:
`loihi-emu relnet --weights DIR --sentences M --tasks T --stories N --predictions CSV` per story
size M, then intmodel.py on the stories the emulator ran (task and line from the CSV), answer
by answer. Writes compare.json and a per-task table into the run folder's log."""
import csv
import json
import os
import subprocess
import tempfile

import numpy as np
import torch

from . import common, data, intmodel


def emulator_predictions(binary, wdir, d, tasks, sizes, stories, seed):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = os.path.join(tmp, "pred.csv")
        cmd = [binary, "relnet", "--weights", wdir, "--sentences", ",".join(map(str, sizes)), "--tasks",
               ",".join(map(str, tasks)), "--stories", str(stories), "--seed", str(seed), "--data", d,
               "--predictions", csv_path]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(csv_path) as f:
            rows = list(csv.DictReader(f))
    return rows


def from_rest(W, qs, m):
    """The readout v of each story run alone from rest (every LSNN and layer at rest)."""
    words = np.stack([data.pad_left(q["ctx"]) for q in qs])                  # (n, m, 11)
    S = intmodel.lsnn(W, "sent", words.reshape(-1, words.shape[-1]))        # (15, n*m, 200)
    S = S.reshape(15, len(qs), m, -1).transpose(1, 2, 0, 3)
    Q = intmodel.lsnn(W, "ques", data.pad_left([q["q"] for q in qs])).transpose(1, 0, 2)
    return intmodel.feedforward(W, S, Q, m)


def compare(binary, wdir, d, tasks, sizes, stories, seed, log=print):
    dic = data.Dictionary(d)
    test = {(q["task"], q["line"]): q for q in data.load(d, tasks, "test", dic)}
    rows = emulator_predictions(binary, wdir, d, tasks, sizes, stories, seed)
    W = intmodel.Weights(wdir)
    res = {"agree": 0, "n": 0, "per_task": {}, "disagreements": []}
    by_m = {}
    for r in rows:
        q = test[(int(r["task"]), int(r["line"]))]
        by_m.setdefault(len(q["ctx"]), []).append((q, r))
    for m, items in sorted(by_m.items()):
        # the emulator ran these stories back to back in this order: so does the model
        v, _ = intmodel.run_sequence(W, [(q["ctx"], q["q"]) for q, _ in items], m)
        rest = intmodel.argmax(from_rest(W, [q for q, _ in items], m)).tolist()
        for (q, r), p, p0 in zip(items, intmodel.argmax(v).tolist(), rest):
            if r["answer"] != q["answer"]:
                raise SystemExit("compare: task %s line %s: the emulator's answer %s is not the file's %s" % (
                    r["task"], r["line"], r["answer"], q["answer"]))
            t = q["task"]
            pt = res["per_task"].setdefault(t, {"n": 0, "agree": 0, "emu_wrong": 0, "int_wrong": 0, "rest_wrong": 0,
                                                "rest_differs": 0})
            emu = r["predicted"]
            mine = dic.tokens[p]
            pt["rest_wrong"] += dic.tokens[p0] != q["answer"]
            pt["rest_differs"] += p0 != p
            pt["n"] += 1
            pt["agree"] += emu == mine
            pt["emu_wrong"] += emu != q["answer"]
            pt["int_wrong"] += mine != q["answer"]
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
    res["rest_differs"] = sum(p["rest_differs"] for p in res["per_task"].values())
    log("from rest against back to back: %d of %d answers differ" % (res["rest_differs"], res["n"]))
    return res


def main(argv=None):
    ap = common.base_args(__doc__)
    ap.add_argument("--weights", default=None, help="weight directory (default <out>/weights)")
    ap.add_argument("--bin", default=os.path.join(common.ROOT, "build", "loihi-emu"))
    ap.add_argument("--sentences", default="2,4,6,8,10", help="story sizes M")
    ap.add_argument("--stories", type=int, default=50, help="stories per size (seeded sample)")
    args = ap.parse_args(argv)
    run = common.Run(args.out, "compare", args)
    d = common.data_dir(args.data)
    wdir = args.weights or os.path.join(args.out, "weights")
    res = compare(args.bin, wdir, d, common.parse_tasks(args.tasks), [int(x) for x in args.sentences.split(",")],
                  args.stories, args.seed, run.log)
    with open(os.path.join(args.out, "compare.json"), "w") as f:
        json.dump(res, f, indent=1)
    run.done("emulator and integer model agree on %d of %d answers" % (res["agree"], res["n"]))


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
