"""What every stage shares: threads, seeds, the run folder, the log, checkpoints, progress."""
import argparse
import json
import os
import platform
import random
import sys
import time

# One BLAS/torch thread: the machine's cores are shared with C builds (docs/relnet-training.md).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHECKPOINT_EVERY_S = 15 * 60


def data_dir(arg=None):
    for d in (arg, os.environ.get("LE_DATA_DIR"), os.path.join(ROOT, "data"), os.path.join(ROOT, "..", "shared", "data")):
        if d and os.path.isdir(os.path.join(d, "babi")):
            return d
    raise SystemExit("relnet_train: no data folder with babi/ (use --data, $LE_DATA_DIR or tools/fetch-data.sh)")


def parse_tasks(s):
    return sorted({int(x) for x in s.split(",") if x})


def base_args(description, resume=True):
    """The arguments every command shares; `resume` False for commands that only read a run
    (score, diagnose, compare, keep), where --resume would mean nothing."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--out", required=True, help="run folder (checkpoints, log, config)")
    ap.add_argument("--tasks", default="1,4,15,20", help="bAbI tasks, comma-separated")
    ap.add_argument("--data", default=None, help="data folder with babi/ (default $LE_DATA_DIR or <repo>/data)")
    ap.add_argument("--seed", type=int, default=1)
    if resume:
        ap.add_argument("--resume", action="store_true", help="continue from the stage's last checkpoint")
    return ap


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %s, %d cores, torch %s, %d thread" % (platform.node(), cpu, os.cpu_count() or 0, torch.__version__,
                                                      torch.get_num_threads())


class Run:
    """A stage's run: its log file (appended, so resumed runs continue it), wall and CPU clocks
    that survive resuming (kept in the checkpoint), and checkpoints written atomically."""

    def __init__(self, out, stage, args):
        os.makedirs(out, exist_ok=True)
        self.out, self.stage = out, stage
        self.log_path = os.path.join(out, "train.log")
        self.ckpt_path = os.path.join(out, "%s.ckpt.pt" % stage)
        self.t_wall0, self.t_cpu0 = time.time(), time.process_time()
        self.wall_before = self.cpu_before = 0.0
        self.last_ckpt = time.time()
        self.tty = sys.stderr.isatty()
        self.log("stage %s start: %s" % (stage, " ".join(sys.argv[1:])))
        self.log("machine: %s" % machine())
        with open(os.path.join(out, "config_%s.json" % stage), "w") as f:
            json.dump(vars(args), f, indent=1, sort_keys=True)

    def wall(self):
        return self.wall_before + time.time() - self.t_wall0

    def cpu(self):
        return self.cpu_before + time.process_time() - self.t_cpu0

    def log(self, msg):
        line = "%s [%s] %s" % (time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()), self.stage, msg)
        with open(self.log_path, "a") as f:
            f.write(line + "\n")
        if self.tty:
            sys.stderr.write("\r\033[K")
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def progress(self, what, i, n, extra=""):
        if not self.tty:
            return
        w = 30
        k = int(w * i / max(n, 1))
        sys.stderr.write("\r\033[K%s [%s%s] %d/%d %s" % (what, "#" * k, "." * (w - k), i, n, extra))
        sys.stderr.flush()

    def save(self, state, path=None):
        state = dict(state)
        state["_wall"], state["_cpu"] = self.wall(), self.cpu()
        path = path or self.ckpt_path
        tmp = path + ".tmp"
        torch.save(state, tmp)
        os.replace(tmp, path)
        self.last_ckpt = time.time()

    def due(self):
        return time.time() - self.last_ckpt > CHECKPOINT_EVERY_S

    def load(self):
        if not os.path.exists(self.ckpt_path) and os.path.exists(pieces_manifest(self.out, self.stage)):
            join_pieces(self.out, self.stage)
            self.log("checkpoint %s rebuilt from the committed pieces in %s" % (self.ckpt_path,
                                                                                 os.path.join(self.out, "resume")))
        if not os.path.exists(self.ckpt_path):
            raise SystemExit("relnet_train: --resume: no checkpoint %s" % self.ckpt_path)
        st = torch.load(self.ckpt_path)
        self.wall_before, self.cpu_before = st.get("_wall", 0.0), st.get("_cpu", 0.0)
        self.t_wall0, self.t_cpu0 = time.time(), time.process_time()
        self.log("resumed from %s (%.0f s wall, %.0f s CPU before)" % (self.ckpt_path, self.wall_before,
                                                                       self.cpu_before))
        return st

    def done(self, summary):
        self.log("stage %s done: wall %.0f s, CPU %.0f s; %s" % (self.stage, self.wall(), self.cpu(), summary))
        with open(os.path.join(self.out, "times.json"), "a") as f:
            f.write(json.dumps({"stage": self.stage, "wall_s": round(self.wall()), "cpu_s": round(self.cpu()),
                                "machine": machine(), "summary": summary}) + "\n")


def load_stage(out, stage):
    p = os.path.join(out, "%s.pt" % stage)
    if not os.path.exists(p):
        raise SystemExit("relnet_train: %s missing: run stage %s first" % (p, stage[-1].upper()))
    return torch.load(p)


# A checkpoint with the optimiser's state is larger than the files the repository keeps (under
# 4 MB each), so a session that stops mid-stage commits it in pieces (`keep`): the next
# session's `--resume` in a fresh clone joins them and continues exactly where it stopped.
PIECE_BYTES = 3 << 20


def pieces_manifest(out, stage):
    return os.path.join(out, "resume", "%s.ckpt.json" % stage)


def split_pieces(out, stage):
    """<out>/<stage>.ckpt.pt -> <out>/resume/<stage>.ckpt.pt.NN and a manifest (size, SHA-256)."""
    import hashlib
    src = os.path.join(out, "%s.ckpt.pt" % stage)
    if not os.path.exists(src):
        raise SystemExit("relnet_train: keep: no checkpoint %s" % src)
    with open(src, "rb") as f:
        blob = f.read()
    d = os.path.join(out, "resume")
    os.makedirs(d, exist_ok=True)
    for old in os.listdir(d):
        if old.startswith("%s.ckpt.pt." % stage):
            os.remove(os.path.join(d, old))
    names = []
    for k in range(0, len(blob), PIECE_BYTES):
        name = "%s.ckpt.pt.%02d" % (stage, k // PIECE_BYTES)
        with open(os.path.join(d, name), "wb") as f:
            f.write(blob[k:k + PIECE_BYTES])
        names.append(name)
    with open(pieces_manifest(out, stage), "w") as f:
        json.dump({"pieces": names, "bytes": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}, f, indent=1)
    return names, len(blob)


def join_pieces(out, stage):
    import hashlib
    with open(pieces_manifest(out, stage)) as f:
        man = json.load(f)
    parts = []
    for name in man["pieces"]:
        with open(os.path.join(out, "resume", name), "rb") as f:
            parts.append(f.read())
    blob = b"".join(parts)
    if len(blob) != man["bytes"] or hashlib.sha256(blob).hexdigest() != man["sha256"]:
        raise SystemExit("relnet_train: the pieces in %s/resume do not make the checkpoint their manifest names "
                         "(size or SHA-256 differ)" % out)
    dst = os.path.join(out, "%s.ckpt.pt" % stage)
    with open(dst + ".tmp", "wb") as f:
        f.write(blob)
    os.replace(dst + ".tmp", dst)
