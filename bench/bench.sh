#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# dsbinspect benchmark: how fast `dsbinspect verify` and `dsbinspect ese`
# read, and how much memory they need, next to the program that bounds
# them, on exactly the same bytes:
#
#   verify -q CAPTURE      vs  openssl dgst -sha256 CAPTURE   (the tar file)
#   ese -q NTDS            vs  openssl dgst -sha256 NTDS      (its database)
#   page verification alone: bench/eseverify.c --memory NTDS, the verifier
#                          library over the mapped database on one thread,
#                          no SHA-256, no reads (GB/s of wall and CPU time)
#   bsdtar -xOf CAPTURE    reading the archive through libarchive (reference)
#   the XE checksum alone: bench/xebench.c, each kernel (portable, AVX2 when
#                          the processor has it) over 256 MiB of 8 KiB
#                          blocks on one core, after the rounds above
#
# CAPTURE is an uncompressed tar holding a generated ESE database of
# --size bytes (1 GiB by default) as data/ntds.dit.  Every program runs
# --runs times (5 by default), interleaved (verify, openssl, ese, openssl,
# ... then the next round), so that a change in the machine's load hits
# all of them alike; the median wall time and the median CPU time
# (user + system) of each are reported, and the ratios of the medians:
#
#   verify / openssl throughput   target >= 0.80
#   verify / openssl CPU time     target <= 2.5 (two SHA-256 passes, input
#                                 and members, plus the page checks)
#   page verification alone       target >= 3 GB/s on one core
#   peak RSS of verify            target < 64 MiB
#
# The machine's load averages are printed before and after: numbers from
# a busy machine are not comparable with an idle one's.
#
# Also measured, once per run of the script:
#   (b) esedbinfo / esedbexport   libesedb-utils on the real 12 MB sample
#                                 DSInternals/Initial/ntds.dit vs dsbinspect
#                                 ese on the same file
#
# Usage: bench/bench.sh [--size 1G] [--read 65536] [--runs 5] [--rss-only]
#                       [--journal-records N] [--journal-only] [--baseline DIR]
#                       [--with-jq] [--keep] [--no-ese] [--no-esedbexport]
#   --size BYTES         database payload of the capture (K/M/G), default 1G
#   --read BYTES         DsBackupRead size in the capture's journal, default 64 KiB
#   --runs N             interleaved runs per program; medians, default 5
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
#   --no-ese             skip `ese`, page verification alone and (b)
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
# Wall time, peak RSS and CPU time come from GNU time (`apt-get install
# time`) when /usr/bin/time exists, else from bench/rusage.c (wait4), built
# here.  Not part of ctest: it takes minutes and gigabytes.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/dsb-bench}
SIZE=1G
READ=65536
RUNS=5
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
if [ "$RSS_ONLY" = 0 ] && [ "$ESE" = 1 ]; then
	echo "bench: extracting the database once for ese and openssl"
	bsdtar -xOf "$CAPTURE" data/ntds.dit > "$PAYLOAD"
	PAY_BYTES=$(stat -c %s "$PAYLOAD")
	# (a) page verification alone: a bench-only driver of the library.
	cc -O2 -I"$SRC" -o "$WORK/eseverify" "$SRC/bench/eseverify.c" "$BUILD/libdsbcore.a" \
		$(pkg-config --libs libarchive jansson libcrypto zlib liblzma) \
		$(pkg-config --libs libesedb 2>/dev/null) -lpthread
	# the XE checksum alone, per kernel (bench/xebench.c).
	cc -O2 -I"$SRC" -o "$WORK/xebench" "$SRC/bench/xebench.c" "$BUILD/libdsbcore.a"
	if "$DSB" --help 2>&1 | grep -q '^ *ese '; then
		ESE_CMD=("$DSB" ese -q)
		ESE_NAME="dsbinspect ese -q"
	else
		ESE_CMD=("$WORK/eseverify")
		ESE_NAME="eseverify (dsb_ese_verify_fd)"
	fi
fi

# Warm the page cache so that every program reads from memory when it fits.
cat "$CAPTURE" > /dev/null
[ -f "$PAYLOAD" ] && cat "$PAYLOAD" > /dev/null

# ---- interleaved runs ---------------------------------------------------------

# run NAME CMD...: one run; appends "wall rss cpu" to $WORK/runs.NAME.
run() {
	local name=$1; shift
	local rc=0 t m u sy
	measure "$WORK/time.$name" "$@" > /dev/null 2> "$WORK/out.$name" || rc=$?
	if [ "$rc" != 0 ]; then
		cat "$WORK/out.$name" >&2
		die "$name exited with status $rc; it must pass on the benchmark files"
	fi
	# GNU time puts "Command exited with non-zero status N" first.
	read -r t m u sy < <(tail -n 1 "$WORK/time.$name")
	echo "$t $m $(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')" >> "$WORK/runs.$name"
}

# page verification alone: eseverify --memory prints its own figures.
run_pages() {
	"$WORK/eseverify" --memory "$PAYLOAD" > "$WORK/out.pages" 2>&1 ||
		{ cat "$WORK/out.pages" >&2; die "eseverify must pass on the generated database"; }
	sed -n 's/.* \([0-9.]*\) GB\/s wall, \([0-9.]*\) GB\/s CPU$/\1 \2/p' "$WORK/out.pages" >> "$WORK/runs.pages"
}

# median NAME COLUMN: the median of a column of $WORK/runs.NAME.
median() {
	cut -d' ' -f"$2" "$WORK/runs.$1" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
maxof() { cut -d' ' -f"$2" "$WORK/runs.$1" | sort -g | tail -n 1; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: $RUNS interleaved runs each; $(nproc) CPU(s), load average $LOAD_BEFORE"
echo "bench: verify hashes the input and each member (two SHA-256 streams, two threads)"
echo "       and checks the database on a third: on a busy machine they compete for cores"
for ((i = 1; i <= RUNS; i++)); do
	run verify "$DSB" verify -q "$CAPTURE"
	if [ "$RSS_ONLY" = 0 ]; then
		run openssl_cap openssl dgst -sha256 "$CAPTURE"
		if [ "$ESE" = 1 ]; then
			run ese "${ESE_CMD[@]}" "$PAYLOAD"
			run openssl_db openssl dgst -sha256 "$PAYLOAD"
			run_pages
		fi
		run bsdtar bsdtar -xOf "$CAPTURE"
	fi
	printf 'bench: round %d of %d done, load average %s\n' "$i" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table ---------------------------------------------------------------

div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 0.01; printf "%.2f", a / b }'; }
row() { printf '%-34s %12s %8s %8s %8s %12s\n' "$@"; }
line() { row "$1" "$2" "$(median "$3" 1)" "$(mibs "$2" "$(median "$3" 1)")" "$(median "$3" 3)" "$(maxof "$3" 2)"; }

echo
echo "medians of $RUNS interleaved runs (peak RSS: the highest)"
row "program" "bytes" "wall s" "MiB/s" "CPU s" "peak RSS KiB"
line "dsbinspect verify -q (capture)" "$CAP_BYTES" verify
if [ "$RSS_ONLY" = 0 ]; then
	line "openssl dgst -sha256 (capture)" "$CAP_BYTES" openssl_cap
	if [ "$ESE" = 1 ]; then
		line "$ESE_NAME (database)" "$PAY_BYTES" ese
		line "openssl dgst -sha256 (database)" "$PAY_BYTES" openssl_db
	fi
	line "bsdtar -xOf (capture)" "$CAP_BYTES" bsdtar
fi
echo
echo "load average before: $LOAD_BEFORE; after: $LOAD_AFTER"

V_M=$(maxof verify 2)
if [ "$RSS_ONLY" = 0 ]; then
	R_V=$(div "$(median openssl_cap 1)" "$(median verify 1)")
	C_V=$(div "$(median verify 3)" "$(median openssl_cap 3)")
	printf 'verify / openssl throughput (capture): %s (target >= 0.80: %s)\n' "$R_V" "$(verdict "$R_V >= 0.8")"
	printf 'verify / openssl CPU time (capture):   %s (target <= 2.50: %s)\n' "$C_V" "$(verdict "$C_V <= 2.5")"
	if [ "$ESE" = 1 ]; then
		R_E=$(div "$(median openssl_db 1)" "$(median ese 1)")
		C_E=$(div "$(median ese 3)" "$(median openssl_db 3)")
		printf 'ese / openssl throughput (database):   %s\n' "$R_E"
		printf 'ese / openssl CPU time (database):     %s\n' "$C_E"
		P_W=$(median pages 1)
		P_C=$(median pages 2)
		printf 'page verification alone, one core:     %s GB/s of CPU time, %s GB/s of wall time (target >= 3: %s)\n' \
			"$P_C" "$P_W" "$(verdict "$P_C >= 3")"
		# One core, 8 KiB blocks from memory: the checksum's share of
		# the page figure above, per kernel (medians of its own runs).
		"$WORK/xebench" --runs "$((RUNS > 7 ? RUNS : 7))" | sed 's/^/checksum alone: /'
	fi
	printf 'verify / bsdtar throughput:            %s\n' "$(div "$(median bsdtar 1)" "$(median verify 1)")"
fi
printf 'verify peak RSS: %s KiB (target < 65536 KiB: %s)\n' "$V_M" "$(verdict "$V_M < 65536")"

# ---- (b) the real sample: libesedb-utils next to dsbinspect ese ----------------------

# best_of NAME CMD...: the best wall time and the highest peak RSS of $RUNS runs.
best_of() {
	local name=$1; shift
	rm -f "$WORK/runs.$name"
	for ((i = 1; i <= RUNS; i++)); do
		run "$name" "$@"
	done
	echo "$(cut -d' ' -f1 "$WORK/runs.$name" | sort -g | head -n 1) $(maxof "$name" 2)"
}

if [ "$RSS_ONLY" = 0 ] && [ "$ESE" = 1 ]; then
	SAMPLE=${SAMPLE_NTDS:-$SRC/../shared/samples/DSInternals/Initial/ntds.dit}
	if [ -f "$SAMPLE" ]; then
		S_BYTES=$(stat -c %s "$SAMPLE")
		cat "$SAMPLE" > /dev/null
		read -r SE_T SE_M <<< "$(best_of sample_ese "${ESE_CMD[@]}" "$SAMPLE")"
		echo
		echo "(b) the real sample $SAMPLE ($S_BYTES bytes), best of $RUNS"
		printf '%-38s %9s %12s\n' "program" "wall s" "peak RSS KiB"
		printf '%-38s %9s %12s\n' "$ESE_NAME" "$SE_T" "$SE_M"
		if command -v esedbinfo >/dev/null; then
			rc=0
			measure "$WORK/time.esedbinfo" esedbinfo "$SAMPLE" > /dev/null 2>&1 || rc=$?
			read -r SI_T SI_M _ < <(tail -n 1 "$WORK/time.esedbinfo")
			printf '%-38s %9s %12s\n' "esedbinfo" "$SI_T" "$SI_M"
		fi
		if [ "$ESEDBEXPORT" = 1 ] && command -v esedbexport >/dev/null; then
			# One run: it takes about half a minute.  A fresh target each time.
			rm -rf "$WORK/export"; mkdir -p "$WORK/export"
			measure "$WORK/time.esedbexport" esedbexport -t "$WORK/export/x" "$SAMPLE" > /dev/null 2>&1 || true
			read -r SX_T SX_M _ < <(tail -n 1 "$WORK/time.esedbexport")
			rm -rf "$WORK/export"
			printf '%-38s %9s %12s\n' "esedbexport (1 run)" "$SX_T" "$SX_M"
		fi
	else
		echo "(b) skipped: no sample at $SAMPLE"
	fi
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
	median_in() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
	med_t() { cut -d' ' -f1 "$WORK/times.j.$1" | median_in; }
	# CPU seconds (user + system): what the program costs, whatever the
	# other jobs on the machine take of the wall time.
	med_c() { awk '{ printf "%.2f\n", $3 + $4 }' "$WORK/times.j.$1" | median_in; }
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
