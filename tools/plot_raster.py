#!/usr/bin/python3
"""Spike raster of a trace folder (raster.csv), neurons grouped by population.

usage: tools/plot_raster.py TRACE_DIR --out DIR      (writes raster.png and raster.svg)
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
for f in plot_traces.plot_raster(a.trace_dir, a.out):
    print(f)
