/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ESE databases inside captures (issue 3): `verify` checks a backed-up
 * database while it streams by, anchors its findings at the bound data
 * record (RC §3.6) and reports it in `databases`.
 *
 * Captures are built here at test time, in mkdtemp folders under /tmp: a
 * hand-written journal (CF §4-§9: a W database list with bft 0x44 for
 * ntds.dit, a W log list with 0x21 for a log) and a database member: the
 * sample ntds.dit of the samples folder (sample_suites, run by
 * `--samples` as the ctest test test_ese_capture_samples, skipped when the
 * samples are absent: tests/cunit_main.h), or the small database of
 * tests/test_ese_fixture.h (suites, always run, named "built database").
 */
#include "verify/capture/capture.h"

#include <stdarg.h>

#include "fixtures/lib/esegen.h"
#include "format/archive.h"
#include "format/ese.h"
#include "tests/archive_fixture.h"
#include "tests/test_ese_fixture.h"
#include "tests/cunit_main.h"

#define SAMPLE_NTDS "DSInternals/Initial/ntds.dit"   /* under dsb_samples_dir() */
#define HBC "0x1f3a0"
#define DB_NAME "C:\\\\NTDS\\\\ntds.dit"       /* as JSON text */
#define DB_NAME_VALUE "C:\\NTDS\\ntds.dit"     /* the value */
#define LOG_NAME "C:\\\\NTDS\\\\edb00001.log"
#define LOG_LEN (4 * 4096)

/* ---- the database bytes ----------------------------------------------------- */

struct db {
	uint8_t *buf;
	size_t len;
	bool sample;
};

/* The database member: the built database is not an AD database, and a
 * member named *ntds.dit must hold the AD tables (E033). */
static const char *db_rel = "data/ntds.dit", *db_member = "cap/data/ntds.dit";
#define DB_MEMBER db_member

static void db_load(struct db *d)
{
	memset(d, 0, sizeof(*d));
	if (dsb_on_samples) {
		char path[1024];
		dsb_sample_path(SAMPLE_NTDS, path, sizeof(path));
		d->buf = tw_read_file(path, &d->len);
		if (!d->buf)
			printf("\n    missing sample %s", path);
		CU_ASSERT_PTR_NOT_NULL_FATAL(d->buf);
		d->sample = true;
		db_rel = "data/ntds.dit";
		db_member = "cap/data/ntds.dit";
		return;
	}
	db_rel = "data/small.edb";
	db_member = "cap/data/small.edb";
	struct xdb x;
	xdb_build(&x, 8192);
	d->buf = x.buf;
	d->len = x.len;
}

/* ---- the journal -------------------------------------------------------------- */

/* Open, read in 64 KiB reads, close, then the data record; returns the
 * data record's line. */
static unsigned jb_file(struct jb *j, const char *name, const char *member, uint64_t size,
			const char *sha)
{
	jb_rec(j, "call", true, "\"fn\":\"DsBackupOpenFileW\","
	       "\"in\":{\"hbc\":\"%s\",\"name\":\"%s\",\"read_hint\":65536},"
	       "\"out\":{\"file_size\":%llu},\"hr\":\"0x0\"", HBC, name, (unsigned long long)size);
	for (uint64_t left = size; left > 0;) {
		uint64_t r = left > 65536 ? 65536 : left;
		jb_rec(j, "call", true, "\"fn\":\"DsBackupRead\","
		       "\"in\":{\"hbc\":\"%s\",\"buffer_size\":65536},"
		       "\"out\":{\"bytes_read\":%llu},\"hr\":\"0x0\"", HBC, (unsigned long long)r);
		left -= r;
	}
	jb_rec(j, "call", true, "\"fn\":\"DsBackupClose\",\"in\":{\"hbc\":\"%s\"},\"hr\":\"0x0\"", HBC);
	jb_rec(j, "data", false, "\"hbc\":\"%s\",\"name\":\"%s\",\"member\":\"%s\","
	       "\"size\":%llu,\"sha256\":\"%s\"", HBC, name, member, (unsigned long long)size, sha);
	return j->seq;
}

/* CF §5.5: a W list's size is 2 x (sum over entries of (2 + n(path)) + 1),
 * n counting UTF-16 code units of the value (here ASCII). */
static size_t wlist_size(const char *value)
{
	return 2 * ((2 + strlen(value)) + 1);
}

/* A full backup: database list, ntds.dit, log list, the log, End.
 * `db_bft` is the database entry's BFT.  *db_line: the ntds.dit data
 * record's line. */
static char *journal(const char *db_bft, uint64_t db_size, const char *db_sha,
		     const char *log_sha, unsigned *db_line)
{
	struct jb j = { 0 };
	jb_rec(&j, "capture", false, "\"format\":\"dsbackup-capture\",\"version\":1,"
	       "\"host\":\"DC01\",\"agent\":\"test/1\",\"started\":\"2026-11-21T10:00:00Z\"");
	jb_rec(&j, "call", true, "\"fn\":\"DsIsNTDSOnlineW\",\"in\":{\"server\":\"DC01\"},"
	       "\"out\":{\"online\":true},\"hr\":\"0x0\"");
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupPrepareW\","
	       "\"in\":{\"server\":\"DC01\",\"grbit\":0,\"backup_type\":1},"
	       "\"out\":{\"hbc\":\"%s\",\"token\":\"AAECAw==\",\"token_size\":4},\"hr\":\"0x0\"", HBC);
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupGetDatabaseNamesW\",\"in\":{\"hbc\":\"%s\"},"
	       "\"out\":{\"list\":[{\"bft\":\"%s\",\"path\":\"%s\"}],\"size\":%zu},\"hr\":\"0x0\"",
	       HBC, db_bft, DB_NAME, wlist_size(DB_NAME_VALUE));
	*db_line = jb_file(&j, DB_NAME, db_rel, db_size, db_sha);
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupGetBackupLogsW\",\"in\":{\"hbc\":\"%s\"},"
	       "\"out\":{\"list\":[{\"bft\":\"0x21\",\"path\":\"%s\"}],\"size\":%zu},\"hr\":\"0x0\"",
	       HBC, LOG_NAME, wlist_size("C:\\NTDS\\edb00001.log"));
	jb_file(&j, LOG_NAME, "data/edb00001.log", LOG_LEN, log_sha);
	jb_rec(&j, "call", true, "\"fn\":\"DsBackupEnd\",\"in\":{\"hbc\":\"%s\"},\"hr\":\"0x0\"", HBC);
	jb_rec(&j, "end", false, "\"records\":%u", j.seq + 1);
	return j.buf;
}

/* REF §3.2: a v8 log's LGFILEHDR (generation `gen`, format
 * 8.4000.60.140, len / 4096 segments), then empty (zero) segments: a
 * log the log verifier finds nothing wrong with. */
static void make_log(uint8_t *b, size_t len, uint32_t gen)
{
	memset(b, 0, len);
	b[4] = (uint8_t)gen;
	b[9] = 0x10;                 /* cbSec 4096 */
	b[12] = (uint8_t)(len / 4096);   /* csecLGFile: the file's size */
	b[15] = 0x20;                /* cbPageSize 8192 */
	b[32] = 8;
	b[36] = 0xA0; b[37] = 0x0F;
	b[40] = 60;
	b[648] = 140;
	b[667] = 3;                  /* file type: log */
	uint32_t c = dsb_ese_header_checksum(b, 4096);
	b[0] = (uint8_t)c; b[1] = (uint8_t)(c >> 8); b[2] = (uint8_t)(c >> 16); b[3] = (uint8_t)(c >> 24);
}

/* ---- a capture, packed as a tar in a fresh temporary folder ---------------- */

struct cap {
	char path[256];
	unsigned db_line;
	struct dsb_report *rep;
	int input;
};

struct cap_opts {
	const char *db_bft;          /* "0x44" unless set */
	bool journal_last;
	const void *extra;           /* an extra member no data record names */
	size_t extra_len;
	size_t cut;                  /* > 0: the tar is cut to this many bytes */
	bool gzip;                   /* a .tar.gz: the database's blocks are copied to
				      * its worker, not lent */
};

static void cap_verify(struct cap *c, const uint8_t *db, size_t dblen, const struct cap_opts *o)
{
	char dbsha[65], logsha[65];
	uint8_t logbuf[LOG_LEN];
	make_log(logbuf, sizeof logbuf, 1);
	tw_sha256(db, dblen, dbsha);
	tw_sha256(logbuf, sizeof logbuf, logsha);
	char *j = journal(o->db_bft ? o->db_bft : "0x44", dblen, dbsha, logsha, &c->db_line);
	struct tw_member m[4];
	size_t n = 0;
	if (!o->journal_last)
		m[n++] = (struct tw_member){ .name = "cap/journal.jsonl", .data = j, .len = strlen(j) };
	m[n++] = (struct tw_member){ .name = DB_MEMBER, .data = db, .len = dblen };
	m[n++] = (struct tw_member){ .name = "cap/data/edb00001.log", .data = logbuf, .len = LOG_LEN };
	if (o->extra)
		m[n++] = (struct tw_member){ .name = "cap/data/extra.dit", .data = o->extra,
					     .len = o->extra_len };
	if (o->journal_last)
		m[n++] = (struct tw_member){ .name = "cap/journal.jsonl", .data = j, .len = strlen(j) };
	const int gz[] = { ARCHIVE_FILTER_GZIP };
	snprintf(c->path, sizeof c->path, "%s/capture.tar%s", tw_tmpdir(), o->gzip ? ".gz" : "");
	CU_ASSERT_FATAL(tw_write(c->path, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, o->gzip ? gz : NULL,
				 o->gzip ? 1 : 0, m, n));
	free(j);
	if (o->cut)
		CU_ASSERT_FATAL(truncate(c->path, (off_t)o->cut) == 0);
	c->rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_FATAL(c->rep != NULL);
	c->input = dsb_verify_input(c->rep, c->path, NULL);
	CU_ASSERT_FATAL(c->input == 0);
}

static void cap_free(struct cap *c)
{
	dsb_report_free(c->rep);
	c->rep = NULL;
}

static size_t count_rule(struct dsb_report *r, enum dsb_rule rule)
{
	return (size_t)dsb_findings_count_rule(r->findings, -1, rule);
}

/* ESE findings of severity error. */
static size_t ese_errors(struct dsb_report *r, const struct dsb_finding **first)
{
	size_t n, k = 0;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	*first = NULL;
	for (size_t i = 0; i < n; i++) {
		if (dsb_rule_info(f[i].rule)->category != DSB_CAT_ESE ||
		    f[i].severity != DSB_SEV_ERROR)
			continue;
		if (!*first)
			*first = &f[i];
		k++;
	}
	return k;
}

static void dump(struct dsb_report *r)
{
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		printf("\n      %s line %llu page %lld offset %lld: %s", dsb_rule_info(f[i].rule)->id,
		       (unsigned long long)f[i].line, (long long)f[i].page, (long long)f[i].offset,
		       f[i].message);
}

/* ---- tests ------------------------------------------------------------------- */

/* A clean database: no finding at all, one `databases` entry anchored at
 * the data record, in both member orders. */
static void test_clean(void)
{
	struct db d;
	db_load(&d);
	for (int last = 0; last < 2; last++) {
		struct cap c;
		struct cap_opts o = { .journal_last = last };
		cap_verify(&c, d.buf, d.len, &o);
		const struct dsb_finding *e;
		CU_ASSERT_EQUAL(ese_errors(c.rep, &e), 0);
		CU_ASSERT_EQUAL(dsb_findings_total(c.rep->findings, -1, DSB_SEV_ERROR), 0);
		CU_ASSERT_EQUAL(dsb_findings_total(c.rep->findings, -1, DSB_SEV_WARNING), 0);
		if (dsb_findings_total(c.rep->findings, -1, DSB_SEV_ERROR))
			dump(c.rep);
		CU_ASSERT_EQUAL(dsb_report_verdict(c.rep, -1), DSB_PASS);
		CU_ASSERT_EQUAL_FATAL(c.rep->ndatabases, 1);
		const struct dsb_database *db = &c.rep->databases[0];
		CU_ASSERT_EQUAL(db->input, 0);
		CU_ASSERT_EQUAL(db->sum.page_size, 8192);
		CU_ASSERT_EQUAL(db->sum.format_version, 0x620);
		CU_ASSERT(db->sum.header_ok);
		CU_ASSERT(db->complete);
		CU_ASSERT(db->sum.tree_walk_done);
		CU_ASSERT(db->sum.catalog_ok);
		CU_ASSERT_EQUAL(db->sum.bytes, d.len);
		CU_ASSERT_EQUAL(db->sum.pages_bad, 0);
		CU_ASSERT_EQUAL(db->line, c.db_line);
		CU_ASSERT_STRING_EQUAL(db->member, DB_MEMBER);
		CU_ASSERT_STRING_EQUAL(db->file, DB_NAME_VALUE);
		if (d.sample) {
			CU_ASSERT_EQUAL(db->sum.format_revision, 20);
			CU_ASSERT_EQUAL(db->sum.pages_total, d.len / 8192 - 2);
			CU_ASSERT(db->sum.looks_like_ad && db->sum.ad_tables_present);
			CU_ASSERT_STRING_EQUAL(db->sum.state_name, "clean-shutdown");
		}
		cap_free(&c);
	}
	free(d.buf);
}

/* One bit flipped in page 6 (a leaf of a table, in the sample and in the
 * built database; a flip in the catalog would also make the catalog
 * unreadable, E031/E033): exactly one E error, at
 * the data record's line with the page and the byte's file offset; the
 * journal before and after the data give the same anchors. */
static void test_bitflip(void)
{
	struct db d;
	db_load(&d);
	const uint32_t pgno = 6;
	const size_t at = (size_t)(pgno + 1) * 8192 + 3000;
	d.buf[at] ^= 0x10;
	struct dsb_finding seen[2];
	for (int last = 0; last < 2; last++) {
		struct cap c;
		struct cap_opts o = { .journal_last = last };
		cap_verify(&c, d.buf, d.len, &o);
		const struct dsb_finding *e;
		size_t ne = ese_errors(c.rep, &e);
		CU_ASSERT_EQUAL(ne, 1);
		if (ne != 1)
			dump(c.rep);
		CU_ASSERT_EQUAL(dsb_findings_total(c.rep->findings, -1, DSB_SEV_ERROR), 1);
		CU_ASSERT_EQUAL(dsb_report_verdict(c.rep, -1), DSB_FAIL);
		CU_ASSERT_FATAL(e != NULL);
		CU_ASSERT_EQUAL(e->rule, DSB_E014);
		CU_ASSERT_EQUAL(e->line, c.db_line);
		CU_ASSERT_EQUAL(e->page, pgno);
		CU_ASSERT_EQUAL(e->offset, (int64_t)at);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e->member);
		CU_ASSERT_STRING_EQUAL(e->member, DB_MEMBER);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e->file);
		CU_ASSERT_STRING_EQUAL(e->file, DB_NAME_VALUE);
		seen[last] = *e;
		CU_ASSERT_EQUAL_FATAL(c.rep->ndatabases, 1);
		CU_ASSERT_EQUAL(c.rep->databases[0].sum.pages_bitflip, 1);
		CU_ASSERT_EQUAL(c.rep->databases[0].sum.pages_bad, 1);
		cap_free(&c);
	}
	CU_ASSERT_EQUAL(seen[0].line, seen[1].line);
	CU_ASSERT_EQUAL(seen[0].page, seen[1].page);
	CU_ASSERT_EQUAL(seen[0].offset, seen[1].offset);
	free(d.buf);
}

/* A member backed up as a database file (bft 0x44) holding random bytes:
 * one E001 at its data record; no database entry. */
static void test_not_ese(void)
{
	uint8_t *junk = malloc(100000);
	tw_fill(junk, 100000, 5);
	struct cap c;
	struct cap_opts o = { 0 };
	cap_verify(&c, junk, 100000, &o);
	CU_ASSERT_EQUAL(count_rule(c.rep, DSB_E001), 1);
	CU_ASSERT_EQUAL(dsb_findings_total(c.rep->findings, -1, DSB_SEV_ERROR), 1);
	CU_ASSERT_EQUAL(c.rep->ndatabases, 0);
	const struct dsb_finding *e;
	CU_ASSERT_EQUAL(ese_errors(c.rep, &e), 1);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->rule, DSB_E001);
	CU_ASSERT_EQUAL(e->line, c.db_line);
	CU_ASSERT_STRING_EQUAL(e->member, DB_MEMBER);
	CU_ASSERT_STRING_EQUAL(e->file, DB_NAME_VALUE);
	CU_ASSERT(strstr(e->message, "not an ESE database") != NULL);
	cap_free(&c);
	free(junk);
}

/* The twin: the same random bytes backed up as a log (bft 0x21) are not
 * judged as a database. */
static void test_not_ese_not_database(void)
{
	uint8_t *junk = malloc(100000);
	tw_fill(junk, 100000, 5);
	struct cap c;
	struct cap_opts o = { .db_bft = "0x21" };
	cap_verify(&c, junk, 100000, &o);
	CU_ASSERT_EQUAL(count_rule(c.rep, DSB_E001), 0);
	CU_ASSERT_EQUAL(c.rep->ndatabases, 0);
	cap_free(&c);
	free(junk);
}


/* A member classified once by its first bytes: backed up as a database
 * file (bft 0x44) but holding an ESE log, E001 names what it is, as
 * `dsbinspect ese` does, and never calls an ESE file "not ESE". */
static void test_e001_names_log_bound_as_database(void)
{
	size_t len = 4 * 4096;
	uint8_t *logb = malloc(len);
	CU_ASSERT_FATAL(logb != NULL);
	make_log(logb, len, 0x2A);
	struct cap c;
	struct cap_opts o = { 0 };
	cap_verify(&c, logb, len, &o);
	CU_ASSERT_EQUAL(count_rule(c.rep, DSB_E001), 1);
	CU_ASSERT_EQUAL(c.rep->ndatabases, 0);
	const struct dsb_finding *e;
	CU_ASSERT_EQUAL(ese_errors(c.rep, &e), 1);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->line, c.db_line);
	CU_ASSERT_STRING_EQUAL(e->member, DB_MEMBER);
	char want[400];
	snprintf(want, sizeof want,
		 "member %s is backed up as a database file (bft 0x44) but is an ESE transaction log (generation 42, 0x2A; format 8.4000.60.140), not a database",
		 DB_MEMBER);
	CU_ASSERT_STRING_EQUAL(e->message, want);
	CU_ASSERT(strstr(e->message, "not an ESE") == NULL);
	cap_free(&c);
	free(logb);
}

/* The twin: the same log backed up as a log (bft 0x21) is only hashed. */
static void test_e001_log_bound_as_log_twin(void)
{
	size_t len = 4 * 4096;
	uint8_t *logb = malloc(len);
	CU_ASSERT_FATAL(logb != NULL);
	make_log(logb, len, 0x2A);
	struct cap c;
	struct cap_opts o = { .db_bft = "0x21" };
	cap_verify(&c, logb, len, &o);
	CU_ASSERT_EQUAL(count_rule(c.rep, DSB_E001), 0);
	CU_ASSERT_EQUAL(c.rep->ndatabases, 0);
	/* Issue 7: it is a logs[] entry, with its member and the name the
	 * data record binds (RC §3.8), in member order before the journal's
	 * own log member edb00001.log. */
	CU_ASSERT_EQUAL_FATAL(c.rep->nlogs, 2);
	CU_ASSERT_EQUAL(dsb_findings_total(c.rep->findings, -1, DSB_SEV_ERROR), 0);
	CU_ASSERT_EQUAL(c.rep->ncheckpoints, 0);
	const struct dsb_log_entry *lg = &c.rep->logs[0];
	CU_ASSERT_EQUAL(lg->input, 0);
	CU_ASSERT_STRING_EQUAL(lg->member, DB_MEMBER);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lg->file);
	CU_ASSERT_STRING_EQUAL(lg->file, DB_NAME_VALUE);
	CU_ASSERT_STRING_EQUAL(lg->name, "ntds.dit");   /* the backed-up name's */
	CU_ASSERT_EQUAL(lg->generation, 42);
	CU_ASSERT_EQUAL(lg->version[0], 8);
	CU_ASSERT_EQUAL(lg->version[1], 4000);
	CU_ASSERT_EQUAL(lg->sector_size, 4096);
	CU_ASSERT_EQUAL(lg->size, len);
	CU_ASSERT(lg->header_ok);
	CU_ASSERT_EQUAL(lg->kind, DSB_LOG_LOG);
	CU_ASSERT(lg->has_segments);
	CU_ASSERT_EQUAL(lg->segments.empty, 3);
	CU_ASSERT_EQUAL(lg->segments.valid, 0);
	CU_ASSERT_FALSE(lg->errors);
	CU_ASSERT_STRING_EQUAL(c.rep->logs[1].name, "edb00001.log");
	CU_ASSERT_EQUAL(c.rep->logs[1].generation, 1);
	cap_free(&c);
	free(logb);
}

/* A checkpoint member (in the database's slot, backed up with bft
 * 0x21): a checkpoints[] entry with its bound name and both copies
 * judged; its twin with the shadow copy damaged says so. */
static void test_checkpoint_member_entry(void)
{
	uint8_t ckb[8192];
	for (int damaged = 0; damaged <= 1; damaged++) {
		memset(ckb, 0, sizeof ckb);
		ckb[12] = 0x10;      /* lgposCheckpoint: ib 16, */
		ckb[14] = 2;         /* isec 2, */
		ckb[16] = 0x2A;      /* generation 42 */
		ckb[20] = 0x11;      /* signLog.random */
		ckb[667] = 4;
		uint32_t k = dsb_ese_header_checksum(ckb, 4096);
		ckb[0] = (uint8_t)k; ckb[1] = (uint8_t)(k >> 8); ckb[2] = (uint8_t)(k >> 16); ckb[3] = (uint8_t)(k >> 24);
		memcpy(ckb + 4096, ckb, 4096);
		if (damaged)
			ckb[4096 + 700] ^= 0x40;
		struct cap c;
		struct cap_opts o = { .db_bft = "0x21" };
		cap_verify(&c, ckb, sizeof ckb, &o);
		CU_ASSERT_EQUAL(c.rep->nlogs, 1);   /* the journal's edb00001.log */
		/* One copy damaged: L032 (info), at the member's data record. */
		CU_ASSERT_EQUAL(count_rule(c.rep, DSB_L032), (size_t)damaged);
		CU_ASSERT_EQUAL_FATAL(c.rep->ncheckpoints, 1);
		const struct dsb_checkpoint_entry *ck = &c.rep->checkpoints[0];
		CU_ASSERT_STRING_EQUAL(ck->member, DB_MEMBER);
		CU_ASSERT_STRING_EQUAL(ck->file, DB_NAME_VALUE);
		CU_ASSERT_STRING_EQUAL(ck->name, "ntds.dit");
		CU_ASSERT_EQUAL(ck->checkpoint.generation, 42);
		CU_ASSERT_EQUAL(ck->checkpoint.isec, 2);
		CU_ASSERT_EQUAL(ck->checkpoint.ib, 16);
		CU_ASSERT_EQUAL(ck->sign_log.random, 0x11);
		CU_ASSERT(ck->copy_ok[0]);
		CU_ASSERT_EQUAL(ck->copy_ok[1], !damaged);
		CU_ASSERT_EQUAL(ck->copies_equal, !damaged);
		CU_ASSERT_EQUAL(ck->size, sizeof ckb);
		cap_free(&c);
	}
}

/* Other damage shapes of a bft 0x44 member: all zero bytes and an empty
 * member are named, each once. */
static void test_e001_names_zeros_and_empty(void)
{
	static const struct { size_t len; const char *what; } cases[] = {
		{ 70000, "but is all zero bytes, not an ESE database" },
		{ 0, "but is an empty file, not an ESE database" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t *z = calloc(1, cases[i].len + 1);
		CU_ASSERT_FATAL(z != NULL);
		struct cap c;
		struct cap_opts o = { 0 };
		cap_verify(&c, z, cases[i].len, &o);
		const struct dsb_finding *e;
		CU_ASSERT_EQUAL(ese_errors(c.rep, &e), 1);
		CU_ASSERT_FATAL(e != NULL);
		CU_ASSERT_EQUAL(e->rule, DSB_E001);
		CU_ASSERT(strstr(e->message, cases[i].what) != NULL);
		cap_free(&c);
		free(z);
	}
}

/* An ESE member that no data record names: its findings keep line 0 and
 * the member; C008 as for any unnamed member. */
static void test_unbound(void)
{
	struct db d;
	db_load(&d);
	uint8_t *extra = malloc(d.len);
	memcpy(extra, d.buf, d.len);
	const size_t at = 7 * 8192 + 3001;
	extra[at] ^= 0x01;
	struct cap c;
	struct cap_opts o = { .extra = extra, .extra_len = d.len };
	cap_verify(&c, d.buf, d.len, &o);
	CU_ASSERT_EQUAL(count_rule(c.rep, DSB_C008), 1);
	const struct dsb_finding *e;
	CU_ASSERT_EQUAL(ese_errors(c.rep, &e), 1);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->line, 0);
	CU_ASSERT_STRING_EQUAL(e->member, "cap/data/extra.dit");
	CU_ASSERT_PTR_NULL(e->file);
	CU_ASSERT_EQUAL(e->offset, (int64_t)at);
	CU_ASSERT_EQUAL_FATAL(c.rep->ndatabases, 2);
	CU_ASSERT_STRING_EQUAL(c.rep->databases[1].member, "cap/data/extra.dit");
	CU_ASSERT_EQUAL(c.rep->databases[1].line, 0);
	CU_ASSERT_PTR_NULL(c.rep->databases[1].file);
	cap_free(&c);
	free(extra);
	free(d.buf);
}

/* The archive cut inside the database: C015, the stream is finished as
 * cut (complete false) and says nothing about the part not read (no E012). */
static void test_cut(void)
{
	struct db d;
	db_load(&d);
	struct cap c;
	/* The journal comes first: well past it, inside ntds.dit's data. */
	struct cap_opts o = { .cut = 200000 };
	cap_verify(&c, d.buf, d.len, &o);
	CU_ASSERT(count_rule(c.rep, DSB_C015) >= 1);
	CU_ASSERT_EQUAL(count_rule(c.rep, DSB_E012), 0);
	CU_ASSERT_EQUAL(dsb_report_verdict(c.rep, -1), DSB_INCOMPLETE);
	CU_ASSERT_EQUAL_FATAL(c.rep->ndatabases, 1);
	CU_ASSERT_FALSE(c.rep->databases[0].complete);
	CU_ASSERT(c.rep->databases[0].sum.bytes < d.len);
	cap_free(&c);
	free(d.buf);
}

/* A database member whose header copies both fail (E002) was not checked
 * at all: the capture input could not be checked in full (RC §2), as the
 * `ese` command already said.  The capture path asks the same question
 * the `ese` command does (dsb_ese_summary_incomplete); test_clean is the
 * twin that passes. */
static void regression_capture_db_unchecked_is_incomplete(void)
{
	struct db d;
	db_load(&d);
	d.buf[300] ^= 0x04;          /* the primary's checksum fails */
	d.buf[8192 + 300] ^= 0x04;   /* and the shadow's */
	struct cap c;
	struct cap_opts o = { 0 };
	cap_verify(&c, d.buf, d.len, &o);
	CU_ASSERT_EQUAL(count_rule(c.rep, DSB_E002), 1);
	CU_ASSERT(c.rep->inputs[0].incomplete);
	CU_ASSERT_EQUAL(dsb_report_verdict(c.rep, -1), DSB_INCOMPLETE);
	cap_free(&c);
	free(d.buf);
}

/* A database's member hash is taken on its ESE worker, from the block
 * that decided its kind on (verify/capture/ese_feeder.c, capture.c's
 * on_member):
 * for a database of several raw reads, lent to the worker from the
 * reader's buffers (tar) or copied out of the decompressed stream
 * (tar.gz), the data record's file entry holds the SHA-256 of the
 * database's bytes, and it matches the journal's (no finding at all). */
static void test_member_hash_on_worker(void)
{
	struct dfx_ese_opts go = { .page_size = 8192, .pages = 1100, .seed = 5 };
	char err[256];
	struct dfx_ese *g = dfx_ese_new(&go, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	size_t len = (size_t)dfx_ese_size(g);
	CU_ASSERT_FATAL(len > 8 * DSB_AR_BUFSIZE);   /* more raw reads than raw buffers */
	uint8_t *db = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(db);
	dfx_ese_fill(g, 0, db, len);
	dfx_ese_free(g);
	char want[65];
	tw_sha256(db, len, want);
	db_rel = "data/small.edb";
	db_member = "cap/data/small.edb";
	for (int gzip = 0; gzip < 2; gzip++) {
		struct cap c;
		struct cap_opts o = { .gzip = gzip };
		cap_verify(&c, db, len, &o);
		CU_ASSERT_EQUAL(dsb_findings_total(c.rep->findings, -1, DSB_SEV_ERROR), 0);
		CU_ASSERT_EQUAL(dsb_findings_total(c.rep->findings, -1, DSB_SEV_WARNING), 0);
		CU_ASSERT_EQUAL(dsb_report_verdict(c.rep, -1), DSB_PASS);
		CU_ASSERT_EQUAL_FATAL(c.rep->nsessions, 1);
		CU_ASSERT_FATAL(c.rep->sessions[0].nfiles >= 1);
		const struct dsb_file_entry *f = &c.rep->sessions[0].files[0];
		CU_ASSERT_PTR_NOT_NULL_FATAL(f->member);
		CU_ASSERT_STRING_EQUAL(f->member, "data/small.edb");
		CU_ASSERT(f->complete);
		CU_ASSERT(f->has_sha256);
		CU_ASSERT_STRING_EQUAL(f->sha256, want);
		CU_ASSERT_EQUAL_FATAL(c.rep->ndatabases, 1);
		CU_ASSERT_EQUAL(c.rep->databases[0].sum.bytes, len);
		CU_ASSERT_EQUAL(c.rep->databases[0].sum.pages_total, 1100);
		cap_free(&c);
	}
	free(db);
}

/* Run on the sample ntds.dit and on the built database (db_load). */
static const struct dsb_test db_tests[] = {
	{ "clean database, journal first and last", test_clean },
	{ "one bit flipped: one E014 at the data record", test_bitflip },
	{ "unbound ESE member: line 0, member set", test_unbound },
	{ "cut inside the database: complete false, no E012", test_cut },
	{ "regression_capture_db_unchecked_is_incomplete", regression_capture_db_unchecked_is_incomplete },
	{ NULL, NULL },
};

/* No database in them: run once, with the built-database suites. */
static const struct dsb_test other_tests[] = {
	{ "bft 0x44 member that is not ESE: E001", test_not_ese },
	{ "E001 names an ESE log bound as a database", test_e001_names_log_bound_as_database },
	{ "E001 twin: the log bound as a log", test_e001_log_bound_as_log_twin },
	{ "a checkpoint member: a checkpoints[] entry, both copies judged", test_checkpoint_member_entry },
	{ "E001 names zeros and an empty member", test_e001_names_zeros_and_empty },
	{ "twin: the same bytes as a log raise nothing", test_not_ese_not_database },
	{ "a database's member hash, taken on its worker (tar lent, tar.gz copied)",
	  test_member_hash_on_worker },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "ESE databases in captures: built database", db_tests },
	{ "ESE members that are not databases", other_tests },
};

static const struct dsb_suite sample_suites[] = {
	{ "ESE databases in captures: the ntds.dit sample", db_tests },
};

static int run(int argc, char **argv)
{
	/* Shared fixture helpers this program does not need. */
	(void)xfind;
	(void)tw_stdin_from;
	(void)tw_stdin_restore;
	(void)tw_sha256_file;
	(void)tw_write_file;
	int rc = dsb_test_main_samples(argc, argv, suites, sizeof(suites) / sizeof(suites[0]),
				       sample_suites, sizeof(sample_suites) / sizeof(sample_suites[0]));
	tw_cleanup();
	return rc;
}

int main(int argc, char **argv)
{
	return run(argc, argv);
}
