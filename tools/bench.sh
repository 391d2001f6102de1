#!/usr/bin/env bash
# The documented benchmark command: builds the release flavour and runs every benchmark
# (bench/README.md says what each measures and the targets).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/deps.sh"
"$root/tools/build.sh" release
"$root/tools/fetch-data.sh"
echo "== bench_noc"
"$root/build/bench_noc" "$@"
echo "== bench_smnist"
"$root/build/bench_smnist" --data "${LE_DATA_DIR:-$root/data}"
