#!/usr/bin/env bash
# One stage of the Spiking RelNet training (docs/relnet-training.md), at the lowest priority and
# on one BLAS/torch thread so that it never starves builds on a shared machine:
#   tools/relnet_train.sh a|b|c|d|e|compare --out train/run1 [--tasks 1,4,15,20] [--resume] ...
#   tools/relnet_train.sh keep --out train/run3 --stage a   # a stopped stage's checkpoint, in committable pieces
#   tools/relnet_train.sh score --out train/run6 --tasks ... --chip-rasters   # stage D's checkpoint, mid-way
#   tools/relnet_train.sh diagnose --out train/run6 --tasks ...   # where the spiking network loses the ANN's answer
#   tools/relnet_train.sh average --out train/run6 --networks A.pt,B.pt --to train/run6/stage_d_avg.pt
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stage=${1:-}
case "$stage" in
  a|b|c|d|e) mod=stage_$stage ;;
  keep) mod=keep ;;
  compare|score|diagnose|average) mod=$stage ;;
  *) echo "usage: tools/relnet_train.sh a|b|c|d|e|compare|score|diagnose|average|keep --out DIR [options] (--help per stage)" >&2; exit 2 ;;
esac
shift
cd "$root"
exec env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 19 /usr/bin/python3 -m "tools.relnet_train.$mod" "$@"
