#!/usr/bin/env python3
"""specc test against scripted server faults, and its exit codes.

Every fault the test server can script ends as a retried success or a
recorded error (status "errored" with a message saying what happened, in
the JSON report and in the store): never a crash, never a hang.  Also:
Retry-After is honoured, 429s under 64 requests in flight are retried,
the circuit breaker stops a run against a dead endpoint, and the exit
status is 0/1/2/3 as documented.

Usage: test_faults.py SPECC TESTSERVER
"""
import os
import re
import sys

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import (binaries, cleanup, SLOW, Checks, Server, cases_by_key, item, openai_provider, query,  # noqa: E402
                         run, tempdir, write_project)

SPECC, TESTSERVER = binaries()
C = Checks("eval-faults")
TMP = tempdir("faults")

# A fault that passes: (marker, attempts the case takes).  The hang case
# needs the provider's 1 s timeout to give up on the first attempt.
TRANSIENT = {
    "r429": ("[[fault:429:1:0]]", 2),
    "r500": ("[[fault:500:2]]", 3),
    "r503": ("[[fault:503:1]]", 2),
    "slow": ("[[fault:slow:1:300]]", 1),
    # libcurl itself resends a request whose reused connection closed
    # without a byte, so a drop costs 1 or 2 attempts of specc's.
    "drop": ("[[fault:drop:1]]", (1, 2)),
    "trunc": ("[[fault:truncate:1]]", 2),
    "malformed": ("[[fault:malformed:1]]", 2),
    "empty": ("[[fault:empty:1]]", 2),
    "hang": ("[[fault:hang:1]]", 2),
}
# A fault on every attempt: (marker, what the recorded error must say).
PERMANENT = {
    "p429": ("[[fault:429:*:0]]", r"HTTP 429.*Rate limit"),
    "p500": ("[[fault:500:*]]", r"HTTP 500.*server had an error"),
    "p503": ("[[fault:503:*]]", r"HTTP 503.*overloaded"),
    "pdrop": ("[[fault:drop:*]]", r"(?i)empty reply|connection|closed|recv"),
    "ptrunc": ("[[fault:truncate:*]]", r"(?i)transfer closed|remaining|partial"),
    "pmalformed": ("[[fault:malformed:*]]", r"not JSON"),
    "pempty": ("[[fault:empty:*]]", r"no choices"),
    "phang": ("[[fault:hang:*]]", r"(?i)timed out|timeout"),
}
RETRIES = 2


def fault_items(table):
    return [item("reply: fine %s\n%s" % (name, marker), ['contains: "fine"'], title=name)
            for name, (marker, _) in table.items()]


def test_faults(srv):
    root = os.path.join(TMP, "faults")
    write_project(root, {"tran": fault_items(TRANSIENT), "perm": fault_items(PERMANENT)},
                  openai_provider("local", srv.url, timeout=1, retries=RETRIES))
    r = run(SPECC, ["test", "--format", "json", "--no-progress", root], timeout=120)
    C.check(r.rc == 3, "faults: errored cases above --max-errors 0 exit 3", r)
    C.check("Traceback" not in r.err and "Sanitizer" not in r.err, "faults: no crash report", r.err)
    try:
        rep = r.json()
    except ValueError as e:
        C.check(False, "faults: --format json output parses", "%s: %r" % (e, r.out[:500]))
        return
    cases = cases_by_key(rep)
    C.eq(len(cases), len(TRANSIENT) + len(PERMANENT), "faults: every case is reported")
    C.eq(rep["run"]["status"], "finished", "faults: the run is finished")
    C.eq(rep["totals"]["errored"], len(PERMANENT), "faults: totals count the errored cases")
    C.eq(rep["totals"]["passed"], len(TRANSIENT), "faults: totals count the passed cases")
    for n, name in enumerate(TRANSIENT, 1):
        c = cases.get(("tran/%d" % n, 0), {})
        want = TRANSIENT[name][1]
        want = want if isinstance(want, tuple) else (want,)
        C.check(c.get("status") == "passed" and c.get("answer") == "fine " + name,
                "faults: %s is retried to success" % name, c)
        C.check(c.get("attempts") in want, "faults: %s takes %s attempt(s)" % (name, " or ".join(map(str, want))),
                c.get("attempts"))
    for n, name in enumerate(PERMANENT, 1):
        c = cases.get(("perm/%d" % n, 0), {})
        pat = PERMANENT[name][1]
        C.check(c.get("status") == "errored" and c.get("answer") is None,
                "faults: %s ends errored without an answer" % name, c)
        C.check(re.search(pat, c.get("error") or ""), "faults: %s error says /%s/" % (name, pat),
                c.get("error"))
        C.eq(c.get("attempts"), RETRIES + 1, "faults: %s gives up after 1+%d attempts" % (name, RETRIES))
    # The store holds what the report says.
    rows = {row["key"]: row for row in query(root, "SELECT * FROM cases WHERE run=?", rep["run"]["id"])}
    C.eq(len(rows), len(cases), "faults: the store holds every case once")
    C.check(all(rows[k]["status"] == "errored" and rows[k]["error"] for k in rows if k.startswith("perm/")),
            "faults: the store records errored cases with their error", rows)
    C.check(all(rows[k]["status"] == "passed" and rows[k]["error"] is None
                for k in rows if k.startswith("tran/")),
            "faults: the store records passed cases without error")
    C.eq(query(root, "SELECT status FROM runs")[0]["status"], "finished", "faults: run status finished in the store")
    # An errored case is not cached: asking again asks the server again.
    before = srv.stats()["requests"]
    r2 = run(SPECC, ["test", "--format", "json", "--no-progress", "--clause", "perm", root], timeout=120)
    after = srv.stats()["requests"]
    # The server may see fewer requests than specc made attempts: an
    # attempt sent on a connection the server had just dropped dies on the
    # way, so at least one request per case is what "asks again" means.
    cached2 = [c["key"] for c in r2.json()["cases"] if c["cached"]] if r2.rc == 3 else None
    C.check(r2.rc == 3 and after - before >= len(PERMANENT) and cached2 == [],
            "faults: errored answers are not cached (a new run asks again)", (r2.rc, after - before, cached2))
    # The human report lists the errored cases with their errors.
    r3 = run(SPECC, ["runs", "show", "last", root])
    C.check(r3.rc == 0 and "errored perm/1" in r3.out and "HTTP 429" in r3.out,
            "faults: the human report lists errored cases and why", r3)
    # --max-errors N lets N errored cases through.
    r4 = run(SPECC, ["test", "--no-progress", "--max-errors", str(len(PERMANENT)), "--clause", "perm",
                     root], timeout=120)
    C.eq(r4.rc, 0, "faults: --max-errors 8 with 8 errored cases exits 0")
    r5 = run(SPECC, ["test", "--no-progress", "--max-errors", str(len(PERMANENT) - 1), "--clause",
                     "perm", root], timeout=120)
    C.eq(r5.rc, 3, "faults: --max-errors 7 with 8 errored cases exits 3")
    C.check("got no answer" in r5.err and "--resume" in r5.err, "faults: exit 3 says why and how to resume", r5.err)


def test_retry_after(srv):
    root = os.path.join(TMP, "retry-after")
    write_project(root, {"ra01": [item("reply: waited\n[[fault:429:1:1]]", ['contains: "waited"'])],
                         "ra02": [item("reply: waited twice\n[[fault:429:2:1]]", ['contains: "waited"'])]},
                  openai_provider("local", srv.url, retries=3))
    r = run(SPECC, ["test", "--format", "json", "--no-progress", "--clause", "ra01", root])
    C.eq(r.rc, 0, "retry-after: a 429 then success exits 0")
    C.check(r.elapsed >= 1.0, "retry-after: Retry-After: 1 makes the case take >= 1 s", r.elapsed)
    lat = query(root, "SELECT latency_ms, attempts FROM cases")
    C.check(lat and lat[0]["latency_ms"] >= 1000 and lat[0]["attempts"] == 2,
            "retry-after: stored latency >= 1000 ms over 2 attempts", lat)
    r = run(SPECC, ["test", "--format", "json", "--no-progress", "--clause", "ra02", root])
    C.check(r.rc == 0 and r.elapsed >= 2.0, "retry-after: two 429s with Retry-After: 1 take >= 2 s",
            (r.rc, r.elapsed))


def test_hang_bounded(srv):
    """A server that never answers costs timeout x attempts, not forever."""
    root = os.path.join(TMP, "hang")
    write_project(root, {"hg01": [item("reply: x\n[[fault:hang:*]]")] * 1},
                  openai_provider("local", srv.url, timeout=0.5, retries=1))
    r = run(SPECC, ["test", "--format", "json", "--no-progress", root], timeout=30)
    C.check(r.rc == 3 and r.elapsed < 10 * SLOW, "hang: timeout 0.5 x 2 attempts ends the case (exit 3)", r)
    if r.rc == 3:
        c = r.json()["cases"][0]
        C.check(c["status"] == "errored" and c["attempts"] == 2, "hang: recorded errored after 2 attempts", c)


def test_breaker(srv):
    """An endpoint that fails everything stops the run (exit 3), and the
    stop is resumable."""
    root = os.path.join(TMP, "breaker")
    write_project(root, {"br01": [item("reply: %d\n[[fault:500:*]]" % i) for i in range(40)]},
                  openai_provider("local", srv.url, retries=0), extra="test:\n  concurrency: 1\n")
    r = run(SPECC, ["test", "--format", "json", "--no-progress", root])
    C.eq(r.rc, 3, "breaker: a run where every case errors exits 3")
    C.check("in a row" in r.err, "breaker: stderr says the run stopped after errors in a row", r.err)
    n = query(root, "SELECT COUNT(*) AS n FROM cases")[0]["n"]
    C.check(20 <= n < 40, "breaker: the run stopped early (%d of 40 cases stored)" % n, n)
    st = query(root, "SELECT status FROM runs")[0]["status"]
    C.eq(st, "interrupted", "breaker: the stopped run is marked interrupted")


def test_exit_codes(srv):
    root = os.path.join(TMP, "exit")
    prov = openai_provider("local", srv.url) + openai_provider("other", srv.url, model="m2")
    write_project(root, {"ok01": [item("reply: yes", ['contains: "yes"'])],
                         "bad1": [item("reply: no", ['contains: "yes"'])],
                         "rub1": [item("reply: hm", ['rubric: "Says hm."'])]},
                  prov, extra="test:\n  provider: local\n")
    r = run(SPECC, ["test", "--no-progress", "--clause", "ok01", root])
    C.eq(r.rc, 0, "exit: every case passed exits 0")
    r = run(SPECC, ["test", "--no-progress", "--clause", "ok01,bad1", root])
    C.eq(r.rc, 1, "exit: a failing expect exits 1")
    r = run(SPECC, ["test", "--no-progress", "--clause", "ok01,bad1", "--min-pass-rate", "0.5", root])
    C.eq(r.rc, 0, "exit: --min-pass-rate 0.5 with half passing exits 0")
    r = run(SPECC, ["test", "--no-progress", "--clause", "rub1", root])
    C.eq(r.rc, 0, "exit: needs-grader cases alone exit 0")
    # test.min-pass-rate and test.max-errors in specc.yaml, and the flags
    # that override them.
    yroot = os.path.join(TMP, "exit-yaml")
    write_project(yroot, {"ok01": [item("reply: yes", ['contains: "yes"'])],
                          "bad1": [item("reply: no", ['contains: "yes"'])],
                          "err1": [item("x\n[[fault:500:*]]")]},
                  openai_provider("local", srv.url, retries=0),
                  extra="test:\n  min-pass-rate: 0.5\n  max-errors: 1\n")
    r = run(SPECC, ["test", "--no-progress", yroot])
    C.eq(r.rc, 0, "exit: test.min-pass-rate 0.5 and test.max-errors 1 let 1 failure and 1 error pass")
    r = run(SPECC, ["test", "--no-progress", "--min-pass-rate", "1", yroot])
    C.eq(r.rc, 1, "exit: --min-pass-rate 1 overrides test.min-pass-rate")
    r = run(SPECC, ["test", "--no-progress", "--max-errors", "0", yroot])
    C.eq(r.rc, 3, "exit: --max-errors 0 overrides test.max-errors")
    usage = [
        (["--provider", "nosuch"], "unknown provider", "nosuch"),
        (["--shard", "0/2"], "--shard 0/2", "--shard"),
        (["--shard", "3/2"], "--shard 3/2", "--shard"),
        (["--shard", "1/2x"], "--shard 1/2x", "--shard"),
        (["--shard", "x"], "--shard x", "--shard"),
        (["--repeat", "0"], "--repeat 0", "--repeat"),
        (["--concurrency", "0"], "--concurrency 0", "--concurrency"),
        (["--format", "xml"], "--format xml", "format"),
        (["--max-errors", "-1"], "--max-errors -1", "--max-errors"),
        (["--min-pass-rate", "2"], "--min-pass-rate 2", "--min-pass-rate"),
        (["--base-url", "ftp://x"], "--base-url ftp://", "--base-url"),
        (["--resume", "last", "--repeat", "2"], "--resume with --repeat", "--resume"),
        (["--resume", "99"], "--resume of a run that does not exist", "99"),
        (["--resume", "abc"], "--resume abc", "abc"),
        (["--bogus"], "an unknown option", "--bogus"),
    ]
    for args, what, needle in usage:
        before = srv.stats()["requests"]
        r = run(SPECC, ["test", "--no-progress", *args, root])
        C.check(r.rc == 2 and needle in r.err, "exit: %s exits 2 and names it" % what, r)
        C.eq(srv.stats()["requests"] - before, 0, "exit: %s asks nothing" % what)
    # Configuration errors in specc.yaml: exit 2, a diagnostic at the line.
    bad_configs = {
        "no api key": (openai_provider("local", srv.url, api_key_env="SPECC_EVAL_UNSET_KEY"),
                       "SPECC_EVAL_UNSET_KEY"),
        "negative timeout": (openai_provider("local", srv.url, timeout=-1), "timeout"),
        "zero timeout": (openai_provider("local", srv.url, timeout=0), "timeout"),
        "retries not a number": (openai_provider("local", srv.url, retries="many"), "retries"),
        "negative backoff": (openai_provider("local", srv.url, backoff=-0.5), "backoff"),
        "unknown kind": ("  local:\n    kind: grpc\n    model: m\n", "kind"),
        "no kind": ("  local:\n    model: m\n", "kind"),
        "openai without model": ("  local:\n    kind: openai\n    base-url: %s\n" % srv.url, "model"),
        "bad base-url": (openai_provider("local", "ftp://127.0.0.1/v1"), "base-url"),
        "exec without command": ("  local:\n    kind: exec\n", "command"),
        "replay without file": ("  local:\n    kind: replay\n", "file"),
        "authorization header": (openai_provider("local", srv.url) +
                                 "    headers:\n      Authorization: Bearer sk-x\n", "Authorization"),
        "temperature 5": (openai_provider("local", srv.url, temperature=5), "temperature"),
        "test.provider unknown": (openai_provider("local", srv.url) + "test:\n  provider: nope\n", "nope"),
        "test.concurrency 0": (openai_provider("local", srv.url) + "test:\n  concurrency: 0\n", "concurrency"),
    }
    for what, (prov, needle) in bad_configs.items():
        croot = os.path.join(TMP, "config-" + re.sub(r"\W+", "-", what))
        write_project(croot, {"ok01": [item("reply: yes", ['contains: "yes"'])]}, prov)
        before = srv.stats()["requests"]
        r = run(SPECC, ["test", "--no-progress", croot], env={"SPECC_EVAL_UNSET_KEY": None})
        C.check(r.rc == 2 and needle in r.err, "config: %s exits 2 and names %s" % (what, needle), r)
        C.check("specc.yaml:" in r.err or what == "no api key",
                "config: %s is reported at specc.yaml:LINE" % what, r.err)
        C.eq(srv.stats()["requests"] - before, 0, "config: %s asks nothing" % what)
    # Two providers and no test.provider: the choice is the user's.
    croot = os.path.join(TMP, "config-two")
    write_project(croot, {"ok01": [item("reply: yes")]},
                  openai_provider("local", srv.url) + openai_provider("other", srv.url, model="m2"))
    r = run(SPECC, ["test", "--no-progress", croot])
    C.check(r.rc == 2 and "--provider" in r.err, "config: two providers without a default exit 2", r)
    r = run(SPECC, ["test", "--no-progress", "--provider", "other", croot])
    C.eq(r.rc, 0, "config: --provider picks one of two")


def test_concurrency(srv):
    """64 requests in flight, half of them answered 429 twice first."""
    root = os.path.join(TMP, "conc")
    items = [item("reply: c%d\n%s" % (i, "[[fault:429:2:0]]" if i % 2 else ""), ['contains: "c"'])
             for i in range(200)]
    write_project(root, {"cc01": items[:100], "cc02": items[100:]},
                  openai_provider("local", srv.url, retries=4))
    srv.reset()
    r = run(SPECC, ["test", "-j", "64", "--format", "json", "--no-progress", root], timeout=120)
    C.eq(r.rc, 0, "concurrency: 200 cases at -j 64 with 200 scripted 429s all pass")
    st = srv.stats()
    C.eq(st["by_status"].get("429"), 200, "concurrency: the server answered 429 200 times")
    C.eq(st["completions"], 200, "concurrency: each case got exactly one completion")
    if r.rc == 0:
        rep = r.json()
        att = sorted({(int(c["key"].split("/")[1]) + (100 if c["key"].startswith("cc02") else 0) - 1,
                       c["attempts"]) for c in rep["cases"]})
        C.check(all(a == (3 if i % 2 else 1) for i, a in att),
                "concurrency: faulted cases took 3 attempts, the others 1", att[:10])
    C.eq(query(root, "SELECT COUNT(*) AS n FROM cases")[0]["n"], 200, "concurrency: 200 cases stored")


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_transport(srv):
    """Errors that are not scripted faults: refused connections, 404,
    a Retry-After too long to wait for, an unusable store."""
    root = os.path.join(TMP, "transport")
    dead = "http://127.0.0.1:%d/v1" % free_port()
    provs = (openai_provider("dead", dead, retries=2) +
             openai_provider("wrongpath", "http://127.0.0.1:%d/v9" % srv.port, retries=3) +
             openai_provider("local", srv.url, retries=3))
    write_project(root, {"tr01": [item("reply: hi", ['contains: "hi"'])],
                         "tr02": [item("reply: later\n[[fault:429:1:301]]")]}, provs)
    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "dead", "--clause", "tr01", root])
    c = r.json()["cases"][0] if r.rc == 3 else {}
    C.check(r.rc == 3 and c.get("status") == "errored" and c.get("attempts") == 3,
            "transport: a refused connection is retried, then errored (exit 3)", r)
    C.check(re.search(r"(?i)connect|refused", c.get("error") or ""), "transport: the error says it could not connect",
            c.get("error"))
    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "wrongpath", "--clause", "tr01", root])
    c = r.json()["cases"][0] if r.rc == 3 else {}
    C.check(r.rc == 3 and "HTTP 404" in (c.get("error") or "") and c.get("attempts") == 1,
            "transport: HTTP 404 is errored at once, not retried", r)
    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "local", "--clause", "tr02", root])
    c = r.json()["cases"][0] if r.rc == 3 else {}
    C.check(r.rc == 3 and r.elapsed < 30 * SLOW and "301" in (c.get("error") or "") and c.get("attempts") == 1,
            "transport: Retry-After above 300 s gives the case up at once", r)
    # --base-url overrides the provider's endpoint for one run.
    r = run(SPECC, ["test", "--no-progress", "--provider", "dead", "--base-url", srv.url, "--clause", "tr01", root])
    C.eq(r.rc, 0, "transport: --base-url points a provider elsewhere")
    # A store that cannot be opened: exit 2, nothing asked.
    b = srv.stats()["requests"]
    for what, store in (("a folder", root), ("a path under a file", os.path.join(root, "spec.md", "x.db")),
                        ("two missing folders", os.path.join(TMP, "no", "such", "x.db"))):
        r = run(SPECC, ["test", "--no-progress", "--provider", "local", "--store", store, root])
        C.check(r.rc == 2 and ("store" in r.err or "cannot" in r.err), "store: %s as --store exits 2 with a message"
                % what, r)
    C.eq(srv.stats()["requests"] - b, 0, "store: nothing asked without a store")


def test_resume_errored(srv):
    """--resume asks errored cases again and replaces them."""
    root = os.path.join(TMP, "resume-errored")
    write_project(root, {"re01": [item("reply: ok", ['contains: "ok"']),
                                  item("reply: third time\n[[fault:500:2]]", ['contains: "third"'])]},
                  openai_provider("local", srv.url, retries=0))
    r = run(SPECC, ["test", "--no-progress", root])
    C.eq(r.rc, 3, "resume-errored: the first try errors (exit 3)")
    b = srv.stats()["requests"]
    r = run(SPECC, ["test", "--no-progress", "--resume", "last", root])
    C.check(r.rc == 3 and srv.stats()["requests"] - b == 1, "resume-errored: --resume asks only the errored case",
            (r, srv.stats()["requests"] - b))
    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--resume", "last", root])
    C.eq(r.rc, 0, "resume-errored: the third try passes, and so does the run")
    rows = query(root, "SELECT key, status, attempts FROM cases ORDER BY key")
    C.eq([(x["key"], x["status"]) for x in rows], [("re01/1", "passed"), ("re01/2", "passed")],
         "resume-errored: the errored case is replaced, not stored twice")
    C.eq(len(query(root, "SELECT id FROM runs")), 1, "resume-errored: still one run")
    # Resuming refuses when what decides the answers changed.
    r = run(SPECC, ["test", "--no-progress", "--resume", "last", "--model", "another", root])
    C.check(r.rc == 2 and "changed" in r.err, "resume-errored: --resume with another model exits 2", r)
    with open(os.path.join(root, "evals", "re01.md"), "a") as f:
        f.write("\n**Example**: new\n\n~~~xml\n<user>\nreply: new\n</user>\n~~~\n")
    r = run(SPECC, ["test", "--no-progress", "--resume", "last", root])
    C.check(r.rc == 2 and "changed" in r.err, "resume-errored: --resume after an eval file changed exits 2", r)


def test_interrupt_while_waiting(srv):
    """Ctrl-C during a long Retry-After wait and during a hung request
    stops at once; the cases stay unstored for --resume."""
    import signal
    import subprocess
    import time
    from evalharness import specc_cmd
    root = os.path.join(TMP, "int-wait")
    write_project(root, {"iw01": [item("reply: later\n[[fault:429:1:60]]"), item("reply: never\n[[fault:hang:*]]")]},
                  openai_provider("local", srv.url, timeout=100))
    p = subprocess.Popen(specc_cmd(SPECC, "test", "--no-progress", root), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    before = srv.stats()["requests"]
    deadline = time.monotonic() + 20 * SLOW
    while time.monotonic() < deadline and srv.stats()["requests"] - before < 2:
        time.sleep(0.02)
    time.sleep(0.2)
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=20 * SLOW)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    C.eq(p.returncode, 130, "interrupt: Ctrl-C while waiting out Retry-After: 60 exits 130")
    C.check(time.monotonic() - t0 < 3 * SLOW, "interrupt: ...within moments (%.2f s), not after the wait"
            % (time.monotonic() - t0))
    C.eq(query(root, "SELECT COUNT(*) AS n FROM cases")[0]["n"], 0, "interrupt: the waiting cases are not stored")


def test_parallel_shards(srv):
    """Three shards at once on one store (one CI machine, three jobs)."""
    import subprocess
    from evalharness import specc_cmd
    root = os.path.join(TMP, "par")
    write_project(root, {"pa%02d" % c: [item("reply: p%d-%d\n[[fault:slow:1:20]]" % (c, i), ['contains: "p"'])
                                        for i in range(15)] for c in range(4)},
                  openai_provider("local", srv.url), extra="test:\n  concurrency: 2\n")
    procs = [subprocess.Popen(specc_cmd(SPECC, "test", "--no-progress", "--shard", "%d/3" % i, root),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in (1, 2, 3)]
    res = []
    for p in procs:
        try:
            out, err = p.communicate(timeout=60 * SLOW)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        res.append((p.returncode, err))
    C.check(all(rc == 0 for rc, _ in res), "parallel: three shards running at once on one store all pass", res)
    rows = query(root, "SELECT key, COUNT(*) AS n FROM cases GROUP BY key")
    C.check(len(rows) == 60 and all(x["n"] == 1 for x in rows), "parallel: the 60 cases are stored once each",
            len(rows))
    C.eq(len(query(root, "SELECT id FROM runs WHERE status='finished'")), 3, "parallel: three finished runs")


def main():
    srv = Server(TESTSERVER)
    try:
        test_faults(srv)
        test_retry_after(srv)
        test_hang_bounded(srv)
        test_breaker(srv)
        test_exit_codes(srv)
        test_concurrency(srv)
        test_transport(srv)
        test_resume_errored(srv)
        test_interrupt_while_waiting(srv)
        test_parallel_shards(srv)
    finally:
        srv.stop()
        cleanup(TMP)
    C.finish()


if __name__ == "__main__":
    main()
