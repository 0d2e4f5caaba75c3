#!/usr/bin/env python3
"""A grader that replays recorded verdicts, so the example grades with no
network.  specc runs it as an `exec` provider: the grader request (JSON) comes
on stdin, and the verdict goes to stdout.

The verdicts in recordings/verdicts-2025-09.jsonl were written for the
answers the example has: each line holds the section, the conversation and
the answer it judges.  An answer with no recorded verdict is "unclear": this
grader does not guess.

`specc check --deep` asks it about pairs of clauses instead: the judgements
in recordings/deep-2025-09.jsonl were written for the pairs the example's
candidate search finds, each line holding the two clauses' texts (sorted),
the verdict and its reason.  A pair with no recorded judgement is "unclear".
"""
import json
import os
import sys


def key(section, conversation, answer):
    return json.dumps([section, conversation, answer], sort_keys=True, ensure_ascii=False)


def judge_pair(here, task):
    """A recorded judgement of two clauses, for specc check --deep."""
    texts = sorted(c["text"] for c in task["clauses"])
    with open(os.path.join(here, "..", "recordings", "deep-2025-09.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                j = json.loads(line)
                if j["clauses"] == texts:
                    return {"verdict": j["verdict"], "reason": j["reason"]}
    return {"verdict": "unclear", "reason": "No judgement was recorded for this pair."}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    verdicts = {}
    with open(os.path.join(here, "..", "recordings", "verdicts-2025-09.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                v = json.loads(line)
                verdicts[key(v["section"], v["conversation"], v["answer"])] = v["verdict"]
    request = json.load(sys.stdin)
    task = json.loads(request["messages"][-1]["content"])
    if "clauses" in task:
        print(json.dumps(judge_pair(here, task)))
        return
    found = verdicts.get(key(task["section"]["id"], task["conversation"], task["answer"]))
    print(json.dumps(found or {"verdict": "unclear", "confidence": 0,
                               "reason": "No verdict was recorded for this answer.", "violated": []}))


if __name__ == "__main__":
    main()
