/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The log verifier (verify/logs/) in detail: each rule's message and
 * location (generation, offset) on generated sets (fixtures/lib/loggen.h)
 * of several page and log sizes, the segment counts of logs[], damage of
 * many shapes made here on a clean set's files (bits, bytes, a whole
 * segment, the header, truncation at several points, a renamed log),
 * blocks of every size fed to the streaming verifier, the file limit,
 * and the same sets inside captures (tar and zip, the dc-full-backup
 * scenario with its damage), and v7 sets (512-byte sectors, the
 * LRCHECKSUM chain) clean and with each damage shape that applies to
 * them.  tests/test_rule_coverage.c has every
 * rule's raising set and twin; this file checks what they say.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixtures/lib/dcbackup.h"
#include "fixtures/lib/fxcap.h"
#include "fixtures/lib/loggen.h"
#include "verify/capture/capture.h"
#include "verify/ese/ese_collection.h"
#include "verify/logs/logs.h"
#include "verify/report.h"

#include "tests/cunit_main.h"

#define SEG 4096u

/* ---- one set, checked as `ese FOLDER` ---------------------------------------- */

struct run {
	char dir[64];
	struct dsb_report *rep;
	const struct dsb_finding *f;
	size_t nf;
};

static void new_dir(char *dir, size_t n)
{
	snprintf(dir, n, "/tmp/dsb-logsv-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

/* A run over an empty folder, for the test to fill. */
static void run_empty(struct run *r)
{
	memset(r, 0, sizeof *r);
	new_dir(r->dir, sizeof r->dir);
}

static void write_set(const struct dfx_logset_opts *o, char *dir, size_t n)
{
	char err[256] = "";
	new_dir(dir, n);
	struct dfx_logset *s = dfx_logset_new(o, err, sizeof err);
	if (!s)
		printf("\n    loggen: %s", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_FATAL(dfx_logset_write_dir(s, dir, err, sizeof err));
	dfx_logset_free(s);
}

static void check_dir(struct run *r)
{
	r->rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->rep);
	struct dsb_ese_collection *c = dsb_ese_collection_new(r->rep, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(dsb_ese_collection_add(c, r->dir), 0);
	dsb_ese_collection_end(c);
	dsb_ese_collection_free(c);
	r->f = dsb_findings_sorted(r->rep->findings, &r->nf);
}

static void run_set(const struct dfx_logset_opts *o, struct run *r)
{
	memset(r, 0, sizeof *r);
	write_set(o, r->dir, sizeof r->dir);
	check_dir(r);
}

static void run_free(struct run *r)
{
	dsb_report_free(r->rep);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static void dump(const struct run *r)
{
	for (size_t i = 0; i < r->nf; i++)
		printf("\n      %s gen %lld off %lld: %s", dsb_rule_info(r->f[i].rule)->id,
		       (long long)r->f[i].generation, (long long)r->f[i].offset, r->f[i].message);
}

/* The one finding of the run (CU-asserted), or NULL. */
static const struct dsb_finding *only(const struct run *r, enum dsb_rule rule)
{
	CU_ASSERT_EQUAL(r->nf, 1);
	if (r->nf != 1 || r->f[0].rule != rule) {
		printf("\n    expected only %s:", dsb_rule_info(rule)->id);
		dump(r);
		return NULL;
	}
	return &r->f[0];
}

static bool has(const struct dsb_finding *f, const char *text)
{
	bool ok = f && strstr(f->message, text);
	if (f && !ok)
		printf("\n    \"%s\" not in \"%s\"", text, f->message);
	return ok;
}

static const struct dsb_log_entry *log_named(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->rep->nlogs; i++)
		if (r->rep->logs[i].name && strcmp(r->rep->logs[i].name, name) == 0)
			return &r->rep->logs[i];
	return NULL;
}

/* The input whose path ends with `name`. */
static int input_named(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->rep->ninputs; i++) {
		const char *p = r->rep->inputs[i].path;
		size_t lp = strlen(p), ln = strlen(name);
		if (lp > ln && p[lp - ln - 1] == '/' && strcmp(p + lp - ln, name) == 0)
			return (int)i;
	}
	return -1;
}

/* ---- clean sets ------------------------------------------------------------- */

/* A clean set raises nothing, at every page size and two log sizes, with
 * edb.log, the checkpoint and the reserve logs; logs[] holds the counts
 * of a real layout: an archived log is all data but its zero last
 * segment, edb.log data, one shadow, then zeros. */
static void test_clean_sets(void)
{
	const struct {
		uint32_t page, log;
		const char *ext;
	} sets[] = {
		{ 4096, 1u << 20, "log" }, { 8192, 1u << 20, "log" }, { 16384, 1u << 20, "jtx" },
		{ 32768, 1u << 20, "log" }, { 8192, 10u << 20, "log" },
	};
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		struct dfx_logset_opts o = {
			.db = DFX_LSDB_NONE, .page_size = sets[i].page, .log_size = sets[i].log,
			.ext = sets[i].ext, .eight_digits = strcmp(sets[i].ext, "jtx") == 0,
			.current = true, .checkpoint = true, .reserve = true, .seed = 11 + i,
		};
		struct run r;
		run_set(&o, &r);
		CU_ASSERT_EQUAL(r.nf, 0);
		if (r.nf)
			dump(&r);
		CU_ASSERT_EQUAL(r.rep->nlogs, 5 + 1 + 2);
		CU_ASSERT_EQUAL(r.rep->ncheckpoints, 1);
		uint64_t csec = sets[i].log / SEG;
		for (size_t k = 0; k < r.rep->nlogs; k++) {
			const struct dsb_log_entry *e = &r.rep->logs[k];
			CU_ASSERT_FALSE(e->errors);
			CU_ASSERT_FALSE(e->torn_repairable);
			if (e->kind == DSB_LOG_RESERVE) {
				CU_ASSERT_FALSE(e->has_segments);
				CU_ASSERT_EQUAL(e->size, sets[i].log);
				continue;
			}
			CU_ASSERT(e->has_segments);
			CU_ASSERT_EQUAL(e->page_size, sets[i].page);
			CU_ASSERT_EQUAL(e->segments.bad, 0);
			CU_ASSERT_EQUAL(e->segments.corrected, 0);
			if (e->generation == 10) {   /* edb.log */
				CU_ASSERT_EQUAL(e->segments.shadow, 1);
				CU_ASSERT_EQUAL(e->segments.valid + e->segments.empty + 1, csec - 1);
				CU_ASSERT(e->segments.valid >= 1);
			} else {
				CU_ASSERT_EQUAL(e->segments.valid, csec - 2);
				CU_ASSERT_EQUAL(e->segments.empty, 1);
				CU_ASSERT_EQUAL(e->segments.shadow, 0);
			}
		}
		run_free(&r);
	}
}

/* ---- each rule: message and location ------------------------------------------- */

static void test_rule_messages(void)
{
	struct run r;
	const struct dsb_finding *f;

	/* L020: the missing file named as RC §3.9 names it, and its
	 * generation; the finding is the next log's. */
	run_set(&(struct dfx_logset_opts){ .damage = DFX_LSD_MISSING_LOG, .gen_first = 0x28,
					   .gen_last = 0x2C, .damage_gen = 0x2A }, &r);
	f = only(&r, DSB_L020);
	CU_ASSERT(has(f, "1 log missing before edb0002B.log (generation 43): edb0002A.log (generation 42)"));
	CU_ASSERT(has(f, "-528"));
	CU_ASSERT_EQUAL(f ? f->generation : 0, 0x2A);
	CU_ASSERT_EQUAL(f ? f->input : -1, input_named(&r, "edb0002B.log"));
	/* the log after the gap is intact: not marked (the set counts only
	 * the absent generation as missing) */
	CU_ASSERT_FALSE(log_named(&r, "edb0002B.log")->errors);
	CU_ASSERT_FALSE(log_named(&r, "edb00029.log")->errors);
	run_free(&r);

	/* L008: the segment, byte and bit; the offset is that byte's. */
	run_set(&(struct dfx_logset_opts){ .damage = DFX_LSD_BITFLIP }, &r);
	f = only(&r, DSB_L008);
	CU_ASSERT(has(f, "edb00007.log (generation 7): 1 segment with a single-bit error"));
	if (f) {
		unsigned isec, byte, bit;
		const char *p = strstr(f->message, "the first is segment ");
		CU_ASSERT_FATAL(p != NULL);
		CU_ASSERT_EQUAL(sscanf(p, "the first is segment %u (offset %*u), byte %u, bit %u", &isec,
				       &byte, &bit), 3);
		CU_ASSERT_EQUAL(f->offset, (int64_t)isec * SEG + byte);
		CU_ASSERT_EQUAL(f->generation, 7);
		/* The flipped bit is where the message says: the file differs
		 * from the clean set's there, in that bit only. */
		char clean[64];
		write_set(&(struct dfx_logset_opts){ .seed = 0 }, clean, sizeof clean);
		char a[128], b[128];
		snprintf(a, sizeof a, "%s/edb00007.log", r.dir);
		snprintf(b, sizeof b, "%s/edb00007.log", clean);
		FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
		CU_ASSERT_FATAL(fa && fb);
		CU_ASSERT_EQUAL(fseek(fa, f->offset, SEEK_SET), 0);
		CU_ASSERT_EQUAL(fseek(fb, f->offset, SEEK_SET), 0);
		int ca = fgetc(fa), cb = fgetc(fb);
		CU_ASSERT_EQUAL(ca ^ cb, 1 << bit);
		fclose(fa);
		fclose(fb);
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", clean);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	const struct dsb_log_entry *e = log_named(&r, "edb00007.log");
	CU_ASSERT_EQUAL(e->segments.corrected, 1);
	CU_ASSERT_EQUAL(e->segments.valid, 254);
	CU_ASSERT_FALSE(e->errors);   /* a warning: ESE corrects it */
	run_free(&r);

	/* L011: the first corrupt segment, its offset, the ESE errors. */
	run_set(&(struct dfx_logset_opts){ .damage = DFX_LSD_CORRUPT_SEGMENT }, &r);
	f = only(&r, DSB_L011);
	CU_ASSERT(has(f, "edb00007.log (generation 7): 1 corrupt segment"));
	CU_ASSERT(has(f, "the first is segment 127 (offset 520192): -501, and -573/-574"));
	CU_ASSERT_EQUAL(f ? f->offset : 0, 127 * SEG);
	e = log_named(&r, "edb00007.log");
	CU_ASSERT_EQUAL(e->segments.bad, 1);
	CU_ASSERT_EQUAL(e->segments.valid, 253);
	CU_ASSERT(e->errors);
	run_free(&r);

	/* L009 in edb.log: a warning, repairable; the entry says so. */
	run_set(&(struct dfx_logset_opts){ .current = true, .damage = DFX_LSD_TORN_WRITE }, &r);
	f = only(&r, DSB_L009);
	CU_ASSERT(has(f, "edb.log (generation 10): torn write at segment "));
	CU_ASSERT(has(f, "soft recovery repairs it"));
	e = log_named(&r, "edb.log");
	CU_ASSERT(e->torn_repairable);
	CU_ASSERT_FALSE(e->errors);
	CU_ASSERT_EQUAL(e->segments.bad, 1);
	CU_ASSERT_EQUAL(e->segments.shadow, 1);
	run_free(&r);

	/* L010: the same damage in an archived log is an error. */
	run_set(&(struct dfx_logset_opts){ .damage = DFX_LSD_TORN_ARCHIVED }, &r);
	f = only(&r, DSB_L010);
	CU_ASSERT(has(f, "edb00009.log (generation 9): torn write at segment "));
	CU_ASSERT(has(f, "-570/-571"));
	CU_ASSERT_FALSE(log_named(&r, "edb00009.log")->torn_repairable);
	CU_ASSERT(log_named(&r, "edb00009.log")->errors);
	run_free(&r);

	/* L002 twice: each file names both generations. */
	run_set(&(struct dfx_logset_opts){ .damage = DFX_LSD_RENAMED_LOG }, &r);
	CU_ASSERT_EQUAL(r.nf, 2);
	CU_ASSERT(r.nf == 2 && has(&r.f[0], "the header says generation") &&
		  has(&r.f[1], "the header says generation"));
	CU_ASSERT(has(&r.f[0], "edb00007.log: the header says generation 8, the name generation 7"));
	run_free(&r);

	/* L023: the foreign log, not a gap. */
	run_set(&(struct dfx_logset_opts){ .damage = DFX_LSD_STALE_LOG }, &r);
	f = only(&r, DSB_L023);
	CU_ASSERT(has(f, "edb00007.log (generation 7) is from another log stream"));
	CU_ASSERT_EQUAL(f ? f->offset : 0, 44);
	run_free(&r);

	/* L024: both values, and the log they belong to. */
	run_set(&(struct dfx_logset_opts){ .damage = DFX_LSD_CHAIN_CHECKSUM }, &r);
	f = only(&r, DSB_L024);
	CU_ASSERT(has(f, "edb00007.log (generation 7): checksumPrevLogAllSegments is 0x"));
	CU_ASSERT(has(f, "but the data segments of edb00006.log (generation 6) XOR to 0x"));
	CU_ASSERT_EQUAL(f ? f->offset : 0, 653);
	run_free(&r);

	/* L021: edb.log and the highest archived log, both named. */
	run_set(&(struct dfx_logset_opts){ .current = true, .damage = DFX_LSD_CURRENT_NOT_NEXT }, &r);
	f = only(&r, DSB_L021);
	CU_ASSERT(has(f, "edb.log (generation 11) is not the generation after the highest archived log, edb00009.log (generation 9)"));
	run_free(&r);

	/* L034: the generation and the file that would hold it. */
	run_set(&(struct dfx_logset_opts){ .checkpoint = true, .damage = DFX_LSD_CHK_GEN_MISSING },
		&r);
	f = only(&r, DSB_L034);
	CU_ASSERT(has(f, "edb.chk points at generation 4, but neither edb00004.log nor an edb.log"));
	CU_ASSERT_EQUAL(f ? f->generation : 0, 4);
	run_free(&r);

	/* L031: where each copy points. */
	run_set(&(struct dfx_logset_opts){ .checkpoint = true, .damage = DFX_LSD_CHK_COPIES_DIFFER },
		&r);
	f = only(&r, DSB_L031);
	CU_ASSERT(has(f, "the primary (checkpoint 9:1:0) is used, the shadow says 9:2:0"));
	run_free(&r);

	/* L005 on a cut log, with both sizes. */
	run_set(&(struct dfx_logset_opts){ .damage = DFX_LSD_CUT_LOG }, &r);
	f = only(&r, DSB_L005);
	CU_ASSERT(has(f, "525288 bytes, but its header says 256 x 4096 = 1048576 bytes (cut short): -541"));
	run_free(&r);
}

/* The other rules: the one finding, a piece of its message, its
 * generation (-1: none) and offset (-2: not checked). */
static void test_rule_messages_table(void)
{
	static const struct {
		struct dfx_logset_opts o;
		enum dsb_rule rule;
		const char *text;
		int64_t gen, off;
	} rows[] = {
		{ { .damage = DFX_LSD_HEADER_CHECKSUM }, DSB_L001,
		  "edb00007.log: the log header's checksum does not verify", -1, 0 },
		{ { .ext = "jtx" }, DSB_L003,
		  "edb00005.jtx (generation 5): a 5-digit name in a .jtx log set", 5, -1 },
		{ { .damage = DFX_LSD_LOG_FILETYPE }, DSB_L004,
		  "edb00007.log (generation 7): named as a log, but its header's file type is 5, not 3 (log): -1812",
		  7, 667 },
		{ { .damage = DFX_LSD_LOG_VERSION }, DSB_L006,
		  "log format 8.4001.60.140 is none ESE accepts (8.4000.x, or 7.3704.x): -514", 7, 32 },
		{ { .damage = DFX_LSD_DATA_AFTER_EMPTY }, DSB_L012,
		  "log data after the segment that ended the data (lgposSegment 7:", 7, -2 },
		{ { .reserve = true, .damage = DFX_LSD_RESERVE_SIZE }, DSB_L013,
		  "edbres00001.jrs: 524288 bytes, but the logs beside it are 1048576", -1, -1 },
		{ { .damage = DFX_LSD_PREVGEN_CHAIN }, DSB_L022,
		  "edb00007.log (generation 7): its tmPrevGen is not the creation time of edb00006.log (generation 6)",
		  7, 24 },
		{ { .damage = DFX_LSD_VERSION_BACKWARDS }, DSB_L025,
		  "edb00008.log (generation 8): format 8.4000.60.140 is older than 8.4000.60.141 of edb00007.log (generation 7)",
		  8, 32 },
		{ { .damage = DFX_LSD_LOG_SIZES_DIFFER }, DSB_L026,
		  "edb00007.log (generation 7): its header says 524288 bytes, the set's other logs 1048576: -541",
		  7, 12 },
		{ { .checkpoint = true, .damage = DFX_LSD_CHK_BOTH_BAD }, DSB_L030,
		  "edb.chk: neither checkpoint copy verifies (8192 bytes): unusable (-533", -1, 0 },
		{ { .checkpoint = true, .damage = DFX_LSD_CHK_PRIMARY_BAD }, DSB_L032,
		  "edb.chk: the primary copy's checksum does not verify; ESE uses the shadow (checkpoint 9:1:0)",
		  9, 0 },
		{ { .checkpoint = true, .damage = DFX_LSD_CHK_SIGNATURE }, DSB_L033,
		  "edb.chk is from another log stream: its signLog (random 0x", 9, 20 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct run r;
		run_set(&rows[i].o, &r);
		const struct dsb_finding *f = only(&r, rows[i].rule);
		CU_ASSERT(has(f, rows[i].text));
		CU_ASSERT_EQUAL(f ? f->generation : -9, rows[i].gen);
		if (rows[i].off != -2)
			CU_ASSERT_EQUAL(f ? f->offset : -9, rows[i].off);
		run_free(&r);
	}
	/* L007 comes with L005: the header's size then disagrees. */
	struct run r;
	run_set(&(struct dfx_logset_opts){ .damage = DFX_LSD_LOG_SECTOR_SIZE }, &r);
	CU_ASSERT_EQUAL(r.nf, 2);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.rep->findings, -1, DSB_L007), 1);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.rep->findings, -1, DSB_L005), 1);
	CU_ASSERT_FALSE(log_named(&r, "edb00007.log")->has_segments);
	run_free(&r);
}

/* ---- damage made here, on a clean set's files ---------------------------------- */

static void patch(const char *path, uint64_t off, const void *p, size_t n)
{
	FILE *fp = fopen(path, "r+b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(fseek(fp, (long)off, SEEK_SET), 0);
	CU_ASSERT_EQUAL(fwrite(p, 1, n, fp), n);
	fclose(fp);
}

static void flip(const char *path, uint64_t off, uint8_t mask)
{
	FILE *fp = fopen(path, "r+b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(fseek(fp, (long)off, SEEK_SET), 0);
	int c = fgetc(fp);
	CU_ASSERT_EQUAL(fseek(fp, (long)off, SEEK_SET), 0);
	fputc(c ^ mask, fp);
	fclose(fp);
}

/* Each shape, on generation 7 of a clean set of 64 KiB logs: the rules
 * it raises, in order, and nothing else. */
static void test_damage_shapes(void)
{
	static const uint8_t zeros[SEG];
	struct shape {
		const char *what;
		enum { FLIP, ZERO, CUT, RENAME } how;
		uint64_t off;
		uint64_t len;
		enum dsb_rule rules[3];
		size_t n;
	} shapes[] = {
		{ "a header bit", FLIP, 100, 0, { DSB_L001 }, 1 },
		{ "the header's checksum", FLIP, 0, 0, { DSB_L001 }, 1 },
		{ "the generation", FLIP, 4, 0, { DSB_L001 }, 1 },
		{ "a record bit (ECC)", FLIP, 3 * SEG + 2000, 0, { DSB_L008 }, 1 },
		/* a flipped bit of the stored checksum is no data bit the ECC
		 * locates: ESE cannot correct it (REF §2.5) */
		{ "a segment's checksum bit", FLIP, 3 * SEG + 1, 0, { DSB_L011 }, 1 },
		{ "a segment's lgpos bit (ECC)", FLIP, 3 * SEG + 8, 0, { DSB_L008 }, 1 },
		{ "a whole segment zeroed", ZERO, 3 * SEG, SEG, { DSB_L012 }, 1 },
		{ "the header zeroed", ZERO, 0, SEG, { DSB_L001 }, 1 },
		{ "the last segment zeroed", ZERO, 15 * SEG, SEG, { 0 }, 0 },
		{ "cut inside the header", CUT, 1000, 0, { DSB_L001 }, 1 },
		{ "cut after the header", CUT, SEG, 0, { DSB_L005 }, 1 },
		{ "cut inside a segment", CUT, 5 * SEG + 77, 0, { DSB_L005 }, 1 },
		{ "cut before the last segment", CUT, 15 * SEG, 0, { DSB_L005 }, 1 },
		{ "cut to nothing", CUT, 0, 0, { DSB_L001 }, 1 },
		/* the sequence is the headers': no gap, only the name is wrong */
		{ "renamed to a free generation", RENAME, 0x20, 0, { DSB_L002 }, 1 },
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		const struct shape *s = &shapes[i];
		struct run r;
		memset(&r, 0, sizeof r);
		write_set(&(struct dfx_logset_opts){ .log_size = 64 * 1024 }, r.dir, sizeof r.dir);
		char p[128];
		snprintf(p, sizeof p, "%s/edb00007.log", r.dir);
		switch (s->how) {
		case FLIP:
			flip(p, s->off, s->off == 4 ? 0x10 : 0x01);
			break;
		case ZERO:
			patch(p, s->off, zeros, s->len);
			break;
		case CUT:
			CU_ASSERT_EQUAL(truncate(p, (off_t)s->off), 0);
			break;
		case RENAME: {
			char q[128];
			snprintf(q, sizeof q, "%s/edb%05X.log", r.dir, (unsigned)s->off);
			CU_ASSERT_EQUAL(rename(p, q), 0);
			break;
		}
		}
		check_dir(&r);
		bool ok = r.nf == s->n;
		for (size_t k = 0; ok && k < s->n; k++)
			ok = r.f[k].rule == s->rules[k];
		if (!ok) {
			printf("\n    %s:", s->what);
			dump(&r);
		}
		CU_ASSERT(ok);
		run_free(&r);
	}
}

/* Regression: loggen's corrupt-segment shape inverted 16 bytes, four
 * whole words, which leaves the segment's XOR checksum (and the ECC)
 * unchanged: the set read clean, and so would it for ESE.  It now
 * inverts 15, and the segment no longer verifies. */
static void regression_loggen_corrupt_segment_detectable(void)
{
	struct run r;
	run_set(&(struct dfx_logset_opts){ .damage = DFX_LSD_CORRUPT_SEGMENT, .log_size = 64 * 1024 },
		&r);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.rep->findings, -1, DSB_L011), 1);
	run_free(&r);
}

/* Two backup sets (two streams, the same generations) in two folders of
 * one `ese` run: each folder is its own set, nothing is foreign.  Twin:
 * one log of the second set copied into the first under a free name is
 * from another stream there (L023). */
static void test_two_sets(void)
{
	struct run r;
	run_empty(&r);
	char a[128], b[128], err[256];
	snprintf(a, sizeof a, "%s/a", r.dir);
	snprintf(b, sizeof b, "%s/b", r.dir);
	for (int k = 0; k < 2; k++) {
		struct dfx_logset *s = dfx_logset_new(&(struct dfx_logset_opts){
			.log_size = 64 * 1024, .seed = 100 + (uint64_t)k, .checkpoint = true },
			err, sizeof err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_FATAL(dfx_logset_write_dir(s, k ? b : a, err, sizeof err));
		dfx_logset_free(s);
	}
	check_dir(&r);
	CU_ASSERT_EQUAL(r.nf, 0);
	if (r.nf)
		dump(&r);
	CU_ASSERT_EQUAL(r.rep->nlogs, 10);
	dsb_report_free(r.rep);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cp '%s/edb00005.log' '%s/edb00005.log.tmp' && mv '%s/edb00005.log.tmp' '%s/edb00004.log'",
		 b, a, a, a);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	check_dir(&r);
	/* gen 5 of the other stream, named as 4: L002 for the name, L023 */
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.rep->findings, -1, DSB_L023), 1);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(r.rep->findings, -1, DSB_L002), 1);
	CU_ASSERT_EQUAL(r.nf, 2);
	run_free(&r);
}


/* ---- v7 sets (REF §3.5) -------------------------------------------------------- */

static const struct dfx_logset_opts v7_set = {
	.format = DFX_LOG_V7, .db = DFX_LSDB_CLEAN, .log_size = 64 * 1024, .current = true,
	.checkpoint = true, .seed = 7007,
};

/* Clean v7 sets raise nothing, logs only or bound to a clean, dirty or
 * streamed database, with the reserve logs; logs[] carries each walk's
 * counts: an archived log's chain records, its shadow and one pattern
 * sector; edb.log's shadow and pattern to its end. */
static void test_v7_clean_sets(void)
{
	static const enum dfx_logset_db dbs[] = {
		DFX_LSDB_NONE, DFX_LSDB_CLEAN, DFX_LSDB_DIRTY, DFX_LSDB_STREAMED,
	};
	for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
		struct dfx_logset_opts o = v7_set;
		o.db = dbs[i];
		o.reserve = true;
		o.page_size = i == 3 ? 32768 : 8192;
		o.seed += i;
		struct run r;
		run_set(&o, &r);
		/* no log finding; a dirty or streamed database has its own
		 * notes (E011, S006: logs to replay), as with v8 logs */
		size_t nl = 0;
		for (size_t k = 0; k < r.nf; k++)
			nl += strncmp(dsb_rule_info(r.f[k].rule)->id, "DSB-L", 5) == 0;
		CU_ASSERT_EQUAL(nl, 0);
		CU_ASSERT(r.nf == 0 || i >= 2);
		if (nl)
			dump(&r);
		CU_ASSERT_EQUAL(r.rep->nlogs, 5 + 1 + 2);
		for (size_t k = 0; k < r.rep->nlogs; k++) {
			const struct dsb_log_entry *e = &r.rep->logs[k];
			CU_ASSERT_FALSE(e->errors);
			CU_ASSERT_FALSE(e->torn_repairable);
			if (e->kind == DSB_LOG_RESERVE)
				continue;
			CU_ASSERT(e->header_ok);
			CU_ASSERT_EQUAL(e->version[0], 7);
			CU_ASSERT_EQUAL(e->sector_size, 512);
			CU_ASSERT(e->has_segments);
			CU_ASSERT_EQUAL(e->segments.shadow, 1);
			CU_ASSERT_EQUAL(e->segments.bad, 0);
			CU_ASSERT_EQUAL(e->segments.corrected, 0);
			CU_ASSERT(e->segments.valid >= 1);
			if (e->generation != 10) {
				CU_ASSERT_EQUAL(e->segments.empty, 1);
			} else {
				CU_ASSERT(e->segments.empty > 1);
			}
		}
		run_free(&r);
	}
}

/* The v7 twins of the log rules: each damage shape on a v7 set raises
 * its rule and nothing else; the same set undamaged is the twin of every
 * row.  A bit flip is corrupt in v7 (no ECC): L011, not L008. */
static void test_v7_rules(void)
{
	static const struct {
		enum dfx_logset_damage dmg;
		enum dsb_rule rule;
		size_t count;
		const char *text;
	} rows[] = {
		{ DFX_LSD_HEADER_CHECKSUM, DSB_L001, 1, "edb00007.log" },
		{ DFX_LSD_RENAMED_LOG, DSB_L002, 2, "edb00007.log" },
		{ DFX_LSD_LOG_FILETYPE, DSB_L004, 1, "edb00007.log" },
		{ DFX_LSD_CUT_LOG, DSB_L005, 1, "edb00007.log" },
		{ DFX_LSD_LOG_VERSION, DSB_L006, 1, "7.3705.15.0" },
		{ DFX_LSD_TORN_WRITE, DSB_L009, 1, "edb.log (generation 10): torn write" },
		{ DFX_LSD_TORN_ARCHIVED, DSB_L010, 1, "edb00009.log" },
		{ DFX_LSD_BITFLIP, DSB_L011, 1, "edb00007.log (generation 7)" },
		{ DFX_LSD_CORRUPT_SEGMENT, DSB_L011, 1, "edb00007.log (generation 7)" },
		{ DFX_LSD_MISSING_LOG, DSB_L020, 1, "edb00007.log (generation 7)" },
		{ DFX_LSD_CURRENT_NOT_NEXT, DSB_L021, 1, "edb.log" },
		{ DFX_LSD_PREVGEN_CHAIN, DSB_L022, 1, "edb00007.log" },
		{ DFX_LSD_STALE_LOG, DSB_L023, 1, "edb00007.log" },
		{ DFX_LSD_FOREIGN_LOG, DSB_L023, 1, "edb00004.log" },
		{ DFX_LSD_VERSION_BACKWARDS, DSB_L025, 1, "edb00008.log" },
		{ DFX_LSD_LOG_SIZES_DIFFER, DSB_L026, 1, "edb00007.log" },
	};
	/* the twin of every row: the same set, undamaged */
	struct run t;
	run_set(&v7_set, &t);
	CU_ASSERT_EQUAL(t.nf, 0);
	if (t.nf)
		dump(&t);
	run_free(&t);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct dfx_logset_opts o = v7_set;
		o.damage = rows[i].dmg;
		struct run r;
		run_set(&o, &r);
		size_t n = dsb_findings_count_rule(r.rep->findings, -1, rows[i].rule);
		/* exactly its rule, and the first finding names the log hit */
		bool ok = n == rows[i].count && r.nf == rows[i].count && has(&r.f[0], rows[i].text);
		if (!ok) {
			printf("\n    %s, expected %zu x %s:", dfx_logset_damages()[rows[i].dmg].name,
			       rows[i].count, dsb_rule_info(rows[i].rule)->id);
			dump(&r);
		}
		CU_ASSERT(ok);
		run_free(&r);
	}
}

/* Where v7 findings point: L011 at the LRCHECKSUM record whose range
 * holds the flipped bit, in 512-byte sectors; L009's entry is repairable
 * from its shadow. */
static void test_v7_locations(void)
{
	struct run r;
	struct dfx_logset_opts o = v7_set;
	o.damage = DFX_LSD_BITFLIP;
	run_set(&o, &r);
	const struct dsb_finding *f = only(&r, DSB_L011);
	CU_ASSERT(has(f, "LRCHECKSUM record of sector "));
	/* the flipped byte lies at or after the record the finding names */
	char good[64];
	struct dfx_logset_opts c = v7_set;
	write_set(&c, good, sizeof good);
	char a[128], b[128];
	snprintf(a, sizeof a, "%s/edb00007.log", r.dir);
	snprintf(b, sizeof b, "%s/edb00007.log", good);
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	CU_ASSERT_FATAL(fa && fb);
	long at = -1;
	for (long k = 0; at < 0; k++) {
		int x = fgetc(fa), y = fgetc(fb);
		if (x == EOF || y == EOF)
			break;
		if (x != y)
			at = k;
	}
	fclose(fa);
	fclose(fb);
	CU_ASSERT(at >= 4096);
	CU_ASSERT(f && f->offset >= 4096 && f->offset <= at);
	CU_ASSERT(f && at - f->offset < 8 * 512);   /* inside one flush's range */
	const struct dsb_log_entry *e = log_named(&r, "edb00007.log");
	CU_ASSERT(e->errors);
	CU_ASSERT_EQUAL(e->segments.corrected, 0);
	CU_ASSERT(e->segments.bad >= 1);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", good);
	CU_ASSERT_EQUAL(system(cmd), 0);
	run_free(&r);

	o.damage = DFX_LSD_TORN_WRITE;
	run_set(&o, &r);
	f = only(&r, DSB_L009);
	CU_ASSERT(has(f, "soft recovery repairs it"));
	e = log_named(&r, "edb.log");
	CU_ASSERT(e->torn_repairable);
	CU_ASSERT_FALSE(e->errors);
	CU_ASSERT_EQUAL(e->segments.shadow, 1);
	run_free(&r);
}

/* ---- logs written one by one ------------------------------------------------------ */

/* A v8 log of 8 segments, or a v7 log of 64 sectors (a generated
 * LRCHECKSUM chain, or with zero_body its header only, padded to its size
 * with zeros), into dir/name. */
static void write_one_v7(const char *dir, const char *name, int32_t gen, uint32_t major,
			 uint32_t update_major, uint16_t page, bool zero_body)
{
	struct dfx_log_opts o = { .seed = 3 };
	struct dfx_lgfilehdr *h = &o.hdr;
	h->gen = gen;
	h->page_size = page;
	h->filetype = 3;
	dfx_logtime(h->tm_create, 1700000000 + (int64_t)gen, 0);
	dfx_logtime(h->tm_prev_gen, 1700000000 + (int64_t)gen - 1, 0);
	uint8_t t0[DFX_LOGTIME_SIZE];
	dfx_logtime(t0, 1700000000, 0);
	dfx_signature(h->sign_log, 0x1234, t0);
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	if (major == 7) {
		/* 7.3704.x.0, 512-byte sectors, 8 header sectors (REF §3.2) */
		h->cb_sec = 512;
		h->csec_header = 8;
		h->csec_file = 64;
		h->major = 7;
		h->minor = 3704;
		h->update_major = update_major;
		static uint8_t b[64 * 512];
		memset(b, 0, sizeof b);
		if (zero_body) {
			dfx_lgfilehdr_write(b, h);
		} else {
			o.format = DFX_LOG_V7;
			char err[128];
			struct dfx_log *l = dfx_log_new(&o, err, sizeof err);
			CU_ASSERT_PTR_NOT_NULL_FATAL(l);
			CU_ASSERT_EQUAL(dfx_log_size(l), sizeof b);
			dfx_log_fill(l, 0, b, sizeof b);
			dfx_log_free(l);
		}
		CU_ASSERT_EQUAL(fwrite(b, 1, sizeof b, fp), sizeof b);
	} else {
		h->cb_sec = SEG;
		h->csec_header = 1;
		h->csec_file = 8;
		h->major = 8;
		h->minor = 4000;
		h->update_major = update_major;
		h->update_minor = 140;
		char err[128];
		struct dfx_log *l = dfx_log_new(&o, err, sizeof err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(l);
		uint8_t seg[SEG];
		for (uint16_t i = 0; i < 8; i++) {
			dfx_log_segment(l, i, seg);
			CU_ASSERT_EQUAL(fwrite(seg, 1, SEG, fp), SEG);
		}
		dfx_log_free(l);
	}
	fclose(fp);
}

static void write_one(const char *dir, const char *name, int32_t gen, uint32_t major,
		      uint32_t update_major, uint16_t page)
{
	write_one_v7(dir, name, gen, major, update_major, page, false);
}

/* A v7 log: its header is checked and its body walked as an LRCHECKSUM
 * chain (format/ese_logv7.c).  A generated one (7.3704.15.0, 64 sectors:
 * the chain, its shadow, the pattern) raises nothing and its entry
 * carries the walk's counts.  The same header over a body of zeros, with
 * no record at offset 4096 and no log-extend pattern, is corrupt (L011)
 * at the first record's place, and nothing else is wrong with it.  Twin:
 * 7.3704.13 with 32 KiB pages is a version ESE refuses (L006), and its
 * body is not walked. */
static void test_v7_header_and_chain(void)
{
	struct run r;
	run_empty(&r);
	write_one(r.dir, "edb00001.log", 1, 7, 15, 8192);
	check_dir(&r);
	CU_ASSERT_EQUAL(r.nf, 0);
	if (r.nf)
		dump(&r);
	const struct dsb_log_entry *e = log_named(&r, "edb00001.log");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(e->header_ok);
	CU_ASSERT_EQUAL(e->version[0], 7);
	CU_ASSERT_EQUAL(e->sector_size, 512);
	CU_ASSERT_TRUE(e->has_segments);
	CU_ASSERT(e->segments.valid >= 7);   /* 53 data sectors, flushes of 1-8 */
	CU_ASSERT_EQUAL(e->segments.shadow, 1);
	CU_ASSERT_EQUAL(e->segments.empty, 1);
	CU_ASSERT_EQUAL(e->segments.bad, 0);
	CU_ASSERT_FALSE(e->errors);
	dsb_report_free(r.rep);

	write_one_v7(r.dir, "edb00001.log", 1, 7, 15, 8192, true);
	check_dir(&r);
	const struct dsb_finding *f = only(&r, DSB_L011);
	CU_ASSERT(has(f, "the LRCHECKSUM record of sector 8, byte 0 (offset 4096)"));
	CU_ASSERT_EQUAL(r.nf, 1);
	e = log_named(&r, "edb00001.log");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(e->header_ok);
	CU_ASSERT_EQUAL(e->version[0], 7);
	CU_ASSERT_EQUAL(e->sector_size, 512);
	CU_ASSERT_TRUE(e->has_segments);
	CU_ASSERT_EQUAL(e->segments.valid, 0);
	CU_ASSERT(e->segments.bad >= 1);
	CU_ASSERT(e->errors);
	dsb_report_free(r.rep);
	write_one(r.dir, "edb00001.log", 1, 7, 13, 32768);
	check_dir(&r);
	f = only(&r, DSB_L006);
	CU_ASSERT(has(f, "log format 7.3704.13.0 is none ESE accepts"));
	e = log_named(&r, "edb00001.log");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_FALSE(e->has_segments);
	run_free(&r);
}

/* Two logs two billion generations apart: the gap is counted, not
 * walked, and its first missing files are named. */
static void test_huge_gap(void)
{
	struct run r;
	run_empty(&r);
	write_one(r.dir, "edb00001.log", 1, 8, 60, 8192);
	write_one(r.dir, "edb7FFFFFF0.log", 0x7FFFFFF0, 8, 60, 8192);
	check_dir(&r);
	const struct dsb_finding *f = only(&r, DSB_L020);
	CU_ASSERT(has(f, "2147483630 logs missing before edb7FFFFFF0.log (generation 2147483632): edb00002.log (generation 2), edb00003.log (generation 3), edb00004.log (generation 4), edb00005.log (generation 5), ...: -528"));
	CU_ASSERT_EQUAL(f ? f->generation : 0, -1);
	run_free(&r);
}

/* ---- the streaming verifier itself ------------------------------------------------ */

static void where(void *ctx, uint64_t tag, int *input, struct dsb_loc *loc)
{
	(void)ctx;
	(void)loc;
	*input = (int)tag;
}

/* The set's files fed in blocks of `block` bytes; the findings' rules
 * and offsets and the entries' counts, as one string. */
static void feed_set(struct dfx_logset *s, size_t block, char *out, size_t n)
{
	struct dsb_logs *l = dsb_logs_new(0, true);
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_FATAL(l && rep);
	const struct dfx_logset_file *files;
	size_t nf = dfx_logset_files(s, &files);
	uint8_t *buf = malloc(block);
	CU_ASSERT_FATAL(buf != NULL);
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < nf; i++) {
		struct dfx_logset_file *f = (struct dfx_logset_file *)&files[i];
		enum dsb_logs_kind k;
		if (!dsb_logs_kind_by_name(f->name, &k))
			continue;
		CU_ASSERT_FATAL(dsb_logs_start(l, k, f->name, i));
		for (uint64_t off = 0; off < f->size; off += block) {
			size_t take = f->size - off < block ? (size_t)(f->size - off) : block;
			dfx_logset_file_fill(f, off, buf, take);
			dsb_logs_data(l, buf, take);
		}
		long ix = dsb_logs_end(l, true);
		CU_ASSERT_FATAL(ix >= 0);
		if (dsb_logs_is_checkpoint(l, (size_t)ix))
			continue;
		struct dsb_log_entry e;
		CU_ASSERT_FATAL(dsb_logs_fill_log(l, (size_t)ix, 0, &e));
		int w = snprintf(out + o, n - o, "%s:%llu/%llu/%llu/%llu ", e.name,
				 (unsigned long long)e.segments.valid, (unsigned long long)e.segments.empty,
				 (unsigned long long)e.segments.bad, (unsigned long long)e.segments.corrected);
		o += w > 0 ? (size_t)w : 0;
		free(e.name);
		free(e.attach);
	}
	dsb_logs_judge(l, rep->findings, rep, where, NULL);
	size_t nfind;
	const struct dsb_finding *fs = dsb_findings_sorted(rep->findings, &nfind);
	for (size_t i = 0; i < nfind && o < n; i++) {
		int w = snprintf(out + o, n - o, "%s@%lld/%lld ", dsb_rule_info(fs[i].rule)->id,
				 (long long)fs[i].generation, (long long)fs[i].offset);
		o += w > 0 ? (size_t)w : 0;
	}
	free(buf);
	dsb_report_free(rep);
	dsb_logs_free(l);
}

/* Blocks of 1, 7, 4095, 4096, 4097 and 64 KiB bytes give the same
 * verdicts and counts: a segment split across blocks is carried whole. */
static void test_block_sizes(void)
{
	const enum dfx_logset_damage dmg[] = { DFX_LSD_BITFLIP, DFX_LSD_CORRUPT_SEGMENT,
					       DFX_LSD_TORN_WRITE, DFX_LSD_CUT_LOG };
	const size_t blocks[] = { 65536, 1, 7, 4095, 4096, 4097 };
	for (size_t d = 0; d < sizeof dmg / sizeof dmg[0]; d++) {
		char err[256];
		struct dfx_logset *s = dfx_logset_new(&(struct dfx_logset_opts){
			.log_size = 64 * 1024, .current = true, .checkpoint = true,
			.damage = dmg[d] }, err, sizeof err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		char first[2048], other[2048];
		feed_set(s, blocks[0], first, sizeof first);
		CU_ASSERT_PTR_NOT_NULL(strstr(first, "DSB-L"));
		for (size_t b = 1; b < sizeof blocks / sizeof blocks[0]; b++) {
			feed_set(s, blocks[b], other, sizeof other);
			CU_ASSERT_STRING_EQUAL(other, first);
		}
		dfx_logset_free(s);
	}
}

/* The file limit: the file past it is not kept, and said. */
static void test_file_limit(void)
{
	struct dsb_logs *l = dsb_logs_new(2, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	for (int i = 0; i < 3; i++) {
		bool started = dsb_logs_start(l, DSB_LOGS_LOG, "edb00001.log", (uint64_t)i);
		CU_ASSERT_EQUAL(started, i < 2);
		dsb_logs_data(l, "x", 1);
		CU_ASSERT_EQUAL(dsb_logs_end(l, true), started ? i : -1);
	}
	CU_ASSERT_EQUAL(dsb_logs_limit_hit(l), 1);
	dsb_logs_free(l);
}

/* Many files: 50,000 logs of one set, then 50,000 sets of one log each
 * (folders), judged in n log n (a quadratic judgement takes minutes
 * here); one gap left in the first, each named. */
static void test_many_files(void)
{
	enum { N = 50000 };
	for (int many_sets = 0; many_sets < 2; many_sets++) {
		struct dsb_logs *l = dsb_logs_new(0, true);
		struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
		CU_ASSERT_FATAL(l && rep);
		static uint8_t h[SEG];
		struct dfx_lgfilehdr o = { .cb_sec = SEG, .csec_header = 1, .csec_file = 1,
					   .page_size = 8192, .major = 8, .minor = 4000,
					   .update_major = 60, .update_minor = 140, .filetype = 3 };
		uint8_t t0[DFX_LOGTIME_SIZE];
		dfx_logtime(t0, 1700000000, 0);
		dfx_signature(o.sign_log, 77, t0);
		for (int32_t g = 1; g <= N; g++) {
			int32_t gen = many_sets ? 1 : (g >= 1000 ? g + 1 : g);   /* gen 1000 missing */
			o.gen = gen;
			dfx_logtime(o.tm_create, 1700000000 + gen, 0);
			dfx_logtime(o.tm_prev_gen, 1700000000 + gen - 1, 0);
			dfx_lgfilehdr_write(h, &o);
			char name[64];
			if (many_sets)
				snprintf(name, sizeof name, "set%05d/edb00001.log", (int)g);
			else
				snprintf(name, sizeof name, "edb%05X.log", (unsigned)gen);
			CU_ASSERT_FATAL(dsb_logs_start(l, DSB_LOGS_LOG, name, 0));
			dsb_logs_data(l, h, sizeof h);
			CU_ASSERT_FATAL(dsb_logs_end(l, true) >= 0);
		}
		dsb_logs_judge(l, rep->findings, rep, where, NULL);
		size_t nf;
		const struct dsb_finding *f = dsb_findings_sorted(rep->findings, &nf);
		CU_ASSERT_EQUAL(nf, many_sets ? 0 : 1);
		if (!many_sets && nf == 1) {
			CU_ASSERT_EQUAL(f[0].rule, DSB_L020);
			CU_ASSERT(has(&f[0], "1 log missing before edb003E9.log (generation 1001): edb003E8.log (generation 1000)"));
		}
		dsb_report_free(rep);
		dsb_logs_free(l);
	}
}

/* ---- in a capture ------------------------------------------------------------------ */

/* The dc-full-backup capture with a damaged log, in tar and in zip: the
 * same DSB-L findings as the loose set, anchored at the log's data
 * record (member, backed-up file, line); the clean twin has none. */
static void test_capture(void)
{
	const struct {
		enum dfx_logset_damage damage;
		enum dsb_rule rule;
	} cases[] = {
		{ DFX_LSD_NONE, DSB_RULE_COUNT },
		{ DFX_LSD_CORRUPT_SEGMENT, DSB_L011 },
		{ DFX_LSD_BITFLIP, DSB_L008 },
		{ DFX_LSD_CHAIN_CHECKSUM, DSB_L024 },
		{ DFX_LSD_STALE_LOG, DSB_L023 },
		{ DFX_LSD_RENAMED_LOG, DSB_L002 },
	};
	const enum dfx_container containers[] = { DFX_TAR, DFX_ZIP };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t c = 0; c < sizeof containers / sizeof containers[0]; c++) {
			char err[256] = "", path[64] = "/tmp/dsb-logsv-cap-XXXXXX";
			int fd = mkstemp(path);
			CU_ASSERT_FATAL(fd >= 0);
			struct dfx_cap *cap = dfx_dc_backup(&(struct dfx_dcb_opts){
				.damage = cases[i].damage, .log_size = 64 * 1024 }, err, sizeof err);
			CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
			struct dfx_write_opts wo = { .container = containers[c], .journal_last = -1 };
			CU_ASSERT_EQUAL_FATAL(dfx_cap_write(cap, path, &wo, err, sizeof err), 0);
			dfx_cap_free(cap);
			struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
			CU_ASSERT_EQUAL(dsb_verify_input(rep, path, NULL), 0);
			size_t n, logs_findings = 0;
			const struct dsb_finding *f = dsb_findings_sorted(rep->findings, &n);
			const struct dsb_finding *hit = NULL;
			for (size_t k = 0; k < n; k++) {
				if (dsb_rule_info(f[k].rule)->category != DSB_CAT_LOG)
					continue;
				logs_findings++;
				if (f[k].rule == cases[i].rule && !hit)
					hit = &f[k];
			}
			CU_ASSERT_EQUAL(rep->nlogs, 5);
			if (cases[i].rule == DSB_RULE_COUNT) {
				CU_ASSERT_EQUAL(logs_findings, 0);
				for (size_t k = 0; k < rep->nlogs; k++) {
					CU_ASSERT(rep->logs[k].has_segments);
					CU_ASSERT_EQUAL(rep->logs[k].segments.valid, 14);
					CU_ASSERT_PTR_NOT_NULL(rep->logs[k].file);
				}
			} else {
				CU_ASSERT_PTR_NOT_NULL(hit);
				if (hit) {
					CU_ASSERT_PTR_NOT_NULL(hit->member);
					CU_ASSERT_PTR_NOT_NULL(hit->file);
					CU_ASSERT(hit->line > 0);
					CU_ASSERT(hit->member && strstr(hit->member, ".log"));
				}
			}
			if (cases[i].rule != DSB_RULE_COUNT && !hit)
				printf("\n    %s in %s: no %s", dfx_logset_damages()[cases[i].damage].name,
				       containers[c] == DFX_ZIP ? "zip" : "tar",
				       dsb_rule_info(cases[i].rule)->id);
			dsb_report_free(rep);
			close(fd);
			unlink(path);
		}
	}
}

/* ---- patch files (REF §3.10) ------------------------------------------------------- */

/* The set's ntds.pat rewritten by `edit` (NULL: left as written), the
 * folder checked; the findings of rule `r` counted. */
static size_t pat_case(uint32_t page_size, void (*edit)(uint8_t *p, size_t *n, uint32_t cb),
		       enum dsb_rule r, struct run *run)
{
	run_empty(run);
	write_set(&(struct dfx_logset_opts){ .db = DFX_LSDB_STREAMED, .page_size = page_size,
					      .pat = DFX_LSPAT_LEGACY, .log_size = 64 * 1024 },
		  run->dir, sizeof run->dir);
	char path[128];
	snprintf(path, sizeof path, "%s/ntds.pat", run->dir);
	static uint8_t buf[3 * 32768];
	FILE *fp = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	size_t n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	CU_ASSERT_EQUAL(n, 2u * page_size);
	if (edit) {
		edit(buf, &n, page_size);
		fp = fopen(path, "wb");
		CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
		CU_ASSERT_EQUAL(fwrite(buf, 1, n, fp), n);
		fclose(fp);
	}
	check_dir(run);
	return (size_t)dsb_findings_count_rule(run->rep->findings, -1, r);
}

static void pat_first_bad(uint8_t *p, size_t *n, uint32_t cb)
{
	(void)n;
	(void)cb;
	p[100] ^= 0x40;
}

static void pat_copies_differ(uint8_t *p, size_t *n, uint32_t cb)
{
	(void)n;
	p[cb + 100] ^= 0x40;   /* the second copy, restamped: both verify */
	dsb_ese_header_stamp(p + cb, cb);
}

static void pat_one_copy(uint8_t *p, size_t *n, uint32_t cb)
{
	(void)p;
	*n = cb;
}

static void pat_empty(uint8_t *p, size_t *n, uint32_t cb)
{
	(void)p;
	(void)cb;
	*n = 0;
}

static void pat_three_pages(uint8_t *p, size_t *n, uint32_t cb)
{
	memset(p + 2 * (size_t)cb, 0x5A, cb);
	*n = 3 * (size_t)cb;
}

/* Each form of a .pat, at two page sizes: the intact two-copy form, one
 * copy, and the empty file raise nothing; a bad first copy and two
 * copies that verify but differ are L035 (with the copy's offset); more
 * than two pages are L036, never L035. */
static void test_patch_files(void)
{
	static const uint32_t sizes[] = { 8192, 32768 };
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		uint32_t cb = sizes[k];
		struct run r;
		CU_ASSERT_EQUAL(pat_case(cb, NULL, DSB_L035, &r), 0);
		CU_ASSERT_EQUAL(dsb_findings_count_rule(r.rep->findings, -1, DSB_L036), 0);
		run_free(&r);
		CU_ASSERT_EQUAL(pat_case(cb, pat_one_copy, DSB_L035, &r), 0);
		run_free(&r);
		CU_ASSERT_EQUAL(pat_case(cb, pat_empty, DSB_L035, &r), 0);
		CU_ASSERT_EQUAL(dsb_findings_count_rule(r.rep->findings, -1, DSB_L036), 0);
		run_free(&r);
		CU_ASSERT_EQUAL(pat_case(cb, pat_first_bad, DSB_L035, &r), 1);
		const struct dsb_finding *f = dsb_findings_sorted(r.rep->findings, &r.nf);
		for (size_t i = 0; i < r.nf; i++)
			if (f[i].rule == DSB_L035) {
				CU_ASSERT_EQUAL(f[i].offset, 0);
				CU_ASSERT(strstr(f[i].message, "copy 1 of 2") != NULL);
			}
		run_free(&r);
		CU_ASSERT_EQUAL(pat_case(cb, pat_copies_differ, DSB_L035, &r), 1);
		f = dsb_findings_sorted(r.rep->findings, &r.nf);
		for (size_t i = 0; i < r.nf; i++)
			if (f[i].rule == DSB_L035) {
				CU_ASSERT_EQUAL(f[i].offset, (int64_t)cb);
				CU_ASSERT(strstr(f[i].message, "differ") != NULL);
			}
		run_free(&r);
		CU_ASSERT_EQUAL(pat_case(cb, pat_three_pages, DSB_L036, &r), 1);
		CU_ASSERT_EQUAL(dsb_findings_count_rule(r.rep->findings, -1, DSB_L035), 0);
		run_free(&r);
	}
}

static const struct dsb_test tests[] = {
	{ "clean sets of several page and log sizes: no finding, real counts", test_clean_sets },
	{ "each rule's message and location", test_rule_messages },
	{ "each rule's message and location: the others", test_rule_messages_table },
	{ "damage of many shapes on one log", test_damage_shapes },
	{ "two sets in two folders: each on its own", test_two_sets },
	{ "patch files: intact, one copy, empty; a bad copy, copies differing (L035); older data (L036)",
	  test_patch_files },
	{ "v7 clean sets: no finding, logs[] has the walks' counts", test_v7_clean_sets },
	{ "v7 twins of the log rules: each shape raises its rule only", test_v7_rules },
	{ "v7 locations: L011 at the record holding the flipped bit, L009 repairable", test_v7_locations },
	{ "a v7 log: header checked, LRCHECKSUM chain walked (generated: clean; zeros: corrupt); twin: a version refused", test_v7_header_and_chain },
	{ "a gap of two billion generations: counted, named", test_huge_gap },
	{ "regression_loggen_corrupt_segment_detectable", regression_loggen_corrupt_segment_detectable },
	{ "blocks of any size: the same verdicts", test_block_sizes },
	{ "the file limit", test_file_limit },
	{ "50,000 files: one set, and as many sets", test_many_files },
	{ "in a capture: tar and zip, anchored at the data record", test_capture },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "log verifier", tests },
};

DSB_TEST_MAIN(suites)
