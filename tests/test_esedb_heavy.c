/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DSB-E036 on the real case: large.edb (shared/samples/INDEX.md), written
 * by Windows ESE, which libesedb 20181229 opens but cannot read records
 * of.  About 50 s of CPU in libesedb (its catalog of 65,068 entries and a
 * table of 64,994 columns), hence a _heavy test: the release build only.
 * Its twin, a sample whose every record libesedb reads, is basic.edb.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "verify/ese/ese.h"
#include "verify/ese/esedb_records.h"
#include "verify/findings.h"

#include "tests/cunit_main.h"

#define LARGE DSB_SAMPLES_DIR "/dissect.esedb/large.edb"
#define BASIC DSB_SAMPLES_DIR "/dissect.esedb/basic.edb"

#ifdef DSB_HAVE_LIBESEDB
static bool present(const char *path)
{
	if (access(path, R_OK) == 0)
		return true;
	printf("\n  skipped: sample %s absent ", path);
	fflush(stdout);
	return false;
}

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

#endif

static void test_e036_large_edb_records_libesedb_cannot_read(void)
{
#ifndef DSB_HAVE_LIBESEDB
	printf("\n  skipped: built without libesedb ");
#else
	if (!present(LARGE))
		return;
	struct run r;
	check(&r, LARGE);
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
	run_free(&r);
#endif
}

static void test_e036_twin_basic_edb_every_record_read(void)
{
#ifdef DSB_HAVE_LIBESEDB
	if (!present(BASIC))
		return;
	struct run r;
	check(&r, BASIC);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.f, 0, DSB_E036), 0);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.f, 0, DSB_E038), 0);
	run_free(&r);
#endif
}

static const struct dsb_test tests[] = {
	{ "E036: large.edb, records 0-14 of table large", test_e036_large_edb_records_libesedb_cannot_read },
	{ "E036 twin: basic.edb, every record read", test_e036_twin_basic_edb_every_record_read },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "libesedb on large.edb", tests },
};

DSB_TEST_MAIN(suites)
