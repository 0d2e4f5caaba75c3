#!/usr/bin/env python3
"""Generates the parse benchmark's input: the Model Spec corpus repeated
until the project is at least --mb megabytes (default 50).

Copy N of the spec gets "_N" appended to every section ID, cross reference,
BAD[#x] target and eval anchor, and its own copy of every eval file, so the
generated project is as clean as the original: IDs stay unique and every
anchor resolves, and the benchmark measures the normal path, not error
reporting.

Usage: gen.py [--mb 50] CORPUS_SPEC_MD OUT_DIR
"""
import argparse
import os
import re
import shutil


def suffix(text, n):
    text = re.sub(r'\{#([A-Za-z0-9_:.-]+)', lambda m: '{#%s_%d' % (m.group(1), n), text)
    text = re.sub(r'\]\(#([A-Za-z0-9_:.-]+)\)', lambda m: '](#%s_%d)' % (m.group(1), n), text)
    text = re.sub(r'\[#([A-Za-z0-9_:.-]+)\]', lambda m: '[#%s_%d]' % (m.group(1), n), text)
    text = re.sub(r'\[\^([A-Za-z0-9_-]+)\]', lambda m: '[^%s_%d]' % (m.group(1), n), text)
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mb', type=float, default=50)
    ap.add_argument('spec')
    ap.add_argument('out')
    args = ap.parse_args()

    with open(args.spec, encoding='utf-8') as f:
        spec = f.read()
    examples = os.path.join(os.path.dirname(args.spec), 'examples')
    evals = {}
    for name in sorted(os.listdir(examples)):
        with open(os.path.join(examples, name), encoding='utf-8') as f:
            evals[name[:-3]] = f.read()

    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(os.path.join(args.out, 'examples'))
    total, n = 0, 0
    while total < args.mb * 1e6:
        n += 1
        data = suffix(spec, n).encode('utf-8')
        with open(os.path.join(args.out, 'spec-%04d.md' % n), 'wb') as f:
            f.write(data)
        total += len(data)
        for stem, text in evals.items():
            data = suffix(text, n).encode('utf-8')
            with open(os.path.join(args.out, 'examples', '%s_%d.md' % (stem, n)), 'wb') as f:
                f.write(data)
            total += len(data)
    with open(os.path.join(args.out, 'specc.yaml'), 'w', encoding='utf-8') as f:
        f.write('name: bench\nspecs: ["spec-*.md"]\nevals: [examples]\n')
    print('%d copies, %.1f MB in %s' % (n, total / 1e6, args.out))


if __name__ == '__main__':
    main()
