#!/usr/bin/env bash
# `loihi-emu smnist` usage errors: each fails with a non-zero status and one clear line.
# usage: smnist_errors.sh <loihi-emu> <source dir>
set -u
bin=$1
fail=0
check() { # name expected-substring command...
  local name=$1 want=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ $rc -eq 0 ]; then echo "FAIL $name: exit status 0"; fail=1; return; fi
  if ! grep -qF -- "$want" <<<"$out"; then echo "FAIL $name: no '$want' in: $out"; fail=1; return; fi
  if [ "$(grep -c '^loihi-emu: ' <<<"$out")" -ne 1 ]; then echo "FAIL $name: expected one 'loihi-emu:' line: $out"; fail=1; return; fi
  echo "ok   $name"
}
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
check data-missing   "tools/fetch-data.sh"                   "$bin" smnist --data "$empty" --images 1
check data-missing-file "$empty/mnist/t10k-images-idx3-ubyte.gz" "$bin" smnist --data "$empty" --images 1
check images-zero    "--images 0: out of range, must be 1..10000" "$bin" smnist --images 0
check images-big     "--images 10001: out of range"          "$bin" smnist --images 10001
check images-first   "must be 1..100 (10000 - --first 9900)" "$bin" smnist --first 9900 --images 101
check first-big      "--first 10000: out of range"           "$bin" smnist --first 10000
check not-a-number   "--images 'ten'"                        "$bin" smnist --images ten
check negative       "--images '-5'"                         "$bin" smnist --images -5
check sample         "--sample 'mine': expected authors or notebook" "$bin" smnist --sample mine
check sample-images  "--images and --first do not apply"     "$bin" smnist --sample authors --images 5
check noc            "--noc 'mesh'"                          "$bin" smnist --noc mesh
check unknown        "unknown option '--frobnicate'"         "$bin" smnist --frobnicate
check no-value       "--images needs a value"                "$bin" smnist --images
out=$("$bin" smnist --help) || { echo "FAIL help: non-zero status"; fail=1; }
grep -q -- "--sample authors" <<<"$out" || { echo "FAIL help: no --sample in help"; fail=1; }
exit $fail
