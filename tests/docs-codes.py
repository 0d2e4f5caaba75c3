#!/usr/bin/env python3
"""Every diagnostic code in include/specc/codes.h is documented in
docs/diagnostics.md, and the doc names no code that does not exist."""
import re
import sys

root = sys.argv[1]
codes = set(re.findall(r'X\(\w+, "([a-z0-9-]+)"', open(root + '/include/specc/codes.h').read()))
doc = set(re.findall(r'^\| `([a-z0-9-]+)` \| (?:error|warning|note) \|', open(root + '/docs/diagnostics.md').read(), re.M))
missing, extra = sorted(codes - doc), sorted(doc - codes)
for c in missing:
    print('not documented in docs/diagnostics.md:', c)
for c in extra:
    print('documented but not in codes.h:', c)
print('%d codes, %d documented' % (len(codes), len(doc & codes)))
sys.exit(1 if missing or extra or not codes else 0)
