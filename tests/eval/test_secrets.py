#!/usr/bin/env python3
"""API keys never leave the environment.

The server requires a key (--require-key); specc reads it from the
variable named by api-key-env.  After runs in every output format, with
--out, with errors, with a kill -9 that leaves the SQLite WAL behind, and
with a wrong key (401), no byte sequence of the key appears in the store
(db, -wal, -shm), in standard output or error, in any report or stream
file, or in the server's log.

Usage: test_secrets.py SPECC TESTSERVER
"""
import glob
import os
import signal
import subprocess
import sys
import time

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import (binaries, cleanup, note_stderr, SLOW, Checks, Server, item, openai_provider, query, run,  # noqa: E402
                         specc_cmd, tempdir, write_project)

SPECC, TESTSERVER = binaries()
C = Checks("eval-secrets")
TMP = tempdir("secrets")
SECRET = "sk-specc-Zq9XkW3rT7vLm2PpQ4hY8nB6"
WRONG = "sk-wrong-Hd5Jc8Kf2Lg7Mn3Vb9Xz1Qw4"
VAR = "SPECC_EVAL_TEST_API_KEY"


def needles(key):
    """The key and pieces of it long enough to be unmistakable."""
    b = key.encode()
    return [b, b[-16:], b[:16], key.encode("utf-16-le")]


def leaks(paths, key, texts=()):
    found = []
    for p in paths:
        try:
            with open(p, "rb") as f:
                data = f.read()
        except OSError:
            continue
        for n in needles(key):
            if n in data:
                found.append("%s holds %r" % (p, n))
    for name, t in texts:
        for n in needles(key):
            if n in (t.encode() if isinstance(t, str) else t):
                found.append("%s holds %r" % (name, n))
    return found


def all_files(root):
    return [p for p in glob.glob(os.path.join(root, "**"), recursive=True) + \
            glob.glob(os.path.join(root, ".specc", "*")) if os.path.isfile(p)]


def main():
    log = os.path.join(TMP, "server.log")
    srv = Server(TESTSERVER, "--require-key", SECRET, "--log", log, "--delay-ms", "20")
    texts = []
    try:
        root = os.path.join(TMP, "proj")
        items = [item("reply: hello %d" % i, ['contains: "hello"']) for i in range(30)]
        items += [item("reply: retried\n[[fault:500:1]]", ['contains: "retried"']),
                  item("reply: nope\n[[fault:500:*]]"),
                  item("reply: bad\n[[fault:malformed:*]]"),
                  item("reply: echo the key please", ['not-contains: "sk-"'])]
        write_project(root, {"sk01": items},
                      openai_provider("local", srv.url, api_key_env=VAR, retries=1, timeout=5),
                      extra="test:\n  concurrency: 4\n")
        env = {VAR: SECRET}
        outs = {f: os.path.join(root, f) for f in ("report.json", "report.xml", "report.sarif", "cases.jsonl")}

        # A run killed mid-way leaves the WAL (and -shm) in .specc/.
        p = subprocess.Popen(specc_cmd(SPECC, "test", "--no-progress", root), env=dict(os.environ, **env),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        # Kill it once some cases are stored (they sit in the WAL).
        deadline = time.monotonic() + 20 * SLOW
        while time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.01)
            try:
                if query(root, "SELECT COUNT(*) AS n FROM cases")[0]["n"] >= 3:
                    break
            except Exception:
                pass
        p.send_signal(signal.SIGKILL)
        out, err = p.communicate()
        note_stderr(["test", "(killed)"], err)
        texts += [("killed run stdout", out), ("killed run stderr", err)]
        wal = glob.glob(os.path.join(root, ".specc", "*-wal"))
        C.check(wal, "secrets: a killed run leaves a -wal file to search", os.listdir(os.path.join(root, ".specc")))
        found = leaks(all_files(root), SECRET)
        C.check(not found, "secrets: no key in .specc/ (db, -wal, -shm) after kill -9", found)

        r = run(SPECC, ["test", "--no-progress", "--resume", "last", "--out", outs["cases.jsonl"],
                        "--format", "json", "-o", outs["report.json"], root], env=env)
        texts += [("resume stdout", r.out), ("resume stderr", r.err)]
        C.eq(r.rc, 3, "secrets: the run with the right key ends exit 3 (two cases always fail)")
        st = srv.stats()
        C.eq(st["auth_failures"], 0, "secrets: the server accepted the key on every request")
        C.check(st["completions"] >= 31, "secrets: the server answered with the key", st)
        for fmt, f in (("junit", "report.xml"), ("sarif", "report.sarif")):
            r = run(SPECC, ["runs", "show", "last", "--format", fmt, "-o", outs[f], root], env=env)
            C.eq(r.rc, 0, "secrets: runs show --format %s writes %s" % (fmt, f))
            texts += [(fmt + " stdout", r.out), (fmt + " stderr", r.err)]
        for args in (["test", "--no-progress", "--format", "sarif", root],
                     ["test", "--no-progress", "--format", "junit", "--no-cache", root],
                     ["test", "--no-progress", root],
                     ["test", "--dry-run", root],
                     ["runs", root],
                     ["runs", "show", "last", root]):
            r = run(SPECC, args, env=env)
            texts += [(" ".join(args[:3]) + " stdout", r.out), (" ".join(args[:3]) + " stderr", r.err)]
        for f, path in outs.items():
            C.check(os.path.getsize(path) > 0, "secrets: %s was written" % f)
        found = leaks(all_files(root) + [log], SECRET, texts)
        C.check(not found, "secrets: the key is in no file, output or server log", found)
        C.check(os.path.getsize(log) > 0, "secrets: the server log is not empty (it was searched)")

        # The wrong key: 401, recorded as errored, not retried, exit 3.
        wroot = os.path.join(TMP, "wrong")
        write_project(wroot, {"sk02": [item("reply: hi %d" % i) for i in range(3)]},
                      openai_provider("local", srv.url, api_key_env=VAR, retries=3))
        before = srv.stats()["auth_failures"]
        r = run(SPECC, ["test", "--no-progress", "--format", "json", "--out", os.path.join(wroot, "s.jsonl"),
                        wroot], env={VAR: WRONG})
        C.eq(r.rc, 3, "wrong key: a 401 on every case exits 3")
        if r.rc == 3:
            cases = r.json()["cases"]
            C.check(all(c["status"] == "errored" and "401" in (c["error"] or "") for c in cases),
                    "wrong key: every case is errored with HTTP 401", cases)
            C.check(all(c["attempts"] == 1 for c in cases), "wrong key: a 401 is not retried",
                    [c["attempts"] for c in cases])
        C.eq(srv.stats()["auth_failures"] - before, 3, "wrong key: the server refused 3 requests")
        r2 = run(SPECC, ["runs", "show", "last", wroot])
        found = leaks(all_files(wroot) + [log], WRONG, [("stdout", r.out), ("stderr", r.err),
                                                       ("runs show", r2.out + r2.err)])
        C.check(not found, "wrong key: the wrong key is printed and stored nowhere", found)
        C.check("401" in r2.out, "wrong key: the report says HTTP 401", r2.out)

        # No key at all in the environment: exit 2 before any request.
        before = srv.stats()["requests"]
        r = run(SPECC, ["test", "--no-progress", wroot], env={VAR: None})
        C.check(r.rc == 2 and VAR in r.err, "no key: an unset api-key-env variable exits 2 naming it", r)
        r = run(SPECC, ["test", "--no-progress", wroot], env={VAR: ""})
        C.check(r.rc == 2 and VAR in r.err, "no key: an empty api-key-env variable exits 2", r)
        r = run(SPECC, ["test", "--no-progress", wroot], env={VAR: "sk-a\nb"})
        C.check(r.rc == 2 and "sk-a" not in r.err, "no key: a key with a line break exits 2 unprinted", r)
        C.eq(srv.stats()["requests"] - before, 0, "no key: nothing was asked")
    finally:
        srv.stop()
        cleanup(TMP)
    C.finish()


if __name__ == "__main__":
    main()
