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

/* dsb_ese_node_decode on the view's tag t: its key and data spans, from
 * the node's bytes (the tag must lie in the data area). */
static inline void node_decode(const uint8_t *page, const struct dsb_ese_pghdr *h,
			       struct dsb_ese_vtag *t)
{
	t->prefix_len = 0;
	t->suffix_len = 0;
	t->suffix_off = 0;
	t->data_off = 0;
	t->data_len = 0;
	t->node_ok = false;
	if ((size_t)t->ib + t->cb > h->data_size)
		return;
	size_t base = h->hdr_size + t->ib;
	struct dsb_cursor c = dsb_cursor_make(page + base, t->cb);
	uint16_t v, prefix_len = 0;
	bool compressed = t->flags & DSB_ESE_NODE_COMPRESSED;
	if (compressed) {
		if (!dsb_get_le16(&c, &v))
			return;
		/* The node flags of a large page share this u16. */
		prefix_len = h->large ? (uint16_t)(v & 0x1FFFu) : v;
	}
	if (!dsb_get_le16(&c, &v))
		return;
	uint16_t suffix_len = (h->large && !compressed) ? (uint16_t)(v & 0x1FFFu) : v;
	size_t suffix_at = c.off;
	t->prefix_len = prefix_len;   /* as dsb_ese_node_decode leaves it */
	if (!dsb_cursor_skip(&c, suffix_len))
		return;
	t->suffix_len = suffix_len;
	t->suffix_off = (uint16_t)(base + suffix_at);
	t->data_off = (uint16_t)(base + c.off);
	t->data_len = (uint16_t)dsb_cursor_left(&c);
	t->node_ok = true;
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
	uint16_t mask = h->large ? DSB_ESE_TAG_MASK_LARGE : DSB_ESE_TAG_MASK_SMALL;
	const uint8_t *e = arr + (size_t)DSB_ESE_TAG_SIZE * n;
	for (unsigned k = 0; k < n; k++) {
		struct dsb_ese_vtag *t = &v->tag[k];
		e -= DSB_ESE_TAG_SIZE;
		unsigned cbv = (unsigned)e[0] | (unsigned)e[1] << 8;
		unsigned ibv = (unsigned)e[2] | (unsigned)e[3] << 8;
		t->cb = (uint16_t)(cbv & mask);
		t->ib = (uint16_t)(ibv & mask);
		t->flags = 0;
		if (!h->large) {
			t->flags = (uint8_t)(ibv >> 13);
		} else if (t->cb >= 2 && h->hdr_size + (size_t)t->ib + 2 <= cb) {
			/* Large pages keep the node flags in the top bits of
			 * the node's first u16, when it lies inside the page. */
			const uint8_t *f = page + h->hdr_size + t->ib;
			t->flags = (uint8_t)(((unsigned)f[0] | (unsigned)f[1] << 8) >> 13);
		}
		node_decode(page, h, t);
	}
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
