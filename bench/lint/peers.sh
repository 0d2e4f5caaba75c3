#!/bin/sh
# bench/lint/peers.sh - install textlint (+ textlint-rule-write-good) and alex
# from bench/lint/package.json and time them on the benchmark data.
#
# Usage: bench/lint/peers.sh [DATA_DIR]      (default bench/lint/data, made
#        with gen.py --mb ${MB:-50} if it has no specc.yaml)
#
# Prints "KEY VALUE" lines on stdout (progress goes to stderr):
#   <peer>_1_mb_s      best of PEER_RUNS on spec-0001.md alone, Node start-up included
#   <peer>_N_mb_s      same on the first PEER_COPIES files, when one copy took
#                      under 60/PEER_COPIES s, so the start-up is amortised
#   <peer>_best_mb_s   the higher of the two
#   <peer>_problems    what the peer reported on one copy (a check that it ran)
#   <peer>_startup_secs best time on a one-line file: the fixed cost per call
#   <peer>_peak_rss_mb the largest peak resident memory of its runs
# and the versions.  Env: PEER_RUNS (default 3), PEER_COPIES (default 10).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${1:-$here/data}
[ -f "$data/specc.yaml" ] ||
	python3 "$here/gen.py" --mb "${MB:-50}" "$here/../../tests/corpus/openai-model-spec-2025-09-12/model_spec.md" "$data" >&2
data=$(cd "$data" && pwd)
PEER_RUNS=${PEER_RUNS:-3}
PEER_COPIES=${PEER_COPIES:-10}

# No update checks, ads or other phoning home, at install or at run time.
NO_UPDATE_NOTIFIER=1 npm_config_update_notifier=false ADBLOCK=1 DISABLE_OPENCOLLECTIVE=1
npm_config_audit=false npm_config_fund=false
export NO_UPDATE_NOTIFIER npm_config_update_notifier ADBLOCK DISABLE_OPENCOLLECTIVE
export npm_config_audit npm_config_fund

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "peers.sh: node and npm are needed (apt-get install nodejs npm), or set SKIP_PEERS=1" >&2
	exit 1
fi

cd "$here"
# (Re)install when node_modules is missing or older than package.json.
if [ ! -f node_modules/.package-lock.json ] ||
	[ -n "$(find package.json -newer node_modules/.package-lock.json)" ]; then
	echo "peers.sh: npm install (versions pinned in bench/lint/package.json)" >&2
	npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2
fi

# The peers run without a network where the machine allows it (root, or
# unprivileged user namespaces); they need none.
nonet=
if unshare -n true 2>/dev/null; then
	nonet="unshare -n"
elif unshare -rn true 2>/dev/null; then
	nonet="unshare -rn"
fi

ver() { node -p "require('./node_modules/$1/package.json').version"; }
echo "node_version $(node --version)"
echo "textlint_version $(ver textlint)"
echo "textlint_rule_write_good_version $(ver textlint-rule-write-good)"
echo "alex_version $(ver alex)"
echo "network_isolated $([ -n "$nonet" ] && echo yes || echo no)"

mkdir -p results
PEER_RUNS=$PEER_RUNS PEER_COPIES=$PEER_COPIES NONET=$nonet DATA=$data exec python3 - <<'EOF'
"""Times each peer, wall clock, Node start-up included.  A warm-up run
(untimed) writes the peer's report to results/ and is checked, since the
peers' exit status cannot tell "found problems" (1) from "failed"."""
import os
import re
import subprocess
import sys
import time

runs = int(os.environ['PEER_RUNS'])
copies = int(os.environ['PEER_COPIES'])
nonet = os.environ['NONET'].split()
data = os.environ['DATA']
files = sorted(f for f in os.listdir(data) if re.fullmatch(r'spec-\d+\.md', f))
if not files:
    sys.exit('peers.sh: no spec-NNNN.md in %s (run bench/lint/gen.py)' % data)
files = [os.path.join(data, f) for f in files]

peers = {
    # name: (argv before the files, regex for the problem count in its report)
    'textlint': (['node_modules/.bin/textlint', '--no-color', '--config', '.textlintrc.json'],
                 r'(\d+) problems?'),
    'alex': (['node_modules/.bin/alex'], r'(\d+) warnings?'),
}


rss = {}


def run(argv, out):
    t0 = time.perf_counter()
    p = subprocess.Popen(nonet + argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    # unshare execs the peer, so this is node's own peak RSS.
    rss[argv[0]] = max(rss.get(argv[0], 0), usage.ru_maxrss * 1024 / 1e6)
    return secs, p.returncode


def measure(name, targets, tag):
    argv, pattern = peers[name]
    argv = argv + targets
    size = sum(os.path.getsize(f) for f in targets)
    report = 'results/%s-%s.txt' % (name, tag)
    with open(report, 'wb') as out:
        secs, rc = run(argv, out)
    with open(report, encoding='utf-8', errors='replace') as f:
        text = f.read()
    m = re.search(pattern, text)
    # 0: clean, 1: problems found; anything else, or no count, is a failure.
    bad = re.search(r'(?m)^\s*\S*Error\b|No such file|No rules found', text)
    if rc not in (0, 1) or (rc == 1 and not m) or bad:
        sys.exit('peers.sh: %s failed (exit %d), see bench/lint/%s' % (name, rc, report))
    problems = int(m.group(1)) if m else 0
    best = min(run(argv, subprocess.DEVNULL)[0] for _ in range(runs))
    mb_s = size / 1e6 / best
    print('peers.sh: %-8s %2d file(s) %6.2f MB: best %.2f s of %d, %.3f MB/s, %d problems'
          % (name, len(targets), size / 1e6, best, runs, mb_s, problems), file=sys.stderr)
    return best, mb_s, problems


tiny = 'results/one-line.md'
with open(tiny, 'w') as f:
    f.write('# One line\n')
for name in peers:
    argv = peers[name][0] + [tiny]
    print('%s_startup_secs %.3f' % (name, min(run(argv, subprocess.DEVNULL)[0] for _ in range(runs))))
    best1, mb1, problems = measure(name, files[:1], '1')
    print('%s_1_mb_s %.4f' % (name, mb1))
    print('%s_1_secs %.3f' % (name, best1))
    print('%s_problems %d' % (name, problems))
    top = mb1
    n = min(copies, len(files))
    if n > 1 and best1 * n < 60:
        bestn, mbn, _ = measure(name, files[:n], str(n))
        print('%s_%d_mb_s %.4f' % (name, n, mbn))
        print('%s_%d_secs %.3f' % (name, n, bestn))
        top = max(top, mbn)
    else:
        print('peers.sh: %s: skipping the %d-copy run (one copy took %.1f s)' % (name, n, best1),
              file=sys.stderr)
    print('%s_best_mb_s %.4f' % (name, top))
    print('%s_peak_rss_mb %.1f' % (name, rss[peers[name][0][0]]))
    sys.stdout.flush()
EOF
