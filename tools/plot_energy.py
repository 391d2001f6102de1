#!/usr/bin/python3
"""Energy per inference split as in Table S1, and EDP, as bars for runs side by side.

usage: tools/plot_energy.py --out DIR A.json [B.json ...] [--names a,b]

The JSON files are cost reports (`loihi-emu run --report`). Writes energy.png/.svg.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_traces  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("reports", nargs="+")
ap.add_argument("--out", required=True)
ap.add_argument("--names")
a = ap.parse_args()
names = a.names.split(",") if a.names else [os.path.basename(os.path.dirname(os.path.abspath(r))) or r for r in a.reports]
if len(names) != len(a.reports):
    plot_traces.fail("--names: %d names for %d reports" % (len(names), len(a.reports)))
for f in plot_traces.plot_energy(a.reports, names, a.out):
    print(f)
