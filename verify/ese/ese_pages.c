/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One database page at a time: checksum (REF §2.4, §2.5), page-local
 * structure (§2.2, §2.3), and the few bytes per page the walk at finish
 * needs.  Checksum damage is not reported here: whether a damaged page
 * matters depends on whether a tree references it (verify/ese/ese_tree.c).
 * Structure problems of a page whose checksum verifies are reported at
 * once: the engine wrote that page, so they are damage wherever it is.
 */
#define DSB_ESE_INTERNAL
#include "verify/ese/ese_private.h"

#include <stdio.h>
#include <string.h>

#include "format/cursor.h"

/* ---- page-local structure checks ---------------------------------------- */

struct problems {
	struct dsb_ese_page_problem *v;
	size_t n;
};

static bool has_rule(const struct problems *p, enum dsb_rule r)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].rule == r)
			return true;
	return false;
}

/* Keep the first problem of each rule: one finding per rule per page. */
__attribute__((format(printf, 4, 5)))
static void problem(struct problems *p, enum dsb_rule r, size_t at, const char *fmt, ...)
{
	if (has_rule(p, r) || p->n >= DSB_ESE_PAGE_PROBLEMS_MAX)
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
static bool range_mark(uint64_t *bm, size_t from, size_t len)
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

static void check_flags(const struct dsb_ese_pghdr *h, struct problems *p)
{
	uint32_t f = h->flags;
	bool empty = f & (DSB_ESE_PF_EMPTY | DSB_ESE_PF_PREINIT);

	if (f & DSB_ESE_PF_REPAIR)
		problem(p, DSB_E019, DSB_ESE_PG_FLAGS_OFF, "flags 0x%x include the repair flag 0x10", f);
	if ((f & DSB_ESE_PF_EMPTY) && (f & DSB_ESE_PF_PREINIT))
		problem(p, DSB_E018, DSB_ESE_PG_FLAGS_OFF, "flags 0x%x: empty and pre-initialised together", f);
	/* A space tree carries its owner's type too (0x60: space + index), so
	 * only index and long-value exclude each other. */
	if ((f & DSB_ESE_PF_INDEX) && (f & DSB_ESE_PF_LONG_VALUE))
		problem(p, DSB_E018, DSB_ESE_PG_FLAGS_OFF, "flags 0x%x: index and long-value together", f);
	if ((f & DSB_ESE_PF_LEAF) && (f & DSB_ESE_PF_PARENT_OF_LEAF))
		problem(p, DSB_E018, DSB_ESE_PG_FLAGS_OFF, "flags 0x%x: leaf and parent-of-leaf together", f);
	if (h->ntags == 0 && !empty)
		problem(p, DSB_E018, DSB_ESE_PG_ITAG_STATE_OFF,
			"no tags but the page is neither empty nor pre-initialised (flags 0x%x)", f);
	if ((f & DSB_ESE_PF_PREINIT) &&
	    (h->ntags != 0 || !(f & DSB_ESE_PF_NEW_RECORD) || h->prev || h->next))
		problem(p, DSB_E018, DSB_ESE_PG_FLAGS_OFF,
			"pre-initialised page with tags, sibling links or no new-record flag (flags 0x%x)", f);
	if (!empty && (h->prev || h->next) &&
	    ((f & DSB_ESE_PF_ROOT) || !(f & DSB_ESE_PF_LEAF)))
		problem(p, DSB_E018, DSB_ESE_PG_PREV_OFF,
			"%s page has sibling links (previous %u, next %u)",
			(f & DSB_ESE_PF_ROOT) ? "a root" : "an internal", h->prev, h->next);
}

static void check_nodes(const uint8_t *page, size_t cb, const struct dsb_ese_pghdr *h,
			const struct dsb_ese_tag *tag0, struct problems *p)
{
	bool leaf = h->flags & DSB_ESE_PF_LEAF;
	bool root = h->flags & DSB_ESE_PF_ROOT;
	for (unsigned i = h->ctag_reserved; i < h->ntags && !has_rule(p, DSB_E016); i++) {
		struct dsb_ese_tag t;
		struct dsb_ese_node n;
		size_t at = cb - (size_t)DSB_ESE_TAG_SIZE * (i + 1);
		if (!dsb_ese_tag_read(page, cb, h, i, &t))
			return;
		if (!dsb_ese_node_decode(page, cb, h, &t, &n)) {
			problem(p, DSB_E016, h->hdr_size + t.ib,
				"node %u: its key does not fit in its %u bytes", i, t.cb);
			return;
		}
		(void)at;
		/* A root page's tag 0 is the space header, not a key prefix. */
		if ((n.flags & DSB_ESE_NODE_COMPRESSED) && !root && n.prefix_len > tag0->cb)
			problem(p, DSB_E016, h->hdr_size + t.ib,
				"node %u: key prefix of %u bytes but tag 0 holds %u",
				i, n.prefix_len, tag0->cb);
		if (!leaf && n.data_len != 4)
			problem(p, DSB_E016, h->hdr_size + t.ib,
				"node %u of an internal page holds %zu data bytes, not a 4-byte page number",
				i, n.data_len);
		/* Only the last node of an internal page may have an empty key:
		 * it covers everything above the previous separator. */
		if ((size_t)n.prefix_len + n.suffix_len == 0 && (leaf || i + 1 != h->ntags))
			problem(p, DSB_E016, h->hdr_size + t.ib, "node %u has an empty key", i);
		if (leaf && n.data_len == 0)
			problem(p, DSB_E016, h->hdr_size + t.ib, "node %u has no data", i);
	}
}

size_t dsb_ese_page_structure_check(const uint8_t *page, size_t cb,
				    struct dsb_ese_page_problem out[DSB_ESE_PAGE_PROBLEMS_MAX])
{
	struct problems p = { .v = out, .n = 0 };
	struct dsb_ese_pghdr h;
	if (cb < DSB_ESE_PAGE_MIN || cb > DSB_ESE_PAGE_MAX || !dsb_ese_pghdr_decode(page, cb, &h)) {
		problem(&p, DSB_E016, 0, "page of %zu bytes cannot hold a page header", cb);
		return p.n;
	}
	check_flags(&h, &p);
	if (h.large && h.reserved_nonzero)
		problem(&p, DSB_E016, DSB_ESE_PG_RESERVED_OFF, "reserved page header bytes 68-79 are not zero");
	if (h.cb_free > h.data_size)
		problem(&p, DSB_E017, DSB_ESE_PG_CB_FREE_OFF,
			"free byte count %u exceeds the %zu-byte data area", h.cb_free, h.data_size);
	if (h.cb_uncommitted_free > h.cb_free)
		problem(&p, DSB_E017, DSB_ESE_PG_CB_UNCOMMITTED_OFF,
			"uncommitted free byte count %u exceeds the free byte count %u",
			h.cb_uncommitted_free, h.cb_free);

	size_t tag_bytes = (size_t)DSB_ESE_TAG_SIZE * h.ntags;
	if (h.ib_mic_free > h.data_size) {
		problem(&p, DSB_E016, DSB_ESE_PG_IB_MIC_FREE_OFF,
			"first free byte %u lies beyond the %zu-byte data area", h.ib_mic_free, h.data_size);
		return p.n;
	}
	if (h.ntags >= h.data_size / DSB_ESE_TAG_SIZE) {
		problem(&p, DSB_E016, DSB_ESE_PG_ITAG_STATE_OFF,
			"%u tags cannot fit in the %zu-byte data area", h.ntags, h.data_size);
		return p.n;
	}
	if ((size_t)h.ib_mic_free + tag_bytes > h.data_size) {
		problem(&p, DSB_E016, DSB_ESE_PG_ITAG_STATE_OFF,
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
				problem(&p, DSB_E016, at, "tag %u is empty", i);
				tags_ok = false;
			}
			continue;
		}
		if ((size_t)t.ib + t.cb > h.ib_mic_free) {
			problem(&p, DSB_E016, at, "tag %u (offset %u, %u bytes) ends past the first free byte %u",
				i, t.ib, t.cb, h.ib_mic_free);
			tags_ok = false;
			continue;
		}
		if (range_mark(bm, t.ib, t.cb)) {
			problem(&p, DSB_E016, at, "tag %u (offset %u, %u bytes) overlaps another node",
				i, t.ib, t.cb);
			tags_ok = false;
		}
	}
	if (!tags_ok)
		return p.n;
	if (sum_cb + h.cb_free + tag_bytes != h.data_size)
		problem(&p, DSB_E017, DSB_ESE_PG_CB_FREE_OFF,
			"node bytes %zu + free bytes %u + tag array %zu = %zu, not the data area's %zu",
			sum_cb, h.cb_free, tag_bytes, sum_cb + h.cb_free + tag_bytes, h.data_size);
	check_nodes(page, cb, &h, &tag0, &p);
	return p.n;
}

/* ---- what the walk needs from a valid page --------------------------------- */

static struct ese_page *page_slot(struct dsb_ese_stream *s, uint32_t pgno)
{
	if (s->pages_limit)
		return NULL;
	if (pgno != s->pages.n + 1 || !ESE_PUSH(s, s->pages, s->lim.pages)) {
		s->pages_limit = true;
		ese_limit_hit(s, LIM_PAGES, pgno);
		return NULL;
	}
	struct ese_page *ps = &s->pages.v[s->pages.n++];
	memset(ps, 0, sizeof(*ps));
	return ps;
}

static uint16_t kind_bits(uint32_t f)
{
	uint16_t k = 0;
	if (f & DSB_ESE_PF_ROOT)
		k |= PS_ROOT;
	if (f & DSB_ESE_PF_LEAF)
		k |= PS_LEAF;
	if (f & DSB_ESE_PF_PARENT_OF_LEAF)
		k |= PS_POL;
	if (f & (DSB_ESE_PF_EMPTY | DSB_ESE_PF_PREINIT))
		k |= PS_EMPTY;
	if (f & DSB_ESE_PF_SPACE_TREE)
		k |= PS_SPACE;
	if (f & DSB_ESE_PF_INDEX)
		k |= PS_INDEX;
	if (f & DSB_ESE_PF_LONG_VALUE)
		k |= PS_LV;
	return k;
}

static void set_state(struct ese_page *ps, enum page_state st)
{
	ps->flags = (uint16_t)((ps->flags & ~PS_STATE_MASK) | ((unsigned)st << PS_STATE_SHIFT));
}

static void keep_children(struct dsb_ese_stream *s, const uint8_t *page,
			  const struct dsb_ese_pghdr *h, struct ese_page *ps)
{
	size_t first = s->children.n;
	for (unsigned i = h->ctag_reserved; i < h->ntags; i++) {
		struct dsb_ese_tag t;
		struct dsb_ese_node n;
		uint32_t child;
		if (!dsb_ese_tag_read(page, s->cb, h, i, &t) || !dsb_ese_node_decode(page, s->cb, h, &t, &n))
			continue;
		struct dsb_cursor c = dsb_cursor_make(n.data, n.data_len);
		if (!dsb_get_le32(&c, &child))
			continue;
		if (!ESE_PUSH(s, s->children, s->lim.children)) {
			s->pages_limit = true;
			ese_limit_hit(s, LIM_CHILDREN, (uint32_t)(ps - s->pages.v) + 1);
			return;
		}
		s->children.v[s->children.n++] = child;
	}
	ps->a = (uint32_t)first;
	ps->b = (uint32_t)(s->children.n - first);
	ps->flags |= PS_CHILDREN;
}

static uint16_t count_nodes(const uint8_t *page, size_t cb, const struct dsb_ese_pghdr *h)
{
	unsigned n = 0;
	for (unsigned i = h->ctag_reserved; i < h->ntags; i++) {
		struct dsb_ese_tag t;
		if (dsb_ese_tag_read(page, cb, h, i, &t) && !(t.flags & DSB_ESE_NODE_DELETED))
			n++;
	}
	return (uint16_t)(n > UINT16_MAX ? UINT16_MAX : n);
}

static void keep_root(struct dsb_ese_stream *s, const uint8_t *page,
		      const struct dsb_ese_pghdr *h, uint32_t pgno)
{
	struct dsb_ese_tag t0;
	struct ese_root r = { .pgno = pgno, .objid = h->objid };
	/* Tags of a page that passed the structure check lie inside it, but a
	 * zero-length one may keep a stale offset: do not point past the page. */
	if (h->ntags == 0 || !dsb_ese_tag_read(page, s->cb, h, 0, &t0) || t0.cb == 0 ||
	    h->hdr_size + t0.ib + t0.cb > s->cb ||
	    !dsb_ese_space_header_decode(page + h->hdr_size + t0.ib, t0.cb, &r.sph)) {
		ese_undecoded(s, UD_SPACE_HEADER, pgno);
		return;
	}
	if (!ESE_PUSH(s, s->roots, s->lim.roots)) {
		s->kept_limit = true;
		ese_limit_hit(s, LIM_ROOTS, pgno);
		return;
	}
	s->roots.v[s->roots.n++] = r;
}

static void keep_extents(struct dsb_ese_stream *s, const uint8_t *page,
			 const struct dsb_ese_pghdr *h, uint32_t pgno)
{
	struct dsb_ese_tag t0 = { 0 };
	if (h->ntags)
		(void)dsb_ese_tag_read(page, s->cb, h, 0, &t0);
	if (t0.cb == 0 || h->hdr_size + t0.ib + t0.cb > s->cb)
		t0 = (struct dsb_ese_tag){ 0 };
	const uint8_t *prefix = page + h->hdr_size + t0.ib;
	for (unsigned i = h->ctag_reserved; i < h->ntags; i++) {
		struct dsb_ese_tag t;
		struct dsb_ese_node n;
		if (!dsb_ese_tag_read(page, s->cb, h, i, &t) || (t.flags & DSB_ESE_NODE_DELETED) ||
		    !dsb_ese_node_decode(page, s->cb, h, &t, &n))
			continue;
		/* Room for the 4-byte extent key and for longer ones, which
		 * are assembled only to be counted as not understood (E035). */
		uint8_t key[8];
		_Static_assert(sizeof(key) > 4, "an extent key is 4 bytes; longer keys must fit to be told apart");
		size_t plen = (n.flags & DSB_ESE_NODE_COMPRESSED) ? n.prefix_len : 0;
		if (plen > t0.cb || plen + n.suffix_len > sizeof(key)) {
			ese_undecoded(s, UD_EXTENT, pgno);
			continue;
		}
		memcpy(key, prefix, plen);
		memcpy(key + plen, n.suffix, n.suffix_len);
		struct ese_ext e = { .src_pgno = pgno };
		if (!dsb_ese_extent_decode(key, plen + n.suffix_len, n.data, n.data_len, &e.last, &e.cpg)) {
			ese_undecoded(s, UD_EXTENT, pgno);
			continue;
		}
		if (!ESE_PUSH(s, s->ext, s->lim.extents)) {
			s->kept_limit = true;
			ese_limit_hit(s, LIM_EXTENTS, pgno);
			return;
		}
		s->ext.v[s->ext.n++] = e;
	}
}

static void keep_catalog(struct dsb_ese_stream *s, const uint8_t *page,
			 const struct dsb_ese_pghdr *h, uint32_t pgno)
{
	for (unsigned i = h->ctag_reserved; i < h->ntags; i++) {
		struct dsb_ese_tag t;
		struct dsb_ese_node n;
		struct dsb_ese_catalog_record r;
		if (!dsb_ese_tag_read(page, s->cb, h, i, &t) || (t.flags & DSB_ESE_NODE_DELETED) ||
		    !dsb_ese_node_decode(page, s->cb, h, &t, &n))
			continue;
		if (!dsb_ese_catalog_record_decode(n.data, n.data_len, &r)) {
			if (s->cat_bad_records++ == 0)
				s->cat_bad_first_pgno = pgno;
			continue;
		}
		if (r.type == DSB_ESE_SYSOBJ_COLUMN && s->cat.n) {
			struct ese_cat *last = &s->cat.v[s->cat.n - 1];
			/* Columns are only counted: one entry per run of a table's
			 * columns on one page. */
			if (last->type == DSB_ESE_SYSOBJ_COLUMN && last->src_pgno == pgno &&
			    last->objid_table == r.objid_table) {
				last->count++;
				continue;
			}
		}
		if (r.type != DSB_ESE_SYSOBJ_TABLE && r.type != DSB_ESE_SYSOBJ_INDEX &&
		    r.type != DSB_ESE_SYSOBJ_LONG_VALUE && r.type != DSB_ESE_SYSOBJ_COLUMN) {
			/* Callbacks are known and not needed; anything else is
			 * an entry this reader does not understand. */
			if (r.type != DSB_ESE_SYSOBJ_CALLBACK)
				ese_undecoded(s, UD_CATALOG_TYPE, pgno);
			continue;
		}
		if (!ESE_PUSH(s, s->cat, s->lim.catalog)) {
			s->kept_limit = true;
			ese_limit_hit(s, LIM_CATALOG, pgno);
			return;
		}
		struct ese_cat *c = &s->cat.v[s->cat.n++];
		memset(c, 0, sizeof(*c));
		c->src_pgno = pgno;
		c->objid_table = r.objid_table;
		c->id = r.id;
		c->pgno_fdp = r.pgno_fdp;
		c->flags = r.flags;
		c->type = r.type;
		c->count = 1;
		c->name_cut = r.name_cut;
		c->name_len = r.name_len;
		memcpy(c->name, r.name, r.name_len + 1);
	}
}

void ese_page_process(struct dsb_ese_stream *s, const uint8_t *page, uint32_t pgno)
{
	struct dsb_ese_summary *sum = &s->sum;
	struct ese_page *ps = page_slot(s, pgno);
	struct dsb_ese_page_check ck;

	sum->pages_total++;
	dsb_ese_page_verify(page, s->cb, pgno, &ck);
	if (ck.status != DSB_ESE_PAGE_UNINIT) {
		if (ck.new_format)
			sum->pages_new_checksum++;
		else
			sum->pages_old_checksum++;
	}
	struct dsb_ese_pghdr h;
	bool hdr_ok = dsb_ese_pghdr_decode(page, s->cb, &h);

	switch (ck.status) {
	case DSB_ESE_PAGE_UNINIT:
		sum->pages_uninit++;
		if (ps)
			set_state(ps, PG_UNINIT);
		return;
	case DSB_ESE_PAGE_OK:
		break;
	case DSB_ESE_PAGE_BITFLIP:
	case DSB_ESE_PAGE_MISPLACED:
	case DSB_ESE_PAGE_MISMATCH:
		sum->pages_bad++;
		if (ck.status == DSB_ESE_PAGE_BITFLIP)
			sum->pages_bitflip++;
		if (ck.status == DSB_ESE_PAGE_MISPLACED)
			sum->pages_misplaced++;
		if (!ps) {
			/* No room to classify it at finish: report it now. */
			enum dsb_rule r = ck.status == DSB_ESE_PAGE_BITFLIP ? DSB_E014 :
					  ck.status == DSB_ESE_PAGE_MISPLACED ? DSB_E015 : DSB_E013;
			int64_t off = page_offset(s, pgno) +
				      (ck.status == DSB_ESE_PAGE_BITFLIP ? ck.bit / 8 : 0);
			ese_add(s, r, pgno, off, NULL,
				"page %u (offset %lld): checksum does not verify (%s); not classified: the page-summary limit was reached",
				pgno, (long long)off,
				ck.status == DSB_ESE_PAGE_BITFLIP ? "one flipped bit" :
				ck.status == DSB_ESE_PAGE_MISPLACED ? "written for another page" : "damaged");
			return;
		}
		ps->objid = hdr_ok ? h.objid : 0;
		if (ck.status == DSB_ESE_PAGE_BITFLIP) {
			set_state(ps, PG_BITFLIP);
			ps->a = ck.bit;
			ps->b = ck.bit_in_checksum;
		} else if (ck.status == DSB_ESE_PAGE_MISPLACED) {
			set_state(ps, PG_MISPLACED);
			if (!ck.pgno_field_bad)
				ese_misplaced_keep(s, page, pgno, ck.actual_pgno);
			ps->a = ck.actual_pgno;
			ps->b = (ck.or_bitflip ? 1u : 0u) | (ck.pgno_field_bad ? 2u : 0u) | ck.bit << 8;
		} else {
			set_state(ps, PG_MISMATCH);
			ps->a = ck.bad_blocks;
			ps->b = ck.new_format;
		}
		return;
	}

	/* The checksum verifies: judge the page's own structure. */
	struct dsb_ese_page_problem pr[DSB_ESE_PAGE_PROBLEMS_MAX];
	size_t np = dsb_ese_page_structure_check(page, s->cb, pr);
	bool bad_struct = false;
	for (size_t i = 0; i < np; i++) {
		ese_add(s, pr[i].rule, pgno, page_offset(s, pgno) + pr[i].at, NULL,
			"page %u: %s", pgno, pr[i].what);
		if (pr[i].rule != DSB_E019)
			bad_struct = true;
	}
	if (bad_struct)
		sum->pages_bad_structure++;
	if (h.flags & (DSB_ESE_PF_EMPTY | DSB_ESE_PF_PREINIT))
		sum->pages_empty++;
	else
		sum->pages_used++;

	if (h.dbtime > sum->highest_dbtime) {
		sum->highest_dbtime = h.dbtime;
		sum->highest_dbtime_pgno = pgno;
	}
	if (h.dbtime > sum->header.dbtime) {
		if (sum->fuzzy)
			ese_fuzzy(s, FZ_DBTIME, pgno, "page %u has dbtime %llu, the header %llu",
				  pgno, (unsigned long long)h.dbtime,
				  (unsigned long long)sum->header.dbtime);
		else
			ese_add(s, DSB_E025, pgno, page_offset(s, pgno) + DSB_ESE_PG_DBTIME_OFF, NULL,
				"page %u has dbtime %llu, newer than the header's %llu",
				pgno, (unsigned long long)h.dbtime,
				(unsigned long long)sum->header.dbtime);
	}

	if (!ps)
		return;
	ps->objid = h.objid;
	ps->flags |= kind_bits(h.flags);
	set_state(ps, bad_struct ? PG_BAD_STRUCT : PG_VALID);
	ps->a = h.prev;
	ps->b = h.next;
	if (bad_struct || (h.flags & (DSB_ESE_PF_EMPTY | DSB_ESE_PF_PREINIT)))
		return;
	bool leaf = h.flags & DSB_ESE_PF_LEAF;
	if (!leaf)
		keep_children(s, page, &h, ps);
	else
		ps->nodes = count_nodes(page, s->cb, &h);
	if ((h.flags & DSB_ESE_PF_ROOT) && !(h.flags & DSB_ESE_PF_SPACE_TREE))
		keep_root(s, page, &h, pgno);
	if (leaf && (h.flags & DSB_ESE_PF_SPACE_TREE))
		keep_extents(s, page, &h, pgno);
	if (leaf && h.objid == DSB_ESE_OBJID_CATALOG && !(h.flags & DSB_ESE_PF_TREE_TYPE))
		keep_catalog(s, page, &h, pgno);
}
