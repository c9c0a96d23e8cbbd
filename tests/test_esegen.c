/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ESE database generator (fixtures/lib/esegen.c) against the verifier
 * library: every database it makes verifies with no error or warning, at
 * every page size, with old checksums, dirty, streamed with its trailer,
 * fed in chunks of any size; the catalog holds the AD tables with the
 * record counts the generator says; the output is deterministic and
 * random access gives the same bytes as a sequential pass; the payload
 * seed of the fixture captures is such a database.
 */
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures/lib/esegen.h"
#include "fixtures/lib/fxproto.h"
#include "fixtures/lib/payload.h"
#include "format/ese.h"
#include "lib/hex.h"
#include "verify/ese/ese.h"
#include "verify/findings.h"

#include "tests/cunit_main.h"

struct run {
	struct dsb_findings *f;
	struct dsb_ese_stream *s;
	const struct dsb_ese_summary *sum;
	const struct dsb_finding *v;
	size_t n;
};

/* Chunk sizes cycled through when feeding: odd, page-crossing, large. */
static const size_t chunk_cycle[] = { 1, 4095, 8192, 7, 65536 + 3, 12289, 1 << 20, 511, 300000 };

/* Generate g's file into the verifier.  chunk 0: the cycle above. */
static void run_gen(struct run *r, struct dfx_ese *g, size_t chunk, const char *file)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = "data/ntds.dit";
	loc.line = 9;
	loc.file = file;
	r->f = dsb_findings_new();
	r->s = dsb_ese_stream_new(r->f, 0, &loc);
	size_t bufsz = 2u << 20;
	uint8_t *buf = malloc(bufsz);
	uint64_t size = dfx_ese_size(g), off = 0;
	for (unsigned k = 0; off < size; k++) {
		size_t n = chunk ? chunk : chunk_cycle[k % (sizeof(chunk_cycle) / sizeof(chunk_cycle[0]))];
		if (n > size - off)
			n = (size_t)(size - off);
		dfx_ese_fill(g, off, buf, n);
		CU_ASSERT_FATAL(dsb_ese_stream_feed(r->s, buf, n));
		off += n;
	}
	free(buf);
	dsb_ese_stream_finish(r->s, true);
	r->sum = dsb_ese_stream_summary(r->s);
	r->v = dsb_findings_sorted(r->f, &r->n);
}

static void run_free(struct run *r)
{
	dsb_ese_stream_free(r->s);
	dsb_findings_free(r->f);
	memset(r, 0, sizeof(*r));
}

static size_t count_sev(const struct run *r, enum dsb_severity sev)
{
	size_t c = 0;
	for (size_t i = 0; i < r->n; i++)
		c += r->v[i].severity == sev;
	return c;
}

static size_t count_rule(const struct run *r, enum dsb_rule rule)
{
	size_t c = 0;
	for (size_t i = 0; i < r->n; i++)
		c += r->v[i].rule == rule;
	return c;
}

static void dump(const struct run *r, const char *what)
{
	for (size_t i = 0; i < r->n && i < 20; i++)
		fprintf(stderr, "\n  [%s] %s %s page %lld: %s", what, dsb_rule_info(r->v[i].rule)->id,
			dsb_severity_name(r->v[i].severity), (long long)r->v[i].page, r->v[i].message);
}

static const struct dsb_ese_table_summary *table(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->sum->ntables; i++)
		if (strcmp(r->sum->tables[i].name, name) == 0)
			return &r->sum->tables[i];
	return NULL;
}

/* Everything a good database must show, against what g says it holds. */
static void check_good(const struct run *r, struct dfx_ese *g, const char *what)
{
	const struct dsb_ese_summary *s = r->sum;
	uint64_t pages = dfx_ese_blocks(g) - 2 - (s->trailer_present ? 1 : 0);
	if (count_sev(r, DSB_SEV_ERROR) || count_sev(r, DSB_SEV_WARNING))
		dump(r, what);
	CU_ASSERT_EQUAL(count_sev(r, DSB_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(count_sev(r, DSB_SEV_WARNING), 0);
	CU_ASSERT_TRUE(s->header_ok && s->primary_ok && s->shadow_ok && s->copies_identical);
	CU_ASSERT_EQUAL(s->page_size, dfx_ese_page_size(g));
	CU_ASSERT_EQUAL(s->bytes, dfx_ese_size(g));
	CU_ASSERT_EQUAL(s->pages_total, pages);
	CU_ASSERT_EQUAL(s->pages_bad, 0);
	CU_ASSERT_EQUAL(s->pages_bad_structure, 0);
	CU_ASSERT_EQUAL(s->pages_uninit, dfx_ese_free_pages(g));
	CU_ASSERT_EQUAL(s->pages_used, pages - dfx_ese_free_pages(g));
	CU_ASSERT_EQUAL(s->pages_referenced, pages - dfx_ese_free_pages(g));
	CU_ASSERT_EQUAL(s->pages_unreferenced, 0);
	CU_ASSERT_EQUAL(s->last_owned_pgno, pages);
	CU_ASSERT_TRUE(s->tree_walk_done);
	CU_ASSERT_TRUE(s->catalog_ok);
	CU_ASSERT_TRUE(s->looks_like_ad);
	CU_ASSERT_TRUE(s->ad_tables_present);
	CU_ASSERT_EQUAL(s->ntables, 7);
	const struct dfx_ese_tree_info *ti;
	size_t nt = dfx_ese_trees(g, &ti);
	for (size_t i = 0; i < nt; i++) {
		if (ti[i].type != DSB_ESE_SYSOBJ_TABLE)
			continue;
		const struct dsb_ese_table_summary *t = table(r, ti[i].name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT_EQUAL(t->objid, ti[i].objid);
		CU_ASSERT_EQUAL(t->pgno_fdp, ti[i].fdp);
		CU_ASSERT_EQUAL(t->records, ti[i].records);
		CU_ASSERT_TRUE(t->complete);
		CU_ASSERT_EQUAL(t->columns, dfx_ese_table_columns(g, ti[i].name));
	}
	const struct dsb_ese_table_summary *dt = table(r, "datatable");
	CU_ASSERT_EQUAL(dt->indexes, 3);        /* DNT_index, PDNT_index, NC_Acc_Type_Sid */
	CU_ASSERT_EQUAL(dt->long_values, 1);
	CU_ASSERT_EQUAL(table(r, "sd_table")->long_values, 1);
	CU_ASSERT_EQUAL(table(r, "link_table")->indexes, 2);
	/* The pages of every tree add up to the used pages. */
	uint64_t sum_pages = 3;   /* the database root and its space trees */
	for (size_t i = 0; i < nt; i++)
		sum_pages += ti[i].pages;
	CU_ASSERT_EQUAL(sum_pages, pages - dfx_ese_free_pages(g));
}

static struct dfx_ese *gen(uint32_t cb, uint64_t pages, bool old, bool dirty, bool streamed)
{
	char err[256] = "";
	struct dfx_ese_opts o = { .page_size = cb, .pages = pages, .seed = 42, .old_checksum = old,
				  .dirty = dirty, .streamed = streamed };
	struct dfx_ese *g = dfx_ese_new(&o, err, sizeof(err));
	if (!g)
		fprintf(stderr, "\n  dfx_ese_new: %s", err);
	return g;
}

static void test_page_sizes(void)
{
	static const uint32_t sizes[] = { 4096, 8192, 16384, 32768 };
	for (size_t k = 0; k < 4; k++) {
		uint64_t min = dfx_ese_min_pages(sizes[k]);
		CU_ASSERT_TRUE(min >= 12 && min <= 40);
		const uint64_t counts[] = { min, min + 1, 100, 1000, 5003 };
		for (size_t c = 0; c < 5; c++) {
			struct dfx_ese *g = gen(sizes[k], counts[c], false, false, false);
			CU_ASSERT_PTR_NOT_NULL_FATAL(g);
			CU_ASSERT_EQUAL(dfx_ese_size(g), (counts[c] + 2) * sizes[k]);
			struct run r;
			char what[64];
			snprintf(what, sizeof(what), "%u x %llu", sizes[k], (unsigned long long)counts[c]);
			run_gen(&r, g, 0, "ntds.dit");
			check_good(&r, g, what);
			CU_ASSERT_EQUAL(r.n, 0);   /* clean: not even an info */
			CU_ASSERT_EQUAL(r.sum->state, DSB_ESE_STATE_CLEAN);
			CU_ASSERT_EQUAL(r.sum->pages_old_checksum, 0);
			run_free(&r);
			dfx_ese_free(g);
		}
		/* One page fewer than the minimum is refused. */
		char err[128];
		struct dfx_ese_opts o = { .page_size = sizes[k], .pages = min - 1 };
		CU_ASSERT_PTR_NULL(dfx_ese_new(&o, err, sizeof(err)));
	}
	char err[128];
	struct dfx_ese_opts bad = { .page_size = 2048, .pages = 1000 };
	CU_ASSERT_PTR_NULL(dfx_ese_new(&bad, err, sizeof(err)));
}

/* Big trees grow levels: at 4 KiB, 20000 pages make 3-level trees. */
static void test_deep_trees(void)
{
	struct dfx_ese *g = gen(4096, 20000, false, false, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	struct run r;
	run_gen(&r, g, 0, NULL);
	check_good(&r, g, "deep");
	CU_ASSERT_EQUAL(r.n, 0);
	const struct dsb_ese_table_summary *dt = table(&r, "datatable");
	CU_ASSERT_TRUE(dt->records > 100000);
	run_free(&r);
	dfx_ese_free(g);
}

static void test_old_checksums(void)
{
	static const uint32_t sizes[] = { 4096, 8192 };
	for (size_t k = 0; k < 2; k++) {
		struct dfx_ese *g = gen(sizes[k], 300, true, false, false);
		CU_ASSERT_PTR_NOT_NULL_FATAL(g);
		struct run r;
		run_gen(&r, g, 0, NULL);
		check_good(&r, g, "old");
		CU_ASSERT_EQUAL(r.n, 0);
		CU_ASSERT_EQUAL(r.sum->pages_new_checksum, 0);
		CU_ASSERT_EQUAL(r.sum->pages_old_checksum, r.sum->pages_used);
		run_free(&r);
		dfx_ese_free(g);
	}
	/* Large pages have only the new format: the option does not apply. */
	struct dfx_ese *g = gen(16384, 300, true, false, false);
	struct run r;
	run_gen(&r, g, 0, NULL);
	check_good(&r, g, "old 16K");
	CU_ASSERT_EQUAL(r.sum->pages_old_checksum, 0);
	run_free(&r);
	dfx_ese_free(g);
}

static void test_dirty(void)
{
	struct dfx_ese *g = gen(8192, 500, false, true, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	struct run r;
	run_gen(&r, g, 0, NULL);
	check_good(&r, g, "dirty");
	CU_ASSERT_EQUAL(r.sum->state, DSB_ESE_STATE_DIRTY);
	CU_ASSERT_TRUE(r.sum->fuzzy);
	CU_ASSERT_FALSE(r.sum->backup_in_progress);
	CU_ASSERT_FALSE(r.sum->trailer_present);
	CU_ASSERT_EQUAL(r.sum->logs_needed_low, 5);
	CU_ASSERT_EQUAL(r.sum->logs_needed_high, 7);
	CU_ASSERT_EQUAL(count_rule(&r, DSB_E011), 1);
	CU_ASSERT_EQUAL(r.n, 1);   /* the online note only */
	run_free(&r);
	dfx_ese_free(g);
}

static void test_streamed(void)
{
	static const uint32_t sizes[] = { 4096, 8192, 16384, 32768 };
	for (size_t k = 0; k < 4; k++) {
		struct dfx_ese *g = gen(sizes[k], 400, false, false, true);
		CU_ASSERT_PTR_NOT_NULL_FATAL(g);
		CU_ASSERT_EQUAL(dfx_ese_blocks(g), 400 + 3);
		struct run r;
		run_gen(&r, g, 0, NULL);
		check_good(&r, g, "streamed");
		CU_ASSERT_TRUE(r.sum->trailer_present);
		CU_ASSERT_TRUE(r.sum->trailer_ok);
		CU_ASSERT_TRUE(r.sum->backup_in_progress);
		CU_ASSERT_EQUAL(r.sum->trailer.bkinfo.gen_low, 5);
		CU_ASSERT_EQUAL(r.sum->trailer.bkinfo.gen_high, 8);
		CU_ASSERT_EQUAL(r.sum->logs_needed_low, 5);
		CU_ASSERT_EQUAL(r.sum->logs_needed_high, 8);
		CU_ASSERT_EQUAL(r.sum->pages_total, 400);
		CU_ASSERT_EQUAL(count_rule(&r, DSB_E011), 1);
		CU_ASSERT_EQUAL(count_rule(&r, DSB_E020) + count_rule(&r, DSB_E021), 0);
		CU_ASSERT_EQUAL(r.n, 1);
		run_free(&r);
		dfx_ese_free(g);
	}
}

/* The trailer is what makes a streamed copy: cut it off and E021 says so
 * (the generator's trailer is not something the verifier ignores). */
static void test_streamed_without_trailer(void)
{
	struct dfx_ese *g = gen(8192, 400, false, false, true);
	struct dsb_findings *f = dsb_findings_new();
	struct dsb_ese_stream *s = dsb_ese_stream_new(f, 0, &(struct dsb_loc)DSB_LOC_INIT);
	uint8_t *page = malloc(8192);
	for (uint64_t b = 0; b + 1 < dfx_ese_blocks(g); b++) {
		dfx_ese_block(g, b, page);
		dsb_ese_stream_feed(s, page, 8192);
	}
	dsb_ese_stream_finish(s, true);
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	size_t e021 = 0;
	for (size_t i = 0; i < n; i++)
		e021 += v[i].rule == DSB_E021;
	CU_ASSERT_EQUAL(e021, 1);
	free(page);
	dsb_ese_stream_free(s);
	dsb_findings_free(f);
	dfx_ese_free(g);
}

static void sha_of(struct dfx_ese *g, size_t chunk, bool random_order, char out[65])
{
	uint64_t size = dfx_ese_size(g);
	size_t n = chunk;
	uint8_t *buf = malloc(n);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (uint64_t off = 0; off < size; off += n) {
		size_t len = size - off < n ? (size_t)(size - off) : n;
		if (random_order) {
			/* Touch some other place first: the page cache must not leak. */
			uint8_t tmp[3];
			dfx_ese_fill(g, (off * 7919 + 12345) % size, tmp, 1);
		}
		dfx_ese_fill(g, off, buf, len);
		EVP_DigestUpdate(md, buf, len);
	}
	unsigned char d[32];
	unsigned int dl = 0;
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	dsb_sha256_hex(out, d);
	free(buf);
}

/* 64 MiB fed in chunks of varying size; the same bytes twice. */
static void test_64mib_deterministic(void)
{
	uint64_t pages = (64u << 20) / 8192 - 2;
	struct dfx_ese *g = gen(8192, pages, false, false, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(dfx_ese_size(g), 64u << 20);
	struct run r;
	run_gen(&r, g, 0, "ntds.dit");
	check_good(&r, g, "64 MiB");
	CU_ASSERT_EQUAL(r.n, 0);
	CU_ASSERT_EQUAL(r.sum->pages_total, pages);
	run_free(&r);

	char a[65], b[65];
	sha_of(g, 1 << 20, false, a);
	struct dfx_ese *g2 = gen(8192, pages, false, false, false);
	sha_of(g2, 12289, true, b);
	CU_ASSERT_STRING_EQUAL(a, b);
	printf("\n  64 MiB database SHA-256 %s ", a);
	dfx_ese_free(g2);
	/* Another seed gives other record contents. */
	char err[64];
	struct dfx_ese_opts o = { .page_size = 8192, .pages = pages, .seed = 43 };
	g2 = dfx_ese_new(&o, err, sizeof(err));
	sha_of(g2, 1 << 20, false, b);
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
	dfx_ese_free(g2);
	dfx_ese_free(g);
}

/* Through a file and dsb_ese_verify_fd, as `dsbinspect ese` reads one. */
static void test_verify_fd(void)
{
	struct dfx_ese *g = gen(16384, 777, false, false, false);
	char path[] = "/tmp/dsb-esegen-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	uint8_t *page = malloc(16384);
	for (uint64_t b = 0; b < dfx_ese_blocks(g); b++) {
		dfx_ese_block(g, b, page);
		CU_ASSERT_EQUAL_FATAL(write(fd, page, 16384), 16384);
	}
	free(page);
	CU_ASSERT_EQUAL(lseek(fd, 0, SEEK_SET), 0);
	struct dsb_findings *f = dsb_findings_new();
	int err = 0;
	struct dsb_ese_stream *s = dsb_ese_verify_fd(fd, f, 0, &(struct dsb_loc)DSB_LOC_INIT, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	size_t n;
	dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL(n, 0);
	const struct dsb_ese_summary *sum = dsb_ese_stream_summary(s);
	CU_ASSERT_EQUAL(sum->pages_total, 777);
	CU_ASSERT_TRUE(sum->ad_tables_present);
	dsb_ese_stream_free(s);
	dsb_findings_free(f);
	close(fd);
	unlink(path);
	dfx_ese_free(g);
}

/* The fixture captures' ntds.dit: a payload seed standing for a generated
 * database; the payload SHA-256 and fill agree with the generator. */
static void test_payload_seed(void)
{
	CU_ASSERT_TRUE(dfx_ese_payload_seed_is(dfx_ntds.seed));
	CU_ASSERT_EQUAL(dfx_ntds.size % 8192, 0);
	uint8_t *buf = malloc(dfx_ntds.size);
	dfx_payload_fill(dfx_ntds.seed, 0, buf, dfx_ntds.size);
	struct dsb_findings *f = dsb_findings_new();
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = dfx_ntds.member;
	struct dsb_ese_stream *s = dsb_ese_stream_new(f, 0, &loc);
	dsb_ese_stream_feed(s, buf, dfx_ntds.size);
	dsb_ese_stream_finish(s, true);
	size_t n;
	dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL(n, 0);
	const struct dsb_ese_summary *sum = dsb_ese_stream_summary(s);
	CU_ASSERT_EQUAL(sum->pages_total, dfx_ntds.size / 8192 - 2);
	CU_ASSERT_TRUE(sum->ad_tables_present);
	dsb_ese_stream_free(s);
	dsb_findings_free(f);

	char a[65], b[65];
	dfx_payload_sha256(dfx_ntds.seed, dfx_ntds.size, DFX_NO_FLIP, a);
	dfx_sha256_hex(b, buf, dfx_ntds.size);
	CU_ASSERT_STRING_EQUAL(a, b);
	/* A slice on its own is the same bytes. */
	uint8_t part[1000];
	dfx_payload_fill(dfx_ntds.seed, 50000, part, sizeof(part));
	CU_ASSERT_EQUAL(memcmp(part, buf + 50000, sizeof(part)), 0);
	free(buf);

	/* Rounding: whole pages, never below the minimum. */
	CU_ASSERT_EQUAL(dfx_ese_round_size(1000000, 8192), 1000000 / 8192 * 8192);
	CU_ASSERT_EQUAL(dfx_ese_round_size(1, 8192), (dfx_ese_min_pages(8192) + 2) * 8192);
	uint64_t seed = dfx_ese_payload_seed(dfx_ese_round_size(3u << 20, 4096), 4096, 2);
	uint64_t size = dfx_ese_round_size(3u << 20, 4096);
	buf = malloc(size);
	dfx_payload_fill(seed, 0, buf, size);
	f = dsb_findings_new();
	s = dsb_ese_stream_new(f, 0, &loc);
	dsb_ese_stream_feed(s, buf, size);
	dsb_ese_stream_finish(s, true);
	sum = dsb_ese_stream_summary(s);
	CU_ASSERT_TRUE(sum->trailer_ok);
	CU_ASSERT_EQUAL(sum->page_size, 4096);
	CU_ASSERT_EQUAL(sum->pages_total, size / 4096 - 3);
	dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL(n, 1);   /* E011 */
	dsb_ese_stream_free(s);
	dsb_findings_free(f);
	free(buf);
}

static const struct dsb_test gen_tests[] = {
	{ "page sizes 4-32 KiB, minimum to 5003 pages", test_page_sizes },
	{ "three-level trees at 4 KiB", test_deep_trees },
	{ "old-format checksums", test_old_checksums },
	{ "dirty database", test_dirty },
	{ "streamed copy with its trailer", test_streamed },
	{ "streamed copy without its trailer: E021", test_streamed_without_trailer },
	{ "64 MiB in chunks, deterministic", test_64mib_deterministic },
	{ "through a file: dsb_ese_verify_fd", test_verify_fd },
	{ "the fixtures' payload seed", test_payload_seed },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "esegen", gen_tests },
};

DSB_TEST_MAIN(suites)
