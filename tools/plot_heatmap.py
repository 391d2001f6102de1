#!/usr/bin/python3
"""Heat maps of link load: each chip's mesh and the board's chip-to-chip links.

usage: tools/plot_heatmap.py TRACE_DIR --out DIR [--from S] [--to S]

TRACE_DIR is a folder of `loihi-emu run ... --trace-dir` (docs/traces.md). Writes
heatmap_chip<C>.png/.svg, heatmap_board.png/.svg and heatmap_data.json (the plotted numbers)
into DIR; --from/--to restrict it to a step window.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_traces  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("trace_dir")
ap.add_argument("--out", required=True)
ap.add_argument("--from", dest="first", type=int)
ap.add_argument("--to", dest="last", type=int)
a = ap.parse_args()
for f in plot_traces.plot_heatmaps(a.trace_dir, a.out, a.first, a.last):
    print(f)
