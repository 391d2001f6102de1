#!/usr/bin/env bash
# Congestion traces from the command line on the hot-spot example (models/examples/congestion):
# the size guard (exit 3 before anything is written), the VCD of packet mode equal to the
# SystemC mode's, and the heat maps: valid PNG and SVG files whose data puts the hottest cell
# where the routing says by hand. 256 sources on chip 0 (tiles x 0..7, y 0..1) send to chip 1
# through chip 0's east port at row 2: X first along rows 0 and 1 to x = 7, then north, so
# router (7,1)'s north link carries all 256 packets of every step, more than any other mesh
# link of chip 0, and the one chip-to-chip link carries 256 per step.
# usage: congestion_trace.sh <loihi-emu> <source dir>
set -u
bin=$1
src=$2
net=$src/models/examples/congestion/hotspot.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# The guard: refuses, says why, writes nothing, exit status 3.
"$bin" run "$net" --steps 50 --board kapoho-bay --trace-dir "$tmp/big" --trace-limit 1K >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || { echo "FAIL: --trace-limit 1K: exit $rc, expected 3"; fail=1; }
grep -q 'at most' "$tmp/err" || { echo "FAIL: no expected-size line before the refusal: $(cat "$tmp/err")"; fail=1; }
grep -q -- '--trace-limit' "$tmp/err" || { echo "FAIL: the refusal does not name --trace-limit: $(cat "$tmp/err")"; fail=1; }
[ -e "$tmp/big" ] && { echo "FAIL: the refused run created $tmp/big"; fail=1; }

# The VCD: packet mode and the SystemC network give the same arrivals, so the same file.
for m in packet systemc; do
  "$bin" run "$net" --steps 4 --board kapoho-bay --noc $m --trace-dir "$tmp/v$m" --vcd "$tmp/$m.vcd" >/dev/null 2>"$tmp/err" \
    || { echo "FAIL: --noc $m --vcd: $(cat "$tmp/err")"; fail=1; }
done
cmp -s "$tmp/packet.vcd" "$tmp/systemc.vcd" || { echo "FAIL: the packet and systemc VCDs differ"; fail=1; }
grep -q '^\$enddefinitions \$end$' "$tmp/packet.vcd" || { echo "FAIL: VCD without \$enddefinitions"; fail=1; }
"$bin" run "$net" --steps 4 --board kapoho-bay --vcd "$tmp/load.vcd" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || { echo "FAIL: --vcd in load mode should be a usage error"; fail=1; }

py=/usr/bin/python3
if ! [ -x "$py" ] || ! "$py" -c 'import matplotlib' 2>/dev/null; then
  echo "skipped the plots: Debian's python3-matplotlib is not installed (tools/deps.sh installs it)"
  exit $fail
fi
"$bin" run "$net" --steps 30 --board kapoho-bay --trace-dir "$tmp/t" --report "$tmp/r.json" --plot "$tmp/p" >/dev/null 2>"$tmp/err" \
  || { echo "FAIL: --plot: $(cat "$tmp/err")"; exit 1; }
# the hottest chip-0 mesh link in the trace itself (awk, not the plotting code)
hot=$(awk -F, 'NR > 1 && $3 == 0 && ($4 == "ew" || $4 == "ns") { n[$5 "," $6 "," $7] += $9 }
               END { for (k in n) if (n[k] > best) { best = n[k]; at = k } print at "," best }' "$tmp/t/links.csv")
[ "$hot" = "7,1,N,7680" ] || { echo "FAIL: hottest chip-0 mesh link in links.csv: $hot, expected 7,1,N,7680 (256 x 30)"; fail=1; }
"$py" - "$tmp/p" <<'PY' || fail=1
import json, os, struct, sys
import xml.etree.ElementTree as ET
d = sys.argv[1]
data = json.load(open(os.path.join(d, "heatmap_data.json")))
g = data["chips"]["0"]
cells = [(v, i, j) for i, row in enumerate(g) for j, v in enumerate(row) if v is not None]
best = max(cells)
# router (7,1)'s north link sits between rows y = 1 and 2 of column 7: cell (2*1+1, 2*7)
if (best[1], best[2]) != (3, 14) or best[0] != 256 or sum(1 for c in cells if c[0] == best[0]) != 1:
    sys.exit("FAIL: chip 0 heat map: hottest cell %s, expected (3, 14) alone at 256 packets per step" % (best,))
if data["board"][0][1] != 256:
    sys.exit("FAIL: board heat map: chip 0 - chip 1 cell %s, expected 256" % data["board"][0][1])
for name in ("heatmap_chip0", "heatmap_chip1", "heatmap_board", "steps", "raster", "energy"):
    png = open(os.path.join(d, name + ".png"), "rb").read()
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        sys.exit("FAIL: %s.png: no PNG signature and IHDR chunk" % name)
    w, h = struct.unpack(">II", png[16:24])
    if w < 200 or h < 150:
        sys.exit("FAIL: %s.png is %d x %d" % (name, w, h))
    root = ET.parse(os.path.join(d, name + ".svg")).getroot()
    if not root.tag.endswith("svg"):
        sys.exit("FAIL: %s.svg: root element %s" % (name, root.tag))
PY
# a step window: the heat map's data covers those steps only
"$py" "$src/tools/plot_heatmap.py" "$tmp/t" --out "$tmp/w" --from 11 --to 20 >/dev/null || { echo "FAIL: plot_heatmap.py window"; fail=1; }
"$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["steps"] == 10 and d["board"][0][1] == 256 else "FAIL: window data %s" % d["steps"])' "$tmp/w/heatmap_data.json" || fail=1
[ $fail -eq 0 ] && echo "ok"
exit $fail
