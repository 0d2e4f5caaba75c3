#!/bin/sh
# bench/eval/run.sh - `specc test` against promptfoo: the same cases (one
# prompt and two deterministic checks each), the same instant test server
# ($BUILD/tests/specc-testserver), concurrency 64.  Prints cases/s, CPU
# microseconds per case and peak memory of each, then the ratios against
# the goals of issue 4.  README.md beside this file says how and why.
#
# Env: BUILD (default build-release, set up as a release build if missing),
# RUNS (timed runs of each measurement, median; default 3), CASES (default
# 10000), PER_FILE (eval items per eval file, default 10), REPEAT (the big
# run is CASES x REPEAT cases; default 10), PF_SIZES (promptfoo suite sizes,
# default "CASES/10 CASES/2 CASES"), SKIP_PEERS=1 (specc only: no npm, no
# node), NETNS=0 (do not run in a loopback-only network namespace).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-release}
RUNS=${RUNS:-3}
CASES=${CASES:-10000}
PER_FILE=${PER_FILE:-10}
REPEAT=${REPEAT:-10}
SKIP_PEERS=${SKIP_PEERS:-0}
NETNS=${NETNS:-1}
PF_SIZES=${PF_SIZES:-"$((CASES / 10)) $((CASES / 2)) $CASES"}
E=bench/eval
WORK=$E/work
OUT=$E/results
PROMPTFOO_VERSION=0.123.1
export BUILD RUNS CASES PER_FILE REPEAT SKIP_PEERS NETNS PF_SIZES

die() { echo "run.sh: $*" >&2; exit 1; }

if [ "${BENCH_EVAL_INNER:-0}" != 1 ]; then
	# ------------------------------------------------------------------
	# Outside: build, install, then the measurements in a network
	# namespace that has nothing but loopback.
	mkdir -p "$OUT" "$WORK"
	[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install -y time"
	[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release >"$OUT/build.log" 2>&1 ||
		{ tail -n 20 "$OUT/build.log" >&2; die "meson setup $BUILD failed"; }
	if ! ninja -C "$BUILD" specc tests/specc-testserver >"$OUT/build.log" 2>&1; then
		tail -n 30 "$OUT/build.log" >&2
		die "building specc and the test server in $BUILD failed (a release build of its own:
  meson setup build-bench --buildtype=release -Dwerror=false && BUILD=build-bench $0)"
	fi
	if [ "$SKIP_PEERS" != 1 ]; then
		command -v npm >/dev/null || die "npm is missing (SKIP_PEERS=1 runs specc alone)"
		if [ "$(sed -n 's/^  "version": "\(.*\)",$/\1/p' $E/node_modules/promptfoo/package.json 2>/dev/null)" \
			!= "$PROMPTFOO_VERSION" ] || [ ! -x $E/node_modules/.bin/node ]; then
			echo "installing promptfoo $PROMPTFOO_VERSION and Node.js 22 into $E/node_modules (npm)..."
			(cd $E && NO_UPDATE_NOTIFIER=1 npm_config_update_notifier=false ADBLOCK=1 \
				DISABLE_OPENCOLLECTIVE=1 npm install --no-audit --no-fund --ignore-scripts \
				--loglevel=error) >"$OUT/npm.log" 2>&1 ||
				{ tail -n 30 "$OUT/npm.log" >&2; die "npm install failed"; }
		fi
	fi
	BENCH_EVAL_INNER=1
	export BENCH_EVAL_INNER
	if [ "$NETNS" = 1 ] && unshare -n sh -c 'ip link set lo up' 2>/dev/null; then
		BENCH_EVAL_NETNS=yes
		export BENCH_EVAL_NETNS
		exec unshare -n sh -c 'ip link set lo up && exec "$0"' "$0"
	fi
	BENCH_EVAL_NETNS=no
	export BENCH_EVAL_NETNS
	exec "$0"
fi

# ----------------------------------------------------------------------
# Inside.  Loopback only: nothing else is reachable, and no proxy is used.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
NO_PROXY=127.0.0.1,localhost
no_proxy=$NO_PROXY
export NO_PROXY no_proxy
RAW=$OUT/raw.txt
: >"$RAW"
TCK=$(getconf CLK_TCK)
BIG=$((CASES * REPEAT))

# The server: one thread, one epoll loop; its own CPU is read from /proc.
"$BUILD/tests/specc-testserver" >"$WORK/server.port" 2>"$WORK/server.err" &
SP=$!
trap 'kill $SP 2>/dev/null; wait $SP 2>/dev/null' EXIT
trap 'exit 130' INT TERM
i=0
while ! grep -q '^127.0.0.1:' "$WORK/server.port" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || die "the test server did not start: $(cat "$WORK/server.err")"
	sleep 0.05
done
PORT=$(cut -d: -f2 "$WORK/server.port")

server_ticks() { awk '{ print $14 + $15 }' /proc/$SP/stat; }
server_requests() {
	python3 - "$PORT" <<'EOF'
import json, sys, urllib.request
op = urllib.request.build_opener(urllib.request.ProxyHandler({}))
print(json.load(op.open('http://127.0.0.1:%s/stats' % sys.argv[1], timeout=10))['requests'])
EOF
}

# measure TOOL LABEL CASES CMD...: one timed run of CMD, appended to $RAW.
measure() {
	tool=$1 label=$2 n=$3
	shift 3
	t0=$(server_ticks)
	q0=$(server_requests)
	/usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || {
		echo "run.sh: $tool on $label failed (exit $?):" >&2
		tail -n 20 "$WORK/err.txt" "$WORK/out.txt" >&2
		exit 1
	}
	t1=$(server_ticks)
	q1=$(server_requests)
	set -- $(tail -n 1 "$WORK/time.txt")
	echo "run tool=$tool label=$label cases=$n wall=$1 user=$2 sys=$3 rss_kb=$4" \
		"server_cpu=$(echo "$t0 $t1 $TCK" | awk '{ printf "%.2f", ($2 - $1) / $3 }')" \
		"server_requests=$((q1 - q0))" >>"$RAW"
	[ $((q1 - q0)) -eq "$n" ] || die "$tool on $label: the server got $((q1 - q0)) requests for $n cases"
}

# specc_run LABEL DIR CASES [--repeat K]: a fresh store, the timed run,
# then the stored summary must say every case passed.
specc_run() {
	label=$1 dir=$2 n=$3
	shift 3
	rm -rf "$dir/.specc"
	measure specc "$label" "$n" "$BUILD/specc" test "$dir" --no-cache --concurrency 64 \
		--no-progress -o /dev/null "$@"
	"$BUILD/specc" runs show last "$dir" >"$WORK/report.txt" 2>&1 || true
	grep -q "^$n cases: $n passed, 0 failed, 0 errored, 0 need a grader" "$WORK/report.txt" ||
		die "specc on $label: not every case passed: $(tail -n 1 "$WORK/report.txt")"
	rm -rf "$dir/.specc"
}

spec_dir() { echo "$WORK/spec-$1"; }

# 1. The projects (and the promptfoo configurations), for this server's port.
SIZES=$(printf '%s\n' $PF_SIZES $CASES | sort -n -u)
[ "$SKIP_PEERS" = 1 ] && SIZES=$CASES
for n in $SIZES $BIG; do
	rm -rf "$(spec_dir $n)"
	python3 $E/gen.py spec "$(spec_dir $n)" --cases "$n" --port "$PORT" --per-file "$PER_FILE"
	"$BUILD/specc" check "$(spec_dir $n)" >"$WORK/check.txt" 2>&1 ||
		{ cat "$WORK/check.txt" >&2; die "specc check found errors in the generated project of $n cases"; }
	grep -q '^no problems' "$WORK/check.txt" ||
		{ cat "$WORK/check.txt" >&2; die "specc check reported problems in the generated project of $n cases"; }
done
echo "projects: $(echo $SIZES $BIG | sed 's/ /, /g') cases, $PER_FILE items per eval file; specc check: no problems"
echo "server: 127.0.0.1:$PORT; network namespace with loopback only: $BENCH_EVAL_NETNS"

# 2. specc.  One untimed warm-up run first (page cache, the disk).
specc_run warmup "$(spec_dir $CASES)" "$CASES"
: >"$RAW"
r=1
while [ $r -le "$RUNS" ]; do
	for n in $SIZES; do
		specc_run "$n" "$(spec_dir $n)" "$n"
	done
	specc_run "${CASES}x$REPEAT" "$(spec_dir $CASES)" "$BIG" --repeat "$REPEAT"
	specc_run "$BIG-distinct" "$(spec_dir $BIG)" "$BIG"
	echo "specc: run $r of $RUNS done"
	r=$((r + 1))
done

# 3. promptfoo, on the same prompts and checks, against the same server.
if [ "$SKIP_PEERS" != 1 ]; then
	PATH=$PWD/$E/node_modules/.bin:$PATH
	PROMPTFOO_DISABLE_TELEMETRY=1
	PROMPTFOO_DISABLE_UPDATE=1
	PROMPTFOO_DISABLE_SHARING=1
	PROMPTFOO_CONFIG_DIR=$PWD/$WORK/promptfoo-home
	NO_UPDATE_NOTIFIER=1
	# With telemetry off, promptfoo 0.123 still posts one "telemetry
	# disabled" event to its own host.  Every https request goes to a
	# closed loopback port instead (the namespace has no route out anyway).
	HTTPS_PROXY=http://127.0.0.1:9
	https_proxy=$HTTPS_PROXY
	export PATH PROMPTFOO_DISABLE_TELEMETRY PROMPTFOO_DISABLE_UPDATE PROMPTFOO_DISABLE_SHARING \
		PROMPTFOO_CONFIG_DIR NO_UPDATE_NOTIFIER HTTPS_PROXY https_proxy
	echo "promptfoo $(promptfoo --version 2>/dev/null | tail -n 1) on node $(node --version)"
	echo "promptfoo_version $(promptfoo --version 2>/dev/null | tail -n 1)" >"$OUT/versions.txt"
	echo "node_version $(node --version)" >>"$OUT/versions.txt"
	for n in $PF_SIZES; do
		python3 $E/gen.py promptfoo "$WORK/promptfoo-$n.yaml" --cases "$n" --port "$PORT" \
			--per-file "$PER_FILE"
	done
	r=1
	while [ $r -le "$RUNS" ]; do
		for n in $PF_SIZES; do
			rm -rf "$PROMPTFOO_CONFIG_DIR"
			mkdir -p "$PROMPTFOO_CONFIG_DIR"
			measure promptfoo "$n" "$n" promptfoo eval -c "$WORK/promptfoo-$n.yaml" --no-cache \
				--no-write -j 64 --no-table --no-progress-bar
			passed=$(sed -n 's/.* \([0-9,]*\) passed (100%).*/\1/p' "$WORK/out.txt" | tr -d , | head -n 1)
			[ "$passed" = "$n" ] ||
				die "promptfoo on $n cases: not every case passed: $(grep -i 'passed\|failed\|error' "$WORK/out.txt" | head -n 3)"
			echo "promptfoo: $n cases, run $r of $RUNS done"
		done
		r=$((r + 1))
	done
fi

# 4. The table and the ratios.
echo
RAW=$RAW CASES=$CASES BIG=$BIG REPEAT=$REPEAT NETNS_USED=$BENCH_EVAL_NETNS \
	python3 $E/summary.py | tee "$OUT/summary.txt"
