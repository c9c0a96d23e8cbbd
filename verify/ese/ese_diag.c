/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a diagnosis must not get wrong: a check stopped by a limit is a
 * finding (DSB-E034), entries that were not understood are counted and
 * named (DSB-E035), and a page is "written for another pgno" (E015) only
 * when more than the checksum says so.
 *
 * Why the checksum is not enough on pages of 8 KiB or less: the ECC half
 * of the XE checksum does not depend on the pgno (REF §2.4), so a page
 * written for pgno N differs from its own slot's expectation only in the
 * XOR half, by p ^ N.  Damage that changes the data by a mask whose bits
 * are even in number and whose bit indices XOR to 0 leaves the ECC half
 * equal too and the XOR half off by that mask: a byte inverted at a
 * 4-aligned offset (mask 0xFF) is exactly that, and reads as "written for
 * p ^ 0xFF".  On 16/32 KiB pages the stored pgno at offset 64 settles it
 * (format/ese_checksum.c); on smaller pages the page found at N must
 * corroborate it, which is checked here at finish, once every page has
 * been seen.
 */
#define DSB_ESE_INTERNAL
#include "verify/ese/ese_private.h"

#include <stdio.h>
#include <string.h>

#include "format/cursor.h"

/* ---- limits (DSB-E034) ---------------------------------------------------- */

_Static_assert(sizeof(((struct dsb_ese_stream *)0)->limit_pgno) / sizeof(uint32_t) == LIM_COUNT,
	       "one page per limit");
_Static_assert(sizeof(((struct dsb_ese_stream *)0)->undec_unlisted) / sizeof(uint64_t) == UD_COUNT,
	       "one count per kind of entry not understood");
/* depth_tree holds a tree's description as the walk names it: "the index
 * tree of table <name>" with the name escaped (4 bytes per byte at most). */
_Static_assert(sizeof(((struct dsb_ese_stream *)0)->depth_tree) >= DSB_ESE_NAME_MAX * 4 + 64,
	       "a tree's description fits");
_Static_assert(LIM_COUNT <= 8 * sizeof(unsigned), "limits_hit has a bit per limit");

void ese_limit_hit(struct dsb_ese_stream *s, enum ese_limit which, uint32_t pgno)
{
	if (s->limits_hit & (1u << which))
		return;
	s->limits_hit |= 1u << which;
	s->limit_pgno[which] = pgno;
	s->sum.checks_incomplete = true;
}

struct limit_text {
	const char *name;        /* the macro in verify/ese/ese.h */
	const char *what;        /* what it counts */
	const char *unchecked;   /* what was not checked because of it */
};

static const struct limit_text limit_texts[] = {
	[LIM_PAGES] = { "DSB_ESE_MAX_PAGES", "page summaries",
		"the B-tree walk, the space and catalog checks and the classification of unreferenced pages (checksums and page structure were still checked, and damaged pages are reported as errors)" },
	[LIM_CHILDREN] = { "DSB_ESE_MAX_CHILDREN", "child pointers",
		"the B-tree walk, the space and catalog checks and the classification of unreferenced pages (checksums and page structure were still checked, and damaged pages are reported as errors)" },
	[LIM_CATALOG] = { "DSB_ESE_MAX_CATALOG", "catalog entries",
		"the B-tree walk, the space and catalog checks and the classification of unreferenced pages (checksums and page structure were still checked, and damaged pages are reported as errors)" },
	[LIM_EXTENTS] = { "DSB_ESE_MAX_EXTENTS", "space extents",
		"the B-tree walk, the space and catalog checks and the classification of unreferenced pages (checksums and page structure were still checked, and damaged pages are reported as errors)" },
	[LIM_ROOTS] = { "DSB_ESE_MAX_ROOTS", "FDP root pages",
		"the B-tree walk, the space and catalog checks and the classification of unreferenced pages (checksums and page structure were still checked, and damaged pages are reported as errors)" },
	[LIM_DEPTH] = { "DSB_ESE_MAX_DEPTH", "levels of one B-tree",
		"the levels below it: their pages, links and records" },
	[LIM_MISPLACED] = { "DSB_ESE_MAX_MISPLACED", "pages whose checksum names another page number",
		"whether the later ones are misplaced copies; they are reported as damaged" },
	[LIM_IRREGULAR] = { "DSB_ESE_IRREGULAR_BASE plus a quarter of the pages",
		"irregular pages kept aside by the page store, such as leaves linked to far pages",
		"the B-tree walk, the space and catalog checks and the classification of unreferenced pages (checksums and page structure were still checked, and damaged pages are reported as errors)" },
};
_Static_assert(sizeof(limit_texts) / sizeof(limit_texts[0]) == LIM_COUNT,
	       "one text per limit");

static uint32_t limit_value(const struct dsb_ese_stream *s, enum ese_limit k)
{
	const struct dsb_ese_limits *l = &s->lim;
	switch (k) {
	case LIM_PAGES: return l->pages;
	case LIM_CHILDREN: return l->children;
	case LIM_CATALOG: return l->catalog;
	case LIM_EXTENTS: return l->extents;
	case LIM_ROOTS: return l->roots;
	case LIM_DEPTH: return l->depth;
	case LIM_MISPLACED: return l->misplaced;
	case LIM_IRREGULAR: return s->pages.irregular_cap;   /* depends on the pages kept */
	case LIM_COUNT: break;
	}
	return 0;
}

void ese_report_limits(struct dsb_ese_stream *s)
{
	for (unsigned k = 0; k < LIM_COUNT; k++) {
		if (!(s->limits_hit & (1u << k)))
			continue;
		const struct limit_text *t = &limit_texts[k];
		uint32_t pg = s->limit_pgno[k];
		char where[DSB_ESE_NAME_MAX * 4 + 96];
		if (k == LIM_DEPTH)
			snprintf(where, sizeof(where), " in %s", s->depth_tree);
		else if (pg)
			snprintf(where, sizeof(where), " at page %u", pg);
		else
			where[0] = '\0';
		ese_add(s, DSB_E034, pg ? (int64_t)pg : -1, pg ? page_offset(s, pg) : -1, NULL,
			"ESE check not completed: the limit of %u %s (%s) was reached%s; not checked: %s",
			limit_value(s, (enum ese_limit)k), t->what, t->name, where, t->unchecked);
	}
	if (s->limits_hit)
		s->sum.checks_incomplete = true;
}

/* ---- entries not understood (DSB-E035) --------------------------------------- */

void ese_undecoded_n(struct dsb_ese_stream *s, enum ese_undecoded_kind kind, uint32_t pgno,
		     uint32_t n)
{
	if (s->undec.n) {
		struct ese_undecoded *last = &s->undec.v[s->undec.n - 1];
		if (last->pgno == pgno && last->kind == kind) {
			last->count = last->count > UINT32_MAX - n ? UINT32_MAX : last->count + n;
			return;
		}
	}
	if (!ESE_PUSH(s, s->undec, DSB_ESE_MAX_UNDECODED)) {
		/* Out of memory is reported by the caller's stream; a full list
		 * still counts, without a page. */
		if (s->oom)
			return;
		s->undec_unlisted[kind] += n;
		return;
	}
	s->undec.v[s->undec.n++] = (struct ese_undecoded){ .pgno = pgno, .count = n, .kind = (uint8_t)kind };
}

void ese_undecoded(struct dsb_ese_stream *s, enum ese_undecoded_kind kind, uint32_t pgno)
{
	ese_undecoded_n(s, kind, pgno, 1);
}

static const char *const undecoded_what[] = {
	[UD_EXTENT] = "space-tree entries whose key is not a 4-byte page number or whose page count is not usable; the space they describe is not counted as owned or free",
	[UD_SPACE_HEADER] = "FDP root pages whose first tag is not a space header; their space trees were not walked",
	[UD_CATALOG_TYPE] = "catalog entries of an unknown type; they name no tree that was walked",
	[UD_CATALOG_ORPHAN] = "catalog entries (columns, indexes, long values) of a table the catalog does not list; they are in no table's counts",
};
_Static_assert(sizeof(undecoded_what) / sizeof(undecoded_what[0]) == UD_COUNT,
	       "one text per kind of entry not understood");

void ese_report_undecoded(struct dsb_ese_stream *s)
{
	/* Only pages a tree references count once the walk was done: entries
	 * of a leftover page are not part of the database. */
	bool walked = s->sum.tree_walk_done;
	for (unsigned k = 0; k < UD_COUNT; k++) {
		uint64_t n = s->undec_unlisted[k], pages = 0;
		uint32_t first = 0;
		for (size_t i = 0; i < s->undec.n; i++) {
			const struct ese_undecoded *u = &s->undec.v[i];
			if (u->kind != k)
				continue;
			if (walked) {
				const uint16_t *fl = ese_pg_flags(s, u->pgno);
				if (!fl || !(*fl & PS_REF))
					continue;
			}
			if (!first || u->pgno < first)
				first = u->pgno;
			n += u->count;
			pages++;
		}
		if (!n)
			continue;
		ese_add(s, DSB_E035, first ? (int64_t)first : -1, first ? page_offset(s, first) : -1, NULL,
			"ESE entries not understood: %llu %s (on %llu page%s, the first page %u)",
			(unsigned long long)n, undecoded_what[k], (unsigned long long)pages,
			pages == 1 ? "" : "s", first);
	}
}

/* ---- pages written for another pgno --------------------------------------------- */

#define KIND_MASK (PS_ROOT | PS_LEAF | PS_POL | PS_EMPTY | PS_TYPE_MASK)

void ese_misplaced_keep(struct dsb_ese_stream *s, const uint8_t *page, uint32_t pgno,
			uint32_t claimed)
{
	/* 16/32 KiB pages carry their pgno: the checksum code decided. */
	if (s->cb > DSB_ESE_SMALL_PAGE_MAX)
		return;
	if (!ESE_PUSH(s, s->misp, s->lim.misplaced)) {
		if (!s->oom)
			ese_limit_hit(s, LIM_MISPLACED, pgno);
		return;
	}
	struct ese_misplaced m = { .pgno = pgno, .claimed = claimed, .new_format = true };
	struct dsb_ese_pghdr h;
	if (dsb_ese_pghdr_decode(page, s->cb, &h) && h.ntags < h.data_size / DSB_ESE_TAG_SIZE) {
		m.hdr_ok = true;
		m.objid = h.objid;
		m.prev = h.prev;
		m.next = h.next;
		m.kind = ese_kind_bits(h.flags);
		m.new_format = h.flags & DSB_ESE_PF_NEW_CHECKSUM;
		/* The same counts the page path keeps for a valid page: a leaf's
		 * non-deleted nodes, an internal page's children. */
		bool leaf = h.flags & DSB_ESE_PF_LEAF;
		unsigned n = 0;
		for (unsigned i = h.ctag_reserved; i < h.ntags; i++) {
			struct dsb_ese_tag t;
			struct dsb_ese_node nd;
			if (!dsb_ese_tag_read(page, s->cb, &h, i, &t))
				continue;
			if (leaf) {
				n += !(t.flags & DSB_ESE_NODE_DELETED);
				continue;
			}
			if ((size_t)h.hdr_size + t.ib + t.cb > s->cb ||
			    !dsb_ese_node_decode(page, s->cb, &h, &t, &nd))
				continue;
			struct dsb_cursor c = dsb_cursor_make(nd.data, nd.data_len);
			uint32_t child;
			if (!dsb_get_le32(&c, &child))
				continue;
			if (!n)
				m.first_child = child;
			n++;
		}
		m.nodes = (uint16_t)(n > UINT16_MAX ? UINT16_MAX : n);
	}
	s->misp.v[s->misp.n++] = m;
}

static const struct ese_misplaced *find_candidate(const struct dsb_ese_stream *s, uint32_t pgno)
{
	/* Pages arrive in order, so the list is sorted by pgno. */
	size_t lo = 0, hi = s->misp.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->misp.v[mid].pgno < pgno)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->misp.n && s->misp.v[lo].pgno == pgno ? &s->misp.v[lo] : NULL;
}

/* Page pgno's record into *out; NULL when not kept. */
static const struct ese_page *slot(const struct dsb_ese_stream *s, uint32_t pgno,
				   struct ese_page *out)
{
	return ese_pg_get(s, pgno, out) ? out : NULL;
}

static bool intact(const struct ese_page *p)
{
	return p && (page_state_of(p) == PG_VALID || page_state_of(p) == PG_BAD_STRUCT);
}

/* Does what is found at m->claimed corroborate "this page was written for
 * m->claimed"?  Either that slot holds the same page (a copy: same tree,
 * kind, siblings, node count, first child), or, when that slot holds no
 * intact page, a neighbour named by this page's sibling links points to
 * m->claimed. */
static bool corroborated(const struct dsb_ese_stream *s, const struct ese_misplaced *m)
{
	if (!m->hdr_ok || m->claimed == m->pgno)
		return false;
	struct ese_page trec, prec, nrec;
	const struct ese_page *t = slot(s, m->claimed, &trec);
	if (!t)
		return false;
	if (intact(t)) {
		if (t->objid != m->objid || (t->flags & KIND_MASK) != m->kind)
			return false;
		if (m->kind & PS_EMPTY)
			return false;   /* an empty page says nothing about where it belongs */
		if (m->kind & PS_LEAF)
			return t->a == m->prev && t->b == m->next && t->nodes == m->nodes;
		if (!(t->flags & PS_CHILDREN) || t->b != m->nodes || !m->nodes)
			return false;
		return ((t->flags & PS_CHILD_RUN) || t->a < s->children.n) &&
		       ese_pg_child(s, t, 0) == m->first_child;
	}
	if (!(m->kind & PS_LEAF))
		return false;
	const struct ese_page *pv = slot(s, m->prev, &prec), *nx = slot(s, m->next, &nrec);
	return (m->prev && intact(pv) && pv->objid == m->objid && pv->b == m->claimed) ||
	       (m->next && intact(nx) && nx->objid == m->objid && nx->a == m->claimed);
}

void ese_misplaced_confirm(struct dsb_ese_stream *s)
{
	if (s->cb > DSB_ESE_SMALL_PAGE_MAX)
		return;
	for (uint32_t p = 1; p <= s->pages.n; p++) {
		/* Most pages are not misplaced: their flags say so. */
		if ((s->pages.v[p - 1].flags & PS_STATE_MASK) != (unsigned)PG_MISPLACED << PS_STATE_SHIFT)
			continue;
		struct ese_page rec;
		struct ese_page *ps = &rec;
		(void)ese_pg_get(s, p, ps);
		if (ps->b & 2u)
			continue;
		const struct ese_misplaced *m = find_candidate(s, p);
		if (m && corroborated(s, m))
			continue;
		s->sum.pages_misplaced--;
		if (ps->b & 1u) {
			/* Nothing says misplaced: the one-bit difference is a
			 * flipped bit of the stored XOR half. */
			uint32_t bit = ps->b >> 8;
			ps->flags = (uint16_t)((ps->flags & ~PS_STATE_MASK) |
					       ((unsigned)PG_BITFLIP << PS_STATE_SHIFT));
			ps->a = bit;
			ps->b = 1;
			(void)ese_pg_put(s, p, ps, false);
			s->sum.pages_bitflip++;
			continue;
		}
		ps->flags = (uint16_t)((ps->flags & ~PS_STATE_MASK) |
				       ((unsigned)PG_MISMATCH << PS_STATE_SHIFT));
		ps->a = 1;   /* the one block of a small page */
		/* The checksum format it was read in, for the damage text. */
		ps->b = m ? m->new_format : 1u;
		(void)ese_pg_put(s, p, ps, false);
	}
}
