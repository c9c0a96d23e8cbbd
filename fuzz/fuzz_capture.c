/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the fuzz bytes as an in-memory archive, through the
 * whole capture check (reader, member table, journal checks, replay,
 * member matching).  Whatever the bytes, it must not crash, hang or grow
 * memory without bound, and the report must stay consistent: an input
 * that could not be read whole is never a pass.
 *
 * Seeds: captures of the scenario catalogue in every container and filter,
 * written at build time by `dsbfixture seeds` (fixtures/lib/fxseeds.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verify/capture/capture.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * libFuzzer's malloc limit defaults to its RSS limit.  libarchive 3.6
 * reserves read-ahead buffers as large as a header field says before it
 * reads (a cpio namesize of 4 GB: libarchive#3043, fixed upstream later;
 * 7z sizes: libarchive#3459).  glibc maps such a buffer lazily and
 * libarchive fills it only with the bytes that exist, so the resident
 * memory stays that of the input (measured: 9 MB for a 180 KB input that
 * reserves 4 GB), and with an address-space limit the reservation fails
 * cleanly as a C015.  So this target judges memory by RSS (-rss_limit_mb,
 * unchanged) and lets single reservations up to 16 GB through, unless a
 * -malloc_limit_mb is given.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char flag[] = "-malloc_limit_mb=16384";
	static char *args[256];
	if (*argc < 1 || *argc >= (int)(sizeof args / sizeof args[0]) - 1)
		return 0;
	for (int i = 0; i < *argc; i++)
		if (strncmp((*argv)[i], "-malloc_limit_mb=", 17) == 0)
			return 0;
	/* After argv[0], so that it comes before any corpus directory. */
	args[0] = (*argv)[0];
	args[1] = flag;
	for (int i = 1; i < *argc; i++)
		args[i + 1] = (*argv)[i];
	args[*argc + 1] = NULL;
	*argv = args;
	(*argc)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	if (!rep)
		return 0;
	/* A low member limit keeps each run small and reaches the limit path. */
	struct dsb_verify_opts opts = { .max_members = 64 };
	int input = dsb_verify_memory(rep, "fuzz", data, size, &opts);
	if (input == 0) {
		const struct dsb_input *in = &rep->inputs[0];
		/* C015 and C001 always make the input incomplete (RC §2). */
		if ((dsb_findings_count_rule(rep->findings, 0, DSB_C015) > 0 ||
		     dsb_findings_count_rule(rep->findings, 0, DSB_C001) > 0) && !in->incomplete)
			abort();
		/* The input hash is of the exact bytes: memory is always read whole. */
		if (in->size != size || !in->has_sha256)
			abort();
	}
	dsb_report_free(rep);
	return 0;
}
