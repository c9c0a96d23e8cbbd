/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Log members of a capture judged by what a data record binds them to
 * (verify/capture/capture.c, other_verifier and logs_report; RC §3.8),
 * and the DC backup capture with v7 logs (fixtures/lib/dcbackup.h,
 * log_format).
 *
 * The dc-full-backup capture (logs 5-9 of 64 KiB) with one backed-up
 * file's bytes replaced as a backup agent would have read them from a
 * damaged copy (hashed and recorded as they are, so the journal agrees
 * with the member): a garbage header, a header whose checksum alone is
 * bad, another file type, 100 bytes, nothing, and log bytes under
 * edb.chk.  Each is judged as the log or checkpoint its backed-up name
 * says (DSB-L001 or DSB-L004 on that member, its data record's line and
 * backed-up name), with the journal first and last (the binding is known
 * only once the journal is read); the set says the generation is there
 * but unusable, never missing (no DSB-L020).  The near-identical twin,
 * the same member intact, raises no DSB-L finding.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures/lib/capwrite.h"
#include "fixtures/lib/dcbackup.h"
#include "fixtures/lib/fxcap.h"
#include "fixtures/lib/loggen.h"
#include "format/ese.h"
#include "format/ese_log.h"
#include "format/journal.h"
#include "verify/capture/capture.h"
#include "verify/ese/ese_collection.h"
#include "verify/logs/logs.h"
#include "verify/set/set.h"

#include "tests/cunit_main.h"

#define NOW_DAY_AFTER "2026-11-22T10:00:00Z"   /* the fixtures' backups are 2026-11-21T10:00Z */
#define LOG64K (64 * 1024)
#define DAMAGED_LOG "edb00007.log"
#define DAMAGED_MEMBER "data/" DAMAGED_LOG
#define DAMAGED_FILE DFX_NTDS_UNC_DIR DAMAGED_LOG

/* ---- the damage: what the agent read in place of one file -------------------- */

enum shape {
	SH_NONE,            /* the twin: every file intact */
	SH_GARBAGE,         /* the first 4096 bytes seeded garbage */
	SH_HEADER_CHECKSUM, /* one header byte changed, its checksum stale */
	SH_FILETYPE,        /* the header says file type 5, checksum redone */
	SH_CUT_100,         /* the first 100 bytes only */
	SH_EMPTY,           /* 0 bytes */
	SH_CHK_LOG_BYTES,   /* edb.chk holding edb00006.log's bytes */
	SH_DB_GARBAGE,      /* ntds.dit's first two pages seeded garbage */
};

struct edit_ctx {
	enum shape shape;
	uint8_t *log6;      /* edb00006.log's bytes, for SH_CHK_LOG_BYTES */
	uint64_t log6_size;
};

static void damage(void *ctx, const char *name, uint8_t **bytes, uint64_t *size)
{
	struct edit_ctx *e = ctx;
	if (strcmp(name, "edb00006.log") == 0) {
		e->log6 = malloc((size_t)*size);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e->log6);
		memcpy(e->log6, *bytes, (size_t)*size);
		e->log6_size = *size;
	}
	if (e->shape == SH_CHK_LOG_BYTES) {
		if (strcmp(name, "edb.chk") != 0)
			return;
		CU_ASSERT_PTR_NOT_NULL_FATAL(e->log6);
		free(*bytes);
		*bytes = e->log6;
		*size = e->log6_size;
		e->log6 = NULL;
		return;
	}
	uint8_t *p = *bytes;
	if (e->shape == SH_DB_GARBAGE) {
		if (strcmp(name, "ntds.dit") == 0)
			for (size_t i = 0; i < 2 * 8192; i++)
				p[i] = (uint8_t)((i * 2654435761u) >> 13);
		return;
	}
	if (strcmp(name, DAMAGED_LOG) != 0)
		return;
	switch (e->shape) {
	case SH_GARBAGE:
		for (size_t i = 0; i < DSB_LOG_HDR_SIZE; i++)
			p[i] = (uint8_t)((i * 2654435761u) >> 13);
		break;
	case SH_HEADER_CHECKSUM:
		p[200] ^= 0x10;
		break;
	case SH_FILETYPE:
		p[DSB_LOG_HDR_FILETYPE_OFF] = 5;
		p[DSB_LOG_HDR_FILETYPE_OFF + 1] = 0;
		p[DSB_LOG_HDR_FILETYPE_OFF + 2] = 0;
		p[DSB_LOG_HDR_FILETYPE_OFF + 3] = 0;
		dsb_ese_header_stamp(p, DSB_LOG_HDR_SIZE);
		break;
	case SH_CUT_100:
		*size = 100;
		break;
	case SH_EMPTY:
		*size = 0;
		break;
	case SH_NONE:
	case SH_CHK_LOG_BYTES:
	case SH_DB_GARBAGE:
		break;
	}
}

/* The capture written into `fmt` (journal first or last), verified with
 * --now a day after the backup. */
static struct dsb_report *check(const struct dfx_dcb_opts *dco, enum dfx_container fmt,
				int journal_last)
{
	char err[256] = "";
	struct dfx_cap *c = dfx_dc_backup(dco, err, sizeof err);
	if (!c)
		printf("\n    %s", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	char out[] = "/tmp/dsb-caplogs-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(out));
	char path[sizeof out + 16];
	snprintf(path, sizeof path, "%s/cap", out);
	struct dfx_write_opts wo = { .container = fmt, .journal_last = journal_last };
	CU_ASSERT_EQUAL_FATAL(dfx_cap_write(c, path, &wo, err, sizeof err), 0);
	dfx_cap_free(c);
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	struct dsb_verify_opts vo = { .sets = { .has_now = true } };
	CU_ASSERT_FATAL(dsb_time_parse(NOW_DAY_AFTER, strlen(NOW_DAY_AFTER), &vo.sets.now));
	CU_ASSERT_EQUAL(dsb_verify_input(r, path, &vo), 0);
	char cmd[sizeof out + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
	CU_ASSERT_EQUAL(system(cmd), 0);
	return r;
}

static struct dsb_report *check_shape(enum shape sh, enum dfx_container fmt, int journal_last)
{
	struct edit_ctx e = { .shape = sh };
	struct dfx_dcb_opts o = {
		.log_size = LOG64K, .edit = damage, .edit_ctx = &e,
		.checkpoint = sh == SH_CHK_LOG_BYTES,
	};
	struct dsb_report *r = check(&o, fmt, journal_last);
	free(e.log6);
	return r;
}

static size_t count(const struct dsb_report *r, enum dsb_rule rule)
{
	return (size_t)dsb_findings_count_rule(r->findings, -1, rule);
}

static size_t log_findings(const struct dsb_report *r)
{
	size_t n, k = 0;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		k += dsb_rule_info(f[i].rule)->category == DSB_CAT_LOG;
	return k;
}

static const struct dsb_finding *first(const struct dsb_report *r, enum dsb_rule rule)
{
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		if (f[i].rule == rule)
			return &f[i];
	return NULL;
}

static bool has_line(char *const *v, size_t n, const char *part)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(v[i], part))
			return true;
	return false;
}

/* The finding `rule` on `member`, bound to `file`, at a data record. */
static void assert_at(const struct dsb_report *r, enum dsb_rule rule, const char *member,
		      const char *file, const char *says)
{
	const struct dsb_finding *f = first(r, rule);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(count(r, rule), 1);
	CU_ASSERT_STRING_EQUAL(f->member, member);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->file);
	CU_ASSERT_STRING_EQUAL(f->file, file);
	CU_ASSERT(f->line > 0);
	if (!strstr(f->message, says))
		printf("\n    %s: \"%s\" not in \"%s\"", dsb_rule_info(rule)->id, says, f->message);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, says));
}

/* ---- a damaged log, judged by its name ----------------------------------------- */

/* The set of a capture whose edb00007.log is damaged: present but
 * unusable, named, not-restorable; its logs[] entry is there with its
 * backed-up name, its header ok only when it verifies (another file
 * type); truncation with a needed log unusable is still S012. */
static void assert_unusable_7(const struct dsb_report *r, bool header_ok)
{
	CU_ASSERT_EQUAL(count(r, DSB_L020), 0);
	CU_ASSERT_EQUAL(r->nlogs, 5);
	size_t seen = 0;
	for (size_t i = 0; i < r->nlogs; i++) {
		const struct dsb_log_entry *lg = &r->logs[i];
		if (!lg->member || strcmp(lg->member, DAMAGED_MEMBER) != 0)
			continue;
		seen++;
		CU_ASSERT_EQUAL(lg->header_ok, header_ok);
		CU_ASSERT_TRUE(lg->errors);
		CU_ASSERT_STRING_EQUAL(lg->name, DAMAGED_LOG);
		CU_ASSERT_STRING_EQUAL(lg->file, DAMAGED_FILE);
	}
	CU_ASSERT_EQUAL(seen, 1);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	const struct dsb_backup_set *s = &r->sets[0];
	CU_ASSERT_EQUAL(s->verdict, DSB_SETV_NOT_RESTORABLE);
	CU_ASSERT_EQUAL(s->nlogs, 5);
	CU_ASSERT_EQUAL_FATAL(s->nmissing, 1);
	CU_ASSERT_STRING_EQUAL(s->missing[0], DAMAGED_LOG);
	CU_ASSERT_TRUE(has_line(s->reasons, s->nreasons, "present but unusable"));
	CU_ASSERT_FALSE(has_line(s->reasons, s->nreasons, "are not all here"));
	CU_ASSERT_EQUAL(count(r, DSB_S012), 1);
}

static void assert_twin(const struct dsb_report *r)
{
	CU_ASSERT_EQUAL(log_findings(r), 0);
	CU_ASSERT_EQUAL(count(r, DSB_S012), 0);
	CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
	CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
	CU_ASSERT_EQUAL(r->sets[0].nmissing, 0);
}

static const struct {
	enum shape shape;
	enum dsb_rule rule;
	const char *says;
} log_shapes[] = {
	{ SH_GARBAGE, DSB_L001, DAMAGED_LOG ": the log header's checksum does not verify" },
	{ SH_HEADER_CHECKSUM, DSB_L001, DAMAGED_LOG ": the log header's checksum does not verify" },
	{ SH_FILETYPE, DSB_L004, "named as a log, but its header's file type is 5, not 3" },
	{ SH_CUT_100, DSB_L001, "shorter (100 bytes) than a log header" },
	{ SH_EMPTY, DSB_L001, "shorter (0 bytes) than a log header" },
};

static void test_damaged_log_by_name(void)
{
	for (size_t i = 0; i < sizeof log_shapes / sizeof log_shapes[0]; i++) {
		for (int last = 0; last <= 1; last++) {
			struct dsb_report *r = check_shape(log_shapes[i].shape, DFX_TAR, last);
			assert_at(r, log_shapes[i].rule, DAMAGED_MEMBER, DAMAGED_FILE,
				  log_shapes[i].says);
			CU_ASSERT_EQUAL(log_findings(r), 1);
			assert_unusable_7(r, log_shapes[i].shape == SH_FILETYPE);
			dsb_report_free(r);
		}
	}
}

/* The same shapes in a zip and a folder (the journal where each puts
 * it). */
static void test_damaged_log_containers(void)
{
	const enum dfx_container fmts[] = { DFX_ZIP, DFX_DIR };
	for (size_t c = 0; c < sizeof fmts / sizeof fmts[0]; c++) {
		for (size_t i = 0; i < sizeof log_shapes / sizeof log_shapes[0]; i++) {
			struct dsb_report *r = check_shape(log_shapes[i].shape, fmts[c], -1);
			assert_at(r, log_shapes[i].rule, DAMAGED_MEMBER, DAMAGED_FILE,
				  log_shapes[i].says);
			assert_unusable_7(r, log_shapes[i].shape == SH_FILETYPE);
			dsb_report_free(r);
		}
	}
}

static void test_twin_intact(void)
{
	const enum dfx_container fmts[] = { DFX_TAR, DFX_ZIP, DFX_DIR };
	for (size_t c = 0; c < sizeof fmts / sizeof fmts[0]; c++) {
		for (int last = 0; last <= 1; last++) {
			struct dsb_report *r = check_shape(SH_NONE, fmts[c], last);
			assert_twin(r);
			CU_ASSERT_EQUAL(r->nlogs, 5);
			dsb_report_free(r);
		}
	}
}

/* edb.chk holding a log: judged as the checkpoint its name says, whose
 * copy ESE reads is a log header (file type 3): L004 on that member; the
 * twin, the set's own edb.chk, raises nothing. */
static void test_checkpoint_name_log_bytes(void)
{
	for (int last = 0; last <= 1; last++) {
		struct dsb_report *r = check_shape(SH_CHK_LOG_BYTES, DFX_TAR, last);
		assert_at(r, DSB_L004, "data/edb.chk", DFX_NTDS_UNC_DIR "edb.chk",
			  "edb.chk: named as a checkpoint, but its file type is 3, not 4");
		CU_ASSERT_EQUAL(r->ncheckpoints, 1);
		CU_ASSERT_EQUAL(r->nlogs, 5);   /* not a sixth log */
		CU_ASSERT_EQUAL(count(r, DSB_L020), 0);
		dsb_report_free(r);

		struct edit_ctx e = { .shape = SH_NONE };
		r = check(&(struct dfx_dcb_opts){ .log_size = LOG64K, .checkpoint = true,
						  .edit = damage, .edit_ctx = &e }, DFX_TAR, last);
		free(e.log6);
		CU_ASSERT_EQUAL(log_findings(r), 0);
		CU_ASSERT_EQUAL(r->ncheckpoints, 1);
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
		CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
		dsb_report_free(r);
	}
}

/* `ese` judges the same file by the same rule: a loose edb.chk holding
 * a log is L004 (it was read as a log, with no finding); its twin, a
 * loose log under its own name, raises nothing. */
static void test_ese_same_rule(void)
{
	char dir[] = "/tmp/dsb-caplogs-ese-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	char err[256] = "";
	struct dfx_logset *s = dfx_logset_new(&(struct dfx_logset_opts){
		.db = DFX_LSDB_NONE, .log_size = LOG64K }, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	const struct dfx_logset_file *lf = dfx_logset_find(s, "edb00006.log");
	CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
	uint8_t *b = malloc((size_t)lf->size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	dfx_logset_file_fill((void *)lf, 0, b, (size_t)lf->size);
	const char *names[] = { "edb.chk", "edb00006.log" };
	for (size_t i = 0; i < 2; i++) {
		char path[sizeof dir + 32];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *fp = fopen(path, "wb");
		CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
		CU_ASSERT_EQUAL(fwrite(b, 1, (size_t)lf->size, fp), lf->size);
		fclose(fp);
		struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
		struct dsb_ese_collection *c = dsb_ese_collection_new(r, NULL, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_EQUAL(dsb_ese_collection_add(c, path), 0);
		dsb_ese_collection_end(c);
		dsb_ese_collection_free(c);
		CU_ASSERT_EQUAL(count(r, DSB_L004), i == 0 ? 1 : 0);
		CU_ASSERT_EQUAL(r->ncheckpoints, i == 0 ? 1 : 0);
		CU_ASSERT_EQUAL(r->nlogs, i == 0 ? 0 : 1);
		dsb_report_free(r);
		unlink(path);
	}
	free(b);
	dfx_logset_free(s);
	rmdir(dir);
}

/* A member bound to a name that says nothing of logs stays unjudged by
 * the log verifier whatever its bytes: ntds.dit replaced by garbage is
 * E001 (a database file that is not one) and no DSB-L finding, no log
 * or checkpoint entry of its own. */
static void regression_other_names_stay_unjudged(void)
{
	for (int last = 0; last <= 1; last++) {
		struct dsb_report *r = check_shape(SH_DB_GARBAGE, DFX_TAR, last);
		CU_ASSERT_EQUAL(count(r, DSB_E001), 1);
		CU_ASSERT_EQUAL(log_findings(r), 0);
		CU_ASSERT_EQUAL(r->nlogs, 5);
		CU_ASSERT_EQUAL(r->ncheckpoints, 0);
		dsb_report_free(r);
	}
}

/* ---- plain members: no fact kept ---------------------------------------------- */

/* The messages of fact i woken as `k` and judged alone. */
static void judged_as(struct dsb_logs *l, size_t i, enum dsb_logs_kind k, char *out, size_t n)
{
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(dsb_logs_judge_as(l, i, k));
	CU_ASSERT_TRUE(dsb_logs_report_entry(l, i, r, 0, NULL, NULL));
	dsb_logs_judge(l, r->findings, r, dsb_logs_where_input, NULL);
	size_t nf;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &nf);
	out[0] = 0;
	for (size_t j = 0; j < nf; j++)
		snprintf(out + strlen(out), n - strlen(out), "%s %s;", dsb_rule_info(f[j].rule)->id,
			 f[j].message);
	/* and the entry, as the report shows it */
	if (r->ncheckpoints)
		snprintf(out + strlen(out), n - strlen(out), "chk %d%d%d %llu;",
			 r->checkpoints[0].copy_ok[0], r->checkpoints[0].copy_ok[1],
			 r->checkpoints[0].copies_equal, (unsigned long long)r->checkpoints[0].size);
	for (size_t j = 0; j < r->nlogs; j++)
		snprintf(out + strlen(out), n - strlen(out), "log %d %d %llu;", r->logs[j].kind,
			 r->logs[j].header_ok, (unsigned long long)r->logs[j].size);
	dsb_report_free(r);
}

/* A dormant fact of bytes that are nothing (garbage or zeros, empty, cut
 * or whole) is
 * forgotten and made again from its size with the same judgement as a
 * log, a checkpoint and a reserve log; zeros and a checkpoint copy are
 * kept (their views say more than their size). */
static void test_plain_forgotten(void)
{
	static uint8_t b[70000];
	const size_t sizes[] = { 0, 100, 4096, 8192, sizeof b };
	const enum dsb_logs_kind kinds[] = { DSB_LOGS_LOG, DSB_LOGS_CHECKPOINT, DSB_LOGS_RESERVE };
	for (size_t n = 0; n < 2 * sizeof sizes / sizeof sizes[0]; n++) {
		size_t s = n / 2;
		for (size_t i = 0; i < sizeof b; i++)   /* garbage, then zeros */
			b[i] = n % 2 ? 0 : (uint8_t)((i * 2654435761u) >> 13);
		for (size_t k = 0; k < 3; k++) {
			for (int cut = 0; cut <= 1; cut++) {
				char kept[1024], again[1024];
				struct dsb_logs *l = dsb_logs_new(0, false);
				CU_ASSERT_FATAL(dsb_logs_start_dormant(l, "edb00007.log", 0));
				dsb_logs_data(l, b, sizes[s]);
				long ix = dsb_logs_end(l, !cut);
				CU_ASSERT_EQUAL_FATAL(ix, 0);
				judged_as(l, 0, kinds[k], kept, sizeof kept);
				dsb_logs_free(l);

				l = dsb_logs_new(0, false);
				CU_ASSERT_FATAL(dsb_logs_start_dormant(l, "edb00007.log", 0));
				dsb_logs_data(l, b, sizes[s]);
				CU_ASSERT_EQUAL(dsb_logs_end(l, !cut), 0);
				uint16_t bits = 0xFFFF;
				CU_ASSERT_TRUE(dsb_logs_forget_plain(l, 0, &bits));
				ix = dsb_logs_plain(l, "edb00007.log", 0, sizes[s], !cut, bits);
				CU_ASSERT_EQUAL_FATAL(ix, 0);
				judged_as(l, 0, kinds[k], again, sizeof again);
				dsb_logs_free(l);
				CU_ASSERT_STRING_EQUAL(kept, again);
				CU_ASSERT(kept[0] != 0 || kinds[k] == DSB_LOGS_RESERVE);
				if (k == 2 && s == 4)   /* the reserve view tells them apart */
					CU_ASSERT_EQUAL(strstr(kept, "DSB-L013") != NULL, n % 2 == 0);
			}
		}
	}
	/* a log whose header checksum is stale is plain too (L001 says its
	 * size only), and so are zeros; kept: a checkpoint with one good
	 * copy */
	char err[256];
	struct dfx_logset *set = dfx_logset_new(&(struct dfx_logset_opts){
		.db = DFX_LSDB_NONE, .log_size = LOG64K, .checkpoint = true }, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	const char *names[] = { "edb00005.log", "edb.chk" };
	for (size_t i = 0; i < 3; i++) {
		memset(b, 0, sizeof b);
		if (i < 2) {
			const struct dfx_logset_file *f = dfx_logset_find(set, names[i]);
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			dfx_logset_file_fill((void *)f, 0, b, 8192);
			b[100] ^= 1;   /* not by its bytes a log or checkpoint: one copy stale */
		}
		struct dsb_logs *l = dsb_logs_new(0, false);
		CU_ASSERT_FATAL(dsb_logs_start_dormant(l, "x", 0));
		dsb_logs_data(l, b, 8192);
		CU_ASSERT_EQUAL(dsb_logs_end(l, true), 0);
		uint16_t bits;
		CU_ASSERT_EQUAL(dsb_logs_forget_plain(l, 0, &bits), i != 1);
		dsb_logs_free(l);
	}
	dfx_logset_free(set);
}

/* ---- the DC backup with v7 logs ----------------------------------------------- */

static void test_v7_restorable(void)
{
	const enum dfx_container fmts[] = { DFX_TAR, DFX_ZIP, DFX_DIR, DFX_CPIO };
	for (size_t c = 0; c < sizeof fmts / sizeof fmts[0]; c++) {
		struct dsb_report *r = check(&(struct dfx_dcb_opts){ .log_size = LOG64K,
								     .log_format = DFX_LOG_V7 },
					     fmts[c], -1);
		CU_ASSERT_EQUAL(log_findings(r), 0);
		CU_ASSERT_EQUAL(r->nlogs, 5);
		for (size_t i = 0; i < r->nlogs; i++) {
			CU_ASSERT_EQUAL(r->logs[i].version[0], 7);
			CU_ASSERT_EQUAL(r->logs[i].version[1], 3704);
			CU_ASSERT_EQUAL(r->logs[i].sector_size, 512);
			CU_ASSERT_TRUE(r->logs[i].header_ok);
			CU_ASSERT_PTR_NOT_NULL(r->logs[i].file);
		}
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
		CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
		CU_ASSERT_EQUAL(r->sets[0].required_low, 5);
		CU_ASSERT_EQUAL(r->sets[0].required_high, 9);
		CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
		dsb_report_free(r);
	}
}

/* v7 damage through the capture: not-restorable with the right rule on
 * the right member; the v7 twin above is restorable. */
static void test_v7_damage(void)
{
	const struct {
		enum dfx_logset_damage damage;
		enum dsb_rule rule;
		const char *member;     /* where the rule is anchored (NULL: not a member's) */
	} cases[] = {
		{ DFX_LSD_BITFLIP, DSB_L011, DAMAGED_MEMBER },      /* v7 has no ECC */
		{ DFX_LSD_CORRUPT_SEGMENT, DSB_L011, DAMAGED_MEMBER },
		{ DFX_LSD_TORN_ARCHIVED, DSB_L010, "data/edb00009.log" },
		{ DFX_LSD_CUT_LOG, DSB_L005, DAMAGED_MEMBER },
		{ DFX_LSD_HEADER_CHECKSUM, DSB_L001, DAMAGED_MEMBER },
		{ DFX_LSD_MISSING_LOG, DSB_L020, "data/edb00008.log" },
	};
	const enum dfx_container fmts[] = { DFX_TAR, DFX_ZIP };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t c = 0; c < sizeof fmts / sizeof fmts[0]; c++) {
			struct dsb_report *r = check(&(struct dfx_dcb_opts){
				.log_size = LOG64K, .log_format = DFX_LOG_V7,
				.damage = cases[i].damage }, fmts[c], -1);
			const struct dsb_finding *f = first(r, cases[i].rule);
			if (!f)
				printf("\n    v7 %s: no %s", dfx_logset_damages()[cases[i].damage].name,
				       dsb_rule_info(cases[i].rule)->id);
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			CU_ASSERT_STRING_EQUAL(f->member, cases[i].member);
			CU_ASSERT(f->line > 0);
			CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
			CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_NOT_RESTORABLE);
			CU_ASSERT_EQUAL(count(r, DSB_S012), 1);   /* truncated, a needed log lost */
			CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_FAIL);
			dsb_report_free(r);
		}
	}
}

/* v7 shapes with no v7 meaning are refused, with the generator's words. */
static void test_v7_refused(void)
{
	char err[256] = "";
	CU_ASSERT_PTR_NULL(dfx_dc_backup(&(struct dfx_dcb_opts){ .log_format = DFX_LOG_V7,
		.log_size = LOG64K, .damage = DFX_LSD_CHAIN_CHECKSUM }, err, sizeof err));
	CU_ASSERT(err[0] != 0);
}

static const struct dsb_test tests[] = {
	{ "a damaged log judged by its backed-up name: five shapes, journal first and last",
	  test_damaged_log_by_name },
	{ "the same in a zip and a folder", test_damaged_log_containers },
	{ "the twin: every member intact, nothing of the log verifier's", test_twin_intact },
	{ "edb.chk holding a log: L004 on it; twin clean", test_checkpoint_name_log_bytes },
	{ "ese judges a loose file by the same rule", test_ese_same_rule },
	{ "regression: members bound to other names stay unjudged",
	  regression_other_names_stay_unjudged },
	{ "plain members: the fact forgotten, made again alike", test_plain_forgotten },
	{ "dc-full-backup with v7 logs: restorable in tar, zip, folder, cpio", test_v7_restorable },
	{ "v7 damage through the capture: not-restorable, the right rule", test_v7_damage },
	{ "v7: shapes with no v7 meaning refused", test_v7_refused },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "log members judged by their binding; the v7 DC backup", tests },
};

int main(void)
{
	return dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
}
