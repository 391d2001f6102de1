#!/usr/bin/env bash
# mpirun -np 2 and -np 3 of `run --board 2x2` (board mode): trace, report table, report JSON
# and summary byte-identical to one process, in the load and packet network modes, on a
# network whose populations sit on all four chips and talk across them (so across ranks);
# --partition moves the split; a rank that alone cannot read its network file makes every
# rank stop with the same error. Skipped (77) without an MPI build.
# usage: mpi_board.sh <loihi-emu> <source dir>
set -u
bin=$1
mpirun=${LE_MPIRUN:-}
[ -n "$mpirun" ] || { echo "skipped: no MPI build"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0
mpi() { timeout 300 "$mpirun" --allow-run-as-root --oversubscribe "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# Eight populations, two per chip, random synapses between them (seeded), eight inputs.
/usr/bin/python3 - >"$tmp/net.yaml" <<'PY'
import random
r = random.Random(7)
chips = 4
out = ["populations:", "  - {name: in, kind: input, size: 8}"]
pops = []
for c in range(chips):
    for k in range(2):
        name = "p%d_%d" % (c, k)
        kind = "ahp" if k else "lif"
        extra = ", aux: {decay_u: 300, decay_v: 200}, ahp_weight: 60, ahp_wexp: -2" if kind == "ahp" else ""
        out.append("  - {name: %s, kind: %s, size: 24, decay_u: %d, decay_v: %d, bias_mant: %d, bias_exp: 5, vth_mant: %d, refract: 2, placement: {first_core: %d, per_core: 6}%s}"
                   % (name, kind, r.randint(200, 3000), r.randint(100, 2000), r.randint(0, 600), r.randint(40, 200), c * 128 + 8 * k + 3, extra))
        pops.append(name)
out.append("connections:")
for a in pops:
    for b in pops:
        if r.random() < 0.45:
            syn = []
            for i in range(24):
                for j in range(24):
                    if r.random() < 0.2:
                        syn.append("[%d, %d, %d]" % (i, j, r.randint(-200, 254)))
            out.append("  - {from: %s, to: %s, synapses: [%s], delay: %d, wexp: 2, sign_mode: mixed}" % (a, b, ", ".join(syn), r.randint(0, 3)))
for b in pops[::3]:
    syn = ["[%d, %d, %d]" % (i, j, r.randint(50, 255)) for i in range(8) for j in range(24) if r.random() < 0.3]
    out.append("  - {from: in, to: %s, synapses: [%s], wexp: 3, sign_mode: excitatory}" % (b, ", ".join(syn)))
out.append("inputs:")
for n in range(8):
    steps = sorted(r.sample(range(1, 120), 15))
    out.append("  - {population: in, neuron: %d, steps: [%s]}" % (n, ", ".join(map(str, steps))))
print("\n".join(out))
PY
runs=0
for noc in load packet; do
  "$bin" run "$tmp/net.yaml" --steps 150 --board 2x2 --noc $noc --trace "$tmp/s.csv" --report "$tmp/s.json" \
    >"$tmp/s.txt" 2>"$tmp/s.err" || { echo "FAIL: one process, $noc: $(cat "$tmp/s.err")"; exit 1; }
  for np in 2 3; do
    LE_MPI_STATS=1 mpi -np $np "$bin" run "$tmp/net.yaml" --steps 150 --board 2x2 --noc $noc --trace "$tmp/m.csv" \
      --report "$tmp/m.json" >"$tmp/m.txt" 2>"$tmp/m.err" || { echo "FAIL: -np $np $noc: $(cat "$tmp/m.err")"; fail=1; continue; }
    for f in csv json txt; do
      cmp -s "$tmp/s.$f" "$tmp/m.$f" || { echo "FAIL: -np $np --noc $noc: $f differs from one process"; fail=1; }
    done
    grep -v ": rank " "$tmp/m.err" | cmp -s "$tmp/s.err" - || { echo "FAIL: -np $np $noc: summary differs"; fail=1; }
    # Every rank holds only its own chips' cores, and sends spikes to the others.
    [ "$(grep -c ": rank [0-9]*: chips" "$tmp/m.err")" -eq $np ] || { echo "FAIL: -np $np: $(cat "$tmp/m.err")"; fail=1; }
    [ "$(grep -o ", [0-9]* cores, exchange" "$tmp/m.err" | awk '{s += $2} END {print s}')" -eq 32 ] ||
      { echo "FAIL: -np $np: the ranks' cores do not add up to 32: $(cat "$tmp/m.err")"; fail=1; }
    runs=$((runs + 1))
  done
done
# Traffic crosses chips (and so ranks): chip-to-chip ports are busy.
grep -q "port . -> chip" "$tmp/s.txt" || { echo "FAIL: no chip-to-chip traffic in the test network"; fail=1; }
grep -q ",1$" "$tmp/s.csv" || { echo "FAIL: no spike in the trace"; fail=1; }
# A split of one's own: rank 1 from chip 3.
LE_MPI_STATS=1 mpi -np 2 "$bin" run "$tmp/net.yaml" --steps 150 --board 2x2 --noc packet --partition 3 \
  --trace "$tmp/p.csv" >/dev/null 2>"$tmp/p.err" || { echo "FAIL: --partition 3: $(cat "$tmp/p.err")"; fail=1; }
grep -q "rank 1: chips 3..3" "$tmp/p.err" || { echo "FAIL: --partition 3: $(cat "$tmp/p.err")"; fail=1; }
cmp -s "$tmp/s.csv" "$tmp/p.csv" || { echo "FAIL: --partition 3: trace differs"; fail=1; }
mpi -np 2 "$bin" run "$tmp/net.yaml" --steps 5 --board 2x2 --partition 5 >/dev/null 2>"$tmp/p.err" &&
  { echo "FAIL: --partition 5 on 4 chips accepted"; fail=1; }
grep -q "partition '5'" "$tmp/p.err" || { echo "FAIL: --partition 5: $(cat "$tmp/p.err")"; fail=1; }
# Rank 2 (of 3) alone is given a network file that does not exist.
mpi -np 2 "$bin" run "$tmp/net.yaml" --steps 20 --board 2x2 : -np 1 "$bin" run "$tmp/none.yaml" --steps 20 \
  --board 2x2 >"$tmp/o" 2>"$tmp/err"
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || { echo "FAIL: failing rank: exit $rc (124: a hang)"; fail=1; }
[ "$(grep -c "^loihi-emu: rank 2: .*none.yaml" "$tmp/err")" -eq 1 ] ||
  { echo "FAIL: failing rank: expected the error once, from rank 2: $(cat "$tmp/err")"; fail=1; }
[ ! -s "$tmp/o" ] || { echo "FAIL: failing rank: a report was printed"; fail=1; }
[ $fail -eq 0 ] && echo "ok ($runs multi-rank runs identical)"
exit $fail
