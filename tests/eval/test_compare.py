#!/usr/bin/env python3
"""specc compare finds the clause that really got worse, and not noise.

Three runs of one project, answered from recordings (replay providers):
- baseline: clause cd01 passes 30/30, cd02 20/30, cd03 15/30;
- planted: cd01 drops to 18/30 (items 19-30 fail); cd02 keeps 20/30 but
  5 cases change each way (noise); cd03 unchanged;
- noise: cd01 unchanged; cd02 the same noise as above.
Then: baseline -> planted is blocked (exit 1) with cd01 named, its exact
McNemar p-value 2 * 0.5^12, and cd02 not flagged; baseline -> noise passes
(exit 0); planted -> baseline reports cd01 better and exits 0.

Usage: test_compare.py SPECC TESTSERVER
"""
import json
import os
import sys

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import binaries, cleanup, Checks, item, run, tempdir, write_project  # noqa: E402

SPECC, _ = binaries()
C = Checks("eval-compare")
TMP = tempdir("compare")
N = 30


def passing(which):
    """{clause: set of 1-based items that pass} for a recording."""
    cd02 = set(range(1, 21))
    if which != "baseline":
        cd02 = (cd02 - set(range(1, 6))) | set(range(21, 26))
    cd01 = set(range(1, N + 1)) if which != "planted" else set(range(1, 19))
    return {"cd01": cd01, "cd02": cd02, "cd03": set(range(1, 16))}


def recordings(root, which):
    path = os.path.join(root, which + ".jsonl")
    with open(path, "w") as f:
        for cid, ok in passing(which).items():
            for n in range(1, N + 1):
                f.write(json.dumps({"case": "%s/%d" % (cid, n), "answer": "yes" if n in ok else "no"}) + "\n")


def set_gate(root, rules, authorities=None):
    """Rewrites specc.yaml's gate, and the sections' authority levels."""
    path = os.path.join(root, "specc.yaml")
    with open(path) as f:
        text = f.read().split("gate:")[0]
    if rules is not None:
        text += "gate:\n  rules:\n" + "".join(
            "    - fail-on: %s\n" % kind + ("      authority: %s\n" % level if level else "")
            for kind, level in rules)
    with open(path, "w") as f:
        f.write(text)
    spec = os.path.join(root, "spec.md")
    with open(spec) as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines):
        for cid in ("cd01", "cd02", "cd03"):
            if line.startswith("## Clause %s " % cid):
                level = (authorities or {}).get(cid)
                lines[i] = "## Clause %s {#sec_%s%s}" % (cid, cid, " authority=" + level if level else "")
    with open(spec, "w") as f:
        f.write("\n".join(lines))


def gates(root, runs):
    """Gate rules decide the exit code, and the report names the rule."""
    base, planted, noise = str(runs["baseline"]), str(runs["planted"]), str(runs["noise"])
    # Any lost case blocks: the noise loses 5 cd02 cases, though not
    # significantly.
    set_gate(root, [("any-loss", None)])
    r = run(SPECC, ["compare", base, noise, "."], cwd=root)
    C.eq(r.rc, 1, "gate any-loss: the noise run is blocked")
    C.check("blocked by rule 1 (fail-on: any-loss): cd02 (section sec_cd02) passed 20/30, now 20/30, 5 cases lost"
            in r.out, "gate any-loss: the report names the rule and cd02", r.out)
    C.check("cd01" not in r.out.split("blocked")[-1], "gate any-loss: cd01 lost nothing and is not named", r.out)
    # Rules by authority: regressions of user level or above block; cd01
    # is a guideline, so its drop passes, while cd02 at root is blocked
    # for any loss.
    set_gate(root, [("significant-regression", "user"), ("any-loss", "root")],
             {"cd01": "guideline", "cd02": "root", "cd03": "user"})
    r = run(SPECC, ["compare", "--format", "json", base, planted, "."], cwd=root)
    gate = r.json().get("gate", {}) if r.rc in (0, 1) else {}
    blocked = [(b["rule"], b["clause"]) for b in gate.get("blocked", [])]
    C.eq(blocked, [(2, "cd02")], "gate by authority: only the root clause's loss blocks")
    C.eq(r.rc, 1, "gate by authority: blocked exits 1")
    set_gate(root, [("significant-regression", "user")], {"cd01": "developer"})
    r = run(SPECC, ["compare", base, planted, "."], cwd=root)
    C.check(r.rc == 1 and "blocked by rule 1 (fail-on: significant-regression, authority: user or higher): cd01"
            in r.out, "gate by authority: a developer clause's regression is above user", r)
    set_gate(root, [("significant-regression", "root")], {"cd01": "developer"})
    r = run(SPECC, ["compare", base, planted, "."], cwd=root)
    C.check(r.rc == 0 and "gate passed" in r.out, "gate by authority: root-only rules let a developer drop pass", r)
    # A rule naming an unknown level is a configuration error.
    set_gate(root, [("significant-regression", "boss")])
    r = run(SPECC, ["compare", base, planted, "."], cwd=root)
    C.check(r.rc == 2 and "specc.yaml:" in r.err and "boss" in r.err, "gate: an unknown level is an error", r)
    # specc test --baseline: the run that drops is blocked at once.
    set_gate(root, None)
    r = run(SPECC, ["test", "--no-progress", "--min-pass-rate", "0", "--provider", "planted", "--baseline", base,
                    "."], cwd=root)
    C.check(r.rc == 1 and "blocked by the default rule (fail-on: significant-regression): cd01" in r.out,
            "test --baseline: the planted drop is blocked and cd01 named", r)
    r = run(SPECC, ["test", "--no-progress", "--min-pass-rate", "0", "--provider", "noise", "--baseline", base,
                    "."], cwd=root)
    C.check(r.rc == 0 and "gate passed" in r.out, "test --baseline: noise passes", r)
    r = run(SPECC, ["test", "--no-progress", "--provider", "noise", "--baseline", "99", "."], cwd=root)
    C.check(r.rc == 2 and "no run 99" in r.err, "test --baseline: a missing run is an error before asking", r)


def main():
    try:
        root = os.path.join(TMP, "proj")
        clauses = {cid: [item("question %s %d" % (cid, n), ['contains: "yes"']) for n in range(1, N + 1)]
                   for cid in ("cd01", "cd02", "cd03")}
        providers = "".join("  %s:\n    kind: replay\n    file: %s.jsonl\n" % (w, w)
                            for w in ("baseline", "planted", "noise"))
        write_project(root, clauses, providers)
        runs = {}
        for which in ("baseline", "planted", "noise"):
            recordings(root, which)
            r = run(SPECC, ["test", "--no-progress", "--min-pass-rate", "0", "--provider", which, "."], cwd=root)
            C.eq(r.rc, 0, "%s: the run finishes" % which)
            runs[which] = len(runs) + 1

        # The planted drop is blocked, with the clause named.
        r = run(SPECC, ["compare", str(runs["baseline"]), str(runs["planted"]), "."], cwd=root)
        C.eq(r.rc, 1, "planted: a significant regression exits 1")
        C.check("worse: cd01 (section sec_cd01)" in r.out, "planted: the report names cd01", r.out)
        C.check("1 clause significantly worse, 0 significantly better" in r.out, "planted: one clause worse",
                r.out)
        r = run(SPECC, ["compare", "--format", "json", str(runs["baseline"]), str(runs["planted"]), "."], cwd=root)
        rep = {c["clause"]: c for c in json.loads(r.out)["clauses"]} if r.rc == 1 else {}
        cd01, cd02 = rep.get("cd01", {}), rep.get("cd02", {})
        C.check(cd01.get("test") == "mcnemar" and cd01.get("pairs") == 30 and cd01.get("lost") == 12 and
                cd01.get("gained") == 0, "planted: cd01 paired 30, 12 lost, 0 gained", cd01)
        C.check(abs(cd01.get("p", 1) - 2 * 0.5 ** 12) < 1e-12, "planted: cd01's exact McNemar p = 2 * 0.5^12",
                cd01.get("p"))
        C.eq(cd01.get("change"), "worse", "planted: cd01 is worse")
        C.check(cd01.get("baseline", {}).get("passed") == 30 and cd01.get("candidate", {}).get("passed") == 18,
                "planted: 30/30 then 18/30", cd01)
        lo, hi = cd01.get("candidate", {}).get("wilson95", [0, 0])
        C.check(abs(lo - 0.423204) < 1e-5 and abs(hi - 0.754096) < 1e-5,
                "planted: 18/30's Wilson interval is [0.4232, 0.7541]", (lo, hi))
        C.check(cd02.get("lost") == 5 and cd02.get("gained") == 5 and cd02.get("change") == "none"
                and cd02.get("p") == 1, "planted: cd02's noise (5 lost, 5 gained) is not flagged", cd02)
        C.eq(rep.get("cd03", {}).get("change"), "none", "planted: unchanged cd03 is not flagged")

        # Pure noise: same pass rates, different cases.
        r = run(SPECC, ["compare", str(runs["baseline"]), str(runs["noise"]), "."], cwd=root)
        C.eq(r.rc, 0, "noise: same pass rates on different cases exit 0")
        C.check("no clause changed significantly" in r.out, "noise: nothing is reported", r.out)

        # The other way round, the drop is an improvement, which passes.
        r = run(SPECC, ["compare", str(runs["planted"]), "last", "."], cwd=root)
        C.check(r.rc == 0 and "better" in r.out and "0 clauses significantly worse, 1 significantly better" in r.out,
                "improvement: cd01 is better, and that exits 0", r)

        gates(root, runs)

        # Usage errors.
        r = run(SPECC, ["compare", "1", "."], cwd=root)
        C.eq(r.rc, 2, "usage: one run is not enough")
        r = run(SPECC, ["compare", "1", "9", "."], cwd=root)
        C.check(r.rc == 2 and "no run 9" in r.err, "usage: a run that does not exist", r)
        r = run(SPECC, ["compare", "--alpha", "2", "1", "2", "."], cwd=root)
        C.eq(r.rc, 2, "usage: --alpha must be between 0 and 1")
    finally:
        cleanup(TMP)
    C.finish()


if __name__ == "__main__":
    main()
