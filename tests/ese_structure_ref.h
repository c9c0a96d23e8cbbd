/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The page-structure checks as they were before the page view (commit
 * 89657fe, verify/ese/ese_pages.c), kept verbatim but for the ref_
 * prefix: the oracle tests/test_ese_pageview.c holds the view-based checks
 * to.  Each tag is read with dsb_ese_tag_read and each node decoded with
 * dsb_ese_node_decode, one at a time, as the old code did.  Test-only.
 */
#ifndef DSB_TESTS_ESE_STRUCTURE_REF_H
#define DSB_TESTS_ESE_STRUCTURE_REF_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format/ese.h"
#include "verify/ese/ese.h"

struct ref_problems {
	struct dsb_ese_page_problem *v;
	size_t n;
};

static bool ref_has_rule(const struct ref_problems *p, enum dsb_rule r)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].rule == r)
			return true;
	return false;
}

/* Keep the first problem of each rule: one finding per rule per page. */
__attribute__((format(printf, 4, 5)))
static void ref_problem(struct ref_problems *p, enum dsb_rule r, size_t at, const char *fmt, ...)
{
	if (ref_has_rule(p, r) || p->n >= DSB_ESE_PAGE_PROBLEMS_MAX)
		return;
	struct dsb_ese_page_problem *x = &p->v[p->n++];
	x->rule = r;
	x->at = (uint32_t)at;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->what, sizeof(x->what), fmt, ap);
	va_end(ap);
}

/* Mark [from, from + len) in the bitmap; true if any bit was already set. */
static bool ref_range_mark(uint64_t *bm, size_t from, size_t len)
{
	size_t end = from + len;
	bool overlap = false;
	while (from < end) {
		size_t w = from / 64, b = from % 64;
		size_t nbits = 64 - b < end - from ? 64 - b : end - from;
		uint64_t mask = (nbits == 64 ? ~(uint64_t)0 : (((uint64_t)1 << nbits) - 1)) << b;
		if (bm[w] & mask)
			overlap = true;
		bm[w] |= mask;
		from += nbits;
	}
	return overlap;
}

static void ref_check_flags(const struct dsb_ese_pghdr *h, struct ref_problems *p)
{
	uint32_t f = h->flags;
	bool empty = f & (DSB_ESE_PF_EMPTY | DSB_ESE_PF_PREINIT);

	if (f & DSB_ESE_PF_REPAIR)
		ref_problem(p, DSB_E019, DSB_ESE_PG_FLAGS_OFF, "flags 0x%x include the repair flag 0x10", f);
	if ((f & DSB_ESE_PF_EMPTY) && (f & DSB_ESE_PF_PREINIT))
		ref_problem(p, DSB_E018, DSB_ESE_PG_FLAGS_OFF, "flags 0x%x: empty and pre-initialised together", f);
	/* A space tree carries its owner's type too (0x60: space + index), so
	 * only index and long-value exclude each other. */
	if ((f & DSB_ESE_PF_INDEX) && (f & DSB_ESE_PF_LONG_VALUE))
		ref_problem(p, DSB_E018, DSB_ESE_PG_FLAGS_OFF, "flags 0x%x: index and long-value together", f);
	if ((f & DSB_ESE_PF_LEAF) && (f & DSB_ESE_PF_PARENT_OF_LEAF))
		ref_problem(p, DSB_E018, DSB_ESE_PG_FLAGS_OFF, "flags 0x%x: leaf and parent-of-leaf together", f);
	if (h->ntags == 0 && !empty)
		ref_problem(p, DSB_E018, DSB_ESE_PG_ITAG_STATE_OFF,
			"no tags but the page is neither empty nor pre-initialised (flags 0x%x)", f);
	if ((f & DSB_ESE_PF_PREINIT) &&
	    (h->ntags != 0 || !(f & DSB_ESE_PF_NEW_RECORD) || h->prev || h->next))
		ref_problem(p, DSB_E018, DSB_ESE_PG_FLAGS_OFF,
			"pre-initialised page with tags, sibling links or no new-record flag (flags 0x%x)", f);
	if (!empty && (h->prev || h->next) &&
	    ((f & DSB_ESE_PF_ROOT) || !(f & DSB_ESE_PF_LEAF)))
		ref_problem(p, DSB_E018, DSB_ESE_PG_PREV_OFF,
			"%s page has sibling links (previous %u, next %u)",
			(f & DSB_ESE_PF_ROOT) ? "a root" : "an internal", h->prev, h->next);
}

static void ref_check_nodes(const uint8_t *page, size_t cb, const struct dsb_ese_pghdr *h,
			const struct dsb_ese_tag *tag0, struct ref_problems *p)
{
	bool leaf = h->flags & DSB_ESE_PF_LEAF;
	bool root = h->flags & DSB_ESE_PF_ROOT;
	for (unsigned i = h->ctag_reserved; i < h->ntags && !ref_has_rule(p, DSB_E016); i++) {
		struct dsb_ese_tag t;
		struct dsb_ese_node n;
		size_t at = cb - (size_t)DSB_ESE_TAG_SIZE * (i + 1);
		if (!dsb_ese_tag_read(page, cb, h, i, &t))
			return;
		if (!dsb_ese_node_decode(page, cb, h, &t, &n)) {
			ref_problem(p, DSB_E016, h->hdr_size + t.ib,
				"node %u: its key does not fit in its %u bytes", i, t.cb);
			return;
		}
		(void)at;
		/* A root page's tag 0 is the space header, not a key prefix. */
		if ((n.flags & DSB_ESE_NODE_COMPRESSED) && !root && n.prefix_len > tag0->cb)
			ref_problem(p, DSB_E016, h->hdr_size + t.ib,
				"node %u: key prefix of %u bytes but tag 0 holds %u",
				i, n.prefix_len, tag0->cb);
		if (!leaf && n.data_len != 4)
			ref_problem(p, DSB_E016, h->hdr_size + t.ib,
				"node %u of an internal page holds %zu data bytes, not a 4-byte page number",
				i, n.data_len);
		/* Only the last node of an internal page may have an empty key:
		 * it covers everything above the previous separator. */
		if ((size_t)n.prefix_len + n.suffix_len == 0 && (leaf || i + 1 != h->ntags))
			ref_problem(p, DSB_E016, h->hdr_size + t.ib, "node %u has an empty key", i);
		if (leaf && n.data_len == 0)
			ref_problem(p, DSB_E016, h->hdr_size + t.ib, "node %u has no data", i);
	}
}

static size_t ref_structure_check(const uint8_t *page, size_t cb,
				    struct dsb_ese_page_problem out[DSB_ESE_PAGE_PROBLEMS_MAX])
{
	struct ref_problems p = { .v = out, .n = 0 };
	struct dsb_ese_pghdr h;
	if (cb < DSB_ESE_PAGE_MIN || cb > DSB_ESE_PAGE_MAX || !dsb_ese_pghdr_decode(page, cb, &h)) {
		ref_problem(&p, DSB_E016, 0, "page of %zu bytes cannot hold a page header", cb);
		return p.n;
	}
	ref_check_flags(&h, &p);
	if (h.large && h.reserved_nonzero)
		ref_problem(&p, DSB_E016, DSB_ESE_PG_RESERVED_OFF, "reserved page header bytes 68-79 are not zero");
	if (h.cb_free > h.data_size)
		ref_problem(&p, DSB_E017, DSB_ESE_PG_CB_FREE_OFF,
			"free byte count %u exceeds the %zu-byte data area", h.cb_free, h.data_size);
	if (h.cb_uncommitted_free > h.cb_free)
		ref_problem(&p, DSB_E017, DSB_ESE_PG_CB_UNCOMMITTED_OFF,
			"uncommitted free byte count %u exceeds the free byte count %u",
			h.cb_uncommitted_free, h.cb_free);

	size_t tag_bytes = (size_t)DSB_ESE_TAG_SIZE * h.ntags;
	if (h.ib_mic_free > h.data_size) {
		ref_problem(&p, DSB_E016, DSB_ESE_PG_IB_MIC_FREE_OFF,
			"first free byte %u lies beyond the %zu-byte data area", h.ib_mic_free, h.data_size);
		return p.n;
	}
	if (h.ntags >= h.data_size / DSB_ESE_TAG_SIZE) {
		ref_problem(&p, DSB_E016, DSB_ESE_PG_ITAG_STATE_OFF,
			"%u tags cannot fit in the %zu-byte data area", h.ntags, h.data_size);
		return p.n;
	}
	if ((size_t)h.ib_mic_free + tag_bytes > h.data_size) {
		ref_problem(&p, DSB_E016, DSB_ESE_PG_ITAG_STATE_OFF,
			"the tag array (%u tags) runs into the node data, which ends at %u",
			h.ntags, h.ib_mic_free);
		return p.n;
	}

	uint64_t bm[DSB_ESE_PAGE_MAX / 64];
	memset(bm, 0, ((h.data_size + 63) / 64) * sizeof(bm[0]));
	size_t sum_cb = 0;
	bool tags_ok = true;
	struct dsb_ese_tag tag0 = { 0 };
	for (unsigned i = 0; i < h.ntags; i++) {
		struct dsb_ese_tag t;
		size_t at = cb - (size_t)DSB_ESE_TAG_SIZE * (i + 1);
		if (!dsb_ese_tag_read(page, cb, &h, i, &t)) {
			tags_ok = false;
			break;
		}
		if (i == 0)
			tag0 = t;
		sum_cb += t.cb;
		/* An empty tag covers no bytes; its offset is whatever was left. */
		if (t.cb == 0) {
			if (i >= h.ctag_reserved) {
				ref_problem(&p, DSB_E016, at, "tag %u is empty", i);
				tags_ok = false;
			}
			continue;
		}
		if ((size_t)t.ib + t.cb > h.ib_mic_free) {
			ref_problem(&p, DSB_E016, at, "tag %u (offset %u, %u bytes) ends past the first free byte %u",
				i, t.ib, t.cb, h.ib_mic_free);
			tags_ok = false;
			continue;
		}
		if (ref_range_mark(bm, t.ib, t.cb)) {
			ref_problem(&p, DSB_E016, at, "tag %u (offset %u, %u bytes) overlaps another node",
				i, t.ib, t.cb);
			tags_ok = false;
		}
	}
	if (!tags_ok)
		return p.n;
	if (sum_cb + h.cb_free + tag_bytes != h.data_size)
		ref_problem(&p, DSB_E017, DSB_ESE_PG_CB_FREE_OFF,
			"node bytes %zu + free bytes %u + tag array %zu = %zu, not the data area's %zu",
			sum_cb, h.cb_free, tag_bytes, sum_cb + h.cb_free + tag_bytes, h.data_size);
	ref_check_nodes(page, cb, &h, &tag0, &p);
	return p.n;
}


#endif
