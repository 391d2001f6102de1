#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the release and the
# AddressSanitizer + UndefinedBehaviorSanitizer flavours and runs the whole suite on both,
# then the fuzz harnesses (tools/fuzz.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${LE_JOBS:-$(nproc)}
"$root/tools/deps.sh"
"$root/tools/fetch-data.sh" || echo "loihi-emu: tests that need the reference data will fail" >&2
status=0
for flavour in release asan; do
  echo "== $flavour build"
  "$root/tools/build.sh" "$flavour"
  dir="$root/build"; [ "$flavour" = asan ] && dir="$root/build-asan"
  echo "== $flavour tests"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LE_DATA_DIR=${LE_DATA_DIR:-$root/data}
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600) || status=1
done
# Every reader under libFuzzer (fuzz/README.md): the kept inputs, then 10,000 executions each.
echo "== fuzz"
"$root/tools/fuzz.sh" --runs 10000 || status=1
exit $status
