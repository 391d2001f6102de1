#!/usr/bin/python3
"""EDP and time per step against the first swept parameter, one line per combination of
the others (the sweep.csv of `loihi-emu sweep`).

usage: tools/plot_sweep.py SWEEP.csv --out DIR      (writes sweep.png and sweep.svg)
"""
import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_traces  # noqa: E402

FIXED = ["point", "status", "step_mean_us", "step_p99_us", "latency_us", "energy_uj", "edp_ujs", "link_traversals",
         "command"]


def as_num(v):
    try:
        return float(v)
    except ValueError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.csv) as f:
        rd = csv.DictReader(f)
        rows = [r for r in rd if r["edp_ujs"]]
        params = [k for k in rd.fieldnames if k not in FIXED]
    if not rows or not params:
        plot_traces.fail("%s: no point with results" % a.csv)
    x = params[0]
    numeric = all(as_num(r[x]) is not None for r in rows)
    series = {}
    for r in rows:
        key = ", ".join("%s=%s" % (k, r[k]) for k in params[1:]) or "all"
        series.setdefault(key, []).append(r)
    p = plot_traces.plt()
    fig, (a1, a2) = p.subplots(1, 2, figsize=(10, 4))
    cats = list(dict.fromkeys(r[x] for r in rows))
    for name, rs in series.items():
        xs = [as_num(r[x]) if numeric else cats.index(r[x]) for r in rs]
        order = sorted(range(len(xs)), key=lambda i: xs[i])
        xs = [xs[i] for i in order]
        a1.plot(xs, [float(rs[i]["edp_ujs"]) for i in order], marker="o", label=name)
        a2.plot(xs, [float(rs[i]["step_mean_us"]) for i in order], marker="o", label=name)
    for ax, lab in ((a1, "EDP per inference (uJs)"), (a2, "time per step, mean (us)")):
        ax.set_xlabel(x)
        ax.set_ylabel(lab)
        if not numeric:
            ax.set_xticks(range(len(cats)))
            ax.set_xticklabels(cats, rotation=20)
        ax.grid(alpha=0.3)
    if len(series) > 1:
        a1.legend(fontsize=7)
    fig.suptitle("sweep over %s (%d points)" % (", ".join(params), len(rows)), fontsize=10)
    for f in plot_traces.save(fig, a.out, "sweep"):
        print(f)


if __name__ == "__main__":
    main()
