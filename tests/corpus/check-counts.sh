#!/bin/sh
# Cross-check specc's parser against the independent Python counter.
#
# usage: check-counts.sh SPECC_BINARY CORPUS_PATH
#
# Runs count.py and `SPECC_BINARY parse --json` on CORPUS_PATH and compares
# count.py's output with the top-level "counts" object of specc's JSON, key by
# key.  Exit status: 0 all counts match, 1 some count differs, 2 usage error
# or one of the two tools failed to produce usable JSON.

if [ "$#" -ne 2 ]; then
    echo "usage: $0 SPECC_BINARY CORPUS_PATH" >&2
    exit 2
fi
specc=$1
corpus=$2
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-counts.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

if ! python3 "$here/count.py" "$corpus" >"$tmp/expected.json"; then
    echo "check-counts: count.py failed on $corpus" >&2
    exit 2
fi

# specc may exit non-zero merely because it found diagnostics in the corpus;
# its JSON is still worth comparing, so judge by the output, not the status.
"$specc" parse --json "$corpus" >"$tmp/specc.json" 2>"$tmp/specc.err"
specc_rc=$?

python3 - "$tmp/expected.json" "$tmp/specc.json" "$tmp/specc.err" "$specc_rc" <<'EOF'
import json
import sys

expected_path, actual_path, err_path, rc = sys.argv[1:5]

with open(expected_path, encoding="utf-8") as fh:
    expected = json.load(fh)

try:
    with open(actual_path, encoding="utf-8") as fh:
        actual = json.load(fh)["counts"]
    if not isinstance(actual, dict):
        raise TypeError('"counts" is not an object')
except (ValueError, KeyError, TypeError) as exc:
    print(f"check-counts: no usable \"counts\" object in specc output "
          f"(exit status {rc}): {exc!r}", file=sys.stderr)
    with open(err_path, encoding="utf-8", errors="replace") as fh:
        sys.stderr.write(fh.read())
    sys.exit(2)

if rc != "0":
    print(f"check-counts: note: specc exited with status {rc}; "
          "comparing its counts anyway", file=sys.stderr)

mismatches = []
for key in sorted(expected):
    want = expected[key]
    if key not in actual:
        mismatches.append(f"{key}: count.py {json.dumps(want)}, "
                          "specc has no such key")
        continue
    got = actual[key]
    if isinstance(want, dict) and isinstance(got, dict):
        # Breakdowns omit zero entries on one side or the other
        # (e.g. "none" in sections_by_authority), so absent means 0.
        for sub in sorted(set(want) | set(got)):
            w, g = want.get(sub, 0), got.get(sub, 0)
            if w != g:
                mismatches.append(f"{key}.{sub}: count.py {w}, specc {g}")
    elif want != got:
        mismatches.append(f"{key}: count.py {json.dumps(want)}, "
                          f"specc {json.dumps(got)}")

# Extra counts are allowed: specc may report more than the oracle knows.
for key in sorted(set(actual) - set(expected)):
    print(f"check-counts: note: specc count {key!r} not checked",
          file=sys.stderr)

for line in mismatches:
    print(f"mismatch: {line}")
if mismatches:
    print(f"FAIL: {len(mismatches)} mismatch(es) out of {len(expected)} counts")
    sys.exit(1)
print(f"ok: {len(expected)} counts match")
EOF
