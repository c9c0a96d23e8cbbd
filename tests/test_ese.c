/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ESE decoders and verifier on pages and databases built in code
 * (tests/test_ese_fixture.h): checksum formats and single-bit location,
 * the decoders, each page-structure check triggering and not, and every
 * DSB-E rule through the stream with a near-identical case that does not
 * trigger it.  The real sample databases are tests/test_ese_samples.c.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>

#include "tests/test_ese_fixture.h"
#include "tests/cunit_main.h"

/* A deterministic filler for synthetic page bodies. */
static uint32_t rng_state = 0x12345678u;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint8_t *random_page(size_t cb, uint32_t flags)
{
	uint8_t *p = malloc(cb);
	for (size_t i = 0; i < cb; i++)
		p[i] = (uint8_t)rng();
	xput32(p + DSB_ESE_PG_FLAGS_OFF, flags);
	return p;
}

static void rehdr(struct xdb *x)
{
	dsb_ese_header_stamp(x->buf, x->cb);
	memcpy(x->buf + x->cb, x->buf, x->cb);
}

static void set_header(struct xdb *x, const struct xdb_hdr *h)
{
	xdb_write_header(x, h);
}

/* ---- checksums ------------------------------------------------------------ */

static void test_old_format(void)
{
	uint8_t *p = random_page(4096, DSB_ESE_PF_LEAF);   /* no new-checksum flag */
	dsb_ese_page_stamp(p, 4096, 9);
	CU_ASSERT_EQUAL(xget32(p + 4), 9);   /* the old format stores the pgno */
	CU_ASSERT_EQUAL(xget32(p), dsb_ese_header_checksum(p, 4096));
	struct dsb_ese_page_check ck;
	dsb_ese_page_verify(p, 4096, 9, &ck);
	CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_OK);
	CU_ASSERT_FALSE(ck.new_format);
	dsb_ese_page_verify(p, 4096, 10, &ck);
	CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_MISPLACED);
	CU_ASSERT_EQUAL(ck.actual_pgno, 9);
	p[1000] ^= 0x10;
	dsb_ese_page_verify(p, 4096, 9, &ck);
	CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_MISMATCH);   /* XOR cannot locate */
	free(p);
}

static void test_uninit(void)
{
	uint8_t *p = calloc(1, 8192);
	struct dsb_ese_page_check ck;
	dsb_ese_page_verify(p, 8192, 3, &ck);
	CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_UNINIT);
	p[8191] = 1;   /* one byte: no longer uninitialized, and damaged */
	dsb_ese_page_verify(p, 8192, 3, &ck);
	CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_MISMATCH);
	free(p);
}

/* REF §2.5 [T]: a flip of byte 200 bit 4 of a 4 KiB block gives the ECC
 * difference 0x79BB0644 whatever the block holds: low half = bit 1604,
 * high half its complement within 0x7FFF. */
static void test_ecc_reference_vector(void)
{
	for (int k = 0; k < 3; k++) {
		uint8_t *p = random_page(4096, DSB_ESE_PF_NEW_CHECKSUM);
		dsb_ese_page_stamp(p, 4096, 11);
		p[200] ^= 1u << 4;
		struct dsb_ese_page_check ck;
		dsb_ese_page_verify(p, 4096, 11, &ck);
		CU_ASSERT_EQUAL((uint32_t)((ck.stored ^ ck.computed) >> 32), 0x79BB0644u);
		CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_BITFLIP);
		CU_ASSERT_EQUAL(ck.bit, 1604);
		free(p);
	}
}

static void flips(size_t cb, unsigned n)
{
	uint8_t *p = random_page(cb, DSB_ESE_PF_NEW_CHECKSUM | DSB_ESE_PF_LEAF);
	dsb_ese_page_stamp(p, cb, 77);
	struct dsb_ese_page_check ck;
	dsb_ese_page_verify(p, cb, 77, &ck);
	CU_ASSERT_EQUAL_FATAL(ck.status, DSB_ESE_PAGE_OK);
	CU_ASSERT_EQUAL(ck.nblocks, cb > 8192 ? 4u : 1u);
	unsigned located = 0;
	for (unsigned i = 0; i < n; i++) {
		/* Any bit but the stored checksum (bytes 0-7) and the format flag. */
		uint32_t bit;
		do
			bit = rng() % (uint32_t)(cb * 8);
		while (bit < 64 || bit == DSB_ESE_PG_FLAGS_OFF * 8 + 13);
		p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		dsb_ese_page_verify(p, cb, 77, &ck);
		located += ck.status == DSB_ESE_PAGE_BITFLIP && ck.bit == bit;
		p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	CU_ASSERT_EQUAL(located, n);
	/* Large pages: a bit inside a stored block checksum (bytes 40-63) and
	 * inside the pgno field are located too. */
	if (cb > 8192) {
		uint32_t bits[] = { 45 * 8 + 3, 58 * 8, 63 * 8 + 7, 64 * 8 + 1, 66 * 8 + 6 };
		for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
			p[bits[i] / 8] ^= (uint8_t)(1u << (bits[i] % 8));
			dsb_ese_page_verify(p, cb, 77, &ck);
			CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_BITFLIP);
			CU_ASSERT_EQUAL(ck.bit, bits[i]);
			CU_ASSERT_EQUAL(ck.bit_in_checksum, bits[i] < 64 * 8);
			p[bits[i] / 8] ^= (uint8_t)(1u << (bits[i] % 8));
		}
	}
	free(p);
}

static void test_bitflip_4k(void) { flips(4096, 60); }
static void test_bitflip_8k(void) { flips(8192, 60); }
static void test_bitflip_16k(void) { flips(16384, 60); }
static void test_bitflip_32k(void) { flips(32768, 60); }

static void test_bitflip_in_stored_checksum(void)
{
	uint8_t *p = random_page(8192, DSB_ESE_PF_NEW_CHECKSUM);
	dsb_ese_page_stamp(p, 8192, 5);
	struct dsb_ese_page_check ck;
	/* In the ECC half (bytes 4-7): the data agree with themselves. */
	p[6] ^= 0x04;
	dsb_ese_page_verify(p, 8192, 5, &ck);
	CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_BITFLIP);
	CU_ASSERT_EQUAL(ck.bit, 6 * 8 + 2);
	CU_ASSERT_TRUE(ck.bit_in_checksum);
	p[6] ^= 0x04;
	/* In the XOR half: exactly what a page written for pgno ^ 1 looks
	 * like, so both readings are given. */
	p[0] ^= 0x01;
	dsb_ese_page_verify(p, 8192, 5, &ck);
	CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_MISPLACED);
	CU_ASSERT_EQUAL(ck.actual_pgno, 4);
	CU_ASSERT_TRUE(ck.or_bitflip);
	CU_ASSERT_EQUAL(ck.bit, 0);
	free(p);
}

static void test_format_flag_flip(void)
{
	uint8_t *p = random_page(8192, DSB_ESE_PF_NEW_CHECKSUM | DSB_ESE_PF_LEAF);
	dsb_ese_page_stamp(p, 8192, 5);
	p[37] ^= 0x20;   /* byte 37 bit 5: the new-checksum flag itself */
	struct dsb_ese_page_check ck;
	dsb_ese_page_verify(p, 8192, 5, &ck);
	CU_ASSERT_FALSE(ck.new_format);
	CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_BITFLIP);
	CU_ASSERT_EQUAL(ck.bit, 301);
	free(p);
}

static void test_misplaced(void)
{
	static const size_t sizes[] = { 4096, 8192, 16384, 32768 };
	for (size_t i = 0; i < 4; i++) {
		uint8_t *p = random_page(sizes[i], DSB_ESE_PF_NEW_CHECKSUM);
		dsb_ese_page_stamp(p, sizes[i], 100);
		struct dsb_ese_page_check ck;
		dsb_ese_page_verify(p, sizes[i], 37, &ck);
		CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_MISPLACED);
		CU_ASSERT_EQUAL(ck.actual_pgno, 100);
		CU_ASSERT_FALSE(ck.or_bitflip);
		if (sizes[i] > 8192)
			CU_ASSERT_EQUAL(ck.bad_blocks, 0xFu);
		dsb_ese_page_verify(p, sizes[i], 100, &ck);
		CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_OK);
		free(p);
	}
	/* Large page, checksums right but the pgno field wrong. */
	uint8_t *p = random_page(16384, DSB_ESE_PF_NEW_CHECKSUM);
	dsb_ese_page_stamp(p, 16384, 100);
	xput32(p + 64, 101);
	/* Restamp blocks with pgno 100 but keep the field: recompute by hand. */
	for (unsigned k = 1; k < 4; k++)
		xput64(p + 40 + 8 * (k - 1), dsb_ese_checksum_xe(p + k * 4096, 4096, 100, false));
	xput64(p, dsb_ese_checksum_xe(p, 4096, 100, true));
	struct dsb_ese_page_check ck;
	dsb_ese_page_verify(p, 16384, 100, &ck);
	CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_MISPLACED);
	CU_ASSERT_TRUE(ck.pgno_field_bad);
	CU_ASSERT_EQUAL(ck.actual_pgno, 101);
	free(p);
}

static void test_two_bytes_mismatch(void)
{
	uint8_t *p = random_page(4096, DSB_ESE_PF_NEW_CHECKSUM);
	dsb_ese_page_stamp(p, 4096, 8);
	/* Random bytes: a structured pattern (0xFF here, 0x0F there) can keep
	 * the ECC half equal and read as a page for another pgno. */
	p[300] ^= 0xA7;
	p[901] ^= 0x3C;
	struct dsb_ese_page_check ck;
	dsb_ese_page_verify(p, 4096, 8, &ck);
	CU_ASSERT_EQUAL(ck.status, DSB_ESE_PAGE_MISMATCH);
	CU_ASSERT_EQUAL(ck.bad_blocks, 1u);
	free(p);
}

static void test_xe_xor_half(void)
{
	uint8_t *p = random_page(8192, DSB_ESE_PF_NEW_CHECKSUM);
	uint64_t xe = dsb_ese_checksum_xe(p, 8192, 42, true);
	CU_ASSERT_EQUAL((uint32_t)xe, dsb_ese_checksum_xe_xor(p, 8192, 42, true));
	/* The header block excludes its own stored checksum. */
	p[3] ^= 0x55;
	CU_ASSERT_EQUAL(dsb_ese_checksum_xe(p, 8192, 42, true), xe);
	CU_ASSERT_NOT_EQUAL(dsb_ese_checksum_xe(p, 8192, 42, false), dsb_ese_checksum_xe(p, 8192, 42, true));
	free(p);
}

/* ---- decoders ---------------------------------------------------------------- */

static void test_header_decode(void)
{
	struct xdb x;
	xdb_build(&x, 8192);
	set_header(&x, &XDB_STREAMED);
	struct dsb_ese_header h;
	CU_ASSERT_TRUE(dsb_ese_header_decode(x.buf, x.len, &h));
	CU_ASSERT_EQUAL(h.magic, DSB_ESE_MAGIC);
	CU_ASSERT_EQUAL(h.version, 0x620);
	CU_ASSERT_EQUAL(h.update_major, 0x14);
	CU_ASSERT_EQUAL(h.page_size, 8192);
	CU_ASSERT_EQUAL(h.state, DSB_ESE_STATE_DIRTY);
	CU_ASSERT_EQUAL(h.gen_min_required, 5);
	CU_ASSERT_EQUAL(h.gen_max_required, 7);
	CU_ASSERT_EQUAL(h.gen_max_committed, 7);
	CU_ASSERT_EQUAL(h.dbtime, XDB_DBTIME);
	CU_ASSERT_EQUAL(h.sign_db.random, 0x5EED1234u);
	CU_ASSERT_EQUAL(h.sign_db.created.year, 2025);
	CU_ASSERT_FALSE(h.sign_log.is_null);
	CU_ASSERT_EQUAL(h.bk_full_cur.gen_low, 5);
	CU_ASSERT_EQUAL(h.bk_full_cur.gen_high, 0);
	CU_ASSERT_EQUAL(h.bk_full_cur.mark.generation, 6);
	CU_ASSERT_EQUAL(h.bk_full_cur.mark.isec, 3);
	CU_ASSERT_EQUAL(h.filetype, 1);
	CU_ASSERT_STRING_EQUAL(dsb_ese_state_name(h.state), "dirty-shutdown");
	CU_ASSERT_STRING_EQUAL(dsb_ese_state_name(99), "unknown");
	CU_ASSERT_FALSE(dsb_ese_header_decode(x.buf, 747, &h));

	CU_ASSERT_EQUAL(dsb_ese_header_copy_check(x.buf, x.len, 8192), 0u);
	CU_ASSERT_EQUAL(dsb_ese_header_copy_check(x.buf, x.len, 4096), DSB_ESE_HDRCOPY_PAGE_SIZE);
	CU_ASSERT_EQUAL(dsb_ese_header_copy_check(x.buf, 5000, 8192), DSB_ESE_HDRCOPY_SHORT);
	x.buf[100] ^= 1;
	CU_ASSERT_EQUAL(dsb_ese_header_copy_check(x.buf, x.len, 8192), DSB_ESE_HDRCOPY_CHECKSUM);
	x.buf[100] ^= 1;
	x.buf[5] = 0;
	CU_ASSERT_TRUE(dsb_ese_header_copy_check(x.buf, x.len, 8192) & DSB_ESE_HDRCOPY_MAGIC);
	CU_ASSERT_TRUE(dsb_ese_page_size_valid(2048));
	CU_ASSERT_FALSE(dsb_ese_page_size_valid(65536));
	CU_ASSERT_FALSE(dsb_ese_page_size_valid(0));
	xdb_free(&x);
}

static void test_page_decode(void)
{
	struct xdb x;
	xdb_build(&x, 4096);
	struct dsb_ese_pghdr h;
	CU_ASSERT_TRUE(dsb_ese_pghdr_decode(xdb_page(&x, 6), 4096, &h));
	CU_ASSERT_EQUAL(h.objid, XDB_T1_OBJID);
	CU_ASSERT_EQUAL(h.next, 7);
	CU_ASSERT_EQUAL(h.ntags, 4);
	CU_ASSERT_EQUAL(h.ctag_reserved, 1);
	CU_ASSERT_EQUAL(h.hdr_size, 40);
	CU_ASSERT_FALSE(h.large);
	struct dsb_ese_tag t;
	struct dsb_ese_node n;
	CU_ASSERT_TRUE(dsb_ese_tag_read(xdb_page(&x, 6), 4096, &h, 2, &t));
	CU_ASSERT_TRUE(dsb_ese_node_decode(xdb_page(&x, 6), 4096, &h, &t, &n));
	CU_ASSERT_EQUAL(n.suffix_len, 2);
	CU_ASSERT_EQUAL(memcmp(n.suffix, "k2", 2), 0);
	CU_ASSERT_EQUAL(n.data_len, 10);
	CU_ASSERT_FALSE(dsb_ese_tag_read(xdb_page(&x, 6), 4096, &h, 2000, &t));

	struct dsb_ese_space_header sph;
	CU_ASSERT_TRUE(dsb_ese_space_header_decode(xdb_page(&x, 1) + 40, 16, &sph));
	CU_ASSERT_TRUE(sph.multi_extent);
	CU_ASSERT_EQUAL(sph.pgno_oe, 2);
	CU_ASSERT_EQUAL(sph.pgno_ae, 3);
	CU_ASSERT_FALSE(dsb_ese_space_header_decode(xdb_page(&x, 1) + 40, 15, &sph));
	uint32_t last, cpg;
	const uint8_t key[4] = { 0, 0, 1, 2 }, data[4] = { 7, 0, 0, 0 };
	CU_ASSERT_TRUE(dsb_ese_extent_decode(key, 4, data, 4, &last, &cpg));
	CU_ASSERT_EQUAL(last, 258);
	CU_ASSERT_EQUAL(cpg, 7);
	CU_ASSERT_FALSE(dsb_ese_extent_decode(key, 5, data, 4, &last, &cpg));
	xdb_free(&x);

	/* Large page: PGHDR2 and flags in the node's first u16. */
	xdb_build(&x, 32768);
	uint8_t *p = xdb_page(&x, 6);
	CU_ASSERT_TRUE(dsb_ese_pghdr_decode(p, 32768, &h));
	CU_ASSERT_TRUE(h.large);
	CU_ASSERT_EQUAL(h.hdr_size, 80);
	CU_ASSERT_EQUAL(h.pgno, 6);
	CU_ASSERT_FALSE(h.reserved_nonzero);
	xdb_free(&x);

	/* Compressed node: the prefix length comes first. */
	uint8_t pg[4096] = { 0 };
	xput16(pg + DSB_ESE_PG_ITAG_STATE_OFF, 2);
	xput16(pg + DSB_ESE_PG_IB_MIC_FREE_OFF, 12);
	memcpy(pg + 40, "abcd", 4);                 /* tag 0: prefix "abcd" */
	xput16(pg + 44, 3);                         /* node: prefix 3 */
	xput16(pg + 46, 1);                         /* suffix 1 */
	pg[48] = 'x';
	memcpy(pg + 49, "DAT", 3);
	xput16(pg + 4096 - 4, 4);
	xput16(pg + 4096 - 2, 0);
	xput16(pg + 4096 - 8, 8);
	xput16(pg + 4096 - 6, (uint16_t)(4 | DSB_ESE_NODE_COMPRESSED << 13));
	CU_ASSERT_TRUE(dsb_ese_pghdr_decode(pg, 4096, &h));
	CU_ASSERT_TRUE(dsb_ese_tag_read(pg, 4096, &h, 1, &t));
	CU_ASSERT_EQUAL(t.flags, DSB_ESE_NODE_COMPRESSED);
	CU_ASSERT_TRUE(dsb_ese_node_decode(pg, 4096, &h, &t, &n));
	CU_ASSERT_EQUAL(n.prefix_len, 3);
	CU_ASSERT_EQUAL(n.suffix_len, 1);
	CU_ASSERT_EQUAL(n.data_len, 3);
	xput16(pg + 46, 9);   /* suffix longer than the node */
	CU_ASSERT_FALSE(dsb_ese_node_decode(pg, 4096, &h, &t, &n));
}

static void test_catalog_record(void)
{
	uint8_t r[256];
	struct dsb_ese_catalog_record c;
	size_t n = xcat_record(r, 8, DSB_ESE_SYSOBJ_TABLE, 8, 257, "datatable");
	CU_ASSERT_TRUE(dsb_ese_catalog_record_decode(r, n, &c));
	CU_ASSERT_EQUAL(c.objid_table, 8);
	CU_ASSERT_EQUAL(c.type, DSB_ESE_SYSOBJ_TABLE);
	CU_ASSERT_EQUAL(c.id, 8);
	CU_ASSERT_EQUAL(c.pgno_fdp, 257);
	CU_ASSERT_STRING_EQUAL(c.name, "datatable");
	CU_ASSERT_FALSE(c.name_cut);
	CU_ASSERT_FALSE(dsb_ese_catalog_record_decode(r, n - 1, &c));   /* name cut off */
	CU_ASSERT_FALSE(dsb_ese_catalog_record_decode(r, 20, &c));      /* fixed data cut off */
	/* NULL name: bit 15 of its offset. */
	xput16(r + 32, 0x8000);
	CU_ASSERT_TRUE(dsb_ese_catalog_record_decode(r, 34, &c));
	CU_ASSERT_EQUAL(c.name_len, 0);
	/* A NULL fixed column reads 0 (bit 3 of the bitmap: column 4). */
	n = xcat_record(r, 8, DSB_ESE_SYSOBJ_TABLE, 8, 257, "x");
	r[31] = 0x08;
	CU_ASSERT_TRUE(dsb_ese_catalog_record_decode(r, n, &c));
	CU_ASSERT_EQUAL(c.pgno_fdp, 0);
	/* A long name is cut and says so. */
	char longname[100];
	memset(longname, 'n', 99);
	longname[99] = 0;
	n = xcat_record(r, 8, DSB_ESE_SYSOBJ_TABLE, 8, 257, longname);
	CU_ASSERT_TRUE(dsb_ese_catalog_record_decode(r, n, &c));
	CU_ASSERT_TRUE(c.name_cut);
	CU_ASSERT_EQUAL(c.name_len, DSB_ESE_NAME_MAX);
}

static void test_trailer_decode_and_sniff(void)
{
	struct xdb x;
	xdb_build(&x, 4096);
	set_header(&x, &XDB_STREAMED);
	xdb_add_trailer(&x, 9);
	const uint8_t *t = x.buf + x.len - x.cb;
	struct dsb_ese_trailer tr;
	CU_ASSERT_TRUE(dsb_ese_trailer_like(t, x.cb));
	CU_ASSERT_TRUE(dsb_ese_trailer_decode(t, x.cb, &tr));
	CU_ASSERT_TRUE(tr.pghdr_zero);
	CU_ASSERT_EQUAL(tr.bkinfo.gen_low, 5);
	CU_ASSERT_EQUAL(tr.bkinfo.gen_high, 9);
	CU_ASSERT_EQUAL(tr.gen_max_required, 9);
	CU_ASSERT_EQUAL(tr.checksum, dsb_ese_header_checksum(t, x.cb));
	CU_ASSERT_FALSE(dsb_ese_trailer_like(xdb_page(&x, 6), x.cb));   /* a data page */
	uint8_t zero[4096] = { 0 };
	CU_ASSERT_FALSE(dsb_ese_trailer_like(zero, sizeof(zero)));      /* all zero */

	CU_ASSERT_TRUE(dsb_ese_sniff(x.buf, 16));
	CU_ASSERT_FALSE(dsb_ese_sniff("PK\3\4 not a database", 20));
	CU_ASSERT_FALSE(dsb_ese_sniff(x.buf, 4));
	x.buf[4] = 0;   /* primary magic gone, the shadow still has it */
	CU_ASSERT_TRUE(dsb_ese_sniff(x.buf, x.len));
	CU_ASSERT_FALSE(dsb_ese_sniff(x.buf, 4096));
	xdb_free(&x);
}

/* ---- page structure checks ------------------------------------------------------ */

struct pcase {
	const char *name;
	uint32_t pgno;
	size_t at;          /* byte to change */
	int width;          /* 1, 2 or 4 */
	uint32_t value;     /* new value (or'ed into flags when or_flags) */
	bool or_flags;
	enum dsb_rule rule; /* expected; DSB_RULE_COUNT = none */
};

static size_t check_case(const struct pcase *c, size_t cb, struct dsb_ese_page_problem *pr)
{
	struct xdb x;
	xdb_build(&x, (uint32_t)cb);
	uint8_t *p = xdb_page(&x, c->pgno);
	uint32_t v = c->value;
	if (c->or_flags)
		v |= xget32(p + c->at);
	if (c->width == 1)
		p[c->at] = (uint8_t)v;
	else if (c->width == 2)
		xput16(p + c->at, (uint16_t)v);
	else if (c->width == 4)
		xput32(p + c->at, v);
	size_t n = dsb_ese_page_structure_check(p, cb, pr);
	xdb_free(&x);
	return n;
}

static void test_structure_cases(void)
{
	const size_t T = 4096;
	/* Page 6: leaf, 4 tags (tag 0 empty; "k1","k2","k3" of 14, 14, 16 bytes);
	 * page 5: internal root, 3 tags; page 12: index root leaf. */
	const struct pcase cases[] = {
		{ "intact leaf", 6, 0, 0, 0, false, DSB_RULE_COUNT },
		{ "intact internal", 5, 0, 0, 0, false, DSB_RULE_COUNT },
		{ "space + index is allowed", 12, 36, 4, DSB_ESE_PF_SPACE_TREE, true, DSB_RULE_COUNT },
		{ "repair flag", 6, 36, 4, DSB_ESE_PF_REPAIR, true, DSB_E019 },
		{ "empty + preinit", 6, 36, 4, DSB_ESE_PF_EMPTY | DSB_ESE_PF_PREINIT, true, DSB_E018 },
		{ "index + long value", 12, 36, 4, DSB_ESE_PF_LONG_VALUE, true, DSB_E018 },
		{ "leaf + parent of leaf", 6, 36, 4, DSB_ESE_PF_PARENT_OF_LEAF, true, DSB_E018 },
		{ "internal with a sibling", 5, 20, 4, 9, false, DSB_E018 },
		{ "leaf with a sibling is fine", 6, 16, 4, 9, false, DSB_RULE_COUNT },
		{ "root leaf with a sibling", 12, 16, 4, 9, false, DSB_E018 },
		{ "cbFree beyond the data area", 6, 28, 2, 5000, false, DSB_E017 },
		{ "uncommitted > free", 6, 30, 2, 4000, false, DSB_E017 },
		{ "space accounting off by 4", 6, 28, 2, 0, false, DSB_E017 },
		{ "ibMicFree beyond the data area", 6, 32, 2, 4057, false, DSB_E016 },
		{ "too many tags", 6, 34, 2, 1014, false, DSB_E016 },
		{ "tag array into the data", 6, 32, 2, 4050, false, DSB_E016 },
		{ "tag past ibMicFree", 6, T - 8 + 2, 2, 60, false, DSB_E016 },
		{ "empty node tag", 6, T - 8, 2, 0, false, DSB_E016 },
		{ "overlapping tags", 6, T - 12 + 2, 2, 0, false, DSB_E016 },
		{ "key longer than the node", 6, 40, 2, 40, false, DSB_E016 },
		{ "internal node data of 3 bytes", 5, T - 8, 2, 7, false, DSB_E016 },
		{ "empty key on a leaf", 6, 40, 2, 0, false, DSB_E016 },
		{ "no tags on a page in use", 6, 34, 2, 0, false, DSB_E018 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pcase c = cases[i];
		struct dsb_ese_page_problem pr[DSB_ESE_PAGE_PROBLEMS_MAX];
		/* Cases that need two edits, done here rather than in the table. */
		/* Page 6's real cbFree: 4056 - 44 node bytes - 16 tag bytes. */
		if (strcmp(c.name, "space accounting off by 4") == 0)
			c.value = 3996 - 4;
		size_t n = check_case(&c, T, pr);
		bool hit = false;
		for (size_t k = 0; k < n; k++)
			hit |= pr[k].rule == c.rule;
		if (c.rule == DSB_RULE_COUNT) {
			if (n)
				fprintf(stderr, "\n  case '%s': unexpected %s: %s\n", c.name,
					dsb_rule_info(pr[0].rule)->id, pr[0].what);
			CU_ASSERT_EQUAL(n, 0);
		} else {
			if (!hit)
				fprintf(stderr, "\n  case '%s': %s not raised (%zu problems)\n", c.name,
					dsb_rule_info(c.rule)->id, n);
			CU_ASSERT_TRUE(hit);
		}
	}
}

/* Regression (check_nodes' combined test per node, 2026-12): a node with
 * two problems gives the first and counts the second, and the nodes after
 * the first bad one are not looked at, exactly as the test-by-test loop
 * did.  Page 6: leaf, tag 0 empty, nodes "k1", "k2", "k3" at 0, 14, 28. */
static void test_node_checks_first_bad_node(void)
{
	const size_t T = 4096;
	struct dsb_ese_page_problem pr[DSB_ESE_PAGE_PROBLEMS_MAX];
	struct xdb x;
	xdb_build(&x, (uint32_t)T);
	uint8_t *q = xdb_page(&x, 6);
	CU_ASSERT_EQUAL(dsb_ese_page_structure_check(q, T, pr), 0);
	/* Node 1 cut to its 2-byte key length, which says 0: an empty key
	 * and no data.  Node 3's key would run past its node. */
	xput16(q + T - 8, 2);
	xput16(q + 40, 0);
	xput16(q + 40 + 28, 40);
	size_t n = dsb_ese_page_structure_check(q, T, pr);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(pr[0].rule, DSB_E017);   /* the space accounting, 12 bytes short */
	CU_ASSERT_EQUAL(pr[1].rule, DSB_E016);
	CU_ASSERT_STRING_EQUAL(pr[1].what, "node 1 has an empty key");
	CU_ASSERT_EQUAL(pr[1].at, 40);
	CU_ASSERT_EQUAL(pr[1].more, 1);          /* "no data"; node 3 not looked at */
	/* Node 1 whole again: now node 3 is the first bad node. */
	xput16(q + T - 8, 14);
	xput16(q + 40, 2);
	n = dsb_ese_page_structure_check(q, T, pr);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(pr[0].what, "node 3: its key does not fit in its 16 bytes");
	CU_ASSERT_EQUAL(pr[0].at, 40 + 28);
	CU_ASSERT_EQUAL(pr[0].more, 0);
	xdb_free(&x);
}

/* Edits that need more than one field. */
static void test_structure_special(void)
{
	struct dsb_ese_page_problem pr[DSB_ESE_PAGE_PROBLEMS_MAX];
	struct xdb x;
	xdb_build(&x, 4096);
	uint8_t *p = xdb_page(&x, 9);
	/* An empty page: no tags, empty flag: fine; without the flag: E018. */
	memset(p, 0, 4096);
	xput32(p + DSB_ESE_PG_OBJID_OFF, 10);
	xput32(p + DSB_ESE_PG_FLAGS_OFF, DSB_ESE_PF_EMPTY | DSB_ESE_PF_LEAF | DSB_ESE_PF_NEW_CHECKSUM);
	xput16(p + DSB_ESE_PG_CB_FREE_OFF, 4056);
	CU_ASSERT_EQUAL(dsb_ese_page_structure_check(p, 4096, pr), 0);
	xput32(p + DSB_ESE_PG_FLAGS_OFF, DSB_ESE_PF_LEAF | DSB_ESE_PF_NEW_CHECKSUM);
	CU_ASSERT_EQUAL(dsb_ese_page_structure_check(p, 4096, pr), 1);
	CU_ASSERT_EQUAL(pr[0].rule, DSB_E018);

	/* A zero-length tag keeps a stale offset past ibMicFree (seen on
	 * freed pages of Current.mdb): not a problem. */
	uint8_t *q = xdb_page(&x, 6);
	uint8_t save[4];
	memcpy(save, q + 4096 - 4, 4);
	CU_ASSERT_EQUAL(xget16(q + 4096 - 4), 0);   /* tag 0 is empty */
	xput16(q + 4096 - 2, 2705);
	CU_ASSERT_EQUAL(dsb_ese_page_structure_check(q, 4096, pr), 0);
	memcpy(q + 4096 - 4, save, 4);

	/* Compressed node whose prefix exceeds tag 0 (non-root page). */
	xput16(q + 4096 - 8 + 2, (uint16_t)(xget16(q + 4096 - 8 + 2) | DSB_ESE_NODE_COMPRESSED << 13));
	CU_ASSERT_TRUE(dsb_ese_page_structure_check(q, 4096, pr) >= 1);
	CU_ASSERT_EQUAL(pr[0].rule, DSB_E016);
	xdb_free(&x);

	/* Large page: reserved header bytes. */
	xdb_build(&x, 16384);
	q = xdb_page(&x, 6);
	CU_ASSERT_EQUAL(dsb_ese_page_structure_check(q, 16384, pr), 0);
	q[70] = 1;
	CU_ASSERT_EQUAL(dsb_ese_page_structure_check(q, 16384, pr), 1);
	CU_ASSERT_EQUAL(pr[0].rule, DSB_E016);
	xdb_free(&x);

	/* Too small a buffer to be a page. */
	uint8_t tiny[16] = { 0 };
	CU_ASSERT_EQUAL(dsb_ese_page_structure_check(tiny, sizeof(tiny), pr), 1);
}

/* ---- the stream on the synthetic database ------------------------------------------ */

/* xfind that fails the test (instead of crashing) when nothing is found. */
static const struct dsb_finding *xget(const struct xrun *r, enum dsb_rule rule)
{
	static const struct dsb_finding none = { .page = -99, .offset = -99, .message = "", .table = "" };
	const struct dsb_finding *f = xfind(r, rule);
	if (!f) {
		fprintf(stderr, "\n  no %s finding\n", dsb_rule_info(rule)->id);
		xdump(r, "instead");
	}
	CU_ASSERT_PTR_NOT_NULL(f);
	return f ? f : &none;
}

static void run_x(struct xrun *r, struct xdb *x, size_t chunk, const char *file)
{
	xrun_buf(r, x->buf, x->len, chunk, file);
}

static void test_clean(void)
{
	static const uint32_t sizes[] = { 4096, 8192, 16384, 32768 };
	for (size_t i = 0; i < 4; i++) {
		struct xdb x;
		struct xrun r;
		xdb_build(&x, sizes[i]);
		run_x(&r, &x, 0, NULL);
		xdump(&r, "clean");
		CU_ASSERT_EQUAL(r.n, 0);
		CU_ASSERT_TRUE(r.sum->header_ok);
		CU_ASSERT_TRUE(r.sum->copies_identical);
		CU_ASSERT_EQUAL(r.sum->page_size, sizes[i]);
		CU_ASSERT_EQUAL(r.sum->format_version, 0x620);
		CU_ASSERT_EQUAL(r.sum->format_revision, 0x14);
		CU_ASSERT_EQUAL(r.sum->state, DSB_ESE_STATE_CLEAN);
		CU_ASSERT_FALSE(r.sum->fuzzy);
		CU_ASSERT_EQUAL(r.sum->pages_total, XDB_PAGES);
		CU_ASSERT_EQUAL(r.sum->pages_used, 8);
		CU_ASSERT_EQUAL(r.sum->pages_uninit, XDB_PAGES - 8);
		CU_ASSERT_EQUAL(r.sum->pages_bad, 0);
		CU_ASSERT_EQUAL(r.sum->pages_referenced, 8);
		CU_ASSERT_EQUAL(r.sum->pages_unreferenced, 0);
		CU_ASSERT_EQUAL(r.sum->last_owned_pgno, XDB_PAGES);
		CU_ASSERT_TRUE(r.sum->tree_walk_done);
		CU_ASSERT_TRUE(r.sum->catalog_ok);
		CU_ASSERT_FALSE(r.sum->looks_like_ad);
		CU_ASSERT_EQUAL_FATAL(r.sum->ntables, 2);
		const struct dsb_ese_table_summary *t1 = &r.sum->tables[1];
		CU_ASSERT_STRING_EQUAL(t1->name, "t1");
		CU_ASSERT_EQUAL(t1->objid, XDB_T1_OBJID);
		CU_ASSERT_EQUAL(t1->pgno_fdp, XDB_T1_FDP);
		CU_ASSERT_EQUAL(t1->records, 5);
		CU_ASSERT_EQUAL(t1->columns, 2);
		CU_ASSERT_EQUAL(t1->indexes, 2);
		CU_ASSERT_EQUAL(t1->pages, 4);   /* 5, 6, 7 and the index root 12 */
		CU_ASSERT_TRUE(t1->complete);
		CU_ASSERT_STRING_EQUAL(r.sum->tables[0].name, "MSysObjects");
		CU_ASSERT_EQUAL(r.sum->tables[0].records, 9);
		if (sizes[i] > 8192)
			CU_ASSERT_EQUAL(r.sum->pages_new_checksum, 8);
		xrun_free(&r);
		xdb_free(&x);
	}
}

/* The findings of a run as one string, for comparing runs. */
static char *fingerprint(const struct xrun *r)
{
	size_t cap = 256 + r->n * (DSB_MESSAGE_MAX + 64), o = 0;
	char *s = malloc(cap);
	o += (size_t)snprintf(s + o, cap - o, "%llu/%llu/%llu/%llu|",
			      (unsigned long long)r->sum->pages_total,
			      (unsigned long long)r->sum->pages_bad,
			      (unsigned long long)r->sum->pages_referenced,
			      (unsigned long long)r->sum->bytes);
	for (size_t i = 0; i < r->n; i++)
		o += (size_t)snprintf(s + o, cap - o, "%d:%lld:%lld:%s\n", (int)r->v[i].rule,
				      (long long)r->v[i].page, (long long)r->v[i].offset, r->v[i].message);
	return s;
}

static void test_chunking(void)
{
	struct xdb x;
	xdb_build(&x, 4096);
	set_header(&x, &XDB_STREAMED);
	xdb_add_trailer(&x, 9);
	xdb_page(&x, 6)[500] ^= 0x08;        /* a located bit */
	memset(xdb_page(&x, 7) + 100, 0xAB, 6);   /* damage */
	x.len -= 1000;                       /* and cut inside the trailer */
	static const size_t chunks[] = { 0, 1, 7, 4093, 4096, 65537, 1 << 20 };
	char *ref = NULL;
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		struct xrun r;
		run_x(&r, &x, chunks[i], NULL);
		char *fp = fingerprint(&r);
		if (!ref) {
			ref = fp;
			CU_ASSERT_EQUAL(xcount(&r, DSB_E014), 1);
			CU_ASSERT_EQUAL(xcount(&r, DSB_E013), 1);
			CU_ASSERT_EQUAL(xcount(&r, DSB_E012), 1);
		} else {
			CU_ASSERT_STRING_EQUAL(fp, ref);
			free(fp);
		}
		xrun_free(&r);
	}
	free(ref);
	xdb_free(&x);
}

static void test_not_ese(void)
{
	struct xrun r;
	uint8_t *junk = malloc(100000);
	for (size_t i = 0; i < 100000; i++)
		junk[i] = (uint8_t)rng();
	xrun_buf(&r, junk, 100000, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E001), 1);
	CU_ASSERT_FALSE(r.sum->is_ese);
	CU_ASSERT_FALSE(r.sum->header_ok);
	xrun_free(&r);
	xrun_buf(&r, (const uint8_t *)"tiny", 4, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E001), 1);
	xrun_free(&r);
	xrun_buf(&r, junk, 0, 0, NULL);   /* empty */
	CU_ASSERT_EQUAL(xcount(&r, DSB_E001), 1);
	xrun_free(&r);
	free(junk);
}

static void test_header_copies(void)
{
	struct xdb x;
	struct xrun r;
	/* Primary damaged: the shadow is used, a warning only. */
	xdb_build(&x, 8192);
	x.buf[300] ^= 0x40;
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E003), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E003)->offset, 0);
	CU_ASSERT_FALSE(r.sum->primary_ok);
	CU_ASSERT_TRUE(r.sum->shadow_ok);
	CU_ASSERT_TRUE(r.sum->catalog_ok);
	xrun_free(&r);
	/* Shadow damaged. */
	x.buf[300] ^= 0x40;
	x.buf[8192 + 300] ^= 0x40;
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E003), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E003)->offset, 8192);
	xrun_free(&r);
	/* Both damaged: unverifiable, nothing else said. */
	x.buf[300] ^= 0x40;
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E002), 1);
	CU_ASSERT_TRUE(r.sum->is_ese);
	CU_ASSERT_FALSE(r.sum->header_ok);
	xrun_free(&r);
	/* Both good but different: E004. */
	x.buf[300] ^= 0x40;
	x.buf[8192 + 300] ^= 0x40;
	xput32(x.buf + 8192 + DSB_ESE_HDR_DBID_OFF, 3);
	dsb_ese_header_stamp(x.buf + 8192, 8192);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E004), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E004)->offset, 8192 + DSB_ESE_HDR_DBID_OFF);
	xrun_free(&r);
	xdb_free(&x);
}

/* Edit one header field of a clean synthetic database and expect `rule`
 * (DSB_RULE_COUNT: nothing). */
static void header_case(size_t off, int width, uint32_t value, enum dsb_rule rule)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	if (width == 4)
		xput32(x.buf + off, value);
	else
		x.buf[off] = (uint8_t)value;
	rehdr(&x);
	run_x(&r, &x, 0, NULL);
	if (rule == DSB_RULE_COUNT) {
		xdump(&r, "header case, none expected");
		CU_ASSERT_EQUAL(r.n, 0);
	} else {
		if (xcount(&r, rule) != 1) {
			fprintf(stderr, "\n  header byte %zu = %u: expected %s\n", off, value,
				dsb_rule_info(rule)->id);
			xdump(&r, dsb_rule_info(rule)->id);
		}
		CU_ASSERT_EQUAL(xcount(&r, rule), 1);
	}
	xrun_free(&r);
	xdb_free(&x);
}

static void test_header_fields(void)
{
	header_case(DSB_ESE_HDR_VERSION_OFF, 4, 0x621, DSB_E005);
	header_case(DSB_ESE_HDR_VERSION_OFF, 4, 0x620, DSB_RULE_COUNT);
	header_case(DSB_ESE_HDR_FILETYPE_OFF, 4, 2, DSB_E005);
	header_case(DSB_ESE_HDR_FILETYPE_OFF, 4, 0, DSB_RULE_COUNT);   /* old engines */
	header_case(DSB_ESE_HDR_ATTRIB_OFF, 4, 1, DSB_E005);
	header_case(DSB_ESE_HDR_STATE_OFF, 4, DSB_ESE_STATE_JUST_CREATED, DSB_E005);
	header_case(DSB_ESE_HDR_STATE_OFF, 4, 42, DSB_E005);
	header_case(DSB_ESE_HDR_GEN_MAX_REQ_OFF, 4, 3, DSB_E006);      /* clean, requires 0-3 */
	header_case(DSB_ESE_HDR_GEN_MAX_COMMIT_OFF, 4, 3, DSB_RULE_COUNT);
	header_case(800, 1, 1, DSB_E007);
	header_case(700, 1, 1, DSB_RULE_COUNT);                        /* signRBSHdrFlush */
	header_case(665, 1, 1, DSB_E007);
	header_case(671, 1, 1, DSB_E007);
	header_case(4000, 1, 1, DSB_E007);
	header_case(660, 1, 1, DSB_RULE_COUNT);                        /* lgposLastResize */
	header_case(DSB_ESE_HDR_REPAIR_COUNT_OFF, 4, 1, DSB_E008);
	header_case(DSB_ESE_HDR_BAD_CHECKSUM_OFF, 4, 2, DSB_E009);
	header_case(DSB_ESE_HDR_ECC_FIX_FAIL_OFF, 4, 1, DSB_E009);
	header_case(DSB_ESE_HDR_ECC_FIX_OK_OFF, 4, 4, DSB_E010);
	header_case(DSB_ESE_HDR_UPDATE_MAJOR_OFF, 4, 0x122, DSB_RULE_COUNT);  /* revisions are informative */
}

static void test_dirty_states(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	/* Dirty with a coherent log range: the online-copy note only. */
	set_header(&x, &XDB_DIRTY);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E011), 1);
	CU_ASSERT_TRUE(r.sum->fuzzy);
	CU_ASSERT_FALSE(r.sum->backup_in_progress);
	CU_ASSERT_EQUAL(r.sum->logs_needed_low, 5);
	CU_ASSERT_EQUAL(r.sum->logs_needed_high, 7);
	xrun_free(&r);
	/* Dirty without a log range: E006 too. */
	struct xdb_hdr h = XDB_DIRTY;
	h.gen_min = 0;
	h.gen_max = 0;
	set_header(&x, &h);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E006), 1);
	xrun_free(&r);
	h = XDB_DIRTY;
	h.gen_min = 9;   /* minimum above maximum */
	set_header(&x, &h);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E006), 1);
	xrun_free(&r);
	xdb_free(&x);
}

static void test_trailer(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 8192);
	set_header(&x, &XDB_STREAMED);
	xdb_add_trailer(&x, 9);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E011), 1);
	CU_ASSERT_TRUE(r.sum->trailer_present);
	CU_ASSERT_TRUE(r.sum->trailer_ok);
	CU_ASSERT_TRUE(r.sum->backup_in_progress);
	CU_ASSERT_EQUAL(r.sum->logs_needed_low, 5);
	CU_ASSERT_EQUAL(r.sum->logs_needed_high, 9);
	CU_ASSERT_EQUAL(r.sum->pages_total, XDB_PAGES);   /* the trailer is not a page */
	xrun_free(&r);

	/* Trailer with another database signature. */
	x.buf[x.len - x.cb + DSB_ESE_TRL_SIGN_DB_OFF] ^= 1;
	dsb_ese_header_stamp(x.buf + x.len - x.cb, x.cb);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E020), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E020)->offset, (int64_t)(XDB_PAGES + 2) * 8192);
	CU_ASSERT_FALSE(r.sum->trailer_ok);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 1);
	xrun_free(&r);

	/* Trailer checksum broken. */
	x.buf[x.len - x.cb + DSB_ESE_TRL_SIGN_DB_OFF] ^= 1;
	dsb_ese_header_stamp(x.buf + x.len - x.cb, x.cb);
	x.buf[x.len - x.cb + 201] ^= 1;
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E020), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(xget(&r, DSB_E020)->message, "checksum mismatch"));
	xrun_free(&r);
	x.buf[x.len - x.cb + 201] ^= 1;

	/* No end generation. */
	xput32(x.buf + x.len - x.cb + DSB_ESE_TRL_BKINFO_OFF + 20, 0);
	dsb_ese_header_stamp(x.buf + x.len - x.cb, x.cb);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E020), 1);
	xrun_free(&r);

	/* Trailer missing: E021 and nothing else at error. */
	x.len -= x.cb;
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E021), 1);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 1);
	xrun_free(&r);

	/* A trailer the header does not announce (clean header). */
	set_header(&x, &XDB_CLEAN);
	xdb_add_trailer(&x, 9);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E020), 1);
	CU_ASSERT_TRUE(r.sum->trailer_present);
	xrun_free(&r);
	xdb_free(&x);
}

static void test_cut(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	/* Cut in the middle of page 20 (uninitialized, unreferenced). */
	x.len = (size_t)(20 + 1) * 4096 + 1234;
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E012), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E012)->page, 20);
	CU_ASSERT_EQUAL(xget(&r, DSB_E012)->offset, 21 * 4096);
	CU_ASSERT_TRUE(r.sum->truncated);
	xrun_free(&r);
	/* Cut on a page boundary in a clean database: the owned space says
	 * the file is short. */
	x.len = (size_t)(20 + 2) * 4096;
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E030), 1);
	xrun_free(&r);
	/* A read error (complete = false): the cut is the caller's to report. */
	struct dsb_findings *f = dsb_findings_new();
	struct dsb_ese_stream *s = dsb_ese_stream_new(f, 0, NULL);
	dsb_ese_stream_feed(s, x.buf, (size_t)(20 + 1) * 4096 + 1234);
	dsb_ese_stream_finish(s, false);
	dsb_ese_stream_finish(s, false);   /* idempotent */
	CU_ASSERT_TRUE(dsb_ese_stream_summary(s)->truncated);
	CU_ASSERT_EQUAL(dsb_findings_total(f, 0, DSB_SEV_ERROR), 0);
	dsb_ese_stream_free(s);
	dsb_findings_free(f);
	/* Cut inside the shadow header. */
	x.len = 4096 + 100;
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E003), 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E012), 1);
	xrun_free(&r);
	xdb_free(&x);
}

static void test_damage_referenced(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 8192);
	/* One bit in leaf 6: located, the offset is the byte's. */
	xdb_page(&x, 6)[1000] ^= 0x02;
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL_FATAL(xcount(&r, DSB_E014), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E014)->page, 6);
	CU_ASSERT_EQUAL(xget(&r, DSB_E014)->offset, 7 * 8192 + 1000);
	CU_ASSERT_PTR_NOT_NULL(strstr(xget(&r, DSB_E014)->message, "byte 1000 bit 1"));
	CU_ASSERT_FALSE(r.sum->tables[1].complete);
	xrun_free(&r);
	xdb_page(&x, 6)[1000] ^= 0x02;
	/* Bytes overwritten in leaf 7: E013.  (Eight equal bytes would cancel
	 * out in both halves of the checksum: two identical words in one row.) */
	memcpy(xdb_page(&x, 7) + 2000, "DAMAGED!", 8);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E013), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E013)->page, 7);
	xrun_free(&r);
	xdb_stamp(&x);
	/* Page 6 overwritten by a copy of page 7: misplaced. */
	memcpy(xdb_page(&x, 6), xdb_page(&x, 7), 8192);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E015), 1);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(xget(&r, DSB_E015)->message, "written for page 7"));
	xrun_free(&r);
	xdb_free(&x);
}

static void test_damage_unreferenced(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	/* Garbage in page 9: inside allocated space, not free, unreferenced. */
	for (size_t i = 0; i < 4096; i++)
		xdb_page(&x, 9)[i] = (uint8_t)rng();
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E027), 1);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 0);
	xrun_free(&r);
	/* The same garbage claiming t1's objid, while t1 lost a page: taken
	 * as t1's lost page, an error. */
	xput32(xdb_page(&x, 9) + DSB_ESE_PG_OBJID_OFF, XDB_T1_OBJID);
	xdb_page(&x, 7)[3000] ^= 0xFF;
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E013), 2);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E027), 0);
	xrun_free(&r);
	xdb_page(&x, 7)[3000] ^= 0xFF;
	memset(xdb_page(&x, 9), 0, 4096);
	/* Garbage in free space (pages 25-32 are available): info. */
	for (uint32_t pg = 27; pg <= 28; pg++)
		for (size_t i = 0; i < 4096; i++)
			xdb_page(&x, pg)[i] = (uint8_t)rng();
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E028), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E028)->page, 27);
	CU_ASSERT_PTR_NOT_NULL(strstr(xget(&r, DSB_E028)->message, "pages 27-28 (2 pages) in free space"));
	xrun_free(&r);
	/* Beyond the owned space: the root owns 1-24, of which 17-24 free. */
	uint8_t *oe = xdb_page(&x, 2), *ae = xdb_page(&x, 3);
	oe[40 + 16 + 2 + 3] = 24;       /* key: last pgno 24 (big-endian low byte) */
	xput32(oe + 40 + 16 + 2 + 4, 24);
	ae[40 + 16 + 2 + 3] = 24;
	xdb_stamp(&x);
	for (uint32_t pg = 27; pg <= 28; pg++)
		for (size_t i = 0; i < 4096; i++)
			xdb_page(&x, pg)[i] = (uint8_t)rng();
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E028), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(xget(&r, DSB_E028)->message, "past the space the database owns (last owned page 24)"));
	CU_ASSERT_EQUAL(r.sum->last_owned_pgno, 24);
	xrun_free(&r);
	xdb_free(&x);
}

static void test_orphan(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	/* A valid page of a tree nobody names. */
	xpg_init(&x, 10, 99, DSB_ESE_PF_LEAF, 0, 0, 50);
	xpg_add(&x, 10, "", 0, 0);
	xpg_add_node(&x, 10, "zz", 2, "orphan", 6);
	xdb_stamp(&x);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E029), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E029)->page, 10);
	xrun_free(&r);
	/* The same page flagged empty (freed): nothing to say. */
	xput32(xdb_page(&x, 10) + 36, xget32(xdb_page(&x, 10) + 36) | DSB_ESE_PF_EMPTY);
	xdb_stamp(&x);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 0);
	xrun_free(&r);
	xdb_free(&x);
}

static void test_tree_rules(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	uint8_t *root = xdb_page(&x, 5);
	/* Child 7 -> 8 (all zero): E022. */
	size_t child2 = 40 + 16 + (2 + 2 + 4) + 2;   /* second node's data */
	CU_ASSERT_EQUAL_FATAL(xget32(root + child2), 7);
	xput32(root + child2, 8);
	xdb_stamp(&x);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E022), 1);
	/* Page 6 still links to 7, but the slot next to it is the missing
	 * page: its link is not blamed for it. */
	CU_ASSERT_EQUAL(xcount(&r, DSB_E024), 0);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E029), 1);     /* page 7 is now an orphan */
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 1);
	xrun_free(&r);
	/* The same in an online copy: a tree that leads to a blank page
	 * stays an error (issue 3); only the online-copy note is added. */
	set_header(&x, &XDB_DIRTY);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E022), 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E024), 0);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E011), 1);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 1);
	xrun_free(&r);
	set_header(&x, &XDB_CLEAN);

	/* Child -> the index root (objid 11): E023. */
	xput32(root + child2, XDB_IX_FDP);
	xdb_stamp(&x);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E023), 1);
	xrun_free(&r);
	xput32(root + child2, 7);
	xdb_stamp(&x);

	/* Leaf 6's next link broken: E024; near-identical intact: nothing. */
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 0);
	xrun_free(&r);
	xput32(xdb_page(&x, 6) + DSB_ESE_PG_NEXT_OFF, 0);
	xdb_stamp(&x);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E024), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E024)->page, 6);
	xrun_free(&r);
	xput32(xdb_page(&x, 6) + DSB_ESE_PG_NEXT_OFF, 7);

	/* A page newer than the header: E025, or info in an online copy. */
	xput64(xdb_page(&x, 7) + DSB_ESE_PG_DBTIME_OFF, 5000);
	xdb_stamp(&x);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E025), 1);
	xrun_free(&r);
	set_header(&x, &XDB_DIRTY);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E025), 0);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E026), 1);
	CU_ASSERT_EQUAL(r.sum->highest_dbtime, 5000);
	CU_ASSERT_EQUAL(r.sum->highest_dbtime_pgno, 7);
	xrun_free(&r);
	xdb_free(&x);
}

static void test_structure_in_stream(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	xput32(xdb_page(&x, 7) + 36, xget32(xdb_page(&x, 7) + 36) | DSB_ESE_PF_REPAIR);
	xput16(xdb_page(&x, 6) + DSB_ESE_PG_CB_UNCOMMITTED_OFF, 4050);
	xdb_stamp(&x);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E019), 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E017), 1);
	CU_ASSERT_EQUAL(xget(&r, DSB_E017)->offset, 7 * 4096 + DSB_ESE_PG_CB_UNCOMMITTED_OFF);
	CU_ASSERT_EQUAL(r.sum->pages_bad_structure, 1);
	xrun_free(&r);
	xdb_free(&x);
}

static void test_catalog_rules(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	/* Catalog root zeroed: E031, and only the system trees walked. */
	uint8_t save[4096];
	memcpy(save, xdb_page(&x, 4), 4096);
	memset(xdb_page(&x, 4), 0, 4096);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E031), 1);
	CU_ASSERT_EQUAL(xcount_sev(&r, DSB_SEV_ERROR), 1);
	CU_ASSERT_FALSE(r.sum->catalog_ok);
	CU_ASSERT_FALSE(r.sum->tree_walk_done);
	CU_ASSERT_PTR_NOT_NULL(r.sum->tree_walk_skipped);
	xrun_free(&r);
	memcpy(xdb_page(&x, 4), save, 4096);

	/* A record that cannot be decoded: last fixed column 2. */
	uint8_t *cat = xdb_page(&x, 4);
	size_t rec0 = 40 + 16 + 2 + 8;   /* first record's data */
	CU_ASSERT_EQUAL_FATAL(cat[rec0], 8);
	cat[rec0] = 2;
	xdb_stamp(&x);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E031), 1);
	xrun_free(&r);
	cat[rec0] = 8;
	xdb_stamp(&x);

	/* Two tables with one objid: E032. */
	struct xdb y;
	xdb_build(&y, 4096);
	xpg_add_cat(&y, 4, 30, DSB_ESE_SYSOBJ_TABLE, XDB_T1_OBJID, 20, "t2");
	xdb_stamp(&y);
	run_x(&r, &y, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E032), 1);
	xrun_free(&r);
	xdb_free(&y);

	/* Named ntds.dit without the AD tables: E033 for the four missing. */
	run_x(&r, &x, 0, "\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit");
	CU_ASSERT_EQUAL(xcount(&r, DSB_E033), 4);
	CU_ASSERT_TRUE(r.sum->looks_like_ad);
	CU_ASSERT_FALSE(r.sum->ad_tables_present);
	CU_ASSERT_STRING_EQUAL(xget(&r, DSB_E033)->table, "datatable");
	xrun_free(&r);
	run_x(&r, &x, 0, "\\\\DC01\\C$\\data\\other.edb");
	CU_ASSERT_EQUAL(r.n, 0);
	xrun_free(&r);
	/* With the AD tables: nothing. */
	xdb_free(&x);
	xdb_build(&x, 4096);
	static const char *const ad[] = { "datatable", "link_table", "sd_table", "hiddentable" };
	for (unsigned i = 0; i < 4; i++) {
		/* Tables whose FDPs are empty pages of their own. */
		uint32_t pg = 13 + i, objid = 20 + i;
		xpg_add_cat(&x, 4, objid, DSB_ESE_SYSOBJ_TABLE, objid, pg, ad[i]);
		xpg_init(&x, pg, objid, DSB_ESE_PF_ROOT | DSB_ESE_PF_LEAF, 0, 0, 60);
		xpg_space_header(&x, pg, 1, 1, false, 0);
	}
	xdb_stamp(&x);
	run_x(&r, &x, 0, "ntds.dit");
	xdump(&r, "AD tables present");
	CU_ASSERT_EQUAL(r.n, 0);
	CU_ASSERT_TRUE(r.sum->ad_tables_present);
	CU_ASSERT_EQUAL(r.sum->ntables, 6);
	xrun_free(&r);
	xdb_free(&x);
}

static void test_owned_beyond_eof(void)
{
	struct xdb x;
	struct xrun r;
	xdb_build(&x, 4096);
	uint8_t *oe = xdb_page(&x, 2);
	oe[40 + 16 + 2 + 3] = 40;
	xput32(oe + 40 + 16 + 2 + 4, 40);
	xdb_stamp(&x);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E030), 1);
	xrun_free(&r);
	set_header(&x, &XDB_DIRTY);
	run_x(&r, &x, 0, NULL);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E030), 0);
	CU_ASSERT_EQUAL(xcount(&r, DSB_E026), 1);
	xrun_free(&r);
	xdb_free(&x);
}

static void test_verify_fd(void)
{
	struct xdb x;
	xdb_build(&x, 4096);
	xdb_page(&x, 6)[777] ^= 0x80;
	char path[64];
	int fd = xtemp(x.buf, x.len, path);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	struct dsb_findings *f = dsb_findings_new();
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = "data/ntds.dit";
	loc.line = 42;
	int err = -1;
	struct dsb_ese_stream *s = dsb_ese_verify_fd(fd, f, 0, &loc, &err);
	close(fd);
	unlink(path);
	CU_ASSERT_EQUAL(err, 0);
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL(n, 1 + 4);   /* the bit, and four AD tables missing */
	const struct dsb_finding *b = NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i].rule == DSB_E014)
			b = &v[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_STRING_EQUAL(b->member, "data/ntds.dit");
	CU_ASSERT_EQUAL(b->line, 42);
	CU_ASSERT_EQUAL(b->page, 6);
	CU_ASSERT_EQUAL(b->offset, 7 * 4096 + 777);
	CU_ASSERT_PTR_NOT_NULL(strstr(b->message, "bit 7"));
	CU_ASSERT_EQUAL(dsb_ese_stream_summary(s)->bytes, x.len);
	dsb_ese_stream_free(s);
	dsb_findings_free(f);
	/* A descriptor that cannot be read: no crash, summary says so. */
	f = dsb_findings_new();
	s = dsb_ese_verify_fd(-1, f, 0, NULL, &err);
	CU_ASSERT_NOT_EQUAL(err, 0);
	CU_ASSERT_EQUAL(dsb_findings_total(f, 0, DSB_SEV_ERROR), 1);   /* E001: nothing read */
	dsb_ese_stream_free(s);
	dsb_findings_free(f);
	xdb_free(&x);
}

static void test_rule_catalogue(void)
{
	/* Every E rule, whatever their number, has an id in order, the ESE
	 * category and text; the E rules end where another letter begins. */
	for (int r = DSB_E001; r < DSB_RULE_COUNT; r++) {
		const struct dsb_rule_info *ri = dsb_rule_info((enum dsb_rule)r);
		if (strncmp(ri->id, "DSB-E", 5) != 0)
			break;
		char want[16];
		snprintf(want, sizeof(want), "DSB-E%03d", r - DSB_E001 + 1);
		CU_ASSERT_STRING_EQUAL(ri->id, want);
		CU_ASSERT_EQUAL(ri->category, DSB_CAT_ESE);
		CU_ASSERT_TRUE(strlen(ri->title) > 5 && strlen(ri->explanation) > 20 && strlen(ri->remedy) > 5);
		CU_ASSERT_EQUAL((int)dsb_rule_by_id(want), (int)r);
	}
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_E003)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_E013)->severity, DSB_SEV_ERROR);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_E026)->severity, DSB_SEV_INFO);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_E028)->severity, DSB_SEV_INFO);
}

static const struct dsb_test checksum_tests[] = {
	{ "old format: stamp, verify, misplaced, damage", test_old_format },
	{ "all-zero page is uninitialized", test_uninit },
	{ "ECC difference matches the reference vector", test_ecc_reference_vector },
	{ "single bit located, 4 KiB", test_bitflip_4k },
	{ "single bit located, 8 KiB", test_bitflip_8k },
	{ "single bit located, 16 KiB (4 blocks, pgno field)", test_bitflip_16k },
	{ "single bit located, 32 KiB (4 blocks, pgno field)", test_bitflip_32k },
	{ "bit flipped in the stored checksum", test_bitflip_in_stored_checksum },
	{ "flipped new-checksum flag located", test_format_flag_flip },
	{ "page written for another pgno", test_misplaced },
	{ "two damaged bytes are not a bit flip", test_two_bytes_mismatch },
	{ "XE: XOR half, header block excludes the checksum", test_xe_xor_half },
	{ NULL, NULL },
};

static const struct dsb_test decode_tests[] = {
	{ "database header fields and copy checks", test_header_decode },
	{ "page header, tags, nodes, space header, extents", test_page_decode },
	{ "MSysObjects records", test_catalog_record },
	{ "trailer page and sniffing", test_trailer_decode_and_sniff },
	{ NULL, NULL },
};

static const struct dsb_test structure_tests[] = {
	{ "each page check triggers and not", test_structure_cases },
	{ "empty pages, stale empty tags, prefixes, large pages", test_structure_special },
	{ "the first bad node only, with all its problems", test_node_checks_first_bad_node },
	{ NULL, NULL },
};

static const struct dsb_test stream_tests[] = {
	{ "clean database at every page size", test_clean },
	{ "1-byte, odd and large chunks give identical results", test_chunking },
	{ "not an ESE file (E001)", test_not_ese },
	{ "header copies (E002, E003, E004)", test_header_copies },
	{ "header fields (E005-E010)", test_header_fields },
	{ "dirty states (E006, E011)", test_dirty_states },
	{ "streaming-backup trailer (E020, E021)", test_trailer },
	{ "cut files (E012, E030)", test_cut },
	{ "damage in referenced pages (E013, E014, E015)", test_damage_referenced },
	{ "damage in unreferenced pages (E027, E028)", test_damage_unreferenced },
	{ "orphan pages (E029)", test_orphan },
	{ "tree rules and their fuzzy forms (E022-E026)", test_tree_rules },
	{ "page structure in the stream (E016-E019)", test_structure_in_stream },
	{ "catalog (E031, E032, E033)", test_catalog_rules },
	{ "owned space beyond the end (E030, E026)", test_owned_beyond_eof },
	{ "verify a file descriptor", test_verify_fd },
	{ "rule catalogue rows", test_rule_catalogue },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "ese checksums", checksum_tests },
	{ "ese decoders", decode_tests },
	{ "ese page structure", structure_tests },
	{ "ese stream", stream_tests },
};

DSB_TEST_MAIN(suites)
