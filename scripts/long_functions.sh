#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Lists the functions in coflow's headers that are longer than a limit (40 lines by default),
# counted from the line of the signature (after any template header and requires clause) to the
# closing brace. Exits 1 when there is one.
#
# Usage: scripts/long_functions.sh [--max N] [--list] [path...]   (default path: include/)
#   --list  prints every function found, with its length (to check what the reader sees)
#
# A light C++ reader, not a compiler: it strips comments, literals and preprocessor lines,
# then tells a function body from a class body, a block, a lambda and a braced initializer by
# the tokens before each `{`. Lambdas count as part of the function that holds them.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v python3 >/dev/null; then
  echo "long_functions.sh: needs python3" >&2
  exit 2
fi

exec python3 - "$@" <<'PY'
import re
import sys
from pathlib import Path

CONTROL = {"if", "for", "while", "switch", "catch"}
NOT_A_NAME = CONTROL | {
    "return", "sizeof", "alignof", "alignas", "decltype", "noexcept", "requires", "static_assert",
    "throw", "new", "delete", "co_await", "co_yield", "co_return", "typeid", "explicit",
    "__attribute__", "constexpr",
}
QUALIFIERS = {"const", "volatile", "noexcept", "override", "final", "&", "&&", "mutable", "constexpr",
              "consteval", "static"}
TYPE_KEYS = {"class", "struct", "union", "enum", "namespace", "extern"}
LABELS = {"public", "private", "protected", "case", "default"}
LAMBDA_BEFORE = {None, "=", ",", "(", "{", "return", "?", ":", "&&", "||", "!", "co_return", "co_await"}


def strip(text):
    """Blanks comments, string and character literals and preprocessor lines; keeps newlines."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            while i < n and text[i] != "\n":  # a directive, with its continuation lines
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append("\n")
                    i += 2
                    continue
                i += 1
            continue
        if c == "\n":
            out.append(c)
            at_line_start = True
            i += 1
            continue
        if c in " \t":
            out.append(c)
            i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == 'R' and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):  # not a digit separator
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (j - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


TOKEN = re.compile(r"[A-Za-z_]\w*|\d[\w.']*|::|->|&&|\|\||\.\.\.|==|!=|\S")


def tokens(text):
    for line_no, line in enumerate(text.split("\n"), 1):
        for m in TOKEN.finditer(line):
            yield m.group(0), line_no


class Group:
    """A closed (...), [...] or braced initializer / lambda body, as one token of its statement."""

    def __init__(self, kind, line):
        self.kind, self.line = kind, line

    def __repr__(self):
        return self.kind


def text_of(t):
    return t[0] if isinstance(t, tuple) else repr(t)


def is_name(t):
    s = text_of(t)
    return isinstance(t, tuple) and (s[0].isalpha() or s[0] == "_")


def skip_template_headers(s):
    """Index past `template <...>` headers at the start of a statement."""
    i = 0
    while i < len(s) and text_of(s[i]) == "template":
        i += 1
        depth = 0
        while i < len(s):
            x = text_of(s[i])
            i += 1
            if x == "<":
                depth += 1
            elif x == ">":
                depth -= 1
                if depth == 0:
                    break
    return i


def signature_start(s):
    """The line a function's signature starts on: after its template header and requires clause."""
    i = skip_template_headers(s)
    if i < len(s) and text_of(s[i]) == "requires":
        line = s[i][1]
        while i < len(s):
            t = s[i]
            t_line = t.line if isinstance(t, Group) else t[1]
            if t_line > line:
                if text_of(s[i - 1]) in ("&&", "||"):
                    line = t_line
                else:
                    break
            i += 1
    if i >= len(s):
        return None
    t = s[i]
    return t.line if isinstance(t, Group) else t[1]


def names_a_declarator(s, k):
    """Whether the (...) at s[k] follows a function's name (or an operator)."""
    if k == 0:
        return False
    prev = s[k - 1]
    if is_name(prev) and text_of(prev) not in NOT_A_NAME:
        return text_of(prev) != "operator"
    for back in range(1, 4):  # operator==, operator(), operator[], operator<=> ...
        if k - back >= 0 and text_of(s[k - back]) == "operator":
            return True
    return False


def declarator_name(s, k):
    """The name before the parameter list s[k]: `push`, `operator()`, `operator==`."""
    for back in range(1, 4):
        if k - back >= 0 and text_of(s[k - back]) == "operator":
            return "".join(text_of(t) for t in s[k - back:k])
    return text_of(s[k - 1])


def function_tail(s, k):
    """After the parameter list s[k]: 'body' when a `{` now opens the function's body, 'init' when
    it opens a member initializer of a constructor, None when this is no function head."""
    i = k + 1
    while i < len(s):
        x = text_of(s[i])
        if x in QUALIFIERS:
            i += 1
            if x == "noexcept" and i < len(s) and text_of(s[i]) == "()":
                i += 1
        elif x in ("->", "requires"):
            return "body"  # a trailing return type or a requires clause runs to the body
        elif x == ":":
            last = text_of(s[-1])
            return "body" if last in ("()", "{}", "...") and len(s) - 1 > i else "init"
        else:
            return None
    return "body"


def lambda_head(s):
    """Whether the statement ends with a lambda's head: [captures] <T> (params) specifiers -> R."""
    for k in range(len(s) - 1, -1, -1):
        if text_of(s[k]) == "[]":
            before = text_of(s[k - 1]) if k > 0 else None
            if before not in LAMBDA_BEFORE:
                return False
            rest = [text_of(t) for t in s[k + 1:]]
            if "->" in rest:
                rest = rest[: rest.index("->")]
            return all(x in ("()", "mutable", "constexpr", "consteval", "noexcept", "static") for x in rest)
    return False


def classify(ctx_kind, s):
    """What the `{` that ends statement `s` opens in a context of kind `ctx_kind`."""
    if ctx_kind in ("paren", "init"):
        return ("lambda", None) if lambda_head(s) else ("init", None)
    if ctx_kind in ("function", "block", "lambda"):
        if not s:
            return ("block", None)
        last = text_of(s[-1])
        if last in ("else", "do", "try"):
            return ("block", None)
        if last == "()" and len(s) >= 2:
            before = text_of(s[-2])
            if before in CONTROL or (before == "constexpr" and len(s) >= 3 and text_of(s[-3]) == "if"):
                return ("block", None)
        if lambda_head(s):
            return ("lambda", None)
        i = skip_template_headers(s)
        if i < len(s) and text_of(s[i]) in TYPE_KEYS:
            return ("scope", None)
        return ("init", None)
    # A namespace, a class, or the file: declarations.
    i = skip_template_headers(s)
    if i < len(s) and text_of(s[i]) in TYPE_KEYS:
        return ("scope", None)
    if any(text_of(t) == "=" and text_of(s[k - 1]) != "operator" for k, t in enumerate(s) if k >= i):
        return ("lambda", None) if lambda_head(s) else ("init", None)
    for k in range(i, len(s)):
        if text_of(s[k]) == "()" and names_a_declarator(s, k):
            tail = function_tail(s, k)
            if tail == "body":
                return ("function", (declarator_name(s, k), signature_start(s)))
            if tail == "init":
                return ("init", None)
    return ("init", None)


def functions(path):
    """(name, first line, last line) of every function defined in the file."""
    text = strip(path.read_text())
    found = []
    # Each context: [kind, statement so far, data]; kinds: file, scope, function, block, lambda,
    # init, paren, bracket.
    stack = [["file", [], None]]
    toks = list(tokens(text))
    i = 0
    while i < len(toks):
        tok, line = toks[i]
        ctx = stack[-1]
        if tok == "[" and i + 1 < len(toks) and toks[i + 1][0] == "[":  # an attribute: skipped
            depth = 0
            while i < len(toks):
                depth += {"[": 1, "]": -1}.get(toks[i][0], 0)
                i += 1
                if depth == 0:
                    break
            continue
        if tok in ("(", "["):
            stack.append(["paren" if tok == "(" else "bracket", [], Group(tok + {"(": ")", "[": "]"}[tok], line)])
        elif tok == "{":
            kind, data = classify(ctx[0], ctx[1])
            if kind == "function":
                data = (data[0], data[1] if data[1] is not None else line)
            stack.append([kind, [], (data, Group("{}", line))])
        elif tok in (")", "]") and len(stack) > 1 and ctx[0] in ("paren", "bracket"):
            stack.pop()
            stack[-1][1].append(ctx[2])
        elif tok == "}" and len(stack) > 1:
            stack.pop()
            parent = stack[-1]
            (data, group) = ctx[2]
            if ctx[0] == "function":
                found.append((data[0], data[1], line))
            if ctx[0] in ("init", "lambda"):
                parent[1].append(group)
            else:
                parent[1].clear()
        elif tok == ";" or (tok == "," and ctx[0] in ("paren", "bracket", "init")):
            ctx[1].clear()
        elif tok == ":" and ctx[1] and text_of(ctx[1][0]) in LABELS and ctx[0] != "paren":
            ctx[1].clear()  # `public:`, `case x:`, `default:`
        else:
            ctx[1].append((tok, line))
        i += 1
    return found


def main(argv):
    limit = 40
    listing = False
    paths = []
    while argv:
        a = argv.pop(0)
        if a == "--max":
            limit = int(argv.pop(0))
        elif a == "--list":
            listing = True
        else:
            paths.append(Path(a))
    if not paths:
        paths = [Path("include")]
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.hpp")))
    long_ones = []
    for f in files:
        for name, first, last in functions(f):
            if listing:
                print(f"{f}:{first}: {name} {last - first + 1}")
            if last - first + 1 > limit:
                long_ones.append((f, name, first, last))
    for f, name, first, last in long_ones:
        print(f"{f}:{first}: {name} is {last - first + 1} lines (over {limit})")
    if long_ones:
        print(f"{len(long_ones)} function(s) over {limit} lines")
        return 1
    print(f"no function over {limit} lines in {len(files)} header(s)")
    return 0


sys.exit(main(sys.argv[1:]))
PY
