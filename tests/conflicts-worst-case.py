#!/usr/bin/env python3
"""10,000 near-duplicate clauses, the worst case for pairing conflicts:
specc check finishes (meson's time limit is the guard against a hang),
says that it reached its pairing budget, and lists no more than its
first 500 conflicts.

Usage: conflicts-worst-case.py SPECC
"""
import os
import shutil
import subprocess
import sys
import tempfile

SPECC = sys.argv[1]
wrapper = os.environ.get("SPECC_WRAPPER", "").split()
tmp = tempfile.mkdtemp(prefix="specc-conflicts.")
failed = 0


def check(cond, what, detail=""):
    global failed
    print("%s %s" % ("ok  " if cond else "FAIL", what))
    if not cond:
        failed += 1
        print("     " + str(detail)[:2000])


try:
    lines = ["# Rules {#rules}", ""]
    for i in range(10000):
        lines += ["The assistant %s share the member records of plan %d.[^c%d]" %
                  ("must not" if i % 2 else "must", i % 7, i), ""]
    spec = os.path.join(tmp, "spec.md")
    with open(spec, "w") as f:
        f.write("\n".join(lines))
    r = subprocess.run(wrapper + [SPECC, "check", "--color", "never", spec], capture_output=True, text=True)
    out = r.stdout + r.stderr
    check(r.returncode == 1, "the conflicts are errors: exit 1", r.returncode)
    check("conflict detection compared 250000 pairs of statements and stopped there" in out,
          "the pairing budget is reached and said", out[-600:])
    check("more conflicts were found and not listed; the first 500 are above" in out,
          "conflicts past the first 500 are counted, not listed", out[-600:])
    check(out.count("[clause-conflict]") == 1000, "500 conflicts listed, each at both clauses",
          out.count("[clause-conflict]"))
    check("==" not in r.stderr or "ERROR SUMMARY" not in r.stderr, "no sanitizer or valgrind report", r.stderr[-800:])
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print("conflicts-worst-case: %s" % ("all checks passed" if not failed else "%d checks FAILED" % failed))
sys.exit(1 if failed else 0)
