#!/usr/bin/env python3
"""Checks that the spans in `specc parse --json` are exact: every anchor
span holds "[^id]", every cross reference "#target", every turn runs from
its opening to its closing tag, every example starts at "**Example", every
section line holds its title and {#id}, and anchors lie inside their
clause.

Usage: check-spans.py SPECC PATH   (run from the folder PATH is relative to)
"""
import json
import subprocess
import sys

specc, path = sys.argv[1], sys.argv[2]
d = json.loads(subprocess.run([specc, 'parse', '--json', path], capture_output=True, check=True).stdout)
cache = {}
def src(f):
    if f not in cache: cache[f] = open(f, 'rb').read()
    return cache[f]
def text(sp): return src(sp['file'])[sp['start']:sp['end']].decode('utf-8', 'replace')
bad = 0; n = 0
def expect(cond, what):
    global bad, n
    n += 1
    if not cond:
        bad += 1
        if bad < 15: print('MISMATCH', what)
for c in d['clauses']:
    t = text(c['span'])
    for a in c['anchors']:
        expect(text(a['span']) == '[^%s]' % a['id'], ('anchor', a))
        expect(a['span']['start'] >= c['span']['start'] and a['span']['end'] <= c['span']['end'], ('anchor in clause', a['id']))
for s in d['sections']:
    line = text(s['span'])
    expect(s['title'] in line, ('title', s['title'], line))
    if s['id']: expect('{#' + s['id'] in line, ('id', s['id']))
for x in d['cross_references']:
    expect(text(x['span']) == '#' + x['target'], ('xref', x['target'], text(x['span'])))
def turns(ex):
    for t in ex['turns']:
        tt = text(t['span'])
        if t['role'] == 'elision': expect(tt in ('[...]', '[\u2026]'), ('elision', tt))
        else:
            expect(tt.startswith('<' + t['role']), ('turn start', t['role'], tt[:30]))
            expect(tt.endswith('</%s>' % t['role']), ('turn end', t['role'], tt[-30:]))
for e in d['examples']:
    expect(text(e['span']).startswith('**Example'), ('example', text(e['span'])[:40]))
    turns(e)
for f in d['eval_files']:
    for it in f['items']:
        expect(text(it['span']).startswith('**Example'), ('item', text(it['span'])[:40]))
        turns(it)
for c in d['commentaries']:
    expect(text(c['span']).startswith('!!! '), ('commentary',))
print('%d span checks, %d mismatches' % (n, bad))
sys.exit(1 if bad else 0)
