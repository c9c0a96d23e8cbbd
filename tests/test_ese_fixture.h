/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small ESE database built in code, for tests/test_ese*.c, with the page
 * primitives of the fixtures' generator (fixtures/lib/esegen.h).  Nothing
 * is copied from a real database: the layout follows REF §1-§2 and what
 * the verifier reads.  Every page the tests damage is built here, so each
 * test says exactly which bytes it changed.  (The generator's own
 * databases, of any size, are tested in tests/test_esegen.c.)
 *
 * Layout (pgno: objid, what):
 *   1: 1  database root (ROOT|LEAF), space header: multi-extent, OE = 2
 *   2: 1  owned extents of the root: pages 1..N
 *   3: 1  available extents of the root: the last 8 pages
 *   4: 2  catalog root (ROOT|LEAF): MSysObjects, t1, its columns, index ix
 *   5: 10 table t1 root (ROOT|PARENT_OF_LEAF): children 6 and 7
 *   6: 10 leaf, 3 records, next 7
 *   7: 10 leaf, 2 records, prev 6
 *  12: 11 index ix root (ROOT|LEAF|INDEX), 1 entry
 * Every other page is zero.  Header: clean shutdown, dbtime 1000.
 */
#ifndef DSB_TESTS_TEST_ESE_FIXTURE_H
#define DSB_TESTS_TEST_ESE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures/lib/esegen.h"
#include "format/ese.h"
#include "verify/ese/ese.h"

#define XDB_PAGES      32u
#define XDB_DBTIME     1000u
#define XDB_T1_OBJID   10u
#define XDB_IX_OBJID   11u
#define XDB_T1_FDP     5u
#define XDB_IX_FDP     12u

static inline void xput16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void xput32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void xput64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t xget16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t xget32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct xdb {
	uint8_t *buf;
	size_t len;          /* (npages + 2) * cb, plus a trailer page if any */
	uint32_t cb, npages;
};

static inline uint8_t *xdb_page(struct xdb *x, uint32_t pgno)
{
	return x->buf + ((size_t)pgno + 1) * x->cb;
}

/* The page primitives are the generator's (fixtures/lib/esegen.h); these
 * wrappers address a page of the test database by pgno. */
static inline void xpg_init(struct xdb *x, uint32_t pgno, uint32_t objid, uint32_t flags,
		     uint32_t prev, uint32_t next, uint64_t dbtime)
{
	dfx_ese_pg_init(xdb_page(x, pgno), x->cb, objid, flags, prev, next, dbtime);
}

/* Append a node (or tag 0's data) at the first free byte. */
static inline void xpg_add(struct xdb *x, uint32_t pgno, const void *data, size_t len, uint8_t nflags)
{
	(void)dfx_ese_pg_add(xdb_page(x, pgno), x->cb, data, len, nflags);
}

/* A node: u16 key length, key, data. */
static inline size_t xnode(uint8_t *out, const void *key, size_t klen, const void *data, size_t dlen)
{
	return dfx_ese_node(out, key, klen, data, dlen);
}

static inline void xpg_add_node(struct xdb *x, uint32_t pgno, const void *key, size_t klen,
			 const void *data, size_t dlen)
{
	(void)dfx_ese_pg_add_node(xdb_page(x, pgno), x->cb, key, klen, data, dlen);
}

static inline void xpg_add_child(struct xdb *x, uint32_t pgno, const void *key, size_t klen,
			  uint32_t child)
{
	(void)dfx_ese_pg_add_child(xdb_page(x, pgno), x->cb, key, klen, child);
}

static inline void xpg_space_header(struct xdb *x, uint32_t pgno, uint32_t cpg, uint32_t parent,
			     bool multi, uint32_t oe_or_bitmap)
{
	(void)dfx_ese_pg_space_header(xdb_page(x, pgno), x->cb, cpg, parent, multi, oe_or_bitmap);
}

static inline void xpg_extent(struct xdb *x, uint32_t pgno, uint32_t last, uint32_t cpg)
{
	(void)dfx_ese_pg_extent(xdb_page(x, pgno), x->cb, last, cpg);
}

/* An MSysObjects record: fixed columns 1-8, Name as variable column 128. */
static inline size_t xcat_record(uint8_t *r, uint32_t objid_table, uint16_t type, uint32_t id,
			  uint32_t pgno_fdp, const char *name)
{
	return dfx_ese_cat_record(r, objid_table, type, id, pgno_fdp, name);
}

static inline void xpg_add_cat(struct xdb *x, uint32_t pgno, uint32_t objid_table, uint16_t type,
			uint32_t id, uint32_t pgno_fdp, const char *name)
{
	(void)dfx_ese_pg_add_cat(xdb_page(x, pgno), x->cb, objid_table, type, id, pgno_fdp, name);
}

/* Header fields of the synthetic database, set by the tests before
 * xdb_finish writes both copies. */
struct xdb_hdr {
	uint32_t state;
	int32_t gen_min, gen_max, gen_committed;
	uint64_t dbtime;
	bool log_signature;
	bool backup_in_progress;   /* bkinfoFullCur = {mark, genLow 5, genHigh 0} */
};

static inline void xdb_write_header(struct xdb *x, const struct xdb_hdr *h)
{
	struct dfx_ese_hdr g = {
		.state = h->state, .gen_min = h->gen_min, .gen_max = h->gen_max,
		.gen_committed = h->gen_committed, .dbtime = h->dbtime,
		.sign_random = 0x5EED1234u, .log_signature = h->log_signature,
		.log_random = 0x10C51C00u, .backup_in_progress = h->backup_in_progress,
	};
	dfx_ese_header_write(x->buf, x->cb, &g);
	memcpy(x->buf + x->cb, x->buf, x->cb);
}

static const struct xdb_hdr XDB_CLEAN = {
	.state = DSB_ESE_STATE_CLEAN, .dbtime = XDB_DBTIME,
};

static const struct xdb_hdr XDB_DIRTY = {
	.state = DSB_ESE_STATE_DIRTY, .gen_min = 5, .gen_max = 7, .gen_committed = 7,
	.dbtime = XDB_DBTIME, .log_signature = true,
};

static const struct xdb_hdr XDB_STREAMED = {
	.state = DSB_ESE_STATE_DIRTY, .gen_min = 5, .gen_max = 7, .gen_committed = 7,
	.dbtime = XDB_DBTIME, .log_signature = true, .backup_in_progress = true,
};

/* Restamp every page that is not all zero (after a test edits one). */
static inline void xdb_stamp(struct xdb *x)
{
	for (uint32_t pg = 1; pg <= x->npages; pg++) {
		uint8_t *p = xdb_page(x, pg);
		bool zero = true;
		for (size_t i = 0; i < x->cb && zero; i++)
			zero = p[i] == 0;
		if (!zero)
			dsb_ese_page_stamp(p, x->cb, pg);
	}
}

/* Build the layout above (page stamps included) with a clean header. */
static inline void xdb_build(struct xdb *x, uint32_t cb)
{
	x->cb = cb;
	x->npages = XDB_PAGES;
	x->len = ((size_t)x->npages + 2) * cb;
	x->buf = calloc(1, x->len + cb);   /* room for a trailer page */
	const uint32_t L = DSB_ESE_PF_LEAF, R = DSB_ESE_PF_ROOT;

	xpg_init(x, 1, DSB_ESE_OBJID_ROOT, R | L, 0, 0, 10);
	xpg_space_header(x, 1, XDB_PAGES, 0, true, 2);
	uint8_t zero16[16] = { 0 };
	xpg_init(x, 2, DSB_ESE_OBJID_ROOT, R | L | DSB_ESE_PF_SPACE_TREE, 0, 0, 11);
	xpg_add(x, 2, zero16, sizeof(zero16), 0);
	xpg_extent(x, 2, XDB_PAGES, XDB_PAGES);
	xpg_init(x, 3, DSB_ESE_OBJID_ROOT, R | L | DSB_ESE_PF_SPACE_TREE, 0, 0, 12);
	xpg_add(x, 3, zero16, sizeof(zero16), 0);
	xpg_extent(x, 3, XDB_PAGES, 8);

	xpg_init(x, 4, DSB_ESE_OBJID_CATALOG, R | L, 0, 0, 20);
	xpg_space_header(x, 4, 1, 1, false, 0);
	xpg_add_cat(x, 4, 2, DSB_ESE_SYSOBJ_TABLE, 2, 4, "MSysObjects");
	xpg_add_cat(x, 4, 2, DSB_ESE_SYSOBJ_COLUMN, 1, 4, "ObjidTable");
	xpg_add_cat(x, 4, 2, DSB_ESE_SYSOBJ_COLUMN, 2, 3, "Type");
	xpg_add_cat(x, 4, 2, DSB_ESE_SYSOBJ_INDEX, 2, 4, "Id");
	xpg_add_cat(x, 4, XDB_T1_OBJID, DSB_ESE_SYSOBJ_TABLE, XDB_T1_OBJID, XDB_T1_FDP, "t1");
	xpg_add_cat(x, 4, XDB_T1_OBJID, DSB_ESE_SYSOBJ_COLUMN, 1, 4, "id");
	xpg_add_cat(x, 4, XDB_T1_OBJID, DSB_ESE_SYSOBJ_COLUMN, 2, 10, "name");
	xpg_add_cat(x, 4, XDB_T1_OBJID, DSB_ESE_SYSOBJ_INDEX, XDB_T1_OBJID, XDB_T1_FDP, "primary");
	xpg_add_cat(x, 4, XDB_T1_OBJID, DSB_ESE_SYSOBJ_INDEX, XDB_IX_OBJID, XDB_IX_FDP, "ix");

	xpg_init(x, 5, XDB_T1_OBJID, R | DSB_ESE_PF_PARENT_OF_LEAF, 0, 0, 30);
	xpg_space_header(x, 5, 8, 1, false, 0);
	xpg_add_child(x, 5, "k4", 2, 6);
	xpg_add_child(x, 5, "", 0, 7);

	xpg_init(x, 6, XDB_T1_OBJID, L, 0, 7, 31);
	xpg_add(x, 6, "", 0, 0);   /* tag 0: no common key prefix */
	xpg_add_node(x, 6, "k1", 2, "record one", 10);
	xpg_add_node(x, 6, "k2", 2, "record two", 10);
	xpg_add_node(x, 6, "k3", 2, "record three", 12);
	xpg_init(x, 7, XDB_T1_OBJID, L, 6, 0, 32);
	xpg_add(x, 7, "", 0, 0);
	xpg_add_node(x, 7, "k5", 2, "record five", 11);
	xpg_add_node(x, 7, "k6", 2, "record six", 10);

	xpg_init(x, 12, XDB_IX_OBJID, R | L | DSB_ESE_PF_INDEX, 0, 0, 40);
	xpg_space_header(x, 12, 1, XDB_T1_FDP, false, 0);
	xpg_add_node(x, 12, "n1", 2, "k1", 2);

	xdb_stamp(x);
	xdb_write_header(x, &XDB_CLEAN);
}

static inline void xdb_free(struct xdb *x)
{
	free(x->buf);
	x->buf = NULL;
}

/* Append the streaming-backup trailer (REF §3.10) matching the header. */
static inline void xdb_add_trailer(struct xdb *x, uint32_t gen_high)
{
	dfx_ese_trailer_write(x->buf + x->len, x->cb, x->buf, gen_high);
	x->len += x->cb;
}

/* ---- running the verifier --------------------------------------------- */

struct xrun {
	struct dsb_findings *f;
	struct dsb_ese_stream *s;
	const struct dsb_ese_summary *sum;
	const struct dsb_finding *v;
	size_t n;
};

/* Feed buf in chunks of `chunk` bytes (0: all at once). */
/* Verify buf in chunks of `chunk` bytes (0: whole) with the verifier's
 * limits lowered to `lim` (NULL: the defaults). */
static inline void xrun_buf_lim(struct xrun *r, const uint8_t *buf, size_t len, size_t chunk,
				const char *file, const struct dsb_ese_limits *lim)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = "data/db.edb";
	loc.line = 7;
	loc.file = file;
	r->f = dsb_findings_new();
	r->s = dsb_ese_stream_new(r->f, 0, &loc);
	if (lim)
		dsb_ese_stream_set_limits(r->s, lim);
	if (!chunk)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len; off += chunk)
		dsb_ese_stream_feed(r->s, buf + off, len - off < chunk ? len - off : chunk);
	dsb_ese_stream_finish(r->s, true);
	r->sum = dsb_ese_stream_summary(r->s);
	r->v = dsb_findings_sorted(r->f, &r->n);
}

static inline void xrun_buf(struct xrun *r, const uint8_t *buf, size_t len, size_t chunk,
			    const char *file)
{
	xrun_buf_lim(r, buf, len, chunk, file, NULL);
}

/* Page 3, the root's available-space tree, rebuilt with the one extent
 * the built database frees, plus one more node (key, data) when key is
 * not NULL: a way to put space-tree entries of any shape in a valid page. */
static inline void xdb_avail_with(struct xdb *x, const void *key, size_t klen,
				  const void *data, size_t dlen)
{
	const uint32_t L = DSB_ESE_PF_LEAF, R = DSB_ESE_PF_ROOT;
	uint8_t zero16[16] = { 0 };
	memset(xdb_page(x, 3), 0, x->cb);
	xpg_init(x, 3, DSB_ESE_OBJID_ROOT, R | L | DSB_ESE_PF_SPACE_TREE, 0, 0, 12);
	xpg_add(x, 3, zero16, sizeof(zero16), 0);
	xpg_extent(x, 3, XDB_PAGES, 8);
	if (key)
		xpg_add_node(x, 3, key, klen, data, dlen);
	xdb_stamp(x);
}

static inline void xrun_free(struct xrun *r)
{
	dsb_ese_stream_free(r->s);
	dsb_findings_free(r->f);
	memset(r, 0, sizeof(*r));
}

static inline size_t xcount(const struct xrun *r, enum dsb_rule rule)
{
	size_t c = 0;
	for (size_t i = 0; i < r->n; i++)
		c += r->v[i].rule == rule;
	return c;
}

static inline size_t xcount_sev(const struct xrun *r, enum dsb_severity sev)
{
	size_t c = 0;
	for (size_t i = 0; i < r->n; i++)
		c += r->v[i].severity == sev;
	return c;
}

static const struct dsb_finding *xfind(const struct xrun *r, enum dsb_rule rule)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].rule == rule)
			return &r->v[i];
	return NULL;
}

/* Print the findings of a run (shown by CUnit's verbose output when a
 * test fails, so a failure says what was found). */
static inline void xdump(const struct xrun *r, const char *what)
{
	if (!r->n)
		return;
	fprintf(stderr, "\n  [%s] %zu finding(s):\n", what, r->n);
	for (size_t i = 0; i < r->n; i++)
		fprintf(stderr, "    %s %s page %lld offset %lld: %s\n",
			dsb_rule_info(r->v[i].rule)->id, dsb_severity_name(r->v[i].severity),
			(long long)r->v[i].page, (long long)r->v[i].offset, r->v[i].message);
}

/* Write buf to a new temporary file under /tmp; returns its fd (open,
 * positioned at 0) and the path in `path`, or -1. */
static inline int xtemp(const uint8_t *buf, size_t len, char path[64])
{
	snprintf(path, 64, "/tmp/dsb-ese-test-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);
		if (w <= 0) {
			close(fd);
			unlink(path);
			return -1;
		}
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

#endif
