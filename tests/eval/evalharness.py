"""Shared helpers for the `specc test` integration tests (tests/eval/).

Everything is real: the specc binary runs as a subprocess (under
$SPECC_WRAPPER when set, e.g. valgrind), answers come from
specc-testserver over loopback, and results are read back from the
SQLite store with python's sqlite3 module.  Each script builds its
fixture projects in a fresh temporary folder and starts its own server
on port 0.  Python standard library only.
"""
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

WRAPPER = shlex.split(os.environ.get("SPECC_WRAPPER", ""))
# Under valgrind everything is ~20x slower: stretch every time limit.
SLOW = 20.0 if WRAPPER else 1.0


# Reports of ASan, LSan, UBSan or valgrind seen in any specc's stderr:
# a sanitizer report is a failure even when the exit status looks right.
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "Invalid read of size", "Invalid write of size", "uninitialised value",
                   "definitely lost in", "Process terminating with default action")
SANITIZER_REPORTS = []


def note_stderr(args, err):
    if isinstance(err, bytes):
        err = err.decode("utf-8", "replace")
    for m in SANITIZER_MARKS:
        if m in err:
            SANITIZER_REPORTS.append("specc %s: %s" % (" ".join(map(str, args))[:200], err[:3000]))
            break


class Checks:
    """Prints one line per check; exit status 1 when any failed."""

    def __init__(self, name):
        self.name = name
        self.failed = []
        self.count = 0
        self.started = time.monotonic()

    def check(self, cond, what, detail=""):
        self.count += 1
        if cond:
            print("ok   %s" % what, flush=True)
        else:
            self.failed.append(what)
            print("FAIL %s%s" % (what, (": " + str(detail)[:2000]) if detail != "" else ""),
                  flush=True)
        return bool(cond)

    def eq(self, got, want, what):
        return self.check(got == want, what, "got %r, want %r" % (got, want))

    def finish(self):
        self.check(not SANITIZER_REPORTS, "no sanitizer or valgrind report from any specc run",
                   "\n".join(SANITIZER_REPORTS[:3]))
        el = time.monotonic() - self.started
        if self.failed:
            print("%s: %d of %d checks FAILED (%.1f s):" % (self.name, len(self.failed),
                                                           self.count, el))
            for f in self.failed:
                print("  - " + f)
            sys.exit(1)
        print("%s: all %d checks passed (%.1f s)" % (self.name, self.count, el))
        sys.exit(0)


class Server:
    """One specc-testserver on 127.0.0.1, port chosen by the kernel."""

    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([binary, "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        host, _, port = line.strip().partition(":")
        if host != "127.0.0.1" or not port.isdigit():
            self.proc.kill()
            raise SystemExit("testserver: bad port line %r: %s" % (line, self.proc.stderr.read()))
        self.port = int(port)
        self.url = "http://127.0.0.1:%d/v1" % self.port

    def _req(self, method, path):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), method=method,
                                     data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def stats(self):
        return self._req("GET", "/stats")

    def reset(self):
        return self._req("POST", "/reset")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def specc_cmd(specc, *args):
    return WRAPPER + [specc, *args]


class Result:
    def __init__(self, rc, out, err, elapsed):
        self.rc, self.out, self.err, self.elapsed = rc, out, err, elapsed

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return "rc=%r elapsed=%.2f stdout=%r stderr=%r" % (self.rc, self.elapsed, self.out[-800:],
                                                           self.err[-800:])


def run(specc, args, cwd=None, env=None, timeout=60):
    """Runs specc ARGS; returns a Result.  A run past the timeout is killed
    and reported with rc "timeout" (a hang is a failure, not a stuck test)."""
    e = dict(os.environ)
    e["NO_COLOR"] = "1"
    e.pop("CI", None)
    if env:
        for k, v in env.items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
    t0 = time.monotonic()
    p = subprocess.Popen(specc_cmd(specc, *args), cwd=cwd, env=e, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         errors="replace")
    try:
        out, err = p.communicate(timeout=timeout * SLOW)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = "timeout"
    note_stderr(args, err)
    return Result(rc, out, err, time.monotonic() - t0)


# ------------------------------------------------------------------
# Fixture projects

def item(user, expect=None, title=None, system=None, developer=None):
    return {"user": user, "expect": expect or [], "title": title, "system": system,
            "developer": developer}


def write_project(root, clauses, providers, extra=""):
    """Writes a project at root: one spec.md with a section per clause,
    each holding one sentence with the clause's eval anchor, and
    evals/<id>.md with the clause's items.  clauses maps an anchor ID
    (letters and digits) to a list of item() dicts; providers is the
    YAML text under "providers:" (indented by two spaces)."""
    os.makedirs(os.path.join(root, "evals"), exist_ok=True)
    spec = ["# Test spec {#test_spec}", ""]
    for cid in clauses:
        spec += ["## Clause %s {#sec_%s}" % (cid, cid), "",
                 "The assistant handles request family %s well[^%s]." % (cid, cid), ""]
    with open(os.path.join(root, "spec.md"), "w") as f:
        f.write("\n".join(spec))
    for cid, items in clauses.items():
        lines = ["Examples for [^%s] in Clause %s:" % (cid, cid), ""]
        for n, it in enumerate(items, 1):
            lines += ["**Example**: %s" % (it["title"] or "item %d" % n), "", "~~~xml"]
            if it["system"]:
                lines += ["<system>", it["system"], "</system>"]
            if it["developer"]:
                lines += ["<developer>", it["developer"], "</developer>"]
            lines += ["<user>", it["user"], "</user>", "~~~", ""]
            if it["expect"]:
                lines += ["```expect"] + ["- " + e for e in it["expect"]] + ["```", ""]
        with open(os.path.join(root, "evals", cid + ".md"), "w") as f:
            f.write("\n".join(lines))
    with open(os.path.join(root, "specc.yaml"), "w") as f:
        f.write("name: eval-test\nspecs: [spec.md]\nevals: [evals]\nproviders:\n")
        f.write(providers.rstrip("\n") + "\n")
        f.write(extra)


def openai_provider(name, url, model="test-model", **settings):
    lines = ["  %s:" % name, "    kind: openai", "    base-url: %s" % url, "    model: %s" % model]
    settings.setdefault("backoff", 0.01)
    for k, v in settings.items():
        lines.append("    %s: %s" % (k.replace("_", "-"), v))
    return "\n".join(lines) + "\n"


def db(root):
    c = sqlite3.connect(os.path.join(root, ".specc", "specc.db"), timeout=30)
    c.row_factory = sqlite3.Row
    return c


def query(root, sql, *params):
    c = db(root)
    try:
        return [dict(r) for r in c.execute(sql, params)]
    finally:
        c.close()


def cases_by_key(report):
    """{(key, sample): case} from a --format json report."""
    return {(c["key"], c["sample"]): c for c in report["cases"]}


def tempdir(tag):
    return tempfile.mkdtemp(prefix="specc-eval-%s." % tag)


def cleanup(path):
    """Removes a test's temporary folder; SPECC_EVAL_KEEP=1 keeps it (and
    says where) for a look at the fixtures and stores after a failure."""
    if os.environ.get("SPECC_EVAL_KEEP"):
        print("kept %s" % path)
    else:
        shutil.rmtree(path, ignore_errors=True)


def binaries():
    """SPECC and TESTSERVER from the command line, as absolute paths
    (tests run specc from inside their fixture projects)."""
    if len(sys.argv) != 3:
        raise SystemExit("usage: %s SPECC TESTSERVER" % sys.argv[0])
    return os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
