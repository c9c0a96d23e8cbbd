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
#include <stdlib.h>
#include <string.h>

#include "format/cursor.h"

/* ---- page-local structure checks ---------------------------------------- */

/* The problems of one page: the first of each rule is listed, later ones
 * of the same rule are counted in its `more`.  The array has one slot per
 * page-local rule (DSB_ESE_PAGE_PROBLEMS_MAX, tied to E016-E019 in
 * verify/ese/ese.h), and problem() takes no other rule, so a page with
 * problems of every rule keeps them all. */
struct problems {
	struct dsb_ese_page_problem *v;
	size_t n;
};

static struct dsb_ese_page_problem *find_rule(struct problems *p, enum dsb_rule r)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].rule == r)
			return &p->v[i];
	return NULL;
}

static bool has_rule(struct problems *p, enum dsb_rule r)
{
	return find_rule(p, r) != NULL;
}

/* Keep the first problem of each rule: one finding per rule per page. */
__attribute__((format(printf, 4, 5)))
static void problem(struct problems *p, enum dsb_rule r, size_t at, const char *fmt, ...)
{
	struct dsb_ese_page_problem *seen = find_rule(p, r);
	if (seen) {
		if (seen->more < UINT32_MAX)
			seen->more++;
		return;
	}
	/* Never from input: every caller names E016-E019, one slot each.  A
	 * rule added to the checks without a slot stops the tests here
	 * instead of losing problems silently. */
	if (r < DSB_ESE_PAGE_RULE_FIRST || r > DSB_ESE_PAGE_RULE_LAST || p->n >= DSB_ESE_PAGE_PROBLEMS_MAX)
		abort();
	struct dsb_ese_page_problem *x = &p->v[p->n++];
	x->rule = r;
	x->at = (uint32_t)at;
	x->more = 0;
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

/* Each check reads the view and adds problems; false stops the checks
 * after it (what follows would read structures that are not there). */
struct page_check {
	const char *name;
	bool (*run)(const struct dsb_ese_pageview *v, struct problems *p);
};

static bool check_header(const struct dsb_ese_pageview *v, struct problems *p)
{
	if (v->cb < DSB_ESE_PAGE_MIN || v->cb > DSB_ESE_PAGE_MAX || !v->hdr_ok) {
		problem(p, DSB_E016, 0, "page of %zu bytes cannot hold a page header", v->cb);
		return false;
	}
	return true;
}

static bool check_flags(const struct dsb_ese_pageview *v, struct problems *p)
{
	const struct dsb_ese_pghdr *h = &v->h;
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
	return true;
}

static bool check_counts(const struct dsb_ese_pageview *v, struct problems *p)
{
	const struct dsb_ese_pghdr *h = &v->h;
	if (h->large && h->reserved_nonzero)
		problem(p, DSB_E016, DSB_ESE_PG_RESERVED_OFF, "reserved page header bytes 68-79 are not zero");
	if (h->cb_free > h->data_size)
		problem(p, DSB_E017, DSB_ESE_PG_CB_FREE_OFF,
			"free byte count %u exceeds the %zu-byte data area", h->cb_free, h->data_size);
	if (h->cb_uncommitted_free > h->cb_free)
		problem(p, DSB_E017, DSB_ESE_PG_CB_UNCOMMITTED_OFF,
			"uncommitted free byte count %u exceeds the free byte count %u",
			h->cb_uncommitted_free, h->cb_free);
	return true;
}

/* The tag array itself: where it ends and where the nodes end. */
static bool check_tag_array(const struct dsb_ese_pageview *v, struct problems *p)
{
	const struct dsb_ese_pghdr *h = &v->h;
	size_t tag_bytes = (size_t)DSB_ESE_TAG_SIZE * h->ntags;
	if (h->ib_mic_free > h->data_size) {
		problem(p, DSB_E016, DSB_ESE_PG_IB_MIC_FREE_OFF,
			"first free byte %u lies beyond the %zu-byte data area", h->ib_mic_free, h->data_size);
		return false;
	}
	if (h->ntags >= h->data_size / DSB_ESE_TAG_SIZE) {
		problem(p, DSB_E016, DSB_ESE_PG_ITAG_STATE_OFF,
			"%u tags cannot fit in the %zu-byte data area", h->ntags, h->data_size);
		return false;
	}
	if ((size_t)h->ib_mic_free + tag_bytes > h->data_size) {
		problem(p, DSB_E016, DSB_ESE_PG_ITAG_STATE_OFF,
			"the tag array (%u tags) runs into the node data, which ends at %u",
			h->ntags, h->ib_mic_free);
		return false;
	}
	return true;
}

/* The common page: no empty node tag, every tag inside [0, ibMicFree),
 * the non-empty ones in ascending order of offset without overlapping
 * each other (the order the engine lays nodes out in when it reorganises
 * a page).  Such a page has no tag problem, which is known here in one
 * pass without the byte map; any other page goes through the map, which
 * finds the same problems in the same order whatever the layout.  *sum
 * is the bytes all tags cover. */
static bool tags_sorted_clean(const struct dsb_ese_pageview *v, size_t *sum)
{
	const struct dsb_ese_pghdr *h = &v->h;
	size_t end = 0, sum_cb = 0;
	for (unsigned i = 0; i < v->ntags_read; i++) {
		const struct dsb_ese_vtag *t = &v->tag[i];
		sum_cb += t->cb;
		if (t->cb == 0) {
			if (i >= h->ctag_reserved)
				return false;
			continue;
		}
		if (t->ib < end || (size_t)t->ib + t->cb > h->ib_mic_free)
			return false;
		end = (size_t)t->ib + t->cb;
	}
	*sum = sum_cb;
	return true;
}

/* Any layout: every tag inside [0, ibMicFree), no two overlapping,
 * through a map of the bytes tags already took.  False when a tag is
 * wrong (problems added); *sum is the bytes all tags cover. */
static bool tags_mapped(const struct dsb_ese_pageview *v, struct problems *p, size_t *sum)
{
	const struct dsb_ese_pghdr *h = &v->h;
	/* One bit per byte of the data area. */
	uint64_t bm[DSB_ESE_PAGE_MAX / 64];
	static_assert(sizeof(bm) * 8 >= DSB_ESE_PAGE_MAX, "one bit per byte of the largest page");
	memset(bm, 0, ((h->data_size + 63) / 64) * sizeof(bm[0]));
	size_t sum_cb = 0;
	bool tags_ok = true;
	/* check_tag_array made sure every tag lies inside the page. */
	for (unsigned i = 0; i < v->ntags_read; i++) {
		const struct dsb_ese_vtag *t = &v->tag[i];
		size_t at = v->cb - (size_t)DSB_ESE_TAG_SIZE * (i + 1);
		sum_cb += t->cb;
		/* An empty tag covers no bytes; its offset is whatever was left. */
		if (t->cb == 0) {
			if (i >= h->ctag_reserved) {
				problem(p, DSB_E016, at, "tag %u is empty", i);
				tags_ok = false;
			}
			continue;
		}
		if ((size_t)t->ib + t->cb > h->ib_mic_free) {
			problem(p, DSB_E016, at, "tag %u (offset %u, %u bytes) ends past the first free byte %u",
				i, t->ib, t->cb, h->ib_mic_free);
			tags_ok = false;
			continue;
		}
		if (range_mark(bm, t->ib, t->cb)) {
			problem(p, DSB_E016, at, "tag %u (offset %u, %u bytes) overlaps another node",
				i, t->ib, t->cb);
			tags_ok = false;
		}
	}
	*sum = sum_cb;
	return tags_ok;
}

/* The tags, then the space accounting, which means something only when
 * the tags do. */
static bool check_tags(const struct dsb_ese_pageview *v, struct problems *p)
{
	const struct dsb_ese_pghdr *h = &v->h;
	size_t sum_cb = 0;
	if (!tags_sorted_clean(v, &sum_cb) && !tags_mapped(v, p, &sum_cb))
		return false;
	size_t tag_bytes = (size_t)DSB_ESE_TAG_SIZE * h->ntags;
	if (sum_cb + h->cb_free + tag_bytes != h->data_size)
		problem(p, DSB_E017, DSB_ESE_PG_CB_FREE_OFF,
			"node bytes %zu + free bytes %u + tag array %zu = %zu, not the data area's %zu",
			sum_cb, h->cb_free, tag_bytes, sum_cb + h->cb_free + tag_bytes, h->data_size);
	return true;
}

/* Does node i pass every test of check_nodes?  One combined test for the
 * common node; a node that fails it is gone through test by test. */
static inline bool node_clean(const struct dsb_ese_vtag *t, unsigned i, unsigned ntags,
			      bool leaf, bool root, uint16_t tag0_cb)
{
	bool prefix_bad = (t->flags & DSB_ESE_NODE_COMPRESSED) && !root && t->prefix_len > tag0_cb;
	bool data_bad = leaf ? t->data_len == 0 : t->data_len != 4;
	bool key_bad = (unsigned)t->prefix_len + t->suffix_len == 0 && (leaf || i + 1 != ntags);
	return t->node_ok & !prefix_bad & !data_bad & !key_bad;
}

static bool check_nodes(const struct dsb_ese_pageview *v, struct problems *p)
{
	const struct dsb_ese_pghdr *h = &v->h;
	bool leaf = h->flags & DSB_ESE_PF_LEAF;
	bool root = h->flags & DSB_ESE_PF_ROOT;
	uint16_t tag0_cb = v->ntags_read ? v->tag[0].cb : 0;
	/* After the first bad node the rest are not looked at: one E016 says
	 * the page's nodes cannot be trusted.  Every problem here is an E016,
	 * so the first node with one is the last looked at. */
	if (has_rule(p, DSB_E016))
		return true;
	for (unsigned i = h->ctag_reserved; i < v->ntags_read; i++) {
		const struct dsb_ese_vtag *t = &v->tag[i];
		if (node_clean(t, i, h->ntags, leaf, root, tag0_cb))
			continue;
		size_t at = h->hdr_size + t->ib;
		if (!t->node_ok) {
			problem(p, DSB_E016, at, "node %u: its key does not fit in its %u bytes", i, t->cb);
			return true;
		}
		/* A root page's tag 0 is the space header, not a key prefix. */
		if ((t->flags & DSB_ESE_NODE_COMPRESSED) && !root && t->prefix_len > tag0_cb)
			problem(p, DSB_E016, at, "node %u: key prefix of %u bytes but tag 0 holds %u",
				i, t->prefix_len, tag0_cb);
		if (!leaf && t->data_len != 4)
			problem(p, DSB_E016, at,
				"node %u of an internal page holds %zu data bytes, not a 4-byte page number",
				i, (size_t)t->data_len);
		/* Only the last node of an internal page may have an empty key:
		 * it covers everything above the previous separator. */
		if ((size_t)t->prefix_len + t->suffix_len == 0 && (leaf || i + 1 != h->ntags))
			problem(p, DSB_E016, at, "node %u has an empty key", i);
		if (leaf && t->data_len == 0)
			problem(p, DSB_E016, at, "node %u has no data", i);
		return true;
	}
	return true;
}

/* In this order: a problem found first is the one listed for its rule. */
static const struct page_check page_checks[] = {
	{ .name = "page header", .run = check_header },
	{ .name = "page flags",  .run = check_flags },
	{ .name = "free counts", .run = check_counts },
	{ .name = "tag array",   .run = check_tag_array },
	{ .name = "tags",        .run = check_tags },
	{ .name = "nodes",       .run = check_nodes },
};

static size_t structure_check(const struct dsb_ese_pageview *v,
			      struct dsb_ese_page_problem out[DSB_ESE_PAGE_PROBLEMS_MAX])
{
	struct problems p = { .v = out, .n = 0 };
	for (size_t i = 0; i < sizeof(page_checks) / sizeof(page_checks[0]); i++)
		if (!page_checks[i].run(v, &p))
			break;
	return p.n;
}

size_t dsb_ese_page_structure_check(const uint8_t *page, size_t cb,
				    struct dsb_ese_page_problem out[DSB_ESE_PAGE_PROBLEMS_MAX])
{
	struct dsb_ese_pageview v;
	(void)dsb_ese_pageview_decode(page, cb, &v);
	return structure_check(&v, out);
}

/* ---- what the walk needs from a valid page --------------------------------- */

/* Keep a slot for page pgno, the next one: false once the page limit is
 * reached (the walk is skipped) or before.  Its record is filled in a
 * local struct ese_page and stored once the page is read (commit). */
static bool page_slot(struct dsb_ese_stream *s, uint32_t pgno)
{
	if (s->pages_limit)
		return false;
	if (pgno != s->pages.n + 1 || !ESE_PUSH(s, s->pages, s->lim.pages)) {
		s->pages_limit = true;
		ese_limit_hit(s, LIM_PAGES, pgno);
		return false;
	}
	memset(&s->pages.v[s->pages.n++], 0, sizeof(*s->pages.v));
	return true;
}

static void set_state(struct ese_page *ps, enum page_state st)
{
	ps->flags = (uint16_t)((ps->flags & ~PS_STATE_MASK) | ((unsigned)st << PS_STATE_SHIFT));
}

/* ---- keepers: what the walk at finish needs, read from the view -------- */

static void keep_children(struct dsb_ese_stream *s, const struct dsb_ese_pageview *v,
			  struct ese_page *ps, uint32_t pgno)
{
	size_t first = s->children.n;
	for (unsigned i = v->h.ctag_reserved; i < v->ntags_read; i++) {
		const struct dsb_ese_vtag *t = &v->tag[i];
		uint32_t child;
		if (!t->node_ok)
			continue;
		struct dsb_cursor c = dsb_cursor_make(v->page + t->data_off, t->data_len);
		if (!dsb_get_le32(&c, &child))
			continue;
		/* The limit counts every child, kept or not (a run below). */
		if (s->pages.children_kept >= s->lim.children ||
		    !ESE_PUSH(s, s->children, s->lim.children)) {
			s->pages_limit = true;
			ese_limit_hit(s, LIM_CHILDREN, pgno);
			return;
		}
		s->children.v[s->children.n++] = child;
		s->pages.children_kept++;
	}
	uint32_t n = (uint32_t)(s->children.n - first);
	ps->a = (uint32_t)first;
	ps->b = n;
	ps->flags |= PS_CHILDREN;
	/* Children that are consecutive pages (most internal pages of a
	 * database written in order) are kept as their first pgno and count:
	 * 4 bytes a child less (ese_pg_child). */
	bool run = n > 0;
	for (uint32_t k = 1; k < n && run; k++)
		run = s->children.v[first + k] == s->children.v[first] + k;
	if (run) {
		ps->a = s->children.v[first];
		ps->flags |= PS_CHILD_RUN;
		s->children.n = first;
	}
}

static void keep_node_count(struct dsb_ese_stream *s, const struct dsb_ese_pageview *v,
			    struct ese_page *ps, uint32_t pgno)
{
	(void)s;
	(void)pgno;
	unsigned n = 0;
	for (unsigned i = v->h.ctag_reserved; i < v->ntags_read; i++)
		if (!(v->tag[i].flags & DSB_ESE_NODE_DELETED))
			n++;
	ps->nodes = (uint16_t)(n > UINT16_MAX ? UINT16_MAX : n);
}

/* Tag 0's bytes, or an empty tag when it has none inside the page (a
 * zero-length tag may keep a stale offset: never point past the page). */
static struct dsb_ese_vtag tag0_of(const struct dsb_ese_pageview *v)
{
	struct dsb_ese_vtag t0 = { 0 };
	if (v->ntags_read && v->tag[0].cb != 0 &&
	    v->h.hdr_size + v->tag[0].ib + v->tag[0].cb <= v->cb)
		t0 = v->tag[0];
	return t0;
}

static void keep_root(struct dsb_ese_stream *s, const struct dsb_ese_pageview *v,
		      struct ese_page *ps, uint32_t pgno)
{
	(void)ps;
	struct dsb_ese_vtag t0 = tag0_of(v);
	struct ese_root r = { .pgno = pgno, .objid = v->h.objid };
	if (t0.cb == 0 ||
	    !dsb_ese_space_header_decode(v->page + v->h.hdr_size + t0.ib, t0.cb, &r.sph)) {
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

static void keep_extents(struct dsb_ese_stream *s, const struct dsb_ese_pageview *v,
			 struct ese_page *ps, uint32_t pgno)
{
	(void)ps;
	struct dsb_ese_vtag t0 = tag0_of(v);
	const uint8_t *prefix = v->page + v->h.hdr_size + t0.ib;
	for (unsigned i = v->h.ctag_reserved; i < v->ntags_read; i++) {
		struct dsb_ese_node n;
		if ((v->tag[i].flags & DSB_ESE_NODE_DELETED) || !dsb_ese_pageview_node(v, i, &n))
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

static void keep_catalog(struct dsb_ese_stream *s, const struct dsb_ese_pageview *v,
			 struct ese_page *ps, uint32_t pgno)
{
	(void)ps;
	for (unsigned i = v->h.ctag_reserved; i < v->ntags_read; i++) {
		struct dsb_ese_node n;
		struct dsb_ese_catalog_record r;
		if ((v->tag[i].flags & DSB_ESE_NODE_DELETED) || !dsb_ese_pageview_node(v, i, &n))
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

/* Which pages each keeper reads: by their flags, and only pages that are
 * in use and whose structure checks passed (their tags and nodes are
 * inside the page). */
static bool is_internal(uint32_t f) { return !(f & DSB_ESE_PF_LEAF); }
static bool is_leaf(uint32_t f) { return f & DSB_ESE_PF_LEAF; }
static bool is_fdp_root(uint32_t f) { return (f & DSB_ESE_PF_ROOT) && !(f & DSB_ESE_PF_SPACE_TREE); }
static bool is_space_leaf(uint32_t f) { return (f & DSB_ESE_PF_LEAF) && (f & DSB_ESE_PF_SPACE_TREE); }

struct keeper {
	const char *name;
	bool (*wants)(uint32_t page_flags);
	bool catalog_only;   /* and only leaves of the catalog's own tree */
	void (*keep)(struct dsb_ese_stream *s, const struct dsb_ese_pageview *v,
		     struct ese_page *ps, uint32_t pgno);
};

static const struct keeper keepers[] = {
	{ .name = "child pointers", .wants = is_internal,   .keep = keep_children },
	{ .name = "leaf nodes",     .wants = is_leaf,       .keep = keep_node_count },
	{ .name = "space header",   .wants = is_fdp_root,   .keep = keep_root },
	{ .name = "space extents",  .wants = is_space_leaf, .keep = keep_extents },
	{ .name = "catalog",        .wants = is_leaf,       .catalog_only = true, .keep = keep_catalog },
};

static void run_keepers(struct dsb_ese_stream *s, const struct dsb_ese_pageview *v,
			struct ese_page *ps, uint32_t pgno)
{
	uint32_t f = v->h.flags;
	bool catalog = v->h.objid == DSB_ESE_OBJID_CATALOG && !(f & DSB_ESE_PF_TREE_TYPE);
	for (size_t i = 0; i < sizeof(keepers) / sizeof(keepers[0]); i++)
		if (keepers[i].wants(f) && (!keepers[i].catalog_only || catalog))
			keepers[i].keep(s, v, ps, pgno);
}

/* A damaged page that cannot be kept for finish: reported now, as damaged. */
static void report_unkept(struct dsb_ese_stream *s, uint32_t pgno, enum page_state st, uint32_t bit)
{
	enum dsb_rule r = st == PG_BITFLIP ? DSB_E014 : st == PG_MISPLACED ? DSB_E015 : DSB_E013;
	int64_t off = page_offset(s, pgno) + (st == PG_BITFLIP ? bit / 8 : 0);
	ese_add(s, r, pgno, off, NULL,
		"page %u (offset %lld): checksum does not verify (%s); not classified: the page-summary limit was reached",
		pgno, (long long)off,
		st == PG_BITFLIP ? "one flipped bit" :
		st == PG_MISPLACED ? "written for another page" : "damaged");
}

static void page_read(struct dsb_ese_stream *s, const uint8_t *page, uint32_t pgno,
		      struct ese_page *ps);

void ese_page_process(struct dsb_ese_stream *s, const uint8_t *page, uint32_t pgno)
{
	struct ese_page rec;
	memset(&rec, 0, sizeof(rec));
	bool keep = page_slot(s, pgno);
	page_read(s, page, pgno, keep ? &rec : NULL);
	if (!keep || ese_pg_put(s, pgno, &rec, true))
		return;
	/* The store refused it: too many pages that do not fit a slot (or no
	 * memory).  Stop keeping, as at the page limit. */
	s->pages.n--;
	s->pages_limit = true;
	if (!s->oom)
		ese_limit_hit(s, LIM_IRREGULAR, pgno);
	enum page_state st = page_state_of(&rec);
	if (state_damaged(st))
		report_unkept(s, pgno, st, rec.a);
}

/* Read one page: its findings now, its record into *ps (NULL: not kept). */
static void page_read(struct dsb_ese_stream *s, const uint8_t *page, uint32_t pgno,
		      struct ese_page *ps)
{
	struct dsb_ese_summary *sum = &s->sum;
	struct dsb_ese_page_check ck;

	sum->pages_total++;
	dsb_ese_page_verify(page, s->cb, pgno, &ck);
	if (ck.status != DSB_ESE_PAGE_UNINIT) {
		if (ck.new_format)
			sum->pages_new_checksum++;
		else
			sum->pages_old_checksum++;
	}

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
			report_unkept(s, pgno, ck.status == DSB_ESE_PAGE_BITFLIP ? PG_BITFLIP :
				      ck.status == DSB_ESE_PAGE_MISPLACED ? PG_MISPLACED : PG_MISMATCH,
				      ck.bit);
			return;
		}
		/* A damaged page's header is read only for its objid: its tags
		 * are not looked at. */
		struct dsb_ese_pghdr dh;
		ps->objid = dsb_ese_pghdr_decode(page, s->cb, &dh) ? dh.objid : 0;
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

	/* The checksum verifies: decode the page once, judge its own
	 * structure, then keep what the walk needs, all from the one view.
	 * The view (64 KiB of tags) lives on the stack of whichever thread
	 * verifies: no allocation per page, nothing shared between streams. */
	struct dsb_ese_pageview v;
	(void)dsb_ese_pageview_decode(page, s->cb, &v);
	const struct dsb_ese_pghdr *h = &v.h;
	struct dsb_ese_page_problem pr[DSB_ESE_PAGE_PROBLEMS_MAX];
	size_t np = structure_check(&v, pr);
	bool bad_struct = false;
	for (size_t i = 0; i < np; i++) {
		if (pr[i].more)
			ese_add(s, pr[i].rule, pgno, page_offset(s, pgno) + pr[i].at, NULL,
				"page %u: %s (and %u more %s problem%s on this page)", pgno, pr[i].what,
				pr[i].more, dsb_rule_info(pr[i].rule)->id, pr[i].more == 1 ? "" : "s");
		else
			ese_add(s, pr[i].rule, pgno, page_offset(s, pgno) + pr[i].at, NULL,
				"page %u: %s", pgno, pr[i].what);
		if (pr[i].rule != DSB_E019)
			bad_struct = true;
	}
	if (bad_struct)
		sum->pages_bad_structure++;
	if (h->flags & (DSB_ESE_PF_EMPTY | DSB_ESE_PF_PREINIT))
		sum->pages_empty++;
	else
		sum->pages_used++;

	if (h->dbtime > sum->highest_dbtime) {
		sum->highest_dbtime = h->dbtime;
		sum->highest_dbtime_pgno = pgno;
	}
	if (h->dbtime > sum->header.dbtime) {
		if (sum->fuzzy)
			ese_fuzzy(s, FZ_DBTIME, pgno, "page %u has dbtime %llu, the header %llu",
				  pgno, (unsigned long long)h->dbtime,
				  (unsigned long long)sum->header.dbtime);
		else
			ese_add(s, DSB_E025, pgno, page_offset(s, pgno) + DSB_ESE_PG_DBTIME_OFF, NULL,
				"page %u has dbtime %llu, newer than the header's %llu",
				pgno, (unsigned long long)h->dbtime,
				(unsigned long long)sum->header.dbtime);
	}

	if (!ps)
		return;
	ps->objid = h->objid;
	ps->flags |= ese_kind_bits(h->flags);
	set_state(ps, bad_struct ? PG_BAD_STRUCT : PG_VALID);
	ps->a = h->prev;
	ps->b = h->next;
	if (bad_struct || (h->flags & (DSB_ESE_PF_EMPTY | DSB_ESE_PF_PREINIT)))
		return;
	run_keepers(s, &v, ps, pgno);
}
