/* SPDX-License-Identifier: Apache-2.0 */
/*
 * format/ese_log.h: the log header, ATTACHINFO lists, checkpoint, .pat
 * files, log-set names and the v8 segment walker (REF §3.1-§3.4, §3.8,
 * §3.10).  Every buffer is built here with REF's offsets written out as
 * numbers, so a wrong named offset in the layout table fails a test.
 * The segment checksums are stamped with format/ese.h's page stamp (the
 * XE of REF §2.4 for pgno = isec), whose own tests are in test_ese.c.
 */
#include <time.h>

#include "format/ese.h"
#include "format/ese_log.h"
#include "lib/le.h"

#include "tests/cunit_main.h"

/* ---- byte helpers --------------------------------------------------------- */

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* LGPOS (REF §1.3): ib, isec, generation. */
static void put_lgpos(uint8_t *p, size_t off, uint16_t ib, uint16_t isec, int32_t gen)
{
	dsb_put_le16(p, off, ib);
	dsb_put_le16(p, off + 2, isec);
	dsb_put_le32(p, off + 4, (uint32_t)gen);
}

/* REF §1.4: 0x89ABCDEF ^ XOR32(block, 4), written out here rather than
 * taken from the code under test. */
static uint32_t ref_checksum(const uint8_t *b, size_t n)
{
	uint32_t x = 0x89ABCDEFu;
	for (size_t i = 4; i + 4 <= n; i += 4)
		x ^= (uint32_t)b[i] | (uint32_t)b[i + 1] << 8 | (uint32_t)b[i + 2] << 16 |
		     (uint32_t)b[i + 3] << 24;
	return x;
}

static void stamp4(uint8_t *b, size_t n)
{
	dsb_put_le32(b, 0, ref_checksum(b, n));
}

/* A LOGTIME: 2026-12-02 01:02:03.456 UTC (REF §1.3 bit layout). */
static void put_logtime(uint8_t *p, size_t off, uint8_t sec)
{
	const uint16_t ms = 456;
	p[off] = sec;
	p[off + 1] = 2;
	p[off + 2] = 1;
	p[off + 3] = 2;
	p[off + 4] = 12;
	p[off + 5] = 126;
	p[off + 6] = (uint8_t)(1u | (ms & 0x7Fu) << 1);
	p[off + 7] = (uint8_t)((ms >> 7) << 1);
}

/* ---- log header (REF §3.2) ------------------------------------------------- */

#define GEN 0x2A
#define CSEC 16u

/* A v8 log header: generation GEN, CSEC segments, 8 KiB pages,
 * 8.4000.60.140, one attached database named "C:\ntds.dit". */
static void build_log_header(uint8_t *h)
{
	memset(h, 0, 4096);
	dsb_put_le32(h, 4, GEN);
	dsb_put_le16(h, 8, 4096);
	dsb_put_le16(h, 10, 1);
	dsb_put_le16(h, 12, CSEC);
	dsb_put_le16(h, 14, 8192);
	put_logtime(h, 16, 3);
	put_logtime(h, 24, 4);
	dsb_put_le32(h, 32, 8);
	dsb_put_le32(h, 36, 4000);
	dsb_put_le32(h, 40, 60);
	dsb_put_le32(h, 44, 0x11223344u);          /* signLog.ulRandom */
	put_logtime(h, 48, 5);              /* signLog.logtimeCreate */
	h[639] = 0x04;                      /* fLGFlags: circular ever */
	put_lgpos(h, 640, 0x28, 7, GEN - 1);
	dsb_put_le32(h, 648, 140);
	h[652] = 1;
	dsb_put_le64(h, 653, 0x0123456789ABCDEFull);
	dsb_put_le32(h, 661, 9180);
	dsb_put_le32(h, 667, 3);
	/* ATTACHINFO at 671 */
	uint8_t *a = h + 671;
	static const char path[] = "C:\\ntds.dit";
	a[0] = 1;
	a[1] = 0x20;
	dsb_put_le16(a, 2, (uint16_t)(sizeof path - 1));
	dsb_put_le64(a, 4, 0x5566);
	dsb_put_le32(a, 12, 0x777);
	dsb_put_le32(a, 16, 0x888);
	put_lgpos(a, 20, 0, 1, 1);
	put_lgpos(a, 28, 0x40, 2, 3);
	dsb_put_le32(a, 36, 0xCAFEF00Du);
	memcpy(a + 64, path, sizeof path - 1);
	/* the terminator follows at 64 + 11: already zero */
	stamp4(h, 4096);
}

static void test_header_fields(void)
{
	uint8_t h[4096];
	build_log_header(h);
	struct dsb_log_header d;
	CU_ASSERT_TRUE_FATAL(dsb_log_header_decode(h, sizeof h, &d));
	CU_ASSERT_EQUAL(d.checksum, ref_checksum(h, 4096));
	CU_ASSERT_EQUAL(d.checksum_computed, d.checksum);
	CU_ASSERT_EQUAL(d.generation, GEN);
	CU_ASSERT_EQUAL(d.cb_sec, 4096);
	CU_ASSERT_EQUAL(d.csec_header, 1);
	CU_ASSERT_EQUAL(d.csec_lgfile, CSEC);
	CU_ASSERT_EQUAL(d.cb_page, 8192);
	CU_ASSERT_EQUAL(d.tm_create.sec, 3);
	CU_ASSERT_EQUAL(d.tm_create.year, 2026);
	CU_ASSERT_EQUAL(d.tm_create.month, 12);
	CU_ASSERT_EQUAL(d.tm_create.ms, 456);
	CU_ASSERT_TRUE(d.tm_create.utc);
	CU_ASSERT_EQUAL(d.tm_prev_gen.sec, 4);
	CU_ASSERT_EQUAL(d.version.major, 8);
	CU_ASSERT_EQUAL(d.version.minor, 4000);
	CU_ASSERT_EQUAL(d.version.update_major, 60);
	CU_ASSERT_EQUAL(d.version.update_minor, 140);
	char v[DSB_LOG_VERSION_STR_MAX];
	dsb_log_version_format(&d.version, v, sizeof v);
	CU_ASSERT_STRING_EQUAL(v, "8.4000.60.140");
	CU_ASSERT_EQUAL(d.sign_log.random, 0x11223344u);
	CU_ASSERT_EQUAL(d.sign_log.created.sec, 5);
	CU_ASSERT_EQUAL(memcmp(d.sign_log.raw, h + 44, 28), 0);
	CU_ASSERT_EQUAL(d.flags, 0x04);
	CU_ASSERT_EQUAL(d.lgpos_checkpoint.ib, 0x28);
	CU_ASSERT_EQUAL(d.lgpos_checkpoint.isec, 7);
	CU_ASSERT_EQUAL(d.lgpos_checkpoint.generation, GEN - 1);
	CU_ASSERT_EQUAL(d.disk_sec_mismatch, 1);
	CU_ASSERT_EQUAL(d.checksum_prev, 0x0123456789ABCDEFull);
	CU_ASSERT_EQUAL(d.efv, 9180);
	CU_ASSERT_EQUAL(d.filetype, 3);
	CU_ASSERT_TRUE(d.tail_zero);
	CU_ASSERT_EQUAL(d.attach.count, 1);
	CU_ASSERT_EQUAL(d.attach.end, DSB_LOG_ATTACH_TERMINATED);
	CU_ASSERT_EQUAL(d.attach.end_off, 64 + 11);
	CU_ASSERT_TRUE(d.attach.tail_zero);
	const struct dsb_log_attach *a = &d.attach.rec[0];
	CU_ASSERT_EQUAL(a->dbid, 1);
	CU_ASSERT_EQUAL(a->flags, DSB_LOG_ATT_UNICODE);
	CU_ASSERT_EQUAL(a->cb_names, 11);
	CU_ASSERT_EQUAL(a->dbtime, 0x5566);
	CU_ASSERT_EQUAL(a->objid_last, 0x777);
	CU_ASSERT_EQUAL(a->cpg_max, 0x888);
	CU_ASSERT_EQUAL(a->lgpos_attach.isec, 1);
	CU_ASSERT_EQUAL(a->lgpos_consistent.ib, 0x40);
	CU_ASSERT_EQUAL(a->lgpos_consistent.generation, 3);
	CU_ASSERT_EQUAL(a->sign_db.random, 0xCAFEF00Du);
	CU_ASSERT_EQUAL(a->name_off, 671 + 64);
	CU_ASSERT_EQUAL(memcmp(h + a->name_off, "C:\\ntds.dit", 11), 0);

	/* A byte after the fields, and one in the attach area's tail. */
	h[3000] = 1;
	h[671 + 100] = 1;
	CU_ASSERT_TRUE(dsb_log_header_decode(h, sizeof h, &d));
	CU_ASSERT_FALSE(d.tail_zero);
	CU_ASSERT_FALSE(d.attach.tail_zero);
	CU_ASSERT_EQUAL(d.attach.count, 1);
}

static void test_header_checksum(void)
{
	uint8_t h[4096];
	build_log_header(h);
	struct dsb_log_header d;
	/* Damage of several shapes: a bit in a field, a bit past the fields
	 * (the checksum covers all 4096 bytes), a whole byte, the stored
	 * checksum itself. */
	static const size_t at[] = { 4, 12, 667, 671, 2719, 4095, 0 };
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		build_log_header(h);
		h[at[i]] ^= i % 2 ? 0xFF : 0x10;
		CU_ASSERT_TRUE(dsb_log_header_decode(h, sizeof h, &d));
		CU_ASSERT_NOT_EQUAL(d.checksum, d.checksum_computed);
	}
	/* Truncated: nothing decoded, everything zero. */
	build_log_header(h);
	CU_ASSERT_FALSE(dsb_log_header_decode(h, 4095, &d));
	CU_ASSERT_EQUAL(d.generation, 0);
	CU_ASSERT_FALSE(dsb_log_header_decode(h, 0, &d));
}

static void test_versions(void)
{
	struct dsb_log_version v7 = { 7, 3704, 15, 0 }, v8a = { 8, 4000, 1, 999 };
	struct dsb_log_version v8b = { 8, 4000, 2, 0 }, v8c = { 8, 4000, 60, 140 };
	CU_ASSERT_FALSE(dsb_log_zero_filled(&v7));
	CU_ASSERT_FALSE(dsb_log_zero_filled(&v8a));
	CU_ASSERT_TRUE(dsb_log_zero_filled(&v8b));
	CU_ASSERT_TRUE(dsb_log_zero_filled(&v8c));
	CU_ASSERT_EQUAL(dsb_log_version_cmp(&v7, &v8a), -1);
	CU_ASSERT_EQUAL(dsb_log_version_cmp(&v8c, &v8b), 1);
	CU_ASSERT_EQUAL(dsb_log_version_cmp(&v8c, &v8c), 0);
	char s[DSB_LOG_VERSION_STR_MAX];
	dsb_log_version_format(&v7, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "7.3704.15.0");
	struct dsb_log_version big = { UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX };
	dsb_log_version_format(&big, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "4294967295.4294967295.4294967295.4294967295");
}

/* ---- ATTACHINFO edge cases ---------------------------------------------- */

/* A record of 64 + cb bytes at a. */
static size_t put_attach(uint8_t *a, uint8_t dbid, uint16_t cb)
{
	a[0] = dbid;
	dsb_put_le16(a, 2, cb);
	dsb_put_le32(a, 12, dbid * 10u);
	for (uint16_t i = 0; i < cb; i++)
		a[64 + i] = (uint8_t)('a' + i % 26);
	return 64u + cb;
}

static void test_attach_edges(void)
{
	uint8_t h[4096];
	struct dsb_log_attach_list l;

	/* Empty list: the first byte is the terminator. */
	memset(h, 0, sizeof h);
	dsb_log_attach_decode(h, sizeof h, 671, &l);
	CU_ASSERT_EQUAL(l.count, 0);
	CU_ASSERT_EQUAL(l.end, DSB_LOG_ATTACH_TERMINATED);
	CU_ASSERT_EQUAL(l.end_off, 0);
	CU_ASSERT_TRUE(l.tail_zero);

	/* Three records, names of 0, 5 and 300 bytes. */
	memset(h, 0, sizeof h);
	size_t off = 671;
	off += put_attach(h + off, 1, 0);
	off += put_attach(h + off, 2, 5);
	off += put_attach(h + off, 3, 300);
	dsb_log_attach_decode(h, sizeof h, 671, &l);
	CU_ASSERT_EQUAL(l.count, 3);
	CU_ASSERT_EQUAL(l.end, DSB_LOG_ATTACH_TERMINATED);
	CU_ASSERT_EQUAL(l.end_off, 64 + 69 + 364);
	CU_ASSERT_EQUAL(l.rec[1].name_off, 671 + 64 + 64);
	CU_ASSERT_EQUAL(l.rec[2].cb_names, 300);
	CU_ASSERT_EQUAL(l.rec[2].objid_last, 30);

	/* No terminator: 32 records of 64 bytes fill the 2048 bytes. */
	memset(h, 0, sizeof h);
	for (unsigned i = 0; i < 32; i++)
		put_attach(h + 671 + 64 * i, (uint8_t)(i + 1), 0);
	dsb_log_attach_decode(h, sizeof h, 671, &l);
	CU_ASSERT_EQUAL(l.count, DSB_LOG_ATTACH_MAX);
	CU_ASSERT_EQUAL(l.end, DSB_LOG_ATTACH_UNTERMINATED);
	CU_ASSERT_EQUAL(l.end_off, 2048);
	CU_ASSERT_EQUAL(l.rec[31].dbid, 32);
	/* Its near twin: 31 records and the terminator. */
	h[671 + 64 * 31] = 0;
	dsb_log_attach_decode(h, sizeof h, 671, &l);
	CU_ASSERT_EQUAL(l.count, 31);
	CU_ASSERT_EQUAL(l.end, DSB_LOG_ATTACH_TERMINATED);

	/* cbNames past the end of the area: the record is not kept. */
	memset(h, 0, sizeof h);
	put_attach(h + 671, 1, 10);
	dsb_put_le16(h + 671 + 74, 2, 2048);
	h[671 + 74] = 2;
	dsb_log_attach_decode(h, sizeof h, 671, &l);
	CU_ASSERT_EQUAL(l.count, 1);
	CU_ASSERT_EQUAL(l.end, DSB_LOG_ATTACH_OVERRUN);
	CU_ASSERT_EQUAL(l.end_off, 74);
	CU_ASSERT_EQUAL(l.rec[1].dbid, 0);
	/* cbNames exactly to the end: kept, and then unterminated. */
	dsb_put_le16(h + 671 + 74, 2, 2048 - 74 - 64);
	dsb_log_attach_decode(h, sizeof h, 671, &l);
	CU_ASSERT_EQUAL(l.count, 2);
	CU_ASSERT_EQUAL(l.end, DSB_LOG_ATTACH_UNTERMINATED);

	/* The fixed part itself past the end: a record starting 10 bytes
	 * before the end of the area. */
	memset(h, 0, sizeof h);
	put_attach(h + 671, 1, 2048 - 64 - 10);
	h[671 + 2038] = 7;
	dsb_log_attach_decode(h, sizeof h, 671, &l);
	CU_ASSERT_EQUAL(l.count, 1);
	CU_ASSERT_EQUAL(l.end, DSB_LOG_ATTACH_OVERRUN);
	CU_ASSERT_EQUAL(l.end_off, 2038);

	/* A buffer cut inside the area reads as far as it goes. */
	memset(h, 0, sizeof h);
	put_attach(h + 671, 1, 0);
	put_attach(h + 671 + 64, 2, 0);
	dsb_log_attach_decode(h, 671 + 100, 671, &l);
	CU_ASSERT_EQUAL(l.count, 1);
	CU_ASSERT_EQUAL(l.end, DSB_LOG_ATTACH_OVERRUN);
	dsb_log_attach_decode(h, 600, 671, &l);
	CU_ASSERT_EQUAL(l.count, 0);
	CU_ASSERT_EQUAL(l.end, DSB_LOG_ATTACH_UNTERMINATED);
}

/* ---- checkpoint (REF §3.8) --------------------------------------------- */

static void build_chk_copy(uint8_t *c, uint16_t isec)
{
	memset(c, 0, 4096);
	put_lgpos(c, 4, 1, 2, 3);
	put_lgpos(c, 12, 0x30, isec, GEN);
	dsb_put_le32(c, 20, 0x11223344u);
	put_logtime(c, 24, 5);
	put_lgpos(c, 615, 4, 5, 6);
	put_logtime(c, 623, 7);
	put_lgpos(c, 631, 8, 9, 10);
	put_logtime(c, 639, 11);
	c[647] = 1;
	put_lgpos(c, 648, 12, 13, 14);
	dsb_put_le32(c, 667, 4);
	put_attach(c + 679, 1, 4);
	stamp4(c, 4096);
}

static void test_checkpoint_fields(void)
{
	uint8_t c[4096];
	build_chk_copy(c, 0x99);
	struct dsb_chk_copy k;
	CU_ASSERT_TRUE_FATAL(dsb_chk_copy_decode(c, sizeof c, &k));
	CU_ASSERT_EQUAL(k.checksum, ref_checksum(c, 4096));
	CU_ASSERT_EQUAL(k.checksum_computed, k.checksum);
	CU_ASSERT_EQUAL(k.lgpos_last_full_backup_checkpoint.ib, 1);
	CU_ASSERT_EQUAL(k.lgpos_last_full_backup_checkpoint.isec, 2);
	CU_ASSERT_EQUAL(k.lgpos_last_full_backup_checkpoint.generation, 3);
	CU_ASSERT_EQUAL(k.lgpos_checkpoint.ib, 0x30);
	CU_ASSERT_EQUAL(k.lgpos_checkpoint.isec, 0x99);
	CU_ASSERT_EQUAL(k.lgpos_checkpoint.generation, GEN);
	CU_ASSERT_EQUAL(k.sign_log.random, 0x11223344u);
	CU_ASSERT_EQUAL(k.sign_log.created.sec, 5);
	CU_ASSERT_EQUAL(k.lgpos_full_backup.generation, 6);
	CU_ASSERT_EQUAL(k.time_full_backup.sec, 7);
	CU_ASSERT_EQUAL(k.lgpos_inc_backup.generation, 10);
	CU_ASSERT_EQUAL(k.time_inc_backup.sec, 11);
	CU_ASSERT_EQUAL(k.fversion, DSB_CHK_VERSION_ATTACH);
	CU_ASSERT_EQUAL(k.lgpos_db_consistency.ib, 12);
	CU_ASSERT_EQUAL(k.lgpos_db_consistency.generation, 14);
	CU_ASSERT_EQUAL(k.filetype, 4);
	CU_ASSERT_EQUAL(k.attach.count, 1);
	CU_ASSERT_EQUAL(k.attach.rec[0].name_off, 679 + 64);
	CU_ASSERT_EQUAL(k.attach.end, DSB_LOG_ATTACH_TERMINATED);
	CU_ASSERT_FALSE(dsb_chk_copy_decode(c, 4000, &k));
}

static void test_checkpoint_file(void)
{
	uint8_t f[8192];
	struct dsb_chk_file d;

	/* Both good and equal. */
	build_chk_copy(f, 1);
	memcpy(f + 4096, f, 4096);
	dsb_chk_file_decode(f, sizeof f, &d);
	CU_ASSERT_EQUAL(d.ncopies, 2);
	CU_ASSERT_TRUE(d.good[0] && d.good[1]);
	CU_ASSERT_TRUE(d.copies_equal);
	CU_ASSERT_EQUAL(d.used, 0);
	CU_ASSERT_EQUAL(d.copy[1].lgpos_checkpoint.isec, 1);

	/* Primary bad (one bit): the shadow is used. */
	f[100] ^= 0x01;
	dsb_chk_file_decode(f, sizeof f, &d);
	CU_ASSERT_FALSE(d.good[0]);
	CU_ASSERT_TRUE(d.good[1]);
	CU_ASSERT_FALSE(d.copies_equal);
	CU_ASSERT_EQUAL(d.used, 1);

	/* Shadow bad (a zeroed block), primary good. */
	build_chk_copy(f, 1);
	memset(f + 4096, 0, 4096);
	dsb_chk_file_decode(f, sizeof f, &d);
	CU_ASSERT_TRUE(d.good[0]);
	CU_ASSERT_FALSE(d.good[1]);
	CU_ASSERT_EQUAL(d.used, 0);

	/* Both bad. */
	f[5] ^= 0x80;
	dsb_chk_file_decode(f, sizeof f, &d);
	CU_ASSERT_FALSE(d.good[0] || d.good[1]);
	CU_ASSERT_EQUAL(d.used, -1);

	/* Both good but different: the primary, silently (REF §3.8). */
	build_chk_copy(f, 1);
	build_chk_copy(f + 4096, 2);
	dsb_chk_file_decode(f, sizeof f, &d);
	CU_ASSERT_TRUE(d.good[0] && d.good[1]);
	CU_ASSERT_FALSE(d.copies_equal);
	CU_ASSERT_EQUAL(d.used, 0);
	CU_ASSERT_EQUAL(d.copy[0].lgpos_checkpoint.isec, 1);
	CU_ASSERT_EQUAL(d.copy[1].lgpos_checkpoint.isec, 2);

	/* Truncated: one copy, then none. */
	dsb_chk_file_decode(f, 6000, &d);
	CU_ASSERT_EQUAL(d.ncopies, 1);
	CU_ASSERT_TRUE(d.good[0]);
	CU_ASSERT_FALSE(d.good[1]);
	CU_ASSERT_FALSE(d.copies_equal);
	CU_ASSERT_EQUAL(d.len, 6000);
	dsb_chk_file_decode(f, 100, &d);
	CU_ASSERT_EQUAL(d.ncopies, 0);
	CU_ASSERT_EQUAL(d.used, -1);
}

/* ---- .pat (REF §3.10) --------------------------------------------------- */

static void build_patchhdr(uint8_t *p, uint32_t cb, uint32_t gen_high)
{
	memset(p, 0, cb);
	put_lgpos(p, 40, 0x4E, 0x16, 1);   /* bkinfo.lgposMark */
	put_logtime(p, 48, 9);
	dsb_put_le32(p, 56, 1);                    /* genLow */
	dsb_put_le32(p, 60, gen_high);             /* genHigh */
	dsb_put_le32(p, 64, 0xDB);                 /* signDb */
	dsb_put_le32(p, 92, 0x1065);               /* signLog */
	stamp4(p, cb);
}

static void test_patch_file(void)
{
	static uint8_t p[32768];
	struct dsb_pat_file d;

	dsb_pat_decode(p, 0, 0, &d);
	CU_ASSERT_EQUAL(d.kind, DSB_PAT_EMPTY);

	/* Two equal 8 KiB copies, as the real Windows 7-era file. */
	build_patchhdr(p, 8192, 1);
	memcpy(p + 8192, p, 8192);
	dsb_pat_decode(p, 16384, 0, &d);
	CU_ASSERT_EQUAL(d.kind, DSB_PAT_PATCHHDR);
	CU_ASSERT_EQUAL(d.cb_page, 8192);
	CU_ASSERT_EQUAL(d.ncopies, 2);
	CU_ASSERT_TRUE(d.copy[0].checksum_ok && d.copy[1].checksum_ok);
	CU_ASSERT_TRUE(d.copies_equal);
	CU_ASSERT_TRUE(d.copy[0].rest_zero);
	CU_ASSERT_EQUAL(d.copy[0].t.bkinfo.mark.isec, 0x16);
	CU_ASSERT_EQUAL(d.copy[0].t.bkinfo.gen_high, 1);
	CU_ASSERT_EQUAL(d.copy[1].t.sign_db.random, 0xDB);
	CU_ASSERT_EQUAL(d.copy[1].t.sign_log.random, 0x1065);

	/* The second copy differs (another genHigh) and both verify. */
	build_patchhdr(p + 8192, 8192, 2);
	dsb_pat_decode(p, 16384, 0, &d);
	CU_ASSERT_EQUAL(d.ncopies, 2);
	CU_ASSERT_TRUE(d.copy[1].checksum_ok);
	CU_ASSERT_FALSE(d.copies_equal);

	/* One copy with a bad checksum. */
	p[8192 + 60] ^= 0x04;
	dsb_pat_decode(p, 16384, 0, &d);
	CU_ASSERT_TRUE(d.copy[0].checksum_ok);
	CU_ASSERT_FALSE(d.copy[1].checksum_ok);

	/* One 16 KiB page: the length also fits two 8 KiB pages, which would
	 * not verify (the second would be all zero); the 16 KiB reading
	 * verifies. */
	build_patchhdr(p, 16384, 3);
	dsb_pat_decode(p, 16384, 0, &d);
	CU_ASSERT_EQUAL(d.kind, DSB_PAT_PATCHHDR);
	CU_ASSERT_EQUAL(d.cb_page, 16384);
	CU_ASSERT_EQUAL(d.ncopies, 1);
	CU_ASSERT_TRUE(d.copy[0].checksum_ok);
	/* The database's page size decides when the caller knows it. */
	dsb_pat_decode(p, 16384, 8192, &d);
	CU_ASSERT_EQUAL(d.cb_page, 8192);
	CU_ASSERT_EQUAL(d.ncopies, 2);

	/* A damaged PATCHHDR is still one (its PGHDR is zero). */
	build_patchhdr(p, 4096, 1);
	p[100] ^= 0xFF;
	dsb_pat_decode(p, 4096, 4096, &d);
	CU_ASSERT_EQUAL(d.kind, DSB_PAT_PATCHHDR);
	CU_ASSERT_EQUAL(d.cb_page, 4096);
	CU_ASSERT_FALSE(d.copy[0].checksum_ok);
	CU_ASSERT_TRUE(d.copy[0].rest_zero);
	p[3000] = 1;
	dsb_pat_decode(p, 4096, 4096, &d);
	CU_ASSERT_FALSE(d.copy[0].rest_zero);
	/* With no hint and nothing verifying, two copies of the smaller size. */
	dsb_pat_decode(p, 4096, 0, &d);
	CU_ASSERT_EQUAL(d.kind, DSB_PAT_PATCHHDR);
	CU_ASSERT_EQUAL(d.cb_page, 2048);
	CU_ASSERT_EQUAL(d.ncopies, 2);

	/* Legacy: a length that is no page pair, or a page that is no
	 * PATCHHDR (a non-zero PGHDR, no checksum). */
	dsb_pat_decode(p, 5000, 0, &d);
	CU_ASSERT_EQUAL(d.kind, DSB_PAT_LEGACY);
	memset(p, 0x5A, 8192);
	dsb_pat_decode(p, 8192, 0, &d);
	CU_ASSERT_EQUAL(d.kind, DSB_PAT_LEGACY);
}

/* ---- names (REF §3.1, RC §3.9) ------------------------------------------ */

static struct dsb_log_name parse(const char *s)
{
	struct dsb_log_name n;
	dsb_log_name_parse(s, strlen(s), &n);
	return n;
}

/* One row per name: what the parser must say.  gen 0 where none;
 * base NULL where the kind has none; ext NULL for OTHER. */
static const struct name_case {
	const char *name;
	enum dsb_log_name_kind kind;
	enum dsb_log_name_reject reject;
	const char *base, *ext;
	uint32_t gen;
	bool five, lower;
} name_cases[] = {
	{ "edb0002A.log", DSB_LNAME_ARCHIVED, DSB_LNAME_OK, "edb", ".log", 0x2A, true, false },
	{ "C:\\Windows\\NTDS\\EDB0002a.LOG", DSB_LNAME_ARCHIVED, DSB_LNAME_OK, "EDB", ".log", 0x2A,
	  true, true },
	{ "logs/edbFFFFF.jtx", DSB_LNAME_ARCHIVED, DSB_LNAME_OK, "edb", ".jtx", 0xFFFFF, true, false },
	{ "edbfffff.log", DSB_LNAME_ARCHIVED, DSB_LNAME_OK, "edb", ".log", 0xFFFFF, true, true },
	{ "edb00100000.log", DSB_LNAME_ARCHIVED, DSB_LNAME_OK, "edb", ".log", 0x100000, false, false },
	{ "edb7FFFFFFF.log", DSB_LNAME_ARCHIVED, DSB_LNAME_OK, "edb", ".log", 0x7FFFFFFF, false, false },
	/* 8 digits for a small generation (no EightDotThreeSoftCompat) */
	{ "edb0000002A.log", DSB_LNAME_ARCHIVED, DSB_LNAME_OK, "edb", ".log", 0x2A, false, false },
	/* 5 digits after "res" are an archived log of base "res" */
	{ "res00001.log", DSB_LNAME_ARCHIVED, DSB_LNAME_OK, "res", ".log", 1, true, false },
	{ "edb80000000.log", DSB_LNAME_OTHER, DSB_LNAME_RANGE, NULL, NULL, 0, false, false },
	{ "edbFFFFFFFF.log", DSB_LNAME_OTHER, DSB_LNAME_RANGE, NULL, NULL, 0, false, false },
	{ "edb00000.log", DSB_LNAME_OTHER, DSB_LNAME_RANGE, NULL, NULL, 0, false, false },
	{ "edb100000A.log", DSB_LNAME_OTHER, DSB_LNAME_DIGITS, NULL, NULL, 0, false, false },
	/* 9 digits: would overflow 32 bits */
	{ "edb1FFFFFFFF.log", DSB_LNAME_OTHER, DSB_LNAME_DIGITS, NULL, NULL, 0, false, false },
	{ "edb0002.log", DSB_LNAME_OTHER, DSB_LNAME_DIGITS, NULL, NULL, 0, false, false },
	{ "edb0002G.log", DSB_LNAME_OTHER, DSB_LNAME_NOT_HEX, NULL, NULL, 0, false, false },
	{ "edb 0002.log", DSB_LNAME_OTHER, DSB_LNAME_NOT_HEX, NULL, NULL, 0, false, false },
	{ "edb.log", DSB_LNAME_CURRENT, DSB_LNAME_OK, "edb", ".log", 0, false, false },
	{ "EDB.JTX", DSB_LNAME_CURRENT, DSB_LNAME_OK, "EDB", ".jtx", 0, false, false },
	{ "edbtmp.log", DSB_LNAME_NEXT, DSB_LNAME_OK, "edb", ".log", 0, false, false },
	{ "EdbTmp.Log", DSB_LNAME_NEXT, DSB_LNAME_OK, "Edb", ".log", 0, false, false },
	{ "edbres00001.jrs", DSB_LNAME_RESERVE, DSB_LNAME_OK, "edb", ".jrs", 0, false, false },
	{ "other.jrs", DSB_LNAME_RESERVE, DSB_LNAME_OK, "", ".jrs", 0, false, false },
	{ "res2.log", DSB_LNAME_RESERVE, DSB_LNAME_OK, "", ".log", 0, false, false },
	{ "RES1.LOG", DSB_LNAME_RESERVE, DSB_LNAME_OK, "", ".log", 0, false, false },
	{ "edb.chk", DSB_LNAME_CHECKPOINT, DSB_LNAME_OK, "edb", ".chk", 0, false, false },
	{ "EDB.JCP", DSB_LNAME_CHECKPOINT, DSB_LNAME_OK, "EDB", ".jcp", 0, false, false },
	{ "edbx.chk", DSB_LNAME_OTHER, DSB_LNAME_OK, NULL, NULL, 0, false, false },
	{ "ntds.pat", DSB_LNAME_PATCH, DSB_LNAME_OK, "", ".pat", 0, false, false },
	{ "ntds.dit", DSB_LNAME_OTHER, DSB_LNAME_OK, NULL, NULL, 0, false, false },
	{ "", DSB_LNAME_OTHER, DSB_LNAME_OK, NULL, NULL, 0, false, false },
	{ ".log", DSB_LNAME_OTHER, DSB_LNAME_OK, NULL, NULL, 0, false, false },
	{ "ed.log", DSB_LNAME_OTHER, DSB_LNAME_OK, NULL, NULL, 0, false, false },
	{ "edb/", DSB_LNAME_OTHER, DSB_LNAME_OK, NULL, NULL, 0, false, false },
	{ "e.b.log", DSB_LNAME_OTHER, DSB_LNAME_OK, NULL, NULL, 0, false, false },
};

static void test_names(void)
{
	for (size_t i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++) {
		const struct name_case *c = &name_cases[i];
		struct dsb_log_name n = parse(c->name);
		bool ok = n.kind == c->kind && n.reject == c->reject && n.generation == c->gen &&
			  n.five_digit == c->five && n.lowercase_hex == c->lower &&
			  (c->base ? strcmp(n.base, c->base) == 0 : n.base[0] == '\0') &&
			  (c->ext ? n.ext && strcmp(n.ext, c->ext) == 0 : n.ext == NULL);
		if (!ok)
			fprintf(stderr, "\n    %s: kind %d reject %d gen %u\n", c->name, n.kind,
				n.reject, n.generation);
		CU_ASSERT_TRUE(ok);
	}
	struct dsb_log_name n = parse("edbres00001.jrs");
	CU_ASSERT_EQUAL(n.reserve_number, 1);
	CU_ASSERT_FALSE(n.legacy_reserve);
	n = parse("res2.log");
	CU_ASSERT_EQUAL(n.reserve_number, 2);
	CU_ASSERT_TRUE(n.legacy_reserve);

	/* An embedded NUL is no name; the length limit. */
	dsb_log_name_parse("edb\0.log", 8, &n);
	CU_ASSERT_EQUAL(n.kind, DSB_LNAME_OTHER);
	char lng[DSB_LOG_NAME_MAX + 10];
	memset(lng, 'z', sizeof lng);
	memcpy(lng + sizeof lng - 4, ".log", 4);
	dsb_log_name_parse(lng, sizeof lng, &n);
	CU_ASSERT_EQUAL(n.reject, DSB_LNAME_TOO_LONG);
	dsb_log_name_parse(lng + 10, DSB_LOG_NAME_MAX, &n);
	CU_ASSERT_EQUAL(n.kind, DSB_LNAME_OTHER);
	CU_ASSERT_EQUAL(n.reject, DSB_LNAME_NOT_HEX);
}

static void test_name_format(void)
{
	char s[DSB_LOG_NAME_FMT_MAX];
	CU_ASSERT_TRUE(dsb_log_name_format(s, sizeof s, "edb", ".log", 0x2A, false));
	CU_ASSERT_STRING_EQUAL(s, "edb0002A.log");
	CU_ASSERT_TRUE(dsb_log_name_format(s, sizeof s, "edb", ".log", 0xFFFFF, false));
	CU_ASSERT_STRING_EQUAL(s, "edbFFFFF.log");
	CU_ASSERT_TRUE(dsb_log_name_format(s, sizeof s, "edb", ".log", 0x100000, false));
	CU_ASSERT_STRING_EQUAL(s, "edb00100000.log");
	CU_ASSERT_TRUE(dsb_log_name_format(s, sizeof s, "edb", ".log", 0x100000A, false));
	CU_ASSERT_STRING_EQUAL(s, "edb0100000A.log");
	CU_ASSERT_TRUE(dsb_log_name_format(s, sizeof s, "edb", ".jtx", 0x7FFFFFFF, false));
	CU_ASSERT_STRING_EQUAL(s, "edb7FFFFFFF.jtx");
	CU_ASSERT_TRUE(dsb_log_name_format(s, sizeof s, "edb", ".log", 0, true));
	CU_ASSERT_STRING_EQUAL(s, "edb.log");
	CU_ASSERT_FALSE(dsb_log_name_format(s, sizeof s, "edb", ".log", 0x80000000u, false));
	CU_ASSERT_STRING_EQUAL(s, "");
	CU_ASSERT_FALSE(dsb_log_name_format(s, sizeof s, "edb", ".log", 0, false));
	CU_ASSERT_FALSE(dsb_log_name_format(s, sizeof s, "ed", ".log", 1, false));
	CU_ASSERT_FALSE(dsb_log_name_format(s, sizeof s, "edb", "log", 1, false));
	CU_ASSERT_FALSE(dsb_log_name_format(s, 12, "edb", ".log", 0x100000, false));
	CU_ASSERT_STRING_EQUAL(s, "");
	/* RC §3.9's own example, and parse(format(g)) == g at the edges. */
	static const uint32_t gens[] = { 1, 0x2A, 0xFFFFF, 0x100000, 0x100000A, 0x7FFFFFFF };
	for (size_t i = 0; i < sizeof gens / sizeof gens[0]; i++) {
		CU_ASSERT_TRUE(dsb_log_name_format(s, sizeof s, "edb", ".log", gens[i], false));
		struct dsb_log_name n = parse(s);
		CU_ASSERT_EQUAL(n.kind, DSB_LNAME_ARCHIVED);
		CU_ASSERT_EQUAL(n.generation, gens[i]);
		CU_ASSERT_EQUAL(n.five_digit, gens[i] <= 0xFFFFF);
	}
}

/* ---- the segment walker (REF §3.4) ---------------------------------------- */

#define SEG 4096u

/* One v8 segment for isec carrying lgpos (gen, lg_isec, ib), stamped with
 * its XE checksum as pgno `as` (isec, or isec - 1 for a shadow). */
static void build_seg(uint8_t *s, uint32_t as, uint16_t lg_isec, int32_t gen, uint16_t ib,
		      uint8_t fill)
{
	memset(s, 0, SEG);
	put_lgpos(s, 8, ib, lg_isec, gen);
	put_logtime(s, 16, 1);
	dsb_put_le32(s, 36, 0x2000);
	/* Pseudo-random records: a periodic fill would XOR to zero over a
	 * block and hide the damage the tests make. */
	uint32_t x = fill * 2654435761u + 1u;
	for (size_t i = 40; i < SEG; i++) {
		x = x * 1103515245u + 12345u;
		s[i] = (uint8_t)(x >> 16);
	}
	dsb_ese_page_stamp(s, SEG, as);
}

/* A body of CSEC - 1 segments (isec 1..15): data 1..ndata, the rest zero. */
static uint8_t *build_body(unsigned ndata)
{
	uint8_t *b = calloc(CSEC - 1, SEG);
	for (unsigned i = 1; i <= ndata; i++)
		build_seg(b + (i - 1) * SEG, i, (uint16_t)i, GEN, 0, (uint8_t)i);
	return b;
}

static uint8_t *seg_at(uint8_t *body, unsigned isec)
{
	return body + (size_t)(isec - 1) * SEG;
}

struct walk_result {
	struct dsb_log_walk w;
	enum dsb_log_seg_class cls[CSEC + 4];
	bool seen[CSEC + 4];
	struct dsb_log_seg seg[CSEC + 4];
	unsigned order_ok;   /* given out in isec order */
};

static void collect(struct walk_result *r, const struct dsb_log_seg_batch *b, uint32_t *last)
{
	for (unsigned i = 0; i < b->n; i++) {
		uint32_t isec = b->seg[i].isec;
		CU_ASSERT_FATAL(isec < CSEC + 4);
		CU_ASSERT_FALSE(r->seen[isec]);
		r->seen[isec] = true;
		r->cls[isec] = b->seg[i].cls;
		r->seg[isec] = b->seg[i];
		if (isec == *last + 1)
			r->order_ok++;
		*last = isec;
	}
}

/* Feed nseg segments of body (the last one `tail` bytes long when tail
 * is not 0), then finish. */
static void walk_n(struct walk_result *r, const uint8_t *body, unsigned nseg, size_t tail,
		   bool zero_filled, bool early)
{
	memset(r, 0, sizeof(*r));
	dsb_log_walk_init(&r->w, GEN, CSEC, zero_filled);
	struct dsb_log_seg_batch b;
	uint32_t last = 0;
	for (unsigned i = 0; i < nseg; i++) {
		size_t len = i + 1 == nseg && tail ? tail : SEG;
		dsb_log_walk_feed(&r->w, body + (size_t)i * SEG, len, &b);
		collect(r, &b, &last);
	}
	dsb_log_walk_finish(&r->w, early, &b);
	collect(r, &b, &last);
}

static void walk(struct walk_result *r, const uint8_t *body)
{
	walk_n(r, body, CSEC - 1, 0, true, false);
}

static uint64_t chain_of(const uint8_t *body, unsigned ndata)
{
	uint64_t x = 0;
	for (unsigned i = 1; i <= ndata; i++)
		x ^= get64(body + (size_t)(i - 1) * SEG);
	return x;
}

static void test_walk_clean(void)
{
	static struct walk_result r;
	/* An archived log: data up to csec - 2, the last segment zero. */
	uint8_t *b = build_body(CSEC - 2);
	uint8_t *copy = malloc((CSEC - 1) * SEG);
	memcpy(copy, b, (CSEC - 1) * SEG);
	walk(&r, b);
	for (unsigned i = 1; i <= CSEC - 2; i++)
		CU_ASSERT_EQUAL(r.cls[i], DSB_SEG_DATA);
	CU_ASSERT_EQUAL(r.cls[CSEC - 1], DSB_SEG_EMPTY);
	CU_ASSERT_EQUAL(r.order_ok, CSEC - 1);
	CU_ASSERT_EQUAL(r.w.counts.valid, CSEC - 2);
	CU_ASSERT_EQUAL(r.w.counts.empty, 1);
	CU_ASSERT_EQUAL(r.w.counts.bad + r.w.counts.shadow + r.w.counts.corrected, 0);
	CU_ASSERT_EQUAL(r.w.chain_xor, chain_of(b, CSEC - 2));
	CU_ASSERT_NOT_EQUAL(r.w.chain_xor, 0);
	CU_ASSERT_EQUAL(r.w.last_data_isec, CSEC - 2);
	CU_ASSERT_EQUAL(r.w.end_isec, 0);
	CU_ASSERT_TRUE(r.w.clean);
	CU_ASSERT_FALSE(r.w.truncated);
	CU_ASSERT_FALSE(r.w.have_problem);
	CU_ASSERT_EQUAL(r.seg[3].lgpos.isec, 3);
	CU_ASSERT_EQUAL(r.seg[3].lgpos.generation, GEN);
	CU_ASSERT_EQUAL(memcmp(copy, b, (CSEC - 1) * SEG), 0);
	free(copy);

	/* A current log: data 1..5, the shadow of 5 at 6, zeros. */
	memset(b, 0, (CSEC - 1) * SEG);
	for (unsigned i = 1; i <= 5; i++)
		build_seg(seg_at(b, i), i, (uint16_t)i, GEN, 0, (uint8_t)i);
	memcpy(seg_at(b, 6), seg_at(b, 5), SEG);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[5], DSB_SEG_DATA);
	CU_ASSERT_EQUAL(r.cls[6], DSB_SEG_SHADOW);
	CU_ASSERT_EQUAL(r.cls[7], DSB_SEG_EMPTY);
	CU_ASSERT_EQUAL(r.w.counts.valid, 5);
	CU_ASSERT_EQUAL(r.w.counts.shadow, 1);
	CU_ASSERT_EQUAL(r.w.counts.empty, CSEC - 1 - 6);
	CU_ASSERT_EQUAL(r.w.chain_xor, chain_of(b, 5));
	CU_ASSERT_EQUAL(r.w.end_isec, 6);
	CU_ASSERT_TRUE(r.w.clean);

	/* Old-format segments (fFlags without 0x2000) verify too. */
	memset(b, 0, (CSEC - 1) * SEG);
	for (unsigned i = 1; i <= 3; i++) {
		build_seg(seg_at(b, i), i, (uint16_t)i, GEN, 0, 9);
		dsb_put_le32(seg_at(b, i), 36, 0);
		dsb_ese_page_stamp(seg_at(b, i), SEG, i);
	}
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[3], DSB_SEG_DATA);
	CU_ASSERT_EQUAL(r.w.counts.valid, 3);
	CU_ASSERT_TRUE(r.w.clean);
	free(b);
}

/* A single flipped bit anywhere past the stored checksum is located to
 * its byte and bit and corrected in memory; the chained checksum is the
 * undamaged one. */
static void test_walk_bitflip_everywhere(void)
{
	static struct walk_result r;
	uint8_t *b = build_body(6);
	uint64_t chain = chain_of(b, 6);
	unsigned corrected = 0, tried = 0;
	for (uint32_t byte = 8; byte < SEG; byte++) {
		/* every byte, one bit each; all eight bits of the header's bytes */
		unsigned nbits = byte < 40 ? 8 : 1;
		for (unsigned k = 0; k < nbits; k++) {
			uint32_t bit = nbits == 8 ? k : byte % 8;
			uint32_t ibit = byte * 8 + bit;
			if (ibit == 37 * 8 + 5)
				continue;   /* the format flag: not correctable, below */
			seg_at(b, 3)[byte] ^= (uint8_t)(1u << bit);
			walk(&r, b);
			seg_at(b, 3)[byte] ^= (uint8_t)(1u << bit);
			tried++;
			if (r.cls[3] == DSB_SEG_DATA_CORRECTED && r.seg[3].bit == ibit &&
			    r.w.counts.corrected == 1 && r.w.counts.valid == 6 &&
			    r.w.chain_xor == chain && r.w.clean && r.w.first_corrected.isec == 3)
				corrected++;
			else
				fprintf(stderr, "byte %u bit %u: class %s\n", byte, bit,
					dsb_log_seg_class_name(r.cls[3]));
		}
	}
	CU_ASSERT_EQUAL(corrected, tried);
	CU_ASSERT_EQUAL(tried, (SEG - 40) + 32 * 8 - 1);
	free(b);
}

static void test_walk_bitflip_not_corrected(void)
{
	static struct walk_result r;
	uint8_t *b = build_body(6);
	/* Two bits: bad, not corrected; no shadow follows: corrupt. */
	seg_at(b, 3)[100] ^= 0x01;
	seg_at(b, 3)[2000] ^= 0x10;
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[3], DSB_SEG_CORRUPT);
	CU_ASSERT_EQUAL(r.w.counts.corrected, 0);
	CU_ASSERT_EQUAL(r.w.counts.bad, 1);
	CU_ASSERT_EQUAL(r.cls[4], DSB_SEG_DATA);
	CU_ASSERT_TRUE(r.w.have_problem);
	CU_ASSERT_EQUAL(r.w.first_problem.isec, 3);
	CU_ASSERT_EQUAL(r.w.first_problem.cls, DSB_SEG_CORRUPT);
	CU_ASSERT_EQUAL(r.w.first_problem_offset, 3 * SEG);
	CU_ASSERT_FALSE(r.w.clean);
	free(b);

	/* A bit of the stored checksum itself (bytes 0..7): ESE's ECC
	 * cannot place it (REF §2.5), so the segment is bad. */
	static const uint32_t at[] = { 0, 3, 4, 7 };
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		b = build_body(6);
		seg_at(b, 2)[at[i]] ^= 0x20;
		walk(&r, b);
		CU_ASSERT_EQUAL(r.cls[2], DSB_SEG_CORRUPT);
		CU_ASSERT_EQUAL(r.w.counts.corrected, 0);
		free(b);
	}
	/* The checksum-format flag (byte 37 bit 5) is not correctable. */
	b = build_body(6);
	seg_at(b, 2)[37] ^= 0x20;
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[2], DSB_SEG_CORRUPT);
	free(b);
	/* A whole byte inverted, and a block of 512 bytes of junk. */
	b = build_body(6);
	seg_at(b, 2)[1234] ^= 0xFF;
	memset(seg_at(b, 4) + 512, 0xDA, 512);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[2], DSB_SEG_CORRUPT);
	CU_ASSERT_EQUAL(r.cls[4], DSB_SEG_CORRUPT);
	CU_ASSERT_EQUAL(r.w.counts.bad, 2);
	CU_ASSERT_EQUAL(r.w.first_problem.isec, 2);
	free(b);
}

static void test_walk_empty_mid_log(void)
{
	static struct walk_result r;
	uint8_t *b = build_body(CSEC - 2);
	/* A whole segment zeroed mid-log: empty, then data "after empty". */
	memset(seg_at(b, 4), 0, SEG);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[3], DSB_SEG_DATA);
	CU_ASSERT_EQUAL(r.cls[4], DSB_SEG_EMPTY);
	CU_ASSERT_EQUAL(r.cls[5], DSB_SEG_VALID_AFTER_EMPTY);
	CU_ASSERT_EQUAL(r.cls[CSEC - 2], DSB_SEG_VALID_AFTER_EMPTY);
	CU_ASSERT_EQUAL(r.w.first_problem.isec, 5);
	CU_ASSERT_EQUAL(r.w.first_problem.cls, DSB_SEG_VALID_AFTER_EMPTY);
	CU_ASSERT_EQUAL(r.w.counts.valid, 3);
	CU_ASSERT_EQUAL(r.w.counts.bad, CSEC - 2 - 4);
	CU_ASSERT_EQUAL(r.w.chain_xor, chain_of(b, 3));
	CU_ASSERT_EQUAL(r.w.end_isec, 4);
	CU_ASSERT_FALSE(r.w.clean);

	/* Junk after the empty one: corrupt after empty, no lookahead. */
	memset(seg_at(b, 5), 0x77, SEG);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[5], DSB_SEG_CORRUPT_AFTER_EMPTY);
	CU_ASSERT_EQUAL(r.w.first_problem.cls, DSB_SEG_CORRUPT_AFTER_EMPTY);

	/* Before 8.4000.2 a zero segment is not "empty": it is bad. */
	free(b);
	b = build_body(3);
	walk_n(&r, b, CSEC - 1, 0, false, false);
	CU_ASSERT_EQUAL(r.cls[4], DSB_SEG_CORRUPT);
	CU_ASSERT_EQUAL(r.cls[5], DSB_SEG_CORRUPT);
	CU_ASSERT_EQUAL(r.w.counts.valid, 3);
	CU_ASSERT_EQUAL(r.w.counts.empty, 1);   /* the last segment, never read */
	free(b);
}

static void test_walk_torn(void)
{
	static struct walk_result r;
	uint8_t *b = build_body(5);
	/* Segment 5 was being rewritten and tore; segment 6 is its shadow:
	 * the previous content of 5, stamped as pgno 5, lgpos (gen, 5, 0). */
	build_seg(seg_at(b, 6), 5, 5, GEN, 0, 5);
	memset(seg_at(b, 5) + 2048, 0x33, 2048);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[4], DSB_SEG_DATA);
	CU_ASSERT_EQUAL(r.cls[5], DSB_SEG_TORN);
	CU_ASSERT_EQUAL(r.cls[6], DSB_SEG_SHADOW);
	CU_ASSERT_EQUAL(r.cls[7], DSB_SEG_EMPTY);
	CU_ASSERT_EQUAL(r.order_ok, CSEC - 1);
	CU_ASSERT_EQUAL(r.w.counts.bad, 1);
	CU_ASSERT_EQUAL(r.w.counts.shadow, 1);
	CU_ASSERT_EQUAL(r.w.first_problem.cls, DSB_SEG_TORN);
	CU_ASSERT_EQUAL(r.w.end_isec, 5);
	CU_ASSERT_EQUAL(r.w.last_data_isec, 4);
	CU_ASSERT_EQUAL(r.w.chain_xor, chain_of(b, 4));

	/* Its twin: the same damage with no shadow after it is corrupt. */
	memset(seg_at(b, 6), 0, SEG);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[5], DSB_SEG_CORRUPT);
	CU_ASSERT_EQUAL(r.cls[6], DSB_SEG_EMPTY);
	CU_ASSERT_EQUAL(r.w.first_problem.cls, DSB_SEG_CORRUPT);

	/* A "shadow" carrying another lgpos is no torn write's shadow: the
	 * bad segment is corrupt, the copy still a shadow. */
	build_seg(seg_at(b, 6), 5, 4, GEN, 0, 5);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[5], DSB_SEG_CORRUPT);
	CU_ASSERT_EQUAL(r.cls[6], DSB_SEG_SHADOW);
	free(b);

	/* A torn write in segment csec - 2, its shadow in the last segment. */
	b = build_body(CSEC - 2);
	build_seg(seg_at(b, CSEC - 1), CSEC - 2, CSEC - 2, GEN, 0, 1);
	seg_at(b, CSEC - 2)[3000] ^= 0x03;
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[CSEC - 2], DSB_SEG_TORN);
	CU_ASSERT_EQUAL(r.cls[CSEC - 1], DSB_SEG_SHADOW);
	CU_ASSERT_EQUAL(r.w.end_isec, CSEC - 2);
	free(b);
}

static void test_walk_lgpos(void)
{
	static struct walk_result r;
	/* Stale: an earlier generation's segments left in a reused file. */
	uint8_t *b = build_body(3);
	for (unsigned i = 4; i <= CSEC - 2; i++)
		build_seg(seg_at(b, i), i, (uint16_t)i, GEN - 1, 0, 0x40);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[3], DSB_SEG_DATA);
	CU_ASSERT_EQUAL(r.cls[4], DSB_SEG_STALE);
	CU_ASSERT_EQUAL(r.cls[CSEC - 2], DSB_SEG_STALE);
	CU_ASSERT_EQUAL(r.w.counts.empty, CSEC - 2 - 3 + 1);
	CU_ASSERT_EQUAL(r.w.end_isec, 4);
	CU_ASSERT_TRUE(r.w.clean);
	CU_ASSERT_EQUAL(r.w.chain_xor, chain_of(b, 3));
	/* ... and then this generation's data again: valid after empty. */
	build_seg(seg_at(b, 6), 6, 6, GEN, 0, 0x41);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[6], DSB_SEG_VALID_AFTER_EMPTY);
	free(b);

	/* Stale by isec in the same generation (a smaller isec). */
	b = build_body(3);
	build_seg(seg_at(b, 4), 4, 2, GEN, 0, 1);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[4], DSB_SEG_STALE);
	free(b);

	/* ib != 0 makes the position larger: bad lgpos; so does a later
	 * generation or isec. */
	static const struct { uint16_t isec, ib; int32_t gen; } bad[] = {
		{ 4, 1, GEN }, { 4, 0xFFFF, GEN }, { 5, 0, GEN }, { 4, 0, GEN + 1 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		b = build_body(6);
		build_seg(seg_at(b, 4), 4, bad[i].isec, bad[i].gen, bad[i].ib, 4);
		walk(&r, b);
		CU_ASSERT_EQUAL(r.cls[4], DSB_SEG_BAD_LGPOS);
		CU_ASSERT_EQUAL(r.cls[5], DSB_SEG_DATA);
		CU_ASSERT_EQUAL(r.w.first_problem.cls, DSB_SEG_BAD_LGPOS);
		CU_ASSERT_EQUAL(r.w.first_problem.lgpos.ib, bad[i].ib);
		CU_ASSERT_FALSE(r.w.clean);
		free(b);
	}
	/* A one-bit error in the lgpos field is corrected before the
	 * comparison: data, not bad lgpos. */
	b = build_body(6);
	seg_at(b, 4)[10] ^= 0x01;
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[4], DSB_SEG_DATA_CORRECTED);
	CU_ASSERT_EQUAL(r.seg[4].lgpos.isec, 4);
	CU_ASSERT_EQUAL(r.seg[4].bit, 10 * 8);
	free(b);
}

static void test_walk_last_segment(void)
{
	static struct walk_result r;
	/* Data to csec - 2 and its shadow as the last segment. */
	uint8_t *b = build_body(CSEC - 2);
	memcpy(seg_at(b, CSEC - 1), seg_at(b, CSEC - 2), SEG);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[CSEC - 1], DSB_SEG_SHADOW);
	CU_ASSERT_EQUAL(r.w.counts.valid, CSEC - 2);
	CU_ASSERT_EQUAL(r.w.counts.shadow, 1);
	CU_ASSERT_TRUE(r.w.clean);
	CU_ASSERT_EQUAL(r.w.end_isec, 0);
	/* Data written as the last segment is never read: unread. */
	build_seg(seg_at(b, CSEC - 1), CSEC - 1, CSEC - 1, GEN, 0, 2);
	walk(&r, b);
	CU_ASSERT_EQUAL(r.cls[CSEC - 1], DSB_SEG_LAST_UNREAD);
	CU_ASSERT_EQUAL(r.w.counts.unread, 1);
	CU_ASSERT_EQUAL(r.w.counts.valid, CSEC - 2);
	CU_ASSERT_TRUE(r.w.clean);
	free(b);
}

static void test_walk_truncation(void)
{
	static struct walk_result r;
	uint8_t *b = build_body(CSEC - 2);
	/* At every segment boundary. */
	for (unsigned k = 0; k <= CSEC - 1; k++) {
		walk_n(&r, b, k, 0, true, false);
		CU_ASSERT_EQUAL(r.w.truncated, k < CSEC - 1);
		if (k < CSEC - 1)
			CU_ASSERT_EQUAL(r.w.truncated_isec, k + 1);
		CU_ASSERT_EQUAL(r.w.counts.valid, k < CSEC - 2 ? k : CSEC - 2);
		CU_ASSERT_EQUAL(r.w.clean, k == CSEC - 1);
		CU_ASSERT_EQUAL(r.w.partial_bytes, 0);
	}
	/* Mid-segment: the cut segment is not classified. */
	static const size_t cut[] = { 1, 40, 2048, SEG - 1 };
	for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
		walk_n(&r, b, 5, cut[i], true, false);
		CU_ASSERT_TRUE(r.w.truncated);
		CU_ASSERT_EQUAL(r.w.truncated_isec, 5);
		CU_ASSERT_EQUAL(r.w.partial_bytes, cut[i]);
		CU_ASSERT_EQUAL(r.w.counts.valid, 4);
		CU_ASSERT_FALSE(r.seen[5]);
		CU_ASSERT_FALSE(r.w.clean);
	}
	/* A bad segment pending when the stream ends: corrupt (its shadow
	 * would have come next). */
	seg_at(b, 4)[500] ^= 0x81;
	walk_n(&r, b, 4, 0, true, false);
	CU_ASSERT_EQUAL(r.cls[4], DSB_SEG_CORRUPT);
	CU_ASSERT_TRUE(r.w.truncated);
	CU_ASSERT_EQUAL(r.w.truncated_isec, 5);
	seg_at(b, 4)[500] ^= 0x81;
	/* The caller says its stream stopped early. */
	walk_n(&r, b, 3, 0, true, true);
	CU_ASSERT_TRUE(r.w.truncated);
	CU_ASSERT_EQUAL(r.w.truncated_isec, 4);
	/* Segments past csec - 1 are counted and ignored; feeding after the
	 * end does nothing. */
	uint8_t *more = calloc(CSEC + 2, SEG);
	memcpy(more, b, (CSEC - 1) * SEG);
	walk_n(&r, more, CSEC + 2, 0, true, false);
	CU_ASSERT_EQUAL(r.w.excess, 3);
	CU_ASSERT_TRUE(r.w.clean);
	struct dsb_log_seg_batch out;
	dsb_log_walk_feed(&r.w, b, SEG, &out);
	CU_ASSERT_EQUAL(out.n, 0);
	free(more);
	free(b);
	/* A header that says csecLGFile 0 or 1: nothing is read as a segment. */
	dsb_log_walk_init(&r.w, GEN, 1, true);
	b = build_body(1);
	dsb_log_walk_feed(&r.w, b, SEG, &out);
	CU_ASSERT_EQUAL(out.n, 0);
	dsb_log_walk_finish(&r.w, false, &out);
	CU_ASSERT_EQUAL(r.w.excess, 1);
	CU_ASSERT_FALSE(r.w.truncated);
	free(b);
}

/* Damage of random shapes (bits, bytes, blocks, zeroed segments, copies
 * of other segments): the walk never fails to classify each segment
 * exactly once, in order, and its counts add up. */
static void test_walk_random_damage(void)
{
	static struct walk_result r;
	uint32_t rnd = 12345;
	for (int round = 0; round < 300; round++) {
		uint8_t *b = build_body(CSEC - 2 - (unsigned)(round % 5));
		for (int d = 0; d < 1 + round % 3; d++) {
			rnd = rnd * 1103515245u + 12345u;
			unsigned isec = 1 + (rnd >> 8) % (CSEC - 1);
			uint32_t off = (rnd >> 12) % SEG;
			switch ((rnd >> 4) % 5) {
			case 0: seg_at(b, isec)[off] ^= (uint8_t)(1u << (rnd % 8)); break;
			case 1: seg_at(b, isec)[off] = (uint8_t)rnd; break;
			case 2: memset(seg_at(b, isec) + (off & ~511u), 0xDA, 512); break;
			case 3: memset(seg_at(b, isec), 0, SEG); break;
			default: memcpy(seg_at(b, isec), seg_at(b, 1 + (isec % (CSEC - 1))), SEG); break;
			}
		}
		walk(&r, b);
		const struct dsb_log_seg_counts *n = &r.w.counts;
		CU_ASSERT_EQUAL(n->valid + n->empty + n->bad + n->shadow + n->unread, CSEC - 1);
		CU_ASSERT_EQUAL(r.order_ok, CSEC - 1);
		CU_ASSERT(n->corrected <= 3);
		CU_ASSERT_EQUAL(r.w.clean, !r.w.have_problem);
		free(b);
	}
}

/* Throughput on a 10 MiB log (2560 segments), printed for the record:
 * the machine is shared, so nothing is asserted about it. */
static void test_walk_speed(void)
{
	enum { N = 2560 };
	uint8_t *body = malloc((size_t)N * SEG);
	for (unsigned i = 1; i < N; i++)
		build_seg(body + (size_t)(i - 1) * SEG, i, (uint16_t)i, GEN, 0, (uint8_t)i);
	struct dsb_log_walk *w = malloc(sizeof(*w));
	struct dsb_log_seg_batch out;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	const int reps = 4;
	for (int rep = 0; rep < reps; rep++) {
		dsb_log_walk_init(w, GEN, N + 1, true);
		for (unsigned i = 1; i < N; i++)
			dsb_log_walk_feed(w, body + (size_t)(i - 1) * SEG, SEG, &out);
		dsb_log_walk_finish(w, false, &out);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CU_ASSERT_EQUAL(w->counts.valid, N - 1);
	fprintf(stderr, "\n    walker: %.0f MiB/s over %d x 10 MiB\n",
		reps * (double)N * SEG / (1 << 20) / (s > 0 ? s : 1e-9), reps);
	free(w);
	free(body);
}

static const struct dsb_test header_tests[] = {
	{ "fields at REF offsets", test_header_fields },
	{ "checksum and truncation", test_header_checksum },
	{ "versions", test_versions },
	{ "attach list edges", test_attach_edges },
	{ NULL, NULL },
};
static const struct dsb_test chk_tests[] = {
	{ "checkpoint fields", test_checkpoint_fields },
	{ "checkpoint copies", test_checkpoint_file },
	{ "patch file", test_patch_file },
	{ NULL, NULL },
};
static const struct dsb_test name_tests[] = {
	{ "parse", test_names },
	{ "format", test_name_format },
	{ NULL, NULL },
};
static const struct dsb_test walk_tests[] = {
	{ "clean logs", test_walk_clean },
	{ "one bit anywhere corrected", test_walk_bitflip_everywhere },
	{ "damage not corrected", test_walk_bitflip_not_corrected },
	{ "zeroed segment mid-log", test_walk_empty_mid_log },
	{ "torn write vs corrupt", test_walk_torn },
	{ "stale and bad lgpos", test_walk_lgpos },
	{ "last segment", test_walk_last_segment },
	{ "truncation", test_walk_truncation },
	{ "random damage", test_walk_random_damage },
	{ "speed", test_walk_speed },
	{ NULL, NULL },
};
static const struct dsb_suite suites[] = {
	{ "log header", header_tests },
	{ "checkpoint and patch", chk_tests },
	{ "names", name_tests },
	{ "segment walker", walk_tests },
};
DSB_TEST_MAIN(suites)
