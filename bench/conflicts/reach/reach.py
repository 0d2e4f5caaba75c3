#!/usr/bin/env python3
"""reach.py SPECC PROJECT PAIRS LOG: how many of the labelled conflicts the
lexical tier leaves are among the model tier's candidates (LOG, written by
judge.py, best first), and the recall a judge that is always right would
reach with the best 50, 100 and all of them.  Prints one line of counts:
nothing of a pair's text, so it can be run on held-out sets."""
import json
import re
import subprocess
import sys

specc, proj, pairs, log = sys.argv[1:5]
ir = json.loads(subprocess.run([specc, "parse", "--json", proj], capture_output=True, text=True, check=True).stdout)
anchor = {c["text"].strip(): a["id"] for c in ir["clauses"] for a in c["anchors"]}

labels = {}
with open(pairs, encoding="utf-8") as f:
    for line in f:
        fields = line.rstrip("\n").split("\t")
        if len(fields) >= 4 and fields[0] != "pair":
            labels[frozenset(fields[1:3])] = fields[3]
conflicts = {k for k, v in labels.items() if v == "conflict"}
lookalikes = {k for k, v in labels.items() if v != "conflict"}

# What the lexical tier reported (rc 1 when it finds errors).
out = subprocess.run([specc, "check", "--format", "json", proj], capture_output=True, text=True).stdout
found = set()
for d in json.loads(out).get("diagnostics", []):
    m = re.search(r"clause (\S+) \(.*?(?:conflicts with|is overridden by|overrides) clause (\S+) \(",
                  d.get("message", ""))
    if m:
        found.add(frozenset(m.groups()))
left = conflicts - found

ranked = []
with open(log, encoding="utf-8") as f:
    for line in f:
        doc = json.loads(json.loads(line))
        ranked.append(frozenset(anchor.get(c["text"].strip(), "?") for c in doc["clauses"]))


def top(n):
    s = set(ranked[:n])
    return len(left & s), len(lookalikes & s)


lex = len(conflicts & found)
(c50, l50), (c100, _), (call, lall) = top(50), top(100), top(len(ranked))
print("left %d of %d; candidates %d; conflicts in top 50 / 100 / all: %d / %d / %d; "
      "look-alikes in top 50 / all: %d / %d of %d; recall with a perfect judge: top 50 %.2f, all %.2f"
      % (len(left), len(conflicts), len(ranked), c50, c100, call, l50, lall, len(lookalikes),
         (lex + c50) / len(conflicts), (lex + call) / len(conflicts)))
