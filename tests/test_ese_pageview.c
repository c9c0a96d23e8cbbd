/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The page view (format/ese_pageview.c) against the old decoding: on every
 * page of every sample (sample_suites, tests/cunit_main.h: the ctest test
 * test_ese_pageview_samples, listed as skipped when the samples are
 * absent), of generated databases of every page size, and of damaged copies of their pages (bytes of the header,
 * the tag array and the nodes changed in many shapes), the view must say
 * what dsb_ese_pghdr_decode, dsb_ese_tag_read and dsb_ese_node_decode say
 * tag by tag, and the structure checks over it must list the same
 * problems (rule, offset, text) as the checks before the view
 * (tests/ese_structure_ref.h).  Also the count of problems of a rule past
 * the first one, which used to be dropped.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fixtures/lib/esegen.h"
#include "tests/ese_structure_ref.h"
#include "tests/test_ese_fixture.h"
#include "tests/cunit_main.h"

/* ---- comparing one page ---------------------------------------------------- */

struct tally {
	uint64_t pages;        /* pages compared */
	uint64_t with_problems;/* of which the old checks found a problem on */
	uint64_t mismatches;
};

/* The view against the per-tag decoders; true when they agree. */
static bool view_matches_tags(const uint8_t *page, size_t cb, const struct dsb_ese_pageview *v)
{
	struct dsb_ese_pghdr h;
	bool hdr_ok = cb <= DSB_ESE_PAGE_MAX && dsb_ese_pghdr_decode(page, cb, &h);
	if (hdr_ok != v->hdr_ok)
		return false;
	if (!hdr_ok)
		return true;
	if (memcmp(&h, &v->h, sizeof(h)) != 0)
		return false;
	for (unsigned i = 0; i < h.ntags; i++) {
		struct dsb_ese_tag t;
		bool t_ok = dsb_ese_tag_read(page, cb, &h, i, &t);
		if (t_ok != (i < v->ntags_read))
			return false;
		if (!t_ok)
			continue;
		const struct dsb_ese_vtag *w = &v->tag[i];
		if (t.cb != w->cb || t.ib != w->ib || t.flags != w->flags)
			return false;
		struct dsb_ese_node n, m;
		bool n_ok = dsb_ese_node_decode(page, cb, &h, &t, &n);
		bool m_ok = dsb_ese_pageview_node(v, i, &m);
		if (n_ok != m_ok || n_ok != w->node_ok)
			return false;
		if (n_ok && (n.flags != m.flags || n.prefix_len != m.prefix_len ||
			     n.suffix_len != m.suffix_len || n.suffix != m.suffix ||
			     n.data != m.data || n.data_len != m.data_len))
			return false;
	}
	return true;
}

/* Same problems, in the same order, as the checks before the view. */
static bool checks_match(const uint8_t *page, size_t cb, bool *any)
{
	struct dsb_ese_page_problem a[DSB_ESE_PAGE_PROBLEMS_MAX], b[DSB_ESE_PAGE_PROBLEMS_MAX];
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	size_t na = ref_structure_check(page, cb, a);
	size_t nb = dsb_ese_page_structure_check(page, cb, b);
	*any = na > 0;
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].rule != b[i].rule || a[i].at != b[i].at || strcmp(a[i].what, b[i].what) != 0)
			return false;
	return true;
}

static struct dsb_ese_pageview view;   /* 64 KiB: not on the stack of every call */

static void compare_page(const uint8_t *page, size_t cb, struct tally *t, const char *what,
			 uint64_t pgno)
{
	(void)dsb_ese_pageview_decode(page, cb, &view);
	bool any = false;
	bool ok = view_matches_tags(page, cb, &view) && checks_match(page, cb, &any);
	t->pages++;
	t->with_problems += any;
	if (!ok && t->mismatches++ < 5)
		fprintf(stderr, "\n  %s: page %llu: the view and the old decoding differ",
			what, (unsigned long long)pgno);
}

/* ---- damage of many shapes ------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64: deterministic, so a failure is reproducible. */
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

enum { SHAPES = 9 };

/* Damage a copy of a page in one of SHAPES ways. */
static void damage(uint8_t *p, size_t cb, unsigned shape, uint64_t *rng)
{
	uint64_t r = rng_next(rng);
	struct dsb_ese_pghdr h;
	bool hdr = dsb_ese_pghdr_decode(p, cb, &h);
	size_t hdr_size = cb > DSB_ESE_SMALL_PAGE_MAX ? DSB_ESE_PGHDR2_SIZE : DSB_ESE_PGHDR_SIZE;
	/* A tag inside the page, whatever the (damaged) count says. */
	size_t ntags = hdr && h.ntags ? h.ntags : 1;
	if (ntags > (cb - hdr_size) / DSB_ESE_TAG_SIZE)
		ntags = (cb - hdr_size) / DSB_ESE_TAG_SIZE;
	size_t tag_at = cb - (size_t)DSB_ESE_TAG_SIZE * (1 + r % ntags);
	switch (shape) {
	case 0:   /* a random byte of the page header */
		p[(r >> 8) % hdr_size] = (uint8_t)(r >> 40);
		break;
	case 1:   /* a random byte of the tag array */
		p[tag_at + (r >> 8) % 4] = (uint8_t)(r >> 40);
		break;
	case 2:   /* a tag's size */
		xput16(p + tag_at, (uint16_t)(r >> 16));
		break;
	case 3:   /* a tag's offset (node flags of a small page with it) */
		xput16(p + tag_at + 2, (uint16_t)(r >> 16));
		break;
	case 4:   /* a tag emptied */
		xput16(p + tag_at, 0);
		break;
	case 5:   /* the tag count */
		xput16(p + DSB_ESE_PG_ITAG_STATE_OFF, (uint16_t)(r >> 16));
		break;
	case 6:   /* ibMicFree or a free count */
		xput16(p + DSB_ESE_PG_CB_FREE_OFF + 2 * ((r >> 8) % 3), (uint16_t)(r >> 16));
		break;
	case 7:   /* a node's first bytes: key lengths, large-page node flags */
		if (hdr && (size_t)h.ib_mic_free + hdr_size + 1 < cb) {
			size_t at = hdr_size + (r >> 8) % ((size_t)h.ib_mic_free + 1);
			p[at] = (uint8_t)(r >> 40);
			p[at + 1] = (uint8_t)(r >> 48);
		}
		break;
	default:  /* page flags */
		xput32(p + DSB_ESE_PG_FLAGS_OFF, xget32(p + DSB_ESE_PG_FLAGS_OFF) ^ (uint32_t)(1u << ((r >> 8) % 20)));
		break;
	}
}

/* Every page of an image as it is, then DAMAGE_ROUNDS damaged copies of
 * every page (each shape in turn). */
#define DAMAGE_ROUNDS 4
static void compare_image(const uint8_t *buf, size_t len, size_t cb, struct tally *t,
			  const char *what, uint64_t seed)
{
	uint8_t *copy = malloc(cb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	uint64_t rng = seed;
	for (size_t off = 2 * cb; off + cb <= len; off += cb) {
		uint64_t pgno = off / cb - 1;
		compare_page(buf + off, cb, t, what, pgno);
		for (unsigned k = 0; k < DAMAGE_ROUNDS * SHAPES; k++) {
			memcpy(copy, buf + off, cb);
			damage(copy, cb, k % SHAPES, &rng);
			compare_page(copy, cb, t, what, pgno);
		}
	}
	free(copy);
}

/* ---- the sources ------------------------------------------------------------ */

/* From shared/samples/INDEX.md: every ESE file there, with its page size. */
static const struct {
	const char *path;
	uint32_t cb;
} samples[] = {
	{ "DSInternals/Initial/ntds.dit", 8192 },
	{ "DSInternals/InitialLDS/adamntds.dit", 8192 },
	{ "dissect.esedb/SRUDB.dat", 4096 },
	{ "dissect.esedb/Current.mdb", 4096 },
	{ "dissect.esedb/basic.edb", 4096 },
	{ "dissect.esedb/binary.edb", 4096 },
	{ "dissect.esedb/default.edb", 4096 },
	{ "dissect.esedb/index.edb", 4096 },
	{ "dissect.esedb/multi.edb", 4096 },
	{ "dissect.esedb/text.edb", 4096 },
	{ "dissect.esedb/large.edb", 32768 },
};

static void test_pageview_matches_old_decoding_samples(void)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		size_t len = 0;
		uint8_t *buf = dsb_sample_load(samples[i].path, &len);
		CU_ASSERT_PTR_NOT_NULL(buf);
		if (!buf)
			continue;
		struct tally t = { 0 };
		/* Every page as it is; damaged copies of a sample's pages only for
		 * the small ones (the 25 MB large.edb as is). */
		if (len <= (16u << 20))
			compare_image(buf, len, samples[i].cb, &t, samples[i].path, 1000 + i);
		else
			for (size_t off = 2 * (size_t)samples[i].cb; off + samples[i].cb <= len; off += samples[i].cb)
				compare_page(buf + off, samples[i].cb, &t, samples[i].path, off / samples[i].cb - 1);
		CU_ASSERT_EQUAL(t.mismatches, 0);
		CU_ASSERT_EQUAL(t.pages >= len / samples[i].cb - 2, true);
		free(buf);
	}
}

static void test_pageview_matches_old_decoding_generated(void)
{
	static const uint32_t sizes[] = { 4096, 8192, 16384, 32768 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int old = 0; old <= (sizes[i] <= 8192); old++) {
			struct dfx_ese_opts o = {
				.page_size = sizes[i],
				.pages = dfx_ese_min_pages(sizes[i]) + 40,
				.seed = 7 + i,
				.old_checksum = old,
			};
			char err[256];
			struct dfx_ese *g = dfx_ese_new(&o, err, sizeof(err));
			CU_ASSERT_PTR_NOT_NULL_FATAL(g);
			size_t len = (size_t)dfx_ese_size(g);
			uint8_t *buf = malloc(len);
			CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
			dfx_ese_fill(g, 0, buf, len);
			struct tally t = { 0 };
			char what[64];
			snprintf(what, sizeof(what), "generated %u-byte pages%s", sizes[i], old ? ", old checksums" : "");
			compare_image(buf, len, sizes[i], &t, what, 2000 + i);
			CU_ASSERT_EQUAL(t.mismatches, 0);
			/* The damage did reach the checks: most pages must now have
			 * problems, and every page was compared. */
			CU_ASSERT_TRUE(t.with_problems > t.pages / 4);
			CU_ASSERT_EQUAL(t.pages, (o.pages) * (1 + DAMAGE_ROUNDS * SHAPES));
			free(buf);
			dfx_ese_free(g);
		}
	}
	/* The hand-built database of the other ESE tests: root, catalog,
	 * internal, leaves and an index root. */
	struct xdb x;
	xdb_build(&x, 4096);
	struct tally t = { 0 };
	compare_image(x.buf, x.len, x.cb, &t, "tests/test_ese_fixture.h", 3000);
	CU_ASSERT_EQUAL(t.mismatches, 0);
	xdb_free(&x);
}

/* Buffers of every length around the header sizes: the view decodes
 * what the old decoders decode and never reads past the buffer (ASan). */
static void test_pageview_short_buffers(void)
{
	uint8_t page[DSB_ESE_PGHDR2_SIZE + 8];
	memset(page, 0xFF, sizeof(page));
	struct tally t = { 0 };
	for (size_t cb = 0; cb <= sizeof(page); cb++) {
		uint8_t *b = malloc(cb ? cb : 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		memcpy(b, page, cb);
		compare_page(b, cb, &t, "short buffer", cb);
		free(b);
	}
	CU_ASSERT_EQUAL(t.mismatches, 0);
	/* Larger than any page: not decoded (the 16-bit offsets could not
	 * hold it), and the checks say so. */
	size_t big = 2 * DSB_ESE_PAGE_MAX;
	uint8_t *b = calloc(1, big);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_FALSE(dsb_ese_pageview_decode(b, big, &view));
	struct dsb_ese_page_problem pr[DSB_ESE_PAGE_PROBLEMS_MAX];
	CU_ASSERT_EQUAL(dsb_ese_page_structure_check(b, big, pr), 1);
	CU_ASSERT_EQUAL(pr[0].rule, DSB_E016);
	free(b);
}

/* ---- problems of a rule past the first are counted --------------------------------- */

/* Page 6 of the hand-built database (4 KiB): tags 1-3 are its nodes. */
static void empty_tags(uint8_t *p, unsigned n)
{
	for (unsigned i = 1; i <= n; i++)
		xput16(p + 4096 - 4 * (i + 1), 0);
}

static void regression_page_problems_past_first_of_rule_counted(void)
{
	struct xdb x;
	xdb_build(&x, 4096);
	uint8_t *p = xdb_page(&x, 6);
	/* A problem of every page-local rule, and three of E016. */
	xput32(p + DSB_ESE_PG_FLAGS_OFF,
	       xget32(p + DSB_ESE_PG_FLAGS_OFF) | DSB_ESE_PF_REPAIR | DSB_ESE_PF_PARENT_OF_LEAF);
	xput16(p + DSB_ESE_PG_CB_UNCOMMITTED_OFF, 4050);
	empty_tags(p, 3);
	struct dsb_ese_page_problem pr[DSB_ESE_PAGE_PROBLEMS_MAX];
	size_t n = dsb_ese_page_structure_check(p, 4096, pr);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_EQUAL(pr[0].rule, DSB_E019);
	CU_ASSERT_EQUAL(pr[1].rule, DSB_E018);
	CU_ASSERT_EQUAL(pr[2].rule, DSB_E017);
	CU_ASSERT_EQUAL(pr[3].rule, DSB_E016);
	CU_ASSERT_STRING_EQUAL(pr[3].what, "tag 1 is empty");
	CU_ASSERT_EQUAL(pr[3].at, 4096 - 8);
	CU_ASSERT_EQUAL(pr[3].more, 2);      /* tags 2 and 3 */
	CU_ASSERT_EQUAL(pr[0].more, 0);
	CU_ASSERT_EQUAL(pr[1].more, 0);
	CU_ASSERT_EQUAL(pr[2].more, 0);

	/* In the stream: the finding names the problems not listed. */
	xdb_stamp(&x);
	struct xrun r;
	xrun_buf(&r, x.buf, x.len, 0, NULL);
	const struct dsb_finding *e16 = xfind(&r, DSB_E016);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e16);
	CU_ASSERT_STRING_EQUAL(e16->message, "page 6: tag 1 is empty (and 2 more DSB-E016 problems on this page)");
	CU_ASSERT_EQUAL(xcount(&r, DSB_E016), 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E017), 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E018), 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E019), 1);
	xrun_free(&r);
	xdb_free(&x);
}

/* The twin: one empty tag, nothing more to count. */
static void test_page_problem_single_not_counted(void)
{
	struct xdb x;
	xdb_build(&x, 4096);
	uint8_t *p = xdb_page(&x, 6);
	empty_tags(p, 1);
	struct dsb_ese_page_problem pr[DSB_ESE_PAGE_PROBLEMS_MAX];
	size_t n = dsb_ese_page_structure_check(p, 4096, pr);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(pr[0].rule, DSB_E016);
	CU_ASSERT_EQUAL(pr[0].more, 0);
	xdb_stamp(&x);
	struct xrun r;
	xrun_buf(&r, x.buf, x.len, 0, NULL);
	const struct dsb_finding *e16 = xfind(&r, DSB_E016);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e16);
	CU_ASSERT_STRING_EQUAL(e16->message, "page 6: tag 1 is empty");
	xrun_free(&r);
	xdb_free(&x);
}

/* The old checks and the new ones agree on these pages too (the count
 * aside, which the old checks did not keep). */
static void test_page_problem_pages_match_old(void)
{
	struct xdb x;
	xdb_build(&x, 4096);
	uint8_t *p = xdb_page(&x, 6);
	struct tally t = { 0 };
	empty_tags(p, 1);
	compare_page(p, 4096, &t, "one empty tag", 6);
	empty_tags(p, 3);
	compare_page(p, 4096, &t, "three empty tags", 6);
	CU_ASSERT_EQUAL(t.mismatches, 0);
	CU_ASSERT_EQUAL(t.with_problems, 2);
	xdb_free(&x);
}

static const struct dsb_test sample_tests[] = {
	{ "page view = old decoding on every page of every sample, damaged too",
	  test_pageview_matches_old_decoding_samples },
	{ NULL, NULL },
};

static const struct dsb_test view_tests[] = {
	{ "page view = old decoding on generated databases of every page size, damaged too",
	  test_pageview_matches_old_decoding_generated },
	{ "page view on short and oversized buffers", test_pageview_short_buffers },
	{ NULL, NULL },
};

static const struct dsb_test problem_tests[] = {
	{ "regression_page_problems_past_first_of_rule_counted",
	  regression_page_problems_past_first_of_rule_counted },
	{ "a single problem of a rule: nothing more counted", test_page_problem_single_not_counted },
	{ "pages with counted problems match the old checks", test_page_problem_pages_match_old },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "ese page view: built databases and buffers", view_tests },
	{ "ese page problems: built database", problem_tests },
};

static const struct dsb_suite sample_suites[] = {
	{ "ese page view: the samples", sample_tests },
};

DSB_TEST_MAIN_WITH_SAMPLES(suites, sample_suites)
