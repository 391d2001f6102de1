#!/usr/bin/env bash
# `loihi-emu --help` lists every command from the command table: each emu/cmd_NAME.c is listed,
# and each listed command answers `--help` with exit status 0.
# Usage: help.sh <loihi-emu> <source dir>
set -euo pipefail
bin=$1; src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
out=$("$bin" --help)
listed=$(sed -n '/^commands:$/,/^$/p' <<<"$out" | awk 'NR > 1 && NF { print $1 }')
[ -n "$listed" ] || fail "--help lists no commands: $out"
n=0
for f in "$src"/emu/cmd_*.c; do
  name=$(basename "$f" .c); name=${name#cmd_}
  grep -qx -- "$name" <<<"$listed" || fail "emu/cmd_$name.c: '$name' is not listed by --help"
  n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "only $n emu/cmd_*.c files"
for c in $listed; do
  "$bin" "$c" --help >/dev/null 2>&1 || fail "'$c --help' failed"
done
grep -qx "version" <<<"$listed" || fail "version is not listed"
# help, -h and --help are the same text; no command is a usage error naming the commands.
[ "$("$bin" help)" = "$out" ] && [ "$("$bin" -h)" = "$out" ] || fail "help / -h differ from --help"
if "$bin" >/dev/null 2>&1; then fail "no command should fail"; fi
if "$bin" nonesuch 2>"${TMPDIR:-/tmp}/help_err.$$" >/dev/null; then fail "unknown command accepted"; fi
grep -q "^loihi-emu: unknown command 'nonesuch'" "${TMPDIR:-/tmp}/help_err.$$" || fail "unknown command message"
rm -f "${TMPDIR:-/tmp}/help_err.$$"
echo "ok: $(wc -w <<<"$listed") commands listed"
