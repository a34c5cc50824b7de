#!/usr/bin/env python3
# check-po-current.py — fail when the translation is behind the sources:
# a source file with translatable strings missing from POTFILES.in, or a
# message of the sources that the PO file does not translate.
#
# Usage: check-po-current.py XGETTEXT MSGMERGE MSGFMT SRCROOT FILE.po
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys
import tempfile

MARKERS = re.compile(r'\b(?:N?_|C_|NC_|g_dngettext)\s*\(|translatable="yes"')
# the keywords of meson's glib preset
KEYWORDS = ['--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
            '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
            '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
            '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
            '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
            '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
            '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
            '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format',
            '--flag=g_printf:1:c-format', '--flag=g_fprintf:2:c-format',
            '--flag=g_sprintf:2:c-format', '--flag=g_snprintf:3:c-format']


def main():
    if len(sys.argv) != 6:
        print(f'usage: {sys.argv[0]} XGETTEXT MSGMERGE MSGFMT SRCROOT FILE.po', file=sys.stderr)
        return 2
    xgettext, msgmerge, msgfmt, root, po = sys.argv[1:]
    env = dict(os.environ, LC_ALL='C', LANGUAGE='')

    with open(os.path.join(root, 'po', 'POTFILES.in')) as f:
        listed = {line.strip() for line in f if line.strip() and not line.startswith('#')}
    missing = []
    for folder, _, files in os.walk(os.path.join(root, 'src')):
        for name in files:
            if name.endswith(('.c', '.ui')):
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, root)
                with open(path, encoding='utf-8') as f:
                    if MARKERS.search(f.read()) and relative not in listed:
                        missing.append(relative)
    for path in sorted(missing):
        print(f'{path} has translatable strings but is not in po/POTFILES.in')

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'sources.pot')
        merged = os.path.join(tmp, 'merged.po')
        subprocess.run([xgettext, '--from-code=UTF-8', '--add-comments', *KEYWORDS,
                        '-D', root, '-f', os.path.join(root, 'po', 'POTFILES.in'), '-o', pot],
                       env=env, check=True)
        subprocess.run([msgmerge, '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot],
                       env=env, check=True)
        result = subprocess.run([msgfmt, '--statistics', '-o', os.devnull, merged],
                                env=env, capture_output=True, text=True)
    statistics = (result.stdout + result.stderr).strip()
    print(f'{os.path.basename(po)} against the sources: {statistics}')
    behind = re.search(r'\d+ (?:untranslated|fuzzy)', statistics) is not None
    if behind:
        print('run `meson compile sockscope-update-po` and translate what is new', file=sys.stderr)
    return 1 if missing or behind or result.returncode != 0 else 0


if __name__ == '__main__':
    sys.exit(main())
