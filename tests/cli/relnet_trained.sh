#!/usr/bin/env bash
# `loihi-emu relnet` with trained weights: the stories come from the weights' task_list, rows
# are validations (the chip-link fit was on the generated weights); the default weights:
# relnet_default.sh.
# usage: relnet_trained.sh <loihi-emu> <source dir>
set -u
source "$(dirname "$0")/relnet.bash"

# --- trained weights: without --tasks the stories come from the manifest's task_list only;
# asking for another task runs it with a note that its accuracy is not the weights'
tw=$src/train/run2/weights
want=$(sed -n 's/^task_list: \[\(.*\)\]$/\1/p' "$tw/manifest.yaml")
[ -n "$want" ] || bad "$tw/manifest.yaml has no task_list"
"$bin" relnet --data "$data" --weights "$tw" --sentences 2 --stories 4 --json "$tmp/t.json" >"$tmp/tout" 2>"$tmp/err" ||
  bad "relnet --weights $tw: exit $?: $(cat "$tmp/err")"
grep -qF "\"tasks\": [$want]" "$tmp/t.json" || bad "trained weights: JSON tasks are not [$want]: $(head -c 600 "$tmp/t.json")"
grep -qF "\"weights_tasks\": [$want]" "$tmp/t.json" || bad "trained weights: JSON weights_tasks are not [$want]"
grep -qF "tasks ${want//, /,}" "$tmp/tout" || bad "trained weights: the header does not name tasks $want: $(head -1 "$tmp/tout")"
for t in $(grep -o '"tasks": {[^}]*}' "$tmp/t.json" | grep -o '"[0-9]*":' | tr -d '":'); do
  grep -qE "(^|, )$t(,|$)" <<<"$want" || bad "trained weights: a story of task $t, outside [$want]"
done
grep -q "note" "$tmp/err" && bad "trained weights, own tasks: unexpected note: $(cat "$tmp/err")"
# The chip-link latency was fitted on the generated weights' M = 2 traffic: with trained weights
# that row took no part in the fit, so it is a validation, and the footer says why.
row=$(grep '"sentences": 2,' "$tmp/t.json")
[ "$(field row "$row")" = '"validation"' ] || bad "trained weights: M = 2 row role $(field row "$row"), expected validation"
grep -qF "with these weights every row" "$tmp/tout" || bad "trained weights: the footer does not say every row is a validation"
grep -q "calibration\s*$" "$tmp/tout" && bad "trained weights: a table row still says calibration"
"$bin" relnet --data "$data" --weights "$tw" --sentences 2 --stories 2 --tasks 1,7 >/dev/null 2>"$tmp/err" ||
  bad "relnet --weights $tw --tasks 1,7: exit $?: $(cat "$tmp/err")"
grep -qF "note: task(s) 7 are not in the task_list of $tw" "$tmp/err" || bad "--tasks 1,7: no note on task 7: $(cat "$tmp/err")"

[ $fail -eq 0 ] && echo ok
exit $fail
