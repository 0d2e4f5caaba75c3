#!/bin/sh
# Conflicts specc reports in Debian's policy manuals: real normative text,
# written by nobody for specc, so nearly every report is a false one.
#
# usage: bench/conflicts/realtext/run.sh [SPECC] [--list]
#   needs Debian's debian-policy package (apt-get install debian-policy);
#   --list prints each reported pair of the Policy Manual (the development
#   document), not only the counts.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
specc=${1:-build/specc}
list=${2:-}
docs=/usr/share/doc/debian-policy
# A missing binary would read as "no conflicts" in every manual.
if [ ! -x "$specc" ]; then
	echo "run.sh: $specc is not an executable specc; build it with ninja -C build, or pass its path" >&2
	exit 2
fi
if [ ! -r "$docs/policy.txt.gz" ]; then
	echo "run.sh: Debian's policy manuals are not installed; apt-get install debian-policy" >&2
	exit 2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-22s %8s %10s %s\n' document clauses "reported" "(pairs of clauses in clause-conflict findings)"
# The Policy Manual is what the rules were developed on; the others are
# held out: their counts are read, their reports are not.
# The Developer's Reference, the New Maintainers' Guide and the Debian
# Reference are read when their packages (developers-reference,
# maint-guide, debian-reference-en) are installed.
for d in $docs/policy:policy $docs/fhs/fhs-3.0:fhs $docs/perl-policy:perl $docs/autopkgtest:autopkgtest \
	 $docs/menu-policy:menu $docs/debconf_specification:debconf $docs/upgrading-checklist:upgrading \
	 /usr/share/developers-reference/developers-reference:devref \
	 /usr/share/doc/maint-guide/maint-guide.en:maint \
	 /usr/share/debian-reference/debian-reference.en:reference; do
	file=${d%%:*}
	name=${d##*:}
	[ -r "$file.txt.gz" ] || continue
	python3 "$here/tospec.py" "$file.txt.gz" "$name" >"$out/$name.md" 2>"$out/$name.count"
	rc=0
	"$specc" check --color never "$out/$name.md" >"$out/$name.txt" 2>&1 || rc=$?
	# 0: no errors, 1: errors (the conflicts among them); anything else
	# means the manual was not checked.
	if [ "$rc" -gt 1 ]; then
		echo "run.sh: specc check failed on $name (exit status $rc):" >&2
		tail -n 3 "$out/$name.txt" >&2
		exit 2
	fi
	# Each pair is reported at both of its clauses: count it once.
	pairs=$(grep 'clause-conflict\]$' "$out/$name.txt" |
		sed 's/.* clause \([a-z0-9]*\) .* conflicts with clause \([a-z0-9]*\) (.*/\1 \2/' |
		awk '{ k = ($1 < $2) ? $1 " " $2 : $2 " " $1; if (!(k in s)) { s[k] = 1; n++ } } END { print n + 0 }')
	printf '%-22s %8s %10s\n' "$name" "$(cut -d' ' -f1 "$out/$name.count")" "$pairs"
	if [ "$name" = policy ] && [ "$list" = --list ]; then
		grep 'clause-conflict\]$' "$out/$name.txt" |
			sed 's/.* clause \([a-z0-9]*\) .* conflicts with clause \([a-z0-9]*\) (.*): one says/\1 \2 :/' |
			awk '{ k = ($1 < $2) ? $1 " " $2 : $2 " " $1; if (!(k in s)) { s[k] = 1; print } }' >"$out/list"
		cat "$out/list"
	fi
done
