/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: whole small databases through the streaming verifier,
 * so that the B-tree walk, the catalog, the space pass and the page
 * classification run on hostile page graphs.
 *
 * The input is a compact image, rebuilt here into a database whose
 * checksums are all valid (otherwise every page would just be "damaged"):
 *   byte 0      bits 0-1 page size (2, 4, 8 or 16 KiB); bit 2 dirty header
 *               (the fuzzy-copy paths); bit 3 append a trailer page;
 *               bits 4-7 chunk size selector
 *   then pages: u16 length n (little-endian), n bytes copied to the start
 *               of the page (the rest zero); a page of length 0 stays all
 *               zero, and an all-zero page is not stamped.
 * At most MAX_PAGES pages; chunks under 64 bytes only for images up to
 * 64 KiB.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/ese.h"
#include "verify/ese/ese.h"
#include "verify/findings.h"

#define MAX_PAGES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t ctl = data[0];
	uint32_t cb = DSB_ESE_PAGE_MIN << (ctl & 3u);
	static const size_t chunks[] = { 1, 2, 3, 7, 100, 1000, 2047, 2048, 4095, 4096,
					 4097, 8191, 16384, 65537, 1 << 20, 1 << 22 };
	size_t chunk = chunks[ctl >> 4];

	/* Count the pages first. */
	size_t off = 1, npages = 0;
	while (off + 2 <= size && npages < MAX_PAGES) {
		size_t n = (size_t)data[off] | (size_t)data[off + 1] << 8;
		off += 2 + (n < size - off - 2 ? n : size - off - 2);
		npages++;
	}
	size_t len = (npages + 3) * (size_t)cb;
	uint8_t *img = calloc(1, len);
	if (!img)
		return 0;

	/* Header: clean (or dirty with a log range), valid copy twice. */
	put32(img + DSB_ESE_HDR_MAGIC_OFF, DSB_ESE_MAGIC);
	put32(img + DSB_ESE_HDR_VERSION_OFF, DSB_ESE_VERSION);
	put32(img + DSB_ESE_HDR_DBTIME_OFF, 1000);
	put32(img + DSB_ESE_HDR_SIGN_DB_OFF, 0x1234);
	put32(img + DSB_ESE_HDR_PAGE_SIZE_OFF, cb);
	put32(img + DSB_ESE_HDR_UPDATE_MAJOR_OFF, 0x14);
	put32(img + DSB_ESE_HDR_FILETYPE_OFF, DSB_ESE_FILETYPE_DATABASE);
	if (ctl & 0x04) {
		put32(img + DSB_ESE_HDR_STATE_OFF, DSB_ESE_STATE_DIRTY);
		put32(img + DSB_ESE_HDR_GEN_MIN_REQ_OFF, 3);
		put32(img + DSB_ESE_HDR_GEN_MAX_REQ_OFF, 4);
		put32(img + DSB_ESE_HDR_BK_FULL_CUR_OFF + 4, 4);
		put32(img + DSB_ESE_HDR_BK_FULL_CUR_OFF + 16, 3);
	} else {
		put32(img + DSB_ESE_HDR_STATE_OFF, DSB_ESE_STATE_CLEAN);
	}
	dsb_ese_header_stamp(img, cb);
	memcpy(img + cb, img, cb);

	off = 1;
	for (size_t pg = 1; pg <= npages; pg++) {
		size_t n = (size_t)data[off] | (size_t)data[off + 1] << 8;
		off += 2;
		if (n > size - off)
			n = size - off;
		uint8_t *p = img + (pg + 1) * cb;
		memcpy(p, data + off, n < cb ? n : cb);
		off += n;
		bool zero = true;
		for (size_t i = 0; i < cb && zero; i++)
			zero = p[i] == 0;
		if (!zero)
			dsb_ese_page_stamp(p, cb, (uint32_t)pg);
	}
	size_t used = (npages + 2) * (size_t)cb;
	if (ctl & 0x08) {
		uint8_t *t = img + used;
		memcpy(t + DSB_ESE_TRL_BKINFO_OFF, img + DSB_ESE_HDR_BK_FULL_CUR_OFF, DSB_ESE_BKINFO_SIZE);
		put32(t + DSB_ESE_TRL_BKINFO_OFF + 20, 5);
		memcpy(t + DSB_ESE_TRL_SIGN_DB_OFF, img + DSB_ESE_HDR_SIGN_DB_OFF, DSB_ESE_SIGNATURE_SIZE);
		dsb_ese_header_stamp(t, cb);
		used += cb;
	}

	/* Byte-sized chunks over a large image only slow the fuzzer down;
	 * chunking itself is covered by small images. */
	if (chunk < 64 && used > 64 * 1024)
		chunk = 4093;

	struct dsb_findings *f = dsb_findings_new();
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.file = (ctl & 0x40) ? "ntds.dit" : NULL;
	struct dsb_ese_stream *s = f ? dsb_ese_stream_new(f, 0, &loc) : NULL;
	if (s) {
		for (size_t o = 0; o < used; o += chunk)
			dsb_ese_stream_feed(s, img + o, used - o < chunk ? used - o : chunk);
		dsb_ese_stream_finish(s, true);
		const struct dsb_ese_summary *sum = dsb_ese_stream_summary(s);
		for (size_t i = 0; i < sum->ntables; i++)
			(void)strlen(sum->tables[i].name);
		size_t nf;
		(void)dsb_findings_sorted(f, &nf);
	}
	dsb_ese_stream_free(s);
	dsb_findings_free(f);
	free(img);
	return 0;
}
