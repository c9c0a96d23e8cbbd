# SPDX-License-Identifier: Apache-2.0
# Sourced by the bench scripts: one timed run and the median, written once.

# dsb_timed FILE CMD...: "WALL CPU RSS" of one run of CMD, wall and CPU
# (user + system) in seconds and peak RSS in KiB, from GNU time (FILE
# holds its output); without /usr/bin/time, bash's own timer and RSS 0.
# A failing CMD is still timed: GNU time then writes "Command exited with
# non-zero status N" first, so the last line is read.
dsb_timed() {
	local out=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null 2>&1 || true
		tail -n 1 "$out" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
		return
	fi
	local TIMEFORMAT='%R %U %S'
	{ time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%s %.2f 0\n", $1, $2 + $3 }'
}

# median N...: the middle value (the lower one of an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
