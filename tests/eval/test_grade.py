#!/usr/bin/env python3
"""The grader: scripted verdicts, bad output, refusals and timeouts from the
test server acting as a grader; unscored never turns into a pass or a fail;
judges and their majority; an unchanged re-run makes no grader call; and
specc calibrate on the corpus gives accuracy 1 with a grader that answers
from the labels and kappa -1 with one that inverts them.

Usage: SPECC_CORPUS=model_spec.md test_grade.py SPECC TESTSERVER
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import (binaries, cleanup, Checks, item, openai_provider, query, run,  # noqa: E402
                         Server, tempdir, write_project)
import corpus_labels  # noqa: E402

SPECC, SERVER = binaries()
CORPUS = os.environ.get("SPECC_CORPUS")
C = Checks("eval-grade")
TMP = tempdir("grade")

# Case -> (the answer's grader marker, the status it must end with).
SCRIPT = {
    "ok": ("[[grade:compliant:*]]", "passed"),
    "bad": ("[[grade:violation:*]]", "failed"),
    "unclear": ("[[grade:unclear:*]]", "unscored"),
    "flaky": ("[[grade:malformed:1]]", "passed"),          # asked once more, then valid
    "malformed": ("[[grade:malformed:*]]", "unscored"),
    "schema": ("[[grade:schema:*]]", "unscored"),
    "prose": ("[[grade:prose:*]]", "unscored"),
    "refusal": ("[[grade:refusal:*]]", "unscored"),
    "http500": ("[[grade:fault-500:1]]", "passed"),          # a transport retry
    "hang": ("[[grade:fault-hang:*]]", "unscored"),          # times out every attempt
}


def main():
    srv = Server(SERVER)
    try:
        root = os.path.join(TMP, "proj")
        # No expect block: only a grader can decide these.
        clauses = {"gr01": [item("reply: answer %s %s" % (name, marker)) for name, (marker, _) in SCRIPT.items()]}
        providers = openai_provider("model", srv.url) + openai_provider("judge", srv.url, model="grader",
                                                                        timeout=1, retries=1)
        write_project(root, clauses, providers, "test:\n  provider: model\ngrader:\n  provider: judge\n")
        r = run(SPECC, ["test", "--no-progress", "--min-pass-rate", "0", "--format", "json", "."], cwd=root,
                timeout=120)
        C.check(r.rc in (0, 1), "the graded run finishes", r)
        rep = r.json() if r.rc in (0, 1) else {"cases": [], "totals": {}}
        got = {c["key"]: c for c in rep["cases"]}
        for n, (name, (marker, want)) in enumerate(SCRIPT.items(), 1):
            c = got.get("gr01/%d" % n, {})
            C.eq(c.get("status"), want, "%s (%s) ends %s" % (name, marker, want))
        t = rep.get("totals", {})
        C.eq((t.get("passed"), t.get("failed"), t.get("unscored")), (3, 1, 6),
             "totals: 3 passed, 1 failed, 6 unscored, which count as neither")
        C.check("uncalibrated" in r.err or "not been calibrated" in r.err, "an uncalibrated grader is warned about",
                r.err)
        rows = query(root, "SELECT key, judge, verdict, error, output, attempts FROM verdicts ORDER BY key")
        by = {row["key"]: row for row in rows}
        C.check(by.get("gr01/5", {}).get("error") and "not a JSON object" in by["gr01/5"]["error"],
                "malformed output is recorded with why", by.get("gr01/5"))
        C.check(by.get("gr01/5", {}).get("output", "").startswith('{"verdict": "compliant", "confid'),
                "the bad output is kept", by.get("gr01/5"))
        C.check(by.get("gr01/4", {}).get("attempts") == 2, "bad output is asked once more", by.get("gr01/4"))
        C.check(by.get("gr01/10", {}).get("error") and "time" in by["gr01/10"]["error"].lower(),
                "a grader timeout is recorded as the reason", by.get("gr01/10"))
        r = run(SPECC, ["runs", "show", "1", "--format", "junit", "."], cwd=root)
        C.check('<failure message="the grader found a violation: scripted">' in r.out,
                "junit: a grader's violation is the failure's message", r.out[:400])
        C.check(r.out.count("<skipped message=\"unscored") == 6, "junit: unscored cases are skipped", r.out[:400])
        r = run(SPECC, ["runs", "show", "1", "--format", "sarif", "."], cwd=root)
        texts = [x["message"]["text"] for x in json.loads(r.out)["runs"][0]["results"]] if r.rc == 0 else []
        C.check(any("gr01/2: the grader found a violation: scripted" in t for t in texts),
                "sarif: the clause's result names the grader's verdict", texts)
        prompt = query(root, "SELECT COUNT(*) AS n FROM grades")[0]["n"]
        C.eq(prompt, len(SCRIPT), "every case has a grade")

        # An unchanged re-run asks the grader nothing, and judges vote.
        clean = os.path.join(TMP, "clean")
        clauses = {"gr02": [item("reply: fine %d [[grade:compliant:*]]" % n) for n in range(1, 4)] +
                   [item("reply: wrong [[grade:violation:*]]"),
                    # One judge of three says violation: the majority passes it.
                    item("reply: split [[grade:violation:1]]")]}
        write_project(clean, clauses, providers, "test:\n  provider: model\ngrader:\n  provider: judge\n"
                      "  judges: 3\nprices:\n  test-model: { input: 1, output: 1 }\n")
        r = run(SPECC, ["test", "--dry-run", "."], cwd=clean)
        C.check(r.rc == 0 and "at most 15 grader calls (5 cases no check decides, 3 judges each" in r.out,
                "dry-run: the grader's calls are bounded: cases x judges", r.out)
        r = run(SPECC, ["test", "--max-cost", "1", "."], cwd=clean)
        C.check(r.rc == 2 and "price of the grader's model grader" in r.err,
                "max-cost: needs the grader's price too", r)
        srv.reset()
        r = run(SPECC, ["test", "--no-progress", "--min-pass-rate", "0", "--format", "json", "."], cwd=clean,
                timeout=120)
        first = srv.stats().get("grader_requests")
        C.eq(first, 15, "5 answers, 3 judges each: 15 grader requests")
        got = {c["key"]: c for c in r.json()["cases"]} if r.rc in (0, 1) else {}
        C.eq(got.get("gr02/5", {}).get("status"), "passed", "judges: 2 of 3 compliant passes")
        C.check(abs((got.get("gr02/5", {}).get("agreement") or 0) - 2 / 3) < 1e-9, "judges: agreement 2/3",
                got.get("gr02/5"))
        C.eq(got.get("gr02/4", {}).get("status"), "failed", "judges: 3 of 3 violation fails")
        srv.reset()
        r = run(SPECC, ["test", "--no-progress", "--min-pass-rate", "0", "--format", "json", "."], cwd=clean,
                timeout=120)
        C.eq(srv.stats().get("grader_requests"), 0, "an unchanged re-run makes zero grader calls")
        again = {c["key"]: c["status"] for c in r.json()["cases"]} if r.rc in (0, 1) else {}
        C.eq(again, {k: c["status"] for k, c in got.items()}, "the re-run has the same verdicts")

        # Calibration on the corpus: a grader that answers from the labels,
        # and one that inverts them.
        if CORPUS and os.path.exists(CORPUS):
            labels, counts = corpus_labels.labels(SPECC, CORPUS)
            lpath = os.path.join(TMP, "labels.jsonl")
            with open(lpath, "w") as f:
                f.writelines(json.dumps(x) + "\n" for x in labels)
            for invert in (False, True):
                tag = "inverted" if invert else "labels"
                lsrv = Server(SERVER, "--labels", lpath, *(["--invert"] if invert else []))
                try:
                    cal = os.path.join(TMP, "cal-" + tag)
                    os.makedirs(cal)
                    with open(os.path.join(cal, "specc.yaml"), "w") as f:
                        f.write("name: corpus\nspecs: [%s]\nproviders:\n%sgrader:\n  provider: judge\n"
                                % (json.dumps(os.path.abspath(CORPUS)), openai_provider("judge", lsrv.url)))
                    r = run(SPECC, ["calibrate", "--format", "json", "."], cwd=cal, timeout=300)
                    rep = r.json() if r.rc == 0 else {}
                    n = counts["good"] + counts["bad"] + counts["ok"]
                    C.eq(rep.get("answers"), n, "%s: every labelled answer of the corpus is graded (%d)" % (tag, n))
                    if not invert:
                        C.eq(rep.get("accuracy"), 1.0, "labels: accuracy 1.0")
                        C.eq(rep.get("kappa"), 1.0, "labels: kappa 1.0")
                    else:
                        # GOOD and BAD answers are all wrong; OK answers are
                        # right either way.
                        C.eq(rep.get("correct"), counts["ok"], "inverted: only the OK answers agree")
                        # Hand-computed: p_o = 0; with g GOOD and b BAD the
                        # chance agreement is 2gb/(g+b)^2, so kappa is
                        # -2gb/(g^2+b^2): -1 when g = b (186 each here).
                        g, b = counts["good"], counts["bad"]
                        want = -2.0 * g * b / (g * g + b * b)
                        C.check(abs(rep.get("kappa", 0) - want) < 1e-12 and g == b and abs(want + 1) < 1e-12,
                                "inverted: kappa -1", (rep.get("kappa"), g, b))
                    # Calibrating again costs nothing.
                    lsrv.reset()
                    r = run(SPECC, ["calibrate", "--format", "json", "."], cwd=cal, timeout=300)
                    C.eq(lsrv.stats().get("grader_requests"), 0, "%s: calibrating again makes no call" % tag)
                    # The calibration is stored and gates specc test.
                    rows = query(cal, "SELECT accuracy FROM calibrations")
                    C.eq(len(rows), 1, "%s: one calibration per grader fingerprint" % tag)
                finally:
                    lsrv.stop()
        else:
            C.check(False, "the corpus is not at %s" % CORPUS)

        # Rulings are calibration data: a ruling against the grader's verdict
        # is reported by specc calibrate as a disagreement.
        law = os.path.join(TMP, "law")
        write_project(law, {"gr04": [item("reply: fine [[grade:compliant:*]]"),
                                     item("reply: also fine [[grade:compliant:*]]")]},
                      providers, "test:\n  provider: model\ngrader:\n  provider: judge\n")
        with open(os.path.join(law, "spec.md"), "a") as f:
            f.write("\n**Example**: a labelled answer\n\n~~~xml\n<user>\nhi\n</user>\n<comparison>\n"
                    "<assistant> <!-- GOOD -->\nhello [[grade:compliant:*]]\n</assistant>\n</comparison>\n~~~\n")
        run(SPECC, ["test", "--no-progress", "."], cwd=law)
        r = run(SPECC, ["judge", "--verdict", "violation", "--reason", "Too curt.", "1", "gr04/1", "."], cwd=law)
        C.eq(r.rc, 0, "a ruling against the grader is recorded")
        r = run(SPECC, ["judge", "--verdict", "compliant", "--reason", "Fine.", "1", "gr04/2", "."], cwd=law)
        r = run(SPECC, ["calibrate", "--format", "json", "."], cwd=law)
        ru = r.json().get("rulings", {}) if r.rc == 0 else {}
        C.check(ru.get("agree") == 1 and ru.get("disagree") == 1 and
                {(c["case"], c["ruled"], c["graded"]) for c in ru.get("cases", [])} ==
                {("gr04/1", "violation", "compliant"), ("gr04/2", "compliant", "compliant")},
                "calibrate reports rulings against the grader's verdicts", ru)
        r = run(SPECC, ["calibrate", "."], cwd=law)
        C.check("1 agree, 1 disagree" in r.out and "gr04/1: ruled violation, the grader found it compliant" in r.out,
                "calibrate names the disagreement", r.out)

        # A grader calibrated below grader.min-accuracy is refused.
        lsrv = Server(SERVER)
        try:
            gate = os.path.join(TMP, "gate")
            write_project(gate, {"gr03": [item("reply: x [[grade:violation:*]]")]},
                          openai_provider("model", lsrv.url) + openai_provider("judge", lsrv.url, model="g"),
                          "test:\n  provider: model\ngrader:\n  provider: judge\n  min-accuracy: 0.9\n")
            with open(os.path.join(gate, "spec.md"), "a") as f:
                f.write("\n**Example**: a labelled answer\n\n~~~xml\n<user>\nhi\n</user>\n<comparison>\n"
                        "<assistant> <!-- BAD -->\nrude [[grade:compliant:*]]\n</assistant>\n</comparison>\n~~~\n")
            r = run(SPECC, ["calibrate", "."], cwd=gate)
            C.eq(r.rc, 1, "calibrate exits 1 below min-accuracy")
            lsrv.reset()
            r = run(SPECC, ["test", "--no-progress", "."], cwd=gate)
            C.check(r.rc == 2 and "below grader.min-accuracy" in r.err, "test refuses a grader below min-accuracy",
                    r)
            C.eq(lsrv.stats().get("requests"), 0, "and asks nothing")
        finally:
            lsrv.stop()
    finally:
        srv.stop()
        cleanup(TMP)
    C.finish()


if __name__ == "__main__":
    main()
