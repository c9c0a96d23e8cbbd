/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: one ESE database page through every page decoder and
 * check: checksum verification and single-bit location, page header,
 * every tag and node, the space header of tag 0, extents, catalog records
 * and the page-structure checks.  The page view (one decoding the checks
 * and keepers share) must say what the per-tag decoders say, on every
 * tag: it aborts otherwise.
 *
 * Input byte 0 steers: bits 0-2 page size (2 KiB << n, n < 5); bit 3
 * stamp a valid checksum (so that the structure is what is exercised);
 * bit 4 then flip the bit named by bytes 1-2 (the ECC location path);
 * bit 5 old checksum format (flag 0x2000 cleared before stamping).
 * The page is the rest of the input, zero-padded or cut to the size.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/ese.h"
#include "verify/ese/ese.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dsb_ese_pageview view;   /* 64 KiB of tags: not on the stack */

/* The view against dsb_ese_pghdr_decode, dsb_ese_tag_read and
 * dsb_ese_node_decode, tag by tag. */
static void view_matches(const uint8_t *page, size_t cb)
{
	bool ok = dsb_ese_pageview_decode(page, cb, &view);
	struct dsb_ese_pghdr h;
	if (ok != dsb_ese_pghdr_decode(page, cb, &h))
		abort();
	if (!ok)
		return;
	if (memcmp(&h, &view.h, sizeof(h)) != 0)
		abort();
	for (unsigned i = 0; i < h.ntags; i++) {
		struct dsb_ese_tag t;
		bool t_ok = dsb_ese_tag_read(page, cb, &h, i, &t);
		if (t_ok != (i < view.ntags_read))
			abort();
		if (!t_ok)
			continue;
		if (t.cb != view.tag[i].cb || t.ib != view.tag[i].ib || t.flags != view.tag[i].flags)
			abort();
		struct dsb_ese_node n, m;
		bool n_ok = dsb_ese_node_decode(page, cb, &h, &t, &n);
		if (n_ok != dsb_ese_pageview_node(&view, i, &m))
			abort();
		if (n_ok && (n.prefix_len != m.prefix_len || n.suffix_len != m.suffix_len ||
			     n.suffix != m.suffix || n.data != m.data || n.data_len != m.data_len))
			abort();
	}
}

static void nodes(const uint8_t *page, size_t cb)
{
	struct dsb_ese_pghdr h;
	if (!dsb_ese_pghdr_decode(page, cb, &h))
		return;
	for (unsigned i = 0; i < h.ntags; i++) {
		struct dsb_ese_tag t;
		struct dsb_ese_node n;
		if (!dsb_ese_tag_read(page, cb, &h, i, &t))
			break;
		if ((size_t)t.ib + t.cb > h.data_size)
			continue;
		if (i == 0) {
			struct dsb_ese_space_header sph;
			(void)dsb_ese_space_header_decode(page + h.hdr_size + t.ib, t.cb, &sph);
			continue;
		}
		if (!dsb_ese_node_decode(page, cb, &h, &t, &n))
			continue;
		struct dsb_ese_catalog_record r;
		uint32_t last, cpg;
		(void)dsb_ese_catalog_record_decode(n.data, n.data_len, &r);
		(void)dsb_ese_extent_decode(n.suffix, n.suffix_len, n.data, n.data_len, &last, &cpg);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	uint8_t ctl = data[0];
	size_t cb = (size_t)DSB_ESE_PAGE_MIN << (ctl & 7u) % 5u;
	uint8_t *page = calloc(1, cb);
	if (!page)
		return 0;
	memcpy(page, data + 3, size - 3 < cb ? size - 3 : cb);
	uint32_t pgno = (uint32_t)data[1] | (uint32_t)data[2] << 8;
	if (ctl & 0x08) {
		if (ctl & 0x20)
			page[37] &= (uint8_t)~0x20u;
		else
			page[37] |= 0x20u;
		dsb_ese_page_stamp(page, cb, pgno);
		if (ctl & 0x10) {
			size_t bit = ((size_t)data[1] << 8 | data[2]) % (cb * 8);
			page[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
	}
	struct dsb_ese_page_check ck;
	dsb_ese_page_verify(page, cb, pgno, &ck);
	struct dsb_ese_page_problem pr[DSB_ESE_PAGE_PROBLEMS_MAX];
	(void)dsb_ese_page_structure_check(page, cb, pr);
	nodes(page, cb);
	view_matches(page, cb);
	/* The same bytes as a trailer and as a header. */
	struct dsb_ese_trailer t;
	(void)dsb_ese_trailer_decode(page, cb, &t);
	(void)dsb_ese_header_checksum(page, cb);
	free(page);
	return 0;
}
