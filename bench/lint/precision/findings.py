#!/usr/bin/env python3
"""findings.py [SPECC] [SPEC] - lints the corpus and prints every finding
as a TSV row: key, rule, category, line, column, flagged text, context.

The key (rule:line:column:text) identifies a finding across runs, so hand
labels in labels.tsv survive changes to other rules.  Category comes from
`specc lint --list-rules`.
"""
import json
import subprocess
import sys

ROOT = __file__.rsplit('/bench/', 1)[0]
SPECC = sys.argv[1] if len(sys.argv) > 1 else ROOT + '/build/specc'
SPEC = sys.argv[2] if len(sys.argv) > 2 else ROOT + '/../shared/corpus/openai-model-spec-2025-09-12/model_spec.md'


def categories():
    out = subprocess.run([SPECC, 'lint', '--list-rules', '/nonexistent'], capture_output=True, text=True).stdout
    cats = {}
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2 and not line.endswith('about one'):
            cats[parts[0]] = parts[1]
    return cats


def findings():
    """Lint findings (not parse findings) with their text and context."""
    run = subprocess.run([SPECC, 'lint', '--format', 'json', SPEC], capture_output=True, text=True)
    data = json.loads(run.stdout)['diagnostics']
    cats = categories()
    src = open(SPEC, 'rb').read()
    rows = []
    for d in data:
        if d['code'] not in cats:
            continue
        a, b = d['start']['offset'], d['end']['offset']
        text = src[a:b].decode('utf-8', 'replace').replace('\n', ' ').replace('\t', ' ')
        # The paragraph around it: from the previous blank line to the next.
        pa = src.rfind(b'\n\n', 0, a) + 2
        pb = src.find(b'\n\n', b)
        ctx = src[max(pa, a - 300):min(pb if pb > 0 else len(src), b + 300)].decode('utf-8', 'replace')
        ctx = ctx.replace('\n', ' ').replace('\t', ' ')
        key = '%s:%d:%d:%s' % (d['code'], d['start']['line'], d['start']['column'], text[:40])
        rows.append({'key': key, 'rule': d['code'], 'category': cats[d['code']],
                     'line': d['start']['line'], 'column': d['start']['column'],
                     'text': text, 'context': ctx, 'message': d['message']})
    return rows


if __name__ == '__main__':
    print('key\trule\tcategory\tline\tcolumn\ttext\tcontext')
    for r in findings():
        print('\t'.join(str(r[k]) for k in ('key', 'rule', 'category', 'line', 'column', 'text', 'context')))
