/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xebench: the XE page checksum alone (REF §2.4), on one core, for
 * bench.sh and by hand.  For each kernel this processor has (auto, the
 * portable one, AVX2), sums 8 KiB blocks (header blocks, as a small page's)
 * over a buffer of random bytes, RUNS times, and prints the median and the
 * spread of GB/s (decimal) of the thread's CPU time and of wall time:
 *
 *   xebench [--runs N] [--mib M]
 *     --mib M    the buffer: 256 MiB by default, larger than any cache, as
 *                a database is; 1 gives a buffer that stays in cache
 *     --runs N   passes over the buffer per kernel, default 15
 *
 *   cc -O2 -I. -o xebench bench/xebench.c BUILD/libdsbcore.a
 *
 * Built with -DXEBENCH_AUTO_ONLY it times dsb_ese_checksum_xe alone, so
 * that a library from before the kernels existed can be measured the same
 * way.  The sum of all checksums is printed so that no pass is optimised
 * away, and equal sums across kernels are one more check that they agree.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/ese.h"

#define BLOCK 8192u
#define MAX_RUNS 101

static double now_s(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct kernel_row {
	const char *name;
	int kernel;   /* enum dsb_ese_xe_kernel; -1: dsb_ese_checksum_xe */
};

static const struct kernel_row rows[] = {
	{ .name = "dsb_ese_checksum_xe", .kernel = -1 },
#ifndef XEBENCH_AUTO_ONLY
	{ .name = "portable kernel", .kernel = DSB_ESE_XE_PORTABLE },
	{ .name = "AVX2 kernel", .kernel = DSB_ESE_XE_AVX2 },
#endif
};

/* One pass: the sum of every block's checksum, or false when this
 * processor lacks the kernel. */
static bool pass(const struct kernel_row *k, const uint8_t *buf, size_t len, uint64_t *sum)
{
	uint64_t s = 0;
	for (size_t off = 0; off + BLOCK <= len; off += BLOCK) {
		uint32_t pgno = (uint32_t)(off / BLOCK);
		if (k->kernel < 0) {
			s += dsb_ese_checksum_xe(buf + off, BLOCK, pgno, true);
			continue;
		}
#ifndef XEBENCH_AUTO_ONLY
		uint64_t v;
		if (!dsb_ese_checksum_xe_kernel((enum dsb_ese_xe_kernel)k->kernel, buf + off, BLOCK,
						pgno, true, &v))
			return false;
		s += v;
#endif
	}
	*sum = s;
	return true;
}

int main(int argc, char **argv)
{
	unsigned runs = 15;
	size_t mib = 256;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--runs") == 0)
			runs = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--mib") == 0)
			mib = strtoul(argv[i + 1], NULL, 10);
	}
	if (runs < 1 || runs > MAX_RUNS || mib < 1 || mib > 4096) {
		fprintf(stderr, "xebench: --runs 1..%u, --mib 1..4096\n", MAX_RUNS);
		return 2;
	}
	size_t len = mib << 20;
	uint8_t *buf = malloc(len);
	if (!buf) {
		fprintf(stderr, "xebench: no memory for %zu MiB\n", mib);
		return 2;
	}
	uint64_t x = 0x243F6A8885A308D3ull;
	for (size_t i = 0; i < len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(buf + i, &x, 8);
	}
	printf("xebench: %zu MiB of 8 KiB blocks, %u runs per kernel, medians [min-max]\n", mib, runs);
	/* Rounds of one pass per kernel, interleaved, so that a change in the
	 * machine's load hits every kernel alike. */
	enum { NK = sizeof(rows) / sizeof(rows[0]) };
	static double cpu[NK][MAX_RUNS], wall[NK][MAX_RUNS];
	uint64_t sum[NK] = { 0 };
	bool have[NK];
	for (size_t k = 0; k < NK; k++)
		have[k] = pass(&rows[k], buf, len < BLOCK ? len : BLOCK, &sum[k]);
	for (unsigned r = 0; r < runs; r++) {
		for (size_t k = 0; k < NK; k++) {
			if (!have[k])
				continue;
			double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
			pass(&rows[k], buf, len, &sum[k]);
			double c = now_s(CLOCK_THREAD_CPUTIME_ID) - c0, w = now_s(CLOCK_MONOTONIC) - w0;
			cpu[k][r] = (double)len / 1e9 / (c > 0 ? c : 1e-9);
			wall[k][r] = (double)len / 1e9 / (w > 0 ? w : 1e-9);
		}
	}
	for (size_t k = 0; k < NK; k++) {
		if (!have[k]) {
			printf("  %-20s not on this processor\n", rows[k].name);
			continue;
		}
		double *c = cpu[k], *w = wall[k];
		qsort(c, runs, sizeof(c[0]), cmp_double);
		qsort(w, runs, sizeof(w[0]), cmp_double);
		printf("  %-20s %6.2f GB/s CPU [%.2f-%.2f], %6.2f GB/s wall [%.2f-%.2f]  sum %016llx\n",
		       rows[k].name, c[runs / 2], c[0], c[runs - 1], w[runs / 2], w[0], w[runs - 1],
		       (unsigned long long)sum[k]);
	}
	free(buf);
	return 0;
}
