#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Many inputs (issue 8 item 2): `dsbinspect verify -q -j N` over
#   - BIG: --big captures of `dsbfixture big` (--big-sizes, default
#     64M..256M, cycled), each a correct full backup with an ntds.dit of
#     that size;
#   - SMALL: --small captures of the scenario catalogue (`dsbfixture list`,
#     in catalogue order, cycled): good, failing and incomplete ones;
#   - SLOW: --slow FIFOs, each fed with a small capture after a second (an
#     input that waits rather than computes: a network share, a slow disk);
# at each --jobs value (default "1 2"), interleaved (-j1, -j2, -j1, ...)
# --runs times so that a change in the machine's load hits all alike.
# Prints each run's wall and CPU time and peak RSS, the medians, the
# speed-up over the first --jobs value, the peak RSS of one big input
# alone (the memory of one job) and the load averages before and after:
# the machine is shared, so wall times are rough and the load says how
# rough.  It also checks that every --jobs value writes the same JSON
# report (exactly the same bytes) as the first.
#
# Usage: bench/jobsbench.sh [--build DIR] [--big 8] [--big-sizes "64M 128M 192M 256M"]
#                           [--small 40] [--slow 4] [--jobs "1 2"] [--runs 3] [--keep]
#   --keep   keep the captures (in $BENCH_DIR, default /tmp/dsb-jobsbench)
#
# Wall time, CPU time and peak RSS come from GNU time (`apt-get install
# time`).  Not part of ctest: it takes minutes and about 1.3 GB of disk
# with the defaults.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=build big=8 sizes="64M 128M 192M 256M" small=40 slow=4 jobs="1 2" runs=3 keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--big) big=$2; shift 2 ;;
	--big-sizes) sizes=$2; shift 2 ;;
	--small) small=$2; shift 2 ;;
	--slow) slow=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	*) echo "jobsbench: unknown option $1" >&2; exit 2 ;;
	esac
done
fixture=$build/dsbfixture
inspect=$build/dsbinspect
[ -x "$fixture" ] && [ -x "$inspect" ] || { echo "jobsbench: build $build first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "jobsbench: needs GNU time (apt-get install time)" >&2; exit 2; }
dir=${BENCH_DIR:-/tmp/dsb-jobsbench}
mkdir -p "$dir/big" "$dir/small"
[ "$keep" = 1 ] || trap 'rm -rf "$dir"' EXIT

read -r -a size_list <<< "$sizes"
for i in $(seq 0 $((big - 1))); do
	s=${size_list[$((i % ${#size_list[@]}))]}
	f=$dir/big/$(printf '%02d' "$i")-$s.tar
	[ -f "$f" ] || "$fixture" big "$f" --size "$s" >/dev/null
done
mapfile -t names < <("$fixture" list | awk '/^[a-z0-9-]+ +exit/ { print $1 }')
for i in $(seq 0 $((small - 1))); do
	n=${names[$((i % ${#names[@]}))]}
	f=$dir/small/$(printf '%02d' "$i")-$n
	[ -e "$f" ] || "$fixture" write "$n" "$f" >/dev/null 2>&1 || true
done
big_files=("$dir"/big/*) small_files=("$dir"/small/*)
echo "big: ${#big_files[@]} captures, $(du -cb "${big_files[@]}" | tail -1 | cut -f1) bytes ($sizes)"
echo "small: ${#small_files[@]} scenario captures"
echo "cores online: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

timed() { dsb_timed "$dir/t.out" "$@"; }

# One big input alone: the memory of one job.
read -r w c m < <(timed "$inspect" verify -q -j 1 "${big_files[-1]}")
echo "one job: $(basename "${big_files[-1]}") alone, peak RSS $m KiB ($w s wall)"

for set in big small; do
	if [ "$set" = big ]; then files=("${big_files[@]}"); else files=("${small_files[@]}"); fi
	# The same report at every --jobs value.
	first=""
	for j in $jobs; do
		"$inspect" verify -q --format json -j "$j" "${files[@]}" > "$dir/r-$j.json" || true
		if [ -z "$first" ]; then first=$j
		elif ! cmp -s "$dir/r-$first.json" "$dir/r-$j.json"; then
			echo "jobsbench: -j $j's report differs from -j $first's" >&2; exit 1
		fi
	done
	declare -A W=() C=() M=()
	for r in $(seq 1 "$runs"); do
		line="$set run $r:"
		for j in $jobs; do
			read -r w c m < <(timed "$inspect" verify -q -j "$j" "${files[@]}")
			W[$j]="${W[$j]:-} $w" C[$j]="${C[$j]:-} $c" M[$j]="${M[$j]:-} $m"
			line="$line -j$j $w s wall $c s cpu $m KiB;"
		done
		echo "$line"
	done
	base=""
	for j in $jobs; do
		# shellcheck disable=SC2086
		w=$(median ${W[$j]}) c=$(median ${C[$j]}) m=$(median ${M[$j]})
		[ -n "$base" ] || base=$w
		awk -v s="$set" -v j="$j" -v w="$w" -v c="$c" -v m="$m" -v b="$base" 'BEGIN {
			printf "%s median -j%s: %s s wall, %s s cpu, peak RSS %s KiB, speed-up %.2f\n",
			       s, j, w, c, m, b / w }'
	done
	unset W C M
done
# Inputs that wait rather than compute (a capture pulled over the network,
# a slow disk): --slow FIFOs, each fed with a good capture only after a
# second from when dsbinspect opens it.  -j1 waits for them one after
# another.
for j in $jobs; do
	fifos=()
	for i in $(seq 0 $((slow - 1))); do
		f=$dir/fifo-$i
		rm -f "$f"; mkfifo "$f"; fifos+=("$f")
		# The open waits for dsbinspect to open the FIFO; the second
		# starts then.
		( exec 3> "$f"; sleep 1; cat "${small_files[0]}" >&3 ) &
	done
	read -r w c m < <(timed "$inspect" verify -q -j "$j" "${fifos[@]}")
	wait
	echo "slow: $slow FIFOs, each fed 1 s after it is opened, -j$j: $w s wall, $c s cpu"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
