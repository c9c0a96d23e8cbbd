/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The XE checksum's kernels (format/ese_checksum.c) against REF §2.4 as
 * written: xe_reference below is the pseudo-code of §2.4 word by word, a
 * parity per row, kept here so that the fast kernels (a closed form of the
 * row-index term, 64-bit and AVX2 accumulators) are held to the definition
 * rather than to each other.  Every block size from 16 bytes to 8 KiB, both
 * header_block values, many pgnos and contents (random, sparse, zeros,
 * ones, unaligned), and every single-bit flip of a few blocks, which
 * dsb_ese_ecc_locate must still place.
 */
#include <stdlib.h>
#include <string.h>

#include "format/ese.h"

#include "cunit_main.h"

static uint32_t ref_word(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t ref_parity(uint32_t x)
{
	uint32_t n = 0;
	for (; x; x &= x - 1)
		n++;
	return n & 1u;
}

/* REF §2.4, "New format, one block", line by line. */
static uint64_t xe_reference(const uint8_t *blk, size_t cb, uint32_t pgno, bool header_block)
{
	uint32_t p = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0, idx = 0xFF800000u;
	for (size_t r = 0; r < cb / 16; r++) {
		uint32_t w[4];
		for (unsigned i = 0; i < 4; i++)
			w[i] = header_block && r == 0 && i < 2 ? 0 : ref_word(blk + 16 * r + 4 * i);
		p0 ^= w[0];
		p1 ^= w[1];
		p2 ^= w[2];
		p3 ^= w[3];
		if (ref_parity(w[0] ^ w[1] ^ w[2] ^ w[3]) == 1)
			p ^= idx;
		idx += 0xFF800080u;
	}
	if (ref_parity(p0 ^ p1))
		p |= 0x00400000u;
	if (ref_parity(p2 ^ p3))
		p |= 0x00000040u;
	if (ref_parity(p0 ^ p2))
		p |= 0x00200000u;
	if (ref_parity(p1 ^ p3))
		p |= 0x00000020u;
	uint32_t r2 = p0 ^ p1 ^ p2 ^ p3;
	uint32_t rr = 0, j = 0xFFFF0000u;
	for (unsigned b = 0; b < 32; b++) {
		if (r2 & (1u << b))
			rr ^= j;
		j += 0xFFFF0001u;
	}
	uint32_t mask = (uint32_t)((uint64_t)cb << 19) - 1u;
	uint32_t ecc = (p & 0xFFE0FFE0u & mask) | (rr & 0x001F001Fu);
	return (uint64_t)ecc << 32 | (r2 ^ pgno);
}

/* splitmix64: a fixed seed, so a failure repeats. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

enum fill { FILL_RANDOM, FILL_SPARSE, FILL_ZERO, FILL_ONES, FILL_COUNT };

static void fill(uint8_t *p, size_t n, enum fill how)
{
	for (size_t i = 0; i < n; i++) {
		switch (how) {
		case FILL_RANDOM: p[i] = (uint8_t)rng(); break;
		case FILL_SPARSE: p[i] = rng() % 61 == 0 ? (uint8_t)(1u << (rng() % 8)) : 0; break;
		case FILL_ZERO: p[i] = 0; break;
		default: p[i] = 0xFF; break;
		}
	}
}

static const enum dsb_ese_xe_kernel kernels[] = {
	DSB_ESE_XE_AUTO, DSB_ESE_XE_PORTABLE, DSB_ESE_XE_AVX2,
};

/* Every kernel this machine has agrees with the reference on blk; returns
 * the number of kernels that ran (AUTO and PORTABLE always do). */
static unsigned check_all_kernels(const uint8_t *blk, size_t cb, uint32_t pgno, bool hb)
{
	uint64_t want = xe_reference(blk, cb, pgno, hb);
	unsigned ran = 0;
	CU_ASSERT_EQUAL(dsb_ese_checksum_xe(blk, cb, pgno, hb), want);
	for (size_t k = 0; k < sizeof(kernels) / sizeof(kernels[0]); k++) {
		uint64_t got = ~want;
		if (!dsb_ese_checksum_xe_kernel(kernels[k], blk, cb, pgno, hb, &got))
			continue;
		ran++;
		if (got != want) {
			CU_FAIL("a kernel differs from REF §2.4");
			fprintf(stderr, "kernel %d cb %zu pgno %u hb %d: %016llx, want %016llx\n",
				(int)kernels[k], cb, pgno, hb, (unsigned long long)got,
				(unsigned long long)want);
			return ran;
		}
	}
	return ran;
}

static void test_every_size_and_fill(void)
{
	rng_state = 1;
	uint8_t *buf = malloc(8192 + 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (size_t cb = 16; cb <= 8192; cb += 16) {
		for (int how = 0; how < FILL_COUNT; how++) {
			/* Odd offsets: the kernels load unaligned words. */
			uint8_t *blk = buf + (cb / 16) % 8;
			fill(blk, cb, (enum fill)how);
			uint32_t pgno = (uint32_t)rng();
			CU_ASSERT(check_all_kernels(blk, cb, pgno, false) >= 2);
			CU_ASSERT(check_all_kernels(blk, cb, pgno ^ 0x5A5Au, true) >= 2);
		}
	}
	free(buf);
}

static void test_many_random_blocks(void)
{
	/* The block sizes ESE uses, many contents and pgnos each, with the
	 * pgnos of the edges (0, 1, all ones). */
	static const size_t sizes[] = { 1024, 2048, 4096, 8192 };
	static const uint32_t edge_pgnos[] = { 0, 1, 0xFFFFFFFFu, 0x80000000u };
	rng_state = 2;
	uint8_t *blk = malloc(8192);
	CU_ASSERT_PTR_NOT_NULL_FATAL(blk);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (unsigned n = 0; n < 200; n++) {
			fill(blk, sizes[s], n % 3 ? FILL_RANDOM : FILL_SPARSE);
			uint32_t pgno = n < 4 ? edge_pgnos[n] : (uint32_t)rng();
			check_all_kernels(blk, sizes[s], pgno, n % 2 == 0);
		}
	}
	free(blk);
}

static void test_larger_than_ese_blocks(void)
{
	/* Past 8 KiB (never an ESE block) the row index overflows its half
	 * word and the checksum takes the row-by-row form: still REF §2.4. */
	static const size_t sizes[] = { 8192 + 16, 12288, 16384, 32768 };
	rng_state = 3;
	uint8_t *blk = malloc(32768);
	CU_ASSERT_PTR_NOT_NULL_FATAL(blk);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		fill(blk, sizes[s], FILL_RANDOM);
		check_all_kernels(blk, sizes[s], 77, false);
		check_all_kernels(blk, sizes[s], 78, true);
	}
	free(blk);
}

static void test_not_a_block(void)
{
	uint8_t blk[32] = { 1, 2, 3 };
	uint64_t out = 1;
	CU_ASSERT_EQUAL(dsb_ese_checksum_xe(blk, 0, 5, false), 0);
	CU_ASSERT_EQUAL(dsb_ese_checksum_xe(blk, 8, 5, false), 0);
	CU_ASSERT_EQUAL(dsb_ese_checksum_xe(blk, 24, 5, false), 0);
	CU_ASSERT_TRUE(dsb_ese_checksum_xe_kernel(DSB_ESE_XE_PORTABLE, blk, 24, 5, false, &out));
	CU_ASSERT_EQUAL(out, 0);
	/* One row: the smallest block, all in the tail loop. */
	CU_ASSERT_EQUAL(dsb_ese_checksum_xe(blk, 16, 5, false), xe_reference(blk, 16, 5, false));
}

/* Every bit of the block flipped in turn: the kernels agree with the
 * reference on the damaged block, and the ECC places the bit.  In a header
 * block the first 64 bits are the stored checksum, outside the sum. */
static void flip_every_bit(size_t cb, bool hb, enum fill how)
{
	uint8_t *blk = malloc(cb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(blk);
	fill(blk, cb, how);
	uint32_t pgno = (uint32_t)rng();
	uint64_t good = xe_reference(blk, cb, pgno, hb);
	unsigned located = 0, unchanged = 0, wrong = 0;
	for (uint32_t bit = 0; bit < 8 * cb; bit++) {
		blk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		uint64_t bad = dsb_ese_checksum_xe(blk, cb, pgno, hb);
		/* The reference on a sample of positions (every one would take
		 * seconds); the kernels against each other on all of them. */
		if (bit % 61 == 0 || bit < 192 || bit >= 8 * cb - 192)
			check_all_kernels(blk, cb, pgno, hb);
		uint64_t portable = 0;
		CU_ASSERT_TRUE(dsb_ese_checksum_xe_kernel(DSB_ESE_XE_PORTABLE, blk, cb, pgno, hb,
							  &portable));
		if (portable != bad)
			wrong++;
		uint32_t at = ~0u;
		if (hb && bit < 64)
			unchanged += bad == good;
		else if (dsb_ese_ecc_locate(good, bad, cb, hb, &at) && at == bit)
			located++;
		blk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(unchanged, hb ? 64u : 0u);
	CU_ASSERT_EQUAL(located, 8 * cb - (hb ? 64u : 0u));
	free(blk);
}

static void test_single_bit_flips_located(void)
{
	rng_state = 4;
	flip_every_bit(1024, false, FILL_RANDOM);
	flip_every_bit(1024, true, FILL_SPARSE);
	flip_every_bit(4096, true, FILL_RANDOM);
	flip_every_bit(8192, false, FILL_RANDOM);
	flip_every_bit(8192, true, FILL_ZERO);
}

static void test_stamped_pages_verify(void)
{
	/* The kernels behind the page checks: a stamped page of every size
	 * verifies, and its block checksums are the reference's. */
	static const size_t sizes[] = { 2048, 4096, 8192, 16384, 32768 };
	rng_state = 5;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t cb = sizes[s];
		uint8_t *p = malloc(cb);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		fill(p, cb, FILL_RANDOM);
		p[DSB_ESE_PG_FLAGS_OFF + 1] |= (uint8_t)(DSB_ESE_PF_NEW_CHECKSUM >> 8);
		dsb_ese_page_stamp(p, cb, 1234);
		struct dsb_ese_page_check ck;
		dsb_ese_page_verify(p, cb, 1234, &ck);
		CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_OK);
		size_t bs = cb > DSB_ESE_SMALL_PAGE_MAX ? cb / 4 : cb;
		uint64_t stored0 = 0;
		memcpy(&stored0, p, 8);
		CU_ASSERT_EQUAL(stored0, xe_reference(p, bs, 1234, true));
		free(p);
	}
}

static const struct dsb_test checksum_tests[] = {
	{ "every block size 16 B..8 KiB, four fills, both block kinds", test_every_size_and_fill },
	{ "many random blocks of 1-8 KiB against REF 2.4", test_many_random_blocks },
	{ "blocks past 8 KiB take the row-by-row form", test_larger_than_ese_blocks },
	{ "lengths that are not blocks", test_not_a_block },
	{ "every single-bit flip: same value, ECC locates it", test_single_bit_flips_located },
	{ "stamped pages of every size verify", test_stamped_pages_verify },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "XE checksum kernels", checksum_tests },
};

DSB_TEST_MAIN(suites)
