/* SPDX-License-Identifier: Apache-2.0 */
/*
 * format/ese_logrec.c: the LRATTACHDB shape test, every reason it refuses
 * bytes, and the streaming scan cut at every place (a record straddling
 * two pieces, pieces of one byte), on records written by the fixtures'
 * own writer (fixtures/lib/loggen.c, held against logapi.hxx in
 * tests/test_loggen.c without this decoder).
 */
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/lib/fxutil.h"
#include "fixtures/lib/loggen.h"
#include "format/ese_logrec.h"

#include "tests/cunit_main.h"

/* A database header with a signDb (random 0x5151, created 2026-11-21). */
static void db_header(uint8_t *hdr, size_t n)
{
	memset(hdr, 0, n);
	uint8_t t[DFX_LOGTIME_SIZE];
	dfx_logtime(t, 1795250000, 0);
	dfx_signature(hdr + DSB_ESE_HDR_SIGN_DB_OFF, 0x5151, t);
}

static size_t record(uint8_t *out, size_t cap, uint32_t log_random)
{
	uint8_t hdr[1024], sign[DFX_SIGNATURE_SIZE], t[DFX_LOGTIME_SIZE];
	db_header(hdr, sizeof hdr);
	dfx_logtime(t, 1790000000, 123);
	dfx_signature(sign, log_random, t);
	return dfx_lr_attachdb(out, cap, hdr, sign, dfx_lgpos(0x30, 7, 0x40));
}

static void test_decode(void)
{
	uint8_t r[DFX_LR_MAX];
	size_t n = record(r, sizeof r, 0xA77AC4);
	CU_ASSERT_FATAL(n > DSB_LR_ATTACH_FIXED_SIZE);
	struct dsb_lr_attach a;
	CU_ASSERT_EQUAL(dsb_lr_attach_decode(r, n, 0, n, &a), DSB_LRA_OK);
	CU_ASSERT_EQUAL(a.dbid, 1);
	CU_ASSERT_EQUAL(a.procid, 1);
	CU_ASSERT_EQUAL(a.flags, DSB_LR_ATTACH_UNICODE);
	CU_ASSERT_EQUAL(a.cb_path, n - DSB_LR_ATTACH_FIXED_SIZE);
	CU_ASSERT_EQUAL(a.lgpos_consistent.generation, 0x30);
	CU_ASSERT_EQUAL(a.lgpos_consistent.isec, 7);
	CU_ASSERT_EQUAL(a.lgpos_consistent.ib, 0x40);
	CU_ASSERT_EQUAL(a.sign_db.random, 0x5151);
	CU_ASSERT_EQUAL(a.sign_log.random, 0xA77AC4);
	CU_ASSERT_EQUAL(a.sign_log.created.ms, 123);
	/* the path may not run past path_end; 0: only the limit */
	CU_ASSERT_EQUAL(dsb_lr_attach_decode(r, n, 0, n - 1, &a), DSB_LRA_PATH);
	CU_ASSERT_EQUAL(a.dbid, 0);   /* zeroed when refused */
	CU_ASSERT_EQUAL(dsb_lr_attach_decode(r, DSB_LR_ATTACH_FIXED_SIZE, 0, 0, &a), DSB_LRA_OK);
	CU_ASSERT_EQUAL(dsb_lr_attach_decode(r, DSB_LR_ATTACH_FIXED_SIZE - 1, 0, 0, &a),
			DSB_LRA_SHORT);
	CU_ASSERT_EQUAL(dsb_lr_attach_decode(r, n, n, 0, &a), DSB_LRA_SHORT);
	CU_ASSERT_EQUAL(dsb_lr_attach_decode(r, n, n + 5, 0, &a), DSB_LRA_SHORT);
}

/* One field changed: the reason the shape test gives. */
struct bend {
	size_t off;
	uint8_t v;
	bool word;       /* write v as a u16 */
	uint16_t w;
	enum dsb_lr_attach_shape want;
};

static void test_refusals(void)
{
	static const struct bend bends[] = {
		{ DSB_LR_ATTACH_LRTYP_OFF, 14, false, 0, DSB_LRA_LRTYP },
		{ DSB_LR_ATTACH_LRTYP_OFF, 16, false, 0, DSB_LRA_LRTYP },
		{ DSB_LR_ATTACH_DBID_OFF, 0, false, 0, DSB_LRA_DBID },
		{ DSB_LR_ATTACH_DBID_OFF, 7, false, 0, DSB_LRA_DBID },
		{ DSB_LR_ATTACH_DBID_OFF, 6, false, 0, DSB_LRA_OK },
		{ DSB_LR_ATTACH_FLAGS_OFF, 0x01, false, 0, DSB_LRA_FLAGS },
		{ DSB_LR_ATTACH_FLAGS_OFF, 0x28, false, 0, DSB_LRA_FLAGS },
		{ DSB_LR_ATTACH_FLAGS_OFF, 0x18, false, 0, DSB_LRA_OK },
		{ DSB_LR_ATTACH_FLAGS_OFF, 0x00, false, 0, DSB_LRA_OK },
		{ DSB_LR_ATTACH_CB_PATH_OFF, 0, true, 0, DSB_LRA_PATH },
		{ DSB_LR_ATTACH_CB_PATH_OFF, 0, true, 49, DSB_LRA_PATH },   /* odd, Unicode */
		{ DSB_LR_ATTACH_CB_PATH_OFF, 0, true, DSB_LR_ATTACH_PATH_MAX + 2, DSB_LRA_PATH },
		{ DSB_LR_ATTACH_CB_PATH_OFF, 0, true, DSB_LR_ATTACH_PATH_MAX, DSB_LRA_OK },
		{ DSB_LR_ATTACH_SIGN_DB_OFF + 4 + 4, 13, false, 0, DSB_LRA_SIGN_DB },  /* month */
		{ DSB_LR_ATTACH_SIGN_DB_OFF + 4 + 3, 0, false, 0, DSB_LRA_SIGN_DB },   /* day */
		{ DSB_LR_ATTACH_SIGN_LOG_OFF + 4 + 2, 24, false, 0, DSB_LRA_SIGN_LOG },/* hour */
		{ DSB_LR_ATTACH_SIGN_LOG_OFF + 4 + 0, 60, false, 0, DSB_LRA_SIGN_LOG },/* second */
		{ DSB_LR_ATTACH_SIGN_LOG_OFF + 4 + 1, 60, false, 0, DSB_LRA_SIGN_LOG },/* minute */
	};
	for (size_t i = 0; i < sizeof bends / sizeof bends[0]; i++) {
		uint8_t r[DFX_LR_MAX];
		size_t n = record(r, sizeof r, 7);
		if (bends[i].word)
			dfx_put16(r + bends[i].off, bends[i].w);
		else
			r[bends[i].off] = bends[i].v;
		struct dsb_lr_attach a;
		enum dsb_lr_attach_shape got = dsb_lr_attach_decode(r, n, 0, 0, &a);
		if (got != bends[i].want)
			fprintf(stderr, "bend %zu: got %d, want %d\n", i, (int)got, (int)bends[i].want);
		CU_ASSERT_EQUAL(got, bends[i].want);
	}
	/* a null signature is no record's */
	uint8_t r[DFX_LR_MAX];
	size_t n = record(r, sizeof r, 7);
	memset(r + DSB_LR_ATTACH_SIGN_LOG_OFF, 0, DSB_ESE_SIGNATURE_SIZE);
	struct dsb_lr_attach a;
	CU_ASSERT_EQUAL(dsb_lr_attach_decode(r, n, 0, 0, &a), DSB_LRA_SIGN_LOG);
}

#define FOUND_MAX 8
struct found {
	unsigned n;
	uint64_t at[FOUND_MAX];
	uint32_t random[FOUND_MAX];
	unsigned stop_after;     /* 0: never */
};

static bool take(void *ctx, uint64_t at, const struct dsb_lr_attach *r)
{
	struct found *f = ctx;
	if (f->n < FOUND_MAX) {
		f->at[f->n] = at;
		f->random[f->n] = r->sign_log.random;
	}
	f->n++;
	return !f->stop_after || f->n < f->stop_after;
}

/* 4096 seeded bytes with two records, at 1000 and 3000. */
#define BUF 4096
static void two_records(uint8_t *b)
{
	for (size_t i = 0; i < BUF; i += 8) {
		uint64_t v = dfx_mix(0x6c72 + i);
		memcpy(b + i, &v, 8);
	}
	uint8_t r[DFX_LR_MAX];
	size_t n = record(r, sizeof r, 0x1111);
	memcpy(b + 1000, r, n);
	n = record(r, sizeof r, 0x2222);
	memcpy(b + 3000, r, n);
}

static void check_two(const struct found *f, const char *how, size_t cut)
{
	bool ok = f->n == 2 && f->at[0] == 100000 + 1000 && f->at[1] == 100000 + 3000 &&
		  f->random[0] == 0x1111 && f->random[1] == 0x2222;
	if (!ok)
		fprintf(stderr, "%s at %zu: %u found\n", how, cut, f->n);
	CU_ASSERT_TRUE(ok);
}

static void test_scan_cuts(void)
{
	uint8_t b[BUF];
	two_records(b);
	/* one piece, then two pieces cut everywhere near the records */
	for (size_t cut = 900; cut <= 1100; cut++) {
		struct dsb_lr_scan s;
		struct found f = { 0 };
		dsb_lr_scan_reset(&s, 100000);
		dsb_lr_scan_feed(&s, b, cut, 0, take, &f);
		dsb_lr_scan_feed(&s, b + cut, BUF - cut, 0, take, &f);
		check_two(&f, "two pieces", cut);
		CU_ASSERT_EQUAL(s.pos, 100000 + BUF);
	}
	/* three pieces, the middle one shorter than the carry */
	for (size_t len = 1; len < 80; len += 7) {
		struct dsb_lr_scan s;
		struct found f = { 0 };
		dsb_lr_scan_reset(&s, 100000);
		dsb_lr_scan_feed(&s, b, 1020, 0, take, &f);
		dsb_lr_scan_feed(&s, b + 1020, len, 0, take, &f);
		dsb_lr_scan_feed(&s, b + 1020 + len, BUF - 1020 - len, 0, take, &f);
		check_two(&f, "three pieces", len);
	}
	/* one byte at a time */
	struct dsb_lr_scan s;
	struct found f = { 0 };
	dsb_lr_scan_reset(&s, 100000);
	for (size_t i = 0; i < BUF; i++)
		dsb_lr_scan_feed(&s, b + i, 1, 0, take, &f);
	check_two(&f, "bytes", 1);
	/* the caller stops the scan after the first */
	struct found g = { .stop_after = 1 };
	dsb_lr_scan_reset(&s, 100000);
	dsb_lr_scan_feed(&s, b, BUF, 0, take, &g);
	CU_ASSERT_EQUAL(g.n, 1);
	/* a path that must end inside the piece: the record at 3000 fits, a
	 * bound before its end refuses it */
	struct found h = { 0 };
	dsb_lr_scan_reset(&s, 0);
	dsb_lr_scan_feed(&s, b, 3050, 3050, take, &h);
	CU_ASSERT_EQUAL(h.n, 1);
	/* empty pieces change nothing */
	struct found k = { 0 };
	dsb_lr_scan_reset(&s, 100000);
	dsb_lr_scan_feed(&s, b, 1010, 0, take, &k);
	dsb_lr_scan_feed(&s, b, 0, 0, take, &k);
	dsb_lr_scan_feed(&s, b + 1010, BUF - 1010, 0, take, &k);
	check_two(&k, "empty piece", 0);
}

/* Seeded bytes (log records as the fixtures write them) hold no record
 * by chance: the shape is strict enough to stand without a record walk. */
static void test_no_false_positives(void)
{
	enum { MIB = 1 << 20, TOTAL = 8 };
	uint8_t *b = malloc(MIB);
	CU_ASSERT_FATAL(b != NULL);
	struct dsb_lr_scan s;
	struct found f = { 0 };
	dsb_lr_scan_reset(&s, 0);
	for (unsigned m = 0; m < TOTAL; m++) {
		for (size_t i = 0; i < MIB; i += 8) {
			uint64_t v = dfx_mix((uint64_t)m << 32 ^ i);
			memcpy(b + i, &v, 8);
		}
		/* every byte an lrtyp 15 with a dbid of 1 now and then */
		for (size_t i = 0; i + 4 < MIB; i += 997) {
			b[i] = DSB_LRTYP_ATTACH_DB;
			b[i + 3] = 1;
		}
		dsb_lr_scan_feed(&s, b, MIB, 0, take, &f);
	}
	CU_ASSERT_EQUAL(f.n, 0);
	free(b);
}

static const struct dsb_test tests[] = {
	{ "a record decoded field by field", test_decode },
	{ "each refusal: type, dbid, flags, path, times", test_refusals },
	{ "scan: cut at every place, byte by byte, stopped", test_scan_cuts },
	{ "scan: 8 MiB of record bytes, no record found", test_no_false_positives },
	{ NULL, NULL },
};
static const struct dsb_suite suites[] = {
	{ "LRATTACHDB", tests },
};
DSB_TEST_MAIN(suites)
