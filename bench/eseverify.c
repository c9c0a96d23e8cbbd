/* SPDX-License-Identifier: Apache-2.0 */
/*
 * eseverify: the ESE verifier library on whole files, for bench.sh when
 * the dsbinspect at hand has no `ese` command.  Prints nothing but a
 * count line; exit 0 when no error or warning, 1 otherwise, 2 on a read
 * or memory problem.
 *
 *   cc -O2 -I. -o eseverify bench/eseverify.c BUILD/libdsbcore.a \
 *      $(pkg-config --libs libarchive jansson libcrypto)
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "verify/ese/ese.h"
#include "verify/findings.h"

int main(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			perror(argv[i]);
			return 2;
		}
		struct dsb_findings *f = dsb_findings_new();
		struct dsb_loc loc = DSB_LOC_INIT;
		loc.file = argv[i];
		int err = 0;
		struct dsb_ese_stream *s = dsb_ese_verify_fd(fd, f, 0, &loc, &err);
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
