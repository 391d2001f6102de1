#!/usr/bin/env bash
# `loihi-emu relnet --questions FILE`: exactly the listed test questions, each at its own story
# size (counted here from the bAbI file with awk, independently of the emulator's reader), a
# --predictions file read back as a list, and the errors of bad lists.
# usage: relnet_questions.sh <loihi-emu> <source dir>
set -u
source "$(dirname "$0")/relnet.bash"

en10k=$data/babi/tasks_1-20_v1-2/en-10k
[ -d "$en10k" ] || { echo "FAIL: no bAbI under $data (tools/fetch-data.sh)"; exit 1; }
f1=$(ls "$en10k"/qa1_*_test.txt)
f20=$(ls "$en10k"/qa20_*_test.txt)

# line<TAB>M of every question of a bAbI file: M = the story's sentences before it (questions
# are not context), at most 20, a story starting where its numbering restarts at 1
sizes() {
  awk -F'\t' '{ split($1, w, " "); n = w[1] + 0; if (n == 1) c = 0
                if (NF >= 2) { m = c > 20 ? 20 : c; print NR "\t" m } else c++ }' "$1"
}
sizes "$f1" >"$tmp/s1"
sizes "$f20" >"$tmp/s20"

# Hand-picked: task 1's first question (M = 2 in the file: two sentences, then the question),
# its third, and two of task 20's at the sizes awk finds; the list unsorted, with a column more.
q1a=$(sed -n 1p "$tmp/s1"); q1c=$(sed -n 3p "$tmp/s1"); q20=$(sed -n 5p "$tmp/s20"); q20b=$(sed -n 9p "$tmp/s20")
[ "$(cut -f2 <<<"$q1a")" = 2 ] || bad "awk: task 1's first question has M = $(cut -f2 <<<"$q1a"), the file says 2"
{
  echo "note,line,task"
  echo "x,$(cut -f1 <<<"$q20"),20"
  echo "y,$(cut -f1 <<<"$q1c"),1"
  echo "z,$(cut -f1 <<<"$q1a"),1"
  echo "w,$(cut -f1 <<<"$q20b"),20"
} >"$tmp/list.csv"
"$bin" relnet --data "$data" --tasks 1,20 --questions "$tmp/list.csv" --predictions "$tmp/p.csv" --json "$tmp/r.json" \
  --jobs 2 >"$tmp/out" 2>"$tmp/err" || bad "relnet --questions: exit $?: $(cat "$tmp/err")"
# expected rows: M,task,line of each listed question, ordered by size, then task, then line
printf '%s\t1\n%s\t1\n%s\t20\n%s\t20\n' "$q1a" "$q1c" "$q20" "$q20b" |
  awk -F'\t' '{ print $2 "," $3 "," $1 }' | sort -t, -k1,1n -k2,2n -k3,3n >"$tmp/want"
tail -n +2 "$tmp/p.csv" | awk -F, '{ print $1 "," $3 "," $4 }' >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || bad "stories run: $(tr '\n' ' ' <"$tmp/got"), expected $(tr '\n' ' ' <"$tmp/want")"
# the sizes are the questions' own: one JSON row per distinct size, each with its stories
for m in $(cut -d, -f1 "$tmp/want" | sort -un); do
  n=$(grep -c "^$m," "$tmp/want")
  grep -q "\"sentences\": $m, .*\"stories\": $n," "$tmp/r.json" || bad "JSON: no row M = $m with $n stories"
done
[ "$(grep -c '"sentences":' "$tmp/r.json")" -eq "$(cut -d, -f1 "$tmp/want" | sort -u | wc -l)" ] ||
  bad "JSON: rows for sizes without listed questions"
grep -qF "\"questions\": \"$tmp/list.csv\"" "$tmp/r.json" || bad "JSON does not name the questions file"

# The run's --predictions, read back as the list, runs the same stories with the same answers
# (the stories of a size run in the same order, so the state carried between them is the same).
"$bin" relnet --data "$data" --questions "$tmp/p.csv" --predictions "$tmp/b.csv" --jobs 2 >/dev/null 2>&1 ||
  bad "relnet --questions (a predictions file): exit $?"
cmp -s "$tmp/p.csv" "$tmp/b.csv" || bad "predictions read back: $(diff "$tmp/p.csv" "$tmp/b.csv")"

# --- errors
l1=$(cut -f1 <<<"$q1a")
printf 'task,row\n1,%s\n' "$l1" >"$tmp/nocol.csv"
expect 1 "$tmp/nocol.csv:1: the header has no column 'line' (expected columns task and line)" \
  --data "$data" --questions "$tmp/nocol.csv"
printf 'task,line\n1,%s\n1,7\n1,%s\n' "$l1" "$l1" >"$tmp/twice.csv"
expect 1 "$tmp/twice.csv:4: task 1 line $l1 is listed twice" --data "$data" --questions "$tmp/twice.csv"
printf 'task,line\n21,3\n' >"$tmp/task.csv"
expect 1 "$tmp/task.csv:2: task '21': expected a bAbI task 1..20" --data "$data" --questions "$tmp/task.csv"
printf 'task,line\n' >"$tmp/empty.csv"
expect 1 "$tmp/empty.csv: no questions after the header" --data "$data" --questions "$tmp/empty.csv"
# line 1 of a story file is a sentence, not a question
printf 'task,line\n1,1\n' >"$tmp/sent.csv"
expect 1 "--questions $tmp/sent.csv: task 1 line 1 is not a question of the task's test file" \
  --data "$data" --questions "$tmp/sent.csv"
printf 'task,line\n1,%s\n' "$l1" >"$tmp/one.csv"
expect 1 "--questions $tmp/one.csv: task 1 line $l1: task 1 is not among the run's tasks" \
  --data "$data" --tasks 20 --questions "$tmp/one.csv"
expect 1 "--questions $tmp/one.csv: task 1 line $l1 has 2 sentences of context, not among --sentences" \
  --data "$data" --sentences 3 --questions "$tmp/one.csv"
expect 1 "--questions $tmp/one.csv: none of its questions has 5 sentences of context (--sentences)" \
  --data "$data" --sentences 2,5 --questions "$tmp/one.csv"
expect 2 "--stories and --questions: give one" --data "$data" --stories 4 --questions "$tmp/one.csv"
expect 4 "$tmp/missing.csv" --data "$data" --questions "$tmp/missing.csv"

[ $fail -eq 0 ] && echo ok
exit $fail
