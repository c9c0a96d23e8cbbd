/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect ese` says what a file is (issue 6 §1.4), its findings name
 * their table (§1.5), and a device is refused (§3.5).
 *
 * Everything is built here: archives with libarchive's writer
 * (tests/archive_fixture.h), ESE log, checkpoint and reserve-log headers
 * from REF §3, databases with the fixtures' generator (fixtures/lib/
 * esegen.h), which says which table owns which pages and how many
 * records each holds.  The checks on the real samples are in
 * sample_suites (tests/cunit_main.h): they run as the ctest test
 * test_ese_file_samples (`--samples`), listed as skipped when the samples
 * are absent; the always-run suites use the generator and say so.
 */
#include <jansson.h>
#include <signal.h>
#include <time.h>

#include "tests/archive_fixture.h"
#include "tests/cli_run.h"
#include "tests/cunit_main.h"
#include "fixtures/lib/esegen.h"
#include "format/ese.h"
#include "format/filekind.h"
#include "verify/capture/capture.h"
#include "verify/ese/ese.h"
/* ese_tree_label, the naming itself, is internal to verify/ese/. */
#define DSB_ESE_INTERNAL
#include "verify/ese/ese_private.h"

static size_t count_rule(const json_t *doc, const char *rule)
{
	const json_t *f = json_object_get(doc, "findings");
	size_t c = 0;
	for (size_t i = 0; i < json_array_size(f); i++)
		c += strcmp(jstr(json_array_get(f, i), "rule"), rule) == 0;
	return c;
}

static const json_t *first_finding(const json_t *doc, const char *rule)
{
	const json_t *f = json_object_get(doc, "findings");
	for (size_t i = 0; i < json_array_size(f); i++)
		if (strcmp(jstr(json_array_get(f, i), "rule"), rule) == 0)
			return json_array_get(f, i);
	return NULL;
}

static bool file_has(const char *path, const char *needle)
{
	size_t len = 0;
	uint8_t *b = tw_read_file(path, &len);
	if (!b)
		return false;
	uint8_t *z = realloc(b, len + 1);
	if (!z) {
		free(b);
		return false;
	}
	z[len] = '\0';
	bool found = strstr((char *)z, needle) != NULL;
	if (!found)
		printf("\n    missing \"%s\" in:\n%s", needle, (char *)z);
	free(z);
	return found;
}

/* ---- files that are not databases ------------------------------------------ */

/* `ese FILE` on something that is not a database: exit 2, exactly one
 * finding, an E001 whose message holds every word of `want` (and none of
 * `never`), no database entry, the input hashed to its end. */
static void expect_not_db(const char *path, const char *in, const char *const *want,
			  const char *const *never)
{
	const char *dir = tw_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/report.json", dir);
	const char *args[] = { "ese", "-q", "--format", "json", in ? "-" : path, NULL };
	int st = run(args, in, out);
	CU_ASSERT_EQUAL(st, 2);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	const json_t *findings = json_object_get(doc, "findings");
	CU_ASSERT_EQUAL(json_array_size(findings), 1);
	CU_ASSERT_EQUAL(count_rule(doc, "DSB-E001"), 1);
	CU_ASSERT_EQUAL(count_rule(doc, "DSB-E013"), 0);
	const json_t *f = first_finding(doc, "DSB-E001");
	const char *msg = f ? jstr(f, "message") : "";
	for (size_t i = 0; want && want[i]; i++) {
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, want[i]));
		if (!strstr(msg, want[i]))
			printf("\n    %s: \"%s\" not in \"%s\"", path, want[i], msg);
	}
	for (size_t i = 0; never && never[i]; i++)
		CU_ASSERT_PTR_NULL(strstr(msg, never[i]));
	CU_ASSERT_PTR_NULL(json_object_get(json_object_get(f, "location"), "page"));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "databases")), 0);
	const json_t *input = json_array_get(json_object_get(doc, "inputs"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(input, "verdict"), "incomplete");
	struct stat sb;
	if (!in && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
		char sha[65];
		uint64_t size;
		CU_ASSERT_FATAL(tw_sha256_file(path, sha, &size));
		CU_ASSERT_STRING_EQUAL(jstr(input, "sha256"), sha);
		CU_ASSERT_EQUAL(jint(input, "size"), (json_int_t)size);
	}
	json_decref(doc);
}

static const uint8_t text_data[] = "not a database, just a small text file\n";

static void write_archive(const char *path, int format, const int *filters, int nfilters)
{
	uint8_t big[100000];
	tw_fill(big, sizeof big, 5);
	const struct tw_member m[] = {
		{ .name = "journal.jsonl", .data = text_data, .len = sizeof text_data - 1 },
		{ .name = "data/ntds.dit", .data = big, .len = sizeof big },
	};
	CU_ASSERT_FATAL(tw_write(path, format, filters, nfilters, m, 2));
}

static const char *const VERIFY_WORDS[] = { "archive", "not an ESE database", "dsbinspect verify", NULL };

static void regression_ese_tar_named_not_paged(void)
{
	char p[600];
	snprintf(p, sizeof p, "%s/capture.tar", tw_tmpdir());
	write_archive(p, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0);
	const char *want[] = { "a tar archive", "dsbinspect verify", NULL };
	expect_not_db(p, NULL, want, NULL);
	expect_not_db(p, p, want, NULL);   /* the same from standard input */
}

static void regression_ese_zip_named_not_paged(void)
{
	char p[600];
	snprintf(p, sizeof p, "%s/capture.zip", tw_tmpdir());
	write_archive(p, ARCHIVE_FORMAT_ZIP, NULL, 0);
	const char *want[] = { "a zip archive", "dsbinspect verify", NULL };
	expect_not_db(p, NULL, want, NULL);
	expect_not_db(p, NULL, VERIFY_WORDS, NULL);
}

static void regression_ese_7z_named_not_paged(void)
{
	char p[600];
	snprintf(p, sizeof p, "%s/capture.7z", tw_tmpdir());
	write_archive(p, ARCHIVE_FORMAT_7ZIP, NULL, 0);
	const char *want[] = { "a 7z archive", "dsbinspect verify", NULL };
	expect_not_db(p, NULL, want, NULL);
}

static void regression_ese_gzipped_tar_named_not_paged(void)
{
	char p[600];
	snprintf(p, sizeof p, "%s/capture.tar.gz", tw_tmpdir());
	const int gz[] = { ARCHIVE_FILTER_GZIP };
	write_archive(p, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, gz, 1);
	const char *want[] = { "a gzip-compressed tar archive", "dsbinspect verify", NULL };
	expect_not_db(p, NULL, want, NULL);
	/* xz and zstd the same way. */
	const int xz[] = { ARCHIVE_FILTER_XZ };
	snprintf(p, sizeof p, "%s/capture.tar.xz", tw_tmpdir());
	write_archive(p, ARCHIVE_FORMAT_TAR_USTAR, xz, 1);
	const char *want_xz[] = { "a xz-compressed tar archive", NULL };
	expect_not_db(p, NULL, want_xz, NULL);
}

/* A database, generated, as a file: its bytes and what it holds. */
struct gendb {
	struct dfx_ese *g;
	uint8_t *buf;
	size_t len;
	uint32_t cb;
};

static void gendb_make(struct gendb *d, uint32_t cb)
{
	char err[256];
	struct dfx_ese_opts o = { .page_size = cb, .seed = 7 };
	o.pages = dfx_ese_min_pages(cb) * 3;
	d->g = dfx_ese_new(&o, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d->g);
	d->cb = cb;
	d->len = (size_t)dfx_ese_size(d->g);
	d->buf = malloc(d->len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d->buf);
	dfx_ese_fill(d->g, 0, d->buf, d->len);
}

static void gendb_free(struct gendb *d)
{
	dfx_ese_free(d->g);
	free(d->buf);
}

/* A gzip'd database is named so: decompress it first. */
static void regression_ese_gzipped_database_named(void)
{
	struct gendb d;
	gendb_make(&d, 8192);
	char raw[600], p[600];
	snprintf(raw, sizeof raw, "%s/db.edb", tw_tmpdir());
	snprintf(p, sizeof p, "%s/db.edb.gz", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(raw, d.buf, d.len));
	const int gz[] = { ARCHIVE_FILTER_GZIP };
	const struct tw_member m[] = { { .name = "db.edb", .data = d.buf, .len = d.len } };
	CU_ASSERT_FATAL(tw_write(p, ARCHIVE_FORMAT_RAW, gz, 1, m, 1));
	const char *want[] = { "a gzip-compressed ESE database", "decompress it", NULL };
	expect_not_db(p, NULL, want, NULL);
	gendb_free(&d);
}

/* REF §3.2: an LGFILEHDR of a v8 log, generation `gen`, then three
 * empty (zero) segments: a fresh log of 4 segments, which the log
 * verifier reads as 3 empty segments and nothing wrong. */
static size_t make_log(uint8_t *b, size_t cap, uint32_t gen, uint32_t filetype)
{
	size_t len = 4 * 4096;
	CU_ASSERT_FATAL(cap >= len);
	memset(b, 0, len);
	uint8_t *h = b;
	h[4] = (uint8_t)gen; h[5] = (uint8_t)(gen >> 8); h[6] = (uint8_t)(gen >> 16); h[7] = (uint8_t)(gen >> 24);
	h[8] = 0x00; h[9] = 0x10;                 /* cbSec 4096 */
	h[12] = 4; h[13] = 0;                     /* csecLGFile 4: the 16 KiB written */
	h[14] = 0x00; h[15] = 0x20;               /* cbPageSize 8192 */
	h[32] = 8;                                /* 8.4000.60.140 */
	h[36] = 0xA0; h[37] = 0x0F;
	h[40] = 60;
	h[648] = 140;
	h[667] = (uint8_t)filetype;
	uint32_t c = dsb_ese_header_checksum(h, 4096);
	h[0] = (uint8_t)c; h[1] = (uint8_t)(c >> 8); h[2] = (uint8_t)(c >> 16); h[3] = (uint8_t)(c >> 24);
	return len;
}

/* `ese FILE` on a log, checkpoint or reserve log (issue 7): recognised
 * and entered in logs[] / checkpoints[], exit 0, no finding at all (never
 * "corrupt", never E001); the input is hashed to its end and its kind is
 * said in the text report.  Returns the report (the caller frees it). */
static json_t *expect_recognised(const char *path, const char *array, const char *want_kind)
{
	const char *dir = tw_tmpdir();
	char out[600], txt[600];
	snprintf(out, sizeof out, "%s/report.json", dir);
	snprintf(txt, sizeof txt, "%s/report.txt", dir);
	const char *args[] = { "ese", "-q", "--format", "json", path, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 0);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "findings")), 0);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "databases")), 0);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, array)), 1);
	const json_t *input = json_array_get(json_object_get(doc, "inputs"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(input, "verdict"), "pass");
	char sha[65];
	uint64_t size;
	CU_ASSERT_FATAL(tw_sha256_file(path, sha, &size));
	CU_ASSERT_STRING_EQUAL(jstr(input, "sha256"), sha);
	const json_t *e = json_array_get(json_object_get(doc, array), 0);
	CU_ASSERT_EQUAL(jint(e, "size"), (json_int_t)size);
	CU_ASSERT_STRING_EQUAL(jstr(e, "path"), path);
	const char *text[] = { "ese", "-q", path, NULL };
	CU_ASSERT_EQUAL(run(text, NULL, txt), 0);
	CU_ASSERT(file_has(txt, want_kind));
	return doc;
}

static void regression_ese_log_named_never_corrupt(void)
{
	static uint8_t b[4 * 4096];
	char p[600];
	snprintf(p, sizeof p, "%s/edb0002A.log", tw_tmpdir());
	size_t len = make_log(b, sizeof b, 0x2A, 3);
	CU_ASSERT_FATAL(tw_write_file(p, b, len));
	json_t *doc = expect_recognised(p, "logs", "an ESE transaction log (generation 42, 0x2A; format 8.4000.60.140)");
	const json_t *lg = json_array_get(json_object_get(doc, "logs"), 0);
	CU_ASSERT_EQUAL(jint(lg, "generation"), 42);
	CU_ASSERT_STRING_EQUAL(jstr(lg, "format"), "8.4000.60.140");
	CU_ASSERT_STRING_EQUAL(jstr(lg, "kind"), "log");
	CU_ASSERT_STRING_EQUAL(jstr(lg, "name"), "edb0002A.log");
	CU_ASSERT_EQUAL(jint(lg, "sector_size"), 4096);
	CU_ASSERT(json_is_true(json_object_get(lg, "header_ok")));
	const json_t *seg = json_object_get(lg, "segments");
	CU_ASSERT_EQUAL(jint(seg, "valid"), 0);
	CU_ASSERT_EQUAL(jint(seg, "empty"), 3);
	CU_ASSERT_EQUAL(jint(seg, "bad"), 0);
	json_decref(doc);
	/* File type 0 (engines before the field): still a log (under its
	 * own generation's name: another is DSB-L002). */
	len = make_log(b, sizeof b, 7, 0);
	snprintf(p, sizeof p, "%s/edb00007.log", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(p, b, len));
	doc = expect_recognised(p, "logs", "generation 7");
	CU_ASSERT_EQUAL(jint(json_array_get(json_object_get(doc, "logs"), 0), "generation"), 7);
	json_decref(doc);
	/* Twin: one header byte changed, the checksum no longer verifies:
	 * named as a log, so judged as one (RC §3.8): DSB-L001, exit 1, a
	 * logs[] entry whose header is not ok; never an E001. */
	len = make_log(b, sizeof b, 0x2A, 3);
	b[100] ^= 1;
	snprintf(p, sizeof p, "%s/edb0002A.log", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(p, b, len));
	char out[700];
	snprintf(out, sizeof out, "%s/report.json", tw_tmpdir());
	const char *args[] = { "ese", "-q", "--format", "json", p, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 1);
	doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "findings")), 1);
	CU_ASSERT_EQUAL(count_rule(doc, "DSB-L001"), 1);
	CU_ASSERT_EQUAL(count_rule(doc, "DSB-E001"), 0);
	const json_t *f = first_finding(doc, "DSB-L001");
	CU_ASSERT_PTR_NOT_NULL(f && strstr(jstr(f, "message"), "edb0002A.log: the log header's checksum does not verify"));
	lg = json_array_get(json_object_get(doc, "logs"), 0);
	CU_ASSERT(json_is_false(json_object_get(lg, "header_ok")));
	CU_ASSERT(json_is_null(json_object_get(lg, "segments")));
	json_decref(doc);
}

/* REF §3.8: two equal 4096-byte copies, file type 4. */
static void regression_ese_checkpoint_named_never_corrupt(void)
{
	static uint8_t b[8192];
	memset(b, 0, sizeof b);
	b[16] = 9;                 /* lgposCheckpoint.lGeneration */
	b[20] = 0x11;              /* signLog.random */
	b[667] = 4;
	uint32_t c = dsb_ese_header_checksum(b, 4096);
	b[0] = (uint8_t)c; b[1] = (uint8_t)(c >> 8); b[2] = (uint8_t)(c >> 16); b[3] = (uint8_t)(c >> 24);
	memcpy(b + 4096, b, 4096);
	char p[600];
	snprintf(p, sizeof p, "%s/edb.chk", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(p, b, sizeof b));
	json_t *doc = expect_recognised(p, "checkpoints", "an ESE checkpoint file (checkpoint in log generation 9, 0x9)");
	const json_t *ck = json_array_get(json_object_get(doc, "checkpoints"), 0);
	CU_ASSERT_EQUAL(jint(json_object_get(ck, "checkpoint"), "generation"), 9);
	CU_ASSERT(json_is_true(json_object_get(ck, "header_ok")));
	CU_ASSERT(json_is_true(json_object_get(ck, "copies_equal")));
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(ck, "log_signature"), "random"), "0x00000011");
	json_decref(doc);
}

/* REF §3.1, §3.5: a reserve log has no header: the log-extend pattern,
 * or (named edbres*.jrs / res*.log) zeros. */
static void regression_ese_reserve_log_named(void)
{
	static uint8_t b[4 * 4096];
	for (size_t i = 0; i < sizeof b; i++) {
		size_t k = i % 512;
		b[i] = k % 16 == 0 ? (uint8_t)(0xDA + k) : 0xDA;
	}
	char p[600];
	snprintf(p, sizeof p, "%s/edbres00001.jrs", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(p, b, sizeof b));
	const char *want = "an ESE reserve log";
	json_t *doc = expect_recognised(p, "logs", want);
	const json_t *lg = json_array_get(json_object_get(doc, "logs"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(lg, "kind"), "reserve");
	CU_ASSERT(json_is_false(json_object_get(lg, "header_ok")));
	CU_ASSERT(json_is_null(json_object_get(lg, "generation")));
	json_decref(doc);
	snprintf(p, sizeof p, "%s/whatever.bin", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(p, b, sizeof b));
	json_decref(expect_recognised(p, "logs", want));
	memset(b, 0, sizeof b);
	snprintf(p, sizeof p, "%s/res1.log", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(p, b, sizeof b));
	json_decref(expect_recognised(p, "logs", want));
	/* Twin: the same zeros under another name are only zeros. */
	snprintf(p, sizeof p, "%s/zeros.bin", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(p, b, sizeof b));
	const char *zeros[] = { "all zero", NULL };
	const char *never[] = { "corrupt", "not an ESE", NULL };
	expect_not_db(p, NULL, zeros, never);
}

/* A folder is searched (issue 7): one holding no ESE file is an E001 on
 * the folder, exit 2 (tests/test_ese_collection.c has the rest). */
static void regression_ese_folder_named(void)
{
	char d[600], p[700];
	snprintf(d, sizeof d, "%s/nothing-ese", tw_tmpdir());
	CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
	snprintf(p, sizeof p, "%s/notes.txt", d);
	CU_ASSERT_FATAL(tw_write_file(p, text_data, sizeof text_data - 1));
	const char *want[] = { "the folder holds no ESE file", "1 other file", NULL };
	expect_not_db(d, NULL, want, NULL);
}

static void regression_ese_empty_and_random_files(void)
{
	char p[600];
	snprintf(p, sizeof p, "%s/empty.dit", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(p, "", 0));
	const char *empty[] = { "empty (0 bytes)", NULL };
	expect_not_db(p, NULL, empty, NULL);
	expect_not_db(p, p, empty, NULL);
	static uint8_t b[200000];
	tw_fill(b, sizeof b, 99);
	snprintf(p, sizeof p, "%s/random.dit", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(p, b, sizeof b));
	const char *rnd[] = { "no ESE database header", "0x89ABCDEF", NULL };
	expect_not_db(p, NULL, rnd, NULL);
	/* Short random bytes too: fewer than one ESE page. */
	CU_ASSERT_FATAL(tw_write_file(p, b, 100));
	expect_not_db(p, NULL, rnd, NULL);
}

/* §3.5: `ese /dev/zero` never ended.  A named device is refused before
 * any read: exit 2, C015, a report, and quickly. */
static void regression_ese_dev_zero_refused(void)
{
	char out[600];
	snprintf(out, sizeof out, "%s/report.json", tw_tmpdir());
	const char *args[] = { "ese", "-q", "--format", "json", "/dev/zero", NULL };
	time_t t0 = time(NULL);
	CU_ASSERT_EQUAL(run_for(args, NULL, out, 20), 2);
	CU_ASSERT(time(NULL) - t0 < 20);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	const json_t *f = first_finding(doc, "DSB-C015");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(jstr(f, "message"), "character device"));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "findings")), 1);
	const json_t *in = json_array_get(json_object_get(doc, "inputs"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(in, "verdict"), "incomplete");
	CU_ASSERT(json_is_null(json_object_get(in, "sha256")));
	json_decref(doc);
	/* /dev/null is a character device too: refused the same way. */
	const char *null_dev[] = { "ese", "-q", "--format", "json", "/dev/null", NULL };
	CU_ASSERT_EQUAL(run_for(null_dev, NULL, out, 20), 2);
	/* Twin: standard input is read to its end, whatever it is. */
	const char *stdin_args[] = { "ese", "-q", "--format", "json", "-", NULL };
	CU_ASSERT_EQUAL(run_for(stdin_args, "/dev/null", out, 20), 2);
	doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_EQUAL(count_rule(doc, "DSB-C015"), 0);
	CU_ASSERT_EQUAL(count_rule(doc, "DSB-E001"), 1);
	json_decref(doc);
}

/* ---- databases: they still pass, and their findings name tables -------------- */

/* Twin of every case above: a database is verified, no E001 (the sample
 * ntds.dit in a sample suite, else the generated one named ntds.dit). */
static void database_still_verifies(void)
{
	const char *dir = tw_tmpdir();
	char out[600], p[600];
	snprintf(out, sizeof out, "%s/report.json", dir);
	struct gendb d = { 0 };
	if (dsb_on_samples) {
		dsb_sample_path("DSInternals/Initial/ntds.dit", p, sizeof p);
		if (access(p, R_OK) != 0)
			printf("\n    missing sample %s", p);
		CU_ASSERT_FATAL(access(p, R_OK) == 0);
	} else {
		gendb_make(&d, 8192);
		snprintf(p, sizeof p, "%s/ntds.dit", dir);
		CU_ASSERT_FATAL(tw_write_file(p, d.buf, d.len));
		gendb_free(&d);
	}
	const char *args[] = { "ese", "-q", "--format", "json", p, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 0);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_EQUAL(count_rule(doc, "DSB-E001"), 0);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "databases")), 1);
	const json_t *db = json_array_get(json_object_get(doc, "databases"), 0);
	CU_ASSERT(json_is_true(json_object_get(db, "header_ok")));
	CU_ASSERT(json_array_size(json_object_get(db, "tables")) >= 5);
	json_decref(doc);
	/* And from standard input. */
	const char *in[] = { "ese", "-q", "--format", "json", "-", NULL };
	CU_ASSERT_EQUAL(run(in, p, out), 0);
}

/* What the generator says about the tree `name` ("datatable",
 * "datatable/PDNT_index", "datatable/LV"). */
static const struct dfx_ese_tree_info *tree(struct dfx_ese *g, const char *name)
{
	const struct dfx_ese_tree_info *ti;
	size_t n = dfx_ese_trees(g, &ti);
	for (size_t i = 0; i < n; i++)
		if (strcmp(ti[i].name, name) == 0)
			return &ti[i];
	return NULL;
}

/* One bit flipped in the last page of a tree (a leaf: the generator puts
 * the leaves last in each tree's run): E014 names that tree's table, in
 * JSON and in the text. */
static void flip_names(const char *tree_name, const char *want_table)
{
	struct gendb d;
	gendb_make(&d, 8192);
	const struct dfx_ese_tree_info *t = tree(d.g, tree_name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	uint32_t pgno = t->fdp + t->pages - 1;
	size_t at = ((size_t)pgno + 1) * d.cb + 5000;
	d.buf[at] ^= 0x08;
	const char *dir = tw_tmpdir();
	char p[600], out[600], txt[600];
	snprintf(p, sizeof p, "%s/ntds.dit", dir);
	snprintf(out, sizeof out, "%s/report.json", dir);
	snprintf(txt, sizeof txt, "%s/report.txt", dir);
	CU_ASSERT_FATAL(tw_write_file(p, d.buf, d.len));
	const char *args[] = { "ese", "-q", "--format", "json", p, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 1);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	const json_t *f = first_finding(doc, "DSB-E014");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	const json_t *loc = json_object_get(f, "location");
	CU_ASSERT_EQUAL(jint(loc, "page"), pgno);
	CU_ASSERT_EQUAL(jint(loc, "offset"), (json_int_t)at);
	CU_ASSERT_STRING_EQUAL(jstr(loc, "table"), want_table);
	json_decref(doc);
	const char *text[] = { "ese", "-q", p, NULL };
	CU_ASSERT_EQUAL(run(text, NULL, txt), 1);
	char want[256];
	/* The place once: the message's own "page N: " opening is not repeated
	 * after the location (regression_text_place_said_once). */
	snprintf(want, sizeof want, "page %u, offset %zu, table %s): one flipped bit",
		 pgno, at, want_table);
	CU_ASSERT(file_has(txt, want));
	/* SARIF: the table in the result's properties and logical locations. */
	const char *sarif[] = { "ese", "-q", "--format", "sarif", p, NULL };
	CU_ASSERT_EQUAL(run(sarif, NULL, out), 1);
	doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	const json_t *r = sarif_result(doc, "DSB-E014");
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(r, "properties"), "table"), want_table);
	const json_t *ll = json_object_get(json_array_get(json_object_get(r, "locations"), 0),
					   "logicalLocations");
	bool found = false;
	for (size_t i = 0; i < json_array_size(ll); i++)
		found |= strcmp(jstr(json_array_get(ll, i), "kind"), "table") == 0 &&
			 strcmp(jstr(json_array_get(ll, i), "name"), want_table) == 0;
	CU_ASSERT(found);
	json_decref(doc);
	gendb_free(&d);
}

static void regression_bitflip_in_table_page_names_table(void)
{
	flip_names("datatable", "datatable");
	flip_names("link_table", "link_table");
}

static void regression_bitflip_in_index_page_names_index(void)
{
	flip_names("datatable/PDNT_index", "datatable (index PDNT_index)");
	flip_names("sd_table/sd_hash_index", "sd_table (index sd_hash_index)");
}

static void regression_bitflip_in_lv_page_names_long_values(void)
{
	flip_names("datatable/LV", "datatable (long values)");
}

/* Run the stream over a database buffer; the findings at `pgno`. */
static size_t findings_at(const struct gendb *d, uint32_t pgno, struct dsb_findings **out,
			  const struct dsb_finding **first)
{
	struct dsb_findings *f = dsb_findings_new();
	struct dsb_ese_stream *s = dsb_ese_stream_new(f, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(dsb_ese_stream_feed(s, d->buf, d->len));
	dsb_ese_stream_finish(s, true);
	dsb_ese_stream_free(s);
	size_t n, at = 0;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	*first = NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i].page == (int64_t)pgno && at++ == 0)
			*first = &v[i];
	*out = f;
	return at;
}

/* A page of another tree copied over a link_table leaf: its header says
 * datatable, but the page is damaged where it lies (written for another
 * pgno), so its owner is the tree that references it: link_table. */
static void regression_misplaced_page_names_referencing_tree(void)
{
	struct gendb d;
	gendb_make(&d, 8192);
	const struct dfx_ese_tree_info *dt = tree(d.g, "datatable"), *lt = tree(d.g, "link_table");
	CU_ASSERT_PTR_NOT_NULL_FATAL(dt);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lt);
	uint32_t from = dt->fdp + dt->pages - 1, to = lt->fdp + lt->pages - 1;
	memcpy(d.buf + ((size_t)to + 1) * d.cb, d.buf + ((size_t)from + 1) * d.cb, d.cb);
	struct dsb_findings *f;
	const struct dsb_finding *x;
	CU_ASSERT(findings_at(&d, to, &f, &x) >= 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT(x->rule == DSB_E015 || x->rule == DSB_E013);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x->table);
	CU_ASSERT_STRING_EQUAL(x->table, "link_table");
	dsb_findings_free(f);
	gendb_free(&d);
}

/* Twin: damage in a free page no tree references has no owner, and so
 * no table (whatever rule reports it). */
static void damaged_free_page_has_no_table(void)
{
	struct gendb d;
	gendb_make(&d, 8192);
	CU_ASSERT_FATAL(dfx_ese_free_pages(d.g) > 0);
	uint32_t last = (uint32_t)(dfx_ese_blocks(d.g) - 2);   /* free pages are at the end */
	d.buf[((size_t)last + 1) * d.cb + 300] = 0x5A;
	d.buf[((size_t)last + 1) * d.cb + 301] = 0xC3;
	struct dsb_findings *f;
	const struct dsb_finding *x;
	CU_ASSERT(findings_at(&d, last, &f, &x) >= 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NULL(x->table);
	dsb_findings_free(f);
	gendb_free(&d);
}

/* A finding made while the pages streamed by, before the catalog was
 * known (a page-structure error, E017), still names its table: it waited
 * in the stream's own findings until finish. */
static void regression_streaming_finding_names_table(void)
{
	struct gendb d;
	gendb_make(&d, 8192);
	const struct dfx_ese_tree_info *t = tree(d.g, "datatable");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	uint32_t pgno = t->fdp + t->pages - 1;
	uint8_t *page = d.buf + ((size_t)pgno + 1) * d.cb;
	page[DSB_ESE_PG_CB_FREE_OFF] ^= 0x04;          /* cbFree off by 4 */
	dsb_ese_page_stamp(page, d.cb, pgno);          /* the checksum still verifies */
	struct dsb_findings *f = dsb_findings_new();
	struct dsb_loc base = DSB_LOC_INIT;
	struct dsb_ese_stream *s = dsb_ese_stream_new(f, 0, &base);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* Fed in small pieces: the finding is made long before the end. */
	for (size_t off = 0; off < d.len; off += 3000)
		CU_ASSERT(dsb_ese_stream_feed(s, d.buf + off, d.len - off < 3000 ? d.len - off : 3000));
	dsb_ese_stream_finish(s, true);
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	size_t e017 = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].rule != DSB_E017)
			continue;
		e017++;
		CU_ASSERT_EQUAL(v[i].page, pgno);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v[i].table);
		CU_ASSERT_STRING_EQUAL(v[i].table, "datatable");
	}
	CU_ASSERT_EQUAL(e017, 1);
	dsb_ese_stream_free(s);
	dsb_findings_free(f);
	gendb_free(&d);
}

/* Twin: header findings (no page) and an undamaged database: no table,
 * and nothing is left waiting when the stream is freed unfinished. */
static void header_findings_have_no_table(void)
{
	struct gendb d;
	gendb_make(&d, 8192);
	d.buf[100] ^= 0x01;                            /* the primary header only: E003 */
	struct dsb_findings *f = dsb_findings_new();
	struct dsb_ese_stream *s = dsb_ese_stream_new(f, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(dsb_ese_stream_feed(s, d.buf, d.len));
	dsb_ese_stream_finish(s, true);
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_EQUAL(v[0].rule, DSB_E003);
		CU_ASSERT_PTR_NULL(v[0].table);
	}
	dsb_ese_stream_free(s);
	/* Freed without finish: the waiting findings go with it. */
	s = dsb_ese_stream_new(f, 0, NULL);
	CU_ASSERT(dsb_ese_stream_feed(s, d.buf, d.len / 2));
	dsb_ese_stream_free(s);
	dsb_findings_free(f);
	gendb_free(&d);
}

/* databases[].tables: every table the generator wrote, with its objid,
 * FDP, record count (>0 where it wrote rows), columns, complete. */
static void database_tables_listed(void)
{
	struct gendb d;
	gendb_make(&d, 8192);
	const char *dir = tw_tmpdir();
	char p[600], out[600], txt[600];
	snprintf(p, sizeof p, "%s/ntds.dit", dir);
	snprintf(out, sizeof out, "%s/report.json", dir);
	snprintf(txt, sizeof txt, "%s/report.txt", dir);
	CU_ASSERT_FATAL(tw_write_file(p, d.buf, d.len));
	const char *args[] = { "ese", "-q", "--format", "json", p, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 0);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	const json_t *tables = json_object_get(json_array_get(json_object_get(doc, "databases"), 0),
					       "tables");
	const struct dfx_ese_tree_info *ti;
	size_t nt = dfx_ese_trees(d.g, &ti), ntables = 0, with_rows = 0;
	for (size_t i = 0; i < nt; i++) {
		if (ti[i].type != DSB_ESE_SYSOBJ_TABLE)
			continue;
		ntables++;
		const json_t *row = NULL;
		for (size_t k = 0; k < json_array_size(tables); k++)
			if (strcmp(jstr(json_array_get(tables, k), "name"), ti[i].name) == 0)
				row = json_array_get(tables, k);
		CU_ASSERT_PTR_NOT_NULL_FATAL(row);
		CU_ASSERT_EQUAL(jint(row, "objid"), ti[i].objid);
		CU_ASSERT_EQUAL(jint(row, "pgno_fdp"), ti[i].fdp);
		CU_ASSERT_EQUAL(jint(row, "records"), (json_int_t)ti[i].records);
		CU_ASSERT_EQUAL(jint(row, "columns"), dfx_ese_table_columns(d.g, ti[i].name));
		CU_ASSERT(json_is_true(json_object_get(row, "complete")));
		with_rows += ti[i].records > 0;
	}
	CU_ASSERT_EQUAL(json_array_size(tables), ntables);
	CU_ASSERT(with_rows >= 5);
	const json_t *dt = NULL;
	for (size_t k = 0; k < json_array_size(tables); k++)
		if (strcmp(jstr(json_array_get(tables, k), "name"), "datatable") == 0)
			dt = json_array_get(tables, k);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dt);
	CU_ASSERT(jint(dt, "records") > 0);
	CU_ASSERT_EQUAL(jint(dt, "indexes"), 3);      /* PDNT, NC_Acc_Type_Sid, DNT (primary) */
	CU_ASSERT_EQUAL(jint(dt, "long_values"), 1);
	json_decref(doc);
	/* Text: the AD tables, one line each. */
	const char *text[] = { "ese", "-q", p, NULL };
	CU_ASSERT_EQUAL(run(text, NULL, txt), 0);
	char want[128];
	snprintf(want, sizeof want, "    table datatable: %llu records, ",
		 (unsigned long long)tree(d.g, "datatable")->records);
	CU_ASSERT(file_has(txt, want));
	CU_ASSERT(file_has(txt, "    table link_table: "));
	gendb_free(&d);
}

/* A damaged table is shown in the text as incomplete. */
static void damaged_table_shown_incomplete(void)
{
	struct gendb d;
	gendb_make(&d, 8192);
	const struct dfx_ese_tree_info *t = tree(d.g, "hiddentable");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	size_t at = ((size_t)t->fdp + t->pages - 1 + 1) * d.cb + 700;
	d.buf[at] ^= 0xFF;
	d.buf[at + 1] ^= 0x3C;                         /* more than one bit: E013 */
	char p[600], txt[600];
	snprintf(p, sizeof p, "%s/ntds.dit", tw_tmpdir());
	snprintf(txt, sizeof txt, "%s/report.txt", tw_tmpdir());
	CU_ASSERT_FATAL(tw_write_file(p, d.buf, d.len));
	const char *text[] = { "ese", "-q", p, NULL };
	CU_ASSERT_EQUAL(run(text, NULL, txt), 1);
	CU_ASSERT(file_has(txt, "    table hiddentable: "));
	CU_ASSERT(file_has(txt, ", incomplete\n"));
	CU_ASSERT(file_has(txt, "table hiddentable): "));
	gendb_free(&d);
}

/* On the real samples (a sample suite only; database_tables_listed covers
 * the generator): every table of the AD template is listed, the ones
 * with rows have records > 0. */
static void sample_tables_listed(void)
{
	char p[600], out[600];
	dsb_sample_path("DSInternals/Initial/ntds.dit", p, sizeof p);
	snprintf(out, sizeof out, "%s/report.json", tw_tmpdir());
	if (access(p, R_OK) != 0)
		printf("\n    missing sample %s", p);
	CU_ASSERT_FATAL(access(p, R_OK) == 0);
	const char *args[] = { "ese", "-q", "--format", "json", p, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 0);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	const json_t *tables = json_object_get(json_array_get(json_object_get(doc, "databases"), 0),
					       "tables");
	CU_ASSERT_EQUAL(json_array_size(tables), 12);
	/* Counts read off this template (shared/samples/INDEX.md's ntds.dit). */
	static const struct { const char *name; json_int_t records; } want[] = {
		{ "datatable", 1743 }, { "link_table", 2 }, { "sd_table", 3 }, { "hiddentable", 1 },
	};
	for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
		const json_t *row = NULL;
		for (size_t k = 0; k < json_array_size(tables); k++)
			if (strcmp(jstr(json_array_get(tables, k), "name"), want[w].name) == 0)
				row = json_array_get(tables, k);
		CU_ASSERT_PTR_NOT_NULL_FATAL(row);
		CU_ASSERT_EQUAL(jint(row, "records"), want[w].records);
		CU_ASSERT(json_is_true(json_object_get(row, "complete")));
	}
	json_decref(doc);
}

/* `verify`: a database member of a capture gets the same table names
 * and tables (the stream and the report conversion are shared). */
static void capture_member_names_table(void)
{
	struct gendb d;
	gendb_make(&d, 8192);
	const struct dfx_ese_tree_info *t = tree(d.g, "datatable/NC_Acc_Type_Sid");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	uint32_t pgno = t->fdp + t->pages - 1;
	d.buf[((size_t)pgno + 1) * d.cb + 1234] ^= 0x40;
	char p[600];
	snprintf(p, sizeof p, "%s/capture.tar", tw_tmpdir());
	const struct tw_member m[] = { { .name = "data/ntds.dit", .data = d.buf, .len = d.len } };
	CU_ASSERT_FATAL(tw_write(p, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, m, 1));
	size_t len;
	uint8_t *tar = tw_read_file(p, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tar);
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(dsb_verify_memory(rep, "capture.tar", tar, len, NULL), 0);
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(rep->findings, &n);
	size_t e014 = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].rule != DSB_E014)
			continue;
		e014++;
		CU_ASSERT_EQUAL(v[i].page, pgno);
		CU_ASSERT_STRING_EQUAL(v[i].member, "data/ntds.dit");
		CU_ASSERT_PTR_NOT_NULL_FATAL(v[i].table);
		CU_ASSERT_STRING_EQUAL(v[i].table, "datatable (index NC_Acc_Type_Sid)");
	}
	CU_ASSERT_EQUAL(e014, 1);
	CU_ASSERT_EQUAL_FATAL(rep->ndatabases, 1);
	const struct dsb_database *db = &rep->databases[0];
	CU_ASSERT_PTR_NOT_NULL_FATAL(db->tables);
	bool found = false;
	for (size_t i = 0; i < db->ntables; i++)
		if (strcmp(db->tables[i].name, "datatable") == 0) {
			found = true;
			CU_ASSERT_EQUAL(db->tables[i].records, tree(d.g, "datatable")->records);
			CU_ASSERT_FALSE(db->tables[i].complete);   /* its index lost a page */
		}
	CU_ASSERT(found);
	dsb_report_free(rep);
	free(tar);
	gendb_free(&d);
}

/* A database member written twice (tar -r): one copy is dropped after
 * it was verified; its table list goes with it (ASan's leak check). */
static void regression_database_member_twice_frees_tables(void)
{
	struct gendb d;
	gendb_make(&d, 8192);
	char p[600];
	snprintf(p, sizeof p, "%s/twice.tar", tw_tmpdir());
	const struct tw_member m[] = {
		{ .name = "data/ntds.dit", .data = d.buf, .len = d.len },
		{ .name = "data/ntds.dit", .data = d.buf, .len = d.len },
	};
	CU_ASSERT_FATAL(tw_write(p, ARCHIVE_FORMAT_TAR_USTAR, NULL, 0, m, 2));
	size_t len;
	uint8_t *tar = tw_read_file(p, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tar);
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(dsb_verify_memory(rep, "twice.tar", tar, len, NULL), 0);
	CU_ASSERT_EQUAL(rep->ndatabases, 1);
	CU_ASSERT(rep->ndatabases == 1 && rep->databases[0].ntables == 7 && rep->databases[0].tables);
	dsb_report_free(rep);
	free(tar);
	gendb_free(&d);
}

/* Names are catalog structure, allowed in reports, but never raw: a
 * control byte (a terminal escape) or a backslash is written \xHH. */
static void table_labels_escaped(void)
{
	struct ese_cat t = { .type = DSB_ESE_SYSOBJ_TABLE, .id = 10 };
	struct ese_cat ix = { .type = DSB_ESE_SYSOBJ_INDEX, .id = 11, .objid_table = 10 };
	struct ese_cat lv = { .type = DSB_ESE_SYSOBJ_LONG_VALUE, .id = 12, .objid_table = 10 };
	memcpy(t.name, "dt\x1b[31m", 7);
	t.name_len = 7;
	memcpy(ix.name, "ix\\1", 4);
	ix.name_len = 4;
	char out[DSB_TABLE_NAME_MAX];
	ese_tree_label(&t, &t, 10, false, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "dt\\x1b[31m");
	ese_tree_label(&ix, &t, 10, false, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "dt\\x1b[31m (index ix\\x5c1)");
	ese_tree_label(&lv, &t, 10, true, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "dt\\x1b[31m (long values, space)");
	ese_tree_label(&t, &t, 10, true, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "dt\\x1b[31m (space)");
	/* Its table unknown: named by objid. */
	ese_tree_label(&ix, NULL, 10, false, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "objid 10 (index ix\\x5c1)");
}

/* Catalog names go through the one escape set since ese_printable became
 * dsb_escape: a '"' (once passed through) is \x22 like in every other
 * quoted name, and a byte >= 0x80 is \xHH.  The twin: a plain name stays
 * as it is. */
static void table_label_quote_escaped(void)
{
	struct ese_cat t = { .type = DSB_ESE_SYSOBJ_TABLE, .id = 10 };
	memcpy(t.name, "d\"t\xc3\xa9", 5);
	t.name_len = 5;
	char out[DSB_TABLE_NAME_MAX];
	ese_tree_label(&t, &t, 10, false, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "d\\x22t\\xc3\\xa9");
	memcpy(t.name, "datatable", 9);
	t.name_len = 9;
	ese_tree_label(&t, &t, 10, false, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "datatable");
}

/* ---- the sniffer itself, on bytes --------------------------------------------- */

static void filekind_kinds(void)
{
	struct dsb_file_sniff k;
	static uint8_t b[70000];
	dsb_file_sniff(b, 0, NULL, dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_EMPTY);
	memset(b, 0, sizeof b);
	dsb_file_sniff(b, sizeof b, NULL, dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_ZEROS);
	memcpy(b, "\x1F\x8B", 2);
	dsb_file_sniff(b, sizeof b, NULL, dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_COMPRESSED);
	CU_ASSERT_STRING_EQUAL(k.filter, "gzip");
	CU_ASSERT_EQUAL(k.inner, DSB_KIND_UNKNOWN);   /* not a gzip stream inside */
	memset(b, 0, sizeof b);
	memcpy(b + 257, "ustar", 5);
	b[0] = 'x';
	dsb_file_sniff(b, sizeof b, NULL, dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_ARCHIVE);
	CU_ASSERT_STRING_EQUAL(k.container, "tar");
	/* The database test wins over everything: the magic at offset 4. */
	memcpy(b + 4, "\xEF\xCD\xAB\x89", 4);
	dsb_file_sniff(b, sizeof b, NULL, dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_ESE_DATABASE);
	/* A log header whose checksum fails is not a log. */
	make_log(b, sizeof b, 5, 3);
	b[1000] ^= 1;
	dsb_file_sniff(b, 4 * 4096, NULL, dsb_ese_sniff, &k);
	CU_ASSERT_NOT_EQUAL(k.kind, DSB_KIND_ESE_LOG);
	b[1000] ^= 1;
	dsb_file_sniff(b, 4 * 4096, NULL, dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_ESE_LOG);
	CU_ASSERT_EQUAL(k.log_generation, 5);
	/* A valid header of another file type: named by its type. */
	make_log(b, sizeof b, 5, 7);
	dsb_file_sniff(b, 4 * 4096, NULL, dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_ESE_OTHER);
	char d[DSB_FILE_KIND_DESC_MAX];
	dsb_file_kind_describe(&k, d, sizeof d);
	CU_ASSERT_STRING_EQUAL(d, "an ESE flush map file (file type 7)");
	/* A patch file: PATCHHDR, header checksum, PGHDR zero. */
	memset(b, 0, 8192);
	b[40] = 1;
	b[64] = 0x22;
	uint32_t c = dsb_ese_header_checksum(b, 8192);
	b[0] = (uint8_t)c; b[1] = (uint8_t)(c >> 8); b[2] = (uint8_t)(c >> 16); b[3] = (uint8_t)(c >> 24);
	dsb_file_sniff(b, 8192, NULL, dsb_ese_sniff, &k);
	CU_ASSERT_EQUAL(k.kind, DSB_KIND_ESE_PATCH);
	CU_ASSERT_EQUAL(k.page_size, 8192);
}

static const struct dsb_test kinds[] = {
	{ "regression_ese_tar_named_not_paged", regression_ese_tar_named_not_paged },
	{ "regression_ese_zip_named_not_paged", regression_ese_zip_named_not_paged },
	{ "regression_ese_7z_named_not_paged", regression_ese_7z_named_not_paged },
	{ "regression_ese_gzipped_tar_named_not_paged", regression_ese_gzipped_tar_named_not_paged },
	{ "regression_ese_gzipped_database_named", regression_ese_gzipped_database_named },
	{ "regression_ese_log_named_never_corrupt", regression_ese_log_named_never_corrupt },
	{ "regression_ese_checkpoint_named_never_corrupt", regression_ese_checkpoint_named_never_corrupt },
	{ "regression_ese_reserve_log_named", regression_ese_reserve_log_named },
	{ "regression_ese_folder_named", regression_ese_folder_named },
	{ "regression_ese_empty_and_random_files", regression_ese_empty_and_random_files },
	{ "regression_ese_dev_zero_refused", regression_ese_dev_zero_refused },
	{ "filekind: every kind from bytes", filekind_kinds },
	{ NULL, NULL },
};

static const struct dsb_test tables[] = {
	{ "regression_bitflip_in_table_page_names_table", regression_bitflip_in_table_page_names_table },
	{ "regression_bitflip_in_index_page_names_index", regression_bitflip_in_index_page_names_index },
	{ "regression_bitflip_in_lv_page_names_long_values", regression_bitflip_in_lv_page_names_long_values },
	{ "regression_streaming_finding_names_table", regression_streaming_finding_names_table },
	{ "regression_misplaced_page_names_referencing_tree", regression_misplaced_page_names_referencing_tree },
	{ "damaged free page has no table (twin)", damaged_free_page_has_no_table },
	{ "header findings have no table (twin)", header_findings_have_no_table },
	{ "table labels: index, long values, space, escaped", table_labels_escaped },
	{ "table label: a quote and non-ASCII escaped, a plain name not", table_label_quote_escaped },
	{ "databases[].tables from the generator", database_tables_listed },
	{ "a damaged table is shown incomplete", damaged_table_shown_incomplete },
	{ "verify: a capture's database names tables too", capture_member_names_table },
	{ "regression_database_member_twice_frees_tables", regression_database_member_twice_frees_tables },
	{ NULL, NULL },
};

/* Run on the generated database (suites) and on the sample ntds.dit
 * (sample_suites): dsb_on_samples tells them which. */
static const struct dsb_test still_verifies[] = {
	{ "database_still_verifies (twin)", database_still_verifies },
	{ NULL, NULL },
};

static const struct dsb_test sample_tests[] = {
	{ "databases[].tables of the sample ntds.dit", sample_tables_listed },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "ese: what a file is", kinds },
	{ "ese: a database still verifies: built database", still_verifies },
	{ "ese: findings name their table", tables },
};

static const struct dsb_suite sample_suites[] = {
	{ "ese: a database still verifies: the ntds.dit sample", still_verifies },
	{ "ese: the tables of the ntds.dit sample", sample_tests },
};

int main(int argc, char **argv)
{
	/* archive_fixture.h helpers this program does not need. */
	(void)tw_stdin_from;
	(void)tw_stdin_restore;
	int rc = dsb_test_main_samples(argc, argv, suites, sizeof(suites) / sizeof(suites[0]),
				       sample_suites, sizeof(sample_suites) / sizeof(sample_suites[0]));
	tw_cleanup();
	return rc;
}
