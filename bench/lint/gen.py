#!/usr/bin/env python3
"""Generates the lint benchmark's input: the Model Spec corpus repeated
until the spec files hold at least --mb megabytes (default 50), as
spec-0001.md, spec-0002.md, ... and a specc.yaml with specs: ["spec-*.md"].

Unlike bench/parse/gen.py it writes spec files only, no eval files, so all
the measured text is the prose a linter reads (textlint and alex get the
same files).  Copy N gets "_N" appended to every section ID, cross
reference, BAD[#x] target and eval anchor by bench/parse/gen.py's suffix(),
so IDs stay unique across copies.  The anchors are kept, so the text is the
corpus's byte for byte apart from those suffixes; with no eval folder specc
reports one missing-eval-folder error for the whole project, as it would on
the original spec without its examples/.

Usage: gen.py [--mb 50] CORPUS_SPEC_MD OUT_DIR
"""
import argparse
import importlib.util
import os
import shutil


def parse_gen():
    # Not "import gen": this file is gen.py too.
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'parse', 'gen.py')
    spec = importlib.util.spec_from_file_location('bench_parse_gen', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mb', type=float, default=50)
    ap.add_argument('spec')
    ap.add_argument('out')
    args = ap.parse_args()
    suffix = parse_gen().suffix

    with open(args.spec, encoding='utf-8') as f:
        spec = f.read()
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    total, n = 0, 0
    while total < args.mb * 1e6:
        n += 1
        data = suffix(spec, n).encode('utf-8')
        with open(os.path.join(args.out, 'spec-%04d.md' % n), 'wb') as f:
            f.write(data)
        total += len(data)
    with open(os.path.join(args.out, 'specc.yaml'), 'w', encoding='utf-8') as f:
        f.write('name: bench-lint\nspecs: ["spec-*.md"]\n')
    # run.sh regenerates the data when MB changes.
    with open(os.path.join(args.out, '.mb'), 'w', encoding='utf-8') as f:
        f.write('%g\n' % args.mb)
    print('%d copies, %.1f MB of spec files in %s' % (n, total / 1e6, args.out))


if __name__ == '__main__':
    main()
