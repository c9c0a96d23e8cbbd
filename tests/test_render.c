/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The renderers of inspector/ over a hand-built report: JSON shape and
 * values (report-contract §3.1-§3.6), SARIF shape, the text report's
 * grouping, verdict line and colour, the escaping of hostile strings, and
 * the small formatting helpers (timeline, progress).
 */
#define _GNU_SOURCE 1   /* posix_openpt et al. for the terminal tests */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inspector/progress.h"
#include "inspector/render.h"
#include "inspector/term.h"
#include "inspector/timeline.h"
#include "verify/report.h"
#include "tests/cunit_main.h"

#define SHA_A "e8af1a699b307852c826c5f4f65b117ac73ae218b1d4cbac0220eae54838eba6"
#define SHA_B "0000000000000000000000000000000000000000000000000000000000000001"
#define N_P006 1500     /* > DSB_LIST_CAP: 500 suppressed */
#define HOSTILE_FILE "\\\\DC01\\C$\\evil\x1b[31m\xe2\x80\xaename.dit"

/* ---- building reports ---------------------------------------------------- */

static void add_file(struct dsb_session *s, const char *name, int bft, uint64_t size,
		     uint64_t read, const char *member, const char *sha, bool complete)
{
	s->files = realloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->files);
	struct dsb_file_entry *fe = &s->files[s->nfiles++];
	memset(fe, 0, sizeof(*fe));
	fe->name = strdup(name);
	fe->bft = bft;
	fe->file_size = size;
	fe->bytes_read = read;
	fe->member = member ? strdup(member) : NULL;
	fe->has_sha256 = sha != NULL;
	if (sha)
		snprintf(fe->sha256, sizeof fe->sha256, "%s", sha);
	fe->complete = complete;
}

static void add_session(struct dsb_report *r, int input, const char *hbc,
			enum dsb_session_kind kind, uint32_t type, uint64_t first,
			uint64_t last, struct dsb_session *proto)
{
	struct dsb_session s = { 0 };
	if (proto)
		s = *proto;
	s.input = input;
	s.hbc = strdup(hbc);
	s.kind = kind;
	if (kind == DSB_SESSION_BACKUP)
		s.backup_type = type;
	else
		s.restore_type = type;
	s.first_seq = first;
	s.last_seq = last;
	CU_ASSERT_FATAL(dsb_report_add_session(r, &s));
}

/* Added to every journal line and seq of sample_report: the same capture
 * with records inserted before them (SARIF fingerprints must not move). */
static uint64_t loc_shift;

static struct dsb_loc loc_call(uint64_t line, uint64_t seq, const char *hbc, const char *fn)
{
	struct dsb_loc l = DSB_LOC_INIT;
	l.member = "journal.jsonl";
	l.line = line + loc_shift;
	l.seq = seq + loc_shift;
	l.has_seq = true;
	l.hbc = hbc;
	l.fn = fn;
	return l;
}

/*
 * Input 0: an archive with three sessions (0x1f3a0 twice, 0x2 a restore)
 * and findings in and outside them, 1500 of P006.  Input 1: a folder with
 * a C015 (the input is then incomplete only if `incomplete`).
 */
static struct dsb_report *sample_report(enum dsb_fail_on fail_on, bool incomplete)
{
	struct dsb_report *r = dsb_report_new(fail_on);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "backup-dc01.tar.zst"), 0);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "capture dir"), 1);
	struct dsb_input *in = &r->inputs[0];
	in->size = 20983112;
	in->has_sha256 = true;
	snprintf(in->sha256, sizeof in->sha256, "%s", SHA_B);
	in->container = strdup("tar");
	in->filters[0] = "zstd";
	in->nfilters = 1;
	in = &r->inputs[1];
	in->size = 4096;
	in->container = strdup("dir");
	in->incomplete = incomplete;

	struct dsb_session s = { 0 };
	add_file(&s, "\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit", 0x44, 20979712, 20979712,
		 "data/ntds.dit", SHA_A, true);
	add_file(&s, "\\\\DC01\\C$\\Windows\\NTDS\\edb.log", -1, 10485760, 8192, NULL, NULL, false);
	add_session(r, 0, "0x1f3a0", DSB_SESSION_BACKUP, 1, 3, 5199, &s);
	memset(&s, 0, sizeof s);
	s.has_token = true;
	add_session(r, 0, "0x2", DSB_SESSION_RESTORE, 4, 6000, 6010, &s);
	memset(&s, 0, sizeof s);
	s.cut = true;
	add_file(&s, HOSTILE_FILE, 0x21, 100, 100, "data/evil.dit", SHA_A, true);
	add_session(r, 0, "0x1f3a0", DSB_SESSION_BACKUP, 0x10, 7000, 7100, &s);

	struct dsb_findings *f = r->findings;
	struct dsb_loc l = loc_call(42, 41, "0x1f3a0", "DsBackupClose");
	dsb_findings_add(f, 0, DSB_P010, &l, "DsBackupClose with no file open on handle %s", "0x1f3a0");
	l = loc_call(7, 6, "0x999", "DsBackupRead");
	dsb_findings_add(f, 0, DSB_P001, &l, "DsBackupRead on handle 0x999, which is not live");
	/* Added in reverse, to see that the listing keeps the first 1000 in
	 * report order, not in the order they came. */
	for (int k = N_P006 - 1; k >= 0; k--) {
		l = loc_call(100 + (uint64_t)k, 99 + (uint64_t)k, "0x1f3a0", "DsBackupRead");
		dsb_findings_add(f, 0, DSB_P006, &l, "read buffer 1000 is not a multiple of 8192");
	}
	l = loc_call(6001, 6000, "0x2", "DsRestorePrepare");
	dsb_findings_add(f, 0, DSB_R001, &l, "DsRestorePrepare with no online answer");
	l = loc_call(7050, 7050, "0x1f3a0", "DsBackupOpenFile");
	l.file = HOSTILE_FILE;
	dsb_findings_add(f, 0, DSB_P005, &l, "DsBackupOpenFile of a name in no list");
	struct dsb_loc m = DSB_LOC_INIT;
	m.member = "extra.bin";
	dsb_findings_add(f, 0, DSB_C008, &m, "member extra.bin is named by no data record");
	m.member = "data/x";
	m.offset = 1234;
	dsb_findings_add(f, 1, DSB_C015, &m, "data/x cannot be read: truncated");
	return r;
}

/* Render to a string (caller frees). */
static char *render(bool (*fn)(FILE *, const struct dsb_report *, const struct dsb_render_opts *),
		    const struct dsb_report *r, const struct dsb_render_opts *o)
{
	/* Static: gcc -O3 takes the result of a local's open_memstream for a
	 * dangling pointer (-Wdangling-pointer); the tests run one at a time. */
	static char *buf;
	static size_t len;
	buf = NULL;
	len = 0;
	FILE *fp = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_TRUE(fn(fp, r, o));
	fclose(fp);
	return buf;
}

static json_t *render_json_doc(const struct dsb_report *r)
{
	struct dsb_render_opts o = { 0 };
	char *s = render(dsb_render_json, r, &o);
	json_error_t e;
	json_t *doc = json_loads(s, JSON_REJECT_DUPLICATES, &e);
	if (!doc)
		fprintf(stderr, "JSON does not parse: %s at line %d\n", e.text, e.line);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	free(s);
	return doc;
}

/* ---- JSON ----------------------------------------------------------------- */

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	CU_ASSERT_TRUE(json_is_string(v));
	return json_is_string(v) ? json_string_value(v) : "";
}

static json_int_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	CU_ASSERT_TRUE(json_is_integer(v));
	return json_integer_value(v);
}

static void test_json_top_level(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	json_t *doc = render_json_doc(r);
	CU_ASSERT_STRING_EQUAL(jstr(doc, "schema"), "dsbinspect-report/1");
	json_t *tool = json_object_get(doc, "tool");
	CU_ASSERT_STRING_EQUAL(jstr(tool, "name"), "dsbinspect");
	CU_ASSERT_STRING_EQUAL(jstr(tool, "version"), DSB_VERSION);
	CU_ASSERT_TRUE(json_is_array(json_object_get(doc, "inputs")));
	CU_ASSERT_TRUE(json_is_array(json_object_get(doc, "sessions")));
	CU_ASSERT_TRUE(json_is_array(json_object_get(doc, "findings")));
	CU_ASSERT_TRUE(json_is_object(json_object_get(doc, "summary")));
	json_decref(doc);
	dsb_report_free(r);
}

static void test_json_inputs(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	json_t *doc = render_json_doc(r);
	json_t *inputs = json_object_get(doc, "inputs");
	CU_ASSERT_EQUAL_FATAL(json_array_size(inputs), 2);

	json_t *a = json_array_get(inputs, 0);
	CU_ASSERT_STRING_EQUAL(jstr(a, "path"), "backup-dc01.tar.zst");
	CU_ASSERT_EQUAL(jint(a, "size"), 20983112);
	CU_ASSERT_STRING_EQUAL(jstr(a, "sha256"), SHA_B);
	CU_ASSERT_STRING_EQUAL(jstr(a, "container"), "tar");
	json_t *filters = json_object_get(a, "filters");
	CU_ASSERT_EQUAL(json_array_size(filters), 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(filters, 0)), "zstd");
	CU_ASSERT_STRING_EQUAL(jstr(a, "verdict"), "fail");

	json_t *b = json_array_get(inputs, 1);
	CU_ASSERT_STRING_EQUAL(jstr(b, "path"), "capture dir");
	CU_ASSERT_EQUAL(jint(b, "size"), 4096);
	CU_ASSERT_TRUE(json_is_null(json_object_get(b, "sha256")));
	CU_ASSERT_STRING_EQUAL(jstr(b, "container"), "dir");
	CU_ASSERT_TRUE(json_is_array(json_object_get(b, "filters")));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(b, "filters")), 0);
	CU_ASSERT_STRING_EQUAL(jstr(b, "verdict"), "fail");     /* its C015 is an error */
	json_decref(doc);
	dsb_report_free(r);
}

static void test_json_null_container(void)
{
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "notes.txt"), 0);
	json_t *doc = render_json_doc(r);
	json_t *a = json_array_get(json_object_get(doc, "inputs"), 0);
	CU_ASSERT_TRUE(json_is_null(json_object_get(a, "container")));
	CU_ASSERT_TRUE(json_is_null(json_object_get(a, "sha256")));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(a, "filters")), 0);
	json_decref(doc);
	dsb_report_free(r);
}

static void test_json_sessions(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	json_t *doc = render_json_doc(r);
	json_t *ss = json_object_get(doc, "sessions");
	CU_ASSERT_EQUAL_FATAL(json_array_size(ss), 3);

	json_t *s = json_array_get(ss, 0);
	CU_ASSERT_EQUAL(jint(s, "input"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(s, "hbc"), "0x1f3a0");
	CU_ASSERT_STRING_EQUAL(jstr(s, "kind"), "backup");
	CU_ASSERT_STRING_EQUAL(jstr(s, "backup_type"), "FULL");
	CU_ASSERT_EQUAL(jint(s, "first_seq"), 3);
	CU_ASSERT_EQUAL(jint(s, "last_seq"), 5199);
	CU_ASSERT_TRUE(json_is_false(json_object_get(s, "cut")));
	CU_ASSERT_PTR_NULL(json_object_get(s, "restore_type"));
	CU_ASSERT_PTR_NULL(json_object_get(s, "has_token"));

	json_t *files = json_object_get(s, "files");
	CU_ASSERT_EQUAL_FATAL(json_array_size(files), 2);
	json_t *f0 = json_array_get(files, 0);
	CU_ASSERT_STRING_EQUAL(jstr(f0, "name"), "\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit");
	CU_ASSERT_STRING_EQUAL(jstr(f0, "bft"), "0x44");
	CU_ASSERT_EQUAL(jint(f0, "file_size"), 20979712);
	CU_ASSERT_EQUAL(jint(f0, "bytes_read"), 20979712);
	CU_ASSERT_STRING_EQUAL(jstr(f0, "member"), "data/ntds.dit");
	CU_ASSERT_STRING_EQUAL(jstr(f0, "sha256"), SHA_A);
	CU_ASSERT_TRUE(json_is_true(json_object_get(f0, "complete")));
	json_t *f1 = json_array_get(files, 1);
	CU_ASSERT_TRUE(json_is_null(json_object_get(f1, "bft")));
	CU_ASSERT_EQUAL(jint(f1, "bytes_read"), 8192);
	CU_ASSERT_TRUE(json_is_null(json_object_get(f1, "member")));
	CU_ASSERT_TRUE(json_is_null(json_object_get(f1, "sha256")));
	CU_ASSERT_TRUE(json_is_false(json_object_get(f1, "complete")));

	s = json_array_get(ss, 1);
	CU_ASSERT_STRING_EQUAL(jstr(s, "kind"), "restore");
	CU_ASSERT_EQUAL(jint(s, "restore_type"), 4);
	CU_ASSERT_TRUE(json_is_true(json_object_get(s, "has_token")));
	CU_ASSERT_PTR_NULL(json_object_get(s, "backup_type"));
	CU_ASSERT_TRUE(json_is_array(json_object_get(s, "files")));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(s, "files")), 0);

	s = json_array_get(ss, 2);
	CU_ASSERT_STRING_EQUAL(jstr(s, "backup_type"), "0x10");
	CU_ASSERT_TRUE(json_is_true(json_object_get(s, "cut")));
	f0 = json_array_get(json_object_get(s, "files"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(f0, "bft"), "0x21");
	/* JSON carries the name as it is; jansson escapes the control bytes. */
	CU_ASSERT_STRING_EQUAL(jstr(f0, "name"), HOSTILE_FILE);
	json_decref(doc);
	dsb_report_free(r);
}

static bool has_only_keys(json_t *o, const char *const *keys, size_t n)
{
	if (json_object_size(o) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!json_object_get(o, keys[i]))
			return false;
	return true;
}

static void test_json_findings(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	json_t *doc = render_json_doc(r);
	json_t *fs = json_object_get(doc, "findings");
	/* 1000 P006 listed, plus P010, P001, R001, P005, C008, C015. */
	CU_ASSERT_EQUAL_FATAL(json_array_size(fs), DSB_LIST_CAP + 6);

	size_t i;
	json_t *f;
	json_array_foreach(fs, i, f) {
		CU_ASSERT_TRUE(json_is_string(json_object_get(f, "rule")));
		CU_ASSERT_TRUE(json_is_string(json_object_get(f, "severity")));
		CU_ASSERT_TRUE(json_is_string(json_object_get(f, "category")));
		CU_ASSERT_TRUE(json_is_string(json_object_get(f, "message")));
		CU_ASSERT_TRUE(json_is_integer(json_object_get(f, "input")));
		CU_ASSERT_TRUE(json_is_object(json_object_get(f, "location")));
	}

	/* Report order: input, then anchor line (none first). */
	const char *want[] = { "DSB-C008", "DSB-P001", "DSB-P010", "DSB-P006" };
	for (i = 0; i < 4; i++)
		CU_ASSERT_STRING_EQUAL(jstr(json_array_get(fs, i), "rule"), want[i]);
	CU_ASSERT_EQUAL(jint(json_object_get(json_array_get(fs, 3), "location"), "line"), 100);
	CU_ASSERT_EQUAL(jint(json_object_get(json_array_get(fs, 3 + DSB_LIST_CAP - 1), "location"), "line"),
			100 + DSB_LIST_CAP - 1);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(fs, 3 + DSB_LIST_CAP), "rule"), "DSB-R001");
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(fs, 4 + DSB_LIST_CAP), "rule"), "DSB-P005");
	json_t *last = json_array_get(fs, 5 + DSB_LIST_CAP);
	CU_ASSERT_STRING_EQUAL(jstr(last, "rule"), "DSB-C015");
	CU_ASSERT_EQUAL(jint(last, "input"), 1);

	/* Locations carry only what applies. */
	json_t *p010 = json_array_get(fs, 2);
	CU_ASSERT_STRING_EQUAL(jstr(p010, "severity"), "error");
	CU_ASSERT_STRING_EQUAL(jstr(p010, "category"), "protocol");
	CU_ASSERT_STRING_EQUAL(jstr(p010, "message"), "DsBackupClose with no file open on handle 0x1f3a0");
	json_t *loc = json_object_get(p010, "location");
	static const char *const call_keys[] = { "member", "line", "seq", "hbc", "fn" };
	CU_ASSERT_TRUE(has_only_keys(loc, call_keys, 5));
	CU_ASSERT_STRING_EQUAL(jstr(loc, "member"), "journal.jsonl");
	CU_ASSERT_EQUAL(jint(loc, "line"), 42);
	CU_ASSERT_EQUAL(jint(loc, "seq"), 41);
	CU_ASSERT_STRING_EQUAL(jstr(loc, "hbc"), "0x1f3a0");
	CU_ASSERT_STRING_EQUAL(jstr(loc, "fn"), "DsBackupClose");

	json_t *c008 = json_array_get(fs, 0);
	CU_ASSERT_STRING_EQUAL(jstr(c008, "severity"), "info");
	static const char *const member_key[] = { "member" };
	CU_ASSERT_TRUE(has_only_keys(json_object_get(c008, "location"), member_key, 1));

	static const char *const c015_keys[] = { "member", "offset" };
	loc = json_object_get(last, "location");
	CU_ASSERT_TRUE(has_only_keys(loc, c015_keys, 2));
	CU_ASSERT_EQUAL(jint(loc, "offset"), 1234);

	json_t *p005 = json_array_get(fs, 4 + DSB_LIST_CAP);
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(p005, "location"), "file"), HOSTILE_FILE);
	json_decref(doc);
	dsb_report_free(r);
}

static void test_json_summary(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	json_t *doc = render_json_doc(r);
	json_t *sum = json_object_get(doc, "summary");
	/* Totals count every finding, listed or not. */
	CU_ASSERT_EQUAL(jint(sum, "errors"), 1 + 1 + N_P006 + 1);
	CU_ASSERT_EQUAL(jint(sum, "warnings"), 2);
	CU_ASSERT_EQUAL(jint(sum, "info"), 1);
	json_t *sup = json_object_get(sum, "suppressed");
	CU_ASSERT_TRUE(json_is_object(sup));
	CU_ASSERT_EQUAL(json_object_size(sup), 1);
	CU_ASSERT_EQUAL(jint(sup, "DSB-P006"), N_P006 - DSB_LIST_CAP);
	CU_ASSERT_STRING_EQUAL(jstr(sum, "verdict"), "fail");
	json_decref(doc);
	dsb_report_free(r);

	/* Nothing suppressed: an empty object, not null. */
	r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "a"), 0);
	doc = render_json_doc(r);
	sup = json_object_get(json_object_get(doc, "summary"), "suppressed");
	CU_ASSERT_TRUE(json_is_object(sup));
	CU_ASSERT_EQUAL(json_object_size(sup), 0);
	json_decref(doc);
	dsb_report_free(r);
}

/* One input with findings of the given severities; the verdicts under a
 * --fail-on, as the JSON says them (summary and inputs[0]). */
static void check_verdict(enum dsb_fail_on fo, bool warn, bool info, bool incomplete,
			  const char *want)
{
	struct dsb_report *r = dsb_report_new(fo);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "a.tar"), 0);
	r->inputs[0].incomplete = incomplete;
	struct dsb_loc l = loc_call(5, 4, "0x1", "DsBackupPrepare");
	if (warn)
		dsb_findings_add(r->findings, 0, DSB_P002, &l, "no online answer");
	if (info) {
		struct dsb_loc m = DSB_LOC_INIT;
		m.member = "x";
		dsb_findings_add(r->findings, 0, DSB_C008, &m, "member x is named by no data record");
	}
	json_t *doc = render_json_doc(r);
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(doc, "summary"), "verdict"), want);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(json_object_get(doc, "inputs"), 0), "verdict"), want);
	json_decref(doc);
	dsb_report_free(r);
}

static void test_json_verdicts(void)
{
	/* Warnings only: pass under the default, fail from --fail-on warning. */
	check_verdict(DSB_FAIL_ON_ERROR, true, false, false, "pass");
	check_verdict(DSB_FAIL_ON_WARNING, true, false, false, "fail");
	check_verdict(DSB_FAIL_ON_INFO, true, false, false, "fail");
	check_verdict(DSB_FAIL_ON_NEVER, true, false, false, "pass");
	/* Info only. */
	check_verdict(DSB_FAIL_ON_WARNING, false, true, false, "pass");
	check_verdict(DSB_FAIL_ON_INFO, false, true, false, "fail");
	/* Nothing at all. */
	check_verdict(DSB_FAIL_ON_INFO, false, false, false, "pass");
	/* An input not checked in full is incomplete whatever --fail-on. */
	check_verdict(DSB_FAIL_ON_NEVER, false, false, true, "incomplete");
	check_verdict(DSB_FAIL_ON_ERROR, true, true, true, "incomplete");

	/* Per input: each from that input alone. */
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, true);
	json_t *doc = render_json_doc(r);
	json_t *inputs = json_object_get(doc, "inputs");
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(inputs, 0), "verdict"), "fail");
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(inputs, 1), "verdict"), "incomplete");
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(doc, "summary"), "verdict"), "incomplete");
	json_decref(doc);
	dsb_report_free(r);
}

static void test_json_invalid_utf8_path(void)
{
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "caf\xe9.tar"), 0);   /* Latin-1 name */
	json_t *doc = render_json_doc(r);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(json_object_get(doc, "inputs"), 0), "path"),
			       "caf\xef\xbf\xbd.tar");
	json_decref(doc);
	dsb_report_free(r);
}

/* ---- SARIF ---------------------------------------------------------------- */

static json_t *render_sarif_doc(const struct dsb_report *r, int status)
{
	struct dsb_render_opts o = { .exit_status = status };
	char *s = render(dsb_render_sarif, r, &o);
	json_error_t e;
	json_t *doc = json_loads(s, JSON_REJECT_DUPLICATES, &e);
	if (!doc)
		fprintf(stderr, "SARIF does not parse: %s at line %d\n", e.text, e.line);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_PTR_NULL(strchr(s, '\033'));
	free(s);
	return doc;
}

static void test_sarif_shape(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	json_t *doc = render_sarif_doc(r, 1);
	CU_ASSERT_STRING_EQUAL(jstr(doc, "version"), "2.1.0");
	CU_ASSERT_TRUE(strstr(jstr(doc, "$schema"), "sarif") != NULL);
	json_t *runs = json_object_get(doc, "runs");
	CU_ASSERT_EQUAL_FATAL(json_array_size(runs), 1);
	json_t *run = json_array_get(runs, 0);
	json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
	CU_ASSERT_STRING_EQUAL(jstr(driver, "name"), "dsbinspect");
	CU_ASSERT_STRING_EQUAL(jstr(driver, "version"), DSB_VERSION);

	json_t *rules = json_object_get(driver, "rules");
	CU_ASSERT_EQUAL_FATAL(json_array_size(rules), DSB_RULE_COUNT);
	for (int k = 0; k < DSB_RULE_COUNT; k++) {
		const struct dsb_rule_info *ri = dsb_rule_info((enum dsb_rule)k);
		json_t *rule = json_array_get(rules, (size_t)k);
		CU_ASSERT_STRING_EQUAL(jstr(rule, "id"), ri->id);
		CU_ASSERT_TRUE(strlen(jstr(rule, "name")) > 0);
		CU_ASSERT_PTR_NULL(strpbrk(jstr(rule, "name"), " ,'"));
		CU_ASSERT_STRING_EQUAL(jstr(json_object_get(rule, "shortDescription"), "text"), ri->title);
		CU_ASSERT_STRING_EQUAL(jstr(json_object_get(rule, "fullDescription"), "text"), ri->explanation);
		CU_ASSERT_STRING_EQUAL(jstr(json_object_get(rule, "help"), "text"), ri->remedy);
		const char *lvl = jstr(json_object_get(rule, "defaultConfiguration"), "level");
		CU_ASSERT_STRING_EQUAL(lvl, ri->severity == DSB_SEV_ERROR ? "error" :
					    ri->severity == DSB_SEV_WARNING ? "warning" : "note");
	}

	json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
	CU_ASSERT_EQUAL(jint(inv, "exitCode"), 1);
	CU_ASSERT_TRUE(json_is_true(json_object_get(inv, "executionSuccessful")));
	json_decref(doc);
	dsb_report_free(r);
}

static void test_sarif_results(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	json_t *jdoc = render_json_doc(r);
	json_t *doc = render_sarif_doc(r, 1);
	json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
	json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	json_t *results = json_object_get(run, "results");
	json_t *findings = json_object_get(jdoc, "findings");
	json_t *artifacts = json_object_get(run, "artifacts");
	CU_ASSERT_EQUAL_FATAL(json_array_size(results), json_array_size(findings));

	/* Same order as the JSON report; ruleIndex points at ruleId. */
	size_t i;
	json_t *res;
	json_array_foreach(results, i, res) {
		json_t *f = json_array_get(findings, i);
		CU_ASSERT_STRING_EQUAL(jstr(res, "ruleId"), jstr(f, "rule"));
		json_int_t k = jint(res, "ruleIndex");
		CU_ASSERT_STRING_EQUAL(jstr(json_array_get(rules, (size_t)k), "id"), jstr(res, "ruleId"));
		CU_ASSERT_STRING_EQUAL(jstr(json_object_get(res, "message"), "text"), jstr(f, "message"));
		const char *sev = jstr(f, "severity");
		CU_ASSERT_STRING_EQUAL(jstr(res, "level"),
				       strcmp(sev, "info") == 0 ? "note" : sev);
		json_t *pl = json_object_get(json_array_get(json_object_get(res, "locations"), 0),
					     "physicalLocation");
		json_t *al = json_object_get(pl, "artifactLocation");
		CU_ASSERT_TRUE(strlen(jstr(al, "uri")) > 0);
		/* An index names an input, and the uri is that input's. */
		if (json_object_get(al, "index")) {
			json_int_t ai = jint(al, "index");
			CU_ASSERT_TRUE_FATAL(ai >= 0 && (size_t)ai < json_array_size(artifacts));
			CU_ASSERT_STRING_EQUAL(jstr(json_object_get(json_array_get(artifacts, (size_t)ai),
								    "location"), "uri"), jstr(al, "uri"));
		}
		/* GitHub: a startLine on every result, and fingerprints. */
		CU_ASSERT_TRUE(jint(json_object_get(pl, "region"), "startLine") >= 1);
		json_t *pf = json_object_get(res, "partialFingerprints");
		CU_ASSERT_TRUE(strlen(jstr(pf, "primaryLocationLineHash")) > 0);
		CU_ASSERT_TRUE(strlen(jstr(pf, "dsbinspect/v1")) > 0);
	}

	/* P010 (third), a member of the archive input 0: the result points
	 * at the archive (GitHub reads only the uri), line 1, and names the
	 * member and its journal line in the location's message; seq and hbc
	 * are properties. */
	res = json_array_get(results, 2);
	json_t *loc = json_array_get(json_object_get(res, "locations"), 0);
	json_t *pl = json_object_get(loc, "physicalLocation");
	CU_ASSERT_EQUAL(jint(json_object_get(pl, "region"), "startLine"), 1);
	CU_ASSERT_PTR_NULL(json_object_get(json_object_get(pl, "region"), "byteOffset"));
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(pl, "artifactLocation"), "uri"),
			       "backup-dc01.tar.zst");
	CU_ASSERT_EQUAL(jint(json_object_get(pl, "artifactLocation"), "index"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(loc, "message"), "text"),
			       "member journal.jsonl, line 42");
	json_t *props = json_object_get(res, "properties");
	CU_ASSERT_EQUAL(jint(props, "seq"), 41);
	CU_ASSERT_STRING_EQUAL(jstr(props, "hbc"), "0x1f3a0");
	json_t *lls = json_object_get(loc, "logicalLocations");
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(lls, 0), "name"), "journal.jsonl");
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(lls, 0), "kind"), "member");
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(lls, 1), "name"), "DsBackupClose");
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(lls, 1), "kind"), "function");

	/* C015 in the folder input: the member file itself, with its offset. */
	res = json_array_get(results, json_array_size(results) - 1);
	pl = json_object_get(json_array_get(json_object_get(res, "locations"), 0), "physicalLocation");
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(pl, "artifactLocation"), "uri"), "capture%20dir/data/x");
	CU_ASSERT_PTR_NULL(json_object_get(json_object_get(pl, "artifactLocation"), "index"));
	CU_ASSERT_EQUAL(jint(json_object_get(pl, "region"), "startLine"), 1);
	CU_ASSERT_EQUAL(jint(json_object_get(pl, "region"), "byteOffset"), 1234);
	CU_ASSERT_EQUAL(jint(json_object_get(res, "properties"), "offset"), 1234);

	/* The inputs are the first artifacts, in order. */
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(json_array_get(artifacts, 0), "location"), "uri"),
			       "backup-dc01.tar.zst");
	CU_ASSERT_STRING_EQUAL(jstr(json_object_get(json_array_get(artifacts, 1), "location"), "uri"),
			       "capture%20dir");
	json_decref(doc);
	json_decref(jdoc);
	dsb_report_free(r);
}

/* ---- run object, JSON Lines, SARIF for code scanning ----------------------- */

static const char *const run_argv[] = { "dsbinspect", "verify", "--fail-on", "warning",
					"backup-dc01.tar.zst", "capture dir" };

static void sample_run(struct dsb_run_info *ri)
{
	memset(ri, 0, sizeof *ri);
	ri->argv = run_argv;
	ri->argc = sizeof run_argv / sizeof run_argv[0];
	ri->fail_on = DSB_FAIL_ON_WARNING;
	snprintf(ri->started, sizeof ri->started, "2026-12-02T03:00:00Z");
	snprintf(ri->ended, sizeof ri->ended, "2026-12-02T03:00:07Z");
	snprintf(ri->host, sizeof ri->host, "auditor-01");
}

static void test_json_run_object(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	struct dsb_run_info ri;
	sample_run(&ri);
	struct dsb_render_opts o = { .exit_status = 1, .run = &ri };
	char *s = render(dsb_render_json, r, &o);
	json_t *doc = json_loads(s, JSON_REJECT_DUPLICATES, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	/* Last but one, after the findings, before the summary: known only
	 * after the last input. */
	CU_ASSERT_TRUE(strstr(s, "\n  \"findings\"") < strstr(s, "\n  \"run\"") &&
		       strstr(s, "\n  \"run\"") < strstr(s, "\n  \"summary\""));
	json_t *run = json_object_get(doc, "run");
	CU_ASSERT_STRING_EQUAL(jstr(run, "tool_version"), DSB_VERSION);
	CU_ASSERT_STRING_EQUAL(jstr(run, "fail_on"), "warning");
	CU_ASSERT_STRING_EQUAL(jstr(run, "started"), "2026-12-02T03:00:00Z");
	CU_ASSERT_STRING_EQUAL(jstr(run, "ended"), "2026-12-02T03:00:07Z");
	CU_ASSERT_STRING_EQUAL(jstr(run, "host"), "auditor-01");
	json_t *cl = json_object_get(run, "command_line");
	CU_ASSERT_EQUAL_FATAL(json_array_size(cl), ri.argc);
	for (size_t i = 0; i < ri.argc; i++)
		CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(cl, i)), run_argv[i]);

	/* Each finding carries its rule's title and remedy. */
	json_t *findings = json_object_get(doc, "findings"), *f;
	size_t i;
	CU_ASSERT_TRUE(json_array_size(findings) > 0);
	json_array_foreach(findings, i, f) {
		const struct dsb_rule_info *info = dsb_rule_info(dsb_rule_by_id(jstr(f, "rule")));
		CU_ASSERT_STRING_EQUAL(jstr(f, "title"), info->title);
		CU_ASSERT_STRING_EQUAL(jstr(f, "remedy"), info->remedy);
	}
	json_decref(doc);
	free(s);

	/* Twin: a renderer given no run info writes no run object, and an
	 * unknown host is null, not "". */
	ri.host[0] = '\0';
	s = render(dsb_render_json, r, &o);
	doc = json_loads(s, 0, NULL);
	CU_ASSERT_TRUE(json_is_null(json_object_get(json_object_get(doc, "run"), "host")));
	json_decref(doc);
	free(s);
	o.run = NULL;
	s = render(dsb_render_json, r, &o);
	doc = json_loads(s, 0, NULL);
	CU_ASSERT_PTR_NULL(json_object_get(doc, "run"));
	json_decref(doc);
	free(s);
	dsb_report_free(r);
}

/* SOURCE_DATE_EPOCH pins the times, DSBINSPECT_HOST the host; a value
 * that is not a plain number of seconds is the clock's. */
static void test_run_info_pinned(void)
{
	char t[DSB_RFC3339_SIZE];
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	CU_ASSERT_TRUE(dsb_run_time(t));
	CU_ASSERT_STRING_EQUAL(t, "2023-11-14T22:13:20Z");
	setenv("SOURCE_DATE_EPOCH", "0", 1);
	CU_ASSERT_TRUE(dsb_run_time(t));
	CU_ASSERT_STRING_EQUAL(t, "1970-01-01T00:00:00Z");
	setenv("DSBINSPECT_HOST", "pinned-host", 1);
	char *argv[] = { (char *)"dsbinspect", (char *)"verify", (char *)"x.tar", NULL };
	struct dsb_run_info ri;
	dsb_run_info_begin(&ri, 3, argv, DSB_FAIL_ON_ERROR);
	dsb_run_info_end(&ri);
	CU_ASSERT_STRING_EQUAL(ri.started, "1970-01-01T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(ri.ended, "1970-01-01T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(ri.host, "pinned-host");
	CU_ASSERT_EQUAL(ri.argc, 3);
	CU_ASSERT_STRING_EQUAL(ri.argv[2], "x.tar");

	/* Twins: not a number, past year 9999, empty: the clock. */
	const char *bad[] = { "17e8", "-1", "253402300800", "", " 1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		setenv("SOURCE_DATE_EPOCH", bad[i], 1);
		CU_ASSERT_TRUE(dsb_run_time(t));
		CU_ASSERT_TRUE(strncmp(t, "1970", 4) != 0 && strncmp(t, "2023", 4) != 0);
		CU_ASSERT_EQUAL(strlen(t), DSB_RFC3339_SIZE - 1);
		CU_ASSERT_EQUAL(t[DSB_RFC3339_SIZE - 2], 'Z');
	}
	unsetenv("SOURCE_DATE_EPOCH");
	unsetenv("DSBINSPECT_HOST");
	dsb_run_info_begin(&ri, 3, argv, DSB_FAIL_ON_ERROR);
	CU_ASSERT_TRUE(strlen(ri.host) > 0);       /* gethostname's */
}

/* JSON Lines: the run line first, the summary last, each input's lines
 * together in command-line order, every element of the JSON report once,
 * each line naming its input. */
static void test_jsonl_lines(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	struct dsb_run_info ri;
	sample_run(&ri);
	struct dsb_render_opts o = { .exit_status = 1, .run = &ri };
	json_t *jdoc = render_json_doc(r);
	char *s = render(dsb_render_jsonl, r, &o);
	CU_ASSERT_PTR_NULL(strchr(s, '\033'));
	size_t n = strlen(s);
	CU_ASSERT_TRUE_FATAL(n > 0 && s[n - 1] == '\n');

	json_t *findings = json_object_get(jdoc, "findings");
	size_t nlines = 0, nfind = 0, nsess = 0, ninput = 0;
	int last_input = -1;
	char last_type[16] = "";
	for (char *line = s, *end; *line; line = end + 1) {
		end = strchr(line, '\n');
		CU_ASSERT_PTR_NOT_NULL_FATAL(end);
		json_error_t e;
		json_t *l = json_loadb(line, (size_t)(end - line), JSON_REJECT_DUPLICATES, &e);
		CU_ASSERT_PTR_NOT_NULL_FATAL(l);
		/* `type` is the first key. */
		CU_ASSERT_EQUAL(strncmp(line, "{\"type\":", 8), 0);
		const char *type = jstr(l, "type");
		snprintf(last_type, sizeof last_type, "%s", type);
		if (nlines == 0) {
			CU_ASSERT_STRING_EQUAL(type, "run");
			CU_ASSERT_STRING_EQUAL(jstr(l, "schema"), "dsbinspect-jsonl/1");
			CU_ASSERT_STRING_EQUAL(jstr(l, "host"), "auditor-01");
			CU_ASSERT_STRING_EQUAL(jstr(l, "started"), "2026-12-02T03:00:00Z");
			CU_ASSERT_PTR_NULL(json_object_get(l, "ended"));
		} else if (strcmp(type, "summary") != 0) {
			json_int_t in = jint(l, "input");
			CU_ASSERT_TRUE_FATAL(in >= 0 && (size_t)in < r->ninputs);
			CU_ASSERT_TRUE(in >= last_input);       /* grouped, in order */
			if (strcmp(type, "input") == 0) {
				CU_ASSERT_EQUAL(in, (json_int_t)ninput);
				ninput++;
			}
			last_input = (int)in;
			CU_ASSERT_STRING_EQUAL(jstr(l, "input_path"), r->inputs[in].path);
			if (r->inputs[in].has_sha256) {
				CU_ASSERT_STRING_EQUAL(jstr(l, "input_sha256"), r->inputs[in].sha256);
			} else {
				CU_ASSERT_TRUE(json_is_null(json_object_get(l, "input_sha256")));
			}
			if (strcmp(type, "finding") == 0) {
				/* The JSON report's finding, in the same order. */
				json_t *f = json_array_get(findings, nfind++);
				CU_ASSERT_PTR_NOT_NULL_FATAL(f);
				const char *k;
				json_t *v;
				json_object_foreach(f, k, v) {
					CU_ASSERT_TRUE(json_equal(v, json_object_get(l, k)));
				}
			} else if (strcmp(type, "session") == 0) {
				json_t *js = json_array_get(json_object_get(jdoc, "sessions"), nsess++);
				CU_ASSERT_TRUE(json_equal(json_object_get(js, "files"),
							  json_object_get(l, "files")));
				CU_ASSERT_STRING_EQUAL(jstr(l, "hbc"), jstr(js, "hbc"));
			}
		}
		nlines++;
		json_decref(l);
		if (strcmp(last_type, "summary") == 0) {
			CU_ASSERT_EQUAL(end + 1 - s, (ptrdiff_t)n);     /* the last line */
		}
	}
	CU_ASSERT_STRING_EQUAL(last_type, "summary");
	CU_ASSERT_EQUAL(ninput, r->ninputs);
	CU_ASSERT_EQUAL(nsess, r->nsessions);
	CU_ASSERT_EQUAL(nfind, json_array_size(findings));
	CU_ASSERT_EQUAL(nlines, 1 + r->ninputs + r->nsessions + nfind + 1);
	/* The summary line: the JSON report's summary, the status, the end. */
	char *last = s + n - 1;
	while (last > s && last[-1] != '\n')
		last--;
	json_t *sum = json_loads(last, 0, NULL);
	CU_ASSERT_EQUAL(jint(sum, "exit_status"), 1);
	CU_ASSERT_STRING_EQUAL(jstr(sum, "ended"), "2026-12-02T03:00:07Z");
	CU_ASSERT_EQUAL(jint(sum, "errors"), jint(json_object_get(jdoc, "summary"), "errors"));
	json_decref(sum);
	json_decref(jdoc);
	free(s);
	dsb_report_free(r);
}

/* The results' fingerprints, in order, each with its result's ruleId as
 * "rule" (caller frees). */
static json_t *sarif_fingerprints(const struct dsb_report *r)
{
	json_t *doc = render_sarif_doc(r, 1);
	json_t *results = json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results");
	json_t *out = json_array(), *res;
	size_t i;
	json_array_foreach(results, i, res) {
		json_t *fp = json_deep_copy(json_object_get(res, "partialFingerprints"));
		json_object_set(fp, "rule", json_object_get(res, "ruleId"));
		json_array_append_new(out, fp);
	}
	json_decref(doc);
	return out;
}

/* Fingerprints do not move when records are added before a finding (its
 * line and seq change), and differ when its logical place does. */
static void test_sarif_fingerprints(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	json_t *a = sarif_fingerprints(r);
	json_t *again = sarif_fingerprints(r);
	CU_ASSERT_TRUE(json_equal(a, again));
	json_decref(again);

	loc_shift = 7;
	struct dsb_report *shifted = sample_report(DSB_FAIL_ON_ERROR, false);
	loc_shift = 0;
	json_t *b = sarif_fingerprints(shifted);
	CU_ASSERT_TRUE(json_equal(a, b));
	json_decref(b);
	dsb_report_free(shifted);

	/* Every value distinct: equal places (the P006 reads of one handle)
	 * are told apart by their occurrence, 1, 2, ... in report order. */
	size_t n = json_array_size(a);
	CU_ASSERT_TRUE_FATAL(n > DSB_LIST_CAP);
	json_t *seen = json_object();
	size_t i;
	json_t *fp;
	unsigned p006 = 0;
	const char *p010 = NULL;
	json_array_foreach(a, i, fp) {
		const char *full = jstr(fp, "dsbinspect/v1");
		const char *line_hash = jstr(fp, "primaryLocationLineHash");
		CU_ASSERT_EQUAL(strlen(full), 64 + strlen(strchr(full, ':')));
		CU_ASSERT_EQUAL(strncmp(full, line_hash, 16), 0);
		CU_ASSERT_PTR_NULL(json_object_get(seen, full));
		json_object_set_new(seen, full, json_true());
		char occ[16];
		snprintf(occ, sizeof occ, ":%u", p006 + 1);
		if (strcmp(jstr(fp, "rule"), "DSB-P006") == 0) {      /* one handle's reads */
			CU_ASSERT_STRING_EQUAL(strchr(full, ':'), occ);
			p006++;
		} else if (strcmp(jstr(fp, "rule"), "DSB-P010") == 0) {
			p010 = full;
		}
	}
	CU_ASSERT_EQUAL(p006, DSB_LIST_CAP);
	json_decref(seen);

	/* Twin: the same P010 on another handle is another alert. */
	struct dsb_report *other = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(other, "backup-dc01.tar.zst"), 0);
	struct dsb_loc l = loc_call(42, 41, "0x1f3a0", "DsBackupClose");
	dsb_findings_add(other->findings, 0, DSB_P010, &l, "x");
	l = loc_call(42, 41, "0x1f3a1", "DsBackupClose");
	dsb_findings_add(other->findings, 0, DSB_P010, &l, "x");
	json_t *c = sarif_fingerprints(other);
	CU_ASSERT_EQUAL_FATAL(json_array_size(c), 2);
	CU_ASSERT_STRING_NOT_EQUAL(jstr(json_array_get(c, 0), "dsbinspect/v1"),
				   jstr(json_array_get(c, 1), "dsbinspect/v1"));
	/* ...and the first is the sample's P010 (same input, same place). */
	CU_ASSERT_PTR_NOT_NULL_FATAL(p010);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(c, 0), "dsbinspect/v1"), p010);
	json_decref(c);
	dsb_report_free(other);
	json_decref(a);
	dsb_report_free(r);
}

/* Member names chosen by the evidence never become part of a URI: an
 * absolute name, a ".." or "." segment, an empty segment, a backslash.
 * Such a result points at its input folder; the name is only quoted. */
static void test_sarif_unsafe_member_names(void)
{
	static const char *const unsafe[] = {
		"../../etc/passwd", "/etc/shadow", "data/../../etc/group", "data/./x", "data//x",
		"..\\..\\etc\\hosts", "data/\x1b[31mx", "..",
	};
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "cap"), 0);
	r->inputs[0].container = strdup("dir");
	struct dsb_loc m = DSB_LOC_INIT;
	for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++) {
		m.member = unsafe[i];
		dsb_findings_add(r->findings, 0, DSB_C009, &m, "unsafe member path");
	}
	/* Twin: a plain name is the folder's own file. */
	m.member = "data/ntds.dit";
	dsb_findings_add(r->findings, 0, DSB_C009, &m, "unsafe member path");
	json_t *doc = render_sarif_doc(r, 1);
	json_t *results = json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results");
	CU_ASSERT_EQUAL_FATAL(json_array_size(results), sizeof unsafe / sizeof unsafe[0] + 1);
	size_t i, safe = 0;
	json_t *res;
	json_array_foreach(results, i, res) {
		json_t *loc = json_array_get(json_object_get(res, "locations"), 0);
		json_t *al = json_object_get(json_object_get(loc, "physicalLocation"), "artifactLocation");
		const char *uri = jstr(al, "uri");
		const char *member = jstr(json_object_get(res, "properties"), "member");
		if (strcmp(member, "data/ntds.dit") == 0) {
			CU_ASSERT_STRING_EQUAL(uri, "cap/data/ntds.dit");
			safe++;
			continue;
		}
		CU_ASSERT_STRING_EQUAL(uri, "cap");
		CU_ASSERT_EQUAL(jint(al, "index"), 0);
		/* Quoted in the location's message instead. */
		CU_ASSERT_TRUE(strstr(jstr(json_object_get(loc, "message"), "text"), member) != NULL);
	}
	CU_ASSERT_EQUAL(safe, 1);
	json_decref(doc);
	dsb_report_free(r);
}

/* A report of `inputs` captures, each with a full listing of P006 (one
 * handle's reads): inputs * DSB_LIST_CAP listed findings. */
static struct dsb_report *p006_report(int inputs)
{
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	for (int i = 0; i < inputs; i++) {
		char name[16];
		snprintf(name, sizeof name, "c%02d.tar", i);
		CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, name), i);
		for (int k = 0; k < DSB_LIST_CAP; k++) {
			struct dsb_loc l = loc_call(10 + (uint64_t)k, 9 + (uint64_t)k, "0x1", "DsBackupRead");
			dsb_findings_add(r->findings, i, DSB_P006, &l, "read buffer 1000");
		}
	}
	return r;
}

/* GitHub rejects a run of more than 25,000 results: the first 25,000 in
 * report order are written, the rest counted in the run's properties.
 * Twin: at the limit, nothing is left out. */
static void test_sarif_results_cap(void)
{
	static const struct { int inputs; json_int_t left_out; } cases[] = {
		{ 26, 26 * DSB_LIST_CAP - 25000 },
		{ 25, 0 },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct dsb_report *r = p006_report(cases[c].inputs);
		json_t *doc = render_sarif_doc(r, 1);
		json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
		CU_ASSERT_EQUAL(json_array_size(json_object_get(run, "results")), 25000);
		CU_ASSERT_EQUAL(jint(json_object_get(run, "properties"), "results_left_out"),
				cases[c].left_out);
		/* The last result written is the 25,000th in report order. */
		json_t *last = json_array_get(json_object_get(run, "results"), 24999);
		CU_ASSERT_EQUAL(jint(json_object_get(last, "properties"), "input"), 24);
		json_decref(doc);
		dsb_report_free(r);
	}
}

/* ---- text ----------------------------------------------------------------- */

static char *render_text_str(const struct dsb_report *r, bool colour)
{
	struct dsb_render_opts o = { .colour = colour };
	return render(dsb_render_text, r, &o);
}

static const char *last_line(const char *s)
{
	size_t n = strlen(s);
	CU_ASSERT_FATAL(n > 0 && s[n - 1] == '\n');
	const char *p = s + n - 1;
	while (p > s && p[-1] != '\n')
		p--;
	return p;
}

static void test_text_verdict_line(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	char *s = render_text_str(r, false);
	CU_ASSERT_STRING_EQUAL(last_line(s), "fail \xe2\x80\x94 1503 errors, 2 warnings, 1 info\n");
	CU_ASSERT_PTR_NULL(strchr(s, '\033'));
	free(s);
	dsb_report_free(r);

	r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "a.tar"), 0);
	struct dsb_loc l = loc_call(5, 4, "0x1", "DsBackupPrepare");
	dsb_findings_add(r->findings, 0, DSB_P002, &l, "no online answer");
	s = render_text_str(r, false);
	CU_ASSERT_STRING_EQUAL(last_line(s), "pass \xe2\x80\x94 0 errors, 1 warning, 0 info\n");
	free(s);
	dsb_report_free(r);
}

static void test_text_grouping(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	char *s = render_text_str(r, false);
	const char *outside = strstr(s, "Outside any session");
	const char *s1 = strstr(s, "Session 0x1f3a0: backup FULL, seq 3-5199");
	const char *s2 = strstr(s, "Session 0x2: restore type 4, with token, seq 6000-6010");
	const char *s3 = strstr(s, "Session 0x1f3a0: backup 0x10, seq 7000-7100, cut short");
	CU_ASSERT_PTR_NOT_NULL_FATAL(outside);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s3);
	CU_ASSERT_TRUE(outside < s1 && s1 < s2 && s2 < s3);

	/* P001 on a handle with no session: outside, with its handle. */
	const char *p001 = strstr(s, "DSB-P001");
	CU_ASSERT_TRUE(p001 > outside && p001 < s1);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "journal.jsonl:7 (seq 6, handle 0x999, DsBackupRead)"));
	/* P010 (seq 41) in the first session, R001 in the restore session,
	 * P005 (seq 7050) in the second session of the same handle. */
	const char *p010 = strstr(s, "DSB-P010");
	CU_ASSERT_TRUE(p010 > s1 && p010 < s2);
	const char *r001 = strstr(s, "DSB-R001");
	CU_ASSERT_TRUE(r001 > s2 && r001 < s3);
	const char *p005 = strstr(s, "DSB-P005");
	CU_ASSERT_TRUE(p005 > s3);
	/* Files with their completeness. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "complete    \\\\DC01\\C$\\Windows\\NTDS\\ntds.dit (bft 0x44, "
				      "20979712 of 20979712 bytes, data data/ntds.dit)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "incomplete  \\\\DC01\\C$\\Windows\\NTDS\\edb.log (8192 of "
				      "10485760 bytes, no data)"));
	/* The rule over the cap says how many were left out. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Not listed: 500 more DSB-P006 findings (1000 listed)"));
	CU_ASSERT_PTR_NULL(strstr(s, "more DSB-P010"));
	/* Input facts. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "backup-dc01.tar.zst\n  tar compressed with zstd, 20983112 bytes, sha256 " SHA_B));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "capture dir\n  folder, 4096 bytes\n  verdict: fail"));
	free(s);
	dsb_report_free(r);
}

/* A finding of a loose file has no member and no line: its location list
 * opens right after the rule id's two spaces ("DSB-E014  (page 11"), not
 * after three; with a member it is "member:line (seq ...)". */
static void regression_text_location_without_member_one_gap(void)
{
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "ntds.dit"), 0);
	struct dsb_loc l = DSB_LOC_INIT;
	l.page = 11;
	l.offset = 49452;
	l.table = "datatable";
	dsb_findings_add(r->findings, 0, DSB_E014, &l, "one flipped bit");
	char *s = render_text_str(r, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-E014  (page 11, offset 49452, table datatable): one flipped bit\n"));
	CU_ASSERT_PTR_NULL(strstr(s, "DSB-E014   ("));
	free(s);
	dsb_report_free(r);
	/* The twin: with a member and a line, a space before the list. */
	r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "a.tar"), 0);
	l.member = "cap/data/ntds.dit";
	l.line = 14;
	dsb_findings_add(r->findings, 0, DSB_E014, &l, "one flipped bit");
	s = render_text_str(r, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-E014  cap/data/ntds.dit:14 (page 11, offset 49452, table datatable): one flipped bit\n"));
	free(s);
	dsb_report_free(r);
}

/* The text report said the place twice: "(page 300, offset 2457600): page
 * 300 (offset 2457600): checksum ...", "data/x (offset 5): data/x, at byte
 * 5: cannot read ...".  The message's opening that repeats the location's
 * values is dropped; one that says something else is kept. */
static void regression_text_place_said_once(void)
{
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "a.tar"), 0);
	struct dsb_loc l = DSB_LOC_INIT;
	l.page = 300;
	l.offset = 2457600;
	dsb_findings_add(r->findings, 0, DSB_E013, &l, "page 300 (offset 2457600): checksum mismatch");
	l.page = 12;
	l.offset = 98404;
	dsb_findings_add(r->findings, 0, DSB_E014, &l, "page 12: one flipped bit");
	/* The twin: another page in the message is information, kept. */
	l.page = 40;
	l.offset = 327680;
	dsb_findings_add(r->findings, 0, DSB_E015, &l, "page 41 (offset 327680): misplaced");
	struct dsb_loc m = DSB_LOC_INIT;
	m.member = "data/x";
	m.offset = 5;
	dsb_findings_add(r->findings, 0, DSB_C015, &m, "data/x, at byte 5: cannot read the member: truncated");
	m.member = "data/y";
	m.offset = -1;
	dsb_findings_add(r->findings, 0, DSB_C015, &m, "data/y: cannot open the member");
	m.member = "data/z";
	dsb_findings_add(r->findings, 0, DSB_C015, &m, "data/zz: a member of another name");
	struct dsb_loc in = DSB_LOC_INIT;
	in.offset = 32;
	dsb_findings_add(r->findings, 0, DSB_C015, &in, "at byte 32 of the input: cannot read a member header");
	struct dsb_loc j = DSB_LOC_INIT;
	j.member = "cap/journal.jsonl";
	j.line = 5;
	dsb_findings_add(r->findings, 0, DSB_C002, &j, "line 5: not a JSON object");
	j.line = 6;
	dsb_findings_add(r->findings, 0, DSB_C002, &j, "line 5: said of another line");
	/* A log's name and generation, when the location has them. */
	struct dsb_loc g = DSB_LOC_INIT;
	g.member = "data/edb00007.log";
	g.generation = 7;
	dsb_findings_add(r->findings, 0, DSB_L011, &g, "edb00007.log (generation 7): 1 corrupt segment");
	g.member = "data/edb00009.log";
	dsb_findings_add(r->findings, 0, DSB_L020, &g, "edb00008.log (generation 8): 1 log missing before it");
	/* Only its place: kept whole rather than left empty. */
	struct dsb_loc p = DSB_LOC_INIT;
	p.page = 7;
	dsb_findings_add(r->findings, 0, DSB_E013, &p, "page 7: ");

	char *s = render_text_str(r, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-E013  (page 300, offset 2457600): checksum mismatch\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-E014  (page 12, offset 98404): one flipped bit\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-E015  (page 40, offset 327680): page 41 (offset 327680): misplaced\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-C015  data/x (offset 5): cannot read the member: truncated\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-C015  data/y: cannot open the member\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-C015  data/z: data/zz: a member of another name\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-C015  (offset 32): cannot read a member header\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-C002  cap/journal.jsonl:5: not a JSON object\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-C002  cap/journal.jsonl:6: line 5: said of another line\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-E013  (page 7): page 7: \n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-L011  data/edb00007.log (generation 7): 1 corrupt segment\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "DSB-L020  data/edb00009.log (generation 7): edb00008.log (generation 8): 1 log missing before it\n"));
	CU_ASSERT_PTR_NULL(strstr(s, "page 300 (offset"));
	CU_ASSERT_PTR_NULL(strstr(s, "at byte 5"));
	free(s);
	dsb_report_free(r);
}

/* An error shows its rule's remedy in one line under it; a warning or an
 * info does not. */
static void test_text_remedy_under_errors(void)
{
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "a.tar"), 0);
	struct dsb_loc l = loc_call(42, 41, "0x1f3a0", "DsBackupClose");
	dsb_findings_add(r->findings, 0, DSB_P010, &l, "DsBackupClose with no file open");
	l = loc_call(5, 4, "0x1", "DsBackupPrepare");
	dsb_findings_add(r->findings, 0, DSB_P002, &l, "no online answer");
	char *s = render_text_str(r, false);
	char want[1024];
	snprintf(want, sizeof want, "DsBackupClose with no file open\n             what to do: %s\n",
		 dsb_rule_info(DSB_P010)->remedy);
	CU_ASSERT_EQUAL_FATAL(dsb_rule_info(DSB_P010)->severity, DSB_SEV_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, want));
	CU_ASSERT_EQUAL_FATAL(dsb_rule_info(DSB_P002)->severity, DSB_SEV_WARNING);
	CU_ASSERT_PTR_NULL(strstr(s, dsb_rule_info(DSB_P002)->remedy));
	const char *w = strstr(s, "no online answer\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_NOT_EQUAL(strncmp(w + strlen("no online answer\n"), "             what to do:", 24), 0);
	free(s);
	dsb_report_free(r);
}

/* `--fail-on never` with an error: a pass that says why, the counts kept
 * (RC §3.12); with nothing found, the plain line. */
static void test_text_verdict_fail_on_never(void)
{
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_NEVER);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "a.tar"), 0);
	struct dsb_loc l = loc_call(42, 41, "0x1f3a0", "DsBackupClose");
	dsb_findings_add(r->findings, 0, DSB_P010, &l, "DsBackupClose with no file open");
	char *s = render_text_str(r, false);
	CU_ASSERT_STRING_EQUAL(last_line(s), "pass (--fail-on never) \xe2\x80\x94 1 error, 0 warnings, 0 info\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "verdict: pass (--fail-on never) \xe2\x80\x94 1 error"));
	CU_ASSERT_PTR_NULL(strstr(s, "pass \xe2\x80\x94 1 error"));
	free(s);
	dsb_report_free(r);

	r = dsb_report_new(DSB_FAIL_ON_NEVER);
	CU_ASSERT_EQUAL_FATAL(dsb_report_add_input(r, "a.tar"), 0);
	s = render_text_str(r, false);
	CU_ASSERT_STRING_EQUAL(last_line(s), "pass \xe2\x80\x94 0 errors, 0 warnings, 0 info\n");
	free(s);
	dsb_report_free(r);
}

static void test_text_escapes_control_characters(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	char *s = render_text_str(r, false);
	/* ESC and U+202E (right-to-left override) from a file name never
	 * reach the terminal as they are. */
	CU_ASSERT_PTR_NULL(strchr(s, '\033'));
	CU_ASSERT_PTR_NULL(strstr(s, "\xe2\x80\xae"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "evil\\x1b[31m\\u{202e}name.dit"));
	free(s);
	dsb_report_free(r);
}

static void test_text_colour(void)
{
	struct dsb_report *r = sample_report(DSB_FAIL_ON_ERROR, false);
	char *s = render_text_str(r, true);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\033[1;31merror"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\033[33mwarning"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\033[1;31mfail\033[0m \xe2\x80\x94 1503 errors"));
	free(s);
	dsb_report_free(r);
}

/* Colour only on a terminal, never with NO_COLOR set (even empty). */
static void test_colour_decision(void)
{
	FILE *notty = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(notty);
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	CU_ASSERT_FALSE(dsb_term_colour(notty));
	fclose(notty);

	int master = posix_openpt(O_RDWR | O_NOCTTY);
	CU_ASSERT_FATAL(master >= 0);
	CU_ASSERT_EQUAL_FATAL(grantpt(master), 0);
	CU_ASSERT_EQUAL_FATAL(unlockpt(master), 0);
	FILE *tty = fopen(ptsname(master), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tty);
	CU_ASSERT_TRUE(dsb_term_colour(tty));
	setenv("NO_COLOR", "1", 1);
	CU_ASSERT_FALSE(dsb_term_colour(tty));
	setenv("NO_COLOR", "", 1);
	CU_ASSERT_FALSE(dsb_term_colour(tty));
	unsetenv("NO_COLOR");
	setenv("TERM", "dumb", 1);
	CU_ASSERT_FALSE(dsb_term_colour(tty));
	setenv("TERM", "xterm", 1);
	CU_ASSERT_TRUE(dsb_term_colour(tty));
	fclose(tty);
	close(master);
}

static void test_escape(void)
{
	char buf[64];
	size_t n = dsb_term_escape(buf, sizeof buf, "a\x1b[31mb\xe2\x80\xae" "c\xff\xc3\xa9\t");
	CU_ASSERT_STRING_EQUAL(buf, "a\\x1b[31mb\\u{202e}c\\xff\xc3\xa9\\x09");
	CU_ASSERT_EQUAL(n, strlen(buf));
	/* C1 controls (U+009B is a one-character CSI) and overlong forms. */
	dsb_term_escape(buf, sizeof buf, "\xc2\x9b" "1m\xc0\xaf");
	CU_ASSERT_STRING_EQUAL(buf, "\\u{009b}1m\\xc0\\xaf");
	/* Cut short only between whole pieces, and say the full length. */
	n = dsb_term_escape(buf, 6, "ab\x1b" "cd");
	CU_ASSERT_STRING_EQUAL(buf, "ab");
	CU_ASSERT_EQUAL(n, 8);
}

/* ---- helpers: timeline, progress, backup types ---------------------------- */

static void test_format_ticks(void)
{
	char buf[DSB_TIME_TEXT_MAX];
	dsb_format_ticks(buf, 639308520012500000LL);
	CU_ASSERT_STRING_EQUAL(buf, "2026-11-21T10:00:01.2500000Z");
	dsb_format_ticks(buf, 0);
	CU_ASSERT_STRING_EQUAL(buf, "0001-01-01T00:00:00.0000000Z");
	/* 2024-02-29T23:59:59.9999999Z: a leap day, the last tick of it. */
	dsb_format_ticks(buf, 638448479999999999LL);
	CU_ASSERT_STRING_EQUAL(buf, "2024-02-29T23:59:59.9999999Z");
}

static void test_timeline_line(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	struct dsb_timeline tl;
	dsb_timeline_begin(&tl, fp, "cap.tar");

	struct dsb_record rec;
	memset(&rec, 0, sizeof rec);
	rec.line = 8;
	rec.seq.present = true;
	rec.seq.v = 7;
	rec.kind = DSB_REC_CALL;
	rec.fn = DSB_FN_BACKUP_READ;
	snprintf(rec.fn_text, sizeof rec.fn_text, "DsBackupRead");
	rec.t.present = true;
	rec.t.ticks = 639308520012500000LL;
	rec.hbc.state = DSB_PRESENT;
	rec.hbc.s = (char *)"0x1f3a0";
	rec.hr.present = true;
	rec.hr.raw = 38;
	rec.hr.norm = 0x80070026u;
	snprintf(rec.hr.text, sizeof rec.hr.text, "38");
	dsb_timeline_trace(&tl, &rec, "0x1f3a0", "backup: file open \x1b[2Jntds.dit 8192/20979712");
	/* Recorded by name: shown as recorded, without a second name. */
	snprintf(rec.hr.text, sizeof rec.hr.text, "ERROR_HANDLE_EOF");
	rec.line = 9;
	dsb_timeline_trace(&tl, &rec, "0x1f3a0", "backup: file open");
	dsb_timeline_end(&tl);
	fclose(fp);

	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Timeline of cap.tar"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "       7        8  2026-11-21T10:00:01.2500000Z  DsBackupRead"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0x1f3a0"));
	/* The result as recorded, with its name (from format/journal.c). */
	const char *name = dsb_result_name(0x80070026u);
	char want[64];
	snprintf(want, sizeof want, "38 (%s)", name ? name : "?");
	CU_ASSERT_PTR_NOT_NULL(name);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "backup: file open \\x1b[2Jntds.dit 8192/20979712\n"));
	CU_ASSERT_PTR_NULL(strchr(out, '\033'));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ERROR_HANDLE_EOF    "));
	CU_ASSERT_PTR_NULL(strstr(out, "ERROR_HANDLE_EOF ("));
	CU_ASSERT_EQUAL(tl.calls, 2);
	free(out);
}

static void test_progress_format(void)
{
	char buf[256];
	dsb_progress_format(buf, sizeof buf, 80, "", "backup.tar", 50u << 20, 100u << 20, 1.0);
	CU_ASSERT_STRING_EQUAL(buf, "backup.tar: 50.0 MiB of 100.0 MiB (50%), 50.0 MiB/s, 0:01 left");
	/* Unknown total (standard input): no percentage, no time left. */
	dsb_progress_format(buf, sizeof buf, 80, "[2/3] ", "-", 3u << 30, 0, 2.0);
	CU_ASSERT_STRING_EQUAL(buf, "[2/3] -: 3.0 GiB, 1.5 GiB/s");
	/* A long path keeps its end and fits the terminal. */
	char path[300];
	memset(path, 'p', sizeof path - 1);
	path[sizeof path - 1] = '\0';
	path[sizeof path - 2] = 'Z';
	dsb_progress_format(buf, sizeof buf, 60, "", path, 1, 2, 1.0);
	CU_ASSERT_TRUE(strlen(buf) <= 59);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "...p"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "pZ: 1 B of 2 B (50%)"));
}

static void test_backup_type_text(void)
{
	char buf[12];
	CU_ASSERT_STRING_EQUAL(dsb_backup_type_text(1, buf), "FULL");
	CU_ASSERT_STRING_EQUAL(dsb_backup_type_text(2, buf), "LOGS_ONLY");
	CU_ASSERT_STRING_EQUAL(dsb_backup_type_text(4, buf), "INCREMENTAL");
	CU_ASSERT_STRING_EQUAL(dsb_backup_type_text(0xABCDEF01u, buf), "0xabcdef01");
	CU_ASSERT_STRING_EQUAL(dsb_backup_type_text(0, buf), "0x0");
}

static const struct dsb_test json_tests[] = {
	{ "top level", test_json_top_level },
	{ "inputs", test_json_inputs },
	{ "null container", test_json_null_container },
	{ "sessions and files", test_json_sessions },
	{ "findings: fields, order, locations", test_json_findings },
	{ "summary: totals and suppressed", test_json_summary },
	{ "verdict under each --fail-on", test_json_verdicts },
	{ "invalid UTF-8 path", test_json_invalid_utf8_path },
	{ "run object; findings carry title and remedy", test_json_run_object },
	{ "run times and host pinned", test_run_info_pinned },
	{ NULL, NULL },
};

static const struct dsb_test sarif_tests[] = {
	{ "shape and rule catalogue", test_sarif_shape },
	{ "results in report order", test_sarif_results },
	{ "fingerprints: stable, distinct, of the logical place", test_sarif_fingerprints },
	{ "unsafe member names never in a URI", test_sarif_unsafe_member_names },
	{ "at most 25,000 results per run", test_sarif_results_cap },
	{ NULL, NULL },
};

static const struct dsb_test jsonl_tests[] = {
	{ "lines: run, inputs grouped, findings as in JSON, summary", test_jsonl_lines },
	{ NULL, NULL },
};

static const struct dsb_test text_tests[] = {
	{ "verdict line", test_text_verdict_line },
	{ "grouping by session", test_text_grouping },
	{ "regression_text_location_without_member_one_gap", regression_text_location_without_member_one_gap },
	{ "regression_text_place_said_once", regression_text_place_said_once },
	{ "remedy under each error", test_text_remedy_under_errors },
	{ "verdict line under --fail-on never", test_text_verdict_fail_on_never },
	{ "control characters escaped", test_text_escapes_control_characters },
	{ "colour when asked", test_text_colour },
	{ "colour decision: terminal, NO_COLOR, TERM=dumb", test_colour_decision },
	{ "escape", test_escape },
	{ NULL, NULL },
};

static const struct dsb_test helper_tests[] = {
	{ "timestamps", test_format_ticks },
	{ "timeline line", test_timeline_line },
	{ "progress line", test_progress_format },
	{ "backup types", test_backup_type_text },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "render_json", json_tests },
	{ "render_sarif", sarif_tests },
	{ "render_jsonl", jsonl_tests },
	{ "render_text", text_tests },
	{ "render_helpers", helper_tests },
};

DSB_TEST_MAIN(suites)
