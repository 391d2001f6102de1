# Shared by the `loihi-emu relnet` CLI tests (sourced; not a test of its own: ctest takes *.sh).
# Sets bin, src, data and tmp (removed on exit) from the arguments <loihi-emu> <source dir>,
# and stops the test when bAbI is missing (tools/fetch-data.sh, or LE_DATA_DIR).
bin=$1
src=$2
data=${LE_DATA_DIR:-$src/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# field NAME LINE: the value of "NAME": in a one-line JSON object (the first occurrence).
field() { grep -o "\"$1\": [^,}]*" <<<"$2" | head -1 | sed 's/^[^:]*: //'; }

# expect STATUS PATTERN ARGS...: `relnet ARGS` exits with STATUS and prints a stderr line
# matching PATTERN (a basic regular expression).
expect() {
  local want=$1 pat=$2
  shift 2
  "$bin" relnet "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] || bad "relnet $*: exit status $got, expected $want ($(cat "$tmp/err"))"
  grep -q -- "$pat" "$tmp/err" || bad "relnet $*: stderr lacks '$pat': $(cat "$tmp/err")"
}

if [ ! -d "$data/babi" ]; then
  echo "FAIL: no bAbI under $data (CI has the data: LE_DATA_DIR or tools/fetch-data.sh)"
  exit 1
fi
