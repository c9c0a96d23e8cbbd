#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Log checking speed: `dsbinspect ese -q DIR` on a folder of generated
# logs (dsbfixture logset: --small-count 1 MiB logs and --big-count
# 10 MiB logs, about 1 GiB by default) next to `openssl dgst -sha256` over
# the same files, interleaved (ese, openssl, ese, ...) --runs times so that
# a change in the machine's load hits both alike; the medians of wall and
# CPU time (user + system) and their ratio are printed, with the load
# averages before and after (numbers from a busy machine are rough), and
# the peak RSS of `ese` (GNU time), which must not grow with the logs' size.
#
#   ese / openssl throughput   target >= 0.9
#
# Usage: bench/logbench.sh [--build DIR] [--small-count 512] [--big-count 52]
#                          [--runs 5] [--dir DIR] [--big]
#   --big   issue 7's 10 GiB set: 5120 x 1 MiB + 512 x 10 MiB logs (both
#           sizes, 5 GiB each).  It needs 10 GiB in the folder (--dir, else
#           /tmp) and about 1 minute to generate; each round reads 20 GiB
#           (ese, then openssl), 25 s or more on an idle 2-core machine, so
#           5 rounds take about 5 minutes.  With --dir the set is kept and
#           reused by the next run (generation skipped when it is there).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=build small=512 big=52 runs=5 dir=""
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--small-count) small=$2; shift 2 ;;
	--big-count) big=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	--big) small=5120 big=512; shift ;;
	*) echo "logbench: unknown option $1" >&2; exit 2 ;;
	esac
done
fixture=$build/dsbfixture
inspect=$build/dsbinspect
[ -x "$fixture" ] && [ -x "$inspect" ] || { echo "logbench: build $build first" >&2; exit 2; }
own=""
if [ -z "$dir" ]; then
	dir=$(mktemp -d /tmp/dsb-logbench-XXXXXX)
	own=$dir
fi
mkdir -p "$dir"
tfile=$(mktemp /tmp/dsb-logbench-time-XXXXXX)   # outside the folder `ese` walks
trap 'rm -f "$tfile"; [ -n "$own" ] && rm -rf "$own"' EXIT

# Two sets in one folder: the 1 MiB logs as edb (.log), the 10 MiB ones
# as a second base name, so that each is one stream.
# A kept set (--dir) of the same counts is reused.
have() { [ "$(find "$1" -name '*.log' 2>/dev/null | wc -l)" = "$2" ]; }
have "$dir/small" "$small" ||
	"$fixture" logset "$dir/small" --db none --log-size 1048576 --gens "1-$small" >/dev/null
have "$dir/big" "$big" ||
	"$fixture" logset "$dir/big" --db none --log-size 10485760 --gens "1-$big" --base big >/dev/null
bytes=$(du -sb "$dir" | cut -f1)
echo "folder: $dir, $small x 1 MiB + $big x 10 MiB logs, $bytes bytes"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

timed() { dsb_timed "$tfile" "$@"; }

ese_w=() ese_c=() ese_r=() ssl_w=() ssl_c=()
for r in $(seq 1 "$runs"); do
	read -r w c m < <(timed "$inspect" ese -q "$dir")
	ese_w+=("$w"); ese_c+=("$c"); ese_r+=("$m")
	# find | xargs: 5632 names are too many for one command line
	read -r w c m < <(timed sh -c "find $dir/small $dir/big -name '*.log' -print0 | sort -z | xargs -0 openssl dgst -sha256")
	ssl_w+=("$w"); ssl_c+=("$c")
	echo "run $r: ese ${ese_w[-1]} s wall ${ese_c[-1]} s cpu ${ese_r[-1]} KiB, openssl ${ssl_w[-1]} s wall ${ssl_c[-1]} s cpu"
done
ew=$(median "${ese_w[@]}") ec=$(median "${ese_c[@]}") sw=$(median "${ssl_w[@]}") sc=$(median "${ssl_c[@]}")
er=$(median "${ese_r[@]}")
echo "median: ese $ew s wall $ec s cpu, peak RSS $er KiB; openssl $sw s wall $sc s cpu"
awk -v b="$bytes" -v ew="$ew" -v sw="$sw" -v ec="$ec" -v sc="$sc" 'BEGIN {
	printf "throughput: ese %.0f MB/s, openssl %.0f MB/s; ese / openssl = %.2f (target >= 0.9)\n",
	       b / ew / 1e6, b / sw / 1e6, sw / ew
	printf "cpu: ese / openssl = %.2f\n", ec / sc }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
