/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbfixture big OUT --size S --logs L --log-size N` (fixtures/lib/
 * bigcap.c, dfx_big_set_write): a domain controller's full backup at
 * scale, the capture bench/capbench.sh times.  Small here: what it
 * writes verifies clean, the set restorable, every member complete with
 * the hash the journal carries; bad sizes are refused with a message.
 */
#include "fixtures/lib/scenarios.h"
#include "fixtures/lib/loggen.h"
#include "verify/capture/capture.h"

#include "tests/archive_fixture.h"
#include "tests/cunit_main.h"

static void test_big_set_is_clean(void)
{
	char out[256], err[256];
	snprintf(out, sizeof out, "%s/bigset.tar", tw_tmpdir());
	/* a 2 MiB database, 3 logs of 256 KiB (700 KiB rounds up to 3), reads of 64 KiB */
	CU_ASSERT_EQUAL_FATAL(dfx_big_set_write(out, 2u << 20, 700u << 10, 256u << 10, 65536,
						err, sizeof err), 0);
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_WARNING);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(dsb_verify_input(r, out, NULL), 0);
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
	CU_ASSERT_EQUAL(dsb_findings_total(r->findings, -1, DSB_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(dsb_findings_total(r->findings, -1, DSB_SEV_WARNING), 0);
	CU_ASSERT_EQUAL(r->ndatabases, 1);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL_FATAL(r->nlogs, 3);
	for (size_t i = 0; i < r->nlogs; i++) {
		CU_ASSERT_EQUAL(r->logs[i].generation, 5 + i);
		CU_ASSERT_EQUAL(r->logs[i].size, 256u << 10);
		CU_ASSERT_EQUAL(r->logs[i].segments.bad, 0);
		CU_ASSERT_EQUAL(r->logs[i].segments.valid, 62);   /* 64 - header - the last, empty */
	}
	/* The database and the 3 logs, each read whole and hashed as recorded. */
	CU_ASSERT_EQUAL_FATAL(r->nsessions, 1);
	CU_ASSERT_EQUAL_FATAL(r->sessions[0].nfiles, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct dsb_file_entry *f = &r->sessions[0].files[i];
		CU_ASSERT_TRUE(f->complete);
		CU_ASSERT_TRUE(f->has_sha256);
		CU_ASSERT_EQUAL(f->bytes_read, f->file_size);
	}
	CU_ASSERT_TRUE(r->sessions[0].files[0].file_size >= 2u << 20);
	dsb_report_free(r);
	remove(out);
}

static void test_big_set_refuses_bad_sizes(void)
{
	char out[256], err[256] = "";
	snprintf(out, sizeof out, "%s/bigset-bad.tar", tw_tmpdir());
	CU_ASSERT_EQUAL(dfx_big_set_write(out, 1u << 20, 0, 1u << 20, 65536, err, sizeof err), -1);
	CU_ASSERT_STRING_EQUAL(err, "the sizes and the read size must be positive");
	/* one log more than a set may hold */
	CU_ASSERT_EQUAL(dfx_big_set_write(out, 1u << 20, (uint64_t)(DFX_LOGSET_MAX_LOGS + 1) * 4096,
					  4096, 65536, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most 65536 logs"));
	remove(out);
}

static const struct dsb_test big_set_tests[] = {
	{ "big --logs: a clean capture, the set restorable", test_big_set_is_clean },
	{ "big --logs: bad sizes refused", test_big_set_refuses_bad_sizes },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "big capture of a database and its logs", big_set_tests },
};

int main(void)
{
	/* Shared fixture helpers this program does not need. */
	(void)tw_stdin_restore;
	(void)tw_stdin_from;
	(void)tw_fill;
	(void)tw_sha256_file;
	(void)tw_write_file;
	(void)tw_write;
	int rc = dsb_run_suites(suites, sizeof(suites) / sizeof(suites[0]));
	tw_cleanup();
	return rc;
}
