#!/usr/bin/env python3
"""Tests specc-testserver itself: answers, faults, auth, stats, keep-alive,
concurrency, grader mode and deep checks.  Usage: smoke.py PATH-TO-specc-testserver"""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

FAILURES = []
CHAT = "/v1/chat/completions"


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what, flush=True)


class Server:
    """One server process; stopped with SIGTERM so a clean exit is tested."""

    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        host, _, port = line.strip().partition(":")
        if host != "127.0.0.1" or not port.isdigit():
            raise SystemExit("bad port line %r; stderr: %s" % (line, self.proc.stderr.read()))
        self.port = int(port)

    def stop(self):
        self.proc.terminate()
        try:
            rc = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "timeout"
        check(rc == 0, "server exits 0 on SIGTERM (got %s)" % rc)
        err = self.proc.stderr.read()
        check(err == "", "server stderr is empty: %r" % err[:500])
        self.proc.stdout.close()
        self.proc.stderr.close()

    def conn(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)


def body(content, seed=None, model="test-model", messages=None):
    req = {"model": model, "messages": messages or [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": content}]}
    if seed is not None:
        req["seed"] = seed
    return json.dumps(req)


def post(srv, content, headers=None, conn=None, **kw):
    c = conn or srv.conn()
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    c.request("POST", CHAT, body=body(content, **kw), headers=h)
    r = c.getresponse()
    data = r.read()
    if conn is None:
        c.close()
    return r, data


def answer(data):
    return json.loads(data)["choices"][0]["message"]["content"]


def raw(srv, content, timeout=5):
    """Sends one request on a raw socket; returns (bytes received, closed?)."""
    b = body(content).encode()
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
              b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b))
    got = b""
    closed = False
    try:
        while True:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            got += d
    except socket.timeout:
        pass
    s.close()
    return got, closed


def stats(srv):
    c = srv.conn()
    c.request("GET", "/stats")
    r = c.getresponse()
    d = json.loads(r.read())
    c.close()
    return d


def test_answers(srv):
    r, d = post(srv, "What is 2+2?")
    check(r.status == 200, "normal answer is 200")
    check(r.getheader("Content-Type") == "application/json", "content type is JSON")
    j = json.loads(d)
    check(j["object"] == "chat.completion" and j["id"].startswith("chatcmpl-"), "id and object")
    check(j["model"] == "test-model", "model is echoed")
    check(answer(d) == "Answer to: What is 2+2?", "echo answer: %r" % answer(d))
    check(j["choices"][0]["finish_reason"] == "stop", "finish_reason stop")
    prompt = len("You are terse.") + len("What is 2+2?")
    u = j["usage"]
    check(u["prompt_tokens"] == prompt // 4, "prompt_tokens %r" % u)
    check(u["completion_tokens"] == len("Answer to: What is 2+2?") // 4, "completion_tokens %r" % u)
    check(u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"], "total_tokens")

    r, d = post(srv, "Say it.\nreply: line one\\nline two\nreply: not this")
    check(answer(d) == "line one\nline two", "reply line: %r" % answer(d))
    r, d = post(srv, "x", seed=42)
    check(answer(d) == "Answer to: x (seed 42)", "seed suffix: %r" % answer(d))
    check(json.loads(d)["usage"]["prompt_tokens"] >= 1, "tokens at least 1")
    r, d = post(srv, "a" + "é" * 150)
    check(answer(d) == "Answer to: a" + "é" * 99, "200-byte cut at a UTF-8 boundary")
    parts = [{"type": "text", "text": "part one, "}, {"type": "image_url", "image_url": {}},
             {"type": "text", "text": "part two"}]
    r, d = post(srv, None, messages=[{"role": "user", "content": "old"},
                                     {"role": "assistant", "content": "ok"},
                                     {"role": "user", "content": parts}])
    check(answer(d) == "Answer to: part one, part two", "array content: %r" % answer(d))
    c = srv.conn()
    c.request("POST", "/chat/completions", body=body("short path"))
    r = c.getresponse()
    check(r.status == 200 and answer(r.read()) == "Answer to: short path", "/chat/completions")
    c.request("POST", CHAT, body="{not json")
    r = c.getresponse()
    check(r.status == 400 and "error" in json.loads(r.read()), "bad JSON is 400")
    c.request("GET", "/nope")
    r = c.getresponse()
    check(r.status == 404 and json.loads(r.read())["error"]["message"], "unknown path is 404")
    c.close()


def test_faults(srv):
    t = "retry me [[fault:429:1:0]][[fault:500:1]]"
    r, d = post(srv, t)
    check(r.status == 429 and r.getheader("Retry-After") == "0", "429 with Retry-After 0")
    check(json.loads(d)["error"]["type"] == "rate_limit_error", "429 error body")
    r, d = post(srv, t)
    check(r.status == 500 and json.loads(d)["error"], "second attempt 500")
    r, d = post(srv, t)
    check(r.status == 200 and answer(d).startswith("Answer to: retry me"), "third attempt succeeds")
    r, d = post(srv, t, seed=7)
    check(r.status == 429, "a different seed is a different request")
    r, d = post(srv, "[[fault:429:1]]")
    check(r.status == 429 and r.getheader("Retry-After") == "1", "Retry-After defaults to 1")

    r, d = post(srv, "[[fault:503:2]]")
    check(r.status == 503, "503 first")
    r, d = post(srv, "[[fault:503:2]]")
    check(r.status == 503, "503 second")
    r, d = post(srv, "[[fault:503:2]]")
    check(r.status == 200, "503:2 then success")

    for _ in range(4):
        r, d = post(srv, "always [[fault:500:*]]")
        check(r.status == 500, "* applies to every attempt")

    got, closed = raw(srv, "[[fault:drop:1]]")
    check(closed and got == b"", "drop closes with no bytes (%r)" % got[:80])
    got, closed = raw(srv, "[[fault:drop:1]]")
    check(got.startswith(b"HTTP/1.1 200"), "drop then success")

    got, closed = raw(srv, "[[fault:truncate:1]]")
    head, _, rest = got.partition(b"\r\n\r\n")
    length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")]
    check(head.startswith(b"HTTP/1.1 200") and closed and length and len(rest) < length[0],
          "truncate sends fewer bytes than Content-Length (%r)" % got[:200])

    r, d = post(srv, "[[fault:malformed:1]]")
    check(r.status == 200 and len(d) == int(r.getheader("Content-Length")), "malformed framing")
    try:
        json.loads(d)
        check(False, "malformed body is not JSON")
    except ValueError:
        pass

    r, d = post(srv, "[[fault:empty:1]]")
    check(r.status == 200 and json.loads(d)["choices"] == [], "empty has no choices")

    t0 = time.monotonic()
    got, closed = raw(srv, "[[fault:hang:1]]", timeout=0.5)
    check(got == b"" and not closed and time.monotonic() - t0 >= 0.5, "hang answers nothing")
    got, closed = raw(srv, "[[fault:hang:1]]")
    check(got.startswith(b"HTTP/1.1 200"), "hang then success")

    t0 = time.monotonic()
    r, d = post(srv, "[[fault:slow:1:300]]")
    dt = time.monotonic() - t0
    check(r.status == 200 and dt >= 0.3, "slow waits 300 ms (%.3f s)" % dt)
    t0 = time.monotonic()
    r, d = post(srv, "[[fault:slow:1:300]]")
    check(r.status == 200 and time.monotonic() - t0 < 0.3, "slow only for its count")

    r, d = post(srv, "[[fault:bogus:1]] [[fault:500:x]]")
    check(r.status == 200, "malformed markers are plain text")


def test_stats(srv):
    c = srv.conn()
    c.request("POST", "/reset", body="")
    r = c.getresponse()
    check(r.status == 200 and json.loads(r.read()) == {"ok": True}, "reset")
    c.close()
    s = stats(srv)
    check(s["requests"] == 0 and s["by_status"] == {} and s["faults"] == 0, "reset zeroes %r" % s)
    post(srv, "a [[fault:429:1]]")
    post(srv, "a [[fault:429:1]]")
    post(srv, "b")
    raw(srv, "c [[fault:drop:1]]")
    s = stats(srv)
    check(s["requests"] == 4 and s["completions"] == 2 and s["faults"] == 2, "counts %r" % s)
    check(s["by_status"] == {"200": 2, "429": 1}, "by_status %r" % s["by_status"])
    check(s["auth_failures"] == 0, "no auth failures")
    c = srv.conn()
    c.request("POST", "/reset", body="")
    c.getresponse().read()
    c.close()
    r, d = post(srv, "a [[fault:429:1]]")
    check(r.status == 429, "reset forgets attempt counts")


def test_keepalive(srv):
    c = srv.conn()
    r1, d1 = post(srv, "one", conn=c)
    sock = c.sock
    r2, d2 = post(srv, "two", conn=c)
    check(c.sock is sock and answer(d2) == "Answer to: two", "two requests on one connection")
    c.close()
    # Pipelined, with Expect: 100-continue on the second, on a raw socket.
    b1, b2 = body("p1").encode(), body("p2").encode()
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s"
              b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n"
              % (len(b1), b1, len(b2)))
    got = b""
    while b"100 Continue" not in got:
        got += s.recv(65536)
    s.sendall(b2)
    while got.count(b"chat.completion") < 2:
        got += s.recv(65536)
    check(got.index(b"p1") < got.index(b"100 Continue") < got.index(b"p2"), "pipelined in order")
    # Chunked request body.
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
              b"Connection: close\r\n\r\n%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n"
              % (10, b2[:10], len(b2) - 10, b2[10:]))
    got = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
    check(b"Answer to: p2" in got and b"Connection: close" in got, "chunked body, then close")
    s.close()


def test_limits(srv):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n")
    got = s.recv(65536)
    check(got.startswith(b"HTTP/1.1 413"), "huge body is 413 (%r)" % got[:40])
    s.close()


def test_auth(binary):
    key = "sk-test-right"
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        pf = os.path.join(tmp, "port")
        srv = Server(binary, "--require-key", key, "--log", log, "--port-file", pf)
        try:
            with open(pf) as f:
                check(f.read() == "127.0.0.1:%d\n" % srv.port, "port file")
            r, d = post(srv, "hi")
            check(r.status == 401 and json.loads(d)["error"]["code"] == "invalid_api_key", "401 without key")
            wrong = "sk-wrong-secret-123"
            r, d = post(srv, "hi", headers={"Authorization": "Bearer " + wrong})
            check(r.status == 401 and wrong.encode() not in d and b"sk-" not in d, "401 with wrong key, not echoed")
            r, d = post(srv, "hi", headers={"Authorization": "Bearer " + key})
            check(r.status == 200 and answer(d) == "Answer to: hi", "200 with right key")
            s = stats(srv)
            check(s["auth_failures"] == 2 and s["by_status"].get("401") == 2, "auth failures counted %r" % s)
        finally:
            srv.stop()
        with open(log) as f:
            text = f.read()
        check(len(text.splitlines()) == 4, "one log line per request: %r" % text)
        check("POST /v1/chat/completions 401 -" in text, "log line shape: %r" % text)
        check(wrong not in text and key not in text, "log holds no key")


def test_delay(binary):
    srv = Server(binary, "--delay-ms", "200")
    try:
        t0 = time.monotonic()
        r, d = post(srv, "late")
        dt = time.monotonic() - t0
        check(r.status == 200 and dt >= 0.2, "--delay-ms 200 (%.3f s)" % dt)
        t0 = time.monotonic()
        r, d = post(srv, task("late verdict"))
        dt = time.monotonic() - t0
        check(r.status == 200 and verdict(d) == COMPLIANT and dt >= 0.2,
              "--delay-ms 200 delays a verdict (%.3f s)" % dt)
        # Delays overlap: 20 connections at once take about one delay.
        t0 = time.monotonic()
        run_concurrent(srv, 20, 1)
        dt = time.monotonic() - t0
        check(dt < 1.5, "delays are concurrent (%.3f s for 20)" % dt)
    finally:
        srv.stop()


COMPLIANT = '{"verdict":"compliant","confidence":0.9,"reason":"scripted","violated":[]}'
UNCLEAR = '{"verdict":"unclear","confidence":0.9,"reason":"scripted","violated":[]}'


def violation(section):
    return ('{"verdict":"violation","confidence":0.9,"reason":"scripted","violated":[%s]}'
            % json.dumps(section, ensure_ascii=False))


def task(ans, section="be-honest", conversation=None):
    """A grader's user message, shaped like the one specc sends."""
    return json.dumps({
        "clause": {"id": "x", "text": "Tell the truth."},
        "section": {"id": section, "title": "Be honest", "authority": "user",
                    "text": "Tell the truth."},
        "definitions": [], "precedents": [], "rubric": [],
        "conversation": conversation or [{"role": "user", "content": "hi"}],
        "answer": ans})


def verdict(data):
    return json.loads(data)["choices"][0]["message"]["content"]


def reset(srv):
    c = srv.conn()
    c.request("POST", "/reset", body="")
    c.getresponse().read()
    c.close()


def test_grader(binary):
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        srv = Server(binary, "--log", log)
        try:
            grader_kinds(srv)
            grader_faults(srv)
            grader_counts(srv)
            grader_detection(srv)
            grader_stats(srv)
        finally:
            srv.stop()
        with open(log) as f:
            lines = f.read().splitlines()
    check("POST /v1/chat/completions 200 - grade" in lines, "a verdict's log line ends in grade")
    check("POST /v1/chat/completions 500 500 grade" in lines, "a grader fault's log line: %r" % lines[:20])
    check("POST /v1/chat/completions 200 -" in lines, "a normal log line has no grade")
    check(all(l.endswith((" grade", " -", " 500", " 429", " 503", " drop", " hang", " slow",
                          " truncate", " malformed", " empty")) for l in lines), "log line shapes")


def grader_kinds(srv):
    r, d = post(srv, task("Hello"))
    check(r.status == 200 and verdict(d) == COMPLIANT, "default verdict compliant: %r" % d[:300])
    j = json.loads(d)
    check(j["object"] == "chat.completion" and j["choices"][0]["finish_reason"] == "stop"
          and j["usage"]["completion_tokens"] == len(COMPLIANT) // 4, "a verdict is a completion")
    r, d = post(srv, task("Hi [[grade:violation:1]]", section="be-\"odd\"-é"))
    check(verdict(d) == violation('be-"odd"-é'), "violation names the section: %r" % verdict(d))
    check(json.loads(verdict(d))["violated"] == ['be-"odd"-é'], "violated is JSON")
    r, d = post(srv, task("Hi [[grade:unclear:1]]"))
    check(verdict(d) == UNCLEAR, "unclear: %r" % verdict(d))
    r, d = post(srv, task("Hi [[grade:compliant:1]]"))
    check(verdict(d) == COMPLIANT, "compliant marker")
    r, d = post(srv, task("Hi [[grade:malformed:1]]"))
    check(r.status == 200 and verdict(d) == '{"verdict": "compliant", "confid', "malformed verdict")
    try:
        json.loads(verdict(d))
        check(False, "malformed verdict is not JSON")
    except ValueError:
        pass
    r, d = post(srv, task("Hi [[grade:schema:1]]"))
    check(json.loads(verdict(d)) == {"verdict": "maybe", "confidence": 2}, "schema: %r" % verdict(d))
    r, d = post(srv, task("Hi [[grade:prose:1]]"))
    check(verdict(d) == "The answer looks fine to me.", "prose: %r" % verdict(d))
    r, d = post(srv, task("Hi [[grade:refusal:1]]"))
    m = json.loads(d)["choices"][0]["message"]
    check(r.status == 200 and m == {"role": "assistant", "content": None,
                                    "refusal": "I can't help with grading this."}, "refusal: %r" % m)
    # Each of these was attempt 1; attempt 2 of the same task is the default.
    r, d = post(srv, task("Hi [[grade:refusal:1]]"))
    check(verdict(d) == COMPLIANT, "after its N attempts the default applies")
    r, d = post(srv, task("Hi [[grade:bogus:1]] [[grade:violation:x]] [[grade:fault-nope:1]]"))
    check(verdict(d) == COMPLIANT, "malformed grade markers are plain text")
    # The content may come as parts, like any user message.
    r, d = post(srv, None, messages=[{"role": "user", "content": [
        {"type": "text", "text": task("Parts [[grade:unclear:1]]")}]}])
    check(verdict(d) == UNCLEAR, "a task in content parts")


def grader_faults(srv):
    t = task("F [[grade:fault-429:1:2]][[grade:fault-500:1]][[grade:fault-503:1]]")
    r, d = post(srv, t)
    check(r.status == 429 and r.getheader("Retry-After") == "2", "fault-429 with Retry-After 2")
    r, d = post(srv, t)
    check(r.status == 500 and json.loads(d)["error"], "fault-500")
    r, d = post(srv, t)
    check(r.status == 503, "fault-503")
    r, d = post(srv, t)
    check(r.status == 200 and verdict(d) == COMPLIANT, "then the verdict")
    r, d = post(srv, task("[[grade:fault-429:1]]"))
    check(r.status == 429 and r.getheader("Retry-After") == "1", "fault-429 Retry-After defaults to 1")

    got, closed = raw(srv, task("[[grade:fault-drop:1]]"))
    check(closed and got == b"", "fault-drop closes with no bytes")
    t0 = time.monotonic()
    got, closed = raw(srv, task("[[grade:fault-hang:1]]"), timeout=0.5)
    check(got == b"" and not closed and time.monotonic() - t0 >= 0.5, "fault-hang answers nothing")
    got, closed = raw(srv, task("[[grade:fault-hang:1]]"))
    check(got.startswith(b"HTTP/1.1 200") and COMPLIANT.replace('"', '\\"').encode() in got,
          "fault-hang then the verdict")
    got, closed = raw(srv, task("[[grade:fault-truncate:1]]"))
    head, _, rest = got.partition(b"\r\n\r\n")
    length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")]
    check(head.startswith(b"HTTP/1.1 200") and closed and length and len(rest) < length[0],
          "fault-truncate sends fewer bytes than Content-Length")
    r, d = post(srv, task("[[grade:fault-malformed:1]]"))
    check(r.status == 200 and d == b'{"choices": [', "fault-malformed is a broken body")
    r, d = post(srv, task("[[grade:fault-empty:1]]"))
    check(r.status == 200 and json.loads(d)["choices"] == [], "fault-empty has no choices")
    t0 = time.monotonic()
    r, d = post(srv, task("[[grade:fault-slow:1:300]][[grade:violation:1]]"))
    dt = time.monotonic() - t0
    check(r.status == 200 and verdict(d) == COMPLIANT and dt >= 0.3, "fault-slow: the default, late (%.3f s)" % dt)
    r, d = post(srv, task("[[grade:fault-slow:1:300]][[grade:violation:1]]"))
    check(verdict(d) == violation("be-honest"), "fault-slow counts its attempt")


def grader_counts(srv):
    t = task("N [[grade:malformed:2]][[grade:violation:1]]")
    got = [verdict(post(srv, t)[1]) for _ in range(4)]
    check(got[:2] == ['{"verdict": "compliant", "confid'] * 2 and got[2] == violation("be-honest")
          and got[3] == COMPLIANT, "markers take turns by attempt: %r" % got)
    r, d = post(srv, t, seed=5)
    check(verdict(d).startswith('{"verdict": "compliant", "confid'), "another seed counts apart")
    t = task("ours [[grade:malformed:1]]", section="other")
    check(verdict(post(srv, t)[1]).endswith("confid"), "the key is the whole task")
    for _ in range(3):
        r, d = post(srv, task("always [[grade:unclear:*]]"))
        check(verdict(d) == UNCLEAR, "* applies to every attempt")
    for _ in range(2):
        r, d = post(srv, task("always [[grade:fault-500:*]]"))
        check(r.status == 500, "fault-500:* every attempt")


def grader_detection(srv):
    # The conversation's own markers fired when it was asked; the grader
    # request must not fire them again, nor read its reply: line.
    conv = [{"role": "user", "content": "hi [[fault:500:1]] [[grade:violation:*]]\nreply: no"}]
    for _ in range(2):
        r, d = post(srv, task("Hello", conversation=conv))
        check(r.status == 200 and verdict(d) == COMPLIANT, "conversation markers do not fire: %r" % d[:200])
    r, d = post(srv, task("Answer to: hi [[fault:500:1]] [[fault:drop:*]]"))
    check(r.status == 200 and verdict(d) == COMPLIANT, "fault markers in the answer do not fire")
    # Grade markers in a normal request are plain text.
    for _ in range(2):
        r, d = post(srv, "hi [[grade:fault-500:1]] [[grade:violation:1]]")
        check(r.status == 200 and answer(d) == "Answer to: hi [[grade:fault-500:1]] [[grade:violation:1]]",
              "grade markers in a normal request do nothing")
    r, d = post(srv, "reply: ok [[grade:fault-drop:*]]")
    check(r.status == 200 and answer(d) == "ok [[grade:fault-drop:*]]", "reply: still works")
    # Not a grader task: a normal answer, normal faults.
    for t in [json.dumps({"answer": "x [[grade:violation:1]]"}),
              json.dumps({"answer": "x", "section": "be-honest"}),
              json.dumps({"answer": "x", "section": {"id": 7}}),
              json.dumps({"answer": 3, "section": {"id": "s"}}),
              json.dumps([{"answer": "x", "section": {"id": "s"}}]),
              '{"answer": "x", "section": {"id": "s"}']:
        r, d = post(srv, t)
        check(r.status == 200 and answer(d).startswith("Answer to: "), "not a grader task: %r" % t)
    r, d = post(srv, json.dumps({"answer": "x", "section": "s", "n": "[[fault:503:1]]"}))
    check(r.status == 503, "a near-miss task is a normal request with normal faults")
    # Only the last user message counts.
    r, d = post(srv, None, messages=[{"role": "user", "content": task("old")},
                                     {"role": "assistant", "content": "ok"},
                                     {"role": "user", "content": "new"}])
    check(answer(d) == "Answer to: new", "a task in an earlier message is not a grader request")


def grader_stats(srv):
    reset(srv)
    post(srv, task("a"))
    post(srv, task("b [[grade:violation:1]]"))
    post(srv, task("c [[grade:fault-500:1]]"))
    post(srv, task("d [[grade:malformed:1]]"))
    post(srv, task("e [[grade:fault-empty:1]]"))
    raw(srv, task("f [[grade:fault-drop:1]]"))
    post(srv, "normal")
    s = stats(srv)
    check(s["grader_requests"] == 6 and s["grader_verdicts"] == 2, "grader counts %r" % s)
    check(s["requests"] == 7 and s["completions"] == 4 and s["faults"] == 3, "counts with a grader %r" % s)
    check(s["by_fault"] == {"500": 1, "empty": 1, "drop": 1}, "grader faults by kind %r" % s["by_fault"])
    reset(srv)
    s = stats(srv)
    check(s["grader_requests"] == 0 and s["grader_verdicts"] == 0, "reset zeroes grader counts %r" % s)
    r, d = post(srv, task("b [[grade:violation:1]]"))
    check(verdict(d) == violation("be-honest"), "reset forgets grader attempts")


def deep_task(a, b):
    """specc check --deep's user message: two clauses and their sections."""
    return json.dumps({
        "chain_of_command": ["root", "user"],
        "clauses": [{"text": t, "spec": "s", "section": {"id": "x", "title": "X", "authority": "user",
                                                          "text": "## X\n\n" + t}} for t in (a, b)]})


def test_deep(binary):
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        srv = Server(binary, "--log", log)
        try:
            r, d = post(srv, deep_task("Greet members.", "Do not greet members."))
            check(r.status == 200 and json.loads(verdict(d)) == {"verdict": "compatible",
                                                                 "reason": "scripted compatible"},
                  "deep: the default judgement is compatible: %r" % d[:300])
            for kind in ("contradiction", "compatible", "unclear"):
                r, d = post(srv, deep_task("A [[deep:%s]]" % kind, "B"))
                check(json.loads(verdict(d)) == {"verdict": kind, "reason": "scripted " + kind},
                      "deep: %s: %r" % (kind, verdict(d)))
            # A marker in either clause; without N it holds for every attempt.
            for _ in range(2):
                r, d = post(srv, deep_task("A", "B [[deep:malformed]]"))
                check(verdict(d) == '{"verdict": "contradiction", "rea', "deep: malformed: %r" % verdict(d))
            r, d = post(srv, deep_task("A [[deep:schema:1]]", "B"))
            check(json.loads(verdict(d)) == {"verdict": "maybe", "confidence": 2}, "deep: schema")
            r, d = post(srv, deep_task("A [[deep:schema:1]]", "B"))
            check(json.loads(verdict(d))["verdict"] == "compatible", "deep: after N attempts the default")
            r, d = post(srv, deep_task("A [[deep:prose:1]]", "B"))
            check(verdict(d) == "These two clauses look fine together.", "deep: prose")
            r, d = post(srv, deep_task("A [[deep:refusal:1]]", "B"))
            check(json.loads(d)["choices"][0]["message"]["refusal"] == "I can't help with judging this.",
                  "deep: refusal")
            r, d = post(srv, deep_task("A [[deep:fault-500:1]][[deep:unclear:1]]", "B"))
            check(r.status == 500, "deep: fault-500 first")
            r, d = post(srv, deep_task("A [[deep:fault-500:1]][[deep:unclear:1]]", "B"))
            check(json.loads(verdict(d))["verdict"] == "unclear", "deep: then unclear")
            # Fault markers do not fire in a deep task, nor grade markers.
            r, d = post(srv, deep_task("A [[fault:500:*]] [[grade:violation:*]] [[deep:bogus]]", "B"))
            check(r.status == 200 and json.loads(verdict(d))["verdict"] == "compatible",
                  "deep: other markers are plain text")
            # One clause is no deep task.
            r, d = post(srv, json.dumps({"clauses": [{"text": "A [[deep:unclear]]"}]}))
            check(answer(d).startswith("Answer to: "), "deep: one clause is a normal request")
            s = stats(srv)
            check(s["deep_requests"] == 13 and s["deep_verdicts"] == 7 and s["grader_requests"] == 0,
                  "deep counts %r" % s)
            reset(srv)
            check(stats(srv)["deep_requests"] == 0, "reset zeroes the deep counts")
        finally:
            srv.stop()
        with open(log) as f:
            lines = f.read().splitlines()
    check("POST /v1/chat/completions 200 - deep" in lines, "a deep log line ends in deep: %r" % lines[:5])
    check("POST /v1/chat/completions 500 500 deep" in lines, "a deep fault's log line")


def write_labels(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")


def test_labels(binary):
    long_answer = "Line one, ünïcödé ✓ 🎉.\nLine two \"quoted\" \\ \t tab.\n" + "x" * 20000 + "\u0000end"
    rows = [{"section": "be-honest", "answer": "I made that up.", "verdict": "violation"},
            {"section": "be-honest", "answer": "I don't know.", "verdict": "compliant"},
            {"section": "be-kind", "answer": long_answer, "verdict": "violation"},
            {"section": "be-honest", "answer": "M [[grade:unclear:1]]", "verdict": "violation"},
            {"section": "be-honest", "answer": "I made that up.", "verdict": "violation"},
            "   "]
    rows += [{"section": "s%d" % i, "answer": "answer %d" % i,
              "verdict": "violation" if i % 2 else "compliant", "note": "extra members are ignored"}
             for i in range(400)]
    with tempfile.TemporaryDirectory() as tmp:
        lf = os.path.join(tmp, "labels.jsonl")
        write_labels(lf, rows)
        for invert in (False, True):
            srv = Server(binary, "--labels", lf, *(["--invert"] if invert else []))
            # v: what a label of violation gives; c: what one of compliant gives.
            v, c = (violation, lambda s: COMPLIANT)
            if invert:
                v, c = c, v
            name = " (--invert)" if invert else ""
            try:
                r, d = post(srv, task("I made that up."))
                check(verdict(d) == v("be-honest"), "labelled violation" + name + ": %r" % verdict(d))
                r, d = post(srv, task("I don't know."))
                check(verdict(d) == c("be-honest"), "labelled compliant" + name + ": %r" % verdict(d))
                r, d = post(srv, task(long_answer, section="be-kind"))
                check(verdict(d) == v("be-kind"), "long multi-line UTF-8 answer" + name)
                r, d = post(srv, task("I made that up.", section="be-kind"))
                check(verdict(d) == COMPLIANT, "same answer, other section: unlabelled" + name)
                r, d = post(srv, task("I made that up. "))
                check(verdict(d) == COMPLIANT, "answers match exactly" + name)
                r, d = post(srv, task("M [[grade:unclear:1]]"))
                check(verdict(d) == UNCLEAR, "a marker wins over the label" + name)
                r, d = post(srv, task("M [[grade:unclear:1]]"))
                check(verdict(d) == v("be-honest"), "then the label applies" + name)
                r, d = post(srv, task("answer 399", section="s399"))
                check(verdict(d) == v("s399"), "the 400th label" + name)
                r, d = post(srv, task("answer 398", section="s398"))
                check(verdict(d) == c("s398"), "the 399th label" + name)
                s = stats(srv)
                check(s["grader_verdicts"] == 9, "labelled verdicts count %r" % s)
            finally:
                srv.stop()


def test_broken_labels(binary):
    good = json.dumps({"section": "s", "answer": "a", "verdict": "compliant"})
    cases = [
        ([good, good, '{"section": "s", "answer": "b", "verdict": "compliant"'], ":3: "),
        ([good, json.dumps({"section": "s", "answer": "b", "verdict": "maybe"})], ":2: "),
        ([json.dumps({"section": "s", "verdict": "violation"})], ":1: "),
        ([json.dumps({"section": {"id": "s"}, "answer": "a", "verdict": "violation"})], ":1: "),
        ([json.dumps(["s", "a", "compliant"])], ":1: "),
        (["", good, json.dumps({"section": "s", "answer": "a", "verdict": "violation"})], ":3: "),
        ([good + " " + good], ":1: "),
        # JSONL: a label spread over two lines is broken on its first.
        (['{"section": "s", "answer": "a",\n "verdict": "compliant"}'], ":1: "),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        lf = os.path.join(tmp, "labels.jsonl")
        for rows, where in cases:
            write_labels(lf, rows)
            p = subprocess.run([binary, "--labels", lf], capture_output=True, text=True, timeout=10)
            check(p.returncode != 0 and p.stdout == "" and (lf + where) in p.stderr,
                  "broken labels %r: rc %d, stderr %r" % (rows, p.returncode, p.stderr))
        p = subprocess.run([binary, "--labels", os.path.join(tmp, "missing")],
                           capture_output=True, text=True, timeout=10)
        check(p.returncode != 0 and "missing" in p.stderr, "a missing labels file: %r" % p.stderr)
        p = subprocess.run([binary, "--invert"], capture_output=True, text=True, timeout=10)
        check(p.returncode != 0 and "--labels" in p.stderr, "--invert needs --labels: %r" % p.stderr)
        write_labels(lf, [good])
        p = subprocess.run([binary, "--labels", lf, "--invert=yes"], capture_output=True, text=True, timeout=10)
        check(p.returncode != 0 and "no value" in p.stderr, "--invert takes no value: %r" % p.stderr)


def run_concurrent(srv, conns, per_conn):
    errors = []

    def worker(i):
        try:
            c = srv.conn()
            for k in range(per_conn):
                r, d = post(srv, "worker %d request %d" % (i, k), conn=c)
                if r.status != 200 or answer(d) != "Answer to: worker %d request %d" % (i, k):
                    errors.append((i, k, r.status))
            c.close()
        except Exception as e:  # noqa: BLE001 - any failure is a test failure
            errors.append((i, repr(e)))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, "%d connections x %d requests all answered: %r" % (conns, per_conn, errors[:5]))


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: smoke.py PATH-TO-specc-testserver")
    binary = sys.argv[1]
    srv = Server(binary)
    try:
        test_answers(srv)
        test_faults(srv)
        test_stats(srv)
        test_keepalive(srv)
        test_limits(srv)
        run_concurrent(srv, 50, 20)
        s = stats(srv)
        check(s["requests"] >= 1000, "stats after the load: %r" % s)
    finally:
        srv.stop()
    test_auth(binary)
    test_delay(binary)
    test_grader(binary)
    test_deep(binary)
    test_labels(binary)
    test_broken_labels(binary)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
