/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the ESE verifier, shared by verify/ese/ese_stream.c (bytes in,
 * header), verify/ese/ese_pages.c (one page at a time) and verify/ese/ese_tree.c
 * (the walk at finish).  Not an interface: include verify/ese/ese.h instead.
 */
#ifndef DSB_VERIFY_ESE_PRIVATE_H
#define DSB_VERIFY_ESE_PRIVATE_H

#ifndef DSB_ESE_INTERNAL
#error "verify/ese/ese_private.h is internal to verify/ese/ (every .c file)"
#endif

#include <stdarg.h>

#include "verify/ese/ese.h"

/* The header is decided on the first HDR_BUF bytes: both copies at the
 * largest page size. */
#define HDR_BUF (2u * DSB_ESE_PAGE_MAX)

/* ---- per-page summary, kept for the walk at finish ---------------------- */

/* What the walk knows of one page.  A value, decoded from the compact
 * store below on each read (ese_pg_get) and encoded on each write
 * (ese_pg_put): never kept per page as such. */

/* Page kind and tree-type bits, copied from the page flags. */
#define PS_ROOT      0x0001u
#define PS_LEAF      0x0002u
#define PS_POL       0x0004u   /* parent of leaf */
#define PS_EMPTY     0x0008u   /* empty or pre-initialised */
#define PS_SPACE     0x0010u
#define PS_INDEX     0x0020u
#define PS_LV        0x0040u
#define PS_TYPE_MASK (PS_SPACE | PS_INDEX | PS_LV)
/* What reading it found (3 bits). */
#define PS_STATE_SHIFT 7
#define PS_STATE_MASK  (0x7u << PS_STATE_SHIFT)
enum page_state {
	PG_VALID = 0,        /* checksum and structure fine */
	PG_UNINIT = 1,       /* all zero */
	PG_MISMATCH = 2,     /* damaged; a = bad block mask */
	PG_BITFLIP = 3,      /* a = bit index in page; b bit 0: in a stored checksum */
	PG_MISPLACED = 4,    /* a = actual pgno; b bit 0: or a bit flip at b >> 8; bit 1: pgno field */
	PG_BAD_STRUCT = 5,   /* checksum fine, structure not: children not trusted */
	PG_TRAILER = 6,      /* the streaming-backup trailer, not a database page */
};
/* Set by the walk and the space pass at finish. */
#define PS_REF       0x0400u   /* reached from a tree */
#define PS_FREE      0x0800u   /* in available space */
#define PS_OWNED     0x1000u   /* inside the database root's owned extents */
#define PS_CHILDREN  0x2000u   /* a = first child index, b = child count */
#define PS_WALKED_ROOT 0x4000u /* walked as the root of a tree */
#define PS_CHILD_RUN 0x8000u   /* with PS_CHILDREN: the children are pgnos a, a+1, ... a+b-1,
				* not kept in s->children (ese_pg_child) */

struct ese_page {
	uint32_t objid;          /* from the page header (untrusted if damaged) */
	uint32_t a, b;           /* leaf: prev, next; internal: children; damaged: detail */
	uint16_t flags;          /* PS_* */
	uint16_t nodes;          /* leaf: non-deleted nodes */
};

/* The store, about 6 bytes a page (issue 6 §4: 16-byte records made a
 * 32 GiB database cost 64 MiB).  Each page has one slot:
 *   flags  PS_* as above;
 *   oid    its objid's index in a dictionary of the distinct objids
 *          (a database has a few thousand trees), OID_NONE when the
 *          dictionary is full: the objid is then in the page's exception;
 *   aux    a, b and nodes, in one of two forms that hold the common
 *          cases (AUX_LINK: a leaf whose siblings are 0 or its
 *          neighbours and up to 4095 nodes; AUX_SMALL: small detail
 *          values, e.g. a mismatch's block mask), else AUX_EXCEPTION:
 *          they are in the page's exception.
 * Exceptions are an open-addressing table by pgno.  It may hold at most
 * DSB_ESE_IRREGULAR_BASE + pages / 4 entries when a page is kept, so that
 * hostile pages (random sibling links, random objids) cost at most about
 * 20 bytes a page before DSB-E034 stops the keeping (checksums only). */
struct ese_pslot {
	uint16_t flags;
	uint16_t oid;
	uint16_t aux;
};
_Static_assert(sizeof(struct ese_pslot) == 6, "6 bytes a page: the point of the store");

#define OID_NONE     0xFFFFu             /* objid kept in the exception */
#define OID_MAX      0xFFFFu             /* dictionary entries: every oid but OID_NONE */
#define OID_HASH_SLOTS_MAX (1u << 17)    /* the index at OID_MAX entries, half full */
_Static_assert(OID_HASH_SLOTS_MAX >= 2u * OID_MAX, "the objid index must stay at most half full");

/* One page whose record does not fit its slot. */
struct ese_pgx {
	uint32_t pgno;           /* 0: a free entry (pgno 0 never exists) */
	uint32_t objid;          /* when the slot's oid is OID_NONE */
	uint32_t a, b;           /* when the slot's aux is AUX_EXCEPTION */
	uint16_t nodes;
};

struct ese_pstore {
	struct ese_pslot *v;     /* index pgno - 1 */
	size_t n, cap;
	uint32_t *objids;        /* the dictionary: oid -> objid */
	size_t nobjids, objids_cap;
	uint16_t *oid_index;     /* oid_slots (a power of two, at least twice nobjids): oid + 1
				  * by objid hash, 0 free */
	size_t oid_slots;
	uint32_t last_objid;     /* one-entry cache: pages come in runs of one tree */
	uint16_t last_oid;
	struct ese_pgx *x;       /* exceptions; xcap a power of two or 0 */
	size_t xn, xcap;
	size_t children_kept;    /* children counted against s->lim.children (runs included) */
	uint32_t irregular_cap;  /* the exception cap when LIM_IRREGULAR was hit */
};

/* A page header's flags as the PS_* kind bits a page record keeps (the
 * page store and the misplaced-page corroboration read the same bits). */
static inline uint16_t ese_kind_bits(uint32_t f)
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

static inline enum page_state page_state_of(const struct ese_page *p)
{
	return (enum page_state)((p->flags & PS_STATE_MASK) >> PS_STATE_SHIFT);
}

static inline bool state_damaged(enum page_state st)
{
	return st == PG_MISMATCH || st == PG_BITFLIP || st == PG_MISPLACED;
}

/* ---- what pages tell about the catalog and the space -------------------- */

struct ese_cat {
	uint32_t src_pgno;       /* the catalog leaf it came from */
	uint32_t objid_table, id, pgno_fdp, flags;
	uint16_t type;
	uint32_t count;          /* columns: a run of this many */
	bool name_cut;
	char name[DSB_ESE_NAME_MAX + 1];
	size_t name_len;
};

struct ese_ext {
	uint32_t src_pgno;       /* the space-tree leaf it came from */
	uint32_t last, cpg;
};

struct ese_root {
	uint32_t pgno, objid;
	struct dsb_ese_space_header sph;
};

/* Cross-page differences in a fuzzy copy, counted and reported once each
 * as DSB-E026 at finish. */
enum fuzzy_kind {
	FZ_DBTIME,
	FZ_LEAF_LINKS,
	FZ_TREE_REF,      /* pointer to a missing, zero or freed page */
	FZ_TREE_SHAPE,    /* objid, level, type, reached twice */
	FZ_OWNED_EOF,     /* owned space beyond the end of the copy */
	FZ_COUNT
};

struct fuzzy_agg {
	uint64_t count;
	int64_t first_page;      /* -1 none */
	char first_what[160];
};

/* One tree the catalog names (table, secondary index or long values),
 * by objid: what a page of that objid is reported as belonging to. */
struct ese_owner {
	uint32_t objid;
	uint32_t cat;            /* its catalog entry (index into cat) */
	uint32_t table;          /* the entry of its table, UINT32_MAX: unknown */
};

#define DYN(type) struct { type *v; size_t n, cap; }

/* Which limit stopped a check (s->limits_hit), reported as DSB-E034. */
enum ese_limit {
	LIM_PAGES, LIM_CHILDREN, LIM_CATALOG, LIM_EXTENTS, LIM_ROOTS, LIM_DEPTH, LIM_MISPLACED,
	LIM_IRREGULAR,   /* exceptions of the page store (struct ese_pstore) */
	LIM_COUNT
};

/* A page whose checksum says "written for pgno `claimed`" (REF §2.5): what
 * its header says, to compare at finish with the page found at `claimed`.
 * Only the ECC half matching is no proof on a page of 8 KiB or less: a
 * byte inverted at a 4-aligned offset leaves it equal too. */
struct ese_misplaced {
	uint32_t pgno, claimed;
	uint32_t objid, prev, next, first_child;
	uint16_t kind;           /* PS_ROOT ... PS_LV of its flags */
	uint16_t nodes;          /* leaf: non-deleted nodes; internal: children */
	bool hdr_ok;
	bool new_format;         /* read with the XE checksum (else the old one) */
};

/* Entries of a page that were not understood (DSB-E035), by kind. */
enum ese_undecoded_kind {
	UD_EXTENT,        /* space-tree entry: key not a 4-byte pgno, or no usable count */
	UD_SPACE_HEADER,  /* an FDP root whose tag 0 is not a space header */
	UD_CATALOG_TYPE,  /* catalog entry of a type this reader does not know */
	UD_CATALOG_ORPHAN,/* column, index or LV entry of a table the catalog does not list */
	UD_COUNT
};
struct ese_undecoded {
	uint32_t pgno;
	uint32_t count;
	uint8_t kind;            /* enum ese_undecoded_kind */
};

struct dsb_ese_stream {
	struct dsb_findings *f;
	int input;
	struct dsb_loc base;
	char *member, *file;     /* owned copies of base's strings */

	enum { PH_HEADER, PH_PAGES, PH_STOPPED, PH_DONE } phase;
	bool oom;

	uint8_t *hbuf;           /* the first HDR_BUF bytes */
	size_t hlen;
	uint32_t cb;
	bool expect_trailer;

	uint8_t *part;           /* a page being assembled from small feeds */
	size_t part_len;
	uint8_t *hold;           /* the last complete page, held back: it may be the trailer */
	bool have_hold;
	uint32_t hold_pgno;
	uint32_t next_pgno;      /* pgno of the next complete page */

	struct ese_pstore pages;      /* one compact slot per page, index pgno - 1 */
	bool pages_limit;             /* stopped keeping summaries: no walk */
	DYN(uint32_t) children;
	DYN(struct ese_cat) cat;
	uint64_t cat_bad_records;
	uint32_t cat_bad_first_pgno;
	DYN(struct ese_ext) ext;
	DYN(struct ese_root) roots;
	bool kept_limit;              /* catalog, extent or root list full */
	struct dsb_ese_limits lim;    /* DSB_ESE_LIMITS_DEFAULT unless a test lowered them */
	unsigned limits_hit;          /* bit (1 << enum ese_limit) */
	uint32_t limit_pgno[LIM_COUNT];   /* the page being read when each was hit (0: at finish) */
	char depth_tree[DSB_ESE_NAME_MAX * 4 + 64];   /* LIM_DEPTH: the first tree cut */
	DYN(struct ese_misplaced) misp;
	DYN(struct ese_undecoded) undec;
	uint64_t undec_unlisted[UD_COUNT];   /* past DSB_ESE_MAX_UNDECODED pages: counted only */

	struct fuzzy_agg fz[FZ_COUNT];

	DYN(struct dsb_ese_table_summary) tables;
	struct dsb_ese_summary sum;

	/* Which tree owns a page is known only once the catalog is read, at
	 * finish: page findings without a table wait in `early` until then
	 * (verify/ese/ese_tables.c). */
	struct dsb_findings *early;
	DYN(struct ese_owner) owners;   /* by objid, built at finish */
	bool owners_done;
};

/* ---- shared helpers ----------------------------------------------------- */

/* A limit stopped a check at page pgno (0: during the walk at finish). */
void ese_limit_hit(struct dsb_ese_stream *s, enum ese_limit which, uint32_t pgno);
/* One entry of page pgno was not understood (counted for DSB-E035). */
void ese_undecoded(struct dsb_ese_stream *s, enum ese_undecoded_kind kind, uint32_t pgno);
/* The same for n entries at once (a run of columns). */
void ese_undecoded_n(struct dsb_ese_stream *s, enum ese_undecoded_kind kind, uint32_t pgno,
		     uint32_t n);
/* ese_diag.c: keep a "written for another pgno" page for the check at
 * finish (page: its bytes; claimed: the pgno its checksum names). */
void ese_misplaced_keep(struct dsb_ese_stream *s, const uint8_t *page, uint32_t pgno,
			uint32_t claimed);
/* ese_diag.c, at finish before the walk: a page of 8 KiB or less is taken
 * as written for another pgno only if the page at that pgno corroborates
 * it; otherwise it is damage (E013, or E014 for one bit of the stored
 * checksum). */
void ese_misplaced_confirm(struct dsb_ese_stream *s);
/* ese_diag.c, at finish: DSB-E034 and DSB-E035. */
void ese_report_limits(struct dsb_ese_stream *s);
void ese_report_undecoded(struct dsb_ese_stream *s);

/* Add a finding at `page` (or -1) and byte `offset` in the file (or -1). */
void ese_add(struct dsb_ese_stream *s, enum dsb_rule rule, int64_t page, int64_t offset,
	     const char *table, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void ese_vadd(struct dsb_ese_stream *s, enum dsb_rule rule, int64_t page, int64_t offset,
	      const char *table, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

/* Make room for element n of an array with capacity *cap: returns the
 * array to use (grown, or v unchanged with *cap unchanged when `limit` is
 * reached or memory runs out, which also sets s->oom). */
void *ese_grow(struct dsb_ese_stream *s, void *v, size_t *cap, size_t n, size_t elem,
	       size_t limit);
/* True when arr has room for one more element. */
#define ESE_PUSH(s, arr, limit) \
	((arr).n < (arr).cap || \
	 ((arr).v = ese_grow((s), (arr).v, &(arr).cap, (arr).n, sizeof(*(arr).v), (limit)), \
	  (arr).n < (arr).cap))

static inline int64_t page_offset(const struct dsb_ese_stream *s, uint32_t pgno)
{
	return ((int64_t)pgno + 1) * (int64_t)s->cb;
}

/* Count a fuzzy-copy difference (first one described). */
void ese_fuzzy(struct dsb_ese_stream *s, enum fuzzy_kind k, int64_t page, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Printable copy of a catalog name: bytes outside [ -~] and '\\' as \xHH. */
void ese_printable(const char *in, size_t len, char *out, size_t outsz);

/* ---- the page store (ese_pagestore.c) ------------------------------------ */

/* Page pgno's record; false (and *out zeroed) when no page pgno is kept. */
bool ese_pg_get(const struct dsb_ese_stream *s, uint32_t pgno, struct ese_page *out);
/* Write page pgno's record (a kept page).  `capped`: while pages are
 * being read, an exception past the store's cap is refused (false, with
 * s->oom unchanged); at finish it is always taken.  False with s->oom set
 * when memory ran out. */
bool ese_pg_put(struct dsb_ese_stream *s, uint32_t pgno, const struct ese_page *in, bool capped);
/* Page pgno's flags, to read and set bits in place (NULL: not kept). */
static inline uint16_t *ese_pg_flags(struct dsb_ese_stream *s, uint32_t pgno)
{
	return pgno >= 1 && pgno <= s->pages.n ? &s->pages.v[pgno - 1].flags : NULL;
}
/* Child k (< p->b) of an internal page's record p (PS_CHILDREN). */
static inline uint32_t ese_pg_child(const struct dsb_ese_stream *s, const struct ese_page *p,
				    uint32_t k)
{
	return (p->flags & PS_CHILD_RUN) ? p->a + k : s->children.v[p->a + k];
}
/* Bytes the store holds now (slots, dictionary, exceptions, children). */
size_t ese_pg_bytes(const struct dsb_ese_stream *s);
void ese_pg_free(struct dsb_ese_stream *s);

/* A catalog entry counts only if it came from a catalog leaf the
 * catalog walk reached intact. */
static inline bool ese_cat_trusted(const struct dsb_ese_stream *s, const struct ese_cat *c)
{
	struct ese_page ps;
	return ese_pg_get(s, c->src_pgno, &ps) && (ps.flags & PS_REF) &&
	       ps.objid == DSB_ESE_OBJID_CATALOG && page_state_of(&ps) == PG_VALID;
}

/* ese_tables.c: the tree a page belongs to, by name. */
/* "datatable", "datatable (index PDNT_index)", "datatable (long
 * values)": the name of the tree catalog entry c of table t (NULL: its
 * table is unknown, named by objid), escaped (ese_printable); `space`
 * adds that the page is in one of the tree's space trees. */
void ese_tree_label(const struct ese_cat *c, const struct ese_cat *t, uint32_t objid_table,
		    bool space, char *out, size_t n);
/* After the walk: build the objid map and merge the waiting findings
 * into s->f with their tables. */
void ese_owners_finish(struct dsb_ese_stream *s);
/* The name of the tree that owns page pgno (NULL: unknown): the page
 * header's objid for a page whose checksum verifies, the referencing
 * tree's for a damaged page a tree reaches. */
const char *ese_page_table(struct dsb_ese_stream *s, uint32_t pgno, char *out, size_t n);

/* ese_pages.c */
void ese_page_process(struct dsb_ese_stream *s, const uint8_t *page, uint32_t pgno);

/* ese_tree.c: everything that needs all pages. */
void ese_finish_trees(struct dsb_ese_stream *s);

#endif
