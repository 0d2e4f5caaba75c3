#!/usr/bin/env python3
"""Independent structural counter for Model-Spec-style projects.

This is a test oracle: it re-derives the structural counts that
`specc parse --json` reports under "counts", using a deliberately separate,
line-oriented reading of the Markdown (Python, standard library only, no
shared code with the C parser).  If both agree on a real corpus, that is good
evidence that neither has a systematic parsing bug.

Usage:
    count.py PROJECT_DIR      # directory holding specc.yaml (else defaults)
    count.py SPEC.md          # single spec file; evals in sibling examples/

Prints one JSON object (sorted keys, indent 2).  The counting rules are
documented next to the code that applies them.
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys
from dataclasses import dataclass, field

# --------------------------------------------------------------------------
# Block model
# --------------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    """A run of prose lines: a paragraph or a single list item's text."""
    lines: list[str]
    list_item: bool = False


@dataclass
class Fence:
    info: str
    body: list[str]


@dataclass
class Admonition:
    header: str
    blocks: list = field(default_factory=list)


FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
# ATX heading: 1-6 '#', then whitespace or end of line (so '#foo' is text).
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
# Optional closing sequence of an ATX heading ("## Title ##").
ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")


def is_blank(line: str) -> bool:
    return line.strip() == ""


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def closes_fence(line: str, char: str, length: int) -> bool:
    """CommonMark closing rule: same char, at least as long, nothing else."""
    m = re.match(r"^ {0,3}(" + re.escape(char) + r"{3,})[ \t]*$", line)
    return bool(m) and len(m.group(1)) >= length


def parse_blocks(lines: list[str]) -> list:
    """Split lines into headings, prose paragraphs, fences and admonitions.

    Only the constructs that matter for the counts are recognised; anything
    else (tables, block quotes, HTML) is treated as paragraph text, which is
    harmless because we only look for anchors, links and labels in it.
    """
    blocks: list = []
    para: Para | None = None  # the prose unit being accumulated
    i = 0
    n = len(lines)

    def flush() -> None:
        nonlocal para
        if para:
            blocks.append(para)
        para = None

    while i < n:
        line = lines[i].expandtabs(4)

        m = FENCE_OPEN.match(line)
        # A backtick fence's info string may not contain backticks
        # (CommonMark), otherwise "```foo```" inline code would open a fence.
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            flush()
            char, length = m.group(2)[0], len(m.group(2))
            body = []
            i += 1
            # Everything up to the matching close is content -- in particular
            # ``` lines nested inside a ~~~ fence.  An unclosed fence runs to
            # the end of the enclosing container, as in CommonMark.
            while i < n and not closes_fence(lines[i].expandtabs(4), char, length):
                body.append(lines[i])
                i += 1
            i += 1  # skip the closing line (or step past the end)
            blocks.append(Fence(m.group(3).strip(), body))
            continue

        if line.startswith("!!! "):
            flush()
            header = line
            i += 1
            body = []
            # Python-Markdown admonition: the body is the following lines
            # indented by 4 spaces; blank lines belong to it only when more
            # indented text follows.
            while i < n:
                cur = lines[i].expandtabs(4)
                if is_blank(cur):
                    body.append("")
                elif indent_of(cur) >= 4:
                    body.append(cur[4:])
                else:
                    break
                i += 1
            while body and body[-1] == "":
                body.pop()
            blocks.append(Admonition(header, parse_blocks(body)))
            continue

        if is_blank(line):
            flush()
            i += 1
            continue

        m = ATX.match(line)
        if m:
            flush()
            text = ATX_CLOSE.sub("", m.group(2) or "").strip()
            blocks.append(Heading(len(m.group(1)), text))
            i += 1
            continue

        if LIST_ITEM.match(line):
            # Each list item is its own prose unit so that sentences never
            # run from one bullet into the next.
            flush()
            para = Para([LIST_ITEM.sub("", line, count=1).strip()], True)
            i += 1
            continue

        # Indented or lazy continuation lines extend the current paragraph
        # or list item alike.
        if para is None:
            para = Para([])
        para.lines.append(line.strip())
        i += 1

    flush()
    return blocks


def walk_prose(blocks: list):
    """Yield every prose unit (paragraph or heading text), including those
    inside admonition bodies -- commentary is prose, not code."""
    for b in blocks:
        if isinstance(b, Para):
            yield "\n".join(b.lines)
        elif isinstance(b, Heading):
            yield b.text
        elif isinstance(b, Admonition):
            yield from walk_prose(b.blocks)


# --------------------------------------------------------------------------
# Inline scanning
# --------------------------------------------------------------------------

CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
ANCHOR = re.compile(r"(?<!\\)\[\^([^\]\s]+)\]")
FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^[^\]\s]+\]:")
# [text](#target) or [text](#target "title"); the text may hold one level
# of brackets ("[`a[0]`](#x)").  Images ("![...]") are not links.
XREF = re.compile(
    r"(?<![!\\])\[(?:[^\[\]]|\[[^\[\]]*\])*\]"
    r"\(\s*#[^)\s]*(?:\s+\"[^\"]*\")?\s*\)"
)


def mask_code_spans(text: str) -> str:
    """Replace inline code with a neutral token: anchors and links written
    inside backticks are examples of syntax, not real references."""
    return CODE_SPAN.sub("CODE", text)


# A sentence ends at . ? or ! (possibly repeated, e.g. "?!" or "..."),
# optionally followed by closing quotes/brackets/emphasis and by anchors --
# an anchor written right after the full stop still belongs to the sentence
# it follows -- and then whitespace (space or a soft line break).
SENTENCE_END = re.compile(
    r"[.?!]+[\"'\u201d\u2019)\]*_]*(?:\[\^[^\]\s]+\])*(?=\s)"
)
# Abbreviations whose full stop never ends a sentence.  "etc." often does
# end one (the corpus has "change formatting, etc. Given such a task"), so it
# only suppresses a split when the next word is lower-case.
ABBREVIATIONS = ("e.g.", "i.e.", "cf.", "vs.", "Mr.", "Mrs.", "Ms.", "Dr.")
SOFT_ABBREVIATIONS = ("etc.",)


def split_sentences(text: str) -> list[str]:
    sentences = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        before = text[start:m.end()]
        # Reduce the last token to its bare word ("(e.g.)[^x]" -> "e.g.") to
        # recognise abbreviations whatever wraps them.
        word = ANCHOR.sub("", before.split()[-1])
        word = word.lstrip("(\"'\u201c\u2018*_").rstrip("\"'\u201d\u2019)]*_")
        if word in ABBREVIATIONS:
            continue
        if word in SOFT_ABBREVIATIONS and text[m.end():].lstrip()[:1].islower():
            continue
        sentences.append(before.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# --------------------------------------------------------------------------
# Examples and labelled answers
# --------------------------------------------------------------------------

EXAMPLE_PARA = re.compile(r"^\*\*Example(?:\*\*:|:\*\*)")
# The label is the first word of an HTML comment on the <assistant ...>
# opening-tag line; it may be followed by "[#section]", ":" or ",".
LABEL = re.compile(
    r"^\s*<assistant\b[^>]*>\s*<!--\s*(GOOD|BAD|OK)(?=\[#|[:,\s]|-->)"
)


def example_fences(blocks: list) -> list[Fence]:
    """Fences belonging to examples: an '**Example**:' paragraph (not a list
    item) whose next block is a fence with info string 'xml'.  Used for
    inline examples and eval items alike, so an '**Example**' title with no
    conversation after it is not counted in either place.  Examples inside
    commentary bodies would count too (the corpus has none)."""
    found = []
    for prev, cur in zip(blocks, blocks[1:]):
        if (isinstance(prev, Para) and not prev.list_item
                and EXAMPLE_PARA.match(prev.lines[0])
                and isinstance(cur, Fence)
                and cur.info.split()[:1] == ["xml"]):
            found.append(cur)
    for b in blocks:
        if isinstance(b, Admonition):
            found.extend(example_fences(b.blocks))
    return found


def count_labels(fences: list[Fence]) -> dict[str, int]:
    counts = {"good": 0, "bad": 0, "ok": 0}
    for f in fences:
        for line in f.body:
            m = LABEL.match(line)
            if m:
                counts[m.group(1).lower()] += 1
    return counts


def add_into(total: dict[str, int], part: dict[str, int]) -> None:
    for k, v in part.items():
        total[k] = total.get(k, 0) + v


# --------------------------------------------------------------------------
# Files, front matter, authority
# --------------------------------------------------------------------------


def read_lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.splitlines()


def split_front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Return (top-level scalar keys, remaining lines).  Only a '---' on the
    very first line opens front matter; '---' or '...' closes it."""
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, lines  # unterminated: treat as ordinary text
    meta = {}
    for line in lines[1:end]:
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", line)
        if m:
            meta[m.group(1)] = unquote(strip_comment(m.group(2)))
    # Blank out rather than drop the front matter so line numbers stay true
    # if someone debugs with this.
    return meta, [""] * (end + 1) + lines[end + 1:]


def strip_comment(value: str) -> str:
    # A YAML comment needs whitespace before '#'; "#id" alone is not one.
    return re.sub(r"(^|\s)#.*$", "", value).strip()


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


ATTR_LIST = re.compile(r"\{([^{}]*)\}\s*$")


def heading_authority(text: str) -> str | None:
    m = ATTR_LIST.search(text)
    if not m:
        return None
    am = re.search(r"(?:^|\s)authority\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s}]+)",
                   m.group(1))
    return unquote(am.group(1)) if am else None


def count_spec(path: str, totals: dict) -> None:
    meta, lines = split_front_matter(read_lines(path))
    blocks = parse_blocks(lines)
    file_default = meta.get("authority") or None

    # Only top-level headings are sections: fence contents are not blocks
    # at all, and admonition bodies are indented so hold no ATX headings.
    stack: list[tuple[int, str | None]] = []
    for b in blocks:
        if not isinstance(b, Heading):
            continue
        while stack and stack[-1][0] >= b.level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        eff = heading_authority(b.text) or parent
        stack.append((b.level, eff))
        key = eff or file_default or "none"
        totals["sections"] += 1
        totals["sections_by_authority"][key] = \
            totals["sections_by_authority"].get(key, 0) + 1

    for unit in walk_prose(blocks):
        masked = mask_code_spans(unit)
        # A footnote definition's label is not a reference to it.
        masked = "\n".join(FOOTNOTE_DEF.sub("", ln) for ln in masked.split("\n"))
        totals["anchors"] += len(ANCHOR.findall(masked))
        totals["cross_references"] += len(XREF.findall(masked))
        totals["clauses"] += sum(1 for s in split_sentences(masked)
                                 if ANCHOR.search(s))

    totals["commentaries"] += sum(1 for b in blocks if isinstance(b, Admonition))
    fences = example_fences(blocks)
    totals["examples"] += len(fences)
    add_into(totals["example_answers"], count_labels(fences))


def count_eval(path: str, totals: dict) -> None:
    _, lines = split_front_matter(read_lines(path))
    fences = example_fences(parse_blocks(lines))
    totals["eval_items"] += len(fences)
    add_into(totals["eval_answers"], count_labels(fences))


# --------------------------------------------------------------------------
# Project discovery
# --------------------------------------------------------------------------


def yaml_list(lines: list[str], key: str) -> list[str] | None:
    """Minimal reader for a top-level 'key:' holding a block list, a flow
    list or a single scalar.  Returns None if the key is absent."""
    for idx, line in enumerate(lines):
        m = re.match(r"^" + re.escape(key) + r"\s*:\s*(.*)$", line)
        if not m:
            continue
        rest = strip_comment(m.group(1))
        if rest.startswith("["):
            inner = rest.strip("[]")
            return [unquote(x.strip()) for x in inner.split(",") if x.strip()]
        if rest:
            return [unquote(rest)]
        items = []
        for item in lines[idx + 1:]:
            if is_blank(item) or item.lstrip().startswith("#"):
                continue
            im = re.match(r"^\s+-\s+(.*)$", item) or re.match(r"^-\s+(.*)$", item)
            if not im:
                break
            items.append(unquote(strip_comment(im.group(1))))
        return items
    return None


def discover(path: str) -> tuple[list[str], list[str]]:
    """Return (spec files, eval folders) for a project dir or a spec file."""
    if os.path.isdir(path):
        cfg = os.path.join(path, "specc.yaml")
        # Without a project file every key takes its default, so a bare
        # folder of specs (like the repository's examples/) still counts.
        if os.path.isfile(cfg):
            lines = read_lines(cfg)
        else:
            print(f"count.py: note: no specc.yaml in {path}, using defaults",
                  file=sys.stderr)
            lines = []
        patterns = yaml_list(lines, "specs")
        folders = yaml_list(lines, "evals")
        if patterns is None:
            patterns = ["*.md"]
        if folders is None:
            folders = ["examples"]
        specs: list[str] = []
        for pat in patterns:
            for f in sorted(glob.glob(os.path.join(path, pat), recursive=True)):
                f = os.path.normpath(f)
                if os.path.isfile(f) and f not in specs:
                    specs.append(f)
        return specs, [os.path.join(path, d) for d in folders]
    if os.path.isfile(path):
        return [path], [os.path.join(os.path.dirname(path) or ".", "examples")]
    sys.exit(f"count.py: no such file or directory: {path}")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: count.py PROJECT_DIR|SPEC.md", file=sys.stderr)
        return 2
    specs, eval_dirs = discover(argv[1])

    totals = {
        "specs": len(specs),
        "sections": 0,
        "sections_by_authority": {},
        "clauses": 0,
        "anchors": 0,
        "cross_references": 0,
        "commentaries": 0,
        "examples": 0,
        "example_answers": {"good": 0, "bad": 0, "ok": 0},
        "eval_files": 0,
        "eval_items": 0,
        "eval_answers": {"good": 0, "bad": 0, "ok": 0},
    }
    for spec in specs:
        count_spec(spec, totals)

    seen = set()
    for d in eval_dirs:
        if not os.path.isdir(d):
            continue  # a missing eval folder simply contributes nothing
        for name in sorted(os.listdir(d)):
            f = os.path.realpath(os.path.join(d, name))
            if name.endswith(".md") and os.path.isfile(f) and f not in seen:
                seen.add(f)
                totals["eval_files"] += 1
                count_eval(f, totals)

    print(json.dumps(totals, sort_keys=True, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
