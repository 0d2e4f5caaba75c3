#!/usr/bin/env python3
"""Batch work: specc test --batch-export writes OpenAI Batch API JSONL,
--batch-import takes the results back into the same run, and a run mixes
batch rounds and online work, answers and verdicts, and ends where an
online run ends.

The "batch service" here posts each request line's body to the test
server and writes the result lines the Batch API writes ({custom_id,
response: {status_code, body}, error}).

Usage: test_batch.py SPECC TESTSERVER
"""
import json
import os
import sys
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import (binaries, cleanup, Checks, item, openai_provider, run, Server, tempdir,  # noqa: E402
                         write_project)

SPECC, SERVER = binaries()
C = Checks("eval-batch")
TMP = tempdir("batch")


def serve_batch(srv, requests, results, drop=(), fail=()):
    """Answers the request file like the Batch API would; custom_ids in
    drop get no line, those in fail an HTTP 500 line."""
    n = 0
    with open(requests) as f, open(results, "w") as out:
        for line in f:
            req = json.loads(line)
            cid = req["custom_id"]
            if cid in drop:
                continue
            if cid in fail:
                out.write(json.dumps({"id": "b%d" % n, "custom_id": cid,
                                      "response": {"status_code": 500, "body": {"error": {"message": "boom"}}},
                                      "error": None}) + "\n")
                continue
            data = json.dumps(req["body"]).encode()
            r = urllib.request.Request(srv.url + "/chat/completions", data=data,
                                       headers={"Content-Type": "application/json"})
            body = json.loads(urllib.request.urlopen(r, timeout=30).read())
            out.write(json.dumps({"id": "b%d" % n, "custom_id": cid,
                                  "response": {"status_code": 200, "request_id": "r%d" % n, "body": body},
                                  "error": None}) + "\n")
            n += 1


def lines(path):
    with open(path) as f:
        return [json.loads(x) for x in f if x.strip()]


def statuses(root, run_id):
    r = run(SPECC, ["runs", "show", str(run_id), "--format", "json", "."], cwd=root)
    return {(c["key"], c["sample"]): c["status"] for c in r.json()["cases"]} if r.rc == 0 else {}


def main():
    srv = Server(SERVER)
    try:
        clauses = {"bt01": [item("reply: yes %d" % n, ['contains: "yes"']) for n in range(1, 4)] +
                   [item("reply: graded %d [[grade:violation:*]]" % n) for n in range(1, 3)] +
                   [item("reply: graded ok [[grade:compliant:*]]")]}
        providers = openai_provider("model", srv.url) + openai_provider("judge", srv.url, model="grader")
        extra = "test:\n  provider: model\ngrader:\n  provider: judge\n"
        online, root = os.path.join(TMP, "online"), os.path.join(TMP, "batch")
        write_project(online, clauses, providers, extra)
        write_project(root, clauses, providers, extra)
        r = run(SPECC, ["test", "--no-progress", "--min-pass-rate", "0", "."], cwd=online)
        want = statuses(online, 1)
        C.eq(sorted(want.values()), ["failed", "failed", "passed", "passed", "passed", "passed"],
             "online: the reference run")

        # Round 1: every answer goes to the batch; nothing is asked online.
        srv.reset()
        req1, res1 = os.path.join(TMP, "req1.jsonl"), os.path.join(TMP, "res1.jsonl")
        r = run(SPECC, ["test", "--no-progress", "--batch-export", req1, "."], cwd=root)
        C.check(r.rc == 0 and "wrote 6 requests" in r.err and "--resume 1 --batch-import" in r.err,
                "export: 6 requests, and the command to import them", r)
        C.eq(srv.stats()["requests"], 0, "export: no request is sent")
        reqs = lines(req1)
        ids = [q["custom_id"] for q in reqs]
        C.eq(sorted(ids), sorted("specc:1:a:0:bt01/%d" % n for n in range(1, 7)), "export: custom_ids name run, kind, "
             "sample and case")
        C.check(all(q["method"] == "POST" and q["url"] == "/v1/chat/completions" and q["body"]["model"] == "test-model"
                    and q["body"]["messages"] for q in reqs), "export: Batch API request lines", reqs[:1])
        C.eq(statuses(root, 1), {}, "export: the cases stay pending")

        # The service loses one request and fails another.
        serve_batch(srv, req1, res1, drop={"specc:1:a:0:bt01/1"}, fail={"specc:1:a:0:bt01/2"})
        with open(res1, "a") as f:
            f.write(json.dumps({"custom_id": "specc:77:a:0:bt01/1", "response": None,
                                "error": {"message": "another run"}}) + "\n")
        srv.reset()
        r = run(SPECC, ["test", "--no-progress", "--resume", "1", "--batch-import", res1, "."], cwd=root)
        C.check("took 5 results" in r.err and "1 line of" in r.err and "other runs" in r.err,
                "import: 5 results taken, another run's line skipped", r.err)
        C.check("still pending" in r.err, "import: what is missing is said to be pending", r.err)
        C.eq(srv.stats()["requests"], 0, "import: nothing is asked online")
        st = statuses(root, 1)
        C.eq(st.get(("bt01/2", 0)), "errored", "import: a failed batch line is an errored case")
        C.check(("bt01/1", 0) not in st, "import: a lost line leaves its case pending", st)
        C.eq([st.get(("bt01/%d" % n, 0)) for n in (4, 5, 6)], ["needs-grader"] * 3,
             "import: answers that need a grader wait for their verdicts")

        # Round 2: the missing answers and the verdicts, in one file.
        req2, res2 = os.path.join(TMP, "req2.jsonl"), os.path.join(TMP, "res2.jsonl")
        r = run(SPECC, ["test", "--no-progress", "--resume", "1", "--batch-export", req2, "."], cwd=root)
        ids2 = sorted(q["custom_id"] for q in lines(req2)) if r.rc == 0 else []
        C.eq(ids2, ["specc:1:a:0:bt01/1", "specc:1:a:0:bt01/2", "specc:1:g:0:0:bt01/4", "specc:1:g:0:0:bt01/5",
                    "specc:1:g:0:0:bt01/6"], "export 2: the missing answers and the grader requests")
        graded = [q for q in lines(req2) if ":g:" in q["custom_id"]]
        C.check(all(q["body"].get("response_format", {}).get("type") == "json_schema" for q in graded),
                "export 2: grader requests ask for the verdict schema", graded[:1])
        serve_batch(srv, req2, res2)
        srv.reset()
        r = run(SPECC, ["test", "--no-progress", "--resume", "1", "--batch-import", res2, "."], cwd=root)
        C.check("took 5 results" in r.err, "import 2: 5 results", r.err)
        C.eq(srv.stats()["requests"], 0, "import 2: nothing online")

        # Online finishes the rest: the new answers' verdicts.
        srv.reset()
        r = run(SPECC, ["test", "--no-progress", "--min-pass-rate", "0", "--resume", "1", "."], cwd=root)
        C.eq(srv.stats().get("grader_requests"), 0, "online: bt01/1 and bt01/2 need no grader")
        C.eq(statuses(root, 1), want, "mixed batch and online work ends where the online run ended")
        r = run(SPECC, ["runs", "."], cwd=root)
        C.check("finished" in r.out, "the run is finished", r.out)

        # Errors.
        r = run(SPECC, ["test", "--batch-import", res2, "."], cwd=root)
        C.check(r.rc == 2 and "--resume" in r.err, "import needs --resume", r)
        bad = os.path.join(TMP, "bad.jsonl")
        with open(bad, "w") as f:
            f.write(lines(res2)[0] and json.dumps(lines(res2)[0]) + "\n{broken\n")
        r = run(SPECC, ["test", "--resume", "1", "--batch-import", bad, "."], cwd=root)
        C.check(r.rc == 2 and "bad.jsonl:2:" in r.err, "a broken line is an error at FILE:LINE", r)
        with open(bad, "w") as f:
            f.write(json.dumps({"custom_id": "request-1", "response": None}) + "\n")
        r = run(SPECC, ["test", "--resume", "1", "--batch-import", bad, "."], cwd=root)
        C.check(r.rc == 2 and "not one of specc's" in r.err, "a foreign custom_id is an error", r)
    finally:
        srv.stop()
        cleanup(TMP)
    C.finish()


if __name__ == "__main__":
    main()
