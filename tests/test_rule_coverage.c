/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every rule of the catalogue (verify/rules.c, all DSB_RULE_COUNT of them)
 * has a case that raises it and a near-identical twin that does not, and
 * both are run here.  The test fails for any id without one, so the next
 * rule cannot slip in untested.
 *
 * Two sources of cases:
 * - capture, protocol and restore rules: the scenario catalogue
 *   (fixtures/lib/scenarios.c), where a scenario lists the rule as present
 *   and names a twin that is clean or lists it as absent.  The raising
 *   scenario and its twin are written and verified here through the
 *   library; tests/test_cli.c runs every scenario through the binary.
 * - ESE rules: ese_rows[] below, one row per rule: a function that builds
 *   the database of tests/test_ese_fixture.h and damages it, and a twin
 *   that builds the same database undamaged or damaged differently, both
 *   run through the ESE stream verifier.  The damage is that of the rule's
 *   own tests in tests/test_ese.c, which check the findings in detail.
 *
 * - log and set rules (DSB-L, DSB-S) on loose files: set_rows[] below, one
 *   row per rule: two sets of the log generator (fixtures/lib/loggen.h),
 *   the damaged one and its twin, each written to a folder and checked as
 *   `dsbinspect ese FOLDER` checks it (verify/ese/ese_collection.h).  The
 *   generator documents each damage shape and what a verifier must say
 *   (dfx_logset_damages()); a twin is the same set with another shape or
 *   none.  Rules only a capture can raise use the scenario catalogue.
 * - log rules that a capture raises too, on a member judged by the name
 *   its data record binds it to: cap_rows[], the dc-full-backup capture
 *   (fixtures/lib/dcbackup.h) damaged and intact, in a tar.
 *
 * - rules of IFM media and Windows Server Backups (verify/wsb/medium.c):
 *   medium_rows[], the IFM folder of fixtures/lib/wsbgen.h damaged and its
 *   twin, each checked as `dsbinspect verify FOLDER` checks it.
 *
 * Adding an ESE rule: write its two builders, e034_damage and e034_twin,
 * and add one line to ese_rows[]: ESE_ROW(E034, 1, e034, "what / twin").
 * Adding a log or set rule: one line to set_rows[] with the two sets'
 * options: SET_ROW(L001, 1, LOGS(.damage = DFX_LSD_HEADER_CHECKSUM),
 * LOGS(.damage = ...), "what / twin"), LOGS(...) being a logs-only set's
 * initializer (a set with a database names its .db).
 */
#include <CUnit/CUnit.h>
#include <sys/stat.h>

#include "fixtures/lib/dcbackup.h"
#include "fixtures/lib/loggen.h"
#include "fixtures/lib/scenarios.h"
#include "fixtures/lib/wsbgen.h"
#include "verify/ese/ese_collection.h"
#include "verify/capture/capture.h"
#include "verify/ese/esedb_records.h"

#include "tests/test_ese_fixture.h"
#include "tests/cunit_main.h"

/* ---- ESE cases ----------------------------------------------------------- */

/* One database to verify, and the backed-up file's name (E033 reads it). */
struct ecase {
	struct xdb x;
	const char *file;
	struct dsb_ese_limits lim;   /* lowered limits; all zero: the defaults */
	bool limited;
	/* The libesedb record pass (E036-E038), run over an answer of its
	 * child made from our summary (dsb_esedb_check_answer: the same gate,
	 * parser and judgement as the live pass, with or without libesedb). */
	enum { REC_NONE, REC_CLEAN, REC_UNREADABLE, REC_COUNT_OFF, REC_CUT } records;
};

/* Header fields are edited in the primary copy, which is then stamped
 * and copied to the shadow, as ESE writes them. */
static void hdr_stamp(struct ecase *c)
{
	dsb_ese_header_stamp(c->x.buf, c->x.cb);
	memcpy(c->x.buf + c->x.cb, c->x.buf, c->x.cb);
}

static void hdr_set32(struct ecase *c, size_t off, uint32_t v)
{
	xput32(c->x.buf + off, v);
	hdr_stamp(c);
}

static void hdr_set8(struct ecase *c, size_t off, uint8_t v)
{
	c->x.buf[off] = v;
	hdr_stamp(c);
}

static void build(struct ecase *c, uint32_t cb)
{
	xdb_build(&c->x, cb);
}

/* Deterministic bytes that are no ESE structure (a page's worth). */
static void garbage(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		p[i] = (uint8_t)seed;
	}
}

/* The second child pointer of t1's root (page 5): page 7. */
static uint8_t *t1_child2(struct ecase *c)
{
	return xdb_page(&c->x, XDB_T1_FDP) + 40 + 16 + (2 + 2 + 4) + 2;
}

static void e001_damage(struct ecase *c)
{
	/* The magic gone from both header copies: nothing says ESE. */
	build(c, 8192);
	memset(c->x.buf + DSB_ESE_HDR_MAGIC_OFF, 0, 4);
	memset(c->x.buf + c->x.cb + DSB_ESE_HDR_MAGIC_OFF, 0, 4);
}

static void e001_twin(struct ecase *c)
{
	/* Only the primary's magic gone: the shadow names the database (E003). */
	build(c, 8192);
	memset(c->x.buf + DSB_ESE_HDR_MAGIC_OFF, 0, 4);
}

static void e002_damage(struct ecase *c)
{
	build(c, 8192);
	c->x.buf[300] ^= 0x40;
	c->x.buf[c->x.cb + 300] ^= 0x40;
}

static void e002_twin(struct ecase *c)
{
	build(c, 8192);
	c->x.buf[300] ^= 0x40;   /* the shadow intact: E003 */
}

static void e003_damage(struct ecase *c)
{
	build(c, 8192);
	c->x.buf[c->x.cb + 300] ^= 0x40;   /* the shadow this time */
}

static void e003_twin(struct ecase *c)
{
	build(c, 8192);
}

static void e004_damage(struct ecase *c)
{
	build(c, 8192);
	xput32(c->x.buf + c->x.cb + DSB_ESE_HDR_DBID_OFF, 3);
	dsb_ese_header_stamp(c->x.buf + c->x.cb, c->x.cb);
}

static void e004_twin(struct ecase *c)
{
	/* The same field written into both copies: they agree. */
	build(c, 8192);
	hdr_set32(c, DSB_ESE_HDR_DBID_OFF, 3);
}

static void e005_damage(struct ecase *c)
{
	build(c, 4096);
	hdr_set32(c, DSB_ESE_HDR_VERSION_OFF, 0x621);
}

static void e005_twin(struct ecase *c)
{
	build(c, 4096);
	hdr_set32(c, DSB_ESE_HDR_UPDATE_MAJOR_OFF, 0x122);   /* revisions are informative */
}

static void e006_damage(struct ecase *c)
{
	build(c, 4096);
	hdr_set32(c, DSB_ESE_HDR_GEN_MAX_REQ_OFF, 3);   /* clean, yet logs 0-3 required */
}

static void e006_twin(struct ecase *c)
{
	build(c, 4096);
	hdr_set32(c, DSB_ESE_HDR_GEN_MAX_COMMIT_OFF, 3);   /* committed is not required */
}

static void e007_damage(struct ecase *c)
{
	build(c, 4096);
	hdr_set8(c, 800, 1);   /* past the 748-byte header */
}

static void e007_twin(struct ecase *c)
{
	build(c, 4096);
	hdr_set8(c, 700, 1);   /* signRBSHdrFlush: a field, not reserved */
}

static void e008_damage(struct ecase *c)
{
	build(c, 4096);
	hdr_set32(c, DSB_ESE_HDR_REPAIR_COUNT_OFF, 1);
}

static void e008_twin(struct ecase *c)
{
	build(c, 4096);
	hdr_set32(c, DSB_ESE_HDR_REPAIR_COUNT_OFF, 0);
}

static void e009_damage(struct ecase *c)
{
	build(c, 4096);
	hdr_set32(c, DSB_ESE_HDR_BAD_CHECKSUM_OFF, 2);
}

static void e009_twin(struct ecase *c)
{
	build(c, 4096);
	hdr_set32(c, DSB_ESE_HDR_ECC_FIX_OK_OFF, 2);   /* corrected errors: E010 */
}

static void e010_damage(struct ecase *c)
{
	build(c, 4096);
	hdr_set32(c, DSB_ESE_HDR_ECC_FIX_OK_OFF, 4);
}

static void e010_twin(struct ecase *c)
{
	build(c, 4096);
	hdr_set32(c, DSB_ESE_HDR_ECC_FIX_FAIL_OFF, 4);   /* failed corrections: E009 */
}

static void e011_damage(struct ecase *c)
{
	build(c, 4096);
	xdb_write_header(&c->x, &XDB_DIRTY);
}

static void e011_twin(struct ecase *c)
{
	build(c, 4096);
	xdb_write_header(&c->x, &XDB_CLEAN);
}

static void e012_damage(struct ecase *c)
{
	build(c, 4096);
	c->x.len = (size_t)(20 + 1) * 4096 + 1234;   /* inside page 20 */
}

static void e012_twin(struct ecase *c)
{
	build(c, 4096);
	c->x.len = (size_t)(20 + 2) * 4096;   /* on a page boundary: E030 */
}

static void e013_damage(struct ecase *c)
{
	build(c, 8192);
	memcpy(xdb_page(&c->x, 7) + 2000, "DAMAGED!", 8);
}

static void e013_twin(struct ecase *c)
{
	build(c, 8192);
	xdb_page(&c->x, 7)[2000] ^= 0x08;   /* one bit: E014 */
}

static void e014_damage(struct ecase *c)
{
	build(c, 8192);
	xdb_page(&c->x, 6)[1000] ^= 0x02;
}

static void e014_twin(struct ecase *c)
{
	build(c, 8192);
	memcpy(xdb_page(&c->x, 6) + 1000, "DAMAGED!", 8);   /* bytes: E013 */
}

static void e015_damage(struct ecase *c)
{
	build(c, 8192);
	memcpy(xdb_page(&c->x, 6), xdb_page(&c->x, 7), 8192);
}

static void e015_twin(struct ecase *c)
{
	build(c, 8192);
}

static void e016_damage(struct ecase *c)
{
	build(c, 4096);
	xput16(xdb_page(&c->x, 6) + 40, 40);   /* first node's key longer than the node */
	xdb_stamp(&c->x);
}

static void e016_twin(struct ecase *c)
{
	build(c, 4096);
	xput16(xdb_page(&c->x, 6) + 40, 2);   /* its own length, restamped */
	xdb_stamp(&c->x);
}

static void e017_damage(struct ecase *c)
{
	build(c, 4096);
	xput16(xdb_page(&c->x, 6) + DSB_ESE_PG_CB_UNCOMMITTED_OFF, 4050);
	xdb_stamp(&c->x);
}

static void e017_twin(struct ecase *c)
{
	build(c, 4096);
	xput16(xdb_page(&c->x, 6) + DSB_ESE_PG_CB_UNCOMMITTED_OFF, 0);
	xdb_stamp(&c->x);
}

static void or_flags(struct ecase *c, uint32_t pgno, uint32_t flags)
{
	uint8_t *p = xdb_page(&c->x, pgno) + DSB_ESE_PG_FLAGS_OFF;
	xput32(p, xget32(p) | flags);
	xdb_stamp(&c->x);
}

static void e018_damage(struct ecase *c)
{
	build(c, 4096);
	or_flags(c, 7, DSB_ESE_PF_PARENT_OF_LEAF);   /* leaf and parent of leaf */
}

static void e018_twin(struct ecase *c)
{
	build(c, 4096);
	or_flags(c, 7, DSB_ESE_PF_REPAIR);   /* a coherent flag: E019 */
}

static void e019_damage(struct ecase *c)
{
	build(c, 4096);
	or_flags(c, 7, DSB_ESE_PF_REPAIR);
}

static void e019_twin(struct ecase *c)
{
	build(c, 4096);
	or_flags(c, 7, DSB_ESE_PF_PARENT_OF_LEAF);   /* E018 instead */
}

static void streamed(struct ecase *c, bool trailer)
{
	build(c, 8192);
	xdb_write_header(&c->x, &XDB_STREAMED);
	if (trailer)
		xdb_add_trailer(&c->x, 9);
}

static void e020_damage(struct ecase *c)
{
	streamed(c, true);
	uint8_t *t = c->x.buf + c->x.len - c->x.cb;
	t[DSB_ESE_TRL_SIGN_DB_OFF] ^= 1;   /* another database's trailer */
	dsb_ese_header_stamp(t, c->x.cb);
}

static void e020_twin(struct ecase *c)
{
	streamed(c, true);
}

static void e021_damage(struct ecase *c)
{
	streamed(c, false);
}

static void e021_twin(struct ecase *c)
{
	streamed(c, true);
}

static void e022_damage(struct ecase *c)
{
	build(c, 4096);
	xput32(t1_child2(c), 8);   /* an all-zero page */
	xdb_stamp(&c->x);
}

static void e022_twin(struct ecase *c)
{
	build(c, 4096);
	xput32(t1_child2(c), XDB_IX_FDP);   /* another tree's page: E023 */
	xdb_stamp(&c->x);
}

static void e023_damage(struct ecase *c)
{
	e022_twin(c);
}

static void e023_twin(struct ecase *c)
{
	e022_damage(c);
}

static void e024_damage(struct ecase *c)
{
	build(c, 4096);
	xput32(xdb_page(&c->x, 6) + DSB_ESE_PG_NEXT_OFF, 0);
	xdb_stamp(&c->x);
}

static void e024_twin(struct ecase *c)
{
	build(c, 4096);
	xput32(xdb_page(&c->x, 6) + DSB_ESE_PG_NEXT_OFF, 7);
	xdb_stamp(&c->x);
}

static void newer_page(struct ecase *c, const struct xdb_hdr *h)
{
	build(c, 4096);
	xput64(xdb_page(&c->x, 7) + DSB_ESE_PG_DBTIME_OFF, 5000);
	xdb_stamp(&c->x);
	xdb_write_header(&c->x, h);
}

static void e025_damage(struct ecase *c)
{
	newer_page(c, &XDB_CLEAN);
}

static void e025_twin(struct ecase *c)
{
	newer_page(c, &XDB_DIRTY);   /* an online copy: E026 */
}

static void e026_damage(struct ecase *c)
{
	newer_page(c, &XDB_DIRTY);
}

static void e026_twin(struct ecase *c)
{
	newer_page(c, &XDB_CLEAN);   /* consistent: E025 */
}

static void e027_damage(struct ecase *c)
{
	build(c, 4096);
	garbage(xdb_page(&c->x, 9), 4096, 0x9E3779B9u);   /* allocated, unreferenced */
}

static void e027_twin(struct ecase *c)
{
	build(c, 4096);
	garbage(xdb_page(&c->x, 27), 4096, 0x9E3779B9u);   /* free space: E028 */
}

static void e028_damage(struct ecase *c)
{
	e027_twin(c);
}

static void e028_twin(struct ecase *c)
{
	e027_damage(c);
}

static void orphan(struct ecase *c, uint32_t extra_flags)
{
	build(c, 4096);
	xpg_init(&c->x, 10, 99, DSB_ESE_PF_LEAF | extra_flags, 0, 0, 50);
	xpg_add(&c->x, 10, "", 0, 0);
	xpg_add_node(&c->x, 10, "zz", 2, "orphan", 6);
	xdb_stamp(&c->x);
}

static void e029_damage(struct ecase *c)
{
	orphan(c, 0);
}

static void e029_twin(struct ecase *c)
{
	orphan(c, DSB_ESE_PF_EMPTY);   /* freed: nothing to say */
}

static void owned_beyond_eof(struct ecase *c, const struct xdb_hdr *h)
{
	build(c, 4096);
	uint8_t *oe = xdb_page(&c->x, 2);
	oe[40 + 16 + 2 + 3] = 40;   /* key: last pgno 40 (big-endian low byte) */
	xput32(oe + 40 + 16 + 2 + 4, 40);
	xdb_stamp(&c->x);
	xdb_write_header(&c->x, h);
}

static void e030_damage(struct ecase *c)
{
	owned_beyond_eof(c, &XDB_CLEAN);
}

static void e030_twin(struct ecase *c)
{
	owned_beyond_eof(c, &XDB_DIRTY);   /* an online copy: E026 */
}

static void e031_damage(struct ecase *c)
{
	build(c, 4096);
	memset(xdb_page(&c->x, 4), 0, 4096);   /* the catalog root */
}

static void e031_twin(struct ecase *c)
{
	build(c, 4096);
	memset(xdb_page(&c->x, 20), 0, 4096);   /* a page no tree uses */
}

static void e032_damage(struct ecase *c)
{
	build(c, 4096);
	xpg_add_cat(&c->x, 4, 30, DSB_ESE_SYSOBJ_TABLE, XDB_T1_OBJID, 20, "t2");
	xdb_stamp(&c->x);
}

static void e032_twin(struct ecase *c)
{
	build(c, 4096);
	xpg_add_cat(&c->x, 4, 30, DSB_ESE_SYSOBJ_TABLE, 30, 20, "t2");   /* an objid of its own */
	xdb_stamp(&c->x);
}

static void e033_damage(struct ecase *c)
{
	build(c, 4096);
	c->file = "\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit";
}

static void e033_twin(struct ecase *c)
{
	build(c, 4096);
	c->file = "\\\\DC01\\C$\\data\\other.edb";
}

/* The built database has 4 FDP roots (pages 1, 4, 5, 12): room for 3
 * stops the walk, room for 4 does not. */
static void e034_damage(struct ecase *c)
{
	build(c, 4096);
	c->lim = (struct dsb_ese_limits){ .roots = 3 };
	c->limited = true;
}

static void e034_twin(struct ecase *c)
{
	build(c, 4096);
	c->lim = (struct dsb_ese_limits){ .roots = 4 };
	c->limited = true;
}

static void e035_damage(struct ecase *c)
{
	build(c, 4096);
	uint8_t key5[5] = { 0, 0, 0, 0, 21 }, cpg[4] = { 2, 0, 0, 0 };
	xdb_avail_with(&c->x, key5, sizeof(key5), cpg, sizeof(cpg));   /* a 5-byte key */
}

static void e035_twin(struct ecase *c)
{
	build(c, 4096);
	uint8_t key4[4] = { 0, 0, 0, 21 }, cpg[4] = { 2, 0, 0, 0 };
	xdb_avail_with(&c->x, key4, sizeof(key4), cpg, sizeof(cpg));   /* pages 20-21 */
}

/* What the record pass's child would answer for the database of
 * `sum`, reading it as `mode` says; returns the length written. */
static size_t records_answer(const struct dsb_ese_summary *sum, int mode, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < sum->ntables && n < cap; i++) {
		const struct dsb_ese_table_summary *t = &sum->tables[i];
		bool first = i == 0;
		uint64_t records = t->records + (first && mode == REC_COUNT_OFF);
		n += (size_t)snprintf(out + n, cap - n, "T %llu %u %u %s\n", (unsigned long long)records,
				      t->columns, t->indexes, t->name);
		if (n < cap && first && mode == REC_UNREADABLE)
			n += (size_t)snprintf(out + n, cap - n, "R 0 libesedb_record_get_value: bad offset.\n");
		if (n < cap)
			n += (size_t)snprintf(out + n, cap - n, "U %d 0 0 0\n", first && mode == REC_UNREADABLE);
	}
	if (n < cap && mode != REC_CUT)
		n += (size_t)snprintf(out + n, cap - n, "D\n");
	CU_ASSERT_FATAL(n < cap);
	return n;
}

static void e036_damage(struct ecase *c)
{
	build(c, 4096);
	c->records = REC_UNREADABLE;
}

static void e036_twin(struct ecase *c)
{
	build(c, 4096);
	c->records = REC_CLEAN;
}

static void e037_damage(struct ecase *c)
{
	build(c, 4096);
	c->records = REC_COUNT_OFF;
}

static void e037_twin(struct ecase *c)
{
	e036_twin(c);
}

static void e038_damage(struct ecase *c)
{
	build(c, 4096);
	c->records = REC_CUT;   /* the child ended before its last line */
}

static void e038_twin(struct ecase *c)
{
	e036_twin(c);
}

struct ese_row {
	enum dsb_rule rule;
	unsigned count;                    /* findings of `rule` the damage raises */
	void (*damage)(struct ecase *c);   /* must raise `rule` `count` times */
	void (*twin)(struct ecase *c);     /* must not raise it */
	const char *what;
};

/* One row: DSB_<id>, the count, and the builders <fn>_damage and <fn>_twin. */
#define ESE_ROW(id, n, fn, text) \
	{ .rule = DSB_##id, .count = (n), .damage = fn##_damage, .twin = fn##_twin, .what = (text) }

static const struct ese_row ese_rows[] = {
	ESE_ROW(E001, 1, e001, "magic gone from both header copies / the primary only"),
	ESE_ROW(E002, 1, e002, "a bit in both header copies / the primary only"),
	ESE_ROW(E003, 1, e003, "a bit in the shadow header / none"),
	ESE_ROW(E004, 1, e004, "dbid changed in the shadow / in both copies"),
	ESE_ROW(E005, 1, e005, "format version 0x621 / revision 0x122"),
	ESE_ROW(E006, 1, e006, "clean with logs required / committed"),
	ESE_ROW(E007, 1, e007, "header byte 800 set / byte 700 set"),
	ESE_ROW(E008, 1, e008, "repair count 1 / 0"),
	ESE_ROW(E009, 1, e009, "bad checksums counted / corrected ones"),
	ESE_ROW(E010, 1, e010, "corrected bits counted / failed corrections"),
	ESE_ROW(E011, 1, e011, "dirty header / clean"),
	ESE_ROW(E012, 1, e012, "cut inside page 20 / on a page boundary"),
	ESE_ROW(E013, 1, e013, "8 bytes overwritten in a leaf / one bit"),
	ESE_ROW(E014, 1, e014, "one bit in a leaf / 8 bytes"),
	ESE_ROW(E015, 1, e015, "leaf 6 overwritten by leaf 7 / intact"),
	ESE_ROW(E016, 1, e016, "key length past the node / its own, restamped"),
	ESE_ROW(E017, 1, e017, "uncommitted bytes over free / zero, restamped"),
	ESE_ROW(E018, 1, e018, "leaf flagged parent of leaf / repaired"),
	ESE_ROW(E019, 1, e019, "leaf flagged repaired / parent of leaf"),
	ESE_ROW(E020, 1, e020, "trailer of another database / matching trailer"),
	ESE_ROW(E021, 1, e021, "streamed without its trailer / with it"),
	ESE_ROW(E022, 1, e022, "child pointer to a zero page / to another tree"),
	ESE_ROW(E023, 1, e023, "child pointer to another tree / to a zero page"),
	ESE_ROW(E024, 1, e024, "leaf next link 0 / 7, restamped"),
	ESE_ROW(E025, 1, e025, "page newer than a clean header / a dirty one"),
	ESE_ROW(E026, 1, e026, "page newer than a dirty header / a clean one"),
	ESE_ROW(E027, 1, e027, "garbage in allocated space / in free space"),
	ESE_ROW(E028, 1, e028, "garbage in free space / in allocated space"),
	ESE_ROW(E029, 1, e029, "valid page of no tree / the same flagged empty"),
	ESE_ROW(E030, 1, e030, "owned past the end, clean / dirty"),
	ESE_ROW(E031, 1, e031, "catalog root zeroed / an unused page zeroed"),
	ESE_ROW(E032, 1, e032, "second table with t1's objid / its own objid"),
	ESE_ROW(E033, 4, e033, "named ntds.dit without the AD tables / other.edb"),
	ESE_ROW(E034, 1, e034, "room for 3 FDP roots of 4 / for 4"),
	ESE_ROW(E035, 1, e035, "a 5-byte space-tree key / a 4-byte one"),
	ESE_ROW(E036, 1, e036, "libesedb answers one unreadable record / none"),
	ESE_ROW(E037, 1, e037, "libesedb counts one record more / the same"),
	ESE_ROW(E038, 1, e038, "the record pass stops before its end / finishes"),
};

static const struct ese_row *ese_row_for(enum dsb_rule r)
{
	for (size_t i = 0; i < sizeof(ese_rows) / sizeof(ese_rows[0]); i++)
		if (ese_rows[i].rule == r)
			return &ese_rows[i];
	return NULL;
}

/* Build a case, verify it whole and count `rule`; the findings are
 * printed when the count is not `want`. */
static size_t ese_count(void (*make)(struct ecase *c), enum dsb_rule rule, size_t want,
			const char *what)
{
	struct ecase c;
	memset(&c, 0, sizeof(c));
	make(&c);
	struct xrun r;
	xrun_buf_lim(&r, c.x.buf, c.x.len, 0, c.file, c.limited ? &c.lim : NULL);
	if (c.records != REC_NONE) {
		char answer[4096];
		size_t alen = records_answer(r.sum, c.records, answer, sizeof(answer));
		CU_ASSERT_TRUE(dsb_esedb_check_answer(answer, alen, r.f, 0, NULL, r.sum));
		r.v = dsb_findings_sorted(r.f, &r.n);
	}
	size_t n = xcount(&r, rule);
	if (n != want) {
		printf("\n    %s: %zu finding(s) of %s, %zu expected", what, n,
		       dsb_rule_info(rule)->id, want);
		xdump(&r, what);
	}
	xrun_free(&r);
	xdb_free(&c.x);
	return n;
}

static void test_ese_rows(void)
{
	for (size_t i = 0; i < sizeof(ese_rows) / sizeof(ese_rows[0]); i++) {
		const struct ese_row *row = &ese_rows[i];
		char what[200];
		snprintf(what, sizeof(what), "%s damage (%s)", dsb_rule_info(row->rule)->id, row->what);
		CU_ASSERT_EQUAL(ese_count(row->damage, row->rule, row->count, what), row->count);
		snprintf(what, sizeof(what), "%s twin (%s)", dsb_rule_info(row->rule)->id, row->what);
		CU_ASSERT_EQUAL(ese_count(row->twin, row->rule, 0, what), 0);
	}
}

/* ---- log and set cases: generated sets in a folder -------------------------- */

struct set_row {
	enum dsb_rule rule;
	unsigned count;                    /* findings of `rule` the damaged set raises */
	struct dfx_logset_opts damage;     /* must raise `rule` `count` times */
	struct dfx_logset_opts twin;       /* must not raise it */
	const char *what;
	const char *damage_now;            /* --now for the damaged set (NULL: NOW_TWIN) */
};

#define SET_ROW(id, n, dmg, tw, text) \
	{ .rule = DSB_##id, .count = (n), .damage = dmg, .twin = tw, .what = (text) }

/* --now of every set checked here: a day after the generated backups'
 * time (fixtures' dfx_time_base, 2026-11-21T10:00:00Z), so that no row
 * depends on the clock; the tombstone row's damage is its year-later twin. */
#define NOW_TWIN "2026-11-22T10:00:00Z"
#define NOW_OLD  "2027-12-26T10:00:00Z"
/* A set's options as an initializer (a static table takes no compound
 * literal): 64 KiB logs, the rest as given. */
#define LS(...) { .log_size = 64 * 1024, __VA_ARGS__ }
/* Options of a set of logs only, with extra fields. */
#define LOGS(...) { .db = DFX_LSDB_NONE, __VA_ARGS__ }

/* The log rules (DSB-L) and set rules (DSB-S) come with their verifiers,
 * each with its line here.  A twin is the same set undamaged, or damaged
 * in a way close to the row's that must not raise its rule. */
static const struct set_row set_rows[] = {
	SET_ROW(L001, 1, LOGS(.damage = DFX_LSD_HEADER_CHECKSUM), LOGS(.damage = DFX_LSD_PREVGEN_CHAIN),
		"a header byte changed, checksum stale / a header field changed, checksum redone"),
	SET_ROW(L002, 2, LOGS(.damage = DFX_LSD_RENAMED_LOG), LOGS(.damage = DFX_LSD_MISSING_LOG),
		"two logs swap names / one log missing"),
	SET_ROW(L003, 1, LOGS(.ext = "jtx"), LOGS(.ext = "jtx", .eight_digits = true),
		"a .jtx set with 5-digit names / with 8 digits"),
	SET_ROW(L004, 1, LOGS(.damage = DFX_LSD_LOG_FILETYPE), LOGS(.damage = DFX_LSD_LOG_VERSION),
		"file type 5 / a version not accepted"),
	SET_ROW(L005, 1, LOGS(.damage = DFX_LSD_CUT_LOG), LOGS(.damage = DFX_LSD_LOG_SIZES_DIFFER),
		"a log cut half-way / a log of half the size its header says"),
	SET_ROW(L006, 1, LOGS(.damage = DFX_LSD_LOG_VERSION), LOGS(.damage = DFX_LSD_VERSION_BACKWARDS),
		"8.4001.60.140 / 8.4000.60.141 then 140"),
	SET_ROW(L007, 1, LOGS(.damage = DFX_LSD_LOG_SECTOR_SIZE), LOGS(.damage = DFX_LSD_LOG_FILETYPE),
		"v8 with cbSec 512 / another header field changed"),
	SET_ROW(L008, 1, LOGS(.damage = DFX_LSD_BITFLIP), LOGS(.damage = DFX_LSD_CORRUPT_SEGMENT),
		"one bit flipped / 15 bytes inverted"),
	SET_ROW(L009, 1, LOGS(.current = true, .damage = DFX_LSD_TORN_WRITE),
		LOGS(.damage = DFX_LSD_TORN_ARCHIVED), "torn edb.log / torn archived log"),
	SET_ROW(L010, 1, LOGS(.damage = DFX_LSD_TORN_ARCHIVED),
		LOGS(.current = true, .damage = DFX_LSD_TORN_WRITE), "torn archived log / torn edb.log"),
	SET_ROW(L011, 1, LOGS(.damage = DFX_LSD_CORRUPT_SEGMENT), LOGS(.damage = DFX_LSD_BITFLIP),
		"15 bytes inverted / one bit flipped"),
	SET_ROW(L012, 1, LOGS(.damage = DFX_LSD_DATA_AFTER_EMPTY),
		LOGS(.damage = DFX_LSD_TORN_ARCHIVED), "a zero segment then data / a shadow then zeros"),
	SET_ROW(L013, 1, LOGS(.reserve = true, .damage = DFX_LSD_RESERVE_SIZE), LOGS(.reserve = true),
		"a reserve log of half a log size / both of one"),
	SET_ROW(L020, 1, LOGS(.damage = DFX_LSD_MISSING_LOG), LOGS(.damage = DFX_LSD_STALE_LOG),
		"a generation missing / held by a log of another stream"),
	SET_ROW(L021, 1, LOGS(.current = true, .damage = DFX_LSD_CURRENT_NOT_NEXT), LOGS(.current = true),
		"edb.log two generations on / the next one"),
	SET_ROW(L022, 1, LOGS(.damage = DFX_LSD_PREVGEN_CHAIN), LOGS(.damage = DFX_LSD_CHAIN_CHECKSUM),
		"tmPrevGen one second off / the chained checksum off"),
	SET_ROW(L023, 1, LOGS(.damage = DFX_LSD_STALE_LOG), LOGS(.damage = DFX_LSD_MISSING_LOG),
		"a log of another stream in the range / a gap"),
	SET_ROW(L024, 1, LOGS(.damage = DFX_LSD_CHAIN_CHECKSUM), LOGS(.damage = DFX_LSD_PREVGEN_CHAIN),
		"the chained checksum off / tmPrevGen off"),
	SET_ROW(L025, 1, LOGS(.damage = DFX_LSD_VERSION_BACKWARDS), LOGS(.damage = DFX_LSD_LOG_VERSION),
		"141 then 140 / a version not accepted"),
	SET_ROW(L026, 1, LOGS(.damage = DFX_LSD_LOG_SIZES_DIFFER), LOGS(.damage = DFX_LSD_CUT_LOG),
		"a log of half the size / a log cut half-way"),
	SET_ROW(L030, 1, LOGS(.checkpoint = true, .damage = DFX_LSD_CHK_BOTH_BAD),
		LOGS(.checkpoint = true, .damage = DFX_LSD_CHK_PRIMARY_BAD),
		"both checkpoint copies stale / the primary only"),
	SET_ROW(L031, 1, LOGS(.checkpoint = true, .damage = DFX_LSD_CHK_COPIES_DIFFER),
		LOGS(.checkpoint = true, .damage = DFX_LSD_CHK_PRIMARY_BAD),
		"both copies valid, different / one bad"),
	SET_ROW(L032, 1, LOGS(.checkpoint = true, .damage = DFX_LSD_CHK_PRIMARY_BAD),
		LOGS(.checkpoint = true, .damage = DFX_LSD_CHK_BOTH_BAD),
		"the primary copy stale / both"),
	SET_ROW(L033, 1, LOGS(.checkpoint = true, .damage = DFX_LSD_CHK_SIGNATURE),
		LOGS(.checkpoint = true, .damage = DFX_LSD_CHK_GEN_MISSING),
		"another stream's checkpoint / a generation not present"),
	SET_ROW(L034, 1, LOGS(.checkpoint = true, .damage = DFX_LSD_CHK_GEN_MISSING),
		LOGS(.checkpoint = true, .damage = DFX_LSD_CHK_SIGNATURE),
		"the checkpoint at first - 1 / another stream's checkpoint"),
	SET_ROW(L035, 1, LS(.db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY, .damage = DFX_LSD_PAT_DAMAGED),
		LS(.db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY),
		"a byte of the .pat's second PATCHHDR copy / both copies intact"),
	SET_ROW(L036, 1, LS(.db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY, .damage = DFX_LSD_PAT_OLD_ENGINE),
		LS(.db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY),
		"a .pat of three pages of older engines' data / two PATCHHDR copies"),
	{ .rule = DSB_S001, .count = 1,
	  .damage = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true,
		       .damage = DFX_LSD_DB_OTHER_STREAM),
	  .twin = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true),
	  .what = "the database's signLog is another stream's / the same set bound" },
	{ .rule = DSB_S002, .count = 1,
	  .damage = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true, .damage = DFX_LSD_REQUIRED_LOW),
	  .twin = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true),
	  .what = "lowest required log absent / all there" },
	{ .rule = DSB_S003, .count = 1,
	  .damage = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true, .damage = DFX_LSD_REQUIRED_HIGH),
	  .twin = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true),
	  .what = "highest required log absent / all there" },
	{ .rule = DSB_S004, .count = 1,
	  .damage = LS(.db = DFX_LSDB_DIRTY, .damage = DFX_LSD_COMMITTED_MISSING),
	  .twin = LS(.db = DFX_LSDB_DIRTY),
	  .what = "lGenMaxCommitted one past the last log / equal to it" },
	{ .rule = DSB_S005, .count = 1,
	  .damage = LS(.db = DFX_LSDB_DIRTY, .damage = DFX_LSD_TMCREATE_MISMATCH),
	  .twin = LS(.db = DFX_LSDB_DIRTY),
	  .what = "logtimeGenMaxRequired a second off / equal" },
	{ .rule = DSB_S006, .count = 1,
	  .damage = LS(.db = DFX_LSDB_STREAMED),
	  .twin = LS(.db = DFX_LSDB_DIRTY),
	  .what = "a streamed copy / a running database's copy" },
	{ .rule = DSB_S007, .count = 1,
	  .damage = LS(.db = DFX_LSDB_DIRTY, .damage = DFX_LSD_PAGE_SIZE),
	  .twin = LS(.db = DFX_LSDB_DIRTY),
	  .what = "the logs name 4 KiB pages / 8 KiB as the database" },
	{ .rule = DSB_S008, .count = 1,
	  .damage = LS(.db = DFX_LSDB_DIRTY),
	  .twin = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true),
	  .what = "a dirty copy without edb.chk / with it" },
	{ .rule = DSB_S009, .count = 1,
	  .damage = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true),
	  .twin = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true),
	  .what = "a dirty copy without edb.log / with it" },
	{ .rule = DSB_S010, .count = 1, .damage = LS(.db = DFX_LSDB_STREAMED),
	  .twin = LS(.db = DFX_LSDB_STREAMED), .damage_now = NOW_OLD,
	  .what = "a backup 400 days old / a day old (--now)" },
	{ .rule = DSB_S011, .count = 1,
	  .damage = LS(.db = DFX_LSDB_STREAMED, .damage = DFX_LSD_TRAILER_SIGN_DB),
	  .twin = LS(.db = DFX_LSDB_STREAMED),
	  .what = "the trailer of another database (E020) / its own" },
	{ .rule = DSB_S013, .count = 1,
	  .damage = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true,
		       .damage = DFX_LSD_PREV_STREAM_TIME),
	  .twin = LS(.db = DFX_LSDB_DIRTY, .checkpoint = true, .current = true,
		     .damage = DFX_LSD_PREV_STREAM),
	  .what = "last consistent in the previous stream, the attach record's lgposConsistent "
		  "one segment later / equal" },
	SET_ROW(S014, 1, LS(.db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY, .damage = DFX_LSD_PAT_MARK),
		LS(.db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY, .damage = DFX_LSD_PAT_DAMAGED),
		"the .pat's lgposMark a segment on / a byte of its second copy (L035, fields intact)"),
	SET_ROW(S015, 1, LS(.db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY, .damage = DFX_LSD_PAT_NO_DB),
		LS(.db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY, .damage = DFX_LSD_PAT_SIGN_DB),
		"the .pat without ntds.dit / beside a ntds.dit of another signDb (bound by name)"),
	SET_ROW(S016, 1, LS(.db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY, .damage = DFX_LSD_PAT_TWO),
		LS(.db = DFX_LSDB_STREAMED, .pat = DFX_LSPAT_LEGACY),
		"ntds.pat and ntds2.pat / ntds.pat alone"),
	{ .rule = DSB_RULE_COUNT, .what = "(end)" },
};

static const struct set_row *set_row_for(enum dsb_rule r)
{
	for (size_t i = 0; i < sizeof(set_rows) / sizeof(set_rows[0]); i++)
		if (set_rows[i].rule == r)
			return &set_rows[i];
	return NULL;
}

/* Findings of `rule` in the report; every finding printed when the
 * count is not `want`. */
static size_t count_or_dump(const struct dsb_report *rep, enum dsb_rule rule, size_t want,
			    const char *what)
{
	size_t n = (size_t)dsb_findings_count_rule(rep->findings, -1, rule);
	if (n != want) {
		printf("\n    %s: %zu finding(s) of %s, %zu expected", what, n,
		       dsb_rule_info(rule)->id, want);
		size_t nf;
		const struct dsb_finding *f = dsb_findings_sorted(rep->findings, &nf);
		for (size_t i = 0; i < nf; i++)
			printf("\n      %s %s", dsb_rule_info(f[i].rule)->id, f[i].message);
	}
	return n;
}

/* count_or_dump, then the report freed and the scratch folder `dir`
 * removed: the end of every row that writes a folder. */
static size_t count_and_remove(struct dsb_report *rep, enum dsb_rule rule, size_t want,
			       const char *what, const char *dir)
{
	size_t n = count_or_dump(rep, rule, want, what);
	dsb_report_free(rep);
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	return n;
}

/* Write the set into a fresh folder, check the folder as `ese FOLDER`
 * does and count `rule` over the whole report; the findings are printed
 * when the count is not `want`. */
static size_t set_count(const struct dfx_logset_opts *o, enum dsb_rule rule, size_t want,
			const char *what, const char *now);

/* As set_count, but a set the generator refuses to build (a shape that
 * means nothing in v7 logs, say) is -1, not a failure. */
static long set_count_if(const struct dfx_logset_opts *o, enum dsb_rule rule, size_t want,
			 const char *what, const char *now)
{
	char err[256];
	struct dfx_logset *set = dfx_logset_new(o, err, sizeof(err));
	if (!set)
		return -1;
	dfx_logset_free(set);
	return (long)set_count(o, rule, want, what, now);
}

static size_t set_count(const struct dfx_logset_opts *o, enum dsb_rule rule, size_t want,
			const char *what, const char *now)
{
	char dir[] = "/tmp/dsb-setrow-XXXXXX", err[256];
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	struct dfx_logset *set = dfx_logset_new(o, err, sizeof(err));
	if (!set)
		printf("\n    %s: %s", what, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	CU_ASSERT_FATAL(dfx_logset_write_dir(set, dir, err, sizeof(err)));
	dfx_logset_free(set);

	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	struct dsb_verify_opts vo = { .sets = { .has_now = true } };
	CU_ASSERT_FATAL(dsb_time_parse(now, strlen(now), &vo.sets.now));
	struct dsb_ese_collection *c = dsb_ese_collection_new(rep, &vo, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(dsb_ese_collection_add(c, dir), 0);
	dsb_ese_collection_end(c);
	dsb_ese_collection_free(c);
	return count_and_remove(rep, rule, want, what, dir);
}

static void test_set_rows(void)
{
	for (size_t i = 0; i < sizeof(set_rows) / sizeof(set_rows[0]); i++) {
		const struct set_row *row = &set_rows[i];
		if (row->rule == DSB_RULE_COUNT)
			continue;
		char what[200];
		snprintf(what, sizeof(what), "%s damage (%s)", dsb_rule_info(row->rule)->id, row->what);
		CU_ASSERT_EQUAL(set_count(&row->damage, row->rule, row->count, what,
					  row->damage_now ? row->damage_now : NOW_TWIN), row->count);
		snprintf(what, sizeof(what), "%s twin (%s)", dsb_rule_info(row->rule)->id, row->what);
		CU_ASSERT_EQUAL(set_count(&row->twin, row->rule, 0, what, NOW_TWIN), 0);
	}
}

/* Every row again at each database page size and in both log formats
 * (issue 7: "on generated sets of both formats and all page sizes"): a
 * row that fixes its own page size or format keeps it; a shape the
 * generator refuses for v7 (chain-checksum, data-after-empty,
 * log-sector-size: no meaning there) is left out for v7 only, and every
 * row must run at every page size in v8.  In v7 the damaged set must
 * raise its rule (a count may differ: 512-byte sectors), the twin never. */
/* What a shape means in v7 where it differs: v7 logs have no ECC, so a
 * single flipped bit is corruption (L011), never a corrected one (L008). */
enum v7_skip { V7_SAME, V7_NO_DAMAGE = 1, V7_NO_TWIN = 2 };
static const unsigned char v7_differs[DSB_RULE_COUNT] = {
	[DSB_L008] = V7_NO_DAMAGE | V7_NO_TWIN,   /* the bit flip is L011 in v7 */
	[DSB_L011] = V7_NO_TWIN,                  /* its twin, a bit flip, is L011 in v7 */
};

static void test_set_rows_every_page_size_and_format(void)
{
	static const uint32_t pages[] = { 4096, 8192, 16384, 32768 };
	static const enum dfx_log_format formats[] = { DFX_LOG_V8, DFX_LOG_V7 };
	size_t v7_rows = 0;
	for (size_t i = 0; i < sizeof(set_rows) / sizeof(set_rows[0]); i++) {
		const struct set_row *row = &set_rows[i];
		if (row->rule == DSB_RULE_COUNT)
			continue;
		bool own_page = row->damage.page_size || row->twin.page_size;
		bool own_format = row->damage.format != DFX_LOG_V8 || row->twin.format != DFX_LOG_V8;
		bool v7_ran = false;
		for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
			if (own_format && f > 0)
				break;
			for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
				if (own_page && p > 0)
					break;
				struct dfx_logset_opts d = row->damage, t = row->twin;
				if (!own_page)
					d.page_size = t.page_size = pages[p];
				if (!own_format)
					d.format = t.format = formats[f];
				char what[240];
				snprintf(what, sizeof(what), "%s damage, %s, %u-byte pages (%s)",
					 dsb_rule_info(row->rule)->id, d.format == DFX_LOG_V7 ? "v7" : "v8",
					 d.page_size, row->what);
				const char *now = row->damage_now ? row->damage_now : NOW_TWIN;
				bool v7 = d.format == DFX_LOG_V7 && !own_format;
				unsigned skip = v7 ? v7_differs[row->rule] : 0;
				if (skip == (V7_NO_DAMAGE | V7_NO_TWIN))
					break;
				long n = skip & V7_NO_DAMAGE ? 1
					 : v7 ? set_count_if(&d, row->rule, row->count, what, now)
					      : (long)set_count(&d, row->rule, row->count, what, now);
				if (n < 0)
					break;   /* this shape has no v7 form */
				if (v7) {
					v7_ran = true;
					CU_ASSERT(n > 0);
				} else {
					CU_ASSERT_EQUAL(n, (long)row->count);
				}
				snprintf(what, sizeof(what), "%s twin, %s, %u-byte pages (%s)",
					 dsb_rule_info(row->rule)->id, t.format == DFX_LOG_V7 ? "v7" : "v8",
					 t.page_size, row->what);
				long tn = skip & V7_NO_TWIN ? 0
					  : v7 ? set_count_if(&t, row->rule, 0, what, NOW_TWIN)
					       : (long)set_count(&t, row->rule, 0, what, NOW_TWIN);
				CU_ASSERT(tn <= 0);   /* never raised; -1: no v7 twin either */
			}
		}
		v7_rows += v7_ran;
	}
	printf(" (%zu rows also in v7)", v7_rows);
	CU_ASSERT(v7_rows >= 20);   /* most shapes have a v7 form */
}

/* ---- log rules through a capture: the DC backup ---------------------------- */

/* A log rule with a capture-level case: the dc-full-backup capture with
 * the damaged set (loggen's shape, read and recorded by the agent as it
 * is) and its twin, the same capture intact or damaged otherwise. */
struct cap_row {
	enum dsb_rule rule;
	unsigned count;
	struct dfx_dcb_opts damage, twin;
	const char *what;
};

#define DCB(...) { .log_size = 64 * 1024, __VA_ARGS__ }

static const struct cap_row cap_rows[] = {
	{ DSB_L001, 1, DCB(.damage = DFX_LSD_HEADER_CHECKSUM), DCB(.damage = DFX_LSD_PREVGEN_CHAIN),
	  "edb00007.log's header checksum stale: no log by its bytes, one by its backed-up name / "
	  "a header field changed, checksum redone" },
	{ DSB_L004, 1, DCB(.damage = DFX_LSD_LOG_FILETYPE), DCB(0),
	  "edb00007.log's header says file type 5 (another ESE file by its bytes) / intact" },
	{ DSB_L001, 1, DCB(.log_format = DFX_LOG_V7, .damage = DFX_LSD_HEADER_CHECKSUM),
	  DCB(.log_format = DFX_LOG_V7), "a v7 log's header checksum stale / intact v7 logs" },
	{ DSB_L011, 1, DCB(.log_format = DFX_LOG_V7, .damage = DFX_LSD_BITFLIP),
	  DCB(.log_format = DFX_LOG_V7), "a bit of a v7 data sector (no ECC) / intact v7 logs" },
	{ DSB_L010, 1, DCB(.log_format = DFX_LOG_V7, .damage = DFX_LSD_TORN_ARCHIVED),
	  DCB(.log_format = DFX_LOG_V7), "the last v7 log torn / intact v7 logs" },
};

static size_t cap_count(const struct dfx_dcb_opts *o, enum dsb_rule rule, size_t want,
			const char *what)
{
	char path[] = "/tmp/dsb-caprow-XXXXXX", err[256] = "";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	struct dfx_cap *c = dfx_dc_backup(o, err, sizeof err);
	if (!c)
		printf("\n    %s: %s", what, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	struct dfx_write_opts wo = { .container = DFX_TAR, .journal_last = -1 };
	CU_ASSERT_EQUAL_FATAL(dfx_cap_write(c, path, &wo, err, sizeof err), 0);
	dfx_cap_free(c);
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(dsb_verify_input(rep, path, NULL), 0);
	unlink(path);
	size_t n = count_or_dump(rep, rule, want, what);
	dsb_report_free(rep);
	return n;
}

static void test_cap_rows(void)
{
	for (size_t i = 0; i < sizeof(cap_rows) / sizeof(cap_rows[0]); i++) {
		const struct cap_row *row = &cap_rows[i];
		char what[300];
		snprintf(what, sizeof(what), "%s capture damage (%s)", dsb_rule_info(row->rule)->id,
			 row->what);
		CU_ASSERT_EQUAL(cap_count(&row->damage, row->rule, row->count, what), row->count);
		snprintf(what, sizeof(what), "%s capture twin (%s)", dsb_rule_info(row->rule)->id,
			 row->what);
		CU_ASSERT_EQUAL(cap_count(&row->twin, row->rule, 0, what), 0);
	}
}

/* ---- IFM media and Windows Server Backups ---------------------------------- */

struct medium_row {
	enum dsb_rule rule;
	unsigned count;
	struct dfx_ifm_opts damage, twin;
	const char *what;
};

static const struct medium_row medium_rows[] = {
	{ DSB_S017, 1, { .seed = 17, .dirty = true }, { .seed = 17 },
	  "the IFM database in the dirty-shutdown state / clean-shutdown" },
};

static const struct medium_row *medium_row_for(enum dsb_rule r)
{
	for (size_t i = 0; i < sizeof(medium_rows) / sizeof(medium_rows[0]); i++)
		if (medium_rows[i].rule == r)
			return &medium_rows[i];
	return NULL;
}

static size_t medium_count(const struct dfx_ifm_opts *o, enum dsb_rule rule, size_t want,
			   const char *what)
{
	char dir[] = "/tmp/dsb-ifmrow-XXXXXX", err[256];
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	char ifm[64];
	snprintf(ifm, sizeof ifm, "%s/ifm", dir);
	CU_ASSERT_FATAL(dfx_ifm_write(ifm, o, err, sizeof err));
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(dsb_verify_input(rep, ifm, NULL), 0);
	return count_and_remove(rep, rule, want, what, dir);
}

static void test_medium_rows(void)
{
	for (size_t i = 0; i < sizeof(medium_rows) / sizeof(medium_rows[0]); i++) {
		const struct medium_row *row = &medium_rows[i];
		char what[200];
		snprintf(what, sizeof(what), "%s damage (%s)", dsb_rule_info(row->rule)->id, row->what);
		CU_ASSERT_EQUAL(medium_count(&row->damage, row->rule, row->count, what), row->count);
		snprintf(what, sizeof(what), "%s twin (%s)", dsb_rule_info(row->rule)->id, row->what);
		CU_ASSERT_EQUAL(medium_count(&row->twin, row->rule, 0, what), 0);
	}
}

/* ---- capture, protocol and restore cases: the scenario catalogue ------------ */

static const struct dfx_expect *expected(const struct dfx_scenario *sc, const char *id)
{
	for (size_t k = 0; k < DFX_EXPECT_MAX && sc->present[k].rule; k++)
		if (strcmp(sc->present[k].rule, id) == 0)
			return &sc->present[k];
	return NULL;
}

/* sc's twin when it must not raise `id`: clean without it, or listing it
 * as absent. */
static const struct dfx_scenario *twin_without(const struct dfx_scenario *sc, const char *id)
{
	const struct dfx_scenario *t = sc->twin ? dfx_scenario_find(sc->twin) : NULL;
	if (!t)
		return NULL;
	for (size_t k = 0; k < DFX_EXPECT_MAX && t->absent[k]; k++)
		if (strcmp(t->absent[k], id) == 0)
			return t;
	return (t->flags & DFX_SC_CLEAN) && !expected(t, id) ? t : NULL;
}

/* The first scenario that raises `id` and has a twin that must not, and
 * that can be verified from a file (not only through a pipe). */
static const struct dfx_scenario *scenario_for(const char *id, const struct dfx_scenario **twin)
{
	size_t n;
	const struct dfx_scenario *sc = dfx_scenarios(&n);
	for (size_t i = 0; i < n; i++) {
		if (!expected(&sc[i], id) || (sc[i].flags & DFX_SC_STDIN))
			continue;
		const struct dfx_scenario *t = twin_without(&sc[i], id);
		if (t && !(t->flags & DFX_SC_STDIN)) {
			*twin = t;
			return &sc[i];
		}
	}
	return NULL;
}

static char tmpdir[64];

/* Write a scenario in its own container and count `rule` in its report;
 * -1 when it cannot be written or read. */
static long scenario_count(const struct dfx_scenario *sc, enum dsb_rule rule)
{
	char path[256], err[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, sc->name);
	if (dfx_scenario_write(sc, path, NULL, err, sizeof(err)) != 0) {
		printf("\n    %s: %s", sc->name, err);
		return -1;
	}
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	if (!rep)
		return -1;
	long n = dsb_verify_input(rep, path, NULL) == 0
		 ? (long)dsb_findings_count_rule(rep->findings, -1, rule) : -1;
	dsb_report_free(rep);
	return n;
}

static void test_scenario_pairs(void)
{
	CU_ASSERT_FATAL(mkdtemp(strcpy(tmpdir, "/tmp/dsb-coverage-XXXXXX")) != NULL);
	unsigned pairs = 0;
	for (int k = 0; k < DSB_RULE_COUNT; k++) {
		const char *id = dsb_rule_info((enum dsb_rule)k)->id;
		const struct dfx_scenario *twin, *sc = scenario_for(id, &twin);
		if (!sc)
			continue;   /* covered by an ESE row, or by nothing: test_every_rule */
		pairs++;
		const struct dfx_expect *e = expected(sc, id);
		long n = scenario_count(sc, (enum dsb_rule)k);
		bool ok = e->count ? n == (long)e->count : n >= 1;
		if (!ok)
			printf("\n    %s: %s raises it %ld time(s)", id, sc->name, n);
		CU_ASSERT(ok);
		n = scenario_count(twin, (enum dsb_rule)k);
		if (n != 0)
			printf("\n    %s: twin %s of %s raises it %ld time(s)", id, twin->name, sc->name, n);
		CU_ASSERT_EQUAL(n, 0);
	}
	printf("%u rules, each by a scenario and its twin ", pairs);
	/* The captures are files or folders of files; remove them. */
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/* ---- the whole catalogue ------------------------------------------------------ */

static void test_every_rule(void)
{
	(void)xfind;   /* a helper of tests/test_ese_fixture.h this program does not need */
	size_t missing = 0;
	for (int k = 0; k < DSB_RULE_COUNT; k++) {
		const char *id = dsb_rule_info((enum dsb_rule)k)->id;
		const struct dfx_scenario *twin;
		bool scenario = scenario_for(id, &twin) != NULL;
		bool row = ese_row_for((enum dsb_rule)k) != NULL ||
			   set_row_for((enum dsb_rule)k) != NULL ||
			   medium_row_for((enum dsb_rule)k) != NULL;
		if (!scenario && !row) {
			printf("\n    %s: no scenario raises it with a twin that does not, and no "
			       "ese_rows[] or set_rows[] line", id);
			missing++;
		}
	}
	CU_ASSERT_EQUAL(missing, 0);
	/* One row per rule: a second row would be a copy-paste slip that
	 * leaves its own rule without one. */
	for (size_t i = 0; i < sizeof(ese_rows) / sizeof(ese_rows[0]); i++)
		for (size_t j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(ese_rows[i].rule, ese_rows[j].rule);
	for (size_t i = 0; i < sizeof(set_rows) / sizeof(set_rows[0]); i++)
		for (size_t j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(set_rows[i].rule, set_rows[j].rule);
}

static const struct dsb_test tests[] = {
	{ "every catalogue id has a raising case and a twin", test_every_rule },
	{ "ESE rules: each row raises its rule, its twin does not", test_ese_rows },
	{ "log and set rules: each row's set raises its rule, its twin does not", test_set_rows },
	{ "log and set rules at every page size and in both log formats",
	  test_set_rows_every_page_size_and_format },
	{ "IFM and WSB rules: each row's medium raises its rule, its twin does not", test_medium_rows },
	{ "capture, protocol, restore: each scenario pair, verified", test_scenario_pairs },
	{ "log rules in a capture: each row's capture raises its rule, its twin does not",
	  test_cap_rows },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "rule coverage", tests },
};

DSB_TEST_MAIN(suites)
