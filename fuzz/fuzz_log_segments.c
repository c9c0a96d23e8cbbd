/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the v8 segment walker (format/ese_log.h).  Input:
 * a control byte, a 4096-byte log header (zero-padded when short), then
 * the body, fed to the walker one 4096-byte segment at a time; a shorter
 * last piece is fed as a segment cut short.
 *
 * Control byte: bit 0, csecLGFile is the body's segment count + 1
 * instead of the header's; bit 1, every whole segment's checksum is
 * restamped for its isec (so fuzzed lgpos values reach rule 2); bit 2,
 * the caller says its stream ended early; bit 3, zero segments are not
 * empty (a log before 8.4000.2) whatever the header's version.
 *
 * Aborts when the walk is inconsistent: a segment classified twice, out
 * of order or not at all, counts that do not add up, "clean" with a
 * problem recorded.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/ese.h"
#include "format/ese_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t expect;   /* the next isec to be given out */

static void take(const struct dsb_log_seg_batch *b)
{
	if (b->n > DSB_LOG_WALK_OUT_MAX)
		abort();
	for (unsigned i = 0; i < b->n; i++) {
		if (b->seg[i].isec != expect || (unsigned)b->seg[i].cls >= DSB_SEG_CLASS_COUNT)
			abort();
		expect++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t ctl = data[0];
	uint8_t hdr[DSB_LOG_HDR_SIZE] = { 0 };
	size_t hl = size - 1 < DSB_LOG_HDR_SIZE ? size - 1 : DSB_LOG_HDR_SIZE;
	memcpy(hdr, data + 1, hl);
	struct dsb_log_header h;
	(void)dsb_log_header_decode(hdr, sizeof hdr, &h);
	const uint8_t *body = data + 1 + hl;
	size_t blen = size - 1 - hl;
	size_t nseg = blen / DSB_LOG_SEG_SIZE;

	struct dsb_log_walk *w = malloc(sizeof(*w));
	uint8_t *seg = malloc(DSB_LOG_SEG_SIZE);
	if (!w || !seg) {
		free(w);
		free(seg);
		return 0;
	}
	uint32_t csec = (ctl & 1) ? (uint32_t)(nseg + 1 > 0xFFFF ? 0xFFFF : nseg + 1) : h.csec_lgfile;
	bool zero_filled = !(ctl & 8) && dsb_log_zero_filled(&h.version);
	dsb_log_walk_init(w, h.generation, csec, zero_filled);
	struct dsb_log_seg_batch out;
	expect = 1;
	size_t fed = 0;
	for (size_t off = 0; off < blen; off += DSB_LOG_SEG_SIZE) {
		size_t n = blen - off < DSB_LOG_SEG_SIZE ? blen - off : DSB_LOG_SEG_SIZE;
		memcpy(seg, body + off, n);
		if ((ctl & 2) && n == DSB_LOG_SEG_SIZE)
			dsb_ese_page_stamp(seg, DSB_LOG_SEG_SIZE, (uint32_t)(fed + 1));
		dsb_log_walk_feed(w, seg, n, &out);
		take(&out);
		fed++;
	}
	dsb_log_walk_finish(w, ctl & 4, &out);
	take(&out);

	const struct dsb_log_seg_counts *c = &w->counts;
	uint32_t read = csec >= 2 ? (nseg < csec - 1 ? (uint32_t)nseg : csec - 1) : 0;
	if (c->valid + c->empty + c->bad + c->shadow + c->unread != read || expect != read + 1 ||
	    c->corrected > read || (w->clean && w->have_problem) ||
	    (w->truncated && w->clean) || (!w->have_problem && c->bad))
		abort();
	free(seg);
	free(w);
	return 0;
}
