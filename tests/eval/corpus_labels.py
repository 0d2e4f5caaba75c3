"""The labels a scripted grader answers from: every GOOD, BAD and OK answer
of a spec, read from `specc parse --json`, with the conversation specc's
grader is given for it (the turns before its comparison, each earlier
comparison standing for its first GOOD answer).  Written as the JSONL that
specc-testserver --labels reads."""
import json
import subprocess


def conversation(turns, cmp):
    msgs, taken = [], None
    for i, t in enumerate(turns):
        c = t['comparison']
        if c is not None and cmp is not None and cmp > 0:
            if c >= cmp:
                break
            if taken == c:
                continue
            good = t['label'] == 'good'
            later_good = any(u['label'] == 'good' for u in turns[i + 1:] if u['comparison'] == c)
            if not good and later_good:
                continue
            taken = c
        elif c is not None:
            break
        role = t['role']
        if role == 'elision':
            continue
        content = t['content']
        if role == 'tool':
            content = 'Tool output:\n' + content
        if role not in ('system', 'developer', 'assistant'):
            role = 'user'
        msgs.append({'role': role, 'content': content})
    return msgs


def labels(specc, spec_path):
    """Returns (lines, counts): the label objects, and how many of each."""
    ir = json.loads(subprocess.run([specc, 'parse', '--json', spec_path], check=True,
                                   capture_output=True, text=True).stdout)
    secs = ir['sections']
    out, counts = [], {'good': 0, 'bad': 0, 'ok': 0}
    for e in ir['examples']:
        if e['section'] is None or not secs[e['section']]['id']:
            continue
        for t in e['turns']:
            if not t['label']:
                continue
            sid = secs[e['section']]['id']
            if t['label'] == 'bad' and t.get('violates_section') is not None:
                sid = secs[t['violates_section']]['id']
            counts[t['label']] += 1
            out.append({'section': sid, 'answer': t['content'],
                        'verdict': 'violation' if t['label'] == 'bad' else 'compliant',
                        'label': t['label'],
                        'conversation': conversation(e['turns'], t['comparison'])})
    return out, counts
