/* SPDX-License-Identifier: Apache-2.0 */
/*
 * At finish, with every page's summary in hand: walk the B-trees the
 * catalog names (REF §2.6), work out the database's owned and free space
 * from the space trees, classify what no tree references, read the
 * catalog, and report what was held back until now (damaged pages, fuzzy
 * differences, the online-copy note).
 *
 * The walk goes level by level: a level is the ordered list of the
 * children of the level above, so the leaf level comes out in key order
 * and the sibling links can be checked against it.  A damaged or
 * unreadable page stays in its level as a placeholder, so that its
 * neighbours' links are not blamed for it.  A tree that lost a page this
 * way is remembered as incomplete: an unreferenced damaged page whose
 * header claims that tree is its lost page and is an error, not leftover.
 */
#define DSB_ESE_INTERNAL
#include "verify/ese/ese_private.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_PGNO 0u     /* pgno 0 never exists: a slot the walk could not use */

enum leaf_role { ROLE_NONE = 0, ROLE_DB_OE = 1, ROLE_AE = 2, ROLE_OE = 3 };

struct u32vec {
	uint32_t *v;
	size_t n, cap;
};

/* A level of a tree as runs of consecutive pgnos (a run of NO_PGNO
 * placeholders repeats 0): the children of a database's internal pages are
 * mostly runs, so the widest level (the leaves of the biggest table) costs
 * a few runs instead of 4 bytes a page.  Hostile child pointers cost 8
 * bytes an entry, bounded by the child limit. */
struct lrun {
	uint32_t first, n;
};

struct level {
	struct lrun *v;
	size_t n, cap;                 /* runs */
	size_t entries;
};

/* Walks a level entry by entry, in order. */
struct level_it {
	const struct level *l;
	size_t r;
	uint32_t k;
};

static uint32_t level_next(struct level_it *it)
{
	const struct lrun *r = &it->l->v[it->r];
	uint32_t v = r->first == NO_PGNO ? NO_PGNO : r->first + it->k;
	if (++it->k == r->n) {
		it->k = 0;
		it->r++;
	}
	return v;
}

/* A space-tree leaf and what its extents say (few pages: a list, sorted
 * and searched by the space pass, rather than a byte for every page). */
struct role_entry {
	uint32_t pgno;
	uint32_t role;                 /* enum leaf_role */
};

struct walk {
	struct level cur, next;        /* the level being walked, the one below */
	DYN(struct role_entry) roles;  /* space leaves walked */
	size_t peak_bytes;             /* of cur, next and roles: for summary.walk_bytes */
	struct u32vec incomplete;      /* objids of trees that lost pages */
	struct u32vec walked;          /* FDP pgnos walked, for the space pass */
	uint32_t last;                 /* highest pgno with a summary */
};

struct tree_result {
	uint64_t pages, records;
	bool complete;
};

/* Page pgno's record into *out: NULL when no page pgno is kept. */
static struct ese_page *pg(const struct dsb_ese_stream *s, uint32_t pgno, struct ese_page *out)
{
	return ese_pg_get(s, pgno, out) ? out : NULL;
}

static void walk_note_peak(struct walk *w)
{
	size_t b = (w->cur.cap + w->next.cap) * sizeof(struct lrun) + w->roles.cap * sizeof(*w->roles.v);
	if (b > w->peak_bytes)
		w->peak_bytes = b;
}

/* ---- reporting helpers --------------------------------------------------- */

/* A cross-page problem of a tree: `rule` in a consistent database; in a
 * copy of a running one (pages copied at different times), one of the
 * counted online-copy kinds instead (E026). */
__attribute__((format(printf, 6, 7)))
static void tree_problem(struct dsb_ese_stream *s, enum dsb_rule rule, enum fuzzy_kind fz_kind,
			 uint32_t page, const char *table, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (s->sum.fuzzy) {
		/* Only the first difference of a kind is kept, described. */
		char msg[DSB_MESSAGE_MAX];
		vsnprintf(msg, sizeof(msg), fmt, ap);
		ese_fuzzy(s, fz_kind, page, "%s", msg);
	} else {
		ese_vadd(s, rule, page, page ? page_offset(s, page) : -1, table, fmt, ap);
	}
	va_end(ap);
}

static void damage_text(const struct ese_page *ps, char *out, size_t n)
{
	switch (page_state_of(ps)) {
	case PG_BITFLIP:
		snprintf(out, n, "one flipped bit at byte %u bit %u of the page%s (correctable)",
			 ps->a / 8, ps->a % 8, ps->b ? ", in a stored checksum" : "");
		return;
	case PG_MISPLACED:
		if (ps->b & 2u)
			snprintf(out, n, "its checksums verify but its page-number field says %u", ps->a);
		else if (ps->b & 1u)
			snprintf(out, n, "an intact page written for page %u, or one flipped bit at byte %u bit %u of its stored checksum",
				 ps->a, (ps->b >> 8) / 8, (ps->b >> 8) % 8);
		else
			snprintf(out, n, "an intact page written for page %u", ps->a);
		return;
	case PG_MISMATCH:
		if (ps->a != 1u && ps->b)
			snprintf(out, n, "checksum mismatch in blocks%s%s%s%s of 4, more than one bit damaged",
				 ps->a & 1u ? " 0" : "", ps->a & 2u ? " 1" : "",
				 ps->a & 4u ? " 2" : "", ps->a & 8u ? " 3" : "");
		else
			snprintf(out, n, "checksum mismatch (%s format), more than one bit damaged",
				 ps->b ? "new" : "old");
		return;
	case PG_VALID:
	case PG_UNINIT:
	case PG_BAD_STRUCT:
	case PG_TRAILER:
		break;
	}
	snprintf(out, n, "damaged");
}

/* A damaged page that matters: E013, E014 or E015. */
static void report_damage(struct dsb_ese_stream *s, uint32_t pgno, const struct ese_page *ps,
			  const char *why)
{
	char d[200];
	damage_text(ps, d, sizeof(d));
	int64_t off = page_offset(s, pgno);
	switch (page_state_of(ps)) {
	case PG_BITFLIP:
		ese_add(s, DSB_E014, pgno, off + ps->a / 8, NULL,
			"page %u: %s; file offset %lld, bit %u%s",
			pgno, d, (long long)(off + ps->a / 8), ps->a % 8, why);
		return;
	case PG_MISPLACED:
		ese_add(s, DSB_E015, pgno, off, NULL, "page %u (offset %lld): %s%s",
			pgno, (long long)off, d, why);
		return;
	default:
		ese_add(s, DSB_E013, pgno, off, NULL, "page %u (offset %lld): %s%s",
			pgno, (long long)off, d, why);
		return;
	}
}

/* ---- the walk --------------------------------------------------------------- */

static bool push_u32(struct dsb_ese_stream *s, struct u32vec *a, uint32_t v)
{
	if (!ESE_PUSH(s, *a, DSB_ESE_MAX_PAGES + 1u))
		return false;
	a->v[a->n++] = v;
	return true;
}

static bool level_push(struct dsb_ese_stream *s, struct level *l, uint32_t pgno)
{
	if (l->n) {
		struct lrun *r = &l->v[l->n - 1];
		bool extends = r->first == NO_PGNO ? pgno == NO_PGNO : pgno == r->first + r->n;
		if (extends && r->n < UINT32_MAX) {
			r->n++;
			l->entries++;
			return true;
		}
	}
	if (!ESE_PUSH(s, *l, DSB_ESE_MAX_PAGES + 1u))
		return false;
	l->v[l->n++] = (struct lrun){ pgno, 1 };
	l->entries++;
	return true;
}

static void level_clear(struct level *l)
{
	l->n = 0;
	l->entries = 0;
}

static void mark_incomplete(struct dsb_ese_stream *s, struct walk *w, uint32_t objid)
{
	for (size_t i = 0; i < w->incomplete.n; i++)
		if (w->incomplete.v[i] == objid)
			return;
	(void)push_u32(s, &w->incomplete, objid);
}

static bool is_incomplete(const struct walk *w, uint32_t objid)
{
	for (size_t i = 0; i < w->incomplete.n; i++)
		if (w->incomplete.v[i] == objid)
			return true;
	return false;
}

static const char *type_name(uint16_t t)
{
	switch (t) {
	case PS_SPACE: return "space";
	case PS_SPACE | PS_INDEX: return "index space";
	case PS_SPACE | PS_LV: return "long-value space";
	case PS_INDEX: return "index";
	case PS_LV: return "long-value";
	case 0: return "data";
	}
	return "mixed";
}

/* Check a page reached from `parent` (0 for the root) and claim it for the
 * tree.  Returns the pgno to put in the level, or NO_PGNO. */
static uint32_t claim(struct dsb_ese_stream *s, struct walk *w, uint32_t c, uint32_t parent,
		      uint32_t objid, uint16_t type, const char *what, const char *table,
		      struct tree_result *r)
{
	struct ese_page rec;
	struct ese_page *ps = pg(s, c, &rec);
	/* What pointed here, formatted only when a finding names it: most
	 * pages claimed raise none (it was 5% of the verification's work). */
	char from[DSB_ESE_NAME_MAX * 4 + 160];
#define FROM() (parent ? (snprintf(from, sizeof(from), "page %u of %s points to page %u", \
				   parent, what, c), from) \
		       : (snprintf(from, sizeof(from), "the root (FDP) of %s is page %u", what, c), from))

	if (c == 0) {
		r->complete = false;
		tree_problem(s, DSB_E022, FZ_TREE_REF, parent, table, "%s, which does not exist", FROM());
		return NO_PGNO;
	}
	if (!ps) {
		r->complete = false;
		/* Past the end of a cut copy: not judged, the cut is reported. */
		if (s->sum.truncated && c > w->last)
			return NO_PGNO;
		tree_problem(s, DSB_E022, FZ_TREE_REF, parent ? parent : c, table, "%s, beyond the end of the file (%u pages)",
			    FROM(), w->last);
		return NO_PGNO;
	}
	enum page_state st = page_state_of(ps);
	if (st == PG_UNINIT) {
		r->complete = false;
		/* An error even in an online copy (issue 3: "an uninitialized
		 * page referenced by a tree is an error"): a restore starts
		 * from this copy, and a tree that leads to a blank page is
		 * JET_errPageNotInitialized (-1019) until replay rewrites it,
		 * which no offline check can promise. */
		ese_add(s, DSB_E022, c, page_offset(s, c), table,
			"%s, which is uninitialized (all zero)", FROM());
		return NO_PGNO;
	}
	if (state_damaged(st)) {
		/* Reported as damage once the walk is over; the tree lost it.
		 * Its header is not trusted: its owner is the tree that
		 * references it (the table its findings name). */
		ps->flags |= PS_REF;
		ps->objid = objid;
		(void)ese_pg_put(s, c, ps, false);
		r->complete = false;
		mark_incomplete(s, w, objid);
		return NO_PGNO;
	}
	if (ps->flags & PS_REF) {
		r->complete = false;
		tree_problem(s, DSB_E023, FZ_TREE_SHAPE, c, table, "%s, which is already part of a tree", FROM());
		return NO_PGNO;
	}
	if (ps->objid != objid) {
		r->complete = false;
		tree_problem(s, DSB_E023, FZ_TREE_SHAPE, c, table, "%s, which belongs to objid %u, not %u", FROM(), ps->objid, objid);
		return NO_PGNO;
	}
	if (ps->flags & PS_EMPTY) {
		r->complete = false;
		*ese_pg_flags(s, c) |= PS_REF;
		tree_problem(s, DSB_E022, FZ_TREE_REF, c, table, "%s, which is an empty (freed) page", FROM());
		return NO_PGNO;
	}
	*ese_pg_flags(s, c) |= PS_REF;
	r->pages++;
	if ((ps->flags & PS_TYPE_MASK) != type)
		tree_problem(s, DSB_E023, FZ_TREE_SHAPE, c, table, "%s, whose tree type is %s, not %s", FROM(),
			      type_name(ps->flags & PS_TYPE_MASK), type_name(type));
	if (!parent && !(ps->flags & PS_ROOT))
		tree_problem(s, DSB_E023, FZ_TREE_SHAPE, c, table, "%s, which is not a root page", FROM());
	if (parent && (ps->flags & PS_ROOT))
		tree_problem(s, DSB_E023, FZ_TREE_SHAPE, c, table, "%s, which is a root page", FROM());
	if (parent) {
		struct ese_page prec;
		const struct ese_page *pp = pg(s, parent, &prec);
		bool want_leaf = pp && (pp->flags & PS_POL);
		if (want_leaf != !!(ps->flags & PS_LEAF))
			tree_problem(s, DSB_E023, FZ_TREE_SHAPE, c, table, "%s, which is %s a leaf, but the parent is %sa parent-of-leaf page",
				      FROM(), (ps->flags & PS_LEAF) ? "" : "not", want_leaf ? "" : "not ");
	}
	if (page_state_of(ps) == PG_BAD_STRUCT) {
		r->complete = false;
		mark_incomplete(s, w, objid);
	}
	return c;
#undef FROM
}

/* Leaf lv[i] of a level of n entries, between lv[i - 1] = prev and
 * lv[i + 1] = next: its links must name them, and the ends must be 0.
 * Placeholders hide both links next to them. */
static void check_leaf_links(struct dsb_ese_stream *s, uint32_t cur, size_t i, size_t n,
			     uint32_t prev, uint32_t next, const char *what, const char *table)
{
	struct ese_page rec;
	const struct ese_page *ps = pg(s, cur, &rec);
	if (cur == NO_PGNO || !ps || !(ps->flags & PS_LEAF) || page_state_of(ps) != PG_VALID)
		return;
	bool known_prev = i == 0 || prev != NO_PGNO;
	bool known_next = i + 1 == n || next != NO_PGNO;
	uint32_t want_prev = i ? prev : 0;
	uint32_t want_next = i + 1 < n ? next : 0;
	if ((known_prev && ps->a != want_prev) || (known_next && ps->b != want_next)) {
		char msg[256];
		snprintf(msg, sizeof(msg),
			 "leaf page %u of %s links to previous %u and next %u; in key order they are %u and %u",
			 cur, what, ps->a, ps->b, want_prev, want_next);
		if (s->sum.fuzzy)
			ese_fuzzy(s, FZ_LEAF_LINKS, cur, "%s", msg);
		else
			ese_add(s, DSB_E024, cur, page_offset(s, cur) + DSB_ESE_PG_PREV_OFF,
				table, "%s", msg);
	}
}

/* The leaves of one level, in key order, each against its neighbours in
 * the level (a window of three entries over the runs). */
static void check_siblings(struct dsb_ese_stream *s, const struct level *l,
			   const char *what, const char *table)
{
	size_t n = l->entries;
	if (!n)
		return;
	struct level_it it = { .l = l };
	uint32_t prev = NO_PGNO, cur = level_next(&it);
	for (size_t i = 0; i < n; i++) {
		uint32_t next = i + 1 < n ? level_next(&it) : NO_PGNO;
		check_leaf_links(s, cur, i, n, prev, next, what, table);
		prev = cur;
		cur = next;
	}
}

static void walk_tree(struct dsb_ese_stream *s, struct walk *w, uint32_t root, uint32_t objid,
		      uint16_t type, const char *what, const char *table, enum leaf_role role,
		      struct tree_result *r)
{
	memset(r, 0, sizeof(*r));
	r->complete = true;
	struct ese_page rrec;
	const struct ese_page *rp = pg(s, root, &rrec);
	/* An FDP shared by two catalog entries, or walked already: once. */
	if (rp && (rp->flags & PS_WALKED_ROOT) && rp->objid == objid)
		return;
	uint32_t first = claim(s, w, root, 0, objid, type, what, table, r);
	if (first == NO_PGNO)
		return;
	*ese_pg_flags(s, root) |= PS_WALKED_ROOT;
	(void)push_u32(s, &w->walked, root);

	level_clear(&w->cur);
	(void)level_push(s, &w->cur, first);
	for (unsigned depth = 0; w->cur.n && !s->oom; depth++) {
		if (depth >= s->lim.depth) {
			/* A limit, not a verdict on the tree: the levels below
			 * were not checked (E034). */
			if (!(s->limits_hit & (1u << LIM_DEPTH)))
				snprintf(s->depth_tree, sizeof(s->depth_tree), "%s (root page %u)", what, root);
			ese_limit_hit(s, LIM_DEPTH, root);
			r->complete = false;
			break;
		}
		level_clear(&w->next);
		bool any_leaf = false;
		struct level_it it = { .l = &w->cur };
		for (size_t i = 0; i < w->cur.entries; i++) {
			uint32_t p = level_next(&it);
			struct ese_page rec;
			const struct ese_page *ps = pg(s, p, &rec);
			if (p == NO_PGNO || !ps)
				continue;
			if (ps->flags & PS_LEAF) {
				any_leaf = true;
				r->records += ps->nodes;
				if (role != ROLE_NONE && ESE_PUSH(s, w->roles, DSB_ESE_MAX_PAGES + 1u))
					w->roles.v[w->roles.n++] = (struct role_entry){ p, (uint32_t)role };
				continue;
			}
			if (!(ps->flags & PS_CHILDREN))
				continue;   /* bad structure: its pointers are not trusted */
			if (ps->b == 0)
				tree_problem(s, DSB_E023, FZ_TREE_SHAPE, p, table, "internal page %u of %s has no children", p, what);
			for (uint32_t k = 0; k < ps->b; k++) {
				uint32_t c = ese_pg_child(s, ps, k);
				uint32_t got = claim(s, w, c, p, objid, type, what, table, r);
				if (!level_push(s, &w->next, got))
					return;
			}
		}
		if (any_leaf)
			check_siblings(s, &w->cur, what, table);
		walk_note_peak(w);
		/* Swap the level buffers. */
		struct level tl = w->cur;
		w->cur = w->next;
		w->next = tl;
		level_clear(&w->next);
	}
	if (!r->complete)
		mark_incomplete(s, w, objid);
}

/* ---- space ------------------------------------------------------------------ */

static int cmp_root(const void *a, const void *b)
{
	const struct ese_root *x = a, *y = b;
	return x->pgno < y->pgno ? -1 : x->pgno > y->pgno;
}

static const struct ese_root *find_root(const struct dsb_ese_stream *s, uint32_t pgno)
{
	struct ese_root key = { .pgno = pgno };
	if (!s->roots.n)
		return NULL;
	return bsearch(&key, s->roots.v, s->roots.n, sizeof(key), cmp_root);
}

/* Walk the OE and AE trees of every FDP walked so far. */
static void walk_space_trees(struct dsb_ese_stream *s, struct walk *w)
{
	for (size_t i = 0; i < w->walked.n; i++) {
		uint32_t fdp = w->walked.v[i];
		const struct ese_root *r = find_root(s, fdp);
		if (!r || !r->sph.multi_extent || !r->sph.pgno_oe)
			continue;
		/* Space-tree pages carry their owner's tree type as well. */
		uint16_t type = PS_SPACE | (*ese_pg_flags(s, fdp) & (PS_INDEX | PS_LV));
		char what[96];
		struct tree_result tr;
		snprintf(what, sizeof(what), "the owned-space tree of objid %u", r->objid);
		walk_tree(s, w, r->sph.pgno_oe, r->objid, type, what, NULL,
			  r->objid == DSB_ESE_OBJID_ROOT ? ROLE_DB_OE : ROLE_OE, &tr);
		snprintf(what, sizeof(what), "the available-space tree of objid %u", r->objid);
		walk_tree(s, w, r->sph.pgno_ae, r->objid, type, what, NULL, ROLE_AE, &tr);
	}
}

struct range {
	uint32_t first, last;
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Set `bit` on every summarised page inside the ranges, after sorting and
 * merging them so that the work is O(ranges log ranges + pages) whatever
 * the extents claim. */
static void mark_ranges(struct dsb_ese_stream *s, struct range *v, size_t n, uint16_t bit)
{
	qsort(v, n, sizeof(*v), cmp_range);
	uint32_t done = 0;   /* pages up to here are marked */
	for (size_t i = 0; i < n; i++) {
		uint32_t a = v[i].first > done + 1 ? v[i].first : done + 1;
		uint32_t b = v[i].last < s->pages.n ? v[i].last : (uint32_t)s->pages.n;
		for (uint32_t p = a; p <= b && p >= 1; p++)
			s->pages.v[p - 1].flags |= bit;
		if (b > done)
			done = b;
	}
}

static int cmp_role(const void *a, const void *b)
{
	const struct role_entry *x = a, *y = b;
	return x->pgno < y->pgno ? -1 : x->pgno > y->pgno;
}

/* What the walk found space leaf pgno to be (w->roles sorted). */
static enum leaf_role role_of(const struct walk *w, uint32_t pgno)
{
	struct role_entry key = { .pgno = pgno };
	const struct role_entry *e = w->roles.n
		? bsearch(&key, w->roles.v, w->roles.n, sizeof(key), cmp_role) : NULL;
	return e ? (enum leaf_role)e->role : ROLE_NONE;
}

/* Owned space of the database root and free space of every FDP.  Returns
 * false when the database root's owned space is unknown. */
static bool space_pass(struct dsb_ese_stream *s, struct walk *w)
{
	struct range *owned = NULL, *freev = NULL;
	size_t nown = 0, nfree = 0;
	/* Each extent gives one range, each single-extent root one owned range
	 * and up to 32 free ones. */
	owned = malloc((s->ext.n + s->roots.n + 1) * sizeof(*owned));
	freev = malloc((s->ext.n + 32 * (size_t)s->roots.n + 1) * sizeof(*freev));
	if (!owned || !freev) {
		free(owned);
		free(freev);
		s->oom = true;
		return false;
	}
	uint32_t last_owned = 0;
	if (w->roles.n)
		qsort(w->roles.v, w->roles.n, sizeof(*w->roles.v), cmp_role);
	for (size_t i = 0; i < s->ext.n; i++) {
		const struct ese_ext *e = &s->ext.v[i];
		if (e->src_pgno < 1 || e->src_pgno > s->pages.n)
			continue;
		if (!(*ese_pg_flags(s, e->src_pgno) & PS_REF))
			continue;
		/* An extent of no pages, ending at pgno 0, or starting before
		 * page 1 describes no space: not understood, and counted. */
		if (e->cpg == 0 || e->last == 0 || e->cpg > e->last) {
			ese_undecoded(s, UD_EXTENT, e->src_pgno);
			continue;
		}
		uint32_t first = e->last - e->cpg + 1;
		struct range r = { first, e->last };
		switch (role_of(w, e->src_pgno)) {
		case ROLE_DB_OE:
			owned[nown++] = r;
			if (e->last > last_owned)
				last_owned = e->last;
			break;
		case ROLE_AE:
			freev[nfree++] = r;
			break;
		case ROLE_OE:
		case ROLE_NONE:
			break;
		}
	}
	/* Single-extent FDPs keep their free pages in a bitmap of the primary
	 * extent: bit i is page pgnoFDP + 1 + i. */
	for (size_t i = 0; i < s->roots.n; i++) {
		const struct ese_root *r = &s->roots.v[i];
		const uint16_t *fl = ese_pg_flags(s, r->pgno);
		if (r->sph.multi_extent || !fl || !(*fl & PS_WALKED_ROOT))
			continue;
		if (r->objid == DSB_ESE_OBJID_ROOT && r->sph.cpg_primary) {
			owned[nown++] = (struct range){ 1, r->sph.cpg_primary };
			if (r->sph.cpg_primary > last_owned)
				last_owned = r->sph.cpg_primary;
		}
		for (uint32_t b = 0; b < 32 && b + 1 < r->sph.cpg_primary; b++)
			if (r->sph.avail_bitmap >> b & 1u)
				freev[nfree++] = (struct range){ r->pgno + 1 + b, r->pgno + 1 + b };
	}
	mark_ranges(s, owned, nown, PS_OWNED);
	mark_ranges(s, freev, nfree, PS_FREE);
	free(owned);
	free(freev);
	s->sum.last_owned_pgno = last_owned;
	return last_owned != 0;
}

/* ---- the catalog -------------------------------------------------------------- */

static bool cat_trusted(struct dsb_ese_stream *s, const struct ese_cat *c)
{
	return ese_cat_trusted(s, c);
}

static const struct ese_cat *cat_table(struct dsb_ese_stream *s, uint32_t objid)
{
	for (size_t i = 0; i < s->cat.n; i++)
		if (s->cat.v[i].type == DSB_ESE_SYSOBJ_TABLE && s->cat.v[i].id == objid &&
		    cat_trusted(s, &s->cat.v[i]))
			return &s->cat.v[i];
	return NULL;
}

static bool name_is(const struct ese_cat *c, const char *name)
{
	size_t n = strlen(name);
	if (c->name_len != n || c->name_cut)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)c->name[i]) != tolower((unsigned char)name[i]))
			return false;
	return true;
}

struct fdp_key {
	uint32_t key, idx;
};

static int cmp_fdp(const void *a, const void *b)
{
	const struct fdp_key *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Two catalog entries with one objid or one FDP (a primary index shares
 * its table's FDP and objid and is not an entry of its own here). */
static void catalog_conflicts(struct dsb_ese_stream *s, const uint32_t *idx, size_t n)
{
	struct fdp_key *k = malloc((n + 1) * sizeof(*k));
	if (!k) {
		s->oom = true;
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const struct ese_cat *c = &s->cat.v[idx[i]];
			k[i].key = pass ? c->pgno_fdp : c->id;
			k[i].idx = idx[i];
		}
		qsort(k, n, sizeof(*k), cmp_fdp);
		for (size_t i = 1; i < n; i++) {
			if (k[i].key != k[i - 1].key)
				continue;
			const struct ese_cat *a = &s->cat.v[k[i - 1].idx], *b = &s->cat.v[k[i].idx];
			char an[DSB_ESE_NAME_MAX * 4 + 1], bn[DSB_ESE_NAME_MAX * 4 + 1];
			ese_printable(a->name, a->name_len, an, sizeof(an));
			ese_printable(b->name, b->name_len, bn, sizeof(bn));
			ese_add(s, DSB_E032, (int64_t)b->src_pgno, page_offset(s, b->src_pgno), bn,
				"catalog entries '%s' and '%s' both claim %s %u",
				an, bn, pass ? "FDP page" : "objid", k[i].key);
		}
	}
	free(k);
}

static struct dsb_ese_table_summary *table_entry(struct dsb_ese_stream *s, uint32_t objid)
{
	for (size_t i = 0; i < s->tables.n; i++)
		if (s->tables.v[i].objid == objid)
			return &s->tables.v[i];
	return NULL;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	if (b > a)
		return false;
	for (size_t i = 0; i < b; i++)
		if (tolower((unsigned char)s[a - b + i]) != tolower((unsigned char)suffix[i]))
			return false;
	return true;
}

/* Walk every tree the catalog names and fill the table summaries. */
static void catalog_pass(struct dsb_ese_stream *s, struct walk *w, const struct tree_result *cat_tr)
{
	uint32_t *idx = malloc((s->cat.n + 1) * sizeof(*idx));
	size_t n = 0;
	if (!idx) {
		s->oom = true;
		return;
	}
	for (size_t i = 0; i < s->cat.n; i++) {
		const struct ese_cat *c = &s->cat.v[i];
		if (!cat_trusted(s, c))
			continue;
		if (c->type == DSB_ESE_SYSOBJ_TABLE || c->type == DSB_ESE_SYSOBJ_LONG_VALUE)
			idx[n++] = (uint32_t)i;
		if (c->type == DSB_ESE_SYSOBJ_INDEX) {
			const struct ese_cat *t = cat_table(s, c->objid_table);
			if (!t || t->pgno_fdp != c->pgno_fdp)
				idx[n++] = (uint32_t)i;
		}
	}
	catalog_conflicts(s, idx, n);

	/* Tables first, so their summaries exist when their indexes and LVs
	 * are walked. */
	for (int pass = 0; pass < 2 && !s->oom; pass++) {
		for (size_t k = 0; k < n && !s->oom; k++) {
			const struct ese_cat *c = &s->cat.v[idx[k]];
			bool is_table = c->type == DSB_ESE_SYSOBJ_TABLE;
			if (is_table != (pass == 0))
				continue;
			char name[DSB_ESE_NAME_MAX * 4 + 1];
			const struct ese_cat *t = is_table ? c : cat_table(s, c->objid_table);
			if (t)
				ese_printable(t->name, t->name_len, name, sizeof(name));
			else
				snprintf(name, sizeof(name), "objid %u", c->objid_table);
			char what[DSB_ESE_NAME_MAX * 4 + 64];
			uint16_t type = c->type == DSB_ESE_SYSOBJ_INDEX ? PS_INDEX :
					c->type == DSB_ESE_SYSOBJ_LONG_VALUE ? PS_LV : 0;
			snprintf(what, sizeof(what), "the %s tree of table %s", type_name(type), name);
			/* Its findings name the tree: "t (index x)", "t (long values)". */
			char label[DSB_TABLE_NAME_MAX];
			ese_tree_label(c, t, c->objid_table, false, label, sizeof label);
			struct tree_result tr;
			walk_tree(s, w, c->pgno_fdp, c->id, type, what, t ? label : NULL, ROLE_NONE, &tr);
			if (is_table) {
				if (!ESE_PUSH(s, s->tables, SIZE_MAX))
					continue;
				struct dsb_ese_table_summary *ts = &s->tables.v[s->tables.n++];
				memset(ts, 0, sizeof(*ts));
				memcpy(ts->name, name, sizeof(ts->name));
				ts->objid = c->id;
				ts->pgno_fdp = c->pgno_fdp;
				ts->records = tr.records;
				ts->pages = tr.pages;
				ts->complete = tr.complete;
				/* The catalog was walked first: its own result. */
				if (c->pgno_fdp == DSB_ESE_PGNO_CATALOG && c->id == DSB_ESE_OBJID_CATALOG) {
					ts->records = cat_tr->records;
					ts->pages = cat_tr->pages;
					ts->complete = cat_tr->complete;
				}
				continue;
			}
			struct dsb_ese_table_summary *ts = table_entry(s, c->objid_table);
			if (!ts)
				continue;
			ts->pages += tr.pages;
			ts->complete = ts->complete && tr.complete;
		}
	}
	/* Counts of columns, indexes and LVs. */
	for (size_t i = 0; i < s->cat.n; i++) {
		const struct ese_cat *c = &s->cat.v[i];
		if (!cat_trusted(s, c))
			continue;
		struct dsb_ese_table_summary *ts = table_entry(s, c->objid_table);
		if (!ts) {
			/* Not dropped silently: counted for E035. */
			ese_undecoded_n(s, UD_CATALOG_ORPHAN, c->src_pgno, c->count);
			continue;
		}
		if (c->type == DSB_ESE_SYSOBJ_COLUMN)
			ts->columns += c->count;
		else if (c->type == DSB_ESE_SYSOBJ_INDEX)
			ts->indexes++;
		else if (c->type == DSB_ESE_SYSOBJ_LONG_VALUE)
			ts->long_values++;
	}
	free(idx);
	s->sum.tables = s->tables.v;
	s->sum.ntables = s->tables.n;

	/* An Active Directory database has these tables (REF §6, samples). */
	static const char *const ad_tables[] = {
		"datatable", "link_table", "sd_table", "hiddentable", "MSysObjects",
	};
	bool has_datatable = false;
	for (size_t i = 0; i < s->cat.n; i++)
		if (s->cat.v[i].type == DSB_ESE_SYSOBJ_TABLE && cat_trusted(s, &s->cat.v[i]) &&
		    name_is(&s->cat.v[i], "datatable"))
			has_datatable = true;
	s->sum.looks_like_ad = has_datatable || (s->base.file && ends_with_ci(s->base.file, "ntds.dit")) ||
			       (s->base.member && ends_with_ci(s->base.member, "ntds.dit"));
	if (!s->sum.looks_like_ad)
		return;
	s->sum.ad_tables_present = true;
	for (size_t t = 0; t < sizeof(ad_tables) / sizeof(ad_tables[0]); t++) {
		bool found = false;
		for (size_t i = 0; i < s->cat.n && !found; i++)
			if (s->cat.v[i].type == DSB_ESE_SYSOBJ_TABLE && cat_trusted(s, &s->cat.v[i]) &&
			    name_is(&s->cat.v[i], ad_tables[t]))
				found = true;
		if (!found) {
			s->sum.ad_tables_present = false;
			ese_add(s, DSB_E033, DSB_ESE_PGNO_CATALOG, page_offset(s, DSB_ESE_PGNO_CATALOG),
				ad_tables[t], "the catalog has no table %s, which every Active Directory database has",
				ad_tables[t]);
		}
	}
}

/* ---- what no tree references ------------------------------------------------ */

enum uclass { UC_NONE, UC_LEFTOVER_FREE, UC_LEFTOVER_BEYOND, UC_ORPHAN_BEYOND, UC_ORPHAN, UC_ORPHAN_LOST };

static void flush_run(struct dsb_ese_stream *s, enum uclass c, uint32_t first, uint32_t last)
{
	char span[64];
	if (first == last)
		snprintf(span, sizeof(span), "page %u", first);
	else
		snprintf(span, sizeof(span), "pages %u-%u (%u pages)", first, last, last - first + 1);
	int64_t off = page_offset(s, first);
	switch (c) {
	case UC_LEFTOVER_FREE:
		ese_add(s, DSB_E028, first, off, NULL,
			"%s in free space %s; no tree references %s",
			span, first == last ? "does not hold a valid ESE page" : "do not hold valid ESE pages",
			first == last ? "it" : "them");
		break;
	case UC_LEFTOVER_BEYOND:
		ese_add(s, DSB_E028, first, off, NULL,
			"%s past the space the database owns (last owned page %u) %s; no tree references %s",
			span, s->sum.last_owned_pgno,
			first == last ? "does not hold a valid ESE page" : "do not hold valid ESE pages",
			first == last ? "it" : "them");
		break;
	case UC_ORPHAN_BEYOND:
		ese_add(s, DSB_E029, first, off, NULL,
			"%s past the space the database owns (last owned page %u) %s; no tree references %s",
			span, s->sum.last_owned_pgno,
			first == last ? "holds an intact ESE page" : "hold intact ESE pages",
			first == last ? "it" : "them");
		break;
	case UC_ORPHAN:
		ese_add(s, DSB_E029, first, off, NULL,
			"%s in allocated space %s that no tree references",
			span, first == last ? "holds an intact ESE page" : "hold intact ESE pages");
		break;
	case UC_ORPHAN_LOST:
		ese_add(s, DSB_E029, first, off, NULL,
			"%s %s of a tree that could not be walked completely (a page above %s is damaged or missing)",
			span, first == last ? "holds an intact ESE page" : "hold intact ESE pages",
			first == last ? "it" : "them");
		break;
	case UC_NONE:
		break;
	}
}

static void classify(struct dsb_ese_stream *s, struct walk *w, bool space_known, bool walk_ok)
{
	enum uclass run = UC_NONE;
	uint32_t run_first = 0, run_last = 0;
	for (uint32_t p = 1; p <= s->pages.n; p++) {
		struct ese_page rec;
		const struct ese_page *ps = pg(s, p, &rec);
		enum page_state st = page_state_of(ps);
		enum uclass c = UC_NONE;
		if (st == PG_UNINIT) {
			/* nothing */
		} else if (ps->flags & PS_REF) {
			s->sum.pages_referenced++;
			if (state_damaged(st))
				report_damage(s, p, ps, "");
		} else {
			s->sum.pages_unreferenced++;
			bool freep = ps->flags & PS_FREE;
			bool beyond = space_known && !(ps->flags & PS_OWNED);
			if (freep)
				s->sum.pages_free++;
			if (state_damaged(st)) {
				if (!walk_ok)
					report_damage(s, p, ps, "");
				else if (is_incomplete(w, ps->objid))
					report_damage(s, p, ps, "; it claims a tree that lost pages, so it is taken as one of them");
				else if ((freep || beyond) && st != PG_MISMATCH)
					/* A located bit, or a confirmed copy of another
					 * page: the page held a valid ESE page, and the
					 * medium changed it.  Windows' checksum pass
					 * counts it wherever it lies. */
					report_damage(s, p, ps, freep
						      ? "; it lies in free space, so no data is at risk, but the medium that holds it is"
						      : "; it lies past the space the database owns, so no data is at risk, but the medium that holds it is");
				else if (freep)
					c = UC_LEFTOVER_FREE;
				else if (beyond)
					c = UC_LEFTOVER_BEYOND;
				else {
					char d[200];
					damage_text(ps, d, sizeof(d));
					ese_add(s, DSB_E027, p, page_offset(s, p), NULL,
						"page %u (offset %lld): %s; it lies in allocated space but no tree references it",
						p, (long long)page_offset(s, p), d);
				}
			} else if (walk_ok && !(ps->flags & PS_EMPTY) && !freep) {
				if (beyond)
					c = UC_ORPHAN_BEYOND;
				else if (is_incomplete(w, ps->objid))
					c = UC_ORPHAN_LOST;
				else
					c = UC_ORPHAN;
			}
		}
		if (c != run) {
			flush_run(s, run, run_first, run_last);
			run = c;
			run_first = p;
		}
		run_last = p;
	}
	flush_run(s, run, run_first, run_last);
}

/* ---- finish --------------------------------------------------------------------- */

static void report_fuzzy(struct dsb_ese_stream *s)
{
	static const char *const what[FZ_COUNT] = {
		[FZ_DBTIME] = "pages with a dbtime newer than the header's",
		[FZ_LEAF_LINKS] = "leaf pages whose sibling links disagree with their tree",
		[FZ_TREE_REF] = "tree pointers to pages that are missing, all zero or freed",
		[FZ_TREE_SHAPE] = "tree pointers to pages of another tree, type or level",
		[FZ_OWNED_EOF] = "owned space reaching past the end of the copy",
	};
	for (int k = 0; k < FZ_COUNT; k++) {
		const struct fuzzy_agg *z = &s->fz[k];
		if (!z->count)
			continue;
		ese_add(s, DSB_E026, z->first_page, z->first_page > 0 ? page_offset(s, (uint32_t)z->first_page) : -1,
			NULL, "online copy: %s: %llu, which log replay resolves; the first: %s",
			what[k], (unsigned long long)z->count, z->first_what);
	}
}

static void report_online(struct dsb_ese_stream *s)
{
	struct dsb_ese_summary *sum = &s->sum;
	const struct dsb_ese_header *h = &sum->header;
	if (!sum->fuzzy)
		return;
	uint32_t low = h->bk_full_cur.gen_low ? h->bk_full_cur.gen_low : (uint32_t)h->gen_min_required;
	uint32_t high = (uint32_t)(h->gen_max_required > h->gen_max_committed ?
				   h->gen_max_required : h->gen_max_committed);
	if (sum->trailer_ok) {
		low = sum->trailer.bkinfo.gen_low ? sum->trailer.bkinfo.gen_low : low;
		if (sum->trailer.bkinfo.gen_high > high)
			high = sum->trailer.bkinfo.gen_high;
	}
	if (low == 0)
		low = (uint32_t)h->gen_min_required;
	sum->logs_needed_low = low;
	sum->logs_needed_high = high;
	ese_add(s, DSB_E011, -1, -1, NULL,
		"state %s%s%s: log generations %u-%u (0x%x-0x%x) must be replayed to make it consistent",
		sum->state_name,
		sum->backup_in_progress ? ", streaming backup in progress" : "",
		sum->trailer_ok ? ", with its backup trailer" : "",
		low, high, low, high);
}

/* A "page for another pgno" whose pgno cannot exist in this file is more
 * likely damage that left the ECC half equal (REF §2.5 says "perhaps"):
 * call it a mismatch. */
static void recheck_misplaced(struct dsb_ese_stream *s)
{
	for (uint32_t p = 1; p <= s->pages.n; p++) {
		/* Most pages are not misplaced: their flags say so. */
		if ((s->pages.v[p - 1].flags & PS_STATE_MASK) != (unsigned)PG_MISPLACED << PS_STATE_SHIFT)
			continue;
		struct ese_page rec;
		struct ese_page *ps = pg(s, p, &rec);
		if (ps->b & 2u)
			continue;
		if (ps->a == 0 || ps->a > s->sum.pages_total + 1) {
			ps->flags = (uint16_t)((ps->flags & ~PS_STATE_MASK) |
					       ((unsigned)PG_MISMATCH << PS_STATE_SHIFT));
			ps->a = 1;
			ps->b = 1;
			(void)ese_pg_put(s, p, ps, false);
			s->sum.pages_misplaced--;
		}
	}
}

void ese_finish_trees(struct dsb_ese_stream *s)
{
	struct dsb_ese_summary *sum = &s->sum;
	ese_misplaced_confirm(s);
	recheck_misplaced(s);
	report_online(s);
	if (s->pages_limit || s->kept_limit) {
		sum->tree_walk_skipped = s->pages_limit
			? "the page-summary limit was reached: checksums only"
			: "a catalog, extent or FDP limit was reached: checksums only";
		for (uint32_t p = 1; p <= s->pages.n; p++) {
			struct ese_page rec;
			if (ese_pg_get(s, p, &rec) && state_damaged(page_state_of(&rec)))
				report_damage(s, p, &rec, "");
		}
		report_fuzzy(s);
		ese_report_undecoded(s);
		ese_report_limits(s);
		sum->walk_bytes = ese_pg_bytes(s);
		sum->walk_pages = s->pages.n;
		return;
	}

	struct walk w = { .last = (uint32_t)s->pages.n };
	if (s->roots.n)
		qsort(s->roots.v, s->roots.n, sizeof(*s->roots.v), cmp_root);

	/* The database root and the catalog first: the catalog decides which
	 * of the records kept from objid-2 pages count. */
	struct tree_result tr, cat_tr = { 0 };
	walk_tree(s, &w, DSB_ESE_PGNO_ROOT, DSB_ESE_OBJID_ROOT, 0, "the database root", NULL,
		  ROLE_NONE, &tr);

	bool catalog_ok = true;
	struct ese_page crec;
	struct ese_page *cp = pg(s, DSB_ESE_PGNO_CATALOG, &crec);
	enum page_state cst = cp ? page_state_of(cp) : PG_UNINIT;
	if (!cp && sum->truncated) {
		/* Cut before the catalog: the cut is the finding. */
		catalog_ok = false;
	} else if (!cp || cst == PG_UNINIT || cst == PG_BAD_STRUCT || state_damaged(cst) ||
	    cp->objid != DSB_ESE_OBJID_CATALOG || !(cp->flags & PS_ROOT)) {
		catalog_ok = false;
		if (cp && state_damaged(cst)) {
			cp->flags |= PS_REF;   /* its damage is reported as such */
			cp->objid = DSB_ESE_OBJID_CATALOG;   /* page 4 is the catalog's */
			(void)ese_pg_put(s, DSB_ESE_PGNO_CATALOG, cp, false);
		}
		ese_add(s, DSB_E031, DSB_ESE_PGNO_CATALOG, page_offset(s, DSB_ESE_PGNO_CATALOG), NULL,
			"the catalog root, page 4, is %s",
			!cp ? "beyond the end of the file" :
			cst == PG_UNINIT ? "uninitialized (all zero)" :
			state_damaged(cst) ? "damaged" :
			cst == PG_BAD_STRUCT ? "structurally invalid" :
			cp->objid != DSB_ESE_OBJID_CATALOG ? "a page of another tree" : "not a root page");
	} else {
		walk_tree(s, &w, DSB_ESE_PGNO_CATALOG, DSB_ESE_OBJID_CATALOG, 0, "the catalog",
			  "MSysObjects", ROLE_NONE, &cat_tr);
		tr = cat_tr;
		uint64_t bad = 0;
		if (s->cat_bad_records) {
			struct ese_page brec;
			const struct ese_page *bp = pg(s, s->cat_bad_first_pgno, &brec);
			if (bp && (bp->flags & PS_REF))
				bad = s->cat_bad_records;
		}
		if (!tr.complete) {
			catalog_ok = false;
			ese_add(s, DSB_E031, DSB_ESE_PGNO_CATALOG, page_offset(s, DSB_ESE_PGNO_CATALOG),
				"MSysObjects",
				"the catalog tree could not be read completely: tables it lists may be missing");
		} else if (bad) {
			catalog_ok = false;
			ese_add(s, DSB_E031, s->cat_bad_first_pgno, page_offset(s, s->cat_bad_first_pgno),
				"MSysObjects", "%llu catalog records cannot be decoded, the first on page %u",
				(unsigned long long)bad, s->cat_bad_first_pgno);
		} else {
			bool found = false;
			for (size_t i = 0; i < s->cat.n && !found; i++)
				if (s->cat.v[i].type == DSB_ESE_SYSOBJ_TABLE && cat_trusted(s, &s->cat.v[i]) &&
				    s->cat.v[i].id == DSB_ESE_OBJID_CATALOG)
					found = true;
			if (!found) {
				catalog_ok = false;
				ese_add(s, DSB_E031, DSB_ESE_PGNO_CATALOG, page_offset(s, DSB_ESE_PGNO_CATALOG),
					"MSysObjects", "the catalog does not describe itself (no MSysObjects entry)");
			}
		}
	}
	catalog_pass(s, &w, &cat_tr);
	sum->catalog_ok = catalog_ok;
	walk_space_trees(s, &w);
	bool space_known = space_pass(s, &w);

	if (space_known && sum->last_owned_pgno > s->pages.n && !sum->truncated) {
		if (sum->fuzzy)
			ese_fuzzy(s, FZ_OWNED_EOF, -1, "the database owns pages up to %u, the copy holds %zu",
				  sum->last_owned_pgno, s->pages.n);
		else
			ese_add(s, DSB_E030, -1, page_offset(s, (uint32_t)s->pages.n + 1), NULL,
				"the database owns pages up to %u but the file holds %zu pages",
				sum->last_owned_pgno, s->pages.n);
	}
	classify(s, &w, space_known, catalog_ok);
	sum->tree_walk_done = catalog_ok;
	if (!catalog_ok)
		sum->tree_walk_skipped = "the catalog cannot be read: only the system trees were walked";
	report_fuzzy(s);
	ese_report_undecoded(s);
	ese_report_limits(s);

	sum->walk_bytes = ese_pg_bytes(s) + w.peak_bytes;
	sum->walk_pages = s->pages.n;
	free(w.roles.v);
	free(w.cur.v);
	free(w.next.v);
	free(w.incomplete.v);
	free(w.walked.v);
}
