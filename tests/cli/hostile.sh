#!/usr/bin/env bash
# Hostile inputs on the command line: each refused at once with one error naming the file,
# the field, the value and the limit, and the exit status of its kind (3 limit, 4 missing or
# unreadable file, 1 parse/config, 2 usage). Usage: hostile.sh <loihi-emu> <source dir>
set -uo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect STATUS PATTERN COMMAND...: within 20 s (the guarded cases answer in milliseconds; a
# file of 2 * 10^8 neurons took 20 s and 3.9 GB before the guards, 10^9 ran out of memory).
expect() {
  local want=$1 pat=$2; shift 2
  timeout 20 "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  [ "$got" -ne 124 ] || fail "$*: still running after 20 s"
  [ "$got" -eq "$want" ] || fail "$*: exit status $got, expected $want ($(cat "$tmp/err"))"
  grep -q -- "$pat" "$tmp/err" || fail "$*: stderr lacks '$pat': $(cat "$tmp/err")"
  if [ "$want" -ne 0 ] && [ "$want" -ne 2 ]; then
    [ "$(grep -c '^loihi-emu: ' "$tmp/err")" -eq 1 ] || fail "$*: expected exactly one error line: $(cat "$tmp/err")"
  fi
}
ex=$src/models/examples/three_neurons.yaml
reg=$src/fuzz/regress

# Sizes read from files, checked before anything is allocated.
expect 3 "population 'a' does not fit: the network needs 195313 cores, board 'single-chip' has 128" \
  "$bin" run "$reg/netfile/pop_2e8.yaml" --steps 1
expect 3 "pop_1e9.yaml:2: population 'a': size 1000000000: 1000000000 neurons in the network need at least 64000000000 bytes.*memory limit of 17179869184 bytes" \
  "$bin" run "$reg/netfile/pop_1e9.yaml" --steps 1
expect 3 "size 200000000: 200000000 neurons .*memory limit of 1073741824 bytes (1.0 GiB; --mem-limit)" \
  "$bin" run "$reg/netfile/pop_2e8.yaml" --steps 1 --mem-limit 1G
expect 3 "size 200000000: .*memory limit of 1073741824 bytes" \
  "$bin" --mem-limit=1G run "$reg/netfile/pop_2e8.yaml" --steps 1
expect 2 "--mem-limit: expected a size such as 4G, 512M or 1000000, found '12X'" \
  "$bin" run "$ex" --steps 1 --mem-limit 12X
expect 3 "alias .* nests\|stands for\|nested deeper" "$bin" run "$reg/netfile/laughs_rows.yaml" --steps 1
expect 3 "deep_1e5.yaml:1: YAML nested deeper than 64 levels" "$bin" run "$reg/netfile/deep_1e5.yaml" --steps 1

# Board dimensions: 4294967297 x 1 was taken as 1 x 1 and ran.
expect 3 "board '4294967297x1': rows above 4294967295" "$bin" run "$ex" --steps 1 --board 4294967297x1
expect 3 "board '1x4294967297': cols above 4294967295" "$bin" run "$ex" --steps 1 --board 1x4294967297
expect 2 "board '0x1': a grid needs at least 1 x 1 chips" "$bin" run "$ex" --steps 1 --board 0x1

# YAML: aliases into their own node, alias DAGs, duplicate keys.
expect 3 "self_alias_unknown.yaml:6: alias '\*a' refers to the node that contains it" \
  "$bin" run "$ex" --steps 1 --board "$reg/board/self_alias_unknown.yaml"
expect 3 "dag40.yaml:[0-9]*: alias '\*a[0-9]*' stands for" "$bin" run "$ex" --steps 1 --board "$reg/board/dag40.yaml"
expect 1 "duplicate_key.yaml:5: field chips.rows: duplicate key 'rows' (first on line 3)" \
  "$bin" run "$ex" --steps 1 --board "$reg/board/duplicate_key.yaml"

# A directory as input.
mkdir -p "$tmp/dir.yaml"
expect 4 "$tmp/dir.yaml: is a directory, expected a YAML file" "$bin" run "$tmp/dir.yaml" --steps 1
expect 4 "$tmp/dir.yaml: is a directory, expected a YAML file" "$bin" run "$ex" --steps 1 --board "$tmp/dir.yaml"
mkdir -p "$tmp/data/mnist/t10k-images-idx3-ubyte.gz"
expect 4 "t10k-images-idx3-ubyte.gz: is a directory, expected a gzip-compressed IDX file" \
  "$bin" smnist --data "$tmp/data" --images 1

# .npy weights: a lying header, float64 values float32 cannot hold.
cp "$reg/npy/lying_shape.npy" "$tmp/lie.npy"
cp "$reg/npy/f8_inexact.npy" "$tmp/w64.npy"
printf 'populations:\n  - {name: a, kind: input, size: 100000}\n  - {name: b, size: 100000}\nconnections:\n  - {from: a, to: b, npy: lie.npy}\n' >"$tmp/lie.yaml"
expect 1 "lie.yaml:5: .*lie.npy: truncated data: 10 of 40000000000 bytes for shape (100000, 100000)" \
  "$bin" run "$tmp/lie.yaml" --steps 1
printf 'populations:\n  - {name: a, kind: input, size: 1}\n  - {name: b, size: 2}\nconnections:\n  - {from: a, to: b, npy: w64.npy}\n' >"$tmp/w64.yaml"
expect 1 "w64.npy: item (0, 0) is 100.000001, which float32 cannot hold exactly" "$bin" run "$tmp/w64.yaml" --steps 1

# One unparsable file in config/boards: the hint still names the other boards.
mkdir -p "$tmp/config/boards"
cp "$src/config/loihi.yaml" "$tmp/config/"
cp "$src"/config/boards/*.yaml "$tmp/config/boards/"
printf 'name: [broken\n' >"$tmp/config/boards/aaa-broken.yaml"
LE_CONFIG_DIR=$tmp/config expect 2 "board 'nope': not a shipped board (aaa-broken, kapoho-bay, nahuku32, pohoiki-springs)" \
  "$bin" run "$ex" --steps 1 --board nope
# NIR (HDF5): a version of several strings was read into one string's buffer; a string's
# stated length (2^32 - 1 here) was allocated and zeroed by libhdf5 before being read.
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  /usr/bin/python3 - "$tmp" <<'PY' || fail "could not write the NIR files"
import sys, h5py, numpy as np
d = sys.argv[1]
with h5py.File(d + "/many.nir", "w") as f:
    f.create_dataset("version", data=["0.2.0", "0.2.0", "0.2.0"], dtype=h5py.string_dtype())
with h5py.File(d + "/long.nir", "w") as f:
    f.create_dataset("version", data="0.2.0", dtype=h5py.string_dtype())
    off = f["version"].id.get_offset()
with open(d + "/long.nir", "r+b") as f:
    f.seek(off)
    f.write(b"\xff\xff\xff\xff")
PY
  expect 1 "many.nir: /version: expected one string, found a dataset of 3 elements" "$bin" nir info "$tmp/many.nir"
  expect 1 "long.nir: /version: a string of more than 1048576 bytes" "$bin" nir info "$tmp/long.nir"
fi
echo ok
