#!/usr/bin/python3
"""EDP and time per step of the Spiking RelNet against story size M, ours beside the paper's.

usage: tools/plot_relnet.py [--data OUT.csv] OUT.png A.json [B.json ...]

Inputs with different weight directories (generated and trained) give one series per
placement and weights, named after the directory (generated-1, run2/weights).

Reads the --json output of `loihi-emu relnet` (one or more files: rows with sentences,
placement, edp_ujs, us_per_step, energy_mj and the paper's Table S2 row under "paper"), and
writes OUT.png and OUT.svg: EDP (uJs, log scale) against M per placement with Table S2's EDP
as its own series, and a second panel with the emulated time per step. --data writes the plotted series
as CSV (series,sentences,edp_ujs,us_per_step), so that a test can check the plot's numbers
without reading pixels.

Debian's python3 with python3-matplotlib (tools/deps.sh); the Agg backend needs no display.
"""
import argparse
import csv
import json
import os
import sys

PAPER = "paper (Table S2)"


def fail(msg):
    print("plot_relnet: " + msg, file=sys.stderr)
    sys.exit(2)


def read_rows(paths):
    """Series name -> {M: (edp_ujs, us_per_step)}, in first-seen order, the paper's last; and
    the boards the inputs ran on."""
    runs = []
    for p in paths:
        try:
            with open(p) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            fail("%s: %s" % (p, e))
        if not isinstance(doc, dict) or not isinstance(doc.get("rows"), list):
            fail("%s: not the --json output of loihi-emu relnet (no 'rows' list)" % p)
        runs.append((p, doc))
    # The network mode and the weights go into the series name only when the inputs mix them:
    # one placement run in load and packet mode, or with generated and trained weights, are
    # different series, but usually there is one of each.
    networks = {doc.get("network", "?") for _, doc in runs}
    weights = {weights_label(doc) for _, doc in runs}
    series, paper = {}, {}
    for p, doc in runs:
        for i, r in enumerate(doc["rows"]):
            try:
                m = int(r["sentences"])
                name = str(r["placement"])
                point = (float(r["edp_ujs"]), float(r["us_per_step"]))
            except (KeyError, TypeError, ValueError) as e:
                fail("%s: row %d: missing or bad field %s" % (p, i, e))
            if len(networks) > 1:
                name += " (%s)" % doc.get("network", "?")
            if len(weights) > 1:
                name += ", " + weights_label(doc)
            s = series.setdefault(name, {})
            if m in s and s[m] != point:
                print("plot_relnet: %s: M = %d, %s given twice; the later row is plotted" % (p, m, name),
                      file=sys.stderr)
            s[m] = point
            pr = r.get("paper")
            if pr is not None:
                try:
                    pp = (float(pr["edp_ujs"]), float(pr["us_per_step"]))
                except (KeyError, TypeError, ValueError) as e:
                    fail("%s: row %d: paper: missing or bad field %s" % (p, i, e))
                if m in paper and paper[m] != pp:
                    fail("%s: M = %d: two different Table S2 rows in the inputs" % (p, m))
                paper[m] = pp
    if not series:
        fail("no rows in " + ", ".join(paths))
    if paper:
        series[PAPER] = paper
    return series, sorted({str(doc.get("board", "?")) for _, doc in runs})


def weights_label(doc):
    """The weight directory's last two path parts: generated-1, run2/weights."""
    parts = [x for x in str(doc.get("weights", "?")).replace("\\", "/").split("/") if x]
    last = parts[-2:] if parts and parts[-1] == "weights" else parts[-1:]
    return "/".join(last) or "?"


def replace_whole(path, write):
    """write(tmp) fills PATH.tmp-PID beside path, which then replaces path: a reader never
    sees half a file, and a failure leaves the old one (as util/outfile.h does)."""
    tmp = "%s.tmp-%d" % (path, os.getpid())
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_csv(path, series):
    def write(tmp):
        with open(tmp, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["series", "sentences", "edp_ujs", "us_per_step"])
            for name, pts in series.items():
                for m in sorted(pts):
                    w.writerow([name, m, repr(pts[m][0]), repr(pts[m][1])])
    replace_whole(path, write)


def plot(out_png, series, title):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
    except ImportError:
        print("plot_relnet: matplotlib is missing (Debian: apt-get install python3-matplotlib)", file=sys.stderr)
        sys.exit(3)
    fig, (ax_edp, ax_t) = plt.subplots(1, 2, figsize=(11, 4.5))
    for name, pts in series.items():
        ms = sorted(pts)
        style = dict(linestyle="--", marker="s", color="black") if name == PAPER else dict(marker="o")
        ax_edp.plot(ms, [pts[m][0] for m in ms], label=name, **style)
        ax_t.plot(ms, [pts[m][1] for m in ms], label=name, **style)
    all_m = sorted({m for pts in series.values() for m in pts})
    for ax, what in ((ax_edp, "energy-delay product per inference (µJ·s)"), (ax_t, "time per step (µs)")):
        ax.set_xlabel("story size M (sentences)")
        ax.set_ylabel(what)
        ax.set_xticks(all_m)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    # EDP grows about as M^2 to M^3 and the placements differ by up to 10x at M = 20: on a
    # linear axis the small stories and the optimised-vs-paper gap would be flat lines.
    ax_edp.set_yscale("log")
    ax_edp.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: "%g" % v))
    ax_t.set_ylim(bottom=0)
    ax_edp.set_title("EDP against story size (log scale)")
    ax_t.set_title("time per step against story size")
    fig.suptitle(title)
    fig.tight_layout()
    replace_whole(out_png, lambda tmp: fig.savefig(tmp, dpi=120, format="png"))
    replace_whole(os.path.splitext(out_png)[0] + ".svg", lambda tmp: fig.savefig(tmp, format="svg"))
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description="Plot EDP and time per step of `loihi-emu relnet --json` outputs.")
    ap.add_argument("--data", metavar="OUT.csv", help="also write the plotted series as CSV")
    ap.add_argument("out", metavar="OUT.png", help="the PNG to write (an SVG is written beside it)")
    ap.add_argument("json", metavar="A.json", nargs="+", help="--json outputs of loihi-emu relnet")
    a = ap.parse_args()
    if not a.out.lower().endswith(".png"):
        fail("%s: the output must be a .png file (the .svg is written beside it)" % a.out)
    series, boards = read_rows(a.json)
    if a.data:
        write_csv(a.data, series)
    plot(a.out, series, "Spiking RelNet (seed 002) on %s: emulated vs Table S2" % ", ".join(boards))


if __name__ == "__main__":
    main()
