#!/usr/bin/env python3
"""Reports of specc test: JSON, JUnit, SARIF, human, --out and -o.

- --format junit is well-formed XML (xml.etree parses it, even with
  markup and control characters in answers) and counts failures, errors
  and skipped cases right;
- --format sarif is SARIF 2.1.0 JSON whose results sit at the line of the
  failing clause's sentence in the spec file, with a well-formed URI;
- --out writes one JSON line per finished case;
- specc runs show prints what specc test printed, in every format.

Usage: test_reports.py SPECC TESTSERVER
"""
import json
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import (binaries, cleanup, Checks, Server, item, openai_provider, query, run, specc_cmd,  # noqa: E402
                         tempdir, write_project)

SPECC, TESTSERVER = binaries()
C = Checks("eval-reports")
TMP = tempdir("reports")
# Markup, quotes, a control character and UTF-8 in an answer.
NASTY = 'a <b> & "c" \'d\' \u00e9\u4e2d \x01\x1b ]]> --> end'


def fixture(srv):
    return {
        # rpa1: 1 passed, 1 failed (markup in the answer), 1 errored
        "rpa1": [item("reply: hello", ['contains: "hello"']),
                 item("reply: " + NASTY, ['contains: "zzz"', 'max-words: 100']),
                 item("reply: gone\n[[fault:500:*]]")],
        # rpb2: all pass
        "rpb2": [item("reply: fine", ['contains: "fine"']), item("reply: fine too", ['starts-with: "fine"'])],
        # rpc3: errored only
        "rpc3": [item("reply: x\n[[fault:503:*]]")],
        # rpd4: needs a grader (rubric), and a failure of a regex
        "rpd4": [item("reply: maybe", ['rubric: "Hedges."']),
                 item("reply: 42", ['regex: "^[a-z]+$"'])],
    }


def spec_line(root, cid):
    with open(os.path.join(root, "spec.md")) as f:
        for n, line in enumerate(f, 1):
            if "[^%s]" % cid in line:
                return n
    return None


def main():
    srv = Server(TESTSERVER)
    try:
        # A folder name with a space and UTF-8, to exercise URIs.
        parent = os.path.join(TMP, "work")
        os.makedirs(parent)
        name = "proj dir \u00e9"
        root = os.path.join(parent, name)
        write_project(root, fixture(srv), openai_provider("local", srv.url, retries=0))
        stream = os.path.join(TMP, "cases.jsonl")
        outputs = {}
        for fmt in ("json", "junit", "sarif", "human"):
            args = ["test", "--no-progress", "--max-errors", "5", "--format", fmt, name]
            if fmt == "json":
                args[1:1] = ["--out", stream]
            r = run(SPECC, args, cwd=parent)
            C.eq(r.rc, 1, "%s: a run with failures exits 1 (errors within --max-errors)" % fmt)
            C.check(r.err == "", "%s: nothing on stderr" % fmt, r.err)
            outputs[fmt] = r.out
            run_id = query(root, "SELECT MAX(id) AS id FROM runs")[0]["id"]
            # runs show reprints the same report.
            s = run(SPECC, ["runs", "show", str(run_id), "--format", fmt, name], cwd=parent)
            C.eq(s.rc, 0, "%s: specc runs show %d works" % (fmt, run_id))
            if fmt == "sarif":
                # Without the project, runs show places results at the items.
                continue
            C.check(s.out == r.out, "%s: runs show prints exactly what specc test printed" % fmt,
                    first_diff(r.out, s.out))

        # ---- JSON
        try:
            rep = json.loads(outputs["json"])
        except ValueError as e:
            rep = None
            C.check(False, "json: the report parses", e)
        if rep:
            t = rep["totals"]
            C.eq((t["cases"], t["passed"], t["failed"], t["errored"], t["needs_grader"]), (8, 3, 2, 2, 1),
                 "json: totals 8 cases: 3 passed, 2 failed, 2 errored, 1 needs grader")
            C.eq(rep["run"]["status"], "finished", "json: run status finished")
            C.check(rep["run"]["finished"], "json: a finished run has a finish time", rep["run"])
            C.eq(rep["run"]["total"], 8, "json: run total 8")
            nasty = [c for c in rep["cases"] if c["key"] == "rpa1/2"]
            C.check(nasty and nasty[0]["answer"] == NASTY, "json: an answer with markup and control "
                    "characters survives the store exactly", nasty)
            C.check(nasty and "zzz" in (nasty[0]["failures"] or ""), "json: failures name the failed check", nasty)
            by = {c["clause"]: c for c in rep["clauses"]}
            C.eq((by["rpa1"]["passed"], by["rpa1"]["failed"], by["rpa1"]["errored"]), (1, 1, 1),
                 "json: per-clause counts of rpa1")
            C.eq(by["rpa1"]["pass_rate"], 0.5, "json: pass rate counts passed / (passed + failed)")
            C.check(by["rpc3"]["pass_rate"] is None, "json: a clause with nothing checked has no pass rate")

        # ---- --out
        with open(stream, encoding="utf-8") as f:
            lines = f.read().splitlines()
        C.eq(len(lines), 8, "out: one line per finished case")
        try:
            recs = [json.loads(line) for line in lines]
        except ValueError as e:
            recs = []
            C.check(False, "out: every line is JSON", e)
        if recs and rep:
            C.eq(sorted((x["key"], x["sample"], x["status"]) for x in recs),
                 sorted((c["key"], c["sample"], c["status"]) for c in rep["cases"]),
                 "out: the lines are the report's cases with their statuses")
            C.check(all({"key", "status", "answer", "error", "checks", "attempts", "file", "line"} <= set(x)
                        for x in recs), "out: each line has key, status, answer, error, checks, attempts, file, line")
            nasty = [x for x in recs if x["key"] == "rpa1/2"]
            C.check(nasty and nasty[0]["answer"] == NASTY and
                    [c["outcome"] for c in nasty[0]["checks"]] == ["fail", "pass"],
                    "out: answers and check outcomes as given", nasty)

        # ---- JUnit
        try:
            tree = ET.fromstring(outputs["junit"].encode())
        except ET.ParseError as e:
            tree = None
            C.check(False, "junit: the XML is well-formed", e)
        if tree is not None:
            C.check(True, "junit: the XML is well-formed (with <, &, quotes, control characters in answers)")
            C.eq(tree.tag, "testsuites", "junit: root element testsuites")
            cases = tree.findall("./testsuite/testcase")
            fails = tree.findall("./testsuite/testcase/failure")
            errs = tree.findall("./testsuite/testcase/error")
            skips = tree.findall("./testsuite/testcase/skipped")
            C.eq((len(cases), len(fails), len(errs), len(skips)), (8, 2, 2, 1),
                 "junit: 8 testcases, 2 failures, 2 errors, 1 skipped")
            C.eq((tree.get("tests"), tree.get("failures"), tree.get("errors"), tree.get("skipped")),
                 ("8", "2", "2", "1"), "junit: the counts on <testsuites> match the elements")
            C.eq(sorted(s.get("name") for s in tree.findall("testsuite")), ["rpa1", "rpb2", "rpc3", "rpd4"],
                 "junit: one testsuite per clause")
            for s in tree.findall("testsuite"):
                if s.get("tests") is not None:
                    C.eq(s.get("tests"), str(len(s.findall("testcase"))), "junit: suite %s counts its cases"
                         % s.get("name"))
            f = [c for c in cases if c.get("name") == "rpa1/2"]
            if f:
                fl = f[0].find("failure")
                C.check(fl is not None and "zzz" in fl.get("message"), "junit: failure message names the check")
                want = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", NASTY)
                C.eq(fl.text if fl is not None else None, want,
                     "junit: the failing answer is the failure's text (control characters as ?)")
                C.check(f[0].get("file", "").endswith("evals/rpa1.md") and f[0].get("line") == "15",
                        "junit: testcase file and line point at the eval item", f[0].attrib)
            e = [c for c in cases if c.get("name") == "rpc3/1"]
            C.check(e and "503" in e[0].find("error").get("message"), "junit: error message says HTTP 503")

        # ---- SARIF
        try:
            sarif = json.loads(outputs["sarif"])
        except ValueError as e:
            sarif = None
            C.check(False, "sarif: the output is JSON", e)
        if sarif:
            C.eq(sarif.get("version"), "2.1.0", "sarif: version 2.1.0")
            res = sarif["runs"][0]["results"]
            rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
            C.check(all(r["ruleId"] in rules for r in res), "sarif: every result's rule is declared")
            got = {}
            for r in res:
                m = re.search(r"clause (\w+)", r["message"]["text"])
                got[m.group(1) if m else "?"] = r
            C.eq(sorted(got), ["rpa1", "rpc3", "rpd4"], "sarif: a result for each clause that failed or errored")
            C.eq(got.get("rpc3", {}).get("ruleId"), "clause-errored", "sarif: an errored-only clause is clause-errored")
            C.eq(got.get("rpa1", {}).get("ruleId"), "clause-failed", "sarif: a failing clause is clause-failed")
            for cid, r in got.items():
                loc = r["locations"][0]["physicalLocation"]
                uri = loc["artifactLocation"]["uri"]
                C.check(" " not in uri and all(ord(ch) < 128 for ch in uri),
                        "sarif: %s's URI is percent-encoded (%s)" % (cid, uri))
                path = urllib.parse.unquote(uri)
                if path.startswith("file://"):
                    path = path[7:]
                full = path if os.path.isabs(path) else os.path.join(parent, path)
                C.check(os.path.exists(full) and full.endswith("spec.md"),
                        "sarif: %s's URI names the spec file" % cid, uri)
                C.eq(loc["region"]["startLine"], spec_line(root, cid),
                     "sarif: %s's result is at its clause's line in spec.md" % cid)
            # runs show, without the project, falls back to the items.
            s = run(SPECC, ["runs", "show", "last", "--format", "sarif", name], cwd=parent)
            try:
                json.loads(s.out)
                C.check(True, "sarif: runs show --format sarif is JSON too")
            except ValueError as e:
                C.check(False, "sarif: runs show --format sarif is JSON too", e)

        # ---- human
        h = outputs["human"]
        C.check(re.search(r"^clause\s+section\s+passed\s+failed\s+errored", h, re.M),
                "human: a table of clauses", h)
        C.check("8 cases: 3 passed, 2 failed, 2 errored, 1 need a grader" in h, "human: the summary line", h)
        C.check("\x1b[" not in h, "human: no colour when stdout is not a terminal")
        C.check(re.search(r"evals/rpa1\.md:15: failed rpa1/2", h), "human: failures at file:line", h)
        r = run(SPECC, ["runs", "show", "last", "--color", "always", name], cwd=parent)
        C.check("\x1b[" in r.out, "human: --color always colours", r.out[:200])

        # ---- -o FILE
        out = os.path.join(TMP, "r.xml")
        r = run(SPECC, ["test", "--no-progress", "--max-errors", "5", "--format", "junit", "-o", out, name],
                cwd=parent)
        C.check(r.rc == 1 and r.out == "" and os.path.getsize(out) > 0, "-o: the report goes to the file", r)
        try:
            ET.parse(out)
            C.check(True, "-o: the junit file parses")
        except ET.ParseError as e:
            C.check(False, "-o: the junit file parses", e)

        # ---- specc runs
        r = run(SPECC, ["runs", name], cwd=parent)
        ids = [int(x) for x in re.findall(r"^\s*(\d+)\s", r.out, re.M)]
        C.check(r.rc == 0 and ids and ids == sorted(ids, reverse=True) and len(ids) == 5,
                "runs: lists the 5 runs, newest first", r.out)
        r = run(SPECC, ["runs", "show", "99", name], cwd=parent)
        C.eq(r.rc, 2, "runs: show of a run that does not exist exits 2")
        r = run(SPECC, ["runs", os.path.join(TMP, "nowhere")])
        C.eq(r.rc, 2, "runs: a project without a store exits 2")
        C.check(not os.path.exists(os.path.join(TMP, "nowhere", ".specc")), "runs: ...and creates no store")
        progress_line(parent, name)
    finally:
        srv.stop()
        cleanup(TMP)
    C.finish()


def progress_line(parent, name):
    """On a terminal, a live line on stderr: done/total, rate, failures,
    errors, tokens; cleared at the end.  Not in CI, not with
    --no-progress, not when stderr is not a terminal."""
    import pty
    import subprocess
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["NO_COLOR"] = "1"
    for extra, want in (([], True), (["--no-progress"], False)):
        master, slave = pty.openpty()
        p = subprocess.Popen(specc_cmd(SPECC, "test", "--max-errors", "5", "--no-cache", *extra, name),
                             cwd=parent, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=slave)
        os.close(slave)
        got = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        p.wait()
        os.close(master)
        text = got.decode("utf-8", "replace")
        shown = re.search(r"\r\x1b\[K\d+/8 cases +\d+/s.*failed +\d+ errors +\d+ tokens", text) is not None
        if want:
            C.check(shown and text.endswith("\r\x1b[K"),
                    "progress: a live line on a terminal (cases, rate, failures, errors, tokens), "
                    "cleared at the end", text[-300:])
        else:
            C.check(not shown and "cases" not in text, "progress: --no-progress shows none", text[-300:])


def first_diff(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return "line %d: %r != %r" % (i + 1, x, y)
    return "lengths %d, %d" % (len(al), len(bl))


if __name__ == "__main__":
    main()
