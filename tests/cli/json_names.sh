#!/usr/bin/env bash
# Names with a quote, a backslash or a newline (a board's name and its file's path) still give
# valid JSON from `run --report` and `smnist --json`: both go through util/json.h.
# Usage: json_names.sh <loihi-emu> <source dir>
set -euo pipefail
bin=$1; src=$2
data=${LE_DATA_DIR:-$src/data}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
dir="$tmp/we\"ird
dir\\x"
mkdir -p "$dir"
sed 's/^name: kapoho-bay$/name: "kapoho \\"bay\\"\\nB"/' "$src/config/boards/kapoho-bay.yaml" >"$dir/b.yaml"
grep -q '^name: "kapoho' "$dir/b.yaml" || fail "board name not replaced"

# Parses the JSON file and prints board.name and board.file, or fails.
check() {
  python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
name = doc["board"]["name"] if isinstance(doc["board"], dict) else doc["board"]
assert name == sys.argv[2], repr(name)
PY
}
command -v python3 >/dev/null || { echo "skip: no python3 to parse the JSON"; exit 0; }

"$bin" run "$src/models/examples/ahp_pair.yaml" --steps 10 --board "$dir/b.yaml" --report "$tmp/r.json" \
  >/dev/null 2>"$tmp/err" || fail "run: $(cat "$tmp/err")"
check "$tmp/r.json" 'kapoho "bay"
B' || fail "run --report: invalid JSON or wrong name: $(cat "$tmp/r.json")"
python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["board"]["file"]; assert "we\"ird\ndir\\x" in f, f' \
  "$tmp/r.json" || fail "run --report: board file path not kept"

if [ -s "$data/mnist/t10k-labels-idx1-ubyte.gz" ]; then
  "$bin" smnist --data "$data" --images 1 --board "$dir/b.yaml" --json "$tmp/s.json" >/dev/null 2>"$tmp/err" \
    || fail "smnist: $(cat "$tmp/err")"
  check "$tmp/s.json" "$dir/b.yaml" || fail "smnist --json: invalid JSON: $(cat "$tmp/s.json")"
fi
echo ok
