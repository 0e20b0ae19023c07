#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Compiles every ```cpp block of README.md and docs/**/*.md.

The fragments are compiled with -fsyntax-only in as many translation units as --jobs (all
snippets of one page in the same one; parsing coflow's headers is most of the cost): each
snippet goes into its own namespace, its statements into a function there. A snippet with
`int main(` is a whole program: it gets its own translation unit, is linked and run, and when
the next block after it is a ```text block its output must equal that block.

An HTML comment right before a block (blank lines allowed) controls it:

    <!-- snippet: skip (the reason) -->    not compiled; a skip without a reason fails
    <!-- snippet: global -->              the snippet holds declarations: namespace scope
    <!-- snippet: body
    hidden setup code, at namespace scope before the snippet (its #include lines go to the
    top of the page's translation unit)
    ---
    setup code at the start of the snippet's function (locals that a lambda may capture)
    -->

`global` and `body` (the default) may both carry setup lines. docs/diagnostics.md is not
checked: it is generated from tests/compile_fail/, whose harness compiles each case.

Usage: check_snippets.py --cxx g++ --out DIR [--jobs N] [--libs "-lsqlite3 ..."] -- FLAGS...
"""
import argparse
import concurrent.futures
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
GENERATED = {"docs/diagnostics.md"}
FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"<!--\s*snippet:\s*(\w+)(.*?)-->", re.S)

# What every fragment may use without saying so (a whole program includes what it uses).
PRELUDE = """#include <coflow/coflow.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
"""


class Snippet:
    def __init__(self, page, line, code, mode, setup, reason, expected):
        self.page, self.line, self.code = page, line, code
        self.mode, self.setup, self.reason, self.expected = mode, setup, reason, expected

    def where(self):
        return f"{self.page}:{self.line}"


def blocks(lines):
    """Yields (start line index, language, code lines) for each fenced block."""
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        yield i, m.group(1), lines[i + 1 : j]
        i = j + 1


def marker_before(lines, start):
    """The snippet marker in the text right before line `start`, or None."""
    text = "\n".join(lines[:start]).rstrip()
    if not text.endswith("-->"):
        return None
    begin = text.rfind("<!--")
    m = MARKER.fullmatch(text[begin:])
    return m


def parse_page(path):
    rel = path.relative_to(ROOT).as_posix()
    lines = path.read_text().splitlines()
    found = list(blocks(lines))
    out, errors = [], []
    for k, (start, lang, code) in enumerate(found):
        if lang != "cpp":
            continue
        mode, setup, reason = "body", [], ""
        m = marker_before(lines, start)
        if m:
            mode = m.group(1)
            first, _, rest = m.group(2).partition("\n")
            reason = first.strip().strip("()").strip()
            setup = rest.splitlines()
            if mode not in ("skip", "global", "body"):
                errors.append(f"{rel}:{start + 1}: unknown snippet marker '{mode}'")
            if mode == "skip" and not reason:
                errors.append(f"{rel}:{start + 1}: a skipped snippet must give its reason")
        if mode != "skip" and any("int main(" in c for c in code):
            mode = "main"
        expected = None
        if k + 1 < len(found) and found[k + 1][1] == "text":
            between = "\n".join(lines[start + len(code) + 2 : found[k + 1][0]]).strip()
            if between in ("", "Output:"):
                expected = found[k + 1][2]
        out.append(Snippet(rel, start + 1, code, mode, setup, reason, expected))
    return out, errors


def split_includes(lines):
    inc = [l for l in lines if l.lstrip().startswith("#include")]
    rest = [l if not l.lstrip().startswith("#include") else "" for l in lines]
    return inc, rest


def fragments_tu(snippets):
    """One translation unit for the fragments of some pages."""
    includes, parts = [], []
    for n, s in enumerate(snippets):
        inc_setup, setup = split_includes(s.setup)
        inc_code, code = split_includes(s.code)
        includes += inc_setup + inc_code
        parts.append(f"// {s.where()}\nnamespace snippet_{n} {{")
        line = [f'#line {s.line + 1} "{s.page}"']
        # Setup lines after a `---` line open the snippet's function (for locals a lambda captures).
        outer, _, local = "\n".join(setup).partition("\n---")
        outer, local = outer.splitlines(), local.splitlines()
        if s.mode == "global":
            parts += outer + line + code
        else:
            parts += outer + ["[[maybe_unused]] void snippet_body() {"] + local + line + code + ["}"]
        parts.append(f"}}  // namespace snippet_{n}\n")
    head = [l for l in dict.fromkeys(includes)]
    return PRELUDE + "\n".join(head) + "\n\n" + "\n".join(parts) + "\n"


def compile_and_run(job, args):
    name, source, snippet = job
    src = args.out / f"{name}.cpp"
    src.write_text(source)
    if snippet is None:
        cmd = [args.cxx, "-fsyntax-only", str(src)] + args.flags
    else:
        exe = args.out / name
        cmd = [args.cxx, "-o", str(exe), str(src)] + args.flags + args.libs.split()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return f"{name}: does not compile ({src})\n{r.stdout}{r.stderr}"
    if snippet is None:
        return None
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return f"{snippet.where()}: the program exits with {r.returncode}\n{r.stdout}{r.stderr}"
    if snippet.expected is not None:
        got = [l.rstrip() for l in r.stdout.rstrip("\n").splitlines()]
        want = [l.rstrip() for l in snippet.expected]
        if got != want:
            return (f"{snippet.where()}: the output differs from the text block after it\n"
                    f"expected:\n" + "\n".join(want) + "\ngot:\n" + "\n".join(got))
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cxx", required=True)
    p.add_argument("--out", required=True, type=pathlib.Path)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--libs", default="")
    p.add_argument("flags", nargs="*")
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    pages = [ROOT / "README.md"] + sorted((ROOT / "docs").rglob("*.md"))
    jobs, errors, counts = [], [], {"skip": 0, "main": 0, "fragment": 0}
    groups = [[] for _ in range(max(args.jobs, 1))]
    for page in pages:
        if page.relative_to(ROOT).as_posix() in GENERATED:
            continue
        snippets, errs = parse_page(page)
        errors += errs
        fragments = [s for s in snippets if s.mode in ("body", "global")]
        stem = re.sub(r"\W", "_", page.relative_to(ROOT).with_suffix("").as_posix())
        if fragments:
            min(groups, key=len).extend(fragments)
        for n, s in enumerate(x for x in snippets if x.mode == "main"):
            jobs.append((f"{stem}_main{n}", f'#line {s.line + 1} "{s.page}"\n' + "\n".join(s.code) + "\n", s))
        for s in snippets:
            counts["skip" if s.mode == "skip" else "main" if s.mode == "main" else "fragment"] += 1
            if s.mode == "skip":
                print(f"skipped {s.where()}: {s.reason}")
    jobs += [(f"fragments{n}", fragments_tu(g), None) for n, g in enumerate(groups) if g]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        errors += [e for e in pool.map(lambda j: compile_and_run(j, args), jobs) if e]
    print(f"snippets: {counts['fragment']} fragments and {counts['main']} programs compiled "
          f"in {len(jobs)} translation units, {counts['skip']} skipped")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
