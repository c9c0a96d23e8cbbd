#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Writes the message template of the text report's translations from the
# sources po/POTFILES names: `scripts/pot.sh` (the `pot` target) writes
# po/dsbinspect.pot; `scripts/pot.sh OUT` writes OUT instead, which
# tests/test_i18n.c compares with the committed template.
#
# No line numbers (--no-location) and a sorted output, so that the
# template changes only when a translatable string does; the creation date
# is the one line that differs between two runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/po/dsbinspect.pot}
cd "$root"
mapfile -t files < <(grep -v '^#' po/POTFILES | grep -v '^$')
exec xgettext --language=C --from-code=UTF-8 --no-location --sort-output \
	--package-name=dsbinspect \
	--msgid-bugs-address='see README.md' --add-comments=TRANSLATORS: \
	--keyword=N_ --keyword=dsb_tr --keyword=dsb_trn:1,2 \
	--keyword=REASON:2 --keyword=STEP:2 --keyword=REASON_N:2,3 --keyword=trn:1,2 \
	--flag=dsb_tr:1:pass-c-format --flag=dsb_trn:1:pass-c-format \
	--flag=dsb_trn:2:pass-c-format --flag=trn:1:pass-c-format --flag=trn:2:pass-c-format \
	--flag=REASON:2:c-format \
	--flag=STEP:2:c-format --flag=REASON_N:2:c-format --flag=REASON_N:3:c-format \
	-o "$out" "${files[@]}"
