#!/usr/bin/env python3
"""specc merge joins the stores of --shard runs into one run.

One project against the test server: items that pass, fail, get a 500 on
their first attempt (a failed attempt in the errors table), and items with
no expect block that a grader (the test server) judges (verdicts and
grades); --repeat 2 with a seed, so samples are distinct requests.
- an unsharded run into full.db, then (after resetting the server's attempt
  counts, so the same faults fire) --shard 1/3, 2/3 and 3/3 into three
  stores of their own, merged into the project's store (created);
- the merged run's report (specc runs show --format json) equals the
  unsharded run's in its cases, clauses and totals; every table holds the
  shard runs' rows under the new run; specc compare works on it;
- the caches are merged: a later unsharded run on the project's store
  makes no call at all; --resume refuses the merged run;
- the sources are untouched (same bytes, no -wal or -shm left beside them);
- merging twice gives two runs, and no row twice;
- a run of the receiving store itself (:RUN, or its file under any name),
  a file holding several shard runs (FILE:RUN, latest by default);
- every refusal (exit 2, a message naming the sources, nothing written,
  no store left behind): a missing shard, the same shard twice, the same
  run twice, another shard count, options, model, provider or spec, a case
  in two runs, an unfinished run (and --allow-incomplete), not a shard
  run, not a store, no such file or run.

Usage: test_merge.py SPECC TESTSERVER
"""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import sys

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import (binaries, cleanup, Checks, Server, item, openai_provider, run,  # noqa: E402
                         tempdir, write_project)

SPECC, TESTSERVER = binaries()
C = Checks("eval-merge")
TMP = tempdir("merge")
ROOT = os.path.join(TMP, "proj")
STORES = os.path.join(TMP, "stores")
RUN_TABLES = ("cases", "checks", "errors", "verdicts", "grades")


def clauses():
    return {
        "mg01": [item("reply: yes %d" % i, ['contains: "yes"']) for i in range(6)],
        "mg02": [item("reply: %s b%d" % ("yes" if i % 2 else "no", i), ['contains: "yes"'])
                 for i in range(6)],
        "mg03": [item("reply: yes flaky %d [[fault:500:1]]" % i, ['contains: "yes"']) for i in range(4)],
        "mg04": [item("judge this answer %d" % i) for i in range(4)],
    }


def store(name):
    return os.path.join(STORES, name)


def specc(*args, **kw):
    kw.setdefault("cwd", ROOT)
    return run(SPECC, list(args), **kw)


def test_args(*extra):
    return ["test", "--no-progress", "--min-pass-rate", "0", "--repeat", "2", *extra, "."]


def sql(path, q, *params):
    c = sqlite3.connect(path, timeout=30)
    c.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in c.execute(q, params)]
    finally:
        c.close()


def project_db():
    return os.path.join(ROOT, ".specc", "specc.db")


def rows(path, table, run_id):
    return sql(path, "SELECT * FROM %s WHERE run=? ORDER BY 2, 3, 4" % table, run_id)


def strip_run(rs):
    return [{k: v for k, v in r.items() if k not in ("run", "finished")} for r in rs]


def fingerprint_files(folder):
    """{name: sha256} of every file in folder."""
    out = {}
    for n in sorted(os.listdir(folder)):
        p = os.path.join(folder, n)
        if os.path.isfile(p):
            with open(p, "rb") as f:
                out[n] = hashlib.sha256(f.read()).hexdigest()
    return out


def report(run_id, *store_args):
    r = specc("runs", "show", str(run_id), "--format", "json", *store_args)
    return r.json() if r.rc == 0 else None


def comparable(rep):
    """A report without what differs between two runs of the same cases."""
    if not rep:
        return None
    cases = sorted(rep["cases"], key=lambda c: (c["key"], c["sample"]))
    return {"cases": cases, "clauses": rep.get("clauses"), "totals": rep.get("totals")}


def count_runs(path):
    return sql(path, "SELECT COUNT(*) AS n FROM runs")[0]["n"] if os.path.exists(path) else 0


def refused(args, want, what, receiving=None):
    """specc merge ARGS exits 2 with `want` in its message and writes nothing."""
    receiving = receiving or project_db()
    before = count_runs(receiving)
    srcs = fingerprint_files(STORES)
    r = specc("merge", *args)
    C.check(r.rc == 2 and re.search(want, r.err), "refused: %s" % what, r)
    C.check("nothing was merged" in r.err, "refused: %s: says nothing was merged" % what, r.err)
    C.eq(count_runs(receiving), before, "refused: %s: no run was added" % what)
    C.eq(fingerprint_files(STORES), srcs, "refused: %s: the sources are untouched" % what)
    return r


def doctored(src, name, *statements):
    """A copy of store src changed by SQL statements, as a broken source."""
    dst = store(name)
    shutil.copyfile(store(src), dst)
    c = sqlite3.connect(dst)
    for s in statements:
        c.execute(s)
    c.commit()
    c.close()
    return dst


def main():
    srv = Server(TESTSERVER)
    try:
        os.makedirs(STORES)
        providers = openai_provider("local", srv.url, seed=7) + openai_provider("other", srv.url, seed=7)
        write_project(ROOT, clauses(), providers, "test:\n  provider: local\ngrader:\n  provider: local\n")

        # The unsharded run, and the three shards, each asking the server.
        full = specc(*test_args("--store", store("full.db")))
        C.eq(full.rc, 0, "the unsharded run finishes")
        srv.reset()
        st0 = srv.stats()
        for i in (1, 2, 3):
            r = specc(*test_args("--shard", "%d/3" % i, "--store", store("s%d.db" % i)))
            C.eq(r.rc, 0, "shard %d/3 finishes" % i)
        st1 = srv.stats()
        C.check(st1["requests"] > st0["requests"] and st1["grader_requests"] > st0["grader_requests"],
                "the shard runs asked the server, the grader too", (st0, st1))
        full_counts = {t: len(rows(store("full.db"), t, 1)) for t in RUN_TABLES}
        C.check(all(full_counts.values()), "the unsharded run has rows in every table "
                "(cases, checks, errors, verdicts, grades)", full_counts)
        shard_cases = [len(rows(store("s%d.db" % i), "cases", 1)) for i in (1, 2, 3)]
        C.check(all(shard_cases) and sum(shard_cases) == 40, "the shards hold 40 cases between them",
                shard_cases)
        before = fingerprint_files(STORES)

        # The merge, into the project's store, which does not exist yet.
        C.check(not os.path.exists(project_db()), "the project has no store yet")
        r = run(SPECC, ["merge", "--into", ROOT, store("s1.db"), store("s2.db"), store("s3.db")], cwd=TMP)
        C.eq(r.rc, 0, "merge: exits 0")
        want = "merged 3 shard runs (cases %d + %d + %d = 40) into run 1 of %s\n" % (
            shard_cases[0], shard_cases[1], shard_cases[2], os.path.join(ROOT, ".specc/specc.db"))
        C.eq(r.out, want, "merge: says what it merged, case counts per shard, into which run")
        C.eq(fingerprint_files(STORES), before, "merge: the sources are byte for byte the same, "
             "and nothing (-wal, -shm) was left beside them")

        rep_full = comparable(report(1, "--store", store("full.db")))
        rep_merged = comparable(report(1))
        C.check(rep_merged is not None and rep_full is not None, "runs show works on the merged run")
        if rep_merged and rep_full:
            C.eq(rep_merged["cases"], rep_full["cases"], "the merged run's cases equal the unsharded run's")
            C.eq(rep_merged["clauses"], rep_full["clauses"], "...and so do its clauses")
            C.eq(rep_merged["totals"], rep_full["totals"], "...and its totals")
            t = rep_merged["totals"]
            C.check(t.get("failed") and t.get("failed_attempts") and t.get("passed"),
                    "...which have passes, failures and failed attempts", t)
        r = specc("test", "--no-progress", "--resume", "1", ".")
        C.check(r.rc == 2 and "provider settings changed since run 1" in r.err,
                "a merged run is complete as it stands: --resume refuses it", r)
        human = specc("runs", "show", "1")
        C.check(human.rc == 0 and "40 cases" in human.out and "(run 1)" in human.out,
                "runs show prints the merged run's report", human)

        mrun = sql(project_db(), "SELECT * FROM runs WHERE id=1")[0]
        frun = sql(store("full.db"), "SELECT * FROM runs WHERE id=1")[0]
        s1run = sql(store("s1.db"), "SELECT * FROM runs WHERE id=1")[0]
        C.eq(mrun["status"], "finished", "the merged run is finished")
        C.check(mrun["finished"] and mrun["created"], "...with its times set", mrun)
        C.eq(json.loads(mrun["options"]), json.loads(frun["options"]),
             "its options are an unsharded run's (shard 0 of 0)")
        C.eq(mrun["total"], frun["total"], "its total is the sum of the shards' totals")
        for k in ("provider", "model", "spec_fingerprint", "spec_version", "project"):
            C.eq(mrun[k], s1run[k], "its %s comes from the sources" % k)
        C.eq(mrun["config_fingerprint"], s1run["config_fingerprint"],
             "its settings fingerprint is the first source's")
        for t in RUN_TABLES:
            merged = strip_run(rows(project_db(), t, 1))
            shards = sorted((r for i in (1, 2, 3) for r in strip_run(rows(store("s%d.db" % i), t, 1))),
                            key=lambda r: list(r.values())[:3])
            merged_sorted = sorted(merged, key=lambda r: list(r.values())[:3])
            C.eq(merged_sorted, shards, "%s: the merged run holds the shard runs' rows, all of them" % t)
            C.eq(len(merged), full_counts[t], "%s: as many rows as the unsharded run" % t)
        resp = {r["request_hash"] for i in (1, 2, 3) for r in sql(store("s%d.db" % i),
                                                                  "SELECT request_hash FROM responses")}
        got = {r["request_hash"] for r in sql(project_db(), "SELECT request_hash FROM responses")}
        C.check(resp and got == resp, "the response caches are merged", (len(got), len(resp)))

        # The merged cache answers everything: a new unsharded run asks nothing.
        st = srv.stats()
        r = specc(*test_args("--format", "json"))
        C.eq(r.rc, 0, "cache: an unsharded run on the project's store finishes")
        C.eq(srv.stats(), st, "cache: ...without a single call, answers or grades (/stats unchanged)")
        rep = r.json() if r.rc == 0 else {"cases": [], "totals": {}}
        C.check(len(rep["cases"]) == 40 and all(c["cached"] for c in rep["cases"]),
                "cache: ...and reports its 40 cases cached", rep.get("totals"))
        cmp = specc("compare", "1", "2")
        C.check(cmp.rc == 0 and "no clause changed significantly" in cmp.out,
                "compare: the merged run compares with a later run", cmp)

        # Merging again makes a new run, and no row twice.
        ncache = sql(project_db(), "SELECT COUNT(*) AS n FROM responses")[0]["n"]
        r = specc("merge", store("s1.db"), store("s2.db"), store("s3.db"))
        C.check(r.rc == 0 and "into run 3 of .specc/specc.db" in r.out, "merge twice: a second run", r)
        for t in RUN_TABLES:
            C.eq(strip_run(rows(project_db(), t, 3)), strip_run(rows(project_db(), t, 1)),
                 "merge twice: %s of run 3 are those of run 1" % t)
        C.eq(sql(project_db(), "SELECT COUNT(*) AS n FROM responses")[0]["n"], ncache,
             "merge twice: no cached response twice")
        C.eq(comparable(report(3)), rep_merged, "merge twice: the report is the same")
        C.eq(fingerprint_files(STORES), before, "merge twice: the sources are still untouched")

        test_receiving(srv, before)
        test_refusals()
        test_usage()
    finally:
        srv.stop()
        cleanup(TMP)
    C.finish()


def test_receiving(srv, before):
    """The receiving store as a source, and a file of several runs."""
    recv = os.path.join(TMP, "recv.db")
    shutil.copyfile(store("s1.db"), recv)
    r = specc("merge", "--store", recv, ":1", store("s2.db"), store("s3.db"))
    C.check(r.rc == 0 and "into run 2 of %s" % recv in r.out, "receiving: :1 is a run of the receiving store", r)
    r = specc("merge", "--store", recv, recv, store("s2.db"), store("s3.db"))
    C.check(r.rc == 0 and "into run 3 of" in r.out, "receiving: so is its file, named as a source", r)
    link = os.path.join(TMP, "recv-link.db")
    os.symlink(recv, link)
    r = specc("merge", "--store", recv, link + ":1", store("s2.db"), store("s3.db"))
    C.check(r.rc == 0 and "into run 4 of" in r.out, "receiving: ...under another name too", r)
    want = comparable(report(1))
    for n in (2, 3, 4):
        C.eq(comparable(report(n, "--store", recv)), want, "receiving: run %d reports like the first merge" % n)
    C.eq(sql(recv, "SELECT COUNT(*) AS n FROM cases WHERE run=1")[0]["n"], len(rows(store("s1.db"), "cases", 1)),
         "receiving: its own run 1 is as it was")

    # A store still open elsewhere, with rows only in its -wal, is read whole.
    live = os.path.join(TMP, "live.db")
    shutil.copyfile(store("s2.db"), live)
    c = sqlite3.connect(live)
    c.execute("PRAGMA wal_autocheckpoint=0")
    c.execute("INSERT INTO responses (request_hash, answer, prompt_tokens, completion_tokens, model, created) "
              "VALUES ('live-hash', 'from the log', 1, 1, 'm', '2026-01-01T00:00:00Z')")
    c.commit()
    walled = os.path.exists(live + "-wal")
    out = os.path.join(TMP, "live-recv.db")
    r = specc("merge", "--store", out, store("s1.db"), live, store("s3.db"))
    got = sql(out, "SELECT answer FROM responses WHERE request_hash='live-hash'") if r.rc == 0 else []
    C.check(walled and r.rc == 0 and got == [{"answer": "from the log"}],
            "a source open elsewhere: what only its -wal holds is merged too", (walled, r, got))
    c.close()

    # The judgements of `specc check --deep` made on a machine come along.
    judged = doctored("s2.db", "judged.db",
                      "INSERT INTO deep_judgements VALUES ('pair-key', 'contradiction', 'one forbids what the "
                      "other requires', 'fp', 'm', 'a1', 'b1', '2026-01-01T00:00:00Z')")
    out = os.path.join(TMP, "judged-recv.db")
    r = specc("merge", "--store", out, store("s1.db"), judged, store("s3.db"))
    got = sql(out, "SELECT verdict, clause_a FROM deep_judgements") if r.rc == 0 else []
    C.check(r.rc == 0 and got == [{"verdict": "contradiction", "clause_a": "a1"}],
            "deep judgements: a source's --deep judgements are merged", (r, got))
    r = specc("merge", "--store", out, store("s1.db"), judged, store("s3.db"))
    n = sql(out, "SELECT COUNT(*) AS n FROM deep_judgements")[0]["n"] if r.rc == 0 else -1
    C.check(r.rc == 0 and n == 1, "deep judgements: ...once, however often merged", (r, n))

    # Three shard runs in one file, the way one machine would run them.
    multi = store("multi.db")
    srv.reset()
    for i in (1, 2, 3):
        specc(*test_args("--shard", "%d/3" % i, "--store", multi))
    specc(*test_args("--store", multi))
    mb = fingerprint_files(STORES)
    r = specc("merge", multi + ":1", multi + ":2", multi + ":3")
    C.check(r.rc == 0 and "= 40)" in r.out, "one file: FILE:RUN takes three runs of one file", r)
    r = specc("merge", multi + ":1", multi + ":2", multi)
    C.check(r.rc == 0 and "= 40)" in r.out,
            "one file: FILE alone takes its latest shard run (not the later unsharded one)", r)
    last = sql(project_db(), "SELECT MAX(id) AS n FROM runs")[0]["n"]
    C.eq(comparable(report(last)), comparable(report(1)), "one file: the merged run is the same")
    C.eq(fingerprint_files(STORES), mb, "one file: the file is untouched")
    C.eq({k: v for k, v in mb.items() if k in before}, before, "the first sources are untouched")


def test_refusals():
    s1, s2, s3 = store("s1.db"), store("s2.db"), store("s3.db")
    refused([s1, s3], r"shard 2 of 3 is missing: given are shard 1 from .*s1\.db \(run 1\) and shard 3 from "
            r".*s3\.db \(run 1\)\n", "a missing shard is named")
    refused([s2], r"shards 1 and 3 of 3 are missing: given is shard 2 from .*s2\.db \(run 1\)\n", "two missing shards")
    shutil.copyfile(s1, store("s1-copy.db"))
    refused([s1, store("s1-copy.db"), s2, s3], r"s1\.db \(run 1\) and .*s1-copy\.db \(run 1\) are both shard 1 of 3",
            "the same shard twice")
    os.unlink(store("s1-copy.db"))
    refused([s1, s1, s2, s3], r"s1\.db \(run 1\) is named twice", "the same run twice")

    r = specc(*test_args("--shard", "2/2", "--store", store("n2.db")))
    C.eq(r.rc, 0, "a shard of another split runs")
    refused([s1, s3, store("n2.db")], r"s1\.db \(run 1\) is shard 1 of 3 but .*n2\.db \(run 1\) is shard 2 of 2",
            "another shard count")
    r = specc("test", "--no-progress", "--min-pass-rate", "0", "--shard", "2/3", "--store", store("r1.db"), ".")
    C.eq(r.rc, 0, "a shard without --repeat runs")
    refused([s1, store("r1.db"), s3], r"s1\.db \(run 1\) and .*r1\.db \(run 1\) were run with different options "
            r"\(repeat 2 and 1\)", "other options")
    r = specc(*test_args("--shard", "2/3", "--model", "other-model", "--store", store("m.db")))
    C.eq(r.rc, 0, "a shard with another model runs")
    refused([s1, store("m.db"), s3], r"asked different models \(test-model and other-model\)", "another model")
    r = specc(*test_args("--shard", "2/3", "--provider", "other", "--store", store("p.db")))
    C.eq(r.rc, 0, "a shard with another provider runs")
    refused([s1, store("p.db"), s3], r"s1\.db \(run 1\) and .*p\.db \(run 1\) asked different providers "
            r"\(local and other\)", "another provider")
    ev = os.path.join(ROOT, "evals", "mg01.md")
    with open(ev) as f:
        text = f.read()
    with open(ev, "a") as f:
        f.write("\n")
    r = specc(*test_args("--shard", "2/3", "--store", store("v.db")))
    with open(ev, "w") as f:
        f.write(text)
    C.eq(r.rc, 0, "a shard of an edited spec runs")
    refused([s1, store("v.db"), s3], r"ran different versions of the spec or its eval files", "another spec")

    doctored("s1.db", "overlap.db", "UPDATE runs SET options=replace(options, '\"shard\":1', '\"shard\":2')")
    refused([s1, store("overlap.db"), s3], r"case mg\S+ \(sample \d\) is in both .*s1\.db \(run 1\) and "
            r".*overlap\.db \(run 1\), and \d+ more cases are in two runs too; the shards of one split never share", "a case in two runs")

    doctored("s3.db", "stopped.db", "UPDATE runs SET status='interrupted', finished=NULL")
    refused([s1, s2, store("stopped.db")], r"stopped\.db \(run 1\), shard 3 of 3, was interrupted; finish it "
            r"first with specc test --resume 1 --store .*stopped\.db .*--allow-incomplete", "an interrupted shard")
    first = "(key, sample) IN (SELECT key, sample FROM cases ORDER BY key, sample LIMIT 1)"
    doctored("s3.db", "open.db", "UPDATE runs SET status='incomplete', finished=NULL",
             *["DELETE FROM %s WHERE %s" % (t, first) for t in reversed(RUN_TABLES)])
    refused([s1, s2, store("open.db")], r"open\.db \(run 1\), shard 3 of 3, is incomplete", "an incomplete shard")
    r = specc("merge", "--allow-incomplete", s1, s2, store("open.db"))
    m = re.search(r"into run (\d+) of", r.out)
    C.check(r.rc == 0 and m and "is incomplete" in r.err, "--allow-incomplete merges it, and says so", r)
    if m:
        mr = sql(project_db(), "SELECT * FROM runs WHERE id=?", int(m.group(1)))[0]
        C.check(mr["status"] == "incomplete" and mr["finished"] is None and mr["total"] == 40,
                "--allow-incomplete: the merged run is incomplete, its total still the suite's", mr)
        n = sql(project_db(), "SELECT COUNT(*) AS n FROM cases WHERE run=?", int(m.group(1)))[0]["n"]
        C.eq(n, 39, "--allow-incomplete: it holds the cases the shards have")

    # A copy that fails half-way (rows of a case the store does not have)
    # rolls back what was copied before it.
    doctored("s3.db", "orphans.db", "DELETE FROM cases WHERE " + first)
    counts = {t: sql(project_db(), "SELECT COUNT(*) AS n FROM %s" % t)[0]["n"] for t in RUN_TABLES + ("responses",)}
    refused([s1, s2, store("orphans.db")], r"cannot copy the \w+ of .*orphans\.db \(run 1\): FOREIGN KEY",
            "a copy that fails half-way")
    C.eq({t: sql(project_db(), "SELECT COUNT(*) AS n FROM %s" % t)[0]["n"] for t in counts}, counts,
         "refused: a copy that fails half-way: no row of the shards copied before it is left")

    refused([store("full.db"), s2, s3], r"full\.db holds no shard run \(specc test --shard I/N makes them\)",
            "a store with no shard run")
    refused([store("full.db") + ":1", s2, s3], r"full\.db \(run 1\) is not a shard run: it ran the whole suite",
            "a run that is not a shard")
    refused([s1 + ":9", s2, s3], r"s1\.db has no run 9", "no such run")
    with open(os.path.join(TMP, "notes.txt"), "w") as f:
        f.write("not a database at all, just some words that go on for a while to fill a page\n" * 20)
    refused([os.path.join(TMP, "notes.txt"), s2, s3], r"cannot read .*notes\.txt: file is not a database",
            "a file that is not a database")
    empty = os.path.join(TMP, "empty.db")
    sqlite3.connect(empty).close()
    refused([empty, s2, s3], r"empty\.db is not a specc store", "a database that is not a store")

    # A refused merge into a store that did not exist leaves none behind.
    fresh = os.path.join(TMP, "fresh")
    os.makedirs(fresh)
    r = specc("merge", "--into", fresh, s1, s3)
    C.check(r.rc == 2 and os.listdir(fresh) == [], "refused: a store made for the merge is removed again",
            (r, os.listdir(fresh)))
    r = specc("merge", "--into", fresh, s1, s2, s3)
    C.check(r.rc == 0 and os.path.exists(os.path.join(fresh, ".specc", "specc.db")),
            "--into: a folder without a store gets one", r)


def test_usage():
    r = specc("merge", "--help")
    C.check(r.rc == 0 and r.out.startswith("usage: specc merge [options] SOURCE...") and "--into PATH" in r.out
            and "--allow-incomplete" in r.out, "usage: --help", r)
    r = specc("help", "merge")
    C.check(r.rc == 0 and "usage: specc merge" in r.out, "usage: specc help merge", r)
    r = specc("merge")
    C.check(r.rc == 2 and "name the stores" in r.err, "usage: no source", r)
    r = specc("merge", "--bogus", "x.db")
    C.check(r.rc == 2 and "unknown or incomplete option --bogus" in r.err, "usage: an unknown option", r)
    r = specc("merge", store("nope.db"))
    C.check(r.rc == 2 and "cannot read" in r.err and "nope.db" in r.err, "usage: no such file", r)
    r = specc("merge", store("s1.db") + ":x")
    C.check(r.rc == 2 and "FILE:RUN takes a run number" in r.err, "usage: FILE:RUN with no number", r)
    r = specc("merge", ":0")
    C.check(r.rc == 2 and ":RUN names a run" in r.err, "usage: :0", r)
    r = specc("merge", "--into", os.path.join(TMP, "no-such-folder"), store("s1.db"))
    C.check(r.rc == 2 and "no such folder" in r.err, "usage: --into a folder that does not exist", r)


if __name__ == "__main__":
    main()
