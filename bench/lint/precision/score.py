#!/usr/bin/env python3
"""score.py [SPECC] - precision of `specc lint` on the corpus, from the hand
labels in labels.tsv.

Lints the corpus, joins each finding with its label (by key, see
findings.py), draws a random sample of SAMPLE findings (fixed seed, so the
sample is the same on every run of the same findings) and prints precision
per category on the sample and on all findings.  Exits 1 when a finding in
the sample has no label: label it (tp or fp, with a reason) and run again.
"""
import collections
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import findings  # noqa: E402

SAMPLE = int(os.environ.get('SAMPLE', '160'))
SEED = 20261125


def load_labels(path):
    labels = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or line.startswith('key\t') or not line.strip():
                continue
            parts = line.rstrip('\n').split('\t')
            labels[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else '')
    return labels


def table(title, rows, labels):
    by = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        lab = labels[r['key']][0]
        by[r['category']][0 if lab == 'tp' else 1] += 1
    tp = sum(v[0] for v in by.values())
    n = sum(sum(v) for v in by.values())
    print('%s: %d findings, precision %.3f' % (title, n, tp / n if n else 0))
    print('  %-24s %5s %5s %9s' % ('category', 'tp', 'fp', 'precision'))
    for cat in sorted(by):
        t, f = by[cat]
        print('  %-24s %5d %5d %9.3f' % (cat, t, f, t / (t + f)))
    return tp / n if n else 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    labels = load_labels(os.path.join(here, 'labels.tsv'))
    rows = findings.findings()
    rng = random.Random(SEED)
    sample = rng.sample(rows, min(SAMPLE, len(rows)))
    missing = [r for r in rows if r['key'] not in labels]
    if [r for r in sample if r['key'] not in labels]:
        print('unlabelled findings (add them to labels.tsv):', file=sys.stderr)
        for r in missing:
            print('  %s\t%s' % (r['key'], r['context'][:160]), file=sys.stderr)
        return 1
    p = table('random sample (seed %d)' % SEED, sample, labels)
    if not missing:
        print()
        table('all findings on the corpus', rows, labels)
    else:
        print('\n%d findings outside the sample have no label' % len(missing))
    return 0 if p >= 0.9 else 1


if __name__ == '__main__':
    sys.exit(main())
