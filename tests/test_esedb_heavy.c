/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DSB-E036 on the real case: large.edb (shared/samples/INDEX.md), written
 * by Windows ESE, which libesedb 20181229 opens but cannot read records
 * of.  About 50 s of CPU in libesedb (its catalog of 65,068 entries and a
 * table of 64,994 columns), hence a _heavy test: the release build only.
 * Its twin, a sample whose every record libesedb reads, is basic.edb.
 *
 * Both need the samples: they are in sample_suites (tests/cunit_main.h),
 * run as the ctest test test_esedb_heavy_samples (labels samples and
 * heavy), listed as skipped when the samples are absent.  The always-run
 * suite holds the twin on the generated database, so that the program
 * alone never passes on a check of the samples it did not make.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures/lib/esegen.h"
#include "verify/ese/ese.h"
#include "verify/ese/esedb_records.h"
#include "verify/findings.h"

#include "tests/cunit_main.h"

#define LARGE "dissect.esedb/large.edb"
#define BASIC "dissect.esedb/basic.edb"

struct run {
	struct dsb_findings *f;
	struct dsb_ese_stream *s;
};

static void check(struct run *r, const char *path)
{
	const struct dsb_esedb_limits lim = DSB_ESEDB_LIMITS_DEFAULT;
	struct dsb_loc loc = DSB_LOC_INIT;
	r->f = dsb_findings_new();
	int fd = open(path, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	r->s = dsb_ese_verify_fd(fd, r->f, 0, &loc, NULL);
	close(fd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->s);
	char err[256];
	CU_ASSERT_TRUE(dsb_esedb_check_file(path, r->f, 0, NULL, dsb_ese_stream_summary(r->s), &lim,
					    err, sizeof(err)));
}

static void run_free(struct run *r)
{
	dsb_ese_stream_free(r->s);
	dsb_findings_free(r->f);
}

static void test_e036_large_edb_records_libesedb_cannot_read(void)
{
	char path[1024];
	if (!dsb_sample_path_present(LARGE, path, sizeof(path)))
		return;
	struct run r;
	check(&r, path);
#ifndef DSB_HAVE_LIBESEDB
	/* Built without libesedb: the pass says it did not run. */
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.f, 0, DSB_E038), 1);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.f, 0, DSB_E036), 0);
#else
	/* Our checks pass; libesedb reads record 15 of table large, and
	 * none of records 0-14, each for the same reason. */
	CU_ASSERT_EQUAL(dsb_findings_total(r.f, 0, DSB_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.f, 0, DSB_E036), 15);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.f, 0, DSB_E037), 0);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.f, 0, DSB_E038), 0);
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(r.f, &n);
	bool seen[16] = { false };
	_Static_assert(sizeof(seen) == 16 * sizeof(bool), "one per record of table large");
	for (size_t i = 0; i < n; i++) {
		if (v[i].rule != DSB_E036)
			continue;
		CU_ASSERT_EQUAL(v[i].severity, DSB_SEV_WARNING);
		CU_ASSERT_STRING_EQUAL(v[i].table, "large");
		unsigned rec = 99;
		CU_ASSERT_EQUAL(sscanf(v[i].message, "libesedb cannot read record %u of table large:", &rec), 1);
		CU_ASSERT_TRUE(rec < 15);
		if (rec < 15)
			seen[rec] = true;
		CU_ASSERT_PTR_NOT_NULL(strstr(v[i].message,
			": libesedb_data_definition_read_record: invalid tagged data type offset "
			"value exceeds next tagged data type offset."));
	}
	for (unsigned k = 0; k < 15; k++)
		CU_ASSERT_TRUE(seen[k]);
#endif
	run_free(&r);
}

/* Every record read: no E036 (without libesedb, one E038 instead). */
static void every_record_read(const char *path)
{
	struct run r;
	check(&r, path);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.f, 0, DSB_E036), 0);
#ifdef DSB_HAVE_LIBESEDB
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.f, 0, DSB_E038), 0);
#else
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.f, 0, DSB_E038), 1);
#endif
	CU_ASSERT_EQUAL(dsb_findings_total(r.f, 0, DSB_SEV_ERROR), 0);
	run_free(&r);
}

static void test_e036_twin_basic_edb_every_record_read(void)
{
	char path[1024];
	if (dsb_sample_path_present(BASIC, path, sizeof(path)))
		every_record_read(path);
}

/* The same twin on the generated database (2 MiB of 32 KiB pages, like
 * large.edb's page size), written to a mkstemp file. */
static void test_e036_twin_generated_every_record_read(void)
{
	const uint32_t cb = 32768;
	char err[256], path[64] = "/tmp/dsb-esedb-heavy-XXXXXX";
	struct dfx_ese_opts o = { .page_size = cb, .pages = (2u << 20) / cb - 2, .seed = 42 };
	struct dfx_ese *g = dfx_ese_new(&o, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	bool ok = dfx_ese_write_fd(g, fd);
	close(fd);
	dfx_ese_free(g);
	CU_ASSERT_TRUE(ok);
	if (ok)
		every_record_read(path);
	unlink(path);
}

static const struct dsb_test sample_tests[] = {
	{ "E036: large.edb, records 0-14 of table large", test_e036_large_edb_records_libesedb_cannot_read },
	{ "E036 twin: basic.edb, every record read", test_e036_twin_basic_edb_every_record_read },
	{ NULL, NULL },
};

static const struct dsb_test built_tests[] = {
	{ "E036 twin: generated database, every record read", test_e036_twin_generated_every_record_read },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "libesedb on the built database", built_tests },
};

static const struct dsb_suite sample_suites[] = {
	{ "libesedb on large.edb and basic.edb", sample_tests },
};

DSB_TEST_MAIN_WITH_SAMPLES(suites, sample_suites)
