#!/bin/sh
# run.sh - runs one golden case: run.sh SPECC CASE_DIR
#
# A case folder holds:
#   args             one line: the arguments after "specc", split on blanks
#                    (no quoting).  The token "@" (alone, or "@/" at the
#                    start of a token) stands for the case's input/ folder,
#                    "%" (alone or "%/...") for a fresh scratch folder.
#   input/           the project files
#   expected         the exact expected standard output
#   status           the expected exit status (default 0)
#   expected-stderr  optional: the exact expected standard error
#   expected-files/  optional: every file F in it must equal the file F
#                    specc wrote into the scratch folder (see "%")
#   copy-input       optional, empty: copy input/ into the scratch folder
#                    before the run, so "%" is a copy of the project that
#                    specc may change in place (lint --fix %) while input/
#                    stays as it is; expected-files/ holds the results
#
# specc runs inside the case folder with NO_COLOR=1, so "@" becomes the
# relative path "input" and paths in its output are stable.  Before the
# comparison, the absolute path of the case folder (as is and
# percent-encoded, as in SARIF's SRCROOT) is replaced by CASEDIR and the
# scratch folder's path by SCRATCH.
#
# UPDATE=1 rewrites expected, status, and the expected-stderr and
# expected-files/* that exist, instead of comparing.  Review every
# rewritten file by hand before committing it: see README.md.
#
# Exit status: 0 pass, 1 fail, 2 the case or the command line is broken.

set -u

if [ $# -ne 2 ]; then
	echo "usage: run.sh SPECC CASE_DIR" >&2
	exit 2
fi
specc=$1
case_dir=$2

# A relative SPECC must still work after the cd below.
case $specc in
/*) ;;
*/*) specc=$(pwd)/$specc ;;
esac

cd "$case_dir" || exit 2
if [ ! -f args ]; then
	echo "run.sh: $case_dir has no args file" >&2
	exit 2
fi
name=$(pwd -P)
name=${name##*/golden/}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/specc-golden.XXXXXX") || exit 2
out=$scratch.out
err=$scratch.err
trap 'rm -rf "$scratch" "$out" "$err" "$out.n"' EXIT
trap 'exit 2' HUP INT TERM
if [ -f copy-input ]; then
	cp -R input/. "$scratch/" || exit 2
fi

# ---- the command line -------------------------------------------------------

line=
IFS= read -r line <args || :
set -f
set --
for tok in $line; do
	case $tok in
	@) tok=input ;;
	@/*) tok=input/${tok#@/} ;;
	%) tok=$scratch ;;
	%/*) tok=$scratch/${tok#%/} ;;
	esac
	set -- "$@" "$tok"
done
set +f

# SPECC_WRAPPER runs specc under a tool, e.g. valgrind (see build.sh).
# shellcheck disable=SC2086
NO_COLOR=1 ${SPECC_WRAPPER:-} "$specc" "$@" >"$out" 2>"$err" </dev/null
rc=$?

# ---- normalising ------------------------------------------------------------

# Percent-encodes a path the way specc does for SARIF URIs: unreserved
# characters and '/' stay, every other byte becomes %XX.
pct_encode() {
	printf '%s' "$1" | od -An -v -tx1 | tr -s ' ' '\n' | awk '
	BEGIN { keep = "-._~/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		for (i = 0; i < 256; i++) hex[sprintf("%02x", i)] = i }
	$0 == "" { next }
	{ c = sprintf("%c", hex[$0])
	  if (hex[$0] < 128 && index(keep, c)) printf "%s", c; else printf "%%%s", toupper($0) }'
}

# A string as a literal sed BRE (with | as the delimiter).
sed_lit() {
	printf '%s\n' "$1" | sed 's/[|\\.*^$[]/\\&/g'
}

casedir=$(pwd -P)
script="s|$(sed_lit "$scratch")|SCRATCH|g;s|$(sed_lit "$casedir")|CASEDIR|g"
pct=$(pct_encode "$casedir")
[ "$pct" != "$casedir" ] && script="$script;s|$(sed_lit "$pct")|CASEDIR|g"

# normalise FILE: the replacements above, in place.
normalise() {
	sed "$script" "$1" >"$out.n" && cat "$out.n" >"$1"
}

normalise "$out"
normalise "$err"
if [ -d expected-files ]; then
	for f in expected-files/*; do
		[ -f "$f" ] && [ -f "$scratch/${f#expected-files/}" ] &&
			normalise "$scratch/${f#expected-files/}"
	done
fi

# ---- updating ---------------------------------------------------------------

if [ "${UPDATE:-}" = 1 ]; then
	cp "$out" expected
	if [ "$rc" -ne 0 ]; then
		echo "$rc" >status
	else
		rm -f status
	fi
	[ -f expected-stderr ] && cp "$err" expected-stderr
	if [ -d expected-files ]; then
		for f in expected-files/*; do
			[ -f "$f" ] || continue
			if [ -f "$scratch/${f#expected-files/}" ]; then
				cp "$scratch/${f#expected-files/}" "$f"
			else
				echo "run.sh: $name: specc wrote no ${f#expected-files/}" >&2
			fi
		done
	fi
	echo "updated $name (exit status $rc): review the changes by hand"
	exit 0
fi

# ---- comparing --------------------------------------------------------------

fail=0
want=0
[ -f status ] && want=$(cat status)

if [ ! -f expected ]; then
	echo "$name: no expected file"
	fail=1
elif ! cmp -s expected "$out"; then
	echo "$name: standard output differs from expected:"
	printf '    --- expected\n    +++ actual\n'
	diff -u expected "$out" | sed '1,2d;s/^/    /'
	fail=1
fi
if [ -f expected-stderr ]; then
	if ! cmp -s expected-stderr "$err"; then
		echo "$name: standard error differs from expected-stderr:"
		printf '    --- expected-stderr\n    +++ actual\n'
		diff -u expected-stderr "$err" | sed '1,2d;s/^/    /'
		fail=1
	fi
fi
if [ -d expected-files ]; then
	for f in expected-files/*; do
		[ -f "$f" ] || continue
		got=$scratch/${f#expected-files/}
		if [ ! -f "$got" ]; then
			echo "$name: specc wrote no ${f#expected-files/}"
			fail=1
		elif ! cmp -s "$f" "$got"; then
			echo "$name: ${f#expected-files/} differs from $f:"
			printf '    --- %s\n    +++ actual\n' "$f"
			diff -u "$f" "$got" | sed '1,2d;s/^/    /'
			fail=1
		fi
	done
fi
if [ "$rc" -ne "$want" ]; then
	echo "$name: exit status $rc, expected $want"
	fail=1
fi
if [ "$rc" -ge 128 ]; then
	echo "$name: specc was killed by signal $((rc - 128))"
fi
if [ "$fail" -ne 0 ]; then
	if [ ! -f expected-stderr ] && [ -s "$err" ]; then
		echo "standard error was:"
		sed 's/^/    /' "$err"
	fi
	echo "FAIL $name"
	exit 1
fi
echo "ok $name"
exit 0
