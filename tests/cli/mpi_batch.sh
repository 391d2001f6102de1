#!/usr/bin/env bash
# mpirun -np 2 and -np 3 (an odd split) of smnist and relnet give the bytes of one process;
# a rank that alone sees bad input makes every rank stop with the same error, no hang.
# Skipped (77) without an MPI build (LE_MPIRUN empty).
# usage: mpi_batch.sh <loihi-emu> <source dir>
set -u
bin=$1
src=$2
data=${LE_DATA_DIR:-$src/data}
mpirun=${LE_MPIRUN:-}
[ -n "$mpirun" ] || { echo "skipped: no MPI build"; exit 77; }
# CI runs as root on few cores; OpenMPI's leak-prone start-up is not ours to check.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0
mpi() { timeout 300 "$mpirun" --allow-run-as-root --oversubscribe "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
args=(smnist --data "$data" --images 25 --first 100 --ledger)
"$bin" "${args[@]}" --jobs 1 --json "$tmp/s.json" --predictions "$tmp/s.csv" >"$tmp/s.txt" 2>"$tmp/err" ||
  { echo "FAIL: smnist: $(cat "$tmp/err")"; exit 1; }
for np in 2 3; do
  mpi -np $np "$bin" "${args[@]}" --jobs 2 --json "$tmp/m.json" --predictions "$tmp/m.csv" >"$tmp/m.txt" 2>"$tmp/err" ||
    { echo "FAIL: mpirun -np $np smnist: $(cat "$tmp/err")"; fail=1; continue; }
  for f in json csv txt; do
    cmp -s "$tmp/s.$f" "$tmp/m.$f" || { echo "FAIL: mpirun -np $np smnist: $f differs from one process"; fail=1; }
  done
done
rargs=(relnet --data "$data" --sentences 2,6 --stories 2 --ledger)
"$bin" "${rargs[@]}" --jobs 1 --json "$tmp/r.json" --predictions "$tmp/r.csv" >"$tmp/r.txt" 2>"$tmp/err" ||
  { echo "FAIL: relnet: $(cat "$tmp/err")"; exit 1; }
mpi -np 3 "$bin" "${rargs[@]}" --json "$tmp/q.json" --predictions "$tmp/q.csv" >"$tmp/q.txt" 2>"$tmp/err" ||
  { echo "FAIL: mpirun -np 3 relnet: $(cat "$tmp/err")"; fail=1; }
for f in json csv txt; do
  cmp -s "$tmp/r.$f" "$tmp/q.$f" || { echo "FAIL: mpirun -np 3 relnet: $f differs from one process"; fail=1; }
done
# Rank 1 (of 3) alone has a data folder that does not exist.
mpi -np 1 "$bin" smnist --data "$data" --images 5 : -np 1 "$bin" smnist --data "$tmp/none" --images 5 \
  : -np 1 "$bin" smnist --data "$data" --images 5 >"$tmp/o" 2>"$tmp/err"
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || { echo "FAIL: failing rank: exit $rc (124: a hang)"; fail=1; }
n=$(grep -c "^loihi-emu: rank 1: cannot open $tmp/none" "$tmp/err")
[ "$n" -eq 1 ] || { echo "FAIL: failing rank: expected the error once, from rank 1: $(cat "$tmp/err")"; fail=1; }
[ ! -s "$tmp/o" ] || { echo "FAIL: failing rank: a report was printed"; fail=1; }
[ $fail -eq 0 ] && echo ok
exit $fail
