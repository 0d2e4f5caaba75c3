#!/usr/bin/env python3
"""Runs specc on hostile input generated at test time.

usage: badinput.py SPECC

Each case writes a small project into a fresh temporary folder and runs
`specc check` (and `specc parse --json` where the IR matters).  For every
run it asserts that specc

  - did not crash: the exit status is 0, 1 or 2 (never a signal, never >= 3);
  - finished within TIME_LIMIT seconds;
  - printed valid output: JSON that parses for --format json and --json,
    UTF-8 text otherwise;
  - reported the diagnostic code the input calls for, where there is one.

It prints one line per case, "ok <name>" or "FAIL <name>: why", and exits 1
if any case failed.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

TIME_LIMIT = 10.0
SPECC = None

# A section, a clause with an anchor and its eval file: a clean baseline
# that hostile bytes are added to.
HEADING = '# Rules {#rules}\n\n'


class Fail(Exception):
    pass


class Result:
    def __init__(self, args, rc, out, err, secs):
        self.args, self.rc, self.out, self.err, self.secs = args, rc, out, err, secs
        self.json = None

    def codes(self):
        return [d['code'] for d in self.json['diagnostics']] if self.json else []

    def find(self, code):
        return [d for d in self.json['diagnostics'] if d['code'] == code] if self.json else []


def run(cwd, *args, want_json=False, statuses=(0, 1, 2)):
    """Runs specc with args in cwd and checks the universal properties."""
    cmd = [SPECC] + list(args)
    env = dict(os.environ, NO_COLOR='1')
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        raise Fail('%s did not finish within %gs' % (' '.join(args), TIME_LIMIT))
    secs = time.monotonic() - start
    r = Result(args, p.returncode, p.stdout, p.stderr, secs)
    what = ' '.join(args)
    if p.returncode < 0:
        raise Fail('%s was killed by signal %d' % (what, -p.returncode))
    if p.returncode not in (0, 1, 2):
        raise Fail('%s exited %d (a crash or sanitizer report?): %s'
                   % (what, p.returncode, p.stderr.decode('utf-8', 'replace')[-300:]))
    if p.returncode not in statuses:
        raise Fail('%s exited %d, expected %s; stderr: %s'
                   % (what, p.returncode, ' or '.join(map(str, statuses)),
                      p.stderr.decode('utf-8', 'replace').strip()[:300]))
    for name, data in (('stdout', p.stdout), ('stderr', p.stderr)):
        try:
            data.decode('utf-8')
        except UnicodeDecodeError as e:
            raise Fail('%s wrote invalid UTF-8 to %s: %s' % (what, name, e))
    if want_json:
        try:
            r.json = json.loads(p.stdout)
        except ValueError as e:
            raise Fail('%s printed invalid JSON: %s (exit %d, stderr %r)'
                       % (what, e, p.returncode, p.stderr[:200]))
        if not isinstance(r.json, dict) or not isinstance(r.json.get('diagnostics'), list):
            raise Fail('%s printed JSON without a "diagnostics" array' % what)
    return r


def check(cwd, path, statuses=(0, 1, 2)):
    """specc check --format json PATH."""
    return run(cwd, 'check', '--format', 'json', path, want_json=True, statuses=statuses)


def human(cwd, path, statuses=(0, 1, 2)):
    return run(cwd, 'check', '--color', 'never', path, statuses=statuses)


def parse_json(cwd, path):
    r = run(cwd, 'parse', '--json', path, want_json=True, statuses=(0,))
    for key in ('format', 'project', 'counts', 'specs', 'sections'):
        if key not in r.json:
            raise Fail('parse --json has no "%s"' % key)
    return r


def expect_code(r, code, line=None):
    found = r.find(code)
    if not found:
        raise Fail('%s: no %s diagnostic (got %s)'
                   % (' '.join(r.args), code, ', '.join(sorted(set(r.codes()))) or 'none'))
    if line is not None and not any(d.get('start', {}).get('line') == line for d in found):
        raise Fail('%s: %s is not at line %d (got lines %s)'
                   % (' '.join(r.args), code, line,
                      [d.get('start', {}).get('line') for d in found]))


def expect_status(r, *statuses):
    if r.rc not in statuses:
        raise Fail('%s exited %d, expected %s'
                   % (' '.join(r.args), r.rc, ' or '.join(map(str, statuses))))


def write(folder, name, data):
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data.encode('utf-8') if isinstance(data, str) else data)
    return path


def eval_file(anchor, title='Rules'):
    return ('Examples for [^%s] in %s:\n\n**Example**: a case\n\n~~~xml\n<user>\nhello\n'
            '</user>\n~~~\n' % (anchor, title))


# ---- cases ----------------------------------------------------------------
#
# Each case gets an empty folder d and raises Fail on a problem.

def case_binary_spec(d):
    write(d, 'spec.md', b'\x89PNG\r\n\x1a\n' + b'\0' * 64 + b'IHDR' + bytes(range(256)) * 8)
    r = check(d, 'spec.md')
    expect_code(r, 'binary-file')
    expect_status(r, 1)
    human(d, 'spec.md', statuses=(1,))
    parse_json(d, 'spec.md')


def case_binary_spec_with_evals(d):
    # The spec is skipped; eval files beside it must not trip over the
    # missing spec (a heading in an eval file once wrote into the spec
    # table).
    write(d, 'spec.md', b'\x89PNG\r\n\x1a\n\0\0\0\rIHDR')
    write(d, 'examples/kd01.md', eval_file('kd01') + '\n## Notes {#notes}\n\nMore later.\n')
    r = check(d, 'spec.md')
    expect_code(r, 'binary-file')
    parse_json(d, 'spec.md')


def case_invalid_utf8(d):
    write(d, 'spec.md', HEADING.encode() + 'Caf\xe9 cr\xe8me br\xfbl\xe9e.\n'.encode('latin-1')
          + b'See [x](#nope).\n')
    r = check(d, 'spec.md')
    expect_code(r, 'invalid-utf8', line=3)
    expect_code(r, 'broken-link', line=4)
    human(d, 'spec.md', statuses=(1,))
    p = parse_json(d, 'spec.md')
    if p.json['sections'][0]['title'] != 'Rules':
        raise Fail('the section title is %r' % p.json['sections'][0]['title'])


def case_empty_spec(d):
    write(d, 'spec.md', b'')
    r = check(d, 'spec.md')
    expect_code(r, 'empty-file')
    expect_status(r, 0)
    parse_json(d, 'spec.md')


def case_anchors_without_examples(d):
    write(d, 'spec.md', HEADING + 'Be kind[^kd01]. Be brief[^br02].\n')
    r = check(d, 'spec.md')
    expect_code(r, 'missing-eval-folder', line=3)
    if r.codes().count('missing-eval-folder') != 1:
        raise Fail('missing-eval-folder is reported %d times, not once'
                   % r.codes().count('missing-eval-folder'))
    expect_status(r, 1)


def case_unterminated_backtick_fence(d):
    write(d, 'spec.md', HEADING + 'Text.\n\n```python\nprint("never closed")\n# not a heading {#x}\n')
    r = check(d, 'spec.md')
    expect_code(r, 'unterminated-fence', line=5)
    p = parse_json(d, 'spec.md')
    if len(p.json['sections']) != 1:
        raise Fail('a "#" line inside the open fence became a section')


def case_unterminated_xml_fence(d):
    write(d, 'spec.md', HEADING + '**Example**: never closed\n\n~~~xml\n<user>\nhello\n</user>\n'
          '<comparison>\n<assistant> <!-- GOOD -->\nHi!\n</assistant>\n</comparison>\n')
    r = check(d, 'spec.md')
    expect_code(r, 'unterminated-fence', line=5)
    p = parse_json(d, 'spec.md')
    ex = p.json['examples']
    if len(ex) != 1 or len(ex[0]['turns']) != 2:
        raise Fail('the conversation in the unterminated fence was not read (%r)' % ex)


def case_1mb_line(d):
    line = 'word ' * 209716  # 1 MiB
    write(d, 'spec.md', HEADING + line + '[x](#nope).\n')
    r = check(d, 'spec.md')
    expect_code(r, 'broken-link', line=3)
    h = human(d, 'spec.md', statuses=(1,))
    if len(h.out) > 4096:
        raise Fail('the human output for one finding on a 1 MB line is %d bytes' % len(h.out))
    parse_json(d, 'spec.md')


def case_1mb_line_in_conversation(d):
    big = 'x' * (1 << 20)
    write(d, 'spec.md', HEADING + '**Example**: huge\n\n~~~xml\n<user>\n' + big + '\n</user>\n'
          + big + '\n<comparison>\n<assistant> <!-- MAYBE -->\n' + big + '\n</assistant>\n'
          '</comparison>\n~~~\n')
    r = check(d, 'spec.md')
    expect_code(r, 'stray-text', line=9)
    expect_code(r, 'unknown-label', line=11)
    for dg in r.json['diagnostics']:
        if len(dg['message']) > 1000:
            raise Fail('a %d-byte message quotes the huge line' % len(dg['message']))
    h = human(d, 'spec.md', statuses=(1,))
    if len(h.out) > 8192:
        raise Fail('the human output is %d bytes' % len(h.out))
    p = parse_json(d, 'spec.md')
    if len(p.json['examples'][0]['turns'][0]['content']) != 1 << 20:
        raise Fail('the 1 MB turn content was not kept whole')


def case_deep_blockquotes(d):
    write(d, 'spec.md', HEADING + '> ' * 10000 + 'deep [x](#nope)\n')
    r = check(d, 'spec.md')
    expect_code(r, 'broken-link', line=3)
    parse_json(d, 'spec.md')


def case_deep_lists(d):
    # "- - - ... item" on one line is a list nested 10,000 deep.
    write(d, 'spec.md', HEADING + '- ' * 10000 + 'deep [x](#nope)\n')
    r = check(d, 'spec.md')
    expect_code(r, 'broken-link', line=3)
    parse_json(d, 'spec.md')


def case_deep_lists_indented(d):
    # 1,000 levels of indented items (10,000 would be a 100 MB file).
    text = ''.join('  ' * i + '- level %d\n' % i for i in range(1000))
    write(d, 'spec.md', HEADING + text + '\nAfter [x](#nope).\n')
    r = check(d, 'spec.md')
    expect_code(r, 'broken-link', line=1004)
    parse_json(d, 'spec.md')


def case_nested_user_tags(d):
    write(d, 'spec.md', HEADING + '**Example**: nested\n\n~~~xml\n' + '<user>\n' * 10000
          + '</user>\n' * 10000 + '~~~\n')
    r = check(d, 'spec.md')
    if not (r.find('mismatched-closing-tag') or r.find('unclosed-tag')):
        raise Fail('no mismatched-closing-tag or unclosed-tag for 10,000 nested <user> (got %s)'
                   % sorted(set(r.codes())))
    expect_status(r, 1)
    parse_json(d, 'spec.md')


def case_nested_user_tags_one_line(d):
    write(d, 'spec.md', HEADING + '**Example**: nested\n\n~~~xml\n' + '<user>' * 10000
          + '\n' + '</user>' * 10000 + '\n~~~\n')
    check(d, 'spec.md')
    parse_json(d, 'spec.md')


def case_brackets(d):
    write(d, 'spec.md', HEADING + '[' * 10000 + ' text [x](#nope)\n\n' + '[^' * 10000 + '\n\n'
          + '](#' * 10000 + '\n')
    r = check(d, 'spec.md')
    expect_code(r, 'broken-link', line=3)
    parse_json(d, 'spec.md')


CRLF_SPEC = '''---
spec: crlf
colour: blue
---

# Rules {#rules}

Be kind[^kd01]. See [x](#kindnes).

## Don't insult

**Example**: answers

~~~xml
<user>
hello
</user>
<comparison>
<assistant> <!-- GOOD -->
Hi!
</assistant>
<assistant>
Go away.
</assistant>
</comparison>
~~~

```text
never closed
'''


def case_crlf(d):
    write(d, 'lf/spec.md', CRLF_SPEC)
    write(d, 'lf/examples/kd01.md', eval_file('kd01', 'Rule'))
    write(d, 'crlf/spec.md', CRLF_SPEC.replace('\n', '\r\n'))
    write(d, 'crlf/examples/kd01.md', eval_file('kd01', 'Rule').replace('\n', '\r\n'))
    a = check(os.path.join(d, 'lf'), 'spec.md')
    b = check(os.path.join(d, 'crlf'), 'spec.md')

    def key(r):
        return [(x['code'], x.get('file'), x.get('start', {}).get('line'),
                 x.get('start', {}).get('column'), x.get('end', {}).get('line'),
                 x.get('end', {}).get('column'), x['message']) for x in r.json['diagnostics']]
    if len(a.codes()) < 5:
        raise Fail('the LF version has only %s' % a.codes())
    if key(a) != key(b):
        raise Fail('CRLF findings differ from LF: %s vs %s'
                   % (set(key(b)) - set(key(a)), set(key(a)) - set(key(b))))
    pa, pb = parse_json(os.path.join(d, 'lf'), 'spec.md'), parse_json(os.path.join(d, 'crlf'), 'spec.md')
    ta = [(s['title'], s['span']['line']) for s in pa.json['sections']]
    tb = [(s['title'], s['span']['line']) for s in pb.json['sections']]
    if ta != tb:
        raise Fail('CRLF sections differ: %s vs %s' % (tb, ta))
    ca = [t['content'] for t in pa.json['examples'][0]['turns']]
    cb = [t['content'] for t in pb.json['examples'][0]['turns']]
    if ca != cb:
        raise Fail('CRLF turn contents differ: %r vs %r' % (cb, ca))


def case_only_cr(d):
    write(d, 'spec.md', b'\r')
    check(d, 'spec.md')
    human(d, 'spec.md')
    parse_json(d, 'spec.md')
    write(d, 'many.md', b'\r' * 100000 + b'# T {#t}\r' + b'[x](#nope)\r')
    check(d, 'many.md')
    parse_json(d, 'many.md')


def case_nul_after_8000(d):
    text = HEADING + ('padding ' * 1100) + '\n\n'
    assert len(text) > 8000
    write(d, 'spec.md', text.encode() + b'a NUL \0 here.\n\nSee [x](#after_nul).\n')
    r = check(d, 'spec.md')
    if r.find('binary-file'):
        raise Fail('a NUL after the first 8000 bytes made the file binary')
    expect_code(r, 'broken-link', line=7)
    human(d, 'spec.md', statuses=(1,))
    parse_json(d, 'spec.md')


def case_nul_before_8000(d):
    write(d, 'spec.md', HEADING.encode() + b'a NUL \0 here.\n')
    r = check(d, 'spec.md')
    expect_code(r, 'binary-file')


def case_huge_attribute_list(d):
    tags = ','.join('t%d' % i for i in range(100000))
    extra = ' '.join('k%d=v' % i for i in range(5000))
    write(d, 'spec.md', '# Big {#big tags=%s %s authority="root"}\n\nText.\n\n'
          '## Unclosed {#u tags="%s}\n' % (tags, extra, tags))
    r = check(d, 'spec.md')
    expect_code(r, 'unknown-attribute', line=1)
    expect_code(r, 'malformed-attributes', line=5)
    h = human(d, 'spec.md', statuses=(1,))
    if max(len(l) for l in h.out.split(b'\n')) > 1024:
        raise Fail('a line of the human output is %d bytes long'
                   % max(len(l) for l in h.out.split(b'\n')))
    p = parse_json(d, 'spec.md')
    s = p.json['sections'][0]
    if len(s['tags']) != 100000 or s['authority'] != 'root':
        raise Fail('the attributes were not all read (%d tags, authority %r)'
                   % (len(s['tags']), s['authority']))


def case_300mb_sparse(d):
    path = os.path.join(d, 'big.md')
    with open(path, 'wb') as f:
        f.truncate(300 << 20)
    for args in (('check', '--format', 'json', 'big.md'), ('check', 'big.md')):
        r = run(d, *args, statuses=(1, 2))
        text = (r.out + r.err).decode('utf-8', 'replace')
        if 'file-too-large' not in text and '256 MiB' not in text:
            raise Fail('%s says %r: it does not tell that the file is too large (file-too-large, '
                       '256 MiB)' % (' '.join(args), text.strip()[:200]))
    # In a project the file is one of several: a finding, exit 1.
    os.mkdir(os.path.join(d, 'proj'))
    os.rename(path, os.path.join(d, 'proj', 'big.md'))
    write(d, 'proj/small.md', HEADING)
    write(d, 'proj/specc.yaml', 'specs: [small.md, big.md]\n')
    r = check(d, 'proj', statuses=(1,))
    expect_code(r, 'file-too-large')


def case_spec_path_is_folder(d):
    os.mkdir(os.path.join(d, 'folder.md'))
    r = run(d, 'check', 'folder.md', statuses=(2,))
    if not r.err.strip() or r.out:
        raise Fail('no message on stderr, or output on stdout')
    # A folder named in specs: is not a spec file.
    write(d, 'proj/chapters/one.md', HEADING)
    write(d, 'proj/specc.yaml', 'specs: [chapters]\n')
    r = check(d, 'proj')
    expect_code(r, 'no-specs')
    expect_status(r, 1)


def case_symlink_loop(d):
    os.symlink('loop.md', os.path.join(d, 'loop.md'))
    r = run(d, 'check', 'loop.md', statuses=(2,))
    if not r.err.strip():
        raise Fail('no message on stderr')
    write(d, 'spec.md', HEADING + 'Text.\n')
    os.mkdir(os.path.join(d, 'examples'))
    os.symlink('b.md', os.path.join(d, 'examples', 'a.md'))
    os.symlink('a.md', os.path.join(d, 'examples', 'b.md'))
    r = check(d, 'spec.md')
    expect_code(r, 'io-error')
    human(d, 'spec.md', statuses=(1,))
    # A symlinked folder loop under the eval folder is not followed.
    os.symlink('.', os.path.join(d, 'examples', 'self'))
    check(d, 'spec.md')
    write(d, 'proj/specc.yaml', 'specs: ["**/*.md", loop/*.md]\nevals: [loop]\n')
    os.symlink('.', os.path.join(d, 'proj', 'loop'))
    write(d, 'proj/spec.md', HEADING)
    check(d, 'proj')


def case_unreadable_config(d):
    # specc.yaml that is binary, empty, or not UTF-8.
    write(d, 'a/specc.yaml', b'\0\0\0')
    write(d, 'a/spec.md', HEADING)
    check(d, 'a')
    write(d, 'b/specc.yaml', b'')
    write(d, 'b/spec.md', HEADING)
    check(d, 'b')
    write(d, 'c/specc.yaml', b'name: caf\xe9\nspecs: [spec.md]\n')
    write(d, 'c/spec.md', HEADING)
    r = check(d, 'c')
    expect_code(r, 'invalid-utf8')


def case_deep_yaml(d):
    write(d, 'specc.yaml', 'name: ' + '[' * 10000 + ']' * 10000 + '\n')
    write(d, 'spec.md', '---\nspec: ' + '{a: ' * 10000 + '1' + '}' * 10000 + '\n---\n' + HEADING)
    check(d, '.')
    parse_json(d, '.')


CASES = [(name[5:].replace('_', '-'), fn) for name, fn in sorted(globals().items())
         if name.startswith('case_')]


def main():
    global SPECC
    if len(sys.argv) != 2:
        print('usage: badinput.py SPECC', file=sys.stderr)
        return 2
    SPECC = os.path.abspath(sys.argv[1])
    failed = 0
    for name, fn in CASES:
        with tempfile.TemporaryDirectory(prefix='specc-bad-') as d:
            try:
                fn(d)
                print('ok %s' % name)
            except Fail as e:
                failed += 1
                print('FAIL %s: %s' % (name, e))
            except OSError as e:
                failed += 1
                print('FAIL %s: the test could not set up its input: %s' % (name, e))
        sys.stdout.flush()
    print('%d of %d cases failed' % (failed, len(CASES)) if failed else 'all %d cases passed' % len(CASES))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
