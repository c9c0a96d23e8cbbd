/* SPDX-License-Identifier: Apache-2.0 */
/* A zip's end-of-central-directory record and central directory
 * (format/zipcd.c) on arbitrary bytes: every span it asks for is handed
 * over as an exact-size copy, so a read past what it asked for is caught
 * by ASan; the first byte picks how much of the input is reachable (a
 * stream's kept tail).  Invariants: a cut name never holds a NUL, the
 * counts stay within their limits, and OK never comes with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/zipcd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct src {
	const uint8_t *p;
	size_t n;
	uint8_t *last;     /* the copy handed out last */
};

static const uint8_t *rd(void *ctx, uint64_t off, size_t n)
{
	struct src *s = ctx;
	if (off > s->n || n > s->n - off)
		abort();   /* zipcd must never ask past the end it was told */
	free(s->last);
	s->last = malloc(n ? n : 1);
	if (!s->last)
		return NULL;
	memcpy(s->last, s->p + off, n);
	return s->last;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint64_t avail_from = (uint64_t)data[0] * size / 256;
	struct src s = { .p = data + 1, .n = size - 1 };
	if (avail_from > s.n)
		avail_from = s.n;
	struct dsb_zipcd z;
	dsb_zipcd_check(s.n, avail_from, rd, &s, &z);
	if (z.ncut > DSB_ZIPCD_NUL_NAMES_MAX || z.entries > DSB_ZIPCD_ENTRIES_MAX)
		abort();
	if (z.status == DSB_ZIPCD_OK && z.message[0])
		abort();
	for (size_t i = 0; i < z.ncut; i++)
		if (!dsb_zipcd_name_cut(&z, z.cut[i], strlen(z.cut[i])))
			abort();
	dsb_zipcd_free(&z);
	free(s.last);
	return 0;
}
