#!/usr/bin/env bash
# Configures and builds one flavour: tools/build.sh [release|asan]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-release}
jobs=${LE_JOBS:-$(nproc)}
case "$flavour" in
  release) dir="$root/build"; opts=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)    dir="$root/build-asan"; opts=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLE_SANITIZE=ON) ;;
  *) echo "usage: tools/build.sh [release|asan]" >&2; exit 2 ;;
esac
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
# ccache, when present, lets several checkouts of the tree share compiled objects;
# the base directory makes its keys independent of where the checkout lies.
if command -v ccache >/dev/null 2>&1; then
  opts+=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$root")}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$dir" "${gen[@]}" "${opts[@]}" >/dev/null
fi
cmake --build "$dir" -j "$jobs"
