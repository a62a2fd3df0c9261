#!/usr/bin/env python3
"""No function over MAX lines without a reason written above it (issue #29).

Reads the C++ sources (src/, apps/) as clang-format lays them out: a function is a definition that starts at
column 0 and ends at the next line that is a lone `}` at column 0. A function may be longer when the comment just
above it holds `Long:` followed by the reason. Prints each offender (file:line, name, length); exit 1 if any.
Functions listed in the ratchet file (one `path:name` a line) are known offenders waiting to be split: the list
may only shrink; a listed function that is now short enough is reported so that its line goes.
Usage: check_function_sizes.py MAX RATCHET DIR...
"""
import re
import sys
from pathlib import Path

START = re.compile(r'^(?!namespace|struct|class|enum|union|using|template|typedef|extern|#|//|\}|static_assert)'
                   r'[A-Za-z_].*\(.*$')


def functions(lines):
    i = 0
    while i < len(lines):
        line = lines[i].split('//')[0].rstrip()  # the code, not a comment after it
        if START.match(line) and not line.rstrip().endswith(';') and not ('{' in line and not line.rstrip().endswith('{')):
            # the signature may run over several lines: it ends at the line ending with '{'
            j = i
            while j < len(lines) and not lines[j].rstrip().endswith('{') and not lines[j].rstrip().endswith(';'):
                j += 1
            if j < len(lines) and lines[j].rstrip().endswith('{') and not lines[j].rstrip().endswith('= {'):
                k = j + 1
                while k < len(lines) and lines[k].rstrip() != '}':
                    k += 1
                yield i, k, line.strip()
                i = k + 1
                continue
        i += 1


def main():
    limit = int(sys.argv[1])
    ratchet = {l.strip() for l in Path(sys.argv[2]).read_text().split('\n') if l.strip() and not l.startswith('#')}
    seen = set()
    bad = 0
    for d in sys.argv[3:]:
        for path in sorted(Path(d).rglob('*.cpp')) + sorted(Path(d).rglob('*.hpp')):
            lines = path.read_text(encoding='utf-8').split('\n')
            for start, end, sig in functions(lines):
                length = end - start + 1
                if length <= limit:
                    continue
                above = '\n'.join(lines[max(0, start - 12):start])
                comment = above.split('\n\n')[-1]
                if 'Long:' in comment:
                    continue
                name = re.search(r'([~\w:]+)\(', sig)
                key = f'{path}:{name.group(1) if name else sig}'
                if key in ratchet:
                    seen.add(key)
                    continue
                print(f'{path}:{start + 1}: {length} lines: {sig[:90]}')
                bad += 1
    for key in sorted(ratchet - seen):
        print(f'{key}: no longer over {limit} lines (or gone): remove it from {sys.argv[2]}')
        bad += 1
    if bad:
        print(f'{bad} functions over {limit} lines without a reason (a "Long: why" comment just above)')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
