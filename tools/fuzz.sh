#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/, Debian's clang-14, ASan + UBSan) in build-fuzz/ and
# runs them: first every kept input of fuzz/regress/TARGET/ once, then fuzzing from the seed
# corpus fuzz/corpus/TARGET/.
#   tools/fuzz.sh [--runs N | --time S] [--jobs J] [TARGET...]
# TARGET: netfile arch board hints manifest npy idx babi questions (the default: all of them) or nir.
# --runs N: N executions per target (default 10000, what tools/test.sh runs);
# --time S: fuzz each target for S seconds instead. The committed corpus is never written:
# new inputs go to build-fuzz/work/TARGET/, crashes to build-fuzz/crashes/TARGET/ (copy one
# into fuzz/regress/TARGET/ once fixed). Prints executions per target; exit 1 on any finding.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=10000 secs=0 jobs=${LE_JOBS:-$(nproc)}
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; secs=0; shift 2 ;;
    --time) secs=$2; runs=0; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "tools/fuzz.sh: unknown option '$1'" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
# nir runs only when named: libhdf5 1.10 is not hardened against hostile files (it hangs in
# its global heap and allocates lengths a file states), so fuzzing it finds libhdf5's defects
# within seconds and cannot pass a fixed budget; fuzz/README.md.
all=(netfile arch board hints manifest npy idx babi questions)
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

cc=$(command -v clang-14 || command -v clang || true)
if [ -z "$cc" ] || ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "tools/fuzz.sh: needs clang-14 and libclang-rt-14-dev (tools/deps.sh installs them)" >&2
  exit 2
fi
dir="$root/build-fuzz"
opts=(-DCMAKE_C_COMPILER="$cc")
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
if command -v ccache >/dev/null 2>&1; then
  opts+=(-DCMAKE_C_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$root")} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
[ -f "$dir/CMakeCache.txt" ] || cmake -S "$root/fuzz" -B "$dir" "${gen[@]}" "${opts[@]}" >/dev/null
cmake --build "$dir" -j "$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null

# Leaks are findings; a hang is a finding after 10 s; an allocation above 512 MiB is one too
# (the harnesses run under a 64 MiB memory budget, fuzz/targets.h, so the guards must stop
# every absurd size first).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
common=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1)
# The inputs are written to a file per execution: in memory when /dev/shm is there.
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=${LE_FUZZ_TMPDIR:-/dev/shm}

# run_one TARGET: replays the kept inputs, fuzzes, and writes one line of figures to stat/TARGET.
run_one() {
  local t=$1 bin="$dir/fuzz_$1" log="$dir/log/$1.txt" result=ok
  mkdir -p "$dir/work/$t" "$dir/crashes/$t"
  # Replay: every kept input once (a directory argument with -runs=0 runs each file).
  local reg="$root/fuzz/regress/$t"
  if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
    "$bin" "${common[@]}" -runs=0 "$reg" >"$dir/log/$t.regress.txt" 2>&1 || result="REGRESSION (log/$t.regress.txt)"
  fi
  local limit=(-runs="$runs"); [ "$secs" -gt 0 ] && limit=(-max_total_time="$secs")
  # libhdf5 allocates a variable-length string's stated length (up to 4 GiB) before it reads
  # it, and the HDF5 API offers no way to check that claim first: allocations are findings
  # only above that bound for the NIR reader.
  [ "$t" = nir ] && limit+=(-malloc_limit_mb=4200)
  local start end execs
  start=$(date +%s.%N)
  if ! "$bin" "${common[@]}" "${limit[@]}" -max_len=65536 -artifact_prefix="$dir/crashes/$t/" \
      "$dir/work/$t" "$root/fuzz/corpus/$t" >"$log" 2>&1; then
    result="FINDING: $(ls -t "$dir/crashes/$t" | head -1) (log/$t.txt)"
  fi
  end=$(date +%s.%N)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  awk -v t="$t" -v n="${execs:-0}" -v a="$start" -v b="$end" -v r="$result" \
    'BEGIN { s = b - a; printf "%-10s %10d %8.1f %10.0f %s\n", t, n, s, (s > 0 ? n / s : 0), r }' >"$dir/stat/$t"
}

# One target per core at a time.
rm -rf "$dir/stat" && mkdir -p "$dir/log" "$dir/stat"
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
  run_one "$t" &
  running=$((running + 1))
done
wait
{
  printf '%-10s %10s %8s %10s %s\n' target executions seconds exec/s result
  for t in "${targets[@]}"; do cat "$dir/stat/$t"; done
} | tee "$dir/stats.txt"
! grep -q -E 'FINDING|REGRESSION' "$dir/stats.txt"
