#!/usr/bin/env python3
"""specc test survives kill -9 and Ctrl-C: --resume finishes the run.

A project of 200 cases answered slowly (the server delays every answer)
is started, killed with SIGKILL at several points, and resumed until it
finishes.  Then the store must hold every case exactly once, and the
report must equal that of an uninterrupted run of the same project.
SIGINT must stop a run with exit 130 and status "interrupted".

Usage: test_resume.py SPECC TESTSERVER
"""
import json
import os
import signal
import subprocess
import sys
import time

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import (binaries, cleanup, note_stderr, SLOW, Checks, Server, item, openai_provider, query, run, specc_cmd,  # noqa: E402
                         tempdir, write_project)

SPECC, TESTSERVER = binaries()
C = Checks("eval-resume")
TMP = tempdir("resume")
CLAUSES = 10
PER_CLAUSE = 20
TOTAL = CLAUSES * PER_CLAUSE
# Fields that depend on timing, not on the answers.
TIMING = {"attempts", "cached", "latency_ms"}


def clauses():
    """200 items: most echo, some fail their expect, some are retried
    once (500) before they pass, some carry a slow answer."""
    out = {}
    for c in range(CLAUSES):
        items = []
        for i in range(PER_CLAUSE):
            n = c * PER_CLAUSE + i
            if n % 10 == 3:
                items.append(item("reply: no %d" % n, ['contains: "yes"']))
            elif n % 10 == 5:
                items.append(item("reply: yes %d\n[[fault:500:1]]" % n, ['contains: "yes"']))
            elif n % 10 == 7:
                items.append(item("reply: yes %d\n[[fault:slow:1:50]]" % n, ['contains: "yes"']))
            else:
                items.append(item("question %d: yes?" % n, ['contains: "yes"']))
        out["rs%02d" % c] = items
    return out


def make(name, srv):
    root = os.path.join(TMP, name)
    write_project(root, clauses(), openai_provider("local", srv.url, retries=3),
                  extra="test:\n  concurrency: 4\n")
    return root


def report(root, run_id="last"):
    """The run's cases from specc runs show --format json, timing removed."""
    r = run(SPECC, ["runs", "show", str(run_id), "--format", "json", "."], cwd=root)
    if r.rc != 0:
        return None, r
    rep = json.loads(r.out)
    cases = [{k: v for k, v in c.items() if k not in TIMING} for c in rep["cases"]]
    return (rep, cases), r


def totals(rep):
    """A report's totals without the failed attempts: the server's fault
    counters are shared by every project of this script, so how many
    attempts failed depends on which run asked first, not on the answers."""
    return {k: v for k, v in rep["totals"].items() if k != "failed_attempts"}


def start(root, resume):
    args = ["test", "--no-progress", "--format", "json"]
    if resume:
        args += ["--resume", "last"]
    e = dict(os.environ, NO_COLOR="1")
    return subprocess.Popen(specc_cmd(SPECC, *args, "."), cwd=root, env=e, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def have_run(root):
    if not os.path.exists(os.path.join(root, ".specc", "specc.db")):
        return False
    try:
        return bool(query(root, "SELECT id FROM runs"))
    except Exception:
        return False


def stored(root):
    try:
        return query(root, "SELECT COUNT(*) AS n FROM cases")[0]["n"] if have_run(root) else 0
    except Exception:
        return 0


# A kill point is a time after the start (seconds; stretched 3x under a
# wrapper, where start-up alone takes a second) or ("cases", N): when N
# more cases are stored than before this process started.  Progress
# points land mid-run however slow the machine is.
KILL_SLOW = 3.0 if SLOW > 1 else 1.0


def kill_and_resume(root, kill_after, sig=signal.SIGKILL):
    """Starts (or resumes) the run and sends sig at each kill point in
    kill_after; then resumes until the run finishes.  Returns the exit
    codes of the killed processes and of the resumes."""
    codes = []
    for point in kill_after:
        base = stored(root)
        p = start(root, have_run(root))
        t0 = time.monotonic()
        if isinstance(point, tuple):
            deadline = t0 + 60 * SLOW
            while p.poll() is None and time.monotonic() < deadline and stored(root) < base + point[1]:
                time.sleep(0.005)
            if p.poll() is None:
                p.send_signal(sig)
        else:
            try:
                p.wait(point * KILL_SLOW)
            except subprocess.TimeoutExpired:
                p.send_signal(sig)
        at = time.monotonic() - t0
        try:
            _, err = p.communicate(timeout=30 * SLOW)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
        note_stderr(["test", "(signalled)"], err)
        codes.append(p.returncode)
        print("     (signal %d at %s, %.2f s: exit %s, %d of %d cases stored)"
              % (sig, point, at, p.returncode, stored(root), TOTAL), flush=True)
    finals = []
    for _ in range(5):
        r = run(SPECC, ["test", "--no-progress", "--format", "json", "--resume", "last", "."], cwd=root,
                timeout=120)
        finals.append(r.rc)
        if r.rc in (0, 1, "timeout") or r.rc not in (3,):
            break
    return codes, finals


def check_store(root, what):
    rows = query(root, "SELECT run, key, sample, COUNT(*) AS n FROM cases GROUP BY run, key, sample")
    runs = query(root, "SELECT id, status, total, finished FROM runs")
    C.eq(len(runs), 1, "%s: one run in the store" % what)
    C.eq(len(rows), TOTAL, "%s: %d distinct cases stored" % (what, TOTAL))
    C.check(all(r["n"] == 1 for r in rows), "%s: no case stored twice" % what)
    want = {("rs%02d/%d" % (c, i), 0) for c in range(CLAUSES) for i in range(1, PER_CLAUSE + 1)}
    got = {(r["key"], r["sample"]) for r in rows}
    C.check(got == want, "%s: no case missing, none extra" % what,
            "missing %s, extra %s" % (sorted(want - got)[:5], sorted(got - want)[:5]))
    if runs:
        C.eq(runs[0]["status"], "finished", "%s: the run is finished" % what)
        C.eq(runs[0]["total"], TOTAL, "%s: the run's total is %d" % (what, TOTAL))
        C.check(runs[0]["finished"], "%s: the run has a finish time" % what, runs[0])
    nchecks = query(root, "SELECT COUNT(*) AS n FROM checks")[0]["n"]
    C.eq(nchecks, TOTAL, "%s: one check row per case (no leftovers of killed attempts)" % what)
    orphans = query(root, "SELECT COUNT(*) AS n FROM checks k WHERE NOT EXISTS (SELECT 1 FROM cases c "
                          "WHERE c.run=k.run AND c.key=k.key AND c.sample=k.sample)")[0]["n"]
    C.eq(orphans, 0, "%s: no check without its case" % what)
    errored = query(root, "SELECT COUNT(*) AS n FROM cases WHERE status='errored'")[0]["n"]
    C.eq(errored, 0, "%s: no case left errored" % what)
    integrity = query(root, "PRAGMA integrity_check")
    C.check(integrity and list(integrity[0].values())[0] == "ok", "%s: the database is intact" % what,
            integrity)


def main():
    srv = Server(TESTSERVER, "--delay-ms", "40")
    try:
        # The reference: one uninterrupted run.
        ref_root = make("reference", srv)
        r = run(SPECC, ["test", "--no-progress", "--format", "json", "."], cwd=ref_root, timeout=120)
        C.eq(r.rc, 1, "reference: the uninterrupted run ends with failures (exit 1)")
        C.check(r.elapsed > 1.0, "reference: the run takes a while (%.1f s) so kills land mid-run" % r.elapsed)
        check_store(ref_root, "reference")
        ref, rr = report(ref_root)
        C.check(ref is not None, "reference: specc runs show last --format json works", rr)
        if ref is None:
            return
        ref_cases = ref[1]
        C.eq(sum(1 for c in ref_cases if c["status"] == "failed"), TOTAL // 10,
             "reference: every tenth case fails its expect")

        scenarios = [
            ("kill-0.3-1-0.6", [0.3, 1.0, 0.6]),
            ("kill-every-40", [("cases", 40)] * 4),
            ("kill-early", [0.05, 0.15, 0.25, ("cases", 1), ("cases", 60)]),
        ]
        for name, delays in scenarios:
            root = make(name, srv)
            codes, finals = kill_and_resume(root, delays)
            C.check(all(c in (-signal.SIGKILL, 0, 1) for c in codes),
                    "%s: killed runs died of SIGKILL (or had finished)" % name, codes)
            C.check(finals and finals[-1] == 1, "%s: --resume last finishes the run (exit 1 for the "
                    "failing tenth)" % name, (codes, finals))
            check_store(root, name)
            got, gr = report(root)
            C.check(got is not None, "%s: runs show works after resume" % name, gr)
            if got is not None:
                diff = [(a, b) for a, b in zip(ref_cases, got[1]) if a != b]
                C.check(len(got[1]) == len(ref_cases) and not diff,
                        "%s: statuses and answers equal the uninterrupted run's" % name,
                        diff[:3] or (len(got[1]), len(ref_cases)))
                C.eq(totals(got[0]), totals(ref[0]), "%s: totals equal the uninterrupted run's" % name)
            # Resuming a finished run asks nothing and changes nothing.
            before = srv.stats()["requests"]
            r = run(SPECC, ["test", "--no-progress", "--format", "json", "--resume", "last", "."], cwd=root)
            C.check(r.rc == 1 and srv.stats()["requests"] == before,
                    "%s: resuming a finished run asks nothing" % name, (r, srv.stats()["requests"] - before))
            check_store(root, name + " (resumed again)")

        # Started from the parent folder, resumed from inside the project:
        # the same paths are stored, and the report equals the reference.
        root = make("elsewhere", srv)
        e = dict(os.environ, NO_COLOR="1")
        p = subprocess.Popen(specc_cmd(SPECC, "test", "--no-progress", "elsewhere"), cwd=TMP, env=e,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60 * SLOW
        while p.poll() is None and time.monotonic() < deadline and stored(root) < 30:
            time.sleep(0.005)
        p.kill()
        p.wait()
        r = run(SPECC, ["test", "--no-progress", "--resume", "last", "."], cwd=root, timeout=120)
        C.eq(r.rc, 1, "elsewhere: resumed from inside the project, the run finishes")
        files = sorted({x["file"] for x in query(root, "SELECT DISTINCT file FROM cases")})
        C.check(files and all(f.startswith("evals/") for f in files),
                "elsewhere: files are stored relative to the project", files)
        got, gr = report(root)
        if got is not None:
            diff = [(a, b) for a, b in zip(ref_cases, got[1]) if a != b]
            C.check(len(got[1]) == len(ref_cases) and not diff,
                    "elsewhere: the report equals the uninterrupted run's", diff[:3])
        r = run(SPECC, ["runs", "show", "last", "elsewhere"], cwd=TMP)
        C.check(r.rc == 0 and "elsewhere/evals/rs00.md:" in r.out,
                "elsewhere: runs show from the parent folder shows paths under it", r)

        # A resumed run keeps the filters and --repeat it was started with.
        root = make("options", srv)
        e = dict(os.environ, NO_COLOR="1")
        p = subprocess.Popen(specc_cmd(SPECC, "test", "--no-progress", "--clause", "rs01,rs02", "--repeat", "2",
                                       "."), cwd=root, env=e, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60 * SLOW
        while p.poll() is None and time.monotonic() < deadline and stored(root) < 10:
            time.sleep(0.005)
        p.kill()
        p.wait()
        n = query(root, "SELECT COUNT(*) AS n FROM cases")[0]["n"] if have_run(root) else -1
        r = run(SPECC, ["test", "--no-progress", "--resume", "last", "."], cwd=root, timeout=120)
        rows = query(root, "SELECT key, sample FROM cases")
        keys = {x["key"].split("/")[0] for x in rows}
        C.check(r.rc == 1 and len(rows) == 80 and keys == {"rs01", "rs02"} and
                {x["sample"] for x in rows} == {0, 1},
                "options: the resumed run keeps --clause rs01,rs02 --repeat 2 (80 cases; %d before the kill)" % n,
                (r, len(rows), keys))
        C.eq([x["total"] for x in query(root, "SELECT total FROM runs")], [80], "options: one run, total 80")

        # Ctrl-C: exit 130, status interrupted, then resume finishes it.
        root = make("sigint", srv)
        e = dict(os.environ, NO_COLOR="1")
        p = subprocess.Popen(specc_cmd(SPECC, "test", "--no-progress", "."), cwd=root, env=e,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        deadline = time.monotonic() + 20 * SLOW
        # Wait until some cases are stored, so the interrupt lands mid-run.
        while time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.05)
            try:
                if have_run(root) and query(root, "SELECT COUNT(*) AS n FROM cases")[0]["n"] >= 10:
                    break
            except Exception:
                pass
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=20 * SLOW)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        note_stderr(["test", "(SIGINT)"], err)
        C.eq(p.returncode, 130, "sigint: Ctrl-C exits 130")
        C.check(time.monotonic() - t0 < 5 * SLOW, "sigint: the run stops promptly (%.2f s)" % (time.monotonic() - t0))
        C.check("--resume" in err, "sigint: stderr says how to resume", err)
        runs = query(root, "SELECT status FROM runs")
        C.check(runs and runs[0]["status"] == "interrupted", "sigint: run status is interrupted", runs)
        n = query(root, "SELECT COUNT(*) AS n FROM cases")[0]["n"]
        C.check(0 < n < TOTAL, "sigint: part of the run is stored (%d cases)" % n, n)
        r = run(SPECC, ["test", "--no-progress", "--resume", "last", "."], cwd=root, timeout=120)
        C.eq(r.rc, 1, "sigint: --resume last finishes the run")
        check_store(root, "sigint")
        got, gr = report(root)
        if got is not None:
            C.check(got[1] == ref_cases, "sigint: the resumed run reports what the uninterrupted one did")

        # SIGTERM behaves like Ctrl-C.
        root = make("sigterm", srv)
        codes, finals = kill_and_resume(root, [("cases", 50)], sig=signal.SIGTERM)
        C.check(codes and codes[0] == 130, "sigterm: SIGTERM exits 130", codes)
        C.check(finals and finals[-1] == 1, "sigterm: --resume last finishes it", finals)
        check_store(root, "sigterm")
    finally:
        srv.stop()
        cleanup(TMP)
    C.finish()


if __name__ == "__main__":
    main()
