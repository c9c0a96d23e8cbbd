/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ESE page header, tag array, nodes, space header and extents: bytes to
 * structures (REF §2.1-§2.3).  See format/ese.h.
 */
#include "format/ese.h"

#include <string.h>

#include "format/cursor.h"

bool dsb_ese_pghdr_decode(const uint8_t *page, size_t cb, struct dsb_ese_pghdr *h)
{
	memset(h, 0, sizeof(*h));
	h->large = cb > DSB_ESE_SMALL_PAGE_MAX;
	h->hdr_size = h->large ? DSB_ESE_PGHDR2_SIZE : DSB_ESE_PGHDR_SIZE;
	if (cb < h->hdr_size)
		return false;
	struct dsb_cursor c = dsb_cursor_make(page, cb);
	if (!dsb_get_le64(&c, &h->checksum) || !dsb_get_le64(&c, &h->dbtime) ||
	    !dsb_get_le32(&c, &h->prev) || !dsb_get_le32(&c, &h->next) ||
	    !dsb_get_le32(&c, &h->objid) || !dsb_get_le16(&c, &h->cb_free) ||
	    !dsb_get_le16(&c, &h->cb_uncommitted_free) || !dsb_get_le16(&c, &h->ib_mic_free) ||
	    !dsb_get_le16(&c, &h->itag_state) || !dsb_get_le32(&c, &h->flags))
		return false;
	h->data_size = cb - h->hdr_size;
	h->ntags = h->itag_state & DSB_ESE_ITAG_COUNT_MASK;
	/* Legacy pages have 0 in bits 12-14, meaning one reserved tag (tag 0,
	 * the external header). */
	h->ctag_reserved = (h->itag_state >> DSB_ESE_ITAG_RESERVED_SHIFT) & DSB_ESE_ITAG_RESERVED_MASK;
	if (h->ctag_reserved == 0)
		h->ctag_reserved = 1;
	if (!h->large)
		return true;
	for (int k = 0; k < 3; k++)
		if (!dsb_get_le64(&c, &h->block_checksum[k]))
			return false;
	if (!dsb_get_le32(&c, &h->pgno))
		return false;
	const uint8_t *rsv;
	if (!dsb_get_span(&c, &rsv, DSB_ESE_PG_RESERVED_LEN))
		return false;
	for (size_t i = 0; i < DSB_ESE_PG_RESERVED_LEN; i++)
		if (rsv[i])
			h->reserved_nonzero = true;
	return true;
}

bool dsb_ese_tag_read(const uint8_t *page, size_t cb, const struct dsb_ese_pghdr *h,
		      unsigned itag, struct dsb_ese_tag *t)
{
	memset(t, 0, sizeof(*t));
	/* Tag i occupies [cb - 4(i+1), cb - 4i): cb_ first, then ib_. */
	size_t back = (size_t)DSB_ESE_TAG_SIZE * ((size_t)itag + 1);
	if (back > cb - h->hdr_size || cb < h->hdr_size)
		return false;
	struct dsb_cursor c = dsb_cursor_make(page, cb);
	uint16_t cbv, ibv;
	if (!dsb_cursor_seek(&c, cb - back) || !dsb_get_le16(&c, &cbv) || !dsb_get_le16(&c, &ibv))
		return false;
	if (!h->large) {
		t->cb = cbv & DSB_ESE_TAG_MASK_SMALL;
		t->ib = ibv & DSB_ESE_TAG_MASK_SMALL;
		t->flags = (uint8_t)(ibv >> 13);
		return true;
	}
	t->cb = cbv & DSB_ESE_TAG_MASK_LARGE;
	t->ib = ibv & DSB_ESE_TAG_MASK_LARGE;
	/* Large pages keep the node flags in the top bits of the node's first
	 * u16; read it only when it lies inside the page. */
	uint16_t first;
	struct dsb_cursor n = dsb_cursor_make(page, cb);
	if (t->cb >= 2 && dsb_cursor_seek(&n, h->hdr_size + t->ib) && dsb_get_le16(&n, &first))
		t->flags = (uint8_t)(first >> 13);
	return true;
}

bool dsb_ese_node_decode(const uint8_t *page, size_t cb, const struct dsb_ese_pghdr *h,
			 const struct dsb_ese_tag *t, struct dsb_ese_node *out)
{
	memset(out, 0, sizeof(*out));
	if ((size_t)t->ib + t->cb > h->data_size || cb < h->hdr_size + h->data_size)
		return false;
	struct dsb_cursor c = dsb_cursor_make(page + h->hdr_size + t->ib, t->cb);
	out->flags = t->flags;
	bool first = true;
	uint16_t v;
	if (t->flags & DSB_ESE_NODE_COMPRESSED) {
		if (!dsb_get_le16(&c, &v))
			return false;
		/* The node flags of a large page share this u16. */
		out->prefix_len = h->large ? (uint16_t)(v & 0x1FFFu) : v;
		first = false;
	}
	if (!dsb_get_le16(&c, &v))
		return false;
	out->suffix_len = (h->large && first) ? (uint16_t)(v & 0x1FFFu) : v;
	if (!dsb_get_span(&c, &out->suffix, out->suffix_len))
		return false;
	out->data_len = dsb_cursor_left(&c);
	out->data = out->data_len ? c.p + c.off : NULL;
	return true;
}

bool dsb_ese_space_header_decode(const uint8_t *buf, size_t len,
				 struct dsb_ese_space_header *s)
{
	memset(s, 0, sizeof(*s));
	struct dsb_cursor c = dsb_cursor_make(buf, len);
	uint32_t oe;
	if (!dsb_get_le32(&c, &s->cpg_primary) || !dsb_get_le32(&c, &s->pgno_parent) ||
	    !dsb_get_le32(&c, &s->flags) || !dsb_get_le32(&c, &oe))
		return false;
	s->multi_extent = s->flags & DSB_ESE_SPH_MULTI_EXTENT;
	if (s->multi_extent && oe != 0 && oe != UINT32_MAX) {
		s->pgno_oe = oe;
		s->pgno_ae = oe + 1;
	}
	if (!s->multi_extent)
		s->avail_bitmap = oe;
	return true;
}

bool dsb_ese_extent_decode(const uint8_t *key, size_t key_len, const uint8_t *data,
			   size_t data_len, uint32_t *pgno_last, uint32_t *cpg)
{
	/* The key is the extent's last pgno, big-endian so that keys sort by
	 * pgno; the data is the extent's page count, little-endian. */
	if (key_len != 4 || data_len < 4 || !key || !data)
		return false;
	*pgno_last = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 |
		     (uint32_t)key[2] << 8 | key[3];
	struct dsb_cursor c = dsb_cursor_make(data, data_len);
	return dsb_get_le32(&c, cpg);
}
