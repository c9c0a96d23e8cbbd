/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Right ESE diagnoses (issue 6 §1.1-§1.3, §2.1, §2.2): each regression the
 * issue reported, on databases built in code (tests/test_ese_fixture.h, the
 * generator fixtures/lib/esegen.h) and, in sample_suites, on the real
 * samples (tests/cunit_main.h: read in place, damaged only in memory).
 * Those run as the ctest test test_ese_diag_samples (`--samples`), which
 * ctest lists as skipped when the samples are absent; the built-database
 * suites never stand in for them.
 *
 * - a flipped bit in a page in free space is an error that locates the byte
 *   and the bit and says "free space" (not E028 info);
 * - a byte inverted at a 4-aligned offset is E013, never E015 (the ECC half
 *   of the checksum does not see it, and it moves the XOR half by 0xFF as a
 *   page written for pgno ^ 0xFF would); a true misplaced copy stays E015;
 * - a page-size field of 0 or another wrong size, with the copies laid out
 *   for the real size, is one E005 and every page verifies;
 * - a limit that stops a check is E034 and the input incomplete;
 * - entries not understood are counted in E035.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "tests/test_ese_fixture.h"
#include "tests/cunit_main.h"

/* ---- helpers ------------------------------------------------------------------ */

/* Run the verifier over buf with limits (NULL: the defaults). */
static void run_lim(struct xrun *r, const uint8_t *buf, size_t len,
		    const struct dsb_ese_limits *lim)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = "data/db.edb";
	loc.line = 7;
	r->f = dsb_findings_new();
	r->s = dsb_ese_stream_new(r->f, 0, &loc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->s);
	dsb_ese_stream_set_limits(r->s, lim);
	CU_ASSERT_TRUE(dsb_ese_stream_feed(r->s, buf, len));
	dsb_ese_stream_finish(r->s, true);
	r->sum = dsb_ese_stream_summary(r->s);
	r->v = dsb_findings_sorted(r->f, &r->n);
}

static void run(struct xrun *r, const uint8_t *buf, size_t len)
{
	run_lim(r, buf, len, NULL);
}

static uint8_t *page_of(uint8_t *buf, uint32_t cb, uint32_t pgno)
{
	return buf + ((size_t)pgno + 1) * cb;
}

static bool page_zero(const uint8_t *p, uint32_t cb)
{
	for (uint32_t i = 0; i < cb; i++)
		if (p[i])
			return false;
	return true;
}

/* A generated database (fixtures/lib/esegen.h) in memory. */
static uint8_t *gen_db(uint32_t cb, uint64_t pages, size_t *len)
{
	char err[256];
	struct dfx_ese_opts o = { .page_size = cb, .pages = pages, .seed = 7 };
	struct dfx_ese *g = dfx_ese_new(&o, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	*len = (size_t)dfx_ese_size(g);
	uint8_t *buf = malloc(*len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	dfx_ese_fill(g, 0, buf, *len);
	dfx_ese_free(g);
	return buf;
}

static size_t count_rule_page(const struct xrun *r, enum dsb_rule rule, int64_t page)
{
	size_t c = 0;
	for (size_t i = 0; i < r->n; i++)
		c += r->v[i].rule == rule && r->v[i].page == page;
	return c;
}

/* ---- §1.1: a flipped bit in free space ------------------------------------------ */

/* Page 28 of the built database lies in free space (the available extents
 * are pages 25-32) and no tree references it: make it hold a valid page,
 * as a freed page of a real database does. */
static void put_free_page(struct xdb *x, uint32_t pgno, bool old_format)
{
	uint8_t *p = xdb_page(x, pgno);
	xpg_init(x, pgno, XDB_T1_OBJID, DSB_ESE_PF_LEAF, 0, 0, 33);
	xpg_add(x, pgno, "", 0, 0);
	xpg_add_node(x, pgno, "k9", 2, "a freed record", 14);
	if (old_format) {
		uint32_t f = xget32(p + DSB_ESE_PG_FLAGS_OFF) & ~DSB_ESE_PF_NEW_CHECKSUM;
		xput32(p + DSB_ESE_PG_FLAGS_OFF, f);
	}
	dsb_ese_page_stamp(p, x->cb, pgno);
}

static void regression_bitflip_in_free_page_located(void)
{
	static const uint32_t sizes[] = { 4096, 8192, 16384, 32768 };
	for (size_t k = 0; k < 4; k++) {
		uint32_t cb = sizes[k];
		struct xdb x;
		struct xrun r;
		xdb_build(&x, cb);
		put_free_page(&x, 28, false);
		/* The twin: the intact freed page is no finding at all. */
		run(&r, x.buf, x.len);
		CU_ASSERT_EQUAL(r.n, 0);
		CU_ASSERT_EQUAL(r.sum->pages_free, 1);   /* zero pages are not counted */
		xrun_free(&r);

		/* Bits in the node data, the page header, the tag array and
		 * the stored checksum: each located, each an error. */
		const uint32_t bytes[] = { cb / 2 + 3, 24, cb - 2, 6 };
		for (size_t b = 0; b < sizeof(bytes) / sizeof(bytes[0]); b++) {
			uint32_t byte = bytes[b], bit = (uint32_t)(b * 3 + 1) % 8;
			xdb_page(&x, 28)[byte] ^= (uint8_t)(1u << bit);
			run(&r, x.buf, x.len);
			const struct dsb_finding *f = xfind(&r, DSB_E014);
			if (!f || r.n != 1)
				xdump(&r, "bit in free space");
			CU_ASSERT_EQUAL(r.n, 1);
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			CU_ASSERT_EQUAL(f->severity, DSB_SEV_ERROR);
			CU_ASSERT_EQUAL(f->page, 28);
			CU_ASSERT_EQUAL(f->offset, (int64_t)29 * cb + byte);
			CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "free space"));
			char want[64];
			snprintf(want, sizeof(want), "byte %u bit %u", byte, bit);
			CU_ASSERT_PTR_NOT_NULL(strstr(f->message, want));
			CU_ASSERT_EQUAL(xcount(&r, DSB_E028), 0);
			CU_ASSERT_EQUAL(r.sum->pages_bitflip, 1);
			xrun_free(&r);
			xdb_page(&x, 28)[byte] ^= (uint8_t)(1u << bit);
		}
		xdb_free(&x);
	}
}

/* The old checksum format cannot locate a data bit: a flipped data bit of
 * an old-format page in free space stays what it was (E028, info), and
 * garbage in free space too; the located bit is the error. */
static void regression_free_space_damage_shapes(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 8192);
	put_free_page(&x, 28, true);
	run(&r, x.buf, x.len);
	CU_ASSERT_EQUAL(r.n, 0);
	xrun_free(&r);
	xdb_page(&x, 28)[3000] ^= 0x20;
	run(&r, x.buf, x.len);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E028), 1);
	xrun_free(&r);

	/* Garbage (not a page at all) in free space: E028, info. */
	for (uint32_t i = 0; i < 8192; i++)
		xdb_page(&x, 28)[i] = (uint8_t)(i * 7 + 1);
	run(&r, x.buf, x.len);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E028), 1);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 0);
	xrun_free(&r);

	/* A copy of referenced leaf 7 written into free page 28: E015 (page
	 * 7 corroborates it), an error, in free space. */
	memcpy(xdb_page(&x, 28), xdb_page(&x, 7), 8192);
	run(&r, x.buf, x.len);
	const struct dsb_finding *f = xfind(&r, DSB_E015);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->page, 28);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "written for page 7"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "free space"));
	xrun_free(&r);
	xdb_free(&x);
}

/* Past the owned space: the root owns pages 1-28, frees 21-24; page 30
 * holds a valid page with one bit flipped.  The twin is the same page
 * intact: an orphan past the owned space (E029, info). */
static void regression_bitflip_past_owned_space_located(void)
{
	struct xdb x;
	struct xrun r;
	const uint32_t L = DSB_ESE_PF_LEAF, R = DSB_ESE_PF_ROOT;
	uint8_t zero16[16] = { 0 };
	xdb_build(&x, 8192);
	memset(xdb_page(&x, 2), 0, 8192);
	xpg_init(&x, 2, DSB_ESE_OBJID_ROOT, R | L | DSB_ESE_PF_SPACE_TREE, 0, 0, 11);
	xpg_add(&x, 2, zero16, sizeof(zero16), 0);
	xpg_extent(&x, 2, 28, 28);
	memset(xdb_page(&x, 3), 0, 8192);
	xpg_init(&x, 3, DSB_ESE_OBJID_ROOT, R | L | DSB_ESE_PF_SPACE_TREE, 0, 0, 12);
	xpg_add(&x, 3, zero16, sizeof(zero16), 0);
	xpg_extent(&x, 3, 24, 4);
	put_free_page(&x, 30, false);
	xdb_stamp(&x);
	run(&r, x.buf, x.len);
	if (r.n != 1 || !xfind(&r, DSB_E029))
		xdump(&r, "past owned, intact");
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E029), 1);
	CU_ASSERT_EQUAL(r.sum->last_owned_pgno, 28);
	xrun_free(&r);
	xdb_page(&x, 30)[5000] ^= 0x80;
	run(&r, x.buf, x.len);
	const struct dsb_finding *f = xfind(&r, DSB_E014);
	if (r.n != 1 || !f)
		xdump(&r, "past owned, bit");
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->severity, DSB_SEV_ERROR);
	CU_ASSERT_EQUAL(f->offset, (int64_t)31 * 8192 + 5000);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "byte 5000 bit 7"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "past the space the database owns"));
	xrun_free(&r);
	xdb_free(&x);
}

/* Current.mdb keeps valid freed pages in its free space: a bit flipped in
 * them is located, an error, in free space. */
static void regression_bitflip_in_free_page_sample(void)
{
	size_t len;
	uint8_t *buf = dsb_sample_load("dissect.esedb/Current.mdb", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	const uint32_t cb = 4096;
	uint32_t npages = (uint32_t)(len / cb) - 2;
	unsigned found = 0, tried = 0;
	for (uint32_t p = 1; p <= npages && found < 5 && tried < 400; p++) {
		uint8_t *pg = page_of(buf, cb, p);
		struct dsb_ese_page_check ck;
		dsb_ese_page_verify(pg, cb, p, &ck);
		if (ck.status != DSB_ESE_PAGE_OK)
			continue;
		tried++;
		uint32_t byte = 1000 + 37 * (p % 50), bit = p % 8;
		pg[byte] ^= (uint8_t)(1u << bit);
		struct xrun r;
		run(&r, buf, len);
		/* Every valid page gets its located bit, wherever it lies (a
		 * referenced catalog page adds E031: its tree lost a page). */
		const struct dsb_finding *f = xfind(&r, DSB_E014);
		CU_ASSERT_PTR_NOT_NULL(f);
		if (f && strstr(f->message, "free space")) {
			found++;
			CU_ASSERT_EQUAL(r.n, 1);
			CU_ASSERT_EQUAL(f->severity, DSB_SEV_ERROR);
			CU_ASSERT_EQUAL(f->offset, ((int64_t)p + 1) * cb + byte);
			CU_ASSERT_EQUAL(xcount(&r, DSB_E028), 0);
		}
		xrun_free(&r);
		pg[byte] ^= (uint8_t)(1u << bit);
	}
	CU_ASSERT_EQUAL(found, 5);
	free(buf);
}

/* ---- §1.2: a byte inverted is not a misplaced page ------------------------------- */

/* Invert one byte at each of many 4-aligned offsets of page p; every time
 * exactly one error, E013 at p, and no E015. */
static void invert_offsets(uint8_t *buf, size_t len, uint32_t cb, uint32_t p, const char *what)
{
	uint32_t offs[24];
	size_t n = 0;
	/* The stored checksum, the page header fields, data, the tag array. */
	static const uint32_t fixed[] = { 0, 4, 8, 16, 20, 24, 28, 32, 36, 40, 64 };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		offs[n++] = fixed[i];
	for (uint32_t k = 1; k <= 12; k++)
		offs[n++] = (cb / 13 * k) & ~3u;
	offs[n++] = cb - 4;
	_Static_assert(sizeof(offs) / sizeof(offs[0]) == 11 + 12 + 1, "every offset tried fits");
	uint8_t *pg = page_of(buf, cb, p);
	for (size_t i = 0; i < n; i++) {
		pg[offs[i]] ^= 0xFF;
		struct xrun r;
		run(&r, buf, len);
		if (xcount(&r, DSB_E015) || count_rule_page(&r, DSB_E013, p) != 1 ||
		    xcount_sev(&r, DSB_SEV_ERROR) != 1) {
			fprintf(stderr, "\n  %s: %u-byte page %u, byte %u inverted", what, cb, p, offs[i]);
			xdump(&r, "inverted byte");
		}
		CU_ASSERT_EQUAL(xcount(&r, DSB_E015), 0);
		CU_ASSERT_EQUAL(count_rule_page(&r, DSB_E013, p), 1);
		CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 1);
		CU_ASSERT_EQUAL(r.sum->pages_misplaced, 0);
		xrun_free(&r);
		pg[offs[i]] ^= 0xFF;
	}
}

/* Pages p of the image whose pgno ^ 0xFF is an intact page of the file too:
 * exactly where the old diagnosis said "written for page p ^ 0xFF". */
static size_t pick_pages(uint8_t *buf, size_t len, uint32_t cb, uint32_t *out, size_t max)
{
	uint32_t npages = (uint32_t)(len / cb) - 2;
	size_t n = 0;
	uint32_t step = npages / (uint32_t)max ? npages / (uint32_t)max : 1;
	for (uint32_t p = 1; p <= npages && n < max; p += step) {
		for (uint32_t q = p; q < p + step && q <= npages; q++) {
			uint32_t other = q ^ 0xFFu;
			if (other < 1 || other > npages || page_zero(page_of(buf, cb, q), cb) ||
			    page_zero(page_of(buf, cb, other), cb))
				continue;
			struct dsb_ese_page_check ck;
			dsb_ese_page_verify(page_of(buf, cb, q), cb, q, &ck);
			if (ck.status != DSB_ESE_PAGE_OK)
				continue;
			/* Not the database root's or the catalog's pages: losing
			 * one of those is E031 or E030 as well as its E013. */
			uint32_t objid = xget32(page_of(buf, cb, q) + DSB_ESE_PG_OBJID_OFF);
			if (objid <= DSB_ESE_OBJID_CATALOG)
				continue;
			out[n++] = q;
			break;
		}
	}
	return n;
}

static void regression_inverted_byte_not_misplaced(void)
{
	static const uint32_t sizes[] = { 4096, 8192, 16384, 32768 };
	for (size_t k = 0; k < 4; k++) {
		uint32_t cb = sizes[k];
		size_t len;
		uint8_t *buf = gen_db(cb, 600, &len);
		struct xrun r;
		run(&r, buf, len);
		CU_ASSERT_EQUAL(r.n, 0);   /* the twin: the intact database */
		xrun_free(&r);
		uint32_t pages[4];
		size_t n = pick_pages(buf, len, cb, pages, 4);
		CU_ASSERT_TRUE(n >= 3);
		for (size_t i = 0; i < n; i++)
			invert_offsets(buf, len, cb, pages[i], "generated");
		free(buf);
	}
}

/* A true misplaced copy (a page written over another slot) is still E015,
 * at every page size, in a database where every pgno ^ 0xFF exists. */
static void regression_true_misplaced_copy_still_e015(void)
{
	static const uint32_t sizes[] = { 4096, 8192, 16384, 32768 };
	for (size_t k = 0; k < 4; k++) {
		uint32_t cb = sizes[k];
		size_t len;
		uint8_t *buf = gen_db(cb, 600, &len);
		uint32_t pages[4];
		size_t n = pick_pages(buf, len, cb, pages, 4);
		CU_ASSERT_TRUE_FATAL(n >= 2);
		uint32_t from = pages[0], to = pages[n - 1];
		uint8_t *save = malloc(cb);
		memcpy(save, page_of(buf, cb, to), cb);
		memcpy(page_of(buf, cb, to), page_of(buf, cb, from), cb);
		struct xrun r;
		run(&r, buf, len);
		const struct dsb_finding *f = xfind(&r, DSB_E015);
		if (!f)
			xdump(&r, "misplaced copy");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_EQUAL(f->page, to);
		char want[64];
		snprintf(want, sizeof(want), "written for page %u", from);
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, want));
		CU_ASSERT_EQUAL(r.sum->pages_misplaced, 1);
		CU_ASSERT_EQUAL(xcount(&r, DSB_E013), 0);
		xrun_free(&r);
		memcpy(page_of(buf, cb, to), save, cb);
		free(save);
		free(buf);
	}
}

/* The same on the real samples: ntds.dit (8 KiB, 1536 pages) and
 * large.edb (32 KiB). */
static void regression_inverted_byte_not_misplaced_samples(void)
{
	static const struct { const char *path; uint32_t cb; } sm[] = {
		{ "DSInternals/Initial/ntds.dit", 8192 },
		{ "dissect.esedb/large.edb", 32768 },
		{ "dissect.esedb/Current.mdb", 4096 },
	};
	for (size_t k = 0; k < sizeof(sm) / sizeof(sm[0]); k++) {
		size_t len;
		uint8_t *buf = dsb_sample_load(sm[k].path, &len);
		CU_ASSERT_PTR_NOT_NULL(buf);
		if (!buf)
			continue;
		uint32_t pages[3];
		size_t n = pick_pages(buf, len, sm[k].cb, pages, 3);
		for (size_t i = 0; i < n; i++)
			invert_offsets(buf, len, sm[k].cb, pages[i], sm[k].path);
		/* And a true copy of one page over another: E015. */
		if (n >= 2) {
			uint32_t cb = sm[k].cb, from = pages[0], to = pages[n - 1];
			uint8_t *save = malloc(cb);
			memcpy(save, page_of(buf, cb, to), cb);
			memcpy(page_of(buf, cb, to), page_of(buf, cb, from), cb);
			struct xrun r;
			run(&r, buf, len);
			const struct dsb_finding *f = xfind(&r, DSB_E015);
			CU_ASSERT_PTR_NOT_NULL(f);
			if (f)
				CU_ASSERT_EQUAL(f->page, to);
			xrun_free(&r);
			memcpy(page_of(buf, cb, to), save, cb);
			free(save);
		}
		free(buf);
	}
}

/* One bit of the stored XOR half flipped reads as "written for pgno ^ 1"
 * too; with nothing at pgno ^ 1 to corroborate that, it is a located bit
 * of the stored checksum (E014), not E015. */
static void regression_checksum_bit_not_misplaced(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 8192);
	xdb_page(&x, 6)[0] ^= 0x01;   /* page 6 ^ 1 = 7: a leaf of the same tree */
	run(&r, x.buf, x.len);
	const struct dsb_finding *f = xfind(&r, DSB_E014);
	if (!f || r.n != 1)
		xdump(&r, "stored checksum bit");
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->page, 6);
	CU_ASSERT_EQUAL(f->offset, 7 * 8192);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "stored checksum"));
	CU_ASSERT_EQUAL(r.sum->pages_misplaced, 0);
	xrun_free(&r);
	xdb_free(&x);
}

/* ---- §1.3: the page-size field ---------------------------------------------------- */

static void set_page_size_field(uint8_t *buf, uint32_t cb, uint32_t field)
{
	for (int copy = 0; copy < 2; copy++) {
		uint8_t *h = buf + (size_t)copy * cb;
		xput32(h + DSB_ESE_HDR_PAGE_SIZE_OFF, field);
		dsb_ese_header_stamp(h, cb);
	}
}

static void check_field(uint8_t *buf, size_t len, uint32_t cb, uint32_t field, const char *what)
{
	struct xrun r;
	set_page_size_field(buf, cb, field);
	run(&r, buf, len);
	const struct dsb_finding *f = xfind(&r, DSB_E005);
	if (r.n != 1 || !f) {
		fprintf(stderr, "\n  %s: %u-byte pages, field %u", what, cb, field);
		xdump(&r, "page-size field");
	}
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_PTR_NOT_NULL(f);
	if (f) {
		CU_ASSERT_EQUAL(f->offset, DSB_ESE_HDR_PAGE_SIZE_OFF);
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "page-size field"));
	}
	CU_ASSERT_EQUAL(r.sum->page_size, cb);
	CU_ASSERT_EQUAL(r.sum->pages_bad, 0);
	CU_ASSERT_TRUE(r.sum->header_ok);
	CU_ASSERT_TRUE(r.sum->copies_identical);
	CU_ASSERT_TRUE(r.sum->tree_walk_done);
	xrun_free(&r);
	set_page_size_field(buf, cb, cb);
}

static void regression_page_size_field_zero(void)
{
	static const uint32_t sizes[] = { 8192, 16384, 32768 };
	for (size_t k = 0; k < 3; k++) {
		uint32_t cb = sizes[k];
		struct xdb x;
		struct xrun r;
		xdb_build(&x, cb);
		run(&r, x.buf, x.len);
		CU_ASSERT_EQUAL(r.n, 0);   /* the twin: the field says cb */
		xrun_free(&r);
		check_field(x.buf, x.len, cb, 0, "built");
		check_field(x.buf, x.len, cb, 4096, "built");
		check_field(x.buf, x.len, cb, 2048, "built");
		check_field(x.buf, x.len, cb, cb == 32768 ? 16384 : 32768, "built");
		check_field(x.buf, x.len, cb, 12345, "built");
		xdb_free(&x);
	}
}

/* A 4 KiB database whose field says 8192: the copies are 4096 apart. */
static void regression_page_size_field_wrong_4k(void)
{
	struct xdb x;
	xdb_build(&x, 4096);
	check_field(x.buf, x.len, 4096, 8192, "built");
	check_field(x.buf, x.len, 4096, 32768, "built");
	xdb_free(&x);
}

/* The field wrong and one copy damaged too: the layout still decides, and
 * the two problems are two findings (E003, E005), no page error. */
static void regression_page_size_field_and_damaged_copy(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 8192);
	set_page_size_field(x.buf, 8192, 0);
	x.buf[8192 + 300] ^= 0x40;   /* the shadow's checksum fails */
	run(&r, x.buf, x.len);
	if (r.n != 2)
		xdump(&r, "field and shadow");
	CU_ASSERT_EQUAL(r.n, 2);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E003), 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E005), 1);
	CU_ASSERT_EQUAL(r.sum->page_size, 8192);
	CU_ASSERT_EQUAL(r.sum->pages_bad, 0);
	xrun_free(&r);
	/* Only the primary's field wrong: the primary is the damaged copy
	 * (E003), the shadow is used, one finding. */
	x.buf[8192 + 300] ^= 0x40;
	set_page_size_field(x.buf, 8192, 8192);
	xput32(x.buf + DSB_ESE_HDR_PAGE_SIZE_OFF, 0);
	dsb_ese_header_stamp(x.buf, 8192);
	run(&r, x.buf, x.len);
	if (r.n != 1)
		xdump(&r, "primary field");
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E003), 1);
	CU_ASSERT_FALSE(r.sum->primary_ok);
	CU_ASSERT_TRUE(r.sum->shadow_ok);
	CU_ASSERT_EQUAL(r.sum->page_size, 8192);
	CU_ASSERT_EQUAL(r.sum->pages_bad, 0);
	xrun_free(&r);
	xdb_free(&x);
}

static void regression_page_size_field_samples(void)
{
	static const struct { const char *path; uint32_t cb; } sm[] = {
		{ "DSInternals/Initial/ntds.dit", 8192 },
		{ "dissect.esedb/large.edb", 32768 },
	};
	for (size_t k = 0; k < 2; k++) {
		size_t len;
		uint8_t *buf = dsb_sample_load(sm[k].path, &len);
		CU_ASSERT_PTR_NOT_NULL(buf);
		if (!buf)
			continue;
		check_field(buf, len, sm[k].cb, 0, sm[k].path);
		check_field(buf, len, sm[k].cb, 4096, sm[k].path);
		free(buf);
	}
}

/* ---- §2.1: a limit is a finding ----------------------------------------------------- */

static void check_limit(const char *name, struct dsb_ese_limits lo, struct dsb_ese_limits ok)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	run_lim(&r, x.buf, x.len, &lo);
	const struct dsb_finding *f = xfind(&r, DSB_E034);
	if (!f || xcount(&r, DSB_E034) != 1)
		xdump(&r, name);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E034), 1);
	CU_ASSERT_PTR_NOT_NULL(f);
	if (f) {
		CU_ASSERT_EQUAL(f->severity, DSB_SEV_ERROR);
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, name));
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "not checked"));
	}
	CU_ASSERT_TRUE(r.sum->checks_incomplete);
	CU_ASSERT_TRUE(dsb_ese_summary_incomplete(r.sum));
	xrun_free(&r);
	/* The twin: limits that just fit. */
	run_lim(&r, x.buf, x.len, &ok);
	if (r.n)
		xdump(&r, name);
	CU_ASSERT_EQUAL(r.n, 0);
	CU_ASSERT_FALSE(r.sum->checks_incomplete);
	CU_ASSERT_FALSE(dsb_ese_summary_incomplete(r.sum));
	CU_ASSERT_TRUE(r.sum->tree_walk_done);
	xrun_free(&r);
	xdb_free(&x);
}

static void regression_limit_reached_is_e034(void)
{
	/* The built database: 32 pages, 2 child pointers (page 5), 4 FDP
	 * roots (1, 4, 5, 12), 2 extents, catalog entries in 5 runs, trees of
	 * 2 levels at most. */
	check_limit("DSB_ESE_MAX_PAGES", (struct dsb_ese_limits){ .pages = 20 },
		    (struct dsb_ese_limits){ .pages = 32 });
	check_limit("DSB_ESE_MAX_CHILDREN", (struct dsb_ese_limits){ .children = 1 },
		    (struct dsb_ese_limits){ .children = 2 });
	check_limit("DSB_ESE_MAX_ROOTS", (struct dsb_ese_limits){ .roots = 3 },
		    (struct dsb_ese_limits){ .roots = 4 });
	check_limit("DSB_ESE_MAX_EXTENTS", (struct dsb_ese_limits){ .extents = 1 },
		    (struct dsb_ese_limits){ .extents = 2 });
	check_limit("DSB_ESE_MAX_CATALOG", (struct dsb_ese_limits){ .catalog = 3 },
		    (struct dsb_ese_limits){ .catalog = 64 });
	check_limit("DSB_ESE_MAX_DEPTH", (struct dsb_ese_limits){ .depth = 1 },
		    (struct dsb_ese_limits){ .depth = 2 });
}

/* The misplaced-candidate limit: two pages written for other pgnos, room
 * for one. */
static void regression_misplaced_limit_is_e034(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 8192);
	/* In free space (pages 25-32): E015 there, E028 once unconfirmed. */
	memcpy(xdb_page(&x, 26), xdb_page(&x, 6), 8192);
	memcpy(xdb_page(&x, 27), xdb_page(&x, 7), 8192);
	struct dsb_ese_limits one = { .misplaced = 1 }, two = { .misplaced = 2 };
	run_lim(&r, x.buf, x.len, &one);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E034), 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E015), 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E028), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(xfind(&r, DSB_E034)->message, "DSB_ESE_MAX_MISPLACED"));
	CU_ASSERT_TRUE(r.sum->checks_incomplete);
	xrun_free(&r);
	run_lim(&r, x.buf, x.len, &two);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E034), 0);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E015), 2);
	CU_ASSERT_FALSE(r.sum->checks_incomplete);
	xrun_free(&r);
	xdb_free(&x);
}

/* Limits are only lowered, and only before the first byte. */
static void regression_limits_only_lowered_before_feeding(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	struct dsb_loc loc = DSB_LOC_INIT;
	r.f = dsb_findings_new();
	r.s = dsb_ese_stream_new(r.f, 0, &loc);
	CU_ASSERT_TRUE(dsb_ese_stream_feed(r.s, x.buf, 100));
	struct dsb_ese_limits lo = { .pages = 2 };
	dsb_ese_stream_set_limits(r.s, &lo);   /* too late: ignored */
	CU_ASSERT_TRUE(dsb_ese_stream_feed(r.s, x.buf + 100, x.len - 100));
	dsb_ese_stream_finish(r.s, true);
	r.sum = dsb_ese_stream_summary(r.s);
	r.v = dsb_findings_sorted(r.f, &r.n);
	CU_ASSERT_EQUAL(r.n, 0);
	CU_ASSERT_FALSE(r.sum->checks_incomplete);
	xrun_free(&r);
	xdb_free(&x);
}

/* On the real ntds.dit: the page limit below its size. */
static void regression_limit_reached_sample(void)
{
	size_t len;
	uint8_t *buf = dsb_sample_load("DSInternals/Initial/ntds.dit", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	struct xrun r;
	struct dsb_ese_limits lo = { .pages = 1000 }, ok = { .pages = 1536 };
	run_lim(&r, buf, len, &lo);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E034), 1);
	CU_ASSERT_TRUE(dsb_ese_summary_incomplete(r.sum));
	CU_ASSERT_FALSE(r.sum->tree_walk_done);
	xrun_free(&r);
	run_lim(&r, buf, len, &ok);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E034), 0);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 0);
	CU_ASSERT_FALSE(dsb_ese_summary_incomplete(r.sum));
	xrun_free(&r);
	free(buf);
}

/* ---- §2.2: entries not understood ------------------------------------------------- */

/* Rebuild the available-extent page 3 with `extra` appended: a node of
 * key `key` (klen bytes) and data `data`. */
static void regression_undecodable_space_key_counted(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	/* The twin: one more extent that decodes (pages 20-21). */
	uint8_t k4[4] = { 0, 0, 0, 21 }, cpg[4] = { 2, 0, 0, 0 };
	xdb_avail_with(&x, k4, 4, cpg, 4);
	run(&r, x.buf, x.len);
	if (r.n)
		xdump(&r, "extent twin");
	CU_ASSERT_EQUAL(r.n, 0);
	xrun_free(&r);

	/* A 5-byte key, a 3-byte key, a 4-byte key with a 2-byte count, an
	 * extent of 0 pages: each an entry not understood. */
	static const struct { uint8_t key[5]; size_t klen; uint8_t data[4]; size_t dlen; } bad[] = {
		{ { 0, 0, 0, 0, 21 }, 5, { 2, 0, 0, 0 }, 4 },
		{ { 0, 0, 21 }, 3, { 2, 0, 0, 0 }, 4 },
		{ { 0, 0, 0, 21 }, 4, { 2, 0 }, 2 },
		{ { 0, 0, 0, 21 }, 4, { 0, 0, 0, 0 }, 4 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xdb_avail_with(&x, bad[i].key, bad[i].klen, bad[i].data, bad[i].dlen);
		run(&r, x.buf, x.len);
		const struct dsb_finding *f = xfind(&r, DSB_E035);
		if (!f || r.n != 1)
			xdump(&r, "extent not understood");
		CU_ASSERT_EQUAL(r.n, 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_EQUAL(f->severity, DSB_SEV_WARNING);
		CU_ASSERT_EQUAL(f->page, 3);
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "1 space-tree entries"));
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "first page 3"));
		CU_ASSERT_FALSE(dsb_ese_summary_incomplete(r.sum));
		xrun_free(&r);
	}
	xdb_free(&x);
}

/* An undecodable extent on a page no tree references is not part of the
 * database: not counted. */
static void regression_undecodable_key_unreferenced_not_counted(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	const uint32_t L = DSB_ESE_PF_LEAF;
	uint8_t zero16[16] = { 0 }, k5[5] = { 0, 0, 0, 0, 21 }, cpg[4] = { 2, 0, 0, 0 };
	/* Page 10, in allocated space, unreferenced: an E029 (info) page. */
	xpg_init(&x, 10, DSB_ESE_OBJID_ROOT, L | DSB_ESE_PF_SPACE_TREE, 0, 0, 12);
	xpg_add(&x, 10, zero16, sizeof(zero16), 0);
	xpg_add_node(&x, 10, k5, 5, cpg, 4);
	xdb_stamp(&x);
	run(&r, x.buf, x.len);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E035), 0);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E029), 1);
	xrun_free(&r);
	xdb_free(&x);
}

/* A catalog entry of an unknown type; a callback (type 5) is known. */
static void regression_unknown_catalog_type_counted(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	xpg_add_cat(&x, 4, XDB_T1_OBJID, DSB_ESE_SYSOBJ_CALLBACK, 20, 0, "cb");
	xdb_stamp(&x);
	run(&r, x.buf, x.len);
	if (r.n)
		xdump(&r, "callback");
	CU_ASSERT_EQUAL(r.n, 0);
	xrun_free(&r);
	xpg_add_cat(&x, 4, XDB_T1_OBJID, 9, 21, 0, "odd");
	xpg_add_cat(&x, 4, XDB_T1_OBJID, 9, 22, 0, "odd2");
	xdb_stamp(&x);
	run(&r, x.buf, x.len);
	const struct dsb_finding *f = xfind(&r, DSB_E035);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->page, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "2 catalog entries of an unknown type"));
	xrun_free(&r);
	xdb_free(&x);
}

/* Columns and an index of a table objid the catalog does not list were
 * left out of every count without a word; now they are E035.  The twin:
 * the same entries for table t1. */
static void regression_orphan_catalog_entries_counted(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	xpg_add_cat(&x, 4, XDB_T1_OBJID, DSB_ESE_SYSOBJ_COLUMN, 3, 4, "c3");
	xpg_add_cat(&x, 4, XDB_T1_OBJID, DSB_ESE_SYSOBJ_COLUMN, 4, 4, "c4");
	xdb_stamp(&x);
	run(&r, x.buf, x.len);
	if (r.n)
		xdump(&r, "columns of t1");
	CU_ASSERT_EQUAL(r.n, 0);
	xrun_free(&r);
	xdb_free(&x);

	xdb_build(&x, 4096);
	xpg_add_cat(&x, 4, 99, DSB_ESE_SYSOBJ_COLUMN, 1, 4, "c1");
	xpg_add_cat(&x, 4, 99, DSB_ESE_SYSOBJ_COLUMN, 2, 4, "c2");
	xpg_add_cat(&x, 4, 99, DSB_ESE_SYSOBJ_COLUMN, 3, 4, "c3");
	xdb_stamp(&x);
	run(&r, x.buf, x.len);
	const struct dsb_finding *f = xfind(&r, DSB_E035);
	if (!f || r.n != 1)
		xdump(&r, "orphan columns");
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->page, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "3 catalog entries (columns, indexes, long values) of a table"));
	xrun_free(&r);
	xdb_free(&x);
}

/* A table root whose tag 0 is too short to be a space header. */
static void regression_undecodable_space_header_counted(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	/* The twin is the built database (no finding, checked above); now
	 * index root 12 with an 8-byte tag 0. */
	memset(xdb_page(&x, 12), 0, 4096);
	xpg_init(&x, 12, XDB_IX_OBJID, DSB_ESE_PF_ROOT | DSB_ESE_PF_LEAF | DSB_ESE_PF_INDEX, 0, 0, 40);
	uint8_t short_sph[8] = { 1, 0, 0, 0, 5, 0, 0, 0 };
	xpg_add(&x, 12, short_sph, sizeof(short_sph), 0);
	xpg_add_node(&x, 12, "n1", 2, "k1", 2);
	xdb_stamp(&x);
	run(&r, x.buf, x.len);
	const struct dsb_finding *f = xfind(&r, DSB_E035);
	if (!f)
		xdump(&r, "space header");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->page, 12);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "space header"));
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 0);
	xrun_free(&r);

	/* An empty tag 0: no space header either. */
	memset(xdb_page(&x, 12), 0, 4096);
	xpg_init(&x, 12, XDB_IX_OBJID, DSB_ESE_PF_ROOT | DSB_ESE_PF_LEAF | DSB_ESE_PF_INDEX, 0, 0, 40);
	xpg_add(&x, 12, "", 0, 0);
	xpg_add_node(&x, 12, "n1", 2, "k1", 2);
	xdb_stamp(&x);
	run(&r, x.buf, x.len);
	f = xfind(&r, DSB_E035);
	if (!f)
		xdump(&r, "empty space header");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->page, 12);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E035), 1);
	xrun_free(&r);
	xdb_free(&x);
}

/* Windows-written databases: every entry understood, no limit reached. */
static void regression_no_e035_on_samples(void)
{
	static const char *const paths[] = {
		"DSInternals/Initial/ntds.dit", "DSInternals/InitialLDS/adamntds.dit",
		"dissect.esedb/SRUDB.dat", "dissect.esedb/Current.mdb", "dissect.esedb/large.edb",
	};
	for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
		size_t len;
		uint8_t *buf = dsb_sample_load(paths[k], &len);
		CU_ASSERT_PTR_NOT_NULL(buf);
		if (!buf)
			continue;
		struct xrun r;
		run(&r, buf, len);
		CU_ASSERT_EQUAL(xcount(&r, DSB_E035), 0);
		CU_ASSERT_EQUAL(xcount(&r, DSB_E034), 0);
		xrun_free(&r);
		free(buf);
	}
}

static const struct dsb_test free_space_tests[] = {
	{ "regression_bitflip_in_free_page_located", regression_bitflip_in_free_page_located },
	{ "regression_free_space_damage_shapes", regression_free_space_damage_shapes },
	{ "regression_bitflip_past_owned_space_located", regression_bitflip_past_owned_space_located },
	{ NULL, NULL },
};

static const struct dsb_test misplaced_tests[] = {
	{ "regression_inverted_byte_not_misplaced", regression_inverted_byte_not_misplaced },
	{ "regression_true_misplaced_copy_still_e015", regression_true_misplaced_copy_still_e015 },
	{ "regression_checksum_bit_not_misplaced", regression_checksum_bit_not_misplaced },
	{ NULL, NULL },
};

static const struct dsb_test header_tests[] = {
	{ "regression_page_size_field_zero", regression_page_size_field_zero },
	{ "regression_page_size_field_wrong_4k", regression_page_size_field_wrong_4k },
	{ "regression_page_size_field_and_damaged_copy", regression_page_size_field_and_damaged_copy },
	{ NULL, NULL },
};

static const struct dsb_test limit_tests[] = {
	{ "regression_limit_reached_is_e034", regression_limit_reached_is_e034 },
	{ "regression_misplaced_limit_is_e034", regression_misplaced_limit_is_e034 },
	{ "regression_limits_only_lowered_before_feeding", regression_limits_only_lowered_before_feeding },
	{ NULL, NULL },
};

static const struct dsb_test undecoded_tests[] = {
	{ "regression_undecodable_space_key_counted", regression_undecodable_space_key_counted },
	{ "regression_undecodable_key_unreferenced_not_counted", regression_undecodable_key_unreferenced_not_counted },
	{ "regression_unknown_catalog_type_counted", regression_unknown_catalog_type_counted },
	{ "regression_orphan_catalog_entries_counted", regression_orphan_catalog_entries_counted },
	{ "regression_undecodable_space_header_counted", regression_undecodable_space_header_counted },
	{ NULL, NULL },
};

/* The same diagnoses on the real samples (`--samples` only). */
static const struct dsb_test sample_tests[] = {
	{ "regression_bitflip_in_free_page_sample", regression_bitflip_in_free_page_sample },
	{ "regression_inverted_byte_not_misplaced_samples", regression_inverted_byte_not_misplaced_samples },
	{ "regression_page_size_field_samples", regression_page_size_field_samples },
	{ "regression_limit_reached_sample", regression_limit_reached_sample },
	{ "regression_no_e035_on_samples", regression_no_e035_on_samples },
	{ NULL, NULL },
};

static const struct dsb_suite dsb_suites[] = {
	{ "ESE diagnosis on built databases: bit flips in free space (E014)", free_space_tests },
	{ "ESE diagnosis on built databases: misplaced or damaged (E013/E015)", misplaced_tests },
	{ "ESE diagnosis on built databases: header page-size field (E005)", header_tests },
	{ "ESE diagnosis on built databases: limits (E034)", limit_tests },
	{ "ESE diagnosis on built databases: entries not understood (E035)", undecoded_tests },
};

static const struct dsb_suite sample_suites[] = {
	{ "ESE diagnosis on the samples (E014, E013/E015, E005, E034, E035)", sample_tests },
};

DSB_TEST_MAIN_WITH_SAMPLES(dsb_suites, sample_suites)
