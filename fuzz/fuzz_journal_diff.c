/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: one journal line decoded by the lean parser
 * (format/jdom.c, with jansson for what it leaves) and by jansson alone;
 * the two records must be equal field by field (tests/record_cmp.h), or
 * the findings of the two paths could differ.  It aborts naming the first
 * field that differs.
 *
 * The first input byte picks the ANSI code page for A-form list_raw
 * (1252, 932, 437, 65001) so that list decoding is compared too; the rest
 * is the line.  One decoder serves every run, as in a journal: buffers
 * kept from a previous line must never leak into the next one.
 * Dictionary: fuzz/fuzz_journal.dict.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "format/journal.h"
/* The decoders this target holds against each other are internal. */
#define DSB_JOURNAL_INTERNAL
#include "format/journal_int.h"
#include "tests/record_cmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Longer lines find nothing new and slow the run. */
#define LINE_MAX_FUZZ (256u * 1024)

static struct dsb_jdec *dec;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t cps[] = { 1252, 932, 437, 65001 };
	if (size == 0 || size > LINE_MAX_FUZZ)
		return 0;
	if (!dec && !(dec = dsb_jdec_new()))
		return 0;
	uint32_t cp = cps[data[0] % (sizeof cps / sizeof cps[0])];
	const char *line = (const char *)data + 1;
	size_t len = size - 1;

	struct dsb_record a, b;
	bool oka = dsb_record_decode_using(dec, DSB_JPARSER_LEAN, line, len, 1, cp, &a);
	bool okb = dsb_record_decode_using(dec, DSB_JPARSER_JANSSON, line, len, 1, cp, &b);
	if (oka != okb) {
		fprintf(stderr, "one parser ran out of memory, not the other\n");
		abort();
	}
	if (oka) {
		const char *why = record_diff(&a, &b);
		if (why) {
			fprintf(stderr, "the parsers differ on %s\n", why);
			abort();
		}
	}
	dsb_record_clear(&a);
	dsb_record_clear(&b);
	return 0;
}
