#!/usr/bin/env bash
# docs/errors.md lists every message the sources can report (tests/cli/error_catalogue.py),
# and the check catches what it must: a message missing from the catalogue, an entry removed
# from it, a new error wrapper it does not know.  Usage: error_catalogue.sh <loihi-emu> <source dir>
set -uo pipefail
src=$2
py=/usr/bin/python3
check=$src/tests/cli/error_catalogue.py
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$py" "$check" --src "$src" >"$tmp/out" 2>&1 || fail "the catalogue is not complete: $(cat "$tmp/out")"
n=$(sed -n 's/^error_catalogue: all \([0-9]*\) messages are catalogued$/\1/p' "$tmp/out")
[ -n "$n" ] && [ "$n" -ge 400 ] || fail "extracted only '$n' messages from the sources: $(cat "$tmp/out")"

# A small tree of its own: two messages, catalogued by --write.
p=$tmp/tree
mkdir -p "$p/util" "$p/emu" "$p/docs"
cat >"$p/util/a.c" <<'C'
/* le_fail(err, LE_ERR_IO, "in a comment: not a message"); */
le_code f(const char *path, le_error *err) { return le_fail(err, LE_ERR_IO, "%s: cannot be read", path); }
le_code g(uint32_t n, le_error *err)
{
    return le_fail(err, LE_ERR_USAGE, "kept "
                   "message %u (see `loihi-emu x`)", n);
}
C
printf '# Error catalogue\n\nintro\n' >"$p/docs/errors.md"
"$py" "$check" --src "$p" --write >"$tmp/out" 2>&1 || fail "--write on the small tree: $(cat "$tmp/out")"
grep -q 'all 2 messages are catalogued' "$tmp/out" || fail "small tree: $(cat "$tmp/out")"
grep -q '^intro$' "$p/docs/errors.md" || fail "--write dropped the introduction"
grep -q '^- `` kept message %u (see `loihi-emu x`) `` — exit 2 (usage); `util/a.c`$' "$p/docs/errors.md" ||
  fail "entry of a concatenated literal: $(cat "$p/docs/errors.md")"
grep -q 'not a message' "$p/docs/errors.md" && fail "a comment was taken for a message"

# A planted message that the catalogue lacks: the check fails and lists exactly it.
cat >"$p/emu/b.c" <<'C'
static le_code h(const le_cfg *c, int node, le_error *err)
{
    return le_cfg_fail(c, node, err, LE_ERR_PARSE, "planted: expected %s, found '%s'", "x", "y");
}
C
"$py" "$check" --src "$p" >"$tmp/out" 2>&1 && fail "a planted missing message passed: $(cat "$tmp/out")"
grep -q "1 message(s) not in docs/errors.md" "$tmp/out" || fail "planted: $(cat "$tmp/out")"
grep -q "^  planted: expected %s, found '%s'  \[emu/b.c\]$" "$tmp/out" || fail "planted not listed: $(cat "$tmp/out")"
[ "$(grep -c '^  ' "$tmp/out")" -eq 1 ] || fail "more than the planted message listed: $(cat "$tmp/out")"

# An entry taken out of the catalogue is missing too.
rm "$p/emu/b.c"
grep -v 'cannot be read' "$p/docs/errors.md" >"$tmp/doc" && cp "$tmp/doc" "$p/docs/errors.md"
"$py" "$check" --src "$p" >"$tmp/out" 2>&1 && fail "a removed entry passed"
grep -q '^  %s: cannot be read  \[util/a.c\]$' "$tmp/out" || fail "removed entry not listed: $(cat "$tmp/out")"

# A new function that takes a format must be known to the extractor.
"$py" "$check" --src "$p" --write >/dev/null 2>&1
printf 'static le_code oops(le_error *err, const char *fmt, ...);\n' >"$p/util/c.c"
"$py" "$check" --src "$p" >"$tmp/out" 2>&1 && fail "an unknown error wrapper passed"
grep -q 'util/c.c:1: oops takes a printf format' "$tmp/out" || fail "wrapper not named: $(cat "$tmp/out")"
echo "error catalogue: $n messages; planted checks OK"
