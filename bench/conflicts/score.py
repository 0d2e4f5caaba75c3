#!/usr/bin/env python3
"""Score specc's conflict detection on the labelled pairs of bench/conflicts.

usage: python3 bench/conflicts/score.py [SPECC] [--project DIR] [--pairs FILE]
                                       [--deep BASE_URL MODEL [--api-key-env VAR]]

SPECC defaults to build/specc, DIR to bench/conflicts/project and FILE to
bench/conflicts/pairs.tsv; bench/conflicts/heldout is another set to score.
Runs `SPECC check --format json DIR`, reads every
`clause-conflict` and `conflict-overridden` diagnostic as an unordered pair
of clause anchors, and compares them with the pairs file: true positives, false
positives, false negatives, precision, recall, and whether each true
positive was resolved the way the pair expects.  It measures and never
gates: the exit status is always 0.  Standard library only.

With --deep, the lexical tier and the model tier are scored together: the
project is copied to a temporary directory whose specc.yaml adds an openai
grader (any Chat Completions server: BASE_URL up to /v1, MODEL, the API key
in the variable --api-key-env names, temperature 0), and the command is
`SPECC check --deep --no-progress --store TMP/store.db --format json`, so
every candidate pair up to the default 1000 is judged afresh.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.join(HERE, 'project')
PAIRS = os.path.join(HERE, 'pairs.tsv')
CODES = ('clause-conflict', 'conflict-overridden')

ANCHOR = re.compile(r'\[\^([A-Za-z0-9]+)\]')
HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*(?:\{([^}]*)\})?\s*$')
MSG_FIRST = re.compile(r'^clause (\S+) \(')
MSG_OTHER = re.compile(r'(?:conflicts with|overridden by|overrides) clause (\S+) \(')
WINNER_FIRST = re.compile(r'^clause \S+ \(.*?\) overrides clause ')


def read_config():
    """The spec files and the chain of command, from specc.yaml (a small subset of YAML)."""
    text = open(os.path.join(PROJECT, 'specc.yaml'), encoding='utf-8').read()
    specs, chain = [], ['root', 'system', 'developer', 'user', 'guideline']
    m = re.search(r'^specs:\s*\[([^\]]*)\]', text, re.M)
    if m:
        specs = [s.strip() for s in m.group(1).split(',') if s.strip()]
    m = re.search(r'^authority:\s*\[([^\]]*)\]', text, re.M)
    if m:
        chain = [s.strip() for s in m.group(1).split(',') if s.strip()]
    return specs, chain


def read_specs():
    """Every anchor's clause: spec, section, authority; and each anchor's byte offset per file."""
    specs, chain = read_config()
    clauses = {}      # anchor id -> dict(spec, section, authority, ancestors, overrides, file, line)
    offsets = {}      # absolute file path -> sorted [(byte offset of anchor, id)]
    sections = {}     # section id -> dict(parent, overrides)
    for name in specs:
        path = os.path.join(PROJECT, name)
        data = open(path, 'rb').read()
        text = data.decode('utf-8')
        lines = text.split('\n')
        spec_name, spec_auth = os.path.splitext(name)[0], None
        start = 0
        if lines and lines[0].strip() == '---':
            for i in range(1, len(lines)):
                if lines[i].strip() == '---':
                    for fm in lines[1:i]:
                        k, _, v = fm.partition(':')
                        if k.strip() == 'spec':
                            spec_name = v.strip()
                        elif k.strip() == 'authority':
                            spec_auth = v.strip()
                    start = i + 1
                    break
        stack = []        # (level, section id, authority)
        in_fence = None
        byte = sum(len(l.encode('utf-8')) + 1 for l in lines[:start])
        anchors = []
        for lineno in range(start, len(lines)):
            line = lines[lineno]
            s = line.strip()
            fence = re.match(r'^(`{3,}|~{3,})', s)
            if fence:
                if in_fence is None:
                    in_fence = fence.group(1)[0]
                elif s.startswith(in_fence * 3):
                    in_fence = None
            elif in_fence is None:
                h = HEADING.match(line)
                if h:
                    level = len(h.group(1))
                    attrs = (h.group(3) or '').split()
                    sid = next((a[1:] for a in attrs if a.startswith('#')), None)
                    own = next((a.split('=', 1)[1] for a in attrs if a.startswith('authority=')), None)
                    ovr = next((a.split('=', 1)[1].lstrip('#') for a in attrs if a.startswith('overrides=')), None)
                    while stack and stack[-1][0] >= level:
                        stack.pop()
                    parent = stack[-1][1] if stack else None
                    auth = own or (stack[-1][2] if stack else None) or spec_auth
                    stack.append((level, sid, auth))
                    sections[sid] = {'parent': parent, 'overrides': ovr}
                else:
                    for m in ANCHOR.finditer(line):
                        if stack:
                            level, sid, auth = stack[-1]
                        else:
                            sid, auth = None, spec_auth
                        clauses[m.group(1)] = {'spec': spec_name, 'section': sid, 'authority': auth,
                                               'file': path, 'line': lineno + 1}
                        anchors.append((byte + len(line[:m.start()].encode('utf-8')), m.group(1)))
            byte += len(line.encode('utf-8')) + 1
        offsets[os.path.realpath(path)] = anchors
    return clauses, sections, chain, offsets


def ancestors(sections, sid):
    out = []
    while sid is not None:
        out.append(sid)
        sid = sections.get(sid, {}).get('parent')
    return out


def placement(a, b, clauses, sections, chain):
    ca, cb = clauses.get(a), clauses.get(b)
    if not ca or not cb:
        return '?'
    for x, y in ((ca, cb), (cb, ca)):
        for s in ancestors(sections, x['section']):
            target = sections[s]['overrides']
            if target and target in ancestors(sections, y['section']):
                return 'declared override'
    if ca['authority'] != cb['authority']:
        return 'cross-level'
    if ca['spec'] != cb['spec']:
        return 'cross-spec, same level'
    return 'same spec, same level'


def anchor_at(offsets, path, start, end):
    """The anchor of the clause whose span is [start, end): the first anchor inside it or right after it."""
    for off, aid in offsets.get(os.path.realpath(path), []):
        if start <= off <= end + 2:
            return aid
    return None


def main():
    global PROJECT, PAIRS
    ap = argparse.ArgumentParser(description='Score specc\'s conflict detection on labelled pairs.')
    ap.add_argument('specc', nargs='?', default='build/specc')
    ap.add_argument('--project', default=PROJECT, help='the project directory (default: bench/conflicts/project)')
    ap.add_argument('--pairs', default=PAIRS, help='the labelled pairs (default: bench/conflicts/pairs.tsv)')
    ap.add_argument('--deep', nargs=2, metavar=('BASE_URL', 'MODEL'),
                    help='score specc check --deep with this grader model too')
    ap.add_argument('--api-key-env', metavar='VAR', help='with --deep: the variable that holds the API key')
    args = ap.parse_args()
    specc, PROJECT, PAIRS = args.specc, os.path.abspath(args.project), os.path.abspath(args.pairs)
    clauses, sections, chain, file_anchors = read_specs()

    pairs = []
    with open(PAIRS, encoding='utf-8') as f:
        header = f.readline().rstrip('\n').split('\t')
        for line in f:
            if not line.strip():
                continue
            row = dict(zip(header, line.rstrip('\n').split('\t')))
            pairs.append(row)
    labelled = {frozenset((p['a'], p['b'])): p for p in pairs}
    conflicts = [p for p in pairs if p['expected'] == 'conflict']
    compatibles = [p for p in pairs if p['expected'] == 'compatible']

    cmd = [specc, 'check', '--format', 'json', PROJECT]
    tmp = None
    if args.deep:
        tmp = tempfile.TemporaryDirectory(prefix='score-deep-')
        copy = os.path.join(tmp.name, 'project')
        shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns('.specc'))
        with open(os.path.join(copy, 'specc.yaml'), 'a', encoding='utf-8') as f:
            f.write('\nproviders:\n  score-judge:\n    kind: openai\n'
                    f'    base-url: {json.dumps(args.deep[0])}\n    model: {json.dumps(args.deep[1])}\n'
                    '    temperature: 0\n')
            if args.api_key_env:
                f.write(f'    api-key-env: {json.dumps(args.api_key_env)}\n')
            f.write('grader:\n  provider: score-judge\n')
        cmd = [specc, 'check', '--deep', '--no-progress', '--store', os.path.join(tmp.name, 'store.db'),
               '--format', 'json', copy]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True)
        report = json.loads(run.stdout)
    except (OSError, ValueError) as e:
        print(f'could not run {" ".join(cmd)}: {e}')
        return 0
    if args.deep:
        # The copy's files are the project's: findings map back by name.
        for d in report.get('diagnostics', []):
            for r in [d] + d.get('related', []):
                if r.get('file', '').startswith(copy):
                    r['file'] = PROJECT + r['file'][len(copy):]
        summary = [line for line in run.stderr.splitlines() if line.startswith('specc: deep check')]
        print(summary[0] if summary else f'specc check --deep said: {run.stderr.strip()[:500]}')
        if run.returncode > 1:
            print(f'warning: exit status {run.returncode}: some candidate pairs got no judgement')
        tmp.cleanup()

    found = {}    # frozenset pair -> dict(kind='error'|'winner', winner, messages)
    other = Counter()
    invalid_override = []
    for d in report.get('diagnostics', []):
        code = d.get('code')
        if code == 'invalid-override':
            invalid_override.append(d)
        if code not in CODES:
            if d.get('severity') == 'error':
                other[code] += 1
            continue
        msg = d.get('message', '')
        m1, m2 = MSG_FIRST.search(msg), MSG_OTHER.search(msg)
        first = m1.group(1) if m1 else None
        second = m2.group(1) if m2 else None
        if first not in clauses:
            first = anchor_at(file_anchors, d['file'], d['start']['offset'], d['end']['offset'])
        if second not in clauses and d.get('related'):
            r = d['related'][0]
            second = anchor_at(file_anchors, r['file'], r['start']['offset'], r['end']['offset'])
        if not first or not second:
            print(f'warning: could not map a diagnostic to two clauses: {msg}')
            continue
        key = frozenset((first, second))
        entry = found.setdefault(key, {'resolutions': set(), 'message': msg})
        if code == 'clause-conflict':
            entry['resolutions'].add('error')
        elif WINNER_FIRST.search(msg):
            entry['resolutions'].add('winner:' + first)
        else:
            entry['resolutions'].add('winner:' + second)

    def expected_resolution(p):
        r = p['resolution']
        if r == 'a-wins':
            return 'winner:' + p['a']
        if r == 'b-wins':
            return 'winner:' + p['b']
        return r

    def describe(res, p):
        if res == 'error':
            return 'error'
        w = res.split(':', 1)[1]
        return 'a-wins' if w == p['a'] else 'b-wins' if w == p['b'] else res

    tp, fn = [], []
    for p in conflicts:
        key = frozenset((p['a'], p['b']))
        (tp if key in found else fn).append(p)
    fp_compatible, fp_unlabelled = [], []
    for key, e in found.items():
        p = labelled.get(key)
        if p is None:
            fp_unlabelled.append((key, e))
        elif p['expected'] == 'compatible':
            fp_compatible.append((p, e))

    n_found = len(found)
    print(f'specc: {specc}; project: {os.path.relpath(PROJECT)}')
    print(f'labelled pairs: {len(conflicts)} conflicting, {len(compatibles)} compatible; '
          f'{len(clauses)} clauses')
    print(f'reported pairs (clause-conflict + conflict-overridden, deduplicated): {n_found}')
    if other:
        print('other errors: ' + ', '.join(f'{c} x{n}' for c, n in sorted(other.items())))
    print()
    print(f'true positives:  {len(tp)}')
    print(f'false positives: {len(fp_compatible) + len(fp_unlabelled)} '
          f'({len(fp_compatible)} on pairs labelled compatible, {len(fp_unlabelled)} on unlabelled pairs)')
    print(f'false negatives: {len(fn)}')
    precision = len(tp) / n_found if n_found else 0.0
    recall = len(tp) / len(conflicts) if conflicts else 0.0
    print(f'precision: {precision:.3f} ({len(tp)}/{n_found})')
    print(f'recall:    {recall:.3f} ({len(tp)}/{len(conflicts)})')
    compat_flagged = len(fp_compatible)
    print(f'compatible pairs left alone: {len(compatibles) - compat_flagged}/{len(compatibles)}')

    ok = 0
    wrong = []
    for p in tp:
        got = found[frozenset((p['a'], p['b']))]['resolutions']
        if got == {expected_resolution(p)}:
            ok += 1
        else:
            wrong.append((p, got))
    print(f'resolution matches on true positives: {ok}/{len(tp)}')

    print('\nby kind (conflicting: found/labelled; compatible: flagged/labelled):')
    kinds = sorted({p['kind'] for p in pairs}, key=lambda k: (labelled_kind_order(pairs, k), k))
    for k in kinds:
        ps = [p for p in pairs if p['kind'] == k]
        exp = ps[0]['expected']
        hit = sum(1 for p in ps if frozenset((p['a'], p['b'])) in found)
        print(f'  {exp:10} {k:22} {hit:3}/{len(ps)}')
    print('\nconflicting pairs by placement (found/labelled):')
    byplace = defaultdict(lambda: [0, 0])
    for p in conflicts:
        pl = placement(p['a'], p['b'], clauses, sections, chain)
        byplace[pl][1] += 1
        if frozenset((p['a'], p['b'])) in found:
            byplace[pl][0] += 1
    for pl, (h, n) in sorted(byplace.items()):
        print(f'  {pl:24} {h:3}/{n}')

    if wrong:
        print('\nresolution mismatches:')
        for p, got in wrong:
            print(f"  {p['pair']} ({p['a']}, {p['b']}): expected {p['resolution']}, got "
                  + ', '.join(sorted(describe(r, p) for r in got)))
    print('\nfalse positives:')
    if not fp_compatible and not fp_unlabelled:
        print('  (none)')
    for p, e in fp_compatible:
        print(f"  {p['pair']} [{p['kind']}] {e['message']}")
    for key, e in fp_unlabelled:
        print(f"  (unlabelled) {e['message']}")
    print('\nfalse negatives:')
    if not fn:
        print('  (none)')
    for p in fn:
        pl = placement(p['a'], p['b'], clauses, sections, chain)
        print(f"  {p['pair']} [{p['kind']}, {pl}] {p['a']} / {p['b']}: {p['note']}")
    if invalid_override:
        print('\ninvalid-override errors (a declared override whose conflict went unseen):')
        for d in invalid_override:
            print(f"  {os.path.relpath(d['file'])}:{d['start']['line']}: {d['message']}")
    return 0


def labelled_kind_order(pairs, kind):
    for p in pairs:
        if p['kind'] == kind:
            return 0 if p['expected'] == 'conflict' else 1
    return 2


if __name__ == '__main__':
    try:
        main()
    except Exception as e:  # it measures; it never gates
        print(f'score.py failed: {e!r}')
    sys.exit(0)
