/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the v7 (legacy) LRCHECKSUM walker (format/ese_log.h,
 * format/ese_logv7.c).  Input: a control byte, the generation (4 bytes,
 * little-endian), then the body: the log's bytes from file offset 4096.
 *
 * Control byte: bits 0-1, the sector size (512, 1024, 4096, or 1536,
 * which the walker must refuse); bit 2, the file's size is unknown
 * (otherwise it is 4096 + the body's length); bit 3, the caller says its
 * stream ended early; bits 4-6, the block size of the first walk (1, 7,
 * 333, 512, 4096, 65536, 100000, the whole body at once).
 *
 * The body is walked twice, in those blocks and whole, and the target
 * aborts when the two summaries differ (the block size must never change
 * the result) or when one is inconsistent: counts beyond the sectors
 * read, "clean" with a problem, a problem without a bad count, ECC
 * corrections in a format that has none.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "format/ese_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t sector_sizes[4] = { 512, 1024, 4096, 1536 };
static const size_t blocks[8] = { 1, 7, 333, 512, 4096, 65536, 100000, SIZE_MAX };
static_assert(sizeof sector_sizes / sizeof sector_sizes[0] == 4, "control bits 0-1 choose one");
static_assert(sizeof blocks / sizeof blocks[0] == 8, "control bits 4-6 choose one");
#define CTL_SIZE_UNKNOWN 0x04u
#define CTL_ENDED_EARLY  0x08u
#define PREFIX 5u   /* control byte and generation */

static void run(struct dsb_lv7_walk *w, int32_t gen, uint32_t cb, uint64_t fsize,
		const uint8_t *body, size_t blen, size_t block, bool early)
{
	dsb_lv7_walk_init(w, gen, cb, fsize);
	for (size_t o = 0; o < blen; o += block) {
		size_t n = blen - o < block ? blen - o : block;
		dsb_lv7_walk_feed(w, body + o, n);
		if (n < block)
			break;
	}
	dsb_lv7_walk_finish(w, early);
}

static void check(const struct dsb_lv7_summary *m, size_t blen, uint32_t cb)
{
	const struct dsb_log_seg_counts *c = &m->counts;
	uint64_t nsec = blen / cb;
	if ((uint64_t)c->valid + c->empty + c->bad + c->shadow > nsec + 1 || c->corrected ||
	    c->unread || (m->clean && (m->have_problem || m->truncated || c->bad)) ||
	    m->have_problem != (c->bad > 0) ||
	    (m->torn && m->end != DSB_LV7_END_TORN && m->end != DSB_LV7_END_TORN_SHADOW) ||
	    (m->chain_ended && !m->have_last) || (unsigned)m->end > DSB_LV7_END_BAD_SECTOR)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < PREFIX)
		return 0;
	uint8_t ctl = data[0];
	int32_t gen = (int32_t)((uint32_t)data[1] | (uint32_t)data[2] << 8 |
				(uint32_t)data[3] << 16 | (uint32_t)data[4] << 24);
	const uint8_t *body = data + PREFIX;
	size_t blen = size - PREFIX;
	uint32_t cb = sector_sizes[ctl & 3];
	uint64_t fsize = (ctl & CTL_SIZE_UNKNOWN) ? 0 : DSB_LOG_HDR_SIZE + (uint64_t)blen;
	bool early = ctl & CTL_ENDED_EARLY;
	struct dsb_lv7_walk *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	if (!a || !b) {
		free(a);
		free(b);
		return 0;
	}
	run(a, gen, cb, fsize, body, blen, blocks[(ctl >> 4) & 7], early);
	run(b, gen, cb, fsize, body, blen, blen ? blen : 1, early);
	if (!dsb_lv7_summary_equal(&a->sum, &b->sum))
		abort();
	check(&a->sum, blen, cb);
	free(a);
	free(b);
	return 0;
}
