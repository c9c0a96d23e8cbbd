#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# A capture holding a database and its logs (issue 7): `dsbinspect verify
# -q CAPTURE` next to `openssl dgst -sha256 CAPTURE` on the same tar,
# interleaved (verify, openssl, verify, ...) --runs times so that a change
# in the machine's load hits both alike; medians of wall and CPU time
# (user + system), their ratios, the peak RSS of verify, and the load
# averages before and after (numbers from a busy machine are rough).
#
# CAPTURE is `dsbfixture big OUT --size DB --logs LOGS --log-size L`: a
# domain controller's full backup, ntds.dit streamed with its trailer,
# then LOGS bytes of archived logs of L bytes each, all listed and read,
# the journal last; its verify is clean (the set restorable).
#
#   verify / openssl throughput   target >= 0.8
#   peak RSS                      grows with the number of logs, not
#                                 their size (compare --log-size 1M, 10M)
#
# Usage: bench/capbench.sh [--build DIR] [--size 1G] [--logs 1G]
#                          [--log-size 1M] [--runs 5] [--baseline DIR] [--keep]
#   --baseline DIR   a build folder of another dsbinspect (e.g. main's),
#                    timed in the same rounds on the same capture
#   --keep           keep the capture (in $BENCH_DIR, default /tmp/dsb-capbench)
#
# Wall time, CPU time and peak RSS come from GNU time (`apt-get install
# time`).  Not part of ctest: it takes minutes and about --size + --logs
# of disk.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=build size=1G logs=1G log_size=1M runs=5 baseline="" keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--logs) logs=$2; shift 2 ;;
	--log-size) log_size=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--baseline) baseline=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	*) echo "capbench: unknown option $1" >&2; exit 2 ;;
	esac
done
fixture=$build/dsbfixture
inspect=$build/dsbinspect
[ -x "$fixture" ] && [ -x "$inspect" ] || { echo "capbench: build $build first" >&2; exit 2; }
[ -z "$baseline" ] || [ -x "$baseline/dsbinspect" ] ||
	{ echo "capbench: no dsbinspect in $baseline" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "capbench: needs GNU time (apt-get install time)" >&2; exit 2; }
dir=${BENCH_DIR:-/tmp/dsb-capbench}
mkdir -p "$dir"
cap=$dir/cap-$size-$logs-$log_size.tar
[ "$keep" = 1 ] || trap 'rm -f "$cap" "$dir"/t.*' EXIT

[ -f "$cap" ] || "$fixture" big "$cap" --size "$size" --logs "$logs" --log-size "$log_size"
bytes=$(stat -c %s "$cap")
echo "capture: $cap, database $size + logs $logs of $log_size each, $bytes bytes"
"$inspect" verify -q "$cap" >/dev/null || { echo "capbench: verify is not clean" >&2; exit 1; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

timed() { dsb_timed "$dir/t.out" "$@"; }

ver_w=() ver_c=() ver_r=() ssl_w=() ssl_c=() base_w=() base_c=()
for r in $(seq 1 "$runs"); do
	read -r w c m < <(timed "$inspect" verify -q "$cap")
	ver_w+=("$w"); ver_c+=("$c"); ver_r+=("$m")
	read -r w c m < <(timed openssl dgst -sha256 "$cap")
	ssl_w+=("$w"); ssl_c+=("$c")
	line="run $r: verify ${ver_w[-1]} s wall ${ver_c[-1]} s cpu ${ver_r[-1]} KiB, openssl ${ssl_w[-1]} s wall ${ssl_c[-1]} s cpu"
	if [ -n "$baseline" ]; then
		read -r w c m < <(timed "$baseline/dsbinspect" verify -q "$cap")
		base_w+=("$w"); base_c+=("$c")
		line="$line, baseline ${base_w[-1]} s wall ${base_c[-1]} s cpu"
	fi
	echo "$line"
done
vw=$(median "${ver_w[@]}") vc=$(median "${ver_c[@]}") vr=$(median "${ver_r[@]}")
sw=$(median "${ssl_w[@]}") sc=$(median "${ssl_c[@]}")
echo "median: verify $vw s wall $vc s cpu, peak RSS $vr KiB; openssl $sw s wall $sc s cpu"
awk -v b="$bytes" -v vw="$vw" -v sw="$sw" -v vc="$vc" -v sc="$sc" 'BEGIN {
	printf "throughput: verify %.0f MB/s, openssl %.0f MB/s; verify / openssl = %.2f (target >= 0.8)\n",
	       b / vw / 1e6, b / sw / 1e6, sw / vw
	printf "cpu: verify / openssl = %.2f\n", vc / sc }'
if [ -n "$baseline" ]; then
	bw=$(median "${base_w[@]}") bc=$(median "${base_c[@]}")
	awk -v bw="$bw" -v bc="$bc" -v sw="$sw" 'BEGIN {
		printf "baseline: %s s wall %s s cpu; baseline / openssl = %.2f\n", bw, bc, sw / bw }'
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
