/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One page view: a page's header, tag array and nodes decoded in one pass
 * (REF §2.1-§2.3).  See format/ese.h.  The per-tag decoders of
 * format/ese_page.c say the same thing one tag at a time; this is the
 * form the verifier reads, because every check and every keeper of a page
 * needs every tag, and decoding them once per consumer cost more than the
 * checksum.
 */
#include "format/ese.h"

#include <string.h>

#include "format/cursor.h"

/* A tag whose node does not fit: no spans (prefix_len as far as read). */
static inline void node_none(struct dsb_ese_vtag *t, uint16_t prefix_len)
{
	t->prefix_len = prefix_len;
	t->suffix_len = 0;
	t->suffix_off = 0;
	t->data_off = 0;
	t->data_len = 0;
	t->node_ok = false;
}

/* dsb_ese_node_decode on the view's tag t: its key and data spans, from
 * the node's bytes (the tag must lie in the data area).  Each field is
 * stored once on either way out: the view may alias the page's bytes for
 * the compiler, so fields cleared first and set again cost a store each. */
static inline void node_decode(const uint8_t *page, const struct dsb_ese_pghdr *h, bool large,
			       uint16_t ib, uint16_t cb, uint8_t flags, struct dsb_ese_vtag *t)
{
	if ((size_t)ib + cb > h->data_size) {
		node_none(t, 0);
		return;
	}
	size_t base = h->hdr_size + ib;
	struct dsb_cursor c = dsb_cursor_make(page + base, cb);
	uint16_t v, prefix_len = 0;
	bool compressed = flags & DSB_ESE_NODE_COMPRESSED;
	if (compressed) {
		if (!dsb_get_le16(&c, &v)) {
			node_none(t, 0);
			return;
		}
		/* The node flags of a large page share this u16. */
		prefix_len = large ? (uint16_t)(v & 0x1FFFu) : v;
	}
	if (!dsb_get_le16(&c, &v)) {
		node_none(t, 0);
		return;
	}
	uint16_t suffix_len = (large && !compressed) ? (uint16_t)(v & 0x1FFFu) : v;
	size_t suffix_at = c.off;
	if (!dsb_cursor_skip(&c, suffix_len)) {
		node_none(t, prefix_len);   /* as dsb_ese_node_decode leaves it */
		return;
	}
	t->prefix_len = prefix_len;
	t->suffix_len = suffix_len;
	t->suffix_off = (uint16_t)(base + suffix_at);
	t->data_off = (uint16_t)(base + c.off);
	t->data_len = (uint16_t)dsb_cursor_left(&c);
	t->node_ok = true;
}

/* The n tags of arr (entry k from its end is tag k) and their nodes.  Called
 * with large a constant, so that each page size gets a loop without the
 * tests of the other. */
static inline void decode_tags(struct dsb_ese_pageview *v, const uint8_t *arr, unsigned n,
			       bool large)
{
	const uint8_t *page = v->page;
	const struct dsb_ese_pghdr *h = &v->h;
	uint16_t mask = large ? DSB_ESE_TAG_MASK_LARGE : DSB_ESE_TAG_MASK_SMALL;
	const uint8_t *e = arr + (size_t)DSB_ESE_TAG_SIZE * n;
	for (unsigned k = 0; k < n; k++) {
		struct dsb_ese_vtag *t = &v->tag[k];
		e -= DSB_ESE_TAG_SIZE;
		unsigned cbv = (unsigned)e[0] | (unsigned)e[1] << 8;
		unsigned ibv = (unsigned)e[2] | (unsigned)e[3] << 8;
		uint16_t cb = (uint16_t)(cbv & mask), ib = (uint16_t)(ibv & mask);
		uint8_t flags = 0;
		if (!large) {
			flags = (uint8_t)(ibv >> 13);
		} else if (cb >= 2 && h->hdr_size + (size_t)ib + 2 <= v->cb) {
			/* Large pages keep the node flags in the top bits of
			 * the node's first u16, when it lies inside the page. */
			const uint8_t *f = page + h->hdr_size + ib;
			flags = (uint8_t)(((unsigned)f[0] | (unsigned)f[1] << 8) >> 13);
		}
		t->cb = cb;
		t->ib = ib;
		t->flags = flags;
		node_decode(page, h, large, ib, cb, flags, t);
	}
}

bool dsb_ese_pageview_decode(const uint8_t *page, size_t cb, struct dsb_ese_pageview *v)
{
	v->page = page;
	v->cb = cb;
	v->ntags_read = 0;
	v->hdr_ok = cb <= DSB_ESE_PAGE_MAX && dsb_ese_pghdr_decode(page, cb, &v->h);
	if (!v->hdr_ok)
		return false;
	const struct dsb_ese_pghdr *h = &v->h;
	/* Tag i occupies [cb - 4(i+1), cb - 4i): only the tags whose four
	 * bytes lie inside the data area are read, as dsb_ese_tag_read does. */
	unsigned n = h->ntags;
	if ((size_t)n > h->data_size / DSB_ESE_TAG_SIZE)
		n = (unsigned)(h->data_size / DSB_ESE_TAG_SIZE);
	static_assert(DSB_ESE_ITAG_COUNT_MASK < DSB_ESE_VIEW_TAGS_MAX, "every tag count fits the view");
	/* The whole tag array through the cursor once, then read in place:
	 * entry k from its end is tag k. */
	struct dsb_cursor c = dsb_cursor_make(page, cb);
	const uint8_t *arr;
	if (!dsb_cursor_seek(&c, cb - (size_t)DSB_ESE_TAG_SIZE * n) ||
	    !dsb_get_span(&c, &arr, (size_t)DSB_ESE_TAG_SIZE * n))
		return true;   /* cannot happen: n tags fit in the data area */
	v->ntags_read = n;
	if (h->large)
		decode_tags(v, arr, n, true);
	else
		decode_tags(v, arr, n, false);
	return true;
}

bool dsb_ese_pageview_node(const struct dsb_ese_pageview *v, unsigned i, struct dsb_ese_node *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= v->ntags_read || !v->tag[i].node_ok)
		return false;
	const struct dsb_ese_vtag *t = &v->tag[i];
	out->flags = t->flags;
	out->prefix_len = t->prefix_len;
	out->suffix_len = t->suffix_len;
	out->suffix = v->page + t->suffix_off;
	out->data_len = t->data_len;
	out->data = t->data_len ? v->page + t->data_off : NULL;
	return true;
}
