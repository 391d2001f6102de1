#!/usr/bin/env bash
# `loihi-emu boards` lists the three shipped boards with their chip counts and grids.
set -euo pipefail
bin=$1
out=$("$bin" boards)
echo "$out"
echo "$out" | grep -Eq '^kapoho-bay +2 +1x2 +256 '
echo "$out" | grep -Eq '^nahuku32 +32 +4x8 +4096 '
echo "$out" | grep -Eq '^pohoiki-springs +768 +16x48 +98304 '
[ "$(echo "$out" | wc -l)" -eq 4 ]
# A stray argument is a usage error, reported once on stderr.
err=$(mktemp)
trap 'rm -f "$err"' EXIT
if "$bin" boards --bogus 2>"$err"; then echo "expected failure"; exit 1; fi
grep -q "^loihi-emu: boards: unexpected argument '--bogus'" "$err"
