"""bAbI en-10k read as the emulator reads it (docs/relnet.md "bAbI input"): tokens lower-cased
letters, whole answers as one class, context = the 20 most recent sentences before a question,
one dictionary over all 20 tasks (train and test) for the 180 input and 180 readout lines."""
import glob
import os
import re

import numpy as np

N_LINES = 180
MAX_WORDS = 11
MAX_CONTEXT = 20
EN10K = os.path.join("babi", "tasks_1-20_v1-2", "en-10k")


def task_file(data, task, split):
    hits = glob.glob(os.path.join(data, EN10K, "qa%d_*_%s.txt" % (task, split)))
    return hits[0] if len(hits) == 1 else None


def words_of(text):
    out = []
    for w in text.split():
        w = re.sub(r"[^a-z]", "", w.lower())
        if w:
            out.append(w)
    return out


def read_file(path, task):
    """Questions of one file: dicts task, line (1-based line in the file), story (the line its
    story starts on: a story's questions share their first sentences), context (list of word
    lists, oldest first, at most 20), question (word list), answer (string)."""
    qs, story, start = [], [], 0
    with open(path) as f:
        for ln, raw in enumerate(f, 1):
            raw = raw.rstrip("\n").rstrip("\r")
            num, rest = raw.split(" ", 1)
            if int(num) == 1:
                story, start = [], ln
            if "\t" in rest:
                q, a, _ = rest.split("\t")
                qs.append({"task": task, "line": ln, "story": start, "context": list(story[-MAX_CONTEXT:]),
                           "question": words_of(q), "answer": a.strip().lower()})
            else:
                story.append(words_of(rest))
    return qs


class Dictionary:
    """Index 0 <pad>, then story/question words in byte order, then whole answers that are not
    words, padded with <unused> to 180 lines (docs/relnet.md "The dictionary")."""

    def __init__(self, data):
        words, answers = set(), set()
        for t in range(1, 21):
            for split in ("train", "test"):
                p = task_file(data, t, split)
                if p is None:
                    continue
                for q in read_file(p, t):
                    answers.add(q["answer"])
                    words.update(q["question"])
                    for s in q["context"]:
                        words.update(s)
        toks = ["<pad>"] + sorted(words) + sorted(answers - words)
        if len(toks) > N_LINES:
            raise SystemExit("relnet_train: %d tokens, more than %d lines" % (len(toks), N_LINES))
        self.n_used = len(toks)
        self.tokens = toks + ["<unused>"] * (N_LINES - len(toks))
        self.index = {t: i for i, t in enumerate(toks)}

    def encode(self, words):
        return [self.index[w] for w in words]

    def write(self, path):
        with open(path, "w") as f:
            f.write("\n".join(self.tokens) + "\n")


def load(data, tasks, split, dic):
    """Questions of the tasks, in task then file order, encoded: 'ctx' (list of int lists),
    'q' (int list), 'y' (answer index)."""
    out = []
    for t in tasks:
        p = task_file(data, t, split)
        if p is None:
            raise SystemExit("relnet_train: no %s file for task %d under %s" % (split, t, os.path.join(data, EN10K)))
        for q in read_file(p, t):
            q["ctx"] = [dic.encode(s) for s in q["context"]]
            q["q"] = dic.encode(q["question"])
            q["y"] = dic.index[q["answer"]]
            out.append(q)
    return out


def distinct_items(qs, kind):
    """The distinct sentences ("sent") or questions ("ques") of the stories qs, each a tuple of
    word ids, mapped to their index in order of first appearance (the raster cache's order)."""
    items = {}
    for q in qs:
        for s in (q["ctx"] if kind == "sent" else [q["q"]]):
            items.setdefault(tuple(s), len(items))
    return items


def pad_left(seqs, n=MAX_WORDS):
    """Word index rows right-aligned in n slots (zeros before): the last word is in the last slot,
    as the LSNN window presents it."""
    a = np.zeros((len(seqs), n), dtype=np.int64)
    for i, s in enumerate(seqs):
        if s:
            a[i, n - len(s):] = s
    return a


def split_train_val(qs, seed, frac=0.1):
    rng = np.random.RandomState(seed)
    idx = rng.permutation(len(qs))
    nv = int(len(qs) * frac)
    val = set(idx[:nv].tolist())
    return [q for i, q in enumerate(qs) if i not in val], [q for i, q in enumerate(qs) if i in val]


def parse_oversample(spec, tasks):
    """'19:4,17:2' -> {19: 4, 17: 2}; each task must be one of the run's, each K at least 1."""
    out = {}
    for part in filter(None, spec.split(",")):
        try:
            t, k = (int(x) for x in part.split(":"))
        except ValueError:
            raise SystemExit("relnet_train: --oversample: expected T:K (task:times), got '%s'" % part)
        if t not in tasks or k < 1:
            raise SystemExit("relnet_train: --oversample %s: task %d is not among --tasks, or K < 1" % (part, t))
        out[t] = k
    return out


def parse_only(spec, tasks):
    """'19,17' -> {17, 19}: a subset of the run's tasks ('' -> None: all of them). The stories
    are loaded and split for all of --tasks first, so that a subset run holds out the same
    validation stories as the run over all tasks it may start from."""
    if not spec:
        return None
    try:
        only = {int(x) for x in spec.split(",") if x}
    except ValueError:
        raise SystemExit("relnet_train: --train-only/--only: expected tasks, comma-separated, got '%s'" % spec)
    if not only or not only <= set(tasks):
        raise SystemExit("relnet_train: --train-only/--only %s: every task must be among --tasks (%s)" % (
            spec, ",".join(map(str, tasks))))
    return only


def keep_tasks(qs, only):
    """The stories of the tasks in `only` (None: all), in their order."""
    return qs if only is None else [q for q in qs if q["task"] in only]


def rare_times(qs, rare):
    """{(task, answer): times} for --oversample-rare K: within its task, an answer class whose
    stories are n times rarer than the task's most common answer is taken min(K, floor(n))
    times, so that rare whole answers (task 8's ordered pairs, task 7's counts above two)
    weigh more in the loss without changing a task whose answers are balanced."""
    count = {}
    for q in qs:
        count[(q["task"], q["answer"])] = count.get((q["task"], q["answer"]), 0) + 1
    top = {}
    for (t, _), n in count.items():
        top[t] = max(top.get(t, 0), n)
    return {ta: min(rare, max(1, top[ta[0]] // n)) for ta, n in count.items()}


def parse_long(spec):
    """'8:2' -> (8, 2): stories with at least 8 context sentences twice; '' -> None."""
    if not spec:
        return None
    try:
        m, k = (int(x) for x in spec.split(":"))
    except ValueError:
        raise SystemExit("relnet_train: --oversample-long: expected M:K (sentences:times), got '%s'" % spec)
    if m < 1 or k < 1:
        raise SystemExit("relnet_train: --oversample-long %s: M and K must be at least 1" % spec)
    return m, k


def oversample(qs, over, rare=1, long=None):
    """qs with task T's questions K times ({T: K}), (rare > 1) each rare answer's questions
    rare_times' more on top, and (long = (M, K)) each question with at least M context
    sentences K times that; the copies after the originals, the same objects."""
    if rare < 1:
        raise SystemExit("relnet_train: --oversample-rare K needs K >= 1 (1: off), got %d" % rare)
    times = rare_times(qs, rare) if rare > 1 else None

    def n(q):
        return (over.get(q["task"], 1) * (times[(q["task"], q["answer"])] if times else 1) *
                (long[1] if long and len(q["ctx"]) >= long[0] else 1))
    return qs + [q for q in qs for _ in range(n(q) - 1)]


def buckets(qs, batch, rng=None):
    """Batches of questions with the same context length M (no padded pairs), shuffled when rng."""
    by_m = {}
    for k, q in enumerate(qs):
        by_m.setdefault(len(q["ctx"]), []).append(k)
    out = []
    for m, ks in sorted(by_m.items()):
        if rng is not None:
            ks = [ks[i] for i in rng.permutation(len(ks))]
        for i in range(0, len(ks), batch):
            out.append(ks[i:i + batch])
    if rng is not None:
        out = [out[i] for i in rng.permutation(len(out))]
    return out


def pairs(m):
    """The instance pairs (i, j), i <= j, in the builder's order (models/relnet/build.c)."""
    return [(i, j) for i in range(m) for j in range(i, m)]
