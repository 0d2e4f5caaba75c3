#!/usr/bin/env python3
"""A grader for `specc check --deep` that judges nothing: it appends each
request's document (the user message) to the file named by REACH_LOG, one
JSON string a line, and answers "compatible".  Requests come best first
when specc runs with -j 1, so the log's order is the candidates' rank."""
import json
import os
import sys

req = json.loads(sys.stdin.readline())
with open(os.environ["REACH_LOG"], "a", encoding="utf-8") as f:
    f.write(json.dumps(req["messages"][-1]["content"]) + "\n")
print(json.dumps({"verdict": "compatible", "reason": "logged, not judged"}))
