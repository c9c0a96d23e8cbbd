/* SPDX-License-Identifier: Apache-2.0 */
/*
 * format/ese_log.h's v7 body (format/ese_logv7.c): the LRCHECKSUM record,
 * its checksums, the shadow sector, the log-extend pattern and the
 * streaming walker (REF §3.5, §3.11).
 *
 * Every log here is built by this file's own small builder, which follows
 * REF §3.5 with the byte-by-byte checksum written from its text (byte k of
 * a range into bits 8 * (k mod 4)), never with the code under test.  The
 * fields are written at REF's offsets as numbers.
 */
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "format/ese_log.h"
#include "lib/le.h"

#include "tests/cunit_main.h"

#define CB 512u
#define GEN7 0x2A
#define HDR_SECS 8u             /* 4096 / 512: the chain starts at isec 8 */
#define BODY_SECS 40u
#define FILE_SIZE ((HDR_SECS + BODY_SECS) * CB)
#define K_SHADOW 0x5AD05EC7u

/* ---- the reference checksum, byte by byte (REF §3.5) ----------------------- */

/* bytes(a..b): byte k of the piece, k0 + k counted from the range start,
 * into bits 8 * (k mod 4). */
static uint32_t naive_bytes(const uint8_t *p, size_t n, uint64_t k0)
{
	uint32_t x = 0;
	for (size_t k = 0; k < n; k++)
		x ^= (uint32_t)p[k] << (8 * ((k0 + k) % 4));
	return x;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Checksum the record at img[sec + ib] (sec: its sector's start) from the
 * fields it holds: ulChecksum, and ulShortChecksum when the flag is 0x9A
 * (up to the end of the sector); xor_shadow turns it into a shadow's. */
static void stamp(uint8_t *img, size_t sec, uint32_t ib, int32_t gen, bool xor_shadow)
{
	uint8_t *r = img + sec + ib;
	uint32_t cbb = get32(r + 1), cbf = get32(r + 5), cbn = get32(r + 9);
	uint8_t flag = r[21];
	uint32_t terms = cbb ^ cbf ^ cbn ^ flag ^ (uint32_t)gen;
	uint32_t back = naive_bytes(r - cbb, cbb, 0);
	uint32_t sum = 0xFEEDBEAFu ^ back ^ naive_bytes(r + 22, cbf, 0) ^ terms;
	dsb_put_le32(r, 13, xor_shadow ? sum ^ K_SHADOW : sum);
	if (flag == 0x9A)
		dsb_put_le32(r, 17, 0xDEADC0DEu ^ back ^ naive_bytes(r + 22, CB - ib - 22, 0) ^ terms);
}

/* An LRCHECKSUM at img[sec + ib], short checksum off (0xD1) or on (0x9A). */
static void put_rec(uint8_t *img, size_t sec, uint32_t ib, uint32_t cbb, uint32_t cbf,
		    uint32_t cbn, bool shrt)
{
	uint8_t *r = img + sec + ib;
	r[0] = 42;
	dsb_put_le32(r, 1, cbb);
	dsb_put_le32(r, 5, cbf);
	dsb_put_le32(r, 9, cbn);
	dsb_put_le32(r, 13, 0);
	dsb_put_le32(r, 17, 0);
	r[21] = shrt ? 0x9A : 0xD1;
}

/* The log-extend pattern over [from, to) of the file (REF §3.5). */
static void put_pattern(uint8_t *img, size_t from, size_t to)
{
	for (size_t o = from; o < to; o++)
		img[o] = o % 16 ? 0xDA : (uint8_t)(0xDA + o % 512);
}

static uint32_t lcg = 12345;
static uint8_t rnd8(void)
{
	lcg = lcg * 1103515245u + 12345u;
	return (uint8_t)(lcg >> 16);
}

static void put_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = rnd8();
}

struct rspec {
	uint32_t isec, ib, cbb, cbf;
	bool shrt;
};

/* The chain of the tests: a 3-sector flush (short checksum), a flush that
 * fills sector 11 after 40 bytes of older data, a 2-sector flush, and a
 * final single-sector flush at (14, 100) covering 200 bytes. */
static const struct rspec chain4[] = {
	{ 8, 0, 0, 3 * CB - 22, true },
	{ 11, 40, 40, CB - 62, false },
	{ 12, 0, 0, 2 * CB - 22, true },
	{ 14, 100, 100, 200, false },
};
#define NREC (sizeof chain4 / sizeof chain4[0])

static size_t rec_off(const struct rspec *s)
{
	return (size_t)s->isec * CB + s->ib;
}

/* A whole file: zero header, random data up to the end of the last
 * record's sector, the records chained and checksummed, a shadow of the
 * last sector (when asked) and the pattern to the end. */
static void build(uint8_t *img, const struct rspec *spec, size_t n, bool shadow)
{
	lcg = 777;
	memset(img, 0, FILE_SIZE);
	size_t last_sec = spec[n - 1].isec;
	put_random(img + HDR_SECS * CB, (last_sec + 1 - HDR_SECS) * CB);
	put_pattern(img, (last_sec + 1) * CB, FILE_SIZE);
	for (size_t k = 0; k < n; k++) {
		uint32_t cbn = k + 1 < n ? (uint32_t)(rec_off(&spec[k + 1]) - rec_off(&spec[k]) - 22) : 0;
		put_rec(img, spec[k].isec * CB, spec[k].ib, spec[k].cbb, spec[k].cbf, cbn, spec[k].shrt);
		stamp(img, spec[k].isec * CB, spec[k].ib, GEN7, false);
	}
	if (shadow) {
		memcpy(img + (last_sec + 1) * CB, img + last_sec * CB, CB);
		stamp(img, (last_sec + 1) * CB, spec[n - 1].ib, GEN7, true);
	}
}

/* ---- walking ------------------------------------------------------------- */

static struct dsb_lv7_walk walker;

/* Walk a file's body (from 4096 to len) in blocks of `block` bytes. */
static struct dsb_lv7_summary walk(const uint8_t *img, size_t len, uint64_t file_size,
				   size_t block)
{
	dsb_lv7_walk_init(&walker, GEN7, CB, file_size);
	for (size_t o = DSB_LOG_HDR_SIZE; o < len; o += block)
		dsb_lv7_walk_feed(&walker, img + o, len - o < block ? len - o : block);
	dsb_lv7_walk_finish(&walker, false);
	return walker.sum;
}

static struct dsb_lv7_summary walk_file(const uint8_t *img)
{
	return walk(img, FILE_SIZE, FILE_SIZE, 4096);
}

static bool same(const struct dsb_lv7_summary *a, const struct dsb_lv7_summary *b)
{
	return dsb_lv7_summary_equal(a, b);
}

/* ---- layout and checksums ----------------------------------------------------- */

static void test_lv7_layout(void)
{
	uint8_t b[40] = { 0 };
	b[3] = 42;
	dsb_put_le32(b, 3 + 1, 0x11223344u);
	dsb_put_le32(b, 3 + 5, 0x55667788u);
	dsb_put_le32(b, 3 + 9, 0x99AABBCCu);
	dsb_put_le32(b, 3 + 13, 0xDDEEFF00u);
	dsb_put_le32(b, 3 + 17, 0x0BADF00Du);
	b[3 + 21] = 0x9A;
	struct dsb_lv7_lrck r;
	CU_ASSERT_TRUE(dsb_lv7_lrck_decode(b, sizeof b, 3, &r));
	CU_ASSERT_EQUAL(r.lrtyp, 42);
	CU_ASSERT_EQUAL(r.cb_backwards, 0x11223344u);
	CU_ASSERT_EQUAL(r.cb_forwards, 0x55667788u);
	CU_ASSERT_EQUAL(r.cb_next, 0x99AABBCCu);
	CU_ASSERT_EQUAL(r.checksum, 0xDDEEFF00u);
	CU_ASSERT_EQUAL(r.short_checksum, 0x0BADF00Du);
	CU_ASSERT_EQUAL(r.use_short, 0x9A);
	CU_ASSERT_TRUE(dsb_lv7_lrck_decode(b, 25, 3, &r));
	CU_ASSERT_FALSE(dsb_lv7_lrck_decode(b, 24, 3, &r));
	CU_ASSERT_EQUAL(r.lrtyp, 0);
	CU_ASSERT_FALSE(dsb_lv7_lrck_decode(b, sizeof b, 41, &r));
	CU_ASSERT_STRING_EQUAL(dsb_lv7_rule_name(DSB_LV7_RULE_NEXT_NOT_AFTER), "next-not-after");
	CU_ASSERT_STRING_EQUAL(dsb_lv7_rule_name(DSB_LV7_RULE_COUNT), "unknown");
	CU_ASSERT_STRING_EQUAL(dsb_lv7_end_name(DSB_LV7_END_TORN_SHADOW), "torn-shadow");
	CU_ASSERT_STRING_EQUAL(dsb_lv7_shadow_name(DSB_LV7_SHADOW_OLD), "old");
	CU_ASSERT_STRING_EQUAL(dsb_lv7_problem_name(DSB_LV7_PROB_TRAILING), "trailing");
}

/* The word-wise checksum against the byte-by-byte one, on every start
 * alignment and length, every rotation, and ranges cut into pieces. */
static void test_lv7_checksum_naive(void)
{
	static uint8_t buf[8192];
	lcg = 99;
	put_random(buf, sizeof buf);
	unsigned bad = 0, n = 0;
	for (size_t start = 0; start < 16; start++)
		for (size_t len = 0; len <= 300; len++)
			for (uint64_t k0 = 0; k0 < 4; k0++, n++)
				bad += dsb_lv7_checksum_bytes(buf + start, len, k0) !=
				       naive_bytes(buf + start, len, k0);
	for (int i = 0; i < 2000; i++, n++) {
		size_t start = rnd8() * 17u % 4096, len = ((size_t)rnd8() << 4 | rnd8() % 16) % 4000;
		bad += dsb_lv7_checksum_bytes(buf + start, len, start) != naive_bytes(buf + start, len, start);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(n, 16 * 301 * 4 + 2000);
	/* A range cut at random places: the rotated pieces XOR to the whole. */
	for (int i = 0; i < 500; i++) {
		size_t start = rnd8() % 64, len = 1 + ((size_t)rnd8() << 5) % 7000;
		uint32_t x = 0;
		for (size_t o = 0; o < len;) {
			size_t piece = 1 + rnd8() % 700;
			piece = piece > len - o ? len - o : piece;
			x ^= dsb_lv7_checksum_bytes(buf + start + o, piece, o);
			o += piece;
		}
		if (x != naive_bytes(buf + start, len, 0))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* The record-level sums against the builder's. */
	static uint8_t img[FILE_SIZE];
	build(img, chain4, NREC, true);
	for (size_t k = 0; k < NREC; k++) {
		struct dsb_lv7_lrck r;
		uint32_t sum = 0, sc = 0;
		CU_ASSERT_TRUE(dsb_lv7_lrck_decode(img, FILE_SIZE, rec_off(&chain4[k]), &r));
		CU_ASSERT_TRUE(dsb_lv7_range_checksum(img, FILE_SIZE, rec_off(&chain4[k]), &r, GEN7, &sum));
		CU_ASSERT_EQUAL(sum, r.checksum);
		CU_ASSERT_NOT_EQUAL(sum, 0);
		CU_ASSERT_TRUE(dsb_lv7_range_checksum(img, FILE_SIZE, rec_off(&chain4[k]), &r, GEN7 + 1, &sum));
		CU_ASSERT_EQUAL(sum, r.checksum ^ (uint32_t)GEN7 ^ (uint32_t)(GEN7 + 1));
		if (chain4[k].shrt) {
			CU_ASSERT_TRUE(dsb_lv7_short_checksum(img + chain4[k].isec * CB, CB, chain4[k].ib,
							       &r, GEN7, &sc));
			CU_ASSERT_EQUAL(sc, r.short_checksum);
			CU_ASSERT_NOT_EQUAL(r.short_checksum, 0);
		}
		CU_ASSERT_EQUAL(dsb_lv7_lrck_check(&r, img + chain4[k].isec * CB, CB, chain4[k].isec,
						   chain4[k].ib, FILE_SIZE, GEN7), DSB_LV7_RULE_OK);
	}
	CU_ASSERT_TRUE(dsb_lv7_shadow_valid(img + 15 * CB, CB, 15, 100, FILE_SIZE, GEN7, NULL));
	CU_ASSERT_FALSE(dsb_lv7_shadow_valid(img + 14 * CB, CB, 14, 100, FILE_SIZE, GEN7, NULL));
	CU_ASSERT_FALSE(dsb_lv7_shadow_valid(img + 15 * CB, CB, 15, 100, FILE_SIZE, GEN7 + 1, NULL));
	/* A range that does not fit its buffer is refused, not read. */
	struct dsb_lv7_lrck r;
	uint32_t sum;
	dsb_lv7_lrck_decode(img, FILE_SIZE, rec_off(&chain4[0]), &r);
	CU_ASSERT_FALSE(dsb_lv7_range_checksum(img, rec_off(&chain4[0]) + 100, rec_off(&chain4[0]), &r, GEN7, &sum));
	dsb_lv7_lrck_decode(img, FILE_SIZE, rec_off(&chain4[1]), &r);
	CU_ASSERT_FALSE(dsb_lv7_range_checksum(img + 10, FILE_SIZE - 10, 5, &r, GEN7, &sum));
	/* The pattern: right, shifted, one byte off. */
	CU_ASSERT_TRUE(dsb_lv7_is_pattern(img + 20 * CB, CB, 20 * CB));
	CU_ASSERT_TRUE(dsb_lv7_is_pattern(img + 20 * CB + 256, 512, 20 * CB + 256));
	CU_ASSERT_FALSE(dsb_lv7_is_pattern(img + 20 * CB, CB, 20 * CB + 16));
	CU_ASSERT_EQUAL(img[20 * CB + 16], 0xEA);
	CU_ASSERT_EQUAL(img[20 * CB + 496], (uint8_t)(0xDA + 496));
	img[20 * CB + 300] ^= 1;
	CU_ASSERT_FALSE(dsb_lv7_is_pattern(img + 20 * CB, CB, 20 * CB));
}

/* ---- the valid chain ----------------------------------------------------------- */

static void assert_chain4_clean(const struct dsb_lv7_summary *m)
{
	CU_ASSERT_TRUE(m->clean);
	CU_ASSERT_EQUAL(m->end, DSB_LV7_END_CLEAN);
	CU_ASSERT_FALSE(m->torn);
	CU_ASSERT_TRUE(m->chain_ended);
	CU_ASSERT_EQUAL(m->counts.valid, 4);
	CU_ASSERT_EQUAL(m->multi_sector, 2);
	CU_ASSERT_EQUAL(m->counts.shadow, 1);
	CU_ASSERT_EQUAL(m->counts.empty, BODY_SECS + HDR_SECS - 16);
	CU_ASSERT_EQUAL(m->counts.bad, 0);
	CU_ASSERT_EQUAL(m->counts.corrected, 0);
	CU_ASSERT_EQUAL(m->counts.unread, 0);
	CU_ASSERT_EQUAL(m->last_isec, 14);
	CU_ASSERT_EQUAL(m->last_ib, 100);
	CU_ASSERT_EQUAL(m->last_offset, 14 * CB + 100);
	CU_ASSERT_EQUAL(m->data_end, 14 * CB + 100 + 22 + 200);
	CU_ASSERT_EQUAL(m->shadow, DSB_LV7_SHADOW_CURRENT);
	CU_ASSERT_EQUAL(m->shadow_offset, 15 * CB + 100);
	CU_ASSERT_FALSE(m->have_problem);
	CU_ASSERT_TRUE(m->trailing_all_pattern);
	CU_ASSERT_FALSE(m->truncated);
	CU_ASSERT_EQUAL(m->excess_bytes, 0);
}

static void test_lv7_chain_valid(void)
{
	static uint8_t img[FILE_SIZE];
	build(img, chain4, NREC, true);
	static const size_t blocks[] = { 1, 7, 512, 1000, 4096, 65536, FILE_SIZE };
	struct dsb_lv7_summary first = walk(img, FILE_SIZE, FILE_SIZE, blocks[0]);
	assert_chain4_clean(&first);
	for (size_t i = 1; i < sizeof blocks / sizeof blocks[0]; i++) {
		struct dsb_lv7_summary m = walk(img, FILE_SIZE, FILE_SIZE, blocks[i]);
		CU_ASSERT_TRUE(same(&first, &m));
		assert_chain4_clean(&m);
	}
	/* Unknown size: the same walk. */
	struct dsb_lv7_summary u = walk(img, FILE_SIZE, 0, 4096);
	assert_chain4_clean(&u);
	/* Bytes past the known size are counted and ignored. */
	struct dsb_lv7_summary x = walk(img, FILE_SIZE, FILE_SIZE - 1024, 4096);
	CU_ASSERT_EQUAL(x.excess_bytes, 1024);
	CU_ASSERT_TRUE(x.clean);
	/* From a decoded header: generation and cbSec, size csecLGFile * cbSec. */
	struct dsb_log_header h = { .generation = GEN7, .cb_sec = CB,
				    .csec_lgfile = HDR_SECS + BODY_SECS };
	dsb_lv7_walk_init_header(&walker, &h, 0);
	dsb_lv7_walk_feed(&walker, img + DSB_LOG_HDR_SIZE, FILE_SIZE - DSB_LOG_HDR_SIZE);
	dsb_lv7_walk_finish(&walker, false);
	CU_ASSERT_TRUE(same(&first, &walker.sum));
	/* Another generation: every checksum differs. */
	dsb_lv7_walk_init(&walker, GEN7 + 1, CB, FILE_SIZE);
	dsb_lv7_walk_feed(&walker, img + DSB_LOG_HDR_SIZE, FILE_SIZE - DSB_LOG_HDR_SIZE);
	dsb_lv7_walk_finish(&walker, false);
	CU_ASSERT_FALSE(walker.sum.clean);
	CU_ASSERT_EQUAL(walker.sum.first_problem.kind, DSB_LV7_PROB_RECORD);
	CU_ASSERT_EQUAL(walker.sum.first_problem.rule, DSB_LV7_RULE_SHORT_CHECKSUM);
	CU_ASSERT_EQUAL(walker.sum.end, DSB_LV7_END_CORRUPT);
	/* The caller's word that its stream stopped early. */
	dsb_lv7_walk_init(&walker, GEN7, CB, 0);
	dsb_lv7_walk_feed(&walker, img + DSB_LOG_HDR_SIZE, FILE_SIZE - DSB_LOG_HDR_SIZE);
	dsb_lv7_walk_finish(&walker, true);
	CU_ASSERT_TRUE(walker.sum.truncated);
	CU_ASSERT_FALSE(walker.sum.clean);
	CU_ASSERT_EQUAL(walker.sum.end, DSB_LV7_END_CLEAN);
}

/* ---- FValidLRCKRecord, one rule at a time ------------------------------------ */

enum mut {
	M_LRTYP, M_STRADDLE, M_BACK_LONG, M_BACK_NOT_IB, M_FLAG, M_SHORT_SUM, M_SHORT_NONZERO,
	M_PAST_EOF, M_MULTI_NO_SHORT, M_MULTI_GRANULAR, M_SINGLE_SHORT, M_NEXT_GRANULAR,
	M_NEXT_AFTER,
};

static const struct {
	const char *name;
	enum mut m;
	unsigned rec;          /* which record of chain4 */
	enum dsb_lv7_rule rule;
	enum dsb_lv7_end end;  /* data follows: corrupt; in the final sector
				* the shadow repairs it; a straddling record
				* in the final sector has only the shadow of
				* the old final record and pattern after it */
} rule_cases[] = {
	{ "lrtyp 41", M_LRTYP, 1, DSB_LV7_RULE_LRTYP,
	  DSB_LV7_END_CORRUPT },
	{ "record at ib 491 runs past its sector", M_STRADDLE, 3, DSB_LV7_RULE_STRADDLE,
	  DSB_LV7_END_TORN },
	{ "cbBackwards 491", M_BACK_LONG, 1, DSB_LV7_RULE_BACKWARDS_LONG,
	  DSB_LV7_END_CORRUPT },
	{ "cbBackwards 20 at ib 40", M_BACK_NOT_IB, 1, DSB_LV7_RULE_BACKWARDS_NOT_IB,
	  DSB_LV7_END_CORRUPT },
	{ "flag 0x00", M_FLAG, 1, DSB_LV7_RULE_SHORT_FLAG,
	  DSB_LV7_END_CORRUPT },
	{ "short checksum off by one bit", M_SHORT_SUM, 0, DSB_LV7_RULE_SHORT_CHECKSUM,
	  DSB_LV7_END_CORRUPT },
	{ "flag off, ulShortChecksum 1", M_SHORT_NONZERO, 1, DSB_LV7_RULE_SHORT_NONZERO,
	  DSB_LV7_END_CORRUPT },
	{ "range past the end of the file", M_PAST_EOF, 3, DSB_LV7_RULE_PAST_EOF,
	  DSB_LV7_END_TORN_SHADOW },
	{ "3-sector range, short checksum off", M_MULTI_NO_SHORT, 0, DSB_LV7_RULE_MULTI_NO_SHORT,
	  DSB_LV7_END_CORRUPT },
	{ "3-sector range one byte short", M_MULTI_GRANULAR, 0, DSB_LV7_RULE_MULTI_NOT_GRANULAR,
	  DSB_LV7_END_CORRUPT },
	{ "single-sector range, short checksum on", M_SINGLE_SHORT, 3, DSB_LV7_RULE_SINGLE_WITH_SHORT,
	  DSB_LV7_END_TORN_SHADOW },
	{ "cbNext after a partial sector", M_NEXT_GRANULAR, 3, DSB_LV7_RULE_NEXT_NOT_GRANULAR,
	  DSB_LV7_END_TORN_SHADOW },
	{ "cbNext one sector too far", M_NEXT_AFTER, 1, DSB_LV7_RULE_NEXT_NOT_AFTER,
	  DSB_LV7_END_CORRUPT },
};

/* Break one rule of one record and restamp it, so that nothing but the
 * rule is wrong (its checksums match its new fields). */
static void mutate(uint8_t *img, enum mut m, unsigned k)
{
	size_t sec = chain4[k].isec * CB;
	uint32_t ib = chain4[k].ib;
	uint8_t *r = img + sec + ib;
	switch (m) {
	case M_LRTYP: r[0] = 41; break;
	case M_STRADDLE: {
		/* The chain's third record points at ib 491 of sector 14. */
		size_t s3 = chain4[2].isec * CB;
		dsb_put_le32(img + s3, 9, get32(img + s3 + 5) + 491);
		stamp(img, s3, 0, GEN7, false);
		img[14 * CB + 491] = 42;
		return;
	}
	case M_BACK_LONG: dsb_put_le32(r, 1, CB - 21); break;
	case M_BACK_NOT_IB: dsb_put_le32(r, 1, 20); break;
	case M_FLAG: r[21] = 0x00; break;
	case M_SHORT_SUM: stamp(img, sec, ib, GEN7, false); r[17] ^= 0x01; return;
	case M_SHORT_NONZERO: stamp(img, sec, ib, GEN7, false); r[17] = 1; return;
	case M_PAST_EOF:
		/* Not restamped: that range is not in the image to be summed,
		 * and the rule is tested before any checksum of it. */
		dsb_put_le32(r, 5, FILE_SIZE);
		return;
	case M_MULTI_NO_SHORT: r[21] = 0xD1; dsb_put_le32(r, 17, 0); break;
	case M_MULTI_GRANULAR: dsb_put_le32(r, 5, get32(r + 5) - 1); break;
	case M_SINGLE_SHORT: r[21] = 0x9A; break;
	case M_NEXT_GRANULAR: dsb_put_le32(r, 9, 500); break;
	case M_NEXT_AFTER: dsb_put_le32(r, 9, get32(r + 9) + CB); break;
	}
	stamp(img, sec, ib, GEN7, false);
}

static void test_lv7_rules(void)
{
	static uint8_t img[FILE_SIZE];
	for (size_t i = 0; i < sizeof rule_cases / sizeof rule_cases[0]; i++) {
		build(img, chain4, NREC, true);
		mutate(img, rule_cases[i].m, rule_cases[i].rec);
		struct dsb_lv7_summary m = walk_file(img);
		const struct rspec *s = &chain4[rule_cases[i].rec];
		uint64_t isec = rule_cases[i].m == M_STRADDLE ? 14 : s->isec;
		uint32_t ib = rule_cases[i].m == M_STRADDLE ? 491 : s->ib;
		if (m.first_problem.rule != rule_cases[i].rule)
			fprintf(stderr, "\n  %s: rule %s\n", rule_cases[i].name,
				dsb_lv7_rule_name(m.first_problem.rule));
		CU_ASSERT_EQUAL(m.first_problem.kind, DSB_LV7_PROB_RECORD);
		CU_ASSERT_EQUAL(m.first_problem.rule, rule_cases[i].rule);
		CU_ASSERT_EQUAL(m.first_problem.isec, isec);
		CU_ASSERT_EQUAL(m.first_problem.ib, ib);
		CU_ASSERT_EQUAL(m.first_problem.offset, isec * CB + ib);
		CU_ASSERT_EQUAL(m.counts.valid, isec == 14 ? 3 : rule_cases[i].rec);
		CU_ASSERT_FALSE(m.clean);
		CU_ASSERT_EQUAL(m.end, rule_cases[i].end);
		/* The checker agrees when asked directly. */
		struct dsb_lv7_lrck r;
		if (dsb_lv7_lrck_decode(img + isec * CB, CB, ib, &r))
			CU_ASSERT_EQUAL(dsb_lv7_lrck_check(&r, img + isec * CB, CB, isec, ib, FILE_SIZE, GEN7),
					rule_cases[i].rule);
	}
}

/* Regression: the end-of-file rule once added the range to the record's
 * offset, which wraps for a record near the end of a file of almost 2^64
 * bytes and let the range pass. */
static void test_lv7_past_eof_wrap(void)
{
	static uint8_t sec[8 * CB];   /* the record's sector, and room for its range */
	memset(sec, 0, sizeof sec);
	put_rec(sec, 0, 0, 0, 4000, 0, true);
	stamp(sec, 0, 0, GEN7, false);
	struct dsb_lv7_lrck r;
	CU_ASSERT_TRUE(dsb_lv7_lrck_decode(sec, CB, 0, &r));
	const uint64_t fsize = UINT64_MAX - 1;
	const uint64_t isec = fsize / CB;
	CU_ASSERT_EQUAL(dsb_lv7_lrck_check(&r, sec, CB, isec, 0, fsize, GEN7), DSB_LV7_RULE_PAST_EOF);
	CU_ASSERT_EQUAL(dsb_lv7_lrck_check(&r, sec, CB, isec + 1, 0, fsize, GEN7), DSB_LV7_RULE_PAST_EOF);
	/* Its twin: the same record far from the end passes that rule (and
	 * then the multi-sector ones: 4022 bytes is not whole sectors). */
	CU_ASSERT_EQUAL(dsb_lv7_lrck_check(&r, sec, CB, 8, 0, fsize, GEN7),
			DSB_LV7_RULE_MULTI_NOT_GRANULAR);
}

/* Near-identical records that keep every rule. */
static void test_lv7_rule_twins(void)
{
	static uint8_t img[FILE_SIZE];
	/* cbBackwards 0 instead of ib: the bytes before are just not covered. */
	build(img, chain4, NREC, true);
	dsb_put_le32(img + 11 * CB + 40, 1, 0);
	stamp(img, 11 * CB, 40, GEN7, false);
	struct dsb_lv7_summary m = walk_file(img);
	CU_ASSERT_TRUE(m.clean);
	CU_ASSERT_EQUAL(m.counts.valid, 4);
	/* The final record at ib 490: 22 bytes that end with the sector. */
	static const struct rspec at490[] = {
		{ 8, 0, 0, 3 * CB - 22, true }, { 11, 490, 490, 0, false },
	};
	build(img, at490, 2, true);
	m = walk_file(img);
	CU_ASSERT_TRUE(m.clean);
	CU_ASSERT_EQUAL(m.counts.valid, 2);
	CU_ASSERT_EQUAL(m.shadow, DSB_LV7_SHADOW_CURRENT);
	/* A range that ends exactly at the end of the file. */
	static const struct rspec to_end[] = {
		{ 8, 0, 0, BODY_SECS * CB - 22, true },
	};
	build(img, to_end, 1, false);
	m = walk_file(img);
	CU_ASSERT_TRUE(m.clean);
	CU_ASSERT_EQUAL(m.data_end, FILE_SIZE);
	CU_ASSERT_EQUAL(m.shadow, DSB_LV7_SHADOW_ABSENT);
	CU_ASSERT_EQUAL(m.counts.empty, 0);
	/* Single-sector ranges filling their sector and chained. */
	static const struct rspec fill[] = {
		{ 8, 0, 0, CB - 22, false }, { 9, 0, 0, CB - 22, false }, { 10, 30, 30, 10, false },
	};
	build(img, fill, 3, true);
	m = walk_file(img);
	CU_ASSERT_TRUE(m.clean);
	CU_ASSERT_EQUAL(m.counts.valid, 3);
	CU_ASSERT_EQUAL(m.multi_sector, 0);
}

/* ---- damage ---------------------------------------------------------------- */

/* One bit flipped at every byte of the data sectors and the shadow:
 * where it is covered, it is found, and what follows decides the verdict. */
static void test_lv7_bitflips(void)
{
	static uint8_t img[FILE_SIZE];
	build(img, chain4, NREC, true);
	unsigned missed = 0, wrong = 0;
	for (size_t o = 8 * CB; o < 16 * CB; o++) {
		img[o] ^= (uint8_t)(1u << (o % 8));
		struct dsb_lv7_summary m = walk_file(img);
		img[o] ^= (uint8_t)(1u << (o % 8));
		size_t sec = o / CB, in = o % CB;
		bool covered = sec < 14 || in < 322;
		if (!covered) {
			/* After the final record's range: unchecked bytes. */
			wrong += !m.clean;
			continue;
		}
		if (m.clean) {
			missed++;
			continue;
		}
		if (sec < 14)
			wrong += m.end != DSB_LV7_END_CORRUPT || m.torn;
		else if (sec == 14)
			wrong += m.end != DSB_LV7_END_TORN_SHADOW || m.shadow != DSB_LV7_SHADOW_REPAIR ||
				 m.counts.valid != 3 || m.counts.shadow != 1;
		else
			wrong += m.end != DSB_LV7_END_CLEAN || m.shadow != DSB_LV7_SHADOW_OTHER ||
				 m.first_problem.kind != DSB_LV7_PROB_TRAILING ||
				 m.first_non_pattern != 15 * CB || m.counts.bad != 1;
	}
	CU_ASSERT_EQUAL(missed, 0);
	CU_ASSERT_EQUAL(wrong, 0);
	/* A flip in the backward part of record 2 (sector 11, byte 10). */
	img[11 * CB + 10] ^= 0x20;
	struct dsb_lv7_summary m = walk_file(img);
	CU_ASSERT_EQUAL(m.first_problem.kind, DSB_LV7_PROB_RANGE);
	CU_ASSERT_EQUAL(m.first_problem.offset, 11 * CB + 40);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_CORRUPT);
	CU_ASSERT_EQUAL(m.counts.valid, 1);
	CU_ASSERT_EQUAL(m.counts.bad, 1 + 4);   /* the record; sectors 12-15 are data */
	img[11 * CB + 10] ^= 0x20;
	/* Inside record 1's range (sector 9). */
	img[9 * CB + 100] ^= 0x01;
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.first_problem.kind, DSB_LV7_PROB_RANGE);
	CU_ASSERT_EQUAL(m.first_problem.offset, 8 * CB);
	CU_ASSERT_EQUAL(m.counts.valid, 0);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_CORRUPT);
	img[9 * CB + 100] ^= 0x01;
	/* In record 2's cbForwards. */
	img[11 * CB + 40 + 5] ^= 0x04;
	m = walk_file(img);
	CU_ASSERT_FALSE(m.clean);
	CU_ASSERT_EQUAL(m.first_problem.offset, 11 * CB + 40);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_CORRUPT);
}

/* Whole bytes, blocks and sectors: zeros, 0xFF, pattern, another sector. */
static void test_lv7_damage_shapes(void)
{
	static uint8_t img[FILE_SIZE];
	static const struct {
		size_t off, len;
		int fill;            /* -1: the pattern, -2: a copy of sector 8 */
		enum dsb_lv7_end end;
		enum dsb_lv7_problem_kind kind;
		uint64_t at;
	} cases[] = {
		{ 9 * CB, CB, 0x00, DSB_LV7_END_CORRUPT, DSB_LV7_PROB_RANGE, 8 * CB },
		{ 11 * CB, CB, 0xFF, DSB_LV7_END_CORRUPT, DSB_LV7_PROB_RECORD, 11 * CB + 40 },
		{ 13 * CB, CB, -1, DSB_LV7_END_CORRUPT, DSB_LV7_PROB_RANGE, 12 * CB },
		{ 12 * CB, CB, -2, DSB_LV7_END_CORRUPT, DSB_LV7_PROB_RANGE, 12 * CB },
		{ 14 * CB + 150, 8, 0x00, DSB_LV7_END_TORN_SHADOW, DSB_LV7_PROB_RANGE, 14 * CB + 100 },
		{ 14 * CB, CB, 0x00, DSB_LV7_END_TORN_SHADOW, DSB_LV7_PROB_RECORD, 14 * CB + 100 },
		{ 8 * CB, 1, 0x2B, DSB_LV7_END_CORRUPT, DSB_LV7_PROB_RECORD, 8 * CB },
		{ 8 * CB + 30, 64, 0x55, DSB_LV7_END_CORRUPT, DSB_LV7_PROB_RECORD, 8 * CB },
		{ 20 * CB + 7, 1, 0x00, DSB_LV7_END_CLEAN, DSB_LV7_PROB_TRAILING, 20 * CB },
		{ 47 * CB, CB, 0x00, DSB_LV7_END_CLEAN, DSB_LV7_PROB_TRAILING, 47 * CB },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		build(img, chain4, NREC, true);
		if (cases[i].fill == -1)
			put_pattern(img, cases[i].off, cases[i].off + cases[i].len);
		else if (cases[i].fill == -2)
			memcpy(img + cases[i].off, img + 8 * CB, cases[i].len);
		else
			memset(img + cases[i].off, cases[i].fill, cases[i].len);
		struct dsb_lv7_summary m = walk_file(img);
		CU_ASSERT_EQUAL(m.end, cases[i].end);
		CU_ASSERT_EQUAL(m.first_problem.kind, cases[i].kind);
		CU_ASSERT_EQUAL(m.first_problem.offset, cases[i].at);
		CU_ASSERT_FALSE(m.clean);
		if (m.end != cases[i].end)
			fprintf(stderr, "\n  case %zu: %s\n", i, dsb_lv7_end_name(m.end));
	}
}

/* Torn writes against corruption (REF §3.5 "Damage", §3.11). */
static void test_lv7_torn_vs_corrupt(void)
{
	static uint8_t img[FILE_SIZE];
	/* A torn last flush: its sector half written, its shadow valid. */
	build(img, chain4, NREC, true);
	put_pattern(img, 14 * CB + 256, 15 * CB);
	struct dsb_lv7_summary m = walk_file(img);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_TORN_SHADOW);
	CU_ASSERT_TRUE(m.torn);
	CU_ASSERT_EQUAL(m.shadow, DSB_LV7_SHADOW_REPAIR);
	CU_ASSERT_EQUAL(m.shadow_offset, 15 * CB + 100);
	CU_ASSERT_EQUAL(m.first_problem.kind, DSB_LV7_PROB_RANGE);
	CU_ASSERT_EQUAL(m.counts.valid, 3);
	CU_ASSERT_EQUAL(m.counts.bad, 1);
	CU_ASSERT_EQUAL(m.counts.shadow, 1);
	CU_ASSERT_TRUE(m.trailing_all_pattern);
	/* Its twin: the same damage, other data where the shadow was. */
	put_random(img + 15 * CB, CB);
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_CORRUPT);
	CU_ASSERT_FALSE(m.torn);
	CU_ASSERT_EQUAL(m.first_non_pattern, 15 * CB);
	/* The same damage with pattern where the shadow was: torn, and
	 * nothing to repair it with. */
	put_pattern(img, 15 * CB, 16 * CB);
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_TORN);
	CU_ASSERT_TRUE(m.torn);
	CU_ASSERT_EQUAL(m.shadow, DSB_LV7_SHADOW_NOT_REACHED);
	CU_ASSERT_TRUE(m.trailing_all_pattern);
	/* ... and with other data much later. */
	img[30 * CB + 3] = 0;
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_CORRUPT);
	CU_ASSERT_EQUAL(m.first_non_pattern, 30 * CB);

	/* The chain points into the pattern (the power went out before the
	 * next flush reached the disk): torn. */
	build(img, chain4, NREC, false);
	put_pattern(img, 14 * CB, FILE_SIZE);
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_TORN);
	CU_ASSERT_EQUAL(m.first_problem.kind, DSB_LV7_PROB_RECORD);
	CU_ASSERT_EQUAL(m.first_problem.rule, DSB_LV7_RULE_LRTYP);
	CU_ASSERT_EQUAL(m.first_problem.offset, 14 * CB + 100);
	CU_ASSERT_EQUAL(m.counts.valid, 3);
	CU_ASSERT_EQUAL(m.last_isec, 12);
	CU_ASSERT_EQUAL(m.data_end, 14 * CB);
	CU_ASSERT_EQUAL(m.counts.empty, BODY_SECS + HDR_SECS - 15);

	/* A final multi-sector flush whose second sector never left the
	 * pattern: torn; the same flush with that sector zeroed: corrupt. */
	static const struct rspec multi_end[] = {
		{ 8, 0, 0, CB - 22, false }, { 9, 0, 0, 2 * CB - 22, true },
	};
	build(img, multi_end, 2, false);
	put_random(img + 10 * CB, CB);
	stamp(img, 9 * CB, 0, GEN7, false);
	put_pattern(img, 10 * CB, 11 * CB);
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_TORN);
	CU_ASSERT_EQUAL(m.first_problem.kind, DSB_LV7_PROB_RANGE);
	CU_ASSERT_EQUAL(m.first_problem.offset, 9 * CB);
	memset(img + 10 * CB, 0, CB);
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_CORRUPT);
	/* That flush's second sector is still the old shadow of its first:
	 * a crash between the two writes, repairable. */
	static const struct rspec single_end[] = {
		{ 8, 0, 0, CB - 22, false }, { 9, 0, 0, 60, false },
	};
	build(img, single_end, 2, true);
	static uint8_t old_shadow[CB];
	memcpy(old_shadow, img + 10 * CB, CB);
	build(img, multi_end, 2, false);
	memcpy(img + 10 * CB, old_shadow, CB);
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_TORN_SHADOW);
	CU_ASSERT_EQUAL(m.shadow_offset, 10 * CB);
	/* Damage in the file's last sector: nothing after it. */
	static const struct rspec last_sec[] = {
		{ 8, 0, 0, (BODY_SECS - 1) * CB - 22, true }, { 47, 0, 0, 100, false },
	};
	build(img, last_sec, 2, false);
	img[47 * CB + 50] ^= 1;
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_TORN);
	CU_ASSERT_EQUAL(m.first_problem.offset, 47 * CB);
	/* A verified record whose next one would be past the file's end. */
	build(img, last_sec, 2, false);
	memset(img + 47 * CB, 0xDA, CB);
	put_pattern(img, 47 * CB, FILE_SIZE);
	uint8_t *r0 = img + 8 * CB;
	dsb_put_le32(r0, 9, get32(r0 + 5) + 2 * CB);   /* cbNext into sector 48 */
	dsb_put_le32(r0, 5, get32(r0 + 5) + CB);       /* range to the end */
	stamp(img, 8 * CB, 0, GEN7, false);
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.first_problem.kind, DSB_LV7_PROB_RECORD);
	CU_ASSERT_EQUAL(m.first_problem.rule, DSB_LV7_RULE_NEXT_NOT_AFTER);
	dsb_put_le32(r0, 9, get32(r0 + 5));            /* cbNext: sector 48, ib 0 */
	stamp(img, 8 * CB, 0, GEN7, false);
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.counts.valid, 1);
	CU_ASSERT_EQUAL(m.first_problem.kind, DSB_LV7_PROB_NEXT_PAST_END);
	CU_ASSERT_EQUAL(m.first_problem.offset, 48 * CB);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_CORRUPT);
	CU_ASSERT_FALSE(m.truncated);
}

/* REF §3.5: a final flush that filled its sector leaves an older shadow
 * behind it, valid against its own range: not an error. */
static void test_lv7_old_shadow(void)
{
	static uint8_t img[FILE_SIZE];
	static const struct rspec early[] = {
		{ 8, 0, 0, 3 * CB - 22, true }, { 11, 40, 40, 50, false },
	};
	static const struct rspec full[] = {
		{ 8, 0, 0, 3 * CB - 22, true }, { 11, 40, 40, CB - 62, false },
	};
	build(img, early, 2, true);
	static uint8_t shadow[CB];
	memcpy(shadow, img + 12 * CB, CB);
	build(img, full, 2, false);
	memcpy(img + 12 * CB, shadow, CB);
	struct dsb_lv7_summary m = walk_file(img);
	CU_ASSERT_TRUE(m.clean);
	CU_ASSERT_EQUAL(m.shadow, DSB_LV7_SHADOW_OLD);
	CU_ASSERT_EQUAL(m.shadow_offset, 12 * CB + 40);
	CU_ASSERT_EQUAL(m.counts.shadow, 1);
	CU_ASSERT_EQUAL(m.counts.valid, 2);
	CU_ASSERT_EQUAL(m.data_end, 12 * CB);
	/* The current shadow of the same full flush is recognised as such. */
	build(img, full, 2, true);
	m = walk_file(img);
	CU_ASSERT_EQUAL(m.shadow, DSB_LV7_SHADOW_CURRENT);
	/* An old shadow at another ib than the final record's. */
	static const struct rspec other_ib[] = {
		{ 8, 0, 0, 3 * CB - 22, true }, { 11, 0, 0, 30, false },
	};
	build(img, other_ib, 2, true);
	memcpy(shadow, img + 12 * CB, CB);
	build(img, full, 2, false);
	memcpy(img + 12 * CB, shadow, CB);
	m = walk_file(img);
	CU_ASSERT_TRUE(m.clean);
	CU_ASSERT_EQUAL(m.shadow, DSB_LV7_SHADOW_OLD);
	CU_ASSERT_EQUAL(m.shadow_offset, 12 * CB);
	/* Its twin: one bit off in that old shadow's range, not a shadow. */
	img[12 * CB + 30] ^= 0x08;
	m = walk_file(img);
	CU_ASSERT_FALSE(m.clean);
	CU_ASSERT_EQUAL(m.shadow, DSB_LV7_SHADOW_OTHER);
	CU_ASSERT_EQUAL(m.end, DSB_LV7_END_CLEAN);
}

/* The stream cut everywhere: with the size known, always truncated; with
 * it unknown, only a cut inside the chain is seen. */
static void test_lv7_truncation(void)
{
	static uint8_t img[FILE_SIZE];
	build(img, chain4, NREC, true);
	unsigned bad = 0, n = 0;
	for (size_t cut = DSB_LOG_HDR_SIZE; cut < FILE_SIZE; cut += 13, n++) {
		struct dsb_lv7_summary a = walk(img, cut, FILE_SIZE, 4096);
		struct dsb_lv7_summary b = walk(img, cut, FILE_SIZE, 1);
		struct dsb_lv7_summary u = walk(img, cut, 0, 512);
		bool ended = cut >= 15 * CB;             /* sector 14 whole */
		unsigned recs = cut >= 15 * CB ? 4 : cut >= 14 * CB ? 3 : cut >= 12 * CB ? 2
			      : cut >= 11 * CB ? 1 : 0;
		bad += !same(&a, &b);
		bad += !a.truncated || a.clean || a.truncated_offset != cut ||
		       a.partial_bytes != cut % CB || a.counts.valid != recs;
		bad += a.end != (ended ? DSB_LV7_END_CLEAN : DSB_LV7_END_NONE);
		bad += a.chain_ended != ended;
		bad += u.truncated != (cut % CB != 0 || !ended);
		bad += u.counts.valid != recs;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(n > 1000);
}

/* Other sector sizes; sizes the walker refuses. */
static void test_lv7_sector_sizes(void)
{
	static const uint32_t refused[] = { 0, 256, 511, 513, 1536, 8192, 65536 };
	uint8_t b[1024];
	memset(b, 42, sizeof b);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		dsb_lv7_walk_init(&walker, GEN7, refused[i], 0);
		dsb_lv7_walk_feed(&walker, b, sizeof b);
		dsb_lv7_walk_finish(&walker, false);
		CU_ASSERT_EQUAL(walker.sum.end, DSB_LV7_END_BAD_SECTOR);
		CU_ASSERT_FALSE(walker.sum.clean);
		CU_ASSERT_EQUAL(walker.sum.counts.valid + walker.sum.counts.bad, 0);
	}
	/* 4096-byte sectors: one record, its range ending a sector. */
	enum { CB4 = 4096 };
	static uint8_t img[4 * CB4];
	memset(img, 0, sizeof img);
	lcg = 5;
	put_random(img + CB4, CB4);
	uint8_t *r = img + CB4;   /* the chain starts at ib 0 of isec 1 */
	r[0] = 42;
	dsb_put_le32(r, 1, 0);
	dsb_put_le32(r, 5, 3000);
	r[21] = 0xD1;
	dsb_put_le32(r, 9, 0);
	dsb_put_le32(r, 17, 0);
	uint32_t terms = 3000u ^ 0xD1u ^ (uint32_t)GEN7;
	dsb_put_le32(r, 13, 0xFEEDBEAFu ^ naive_bytes(r + 22, 3000, 0) ^ terms);
	put_pattern(img, 2 * CB4, sizeof img);
	dsb_lv7_walk_init(&walker, GEN7, CB4, sizeof img);
	dsb_lv7_walk_feed(&walker, img + CB4, sizeof img - CB4);
	dsb_lv7_walk_finish(&walker, false);
	CU_ASSERT_TRUE(walker.sum.clean);
	CU_ASSERT_EQUAL(walker.sum.last_isec, 1);
	CU_ASSERT_EQUAL(walker.sum.last_ib, 0);
	CU_ASSERT_EQUAL(walker.sum.data_end, CB4 + 22 + 3000);
	CU_ASSERT_EQUAL(walker.sum.counts.empty, 2);
	CU_ASSERT_EQUAL(walker.sum.shadow, DSB_LV7_SHADOW_ABSENT);
}

/* Random damage of many shapes: never a crash, the same result in every
 * block size, counts that add up. */
static void test_lv7_random_damage(void)
{
	static uint8_t img[FILE_SIZE];
	unsigned bad = 0, clean = 0;
	for (int round = 0; round < 300; round++) {
		build(img, chain4, NREC, round % 2 == 0);
		lcg = 1000u + (uint32_t)round;
		size_t len = FILE_SIZE;
		int shapes = 1 + rnd8() % 3;
		for (int s = 0; s < shapes; s++) {
			size_t at = DSB_LOG_HDR_SIZE + ((size_t)rnd8() << 8 | rnd8()) % (FILE_SIZE - DSB_LOG_HDR_SIZE);
			switch (rnd8() % 6) {
			case 0: img[at] ^= (uint8_t)(1u << (rnd8() % 8)); break;
			case 1: img[at] = rnd8(); break;
			case 2: memset(img + at, 0, FILE_SIZE - at < 64 ? FILE_SIZE - at : 64); break;
			case 3: {
				size_t sec = at / CB * CB;
				memset(img + sec, rnd8(), CB);
				break;
			}
			case 4: put_pattern(img, at / CB * CB, at / CB * CB + CB); break;
			default: len = at; break;
			}
		}
		struct dsb_lv7_summary a = walk(img, len, FILE_SIZE, 4096);
		struct dsb_lv7_summary b = walk(img, len, FILE_SIZE, 1);
		struct dsb_lv7_summary c = walk(img, len, FILE_SIZE, 65536);
		struct dsb_lv7_summary d = walk(img, len, FILE_SIZE, 333);
		bad += !same(&a, &b) || !same(&a, &c) || !same(&a, &d);
		const struct dsb_log_seg_counts *n = &a.counts;
		bad += a.clean && (a.have_problem || a.truncated || n->bad);
		bad += n->corrected != 0 || n->unread != 0 || n->shadow > 2;
		bad += n->valid + n->empty + n->bad + n->shadow > BODY_SECS;
		bad += a.have_problem != (n->bad > 0);
		bad += a.torn && a.end != DSB_LV7_END_TORN && a.end != DSB_LV7_END_TORN_SHADOW;
		clean += a.clean;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(clean < 150);
}

/* ---- 64 MiB through the walker ------------------------------------------------ */

static long max_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A 64 MiB body made flush by flush (8-sector flushes with the short
 * checksum, then a single-sector final flush, its shadow and pattern),
 * fed in 64 KiB-ish pieces as it is made: the walker's memory must not
 * grow with it. */
static void test_lv7_big_stream(void)
{
	enum { FLUSH = 8 * CB, NFLUSH = (64 << 20) / FLUSH, TAIL = 16 };
	const uint64_t body = (uint64_t)NFLUSH * FLUSH + (uint64_t)TAIL * CB;
	const uint64_t fsize = DSB_LOG_HDR_SIZE + body;
	static uint8_t buf[FLUSH];
	long rss0 = max_rss_kib();
	dsb_lv7_walk_init(&walker, GEN7, CB, fsize);
	lcg = 3;
	struct timespec t0, t1;
	double walk_s = 0;
	for (unsigned f = 0; f < NFLUSH; f++) {
		put_random(buf, FLUSH);
		put_rec(buf, 0, 0, 0, FLUSH - 22, FLUSH - 22, true);
		stamp(buf, 0, 0, GEN7, false);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		dsb_lv7_walk_feed(&walker, buf, 1000);
		dsb_lv7_walk_feed(&walker, buf + 1000, FLUSH - 1000);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		walk_s += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	}
	/* The final flush, its shadow, and the pattern. */
	static uint8_t tail[TAIL * CB];
	lcg = 4;
	put_random(tail, CB);
	put_rec(tail, 0, 0, 0, 100, 0, false);
	stamp(tail, 0, 0, GEN7, false);
	memcpy(tail + CB, tail, CB);
	stamp(tail, CB, 0, GEN7, true);
	put_pattern(tail, 2 * CB, sizeof tail);   /* offsets here are 512-aligned as in the file */
	dsb_lv7_walk_feed(&walker, tail, sizeof tail);
	dsb_lv7_walk_finish(&walker, false);
	long rss1 = max_rss_kib();
	const struct dsb_lv7_summary *m = &walker.sum;
	CU_ASSERT_TRUE(m->clean);
	CU_ASSERT_EQUAL(m->counts.valid, NFLUSH + 1);
	CU_ASSERT_EQUAL(m->multi_sector, NFLUSH);
	CU_ASSERT_EQUAL(m->shadow, DSB_LV7_SHADOW_CURRENT);
	CU_ASSERT_EQUAL(m->counts.empty, TAIL - 2);
	CU_ASSERT_EQUAL(m->last_offset, DSB_LOG_HDR_SIZE + (uint64_t)NFLUSH * FLUSH);
	CU_ASSERT(rss1 - rss0 < 1024);
	printf("\n    v7 walker: 64 MiB body, %u records, %.0f MiB/s, max RSS %ld -> %ld KiB\n",
	       NFLUSH + 1, walk_s > 0 ? 64.0 / walk_s : 0.0, rss0, rss1);
}

static const struct dsb_test lv7_tests[] = {
	{ "LRCHECKSUM layout and names", test_lv7_layout },
	{ "checksums against the byte-by-byte reference", test_lv7_checksum_naive },
	{ "a valid chain in every block size", test_lv7_chain_valid },
	{ "FValidLRCKRecord, one rule at a time", test_lv7_rules },
	{ "near-identical records that keep the rules", test_lv7_rule_twins },
	{ "regression: the end-of-file rule near 2^64", test_lv7_past_eof_wrap },
	{ "a bit flipped at every byte", test_lv7_bitflips },
	{ "bytes, blocks and sectors damaged", test_lv7_damage_shapes },
	{ "torn writes against corruption", test_lv7_torn_vs_corrupt },
	{ "an old shadow after a full final flush", test_lv7_old_shadow },
	{ "truncation everywhere", test_lv7_truncation },
	{ "sector sizes", test_lv7_sector_sizes },
	{ "random damage", test_lv7_random_damage },
	{ "64 MiB streamed in constant memory", test_lv7_big_stream },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "v7 log body (REF 3.5)", lv7_tests },
};

DSB_TEST_MAIN(suites)
