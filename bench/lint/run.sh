#!/bin/sh
# bench/lint/run.sh - lint throughput: specc's linter on >= 50 MB of spec prose
# generated from the corpus, against textlint (+ write-good) and alex.
#
# Env: BUILD (default build-release, an optimised build), MB (default 50),
# RUNS (specc runs, default 5), SKIP_PEERS=1 (no npm, no peers),
# PEER_RUNS (default 3), PEER_COPIES (default 10): see peers.sh.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-release}
MB=${MB:-50}
RUNS=${RUNS:-5}
SKIP_PEERS=${SKIP_PEERS:-0}
DATA=bench/lint/data
OUT=bench/lint/results
mkdir -p "$OUT"

# 1. The C bench program (bench/lint/bench-lint.c, target bench/lint/bench-lint).
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" -Dbuildtype=release >/dev/null
if ! ninja -C "$BUILD" bench/lint/bench-lint >"$OUT/build.log" 2>&1; then
	if grep -q "unknown target" "$OUT/build.log"; then
		echo "run.sh: $BUILD has no target bench/lint/bench-lint: bench/lint/bench-lint.c and its" >&2
		echo "meson.build (subdir('bench/lint') in the top-level meson.build) are not written yet." >&2
		echo "The peers alone: bench/lint/peers.sh" >&2
	else
		echo "run.sh: building $BUILD/bench/lint/bench-lint failed:" >&2
		tail -n 30 "$OUT/build.log" >&2
	fi
	exit 1
fi

# 2. The data, made again when MB changes.
if [ ! -f "$DATA/specc.yaml" ] || [ "$(cat "$DATA/.mb" 2>/dev/null)" != "$MB" ]; then
	python3 bench/lint/gen.py --mb "$MB" tests/corpus/openai-model-spec-2025-09-12/model_spec.md "$DATA"
fi

# 3. specc: everything bench-lint prints, then its two figures.
"$BUILD/bench/lint/bench-lint" "$DATA" "$RUNS" | tee "$OUT/specc.txt"
key() { awk -v k="$1" '$1 == k || $1 == k ":" { print $2; exit }' "$OUT/specc.txt"; }
specc_mb_s=$(key throughput_mb_s)
specc_rss=$(key peak_rss_mb)
if [ -z "$specc_mb_s" ] || [ -z "$specc_rss" ]; then
	echo "run.sh: bench-lint printed no throughput_mb_s or peak_rss_mb line" >&2
	exit 1
fi

# 4. The peers.
: >"$OUT/peers.txt"
if [ "$SKIP_PEERS" != 1 ]; then
	echo
	bench/lint/peers.sh "$DATA" >"$OUT/peers.txt"
fi

# 5. Summary.
echo
SPECC_MB_S=$specc_mb_s SPECC_RSS=$specc_rss PEERS="$OUT/peers.txt" python3 - <<'EOF'
import os

specc = float(os.environ['SPECC_MB_S'])
kv = {}
with open(os.environ['PEERS']) as f:
    for line in f:
        k, _, v = line.strip().partition(' ')
        kv[k] = v
print('specc     %10.1f MB/s   peak RSS %.1f MB' % (specc, float(os.environ['SPECC_RSS'])))
if not kv:
    print('peers     skipped (SKIP_PEERS=1)')
    raise SystemExit(0)
print('(peers: wall clock, best of runs, Node start-up included; node %s)' % kv['node_version'])
best = {}
for name in ('textlint', 'alex'):
    extra = ''
    for k in sorted(kv):
        if k.startswith(name + '_') and k.endswith('_mb_s') and k not in (name + '_1_mb_s', name + '_best_mb_s'):
            n = k[len(name) + 1:-len('_mb_s')]
            extra = ', %.3f MB/s on %s copies' % (float(kv[k]), n)
    print('%-9s %10.3f MB/s on 1 copy%s   peak RSS %.1f MB   (%s %s, %d problems on 1 copy, start-up %.2f s)'
          % (name, float(kv[name + '_1_mb_s']), extra, float(kv[name + '_peak_rss_mb']),
             name, kv[name + '_version'], int(kv[name + '_problems']),
             float(kv[name + '_startup_secs'])))
    best[name] = float(kv[name + '_best_mb_s'])
name = max(best, key=best.get)
print('ratio: specc is %.1fx faster than the fastest peer (%s)' % (specc / best[name], name))
EOF
