/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files of a backup set found in different folders of one `ese` collection.
 *
 * Patch files bound to their database (verify/set/set_patch.c; REF §3.10,
 * §3.11 "Trailer and patch file"): a Windows 7-era .pat (two PATCHHDR
 * copies) beside the streamed copy it was written with binds by its signDb
 * and matches; each field a hard restore compares differing in turn raises
 * DSB-S014 naming exactly that field, while a field it does not compare
 * (logtimeMark) raises nothing; a .pat with no database (S015), two .pat
 * for one database (S016), an older engine's .pat (L036, never bound), an
 * empty .pat, a damaged copy (L035, still bound by the good one), a .pat
 * beside a database that is not a streamed copy (bound, not compared), two
 * identical backups in two folders (each .pat binds in its own folder), and
 * `patches[]` in JSON, text and SARIF.
 *
 * A checkpoint kept in another folder than its logs (esentutl
 * /s<checkpoint folder>; verify/logs/logs_judge.c, verify/set/set.c):
 * judged against its stream's logs there (L034 when its generation is not
 * among them, named by path), and the set's; two backups in two folders,
 * of one stream or two, each with its checkpoint, stay two sets; a
 * checkpoint of a third stream with no log anywhere belongs to no
 * database's set.
 *
 * Sets are written by the log generator (fixtures/lib/loggen.h) into fresh
 * folders and checked as `dsbinspect ese` checks them, --now fixed a day
 * after the fixtures' time.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures/lib/loggen.h"
#include "format/ese.h"
#include "format/journal.h"
#include "verify/ese/ese_collection.h"
#include "verify/set/set.h"

#include "tests/cli_run.h"
#include "tests/set_fixture.h"
#include "tests/cunit_main.h"

#define NOW_DAY_AFTER "2026-11-22T10:00:00Z"
#define LOG64K (64 * 1024)
#define CB 8192u

/* Folders, writing and checking: tests/set_fixture.h. */
static const char *fresh_dir(void)
{
	return set_fx_fresh_dir();
}

static void write_into(const char *d, const struct dfx_logset_opts *o)
{
	set_fx_write_into(d, o);
}

static const char *write_set(const struct dfx_logset_opts *o)
{
	return set_fx_write(o);
}

static void cleanup(void)
{
	set_fx_cleanup();
}

/* A streamed copy of 8 KiB pages, its logs and its two-copy .pat. */
static struct dfx_logset_opts streamed(enum dfx_logset_damage damage)
{
	return (struct dfx_logset_opts){ .db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY,
					 .log_size = LOG64K, .page_size = CB, .damage = damage };
}

static struct dsb_report *check_dir(const char *d)
{
	return set_fx_check(&d, 1, NOW_DAY_AFTER, 0, NULL);
}

static size_t count(struct dsb_report *r, enum dsb_rule rule)
{
	return (size_t)dsb_findings_count_rule(r->findings, -1, rule);
}

static const struct dsb_finding *only(struct dsb_report *r, enum dsb_rule rule)
{
	return set_fx_only(r, rule);
}

static const struct dsb_patch_entry *patch_named(struct dsb_report *r, const char *name)
{
	for (size_t i = 0; i < r->npatches; i++)
		if (r->patches[i].name && strcmp(r->patches[i].name, name) == 0)
			return &r->patches[i];
	return NULL;
}

/* The set of database 0. */
static const struct dsb_backup_set *db_set(struct dsb_report *r)
{
	for (size_t i = 0; i < r->nsets; i++)
		if (r->sets[i].database == 0)
			return &r->sets[i];
	return NULL;
}

static size_t patch_rules(struct dsb_report *r)
{
	return count(r, DSB_S014) + count(r, DSB_S015) + count(r, DSB_S016);
}

/* ---- the bound .pat and each compared field -------------------------------------- */

static void test_bound_clean(void)
{
	struct dfx_logset_opts o = streamed(DFX_LSD_NONE);
	struct dsb_report *r = check_dir(write_set(&o));
	CU_ASSERT_EQUAL_FATAL(r->npatches, 1);
	const struct dsb_patch_entry *p = &r->patches[0];
	CU_ASSERT_STRING_EQUAL(p->name, "ntds.pat");
	CU_ASSERT_EQUAL(p->kind, DSB_PATCH_PATCHHDR);
	CU_ASSERT_EQUAL(p->size, 2 * CB);
	CU_ASSERT_EQUAL(p->page_size, CB);
	CU_ASSERT_EQUAL(p->copies, 2);
	CU_ASSERT_TRUE(p->copy_ok[0] && p->copy_ok[1] && p->copies_equal && p->header_ok);
	CU_ASSERT_EQUAL(p->database, 0);
	CU_ASSERT_FALSE(p->by_name);
	CU_ASSERT_TRUE(p->compared);
	CU_ASSERT_EQUAL(p->mismatch, 0);
	/* the fields are the database's: its signDb and signLog, genLow 5 .. genHigh 9 */
	const struct dsb_ese_header *h = &r->databases[0].sum.header;
	CU_ASSERT_EQUAL(memcmp(p->sign_db.raw, h->sign_db.raw, DSB_ESE_SIGNATURE_SIZE), 0);
	CU_ASSERT_EQUAL(memcmp(p->sign_log.raw, h->sign_log.raw, DSB_ESE_SIGNATURE_SIZE), 0);
	CU_ASSERT_EQUAL(p->bkinfo.gen_low, 5);
	CU_ASSERT_EQUAL(p->bkinfo.gen_high, 9);
	CU_ASSERT_EQUAL(p->bkinfo.mark.generation, 5);
	CU_ASSERT_EQUAL(patch_rules(r), 0);
	CU_ASSERT_EQUAL(count(r, DSB_L035) + count(r, DSB_L036), 0);
	const struct dsb_backup_set *s = db_set(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_RESTORABLE);
	dsb_report_free(r);
	cleanup();
}

struct field_case {
	enum dfx_logset_damage damage;
	unsigned bit;
	const char *named;         /* in the message */
	bool by_name;
};

static const struct field_case fields[] = {
	{ DFX_LSD_PAT_SIGN_DB, DSB_PATCH_DIFF_SIGN_DB, "signDb (random 0x", true },
	{ DFX_LSD_PAT_SIGN_LOG, DSB_PATCH_DIFF_SIGN_LOG, "signLog (random 0x", false },
	{ DFX_LSD_PAT_MARK, DSB_PATCH_DIFF_MARK, "lgposMark (5:4:16, bkinfoFullCur's 5:3:16)", false },
	{ DFX_LSD_PAT_GEN_LOW, DSB_PATCH_DIFF_GEN_LOW, "genLow (6, bkinfoFullCur's 5)", false },
	{ DFX_LSD_PAT_GEN_HIGH, DSB_PATCH_DIFF_GEN_HIGH, "genHigh (8, the trailer's 9)", false },
};

/* Each field a hard restore compares, differing alone: one S014 naming
 * it and no other field, the set not restorable; the twin is the same
 * set with the field intact (test_bound_clean) and, nearer, the one
 * below with a field ESE does not compare changed. */
static void test_each_field(void)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		struct dfx_logset_opts o = streamed(fields[i].damage);
		struct dsb_report *r = check_dir(write_set(&o));
		CU_ASSERT_EQUAL_FATAL(r->npatches, 1);
		const struct dsb_patch_entry *p = &r->patches[0];
		CU_ASSERT_EQUAL(p->database, 0);
		CU_ASSERT_EQUAL(p->by_name, fields[i].by_name);
		CU_ASSERT_TRUE(p->compared);
		CU_ASSERT_EQUAL(p->mismatch, fields[i].bit);
		const struct dsb_finding *f = only(r, DSB_S014);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		if (!strstr(f->message, fields[i].named))
			printf("\n    %s: %s", fields[i].named, f->message);
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, fields[i].named));
		CU_ASSERT_EQUAL(f->input, p->input);
		CU_ASSERT_EQUAL(count(r, DSB_S015) + count(r, DSB_S016), 0);
		CU_ASSERT_EQUAL(count(r, DSB_L035), 0);
		const struct dsb_backup_set *s = db_set(r);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
		bool said = false;
		for (size_t k = 0; k < s->nreasons; k++)
			said |= strstr(s->reasons[k], "DSB-S014") != NULL;
		CU_ASSERT_TRUE(said);
		dsb_report_free(r);
		cleanup();
	}
}

/* Rewrite bytes [off, off+n) of both PATCHHDR copies of d/ntds.pat and
 * restamp each copy's checksum, as an engine writing that value would. */
static void pat_edit(const char *d, size_t off, const uint8_t *v, size_t n)
{
	char path[96];
	snprintf(path, sizeof path, "%s/ntds.pat", d);
	int fd = open(path, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	uint8_t page[CB];
	for (unsigned c = 0; c < 2; c++) {
		CU_ASSERT_FATAL(pread(fd, page, CB, (off_t)c * CB) == (ssize_t)CB);
		memcpy(page + off, v, n);
		dsb_ese_header_stamp(page, CB);
		CU_ASSERT_FATAL(pwrite(fd, page, CB, (off_t)c * CB) == (ssize_t)CB);
	}
	close(fd);
}

/* The near twin: logtimeMark, which ErrLGCheckDBFiles does
 * not compare, changed in both copies, checksums redone: nothing. */
static void test_uncompared_field_twin(void)
{
	struct dfx_logset_opts o = streamed(DFX_LSD_NONE);
	const char *d = write_set(&o);
	const uint8_t later[DSB_ESE_LOGTIME_SIZE] = { 1, 2, 3, 4, 5, 126, 0x01, 0 };
	pat_edit(d, DSB_ESE_TRL_BKINFO_OFF + DSB_ESE_BKINFO_TIME_OFF, later, sizeof later);
	struct dsb_report *r = check_dir(d);
	CU_ASSERT_EQUAL_FATAL(r->npatches, 1);
	CU_ASSERT_TRUE(r->patches[0].header_ok && r->patches[0].compared);
	CU_ASSERT_EQUAL(r->patches[0].mismatch, 0);
	CU_ASSERT_EQUAL(patch_rules(r), 0);
	CU_ASSERT_EQUAL(count(r, DSB_L035), 0);
	CU_ASSERT_EQUAL(db_set(r)->verdict, DSB_SETV_RESTORABLE);
	dsb_report_free(r);
	cleanup();
}

/* genHigh 0 (a backup that never completed), checksums redone: S014
 * names it; ESE refuses it with -552 (ErrDBCheckDBHeaderAndTrailer). */
static void test_gen_high_zero(void)
{
	struct dfx_logset_opts o = streamed(DFX_LSD_NONE);
	const char *d = write_set(&o);
	const uint8_t zero[4] = { 0 };
	pat_edit(d, DSB_ESE_TRL_BKINFO_OFF + DSB_ESE_BKINFO_GEN_HIGH_OFF, zero, sizeof zero);
	struct dsb_report *r = check_dir(d);
	CU_ASSERT_EQUAL_FATAL(r->npatches, 1);
	CU_ASSERT_EQUAL(r->patches[0].mismatch, DSB_PATCH_DIFF_GEN_HIGH);
	const struct dsb_finding *f = only(r, DSB_S014);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "genHigh (0: the backup never completed)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "-552"));
	dsb_report_free(r);
	cleanup();
}

/* ---- binding --------------------------------------------------------------------- */

static void test_no_database(void)
{
	struct dfx_logset_opts o = streamed(DFX_LSD_PAT_NO_DB);
	struct dsb_report *r = check_dir(write_set(&o));
	CU_ASSERT_EQUAL(r->ndatabases, 0);
	CU_ASSERT_EQUAL_FATAL(r->npatches, 1);
	CU_ASSERT_EQUAL(r->patches[0].database, -1);
	CU_ASSERT_FALSE(r->patches[0].compared);
	const struct dsb_finding *f = only(r, DSB_S015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "ntds.pat carries the signDb"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "-1811"));
	CU_ASSERT_EQUAL(count(r, DSB_S014) + count(r, DSB_S016), 0);
	dsb_report_free(r);
	/* twin: the database beside it */
	o = streamed(DFX_LSD_NONE);
	r = check_dir(write_set(&o));
	CU_ASSERT_EQUAL(count(r, DSB_S015), 0);
	dsb_report_free(r);
	cleanup();
}

static void test_two_for_one_database(void)
{
	struct dfx_logset_opts o = streamed(DFX_LSD_PAT_TWO);
	struct dsb_report *r = check_dir(write_set(&o));
	CU_ASSERT_EQUAL_FATAL(r->npatches, 2);
	const struct dsb_patch_entry *a = patch_named(r, "ntds.pat"), *b = patch_named(r, "ntds2.pat");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(a->database, 0);
	CU_ASSERT_EQUAL(b->database, 0);
	const struct dsb_finding *f = only(r, DSB_S016);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	/* the one named like the database is kept; the other is named */
	CU_ASSERT_EQUAL(f->input, b->input);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "ntds2.pat is a second patch file for ntds.dit, beside ntds.pat"));
	CU_ASSERT_EQUAL(count(r, DSB_S014) + count(r, DSB_S015), 0);
	CU_ASSERT_EQUAL(db_set(r)->verdict, DSB_SETV_WARNINGS);
	dsb_report_free(r);
	cleanup();
}

static void test_old_engine_not_bound(void)
{
	struct dfx_logset_opts o = streamed(DFX_LSD_PAT_OLD_ENGINE);
	struct dsb_report *r = check_dir(write_set(&o));
	CU_ASSERT_EQUAL_FATAL(r->npatches, 1);
	const struct dsb_patch_entry *p = &r->patches[0];
	CU_ASSERT_EQUAL(p->kind, DSB_PATCH_LEGACY);
	CU_ASSERT_FALSE(p->header_ok);
	CU_ASSERT_EQUAL(p->database, -1);
	CU_ASSERT_EQUAL(p->size, 3 * CB);
	CU_ASSERT_EQUAL(count(r, DSB_L036), 1);
	CU_ASSERT_EQUAL(patch_rules(r), 0);
	CU_ASSERT_EQUAL(db_set(r)->verdict, DSB_SETV_RESTORABLE);
	dsb_report_free(r);
	cleanup();
}

static void test_empty_not_bound(void)
{
	struct dfx_logset_opts o = streamed(DFX_LSD_NONE);
	o.pat = DFX_LSPAT_EMPTY;
	struct dsb_report *r = check_dir(write_set(&o));
	CU_ASSERT_EQUAL_FATAL(r->npatches, 1);
	CU_ASSERT_EQUAL(r->patches[0].kind, DSB_PATCH_EMPTY);
	CU_ASSERT_EQUAL(r->patches[0].size, 0);
	CU_ASSERT_EQUAL(r->patches[0].database, -1);
	CU_ASSERT_EQUAL(patch_rules(r) + count(r, DSB_L035) + count(r, DSB_L036), 0);
	dsb_report_free(r);
	cleanup();
}

/* A copy fails its checksum (L035): the fields of the good one still
 * bind it, and they match. */
static void test_damaged_copy_still_bound(void)
{
	struct dfx_logset_opts o = streamed(DFX_LSD_PAT_DAMAGED);
	struct dsb_report *r = check_dir(write_set(&o));
	CU_ASSERT_EQUAL_FATAL(r->npatches, 1);
	const struct dsb_patch_entry *p = &r->patches[0];
	CU_ASSERT_TRUE(p->copy_ok[0]);
	CU_ASSERT_FALSE(p->copy_ok[1]);
	CU_ASSERT_TRUE(p->header_ok);
	CU_ASSERT_EQUAL(p->database, 0);
	CU_ASSERT_EQUAL(p->mismatch, 0);
	CU_ASSERT_EQUAL(count(r, DSB_L035), 1);
	CU_ASSERT_EQUAL(patch_rules(r), 0);
	dsb_report_free(r);
	cleanup();
}

/* Beside a copy of a running database (no backup in progress), a hard
 * restore reads no patch file: bound, not compared, nothing raised. */
static void test_not_streamed_not_compared(void)
{
	struct dfx_logset_opts o = streamed(DFX_LSD_NONE);
	o.db = DFX_LSDB_DIRTY;
	o.checkpoint = true;
	o.current = true;
	struct dsb_report *r = check_dir(write_set(&o));
	CU_ASSERT_EQUAL_FATAL(r->npatches, 1);
	CU_ASSERT_EQUAL(r->patches[0].database, 0);
	CU_ASSERT_FALSE(r->patches[0].compared);
	CU_ASSERT_EQUAL(patch_rules(r), 0);
	dsb_report_free(r);
	cleanup();
}

/* Two identical backups (one signDb) in two folders: each .pat binds to
 * the database of its own folder. */
static void test_own_folder_first(void)
{
	const char *root = fresh_dir();
	char a[48], b[48];
	snprintf(a, sizeof a, "%s/a", root);
	snprintf(b, sizeof b, "%s/b", root);
	struct dfx_logset_opts o = streamed(DFX_LSD_NONE);
	write_into(a, &o);
	write_into(b, &o);
	struct dsb_report *r = check_dir(root);
	CU_ASSERT_EQUAL_FATAL(r->ndatabases, 2);
	CU_ASSERT_EQUAL_FATAL(r->npatches, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct dsb_patch_entry *p = &r->patches[i];
		CU_ASSERT_FATAL(p->database >= 0);
		const char *pp = r->inputs[p->input].path;
		const char *dp = r->inputs[r->databases[p->database].input].path;
		size_t dl = (size_t)(strrchr(pp, '/') - pp);
		CU_ASSERT_EQUAL(strncmp(pp, dp, dl + 1), 0);
		CU_ASSERT_FALSE(p->by_name);
	}
	CU_ASSERT_NOT_EQUAL(r->patches[0].database, r->patches[1].database);
	CU_ASSERT_EQUAL(patch_rules(r), 0);
	dsb_report_free(r);
	cleanup();
}

/* Hostile patch headers: random fields (signatures, marks, generations
 * up to 0xFFFFFFFF) in one or two copies whose checksums verify, beside
 * the streamed copy, and random sizes: never a crash, every entry well
 * formed, and S014 exactly when a compared field differs. */
static void test_hostile_headers(void)
{
	uint32_t seed = 0x5eed1234u;
	for (int round = 0; round < 24; round++) {
		struct dfx_logset_opts o = streamed(DFX_LSD_NONE);
		const char *d = write_set(&o);
		char path[96];
		snprintf(path, sizeof path, "%s/ntds.pat", d);
		unsigned copies = 1 + (unsigned)(round % 2);
		uint8_t page[CB];
		FILE *fp = fopen(path, "r+b");
		CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
		CU_ASSERT_FATAL(fread(page, 1, CB, fp) == CB);
		/* keep the database's fields in some rounds, so that both
		 * matching and differing ones are seen */
		for (size_t k = DSB_ESE_TRL_BKINFO_OFF; k < DSB_ESE_TRL_SIZE; k++) {
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			if (round % 3 == 0 || (seed & 7) == 0)
				page[k] = (uint8_t)(seed >> 8);
		}
		dsb_ese_header_stamp(page, CB);
		CU_ASSERT_FATAL(fseek(fp, 0, SEEK_SET) == 0);
		for (unsigned c = 0; c < copies; c++)
			CU_ASSERT_FATAL(fwrite(page, 1, CB, fp) == CB);
		fclose(fp);
		CU_ASSERT_FATAL(truncate(path, (off_t)copies * CB) == 0);
		struct dsb_report *r = check_dir(d);
		CU_ASSERT_EQUAL_FATAL(r->npatches, 1);
		const struct dsb_patch_entry *p = &r->patches[0];
		CU_ASSERT_EQUAL(p->copies, copies);
		CU_ASSERT_TRUE(p->header_ok);
		CU_ASSERT_TRUE(p->database == -1 || p->database == 0);
		CU_ASSERT_EQUAL(p->mismatch >> DSB_PATCH_DIFF_COUNT, 0);
		CU_ASSERT_EQUAL(count(r, DSB_S014), p->mismatch ? 1 : 0);
		CU_ASSERT_EQUAL(count(r, DSB_S015), p->database < 0 ? 1 : 0);
		/* bound only by name when its signDb is not the database's */
		if (p->database == 0)
			CU_ASSERT_EQUAL(p->by_name, (p->mismatch & DSB_PATCH_DIFF_SIGN_DB) != 0);
		dsb_report_free(r);
		cleanup();
	}
}

/* ---- the report ------------------------------------------------------------------ */

static void test_json_text_sarif(void)
{
	struct dfx_logset_opts o = streamed(DFX_LSD_PAT_GEN_LOW);
	const char *d = write_set(&o);
	char out[] = "/tmp/dsb-patbind-out-XXXXXX";
	set_fx_temp(out);
	CU_ASSERT_EQUAL(run((const char *[]){ "ese", "-q", "--format", "json", "--now",
					      NOW_DAY_AFTER, d, NULL }, NULL, out), 1);
	json_t *j = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	json_t *ps = json_object_get(j, "patches");
	CU_ASSERT_TRUE_FATAL(json_is_array(ps) && json_array_size(ps) == 1);
	json_t *p = json_array_get(ps, 0);
	CU_ASSERT_STRING_EQUAL(jstr(p, "name"), "ntds.pat");
	char want[96];
	snprintf(want, sizeof want, "%s/ntds.pat", d);
	CU_ASSERT_STRING_EQUAL(jstr(p, "path"), want);
	CU_ASSERT_STRING_EQUAL(jstr(p, "kind"), "patchhdr");
	CU_ASSERT_TRUE(json_is_true(json_object_get(p, "format_verified")));
	CU_ASSERT_TRUE(json_is_true(json_object_get(p, "header_ok")));
	CU_ASSERT_EQUAL(jint(p, "page_size"), CB);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(p, "header_copies_ok")), 2);
	CU_ASSERT_EQUAL(jint(p, "database"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(p, "bound_by"), "database_signature");
	CU_ASSERT_TRUE(json_is_false(json_object_get(p, "matches")));
	json_t *mm = json_object_get(p, "mismatches");
	CU_ASSERT_TRUE_FATAL(json_is_array(mm) && json_array_size(mm) == 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(mm, 0)), "genLow");
	CU_ASSERT_EQUAL(jint(json_object_get(p, "backup"), "gen_low"), 6);
	CU_ASSERT_TRUE(json_is_string(json_object_get(json_object_get(p, "database_signature"),
						      "random")));
	json_decref(j);

	CU_ASSERT_EQUAL(run((const char *[]){ "ese", "--now", NOW_DAY_AFTER, d, NULL }, NULL, out), 1);
	FILE *fp = fopen(out, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	char line[512];
	bool head = false, bound = false;
	while (fgets(line, sizeof line, fp)) {
		head |= strstr(line, "Patch file ntds.pat") != NULL;
		bound |= strstr(line, "/ntds.dit, differs in genLow") != NULL;
	}
	fclose(fp);
	CU_ASSERT_TRUE(head);
	CU_ASSERT_TRUE(bound);

	CU_ASSERT_EQUAL(run((const char *[]){ "ese", "-q", "--format", "sarif", "--now",
					      NOW_DAY_AFTER, d, NULL }, NULL, out), 1);
	j = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	json_t *props = json_object_get(json_array_get(json_object_get(j, "runs"), 0), "properties");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(props, "patches")), 1);
	CU_ASSERT_PTR_NOT_NULL(sarif_result(j, "DSB-S014"));
	json_decref(j);
	unlink(out);
	cleanup();
}

/* ---- a checkpoint in another folder ------------------------------------------------ */

/* A live dirty set whose edb.chk is moved to <root>/chk; the logs and
 * database stay in <root>/db.  Returns root. */
static const char *chk_apart(enum dfx_logset_damage damage)
{
	const char *root = fresh_dir();
	char db[64], chk[64], from[96], to[96];
	snprintf(db, sizeof db, "%s/db", root);
	snprintf(chk, sizeof chk, "%s/chk", root);
	struct dfx_logset_opts o = { .db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true,
				     .log_size = LOG64K, .damage = damage };
	write_into(db, &o);
	CU_ASSERT_FATAL(mkdir(chk, 0777) == 0);
	snprintf(from, sizeof from, "%s/edb.chk", db);
	snprintf(to, sizeof to, "%s/edb.chk", chk);
	CU_ASSERT_FATAL(rename(from, to) == 0);
	return root;
}

static const struct dsb_checkpoint_entry *chk_at(struct dsb_report *r, const char *path)
{
	for (size_t i = 0; i < r->ncheckpoints; i++)
		if (strcmp(r->inputs[r->checkpoints[i].input].path, path) == 0)
			return &r->checkpoints[i];
	return NULL;
}

static void test_chk_elsewhere_joins(void)
{
	const char *root = chk_apart(DFX_LSD_NONE);
	struct dsb_report *r = check_dir(root);
	CU_ASSERT_EQUAL_FATAL(r->ncheckpoints, 1);
	char want[96];
	snprintf(want, sizeof want, "%s/chk/edb.chk", root);
	CU_ASSERT_PTR_NOT_NULL(chk_at(r, want));
	const struct dsb_backup_set *s = db_set(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->checkpoint, 0);
	CU_ASSERT_EQUAL(s->nlogs, 6);
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_RESTORABLE);
	/* no S008 (no checkpoint) and nothing of the checkpoint's */
	CU_ASSERT_EQUAL(count(r, DSB_S008) + count(r, DSB_L033) + count(r, DSB_L034), 0);
	dsb_report_free(r);

	/* the text report names it by its path */
	char out[] = "/tmp/dsb-patbind-out-XXXXXX";
	set_fx_temp(out);
	CU_ASSERT_EQUAL(run((const char *[]){ "ese", "--now", NOW_DAY_AFTER, root, NULL }, NULL, out),
			0);
	FILE *fp = fopen(out, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	char line[512], named[128];
	snprintf(named, sizeof named, "; checkpoint: %s", want);
	bool seen = false;
	while (fgets(line, sizeof line, fp))
		seen |= strstr(line, named) != NULL;
	fclose(fp);
	unlink(out);
	CU_ASSERT_TRUE(seen);
	cleanup();
}

/* Judged against the logs elsewhere: its generation (first - 1) is not
 * among them: L034, naming it by path.  Before, alone in its folder, it
 * was compared with nothing. */
static void test_chk_elsewhere_judged(void)
{
	const char *root = chk_apart(DFX_LSD_CHK_GEN_MISSING);
	struct dsb_report *r = check_dir(root);
	const struct dsb_finding *f = only(r, DSB_L034);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char want[96];
	snprintf(want, sizeof want, "%s/chk/edb.chk points at generation 4", root);
	if (!strstr(f->message, want))
		printf("\n    %s", f->message);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, want));
	CU_ASSERT_EQUAL(f->generation, 4);
	CU_ASSERT_EQUAL(count(r, DSB_L033), 0);
	dsb_report_free(r);
	cleanup();
}

/* Two backups in two folders, each with its checkpoint: of one stream
 * (the same generator options) and of two (another seed).  Each set
 * holds its own folder's six logs and checkpoint; a checkpoint damaged
 * in one folder is judged there only. */
static void test_two_folders_apart(void)
{
	for (int streams = 1; streams <= 2; streams++) {
		const char *root = fresh_dir();
		char a[48], b[48];
		snprintf(a, sizeof a, "%s/a", root);
		snprintf(b, sizeof b, "%s/b", root);
		struct dfx_logset_opts o = { .db = DFX_LSDB_DIRTY, .checkpoint = true,
					     .current = true, .log_size = LOG64K };
		write_into(a, &o);
		o.seed = streams == 2 ? 7 : 0;
		o.damage = DFX_LSD_CHK_COPIES_DIFFER;
		write_into(b, &o);
		struct dsb_report *r = check_dir(root);
		CU_ASSERT_EQUAL_FATAL(r->ndatabases, 2);
		size_t dbsets = 0;
		for (size_t i = 0; i < r->nsets; i++) {
			const struct dsb_backup_set *s = &r->sets[i];
			if (s->database < 0)
				continue;
			dbsets++;
			const char *dp = r->inputs[r->databases[s->database].input].path;
			size_t dl = (size_t)(strrchr(dp, '/') - dp) + 1;
			CU_ASSERT_EQUAL(s->nlogs, 6);
			for (size_t k = 0; k < s->nlogs; k++)
				CU_ASSERT_EQUAL(strncmp(r->inputs[r->logs[s->logs[k]].input].path, dp, dl), 0);
			CU_ASSERT_FATAL(s->checkpoint >= 0);
			CU_ASSERT_EQUAL(strncmp(r->inputs[r->checkpoints[s->checkpoint].input].path, dp, dl), 0);
			CU_ASSERT_EQUAL(s->verdict, DSB_SETV_RESTORABLE);
		}
		CU_ASSERT_EQUAL(dbsets, 2);
		/* L031 once, on b's checkpoint; no checkpoint judged against the other folder */
		const struct dsb_finding *f = only(r, DSB_L031);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_PTR_NOT_NULL(strstr(r->inputs[f->input].path, "/b/edb.chk"));
		CU_ASSERT_EQUAL(count(r, DSB_L033) + count(r, DSB_L034), 0);
		dsb_report_free(r);
		cleanup();
	}
}

/* A checkpoint of a third stream, with no log of it anywhere, in a
 * folder of its own: in neither database's set, a log set of its own
 * that says so, and compared with no log. */
static void test_third_stream_checkpoint(void)
{
	const char *root = fresh_dir();
	char a[64], b[64], c[64], from[96], to[96];
	snprintf(a, sizeof a, "%s/a", root);
	snprintf(b, sizeof b, "%s/b", root);
	snprintf(c, sizeof c, "%s/c", root);
	struct dfx_logset_opts o = { .db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true,
				     .log_size = LOG64K };
	write_into(a, &o);
	o.seed = 7;
	write_into(b, &o);
	o = (struct dfx_logset_opts){ .db = DFX_LSDB_NONE, .checkpoint = true, .log_size = LOG64K,
				      .seed = 99 };
	write_into(c, &o);
	/* keep only c's checkpoint */
	for (int g = 5; g <= 9; g++) {
		snprintf(from, sizeof from, "%s/edb%05X.log", c, (unsigned)g);
		CU_ASSERT_FATAL(unlink(from) == 0);
	}
	snprintf(to, sizeof to, "%s/edb.chk", c);
	struct dsb_report *r = check_dir(root);
	const struct dsb_checkpoint_entry *ck = chk_at(r, to);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ck);
	int64_t cix = ck - r->checkpoints;
	bool own_set = false;
	for (size_t i = 0; i < r->nsets; i++) {
		const struct dsb_backup_set *s = &r->sets[i];
		if (s->database >= 0) {
			CU_ASSERT_NOT_EQUAL(s->checkpoint, cix);
			CU_ASSERT_EQUAL(s->verdict, DSB_SETV_RESTORABLE);
			continue;
		}
		if (s->checkpoint != cix)
			continue;
		own_set = true;
		CU_ASSERT_EQUAL(s->nlogs, 0);
		CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NONE);
		bool said = false;
		for (size_t k = 0; k < s->nreasons; k++)
			said |= strstr(s->reasons[k], "a checkpoint and no log of its stream") != NULL;
		CU_ASSERT_TRUE(said);
	}
	CU_ASSERT_TRUE(own_set);
	CU_ASSERT_EQUAL(count(r, DSB_L033) + count(r, DSB_L034), 0);
	dsb_report_free(r);
	cleanup();
}

static const struct dsb_test chk_tests[] = {
	{ "a checkpoint in another folder joins its stream's set, named by path", test_chk_elsewhere_joins },
	{ "a checkpoint in another folder is judged against those logs (L034)", test_chk_elsewhere_judged },
	{ "two backups in two folders, one stream or two: two sets", test_two_folders_apart },
	{ "a checkpoint of a third stream, no log anywhere: no database's set", test_third_stream_checkpoint },
	{ NULL, NULL },
};

static const struct dsb_test tests[] = {
	{ "a .pat beside its streamed copy: bound, every field matches", test_bound_clean },
	{ "each compared field differing alone: S014 names it", test_each_field },
	{ "twin: logtimeMark, not compared, changed: nothing", test_uncompared_field_twin },
	{ "genHigh 0: S014, -552", test_gen_high_zero },
	{ "a .pat with no database: S015; twin with it", test_no_database },
	{ "two .pat for one database: S016 on the second", test_two_for_one_database },
	{ "an older engine's .pat: L036, not bound", test_old_engine_not_bound },
	{ "an empty .pat: not bound, nothing raised", test_empty_not_bound },
	{ "a damaged copy: L035, bound by the good one", test_damaged_copy_still_bound },
	{ "beside a running database's copy: bound, not compared", test_not_streamed_not_compared },
	{ "two identical backups in two folders: each in its own", test_own_folder_first },
	{ "hostile patch headers: well formed, S014 exactly on a difference", test_hostile_headers },
	{ "patches[] in JSON, text and SARIF", test_json_text_sarif },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "patch files bound to their database", tests },
	{ "a checkpoint in another folder than its logs", chk_tests },
};

int main(void)
{
	return dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
}
