/* SPDX-License-Identifier: Apache-2.0 */
/*
 * eseverify: the ESE verifier library on whole files, for bench.sh.
 * Prints a count line per file; exit 0 when no error or warning, 1
 * otherwise, 2 on a read or memory problem.
 *
 *   eseverify FILE...            dsb_ese_verify_fd: reads and verifies
 *                                (what `dsbinspect ese` does, without the
 *                                SHA-256)
 *   eseverify --memory FILE...   page verification alone, on one core: the
 *                                file is mapped and faulted in first, then
 *                                only the stream (feed in 1 MiB blocks,
 *                                finish) is timed; prints GB/s (decimal)
 *                                of wall and of CPU time (the thread's)
 *
 *   cc -O2 -I. -o eseverify bench/eseverify.c BUILD/libdsbcore.a \
 *      $(pkg-config --libs libarchive jansson libcrypto) -lpthread
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "verify/ese/ese.h"
#include "verify/findings.h"

#define FEED_BLOCK (1u << 20)   /* as the capture reader's blocks */

static double now_s(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The stream over a mapped file, timed; NULL on a memory problem. */
static struct dsb_ese_stream *verify_memory(const char *path, int fd, struct dsb_findings *f,
					    const struct dsb_loc *loc)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size <= 0) {
		fprintf(stderr, "%s: cannot size it\n", path);
		return NULL;
	}
	size_t len = (size_t)st.st_size;
	const uint8_t *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (m == MAP_FAILED) {
		perror(path);
		return NULL;
	}
	double t0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
	struct dsb_ese_stream *s = dsb_ese_stream_new(f, 0, loc);
	bool ok = s != NULL;
	for (size_t off = 0; ok && off < len; off += FEED_BLOCK)
		ok = dsb_ese_stream_feed(s, m + off, len - off < FEED_BLOCK ? len - off : FEED_BLOCK);
	if (s)
		dsb_ese_stream_finish(s, true);
	double t = now_s(CLOCK_MONOTONIC) - t0, c = now_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	munmap((void *)m, len);
	if (!ok) {
		dsb_ese_stream_free(s);
		return NULL;
	}
	/* On a busy machine the CPU time is the figure that means "one
	 * core"; the wall time includes waiting for one. */
	printf("%s: page verification alone: %zu bytes in %.3f s wall, %.3f s CPU: %.2f GB/s wall, %.2f GB/s CPU\n",
	       path, len, t, c, (double)len / 1e9 / (t > 0 ? t : 1e-9),
	       (double)len / 1e9 / (c > 0 ? c : 1e-9));
	return s;
}

int main(int argc, char **argv)
{
	int status = 0;
	bool memory = argc > 1 && strcmp(argv[1], "--memory") == 0;
	for (int i = memory ? 2 : 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			perror(argv[i]);
			return 2;
		}
		struct dsb_findings *f = dsb_findings_new();
		struct dsb_loc loc = DSB_LOC_INIT;
		loc.file = argv[i];
		int err = 0;
		struct dsb_ese_stream *s = memory ? verify_memory(argv[i], fd, f, &loc)
						  : dsb_ese_verify_fd(fd, f, 0, &loc, &err);
		close(fd);
		if (!s || err) {
			fprintf(stderr, "%s: read or memory error\n", argv[i]);
			return 2;
		}
		size_t n, bad = 0;
		const struct dsb_finding *v = dsb_findings_sorted(f, &n);
		for (size_t k = 0; k < n; k++)
			bad += v[k].severity == DSB_SEV_ERROR || v[k].severity == DSB_SEV_WARNING;
		printf("%s: %llu pages, %zu findings, %zu errors or warnings\n", argv[i],
		       (unsigned long long)dsb_ese_stream_summary(s)->pages_total, n, bad);
		if (bad)
			status = 1;
		dsb_ese_stream_free(s);
		dsb_findings_free(f);
	}
	return status;
}
