#!/usr/bin/env bash
# `loihi-emu relnet` without --weights: the trained weights the source tree ships, the same run
# as --weights trained, and its rows validations.
# usage: relnet_default.sh <loihi-emu> <source dir>
set -u
source "$(dirname "$0")/relnet.bash"

# --- the default weights: the trained ones the source tree ships (train/run6/weights), whose
# M = 2 row took no part in the chip-link fit
"$bin" relnet --data "$data" --sentences 2 --stories 1 --json "$tmp/d.json" >/dev/null 2>"$tmp/err" ||
  bad "relnet (default weights): exit $?: $(cat "$tmp/err")"
grep -qF "\"weights\": \"$src/train/run6/weights\"" "$tmp/d.json" ||
  bad "default weights are not $src/train/run6/weights: $(grep -o '"weights": "[^"]*"' "$tmp/d.json")"
row=$(grep '"sentences": 2,' "$tmp/d.json")
[ "$(field row "$row")" = '"validation"' ] || bad "default weights: M = 2 row role $(field row "$row"), expected validation"
"$bin" relnet --data "$data" --weights trained --sentences 2 --stories 1 --json "$tmp/d2.json" >/dev/null 2>&1 ||
  bad "relnet --weights trained: exit $?"
cmp -s "$tmp/d.json" "$tmp/d2.json" || bad "--weights trained differs from the default"

[ $fail -eq 0 ] && echo ok
exit $fail
