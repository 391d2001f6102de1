#!/usr/bin/python3
"""The error catalogue (docs/errors.md) against the sources.

Every message the program can print comes from a call whose format is a string literal:
le_fail(err, CODE, "..."), le_cfg_fail(cfg, node, err, CODE, "..."), le_error_prefix(err,
"..."), a file's own wrappers (perr, usage_error) and fprintf(stderr, "loihi-emu: ...").
This script extracts every such format from the C and C++ sources of the program and

  check  (default)  fails, listing exactly the formats missing from the catalogue (and, as
                    a note, catalogue entries no call has any more);
  --write           rewrites the generated part of the catalogue (below the marker line),
                    keeping the hand-written introduction above it.

A function that takes a printf format (a parameter named fmt) and is not in WRAPPERS or
NOT_ERRORS fails the check too, so a new error wrapper cannot hide its messages.

usage: error_catalogue.py [--src DIR] [--doc FILE] [--write]
"""
import argparse
import os
import re
import sys

# Program folders, in layer order (tests, benchmarks and fuzz harnesses are not the program).
AREAS = ["util", "core", "models", "chip", "board", "place", "noc", "cost", "run", "report", "traces", "emu",
         "python"]
AREA_TITLES = {
    "util": "Files in general: YAML reader, CSV, JSON, output files, checksums",
    "core": "Neuro-cores and their hardware limits",
    "models": "Network files, .npy, NIR, the sMNIST and RelNet models and their data",
    "chip": "The architecture and cost file (config/loihi.yaml)",
    "board": "Boards (config/boards/, board YAML files, RxC)",
    "place": "Placement and chip configuration",
    "noc": "Network modes",
    "cost": "The cost model",
    "run": "The time-step loop, x86 services, the pipeline, the SystemC engine",
    "report": "Reports",
    "traces": "Traces",
    "emu": "The command line",
    "python": "The Python package",
}

# name -> (index of the format argument, index of the code argument or a fixed code)
WRAPPERS = {
    "le_fail": (2, 1),
    "le_cfg_fail": (4, 3),
    "le_error_prefix": (1, "prefix"),
    "perr": (1, "LE_ERR_PARSE"),        # models/relnet/babi.c: "PATH:LINE: " + format
    "usage_error": (0, "LE_ERR_USAGE"),  # emu/cmd_*.c: le_cli_usage_error with the command named
    "le_cli_usage_error": (1, "LE_ERR_USAGE"),
    "le_netfile_list_fail": (3, 2),      # models/netfile_lists.c: "FILE:LINE: " + format
    "le_ys_fail": (3, 2),                # models/netfile_stream.c: "FILE:LINE: " + format
}
# Functions with a printf format that print no error.
NOT_ERRORS = {"le_progress_update", "le_progress_init"}

EXIT = {"LE_ERR_USAGE": "2", "LE_ERR_LIMIT": "3", "LE_ERR_IO": "4", "LE_ERR_DATA": "4",
        "LE_ERR_INTERRUPTED": "130/143", "prefix": "that of the error it prefixes", "varies": "that of the code passed on"}
KIND = {"LE_ERR_LIMIT": "limit", "LE_ERR_RANGE": "range", "LE_ERR_IO": "i/o", "LE_ERR_PARSE": "parse",
        "LE_ERR_CONFIG": "configuration", "LE_ERR_NOMEM": "out of memory", "LE_ERR_DATA": "data",
        "LE_ERR_USAGE": "usage", "LE_ERR_INTERRUPTED": "interrupted", "prefix": "context prefix",
        "varies": "passed on"}

MARKER = "<!-- Generated below by tests/cli/error_catalogue.py --write: edit the introduction above. -->"


def strip_comments(text):
    """Blanks out comments, keeping strings, character literals and line numbers."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_args(text, start):
    """The top-level arguments of the call whose '(' is at start: (list of str, end index)."""
    args, depth, i, cur = [], 0, start + 1, []
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append("".join(cur).strip())
                return args, i
            depth -= 1
        elif c == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    return None, n


LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def literal_format(arg):
    """The format an argument spells: string literals joined, macros as <NAME>; None when
    the argument is not made of literals (a variable format passed on)."""
    pos, parts, saw_literal = 0, [], False
    token = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z0-9_]*))')
    while pos < len(arg):
        m = token.match(arg, pos)
        if not m:
            return None
        if m.group(1) is not None:
            parts.append(m.group(1))
            saw_literal = True
        else:
            parts.append("<%s>" % m.group(2))
        pos = m.end()
    if not saw_literal:
        return None
    s = "".join(parts)
    return s.replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\")


def source_files(src):
    for area in AREAS:
        root = os.path.join(src, area)
        for dirpath, dirnames, files in os.walk(root):
            dirnames.sort()
            for f in sorted(files):
                if f.endswith((".c", ".cpp", ".h", ".hpp")):
                    yield area, os.path.join(dirpath, f)


def area_of(src, path):
    rel = os.path.relpath(path, src)
    parts = rel.split(os.sep)
    return parts[0]


CALL = re.compile(r"\b(%s)\s*\(" % "|".join(sorted(WRAPPERS)))
STDERR = re.compile(r'\bfprintf\s*\(\s*stderr\s*,\s*"loihi-emu: ')
FMT_PARAM = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(([^;{}()]*\bconst\s+char\s*\*\s*fmt\b[^;{}()]*)\)")


def extract(src):
    """{format: {"code": set, "files": set}}, and problems (unknown wrappers)."""
    found, problems = {}, []
    for area, path in source_files(src):
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = strip_comments(fh.read())
        rel = os.path.relpath(path, src)
        for m in FMT_PARAM.finditer(text):
            name = m.group(1)
            if name not in WRAPPERS and name not in NOT_ERRORS:
                line = text.count("\n", 0, m.start()) + 1
                problems.append("%s:%d: %s takes a printf format: add it to WRAPPERS (an error) or NOT_ERRORS "
                                "in tests/cli/error_catalogue.py" % (rel, line, name))
        hits = [(m.start(), m.group(1), text.index("(", m.start())) for m in CALL.finditer(text)]
        hits += [(m.start(), "stderr", text.index("(", m.start())) for m in STDERR.finditer(text)]
        for start, name, paren in hits:
            # a declaration or definition of the wrapper itself, not a call
            before = text[max(0, start - 40):start]
            if re.search(r"(le_code|void|int|static)\s*\**\s*$", before):
                continue
            args, _ = split_args(text, paren)
            if not args:
                continue
            if name == "stderr":
                fmt = literal_format(args[1]) if len(args) > 1 else None
                if fmt is None:
                    continue
                fmt = fmt[len("loihi-emu: "):]
                code = "varies"
            else:
                fi, ci = WRAPPERS[name]
                if len(args) <= fi:
                    continue
                fmt = literal_format(args[fi])
                if fmt is None:
                    continue
                code = args[ci] if isinstance(ci, int) else ci
                if not re.fullmatch(r"LE_ERR_[A-Z_]+", code or ""):
                    code = "varies" if isinstance(ci, int) else code
            # A format that is only conversions says nothing of its own.
            if not re.sub(r"%[-+ #0-9.*]*(?:ll|l|z|h|j|t)?[a-zA-Z%]|<[A-Z0-9_]+>|[\s:;,.()'\"]", "", fmt):
                continue
            e = found.setdefault(fmt, {"codes": set(), "files": set(), "area": area})
            e["codes"].add(code)
            e["files"].add(rel.replace(os.sep, "/"))
    return found, problems


ENTRY = re.compile(r"^- `` (.*) `` —")


def catalogued(doc):
    with open(doc, encoding="utf-8") as fh:
        text = fh.read()
    return {m.group(1) for m in map(ENTRY.match, text.splitlines()) if m}, text


def render(found):
    by_area = {}
    for fmt, e in found.items():
        by_area.setdefault(e["area"], []).append(fmt)
    lines = [MARKER, ""]
    total = len(found)
    lines.append("%d messages. Each entry: the message's format (`%%s`, `%%u`, ... stand for what is filled in; "
                 "`<NAME>` for a constant of the sources), the exit status, the kind of error, and the source "
                 "files that report it." % total)
    lines.append("")
    for area in AREAS:
        if area not in by_area:
            continue
        lines.append("## %s (`%s/`)" % (AREA_TITLES[area], area))
        lines.append("")
        for fmt in sorted(by_area[area], key=lambda s: (s.lower(), s)):
            e = found[fmt]
            codes = sorted(e["codes"])
            exits = sorted({EXIT.get(c, "1") for c in codes})
            kinds = sorted({KIND.get(c, c) for c in codes})
            lines.append("- `` %s `` — exit %s (%s); %s" % (fmt, " or ".join(exits), ", ".join(kinds),
                                                          ", ".join("`%s`" % f for f in sorted(e["files"]))))
        lines.append("")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--src", default=os.path.normpath(os.path.join(here, "..", "..")))
    ap.add_argument("--doc", default=None)
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    doc = a.doc or os.path.join(a.src, "docs", "errors.md")
    found, problems = extract(a.src)
    if a.write:
        with open(doc, encoding="utf-8") as fh:
            text = fh.read()
        head = text.split(MARKER)[0].rstrip("\n") + "\n\n" if MARKER in text else text.rstrip("\n") + "\n\n"
        with open(doc + ".tmp", "w", encoding="utf-8") as fh:
            fh.write(head + render(found))
        os.replace(doc + ".tmp", doc)
        print("%s: %d messages" % (doc, len(found)))
    have, _ = catalogued(doc)
    missing = sorted(f for f in found if f not in have)
    stale = sorted(f for f in have if f not in found)
    for p in problems:
        print("error_catalogue: %s" % p)
    if missing:
        print("error_catalogue: %d message(s) not in %s (run tests/cli/error_catalogue.py --write, then describe "
              "them if they need it):" % (len(missing), os.path.relpath(doc, a.src)))
        for f in missing:
            print("  %s  [%s]" % (f, ", ".join(sorted(found[f]["files"]))))
    if stale:
        print("error_catalogue: note: %d catalogue entr%s no source reports any more:" %
              (len(stale), "y" if len(stale) == 1 else "ies"))
        for f in stale:
            print("  %s" % f)
    if not missing and not problems:
        print("error_catalogue: all %d messages are catalogued" % len(found))
    return 1 if missing or problems else 0


if __name__ == "__main__":
    sys.exit(main())
