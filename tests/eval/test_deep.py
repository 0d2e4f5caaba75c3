#!/usr/bin/env python3
"""specc check --deep against the test server as its grader, over HTTP.

The server answers a deep-check request from [[deep:KIND]] markers in the
clauses' texts (tests/server/README.md): a contradiction at one level is an
error at both clauses and exit 1; across levels a note at the lower one;
compatible pairs say nothing; unclear pairs get notes; output that is bad
twice and HTTP errors leave a warning and add 3 to the exit status; a
re-run asks nothing; an edit asks exactly the pairs of the edited clause;
--deep-pairs bounds the requests (1000 by default); pairs the lexical tier decided are not
asked; an overrides= that only the model's contradiction justifies stands,
one the model finds compatible is still invalid, and one whose pairs got no
judgement stays an error that says so; no grader is exit 2; JSON output
carries it all.

Usage: test_deep.py SPECC TESTSERVER
"""
import json
import os
import sqlite3
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evalharness import binaries, cleanup, Checks, openai_provider, run, Server, tempdir  # noqa: E402

SPECC, SERVER = binaries()
C = Checks("eval-deep")
TMP = tempdir("deep")


def project(name, clauses, providers, grader="judge", extra=""):
    """A project at TMP/name: one spec, a section per clause.  clauses is a
    list of (anchor, authority, sentence without its anchor); each anchor
    gets an eval file, so the structural check is clean."""
    root = os.path.join(TMP, name)
    os.makedirs(os.path.join(root, "evals"), exist_ok=True)
    write_spec(root, clauses)
    for cid, _, _ in clauses:
        with open(os.path.join(root, "evals", cid + ".md"), "w") as f:
            f.write("Examples for [^%s] in Section %s:\n\n**Example**: one\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"
                    % (cid, cid))
    with open(os.path.join(root, "specc.yaml"), "w") as f:
        f.write("name: deep-test\nspecs: [spec.md]\nevals: [evals]\n")
        if providers:
            f.write("providers:\n" + providers)
        if grader:
            f.write("grader:\n  provider: %s\n" % grader)
        f.write(extra)
    return root


def write_spec(root, clauses):
    """Each section's heading carries authority=LEVEL; LEVEL may hold more
    attributes ("user overrides=#sec_x")."""
    lines = ["# Deep test {#deep_test}", ""]
    for cid, level, text in clauses:
        lines += ["## Section %s {#sec_%s authority=%s}" % (cid, cid, level), "", "%s[^%s]." % (text, cid), ""]
    with open(os.path.join(root, "spec.md"), "w") as f:
        f.write("\n".join(lines))


def deep(root, *args, fmt="json", timeout=60):
    return run(SPECC, ["check", "--deep", "--format", fmt, *args, "."], cwd=root, timeout=timeout)


def diags(r):
    try:
        return r.json()["diagnostics"]
    except (ValueError, KeyError):
        return []


def codes(r):
    return sorted(d["code"] for d in diags(r))


def lines_of(r, code):
    return sorted(d["start"]["line"] for d in diags(r) if d["code"] == code)


class Counter:
    """deep_requests on the server since the last call."""

    def __init__(self, srv):
        self.srv = srv
        srv.reset()

    def take(self):
        n = self.srv.stats().get("deep_requests")
        self.srv.reset()
        return n


def main():
    srv = Server(SERVER)
    try:
        judge = openai_provider("judge", srv.url, model="deep-judge", timeout=2, retries=1)
        asked = Counter(srv)

        # A contradiction at one level: errors at both clauses, exit 1,
        # in JSON with the model's reason; an unrelated clause is not paired.
        one = project("one-level", [
            ("a1", "user", "The assistant should greet returning members by their loyalty tier in every chat "
                           "[[deep:contradiction]]"),
            ("a2", "user", "Loyalty tiers of returning members are mentioned only when the member asks"),
            ("a3", "user", "Forecasts come from the national weather service"),
        ], judge)
        r = deep(one)
        C.eq(r.rc, 1, "one level: a judged contradiction is an error, exit 1")
        C.eq(codes(r), ["clause-conflict", "clause-conflict"], "one level: clause-conflict at both clauses")
        C.eq(lines_of(r, "clause-conflict"), [5, 9], "one level: at the two clauses' lines")
        msg = [d["message"] for d in diags(r)]
        C.check(all('the grader model judged them contradictory: "scripted contradiction"' in m for m in msg),
                "one level: the message says a model judged it, with its reason", msg)
        C.check(all(d.get("related") and d["related"][0]["start"]["line"] in (5, 9) for d in diags(r)),
                "one level: each names the other clause as related", diags(r))
        C.eq(asked.take(), 1, "one level: one request, for the one candidate pair")
        C.check("1 of 1 candidate pair judged: 1 contradiction, 0 unclear, 0 compatible; 1 asked, 0 from the store"
                in r.err, "one level: the summary line", r.err)
        rows = sqlite3.connect(os.path.join(one, ".specc", "specc.db")).execute(
            "SELECT verdict, reason, model FROM deep_judgements").fetchall()
        C.eq(rows, [("contradiction", "scripted contradiction", "deep-judge")], "one level: the judgement is stored")

        # An unchanged re-run asks nothing and says the same.
        again = deep(one)
        C.eq(asked.take(), 0, "re-run: zero requests")
        C.eq((again.rc, again.out), (r.rc, r.out), "re-run: the same findings and exit status")
        C.check("0 asked, 1 from the store" in again.err, "re-run: the summary says where it came from", again.err)
        # --no-cache asks again (and stores again).
        r = deep(one, "--no-cache")
        C.eq((r.rc, asked.take()), (1, 1), "--no-cache asks again")
        # Human output carries the same.
        r = deep(one, fmt="human")
        C.check(r.rc == 1 and "spec.md:5:1: error: clause a1 (section sec_a1, user, spec spec) conflicts with clause a2"
                in r.out and "2 errors, 0 warnings" in r.out, "human output: the errors", r)
        asked.take()
        # SARIF too.
        r = deep(one, fmt="sarif")
        results = json.loads(r.out)["runs"][0]["results"] if r.rc == 1 else []
        C.eq(sorted(x["ruleId"] for x in results), ["clause-conflict", "clause-conflict"], "sarif: the results")
        asked.take()
        # Without --deep nothing is asked and no store is made.
        plain = project("plain", [("b1", "user", "Refund requests for flights go to the travel desk [[deep:contradiction]]"),
                                  ("b2", "user", "Refund requests for flights are answered in the chat")], judge)
        r = run(SPECC, ["check", "--format", "json", "."], cwd=plain)
        C.eq((r.rc, codes(r), asked.take()), (0, [], 0), "without --deep: no request, no finding")
        C.check(not os.path.exists(os.path.join(plain, ".specc")), "without --deep: no store is made")

        # Across levels the higher clause wins: a note at each clause.
        cross = project("cross", [
            ("c1", "root", "Never name a member's loyalty tier in a greeting [[deep:contradiction]]"),
            ("c2", "user", "Greetings name the member's loyalty tier"),
        ], judge)
        r = deep(cross)
        C.eq((r.rc, codes(r)), (0, ["conflict-overridden"] * 2), "across levels: conflict-overridden notes, exit 0")
        C.eq(lines_of(r, "conflict-overridden"), [5, 9], "across levels: at both clauses")
        C.check(any(d["start"]["line"] == 9 and "is overridden by clause c1" in d["message"] for d in diags(r)),
                "across levels: the lower clause names the winner", diags(r))
        C.check(any(d["start"]["line"] == 5 and "overrides clause c2" in d["message"] for d in diags(r)),
                "across levels: the higher clause names the one it overrides", diags(r))
        asked.take()

        # Compatible: nothing but the count.
        comp = project("compatible", [
            ("d1", "user", "Parking permits and parking fines are handled by the council office"),
            ("d2", "user", "Parking permits and parking fines are never discussed in the chat"),
        ], judge)
        r = deep(comp)
        C.eq((r.rc, codes(r), asked.take()), (0, [], 1), "compatible: no finding, exit 0, one request")
        C.check("0 contradictions, 0 unclear, 1 compatible" in r.err, "compatible: counted in the summary", r.err)

        # Unclear: a note at both clauses with the model's reason.
        unc = project("unclear", [
            ("e1", "user", "Replacement cards arrive within five working days [[deep:unclear]]"),
            ("e2", "user", "Replacement cards for travellers arrive at the hotel"),
        ], judge)
        r = deep(unc)
        C.eq((r.rc, codes(r)), (0, ["conflict-unclear", "conflict-unclear"]), "unclear: a note at each clause, exit 0")
        C.check(all('could not tell whether this clause contradicts' in d["message"] and '"scripted unclear"' in
                    d["message"] and d["severity"] == "note" for d in diags(r)), "unclear: says so, with the reason",
                diags(r))
        C.eq(lines_of(r, "conflict-unclear"), [5, 9], "unclear: at both clauses")
        asked.take()

        # Bad output twice: a warning, exit 0 + 3; it was asked exactly twice.
        bad = project("malformed", [
            ("f1", "user", "Statements are sent as PDF files every month [[deep:malformed]]"),
            ("f2", "user", "Monthly statements are sent as plain text"),
        ], judge)
        r = deep(bad)
        C.eq(r.rc, 3, "malformed twice: exit 0 + 3")
        C.eq(codes(r), ["deep-check-incomplete"], "malformed twice: one deep-check-incomplete warning")
        C.check(any("1 of 1 candidate pair got no judgement from the grader model (first: the grader's output is not "
                    "a JSON object" in d["message"] and d["severity"] == "warning" for d in diags(r)),
                "malformed twice: the warning says how many and why", diags(r))
        C.check("the deep check is incomplete: 1 pair not judged" in r.err and "exit status is 3 higher" in r.err,
                "malformed twice: a line on stderr", r.err)
        C.eq(asked.take(), 2, "malformed twice: asked once more, no more")
        # Nothing was stored, so the next run asks again.
        r = deep(bad)
        C.eq((r.rc, asked.take()), (3, 2), "malformed twice: not stored, asked again next time")
        with open(os.path.join(bad, "spec.md")) as f:
            text = f.read()
        with open(os.path.join(bad, "spec.md"), "w") as f:
            f.write(text.replace("[[deep:malformed]]", "[[deep:malformed:1]]"))
        r = deep(bad)
        C.eq((r.rc, codes(r), asked.take()), (0, [], 2), "malformed once: asked again, judged, exit 0")
        # --strict counts the warning too: 1 + 3.
        err = project("http", [
            ("g1", "user", "Overdraft fees are waived for students [[deep:fault-500]]"),
            ("g2", "user", "Students pay overdraft fees like everyone"),
        ], judge)
        r = deep(err)
        C.eq((r.rc, codes(r)), (3, ["deep-check-incomplete"]), "HTTP 500: a warning, exit 3")
        C.check(any("(first: HTTP 500" in d["message"] for d in diags(r)), "HTTP 500: the first error is named",
                diags(r))
        C.eq(asked.take(), 2, "HTTP 500: retried once (retries: 1), then given up")
        r = deep(err, "--strict")
        C.eq(r.rc, 4, "HTTP 500 with --strict: the warning fails (1), plus 3")
        asked.take()

        # A contradiction and a failure together: 1 + 3.
        both = project("both", [
            ("h1", "user", "The assistant should greet returning members by their loyalty tier [[deep:contradiction]]"),
            ("h2", "user", "Loyalty tiers of returning members are mentioned only on request"),
            ("h3", "user", "Overdraft fees are waived for students [[deep:fault-503]]"),
            ("h4", "user", "Students pay overdraft fees like everyone"),
        ], judge)
        r = deep(both)
        C.eq((r.rc, codes(r)), (4, ["clause-conflict", "clause-conflict", "deep-check-incomplete"]),
             "a contradiction and a failure: exit 1 + 3")
        C.eq(asked.take(), 3, "a contradiction and a failure: 1 + 2 requests")
        # A store that refuses writes: the judgement still counts, the run
        # is incomplete.
        con = sqlite3.connect(os.path.join(both, ".specc", "specc.db"))
        con.execute("CREATE TRIGGER refuse BEFORE INSERT ON deep_judgements BEGIN "
                    "SELECT RAISE(FAIL, 'planted failure'); END")
        con.commit()
        con.close()
        r = deep(both, "--no-cache")
        C.eq(r.rc, 4, "store refuses: exit 1 + 3")
        C.check(any("2 judgements could not be stored" in d["message"] or "1 judgement could not be stored"
                    in d["message"] for d in diags(r)) and "planted failure" in r.err,
                "store refuses: the warning says so, with SQLite's error", (diags(r), r.err))
        C.eq(codes(r).count("clause-conflict"), 2, "store refuses: the judgement is still reported")
        asked.take()

        # An edit of one clause asks exactly the pairs it is in.
        edit = project("edit", [
            ("k1", "user", "Refund requests for flights go to the travel desk"),
            ("k2", "user", "Refund requests for flights are answered in the chat"),
            ("k3", "user", "Refund requests for flights wait for a supervisor"),
        ], judge)
        r = deep(edit)
        C.eq((r.rc, asked.take()), (0, 3), "edit: three clauses on one topic, three pairs asked")
        write_spec(edit, [
            ("k1", "user", "Refund requests for flights go to the travel desk"),
            ("k2", "user", "Refund requests for flights are answered in the chat"),
            ("k3", "user", "Refund requests for flights wait for a team lead"),
        ])
        r = deep(edit)
        C.eq((r.rc, asked.take()), (0, 2), "edit: one clause edited, its two pairs asked again, the third not")
        C.check("2 asked, 1 from the store" in r.err, "edit: the summary says so", r.err)

        # --deep-pairs bounds the requests, best first.
        many = project("many", [
            ("m1", "user", "Refund requests for flights go to the travel desk"),
            ("m2", "user", "Refund requests for flights are answered in the chat"),
            ("m3", "user", "Refund requests for flights wait for a supervisor"),
            ("m4", "user", "Refund requests for flights are logged"),
        ], judge)
        r = deep(many, "--deep-pairs", "2")
        C.eq((r.rc, asked.take()), (0, 2), "--deep-pairs 2: two requests of six candidates")
        C.check("the best 2 of 6 pairs that share content" in r.err, "--deep-pairs: the summary says what was left",
                r.err)
        r = deep(many, "--deep-pairs", "0")
        C.check(r.rc == 2 and "--deep-pairs takes a whole number from 1" in r.err, "--deep-pairs 0 is refused", r)
        # Without --deep-pairs, up to 1000 are judged: four topics of ten
        # clauses, each pair on a topic sharing two words that a quarter
        # of the clauses have (no more, or they would be everyday words),
        # are 4 x 45 = 180 candidates, all asked.
        topics = [("Parcel", "lockers"), ("Invoice", "disputes"), ("Seat", "upgrades"), ("Baggage", "allowances")]
        ends = ["Aberdeen", "Bristol", "Cardiff", "Dundee", "Exeter", "Falkirk", "Glasgow", "Hereford", "Ipswich",
                "Jarrow", "Kendal", "Leeds", "Margate", "Newport", "Oxford", "Penrith", "Reading", "Salford",
                "Truro", "Ullapool", "Ventnor", "Wigan", "Yeovil", "Zennor", "Alnwick", "Bangor", "Chester",
                "Derby", "Ely", "Frome", "Goole", "Hythe", "Ilkley", "Jedburgh", "Keswick", "Lewes", "Malton",
                "Nairn", "Oban", "Perth"]
        wide = project("wide", [("w%02d" % i, "user", "%s %s are handled from %s" % (topics[i // 10] + (ends[i],)))
                                for i in range(40)], judge)
        r = deep(wide, timeout=120)
        C.eq((r.rc, asked.take()), (0, 180), "default --deep-pairs: all 180 candidates of 40 clauses asked")
        C.check("180 of 180 candidate pairs judged" in r.err and "the best" not in r.err,
                "default --deep-pairs: the summary says every candidate was judged", r.err)

        # Pairs the lexical tier decided are not asked.
        lex = project("lexical", [
            ("n1", "user", "The assistant must share the member's appointment records [[deep:unclear]]"),
            ("n2", "user", "The assistant must not share the member's appointment records"),
        ], judge)
        r = deep(lex)
        C.eq((r.rc, codes(r), asked.take()), (1, ["clause-conflict", "clause-conflict"], 0),
             "a pair the lexical tier reported is not asked")
        C.check("no pair of clauses shares enough content to ask the grader about beyond the conflicts already "
                "reported" in r.err, "and the summary says why nothing was asked", r.err)

        # overrides= that only the model's contradiction justifies: the
        # two clauses share one content word, the lexical tier sees no
        # conflict, so without --deep it is invalid-override; with --deep
        # the pair is asked first, even with --deep-pairs 1 and a better
        # scored pair elsewhere, and the declaration resolves the conflict.
        ovr_clauses = [
            ("o1", "user overrides=#sec_o2", "When a member makes a light remark about their finances, the "
                                             "assistant may joke back [[deep:contradiction]]"),
            ("o2", "user", "Never joke about money worries"),
            ("o3", "user", "Refund requests for flights go to the travel desk"),
            ("o4", "user", "Refund requests for flights are answered in the chat"),
        ]
        ovr = project("override", ovr_clauses, judge)
        r = run(SPECC, ["check", "--format", "json", "."], cwd=ovr)
        C.eq((r.rc, codes(r), asked.take()), (1, ["invalid-override"], 0),
             "overrides= without --deep: invalid-override, as before, nothing asked")
        r = deep(ovr, "--deep-pairs", "1")
        C.eq((r.rc, codes(r)), (0, ["conflict-overridden", "conflict-overridden"]),
             "overrides= justified by the model: no invalid-override, exit 0")
        C.eq(asked.take(), 1, "overrides=: its pair is asked first, within --deep-pairs 1")
        C.check(any(d["start"]["line"] == 9 and "is overridden by clause o1" in d["message"] and
                    "as section sec_o1 declares" in d["message"] and
                    'the grader model judged them contradictory: "scripted contradiction"' in d["message"]
                    for d in diags(r)), "overrides=: the overridden clause names the declaration and the model",
                diags(r))
        C.check(any(d["start"]["line"] == 5 and "overrides clause o2 (section sec_o2, user, spec spec), as section "
                    "sec_o1 declares" in d["message"] for d in diags(r)),
                "overrides=: the overriding clause hears of it too", diags(r))
        C.check(any(rel.get("message") == "declared here" and rel["start"]["line"] == 3
                    for d in diags(r) for rel in d.get("related", [])),
                "overrides=: the note points at the declaration", diags(r))
        C.check("the best 1 of 2 pairs that share content or cross an overrides=" in r.err,
                "overrides=: the summary counts the declared pair", r.err)
        # From the store next time, the same.
        again = deep(ovr, "--deep-pairs", "1")
        C.eq((again.rc, again.out, asked.take()), (r.rc, r.out, 0), "overrides=: a re-run asks nothing, says the same")

        # The model finds the two compatible: the declaration is still
        # invalid, and the message says what the model judged.
        ovr_clauses[0] = ("o1", "user overrides=#sec_o2", "When a member makes a light remark about their "
                                                          "finances, the assistant may joke back [[deep:compatible]]")
        comp = project("override-compatible", ovr_clauses, judge)
        r = deep(comp)
        C.eq((r.rc, codes(r)), (1, ["invalid-override"]), "overrides= the model finds compatible: invalid-override")
        C.check(any(d["code"] == "invalid-override" and d["start"]["line"] == 3 and
                    'section "sec_o1" overrides "sec_o2", but no clause of the two conflicts: the grader model '
                    'judged the one pair of their clauses and found no contradiction' in d["message"]
                    for d in diags(r)), "overrides= compatible: the message says the model judged their pair",
                diags(r))
        asked.take()

        # Its pair gets no judgement: the error stands on the lexical
        # reading (as without --deep) and says the verdict may change; the
        # run is incomplete, 1 + 3.  Once judged, the declaration holds.
        ovr_clauses[0] = ("o1", "user overrides=#sec_o2", "When a member makes a light remark about their "
                                                          "finances, the assistant may joke back [[deep:fault-500]]")
        inc = project("override-incomplete", ovr_clauses, judge)
        r = deep(inc)
        C.eq((r.rc, codes(r)), (4, ["deep-check-incomplete", "invalid-override"]),
             "overrides= unjudged: invalid-override and deep-check-incomplete, exit 1 + 3")
        bad = [d for d in diags(r) if d["code"] == "invalid-override"]
        C.check(bad and "but no conflict between their clauses has been found" in bad[0]["message"] and
                "the grader model gave no judgement on the one pair of their clauses, so it may yet find them "
                "contradictory" in bad[0]["message"] and
                "run specc check --deep again" in (bad[0].get("help") or ""),
                "overrides= unjudged: the error says its evidence is incomplete, and what to do", bad)
        asked.take()
        with open(os.path.join(inc, "spec.md")) as f:
            text = f.read()
        with open(os.path.join(inc, "spec.md"), "w") as f:
            f.write(text.replace("[[deep:fault-500]]", "[[deep:contradiction]]"))
        r = deep(inc)
        C.eq((r.rc, codes(r)), (0, ["conflict-overridden", "conflict-overridden"]),
             "overrides= judged on the next run: the declaration holds, exit 0")
        asked.take()
        # A failure elsewhere leaves a declaration whose pair was judged
        # as it is: its evidence is complete.
        ovr_clauses[0] = ("o1", "user overrides=#sec_o2", "When a member makes a light remark about their "
                                                          "finances, the assistant may joke back")
        ovr_clauses[2] = ("o3", "user", "Refund requests for flights go to the travel desk [[deep:fault-500]]")
        other = project("override-other-failure", ovr_clauses, judge)
        r = deep(other)
        C.eq((r.rc, codes(r)), (4, ["deep-check-incomplete", "invalid-override"]),
             "a failure elsewhere: the declaration's error and the warning, 1 + 3")
        C.check(any(d["code"] == "invalid-override" and "but no clause of the two conflicts: the grader model "
                    "judged the one pair" in d["message"] for d in diags(r)),
                "a failure elsewhere: the declaration's own evidence is complete", diags(r))
        asked.take()

        # No grader: exit 2, naming grader.provider; nothing asked.
        none = project("nograder", [("p1", "user", "Refund requests for flights go to the travel desk"),
                                    ("p2", "user", "Refund requests for flights are answered in the chat")],
                       judge, grader=None)
        r = deep(none)
        C.check(r.rc == 2 and "grader.provider" in r.err and r.out == "", "no grader: exit 2, naming grader.provider", r)
        r = deep(none, "--grader", "judge")
        C.eq((r.rc, asked.take()), (0, 1), "--grader NAME names one")
        r = deep(none, "--grader", "nobody")
        C.check(r.rc == 2 and 'no provider is named "nobody"' in r.err, "--grader with an unknown name: exit 2", r)
        r = run(SPECC, ["check", "--grader", "judge", "."], cwd=none)
        C.check(r.rc == 2 and "--grader belongs to the model tier; add --deep" in r.err,
                "--grader without --deep is refused", r)
        # An openai grader whose key is not set: exit 2, as specc test.
        keyed = project("key", [("q1", "user", "Refund requests for flights go to the travel desk"),
                                ("q2", "user", "Refund requests for flights are answered in the chat")],
                        openai_provider("judge", srv.url, api_key_env="SPECC_DEEP_TEST_KEY"))
        r = run(SPECC, ["check", "--deep", "."], cwd=keyed, env={"SPECC_DEEP_TEST_KEY": None})
        C.check(r.rc == 2 and "$SPECC_DEEP_TEST_KEY, which is not set" in r.err, "a missing API key: exit 2", r)
        C.eq(asked.take(), 0, "nothing asked without a grader or a key")
        # The bundled example's grader replays recorded judgements of its
        # candidate pairs (examples/recordings/deep-2025-09.jsonl).
        example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
        store = os.path.join(TMP, "example.db")
        r = run(SPECC, ["check", "--deep", "--store", store, "--format", "json", "."], cwd=example)
        C.check(r.rc == 0 and "2 of 2 candidate pairs judged" in r.err and "2 compatible" in r.err,
                "the example checks clean with --deep: its recorded judgements cover its candidates", r)
    finally:
        srv.stop()
        cleanup(TMP)
    C.finish()


if __name__ == "__main__":
    main()
