#!/usr/bin/env python3
"""The response cache, --repeat, --shard, --dry-run and --max-cost.

- a second identical run makes no call (server /stats unchanged) and
  reports its cases as cached; --no-cache asks again;
- --repeat 3 asks 3 distinct requests per item, with seeds seed, seed+1,
  seed+2 when the provider sets seed:;
- the shards 1..N of a suite are disjoint and together are the suite;
- --dry-run prints cases, calls, tokens and cost and asks nothing;
  --max-cost below the estimate refuses to start (exit 2) and asks nothing.

Usage: test_cache.py SPECC TESTSERVER
"""
import json
import os
import re
import sys

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import (binaries, cleanup, Checks, Server, item, openai_provider, query, run,  # noqa: E402
                         tempdir, write_project)

SPECC, TESTSERVER = binaries()
C = Checks("eval-cache")
TMP = tempdir("cache")


def requests(srv):
    return srv.stats()["requests"]


def test_cache(srv):
    root = os.path.join(TMP, "cache")
    items = {"ca01": [item("what is %d + %d?" % (i, i), ['contains: "Answer"']) for i in range(12)],
             "ca02": [item("reply: fixed %d" % i, ['contains: "fixed"']) for i in range(8)]}
    write_project(root, items, openai_provider("local", srv.url))
    b = requests(srv)
    r1 = run(SPECC, ["test", "--no-progress", "--format", "json", root])
    C.eq(r1.rc, 0, "cache: the first run passes")
    C.eq(requests(srv) - b, 20, "cache: the first run asks 20 times")
    rep1 = r1.json() if r1.rc == 0 else {"cases": []}
    C.check(rep1["cases"] and not any(c["cached"] for c in rep1["cases"]),
            "cache: the first run's cases are not cached")
    st = srv.stats()
    r2 = run(SPECC, ["test", "--no-progress", "--format", "json", root])
    C.eq(r2.rc, 0, "cache: the second run passes")
    C.eq(srv.stats(), st, "cache: the second identical run makes no call (/stats unchanged)")
    rep2 = r2.json() if r2.rc == 0 else {"cases": [], "run": {}}
    C.check(len(rep2["cases"]) == 20 and all(c["cached"] for c in rep2["cases"]),
            "cache: the second run reports 20 cached cases", [c["cached"] for c in rep2["cases"]])
    C.eq([c["answer"] for c in rep2["cases"]], [c["answer"] for c in rep1["cases"]],
         "cache: cached answers equal the first answers")
    C.check(rep2["run"].get("id") != rep1["run"]["id"], "cache: the second run is a new run")
    n = query(root, "SELECT COUNT(*) AS n FROM responses")[0]["n"]
    C.eq(n, 20, "cache: the store holds 20 cached responses")
    b = requests(srv)
    r3 = run(SPECC, ["test", "--no-progress", "--format", "json", "--no-cache", root])
    C.eq(r3.rc, 0, "cache: --no-cache passes")
    C.eq(requests(srv) - b, 20, "cache: --no-cache asks every case again")
    rep3 = r3.json() if r3.rc == 0 else {"cases": []}
    C.check(rep3["cases"] and not any(c["cached"] for c in rep3["cases"]), "cache: --no-cache cases are not cached")
    # --no-cache skips the lookup but stores the fresh answer: a fresh
    # project run with --no-cache first is then answered from the cache.
    root_nc = os.path.join(TMP, "nocache-first")
    write_project(root_nc, {"nc01": [item("reply: nc %d" % i) for i in range(5)]},
                  openai_provider("local", srv.url))
    b = requests(srv)
    r = run(SPECC, ["test", "--no-progress", "--no-cache", root_nc])
    C.check(r.rc == 0 and requests(srv) - b == 5, "cache: --no-cache on a fresh project asks 5 times", r)
    b = requests(srv)
    r = run(SPECC, ["test", "--no-progress", "--format", "json", root_nc])
    C.check(r.rc == 0 and requests(srv) == b and all(c["cached"] for c in r.json()["cases"]),
            "cache: --no-cache stored its fresh answers (the next run asks nothing)", (r, requests(srv) - b))
    # A different model is a different request.
    b = requests(srv)
    r4 = run(SPECC, ["test", "--no-progress", "--model", "other-model", root])
    C.check(r4.rc == 0 and requests(srv) - b == 20, "cache: --model other-model misses the cache", (r4, requests(srv) - b))
    # An edited prompt is a different request; the others still hit.
    with open(os.path.join(root, "evals", "ca02.md")) as f:
        text = f.read()
    with open(os.path.join(root, "evals", "ca02.md"), "w") as f:
        f.write(text.replace("reply: fixed 3", "reply: fixed 3 changed"))
    b = requests(srv)
    r5 = run(SPECC, ["test", "--no-progress", "--format", "json", root])
    C.check(r5.rc == 0 and requests(srv) - b == 1, "cache: editing one prompt asks just that one again",
            (r5.rc, requests(srv) - b))


def test_repeat(srv):
    root = os.path.join(TMP, "repeat")
    write_project(root, {"rp01": [item("tell me a number"), item("tell me a colour")]},
                  openai_provider("local", srv.url, seed=7))
    b = requests(srv)
    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--repeat", "3", root])
    C.eq(r.rc, 0, "repeat: --repeat 3 runs (needs-grader cases exit 0)")
    C.eq(requests(srv) - b, 6, "repeat: --repeat 3 over 2 items asks 6 requests")
    cases = r.json()["cases"] if r.rc == 0 else []
    C.eq(sorted((c["key"], c["sample"]) for c in cases),
         [("rp01/1", 0), ("rp01/1", 1), ("rp01/1", 2), ("rp01/2", 0), ("rp01/2", 1), ("rp01/2", 2)],
         "repeat: cases are (key, sample 0..2)")
    seeds = {(c["key"], c["sample"]): re.findall(r"\(seed (\d+)\)", c["answer"] or "") for c in cases}
    C.check(all(seeds[(k, s)] == [str(7 + s)] for k, s in seeds),
            "repeat: sample s is asked with seed 7+s", seeds)
    C.eq(len({c["answer"] for c in cases}), 6, "repeat: the 6 answers are distinct")
    # The samples are cached one by one: a repeat run asks nothing.
    b = requests(srv)
    r = run(SPECC, ["test", "--no-progress", "--repeat", "3", root])
    C.check(r.rc == 0 and requests(srv) == b, "repeat: a second --repeat 3 run is all cached", r)
    # Asking for more samples asks only the new ones.
    r = run(SPECC, ["test", "--no-progress", "--repeat", "4", root])
    C.check(r.rc == 0 and requests(srv) - b == 2, "repeat: --repeat 4 asks only sample 3 of each item",
            requests(srv) - b)
    # Without seed: still K distinct requests (not folded into one by the cache).
    root2 = os.path.join(TMP, "repeat-noseed")
    write_project(root2, {"rp02": [item("tell me a fact")]}, openai_provider("local", srv.url))
    b = requests(srv)
    r = run(SPECC, ["test", "--no-progress", "--format", "json", "--repeat", "3", root2])
    C.check(r.rc == 0 and requests(srv) - b == 3, "repeat: without a seed --repeat 3 still asks 3 times",
            requests(srv) - b)


def test_shards(srv):
    root = os.path.join(TMP, "shard")
    items = {"sh%02d" % c: [item("reply: s%d-%d" % (c, i), ['contains: "s"']) for i in range(7)]
             for c in range(6)}
    write_project(root, items, openai_provider("local", srv.url))
    full = run(SPECC, ["test", "--no-progress", "--format", "json", "--repeat", "2", "--no-cache", root])
    C.eq(full.rc, 0, "shard: the unsharded run passes")
    want = {(c["key"], c["sample"]) for c in full.json()["cases"]} if full.rc == 0 else set()
    C.eq(len(want), 84, "shard: the suite is 84 cases (42 items x 2 samples)")
    for n in (2, 3, 5):
        parts = []
        for i in range(1, n + 1):
            r = run(SPECC, ["test", "--no-progress", "--format", "json", "--repeat", "2", "--shard",
                            "%d/%d" % (i, n), root])
            if not C.check(r.rc == 0, "shard: %d/%d runs" % (i, n), r):
                continue
            rep = r.json()
            got = [(c["key"], c["sample"]) for c in rep["cases"]]
            C.eq(rep["run"]["total"], len(got), "shard: %d/%d's total is its own case count" % (i, n))
            parts.append(got)
        union = [k for p in parts for k in p]
        C.eq(len(union), len(set(union)), "shard: the %d shards are disjoint" % n)
        C.eq(set(union), want, "shard: the %d shards together are the whole suite" % n)
        C.check(all(p for p in parts) or n > 42, "shard: no shard of %d is empty" % n, [len(p) for p in parts])
    # A case stays in its shard when items are added elsewhere.
    before = {}
    for i in (1, 2, 3):
        r = run(SPECC, ["test", "--no-progress", "--format", "json", "--shard", "%d/3" % i, root])
        before[i] = {c["key"] for c in r.json()["cases"]} if r.rc == 0 else set()
    items["shzz"] = [item("reply: new %d" % i, ['contains: "new"']) for i in range(9)]
    write_project(root, items, openai_provider("local", srv.url))
    moved = []
    for i in (1, 2, 3):
        r = run(SPECC, ["test", "--no-progress", "--format", "json", "--shard", "%d/3" % i, root])
        after = {c["key"] for c in r.json()["cases"]} if r.rc == 0 else set()
        moved += sorted(before[i] - after)
    C.check(all(before.values()) and not moved, "shard: adding a clause moves no existing case to "
            "another shard", moved[:5])
    # --dry-run counts agree with the shard's own run.
    r = run(SPECC, ["test", "--dry-run", "--repeat", "2", "--shard", "2/3", root])
    m = re.search(r"(\d+) cases", r.out)
    C.check(r.rc == 0 and m, "shard: --dry-run --shard 2/3 prints a case count", r)


def test_filters(srv):
    """--clause and --section pick cases (counted with --dry-run)."""
    root = os.path.join(TMP, "filters")
    write_project(root, {"fa01": [item("a")] * 3, "fb02": [item("b")] * 2, "fc03": [item("c")]},
                  openai_provider("local", srv.url))

    def count(*args):
        r = run(SPECC, ["test", "--dry-run", *args, root])
        m = re.search(r"(\d+) cases", r.out)
        return int(m.group(1)) if r.rc == 0 and m else r

    C.eq(count(), 6, "filters: all 6 items")
    C.eq(count("--clause", "fa01"), 3, "filters: --clause fa01")
    C.eq(count("--clause", "fa01,fc03"), 4, "filters: --clause fa01,fc03")
    C.eq(count("--clause", "fa01", "--clause", "fb02"), 5, "filters: --clause twice")
    C.eq(count("--section", "sec_fb02"), 2, "filters: --section sec_fb02")
    C.eq(count("--section", "test_spec"), 6, "filters: --section of the parent takes the subsections")
    C.eq(count("--clause", "fa01", "--repeat", "4"), 12, "filters: --repeat 4 multiplies")
    # A filter that names nothing is a typo: exit 2, not "0 cases passed".
    for args in (["--clause", "nosuch"], ["--clause", "fa01,nosuch"], ["--section", "nosuch"],
                 ["--authority", "boss"]):
        for mode in (["--dry-run"], ["--no-progress"]):
            r = run(SPECC, ["test", *mode, *args, root])
            C.check(r.rc == 2 and args[1].split(",")[-1] in r.err,
                    "filters: %s %s exits 2 naming it" % (mode[0], " ".join(args)), r)


def msgs_len(user):
    return len(json.dumps([{"role": "user", "content": user}], separators=(",", ":"), ensure_ascii=False))


def test_dry_run(srv):
    root = os.path.join(TMP, "dry")
    users = ["reply: priced %d %s" % (i, "x" * (i * 13)) for i in range(10)]
    write_project(root, {"dr01": [item(u) for u in users]}, openai_provider("local", srv.url),
                  extra="prices:\n  test-model: {input: 2.5, output: 10}\n  cheap-model: {input: 0.5, output: 1}\n")
    st = srv.stats()
    r = run(SPECC, ["test", "--dry-run", root])
    C.eq(r.rc, 0, "dry-run: exits 0")
    C.eq(srv.stats(), st, "dry-run: makes no call")
    C.check(not os.path.exists(os.path.join(root, ".specc", "specc.db")) or
            not query(root, "SELECT id FROM runs"), "dry-run: creates no run")
    m = re.search(r"(\d+) cases, (\d+) model calls \((\d+) answered from the cache\)", r.out)
    C.check(m and m.groups() == ("10", "10", "0"), "dry-run: 10 cases, 10 calls, 0 cached", r.out)
    tin = sum(msgs_len(u) for u in users) / 4.0
    tout = 256 * 10
    m = re.search(r"estimated tokens: (\d+) in, (\d+) out", r.out)
    C.check(m and abs(int(m.group(1)) - tin) <= 1 and int(m.group(2)) == tout,
            "dry-run: tokens %.0f in, %d out" % (tin, tout), r.out)
    cost = (tin * 2.5 + tout * 10) / 1e6
    m = re.search(r"estimated cost: \$([0-9.]+)", r.out)
    C.check(m and abs(float(m.group(1)) - cost) < 0.00011, "dry-run: cost $%.4f from prices:" % cost, r.out)
    # Priced by --model too.
    r = run(SPECC, ["test", "--dry-run", "--model", "cheap-model", root])
    cost_cheap = (tin * 0.5 + tout * 1) / 1e6
    m = re.search(r"estimated cost: \$([0-9.]+)", r.out)
    C.check(m and abs(float(m.group(1)) - cost_cheap) < 0.00011, "dry-run: --model picks its price", r.out)
    r = run(SPECC, ["test", "--dry-run", "--model", "unpriced", root])
    C.check(r.rc == 0 and "unknown" in r.out, "dry-run: a model without a price says the cost is unknown", r.out)
    # --max-cost refuses above the estimate and asks nothing.
    st = srv.stats()
    r = run(SPECC, ["test", "--no-progress", "--max-cost", "%.6f" % (cost / 2), root])
    C.check(r.rc == 2 and "max-cost" in r.err, "max-cost: an estimate above --max-cost exits 2", r)
    C.eq(srv.stats(), st, "max-cost: refusing asks nothing")
    C.check(not query(root, "SELECT id FROM runs"), "max-cost: refusing creates no run")
    r = run(SPECC, ["test", "--no-progress", "--max-cost", "0", root])
    C.eq(r.rc, 2, "max-cost: --max-cost 0 refuses a run that costs anything")
    r = run(SPECC, ["test", "--no-progress", "--max-cost", "1", "--model", "unpriced", root])
    C.check(r.rc == 2 and "price" in r.err, "max-cost: a model without a price exits 2", r)
    C.eq(srv.stats(), st, "max-cost: still no call")
    r = run(SPECC, ["test", "--no-progress", "--max-cost", "%.6f" % (cost * 2), root])
    C.eq(r.rc, 0, "max-cost: an estimate below --max-cost runs")
    C.eq(srv.stats()["requests"] - st["requests"], 10, "max-cost: ...and asks the 10 cases")
    # With everything cached, the estimate is zero calls.
    r = run(SPECC, ["test", "--dry-run", root])
    m = re.search(r"(\d+) cases, (\d+) model calls \((\d+) answered from the cache\)", r.out)
    C.check(m and m.groups() == ("10", "0", "10"), "dry-run: after a run, 0 calls and 10 cached", r.out)
    r = run(SPECC, ["test", "--no-progress", "--max-cost", "0", root])
    C.eq(r.rc, 0, "max-cost: --max-cost 0 runs when everything is cached")
    r = run(SPECC, ["test", "--dry-run", "--no-cache", root])
    m = re.search(r"(\d+) model calls", r.out)
    C.check(m and m.group(1) == "10", "dry-run: --no-cache counts every call", r.out)
    # max-tokens bounds the answers.
    root2 = os.path.join(TMP, "dry-max")
    write_project(root2, {"dr02": [item(u) for u in users]}, openai_provider("local", srv.url, max_tokens=100),
                  extra="prices:\n  test-model: {input: 2.5, output: 10}\n")
    r = run(SPECC, ["test", "--dry-run", root2])
    m = re.search(r"estimated tokens: (\d+) in, (\d+) out", r.out)
    C.check(m and int(m.group(2)) == 1000, "dry-run: max-tokens 100 bounds the answers at 1000 tokens", r.out)


def main():
    srv = Server(TESTSERVER)
    try:
        test_cache(srv)
        test_repeat(srv)
        test_shards(srv)
        test_dry_run(srv)
        test_filters(srv)
    finally:
        srv.stop()
        cleanup(TMP)
    C.finish()


if __name__ == "__main__":
    main()
