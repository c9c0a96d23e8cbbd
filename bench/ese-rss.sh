#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Peak RSS of `dsbinspect ese -q -` on generated databases streamed through
# a pipe (issue 6 §4: target < 64 MiB for 32 GiB), one size after another:
#
#   dsbfixture ese - --size SIZE [--page-size N] | dsbinspect ese -q -
#
# Nothing is written to disk: the generator makes the pages as the
# verifier reads them.  Prints one line per size: size, page size, peak
# RSS (KiB and MiB), wall time, the verdict line's exit status, and the
# load average (the machine may be shared: wall time depends on it, RSS
# does not).  A 32 GiB run takes a few minutes.
#
# Usage: bench/ese-rss.sh [--page-size N] SIZE...     (e.g. 1G 4G 16G 32G)
# Environment:
#   DSB_BUILD  a build folder holding dsbinspect and dsbfixture (default:
#              build/ in the source tree)
#
# Peak RSS comes from GNU time (`apt-get install time`) when /usr/bin/time
# exists, else from bench/rusage.c (wait4), built here.  Not part of ctest.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${DSB_BUILD:-$SRC/build}
PAGE_SIZE=8192
die() { echo "ese-rss: $*" >&2; exit 2; }

SIZES=()
while [ $# -gt 0 ]; do
	case "$1" in
	--page-size) PAGE_SIZE=${2:?}; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) SIZES+=("$1"); shift ;;
	esac
done
[ ${#SIZES[@]} -gt 0 ] || die "give one or more sizes (e.g. 1G 32G)"
DSB=$BUILD/dsbinspect
FIX=$BUILD/dsbfixture
[ -x "$DSB" ] || die "no dsbinspect in $BUILD (DSB_BUILD)"
[ -x "$FIX" ] || die "no dsbfixture in $BUILD (DSB_BUILD)"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -x /usr/bin/time ]; then
	measure() { local out=$1; shift; /usr/bin/time -f '%e %M' -o "$out" "$@"; }
else
	cc -O2 -o "$WORK/rusage" "$SRC/bench/rusage.c"
	measure() { local out=$1; shift; "$WORK/rusage" -o "$out" "$@"; }
fi

echo "ese-rss: $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg), page size $PAGE_SIZE"
printf '%-8s %12s %10s %10s %6s  %s\n' size "peak KiB" "peak MiB" "wall s" status load
for size in "${SIZES[@]}"; do
	rc=0
	"$FIX" ese - --size "$size" --page-size "$PAGE_SIZE" |
		measure "$WORK/time" "$DSB" ese -q - > "$WORK/out" 2>&1 || rc=$?
	# GNU time puts "Command exited with non-zero status N" first.
	read -r wall kib < <(tail -n 1 "$WORK/time")
	printf '%-8s %12s %10.1f %10s %6s  %s\n' "$size" "$kib" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" \
		"$wall" "$rc" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
