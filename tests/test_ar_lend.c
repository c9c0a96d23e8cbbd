/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Blocks lent by the reader (dsb_ar_lend, format/archive.h) to the ESE
 * worker instead of copied: a lent block stays as it was until it is
 * returned, however far the reader reads on; what cannot be kept alive
 * (decompressed data) is not lent; and a capture verified with its
 * database's blocks lent (uncompressed tar, memory) gives the same
 * findings as with them copied (gzip, folder).  Logs go to the same
 * worker: a database and its logs checked there or on the reader's
 * thread give the same findings, log entries and member hashes.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "format/archive.h"
#include "verify/capture/capture.h"
#include "fixtures/lib/dcbackup.h"
#include "fixtures/lib/esegen.h"

#include "tests/archive_fixture.h"
#include "tests/test_ese_fixture.h"
#include "tests/cunit_main.h"

#define BIG (9u * DSB_AR_BUFSIZE + 12345)   /* more raw reads than raw buffers (8) */

/* ---- the reader's loans ----------------------------------------------------------- */

struct holder {
	struct dsb_ar *ar;
	const uint8_t *block;
	uint8_t *snapshot;
	size_t len;
	int loan;
	bool unchanged;          /* the block still held its bytes when returned */
	atomic_bool returned;
};

/* Keep the loan a while (the reader reads on meanwhile, up to the
 * buffer it must not reuse), check the block, give it back. */
static void *hold_then_return(void *arg)
{
	struct holder *h = arg;
	struct timespec d = { .tv_sec = 0, .tv_nsec = 150 * 1000 * 1000 };
	nanosleep(&d, NULL);
	h->unchanged = memcmp(h->block, h->snapshot, h->len) == 0;
	atomic_store(&h->returned, true);
	dsb_ar_return(h->ar, h->loan);
	return NULL;
}

static const char *write_big(const int *filters, int nfilters, uint8_t **data)
{
	static char path[256];
	*data = malloc(BIG);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*data);
	tw_fill(*data, BIG, 99);
	struct tw_member m = { .name = "big.bin", .data = *data, .len = BIG };
	snprintf(path, sizeof path, "%s/big.tar%s", tw_tmpdir(), nfilters ? ".gz" : "");
	CU_ASSERT_FATAL(tw_write(path, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, filters, nfilters, &m, 1));
	return path;
}

/* The first block of an uncompressed tar member is lent; the reader then
 * reads the rest of the 5 MiB member, which needs its raw buffers again,
 * and must wait for the loan instead of overwriting the block. */
static void regression_lent_block_not_overwritten_by_later_reads(void)
{
	uint8_t *data;
	const char *path = write_big(NULL, 0, &data);
	struct dsb_ar *ar = dsb_ar_open(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ar);
	struct dsb_ar_member m;
	CU_ASSERT_EQUAL_FATAL(dsb_ar_next(ar, &m), DSB_AR_OK);
	const void *p;
	size_t n;
	CU_ASSERT_EQUAL_FATAL(dsb_ar_data(ar, &p, &n), DSB_AR_OK);
	struct holder h = { .ar = ar, .block = p, .len = n };
	atomic_init(&h.returned, false);
	CU_ASSERT_TRUE_FATAL(dsb_ar_lend(ar, p, n, &h.loan));
	CU_ASSERT_NOT_EQUAL(h.loan, DSB_AR_NO_LOAN);
	h.snapshot = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h.snapshot);
	memcpy(h.snapshot, p, n);
	pthread_t t;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, hold_then_return, &h), 0);
	/* Read on; compare every byte with what was packed. */
	size_t got = n;
	bool same = memcmp(p, data, n) == 0;
	while (dsb_ar_data(ar, &p, &n) == DSB_AR_OK) {
		same = same && got + n <= BIG && memcmp(p, data + got, n) == 0;
		got += n;
	}
	/* Reading all of it reused the lent block's buffer: only after the
	 * loan came back. */
	CU_ASSERT_TRUE(atomic_load(&h.returned));
	pthread_join(t, NULL);
	CU_ASSERT_TRUE(h.unchanged);
	CU_ASSERT_TRUE(same);
	CU_ASSERT_EQUAL(got, BIG);
	CU_ASSERT_EQUAL(dsb_ar_next(ar, &m), DSB_AR_END);
	dsb_ar_finish(ar);
	char hex[65], want[65];
	CU_ASSERT_TRUE(dsb_ar_input_sha256(ar, hex));
	uint64_t size;
	CU_ASSERT_TRUE(tw_sha256_file(path, want, &size));
	CU_ASSERT_STRING_EQUAL(hex, want);
	dsb_ar_free(ar);
	free(h.snapshot);
	free(data);
}

/* The twin: decompressed blocks live in libarchive's buffers, which the
 * next read overwrites: never lent. */
static void test_decompressed_blocks_not_lent(void)
{
	uint8_t *data;
	const int gz[] = { ARCHIVE_FILTER_GZIP };
	const char *path = write_big(gz, 1, &data);
	struct dsb_ar *ar = dsb_ar_open(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ar);
	struct dsb_ar_member m;
	CU_ASSERT_EQUAL_FATAL(dsb_ar_next(ar, &m), DSB_AR_OK);
	const void *p;
	size_t n, blocks = 0, lent = 0;
	while (dsb_ar_data(ar, &p, &n) == DSB_AR_OK) {
		int loan;
		blocks++;
		if (dsb_ar_lend(ar, p, n, &loan)) {
			lent++;
			dsb_ar_return(ar, loan);
		}
	}
	CU_ASSERT_TRUE(blocks > 0);
	CU_ASSERT_EQUAL(lent, 0);
	dsb_ar_free(ar);
	free(data);
}

/* An archive in memory outlives the reader: its blocks are lent with
 * nothing to return; a block that is not the input's is not. */
static void test_memory_blocks_lent_without_hold(void)
{
	uint8_t *data;
	const char *path = write_big(NULL, 0, &data);
	size_t len;
	uint8_t *tar = tw_read_file(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tar);
	struct dsb_ar *ar = dsb_ar_open_memory(tar, len, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ar);
	struct dsb_ar_member m;
	CU_ASSERT_EQUAL_FATAL(dsb_ar_next(ar, &m), DSB_AR_OK);
	const void *p;
	size_t n;
	CU_ASSERT_EQUAL_FATAL(dsb_ar_data(ar, &p, &n), DSB_AR_OK);
	int loan = 0;
	CU_ASSERT_TRUE(dsb_ar_lend(ar, p, n, &loan));
	CU_ASSERT_EQUAL(loan, DSB_AR_NO_LOAN);
	dsb_ar_return(ar, loan);
	CU_ASSERT_FALSE(dsb_ar_lend(ar, data, 16, &loan));   /* not the input's bytes */
	dsb_ar_free(ar);
	free(tar);
	free(data);
}

/* ---- the ESE worker: lent or copied, the same findings ------------------------------- */

/* A generated 8 KiB-page database of about 6 MiB with a flipped bit in
 * one page, a zeroed page and a damaged tag array in a third. */
static uint8_t *damaged_db(size_t *len)
{
	struct dfx_ese_opts o = { .page_size = 8192, .pages = 760, .seed = 11 };
	char err[256];
	struct dfx_ese *g = dfx_ese_new(&o, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	*len = (size_t)dfx_ese_size(g);
	uint8_t *db = malloc(*len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(db);
	dfx_ese_fill(g, 0, db, *len);
	dfx_ese_free(g);
	db[(size_t)(300 + 1) * 8192 + 5000] ^= 0x04;           /* page 300: one bit */
	memset(db + (size_t)(500 + 1) * 8192, 0, 8192);        /* page 500: zero */
	uint8_t *p = db + (size_t)(650 + 1) * 8192;            /* page 650: a tag emptied */
	xput16(p + 8192 - 8, 0);
	dsb_ese_page_stamp(p, 8192, 650);
	return db;
}

static bool same_findings(struct dsb_report *a, struct dsb_report *b)
{
	size_t na, nb;
	const struct dsb_finding *fa = dsb_findings_sorted(a->findings, &na);
	const struct dsb_finding *fb = dsb_findings_sorted(b->findings, &nb);
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (fa[i].rule != fb[i].rule || fa[i].page != fb[i].page ||
		    fa[i].offset != fb[i].offset || strcmp(fa[i].message, fb[i].message) != 0)
			return false;
	return true;
}

static size_t count(struct dsb_report *r, enum dsb_rule rule)
{
	return (size_t)dsb_findings_count_rule(r->findings, -1, rule);
}

static void test_capture_lent_and_copied_same_findings(void)
{
	size_t len;
	uint8_t *db = damaged_db(&len);
	struct tw_member m = { .name = "cap/data/ntds.edb", .data = db, .len = len };
	const char *dir = tw_tmpdir();
	char tar[256], tgz[256];
	snprintf(tar, sizeof tar, "%s/capture.tar", dir);
	snprintf(tgz, sizeof tgz, "%s/capture.tar.gz", dir);
	const int gz[] = { ARCHIVE_FILTER_GZIP };
	CU_ASSERT_FATAL(tw_write(tar, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, NULL, 0, &m, 1));
	CU_ASSERT_FATAL(tw_write(tgz, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, gz, 1, &m, 1));
	size_t tlen;
	uint8_t *tbuf = tw_read_file(tar, &tlen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tbuf);

	struct dsb_report *lent = dsb_report_new(DSB_FAIL_ON_ERROR);
	struct dsb_report *copied = dsb_report_new(DSB_FAIL_ON_ERROR);
	struct dsb_report *mem = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_FATAL(lent && copied && mem);
	CU_ASSERT_EQUAL(dsb_verify_input(lent, tar, NULL), 0);
	CU_ASSERT_EQUAL(dsb_verify_input(copied, tgz, NULL), 0);
	CU_ASSERT_EQUAL(dsb_verify_memory(mem, "capture.tar", tbuf, tlen, NULL), 0);
	/* The damage was seen, at the pages it was made in. */
	CU_ASSERT_EQUAL(count(lent, DSB_E014) + count(lent, DSB_E027), 1);
	CU_ASSERT_EQUAL(count(lent, DSB_E016), 1);
	CU_ASSERT_EQUAL_FATAL(lent->ndatabases, 1);
	CU_ASSERT_EQUAL(lent->databases[0].sum.pages_total, 760);
	CU_ASSERT_EQUAL(lent->databases[0].sum.pages_bitflip, 1);
	CU_ASSERT_EQUAL(lent->databases[0].sum.pages_uninit, copied->databases[0].sum.pages_uninit);
	CU_ASSERT_TRUE(same_findings(lent, copied));
	CU_ASSERT_TRUE(same_findings(lent, mem));
	dsb_report_free(lent);
	dsb_report_free(copied);
	dsb_report_free(mem);
	free(tbuf);
	free(db);
}


/* ---- logs on the worker: the same as on the reader ----------------------------- */

static bool same_logs(const struct dsb_report *a, const struct dsb_report *b)
{
	if (a->nlogs != b->nlogs)
		return false;
	for (size_t i = 0; i < a->nlogs; i++) {
		const struct dsb_log_entry *x = &a->logs[i], *y = &b->logs[i];
		const struct dsb_log_segments *sx = &x->segments, *sy = &y->segments;
		if (strcmp(x->name, y->name) != 0 || x->size != y->size ||
		    x->header_ok != y->header_ok || x->generation != y->generation ||
		    x->has_segments != y->has_segments || x->errors != y->errors ||
		    sx->valid != sy->valid || sx->empty != sy->empty || sx->bad != sy->bad ||
		    sx->corrected != sy->corrected || sx->shadow != sy->shadow)
			return false;
	}
	return true;
}

/* Every data member's hash, as the sessions' files carry them. */
static bool same_member_hashes(const struct dsb_report *a, const struct dsb_report *b)
{
	if (a->nsessions != b->nsessions)
		return false;
	for (size_t s = 0; s < a->nsessions; s++) {
		if (a->sessions[s].nfiles != b->sessions[s].nfiles)
			return false;
		for (size_t i = 0; i < a->sessions[s].nfiles; i++) {
			const struct dsb_file_entry *x = &a->sessions[s].files[i];
			const struct dsb_file_entry *y = &b->sessions[s].files[i];
			if (x->has_sha256 != y->has_sha256 || strcmp(x->sha256, y->sha256) != 0)
				return false;
		}
	}
	return true;
}

/* dc-full-backup (a streamed database, generations 5..9 of 1 MiB logs:
 * several raw reads each) with one log damaged, as a tar (blocks lent)
 * and a tar.gz (blocks copied), each verified with workers and without:
 * four reports that agree, and that saw the damage. */
static void check_logs_worker_or_reader(enum dfx_logset_damage damage, enum dsb_rule rule,
					const char *tag)
{
	char err[256];
	struct dfx_cap *c = dfx_dc_backup(&(struct dfx_dcb_opts){ .damage = damage }, err,
					  sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	char tar[256], tgz[256];
	snprintf(tar, sizeof tar, "%s/logs-%s.tar", tw_tmpdir(), tag);
	snprintf(tgz, sizeof tgz, "%s/logs-%s.tar.gz", tw_tmpdir(), tag);
	CU_ASSERT_EQUAL_FATAL(dfx_cap_write(c, tar, &(struct dfx_write_opts){ DFX_TAR, DFX_FNONE, -1 },
					    err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(dfx_cap_write(c, tgz, &(struct dfx_write_opts){ DFX_TAR, DFX_GZIP, -1 },
					    err, sizeof err), 0);
	dfx_cap_free(c);

	const char *paths[2] = { tar, tgz };
	struct dsb_report *r[2][2];   /* [tar, tgz][worker, reader] */
	for (int p = 0; p < 2; p++)
		for (int w = 0; w < 2; w++) {
			struct dsb_verify_opts o = { .no_workers = w == 1 };
			r[p][w] = dsb_report_new(DSB_FAIL_ON_ERROR);
			CU_ASSERT_PTR_NOT_NULL_FATAL(r[p][w]);
			CU_ASSERT_EQUAL(dsb_verify_input(r[p][w], paths[p], &o), 0);
		}
	struct dsb_report *ref = r[0][0];
	CU_ASSERT_EQUAL(ref->nlogs, 5);
	CU_ASSERT_EQUAL(ref->ndatabases, 1);
	CU_ASSERT_EQUAL(count(ref, rule), 1);
	CU_ASSERT_EQUAL_FATAL(ref->nlogs, 5);
	/* generation 7, the middle log, took the damage */
	const struct dsb_log_segments *g7 = &ref->logs[2].segments;
	CU_ASSERT_EQUAL(ref->logs[2].generation, 7);
	CU_ASSERT_EQUAL(g7->corrected, rule == DSB_L008 ? 1 : 0);
	CU_ASSERT_EQUAL(g7->bad, rule == DSB_L011 ? 1 : 0);
	CU_ASSERT_EQUAL(g7->valid + g7->bad, 254);
	CU_ASSERT_EQUAL(ref->logs[0].segments.valid, 254);
	for (int p = 0; p < 2; p++)
		for (int w = 0; w < 2; w++) {
			CU_ASSERT_TRUE(same_findings(ref, r[p][w]));
			CU_ASSERT_TRUE(same_logs(ref, r[p][w]));
			CU_ASSERT_TRUE(same_member_hashes(ref, r[p][w]));
		}
	for (int p = 0; p < 2; p++)
		for (int w = 0; w < 2; w++)
			dsb_report_free(r[p][w]);
	remove(tar);
	remove(tgz);
}

static void test_logs_worker_or_reader_same_results(void)
{
	/* An ECC-corrected bit: corrected counts; a corrupt segment: a bad one. */
	check_logs_worker_or_reader(DFX_LSD_BITFLIP, DSB_L008, "bitflip");
	check_logs_worker_or_reader(DFX_LSD_CORRUPT_SEGMENT, DSB_L011, "corrupt");
}

static const struct dsb_test lend_tests[] = {
	{ "regression_lent_block_not_overwritten_by_later_reads",
	  regression_lent_block_not_overwritten_by_later_reads },
	{ "decompressed blocks are not lent", test_decompressed_blocks_not_lent },
	{ "memory input: lent, nothing to return", test_memory_blocks_lent_without_hold },
	{ "a capture's database lent (tar, memory) or copied (gzip): same findings",
	  test_capture_lent_and_copied_same_findings },
	{ "a database and its logs on the worker or the reader (tar, tar.gz): the same results",
	  test_logs_worker_or_reader_same_results },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "reader loans", lend_tests },
};

int main(void)
{
	/* Shared fixture helpers this program does not need. */
	(void)xfind;
	(void)xcount;
	(void)xcount_sev;
	(void)xdump;
	(void)xrun_buf;
	(void)tw_stdin_from;
	(void)tw_stdin_restore;
	(void)tw_write_file;
	int rc = dsb_run_suites(suites, sizeof(suites) / sizeof(suites[0]));
	tw_cleanup();
	return rc;
}
