#!/usr/bin/python3
"""Pictures of a congestion trace folder (docs/traces.md) and of cost reports.

usage: tools/plot_traces.py TRACE_DIR --out DIR [--report R.json] [--from S] [--to S]

Writes into DIR, each as PNG and SVG:
  heatmap_chip<C>   link load over chip C's mesh (packets per traced step)
  heatmap_board     link load over the board's chip-to-chip links
  steps             time per step with its phases stacked
  raster            the spike raster (when raster.csv has rows)
  energy            energy split and EDP (with --report; two runs: tools/plot_energy.py)
and heatmap_data.json: the numbers behind the heat maps, so that a test can check them
without reading pixels. --from/--to restrict the heat maps to a step window.

The single plots have their own commands: tools/plot_heatmap.py, tools/plot_steps.py,
tools/plot_energy.py, tools/plot_raster.py. Debian's python3-matplotlib; no display needed.
"""
import argparse
import csv
import json
import math
import os
import sys

DIRS = "EWNS"


def fail(msg):
    print("plot_traces: " + msg, file=sys.stderr)
    sys.exit(2)


def plt():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as p
        return p
    except ImportError:
        fail("needs Debian's python3-matplotlib (apt-get install python3-matplotlib)")


def read_meta(tdir):
    try:
        with open(os.path.join(tdir, "meta.json")) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: not a trace folder (meta.json: %s)" % (tdir, e))


def save(fig, out, name):
    os.makedirs(out, exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        p = os.path.join(out, name + "." + ext)
        fig.savefig(p, dpi=110, bbox_inches="tight")
        paths.append(p)
    plt().close(fig)
    return paths


# ---- heat maps

def link_totals(tdir, first=None, last=None):
    """(chip, class, x, y, dir, core) -> packets over the steps in [first, last]; and the
    number of distinct traced steps in the window."""
    tot, steps = {}, set()
    with open(os.path.join(tdir, "steps.csv")) as f:
        for r in csv.DictReader(f):
            s = int(r["step"])
            if (first is None or s >= first) and (last is None or s <= last):
                steps.add(s)
    with open(os.path.join(tdir, "links.csv")) as f:
        for r in csv.DictReader(f):
            s = int(r["step"])
            if (first is not None and s < first) or (last is not None and s > last):
                continue
            k = (int(r["chip"]), r["class"], int(r["x"]), int(r["y"]), r["dir"], int(r["core"]))
            tot[k] = tot.get(k, 0) + int(r["packets"])
    return tot, max(len(steps), 1)


def heatmap_data(meta, tot, nsteps):
    """Per chip a (2 tiles_y - 1) x (2 tiles_x - 1) grid: cell (2y, 2x) the router's local
    links into its cores, (2y, 2x+1) the two links between routers (x, y) and (x+1, y),
    (2y+1, 2x) those between (x, y) and (x, y+1); the board a grid of the same shape over the
    chips, chip cells empty (None), link cells the two ports facing each other. Packets per
    traced step."""
    tx, ty = meta["tiles_x"], meta["tiles_y"]
    rows, cols = meta["chip_rows"], meta["chip_cols"]
    chips = {}
    # cells between four chips or four tiles join nothing: None, like the chips' own cells
    board = [[0.0 if (i + j) % 2 else None for j in range(2 * cols - 1)] for i in range(2 * rows - 1)]
    for (chip, cls, x, y, d, core), n in tot.items():
        v = n / nsteps
        if cls in ("chip", "board"):
            # x, y: the chip's column and row; the link towards its neighbour in direction d
            nx, ny = {"E": (x + 1, y), "W": (x - 1, y), "N": (x, y + 1), "S": (x, y - 1)}[d]
            if not (0 <= nx < cols and 0 <= ny < rows):
                continue
            board[y + ny][x + nx] += v
            continue
        g = chips.setdefault(chip, [[None if i % 2 and j % 2 else 0.0 for j in range(2 * tx - 1)]
                                    for i in range(2 * ty - 1)])
        if cls == "local":
            g[2 * y][2 * x] += v
        else:
            nx, ny = {"E": (x + 1, y), "W": (x - 1, y), "N": (x, y + 1), "S": (x, y - 1)}[d]
            if 0 <= nx < tx and 0 <= ny < ty:
                g[y + ny][x + nx] += v
    return {"packets_per": "traced step", "steps": nsteps, "chips": {str(c): chips[c] for c in sorted(chips)},
            "board": board}


def hottest(grid):
    best = None
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if v is not None and (best is None or v > best[0]):
                best = (v, i, j)
    return best


def draw_grid(ax, grid, title, xlab, ylab, nx, ny, unit_names):
    import numpy as np
    a = np.array([[np.nan if v is None else v for v in row] for row in grid], dtype=float)
    top = np.nanmax(a) if np.isfinite(a).any() else 1.0
    im = ax.imshow(a, origin="lower", cmap="inferno", interpolation="nearest", vmin=0, vmax=max(top, 1e-9),
                   extent=(-0.25, nx - 1 + 0.25, -0.25, ny - 1 + 0.25), aspect="equal")
    ax.set_xticks(range(nx))
    ax.set_yticks(range(ny))
    ax.set_xlabel(xlab)
    ax.set_ylabel(ylab)
    ax.set_title(title, fontsize=10)
    if unit_names:
        for y in range(ny):
            for x in range(nx):
                ax.text(x, y, unit_names(x, y), ha="center", va="center", fontsize=8, color="#2050a0")
    return im


def plot_heatmaps(tdir, out, first=None, last=None):
    p = plt()
    meta = read_meta(tdir)
    tot, nsteps = link_totals(tdir, first, last)
    data = heatmap_data(meta, tot, nsteps)
    window = "steps %s..%s" % (first or meta.get("from", 1), last or "end") if first or last else "whole run"
    data["window"] = window
    tx, ty = meta["tiles_x"], meta["tiles_y"]
    files = []
    for chip, grid in data["chips"].items():
        fig, ax = p.subplots(figsize=(1.1 * tx + 2, 1.1 * ty + 1.2))
        im = draw_grid(ax, grid, "chip %s mesh: link load (%s, %s)\nrouter cells: local links into its cores" % (chip, meta["board"], window),
                       "tile x (east ->)", "tile y (north ->)", tx, ty, None)
        fig.colorbar(im, ax=ax, label="packets per step")
        h = hottest(grid)
        if h and h[0] > 0:
            ax.annotate("max %.0f" % h[0], (h[2] / 2, h[1] / 2), color="cyan", fontsize=8, ha="center")
        files += save(fig, out, "heatmap_chip%s" % chip)
    rows, cols = meta["chip_rows"], meta["chip_cols"]
    if rows * cols > 1:
        fig, ax = p.subplots(figsize=(max(6, 1.0 * cols + 2), max(3.5, 1.0 * rows + 1.5)))
        im = draw_grid(ax, data["board"], "chip-to-chip links: load\n(%s, %s)" % (meta["board"], window),
                       "chip column (east ->)", "chip row (north ->)", cols, rows,
                       lambda x, y: "chip %d" % (y * cols + x))
        fig.colorbar(im, ax=ax, label="packets per step")
        files += save(fig, out, "heatmap_board")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "heatmap_data.json"), "w") as f:
        json.dump(data, f, indent=1)
    return files


# ---- time per step

def plot_steps(tdir, out):
    p = plt()
    meta = read_meta(tdir)
    cols = {k: [] for k in ("step", "inject_ps", "cores_net_ps", "barrier_ps", "mgmt_ps", "cores_ps", "net_ps")}
    with open(os.path.join(tdir, "steps.csv")) as f:
        for r in csv.DictReader(f):
            for k in cols:
                cols[k].append(int(r[k]))
    if not cols["step"]:
        return []
    us = {k: [v / 1e6 for v in cols[k]] for k in cols if k != "step"}
    title_bin = ""
    if len(cols["step"]) > 4000:  # a picture has no room for more: means over bins of steps
        k = -(-len(cols["step"]) // 2000)
        n = len(cols["step"]) // k * k
        us = {key: [sum(v[i:i + k]) / k for i in range(0, n, k)] for key, v in us.items()}
        cols["step"] = [cols["step"][i] for i in range(0, n, k)]
        title_bin = ", means over %d steps" % k
    fig, ax = p.subplots(figsize=(9, 4))
    labels = [("inject_ps", "x86 injection"), ("cores_net_ps", "cores + network"), ("barrier_ps", "barrier"),
              ("mgmt_ps", "x86 management")]
    ax.stackplot(cols["step"], *[us[k] for k, _ in labels], labels=[l for _, l in labels], step=None if title_bin else "mid",
                 alpha=0.85, linewidth=0, antialiased=False)
    ax.plot(cols["step"], us["net_ps"], color="black", lw=0.8, ls="--", label="network alone")
    ax.plot(cols["step"], us["cores_ps"], color="grey", lw=0.8, ls=":", label="slowest core alone")
    ax.set_xlabel("time step")
    ax.set_ylabel("time per step (us)")
    ax.set_title("time per step and its phases (%s, %s network%s)" % (meta["board"], meta["noc"], title_bin))
    ax.legend(loc="upper right", fontsize=8)
    ax.set_ylim(bottom=0)
    return save(fig, out, "steps")


# ---- raster

def plot_raster(tdir, out):
    p = plt()
    path = os.path.join(tdir, "raster.csv")
    if not os.path.exists(path):
        return []
    per = {}  # population -> ([steps], [indices]), in first-seen order
    with open(path) as f:
        next(f, None)
        for row in csv.reader(f):
            xs, ys = per.setdefault(row[1], ([], []))
            xs.append(int(row[0]))
            ys.append(int(row[2]))
    if not per:
        return []
    fig, ax = p.subplots(figsize=(9, 4.5))
    base, ticks, n = 0, [], 0
    for pop, (xs, ys) in per.items():
        size = max(ys) + 1
        # one line2D per population: much faster than a scatter of coloured points
        ax.plot(xs, [base + y for y in ys], linestyle="none", marker="|", markersize=2, markeredgewidth=0.5,
                rasterized=len(xs) > 20000)
        ticks.append((base + size / 2, pop))
        if base:
            ax.axhline(base - 0.5, color="#cccccc", lw=0.5)
        base += size
        n += len(xs)
    ax.set_yticks([t for t, _ in ticks])
    ax.set_yticklabels([l for _, l in ticks], fontsize=7)
    ax.set_xlabel("time step")
    ax.set_ylabel("neuron (by population)")
    ax.set_title("spike raster (%d spikes)" % n)
    return save(fig, out, "raster")


# ---- energy and EDP

SPLIT = [("neurocores_static", "neuro-cores static"), ("neurocores_dynamic", "neuro-cores dynamic"),
         ("x86_static", "x86 static"), ("x86_dynamic", "x86 dynamic")]


def read_report(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (path, e))
    if "energy_per_inference_split_j" not in doc or "edp_js" not in doc:
        fail("%s: not a loihi-emu cost report (--report / --json of run)" % path)
    return doc


def plot_energy(reports, names, out, name="energy"):
    p = plt()
    docs = [read_report(r) for r in reports]
    fig, (a1, a2) = p.subplots(1, 2, figsize=(9, 4), gridspec_kw={"width_ratios": [2, 1]})
    bottom = [0.0] * len(docs)
    for key, label in SPLIT:
        v = [d["energy_per_inference_split_j"][key] * 1e6 for d in docs]
        a1.bar(names, v, bottom=bottom, label=label)
        bottom = [b + x for b, x in zip(bottom, v)]
    a1.set_ylabel("energy per inference (uJ)")
    a1.set_title("energy split")
    a1.legend(fontsize=8)
    edp = [d["edp_js"] * 1e6 for d in docs]
    a2.bar(names, edp, color="#555555")
    for i, v in enumerate(edp):
        a2.text(i, v, "%.3g" % v, ha="center", va="bottom", fontsize=8)
    a2.set_ylabel("EDP per inference (uJs)")
    a2.set_title("EDP")
    fig.subplots_adjust(wspace=0.35)
    return save(fig, out, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trace_dir")
    ap.add_argument("--out", required=True)
    ap.add_argument("--report")
    ap.add_argument("--from", dest="first", type=int)
    ap.add_argument("--to", dest="last", type=int)
    a = ap.parse_args()
    files = plot_heatmaps(a.trace_dir, a.out, a.first, a.last)
    if a.first or a.last:  # the whole run too, beside the window
        files += plot_heatmaps(a.trace_dir, os.path.join(a.out, "whole-run"))
    files += plot_steps(a.trace_dir, a.out)
    files += plot_raster(a.trace_dir, a.out)
    if a.report:
        files += plot_energy([a.report], ["this run"], a.out)
    for f in files:
        print(f)


if __name__ == "__main__":
    main()
