#!/usr/bin/env bash
# translations-complete.sh SOURCE_DIR [LUPDATE]: fails when a message of the sources lacks the
# finished translation Coffre needs.
#
# First the .ts files are refreshed from the sources, in a temporary copy, as
# `cmake --build build --target update_translations` does it (the folders core/CMakeLists.txt
# gives qt_add_translations, the same lupdate options): a string added to the code and not to
# translations/*.ts shows up as unfinished ("missing"). Then the rule:
#   - coffre_fr.ts: every message is finished: no type="unfinished", no empty translation, no
#     empty plural form.
#   - coffre_en.ts: the source text is English already, so a plain message may stay unfinished
#     (Qt shows the source text, which is the English). A plural message ("%n backup(s)") needs
#     its finished English forms ("%n backup", "%n backups"), or English users read "1 backup(s)".
#   - no message in lupdate's empty context: lupdate puts there a tr() it cannot tie to a class
#     (`using Tr = X; Tr::tr(...)`, a free function). At run time the call looks the text up under
#     X and never finds it, however well it is translated: write X::tr(...).
# The committed files are checked as they are too (lrelease compiles them): an unfinished entry
# whose text the sources no longer have fails as well. Vanished and obsolete entries do not count.
set -euo pipefail

src=${1:-$(cd "$(dirname "$0")/.." && pwd)}
lupdate=${2:-${LUPDATE:-}}
if [[ -z $lupdate ]]; then
    for candidate in /usr/lib/qt6/bin/lupdate "$(command -v lupdate6 || true)" "$(command -v lupdate || true)"; do
        [[ -n $candidate && -x $candidate ]] && { lupdate=$candidate; break; }
    done
fi
[[ -n $lupdate && -x $lupdate ]] || { echo "translations-complete: no lupdate (give its path as the second argument)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "translations-complete: python3 is needed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/translations/coffre_fr.ts" "$src/translations/coffre_en.ts" "$tmp/"

# core/CMakeLists.txt: GLOB_RECURSE core/*.cpp core/*.h ui/*.cpp ui/*.h app/*.cpp app/*.h.
find "$src/core" "$src/ui" "$src/app" -type f \( -name '*.cpp' -o -name '*.h' \) | LC_ALL=C sort >"$tmp/sources.lst"
if ! "$lupdate" -no-obsolete -locations none "@$tmp/sources.lst" -ts "$tmp/coffre_fr.ts" "$tmp/coffre_en.ts" >"$tmp/lupdate.log" 2>&1; then
    cat "$tmp/lupdate.log" >&2
    echo "translations-complete: lupdate failed" >&2
    exit 1
fi

python3 - "$src/translations" "$tmp" <<'EOF'
import re, sys, xml.etree.ElementTree as ET

committed, refreshed = sys.argv[1], sys.argv[2]
SHOWN = 40

def messages(path):
    """(context, source, numerus, translation element) of each current message."""
    for context in ET.parse(path).getroot().iter('context'):
        name = context.findtext('name') or ''
        for message in context.iter('message'):
            translation = message.find('translation')
            if translation is not None and translation.get('type') in ('vanished', 'obsolete'):
                continue
            yield name, message.findtext('source') or '', message.get('numerus') == 'yes', translation

def finished(numerus, translation):
    if translation is None or translation.get('type') == 'unfinished':
        return False
    if numerus:
        forms = [form.text or '' for form in translation.iter('numerusform')]
        return bool(forms) and all(forms)
    return bool(translation.text)

def show(text):
    text = text.replace('\n', '\\n')
    return text if len(text) <= 100 else text[:97] + '...'

failures = []
counts = {}
for language, plurals_only in (('fr', False), ('en', True)):
    # The refreshed copy (what the sources need), then the committed file as it is (what
    # lrelease compiles): an unfinished entry the sources no longer use is a failure too.
    before = list(messages(f'{committed}/coffre_{language}.ts'))
    after = list(messages(f'{refreshed}/coffre_{language}.ts'))
    known = {(c, s) for c, s, _, _ in before}
    current = {(c, s) for c, s, _, _ in after}
    bad = []
    for context, source, numerus, translation in after + [m for m in before if (m[0], m[1]) not in current]:
        if plurals_only and not numerus:
            continue
        if not finished(numerus, translation):
            note = ('' if (context, source) in known and (context, source) in current
                    else ' (missing from the .ts: run the update_translations target)' if (context, source) in current
                    else ' (no longer in the sources: the update_translations target drops it)')
            bad.append(f'  [{context or "<empty context>"}] {show(source)}{note}')
    counts[language] = sum(1 for _, _, numerus, _ in after if numerus or not plurals_only)
    if bad:
        what = 'English plural message(s)' if plurals_only else 'French message(s)'
        failures.append(f'coffre_{language}.ts: {len(bad)} {what} without a finished translation'
                        + (f' (the first {SHOWN})' if len(bad) > SHOWN else '') + ':')
        failures += bad[:SHOWN]

orphans = sorted({s for c, s, _, _ in messages(f'{refreshed}/coffre_fr.ts') if c == ''})
if orphans:
    failures.append(f'{len(orphans)} message(s) in the empty context, never translated at run time: '
                    'lupdate could not tie their tr() to a class (write X::tr(...), not an alias)'
                    + (f' (the first {SHOWN})' if len(orphans) > SHOWN else '') + ':')
    failures += [f'  {show(s)}' for s in orphans[:SHOWN]]
    with open(f'{refreshed}/lupdate.log', encoding='utf-8', errors='replace') as log:
        failures += ['  lupdate: ' + line.strip() for line in log if 'lacks Q_OBJECT' in line]

if failures:
    print('\n'.join(failures), file=sys.stderr)
    print('translations incomplete', file=sys.stderr)
    sys.exit(1)
print(f"translations complete: {counts['fr']} French messages, {counts['en']} English plural messages")
EOF
