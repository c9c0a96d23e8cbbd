/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IFM media (ntdsutil ifm) given to `verify` (verify/wsb/medium.c,
 * docs/media.md): told apart from a capture and a plain folder, the
 * database and its logs checked as `ese` checks a folder, the registry
 * hives listed (name, size, "regf"), DSB-S017 for a database that is not
 * clean and its clean twin, missing hives a C015 naming them, damage to
 * the database found as in any other folder.
 */
#include <jansson.h>

#include "tests/archive_fixture.h"
#include "tests/cli_run.h"
#include "tests/cunit_main.h"
#include "fixtures/lib/wsbgen.h"
#include "verify/capture/capture.h"
#include "verify/report.h"
#include "verify/wsb/medium.h"

static const char *write_ifm(const char *name, const struct dfx_ifm_opts *o)
{
	static char d[600];
	snprintf(d, sizeof d, "%s/%s", tw_tmpdir(), name);
	tw_rm_rf(d);
	char err[256];
	CU_ASSERT_FATAL(dfx_ifm_write(d, o, err, sizeof err));
	return d;
}

static struct dsb_report *check(const char *path)
{
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL_FATAL(dsb_verify_input(rep, path, NULL), 0);
	return rep;
}

static uint64_t count(struct dsb_report *rep, enum dsb_rule rule)
{
	return dsb_findings_count_rule(rep->findings, -1, rule);
}

static void test_kind(void)
{
	struct dfx_ifm_opts o = { .seed = 1 };
	const char *d = write_ifm("kind", &o);
	CU_ASSERT_EQUAL(dsb_medium_kind(d), DSB_MEDIUM_IFM);
	char p[800];
	/* A journal makes it a capture, whatever else it holds. */
	snprintf(p, sizeof p, "%s/journal.jsonl", d);
	CU_ASSERT_FATAL(tw_write_file(p, "{}\n", 3));
	CU_ASSERT_EQUAL(dsb_medium_kind(d), DSB_MEDIUM_NONE);
	unlink(p);
	/* The twin: ntds.dit not under "Active Directory" is a plain folder. */
	char q[800];
	snprintf(p, sizeof p, "%s/Active Directory/ntds.dit", d);
	snprintf(q, sizeof q, "%s/ntds.dit", d);
	CU_ASSERT_EQUAL_FATAL(rename(p, q), 0);
	CU_ASSERT_EQUAL(dsb_medium_kind(d), DSB_MEDIUM_NONE);
	/* A link named ntds.dit is not followed to make a medium. */
	CU_ASSERT_EQUAL_FATAL(symlink(q, p), 0);
	CU_ASSERT_EQUAL(dsb_medium_kind(d), DSB_MEDIUM_NONE);
	/* Nor an "Active Directory" that is a link to a folder holding one. */
	char other[700], ad[700];
	snprintf(other, sizeof other, "%s-elsewhere", d);
	tw_rm_rf(other);
	CU_ASSERT_EQUAL_FATAL(mkdir(other, 0777), 0);
	snprintf(p, sizeof p, "%s/ntds.dit", other);
	CU_ASSERT_EQUAL_FATAL(rename(q, p), 0);
	snprintf(ad, sizeof ad, "%s/Active Directory", d);
	tw_rm_rf(ad);
	CU_ASSERT_EQUAL_FATAL(symlink(other, ad), 0);
	CU_ASSERT_EQUAL(dsb_medium_kind(d), DSB_MEDIUM_NONE);
	/* its twin: the same folder, really there */
	CU_ASSERT_EQUAL_FATAL(unlink(ad), 0);
	CU_ASSERT_EQUAL_FATAL(rename(other, ad), 0);
	CU_ASSERT_EQUAL(dsb_medium_kind(d), DSB_MEDIUM_IFM);
}

static void test_report(void)
{
	struct dfx_ifm_opts o = { .seed = 2, .sysvol = true };
	const char *d = write_ifm("report", &o);
	struct dsb_report *rep = check(d);
	const struct dsb_medium *m = rep->inputs[0].backup_medium;
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->kind, "ifm");
	CU_ASSERT_STRING_EQUAL(m->database, "Active Directory/ntds.dit");
	CU_ASSERT(m->sysvol);
	CU_ASSERT_EQUAL_FATAL(m->nhives, 2);
	CU_ASSERT_STRING_EQUAL(m->hives[0].name, "SECURITY");   /* byte order */
	CU_ASSERT_STRING_EQUAL(m->hives[1].name, "SYSTEM");
	CU_ASSERT_EQUAL(m->hives[1].size, 8192);
	CU_ASSERT(m->hives[0].regf && m->hives[1].regf);
	/* The database checked as `ese` checks it: an input of its own, a
	 * database entry, a set with a verdict; nothing found. */
	CU_ASSERT_EQUAL_FATAL(rep->ninputs, 2);
	char p[800];
	snprintf(p, sizeof p, "%s/Active Directory/ntds.dit", d);
	CU_ASSERT_STRING_EQUAL(rep->inputs[1].path, p);
	CU_ASSERT_EQUAL_FATAL(rep->ndatabases, 1);
	CU_ASSERT_EQUAL(rep->databases[0].input, 1);
	CU_ASSERT_EQUAL(rep->databases[0].sum.state, DSB_ESE_STATE_CLEAN);
	CU_ASSERT_EQUAL_FATAL(rep->nsets, 1);
	CU_ASSERT_EQUAL(rep->sets[0].verdict, DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(dsb_findings_total(rep->findings, -1, DSB_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(dsb_findings_total(rep->findings, -1, DSB_SEV_WARNING), 0);
	CU_ASSERT_EQUAL(dsb_report_verdict(rep, -1), DSB_PASS);
	dsb_report_free(rep);
}

/* DSB-S017: a dirty database in IFM media; its clean twin raises none. */
static void test_not_consistent(void)
{
	for (int dirty = 0; dirty < 2; dirty++) {
		struct dfx_ifm_opts o = { .seed = 3, .dirty = dirty };
		const char *d = write_ifm("dirty", &o);
		struct dsb_report *rep = check(d);
		CU_ASSERT_EQUAL(count(rep, DSB_S017), (uint64_t)dirty);
		size_t n = 0;
		const struct dsb_finding *f = dsb_findings_sorted(rep->findings, &n);
		for (size_t i = 0; i < n; i++) {
			if (f[i].rule != DSB_S017)
				continue;
			CU_ASSERT_EQUAL(f[i].input, 1);   /* the database's input */
			CU_ASSERT_STRING_EQUAL(f[i].message,
					       "the IFM database is in the dirty-shutdown state, not clean-shutdown");
		}
		CU_ASSERT_EQUAL(dsb_report_verdict(rep, -1), dirty ? DSB_FAIL : DSB_PASS);
		dsb_report_free(rep);
	}
}

static void test_hives(void)
{
	struct dfx_ifm_opts o = { .seed = 4, .no_security = true, .hive_not_regf = true };
	const char *d = write_ifm("hives", &o);
	struct dsb_report *rep = check(d);
	const struct dsb_medium *m = rep->inputs[0].backup_medium;
	CU_ASSERT_EQUAL_FATAL(m->nhives, 1);
	CU_ASSERT_STRING_EQUAL(m->hives[0].name, "SYSTEM");
	CU_ASSERT_FALSE(m->hives[0].regf);
	CU_ASSERT_FALSE(m->sysvol);
	CU_ASSERT_EQUAL(count(rep, DSB_C015), 1);
	size_t n = 0;
	const struct dsb_finding *f = dsb_findings_sorted(rep->findings, &n);
	bool named = false;
	for (size_t i = 0; i < n; i++)
		named |= f[i].rule == DSB_C015 && f[i].member &&
			 strcmp(f[i].member, "registry/SECURITY") == 0 && f[i].input == 0;
	CU_ASSERT(named);
	CU_ASSERT(rep->inputs[0].incomplete);
	dsb_report_free(rep);
	/* No registry folder at all: one C015 naming it. */
	char p[800];
	snprintf(p, sizeof p, "%s/registry", d);
	tw_rm_rf(p);
	rep = check(d);
	CU_ASSERT_EQUAL(count(rep, DSB_C015), 1);
	CU_ASSERT_EQUAL(rep->inputs[0].backup_medium->nhives, 0);
	dsb_report_free(rep);
}

/* Damage of several shapes to the database: found by the ESE checks, in
 * the database's input, and the medium still reported. */
static void test_damage(void)
{
	struct dfx_ifm_opts o = { .seed = 5 };
	const char *d = write_ifm("damage", &o);
	char p[800];
	snprintf(p, sizeof p, "%s/Active Directory/ntds.dit", d);
	size_t len;
	uint8_t *orig = tw_read_file(p, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
	static const struct { size_t off; size_t n; const char *what; } shapes[] = {
		{ 8192 * 4 + 100, 1, "a bit in a page" },
		{ 8192 * 5, 8192, "a whole page zeroed" },
		{ 0, 4, "the header's checksum" },
		{ 8192, 4, "the shadow header's checksum too" },
	};
	for (size_t s = 0; s <= sizeof shapes / sizeof shapes[0]; s++) {
		uint8_t *b = malloc(len);
		memcpy(b, orig, len);
		size_t wlen = len;
		if (s < sizeof shapes / sizeof shapes[0]) {
			/* the shadow header's shape keeps the primary's damage:
			 * both header copies bad */
			if (shapes[s].off == 8192 && shapes[s].n == 4)
				memset(b, 0xff, 4);
			if (shapes[s].n == 1)
				b[shapes[s].off] ^= 0x10;
			else
				memset(b + shapes[s].off, shapes[s].n == 4 ? 0xff : 0, shapes[s].n);
		} else {
			wlen = len - 8192 - 100;   /* cut inside the last page */
		}
		CU_ASSERT_FATAL(tw_write_file(p, b, wlen));
		struct dsb_report *rep = check(d);
		/* one header copy damaged is a warning (the other is used);
		 * every other shape an error */
		uint64_t errors = dsb_findings_total(rep->findings, 1, DSB_SEV_ERROR) +
				  (s == 2 ? dsb_findings_total(rep->findings, 1, DSB_SEV_WARNING) : 0);
		if (errors == 0)
			fprintf(stderr, "shape %zu: no error\n", s);
		CU_ASSERT(errors > 0);
		CU_ASSERT_STRING_EQUAL(rep->inputs[0].backup_medium->kind, "ifm");
		/* one header copy: a warning, a pass; neither header: the
		 * database cannot be read, the input incomplete */
		static const enum dsb_verdict want[] = { DSB_FAIL, DSB_FAIL, DSB_PASS,
							 DSB_INCOMPLETE, DSB_FAIL };
		_Static_assert(sizeof want / sizeof want[0] == sizeof shapes / sizeof shapes[0] + 1,
			       "a verdict for each shape and the cut");
		CU_ASSERT_EQUAL(dsb_report_verdict(rep, -1), want[s]);
		dsb_report_free(rep);
		free(b);
	}
	free(orig);
}

static void test_cli(void)
{
	struct dfx_ifm_opts o = { .seed = 6 };
	const char *d = write_ifm("cli", &o);
	char out[800];
	snprintf(out, sizeof out, "%s/report.json", tw_tmpdir());
	const char *args[] = { "verify", "-q", "--format", "json", d, NULL };
	CU_ASSERT_EQUAL(run(args, NULL, out), 0);
	json_t *doc = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	const json_t *m = json_object_get(json_array_get(json_object_get(doc, "inputs"), 0), "backup_medium");
	CU_ASSERT_STRING_EQUAL(jstr(m, "kind"), "ifm");
	CU_ASSERT_STRING_EQUAL(jstr(m, "database"), "Active Directory/ntds.dit");
	const json_t *h = json_array_get(json_object_get(m, "hives"), 1);
	CU_ASSERT_STRING_EQUAL(jstr(h, "name"), "SYSTEM");
	CU_ASSERT_EQUAL(jint(h, "size"), 8192);
	CU_ASSERT(json_is_true(json_object_get(h, "regf")));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "databases")), 1);
	json_decref(doc);
	const char *targs[] = { "verify", "-q", d, NULL };
	CU_ASSERT_EQUAL(run(targs, NULL, out), 0);
	size_t len;
	char *text = (char *)tw_read_file(out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "IFM media (ntdsutil ifm); registry hives: SECURITY (8192 bytes), SYSTEM (8192 bytes)"));
	free(text);
}

/* `ese FOLDER` on IFM media: the files as in any folder, plus the
 * folder's input with its medium, and S017 for a dirty database (its
 * clean twin: none). */
static void test_ese_folder(void)
{
	for (int dirty = 0; dirty < 2; dirty++) {
		struct dfx_ifm_opts o = { .seed = 7, .dirty = dirty };
		const char *d = write_ifm("esefolder", &o);
		char out[800];
		snprintf(out, sizeof out, "%s/report.json", tw_tmpdir());
		const char *args[] = { "ese", "-q", "--format", "json", d, NULL };
		int st = run(args, NULL, out);
		CU_ASSERT_EQUAL(st, dirty ? 1 : 0);
		json_t *doc = load_json(out);
		CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
		const json_t *inputs = json_object_get(doc, "inputs");
		const json_t *m = NULL;
		for (size_t i = 0; i < json_array_size(inputs); i++) {
			const json_t *in = json_array_get(inputs, i);
			if (json_object_get(in, "backup_medium")) {
				CU_ASSERT_STRING_EQUAL(jstr(in, "path"), d);
				m = json_object_get(in, "backup_medium");
			}
		}
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_STRING_EQUAL(jstr(m, "kind"), "ifm");
		CU_ASSERT_EQUAL(json_array_size(json_object_get(m, "hives")), 2);
		CU_ASSERT_EQUAL(json_array_size(json_object_get(doc, "databases")), 1);
		size_t s017 = 0;
		const json_t *fs = json_object_get(doc, "findings");
		for (size_t i = 0; i < json_array_size(fs); i++)
			s017 += strcmp(jstr(json_array_get(fs, i), "rule"), "DSB-S017") == 0;
		CU_ASSERT_EQUAL(s017, (size_t)dirty);
		json_decref(doc);
	}
}

static const struct dsb_test tests[] = {
	{ "the layout told apart; capture, plain-folder and link twins", test_kind },
	{ "the report: hives, SYSVOL, the database checked as ese does, a pass", test_report },
	{ "DSB-S017 for a dirty database; clean twin", test_not_consistent },
	{ "hives: missing SECURITY, no regf signature, no registry folder", test_hives },
	{ "damage of several shapes to the database", test_damage },
	{ "the CLI: JSON medium and the text line, exit 0", test_cli },
	{ "ese FOLDER: the medium's input, S017 and its twin", test_ese_folder },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "IFM media", tests },
};

int main(void)
{
	(void)tw_stdin_from;
	(void)tw_stdin_restore;
	(void)tw_sha256_file;
	(void)tw_fill;
	(void)tw_write;
	int rc = dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
	tw_cleanup();
	return rc;
}
