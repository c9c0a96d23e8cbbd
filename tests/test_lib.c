/* SPDX-License-Identifier: Apache-2.0 */
/* lib/: the shared helpers every layer uses -- string building, hex and
 * the one escape set, the vector, the hash map, the ring -- and
 * dsb_findings_vadd. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fdio.h"
#include "lib/hashmap.h"
#include "lib/hex.h"
#include "lib/ring.h"
#include "lib/strbuf.h"
#include "lib/utf8.h"
#include "lib/vec.h"
#include "verify/findings.h"
#include "tests/cunit_main.h"

/* ---- strbuf --------------------------------------------------------------- */

static void test_strbuf_appends(void)
{
	char b[32];
	struct dsb_strbuf sb;
	dsb_sb_init(&sb, b, sizeof b);
	CU_ASSERT_STRING_EQUAL(b, "");
	CU_ASSERT_EQUAL(dsb_sb_room(&sb), 31);
	dsb_sb_puts(&sb, "line ");
	dsb_sb_printf(&sb, "%d, field %s", 42, "hbc");
	dsb_sb_add(&sb, "; xyz", 3);
	CU_ASSERT_STRING_EQUAL(b, "line 42, field hbc; x");
	CU_ASSERT_EQUAL(sb.n, strlen("line 42, field hbc; x"));
	CU_ASSERT_FALSE(sb.cut);
}

/* Every way of appending stops at the buffer, keeps a NUL, and says so. */
static void test_strbuf_bounded(void)
{
	char b[8];
	struct dsb_strbuf sb;
	dsb_sb_init(&sb, b, sizeof b);
	dsb_sb_printf(&sb, "%s", "0123456789");
	CU_ASSERT_STRING_EQUAL(b, "0123456");
	CU_ASSERT_EQUAL(sb.n, 7);
	CU_ASSERT_TRUE(sb.cut);
	CU_ASSERT_EQUAL(dsb_sb_room(&sb), 0);
	dsb_sb_puts(&sb, "more");
	dsb_sb_printf(&sb, "%d", 1);
	CU_ASSERT_STRING_EQUAL(b, "0123456");

	dsb_sb_init(&sb, b, sizeof b);
	dsb_sb_puts(&sb, "abcd");
	CU_ASSERT_FALSE(sb.cut);
	dsb_sb_add(&sb, "efghij", 6);
	CU_ASSERT_STRING_EQUAL(b, "abcdefg");
	CU_ASSERT_TRUE(sb.cut);

	/* A one-byte buffer holds the empty string and nothing else. */
	char one[1] = { 'x' };
	dsb_sb_init(&sb, one, 1);
	dsb_sb_printf(&sb, "%s", "a");
	CU_ASSERT_EQUAL(one[0], '\0');
	CU_ASSERT_TRUE(sb.cut);
}

/* Exactly full is not cut. */
static void test_strbuf_exact_fit(void)
{
	char b[6];
	struct dsb_strbuf sb;
	dsb_sb_init(&sb, b, sizeof b);
	dsb_sb_printf(&sb, "%s", "ab");
	dsb_sb_add(&sb, "cde", 3);
	CU_ASSERT_STRING_EQUAL(b, "abcde");
	CU_ASSERT_FALSE(sb.cut);
	dsb_sb_add(&sb, "", 0);
	CU_ASSERT_FALSE(sb.cut);
}

/* ---- hex and the escape set -------------------------------------------- */

/* One hex-digit decoder for the three parsers that had their own. */
static void test_hex_digit(void)
{
	const char *digits = "0123456789abcdef", *upper = "ABCDEF";
	for (int i = 0; i < 16; i++)
		CU_ASSERT_EQUAL(dsb_hex_digit((unsigned char)digits[i]), i);
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(dsb_hex_digit((unsigned char)upper[i]), 10 + i);
	unsigned others = 0;
	for (int c = 0; c < 256; c++)
		others += dsb_hex_digit((unsigned char)c) < 0;
	CU_ASSERT_EQUAL(others, 256 - 22);   /* 10 digits, 6 lower, 6 upper */
	CU_ASSERT_EQUAL(dsb_hex_digit('g'), -1);
	CU_ASSERT_EQUAL(dsb_hex_digit('/'), -1);
	CU_ASSERT_EQUAL(dsb_hex_digit(':'), -1);
}

static void test_hex(void)
{
	char out[9];
	static const unsigned char b[] = { 0x00, 0x0f, 0xa5, 0xff };
	dsb_hex(out, b, sizeof b);
	CU_ASSERT_STRING_EQUAL(out, "000fa5ff");
	dsb_hex(out, b, 0);
	CU_ASSERT_STRING_EQUAL(out, "");
}

/* The SHA-256 of "abc" (FIPS 180-2, appendix B.1) through OpenSSL, in the
 * 65-byte form the report holds. */
static void test_sha256_hex(void)
{
	unsigned char d[32];
	unsigned int dl = 0;
	CU_ASSERT_TRUE(EVP_Digest("abc", 3, d, &dl, EVP_sha256(), NULL));
	CU_ASSERT_EQUAL(dl, 32);
	char hex[DSB_SHA256_HEX];
	memset(hex, 'x', sizeof hex);
	dsb_sha256_hex(hex, d);
	CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CU_ASSERT_EQUAL(strlen(hex), 64);
}

/* The set, byte by byte: printable ASCII but '\\' and '"' as itself,
 * everything else \xHH. */
static void test_escape_set(void)
{
	unsigned plain = 0;
	for (unsigned c = 0; c < 256; c++) {
		unsigned char b = (unsigned char)c;
		char out[DSB_ESCAPE_SIZE(1)];
		CU_ASSERT_EQUAL(dsb_escape(out, sizeof out, &b, 1), 1);
		bool want_plain = c >= 0x20 && c <= 0x7e && c != '\\' && c != '"';
		CU_ASSERT_EQUAL(dsb_escape_plain(b), want_plain);
		if (want_plain) {
			plain++;
			CU_ASSERT_EQUAL(strlen(out), 1);
			CU_ASSERT_EQUAL((unsigned char)out[0], c);
		} else {
			char want[8];
			snprintf(want, sizeof want, "\\x%02x", c);
			CU_ASSERT_STRING_EQUAL(out, want);
		}
	}
	CU_ASSERT_EQUAL(plain, 95 - 2);
}

/* Damage of many shapes: a NUL inside, a terminal escape, a bidi override
 * in UTF-8, invalid UTF-8, a quote and a backslash, a fake "\x41". */
static void test_escape_shapes(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
		{ "data/ntds.dit", 13, "data/ntds.dit" },
		{ "a\0b", 3, "a\\x00b" },
		{ "\x1b[31mred", 8, "\\x1b[31mred" },
		{ "x\xe2\x80\xaey", 5, "x\\xe2\\x80\\xaey" },
		{ "\xc3\x28", 2, "\\xc3(" },
		{ "say \"hi\"", 8, "say \\x22hi\\x22" },
		{ "C:\\x41", 6, "C:\\x5cx41" },
		{ "line\nnext\r\x7f", 11, "line\\x0anext\\x0d\\x7f" },
		{ "", 0, "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[64];
		CU_ASSERT_EQUAL(dsb_escape(out, sizeof out, cases[i].in, cases[i].len), cases[i].len);
		CU_ASSERT_STRING_EQUAL(out, cases[i].want);
	}
}

/* A small buffer takes whole escapes only and says how far it got. */
static void test_escape_cut(void)
{
	char out[7];
	/* "ab" (2) + "\x01" (4) = 6 bytes and the NUL: fits exactly. */
	CU_ASSERT_EQUAL(dsb_escape(out, sizeof out, "ab\x01", 3), 3);
	CU_ASSERT_STRING_EQUAL(out, "ab\\x01");
	/* One more byte does not fit. */
	CU_ASSERT_EQUAL(dsb_escape(out, sizeof out, "ab\x01z", 4), 3);
	CU_ASSERT_STRING_EQUAL(out, "ab\\x01");
	/* An escape is never cut in half. */
	CU_ASSERT_EQUAL(dsb_escape(out, sizeof out, "abcd\x01", 5), 4);
	CU_ASSERT_STRING_EQUAL(out, "abcd");
	char one[1] = { 'x' };
	CU_ASSERT_EQUAL(dsb_escape(one, 1, "a", 1), 0);
	CU_ASSERT_EQUAL(one[0], '\0');
	CU_ASSERT_EQUAL(dsb_escape(NULL, 0, "a", 1), 0);
	/* DSB_ESCAPE_SIZE(n) holds any n bytes. */
	unsigned char worst[16];
	memset(worst, 0xff, sizeof worst);
	char big[DSB_ESCAPE_SIZE(16)];
	CU_ASSERT_EQUAL(dsb_escape(big, sizeof big, worst, sizeof worst), 16);
	CU_ASSERT_EQUAL(strlen(big), 64);
}

/* dsb_escape_cut: a name as messages quote it, "..." only when cut; the
 * twin is a name that fits exactly. */
static void test_escape_cut_dots(void)
{
	char out[DSB_ESCAPE_CUT_SIZE(8)];
	CU_ASSERT_STRING_EQUAL(dsb_escape_cut(out, 8, "abcdefgh", 8), "abcdefgh");
	CU_ASSERT_STRING_EQUAL(dsb_escape_cut(out, 8, "abcdefghi", 9), "abcdefgh...");
	CU_ASSERT_STRING_EQUAL(dsb_escape_cut(out, 8, "ab\xc3\xa9x", 5), "ab\\xc3...");
	CU_ASSERT_STRING_EQUAL(dsb_escape_cut(out, 8, "a\xc3", 2), "a\\xc3");
	CU_ASSERT_STRING_EQUAL(dsb_escape_cut(out, 8, "", 0), "");
}

/* ---- utf8 ----------------------------------------------------------------- */

/* Strict decoding: every boundary of every length, and damage of each kind. */
static void test_utf8_next(void)
{
	static const struct {
		const char *s;
		size_t n, len;
		uint32_t cp;
	} cases[] = {
		{ "A", 1, 1, 0x41 },
		{ "\x7f", 1, 1, 0x7f },
		{ "\xc2\x80", 2, 2, 0x80 },
		{ "\xdf\xbf", 2, 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 3, 0x800 },
		{ "\xed\x9f\xbf", 3, 3, 0xd7ff },
		{ "\xee\x80\x80", 3, 3, 0xe000 },
		{ "\xef\xbf\xbf", 3, 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "\xc3\xa9xyz", 5, 2, 0xe9 },          /* stops after one character */
		/* invalid: */
		{ "\x80", 1, 0, 0 },                    /* a lone continuation */
		{ "\xc0\x80", 2, 0, 0 },                /* overlong NUL */
		{ "\xc1\xbf", 2, 0, 0 },                /* overlong */
		{ "\xe0\x9f\xbf", 3, 0, 0 },            /* overlong */
		{ "\xf0\x8f\xbf\xbf", 4, 0, 0 },        /* overlong */
		{ "\xed\xa0\x80", 3, 0, 0 },            /* a surrogate */
		{ "\xed\xbf\xbf", 3, 0, 0 },            /* a surrogate */
		{ "\xf4\x90\x80\x80", 4, 0, 0 },        /* above U+10FFFF */
		{ "\xf5\x80\x80\x80", 4, 0, 0 },
		{ "\xf8\x88\x80\x80\x80", 5, 0, 0 },    /* five-byte form */
		{ "\xff", 1, 0, 0 },
		{ "\xc3", 1, 0, 0 },                    /* cut by the end */
		{ "\xe2\x80", 2, 0, 0 },
		{ "\xc3\x28", 2, 0, 0 },                /* continuation missing */
		{ "", 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint32_t cp = 0xdeadbeef;
		size_t k = dsb_utf8_next((const unsigned char *)cases[i].s, cases[i].n, &cp);
		CU_ASSERT_EQUAL(k, cases[i].len);
		if (k)
			CU_ASSERT_EQUAL(cp, cases[i].cp);
		if (k != cases[i].len)
			fprintf(stderr, "utf8 case %zu: %zu, want %zu\n", i, k, cases[i].len);
	}
}

/* ---- vec ------------------------------------------------------------------ */

DSB_VEC_DEFINE(test_u32_vec, uint32_t);

static void test_vec_push(void)
{
	struct test_u32_vec v = { 0 };
	for (uint32_t i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL_FATAL(test_u32_vec_push(&v, i * 3, 1000), DSB_VEC_OK);
	CU_ASSERT_EQUAL(v.n, 1000);
	CU_ASSERT_EQUAL(v.cap, 1000);   /* doubling stops at the limit */
	for (uint32_t i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(v.v[i], i * 3);
	test_u32_vec_free(&v);
	CU_ASSERT_PTR_NULL(v.v);
	CU_ASSERT_EQUAL(v.n, 0);
	CU_ASSERT_EQUAL(v.cap, 0);
}

/* The limit is hard: one past it fails and changes nothing. */
static void test_vec_limit(void)
{
	struct test_u32_vec v = { 0 };
	for (uint32_t i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(test_u32_vec_push(&v, i, 20), DSB_VEC_OK);
	CU_ASSERT_EQUAL(test_u32_vec_push(&v, 99, 20), DSB_VEC_LIMIT);
	CU_ASSERT_EQUAL(v.n, 20);
	CU_ASSERT_EQUAL(v.v[19], 19);
	CU_ASSERT_EQUAL(test_u32_vec_reserve(&v, SIZE_MAX, SIZE_MAX), DSB_VEC_LIMIT);
	CU_ASSERT_EQUAL(v.cap, 20);
	test_u32_vec_free(&v);

	/* A byte size that overflows is refused before any allocation. */
	size_t cap = 0;
	CU_ASSERT_EQUAL(dsb_vec_capacity(0, SIZE_MAX / 4, 8, SIZE_MAX, &cap), DSB_VEC_NOMEM);
	CU_ASSERT_EQUAL(dsb_vec_capacity(0, 3, 8, 100, &cap), DSB_VEC_OK);
	CU_ASSERT_EQUAL(cap, DSB_VEC_FIRST);
	CU_ASSERT_EQUAL(dsb_vec_capacity(16, 17, 8, 100, &cap), DSB_VEC_OK);
	CU_ASSERT_EQUAL(cap, 32);
	CU_ASSERT_EQUAL(dsb_vec_capacity(64, 65, 8, 100, &cap), DSB_VEC_OK);
	CU_ASSERT_EQUAL(cap, 100);
	CU_ASSERT_EQUAL(dsb_vec_capacity(64, 101, 8, 100, &cap), DSB_VEC_LIMIT);
}

/* ---- hashmap -------------------------------------------------------------- */

struct names {
	char (*s)[16];
	size_t n;
};

static const void *name_key(const void *ctx, uint32_t val, size_t *len)
{
	const struct names *t = ctx;
	if (val >= t->n || t->s[val][0] == '\0')   /* "" stands for a removed key */
		return NULL;
	*len = strlen(t->s[val]);
	return t->s[val];
}

static void test_hmap_strings(void)
{
	enum { N = 5000 };
	struct names t = { .s = calloc(N, sizeof(*t.s)), .n = N };
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.s);
	struct dsb_hmap m;
	dsb_hmap_init(&m, 0);
	for (uint32_t i = 0; i < N; i++) {
		snprintf(t.s[i], sizeof t.s[i], "name-%u", i);
		CU_ASSERT_PTR_NULL(dsb_hmap_find_str(&m, t.s[i], strlen(t.s[i]), name_key, &t));
		CU_ASSERT_EQUAL(dsb_hmap_insert(&m, dsb_hash_str(t.s[i], strlen(t.s[i])), i),
				DSB_HMAP_OK);
	}
	CU_ASSERT_EQUAL(m.n, N);
	CU_ASSERT_TRUE(m.cap >= 2 * m.n);   /* the load factor stays at most 1/2 */
	for (uint32_t i = 0; i < N; i++) {
		uint32_t *v = dsb_hmap_find_str(&m, t.s[i], strlen(t.s[i]), name_key, &t);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		CU_ASSERT_EQUAL(*v, i);
	}
	/* Near misses: a prefix, a longer name, another case, bytes with a NUL. */
	CU_ASSERT_PTR_NULL(dsb_hmap_find_str(&m, "name-1", 5, name_key, &t));
	CU_ASSERT_PTR_NULL(dsb_hmap_find_str(&m, "name-50000", 10, name_key, &t));
	CU_ASSERT_PTR_NULL(dsb_hmap_find_str(&m, "NAME-1", 6, name_key, &t));
	CU_ASSERT_PTR_NULL(dsb_hmap_find_str(&m, "name-1\0", 7, name_key, &t));
	/* A value whose key is gone matches nothing; the slot's value can be
	 * rewritten in place. */
	uint32_t *v7 = dsb_hmap_find_str(&m, "name-7", 6, name_key, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v7);
	t.s[7][0] = '\0';
	CU_ASSERT_PTR_NULL(dsb_hmap_find_str(&m, "name-7", 6, name_key, &t));
	dsb_hmap_free(&m);
	CU_ASSERT_EQUAL(m.n, 0);
	CU_ASSERT_PTR_NULL(dsb_hmap_find_str(&m, "name-1", 6, name_key, &t));
	free(t.s);
}

/* Composite keys through eq: equal hashes, different keys, both found. */
struct pair {
	uint32_t a, b;
};

static bool pair_eq(const void *ctx, uint32_t val, const void *key)
{
	const struct pair *v = ctx;
	const struct pair *k = key;
	return v[val].a == k->a && v[val].b == k->b;
}

static void test_hmap_collisions(void)
{
	struct pair v[64];
	struct dsb_hmap m = { 0 };   /* a zeroed map is an empty map */
	for (uint32_t i = 0; i < 64; i++) {
		v[i] = (struct pair){ i, i * 7 };
		/* every key the same hash: one long probe chain */
		CU_ASSERT_EQUAL(dsb_hmap_insert(&m, 12345, i), DSB_HMAP_OK);
	}
	for (uint32_t i = 0; i < 64; i++) {
		struct pair k = { i, i * 7 };
		uint32_t *f = dsb_hmap_find(&m, 12345, pair_eq, v, &k);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_EQUAL(*f, i);
	}
	struct pair miss = { 3, 22 };
	CU_ASSERT_PTR_NULL(dsb_hmap_find(&m, 12345, pair_eq, v, &miss));
	CU_ASSERT_PTR_NULL(dsb_hmap_find(&m, 54321, pair_eq, v, &v[3]));
	dsb_hmap_free(&m);
}

/* The limit is hard, and the reserved value is refused. */
static void test_hmap_limit(void)
{
	struct dsb_hmap m;
	dsb_hmap_init(&m, 3);
	for (uint32_t i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(dsb_hmap_insert(&m, dsb_hash_str(&i, sizeof i), i), DSB_HMAP_OK);
	uint32_t four = 4;
	CU_ASSERT_EQUAL(dsb_hmap_insert(&m, dsb_hash_str(&four, 4), four), DSB_HMAP_LIMIT);
	CU_ASSERT_EQUAL(m.n, 3);
	dsb_hmap_free(&m);
	CU_ASSERT_EQUAL(m.max, 3);   /* freeing keeps the limit */
	CU_ASSERT_EQUAL(dsb_hmap_insert(&m, 1, DSB_HMAP_EMPTY), DSB_HMAP_LIMIT);
	CU_ASSERT_EQUAL(m.n, 0);
	dsb_hmap_free(&m);
}

/* The hash: FNV-1a 64 test vectors, continued in pieces the same as whole. */
static void test_hash_values(void)
{
	CU_ASSERT_EQUAL(dsb_hash_bytes(DSB_HASH_SEED, "", 0), 0xcbf29ce484222325ull);
	CU_ASSERT_EQUAL(dsb_hash_bytes(DSB_HASH_SEED, "a", 1), 0xaf63dc4c8601ec8cull);
	CU_ASSERT_EQUAL(dsb_hash_bytes(DSB_HASH_SEED, "foobar", 6), 0x85944171f73967e8ull);
	CU_ASSERT_EQUAL(dsb_hash_bytes(dsb_hash_bytes(DSB_HASH_SEED, "foo", 3), "bar", 3),
			0x85944171f73967e8ull);
	CU_ASSERT_EQUAL(dsb_hash_str("foobar", 6), dsb_hash_mix(0x85944171f73967e8ull));
	CU_ASSERT_NOT_EQUAL(dsb_hash_mix(1), dsb_hash_mix(2));
}

/* ---- ring ----------------------------------------------------------------- */

/* The one job the consumer fails (by address, not by content). */
static const unsigned char bad_job[4] = { 0xee, 0, 0, 0 };

/* The consumer: a SHA-256 over the bytes in the order they come, and the
 * job count; fails bad_job. */
struct sink {
	EVP_MD_CTX *md;
	unsigned jobs;
	uint64_t bytes;
	bool check_tags;    /* job k was pushed with tag k */
	unsigned bad_tags;
};

static bool sink_fn(void *ctx, const void *p, size_t n, int tag)
{
	struct sink *s = ctx;
	if (s->check_tags && tag != (int)s->jobs)
		s->bad_tags++;
	EVP_DigestUpdate(s->md, p, n);
	s->jobs++;
	s->bytes += n;
	return p != bad_job;
}

static void digest_of(const unsigned char *p, size_t n, unsigned char out[32])
{
	unsigned int dl = 0;
	EVP_Digest(p, n, out, &dl, EVP_sha256(), NULL);
}

/* The hasher's shape: two lent buffers used in turn, each refilled only
 * when the consumer is done with it.  The bytes arrive whole and in
 * order, threaded or inline, whatever the slot count. */
static void run_lent_buffers(bool threaded, unsigned slots)
{
	enum { BUF = 4096, ROUNDS = 300 };
	unsigned char *all = malloc((size_t)BUF * ROUNDS);
	unsigned char *bufs = malloc(2 * BUF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bufs);
	for (size_t i = 0; i < (size_t)BUF * ROUNDS; i++)
		all[i] = (unsigned char)(i * 131 + i / 977);
	struct sink s = { .md = EVP_MD_CTX_new(), .check_tags = true };
	EVP_DigestInit_ex(s.md, EVP_sha256(), NULL);
	struct dsb_ring r;
	bool th = dsb_ring_start(&r, slots, sink_fn, &s, threaded);
	CU_ASSERT_EQUAL(th, threaded);
	uint64_t ticket[2] = { 0, 0 };
	size_t off = 0;
	for (unsigned k = 0; k < ROUNDS; k++) {
		int b = (int)(k % 2);
		dsb_ring_wait(&r, ticket[b]);   /* the consumer is done with it */
		size_t n = BUF - (k % 7) * 100;  /* uneven sizes */
		memcpy(bufs + (size_t)b * BUF, all + off, n);
		ticket[b] = dsb_ring_push_tag(&r, bufs + (size_t)b * BUF, n, (int)k);
		off += n;
	}
	CU_ASSERT_TRUE(dsb_ring_stop(&r));
	unsigned char got[32], want[32];
	unsigned int dl = 0;
	EVP_DigestFinal_ex(s.md, got, &dl);
	EVP_MD_CTX_free(s.md);
	digest_of(all, off, want);
	CU_ASSERT_EQUAL(memcmp(got, want, 32), 0);
	CU_ASSERT_EQUAL(s.jobs, ROUNDS);
	CU_ASSERT_EQUAL(s.bytes, off);
	CU_ASSERT_EQUAL(s.bad_tags, 0);   /* each tag came with its own job */
	free(all);
	free(bufs);
}

static void test_ring_threaded(void)
{
	run_lent_buffers(true, 2);
	run_lent_buffers(true, 4);
	run_lent_buffers(true, 1);
}

static void test_ring_inline(void)
{
	run_lent_buffers(false, 2);
}

/* A failed job is reported at stop, and the jobs after it still run. */
static void test_ring_failure(void)
{
	static const unsigned char good[4] = { 1, 2, 3, 4 };
	for (int threaded = 0; threaded < 2; threaded++) {
		struct sink s = { .md = EVP_MD_CTX_new() };
		EVP_DigestInit_ex(s.md, EVP_sha256(), NULL);
		struct dsb_ring r;
		dsb_ring_start(&r, 4, sink_fn, &s, threaded != 0);
		dsb_ring_push(&r, good, 4);
		dsb_ring_push(&r, bad_job, 4);
		uint64_t t = dsb_ring_push(&r, good, 4);
		CU_ASSERT_EQUAL(t, 3);
		CU_ASSERT_FALSE(dsb_ring_stop(&r));
		CU_ASSERT_EQUAL(s.jobs, 3);
		EVP_MD_CTX_free(s.md);
	}
	/* An empty ring stops clean; a slot count out of range is clamped. */
	struct sink s = { .md = EVP_MD_CTX_new() };
	struct dsb_ring r;
	dsb_ring_start(&r, 1000, sink_fn, &s, true);
	CU_ASSERT_EQUAL(r.slots, DSB_RING_MAX_SLOTS);
	CU_ASSERT_TRUE(dsb_ring_stop(&r));
	dsb_ring_start(&r, 0, sink_fn, &s, true);
	CU_ASSERT_EQUAL(r.slots, 1);
	CU_ASSERT_TRUE(dsb_ring_stop(&r));
	CU_ASSERT_EQUAL(s.jobs, 0);
	EVP_MD_CTX_free(s.md);
}

/* ---- dsb_findings_vadd ---------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static void wrapper(struct dsb_findings *f, enum dsb_rule rule, const struct dsb_loc *loc,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dsb_findings_vadd(f, 0, rule, loc, fmt, ap);
	va_end(ap);
}

/* A wrapper's finding is the one dsb_findings_add makes: same message (one
 * line, cut at DSB_MESSAGE_MAX), location and severity. */
static void test_findings_vadd(void)
{
	struct dsb_findings *a = dsb_findings_new(), *b = dsb_findings_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = "journal.jsonl";
	loc.line = 7;
	char longer[DSB_MESSAGE_MAX + 100];
	memset(longer, 'y', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	wrapper(a, DSB_C002, &loc, "line %d:\tfield %s", 7, "hbc");
	wrapper(a, DSB_C003, NULL, "%s", longer);
	dsb_findings_add(b, 0, DSB_C002, &loc, "line %d:\tfield %s", 7, "hbc");
	dsb_findings_add(b, 0, DSB_C003, NULL, "%s", longer);
	size_t na, nb;
	const struct dsb_finding *fa = dsb_findings_sorted(a, &na);
	const struct dsb_finding *fb = dsb_findings_sorted(b, &nb);
	CU_ASSERT_EQUAL_FATAL(na, 2);
	CU_ASSERT_EQUAL_FATAL(nb, 2);
	CU_ASSERT_STRING_EQUAL(fa[1].message, "line 7: field hbc");
	CU_ASSERT_EQUAL(fa[1].line, 7);
	CU_ASSERT_STRING_EQUAL(fa[1].member, "journal.jsonl");
	CU_ASSERT_EQUAL(strlen(fa[0].message), DSB_MESSAGE_MAX - 1);
	for (size_t i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(dsb_finding_cmp(&fa[i], &fb[i]), 0);
		CU_ASSERT_STRING_EQUAL(fa[i].message, fb[i].message);
		CU_ASSERT_EQUAL(fa[i].severity, fb[i].severity);
	}
	CU_ASSERT_EQUAL(dsb_findings_count_rule(a, 0, DSB_C002), 1);
	dsb_findings_free(a);
	dsb_findings_free(b);
}

/* One last-component rule for members, backed-up Windows names and
 * command-line paths (it had four copies: render_text, extract, the log
 * verifier, set.c's keeps '/' only for loose files). */
static void test_base_name(void)
{
	CU_ASSERT_STRING_EQUAL(dsb_base_name("C:\\Windows\\NTDS\\ntds.dit"), "ntds.dit");
	CU_ASSERT_STRING_EQUAL(dsb_base_name("\\\\DC01\\C$\\NTDS\\edb00005.log"), "edb00005.log");
	CU_ASSERT_STRING_EQUAL(dsb_base_name("data/edb00007.log"), "edb00007.log");
	CU_ASSERT_STRING_EQUAL(dsb_base_name("a\\b/c"), "c");
	CU_ASSERT_STRING_EQUAL(dsb_base_name("ntds.dit"), "ntds.dit");
	CU_ASSERT_STRING_EQUAL(dsb_base_name("dir/"), "");
	CU_ASSERT_STRING_EQUAL(dsb_base_name(""), "");
}

static const struct dsb_test strbuf_tests[] = {
	{ "appends", test_strbuf_appends },
	{ "bounded: cut and said so", test_strbuf_bounded },
	{ "exactly full is not cut", test_strbuf_exact_fit },
	{ "base name", test_base_name },
	{ NULL, NULL },
};
static const struct dsb_test hex_tests[] = {
	{ "lowercase hex", test_hex },
	{ "hex digits of either case, nothing else", test_hex_digit },
	{ "SHA-256 to 65 bytes", test_sha256_hex },
	{ "the escape set, every byte", test_escape_set },
	{ "escape: damage of many shapes", test_escape_shapes },
	{ "escape: whole escapes only", test_escape_cut },
	{ "escape_cut: dots only when cut", test_escape_cut_dots },
	{ NULL, NULL },
};
/* Valid text unchanged; each byte that does not decode is one U+FFFD,
 * a cut sequence at the end included. */
static void test_utf8_repair(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "ntds.dit", 8, "ntds.dit" },
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },
		{ "a\xff" "b", 3, "a\xef\xbf\xbd" "b" },
		{ "\xc3\x28", 2, "\xef\xbf\xbd(" },
		{ "x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd" },
		{ "", 0, "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = 99;
		char *r = dsb_utf8_repair(cases[i].in, cases[i].len, &n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_EQUAL(n, strlen(cases[i].out));
		CU_ASSERT_STRING_EQUAL(r, cases[i].out);
		free(r);
	}
}

static const struct dsb_test utf8_tests[] = {
	{ "strict decoding", test_utf8_next },
	{ "repair to U+FFFD", test_utf8_repair },
	{ NULL, NULL },
};

/* ---- fdio ------------------------------------------------------------------ */

/* All of a buffer through a pipe in pieces; /dev/full's ENOSPC said. */
static void test_write_all(void)
{
	int p[2];
	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	uint64_t done = 5;
	CU_ASSERT_TRUE(dsb_write_all(p[1], "abcdef", 6, &done));
	CU_ASSERT_EQUAL(done, 11);
	CU_ASSERT_TRUE(dsb_write_all(p[1], "", 0, NULL));
	char got[8] = "";
	CU_ASSERT_EQUAL(read(p[0], got, sizeof got), 6);
	CU_ASSERT_EQUAL(memcmp(got, "abcdef", 6), 0);
	close(p[0]);
	close(p[1]);
	int full = open("/dev/full", O_WRONLY);
	if (full >= 0) {
		done = 0;
		errno = 0;
		CU_ASSERT_FALSE(dsb_write_all(full, "x", 1, &done));
		CU_ASSERT_EQUAL(errno, ENOSPC);
		CU_ASSERT_EQUAL(done, 0);
		close(full);
	}
}

static const struct dsb_test fdio_tests[] = {
	{ "write all, and a full device", test_write_all },
	{ NULL, NULL },
};
static const struct dsb_test vec_tests[] = {
	{ "push and grow", test_vec_push },
	{ "hard limit", test_vec_limit },
	{ NULL, NULL },
};
static const struct dsb_test hmap_tests[] = {
	{ "string keys", test_hmap_strings },
	{ "colliding hashes, composite keys", test_hmap_collisions },
	{ "hard limit", test_hmap_limit },
	{ "hash values", test_hash_values },
	{ NULL, NULL },
};
static const struct dsb_test ring_tests[] = {
	{ "lent buffers, threaded", test_ring_threaded },
	{ "lent buffers, inline", test_ring_inline },
	{ "a failed job", test_ring_failure },
	{ NULL, NULL },
};
static const struct dsb_test findings_tests[] = {
	{ "vadd is add", test_findings_vadd },
	{ NULL, NULL },
};
static const struct dsb_suite suites[] = {
	{ "lib/strbuf", strbuf_tests },
	{ "lib/hex", hex_tests },
	{ "lib/utf8", utf8_tests },
	{ "lib/fdio", fdio_tests },
	{ "lib/vec", vec_tests },
	{ "lib/hashmap", hmap_tests },
	{ "lib/ring", ring_tests },
	{ "findings vadd", findings_tests },
};
DSB_TEST_MAIN(suites)
