#!/usr/bin/env python3
"""bench/eval/summary.py - the table and the ratios of bench/eval, from the
`run ...` lines run.sh wrote (env RAW, CASES, BIG, REPEAT, NETNS_USED).

Each figure is the median of its runs, taken figure by figure.  MB is
10^6 bytes; /usr/bin/time's peak RSS is in KiB.  Standard library only.
"""
import os
import statistics
import sys


def load(path):
    runs = {}
    order = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0] != 'run':
                continue
            kv = dict(p.split('=', 1) for p in parts[1:])
            key = (kv['tool'], kv['label'])
            if key not in runs:
                runs[key] = []
                order.append(key)
            runs[key].append(kv)
    return runs, order


def figures(rs):
    def med(f):
        return statistics.median(f(r) for r in rs)
    n = int(rs[0]['cases'])
    wall = med(lambda r: float(r['wall']))
    return {
        'runs': len(rs),
        'cases': n,
        'wall': wall,
        'rate': med(lambda r: n / float(r['wall'])),
        'cpu_us': med(lambda r: (float(r['user']) + float(r['sys'])) / n * 1e6),
        'cpu_s': med(lambda r: float(r['user']) + float(r['sys'])),
        'mb': med(lambda r: int(r['rss_kb']) * 1024 / 1e6),
        'server': med(lambda r: float(r['server_cpu']) / float(r['wall']) * 100),
        'server_us': med(lambda r: float(r['server_cpu']) / n * 1e6),
    }


def main():
    runs, order = load(os.environ['RAW'])
    cases = int(os.environ['CASES'])
    big = int(os.environ['BIG'])
    repeat = int(os.environ['REPEAT'])
    if not runs:
        sys.exit('summary.py: no runs recorded')
    fig = {k: figures(v) for k, v in runs.items()}

    def label(tool, lab):
        if tool == 'specc' and lab.endswith('-distinct'):
            return '%s distinct items' % lab[:-len('-distinct')]
        if 'x' in lab:
            a, b = lab.split('x')
            return '%s items x --repeat %s' % (a, b)
        return lab + ' items'

    print('%-10s %-26s %8s %9s %10s %14s %9s %13s' % (
        'tool', 'suite', 'cases', 'wall s', 'cases/s', 'CPU us/case', 'peak MB', 'server CPU %'))
    for k in order:
        f = fig[k]
        print('%-10s %-26s %8d %9.2f %10.0f %14.0f %9.1f %13.0f' % (
            k[0], label(*k), f['cases'], f['wall'], f['rate'], f['cpu_us'], f['mb'], f['server']))
    nruns = sorted({f['runs'] for f in fig.values()})
    print('(runs per row: %s, median; CPU = user + sys of the tool\'s own process tree, start-up '
          'included; server CPU %% = the test server\'s CPU time / the run\'s wall time, of one core)'
          % '/'.join(map(str, nruns)))
    print('network namespace with loopback only: %s' % os.environ.get('NETNS_USED', '?'))

    s = fig.get(('specc', str(cases)))
    p = fig.get(('promptfoo', str(cases)))
    s_rep = fig.get(('specc', '%dx%d' % (cases, repeat)))
    s_big = fig.get(('specc', '%d-distinct' % big))
    print()
    print('goals (issue 4), at %d cases:' % cases)

    def goal(name, shown, ok):
        print('  %-44s %-10s %s' % (name, shown, 'n/a' if ok is None else 'met' if ok else 'NOT MET'))

    names = ("CPU per case <= 1/30 of promptfoo's", "cases/s >= 10x promptfoo's",
             "peak memory <= 1/10 of promptfoo's")
    if p and s:
        r = s['cpu_us'] / p['cpu_us']
        goal(names[0], '1/%.0f' % (1 / r), r <= 1 / 30)
        r = s['rate'] / p['rate']
        goal(names[1], '%.1fx' % r, r >= 10)
        r = s['mb'] / p['mb']
        goal(names[2], '1/%.1f' % (1 / r), r <= 0.1)
    else:
        for name in names:
            goal(name, 'n/a', None)
    if s_rep and s:
        r = s_rep['mb'] / s['mb']
        goal('peak memory at %d cases <= 1.3x at %d' % (big, cases), '%.2fx' % r, r <= 1.3)
    if s_big:
        print('  (information) %d distinct items: %.1f MB peak, %.2fx the %d-case run; the project\'s '
              'text and parse tree grow with it' % (big, s_big['mb'], s_big['mb'] / s['mb'], cases))

    # How the peers grow with the suite.
    pf = sorted((f for k, f in fig.items() if k[0] == 'promptfoo'), key=lambda f: f['cases'])
    sp = sorted((f for k, f in fig.items() if k[0] == 'specc' and k[1].isdigit()),
                key=lambda f: f['cases'])
    for name, fs in (('specc', sp), ('promptfoo', pf)):
        if len(fs) >= 2:
            a, b = fs[0], fs[-1]
            print('%s from %d to %d cases: %.0f us of CPU per added case, %.1f MB per 1,000 added '
                  'cases' % (name, a['cases'], b['cases'],
                             (b['cpu_s'] - a['cpu_s']) / (b['cases'] - a['cases']) * 1e6,
                             (b['mb'] - a['mb']) / (b['cases'] - a['cases']) * 1000))
    busiest = max(fig.values(), key=lambda f: f['server'])
    print('test server: at most %.0f%% of one core in any row (%.0f us of CPU per request), so it '
          'was %s' % (busiest['server'], busiest['server_us'],
                      'not the limit' if busiest['server'] < 70 else 'NEAR SATURATION: see README'))


if __name__ == '__main__':
    main()
