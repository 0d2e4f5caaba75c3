#!/usr/bin/env python3
"""Turn a plain-text manual (Debian's policy documents as shipped in
/usr/share/doc/debian-policy) into a spec that specc reads: one heading, the
prose as paragraphs, and an eval anchor on every sentence that says must,
should, may, shall, never or required.

The manuals are real normative text that nobody wrote for specc, so a
conflict specc reports in them is, almost always, a false one: this is how
the benchmark measures precision on text it was not tuned on.  Their
licence (GPL-2+ for the Policy Manual) asks for the source with the text,
so the text is not copied into the project; this script builds the spec
from the installed package.

usage: tospec.py MANUAL.txt[.gz] PREFIX > spec.md
"""
import gzip
import re
import sys

NORMATIVE = re.compile(r"\b(must|should|may|shall|never|required|mustn't|shouldn't)\b", re.I)
# A sentence ends at . ! or ? followed by space and something that can
# start one; abbreviations such as "e.g." rarely precede a capital.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"(])")
RULE = re.compile(r"^\s*[=\-~^*#+]{3,}\s*$")
NUMBERED_HEADING = re.compile(r"^\s*(\d+\.)+(\d+)?\s+\S")


def blocks(lines):
    """Paragraphs: runs of non-blank lines, with their first line's indent."""
    cur = []
    for line in lines:
        if line.strip():
            cur.append(line.rstrip("\n"))
        elif cur:
            yield cur
            cur = []
    if cur:
        yield cur


def indent(line):
    return len(line) - len(line.lstrip(" "))


def is_prose(block):
    text = " ".join(l.strip() for l in block)
    if len(block) >= 2 and RULE.match(block[-1]):
        return False                      # an underlined heading
    if any(RULE.match(l) or l.lstrip().startswith(("+-", "|")) for l in block):
        return False                      # a table or a rule
    if NUMBERED_HEADING.match(block[0].lstrip(" *")) and not text.rstrip().endswith((".", ":")):
        return False                      # a numbered heading or contents line
    return bool(re.search(r"[a-z]{3,} [a-z]{2,} [a-z]{2,}", text))


def anchor(text, prefix, counter):
    out = []
    for sentence in SENTENCE_END.split(text):
        if NORMATIVE.search(sentence):
            counter[0] += 1
            m = re.match(r"^(.*?)([.!?:]?)$", sentence, re.S)
            sentence = f"{m.group(1)}[^{prefix}{counter[0]:04d}]{m.group(2)}"
        out.append(sentence)
    return " ".join(out)


def main():
    if len(sys.argv) != 3 or not re.fullmatch(r"[a-z]+", sys.argv[2]):
        sys.exit("usage: tospec.py MANUAL.txt[.gz] PREFIX (PREFIX in lowercase letters)")
    path, prefix = sys.argv[1], sys.argv[2]
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError as e:
        sys.exit(f"tospec.py: cannot read {path}: {e.strerror or e}")
    counter = [0]
    print(f"# {prefix} {{#{prefix}}}\n")
    literal = False
    literal_indent = 0
    for block in blocks(lines):
        first = indent(block[0])
        # A literal block follows a paragraph ending in "::" (Sphinx) and
        # is indented under it: commands and file contents, not prose.
        if literal and first > literal_indent:
            continue
        literal = False
        text = " ".join(l.strip() for l in block)
        if text.endswith("::") or text.endswith(":"):
            literal, literal_indent = True, first
        if not is_prose(block):
            continue
        # Inline markup specc would read: footnote-like brackets and
        # asterisks are the manual's, not Markdown's.
        text = text.replace("[", "(").replace("]", ")").replace("*", "").replace("`", "'")
        text = re.sub(r"^(\d+\.|-|\u2022)\s+", "", text)
        print(anchor(text, prefix, counter) + "\n")
    print(f"{counter[0]} clauses", file=sys.stderr)


if __name__ == "__main__":
    main()
