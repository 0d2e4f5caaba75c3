#!/usr/bin/env python3
"""Lists the golden test cases: every folder tests/golden/<command>/<case>/
holding an "args" file, as "<command>/<case>", one per line."""
import os

here = os.path.dirname(os.path.abspath(__file__))
for command in sorted(os.listdir(here)):
    cdir = os.path.join(here, command)
    if not os.path.isdir(cdir):
        continue
    for case in sorted(os.listdir(cdir)):
        if os.path.isfile(os.path.join(cdir, case, 'args')):
            print('%s/%s' % (command, case))
