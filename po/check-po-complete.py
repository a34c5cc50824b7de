#!/usr/bin/env python3
# check-po-complete.py — fail unless a PO file passes `msgfmt --check` and
# has no fuzzy or untranslated messages.
#
# Usage: check-po-complete.py MSGFMT FILE.po
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys


def main():
    if len(sys.argv) != 3:
        print(f'usage: {sys.argv[0]} MSGFMT FILE.po', file=sys.stderr)
        return 2
    msgfmt, po = sys.argv[1], sys.argv[2]

    # The statistics line is translated by gettext itself: read it in C.
    env = dict(os.environ, LC_ALL='C', LANGUAGE='')
    result = subprocess.run([msgfmt, '--check', '--statistics', '-o', os.devnull, po],
                            env=env, capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip()
    print(output)
    if result.returncode != 0:
        print(f'{po}: msgfmt --check failed', file=sys.stderr)
        return 1

    counts = {kind: int(n) for n, kind in
              re.findall(r'(\d+) (translated|fuzzy|untranslated) (?:message|translation)', output)}
    if counts.get('translated', 0) == 0:
        print(f'{po}: no translated messages found in: {output!r}', file=sys.stderr)
        return 1
    if counts.get('fuzzy', 0) or counts.get('untranslated', 0):
        print(f'{po}: {counts.get("fuzzy", 0)} fuzzy and {counts.get("untranslated", 0)} '
              'untranslated messages: translate them and remove the fuzzy flags',
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
