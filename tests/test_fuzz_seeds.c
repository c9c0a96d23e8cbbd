/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fuzz seed corpora (fixtures/lib/fxseeds.c, `dsbfixture seeds DIR`,
 * written at build time for the smoke runs of fuzz/): every fuzz target
 * has seeds, each under DFX_SEED_MAX, and they are what their targets
 * need to get past the first checks: captures that are read whole (no
 * C015) and good ones that pass with a database verified, journals whose
 * good scenarios replay without an error, pages whose checksums verify
 * for the pgno the seed gives, headers that decode with their page size.
 */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixtures/lib/fxseeds.h"
#include "format/ese.h"
#include "format/ese_log.h"
#include "verify/capture/capture.h"
#include "verify/capture/jcheck.h"
#include "verify/ese/ese.h"
#include "verify/protocol/replay.h"

#include "tests/cunit_main.h"

static char root[64];
static long written;

/* The seeds of one target: names and bytes. */
struct seed {
	char name[256];
	uint8_t *buf;
	size_t len;
};

struct seeds {
	struct seed *v;
	size_t n;
};

/* A target's folder holds at most this many seeds (the writer makes a
 * few dozen each). */
#define SEEDS_MAX 256

static bool load_seeds(const char *target, struct seeds *out)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/%s", root, target);
	memset(out, 0, sizeof(*out));
	DIR *d = opendir(dir);
	if (!d)
		return false;
	out->v = calloc(SEEDS_MAX, sizeof(*out->v));
	struct dirent *e;
	while ((e = readdir(d)) && out->n < SEEDS_MAX) {
		if (e->d_name[0] == '.')
			continue;
		struct seed *s = &out->v[out->n];
		char path[1024];
		snprintf(s->name, sizeof(s->name), "%s", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		s->buf = malloc(DFX_SEED_MAX + 1);
		s->len = fread(s->buf, 1, DFX_SEED_MAX + 1, f);
		fclose(f);
		out->n++;
	}
	closedir(d);
	return true;
}

static void free_seeds(struct seeds *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].buf);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void test_written(void)
{
	char err[512];
	CU_ASSERT_FATAL(mkdtemp(strcpy(root, "/tmp/dsb-seeds-XXXXXX")) != NULL);
	written = dfx_fuzz_seeds_write(root, err, sizeof(err));
	if (written < 0)
		printf("\n    %s", err);
	CU_ASSERT_FATAL(written > 0);
	/* Writing again over them is fine (the build reruns it). */
	CU_ASSERT_EQUAL(dfx_fuzz_seeds_write(root, err, sizeof(err)), written);
}

/* Every fuzz/fuzz_*.c has seeds, at least a dozen, each under the limit. */
static void test_every_target(void)
{
	DIR *d = opendir(DSB_SOURCE_DIR "/fuzz");
	CU_ASSERT_FATAL(d != NULL);
	struct dirent *e;
	unsigned targets = 0;
	long total = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "fuzz_", 5) != 0 || n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
			continue;
		char target[256];
		snprintf(target, sizeof(target), "%.*s", (int)(n - 2), e->d_name);
		struct seeds s;
		bool there = load_seeds(target, &s);
		if (!there || s.n < 12)
			printf("\n    %s: %zu seeds", target, s.n);
		CU_ASSERT(there && s.n >= 12);
		for (size_t i = 0; i < s.n; i++) {
			if (s.v[i].len > DFX_SEED_MAX)
				printf("\n    %s/%s: %zu bytes", target, s.v[i].name, s.v[i].len);
			CU_ASSERT(s.v[i].len <= DFX_SEED_MAX);
		}
		total += (long)s.n;
		targets++;
		free_seeds(&s);
	}
	closedir(d);
	CU_ASSERT_EQUAL(targets, dfx_seed_ntargets);
	CU_ASSERT_EQUAL(total, written);
}

/* Captures: read whole unless they are the damaged ones (c015-*); the
 * good ones pass, with their sessions and, for the full backups, the
 * database verified on the way. */
static void test_capture_seeds(void)
{
	struct seeds s;
	CU_ASSERT_FATAL(load_seeds("fuzz_capture", &s));
	unsigned good = 0, containers_with_db = 0;
	for (size_t i = 0; i < s.n; i++) {
		struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
		CU_ASSERT_FATAL(rep != NULL);
		CU_ASSERT_EQUAL_FATAL(dsb_verify_memory(rep, s.v[i].name, s.v[i].buf, s.v[i].len, NULL), 0);
		uint64_t c015 = dsb_findings_count_rule(rep->findings, 0, DSB_C015);
		bool damaged = strncmp(s.v[i].name, "c015-", 5) == 0;
		if ((c015 != 0) != damaged)
			printf("\n    %s: %llu C015", s.v[i].name, (unsigned long long)c015);
		CU_ASSERT_EQUAL(c015 != 0, damaged);
		if (strncmp(s.v[i].name, "good-", 5) == 0) {
			good++;
			if (dsb_report_verdict(rep, -1) != DSB_PASS)
				printf("\n    %s: not a pass", s.v[i].name);
			CU_ASSERT_EQUAL(dsb_report_verdict(rep, -1), DSB_PASS);
			CU_ASSERT(rep->nsessions >= 1);
			if (strncmp(s.v[i].name, "good-full-backup.", 17) == 0) {
				CU_ASSERT_EQUAL(rep->ndatabases, 1);
				containers_with_db += rep->ndatabases == 1;
			}
		}
		dsb_report_free(rep);
	}
	CU_ASSERT(good >= 10);
	CU_ASSERT_EQUAL(containers_with_db, 10);   /* tar x5 filters, cpio, newc, zip, 7z */
	free_seeds(&s);
}

/* Journals: the control byte, then the journal; the good scenarios'
 * journals replay with no error finding (members are not looked at). */
static void test_journal_seeds(void)
{
	struct seeds s;
	CU_ASSERT_FATAL(load_seeds("fuzz_journal", &s));
	unsigned good = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (strncmp(s.v[i].name, "good-", 5) != 0)
			continue;
		good++;
		struct dsb_findings *f = dsb_findings_new();
		struct dsb_replay *rp = dsb_replay_new(f, 0, "c/journal.jsonl");
		struct dsb_jcheck *jc = dsb_jcheck_new(f, 0, "c/journal.jsonl", rp);
		CU_ASSERT_FATAL(jc != NULL);
		CU_ASSERT(dsb_jcheck_feed(jc, s.v[i].buf + 1, s.v[i].len - 1));
		dsb_jcheck_finish(jc, false);
		CU_ASSERT(dsb_jcheck_records(jc) >= 5);
		uint64_t errors = dsb_findings_total(f, 0, DSB_SEV_ERROR);
		if (errors)
			printf("\n    %s: %llu errors", s.v[i].name, (unsigned long long)errors);
		CU_ASSERT_EQUAL(errors, 0);
		dsb_jcheck_free(jc);
		dsb_replay_free(rp);
		dsb_findings_free(f);
	}
	CU_ASSERT(good >= 20);
	free_seeds(&s);
}

/* Pages: byte 0 bits 0-2 the page size, bytes 1-2 the pgno, then the
 * page.  Seeds the target does not restamp (bit 3 clear) verify for that
 * pgno as they are; every page size and both checksum formats are there. */
static void test_page_seeds(void)
{
	struct seeds s;
	CU_ASSERT_FATAL(load_seeds("fuzz_ese_page", &s));
	unsigned sizes = 0, old = 0, stamped = 0;
	for (size_t i = 0; i < s.n; i++) {
		const uint8_t *b = s.v[i].buf;
		uint32_t cb = DSB_ESE_PAGE_MIN << (b[0] & 7u) % 5u;
		uint32_t pgno = (uint32_t)b[1] | (uint32_t)b[2] << 8;
		CU_ASSERT_EQUAL(s.v[i].len, (size_t)cb + 3);
		sizes |= cb;
		if (b[0] & 0x08) {
			stamped++;
			continue;
		}
		struct dsb_ese_page_check ck;
		dsb_ese_page_verify(b + 3, cb, pgno, &ck);
		bool ok = ck.status == DSB_ESE_PAGE_OK || ck.status == DSB_ESE_PAGE_UNINIT;
		if (!ok)
			printf("\n    %s: status %d", s.v[i].name, (int)ck.status);
		CU_ASSERT(ok);
		old += ck.status == DSB_ESE_PAGE_OK && !ck.new_format;
	}
	CU_ASSERT_EQUAL(sizes, 4096u | 8192u | 16384u | 32768u);
	CU_ASSERT(old >= 10);
	CU_ASSERT(stamped >= 6);
	free_seeds(&s);
}

/* Headers: the control byte, then a header block that decodes, with the
 * page size the control byte selects. */
static void test_header_seeds(void)
{
	struct seeds s;
	CU_ASSERT_FATAL(load_seeds("fuzz_ese_header", &s));
	for (size_t i = 0; i < s.n; i++) {
		struct dsb_ese_header h;
		CU_ASSERT_FATAL(dsb_ese_header_decode(s.v[i].buf + 1, s.v[i].len - 1, &h));
		CU_ASSERT_EQUAL(h.magic, DSB_ESE_MAGIC);
		CU_ASSERT_EQUAL(h.page_size, DSB_ESE_PAGE_MIN << (s.v[i].buf[0] & 7u) % 5u);
	}
	free_seeds(&s);
}

/* Compact images: pages 1..N as (u16 length, bytes), ending exactly at
 * the end of the seed; page 1 (the database root) is not empty. */
static void test_tree_seeds(void)
{
	struct seeds s;
	CU_ASSERT_FATAL(load_seeds("fuzz_ese_tree", &s));
	for (size_t i = 0; i < s.n; i++) {
		const uint8_t *b = s.v[i].buf;
		size_t off = 1, pages = 0;
		uint32_t cb = DSB_ESE_PAGE_MIN << (b[0] & 3u);
		CU_ASSERT((size_t)b[1] + ((size_t)b[2] << 8) > 0);
		while (off + 2 <= s.v[i].len) {
			size_t n = (size_t)b[off] | (size_t)b[off + 1] << 8;
			CU_ASSERT(n <= cb);
			off += 2 + n;
			pages++;
		}
		CU_ASSERT_EQUAL(off, s.v[i].len);
		CU_ASSERT(pages >= 16 && pages <= 64);   /* the generator's smallest: 18-22 */
	}
	free_seeds(&s);
}

static void test_cleanup(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/* v7 log bodies (fuzz_log_v7: control byte, generation, body): each seed
 * walks to the end its name says, so the fuzzer starts from every verdict. */
/* The v8 segment seeds (made from the log generator's header and
 * segments) walk as their names say: the clean shapes clean, each damage
 * shape giving its class first.  Controls with bits 0-2 set change the
 * walk and are left to the fuzzer. */
static void test_log_v8_seeds(void)
{
	static const struct { const char *name; bool clean; int cls; } want[] = {
		{ "archived", true, -1 },
		{ "current-shadow", true, -1 },
		{ "torn", false, DSB_SEG_TORN },
		{ "corrupt", false, DSB_SEG_CORRUPT },
		{ "stale", false, DSB_SEG_VALID_AFTER_EMPTY },   /* data goes on after it */
		{ "bitflip", true, -1 },
		{ "two-bits", false, DSB_SEG_CORRUPT },
		{ "zero-mid", false, DSB_SEG_VALID_AFTER_EMPTY },
		{ "bad-lgpos", false, DSB_SEG_BAD_LGPOS },
		{ "truncated", false, -1 },
	};
	struct seeds s;
	CU_ASSERT_FATAL(load_seeds("fuzz_log_segments", &s));
	unsigned matched = 0;
	struct dsb_log_walk *w = malloc(sizeof(*w));
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	for (size_t i = 0; i < s.n; i++) {
		const uint8_t *b = s.v[i].buf;
		size_t len = s.v[i].len;
		if (len < 1 + DSB_LOG_HDR_SIZE || b[0] != 0)
			continue;
		struct dsb_log_header h;
		CU_ASSERT_FATAL(dsb_log_header_decode(b + 1, DSB_LOG_HDR_SIZE, &h));
		CU_ASSERT_EQUAL(h.checksum, h.checksum_computed);
		dsb_log_walk_init_header(w, &h);
		struct dsb_log_seg_batch out;
		for (size_t off = 1 + DSB_LOG_HDR_SIZE; off < len; off += DSB_LOG_SEG_SIZE) {
			size_t n = len - off < DSB_LOG_SEG_SIZE ? len - off : DSB_LOG_SEG_SIZE;
			dsb_log_walk_feed(w, b + off, n, &out);
		}
		dsb_log_walk_finish(w, false, &out);
		for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
			if (strcmp(s.v[i].name, want[k].name) != 0)
				continue;
			matched++;
			if (w->clean != want[k].clean)
				printf("\n    %s: clean %d", s.v[i].name, w->clean);
			CU_ASSERT_EQUAL(w->clean, want[k].clean);
			if (want[k].cls >= 0) {
				CU_ASSERT_TRUE(w->have_problem);
				CU_ASSERT_EQUAL(w->first_problem.cls, (enum dsb_log_seg_class)want[k].cls);
			}
			if (strcmp(want[k].name, "bitflip") == 0)
				CU_ASSERT_EQUAL(w->counts.corrected, 1);
		}
	}
	free(w);
	CU_ASSERT_EQUAL(matched, sizeof want / sizeof want[0]);
	free_seeds(&s);
}

static void test_log_v7_seeds(void)
{
	static const struct { const char *name; enum dsb_lv7_end end; bool clean; } want[] = {
		{ "valid", DSB_LV7_END_CLEAN, true },
		{ "valid-bytewise", DSB_LV7_END_CLEAN, true },
		{ "valid-size-unknown", DSB_LV7_END_CLEAN, true },
		{ "valid-whole", DSB_LV7_END_CLEAN, true },
		{ "old-shadow", DSB_LV7_END_CLEAN, true },
		{ "torn-shadow", DSB_LV7_END_TORN_SHADOW, false },
		{ "torn-pattern", DSB_LV7_END_TORN, false },
		{ "corrupt", DSB_LV7_END_CORRUPT, false },
		{ "truncated", DSB_LV7_END_NONE, false },
		{ "rule-lrtyp", DSB_LV7_END_CORRUPT, false },
		{ "rule-short-checksum", DSB_LV7_END_CORRUPT, false },
		{ "trailing-data", DSB_LV7_END_CLEAN, false },
		{ "ended-early", DSB_LV7_END_CLEAN, false },
		{ "sector-refused", DSB_LV7_END_BAD_SECTOR, false },
		{ "all-pattern", DSB_LV7_END_TORN, false },
		{ "next-past-end", DSB_LV7_END_CORRUPT, false },
	};
	static const uint32_t sizes[4] = { 512, 1024, 4096, 1536 };
	struct seeds s;
	CU_ASSERT_FATAL(load_seeds("fuzz_log_v7", &s));
	unsigned matched = 0;
	struct dsb_lv7_walk *w = malloc(sizeof(*w));
	for (size_t i = 0; i < s.n; i++) {
		const uint8_t *b = s.v[i].buf;
		size_t blen = s.v[i].len - 5;
		dsb_lv7_walk_init(w, 0x2A, sizes[b[0] & 3], (b[0] & 4) ? 0 : 4096 + blen);
		dsb_lv7_walk_feed(w, b + 5, blen);
		dsb_lv7_walk_finish(w, b[0] & 8);
		CU_ASSERT_EQUAL((uint32_t)b[1] | (uint32_t)b[2] << 8, 0x2A);
		for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
			if (strcmp(s.v[i].name, want[k].name) != 0)
				continue;
			matched++;
			if (w->sum.end != want[k].end || w->sum.clean != want[k].clean)
				printf("\n    %s: %s", s.v[i].name, dsb_lv7_end_name(w->sum.end));
			CU_ASSERT_EQUAL(w->sum.end, want[k].end);
			CU_ASSERT_EQUAL(w->sum.clean, want[k].clean);
		}
	}
	free(w);
	CU_ASSERT_EQUAL(matched, sizeof want / sizeof want[0]);
	free_seeds(&s);
}

static const struct dsb_test tests[] = {
	{ "seeds written, and again over them", test_written },
	{ "every fuzz target has a dozen seeds or more, each under 1 MiB", test_every_target },
	{ "capture seeds: read whole, the good ones pass with their database", test_capture_seeds },
	{ "journal seeds: the good ones replay without an error", test_journal_seeds },
	{ "page seeds: every size, both checksums, verify for their pgno", test_page_seeds },
	{ "header seeds decode with their page size", test_header_seeds },
	{ "compact database seeds are well formed", test_tree_seeds },
	{ "v8 log seeds (the generator's segments) walk as their names say", test_log_v8_seeds },
	{ "v7 log seeds walk to the end their names say", test_log_v7_seeds },
	{ "remove the seeds", test_cleanup },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "fuzz seeds", tests },
};

DSB_TEST_MAIN(suites)
