#!/usr/bin/env python3
"""score.py [--set FILE] [SPECC] - recall of `specc lint` on a hand-written set.

--set picks the sentence file: sentences.tsv (default; the set the rules
were tuned on after a first measurement) or heldout.tsv (written later,
blind to the rules and to sentences.tsv, never used for tuning).

sentences.tsv: each sentence carries one known smell of a category.  Each
becomes its own paragraph in one generated spec (under a heading with an
authority, so it reads as part of a normative section), and counts as
recalled when a finding of its category starts on its line.
docs/*.md: whole specs for the spec-level categories; NAME.expect lists
"category<TAB>line" findings that must be reported.
clean.tsv: sentences with no smell; every finding on them is counted and
listed (a check on precision, not part of recall).

Prints recall per category and overall; exits 1 below 0.9 overall.
"""
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
ARGS = sys.argv[1:]
SET = 'sentences.tsv'
if ARGS[:1] == ['--set']:
    SET = ARGS[1]
    ARGS = ARGS[2:]
SPECC = ARGS[0] if ARGS else os.path.join(ROOT, 'build', 'specc')


def categories():
    out = subprocess.run([SPECC, 'lint', '--list-rules', '/nonexistent'], capture_output=True,
                         text=True).stdout
    return {p[0]: p[1] for p in (l.split() for l in out.splitlines()[1:]) if len(p) >= 5}


def lint(path):
    run = subprocess.run([SPECC, 'lint', '--format', 'json', path], capture_output=True, text=True)
    return json.loads(run.stdout)['diagnostics']


def read_tsv(name):
    rows = []
    with open(os.path.join(HERE, name), encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            cat, sent = line.rstrip('\n').split('\t', 1)
            rows.append((cat, sent))
    return rows


def sentence_set(rows, cats):
    """Lints rows as one spec; returns, per row, the categories found on it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'recall.md')
        lines = ['# Recall set {#recall authority=developer}', '']
        where = []
        for _, sent in rows:
            where.append(len(lines) + 1)
            lines += [sent, '']
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
        found = collections.defaultdict(set)
        for d in lint(path):
            if d['code'] in cats:
                found[d['start']['line']].add((cats[d['code']], d['code']))
    return [found.get(w, set()) for w in where]


def main():
    cats = categories()
    hit = collections.Counter()
    total = collections.Counter()
    missed = []

    rows = read_tsv(SET)
    for (cat, sent), got in zip(rows, sentence_set(rows, cats)):
        total[cat] += 1
        if cat in {c for c, _ in got}:
            hit[cat] += 1
        else:
            missed.append((cat, sent, sorted(r for _, r in got)))

    docs = os.path.join(HERE, 'docs')
    for name in sorted(os.listdir(docs)) if SET == 'sentences.tsv' else []:
        if not name.endswith('.md'):
            continue
        exp = os.path.join(docs, name[:-3] + '.expect')
        if not os.path.exists(exp):
            continue
        got = {(cats[d['code']], d['start']['line']) for d in lint(os.path.join(docs, name))
               if d['code'] in cats}
        with open(exp, encoding='utf-8') as f:
            for line in f:
                if line.startswith('#') or not line.strip():
                    continue
                cat, ln = line.split()
                total[cat] += 1
                if (cat, int(ln)) in got:
                    hit[cat] += 1
                else:
                    missed.append((cat, '%s:%s' % (name, ln), []))

    print('recall per category (bench/lint/recall/%s)' % SET)
    print('  %-24s %5s %5s %7s' % ('category', 'found', 'total', 'recall'))
    for cat in sorted(total):
        print('  %-24s %5d %5d %7.3f' % (cat, hit[cat], total[cat], hit[cat] / total[cat]))
    h, t = sum(hit.values()), sum(total.values())
    print('  %-24s %5d %5d %7.3f' % ('overall', h, t, h / t))
    if missed:
        print('\nmissed:')
        for cat, sent, other in missed:
            print('  [%s] %s%s' % (cat, sent, ('  (found: %s)' % ', '.join(other)) if other else ''))

    if SET != 'sentences.tsv':
        return 0 if h / t >= 0.9 else 1
    clean = read_tsv('clean.tsv')
    flagged = [(sent, sorted(r for _, r in got))
               for (_, sent), got in zip(clean, sentence_set(clean, cats)) if got]
    print('\nclean sentences: %d of %d flagged' % (len(flagged), len(clean)))
    for sent, rules in flagged:
        print('  %s  (%s)' % (sent, ', '.join(rules)))
    return 0 if h / t >= 0.9 else 1


if __name__ == '__main__':
    sys.exit(main())
