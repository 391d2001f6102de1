#!/usr/bin/env bash
# Fills the data folder (default: <repo>/data, or $LE_DATA_DIR) with the reference data.
# From ../shared/data when it exists (links, nothing is copied into git); otherwise it says
# where each file comes from.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${LE_DATA_DIR:-$root/data}
shared=${LE_SHARED_DATA:-$root/../shared/data}
files=(
  "mnist/t10k-images-idx3-ubyte.gz"
  "mnist/t10k-labels-idx1-ubyte.gz"
  "smnist-weights/v25_94per/w_in.npy"
  "smnist-weights/v25_94per/w_rec.npy"
  "smnist-weights/v25_94per/w_out.npy"
)
# Whole folders, linked as they are.
dirs=(
  "babi/tasks_1-20_v1-2"
  "nir"
)
missing=0
for d in "${dirs[@]}"; do
  if [ -d "$data/$d" ]; then continue; fi
  if [ -d "$shared/$d" ]; then
    mkdir -p "$(dirname "$data/$d")"
    ln -sfn "$(cd "$shared/$d" && pwd)" "$data/$d"
  else
    missing=1
    echo "loihi-emu: missing $data/$d/" >&2
  fi
done
for f in "${files[@]}"; do
  if [ -s "$data/$f" ]; then continue; fi
  if [ -s "$shared/$f" ]; then
    mkdir -p "$(dirname "$data/$f")"
    ln -sf "$(cd "$(dirname "$shared/$f")" && pwd)/$(basename "$f")" "$data/$f"
  else
    missing=1
    echo "loihi-emu: missing $data/$f" >&2
  fi
done
if [ $missing -ne 0 ]; then
  cat >&2 <<'MSG'
Reference data not found. Either place the shared folder beside the checkout (../shared/data),
set LE_SHARED_DATA to it, or put the files into the data folder by hand:
  mnist/t10k-{images-idx3,labels-idx1}-ubyte.gz  from http://yann.lecun.com/exdb/mnist (t10k test set)
  smnist-weights/v25_94per/w_{in,rec,out}.npy    from github.com/intel-nrc-ecosystem/models,
      nxsdk_modules_ncl/lsnn/apps/seqmnist/weights/v25_94per
  babi/tasks_1-20_v1-2/                          bAbI v1.2 (research.fb.com/downloads/babi)
  nir/                                           github.com/neuromorphs/NIR, folder paper/ (see its README)
MSG
  exit 4
fi
