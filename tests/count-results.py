#!/usr/bin/env python3
"""Counts passed and failed tests in a meson testlog.json.

Prints "PASSED FAILED" for build.sh to sum.  A skipped test counts as
failed: a test that did not run proves nothing.
"""
import json
import sys


def main():
    path, name = sys.argv[1], sys.argv[2]
    passed = failed = 0
    try:
        with open(path, encoding='utf-8') as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                if r.get('result') in ('OK', 'EXPECTEDFAIL'):
                    passed += 1
                else:
                    failed += 1
                    print('%s: %s: %s' % (name, r.get('name'), r.get('result')), file=sys.stderr)
    except OSError as e:
        print('%s: no test log (%s)' % (name, e), file=sys.stderr)
        failed += 1
    print(passed, failed)


if __name__ == '__main__':
    main()
