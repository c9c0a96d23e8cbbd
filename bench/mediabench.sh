#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Disk image checking speed (issue 9, docs/media.md): `dsbinspect verify
# -q dc01.vhdx` on a VHDX holding an NTFS volume whose Windows/NTDS has a
# --db-bytes database (default 1 GiB) and its logs (5 x 10 MiB, edb.log,
# edb.chk), made by `dsbfixture logset` and `dsbfixture media` (mkntfs,
# ntfscp, qemu-img: docs/fixtures.md), next to `openssl dgst -sha256` over
# the VHDX, interleaved --runs times so that a change in the machine's
# load hits both alike; medians of wall and CPU time, the ratio of
# throughputs over the bytes each reads (verify: the files inside; openssl:
# the VHDX), verify's peak RSS (GNU time), and the load before and after.
#
#   verify / openssl throughput   goal >= 0.5 (issue 9), then 0.8
#
# Usage: bench/mediabench.sh [--build DIR] [--db-bytes 1G] [--volume-size 4G]
#                            [--runs 3] [--dir DIR]
#   With --dir the image is kept and reused by the next run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=build db=1G vol=4G runs=3 dir=""
while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--db-bytes) db=$2; shift 2 ;;
	--volume-size) vol=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	*) echo "mediabench: unknown option $1" >&2; exit 2 ;;
	esac
done
fixture=$build/dsbfixture
inspect=$build/dsbinspect
[ -x "$fixture" ] && [ -x "$inspect" ] || { echo "mediabench: build $build first" >&2; exit 2; }
own=""
if [ -z "$dir" ]; then
	dir=$(mktemp -d /tmp/dsb-mediabench-XXXXXX)
	own=$dir
fi
mkdir -p "$dir"
tfile=$(mktemp /tmp/dsb-mediabench-time-XXXXXX)
trap 'rm -f "$tfile"; [ -n "$own" ] && rm -rf "$own"' EXIT

img=$dir/dc01.vhdx
if [ ! -s "$img" ]; then
	t0=$(date +%s)
	"$fixture" logset "$dir/set" --db dirty --db-bytes "$db" --checkpoint --current \
		--log-size 10M >/dev/null
	"$fixture" media "$img" --from "$dir/set" --format vhdx --volume-size "$vol"
	echo "made $img in $(( $(date +%s) - t0 )) s"
fi
files=$(du -sb "$dir/set" | cut -f1)
vhdx=$(stat -c %s "$img")
echo "image: $img, $vhdx bytes; files inside: $files bytes"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

timed() { dsb_timed "$tfile" "$@"; }

v_w=() v_c=() v_r=() s_w=() s_c=()
for r in $(seq 1 "$runs"); do
	read -r w c m < <(timed "$inspect" verify -q --now 2026-11-22T10:00:00Z "$img")
	v_w+=("$w"); v_c+=("$c"); v_r+=("$m")
	read -r w c m < <(timed openssl dgst -sha256 "$img")
	s_w+=("$w"); s_c+=("$c")
	echo "run $r: verify ${v_w[-1]} s wall ${v_c[-1]} s cpu ${v_r[-1]} KiB, openssl ${s_w[-1]} s wall ${s_c[-1]} s cpu"
done
vw=$(median "${v_w[@]}") vc=$(median "${v_c[@]}") sw=$(median "${s_w[@]}") sc=$(median "${s_c[@]}")
vr=$(median "${v_r[@]}")
echo "median: verify $vw s wall $vc s cpu, peak RSS $vr KiB; openssl $sw s wall $sc s cpu"
awk -v f="$files" -v x="$vhdx" -v vw="$vw" -v sw="$sw" -v vc="$vc" -v sc="$sc" 'BEGIN {
	printf "throughput: verify %.0f MB/s (files inside), openssl %.0f MB/s (the VHDX); verify / openssl = %.2f (goal >= 0.5)\n",
	       f / vw / 1e6, x / sw / 1e6, (f / vw) / (x / sw)
	printf "cpu: verify / openssl = %.2f\n", vc / sc }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
