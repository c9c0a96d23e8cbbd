/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect ese FILE...` end to end: the built binary (DSB_BINARY) on
 * the real sample databases (shared/samples/INDEX.md), on damaged copies
 * made in a temporary folder, on a file that is not a database, on
 * standard input, in every report format.  The sample suites run with
 * `--samples` (the ctest test test_ese_cli_samples, skipped when the
 * samples are absent: tests/cunit_main.h); the same checks run always on
 * the small database of tests/test_ese_fixture.h, in suites named
 * "built database".
 */
#include <jansson.h>

#include "tests/archive_fixture.h"
#include "tests/cli_run.h"
#include "tests/test_ese_fixture.h"
#include "tests/cunit_main.h"

/* shared/samples/INDEX.md: file, page size, format revision. */
static const struct sample {
	const char *path;
	uint32_t page_size, revision;
} samples[] = {
	{ "DSInternals/Initial/ntds.dit", 8192, 20 },
	{ "DSInternals/InitialLDS/adamntds.dit", 8192, 12 },
	{ "dissect.esedb/SRUDB.dat", 4096, 20 },
	{ "dissect.esedb/Current.mdb", 4096, 20 },
	{ "dissect.esedb/basic.edb", 4096, 20 },
	{ "dissect.esedb/binary.edb", 4096, 20 },
	{ "dissect.esedb/default.edb", 4096, 20 },
	{ "dissect.esedb/index.edb", 4096, 20 },
	{ "dissect.esedb/large.edb", 32768, 20 },
	{ "dissect.esedb/multi.edb", 4096, 20 },
	{ "dissect.esedb/text.edb", 4096, 20 },
};

#define NSAMPLES (sizeof samples / sizeof samples[0])

/* The database under test: a sample, or the built one. */
struct dbfile {
	char path[512];
	uint32_t page_size, revision;   /* revision 0: not checked */
	bool sample;
};

static void first_db(struct dbfile *d, const char *dir)
{
	memset(d, 0, sizeof(*d));
	if (dsb_on_samples) {
		dsb_sample_path(samples[0].path, d->path, sizeof d->path);
		if (access(d->path, R_OK) != 0)
			printf("\n    missing sample %s", d->path);
		CU_ASSERT_FATAL(access(d->path, R_OK) == 0);
		d->page_size = samples[0].page_size;
		d->revision = samples[0].revision;
		d->sample = true;
		return;
	}
	struct xdb x;
	xdb_build(&x, 8192);
	snprintf(d->path, sizeof d->path, "%s/small.edb", dir);
	CU_ASSERT_FATAL(tw_write_file(d->path, x.buf, x.len));
	xdb_free(&x);
	d->page_size = 8192;
}

/* A copy of `src` in dir with `nflip` bytes XORed at the given offsets. */
static void damaged_copy(const char *src, const char *dst, const size_t *at,
			 const uint8_t *mask, size_t nflip)
{
	size_t len = 0;
	uint8_t *b = tw_read_file(src, &len);
	CU_ASSERT_FATAL(b != NULL);
	for (size_t i = 0; i < nflip; i++)
		if (at[i] < len)
			b[at[i]] ^= mask[i];
	CU_ASSERT_FATAL(tw_write_file(dst, b, len));
	free(b);
}

static const json_t *first_finding(const json_t *doc, const char *rule)
{
	const json_t *f = json_object_get(doc, "findings");
	for (size_t i = 0; i < json_array_size(f); i++) {
		const json_t *x = json_array_get(f, i);
		if (strcmp(json_string_value(json_object_get(x, "rule")), rule) == 0)
			return x;
	}
	return NULL;
}

/* ---- tests ---------------------------------------------------------------- */

/* Every sample verifies: exit 0, the JSON entry has INDEX.md's format. */
static void test_samples(void)
{
	const char *dir = tw_tmpdir();
	char out[512];
	snprintf(out, sizeof out, "%s/report.json", dir);
	for (size_t i = 0; i < NSAMPLES; i++) {
		char path[512];
		dsb_sample_path(samples[i].path, path, sizeof path);
		if (access(path, R_OK) != 0)
			printf("\n    missing sample %s", path);
		CU_ASSERT(access(path, R_OK) == 0);
		if (access(path, R_OK) != 0)
			continue;
		const char *args[] = { "ese", "-q", "--format", "json", path, NULL };
		int st = run(args, NULL, out);
		CU_ASSERT_EQUAL(st, 0);
		if (st != 0)
			printf("\n    %s: exit %d", samples[i].path, st);
		json_t *doc = load_json(out);
		CU_ASSERT_FATAL(doc != NULL);
		const json_t *dbs = json_object_get(doc, "databases");
		CU_ASSERT_EQUAL_FATAL(json_array_size(dbs), 1);
		const json_t *db = json_array_get(dbs, 0);
		CU_ASSERT_EQUAL(jint(db, "page_size"), samples[i].page_size);
		CU_ASSERT_STRING_EQUAL(jstr(db, "format_version"), "0x620");
		CU_ASSERT_EQUAL(jint(db, "format_revision"), samples[i].revision);
		CU_ASSERT_STRING_EQUAL(jstr(db, "state"), "clean-shutdown");
		CU_ASSERT(json_is_true(json_object_get(db, "header_ok")));
		CU_ASSERT(json_is_true(json_object_get(db, "catalog_ok")));
		CU_ASSERT_STRING_EQUAL(jstr(db, "path"), path);
		const json_t *in = json_array_get(json_object_get(doc, "inputs"), 0);
		char sha[65];
		uint64_t size;
		CU_ASSERT_FATAL(tw_sha256_file(path, sha, &size));
		CU_ASSERT_STRING_EQUAL(jstr(in, "sha256"), sha);
		CU_ASSERT_EQUAL(jint(in, "size"), (json_int_t)size);
		CU_ASSERT(json_is_null(json_object_get(in, "container")));
		CU_ASSERT_EQUAL(json_array_size(json_object_get(in, "filters")), 0);
		CU_ASSERT_STRING_EQUAL(jstr(in, "verdict"), "pass");
		CU_ASSERT_EQUAL(jint(json_object_get(doc, "summary"), "errors"), 0);
		if (strstr(samples[i].path, "ntds.dit"))
			CU_ASSERT(json_is_true(json_object_get(db, "ad_tables_present")));
		json_decref(doc);
	}
}

/* The built database: exit 0, its format and state in the JSON entry. */
static void test_built(void)
{
	const char *dir = tw_tmpdir();
	char out[512];
	snprintf(out, sizeof out, "%s/report.json", dir);
	struct dbfile d;
	first_db(&d, dir);
	const char *args[] = { "ese", "-q", "--format", "json", d.path, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 0);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	const json_t *db = json_array_get(json_object_get(doc, "databases"), 0);
	CU_ASSERT_EQUAL(jint(db, "page_size"), 8192);
	CU_ASSERT_STRING_EQUAL(jstr(db, "format_version"), "0x620");
	CU_ASSERT_EQUAL(jint(db, "format_revision"), 0x14);
	CU_ASSERT_STRING_EQUAL(jstr(db, "state"), "clean-shutdown");
	CU_ASSERT(json_is_true(json_object_get(db, "catalog_ok")));
	CU_ASSERT_EQUAL(jint(json_object_get(doc, "summary"), "errors"), 0);
	json_decref(doc);
}

/* One flipped bit: exit 1, E014 with the page and the byte's offset; the
 * twin with --fail-on never exits 0 and the undamaged file exits 0. */
static void test_damaged(void)
{
	const char *dir = tw_tmpdir();
	struct dbfile d;
	first_db(&d, dir);
	char bad[600], out[600];
	snprintf(bad, sizeof bad, "%s/flipped.edb", dir);
	snprintf(out, sizeof out, "%s/report.json", dir);
	size_t at = (size_t)7 * d.page_size + 3000;    /* page 6 */
	uint8_t mask = 0x10;
	damaged_copy(d.path, bad, &at, &mask, 1);
	const char *args[] = { "ese", "-q", "--format", "json", bad, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 1);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	const json_t *f = first_finding(doc, "DSB-E014");
	CU_ASSERT_FATAL(f != NULL);
	const json_t *loc = json_object_get(f, "location");
	CU_ASSERT_EQUAL(jint(loc, "page"), 6);
	CU_ASSERT_EQUAL(jint(loc, "offset"), (json_int_t)at);
	CU_ASSERT_PTR_NULL(json_object_get(loc, "member"));
	CU_ASSERT_PTR_NULL(json_object_get(loc, "line"));
	CU_ASSERT_STRING_EQUAL(jstr(f, "category"), "ese");
	const json_t *db = json_array_get(json_object_get(doc, "databases"), 0);
	CU_ASSERT_EQUAL(jint(json_object_get(db, "pages"), "bit_flips"), 1);
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(doc, "summary"), "verdict"), "fail");
	json_decref(doc);

	const char *never[] = { "ese", "-q", "--fail-on", "never", "-o", out, bad, NULL };
	CU_ASSERT_EQUAL(run(never, NULL, "/dev/null"), 0);
	const char *clean[] = { "ese", "-q", "--format", "json", d.path, NULL };
	CU_ASSERT_EQUAL(run(clean, NULL, out), 0);
	/* The input was never written. */
	char sha1[65], sha2[65];
	uint64_t n1, n2;
	CU_ASSERT(tw_sha256_file(bad, sha1, &n1));
	damaged_copy(d.path, out, &at, &mask, 1);
	CU_ASSERT(tw_sha256_file(out, sha2, &n2));
	CU_ASSERT_STRING_EQUAL(sha1, sha2);
}

/* Both header copies damaged: incomplete (2), E002 says why. */
static void test_headers(void)
{
	const char *dir = tw_tmpdir();
	struct dbfile d;
	first_db(&d, dir);
	char bad[600], out[600];
	snprintf(bad, sizeof bad, "%s/headers.edb", dir);
	snprintf(out, sizeof out, "%s/report.json", dir);
	size_t at[2] = { 100, (size_t)d.page_size + 100 };
	uint8_t mask[2] = { 0x01, 0x02 };
	damaged_copy(d.path, bad, at, mask, 2);
	const char *args[] = { "ese", "-q", "--format", "json", bad, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 2);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_PTR_NOT_NULL(first_finding(doc, "DSB-E002"));
	const json_t *in = json_array_get(json_object_get(doc, "inputs"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(in, "verdict"), "incomplete");
	const json_t *db = json_array_get(json_object_get(doc, "databases"), 0);
	CU_ASSERT(json_is_false(json_object_get(db, "header_ok")));
	json_decref(doc);

	/* Twin: only the primary damaged is a warning (E003), exit 0. */
	damaged_copy(d.path, bad, at, mask, 1);
	CU_ASSERT_EQUAL(run(args, NULL, out), 0);
	doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_PTR_NOT_NULL(first_finding(doc, "DSB-E003"));
	CU_ASSERT_PTR_NULL(first_finding(doc, "DSB-E002"));
	json_decref(doc);
}

/* Not a database, or not readable: incomplete, with the finding. */
static void test_not_ese(void)
{
	const char *dir = tw_tmpdir();
	char junk[600], out[600], missing[600];
	snprintf(junk, sizeof junk, "%s/junk.bin", dir);
	snprintf(out, sizeof out, "%s/report.json", dir);
	snprintf(missing, sizeof missing, "%s/missing.edb", dir);
	uint8_t b[100000];
	tw_fill(b, sizeof b, 9);
	CU_ASSERT_FATAL(tw_write_file(junk, b, sizeof b));
	const char *args[] = { "ese", "-q", "--format", "json", junk, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 2);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_PTR_NOT_NULL(first_finding(doc, "DSB-E001"));
	const json_t *in = json_array_get(json_object_get(doc, "inputs"), 0);
	char sha[65];
	tw_sha256(b, sizeof b, sha);
	CU_ASSERT_STRING_EQUAL(jstr(in, "sha256"), sha);
	CU_ASSERT_STRING_EQUAL(jstr(in, "verdict"), "incomplete");
	json_decref(doc);

	const char *gone[] = { "ese", "-q", "--format", "json", missing, NULL };
	CU_ASSERT_EQUAL(run(gone, NULL, out), 2);
	doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_PTR_NOT_NULL(first_finding(doc, "DSB-C015"));
	in = json_array_get(json_object_get(doc, "inputs"), 0);
	CU_ASSERT(json_is_null(json_object_get(in, "sha256")));
	json_decref(doc);
}

/* Standard input: path "-", the same hash and result. */
static void test_stdin(void)
{
	const char *dir = tw_tmpdir();
	struct dbfile d;
	first_db(&d, dir);
	char out[600];
	snprintf(out, sizeof out, "%s/report.json", dir);
	const char *args[] = { "ese", "-q", "--format", "json", "-", NULL };
	CU_ASSERT_EQUAL(run(args, d.path, out), 0);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	const json_t *in = json_array_get(json_object_get(doc, "inputs"), 0);
	char sha[65];
	uint64_t size;
	CU_ASSERT_FATAL(tw_sha256_file(d.path, sha, &size));
	CU_ASSERT_STRING_EQUAL(jstr(in, "path"), "-");
	CU_ASSERT_STRING_EQUAL(jstr(in, "sha256"), sha);
	CU_ASSERT_EQUAL(jint(in, "size"), (json_int_t)size);
	const json_t *db = json_array_get(json_object_get(doc, "databases"), 0);
	CU_ASSERT_EQUAL(jint(db, "page_size"), d.page_size);
	json_decref(doc);
}

/* SARIF: valid shape, the database in the run's properties, a damaged
 * page as a result with its byte offset. */
static void test_sarif(void)
{
	const char *dir = tw_tmpdir();
	struct dbfile d;
	first_db(&d, dir);
	char bad[600], out[600];
	snprintf(bad, sizeof bad, "%s/flipped.edb", dir);
	snprintf(out, sizeof out, "%s/report.sarif", dir);
	size_t at = (size_t)7 * d.page_size + 3000;
	uint8_t mask = 0x04;
	damaged_copy(d.path, bad, &at, &mask, 1);
	/* the samples are years old: their age against the tombstone
	 * lifetime (DSB-S010, tests/test_sets.c) is not what this tests */
	const char *args[] = { "ese", "-q", "--format", "sarif", "--tombstone-days", "36500", bad,
			       NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 1);
	json_t *doc = load_json(out);
	CU_ASSERT_FATAL(doc != NULL);
	CU_ASSERT_STRING_EQUAL(jstr(doc, "version"), "2.1.0");
	CU_ASSERT(json_is_string(json_object_get(doc, "$schema")));
	const json_t *run0 = json_array_get(json_object_get(doc, "runs"), 0);
	CU_ASSERT_FATAL(run0 != NULL);
	const json_t *driver = json_object_get(json_object_get(run0, "tool"), "driver");
	CU_ASSERT(json_array_size(json_object_get(driver, "rules")) > 40);
	const json_t *results = json_object_get(run0, "results");
	CU_ASSERT_FATAL(json_array_size(results) >= 1);
	const json_t *r = sarif_result(doc, "DSB-E014");
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_STRING_EQUAL(jstr(r, "level"), "error");
	const json_t *region = json_object_get(json_object_get(json_array_get(
		json_object_get(r, "locations"), 0), "physicalLocation"), "region");
	CU_ASSERT_EQUAL(jint(region, "byteOffset"), (json_int_t)at);
	const json_t *dbs = json_object_get(json_object_get(run0, "properties"), "databases");
	CU_ASSERT_EQUAL_FATAL(json_array_size(dbs), 1);
	CU_ASSERT_EQUAL(jint(json_array_get(dbs, 0), "page_size"), d.page_size);
	json_decref(doc);
}

static bool file_has(const char *path, const char *needle)
{
	size_t len = 0;
	uint8_t *b = tw_read_file(path, &len);
	if (!b)
		return false;
	b = realloc(b, len + 1);
	b[len] = '\0';
	bool found = strstr((char *)b, needle) != NULL;
	if (!found)
		printf("\n    missing \"%s\" in:\n%s", needle, (char *)b);
	free(b);
	return found;
}

/* Text: a block per database; help names the command. */
static void test_text(void)
{
	const char *dir = tw_tmpdir();
	struct dbfile d;
	first_db(&d, dir);
	char out[600], want[128];
	snprintf(out, sizeof out, "%s/report.txt", dir);
	const char *args[] = { "ese", "-q", "--tombstone-days", "36500", d.path, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 0);
	CU_ASSERT(file_has(out, "database file, "));
	CU_ASSERT(file_has(out, "\n  Database "));
	snprintf(want, sizeof want, "-byte pages, clean-shutdown");
	CU_ASSERT(file_has(out, want));
	snprintf(want, sizeof want, "ESE 0x620 revision %u, %u-byte pages", d.revision,
		 d.page_size);
	if (d.sample)
		CU_ASSERT(file_has(out, want));
	CU_ASSERT(file_has(out, "    pages: "));
	CU_ASSERT(file_has(out, "trees walked, catalog ok"));
	CU_ASSERT(file_has(out, "pass \xe2\x80\x94 0 errors, 0 warnings"));

	const char *help[] = { "help", "ese", NULL };
	CU_ASSERT_EQUAL(run(help, NULL, out), 0);
	CU_ASSERT(file_has(out, "Usage: dsbinspect ese [OPTIONS] PATH..."));
	const char *top[] = { "--help", NULL };
	CU_ASSERT_EQUAL(run(top, NULL, out), 0);
	CU_ASSERT(file_has(out, "ese PATH..."));
	const char *none[] = { "ese", NULL };
	CU_ASSERT_EQUAL(run(none, NULL, out), 2);
}

/* Run on the first sample (ntds.dit) and on the built database (first_db). */
static const struct dsb_test db_tests[] = {
	{ "a flipped bit: exit 1, page and offset", test_damaged },
	{ "both header copies damaged: exit 2", test_headers },
	{ "standard input", test_stdin },
	{ "SARIF", test_sarif },
	{ "text and help", test_text },
	{ NULL, NULL },
};

static const struct dsb_test built_tests[] = {
	{ "built database: exit 0 and its format", test_built },
	{ "not a database, a missing file: exit 2", test_not_ese },
	{ NULL, NULL },
};

static const struct dsb_test sample_tests[] = {
	{ "every sample: exit 0 and INDEX.md's format", test_samples },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "dsbinspect ese: built database", built_tests },
	{ "dsbinspect ese: damage, formats, stdin on the built database", db_tests },
};

static const struct dsb_suite sample_suites[] = {
	{ "dsbinspect ese: the samples", sample_tests },
	{ "dsbinspect ese: damage, formats, stdin on the ntds.dit sample", db_tests },
};

int main(int argc, char **argv)
{
	(void)xfind;
	(void)tw_stdin_from;
	(void)tw_stdin_restore;
	(void)tw_write;
	int rc = dsb_test_main_samples(argc, argv, suites, sizeof(suites) / sizeof(suites[0]),
				       sample_suites, sizeof(sample_suites) / sizeof(sample_suites[0]));
	tw_cleanup();
	return rc;
}
