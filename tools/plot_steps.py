#!/usr/bin/python3
"""Time per step over a run, its phases stacked (x86 injection, cores + network, barrier,
x86 management), with the network's and the slowest core's own times as lines.

usage: tools/plot_steps.py TRACE_DIR --out DIR      (writes steps.png and steps.svg)
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_traces  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("trace_dir")
ap.add_argument("--out", required=True)
a = ap.parse_args()
for f in plot_traces.plot_steps(a.trace_dir, a.out):
    print(f)
