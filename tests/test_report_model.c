/* SPDX-License-Identifier: Apache-2.0 */
/* The report's database entry: the verifier's summary held whole (one
 * conversion, dsb_ese_fill_database), raw signatures kept, and the
 * printable view renderers show (dsb_database_view). */
#include <stdlib.h>
#include <string.h>

#include "verify/ese/ese_report.h"
#include "verify/report.h"
#include "tests/cunit_main.h"

/* A field the old hand copy did not carry reaches the report, the raw
 * signature bytes are kept, and the table array is copied, not shared. */
static void test_fill_keeps_whole_summary(void)
{
	static struct dsb_ese_summary sum;
	memset(&sum, 0, sizeof sum);
	sum.header_ok = true;
	sum.page_size = 8192;
	sum.highest_dbtime = 0x1234567;
	sum.pages_bad_structure = 3;
	sum.header.sign_db.raw[0] = 0xAB;
	struct dsb_ese_table_summary t[2] = {
		{ .name = "datatable", .objid = 8, .records = 5 },
		{ .name = "link_table", .objid = 9, .records = 1 },
	};
	sum.tables = t;
	sum.ntables = 2;
	struct dsb_database db;
	CU_ASSERT_TRUE_FATAL(dsb_ese_fill_database(&db, 3, &sum, true));
	CU_ASSERT_EQUAL(db.input, 3);
	CU_ASSERT_TRUE(db.complete);
	CU_ASSERT_EQUAL(db.sum.page_size, 8192);
	CU_ASSERT_EQUAL(db.sum.highest_dbtime, 0x1234567);
	CU_ASSERT_EQUAL(db.sum.pages_bad_structure, 3);
	CU_ASSERT_EQUAL(db.sum.header.sign_db.raw[0], 0xAB);
	CU_ASSERT_PTR_NULL(db.sum.tables);   /* the stream's array is not kept */
	CU_ASSERT_EQUAL_FATAL(db.ntables, 2);
	CU_ASSERT_PTR_NOT_EQUAL(db.tables[1].name, t[1].name);
	CU_ASSERT_STRING_EQUAL(db.tables[1].name, "link_table");
	CU_ASSERT_EQUAL(db.tables[0].records, 5);
	dsb_database_clear(&db);
	CU_ASSERT_PTR_NULL(db.tables);
}

/* The computer name of a signature goes through the one escape set now:
 * a '"' and a byte >= 0x80 are \xHH (before lib/, '"' passed through);
 * the 16 bytes end at the first NUL. */
static void test_view_computer_name_escaped(void)
{
	struct dsb_database db;
	memset(&db, 0, sizeof db);
	db.sum.header_ok = true;
	struct dsb_ese_signature *sg = &db.sum.header.sign_db;
	sg->random = 42;
	memcpy(sg->raw + 12, "DC\"01\xc3\xa9\\", 8);
	sg->created.year = 2024;
	sg->created.month = 2;
	sg->created.day = 29;
	struct dsb_db_view vw;
	dsb_database_view(&db, &vw);
	CU_ASSERT_TRUE(vw.sign_db.present);
	CU_ASSERT_EQUAL(vw.sign_db.random, 42);
	CU_ASSERT_STRING_EQUAL(vw.sign_db.computer, "DC\\x2201\\xc3\\xa9\\x5c");
	CU_ASSERT_STRING_EQUAL(vw.sign_db.created, "2024-02-29T00:00:00");
	/* All 16 bytes used, none NUL: all of them, escaped. */
	memset(sg->raw + 12, 0xff, 16);
	dsb_database_view(&db, &vw);
	CU_ASSERT_EQUAL(strlen(vw.sign_db.computer), 16 * 4);
	/* A null signature is absent. */
	db.sum.header.sign_log.is_null = true;
	dsb_database_view(&db, &vw);
	CU_ASSERT_FALSE(vw.sign_log.present);
}

/* The twin: a plain computer name is shown as it is; and without a
 * verified header nothing is shown, whatever the bytes. */
static void test_view_plain_and_no_header_twin(void)
{
	struct dsb_database db;
	memset(&db, 0, sizeof db);
	db.sum.header_ok = true;
	memcpy(db.sum.header.sign_db.raw + 12, "DC01", 4);
	db.sum.header.bk_full_prev.gen_low = 7;
	db.sum.header.bk_full_prev.gen_high = 9;
	db.sum.header.bk_full_cur.time.is_null = true;   /* all zero otherwise: absent */
	struct dsb_db_view vw;
	dsb_database_view(&db, &vw);
	CU_ASSERT_STRING_EQUAL(vw.sign_db.computer, "DC01");
	CU_ASSERT_TRUE(vw.full_prev.present);
	CU_ASSERT_EQUAL(vw.full_prev.gen_high, 9);
	CU_ASSERT_FALSE(vw.full_cur.present);
	db.sum.header_ok = false;
	dsb_database_view(&db, &vw);
	CU_ASSERT_FALSE(vw.sign_db.present);
	CU_ASSERT_FALSE(vw.full_prev.present);
}

static const struct dsb_test tests[] = {
	{ "fill: the whole summary, raw signatures, tables copied", test_fill_keeps_whole_summary },
	{ "view: computer name through the one escape set", test_view_computer_name_escaped },
	{ "view twin: plain name; no header, nothing shown", test_view_plain_and_no_header_twin },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "report model", tests },
};

int main(void)
{
	return dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
}
