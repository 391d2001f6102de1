#!/usr/bin/env bash
# Board mode holds a rank's share, not the board: bench_mpi --check 1 with 1, 2 and 3 ranks
# on a 100-chip network (rows of 48 chips) whose synapses cross the ranks' boundaries (east
# and south neighbours, wrapping round the grid). Rank 0 checks that the ranks' configured
# cores are disjoint, each on the rank's own chips, together every core and neuron of the
# network, and that no rank holds per-neuron tables for the whole network; the spikes are
# those of one process (each rank generates only its chips' synapses, from streams seeded
# per target core). Skipped (77) without an MPI build.
# usage: mpi_share.sh <loihi-emu> <source dir>
set -u
bench=$(dirname "$1")/bench_mpi
mpirun=${LE_MPIRUN:-}
[ -n "$mpirun" ] || { echo "skipped: no MPI build"; exit 77; }
[ -x "$bench" ] || { echo "FAIL: no $bench"; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
args=(--chips 100 --cores 2 --per-core 8 --fanin 16 --steps 30 --check 1)
"$bench" "${args[@]}" >"$tmp/1.txt" 2>&1 || { echo "FAIL: one process:"; cat "$tmp/1.txt"; fail=1; }
for np in 2 3; do
  if ! timeout 300 "$mpirun" --allow-run-as-root --oversubscribe -np $np "$bench" "${args[@]}" >"$tmp/$np.txt" 2>&1; then
    echo "FAIL: -np $np:"; cat "$tmp/$np.txt"; fail=1; continue
  fi
  grep -q "shares: 200 cores and 1600 neurons, each configured by one rank" "$tmp/$np.txt" ||
    { echo "FAIL: -np $np: no share check"; cat "$tmp/$np.txt"; fail=1; }
  # one rank line per rank
  [ "$(grep -cE '^  [0-9]+ +[0-9]+\.\.' "$tmp/$np.txt")" = "$np" ] || { echo "FAIL: -np $np: not $np rank lines"; fail=1; }
  a=$(grep "spikes per neuron per step" "$tmp/1.txt"); b=$(grep "spikes per neuron per step" "$tmp/$np.txt")
  [ -n "$a" ] && [ "$a" = "$b" ] || { echo "FAIL: -np $np: '$b', one process '$a'"; fail=1; }
done
[ $fail = 0 ] && echo "mpi_share: ok"
exit $fail
