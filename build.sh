#!/bin/sh
# build.sh - set up, build and run specc on a fresh Debian 12 machine.
#
#   ./build.sh example   install what is missing, build, run `specc check`,
#                        `specc lint` and `specc test` on examples/
#   ./build.sh test      install what is missing and run the whole test suite:
#                        unit and golden tests on a debug build, again under
#                        ASan+UBSan, under valgrind, and a clang -Werror build;
#                        ends with the line "N passed, N failed"
#   ./build.sh deps      only install the Debian packages
#
# Packages are installed with apt-get when missing, which needs root (or sudo).
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential meson ninja-build pkg-config clang libclang-rt-14-dev valgrind
python3 libmd4c-dev libjansson-dev libyaml-dev libutf8proc-dev libpcre2-dev libstemmer-dev
libcmocka-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev wordnet-base"

deps() {
	missing=""
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "build.sh: installing$missing" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -q >&2
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing >&2
}

build() { # dir [meson options...]
	dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log" >&2; exit 2; }
	fi
	ninja -C "$dir" >&2
}

# Runs one meson test configuration; prints its "passed failed" counts.
suite() { # name dir [meson test options...]
	name=$1
	dir=$2
	shift 2
	echo "== $name" >&2
	meson test -C "$dir" --print-errorlogs "$@" >&2 || true
	# With --wrapper, meson names the log after the wrapper
	# (testlog-valgrind.json): count the log this run wrote.
	log=$(ls -t "$dir"/meson-logs/testlog*.json | head -n 1)
	python3 tests/count-results.py "$log" "$name"
}

case "${1:-}" in
deps)
	deps
	;;
example)
	deps
	build build
	echo "\$ build/specc check examples/" >&2
	build/specc check examples/
	echo "\$ build/specc lint examples/" >&2
	build/specc lint examples/
	echo "\$ build/specc calibrate examples/" >&2
	build/specc calibrate examples/
	echo "\$ build/specc test examples/" >&2
	build/specc test examples/
	;;
test)
	deps
	build build
	build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
	CC=clang build build-clang -Dbuildtype=debug
	results=$(mktemp)
	suite "debug" build >>"$results"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		suite "asan+ubsan" build-asan >>"$results"
	# valgrind wraps the test binaries directly, and specc itself inside
	# the golden and eval tests (the shell and python around it are not
	# ours; the eval tests stretch their time limits under a wrapper).
	vg="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --quiet"
	suite "valgrind-unit" build --wrapper "$vg" --suite unit --suite fuzz --timeout-multiplier 20 >>"$results"
	SPECC_WRAPPER="$vg" suite "valgrind-golden" build --suite golden --suite eval --timeout-multiplier 20 >>"$results"
	suite "clang" build-clang >>"$results"
	awk '{p += $1; f += $2} END {printf "%d passed, %d failed\n", p, f; exit f > 0}' "$results"
	;;
*)
	sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
