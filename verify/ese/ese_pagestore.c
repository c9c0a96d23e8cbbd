/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-page records the walk at finish needs, about 6 bytes a page
 * instead of a 16-byte struct (issue 6 §4).  See struct ese_pstore in
 * verify/ese/ese_private.h for the layout and docs/architecture.md for how
 * memory grows.  The walk reads pages in an order the trees decide, so the
 * store stays in memory (random access); it is made small instead.
 */
#define DSB_ESE_INTERNAL
#include "verify/ese/ese_private.h"

#include <stdlib.h>
#include <string.h>

/* aux forms: the low 2 bits say which. */
#define AUX_TAG_MASK   0x3u
#define AUX_LINK       0x0u   /* bit 2: a = pgno - 1, bit 3: b = pgno + 1 (else 0); bits 4-15: nodes */
#define AUX_SMALL      0x1u   /* bits 2-8: a, bits 9-15: b; nodes 0 */
#define AUX_EXCEPTION  0x2u   /* a, b, nodes in the page's exception */
#define AUX_LINK_PREV  0x4u
#define AUX_LINK_NEXT  0x8u
#define AUX_NODES_SHIFT 4
#define AUX_NODES_MAX  0x0FFFu  /* 12 bits */
#define AUX_SMALL_MAX  0x7Fu    /* 7 bits each */
_Static_assert(AUX_NODES_MAX << AUX_NODES_SHIFT <= 0xFFFFu, "nodes fit aux above the link bits");
_Static_assert(AUX_SMALL_MAX << 9 <= 0xFFFFu, "b fits aux above a");

static uint32_t hash32(uint32_t v)
{
	return v * 2654435761u;   /* Knuth's multiplicative hash: spreads runs of pgnos and objids */
}

/* ---- the objid dictionary --------------------------------------------------- */

/* Rebuild the objid index with `slots` slots (a power of two). */
static bool oid_rehash(struct ese_pstore *st, size_t slots)
{
	uint16_t *ix = calloc(slots, sizeof(*ix));
	if (!ix)
		return false;
	for (size_t i = 0; i < st->nobjids; i++) {
		size_t h = hash32(st->objids[i]) & (slots - 1);
		while (ix[h])
			h = (h + 1) & (slots - 1);
		ix[h] = (uint16_t)(i + 1);
	}
	free(st->oid_index);
	st->oid_index = ix;
	st->oid_slots = slots;
	return true;
}

/* The oid of objid, added when new; OID_NONE when the dictionary is full
 * (or memory ran out: s->oom).  The dictionary and its index grow with the
 * distinct objids (the index at most half full), up to OID_MAX. */
static uint16_t oid_of(struct dsb_ese_stream *s, uint32_t objid)
{
	struct ese_pstore *st = &s->pages;
	if (st->nobjids && st->last_objid == objid)
		return st->last_oid;
	if (st->nobjids * 2 >= st->oid_slots && st->nobjids < OID_MAX) {
		size_t want = st->oid_slots ? st->oid_slots * 2 : 64;
		if (want / 2 > st->objids_cap) {
			uint32_t *nv = realloc(st->objids, want / 2 * sizeof(*st->objids));
			if (!nv) {
				s->oom = true;
				return OID_NONE;
			}
			st->objids = nv;
			st->objids_cap = want / 2;
		}
		if (!oid_rehash(st, want)) {
			s->oom = true;
			return OID_NONE;
		}
	}
	size_t mask = st->oid_slots - 1;
	for (size_t h = hash32(objid) & mask;; h = (h + 1) & mask) {
		uint16_t e = st->oid_index[h];
		if (e == 0) {
			if (st->nobjids >= OID_MAX)
				return OID_NONE;
			st->objids[st->nobjids] = objid;
			st->oid_index[h] = (uint16_t)(st->nobjids + 1);
			e = (uint16_t)++st->nobjids;
		} else if (st->objids[e - 1] != objid) {
			continue;
		}
		st->last_objid = objid;
		st->last_oid = (uint16_t)(e - 1);
		return st->last_oid;
	}
}

/* ---- exceptions ------------------------------------------------------------- */

static struct ese_pgx *x_find(const struct ese_pstore *st, uint32_t pgno)
{
	if (!st->xcap)
		return NULL;
	size_t mask = st->xcap - 1;
	for (size_t h = hash32(pgno) & mask;; h = (h + 1) & mask) {
		if (st->x[h].pgno == pgno)
			return &st->x[h];
		if (st->x[h].pgno == 0)
			return NULL;
	}
}

static struct ese_pgx *x_slot(struct ese_pgx *x, size_t cap, uint32_t pgno)
{
	size_t mask = cap - 1;
	size_t h = hash32(pgno) & mask;
	while (x[h].pgno != 0 && x[h].pgno != pgno)
		h = (h + 1) & mask;
	return &x[h];
}

/* Page pgno's exception, added when missing.  NULL: over the cap
 * (`capped`) or out of memory (s->oom). */
static struct ese_pgx *x_get(struct dsb_ese_stream *s, uint32_t pgno, bool capped)
{
	struct ese_pstore *st = &s->pages;
	struct ese_pgx *e = x_find(st, pgno);
	if (e)
		return e;
	if (capped && st->xn >= DSB_ESE_IRREGULAR_BASE + st->n / 4) {
		st->irregular_cap = (uint32_t)(DSB_ESE_IRREGULAR_BASE + st->n / 4);
		return NULL;
	}
	/* Grow at 3/4 full: probes stay short. */
	if ((st->xn + 1) * 4 > st->xcap * 3) {
		size_t ncap = st->xcap ? st->xcap * 2 : 1024;
		struct ese_pgx *nx = calloc(ncap, sizeof(*nx));
		if (!nx) {
			s->oom = true;
			return NULL;
		}
		for (size_t i = 0; i < st->xcap; i++)
			if (st->x[i].pgno)
				*x_slot(nx, ncap, st->x[i].pgno) = st->x[i];
		free(st->x);
		st->x = nx;
		st->xcap = ncap;
	}
	e = x_slot(st->x, st->xcap, pgno);
	memset(e, 0, sizeof(*e));
	e->pgno = pgno;
	st->xn++;
	return e;
}

/* ---- records ---------------------------------------------------------------- */

bool ese_pg_get(const struct dsb_ese_stream *s, uint32_t pgno, struct ese_page *out)
{
	memset(out, 0, sizeof(*out));
	if (pgno < 1 || pgno > s->pages.n)
		return false;
	const struct ese_pstore *st = &s->pages;
	const struct ese_pslot *sl = &st->v[pgno - 1];
	const struct ese_pgx *e = NULL;
	out->flags = sl->flags;
	if (sl->oid == OID_NONE || (sl->aux & AUX_TAG_MASK) == AUX_EXCEPTION)
		e = x_find(st, pgno);
	out->objid = sl->oid != OID_NONE ? st->objids[sl->oid] : e ? e->objid : 0;
	switch (sl->aux & AUX_TAG_MASK) {
	case AUX_LINK:
		out->a = (sl->aux & AUX_LINK_PREV) ? pgno - 1 : 0;
		out->b = (sl->aux & AUX_LINK_NEXT) ? pgno + 1 : 0;
		out->nodes = (uint16_t)(sl->aux >> AUX_NODES_SHIFT);
		break;
	case AUX_SMALL:
		out->a = (sl->aux >> 2) & AUX_SMALL_MAX;
		out->b = (uint32_t)sl->aux >> 9;
		break;
	default:
		if (e) {
			out->a = e->a;
			out->b = e->b;
			out->nodes = e->nodes;
		}
		break;
	}
	return true;
}

bool ese_pg_put(struct dsb_ese_stream *s, uint32_t pgno, const struct ese_page *in, bool capped)
{
	if (pgno < 1 || pgno > s->pages.n)
		return false;
	struct ese_pstore *st = &s->pages;
	uint16_t oid = oid_of(s, in->objid);
	if (s->oom)
		return false;
	uint16_t aux;
	bool prev_ok = in->a == 0 || in->a == pgno - 1;
	bool next_ok = in->b == 0 || in->b == pgno + 1;
	if (prev_ok && next_ok && in->nodes <= AUX_NODES_MAX)
		aux = (uint16_t)(AUX_LINK | (in->a ? AUX_LINK_PREV : 0u) | (in->b ? AUX_LINK_NEXT : 0u) |
				 (unsigned)in->nodes << AUX_NODES_SHIFT);
	else if (in->a <= AUX_SMALL_MAX && in->b <= AUX_SMALL_MAX && in->nodes == 0)
		aux = (uint16_t)(AUX_SMALL | in->a << 2 | in->b << 9);
	else
		aux = AUX_EXCEPTION;
	if (oid == OID_NONE || aux == AUX_EXCEPTION) {
		struct ese_pgx *e = x_get(s, pgno, capped);
		if (!e)
			return false;
		e->objid = in->objid;
		e->a = in->a;
		e->b = in->b;
		e->nodes = in->nodes;
	}
	struct ese_pslot *sl = &st->v[pgno - 1];
	sl->flags = in->flags;
	sl->oid = oid;
	sl->aux = aux;
	return true;
}

size_t ese_pg_bytes(const struct dsb_ese_stream *s)
{
	const struct ese_pstore *st = &s->pages;
	size_t b = st->n * sizeof(*st->v) + st->xcap * sizeof(*st->x) +
		   s->children.n * sizeof(*s->children.v);
	b += st->oid_slots * sizeof(*st->oid_index) + st->objids_cap * sizeof(*st->objids);
	return b;
}

void ese_pg_free(struct dsb_ese_stream *s)
{
	struct ese_pstore *st = &s->pages;
	free(st->v);
	free(st->objids);
	free(st->oid_index);
	free(st->x);
	memset(st, 0, sizeof(*st));
}
