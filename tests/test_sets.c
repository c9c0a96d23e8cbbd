/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Backup sets and the restore verdict (verify/set/set.h, RC §3.10): each
 * verdict with its reasons, next steps and the names of what is missing
 * (5- and 8-digit names, .jtx sets), sets[] in the JSON report typed as
 * RC says, sets of two streams in one folder, a log set with no
 * database, a clean database alone, the tombstone lifetime on both sides
 * of its limit, captures in tar and zip, and `unknown` on a cut capture.
 *
 * Sets are written by the log generator (fixtures/lib/loggen.h) into a
 * fresh folder and checked as `dsbinspect ese` checks them, with --now
 * fixed a day after the fixtures' time so that nothing depends on the
 * clock.
 */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures/lib/capwrite.h"
#include "fixtures/lib/dcbackup.h"
#include "fixtures/lib/esegen.h"
#include "fixtures/lib/fxcap.h"
#include "fixtures/lib/loggen.h"
#include "format/ese.h"
#include "format/ese_log.h"
#include "format/journal.h"
#include "verify/capture/capture.h"
#include "verify/ese/ese_collection.h"
#include "verify/set/set.h"

#include "tests/cli_run.h"
#include "tests/set_fixture.h"
#include "tests/cunit_main.h"

#define NOW_DAY_AFTER "2026-11-22T10:00:00Z"   /* the fixtures' backups are 2026-11-21T10:00Z */
#define LOG64K (64 * 1024)

/* ---- helpers ------------------------------------------------------------------ */

/* Folders, writing and checking: tests/set_fixture.h. */
static const char *write_set(const struct dfx_logset_opts *o)
{
	return set_fx_write(o);
}

static void cleanup(void)
{
	set_fx_cleanup();
}

typedef set_fx_before_end_fn before_end_fn;

static struct dsb_report *check_paths_marked(const char *const *paths, size_t n,
					     const char *now, uint32_t days,
					     before_end_fn before_end)
{
	return set_fx_check(paths, n, now, days, before_end);
}

/* Check the paths as one `ese` collection with --now and --tombstone-days. */
static struct dsb_report *check_paths(const char *const *paths, size_t n, const char *now,
				      uint32_t days)
{
	return check_paths_marked(paths, n, now, days, NULL);
}

static struct dsb_report *check_set(const struct dfx_logset_opts *o)
{
	const char *d = write_set(o);
	return check_paths(&d, 1, NOW_DAY_AFTER, 0);
}

static bool has_line(char *const *v, size_t n, const char *part)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(v[i], part))
			return true;
	printf("\n    no line holds \"%s\" among %zu:", part, n);
	for (size_t i = 0; i < n; i++)
		printf("\n      %s", v[i]);
	return false;
}

/* The one finding of `rule`, or NULL. */
static const struct dsb_finding *only(struct dsb_report *r, enum dsb_rule rule)
{
	return set_fx_only(r, rule);
}

static size_t count_set_rules(struct dsb_report *r)
{
	size_t n, k = 0;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		k += dsb_rule_info(f[i].rule)->category == DSB_CAT_SET;
	return k;
}

/* ---- a database last consistent in the previous log stream (REF §3.7) ----------- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The set's files as paths, the database first or last. */
static size_t set_paths(const char *d, bool db_first, char **out, size_t cap)
{
	DIR *dir = opendir(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dir)) && n < cap) {
		if (e->d_name[0] == '.')
			continue;
		size_t len = strlen(d) + strlen(e->d_name) + 2;
		out[n] = malloc(len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out[n]);
		snprintf(out[n++], len, "%s/%s", d, e->d_name);
	}
	closedir(dir);
	qsort(out, n, sizeof(*out), name_cmp);
	/* "ntds.dit" sorts after the edb files: move it to the front */
	if (db_first)
		for (size_t i = 0; i < n; i++)
			if (strstr(out[i], "/ntds.dit")) {
				char *db = out[i];
				memmove(out + 1, out, i * sizeof(*out));
				out[0] = db;
			}
	return n;
}

static struct dsb_report *check_prev(const struct dfx_logset_opts *o, bool db_first)
{
	const char *d = write_set(o);
	char *paths[16];
	size_t n = set_paths(d, db_first, paths, 16);
	struct dsb_report *r = check_paths((const char *const *)paths, n, NOW_DAY_AFTER, 0);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return r;
}

/* Accepted: the logs are the database's set, nothing is raised, the
 * reasons say why; whichever of database and logs comes first. */
static void test_previous_stream_accepted(void)
{
	for (int order = 0; order < 2; order++) {
		struct dsb_report *r = check_prev(&(struct dfx_logset_opts){
			.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K,
			.damage = DFX_LSD_PREV_STREAM }, order == 0);
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);   /* no log set left over */
		const struct dsb_backup_set *s = &r->sets[0];
		CU_ASSERT_EQUAL(s->verdict, DSB_SETV_RESTORABLE);
		CU_ASSERT_EQUAL(s->nlogs, 6);
		CU_ASSERT_TRUE(s->checkpoint >= 0);
		CU_ASSERT_EQUAL(s->nmissing, 0);
		CU_ASSERT_EQUAL(count_set_rules(r), 0);
		CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons,
					"last consistent in the previous log stream: the attach record in edb00005.log (5,1,256)"));
		CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "of the database's next log stream"));
		dsb_report_free(r);
		cleanup();
	}
	/* v7 logs and a clean database: the record lies in a 512-byte sector */
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.format = DFX_LOG_V7, .db = DFX_LSDB_CLEAN, .log_size = LOG64K,
		.damage = DFX_LSD_PREV_STREAM });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(r->sets[0].nlogs, 5);
	CU_ASSERT_TRUE(has_line(r->sets[0].reasons, r->sets[0].nreasons, "edb00005.log (5,8,200)"));
	CU_ASSERT_EQUAL(count_set_rules(r), 0);
	dsb_report_free(r);
	cleanup();
}

/* -551: the logged consistent point differs; S013 alone, not S001 nor the
 * ends of the range; the twin of neither: S001 as before. */
static void test_previous_stream_time_and_neither(void)
{
	for (int order = 0; order < 2; order++) {
		struct dsb_report *r = check_prev(&(struct dfx_logset_opts){
			.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K,
			.damage = DFX_LSD_PREV_STREAM_TIME }, order == 0);
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
		const struct dsb_backup_set *s = &r->sets[0];
		CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
		const struct dsb_finding *f = only(r, DSB_S013);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "edb00005.log attaches it at (5,1,256)"));
		CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "logged its consistent point as (48,8,64) where the database header has (48,7,64)"));
		CU_ASSERT_EQUAL(count_set_rules(r), 1);
		CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "(DSB-S013)"));
		CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "Find the logs written with this database"));
		dsb_report_free(r);
		cleanup();
	}
	/* a clean database: nothing to replay, but these logs would fail at
	 * the attach all the same */
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.format = DFX_LOG_V7, .db = DFX_LSDB_CLEAN, .log_size = LOG64K,
		.damage = DFX_LSD_PREV_STREAM_TIME });
	CU_ASSERT_PTR_NOT_NULL(only(r, DSB_S013));
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_NOT_RESTORABLE);
	dsb_report_free(r);
	cleanup();

	r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K,
		.damage = DFX_LSD_PREV_STREAM_NEITHER });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 2);   /* the database's, and the logs' own */
	CU_ASSERT_PTR_NOT_NULL(only(r, DSB_S001));
	CU_ASSERT_PTR_NULL(only(r, DSB_S013));
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL(r->sets[0].nlogs, 0);
	dsb_report_free(r);
	cleanup();
}

/* The record is kept only from a data segment: damage to its segment
 * (a corrupt byte, the log cut before it, a zeroed segment) leaves no
 * record, and the database is S001's again, the damaged log the log
 * verifier's. */
static void test_previous_stream_record_damaged(void)
{
	static const struct { const char *what; long off; int how; bool v7; } hurts[] = {
		{ "a byte of the record's segment inverted", 4096 + 3000, 0, false },
		{ "a byte of the record itself inverted", 4096 + 0x100 + 20, 0, false },
		{ "the log cut inside the record's segment", 4096 + 200, 1, false },
		{ "the record's segment zeroed", 4096, 2, false },
		/* v7: the first LRCHECKSUM range, which covers the record, fails */
		{ "v7: a byte of the record's path inverted", 4096 + 200 + 85, 0, true },
		{ "v7: the log cut inside the record", 4096 + 230, 1, true },
	};
	for (size_t i = 0; i < sizeof hurts / sizeof hurts[0]; i++) {
		const char *d = write_set(&(struct dfx_logset_opts){
			.format = hurts[i].v7 ? DFX_LOG_V7 : DFX_LOG_V8,
			.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true,
			.log_size = LOG64K, .damage = DFX_LSD_PREV_STREAM });
		char p[64];
		snprintf(p, sizeof p, "%s/edb00005.log", d);
		int fd = open(p, O_RDWR);
		CU_ASSERT_FATAL(fd >= 0);
		if (hurts[i].how == 1) {
			CU_ASSERT_EQUAL(ftruncate(fd, hurts[i].off), 0);
		} else {
			uint8_t b[4096];
			size_t n = hurts[i].how == 2 ? sizeof b : 1;
			CU_ASSERT_EQUAL(pread(fd, b, n, hurts[i].off), (ssize_t)n);
			if (hurts[i].how == 2)
				memset(b, 0, sizeof b);
			else
				b[0] ^= 0xFF;
			CU_ASSERT_EQUAL(pwrite(fd, b, n, hurts[i].off), (ssize_t)n);
		}
		close(fd);
		struct dsb_report *r = check_paths(&d, 1, NOW_DAY_AFTER, 0);
		if (!only(r, DSB_S001))
			printf("\n    %s: no S001", hurts[i].what);
		CU_ASSERT_PTR_NOT_NULL(only(r, DSB_S001));
		CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_NOT_RESTORABLE);
		dsb_report_free(r);
		cleanup();
	}
}

/* ---- each verdict and its words ------------------------------------------------ */

static void test_restorable_live(void)
{
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_RESTORABLE);
	CU_ASSERT_STRING_EQUAL(dsb_set_verdict_name(s->verdict), "restorable");
	CU_ASSERT_EQUAL(s->database, 0);
	CU_ASSERT_EQUAL(s->nlogs, 6);      /* 5-9 and edb.log (10) */
	CU_ASSERT_EQUAL(s->checkpoint, 0);
	CU_ASSERT_TRUE(s->has_required);
	CU_ASSERT_EQUAL(s->required_low, 5);
	CU_ASSERT_EQUAL(s->required_high, 9);
	CU_ASSERT_EQUAL(s->committed, 9);
	CU_ASSERT_EQUAL_FATAL(s->npresent, 1);
	CU_ASSERT_EQUAL(s->present[0].low, 5);
	CU_ASSERT_EQUAL(s->present[0].high, 10);
	CU_ASSERT_EQUAL(s->nmissing, 0);
	CU_ASSERT_STRING_EQUAL(s->base, "edb");
	CU_ASSERT_STRING_EQUAL(s->ext, ".log");
	/* logs by generation, edb.log last */
	for (size_t i = 0; i + 1 < s->nlogs; i++)
		CU_ASSERT_TRUE(r->logs[s->logs[i]].generation < r->logs[s->logs[i + 1]].generation);
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "every required log generation, 5-9, is here"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "never mount the database alone"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps,
				"esentutl /r edb /l<log folder> /s<checkpoint folder> /d<database folder>"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "esentutl /p"));
	CU_ASSERT_EQUAL(count_set_rules(r), 0);
	dsb_report_free(r);
	cleanup();
}

static void test_not_restorable_high(void)
{
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .log_size = LOG64K,
		.damage = DFX_LSD_REQUIRED_HIGH });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL_FATAL(s->nmissing, 1);
	CU_ASSERT_STRING_EQUAL(s->missing[0], "edb00009.log");
	CU_ASSERT_EQUAL(s->missing_total, 1);
	const struct dsb_finding *f = only(r, DSB_S003);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->generation, 9);
	CU_ASSERT_EQUAL(f->severity, DSB_SEV_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "edb00009.log (generation 9)"));
	CU_ASSERT_PTR_NULL(only(r, DSB_S002));
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "missing: edb00009.log"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "Find these log files"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "edb00009.log"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "Do not mount the database alone"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "esentutl /p"));
	/* the exit status is 1: an error-level finding of category set */
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_FAIL);
	dsb_report_free(r);
	cleanup();
}

static void test_not_restorable_low_streamed(void)
{
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_STREAMED, .log_size = LOG64K, .damage = DFX_LSD_REQUIRED_LOW });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL(s->required_low, 5);   /* the trailer's genLow..genHigh */
	CU_ASSERT_EQUAL(s->required_high, 9);
	CU_ASSERT_EQUAL_FATAL(s->nmissing, 1);
	CU_ASSERT_STRING_EQUAL(s->missing[0], "edb00005.log");
	const struct dsb_finding *f = only(r, DSB_S002);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->generation, 5);
	CU_ASSERT_PTR_NOT_NULL(only(r, DSB_S006));
	CU_ASSERT_PTR_NULL(only(r, DSB_S008));   /* a streamed set holds no checkpoint */
	CU_ASSERT_PTR_NULL(only(r, DSB_S009));   /* nor edb.log */
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "restore it as a backup"));
	dsb_report_free(r);
	cleanup();
}

static void test_with_warnings_committed(void)
{
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .log_size = LOG64K,
		.damage = DFX_LSD_COMMITTED_MISSING });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_WARNINGS);
	CU_ASSERT_STRING_EQUAL(dsb_set_verdict_name(s->verdict), "restorable-with-warnings");
	CU_ASSERT_EQUAL(s->committed, 10);
	CU_ASSERT_EQUAL_FATAL(s->nmissing, 1);
	CU_ASSERT_STRING_EQUAL(s->missing[0], "edb0000A.log");   /* uppercase hex */
	const struct dsb_finding *f = only(r, DSB_S004);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(f->generation, 10);
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "committed generations"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "/a"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "edb0000A.log"));
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
	dsb_report_free(r);
	cleanup();
}

/* Both header copies damaged: nothing decides the verdict. */
static void test_unknown_no_header(void)
{
	const char *d = write_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .log_size = LOG64K });
	char path[64];
	snprintf(path, sizeof path, "%s/ntds.dit", d);
	FILE *fp = fopen(path, "r+b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	/* one byte in each copy's body: both checksums fail */
	for (long off = 100; off < 2 * 8192; off += 8192) {
		CU_ASSERT_EQUAL(fseek(fp, off, SEEK_SET), 0);
		CU_ASSERT_EQUAL(fputc(0x5a, fp), 0x5a);
	}
	CU_ASSERT_EQUAL(fclose(fp), 0);
	struct dsb_report *r = check_paths(&d, 1, NOW_DAY_AFTER, 0);
	CU_ASSERT_EQUAL_FATAL(r->ndatabases, 1);
	CU_ASSERT_FALSE(r->databases[0].sum.header_ok);
	/* the database belongs to no stream it can show: its set holds none
	 * of the logs, which form a log set */
	CU_ASSERT_EQUAL_FATAL(r->nsets, 2);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_UNKNOWN);
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "no copy of the database header"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "check it again"));
	CU_ASSERT_EQUAL(r->sets[1].verdict, DSB_SETV_NONE);
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_INCOMPLETE);
	dsb_report_free(r);
	cleanup();
}

/* ---- names -------------------------------------------------------------------- */

static void test_names_5_and_8_digits(void)
{
	/* 0xFFFFE..0x100002 crosses from 5-digit names to 8-digit ones */
	struct dfx_logset_opts o = { .db = DFX_LSDB_DIRTY, .checkpoint = true, .log_size = LOG64K,
				     .gen_first = 0xFFFFE, .gen_last = 0x100002,
				     .damage = DFX_LSD_REQUIRED_HIGH };
	struct dsb_report *r = check_set(&o);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL_FATAL(r->sets[0].nmissing, 1);
	CU_ASSERT_STRING_EQUAL(r->sets[0].missing[0], "edb00100002.log");
	const struct dsb_finding *f = only(r, DSB_S003);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "edb00100002.log (generation 1048578)"));
	dsb_report_free(r);
	cleanup();

	o.damage = DFX_LSD_REQUIRED_LOW;
	r = check_set(&o);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL_FATAL(r->sets[0].nmissing, 1);
	CU_ASSERT_STRING_EQUAL(r->sets[0].missing[0], "edbFFFFE.log");
	dsb_report_free(r);
	cleanup();
}

static void test_jtx_set(void)
{
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .log_size = LOG64K, .ext = "jtx",
		.damage = DFX_LSD_REQUIRED_LOW });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_STRING_EQUAL(s->base, "edb");
	CU_ASSERT_STRING_EQUAL(s->ext, ".jtx");
	CU_ASSERT_EQUAL_FATAL(s->checkpoint, 0);
	CU_ASSERT_STRING_EQUAL(r->checkpoints[s->checkpoint].name, "edb.jcp");
	CU_ASSERT_EQUAL_FATAL(s->nmissing, 1);
	CU_ASSERT_STRING_EQUAL(s->missing[0], "edb00005.jtx");
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "edb00005.jtx"));
	/* S009 names the set's own current log */
	const struct dsb_finding *f = only(r, DSB_S009);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "edb.jtx"));
	dsb_report_free(r);
	cleanup();
}

/* ---- membership ---------------------------------------------------------------- */

static void test_two_streams_one_folder(void)
{
	/* two sets of two streams side by side (different seeds), one
	 * collection: each database takes its own logs and checkpoint */
	const char *d[2];
	d[0] = write_set(&(struct dfx_logset_opts){ .db = DFX_LSDB_DIRTY, .checkpoint = true,
						     .current = true, .log_size = LOG64K, .seed = 1 });
	d[1] = write_set(&(struct dfx_logset_opts){ .db = DFX_LSDB_DIRTY, .checkpoint = true,
						     .current = true, .log_size = LOG64K, .seed = 2,
						     .gen_first = 20, .gen_last = 22 });
	struct dsb_report *r = check_paths(d, 2, NOW_DAY_AFTER, 0);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct dsb_backup_set *s = &r->sets[i];
		CU_ASSERT_EQUAL(s->verdict, DSB_SETV_RESTORABLE);
		CU_ASSERT_EQUAL(s->database, (int64_t)i);
		CU_ASSERT_EQUAL(s->nlogs, i == 0 ? 6u : 4u);
		CU_ASSERT_TRUE(s->checkpoint >= 0);
		for (size_t k = 0; k < s->nlogs; k++)
			CU_ASSERT_EQUAL(memcmp(r->logs[s->logs[k]].sign_log.raw,
					       r->databases[i].sum.header.sign_log.raw, 28), 0);
	}
	CU_ASSERT_EQUAL(r->sets[1].required_low, 20);
	CU_ASSERT_EQUAL(r->sets[1].required_high, 22);
	CU_ASSERT_EQUAL(count_set_rules(r), 0);
	dsb_report_free(r);
	cleanup();
}

static void test_log_set_no_database(void)
{
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_NONE, .checkpoint = true, .log_size = LOG64K });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->database, -1);
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NONE);
	CU_ASSERT_PTR_NULL(dsb_set_verdict_name(s->verdict));
	CU_ASSERT_EQUAL(s->nlogs, 5);
	CU_ASSERT_EQUAL(s->checkpoint, 0);
	CU_ASSERT_FALSE(s->has_required);
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "a log set"));
	CU_ASSERT_EQUAL(count_set_rules(r), 0);
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
	dsb_report_free(r);
	cleanup();
}

/* A database whose logs are all of another stream: S001 on the database,
 * and the logs form a log set said to be none of the databases'. */
static void test_database_of_another_stream(void)
{
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K,
		.damage = DFX_LSD_DB_OTHER_STREAM });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 2);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL(s->nlogs, 0);
	CU_ASSERT_EQUAL(s->checkpoint, -1);
	CU_ASSERT_EQUAL(s->nmissing, 5);   /* every required generation, named */
	CU_ASSERT_PTR_NOT_NULL(only(r, DSB_S001));
	/* one situation, one finding: not also "missing" at both ends */
	CU_ASSERT_PTR_NULL(only(r, DSB_S002));
	CU_ASSERT_PTR_NULL(only(r, DSB_S003));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "Find the logs written with this database"));
	CU_ASSERT_EQUAL(r->sets[1].verdict, DSB_SETV_NONE);
	CU_ASSERT_EQUAL(r->sets[1].nlogs, 6);
	CU_ASSERT_TRUE(has_line(r->sets[1].reasons, r->sets[1].nreasons, "none of the databases'"));
	dsb_report_free(r);
	cleanup();
}

/* A checkpoint of another stream (chk-signature): no database's, a log
 * set of its own that says so. */
static void test_checkpoint_of_another_stream(void)
{
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K,
		.damage = DFX_LSD_CHK_SIGNATURE });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 2);
	CU_ASSERT_EQUAL(r->sets[0].database, 0);
	CU_ASSERT_EQUAL(r->sets[0].checkpoint, -1);
	CU_ASSERT_EQUAL(r->sets[0].nlogs, 6);
	CU_ASSERT_PTR_NOT_NULL(only(r, DSB_S008));   /* recovery ignores it */
	const struct dsb_backup_set *s = &r->sets[1];
	CU_ASSERT_EQUAL(s->database, -1);
	CU_ASSERT_EQUAL(s->checkpoint, 0);
	CU_ASSERT_EQUAL(s->nlogs, 0);
	CU_ASSERT_EQUAL(s->input, r->checkpoints[0].input);
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "none of the databases'"));
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "a checkpoint and no log"));
	dsb_report_free(r);
	cleanup();
}

static void test_clean_database_alone(void)
{
	const char *d = write_set(&(struct dfx_logset_opts){ .db = DFX_LSDB_CLEAN,
							      .log_size = LOG64K });
	char path[64];
	snprintf(path, sizeof path, "%s/ntds.dit", d);
	const char *p = path;
	struct dsb_report *r = check_paths(&p, 1, NOW_DAY_AFTER, 0);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_RESTORABLE);
	CU_ASSERT_FALSE(s->has_required);
	CU_ASSERT_EQUAL(s->nlogs, 0);
	CU_ASSERT_EQUAL(s->nmissing, 0);
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "consistent"));
	CU_ASSERT_TRUE(has_line(s->next_steps, s->nsteps, "no log replay is needed"));
	CU_ASSERT_EQUAL(count_set_rules(r), 0);
	dsb_report_free(r);
	cleanup();
}

/* A required generation present but unusable (its header damaged):
 * named in missing, not-restorable, and no S finding of its own (the log
 * verifier's finding is the error). */
/* A missing generation in the middle of the required range: the log
 * after the gap carries the gap's L020, but it is intact, so only the
 * absent generation is missing (regression: the log after the gap was
 * counted unusable and named as missing too). */
static void regression_gap_names_only_the_absent_log(void)
{
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K,
		.damage = DFX_LSD_MISSING_LOG, .damage_gen = 7 });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL_FATAL(s->nmissing, 1);
	CU_ASSERT_STRING_EQUAL(s->missing[0], "edb00007.log");
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r->findings, -1, DSB_L020), 1);
	for (size_t i = 0; i < r->nlogs; i++)
		if (r->logs[i].generation == 8)
			CU_ASSERT_FALSE(r->logs[i].errors);
	dsb_report_free(r);
}

static void test_unusable_required_log(void)
{
	struct dsb_report *r = check_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K,
		.damage = DFX_LSD_HEADER_CHECKSUM, .damage_gen = 5 });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL_FATAL(s->nmissing, 1);
	CU_ASSERT_STRING_EQUAL(s->missing[0], "edb00005.log");
	/* the damaged file has its logs[] entry (the log verifier enters a
	 * file named as a log whatever its header), unusable */
	CU_ASSERT_EQUAL(s->nlogs, 6);
	CU_ASSERT_PTR_NULL(only(r, DSB_S002));
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "present but unusable"));
	dsb_report_free(r);
	cleanup();
}

/* The log verifier's marks (struct dsb_log_entry errors, torn_repairable),
 * read by exactly those names: an error on a required log makes its
 * generation unusable (named, not-restorable, no S finding of its own);
 * past the required range it only loses committed data (a warning); a
 * torn write its shadow repairs is a warning. */
static uint32_t mark_gen;

static void mark_errors(struct dsb_report *rep)
{
	for (size_t i = 0; i < rep->nlogs; i++)
		if (rep->logs[i].header_ok && rep->logs[i].generation == mark_gen)
			rep->logs[i].errors = true;
}

static void mark_torn(struct dsb_report *rep)
{
	for (size_t i = 0; i < rep->nlogs; i++)
		if (rep->logs[i].header_ok && rep->logs[i].generation == mark_gen)
			rep->logs[i].torn_repairable = true;
}

static void test_log_verifier_marks(void)
{
	const char *d = write_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K });
	mark_gen = 7;
	struct dsb_report *r = check_paths_marked(&d, 1, NOW_DAY_AFTER, 0, mark_errors);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL_FATAL(s->nmissing, 1);
	CU_ASSERT_STRING_EQUAL(s->missing[0], "edb00007.log");
	CU_ASSERT_EQUAL(count_set_rules(r), 0);
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "present but unusable"));
	dsb_report_free(r);

	/* edb.log (10) is past lGenMaxRequired (9): committed data only */
	mark_gen = 10;
	r = check_paths_marked(&d, 1, NOW_DAY_AFTER, 0, mark_errors);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);   /* committed = required */
	dsb_report_free(r);

	mark_gen = 10;
	r = check_paths_marked(&d, 1, NOW_DAY_AFTER, 0, mark_torn);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_WARNINGS);
	CU_ASSERT_TRUE(has_line(r->sets[0].reasons, r->sets[0].nreasons, "torn write"));
	dsb_report_free(r);

	/* the twin: no mark, restorable */
	r = check_paths(&d, 1, NOW_DAY_AFTER, 0);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
	dsb_report_free(r);
	cleanup();

	/* committed generation unusable: restorable with warnings */
	d = write_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K,
		.damage = DFX_LSD_COMMITTED_MISSING });
	mark_gen = 10;
	r = check_paths_marked(&d, 1, NOW_DAY_AFTER, 0, mark_errors);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	s = &r->sets[0];
	CU_ASSERT_EQUAL(s->committed, 11);
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_WARNINGS);
	CU_ASSERT_EQUAL_FATAL(s->nmissing, 2);
	CU_ASSERT_STRING_EQUAL(s->missing[0], "edb0000A.log");   /* unusable */
	CU_ASSERT_STRING_EQUAL(s->missing[1], "edb0000B.log");   /* absent: S004 */
	const struct dsb_finding *f = only(r, DSB_S004);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->generation, 11);
	dsb_report_free(r);
	cleanup();
}

/* Regression: a header asking for two billion generations is named to
 * the listing limit and counted, in time, never looped over. */
static void test_huge_required_range_bounded(void)
{
	const char *d = write_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true, .log_size = LOG64K });
	char path[64];
	snprintf(path, sizeof path, "%s/ntds.dit", d);
	FILE *fp = fopen(path, "r+b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	uint8_t hdr[8192];
	CU_ASSERT_EQUAL_FATAL(fread(hdr, 1, sizeof hdr, fp), sizeof hdr);
	const uint32_t high = 0x7FFFFFFF;
	memcpy(hdr + DSB_ESE_HDR_GEN_MAX_REQ_OFF, &high, 4);
	memcpy(hdr + DSB_ESE_HDR_GEN_MAX_COMMIT_OFF, &high, 4);
	dsb_ese_header_stamp(hdr, sizeof hdr);
	for (long off = 0; off < 2 * 8192; off += 8192) {
		CU_ASSERT_EQUAL(fseek(fp, off, SEEK_SET), 0);
		CU_ASSERT_EQUAL(fwrite(hdr, 1, sizeof hdr, fp), sizeof hdr);
	}
	CU_ASSERT_EQUAL(fclose(fp), 0);
	struct dsb_report *r = check_paths(&d, 1, NOW_DAY_AFTER, 0);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL(s->nmissing, DSB_SET_MISSING_LISTED);
	CU_ASSERT_EQUAL(s->missing_total, 0x7FFFFFFFull - 11 + 1);   /* 5-10 are there */
	CU_ASSERT_STRING_EQUAL(s->missing[0], "edb0000B.log");
	const struct dsb_finding *f = only(r, DSB_S003);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "edb7FFFFFFF.log"));
	CU_ASSERT_EQUAL(f->generation, -1);
	dsb_report_free(r);
	cleanup();
}

/* DSB_SET_DATABASES_MAX: past it, a C015 naming the limit on each
 * further database, and its set is not judged; twin: at the limit. */
static void test_databases_limit(void)
{
	const char *d = set_fx_fresh_dir();
	char err[256] = "";
	struct dfx_ese *g = dfx_ese_new(&(struct dfx_ese_opts){ .page_size = 4096,
							.pages = dfx_ese_min_pages(4096) },
					err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	for (unsigned i = 0; i <= DSB_SET_DATABASES_MAX; i++) {
		char path[64];
		snprintf(path, sizeof path, "%s/db%03u.edb", d, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		CU_ASSERT_FATAL(fd >= 0);
		CU_ASSERT(dfx_ese_write_fd(g, fd));
		close(fd);
	}
	dfx_ese_free(g);
	const char *p = d;
	struct dsb_report *r = check_paths(&p, 1, NOW_DAY_AFTER, 0);
	CU_ASSERT_EQUAL(r->ndatabases, DSB_SET_DATABASES_MAX + 1);
	CU_ASSERT_EQUAL(r->nsets, DSB_SET_DATABASES_MAX);
	const struct dsb_finding *f = only(r, DSB_C015);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "DSB_SET_DATABASES_MAX"));
	CU_ASSERT_EQUAL(f->input, r->databases[DSB_SET_DATABASES_MAX].input);
	dsb_report_free(r);

	/* the twin: one fewer, every set judged */
	char last[64];
	snprintf(last, sizeof last, "%s/db%03u.edb", d, (unsigned)DSB_SET_DATABASES_MAX);
	CU_ASSERT_EQUAL(unlink(last), 0);
	r = check_paths(&p, 1, NOW_DAY_AFTER, 0);
	CU_ASSERT_EQUAL(r->nsets, DSB_SET_DATABASES_MAX);
	CU_ASSERT_PTR_NULL(only(r, DSB_C015));
	for (size_t i = 0; i < r->nsets; i++)
		CU_ASSERT_EQUAL(r->sets[i].verdict, DSB_SETV_RESTORABLE);
	dsb_report_free(r);
	cleanup();
}

/* Hostile headers and log lists, made directly in a report (seeded, so
 * reproducible): whatever the numbers, the set's lists are well formed.
 * `missing` is ascending, within the required and committed range, and
 * bounded; `present` runs ascend without touching; `logs` go by
 * generation; a required generation absent means not-restorable. */
static uint64_t rnd_state = 0x5eed5e75ull;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rnd_state >> 33) % n;
}

static void test_random_sets_well_formed(void)
{
	static const uint32_t edges[] = { 1, 2, 5, 9, 0xFFFFF, 0x100000, 0x7FFFFFFE, 0x7FFFFFFF };
	for (int iter = 0; iter < 400; iter++) {
		struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		int in = dsb_report_add_input(r, "db.edb");
		CU_ASSERT_FATAL(in == 0);
		r->inputs[in].ese_file = true;
		struct dsb_database db = { .input = in };
		db.sum.header_ok = true;
		db.sum.fuzzy = rnd(4) != 0;
		db.sum.page_size = 8192;
		struct dsb_ese_header *h = &db.sum.header;
		h->sign_log.raw[0] = 1;
		uint32_t base = rnd(2) ? edges[rnd(8)] : 1 + rnd(40);
		h->gen_min_required = (int32_t)(rnd(8) ? base : edges[rnd(8)]);
		uint64_t max_req = rnd(8) ? (uint64_t)base + rnd(20) : edges[rnd(8)];
		h->gen_max_required = (int32_t)(max_req > INT32_MAX ? INT32_MAX : max_req);
		int64_t committed = rnd(2) ? (int64_t)h->gen_max_required + rnd(3) : edges[rnd(8)];
		h->gen_max_committed = (int32_t)(committed > INT32_MAX ? INT32_MAX : committed);
		CU_ASSERT_FATAL(dsb_report_add_database(r, &db));
		unsigned nlogs = rnd(30);
		for (unsigned k = 0; k < nlogs; k++) {
			int li = dsb_report_add_input(r, "log");
			CU_ASSERT_FATAL(li > 0);
			r->inputs[li].ese_file = true;
			struct dsb_log_entry lg = { .input = li, .kind = DSB_LOG_LOG };
			uint64_t g = rnd(4) ? (uint64_t)base + rnd(25) : edges[rnd(8)];
			lg.generation = (uint32_t)(g > INT32_MAX ? INT32_MAX : g);
			lg.header_ok = rnd(10) != 0;
			lg.errors = rnd(10) == 0;
			lg.torn_repairable = rnd(10) == 0;
			lg.page_size = rnd(20) ? 8192 : 4096;
			lg.sign_log.raw[0] = rnd(10) ? 1 : 2;
			char nm[DSB_LOG_NAME_FMT_MAX];
			if (!dsb_log_name_format(nm, sizeof nm, "edb", ".log",
						 lg.generation ? lg.generation : 1, rnd(10) == 0))
				snprintf(nm, sizeof nm, "edb.log");
			lg.name = strdup(nm);
			CU_ASSERT_FATAL(dsb_report_add_log(r, &lg));
		}
		struct dsb_set_opts so = { .has_now = true };
		CU_ASSERT_FATAL(dsb_time_parse(NOW_DAY_AFTER, strlen(NOW_DAY_AFTER), &so.now));
		dsb_sets_collection(r, &so);
		CU_ASSERT_FATAL(r->nsets >= 1);
		const struct dsb_backup_set *st = &r->sets[0];
		CU_ASSERT_TRUE(st->nmissing <= DSB_SET_MISSING_LISTED);
		CU_ASSERT_TRUE(st->missing_total >= st->nmissing);
		uint32_t prev = 0;
		for (size_t i = 0; i < st->nmissing; i++) {
			struct dsb_log_name ln;
			dsb_log_name_parse(st->missing[i], strlen(st->missing[i]), &ln);
			CU_ASSERT_EQUAL(ln.kind, DSB_LNAME_ARCHIVED);
			CU_ASSERT_TRUE(ln.generation > prev);
			CU_ASSERT_TRUE(st->has_required && ln.generation >= st->required_low &&
				       ln.generation <= st->committed);
			prev = ln.generation;
		}
		for (size_t i = 0; i < st->npresent; i++) {
			CU_ASSERT_TRUE(st->present[i].low <= st->present[i].high);
			if (i)
				CU_ASSERT_TRUE(st->present[i].low > st->present[i - 1].high + 1);
		}
		if (st->has_required) {
			CU_ASSERT_TRUE(st->required_low >= 1 && st->required_low <= st->required_high &&
				       st->required_high <= st->committed);
			/* the lowest required generation absent: not restorable */
			if (st->nmissing) {
				struct dsb_log_name ln;
				dsb_log_name_parse(st->missing[0], strlen(st->missing[0]), &ln);
				if (ln.generation <= st->required_high)
					CU_ASSERT_EQUAL(st->verdict, DSB_SETV_NOT_RESTORABLE);
			}
		} else {
			CU_ASSERT_EQUAL(st->nmissing, 0);
		}
		CU_ASSERT_TRUE(st->nreasons >= 1 && st->nsteps >= 1);
		dsb_report_free(r);
	}
}

/* ---- the tombstone lifetime ------------------------------------------------------ */

static void test_tombstone(void)
{
	/* the streamed copy's backup time (bkinfoFullCur.logtimeMark) is
	 * 2026-11-21T10:00:00Z */
	static const struct {
		const char *now;
		uint32_t days;
		bool old;
	} cases[] = {
		{ "2027-05-20T10:00:00Z", 0, false },   /* 180 days: at the limit */
		{ "2027-05-21T10:00:00Z", 0, true },    /* 181 */
		{ "2027-01-20T10:00:00Z", 60, false },  /* 60 */
		{ "2027-01-21T10:00:00Z", 60, true },   /* 61 */
		{ "2027-05-21T10:00:00Z", 365, false },
	};
	const char *d = write_set(&(struct dfx_logset_opts){ .db = DFX_LSDB_STREAMED,
							      .log_size = LOG64K });
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dsb_report *r = check_paths(&d, 1, cases[i].now, cases[i].days);
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
		const struct dsb_finding *f = only(r, DSB_S010);
		CU_ASSERT_EQUAL(f != NULL, cases[i].old);
		CU_ASSERT_EQUAL(r->sets[0].verdict,
				cases[i].old ? DSB_SETV_WARNINGS : DSB_SETV_RESTORABLE);
		if (f) {
			CU_ASSERT_EQUAL(f->severity, DSB_SEV_WARNING);
			CU_ASSERT_PTR_NOT_NULL(strstr(f->message, cases[i].days == 60 ? "61 days old"
											 : "181 days old"));
			CU_ASSERT_TRUE(has_line(r->sets[0].next_steps, r->sets[0].nsteps,
						"Do not restore this backup"));
		}
		dsb_report_free(r);
	}
	cleanup();
}

/* ---- the report ---------------------------------------------------------------- */

/* sets[] in JSON, each field typed as RC §3.10 says; and the text block. */
static void test_json_and_text(void)
{
	const char *d = write_set(&(struct dfx_logset_opts){
		.db = DFX_LSDB_DIRTY, .checkpoint = true, .log_size = LOG64K,
		.damage = DFX_LSD_REQUIRED_HIGH });
	char out[] = "/tmp/dsb-sets-out-XXXXXX";
	int fd = mkstemp(out);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(run((const char *[]){ "ese", "-q", "--format", "json", "--now",
					      NOW_DAY_AFTER, d, NULL }, NULL, out), 1);
	json_t *j = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	json_t *sets = json_object_get(j, "sets");
	CU_ASSERT_TRUE_FATAL(json_is_array(sets) && json_array_size(sets) == 1);
	json_t *s = json_array_get(sets, 0);
	CU_ASSERT_TRUE(json_is_integer(json_object_get(s, "input")));
	CU_ASSERT_EQUAL(jint(s, "database"), 0);
	json_t *logs = json_object_get(s, "logs");
	CU_ASSERT_TRUE(json_is_array(logs) && json_array_size(logs) == 4);
	for (size_t i = 0; i < json_array_size(logs); i++)
		CU_ASSERT_TRUE(json_is_integer(json_array_get(logs, i)));
	CU_ASSERT_TRUE(json_is_integer(json_object_get(s, "checkpoint")));
	CU_ASSERT_STRING_EQUAL(jstr(s, "base"), "edb");
	json_t *req = json_object_get(s, "required");
	CU_ASSERT_EQUAL(jint(req, "low"), 5);
	CU_ASSERT_EQUAL(jint(req, "high"), 9);
	CU_ASSERT_EQUAL(jint(s, "committed"), 9);
	json_t *present = json_object_get(s, "present");
	CU_ASSERT_TRUE_FATAL(json_is_array(present) && json_array_size(present) == 1);
	CU_ASSERT_EQUAL(jint(json_array_get(present, 0), "low"), 5);
	CU_ASSERT_EQUAL(jint(json_array_get(present, 0), "high"), 8);
	json_t *missing = json_object_get(s, "missing");
	CU_ASSERT_TRUE_FATAL(json_is_array(missing) && json_array_size(missing) == 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(missing, 0)), "edb00009.log");
	CU_ASSERT_STRING_EQUAL(jstr(s, "verdict"), "not-restorable");
	json_t *reasons = json_object_get(s, "reasons"), *steps = json_object_get(s, "next_steps");
	CU_ASSERT_TRUE(json_is_array(reasons) && json_array_size(reasons) >= 1);
	CU_ASSERT_TRUE(json_is_array(steps) && json_array_size(steps) >= 3);
	for (size_t i = 0; i < json_array_size(steps); i++)
		CU_ASSERT_TRUE(json_is_string(json_array_get(steps, i)));
	/* the finding names the generation */
	json_t *fs = json_object_get(j, "findings");
	bool s003 = false;
	for (size_t i = 0; i < json_array_size(fs); i++) {
		json_t *f = json_array_get(fs, i);
		if (strcmp(jstr(f, "rule"), "DSB-S003") == 0) {
			s003 = true;
			CU_ASSERT_STRING_EQUAL(jstr(f, "category"), "set");
			CU_ASSERT_EQUAL(jint(json_object_get(f, "location"), "generation"), 9);
		}
	}
	CU_ASSERT_TRUE(s003);
	json_decref(j);

	/* a log set: database and verdict null */
	const char *dl = write_set(&(struct dfx_logset_opts){ .db = DFX_LSDB_NONE,
							       .log_size = LOG64K });
	CU_ASSERT_EQUAL(run((const char *[]){ "ese", "-q", "--format", "json", dl, NULL }, NULL, out),
			0);
	j = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	s = json_array_get(json_object_get(j, "sets"), 0);
	CU_ASSERT_TRUE(json_is_null(json_object_get(s, "database")));
	CU_ASSERT_TRUE(json_is_null(json_object_get(s, "verdict")));
	CU_ASSERT_TRUE(json_is_null(json_object_get(s, "required")));
	CU_ASSERT_TRUE(json_is_null(json_object_get(s, "checkpoint")));
	json_decref(j);

	/* the text block: the verdict word, the reasons, numbered steps */
	CU_ASSERT_EQUAL(run((const char *[]){ "ese", "-q", "--now", NOW_DAY_AFTER, d, NULL }, NULL,
			    out), 1);
	FILE *fp = fopen(out, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	char text[16384];
	size_t n = fread(text, 1, sizeof text - 1, fp);
	text[n] = '\0';
	fclose(fp);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nBackup set "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  verdict: not-restorable\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  - required log generations 5-9 are not all here; missing: edb00009.log\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  What to do:\n    1. Find these log files"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n    2. "));

	/* SARIF: the sets in the run's properties */
	CU_ASSERT_EQUAL(run((const char *[]){ "ese", "-q", "--format", "sarif", "--now",
					      NOW_DAY_AFTER, d, NULL }, NULL, out), 1);
	j = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	json_t *props = json_object_get(json_array_get(json_object_get(j, "runs"), 0), "properties");
	sets = json_object_get(props, "sets");
	CU_ASSERT_TRUE(json_is_array(sets) && json_array_size(sets) == 1);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(sets, 0), "verdict"), "not-restorable");
	json_decref(j);
	unlink(out);
	cleanup();
}

/* --now and --tombstone-days: usage errors (exit 2, no report). */
static void test_options(void)
{
	char out[] = "/tmp/dsb-sets-opt-XXXXXX";
	int fd = mkstemp(out);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	const char *d = write_set(&(struct dfx_logset_opts){ .db = DFX_LSDB_STREAMED,
							      .log_size = LOG64K });
	static const char *const bad[][2] = {
		{ "--now", "2026-12-02" }, { "--now", "2026-02-30T00:00:00Z" },
		{ "--now", "2026-12-02T10:00:00+01:00" }, { "--tombstone-days", "0" },
		{ "--tombstone-days", "-5" }, { "--tombstone-days", "12x" },
		{ "--tombstone-days", "99999999999" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CU_ASSERT_EQUAL(run((const char *[]){ "ese", "-q", bad[i][0], bad[i][1], d, NULL },
				    NULL, out), 2);
		struct stat st;
		CU_ASSERT_TRUE(stat(out, &st) == 0 && st.st_size == 0);
	}
	CU_ASSERT_EQUAL(run((const char *[]){ "ese", "-q", "--format", "json", "--now",
					      "2027-05-21T10:00:00Z", "--tombstone-days", "365", d,
					      NULL }, NULL, out), 0);
	json_t *j = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(json_object_get(j, "sets"), 0), "verdict"),
			       "restorable");
	json_decref(j);
	CU_ASSERT_EQUAL(run((const char *[]){ "ese", "-q", "--format", "json", "--now",
					      "2027-05-21T10:00:00Z", d, NULL }, NULL, out), 0);
	j = load_json(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(jstr(json_array_get(json_object_get(j, "sets"), 0), "verdict"),
			       "restorable-with-warnings");
	json_decref(j);
	unlink(out);
	cleanup();
}

/* ---- captures ----------------------------------------------------------------- */

static const char *capture_now = NOW_DAY_AFTER;

static struct dsb_report *check_capture(enum dfx_container fmt, uint64_t cut_at,
					const struct dfx_dcb_opts *dco)
{
	char err[256] = "";
	struct dfx_cap *c = dfx_dc_backup(dco, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	char out[] = "/tmp/dsb-sets-cap-XXXXXX";
	int fd = mkstemp(out);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	struct dfx_write_opts wo = { .container = fmt, .journal_last = -1 };
	CU_ASSERT_EQUAL_FATAL(dfx_cap_write(c, out, &wo, err, sizeof err), 0);
	dfx_cap_free(c);
	if (cut_at)
		CU_ASSERT_EQUAL(truncate(out, (off_t)cut_at), 0);
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	struct dsb_verify_opts vo = { .sets = { .has_now = true } };
	CU_ASSERT_FATAL(dsb_time_parse(capture_now, strlen(capture_now), &vo.sets.now));
	CU_ASSERT_EQUAL(dsb_verify_input(r, out, &vo), 0);
	unlink(out);
	return r;
}

static void test_capture_tar_and_zip(void)
{
	const enum dfx_container fmts[] = { DFX_TAR, DFX_ZIP };
	for (size_t i = 0; i < 2; i++) {
		struct dsb_report *r = check_capture(fmts[i], 0,
						     &(struct dfx_dcb_opts){ .log_size = LOG64K });
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
		const struct dsb_backup_set *s = &r->sets[0];
		CU_ASSERT_EQUAL(s->input, 0);
		CU_ASSERT_EQUAL(s->database, 0);
		CU_ASSERT_EQUAL(s->nlogs, 5);
		CU_ASSERT_EQUAL(s->verdict, DSB_SETV_RESTORABLE);
		CU_ASSERT_EQUAL(s->required_low, 5);
		CU_ASSERT_EQUAL(s->required_high, 9);
		CU_ASSERT_PTR_NOT_NULL(only(r, DSB_S006));
		dsb_report_free(r);

		/* a required log the capture lacks: not-restorable, named */
		r = check_capture(fmts[i], 0, &(struct dfx_dcb_opts){
			.log_size = LOG64K, .damage = DFX_LSD_REQUIRED_HIGH });
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
		CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_NOT_RESTORABLE);
		CU_ASSERT_EQUAL_FATAL(r->sets[0].nmissing, 1);
		CU_ASSERT_STRING_EQUAL(r->sets[0].missing[0], "edb00009.log");
		const struct dsb_finding *f = only(r, DSB_S003);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_PTR_NOT_NULL(f->member);   /* anchored on the database member */
		dsb_report_free(r);
	}
}

/* A session that delivered a log of another stream for generation 7
 * (stale-log): present, not bound to the database, so unusable: named,
 * not-restorable; the twin (the same capture undamaged) is restorable. */
static void test_capture_foreign_log(void)
{
	struct dsb_report *r = check_capture(DFX_TAR, 0, &(struct dfx_dcb_opts){
		.log_size = LOG64K, .damage = DFX_LSD_STALE_LOG });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->nlogs, 5);
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL_FATAL(s->nmissing, 1);
	CU_ASSERT_STRING_EQUAL(s->missing[0], "edb00007.log");
	CU_ASSERT_PTR_NULL(only(r, DSB_S001));   /* the others are its own */
	dsb_report_free(r);
	r = check_capture(DFX_TAR, 0, &(struct dfx_dcb_opts){ .log_size = LOG64K });
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
	dsb_report_free(r);
}

/* A capture's age is measured from its start (the journal's capture
 * record, 2026-11-21T10:00:00Z). */
static void test_capture_tombstone(void)
{
	capture_now = "2027-06-01T10:00:00Z";
	struct dsb_report *r = check_capture(DFX_TAR, 0, &(struct dfx_dcb_opts){ .log_size = LOG64K });
	capture_now = NOW_DAY_AFTER;
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_WARNINGS);
	const struct dsb_finding *f = only(r, DSB_S010);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "192 days old (the capture's start, 2026-11-21T10:00:00Z)"));
	CU_ASSERT_PTR_NOT_NULL(f->member);
	dsb_report_free(r);
}

/* A capture written as a folder is walked in name order: data/edb*.log
 * before data/ntds.dit, the opposite of the tar's DsBackup order. */
static struct dsb_report *check_capture_dir(const struct dfx_dcb_opts *dco)
{
	char err[256] = "";
	struct dfx_cap *c = dfx_dc_backup(dco, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	char out[64];
	snprintf(out, sizeof out, "/tmp/dsb-sets-capd-%ld", (long)getpid());
	struct dfx_write_opts wo = { .container = DFX_DIR, .journal_last = -1 };
	CU_ASSERT_EQUAL_FATAL(dfx_cap_write(c, out, &wo, err, sizeof err), 0);
	dfx_cap_free(c);
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	struct dsb_verify_opts vo = { .sets = { .has_now = true } };
	CU_ASSERT_FATAL(dsb_time_parse(capture_now, strlen(capture_now), &vo.sets.now));
	CU_ASSERT_EQUAL(dsb_verify_input(r, out, &vo), 0);
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
	CU_ASSERT_EQUAL(system(cmd), 0);
	return r;
}

/* A DC backup whose database was last consistent in the previous stream,
 * database before its logs (tar) and after them (folder). */
static void test_capture_previous_stream(void)
{
	for (int dir = 0; dir < 2; dir++) {
		struct dfx_dcb_opts ok = { .log_size = LOG64K, .damage = DFX_LSD_PREV_STREAM };
		struct dsb_report *r = dir ? check_capture_dir(&ok) : check_capture(DFX_TAR, 0, &ok);
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
		CU_ASSERT_EQUAL(r->sets[0].nlogs, 5);
		CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
		CU_ASSERT_PTR_NULL(only(r, DSB_S001));
		CU_ASSERT_PTR_NULL(only(r, DSB_S013));
		dsb_report_free(r);

		struct dfx_dcb_opts bad = { .log_size = LOG64K, .damage = DFX_LSD_PREV_STREAM_TIME };
		r = dir ? check_capture_dir(&bad) : check_capture(DFX_TAR, 0, &bad);
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
		CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_NOT_RESTORABLE);
		const struct dsb_finding *f = only(r, DSB_S013);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_PTR_NOT_NULL(f->member);   /* anchored on the database member */
		CU_ASSERT_PTR_NULL(only(r, DSB_S001));
		dsb_report_free(r);

		struct dfx_dcb_opts nei = { .log_size = LOG64K, .damage = DFX_LSD_PREV_STREAM_NEITHER };
		r = dir ? check_capture_dir(&nei) : check_capture(DFX_TAR, 0, &nei);
		CU_ASSERT_PTR_NOT_NULL(only(r, DSB_S001));
		CU_ASSERT_PTR_NULL(only(r, DSB_S013));
		dsb_report_free(r);
	}
}

static void test_capture_cut_unknown(void)
{
	/* the tar cut inside the last log: the input is incomplete */
	struct dsb_report *r = check_capture(DFX_TAR, 0, &(struct dfx_dcb_opts){ .log_size = LOG64K });
	uint64_t size = r->inputs[0].size;
	dsb_report_free(r);
	r = check_capture(DFX_TAR, size - 40000, &(struct dfx_dcb_opts){ .log_size = LOG64K });
	CU_ASSERT_TRUE(r->inputs[0].incomplete);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_UNKNOWN);
	CU_ASSERT_TRUE(has_line(r->sets[0].reasons, r->sets[0].nreasons,
				"the capture could not be read in full"));
	CU_ASSERT_TRUE(has_line(r->sets[0].next_steps, r->sets[0].nsteps, "check it again"));
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_INCOMPLETE);
	dsb_report_free(r);
}

static const struct dsb_test tests[] = {
	{ "restorable: a live dirty set, every log, its words", test_restorable_live },
	{ "not-restorable: the highest required log missing, named", test_not_restorable_high },
	{ "not-restorable: a streamed copy's lowest log missing", test_not_restorable_low_streamed },
	{ "restorable-with-warnings: committed logs missing", test_with_warnings_committed },
	{ "unknown: no header copy readable", test_unknown_no_header },
	{ "names: 5 and 8 digits", test_names_5_and_8_digits },
	{ "names: a .jtx set", test_jtx_set },
	{ "two databases of two streams in one collection", test_two_streams_one_folder },
	{ "logs with no database: a log set, no verdict", test_log_set_no_database },
	{ "a database of another stream than its logs (S001)", test_database_of_another_stream },
	{ "previous stream: accepted, either order, v7 and a clean database", test_previous_stream_accepted },
	{ "previous stream: -551 (S013) and neither (S001)", test_previous_stream_time_and_neither },
	{ "previous stream: the record's segment damaged, cut, zeroed", test_previous_stream_record_damaged },
	{ "a checkpoint of another stream: a log set of its own", test_checkpoint_of_another_stream },
	{ "a clean database alone: restorable", test_clean_database_alone },
	{ "a required log present but damaged: unusable", test_unusable_required_log },
	{ "regression_gap_names_only_the_absent_log", regression_gap_names_only_the_absent_log },
	{ "the log verifier's marks: errors, torn_repairable", test_log_verifier_marks },
	{ "regression: a two-billion-generation range is bounded", test_huge_required_range_bounded },
	{ "the databases' limit: C015; twin at it", test_databases_limit },
	{ "hostile headers and log lists: the set's lists well formed", test_random_sets_well_formed },
	{ "the tombstone lifetime on both sides of its limit", test_tombstone },
	{ "sets[] in JSON (typed), text and SARIF", test_json_and_text },
	{ "--now and --tombstone-days", test_options },
	{ "captures in tar and zip", test_capture_tar_and_zip },
	{ "a capture's log of another stream: unusable", test_capture_foreign_log },
	{ "a capture's database of the previous stream: tar and folder order", test_capture_previous_stream },
	{ "a capture's age from its start", test_capture_tombstone },
	{ "a cut capture: unknown", test_capture_cut_unknown },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "backup sets and the restore verdict", tests },
};

int main(void)
{
	return dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
}
