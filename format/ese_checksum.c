/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ESE checksums (REF §1.4, §2.4) and single-bit error location (§2.5).
 *
 * This is the one place in format/ that does not read through the cursor:
 * the kernels run over every byte of a multi-gigabyte database, so they
 * validate the block length once (a positive multiple of 16 within the
 * buffer the caller owns) and then load whole aligned-size words with
 * memcpy.  Every other read of page bytes goes through format/cursor.h.
 */
#include "format/ese.h"

#include <string.h>

#include "format/cursor.h"
#include "lib/le.h"


static inline void store_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void store_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline unsigned parity32(uint32_t x)
{
	return (unsigned)__builtin_parity(x);
}

/* XOR of all little-endian u32 words of buf, len a multiple of 8: the
 * 64-bit accumulator folds to the 32-bit XOR at the end. */
static uint32_t xor32_all(const uint8_t *buf, size_t len)
{
	uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
	size_t i = 0;
	for (; i + 32 <= len; i += 32) {
		a0 ^= dsb_load_le64(buf + i);
		a1 ^= dsb_load_le64(buf + i + 8);
		a2 ^= dsb_load_le64(buf + i + 16);
		a3 ^= dsb_load_le64(buf + i + 24);
	}
	for (; i + 8 <= len; i += 8)
		a0 ^= dsb_load_le64(buf + i);
	uint64_t a = a0 ^ a1 ^ a2 ^ a3;
	return (uint32_t)a ^ (uint32_t)(a >> 32);
}

uint32_t dsb_ese_header_checksum(const uint8_t *buf, size_t len)
{
	if (len < 8 || len % 8)
		return 0;
	/* XOR32 from offset 4 = XOR of every word, minus (XOR) word 0. */
	return DSB_ESE_MAGIC ^ xor32_all(buf, len) ^ dsb_load_le32(buf);
}

uint64_t dsb_ese_checksum_old(const uint8_t *page, size_t cb, uint32_t pgno)
{
	return (uint64_t)pgno << 32 | dsb_ese_header_checksum(page, cb);
}

uint32_t dsb_ese_checksum_xe_xor(const uint8_t *blk, size_t cb, uint32_t pgno, bool header_block)
{
	if (cb < 16 || cb % 16)
		return 0;
	uint32_t x = xor32_all(blk, cb);
	if (header_block)
		x ^= dsb_load_le32(blk) ^ dsb_load_le32(blk + 4);
	return x ^ pgno;
}

/*
 * The XE checksum (REF §2.4), computed in one pass without a parity per row.
 *
 * REF §2.4 reads the block as rows of four u32 words (16 bytes).  The row
 * XORs give the four column words; and every row of odd parity XORs its
 * index word idx_r = 0xFF800000 + r * 0xFF800080 into p.  For r < 512 (a
 * block of at most 8 KiB) the low half of idx_r is r << 7 and the high half
 * is 0xFF80 ^ (r << 7), so p depends only on
 *
 *   c = the number of odd rows, mod 2      = parity of all the data
 *   R = the XOR of the indices of odd rows
 *
 *   p = (c ? 0xFF800000 : 0) ^ (R << 23) ^ (R << 7)
 *
 * and bit k of R is the parity of the XOR of every row whose index has
 * bit k set (parity is linear).  So the kernels only XOR whole rows into a
 * few accumulators: all rows (the columns), and one per low index bit; the
 * high index bits are shared by a whole group of rows and take one parity
 * per group.
 */

/* What a kernel yields for rows [0, rows): the columns as two u64 (w0 | w1
 * << 32, w2 | w3 << 32) and R.  Row 0 is taken whole; the header block's
 * exclusion is applied after (row 0 has index 0 and adds nothing to R). */
struct xe_sums {
	uint64_t ca, cc;
	uint32_t rodd;
};

/* The largest block whose row indices stay below 512: the closed form of p
 * above holds up to there.  Larger blocks (never an ESE block) take the
 * row-by-row form of REF §2.4. */
#define XE_FAST_MAX 8192u

static inline unsigned parity64(uint64_t x)
{
	return (unsigned)__builtin_parityll(x);
}

/* Rows [from, rows) one at a time: a kernel's tail, and short blocks. */
static void xe_rows_each(const uint8_t *blk, size_t from, size_t rows, struct xe_sums *s)
{
	for (size_t r = from; r < rows; r++) {
		uint64_t lo = dsb_load_le64(blk + 16 * r), hi = dsb_load_le64(blk + 16 * r + 8);
		s->ca ^= lo;
		s->cc ^= hi;
		s->rodd ^= (uint32_t)r & (0u - parity64(lo ^ hi));
	}
}

/* Portable kernel: groups of 8 rows.  Within a group the index bits 0-2
 * select rows by a fixed pattern (an XOR tree); bits 3 and up are the
 * group's own, taken once from the group's parity. */
static void xe_sums_portable(const uint8_t *blk, size_t rows, struct xe_sums *s)
{
	uint64_t ca = 0, b0 = 0, b1 = 0, b2 = 0, all = 0;
	uint32_t rodd = 0;
	size_t r = 0;
	for (; r + 8 <= rows; r += 8) {
		const uint8_t *q = blk + 16 * r;
		uint64_t l[8], x[8];
		for (unsigned i = 0; i < 8; i++) {
			l[i] = dsb_load_le64(q + 16 * i);
			x[i] = l[i] ^ dsb_load_le64(q + 16 * i + 8);   /* the row, folded: same parity */
		}
		uint64_t x01 = x[0] ^ x[1], x23 = x[2] ^ x[3], x45 = x[4] ^ x[5], x67 = x[6] ^ x[7];
		uint64_t g = x01 ^ x23 ^ x45 ^ x67;
		b0 ^= x[1] ^ x[3] ^ x[5] ^ x[7];
		b1 ^= x23 ^ x67;
		b2 ^= x45 ^ x67;
		all ^= g;
		ca ^= l[0] ^ l[1] ^ l[2] ^ l[3] ^ l[4] ^ l[5] ^ l[6] ^ l[7];
		rodd ^= (uint32_t)r & (0u - parity64(g));
	}
	s->ca = ca;
	s->cc = ca ^ all;   /* all = XOR of every lo ^ hi */
	s->rodd = rodd | parity64(b0) | parity64(b1) << 1 | parity64(b2) << 2;
	xe_rows_each(blk, r, rows, s);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define XE_HAVE_AVX2 1

__attribute__((target("avx2")))
static inline unsigned parity256(__m256i v)
{
	__m128i h = _mm_xor_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
	return parity64((uint64_t)_mm_cvtsi128_si64(h) ^ (uint64_t)_mm_extract_epi64(h, 1));
}

__attribute__((target("avx2")))
static inline __m256i load256(const uint8_t *p)
{
	return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

/* AVX2 kernel: a 32-byte load is two rows, the odd one in the high lane,
 * so index bit 0 is the high lane of the all-rows accumulator; groups of
 * 16 rows (8 loads) give bits 1-3 by the XOR tree and bits 4 and up from
 * the group's parity. */
__attribute__((target("avx2")))
static void xe_sums_avx2(const uint8_t *blk, size_t rows, struct xe_sums *s)
{
	__m256i all = _mm256_setzero_si256(), b1 = all, b2 = all, b3 = all;
	uint32_t rodd = 0;
	size_t r = 0;
	for (; r + 16 <= rows; r += 16) {
		const uint8_t *q = blk + 16 * r;
		/* Eight named loads, not an array: gcc 12 copies an array of
		 * unaligned vectors through the stack in 16-byte halves. */
		__m256i v0 = load256(q), v1 = load256(q + 32), v2 = load256(q + 64);
		__m256i v3 = load256(q + 96), v4 = load256(q + 128), v5 = load256(q + 160);
		__m256i v6 = load256(q + 192), v7 = load256(q + 224);
		__m256i v01 = _mm256_xor_si256(v0, v1), v23 = _mm256_xor_si256(v2, v3);
		__m256i v45 = _mm256_xor_si256(v4, v5), v67 = _mm256_xor_si256(v6, v7);
		__m256i hi4 = _mm256_xor_si256(v45, v67);
		__m256i g = _mm256_xor_si256(_mm256_xor_si256(v01, v23), hi4);
		b1 = _mm256_xor_si256(b1, _mm256_xor_si256(_mm256_xor_si256(v1, v3),
							    _mm256_xor_si256(v5, v7)));
		b2 = _mm256_xor_si256(b2, _mm256_xor_si256(v23, v67));
		b3 = _mm256_xor_si256(b3, hi4);
		all = _mm256_xor_si256(all, g);
		rodd ^= (uint32_t)r & (0u - parity256(g));
	}
	__m128i even = _mm256_castsi256_si128(all), odd = _mm256_extracti128_si256(all, 1);
	__m128i cols = _mm_xor_si128(even, odd);
	s->ca = (uint64_t)_mm_cvtsi128_si64(cols);
	s->cc = (uint64_t)_mm_extract_epi64(cols, 1);
	unsigned bit0 = parity64((uint64_t)_mm_cvtsi128_si64(odd) ^ (uint64_t)_mm_extract_epi64(odd, 1));
	s->rodd = rodd | bit0 | parity256(b1) << 1 | parity256(b2) << 2 | parity256(b3) << 3;
	xe_rows_each(blk, r, rows, s);
}
#endif

/* REF §2.4 as written, row by row: for blocks past XE_FAST_MAX only. */
static uint32_t xe_p_rowwise(const uint8_t *blk, size_t rows, bool header_block)
{
	uint32_t p = 0, idx = 0xFF800000u;
	for (size_t r = 0; r < rows; r++) {
		uint64_t lo = r == 0 && header_block ? 0 : dsb_load_le64(blk + 16 * r);
		p ^= idx & (0u - parity64(lo ^ dsb_load_le64(blk + 16 * r + 8)));
		idx += 0xFF800080u;
	}
	return p;
}

static bool xe_kernel_available(enum dsb_ese_xe_kernel k)
{
	switch (k) {
	case DSB_ESE_XE_AUTO:
	case DSB_ESE_XE_PORTABLE:
		return true;
	case DSB_ESE_XE_AVX2:
#ifdef XE_HAVE_AVX2
		return __builtin_cpu_supports("avx2");
#else
		return false;
#endif
	}
	return false;
}

static uint64_t xe_compute(enum dsb_ese_xe_kernel k, const uint8_t *blk, size_t cb,
			   uint32_t pgno, bool header_block)
{
	size_t rows = cb / 16;
	struct xe_sums s = { 0, 0, 0 };
	if (cb > XE_FAST_MAX)
		k = DSB_ESE_XE_PORTABLE;
#ifdef XE_HAVE_AVX2
	if (k == DSB_ESE_XE_AUTO)
		k = __builtin_cpu_supports("avx2") ? DSB_ESE_XE_AVX2 : DSB_ESE_XE_PORTABLE;
	if (k == DSB_ESE_XE_AVX2)
		xe_sums_avx2(blk, rows, &s);
	else
#endif
		xe_sums_portable(blk, rows, &s);
	if (header_block)
		s.ca ^= dsb_load_le64(blk);

	uint32_t p0 = (uint32_t)s.ca, p1 = (uint32_t)(s.ca >> 32);
	uint32_t p2 = (uint32_t)s.cc, p3 = (uint32_t)(s.cc >> 32);
	uint32_t r2 = p0 ^ p1 ^ p2 ^ p3;
	uint32_t p;
	if (cb <= XE_FAST_MAX)
		p = ((0u - parity32(r2)) & 0xFF800000u) ^ s.rodd << 23 ^ s.rodd << 7;
	else
		p = xe_p_rowwise(blk, rows, header_block);
	if (parity32(p0 ^ p1))
		p |= 0x00400000u;
	if (parity32(p2 ^ p3))
		p |= 0x00000040u;
	if (parity32(p0 ^ p2))
		p |= 0x00200000u;
	if (parity32(p1 ^ p3))
		p |= 0x00000020u;

	/* REF §2.4 XORs j_b = 0xFFFF0000 + b * 0xFFFF0001 over the set bits b
	 * of r2.  For b < 32, j_b is ~b << 16 | b (16-bit halves), so the XOR
	 * is B in the low half and B, inverted when r2 has an odd number of
	 * ones, in the high half, B being the XOR of the set bit positions:
	 * bit k of B is the parity of the bits of r2 whose position has bit k. */
	static const uint32_t pos_bit[5] = {
		0xAAAAAAAAu, 0xCCCCCCCCu, 0xF0F0F0F0u, 0xFF00FF00u, 0xFFFF0000u,
	};
	_Static_assert(sizeof(pos_bit) / sizeof(pos_bit[0]) == 5,
		       "a bit position of a u32 has five bits");
	uint32_t bpos = 0;
	for (unsigned b = 0; b < 5; b++)
		bpos |= parity32(r2 & pos_bit[b]) << b;
	uint32_t rr = bpos | (bpos ^ ((0u - parity32(r2)) & 0x1Fu)) << 16;
	/* 8192 << 19 is 2^32: the mask is all ones for 8 KiB blocks. */
	uint32_t mask = (uint32_t)((uint64_t)cb << 19) - 1u;
	uint32_t ecc = (p & 0xFFE0FFE0u & mask) | (rr & 0x001F001Fu);
	return (uint64_t)ecc << 32 | (r2 ^ pgno);
}

uint64_t dsb_ese_checksum_xe(const uint8_t *blk, size_t cb, uint32_t pgno, bool header_block)
{
	if (cb < 16 || cb % 16)
		return 0;
	return xe_compute(DSB_ESE_XE_AUTO, blk, cb, pgno, header_block);
}

bool dsb_ese_checksum_xe_kernel(enum dsb_ese_xe_kernel k, const uint8_t *blk, size_t cb,
				uint32_t pgno, bool header_block, uint64_t *out)
{
	if (!xe_kernel_available(k))
		return false;
	*out = cb < 16 || cb % 16 ? 0 : xe_compute(k, blk, cb, pgno, header_block);
	return true;
}

bool dsb_ese_ecc_locate(uint64_t stored, uint64_t computed, size_t block_cb,
			bool header_block, uint32_t *bit)
{
	uint32_t d = (uint32_t)(stored >> 32) ^ (uint32_t)(computed >> 32);
	uint32_t dx = (uint32_t)stored ^ (uint32_t)computed;
	uint32_t m = (uint32_t)(block_cb * 8 - 1);
	if (block_cb < 1024 || block_cb > 8192)
		return false;
	if ((((d >> 16) ^ d) & m) != m || __builtin_popcount(dx) != 1)
		return false;
	uint32_t ibit = d & 0xFFFFu;
	if (ibit >= 8 * block_cb)
		return false;
	/* The first 8 bytes of a header block are the stored checksum, which
	 * the computation excludes: a "location" there is not a data bit. */
	if (header_block && ibit < 64)
		return false;
	*bit = ibit;
	return true;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	uint64_t acc = 0;
	for (size_t i = 0; i + 8 <= len; i += 8)
		acc |= dsb_load_le64(p + i);
	return acc == 0;
}

static uint32_t page_flags(const uint8_t *page, size_t cb)
{
	struct dsb_cursor c = dsb_cursor_make(page, cb);
	uint32_t f = 0;
	(void)dsb_peek_le32(&c, DSB_ESE_PG_FLAGS_OFF, &f);
	return f;
}

static bool uses_new_format(const uint8_t *page, size_t cb)
{
	return cb > DSB_ESE_SMALL_PAGE_MAX || (page_flags(page, cb) & DSB_ESE_PF_NEW_CHECKSUM);
}

/* Stored and computed checksums of every block of a page. */
struct blocks {
	unsigned n;
	size_t bs;
	uint64_t stored[4], computed[4];
};

static void compute_blocks(const uint8_t *page, size_t cb, uint32_t pgno, struct blocks *b)
{
	if (cb <= DSB_ESE_SMALL_PAGE_MAX) {
		b->n = 1;
		b->bs = cb;
		b->stored[0] = dsb_load_le64(page);
		b->computed[0] = dsb_ese_checksum_xe(page, cb, pgno, true);
		return;
	}
	/* 16 KiB pages are checksummed as four 4 KiB blocks, 32 KiB pages as
	 * four 8 KiB blocks; the checksums of blocks 1-3 sit in block 0 at
	 * 40, 48, 56, so block 0's checksum covers them (REF §2.4). */
	b->n = 4;
	b->bs = cb / 4;
	for (unsigned k = 0; k < 4; k++) {
		b->stored[k] = dsb_load_le64(page + (k ? DSB_ESE_PG_BLOCK_CKSUM_OFF + 8 * (k - 1) : 0));
		b->computed[k] = dsb_ese_checksum_xe(page + k * b->bs, b->bs, pgno, k == 0);
	}
}

static uint32_t stored_pgno_field(const uint8_t *page, size_t cb)
{
	return cb > DSB_ESE_SMALL_PAGE_MAX ? dsb_load_le32(page + DSB_ESE_PG_PGNO_OFF) : 0;
}

/* Does the page verify as pgno?  No diagnosis: used to confirm a located
 * bit after flipping it in a copy. */
static bool page_ok(const uint8_t *page, size_t cb, uint32_t pgno)
{
	if (!uses_new_format(page, cb))
		return dsb_load_le64(page) == dsb_ese_checksum_old(page, cb, pgno);
	struct blocks b;
	compute_blocks(page, cb, pgno, &b);
	for (unsigned k = 0; k < b.n; k++)
		if (b.stored[k] != b.computed[k])
			return false;
	return cb <= DSB_ESE_SMALL_PAGE_MAX || stored_pgno_field(page, cb) == pgno;
}

static bool flip_fixes(const uint8_t *page, size_t cb, uint32_t pgno, uint32_t bit)
{
	uint8_t tmp[DSB_ESE_PAGE_MAX];
	if (cb > sizeof(tmp) || bit / 8 >= cb)
		return false;
	memcpy(tmp, page, cb);
	tmp[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	return page_ok(tmp, cb, pgno);
}

/* Byte offset, within the page, of block k's stored checksum. */
static size_t stored_at(unsigned k)
{
	return k ? DSB_ESE_PG_BLOCK_CKSUM_OFF + 8 * (k - 1) : 0;
}

static void diagnose_new(const uint8_t *page, size_t cb, uint32_t pgno,
			 const struct blocks *b, struct dsb_ese_page_check *out)
{
	/* A valid page written for another pgno: every block's ECC matches
	 * and every XOR half is off by the same pgno difference, and on a
	 * 16/32 KiB page the stored pgno names that other page.  The ECC half
	 * does not depend on the pgno, so equal ECC halves alone are no proof:
	 * a byte inverted at a 4-aligned offset leaves them equal and moves
	 * the XOR half by 0xFF.  On pages of 8 KiB or less nothing in the page
	 * settles it; the stream asks the page at that pgno at finish
	 * (verify/ese/ese_diag.c). */
	bool misplaced = true;
	uint32_t delta = 0;
	for (unsigned k = 0; k < b->n; k++) {
		uint32_t dx = (uint32_t)b->stored[k] ^ (uint32_t)b->computed[k];
		if ((b->stored[k] >> 32) != (b->computed[k] >> 32) || dx == 0 ||
		    (k > 0 && dx != delta))
			misplaced = false;
		delta = dx;
	}
	if (misplaced && cb > DSB_ESE_SMALL_PAGE_MAX && stored_pgno_field(page, cb) != (pgno ^ delta))
		misplaced = false;
	if (misplaced) {
		out->status = DSB_ESE_PAGE_MISPLACED;
		out->actual_pgno = pgno ^ delta;
		/* With one block and a one-bit difference, a flipped bit in the
		 * stored XOR half explains the bytes just as well (REF §2.5);
		 * the caller says both. */
		if (b->n == 1 && __builtin_popcount(delta) == 1) {
			out->or_bitflip = true;
			out->bit = (uint32_t)__builtin_ctz(delta);
			out->bit_in_checksum = true;
		}
		return;
	}

	for (unsigned k = 0; k < b->n; k++) {
		if (b->stored[k] == b->computed[k])
			continue;
		uint32_t bit;
		uint64_t diff = b->stored[k] ^ b->computed[k];
		if (dsb_ese_ecc_locate(b->stored[k], b->computed[k], b->bs, k == 0, &bit)) {
			uint32_t pbit = (uint32_t)(k * b->bs * 8) + bit;
			if (flip_fixes(page, cb, pgno, pbit)) {
				out->status = DSB_ESE_PAGE_BITFLIP;
				out->bit = pbit;
				out->bit_in_checksum = cb > DSB_ESE_SMALL_PAGE_MAX &&
					pbit / 8 >= DSB_ESE_PG_BLOCK_CKSUM_OFF &&
					pbit / 8 < DSB_ESE_PG_PGNO_OFF;
				return;
			}
		}
		if (__builtin_popcountll(diff) == 1) {
			/* The data agrees with itself; the stored value lost a bit. */
			uint32_t pbit = (uint32_t)(stored_at(k) * 8) + (uint32_t)__builtin_ctzll(diff);
			if (flip_fixes(page, cb, pgno, pbit)) {
				out->status = DSB_ESE_PAGE_BITFLIP;
				out->bit = pbit;
				out->bit_in_checksum = true;
				return;
			}
		}
	}
	out->status = DSB_ESE_PAGE_MISMATCH;
}

void dsb_ese_page_verify(const uint8_t *page, size_t cb, uint32_t pgno,
			 struct dsb_ese_page_check *out)
{
	memset(out, 0, sizeof(*out));
	if (cb < DSB_ESE_PAGE_MIN || cb > DSB_ESE_PAGE_MAX || cb % 16) {
		out->status = DSB_ESE_PAGE_MISMATCH;
		return;
	}
	if (dsb_load_le64(page) == 0 && all_zero(page, cb)) {
		out->status = DSB_ESE_PAGE_UNINIT;
		return;
	}
	out->new_format = uses_new_format(page, cb);
	if (!out->new_format) {
		out->nblocks = 1;
		out->stored = dsb_load_le64(page);
		out->computed = dsb_ese_checksum_old(page, cb, pgno);
		if (out->stored == out->computed) {
			out->status = DSB_ESE_PAGE_OK;
			return;
		}
		out->bad_blocks = 1;
		/* The old format cannot locate a data bit.  It can tell a page
		 * written for another pgno (the XOR agrees, the stored pgno half
		 * does not), and a flipped format flag (byte 37 bit 5): with the
		 * flag restored the page verifies in the new format. */
		uint32_t flag_bit = DSB_ESE_PG_FLAGS_OFF * 8 + 13;
		if ((uint32_t)out->stored == (uint32_t)out->computed) {
			out->status = DSB_ESE_PAGE_MISPLACED;
			out->actual_pgno = (uint32_t)(out->stored >> 32);
		} else if (flip_fixes(page, cb, pgno, flag_bit)) {
			out->status = DSB_ESE_PAGE_BITFLIP;
			out->bit = flag_bit;
		} else {
			out->status = DSB_ESE_PAGE_MISMATCH;
		}
		return;
	}

	struct blocks b;
	compute_blocks(page, cb, pgno, &b);
	out->nblocks = b.n;
	for (unsigned k = 0; k < b.n; k++) {
		if (b.stored[k] != b.computed[k]) {
			if (!out->bad_blocks) {
				out->stored = b.stored[k];
				out->computed = b.computed[k];
			}
			out->bad_blocks |= 1u << k;
		}
	}
	if (!out->bad_blocks) {
		uint32_t field = stored_pgno_field(page, cb);
		if (cb > DSB_ESE_SMALL_PAGE_MAX && field != pgno) {
			out->status = DSB_ESE_PAGE_MISPLACED;
			out->actual_pgno = field;
			out->pgno_field_bad = true;
			return;
		}
		out->status = DSB_ESE_PAGE_OK;
		out->stored = b.stored[0];
		out->computed = b.computed[0];
		return;
	}
	diagnose_new(page, cb, pgno, &b, out);
	if (out->status == DSB_ESE_PAGE_MISMATCH) {
		/* A new-format page whose format flag was cleared reads as old
		 * format and vice versa; try the flag bit itself. */
		uint32_t flag_bit = DSB_ESE_PG_FLAGS_OFF * 8 + 13;
		if (cb <= DSB_ESE_SMALL_PAGE_MAX && flip_fixes(page, cb, pgno, flag_bit)) {
			out->status = DSB_ESE_PAGE_BITFLIP;
			out->bit = flag_bit;
		}
	}
}

void dsb_ese_page_stamp(uint8_t *page, size_t cb, uint32_t pgno)
{
	if (cb < DSB_ESE_PAGE_MIN || cb > DSB_ESE_PAGE_MAX || cb % 16)
		return;
	if (!uses_new_format(page, cb)) {
		store_le32(page + 4, pgno);
		store_le32(page, dsb_ese_header_checksum(page, cb));
		return;
	}
	if (cb <= DSB_ESE_SMALL_PAGE_MAX) {
		store_le64(page, dsb_ese_checksum_xe(page, cb, pgno, true));
		return;
	}
	size_t bs = cb / 4;
	store_le32(page + DSB_ESE_PG_PGNO_OFF, pgno);
	for (unsigned k = 1; k < 4; k++)
		store_le64(page + stored_at(k), dsb_ese_checksum_xe(page + k * bs, bs, pgno, false));
	store_le64(page, dsb_ese_checksum_xe(page, bs, pgno, true));
}

void dsb_ese_header_stamp(uint8_t *page, size_t cb)
{
	if (cb < 8 || cb % 8)
		return;
	store_le32(page, dsb_ese_header_checksum(page, cb));
}
