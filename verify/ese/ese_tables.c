/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which table a page belongs to (issue 6 §1.5: "findings name the
 * table").  The catalog is read at finish (ese_tree.c), and most page
 * findings are made then too; those made earlier, while pages streamed by,
 * wait in the stream's own collection (`early`, see ese_add).  Once the
 * walk is over, the catalog's trusted entries give a map objid -> tree,
 * and every waiting finding that has a page gets the name of the tree
 * that owns the page before it joins the caller's findings.
 *
 * Names (docs/ese-checks.md "Table names"): a table's data tree is the
 * table's name; a secondary index "datatable (index PDNT_index)"; a
 * long-value tree "datatable (long values)"; a page of one of their space
 * trees adds "space": "datatable (space)", "datatable (index X, space)".
 * Catalog names are structure, not record contents (RC §3.7); bytes
 * outside printable ASCII are written \xHH.
 */
#define DSB_ESE_INTERNAL
#include "verify/ese/ese_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest label: two escaped catalog names and the words around. */
#define LABEL_MAX (2 * (DSB_ESE_NAME_MAX * 4 + 1) + 32)
_Static_assert(LABEL_MAX <= DSB_TABLE_NAME_MAX, "a label fits location.table's buffer");

#define NO_TABLE UINT32_MAX

void ese_tree_label(const struct ese_cat *c, const struct ese_cat *t, uint32_t objid_table,
		    bool space, char *out, size_t n)
{
	char tn[DSB_ESE_NAME_MAX * 4 + 1], cn[DSB_ESE_NAME_MAX * 4 + 1];
	if (t)
		ese_printable(t->name, t->name_len, tn, sizeof tn);
	else
		snprintf(tn, sizeof tn, "objid %u", objid_table);
	const char *sp = space ? ", space" : "";
	switch (c ? c->type : DSB_ESE_SYSOBJ_TABLE) {
	case DSB_ESE_SYSOBJ_INDEX:
		ese_printable(c->name, c->name_len, cn, sizeof cn);
		snprintf(out, n, "%s (index %s%s)", tn, cn, sp);
		return;
	case DSB_ESE_SYSOBJ_LONG_VALUE:
		snprintf(out, n, "%s (long values%s)", tn, sp);
		return;
	default:
		snprintf(out, n, space ? "%s (space)" : "%s", tn);
		return;
	}
}

/* Tables before long values before indexes: a primary index shares its
 * table's objid, and the page is the table's. */
static unsigned rank(uint16_t type)
{
	return type == DSB_ESE_SYSOBJ_TABLE ? 0 : type == DSB_ESE_SYSOBJ_LONG_VALUE ? 1 : 2;
}

/* qsort has no context: the catalog, set just before sorting (a stream
 * is finished on one thread, and streams finish one at a time: the
 * capture path finishes on the reader's thread, `ese` on the main one). */
static _Thread_local const struct ese_cat *sort_cat;

static int cmp_owner(const void *a, const void *b)
{
	const struct ese_owner *x = a, *y = b;
	if (x->objid != y->objid)
		return x->objid < y->objid ? -1 : 1;
	unsigned rx = rank(sort_cat[x->cat].type), ry = rank(sort_cat[y->cat].type);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x->cat < y->cat ? -1 : x->cat > y->cat;
}

/* The first owner entry of objid, or NULL. */
static const struct ese_owner *owner_of(const struct dsb_ese_stream *s, uint32_t objid)
{
	size_t lo = 0, hi = s->owners.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->owners.v[mid].objid < objid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->owners.n && s->owners.v[lo].objid == objid ? &s->owners.v[lo] : NULL;
}

/* objid -> entry for every trusted table, index and long-value entry.
 * Bounded by the catalog's own limit (DSB_ESE_MAX_CATALOG entries). */
static void build_owners(struct dsb_ese_stream *s)
{
	for (size_t i = 0; i < s->cat.n; i++) {
		const struct ese_cat *c = &s->cat.v[i];
		if ((c->type != DSB_ESE_SYSOBJ_TABLE && c->type != DSB_ESE_SYSOBJ_INDEX &&
		     c->type != DSB_ESE_SYSOBJ_LONG_VALUE) || !ese_cat_trusted(s, c))
			continue;
		if (!ESE_PUSH(s, s->owners, DSB_ESE_MAX_CATALOG))
			return;
		s->owners.v[s->owners.n++] = (struct ese_owner){
			.objid = c->id, .cat = (uint32_t)i, .table = NO_TABLE,
		};
	}
	if (!s->owners.n)
		return;
	sort_cat = s->cat.v;
	qsort(s->owners.v, s->owners.n, sizeof(*s->owners.v), cmp_owner);
	/* Each entry's table: the table entry whose objid is its ObjidTable,
	 * found in the same sorted map. */
	for (size_t i = 0; i < s->owners.n; i++) {
		struct ese_owner *o = &s->owners.v[i];
		const struct ese_owner *t = owner_of(s, s->cat.v[o->cat].objid_table);
		if (t && s->cat.v[t->cat].type == DSB_ESE_SYSOBJ_TABLE)
			o->table = t->cat;
	}
}

const char *ese_page_table(struct dsb_ese_stream *s, uint32_t pgno, char *out, size_t n)
{
	if (!s->owners_done || pgno < 1 || pgno > s->pages.n)
		return NULL;
	struct ese_page rec;
	const struct ese_page *ps = &rec;
	(void)ese_pg_get(s, pgno, &rec);
	enum page_state st = page_state_of(ps);
	bool intact = st == PG_VALID || st == PG_BAD_STRUCT;
	/* A damaged page's header is not trusted; the tree that reached it
	 * wrote its own objid there (ese_tree.c claim). */
	if (!intact && !(state_damaged(st) && (ps->flags & PS_REF)))
		return NULL;
	const struct ese_owner *o = owner_of(s, ps->objid);
	if (!o)
		return NULL;
	const struct ese_cat *c = &s->cat.v[o->cat];
	const struct ese_cat *t = o->table != NO_TABLE ? &s->cat.v[o->table] : NULL;
	ese_tree_label(c, t, c->objid_table, intact && (ps->flags & PS_SPACE), out, n);
	return out;
}

static const char *table_of(void *ctx, int64_t page, char *buf, size_t n)
{
	return page >= 1 && page <= UINT32_MAX ? ese_page_table(ctx, (uint32_t)page, buf, n) : NULL;
}

void ese_owners_finish(struct dsb_ese_stream *s)
{
	if (s->owners_done)
		return;
	/* Catalog entries are trusted only once the walk reached their leaf:
	 * without a walk (a limit, no header) the map stays empty and no page
	 * is named. */
	if (!s->oom)
		build_owners(s);
	s->owners_done = true;
	if (s->early)
		dsb_findings_merge_table(s->f, s->early, table_of, s);
}
