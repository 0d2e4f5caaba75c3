#!/usr/bin/env python3
"""The exec and replay providers.

exec: a python program reads the request JSON on stdin and writes the
answer; programs that exit non-zero, die of a signal, hang past the
timeout, write nothing, write a NUL byte, or do not exist end as errored
cases with a message; a program that fails once is retried.
replay: a JSONL file of recorded answers matched by "case" (and
"sample") or by "messages"; a case without a recording is errored; a
broken file is a clear error.

Usage: test_exec_replay.py SPECC TESTSERVER
"""
import json
import os
import re
import shutil
import sys

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import (binaries, cleanup, SLOW, WRAPPER, Checks, item, query, run, tempdir,  # noqa: E402
                         write_project)

SPECC, TESTSERVER = binaries()
C = Checks("eval-exec-replay")
TMP = tempdir("exec")

PROGRAM = r'''
import json, os, sys, time, signal
mode = None
req = None
if "noread" not in sys.argv:
    req = json.loads(sys.stdin.read())
    text = req["messages"][-1]["content"]
    mode = text.split("mode: ", 1)[1].split()[0] if "mode: " in text else "echo"
else:
    mode = "noread"
if mode == "echo":
    sys.stdout.write(json.dumps(req))
elif mode == "plain":
    sys.stdout.write("plain answer for %s" % req["case"])
elif mode == "newline":
    sys.stdout.write("hello\n")
elif mode == "twonewlines":
    sys.stdout.write("hello\n\n")
elif mode == "exit3":
    sys.stderr.write("answer.py: failing on purpose\n")
    sys.exit(3)
elif mode == "signal":
    os.kill(os.getpid(), signal.SIGTERM)
elif mode == "hang":
    sys.stdout.write("partial")
    sys.stdout.flush()
    time.sleep(120)
elif mode == "nothing":
    pass
elif mode == "nul":
    sys.stdout.write("a\0b")
elif mode == "big":
    sys.stdout.write("x" * (2 << 20))
elif mode == "flaky":
    marker = os.path.join(os.environ["SPECC_EVAL_FLAKY_DIR"], req["case"].replace("/", "_"))
    if not os.path.exists(marker):
        open(marker, "w").close()
        sys.exit(1)
    sys.stdout.write("second time lucky")
elif mode == "noread":
    sys.stdout.write("did not read")
'''


def exec_provider(name, prog, timeout=10, retries=0, extra_args=(), **kw):
    cmd = [sys.executable, prog, *extra_args]
    lines = ["  %s:" % name, "    kind: exec", "    command: %s" % json.dumps(cmd),
             "    timeout: %s" % timeout, "    retries: %d" % retries, "    backoff: 0.01"]
    lines += ["    %s: %s" % (k.replace("_", "-"), v) for k, v in kw.items()]
    return "\n".join(lines) + "\n"


def test_exec():
    root = os.path.join(TMP, "exec")
    prog = os.path.join(TMP, "answer.py")
    with open(prog, "w") as f:
        f.write(PROGRAM)
    flaky = os.path.join(TMP, "flaky")
    os.makedirs(flaky)
    conv = item("what is in my plan?", system="You are the plan assistant.",
                developer="The member is signed in.")
    clauses = {
        "ex01": [conv, item("mode: plain", ['starts-with: "plain answer for ex01/2"']),
                 item("mode: newline", ['equals: "hello"']),
                 item("mode: twonewlines", ['regex: "^hello\\n$"']),
                 item("mode: big", ['min-chars: 2097152'])],
        "ex02": [item("mode: exit3"), item("mode: signal"), item("mode: nothing", ['not-contains: "x"']),
                 item("mode: nul")],
        "ex03": [item("mode: flaky", ['contains: "lucky"'])],
        "ex04": [item("mode: hang")],
    }
    provs = (exec_provider("prog", prog) + exec_provider("sysrole", prog, developer_role="system") +
             exec_provider("retrying", prog, retries=2) + exec_provider("slowpoke", prog, timeout=0.5, retries=1) +
             exec_provider("missing", os.path.join(TMP, "no-such-dir", "nope.py")) +
             "  ghost:\n    kind: exec\n    command: [/nonexistent/specc-eval-program]\n    retries: 2\n" +
             exec_provider("noread", prog, extra_args=["noread"]))
    write_project(root, clauses, provs)

    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "prog", "--clause", "ex01", root])
    C.eq(r.rc, 0, "exec: well-behaved program answers pass (exit 0)")
    cases = {c["key"]: c for c in r.json()["cases"]} if r.rc in (0, 1) else {}
    echo = cases.get("ex01/1", {}).get("answer")
    try:
        req = json.loads(echo)
    except (TypeError, ValueError):
        req = {}
    C.eq(req.get("case"), "ex01/1", "exec: the program gets the case key")
    C.eq(req.get("sample"), 0, "exec: the program gets the sample")
    C.eq(req.get("model"), "prog", "exec: the model defaults to the provider's name")
    C.eq([m["role"] for m in req.get("messages", [])], ["system", "developer", "user"],
         "exec: messages are system, developer, user")
    C.eq(req.get("messages", [{}])[-1].get("content"), "what is in my plan?", "exec: the user's text as written")
    C.eq(cases.get("ex01/3", {}).get("answer"), "hello", "exec: one trailing newline is dropped")
    C.eq(cases.get("ex01/4", {}).get("answer"), "hello\n", "exec: only one trailing newline is dropped")
    C.eq(len(cases.get("ex01/5", {}).get("answer") or ""), 2 << 20, "exec: a 2 MiB answer arrives whole")

    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "sysrole", "--clause", "ex01",
                    root])
    roles = []
    if r.rc in (0, 1):
        try:
            roles = [m["role"] for m in json.loads(r.json()["cases"][0]["answer"])["messages"]]
        except (ValueError, TypeError, KeyError):
            pass
    C.eq(roles, ["system", "system", "user"], "exec: developer-role: system sends developer turns as system")

    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "prog", "--clause", "ex02", root])
    C.eq(r.rc, 3, "exec: failing programs make errored cases (exit 3)")
    cases = {c["key"]: c for c in r.json()["cases"]} if r.rc == 3 else {}
    C.check("answer.py: failing on purpose" in r.err, "exec: the program's stderr passes through", r.err)
    want = {
        "ex02/1": r"exited with status 3",
        "ex02/2": r"killed by signal 15",
        "ex02/3": r"without writing an answer",
        "ex02/4": r"NUL",
    }
    for key, pat in want.items():
        c = cases.get(key, {})
        C.check(c.get("status") == "errored" and re.search(pat, c.get("error") or ""),
                "exec: %s ends errored, error /%s/" % (key, pat), c)
    n = query(root, "SELECT COUNT(*) AS n FROM responses WHERE answer=''")[0]["n"]
    C.eq(n, 0, "exec: an empty answer is not cached")

    os.environ["SPECC_EVAL_FLAKY_DIR"] = flaky
    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "retrying", "--clause", "ex03",
                    root])
    c = r.json()["cases"][0] if r.rc == 0 else {}
    C.check(r.rc == 0 and c.get("attempts") == 2 and c.get("answer") == "second time lucky",
            "exec: a program that fails once is retried", r)

    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "slowpoke", "--clause", "ex04",
                    root], timeout=30)
    c = r.json()["cases"][0] if r.rc == 3 else {}
    C.check(r.rc == 3 and r.elapsed < 10 * SLOW, "exec: a hanging program is killed after timeout (exit 3)", r)
    C.check(c.get("status") == "errored" and "did not answer within 0.5" in (c.get("error") or "") and
            c.get("attempts") == 2, "exec: the hang is recorded errored after 1+1 attempts", c)
    C.check(c.get("answer") is None, "exec: the hung program's partial output is not an answer", c)

    for prov, what in (("missing", "a script that does not exist"), ("ghost", "a program that does not exist")):
        r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", prov, "--clause", "ex03", root])
        c = r.json()["cases"][0] if r.rc == 3 else {}
        C.check(r.rc == 3 and c.get("status") == "errored", "exec: %s is an errored case (exit 3)" % what, r)
        if prov == "ghost" and not WRAPPER:
            # (valgrind's posix_spawn forks and reports a failed exec
            # as exit status 127, so this holds only natively.)
            C.check("cannot run" in (c.get("error") or "") and c.get("attempts") == 1,
                    "exec: a program that cannot start is not retried", c)

    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "noread", "--clause", "ex03",
                    "--no-cache", root])
    c = r.json()["cases"][0] if r.rc in (0, 1) else {}
    C.check(c.get("answer") == "did not read", "exec: a program that does not read its input still answers", r)

    # A relative command path is the project's, whatever the working
    # directory (as file: of replay is).
    os.makedirs(os.path.join(root, "tools"))
    shutil.copy(prog, os.path.join(root, "tools", "answer.py"))
    with open(os.path.join(root, "specc.yaml"), "a") as f:
        f.write("  relative:\n    kind: exec\n    command: [%s, tools/answer.py]\n    retries: 0\n" % sys.executable)
    for cwd, path in ((TMP, "exec"), (root, "."), ("/", root)):
        r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "relative", "--clause", "ex01",
                        "--no-cache", path], cwd=cwd)
        C.eq(r.rc, 0, "exec: command [python, tools/answer.py] runs in the project folder (cwd %s)"
             % ("the project" if cwd == root else cwd))

    # exec answers are cached by command and request.
    r1 = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "prog", "--clause", "ex01", root])
    C.check(r1.rc == 0 and all(c["cached"] for c in r1.json()["cases"]), "exec: a second run is cached", r1)


def test_replay():
    root = os.path.join(TMP, "replay")
    clauses = {"rp01": [item("whats my copay", ['contains: "$50"']),
                        item("where is my card", system="Be brief."),
                        item("unrecorded question")]}
    recs = [
        {"case": "rp01/1", "answer": "$50 per visit."},
        {"case": "rp01/1", "sample": 1, "answer": "It is $50."},
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "where is my card"}],
         "answer": "In the app."},
        {"case": "rp99/1", "answer": "not ours"},
    ]
    rec = os.path.join(root, "recordings.jsonl")
    os.makedirs(root)
    with open(rec, "w") as f:
        f.write("\n".join(json.dumps(x) for x in recs) + "\n\n")
    provs = ("  recorded:\n    kind: replay\n    file: recordings.jsonl\n"
             "  broken:\n    kind: replay\n    file: broken.jsonl\n"
             "  absent:\n    kind: replay\n    file: absent.jsonl\n")
    write_project(root, clauses, provs)
    with open(os.path.join(root, "broken.jsonl"), "w") as f:
        f.write('{"case": "rp01/1", "answer": "ok"}\n{"case": "rp01/2", "answer": \n')

    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "recorded", "--max-errors", "1",
                    root])
    C.eq(r.rc, 0, "replay: recorded answers pass; one unrecorded case within --max-errors 1")
    cases = {c["key"]: c for c in r.json()["cases"]} if r.rc == 0 else {}
    C.eq(cases.get("rp01/1", {}).get("answer"), "$50 per visit.", "replay: matched by case key")
    C.eq(cases.get("rp01/2", {}).get("answer"), "In the app.", "replay: matched by messages")
    c = cases.get("rp01/3", {})
    C.check(c.get("status") == "errored" and "no recorded answer" in (c.get("error") or ""),
            "replay: a case without a recording is errored", c)
    n = query(root, "SELECT COUNT(*) AS n FROM responses")[0]["n"]
    C.eq(n, 0, "replay: recorded answers are not put in the cache")
    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--provider", "recorded", "--repeat", "2",
                    "--clause", "rp01", "--max-errors", "3", root])
    cases = {(c["key"], c["sample"]): c for c in r.json()["cases"]} if r.rc == 0 else {}
    C.eq(cases.get(("rp01/1", 1), {}).get("answer"), "It is $50.", "replay: sample 1 matched by case and sample")
    C.eq(cases.get(("rp01/2", 1), {}).get("answer"), "In the app.", "replay: messages match every sample")
    r = run(SPECC, ["test", "--dry-run", "--provider", "recorded", root])
    C.check(r.rc == 0 and "none (recorded answers)" in r.out, "replay: --dry-run costs nothing", r.out)

    runs_before = query(root, "SELECT id FROM runs")
    r = run(SPECC, ["test", "--no-progress", "--provider", "broken", root])
    C.check(r.rc == 2 and "broken.jsonl:2" in r.err, "replay: a broken line is an error at file:line (exit 2)", r)
    r = run(SPECC, ["test", "--no-progress", "--provider", "absent", root])
    C.check(r.rc == 2 and "absent.jsonl" in r.err, "replay: a missing file is an error naming it (exit 2)", r)
    # A run that could not start is not kept, so --resume last finds the
    # last real run.
    C.eq(query(root, "SELECT id FROM runs"), runs_before, "replay: runs that could not start are not stored")


def main():
    try:
        test_exec()
        test_replay()
    finally:
        cleanup(TMP)
    C.finish()


if __name__ == "__main__":
    main()
