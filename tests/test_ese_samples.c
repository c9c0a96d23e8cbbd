/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ESE verifier on real databases written by Windows' ESE engine
 * (DSB_SAMPLES_DIR, see shared/samples/INDEX.md).  They are read where they
 * are and never modified: damage is made in a copy written to a mkstemp
 * file under /tmp.
 *
 * The suites of sample_suites run on the samples, as the ctest
 * test test_ese_samples_samples (`--samples`), which is reported as skipped
 * when the samples are absent (tests/cunit_main.h).  The damage, chunking
 * and page checks also run, always, on the database built by
 * tests/test_ese_fixture.h, in suites named "built database": those never
 * stand in for the samples.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "tests/test_ese_fixture.h"
#include "tests/cunit_main.h"

struct sample {
	const char *path;        /* under DSB_SAMPLES_DIR */
	uint32_t cb, version, revision, state;
	bool ad;
};

/* From shared/samples/INDEX.md ("What each one is"). */
static const struct sample samples[] = {
	{ "DSInternals/Initial/ntds.dit", 8192, 0x620, 20, DSB_ESE_STATE_CLEAN, true },
	{ "DSInternals/InitialLDS/adamntds.dit", 8192, 0x620, 12, DSB_ESE_STATE_CLEAN, true },
	{ "dissect.esedb/SRUDB.dat", 4096, 0x620, 20, DSB_ESE_STATE_CLEAN, false },
	{ "dissect.esedb/Current.mdb", 4096, 0x620, 20, DSB_ESE_STATE_CLEAN, false },
	{ "dissect.esedb/basic.edb", 4096, 0x620, 20, DSB_ESE_STATE_CLEAN, false },
	{ "dissect.esedb/binary.edb", 4096, 0x620, 20, DSB_ESE_STATE_CLEAN, false },
	{ "dissect.esedb/default.edb", 4096, 0x620, 20, DSB_ESE_STATE_CLEAN, false },
	{ "dissect.esedb/index.edb", 4096, 0x620, 20, DSB_ESE_STATE_CLEAN, false },
	{ "dissect.esedb/multi.edb", 4096, 0x620, 20, DSB_ESE_STATE_CLEAN, false },
	{ "dissect.esedb/text.edb", 4096, 0x620, 20, DSB_ESE_STATE_CLEAN, false },
	{ "dissect.esedb/large.edb", 32768, 0x620, 20, DSB_ESE_STATE_CLEAN, false },
};

/* Verify an image through a temporary file and dsb_ese_verify_fd. */
static void run_file(struct xrun *r, const uint8_t *buf, size_t len, const char *file)
{
	/* The member is named after the file when there is one: a member
	 * called ntds.dit makes the verifier expect the AD tables. */
	char path[64];
	int fd = xtemp(buf, len, path);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = file ? "data/ntds.dit" : "data/database";
	loc.line = 9;
	loc.file = file;
	r->f = dsb_findings_new();
	r->s = dsb_ese_verify_fd(fd, r->f, 0, &loc, NULL);
	close(fd);
	unlink(path);
	r->sum = dsb_ese_stream_summary(r->s);
	r->v = dsb_findings_sorted(r->f, &r->n);
}

/* The image to damage: the AD sample in a samples suite, else the built
 * database. */
struct image {
	uint8_t *buf;
	size_t len;
	uint32_t cb;
	bool real;
	struct xdb x;
};

static void image_get(struct image *im)
{
	memset(im, 0, sizeof(*im));
	if (dsb_on_samples) {
		im->buf = dsb_sample_load("DSInternals/Initial/ntds.dit", &im->len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(im->buf);
		im->cb = 8192;
		im->real = true;
		return;
	}
	xdb_build(&im->x, 8192);
	im->buf = im->x.buf;
	im->len = im->x.len;
	im->cb = 8192;
}

static void image_put(struct image *im)
{
	if (im->real)
		free(im->buf);
	else
		xdb_free(&im->x);
}

static uint8_t *page_at(struct image *im, uint32_t pgno)
{
	return im->buf + ((size_t)pgno + 1) * im->cb;
}

/* The n-th (0-based, modulo their number) valid non-root leaf page of a
 * table's data or index tree: every such page in the samples is
 * referenced by a tree.  0 when there is none. */
static uint32_t nth_leaf(struct image *im, unsigned n)
{
	uint32_t npages = (uint32_t)(im->len / im->cb) - 2;
	uint32_t found[64];
	unsigned nfound = 0;
	for (uint32_t p = 1; p <= npages && nfound < 64; p++) {
		const uint8_t *pg = page_at(im, p);
		struct dsb_ese_pghdr h;
		struct dsb_ese_page_check ck;
		dsb_ese_page_verify(pg, im->cb, p, &ck);
		if (ck.status != DSB_ESE_PAGE_OK || !dsb_ese_pghdr_decode(pg, im->cb, &h))
			continue;
		if ((h.flags & DSB_ESE_PF_LEAF) && !(h.flags & (DSB_ESE_PF_ROOT | DSB_ESE_PF_SPACE_TREE)) &&
		    h.objid >= 8)
			found[nfound++] = p;
	}
	return nfound ? found[n % nfound] : 0;
}

/* ---- every sample verifies ------------------------------------------------- */

static void test_all_samples_clean(void)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *sm = &samples[i];
		char path[1024];
		dsb_sample_path(sm->path, path, sizeof(path));
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			printf("\n    missing sample %s", path);
		CU_ASSERT_TRUE(fd >= 0);
		if (fd < 0)
			continue;
		struct xrun r = { .f = dsb_findings_new() };
		struct dsb_loc loc = DSB_LOC_INIT;
		loc.member = sm->path;
		r.s = dsb_ese_verify_fd(fd, r.f, 0, &loc, NULL);
		close(fd);
		r.sum = dsb_ese_stream_summary(r.s);
		r.v = dsb_findings_sorted(r.f, &r.n);
		if (xcount_sev(&r, DSB_SEV_ERROR) || xcount_sev(&r, DSB_SEV_WARNING))
			xdump(&r, sm->path);
		CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 0);
		CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_WARNING), 0);
		CU_ASSERT_TRUE(r.sum->header_ok);
		CU_ASSERT_TRUE(r.sum->copies_identical);
		CU_ASSERT_EQUAL(r.sum->page_size, sm->cb);
		CU_ASSERT_EQUAL(r.sum->format_version, sm->version);
		CU_ASSERT_EQUAL(r.sum->format_revision, sm->revision);
		CU_ASSERT_EQUAL(r.sum->state, sm->state);
		CU_ASSERT_TRUE(r.sum->tree_walk_done);
		CU_ASSERT_TRUE(r.sum->catalog_ok);
		CU_ASSERT_FALSE(r.sum->truncated);
		CU_ASSERT_EQUAL(r.sum->looks_like_ad, sm->ad);
		CU_ASSERT_EQUAL(r.sum->ad_tables_present, sm->ad);
		CU_ASSERT_TRUE(r.sum->pages_used > 10);
		CU_ASSERT_EQUAL(r.sum->pages_total * sm->cb + 2 * sm->cb, r.sum->bytes);
		CU_ASSERT_EQUAL(r.sum->pages_misplaced, 0);
		xrun_free(&r);
	}
}

/* The built database through the same file path: no finding at all. */
static void test_built_clean(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 8192);
	run_file(&r, x.buf, x.len, NULL);
	xdump(&r, "built database");
	CU_ASSERT_EQUAL(r.n, 0);
	CU_ASSERT_TRUE(r.sum->header_ok);
	CU_ASSERT_TRUE(r.sum->tree_walk_done);
	CU_ASSERT_TRUE(r.sum->catalog_ok);
	CU_ASSERT_EQUAL(r.sum->page_size, 8192);
	CU_ASSERT_EQUAL(r.sum->pages_total, XDB_PAGES);
	xrun_free(&r);
	xdb_free(&x);
}

/* Pages 143-158 of SRUDB.dat hold UTF-16 text past the database's owned
 * space (REF §2.4 [T]): exactly one info finding says so. */
static void test_srudb_garbage(void)
{
	size_t len;
	uint8_t *buf = dsb_sample_load("dissect.esedb/SRUDB.dat", &len);
	struct xrun r;
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	run_file(&r, buf, len, NULL);
	if (r.n != 1)
		xdump(&r, "SRUDB.dat");
	CU_ASSERT_EQUAL(r.n, 1);
	const struct dsb_finding *f = xfind(&r, DSB_E028);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->severity, DSB_SEV_INFO);
	CU_ASSERT_EQUAL(f->page, 143);
	CU_ASSERT_EQUAL(f->offset, 144 * 4096);
	CU_ASSERT_STRING_EQUAL(f->message,
		"pages 143-158 (16 pages) past the space the database owns (last owned page 142) do not hold valid ESE pages; no tree references them");
	CU_ASSERT_EQUAL(r.sum->pages_bad, 16);
	CU_ASSERT_EQUAL(r.sum->pages_unreferenced, 16);
	CU_ASSERT_EQUAL(r.sum->last_owned_pgno, 142);
	CU_ASSERT_EQUAL(r.sum->pages_total, 158);
	xrun_free(&r);
	free(buf);
}

/* The situation of SRUDB.dat built by hand: garbage past an owned space
 * of 24 pages is one info finding. */
static void test_built_garbage_past_owned(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	uint8_t *oe = xdb_page(&x, 2), *ae = xdb_page(&x, 3);
	oe[40 + 16 + 2 + 3] = 24;
	xput32(oe + 40 + 16 + 2 + 4, 24);
	ae[40 + 16 + 2 + 3] = 24;
	xdb_stamp(&x);
	for (uint32_t pg = 25; pg <= XDB_PAGES; pg++)
		for (size_t i = 0; i < 4096; i++)
			xdb_page(&x, pg)[i] = (uint8_t)(i * 31 + pg);
	run_file(&r, x.buf, x.len, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	const struct dsb_finding *f = xfind(&r, DSB_E028);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->page, 25);
	CU_ASSERT_EQUAL(r.sum->last_owned_pgno, 24);
	xrun_free(&r);
	xdb_free(&x);
}

static const struct dsb_ese_table_summary *table(const struct xrun *r, const char *name)
{
	for (size_t i = 0; i < r->sum->ntables; i++)
		if (strcmp(r->sum->tables[i].name, name) == 0)
			return &r->sum->tables[i];
	return NULL;
}

static void test_ntds_catalog(void)
{
	struct image im;
	image_get(&im);
	struct xrun r;
	run_file(&r, im.buf, im.len, "\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit");
	CU_ASSERT_EQUAL(r.n, 0);
	CU_ASSERT_TRUE(r.sum->looks_like_ad);
	CU_ASSERT_TRUE(r.sum->ad_tables_present);
	CU_ASSERT_EQUAL(r.sum->ntables, 12);
	static const char *const ad[] = { "MSysObjects", "datatable", "link_table", "sd_table", "hiddentable" };
	for (size_t i = 0; i < 5; i++) {
		const struct dsb_ese_table_summary *t = table(&r, ad[i]);
		CU_ASSERT_PTR_NOT_NULL(t);
		if (t)
			CU_ASSERT_TRUE(t->complete);
	}
	const struct dsb_ese_table_summary *dt = table(&r, "datatable");
	if (dt) {
		/* Windows Server 2012 R2 template, counted with esedbinfo and a
		 * direct read of the catalog: 1307 columns, 176 indexes, 1 LV
		 * tree, 1743 records, FDP 257. */
		CU_ASSERT_EQUAL(dt->pgno_fdp, 257);
		CU_ASSERT_EQUAL(dt->objid, 8);
		CU_ASSERT_EQUAL(dt->columns, 1307);
		CU_ASSERT_EQUAL(dt->indexes, 176);
		CU_ASSERT_EQUAL(dt->long_values, 1);
		CU_ASSERT_EQUAL(dt->records, 1743);
	}
	const struct dsb_ese_table_summary *mso = table(&r, "MSysObjects");
	if (mso)   /* 12 tables + 1419 columns + 210 indexes + 1 LV */
		CU_ASSERT_EQUAL(mso->records, 1642);
	CU_ASSERT_EQUAL(r.sum->pages_used, 865);
	CU_ASSERT_EQUAL(r.sum->pages_referenced, 865);
	CU_ASSERT_EQUAL(r.sum->pages_uninit, 671);
	CU_ASSERT_EQUAL(r.sum->pages_new_checksum, 865);
	CU_ASSERT_EQUAL(r.sum->last_owned_pgno, 1280);
	xrun_free(&r);
	image_put(&im);
}

/* The built database is no directory: named ntds.dit, E033 names the four
 * AD tables it lacks. */
static void test_built_named_ntds(void)
{
	struct image im;
	image_get(&im);
	struct xrun r;
	run_file(&r, im.buf, im.len, "\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit");
	CU_ASSERT_EQUAL(r.n, 4);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E033), 4);
	CU_ASSERT_TRUE(r.sum->looks_like_ad);
	CU_ASSERT_FALSE(r.sum->ad_tables_present);
	xrun_free(&r);
	image_put(&im);
}

/* ---- damage made at test time, in a copy ------------------------------------- */

static void test_one_bit(void)
{
	struct image im;
	image_get(&im);
	uint32_t p = nth_leaf(&im, 5);
	CU_ASSERT_TRUE_FATAL(p != 0);
	page_at(&im, p)[1234] ^= 1u << 5;
	struct xrun r;
	run_file(&r, im.buf, im.len, NULL);
	if (xcount_sev(&r, DSB_SEV_ERROR) != 1)
		xdump(&r, "one bit");
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 1);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_WARNING), 0);
	const struct dsb_finding *f = xfind(&r, DSB_E014);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->page, p);
	CU_ASSERT_EQUAL(f->offset, ((int64_t)p + 1) * im.cb + 1234);
	char want[128];
	snprintf(want, sizeof(want), "byte 1234 bit 5 of the page (correctable); file offset %lld, bit 5",
		 ((long long)p + 1) * im.cb + 1234);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, want));
	CU_ASSERT_EQUAL(r.sum->pages_bitflip, 1);
	xrun_free(&r);
	image_put(&im);
}

static void test_bytes_in_two_pages(void)
{
	struct image im;
	image_get(&im);
	uint32_t p1 = nth_leaf(&im, 2), p2 = nth_leaf(&im, 3);
	CU_ASSERT_TRUE_FATAL(p1 && p2);
	memcpy(page_at(&im, p1) + 3000, "\x13\x37\xde\xad\xbe\xef\x42\x99\x01\x77", 10);
	memcpy(page_at(&im, p2) + 5000, "overwritten by test", 19);
	struct xrun r;
	run_file(&r, im.buf, im.len, NULL);
	if (xcount(&r, DSB_E013) != 2 || xcount_sev(&r, DSB_SEV_ERROR) != 2)
		xdump(&r, "two pages");
	CU_ASSERT_EQUAL(xcount(&r, DSB_E013), 2);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 2);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_WARNING), 0);
	CU_ASSERT_EQUAL(r.v[0].page, p1);
	CU_ASSERT_EQUAL(r.v[0].offset, ((int64_t)p1 + 1) * im.cb);
	CU_ASSERT_EQUAL(r.v[1].page, p2);
	CU_ASSERT_EQUAL(r.sum->pages_bad, 2);
	xrun_free(&r);
	image_put(&im);
}

static void test_page_copied_over_another(void)
{
	struct image im;
	image_get(&im);
	uint32_t from = nth_leaf(&im, 7), to = nth_leaf(&im, 2);
	CU_ASSERT_NOT_EQUAL_FATAL(from, to);
	CU_ASSERT_TRUE_FATAL(from && to);
	memcpy(page_at(&im, to), page_at(&im, from), im.cb);
	struct xrun r;
	run_file(&r, im.buf, im.len, NULL);
	if (xcount_sev(&r, DSB_SEV_ERROR) != 1)
		xdump(&r, "copied page");
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 1);
	const struct dsb_finding *f = xfind(&r, DSB_E015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->page, to);
	char want[64];
	snprintf(want, sizeof(want), "written for page %u", from);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, want));
	xrun_free(&r);
	image_put(&im);
}

static void test_headers(void)
{
	struct image im;
	image_get(&im);
	struct xrun r;
	/* Primary damaged: warning only, everything else still verified. */
	im.buf[DSB_ESE_HDR_GEN_MIN_CONS_OFF] ^= 0x10;
	run_file(&r, im.buf, im.len, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E003), 1);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 0);
	CU_ASSERT_TRUE(r.sum->tree_walk_done);
	CU_ASSERT_FALSE(r.sum->primary_ok);
	xrun_free(&r);
	/* Both damaged: one error, nothing else. */
	im.buf[im.cb + 12] ^= 0x01;
	run_file(&r, im.buf, im.len, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E002), 1);
	CU_ASSERT_FALSE(r.sum->header_ok);
	CU_ASSERT_TRUE(r.sum->is_ese);
	xrun_free(&r);
	image_put(&im);
}

static void test_cut_mid_page(void)
{
	struct image im;
	image_get(&im);
	/* Half-way into a page that trees use. */
	uint32_t p = nth_leaf(&im, 10);
	CU_ASSERT_TRUE_FATAL(p != 0);
	size_t cut = ((size_t)p + 1) * im.cb + im.cb / 2 + 100;
	struct xrun r;
	run_file(&r, im.buf, cut, NULL);
	if (xcount_sev(&r, DSB_SEV_ERROR) != 1)
		xdump(&r, "cut");
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 1);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_WARNING), 0);
	const struct dsb_finding *f = xfind(&r, DSB_E012);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->page, p);
	CU_ASSERT_EQUAL(f->offset, ((int64_t)p + 1) * im.cb);
	CU_ASSERT_TRUE(r.sum->truncated);
	CU_ASSERT_EQUAL(r.sum->pages_total, p - 1);
	xrun_free(&r);
	image_put(&im);
}

static void test_not_ese_file(void)
{
	size_t len = 0;
	uint8_t *zip = NULL;
	if (dsb_on_samples) {
		zip = dsb_sample_load("DSInternals/Initial.zip", &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(zip);
	} else {
		len = 50000;
		zip = malloc(len);
		for (size_t i = 0; i < len; i++)
			zip[i] = (uint8_t)(i * 7 + (i >> 8));
	}
	CU_ASSERT_FALSE(dsb_ese_sniff(zip, len));
	struct xrun r;
	run_file(&r, zip, len, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E001), 1);
	CU_ASSERT_FALSE(r.sum->is_ese);
	xrun_free(&r);
	free(zip);
}

/* ---- chunking ------------------------------------------------------------------ */

static char *fingerprint(const struct xrun *r)
{
	size_t cap = 512 + r->n * (DSB_MESSAGE_MAX + 64), o = 0;
	char *s = malloc(cap);
	o += (size_t)snprintf(s + o, cap - o, "%llu/%llu/%llu/%llu/%llu/%zu|",
			      (unsigned long long)r->sum->pages_total,
			      (unsigned long long)r->sum->pages_bad,
			      (unsigned long long)r->sum->pages_referenced,
			      (unsigned long long)r->sum->pages_unreferenced,
			      (unsigned long long)r->sum->bytes, r->sum->ntables);
	for (size_t i = 0; i < r->n; i++)
		o += (size_t)snprintf(s + o, cap - o, "%d:%lld:%lld:%s\n", (int)r->v[i].rule,
				      (long long)r->v[i].page, (long long)r->v[i].offset, r->v[i].message);
	for (size_t i = 0; i < r->sum->ntables; i++)
		o += (size_t)snprintf(s + o, cap - o, "%s:%llu:%llu\n", r->sum->tables[i].name,
				      (unsigned long long)r->sum->tables[i].records,
				      (unsigned long long)r->sum->tables[i].pages);
	return s;
}

static void chunks_identical(const uint8_t *buf, size_t len, const size_t *chunks, size_t nchunks,
			     size_t min_findings)
{
	char *ref = NULL;
	for (size_t i = 0; i < nchunks; i++) {
		struct xrun r;
		xrun_buf(&r, buf, len, chunks[i], NULL);
		char *fp = fingerprint(&r);
		if (!ref) {
			ref = fp;
			CU_ASSERT_TRUE(r.n >= min_findings);
		} else {
			if (strcmp(fp, ref) != 0)
				fprintf(stderr, "\n  chunk %zu differs\n", chunks[i]);
			CU_ASSERT_STRING_EQUAL(fp, ref);
			free(fp);
		}
		xrun_free(&r);
	}
	free(ref);
}

static void test_chunks_basic(void)
{
	size_t len;
	uint8_t *buf = NULL;
	struct xdb x = { 0 };
	if (dsb_on_samples) {
		buf = dsb_sample_load("dissect.esedb/basic.edb", &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	} else {
		xdb_build(&x, 4096);
		buf = x.buf;
		len = x.len;
	}
	/* Some findings to compare: a located bit in page 13 (or 6), and
	 * the file cut 3000 bytes into its last page. */
	uint32_t p = x.buf ? 6 : 13;
	buf[((size_t)p + 1) * 4096 + 2222] ^= 0x40;
	len -= 1096;
	static const size_t chunks[] = { 0, 1, 2, 3, 7, 4093, 4096, 8191, 65535, 65536, 65537, 1 << 20 };
	chunks_identical(buf, len, chunks, sizeof(chunks) / sizeof(chunks[0]), 2);
	if (x.buf)
		xdb_free(&x);
	else
		free(buf);
}

static void test_chunks_large_pages(void)
{
	size_t len;
	uint8_t *buf = NULL;
	struct xdb x = { 0 };
	if (dsb_on_samples) {
		buf = dsb_sample_load("dissect.esedb/large.edb", &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	} else {
		xdb_build(&x, 32768);
		buf = x.buf;
		len = x.len;
	}
	static const size_t chunks[] = { 0, 13, 32767, 32769, 100000, 1 << 20 };
	chunks_identical(buf, len, chunks, sizeof(chunks) / sizeof(chunks[0]), 0);
	if (x.buf)
		xdb_free(&x);
	else
		free(buf);
}

static void test_chunks_ntds(void)
{
	struct image im;
	image_get(&im);
	uint32_t p = nth_leaf(&im, 4);
	page_at(&im, p)[4321] ^= 0x01;
	static const size_t chunks[] = { 0, 7, 8193, 1 << 20 };
	chunks_identical(im.buf, im.len, chunks, sizeof(chunks) / sizeof(chunks[0]), 1);
	image_put(&im);
}

/* ---- ECC on real pages, and a streamed copy built from a real one ---------------- */

static void test_ecc_real_pages(void)
{
	struct image im;
	image_get(&im);
	uint32_t npages = (uint32_t)(im.len / im.cb) - 2;
	unsigned tried = 0, located = 0;
	uint32_t seed = 0xC0FFEEu;
	for (uint32_t p = 1; p <= npages && tried < 200; p++) {
		uint8_t *pg = page_at(&im, p);
		struct dsb_ese_page_check ck;
		dsb_ese_page_verify(pg, im.cb, p, &ck);
		if (ck.status != DSB_ESE_PAGE_OK)
			continue;
		seed = seed * 1103515245u + 12345u;
		uint32_t bit = 64 + (seed >> 8) % (uint32_t)(im.cb * 8 - 64);
		if (bit == DSB_ESE_PG_FLAGS_OFF * 8 + 13)
			bit++;
		pg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		dsb_ese_page_verify(pg, im.cb, p, &ck);
		tried++;
		located += ck.status == DSB_ESE_PAGE_BITFLIP && ck.bit == bit;
		pg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	CU_ASSERT_TRUE(tried >= 8);
	CU_ASSERT_EQUAL(located, tried);
	image_put(&im);
}

static void test_streamed_copy_of_real(void)
{
	struct image im;
	image_get(&im);
	/* Make it what DsBackupRead returns (REF §3.10): header state dirty,
	 * a backup in progress, both copies the same, then a trailer page. */
	uint8_t *h = im.buf;
	xput32(h + DSB_ESE_HDR_STATE_OFF, DSB_ESE_STATE_DIRTY);
	xput32(h + DSB_ESE_HDR_GEN_MIN_REQ_OFF, 0x21);
	xput32(h + DSB_ESE_HDR_GEN_MAX_REQ_OFF, 0x23);
	xput32(h + DSB_ESE_HDR_GEN_MAX_COMMIT_OFF, 0x23);
	xput32(h + DSB_ESE_HDR_SIGN_LOG_OFF, 0xABCD1234u);
	uint8_t *bk = h + DSB_ESE_HDR_BK_FULL_CUR_OFF;
	xput16(bk, 0x40);
	xput16(bk + 2, 0x11);
	xput32(bk + 4, 0x22);
	xput32(bk + 16, 0x21);
	xput32(bk + 20, 0);
	dsb_ese_header_stamp(h, im.cb);
	memcpy(h + im.cb, h, im.cb);
	uint8_t *both = malloc(im.len + im.cb);
	memcpy(both, im.buf, im.len);
	uint8_t *t = both + im.len;
	memset(t, 0, im.cb);
	memcpy(t + DSB_ESE_TRL_BKINFO_OFF, bk, DSB_ESE_BKINFO_SIZE);
	xput32(t + DSB_ESE_TRL_BKINFO_OFF + 20, 0x25);
	memcpy(t + DSB_ESE_TRL_SIGN_DB_OFF, h + DSB_ESE_HDR_SIGN_DB_OFF, DSB_ESE_SIGNATURE_SIZE);
	memcpy(t + DSB_ESE_TRL_SIGN_LOG_OFF, h + DSB_ESE_HDR_SIGN_LOG_OFF, DSB_ESE_SIGNATURE_SIZE);
	xput32(t + DSB_ESE_TRL_GEN_MIN_REQ_OFF, 0x21);
	xput32(t + DSB_ESE_TRL_GEN_MAX_REQ_OFF, 0x25);
	dsb_ese_header_stamp(t, im.cb);
	struct xrun r;
	run_file(&r, both, im.len + im.cb, "ntds.dit");
	if (r.n != 1 && im.real)
		xdump(&r, "streamed copy");
	CU_ASSERT_EQUAL(xcount(&r, DSB_E011), 1);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), im.real ? 0u : 4u);   /* built: no AD tables */
	CU_ASSERT_TRUE(r.sum->trailer_present);
	CU_ASSERT_TRUE(r.sum->trailer_ok);
	CU_ASSERT_TRUE(r.sum->fuzzy);
	CU_ASSERT_EQUAL(r.sum->logs_needed_low, 0x21);
	CU_ASSERT_EQUAL(r.sum->logs_needed_high, 0x25);
	CU_ASSERT_EQUAL(r.sum->trailer.bkinfo.gen_high, 0x25);
	CU_ASSERT_EQUAL(r.sum->pages_total, im.len / im.cb - 2);
	xrun_free(&r);
	/* The same stream cut just before its trailer: E021. */
	run_file(&r, both, im.len, "ntds.dit");
	CU_ASSERT_EQUAL(xcount(&r, DSB_E021), 1);
	xrun_free(&r);
	free(both);
	image_put(&im);
}

/* The same test functions run on the samples (sample_suites, `--samples`)
 * and on the built database (suites): dsb_on_samples tells them which. */
static const struct dsb_test sample_tests[] = {
	{ "every sample verifies, with its INDEX.md format", test_all_samples_clean },
	{ "SRUDB.dat: garbage past the owned space is info", test_srudb_garbage },
	{ "ntds.dit: catalog, AD tables, record counts", test_ntds_catalog },
	{ NULL, NULL },
};

static const struct dsb_test damage_tests[] = {
	{ "one flipped bit located to byte and bit", test_one_bit },
	{ "bytes overwritten in two pages", test_bytes_in_two_pages },
	{ "a page copied over another", test_page_copied_over_another },
	{ "primary header, then both headers damaged", test_headers },
	{ "file cut in the middle of a page", test_cut_mid_page },
	{ "a file that is not a database (Initial.zip in the samples)", test_not_ese_file },
	{ NULL, NULL },
};

static const struct dsb_test chunk_tests[] = {
	{ "4 KiB pages (basic.edb in the samples) in 1-byte to 1 MiB chunks", test_chunks_basic },
	{ "32 KiB pages (large.edb in the samples) in odd chunks", test_chunks_large_pages },
	{ "8 KiB pages (ntds.dit in the samples) in odd and large chunks", test_chunks_ntds },
	{ NULL, NULL },
};

static const struct dsb_test page_tests[] = {
	{ "single bits located in 8 KiB pages", test_ecc_real_pages },
	{ "streamed copy with its trailer", test_streamed_copy_of_real },
	{ NULL, NULL },
};

static const struct dsb_test built_tests[] = {
	{ "built database verifies clean through a file", test_built_clean },
	{ "garbage past the owned space is info (SRUDB.dat's case)", test_built_garbage_past_owned },
	{ "named ntds.dit without the AD tables: E033", test_built_named_ntds },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "built database: its own checks", built_tests },
	{ "built database: damage in copies", damage_tests },
	{ "built database: chunking", chunk_tests },
	{ "built database: pages", page_tests },
};

static const struct dsb_suite sample_suites[] = {
	{ "ese samples", sample_tests },
	{ "ese damage in copies of the ntds.dit sample", damage_tests },
	{ "ese chunking of the samples", chunk_tests },
	{ "ese pages of the ntds.dit sample", page_tests },
};

DSB_TEST_MAIN_WITH_SAMPLES(suites, sample_suites)
