#!/usr/bin/env bash
# The documented benchmark command: builds the release flavour and runs every benchmark
# (bench/README.md says what each measures and the targets).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/deps.sh"
"$root/tools/build.sh" release
"$root/tools/fetch-data.sh"
# tools/bench.sh conv [OPTIONS]: only the DVS-sized convolution benchmark (bench/README.md)
if [ "${1:-}" = conv ]; then
  shift
  exec "$root/build/bench_conv" "$@"
fi
echo "== bench_noc"
"$root/build/bench_noc" "$@"
echo "== bench_smnist"
"$root/build/bench_smnist" --data "${LE_DATA_DIR:-$root/data}"
echo "== bench_scale"
"$root/build/bench_scale"
echo "== bench_relnet"
# the generated weights it reads are made once by the command (a 2-sentence, 1-story run)
data=${LE_DATA_DIR:-$root/data}
[ -f "$data/relnet-weights/generated-1/manifest.yaml" ] ||
  "$root/build/loihi-emu" relnet --data "$data" --weights generated --sentences 2 --stories 1 >/dev/null
"$root/build/bench_relnet" --data "$data"
echo "== bench_conv"
"$root/build/bench_conv"
echo "== bench_load"
"$root/build/bench_load"
