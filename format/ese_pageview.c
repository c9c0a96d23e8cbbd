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

/* dsb_ese_node_decode on the view's tag t, into t's own fields. */
static void node_decode(const uint8_t *page, const struct dsb_ese_pghdr *h,
			struct dsb_ese_vtag *t)
{
	if ((size_t)t->ib + t->cb > h->data_size)
		return;
	size_t base = h->hdr_size + t->ib;
	struct dsb_cursor c = dsb_cursor_make(page + base, t->cb);
	bool first = true;
	uint16_t v;
	if (t->flags & DSB_ESE_NODE_COMPRESSED) {
		if (!dsb_get_le16(&c, &v))
			return;
		/* The node flags of a large page share this u16. */
		t->prefix_len = h->large ? (uint16_t)(v & 0x1FFFu) : v;
		first = false;
	}
	if (!dsb_get_le16(&c, &v))
		return;
	uint16_t suffix_len = (h->large && first) ? (uint16_t)(v & 0x1FFFu) : v;
	size_t suffix_at = c.off;
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
	v->ntags_read = n;
	uint16_t mask = h->large ? DSB_ESE_TAG_MASK_LARGE : DSB_ESE_TAG_MASK_SMALL;
	/* One cursor over the tag array, read from its lowest address: the
	 * highest tag first. */
	struct dsb_cursor c = dsb_cursor_make(page, cb);
	if (!dsb_cursor_seek(&c, cb - (size_t)DSB_ESE_TAG_SIZE * n))
		return v->hdr_ok;   /* cannot happen: n tags fit in the data area */
	for (unsigned k = n; k-- > 0;) {
		struct dsb_ese_vtag *t = &v->tag[k];
		uint16_t cbv = 0, ibv = 0;
		(void)dsb_get_le16(&c, &cbv);
		(void)dsb_get_le16(&c, &ibv);
		memset(t, 0, sizeof(*t));
		t->cb = cbv & mask;
		t->ib = ibv & mask;
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
