#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# dsbinspect benchmark: how fast `dsbinspect verify` reads a capture, and how
# much memory it needs, next to the two programs that bound it:
#
#   openssl dgst -sha256 PAYLOAD    hashing the database payload alone
#   bsdtar -xOf CAPTURE             reading the archive through libarchive
#
# `verify` reads the archive once, hashes every member and replays the
# journal, so its throughput should approach the slower of the two.
# Targets: verify throughput >= 0.8 x openssl's; verify peak RSS < 64 MiB.
#
# Issue 3 adds the ESE database checks, measured in the same run:
#
#   (a) dsbinspect ese -q NTDS      the capture's payload, a generated ESE
#                                   database of --size bytes (at least 1 GiB:
#                                   use the default) vs openssl on it;
#                                   target >= 2 GB/s
#   (b) esedbinfo / esedbexport     libesedb-utils on the real 12 MB sample
#                                   DSInternals/Initial/ntds.dit vs
#                                   dsbinspect ese on the same file
#   (c) dsbinspect verify -q        the tar capture holding that database
#                                   (ESE checks included once verify has
#                                   them) vs openssl; target >= 0.8
#   peak RSS of each; target < 64 MiB for dsbinspect.
#
# Usage: bench/bench.sh [--size 1G] [--read 65536] [--runs 3] [--rss-only]
#                       [--journal-records N] [--journal-only] [--baseline DIR]
#                       [--with-jq]
#                       [--keep] [--no-ese] [--no-esedbexport]
#   --size BYTES         database payload of the capture (K/M/G), default 1G
#   --read BYTES         DsBackupRead size in the capture's journal, default 64 KiB
#   --runs N             runs per program; the best wall time is kept, default 3
#   --rss-only           only `verify`: wall time and peak RSS (for --size 8G)
#   --journal-records N  also time `verify` on a journal of N records, almost
#                        all findings (10M: the scale of the capped-findings test;
#                        target <= 20 s on an idle 2-core machine), --runs times,
#                        interleaved with references over the same journal:
#                        `wc -l` and `openssl dgst -sha256`; medians
#   --with-jq            with the journal, also `jq -c . >/dev/null` (a C JSON
#                        parser's speed; slow: about 10 minutes for 10M records)
#   --journal-only       only the journal of --journal-records (no 1 GiB capture)
#   --baseline DIR       a build folder of another dsbinspect (e.g. main's),
#                        timed on the same journal in the same rounds, so that
#                        before and after see the same machine load
#   --keep               keep the files under $BENCH_DIR
#   --no-ese             skip (a) and (b)
#   --no-esedbexport     skip esedbexport in (b) (about 30 s per run)
#   SAMPLE_NTDS          the real database for (b) (default
#                        $SRC/../shared/samples/DSInternals/Initial/ntds.dit)
#
# Environment:
#   BENCH_DIR  where temporary files go (default /tmp/dsb-bench); removed
#              at the end unless --keep.  Needs about 2 x --size of space.
#              The Release build in $BENCH_DIR/build is kept for the next run
#              (cmake rebuilds what changed); remove it to start afresh.
#   DSB_BUILD  a build folder holding dsbinspect and dsbfixture; without it
#              a Release build is made under $BENCH_DIR/build.
#
# Peak RSS, wall and CPU time come from GNU time (`apt-get install time`)
# when /usr/bin/time exists, else from bench/rusage.c (wait4), built here.
# Not part of ctest: it takes minutes and gigabytes.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/dsb-bench}
SIZE=1G
READ=65536
RUNS=3
RSS_ONLY=0
JOURNAL_RECORDS=0
JOURNAL_ONLY=0
BASELINE=
WITH_JQ=0
KEEP=0
ESE=1
ESEDBEXPORT=1

die() { echo "bench: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--size) SIZE=${2:?}; shift 2 ;;
	--read) READ=${2:?}; shift 2 ;;
	--runs) RUNS=${2:?}; shift 2 ;;
	--rss-only) RSS_ONLY=1; shift ;;
	--journal-records) JOURNAL_RECORDS=${2:?}; shift 2 ;;
	--journal-only) JOURNAL_ONLY=1; shift ;;
	--baseline) BASELINE=${2:?}; shift 2 ;;
	--with-jq) WITH_JQ=1; shift ;;
	--keep) KEEP=1; shift ;;
	--no-ese) ESE=0; shift ;;
	--no-esedbexport) ESEDBEXPORT=0; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
case "$RUNS" in ''|*[!0-9]*|0) die "--runs needs a positive number" ;; esac
if [ "$JOURNAL_ONLY" = 1 ] && [ "$JOURNAL_RECORDS" = 0 ]; then
	die "--journal-only needs --journal-records N"
fi
if [ -n "$BASELINE" ] && [ ! -x "$BASELINE/dsbinspect" ]; then
	die "--baseline: no dsbinspect in $BASELINE"
fi

mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
cleanup() {
	if [ "$KEEP" = 1 ]; then
		echo "bench: files kept in $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

# ---- tools ---------------------------------------------------------------

for tool in bsdtar openssl; do
	command -v "$tool" >/dev/null || die "$tool is needed (apt-get install libarchive-tools openssl)"
done

if [ -n "${DSB_BUILD:-}" ]; then
	BUILD=$DSB_BUILD
else
	BUILD=$BENCH_DIR/build
	echo "bench: building dsbinspect and dsbfixture (Release) in $BUILD"
	cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DDSB_WERROR=OFF >/dev/null
	cmake --build "$BUILD" -j2 --target dsbinspect dsbfixture-cmd >/dev/null
fi
DSB=$BUILD/dsbinspect
FIX=$BUILD/dsbfixture
[ -x "$DSB" ] || die "no dsbinspect in $BUILD"
[ -x "$FIX" ] || die "no dsbfixture in $BUILD"

if [ -x /usr/bin/time ]; then
	measure() { local out=$1; shift; /usr/bin/time -f '%e %M %U %S' -o "$out" "$@"; }
else
	command -v cc >/dev/null || die "neither /usr/bin/time (apt-get install time) nor a C compiler"
	cc -O2 -o "$WORK/rusage" "$SRC/bench/rusage.c"
	measure() { local out=$1; shift; "$WORK/rusage" -o "$out" "$@"; }
fi

# Throughput in MiB/s; ok or MISSED for a condition (awk syntax).
mibs() { awk -v b="$1" -v t="$2" 'BEGIN { if (t <= 0) t = 0.01; printf "%.0f", b / 1048576 / t }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo "ok"; else echo "MISSED"; fi; }

# ---- the capture -----------------------------------------------------------

if [ "$JOURNAL_ONLY" = 0 ]; then

CAPTURE=$WORK/capture.tar
PAYLOAD=$WORK/ntds.dit
echo "bench: writing a $SIZE capture (reads of $READ bytes) to $CAPTURE"
"$FIX" big "$CAPTURE" --size "$SIZE" --read "$READ"
CAP_BYTES=$(stat -c %s "$CAPTURE")
if [ "$RSS_ONLY" = 0 ]; then
	echo "bench: extracting the payload once for openssl"
	bsdtar -xOf "$CAPTURE" data/ntds.dit > "$PAYLOAD"
	PAY_BYTES=$(stat -c %s "$PAYLOAD")
fi

# Warm the page cache so that every program reads from memory when it fits.
cat "$CAPTURE" > /dev/null
[ "$RSS_ONLY" = 1 ] || cat "$PAYLOAD" > /dev/null

# best_of NAME CMD...: the best wall time and the highest peak RSS of $RUNS runs.
best_of() {
	local name=$1; shift
	local best="" rss=0 i t m rc
	for ((i = 1; i <= RUNS; i++)); do
		rc=0
		measure "$WORK/time.$name" "$@" > /dev/null || rc=$?
		if [ "$rc" != 0 ]; then
			echo "bench: $name exited with status $rc" >&2
			[ "$name" = verify ] && die "verify must pass on the benchmark capture"
		fi
		# GNU time puts "Command exited with non-zero status N" first.
		read -r t m _ < <(tail -n 1 "$WORK/time.$name")
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
		[ "$m" -gt "$rss" ] && rss=$m
	done
	echo "$best $rss"
}

echo "bench: $RUNS run(s) each; $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: verify hashes the input and each member (two SHA-256 streams, two threads):"
echo "       on a busy machine the second one competes for a core"
read -r V_T V_M <<< "$(best_of verify "$DSB" verify -q "$CAPTURE")"
if [ "$RSS_ONLY" = 0 ]; then
	read -r O_T O_M <<< "$(best_of openssl openssl dgst -sha256 "$PAYLOAD")"
	read -r B_T B_M <<< "$(best_of bsdtar bsdtar -xOf "$CAPTURE")"
fi

# ---- the table ---------------------------------------------------------------

row() { printf '%-34s %12s %9s %10s %12s\n' "$@"; }

echo
row "program" "bytes" "wall s" "MiB/s" "peak RSS KiB"
row "dsbinspect verify -q" "$CAP_BYTES" "$V_T" "$(mibs "$CAP_BYTES" "$V_T")" "$V_M"
if [ "$RSS_ONLY" = 0 ]; then
	row "openssl dgst -sha256 (payload)" "$PAY_BYTES" "$O_T" "$(mibs "$PAY_BYTES" "$O_T")" "$O_M"
	row "bsdtar -xOf (archive)" "$CAP_BYTES" "$B_T" "$(mibs "$CAP_BYTES" "$B_T")" "$B_M"
fi
echo

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$RSS_ONLY" = 0 ]; then
	R_O=$(awk -v v="$(mibs "$CAP_BYTES" "$V_T")" -v o="$(mibs "$PAY_BYTES" "$O_T")" 'BEGIN { printf "%.2f", v / o }')
	R_B=$(awk -v v="$(mibs "$CAP_BYTES" "$V_T")" -v b="$(mibs "$CAP_BYTES" "$B_T")" 'BEGIN { printf "%.2f", v / b }')
	printf 'verify / openssl throughput: %s (target >= 0.80: %s)\n' "$R_O" "$(verdict "$R_O >= 0.8")"
	printf 'verify / bsdtar throughput:  %s\n' "$R_B"
fi
printf 'verify peak RSS: %s KiB (target < 65536 KiB: %s)\n' "$V_M" "$(verdict "$V_M < 65536")"

# ---- issue 3: ESE database checks ----------------------------------------------

if [ "$RSS_ONLY" = 0 ] && [ "$ESE" = 1 ]; then
	# (a) page verification alone: a bench-only driver of the library
	# (dsb_ese_verify_fd: header, every checksum, page structure, trees,
	# catalog; no SHA-256), which is what the 2 GB/s target is about.
	cc -O2 -I"$SRC" -o "$WORK/eseverify" "$SRC/bench/eseverify.c" "$BUILD/libdsbcore.a" \
		$(pkg-config --libs libarchive jansson libcrypto) -lpthread
	rc=0
	"$WORK/eseverify" "$PAYLOAD" > "$WORK/ese.out" 2>&1 || rc=$?
	[ "$rc" = 0 ] || { cat "$WORK/ese.out" >&2; die "eseverify must pass on the generated database (status $rc)"; }
	read -r L_T L_M <<< "$(best_of eselib "$WORK/eseverify" "$PAYLOAD")"
	# (a2) the whole command, which also hashes the file (SHA-256 bounds it).
	if "$DSB" --help 2>&1 | grep -q '^ *ese '; then
		ESE_CMD=("$DSB" ese -q)
		ESE_NAME="dsbinspect ese -q"
	else
		ESE_CMD=("$WORK/eseverify")
		ESE_NAME="eseverify (dsb_ese_verify_fd)"
	fi
	rc=0
	"${ESE_CMD[@]}" "$PAYLOAD" > "$WORK/ese.out" 2>&1 || rc=$?
	[ "$rc" = 0 ] || { cat "$WORK/ese.out" >&2; die "$ESE_NAME must pass on the generated database (status $rc)"; }
	read -r E_T E_M <<< "$(best_of ese "${ESE_CMD[@]}" "$PAYLOAD")"

	# (b) the real sample: libesedb-utils next to dsbinspect ese.
	SAMPLE=${SAMPLE_NTDS:-$SRC/../shared/samples/DSInternals/Initial/ntds.dit}
	if [ -f "$SAMPLE" ]; then
		S_BYTES=$(stat -c %s "$SAMPLE")
		cat "$SAMPLE" > /dev/null
		read -r SE_T SE_M <<< "$(best_of sample_ese "${ESE_CMD[@]}" "$SAMPLE")"
		if command -v esedbinfo >/dev/null; then
			read -r SI_T SI_M <<< "$(best_of esedbinfo esedbinfo "$SAMPLE")"
		fi
		if [ "$ESEDBEXPORT" = 1 ] && command -v esedbexport >/dev/null; then
			# One run: it takes about half a minute.  A fresh target each time.
			rm -rf "$WORK/export"; mkdir -p "$WORK/export"
			measure "$WORK/time.esedbexport" esedbexport -t "$WORK/export/x" "$SAMPLE" > /dev/null || true
			read -r SX_T SX_M _ < <(tail -n 1 "$WORK/time.esedbexport")
			rm -rf "$WORK/export"
		fi
	fi

	# Decimal GB/s for the 2 GB/s target; ratios of throughputs.
	gbs() { awk -v b="$1" -v t="$2" 'BEGIN { if (t <= 0) t = 0.01; printf "%.2f", b / 1e9 / t }'; }
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a <= 0) a = 0.01; printf "%.2f", b / a }'; }
	echo
	echo "issue 3: ESE checks (ratio = throughput / openssl's on the same bytes; for the"
	echo "sample, wall time of the other program / dsbinspect's)"
	row2() { printf '%-38s %12s %9s %8s %8s %12s\n' "$@"; }
	row2 "program" "bytes" "wall s" "GB/s" "ratio" "peak RSS KiB"
	row2 "openssl dgst -sha256 (database)" "$PAY_BYTES" "$O_T" "$(gbs "$PAY_BYTES" "$O_T")" "1.00" "$O_M"
	row2 "(a) page verification (library)" "$PAY_BYTES" "$L_T" "$(gbs "$PAY_BYTES" "$L_T")" "$(ratio "$L_T" "$O_T")" "$L_M"
	row2 "(a2) $ESE_NAME (database)" "$PAY_BYTES" "$E_T" "$(gbs "$PAY_BYTES" "$E_T")" "$(ratio "$E_T" "$O_T")" "$E_M"
	row2 "(c) dsbinspect verify -q (capture)" "$CAP_BYTES" "$V_T" "$(gbs "$CAP_BYTES" "$V_T")" \
		"$(awk -v v="$(gbs "$CAP_BYTES" "$V_T")" -v o="$(gbs "$PAY_BYTES" "$O_T")" 'BEGIN { printf "%.2f", v / o }')" "$V_M"
	if [ -n "${S_BYTES:-}" ]; then
		row2 "(b) $ESE_NAME (sample)" "$S_BYTES" "$SE_T" "$(gbs "$S_BYTES" "$SE_T")" "1.00" "$SE_M"
		[ -n "${SI_T:-}" ] && row2 "(b) esedbinfo (sample)" "$S_BYTES" "$SI_T" "$(gbs "$S_BYTES" "$SI_T")" \
			"$(ratio "$SE_T" "$SI_T")" "$SI_M"
		[ -n "${SX_T:-}" ] && row2 "(b) esedbexport (sample, 1 run)" "$S_BYTES" "$SX_T" "$(gbs "$S_BYTES" "$SX_T")" \
			"$(ratio "$SE_T" "$SX_T")" "$SX_M"
	else
		echo "(b) skipped: no sample at $SAMPLE"
	fi
	printf '(a) page verification: %s GB/s on one core (target >= 2: %s); peak RSS %s KiB (target < 65536: %s)\n' \
		"$(gbs "$PAY_BYTES" "$L_T")" "$(verdict "$(gbs "$PAY_BYTES" "$L_T") >= 2")" "$L_M" "$(verdict "$L_M < 65536")"
	printf '(c) verify of the capture / openssl: %s (target >= 0.80: %s)\n' \
		"$(awk -v v="$(gbs "$CAP_BYTES" "$V_T")" -v o="$(gbs "$PAY_BYTES" "$O_T")" 'BEGIN { printf "%.2f", v / o }')" \
		"$(verdict "$(awk -v v="$(gbs "$CAP_BYTES" "$V_T")" -v o="$(gbs "$PAY_BYTES" "$O_T")" 'BEGIN { printf "%.2f", v / o }') >= 0.8")"
	echo "load average after the ESE runs: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

fi   # JOURNAL_ONLY

# ---- a journal of many records (optional) -------------------------------------

if [ "$JOURNAL_RECORDS" != 0 ]; then
	rm -f "${CAPTURE:-}" "${PAYLOAD:-}"
	case "$JOURNAL_RECORDS" in
	*[kK]) N=$(( ${JOURNAL_RECORDS%?} * 1000 )) ;;
	*[mM]) N=$(( ${JOURNAL_RECORDS%?} * 1000000 )) ;;
	*[!0-9]*) die "--journal-records: a count such as 10000000 or 10M" ;;
	*) N=$JOURNAL_RECORDS ;;
	esac
	J=$WORK/journal
	echo
	echo "bench: writing a journal of $JOURNAL_RECORDS records to $J"
	"$FIX" journal "$J" --records "$JOURNAL_RECORDS"
	J_BYTES=$(stat -c %s "$J/journal.jsonl")
	cat "$J/journal.jsonl" > /dev/null

	# One round: each program once, in the same order, so that every one
	# sees the same load; $RUNS rounds, medians reported.
	progs=(verify wc sha256)
	[ -n "$BASELINE" ] && progs=(baseline "${progs[@]}")
	if [ "$WITH_JQ" = 1 ]; then
		command -v jq > /dev/null || die "--with-jq: no jq (apt-get install jq)"
		progs+=(jq)
	fi
	run_journal() {
		local name=$1 rc=0
		case "$name" in
		verify|baseline)
			local bin=$DSB
			[ "$name" = baseline ] && bin=$BASELINE/dsbinspect
			measure "$WORK/time.j.$name" "$bin" verify -q --format json "$J" \
				> "$WORK/journal.$name.json" || rc=$?
			[ "$rc" = 1 ] || die "$name on the journal: exit status $rc, expected 1 (findings)"
			;;
		wc) measure "$WORK/time.j.$name" wc -l "$J/journal.jsonl" > /dev/null ;;
		sha256) measure "$WORK/time.j.$name" openssl dgst -sha256 "$J/journal.jsonl" > /dev/null ;;
		jq) measure "$WORK/time.j.$name" jq -c . "$J/journal.jsonl" > /dev/null ;;
		esac
		tail -n 1 "$WORK/time.j.$name" >> "$WORK/times.j.$name"
	}
	echo "bench: $RUNS round(s) of: ${progs[*]}; load average before $(cut -d' ' -f1-3 /proc/loadavg)"
	for ((i = 1; i <= RUNS; i++)); do
		for p in "${progs[@]}"; do run_journal "$p"; done
	done
	LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
	if [ -n "$BASELINE" ]; then
		# The same report, or the comparison means nothing.
		cmp -s "$WORK/journal.baseline.json" "$WORK/journal.verify.json" ||
			echo "bench: WARNING: the baseline's report differs from this build's"
	fi
	median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
	med_t() { cut -d' ' -f1 "$WORK/times.j.$1" | median; }
	# CPU seconds (user + system): what the program costs, whatever the
	# other jobs on the machine take of the wall time.
	med_c() { awk '{ printf "%.2f\n", $3 + $4 }' "$WORK/times.j.$1" | median; }
	max_m() { cut -d' ' -f2 "$WORK/times.j.$1" | sort -n | tail -n 1; }
	echo
	printf 'journal of %s records (%s bytes), median of %s run(s):\n' "$N" "$J_BYTES" "$RUNS"
	jrow() { printf '  %-36s %9s %7s %12s %10s %12s\n' "$@"; }
	jrow "program" "wall s" "CPU s" "records/s" "MiB/s" "peak RSS KiB"
	for p in "${progs[@]}"; do
		case "$p" in
		verify) label="dsbinspect verify (this build)" ;;
		baseline) label="dsbinspect verify (--baseline)" ;;
		wc) label="wc -l" ;;
		sha256) label="openssl dgst -sha256" ;;
		jq) label="jq -c . >/dev/null" ;;
		esac
		t=$(med_t "$p")
		jrow "$label" "$t" "$(med_c "$p")" \
			"$(awk -v n="$N" -v t="$t" 'BEGIN { if (t <= 0) t = 0.01; printf "%.0f", n / t }')" \
			"$(mibs "$J_BYTES" "$t")" "$(max_m "$p")"
	done
	J_T=$(med_t verify)
	J_C=$(med_c verify)
	printf 'verify: %s s wall, %s s CPU for %s records (target <= 20 s for 10M on an idle\n' \
		"$J_T" "$J_C" "$N"
	printf '        2-core machine: %s by wall time, %s by CPU time)\n' \
		"$(verdict "$J_T * 10000000 / $N <= 20")" "$(verdict "$J_C * 10000000 / $N <= 20")"
	printf '        %.1f x wc -l, %.1f x openssl sha256' \
		"$(awk -v a="$J_T" -v b="$(med_t wc)" 'BEGIN { if (b <= 0) b = 0.01; print a / b }')" \
		"$(awk -v a="$J_T" -v b="$(med_t sha256)" 'BEGIN { if (b <= 0) b = 0.01; print a / b }')"
	if [ "$WITH_JQ" = 1 ]; then
		printf ', %.2f x jq' "$(awk -v a="$J_T" -v b="$(med_t jq)" 'BEGIN { if (b <= 0) b = 0.01; print a / b }')"
	fi
	echo
	if [ -n "$BASELINE" ]; then
		printf 'baseline: %s s wall, %s s CPU; this build is %.2f x faster (wall), %.2f x (CPU)\n' \
			"$(med_t baseline)" "$(med_c baseline)" \
			"$(awk -v a="$(med_t baseline)" -v b="$J_T" 'BEGIN { if (b <= 0) b = 0.01; print a / b }')" \
			"$(awk -v a="$(med_c baseline)" -v b="$J_C" 'BEGIN { if (b <= 0) b = 0.01; print a / b }')"
	fi
	echo "load average after the journal runs: $LOAD_AFTER"
fi
