#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, links the data and runs
# sMNIST on the default board. Extra arguments go to `loihi-emu smnist`
# (e.g. --images 10000 for the whole test set).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/deps.sh"
"$root/tools/build.sh" release
"$root/tools/fetch-data.sh"
exec "$root/build/loihi-emu" smnist --data "${LE_DATA_DIR:-$root/data}" "$@"
