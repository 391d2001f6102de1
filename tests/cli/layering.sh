#!/usr/bin/env bash
# The folders are layers in data-flow order (DEVELOPERS.md); a file may include headers of its
# own layer and of the layers below it, never above. Usage: layering.sh <loihi-emu> <source dir>
set -euo pipefail
src=$2
declare -A rank=([util]=0 [core]=1 [models]=2 [chip]=3 [board]=4 [place]=5 [noc]=6 [cost]=7 [run]=8
                 [report]=9 [traces]=10 [emu]=11)

# check ROOT: prints every upward include under ROOT; sets checked and bad.
check() {
  local root=$1 f top line inc dep
  checked=0; bad=0
  while IFS= read -r f; do
    top=${f%%/*}
    [ -n "${rank[$top]+x}" ] || continue
    checked=$((checked + 1))
    while IFS=: read -r line inc; do
      dep=${inc%%/*}
      [ -n "${rank[$dep]+x}" ] || continue
      if [ "${rank[$dep]}" -gt "${rank[$top]}" ]; then
        echo "upward include: $f:$line includes \"$inc\": layer '$dep' is above '$top'" >&2
        bad=$((bad + 1))
      fi
    done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$root/$f" | sed -E 's/^([0-9]+):.*"([^"]+)".*/\1:\2/')
  done < <(cd "$root" && find "${!rank[@]}" -type f \( -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' \) \
             2>/dev/null | sort)
}

# The check itself must catch a planted upward include (and accept a downward one).
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/core" "$tmp/emu"
printf '#include "util/error.h"\n#include "emu/cli.h"\n' >"$tmp/core/planted.c"
printf '#include "core/neurocore.h"\n' >"$tmp/emu/fine.c"
check "$tmp" 2>/dev/null
[ "$checked" -eq 2 ] && [ "$bad" -eq 1 ] || { echo "FAIL: the check missed a planted upward include" >&2; exit 1; }

check "$src"
[ "$checked" -gt 50 ] || { echo "FAIL: only $checked files checked" >&2; exit 1; }
[ "$bad" -eq 0 ] || { echo "FAIL: $bad upward includes" >&2; exit 1; }
echo "ok: $checked files include only their own layer and the layers below"
