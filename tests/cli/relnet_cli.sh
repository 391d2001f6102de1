#!/usr/bin/env bash
# `loihi-emu relnet`: help, one small run against Table S2's M = 2 row (seed 002) with the
# generated weights, and the errors of bad options and of weights made for another dictionary
# (trained weights and the default: relnet_trained.sh; placement files: relnet_placement_file.sh).
# usage: relnet_cli.sh <loihi-emu> <source dir>
set -u
source "$(dirname "$0")/relnet.bash"

# --- help
"$bin" relnet --help >"$tmp/help" 2>&1 || bad "--help: exit status $?"
for want in "usage: loihi-emu relnet" "--sentences M|all" "--placement P" "docs/placement-file.md" "--json FILE" \
            "--stories N" "--mapping FILE"; do
  grep -qF -- "$want" "$tmp/help" || bad "--help lacks '$want'"
done

# --- usage errors: status 2, a message naming the option and the value, no work done
expect 2 "--sentences: expected 'all' or sizes 1..20 separated by commas, got '0'" --sentences 0
expect 2 "--sentences: expected 'all' or sizes 1..20 separated by commas, got '21'" --sentences 21
expect 2 "--sentences: expected 'all' or sizes 1..20 separated by commas, got '2,x'" --sentences 2,x
expect 2 "--stories: expected a number of stories, got '-1'" --stories -1
expect 2 "--tasks: expected bAbI task numbers 1..20 separated by commas, got '21'" --tasks 21
expect 2 "--sentences needs a value" --sentences
expect 2 "unknown option '--sentence'" --sentence 2
expect 2 "unexpected argument 'extra'" extra
expect 2 "see loihi-emu relnet --help" --sentences 0

# --- one run at M = 2: the optimised layout's 124 cores (Table S2) on 14 chips (spec §2.3:
# the question and mask relays sit on all 10 block chips, plus chip 0 and chips 11, 12, 21)
out=$("$bin" relnet --data "$data" --weights generated --sentences 2 --stories 2 --json "$tmp/r.json" 2>"$tmp/err")
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: relnet --weights generated --sentences 2 --stories 2: exit $rc: $(cat "$tmp/err")"; exit 1; }
grep -qF "\"weights\": \"$data/relnet-weights/generated-1\"" "$tmp/r.json" ||
  bad "--weights generated: JSON weights are not $data/relnet-weights/generated-1: $(grep -o '"weights": "[^"]*"' "$tmp/r.json")"
row=$(grep '"sentences": 2,' "$tmp/r.json")
[ -n "$row" ] || bad "JSON has no row for M = 2: $(cat "$tmp/r.json")"
[ "$(grep -c '"sentences":' "$tmp/r.json")" -eq 1 ] || bad "JSON: expected exactly one row"
[ "$(field cores "$row")" = 124 ] || bad "JSON cores $(field cores "$row"), expected 124"
[ "$(field chips "$row")" = 14 ] || bad "JSON chips $(field chips "$row"), expected 14"
[ "$(field stories "$row")" = 2 ] || bad "JSON stories $(field stories "$row"), expected 2"
[ "$(field placement "$row")" = '"optimised"' ] || bad "JSON placement $(field placement "$row")"
[ "$(field row "$row")" = '"calibration"' ] || bad "JSON row role $(field row "$row"), expected calibration"
# The paper's Table S2 row for M = 2, typed in from the paper.
paper=$(grep -o '"paper": {[^}]*}' <<<"$row")
[ "$(field cores "$paper")" = 124 ] || bad "paper cores: $paper"
[ "$(field us_per_step "$paper")" = 22.96 ] || bad "paper us per step: $paper"
[ "$(field latency_ms "$paper")" = 3.28 ] || bad "paper latency: $paper"
[ "$(field power_w "$paper")" = 1.7 ] || bad "paper power: $paper"
[ "$(field energy_mj "$paper")" = 5.59 ] || bad "paper energy: $paper"
[ "$(field edp_ujs "$paper")" = 18.36 ] || bad "paper EDP: $paper"
grep -q '"weights_manifest_sha256": "[0-9a-f]\{64\}"' "$tmp/r.json" || bad "JSON does not name the weights' manifest hash"
# Generated weights are made for the paper's 17 tasks (all but 2, 3 and 16): the default run takes them all.
grep -qF '"tasks": [1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20]' "$tmp/r.json" ||
  bad "generated weights: JSON tasks are not the paper's 17: $(grep -o '"tasks": [^]]*]' "$tmp/r.json" | head -1)"
# The printed table: ours beside the paper's, and the stated differences from Table S5.
grep -qE '^2 +optimised +124 +124 +14 ' <<<"$out" || bad "report lacks the M = 2 row: $out"
grep -qF "aggregation takes 16 cores where Table S5's arithmetic gives 14" <<<"$out" || bad "report lacks the Table S5 note"
grep -qF "mask relays 10" <<<"$out" || bad "report lacks the mask relays"

# --- the weights name the bAbI dictionary by hash (source: babi); a data folder whose dictionary
# differs (here: the manifest's hash changed) is refused, naming both hashes
tw=$src/train/run2/weights
mkdir -p "$tmp/wd"
cp "$tw"/*.npy "$tw/manifest.yaml" "$tmp/wd/"
trained_sha=$(sed -n 's/^vocab_file: {source: babi, lines: 180, sha256: \([0-9a-f]*\)}$/\1/p' "$tw/manifest.yaml")
[ ${#trained_sha} -eq 64 ] || bad "$tw/manifest.yaml does not name the dictionary by source: babi"
sed -i "s/^vocab_file: {source: babi, lines: 180, sha256: [0-9a-f]*}/vocab_file: {source: babi, lines: 180, sha256: $(printf '0%.0s' {1..64})}/" \
  "$tmp/wd/manifest.yaml"
expect 4 "RelNet weights $tmp/wd: vocabulary (source: babi) has 180 lines, sha256 0000000000000000...; the dictionary built from $data/babi/tasks_1-20_v1-2/en-10k has 180 lines, sha256 ${trained_sha:0:16}" \
  --data "$data" --weights "$tmp/wd" --sentences 2 --stories 1

[ $fail -eq 0 ] && echo ok
exit $fail
