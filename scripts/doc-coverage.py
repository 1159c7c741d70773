#!/usr/bin/env python3
"""Counts public declarations without a DocC comment (`///` right above, attributes skipped).

    python3 scripts/doc-coverage.py Sources/Momentum2 Sources/M2NN [--list]
"""
import os, re, sys

DECL = re.compile(r'^\s*(@\w+(\([^)]*\))?\s+)*(public|open)\s+(static\s+|final\s+|override\s+|private\(set\)\s+|nonisolated\(unsafe\)\s+|convenience\s+|required\s+|mutating\s+|indirect\s+)*'
                  r'(func|var|let|init|class|struct|enum|protocol|typealias|case|subscript|actor|extension)\b')

def scan(root):
    missing, total = [], 0
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith('.swift'):
                continue
            path = os.path.join(dirpath, f)
            lines = open(path, encoding='utf-8').read().split('\n')
            for i, line in enumerate(lines):
                if not DECL.match(line) or re.match(r'^\s*public\s+extension\b|^\s*extension\b', line):
                    continue
                total += 1
                j = i - 1
                while j >= 0 and re.match(r'^\s*@\w+', lines[j]):
                    j -= 1
                if j < 0 or not lines[j].strip().startswith('///'):
                    missing.append(f'{path}:{i + 1}: {line.strip()[:100]}')
    return missing, total

if __name__ == '__main__':
    roots = [a for a in sys.argv[1:] if not a.startswith('--')]
    for root in roots:
        missing, total = scan(root)
        print(f'{root}: {len(missing)} of {total} public declarations without a doc comment')
        if '--list' in sys.argv:
            for m in missing:
                print('  ' + m)
