/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The journal decoder (format/journal.c and its helpers): line splitting,
 * results, timestamps, base64, lists, fields and faults.  Table-driven: each
 * table row is one input and what must come out of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/journal.h"
#define DSB_JOURNAL_INTERNAL
#include "format/journal_int.h"
#include "tests/cunit_main.h"

static struct dsb_record R;

static void decn(const char *s, size_t n)
{
	dsb_record_clear(&R);
	CU_ASSERT_FATAL(dsb_record_decode(s, n, 7, 1252, &R));
}

static void dec(const char *s)
{
	decn(s, strlen(s));
}

static char line_buf[1 << 16];

/* A call record: hr and the in/out objects are JSON text; out may be NULL. */
static void call(const char *fn, const char *hr, const char *in, const char *out)
{
	int n = snprintf(line_buf, sizeof line_buf,
			 "{\"rec\":\"call\",\"seq\":5,\"t\":\"2026-11-21T10:00:00Z\","
			 "\"fn\":\"%s\",\"in\":%s%s%s,\"hr\":%s}",
			 fn, in, out ? ",\"out\":" : "", out ? out : "", hr);
	CU_ASSERT_FATAL(n > 0 && (size_t)n < sizeof line_buf);
	dec(line_buf);
}

static void b64enc(const uint8_t *b, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t q = (uint32_t)b[i] << 16;
		if (i + 1 < n)
			q |= (uint32_t)b[i + 1] << 8;
		if (i + 2 < n)
			q |= b[i + 2];
		out[o++] = a[q >> 18 & 63];
		out[o++] = a[q >> 12 & 63];
		out[o++] = i + 1 < n ? a[q >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[q & 63] : '=';
	}
	out[o] = '\0';
}

/* ---- results ------------------------------------------------------------ */

struct rcase {
	const char *text;         /* string form; NULL: use ival */
	long long ival;
	enum dsb_rparse want;
	uint32_t raw, norm;
};

static const struct rcase rcases[] = {
	/* JSON integers: -2^31 .. 2^32-1, negatives two's complement */
	{ NULL, 0, DSB_RP_OK, 0, 0 },
	{ NULL, 87, DSB_RP_OK, 87, 0x80070057u },
	{ NULL, 1, DSB_RP_OK, 1, 0x80070001u },
	{ NULL, 65535, DSB_RP_OK, 0xFFFF, 0x8007FFFFu },
	{ NULL, 65536, DSB_RP_OK, 0x10000, 0x10000 },
	{ NULL, -2147024809LL, DSB_RP_OK, 0x80070057u, 0x80070057u },
	{ NULL, -2147483648LL, DSB_RP_OK, 0x80000000u, 0x80000000u },
	{ NULL, -1, DSB_RP_OK, 0xFFFFFFFFu, 0xFFFFFFFFu },
	{ NULL, 4294967295LL, DSB_RP_OK, 0xFFFFFFFFu, 0xFFFFFFFFu },
	{ NULL, -2147483649LL, DSB_RP_BAD, 0, 0 },
	{ NULL, 4294967296LL, DSB_RP_BAD, 0, 0 },
	/* hex strings: 0x or 0X and 1-8 digits of either case */
	{ "0x0", 0, DSB_RP_OK, 0, 0 },
	{ "0X57", 0, DSB_RP_OK, 0x57, 0x80070057u },
	{ "0x80070057", 0, DSB_RP_OK, 0x80070057u, 0x80070057u },
	{ "0xc7ff0003", 0, DSB_RP_OK, 0xC7FF0003u, 0xC7FF0003u },
	{ "0xFFFFFFFF", 0, DSB_RP_OK, 0xFFFFFFFFu, 0xFFFFFFFFu },
	{ "0x00000057", 0, DSB_RP_OK, 0x57, 0x80070057u },
	{ "0x000000057", 0, DSB_RP_BAD, 0, 0 },   /* 9 digits */
	{ "0x", 0, DSB_RP_BAD, 0, 0 },
	{ "0xg", 0, DSB_RP_BAD, 0, 0 },
	{ "0x 1", 0, DSB_RP_BAD, 0, 0 },
	{ "0x-1", 0, DSB_RP_BAD, 0, 0 },
	/* decimal strings */
	{ "87", 0, DSB_RP_OK, 87, 0x80070057u },
	{ "0", 0, DSB_RP_OK, 0, 0 },
	{ "-0", 0, DSB_RP_OK, 0, 0 },
	{ "-87", 0, DSB_RP_OK, 0xFFFFFFA9u, 0xFFFFFFA9u },
	{ "-2147483648", 0, DSB_RP_OK, 0x80000000u, 0x80000000u },
	{ "4294967295", 0, DSB_RP_OK, 0xFFFFFFFFu, 0xFFFFFFFFu },
	{ "00087", 0, DSB_RP_OK, 87, 0x80070057u },
	{ "-2147483649", 0, DSB_RP_BAD, 0, 0 },
	{ "4294967296", 0, DSB_RP_BAD, 0, 0 },
	{ "99999999999999999999999", 0, DSB_RP_BAD, 0, 0 },
	{ "+87", 0, DSB_RP_BAD, 0, 0 },
	{ " 87", 0, DSB_RP_BAD, 0, 0 },
	{ "87 ", 0, DSB_RP_BAD, 0, 0 },
	{ "8.7", 0, DSB_RP_BAD, 0, 0 },
	{ "1e3", 0, DSB_RP_BAD, 0, 0 },
	{ "-", 0, DSB_RP_BAD, 0, 0 },
	{ "", 0, DSB_RP_BAD, 0, 0 },
	/* names */
	{ "S_OK", 0, DSB_RP_OK, 0, 0 },
	{ "ERROR_SUCCESS", 0, DSB_RP_OK, 0, 0 },
	{ "NOERROR", 0, DSB_RP_OK, 0, 0 },
	{ "hrNone", 0, DSB_RP_OK, 0, 0 },
	{ "ERROR_HANDLE_EOF", 0, DSB_RP_OK, 38, DSB_HR_EOF },
	{ "ERROR_ACCESS_DENIED", 0, DSB_RP_OK, 5, 0x80070005u },
	{ "ERROR_NOT_ENOUGH_MEMORY", 0, DSB_RP_OK, 8, 0x80070008u },
	{ "ERROR_INVALID_PARAMETER", 0, DSB_RP_OK, 87, 0x80070057u },
	{ "RPC_S_INVALID_BINDING", 0, DSB_RP_OK, 1702, 0x800706A6u },
	{ "RPC_S_ALREADY_LISTENING", 0, DSB_RP_OK, 1713, 0x800706B1u },
	{ "E_FAIL", 0, DSB_RP_OK, 0x80004005u, 0x80004005u },
	{ "E_INVALIDARG", 0, DSB_RP_OK, 0x80070057u, 0x80070057u },
	{ "E_OUTOFMEMORY", 0, DSB_RP_OK, 0x8007000Eu, 0x8007000Eu },
	{ "E_ACCESSDENIED", 0, DSB_RP_OK, 0x80070005u, 0x80070005u },
	{ "E_HANDLE", 0, DSB_RP_OK, 0x80070006u, 0x80070006u },
	{ "E_POINTER", 0, DSB_RP_OK, 0x80004003u, 0x80004003u },
	{ "E_UNEXPECTED", 0, DSB_RP_OK, 0x8000FFFFu, 0x8000FFFFu },
	{ "E_NOTIMPL", 0, DSB_RP_OK, 0x80004001u, 0x80004001u },
	{ "S_FALSE", 0, DSB_RP_OK, 1, 0x80070001u },
	{ "hrInvalidHandle", 0, DSB_RP_OK, 0xC7FF0003u, 0xC7FF0003u },
	{ "hrNyi", 0, DSB_RP_OK, 0xC0000001u, 0xC0000001u },
	{ "hrContentsExpired", 0, DSB_RP_OK, 0xC7FF0011u, 0xC7FF0011u },
	{ "hrBackupInProgress", 0, DSB_RP_OK, 0xC80001F9u, 0xC80001F9u },
	{ "hrNoBackup", 0, DSB_RP_OK, 0xC8000208u, 0xC8000208u },
	{ "hrInvalidBackupSequence", 0, DSB_RP_OK, 0xC8000209u, 0xC8000209u },
	{ "hrBFNotSynchronous", 0, DSB_RP_OK, 0x880000C8u, 0x880000C8u },
	{ "hrwrnDataHasChanged", 0, DSB_RP_OK, 0x8800064Au, 0x8800064Au },
	{ "hrerrDataHasChanged", 0, DSB_RP_OK, 0xC800064Bu, 0xC800064Bu },
	{ "hrAccessDenied", 0, DSB_RP_OK, 0xC8000773u, 0xC8000773u },
	{ "hrAlreadyListening", 0, DSB_RP_OK, 1713, 0x800706B1u },
	/* unknown names: identifier-shaped, case-sensitive */
	{ "s_ok", 0, DSB_RP_UNKNOWN, 0, 0 },
	{ "hrNotOpen", 0, DSB_RP_UNKNOWN, 0, 0 },
	{ "ERROR_FILE_NOT_FOUND", 0, DSB_RP_UNKNOWN, 0, 0 },
	{ "_x9", 0, DSB_RP_UNKNOWN, 0, 0 },
	{ "hrnone", 0, DSB_RP_UNKNOWN, 0, 0 },
	/* neither */
	{ "9abc", 0, DSB_RP_BAD, 0, 0 },
	{ "hr-x", 0, DSB_RP_BAD, 0, 0 },
	{ "S_OK ", 0, DSB_RP_BAD, 0, 0 },
	{ "é", 0, DSB_RP_BAD, 0, 0 },
};

static void test_results(void)
{
	for (size_t i = 0; i < sizeof rcases / sizeof rcases[0]; i++) {
		const struct rcase *c = &rcases[i];
		struct dsb_result r;
		enum dsb_rparse got = c->text ?
			dsb_result_from_string(c->text, strlen(c->text), &r) :
			dsb_result_from_int(c->ival, &r);
		if (got != c->want)
			fprintf(stderr, "result case %zu (%s): got %d\n", i,
				c->text ? c->text : "int", (int)got);
		CU_ASSERT_EQUAL(got, c->want);
		if (c->want == DSB_RP_OK) {
			CU_ASSERT_TRUE(r.present);
			CU_ASSERT_FALSE(r.unknown_name);
			CU_ASSERT_EQUAL(r.raw, c->raw);
			CU_ASSERT_EQUAL(r.norm, c->norm);
			CU_ASSERT_EQUAL(dsb_result_ok(&r), c->norm == 0);
			if (c->text)
				CU_ASSERT_STRING_EQUAL(r.text, c->text);
		} else if (c->want == DSB_RP_UNKNOWN) {
			CU_ASSERT_TRUE(r.present);
			CU_ASSERT_TRUE(r.unknown_name);
			CU_ASSERT_FALSE(dsb_result_ok(&r));
			CU_ASSERT_FALSE(dsb_result_eof(&r));
			CU_ASSERT_STRING_EQUAL(r.text, c->text);
		} else {
			CU_ASSERT_FALSE(r.present);
		}
	}
	/* The recorded text of an integer is its decimal form. */
	struct dsb_result r;
	dsb_result_from_int(-2147024809LL, &r);
	CU_ASSERT_STRING_EQUAL(r.text, "-2147024809");
}

static void test_result_names(void)
{
	/* Sorted for bsearch, and every name finds itself. */
	size_t n = dsb_result_name_count(), hr = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t v, w;
		const char *name = dsb_result_name_at(i, &v);
		CU_ASSERT_PTR_NOT_NULL_FATAL(name);
		if (i > 0) {
			uint32_t pv;
			CU_ASSERT_TRUE(strcmp(dsb_result_name_at(i - 1, &pv), name) < 0);
		}
		CU_ASSERT_TRUE(dsb_result_lookup(name, strlen(name), &w));
		CU_ASSERT_EQUAL(v, w);
		if (strncmp(name, "hr", 2) == 0)
			hr++;
	}
	/* dsbackup-api.md §4.5: 18 facility-0x7FF codes with hrNone, hrNyi,
	 * hrAlreadyListening, and 168 ESE-derived codes. */
	CU_ASSERT_EQUAL(hr, 187);
	CU_ASSERT_EQUAL(n, 187 + 18);
	CU_ASSERT_PTR_NULL(dsb_result_name_at(n, &(uint32_t){ 0 }));

	/* Names for normalized values: hr* first, then ERROR_*, then E_*. */
	CU_ASSERT_STRING_EQUAL(dsb_result_name(0), "S_OK");
	CU_ASSERT_STRING_EQUAL(dsb_result_name(0x80070057u), "ERROR_INVALID_PARAMETER");
	CU_ASSERT_STRING_EQUAL(dsb_result_name(0x80070005u), "ERROR_ACCESS_DENIED");
	CU_ASSERT_STRING_EQUAL(dsb_result_name(DSB_HR_EOF), "ERROR_HANDLE_EOF");
	CU_ASSERT_STRING_EQUAL(dsb_result_name(0x800706B1u), "hrAlreadyListening");
	CU_ASSERT_STRING_EQUAL(dsb_result_name(0xC7FF0003u), "hrInvalidHandle");
	CU_ASSERT_STRING_EQUAL(dsb_result_name(0x8007000Eu), "E_OUTOFMEMORY");
	CU_ASSERT_STRING_EQUAL(dsb_result_name(0x80004005u), "E_FAIL");
	CU_ASSERT_PTR_NULL(dsb_result_name(0x80070001u));   /* never S_FALSE */
	CU_ASSERT_PTR_NULL(dsb_result_name(0x12345678u));
	CU_ASSERT_EQUAL(dsb_result_normalize(0), 0);
	CU_ASSERT_EQUAL(dsb_result_normalize(0xFFFF), 0x8007FFFFu);
	CU_ASSERT_EQUAL(dsb_result_normalize(0x10000), 0x10000);
}

/* hr through the record decoder: JSON types and faults. */
static void test_hr_in_records(void)
{
	static const struct {
		const char *hr;
		bool fault, unknown, ok;
	} cases[] = {
		{ "0", false, false, true },
		{ "\"0x00000000\"", false, false, true },
		{ "\"S_OK\"", false, false, true },
		{ "87", false, false, false },
		{ "-2147024809", false, false, false },
		{ "\"hrSomethingNew\"", false, true, false },
		{ "0.0", true, false, false },
		{ "87.0", true, false, false },
		{ "1e2", true, false, false },
		{ "true", true, false, false },
		{ "null", true, false, false },
		{ "[0]", true, false, false },
		{ "4294967296", true, false, false },
		{ "-2147483649", true, false, false },
		{ "\"0x1ffffffff\"", true, false, false },
		{ "\"S_OK\\u0000\"", true, false, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		call("DsBackupEnd", cases[i].hr, "{\"hbc\":\"h\"}", NULL);
		CU_ASSERT_EQUAL(R.perr, DSB_PE_NONE);
		CU_ASSERT_EQUAL(dsb_record_has_fault(&R, DSB_F_HR), cases[i].fault);
		CU_ASSERT_EQUAL(R.required_missing, cases[i].fault);
		CU_ASSERT_EQUAL(R.hr.unknown_name, cases[i].unknown);
		CU_ASSERT_EQUAL(dsb_result_ok(&R.hr), cases[i].ok);
	}
	/* Missing hr: required... */
	dec("{\"rec\":\"call\",\"seq\":1,\"t\":\"2026-11-21T10:00:00Z\",\"fn\":\"DsBackupEnd\","
	    "\"in\":{\"hbc\":\"h\"}}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_HR));
	CU_ASSERT_TRUE(R.missing[DSB_F_HR / 64] >> (DSB_F_HR % 64) & 1);
	CU_ASSERT_TRUE(R.required_missing);
	/* ...except on DsBackupFree, where any hr is ignored. */
	call("DsBackupFree", "\"garbage here\"", "{\"ptr\":\"0x10\"}", NULL);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_FALSE(R.hr.present);
	dec("{\"rec\":\"call\",\"seq\":1,\"t\":\"2026-11-21T10:00:00Z\",\"fn\":\"DsBackupFree\","
	    "\"in\":{\"ptr\":null}}");
	CU_ASSERT_FALSE(R.required_missing);
	CU_ASSERT_EQUAL(R.ptr.state, DSB_NULL);
	/* restore_state is a result too. */
	call("DsRestoreRegisterComplete", "0", "{\"hbc\":\"h\",\"restore_state\":\"hrFooBar\"}", NULL);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_TRUE(R.restore_state.unknown_name);
	call("DsRestoreRegisterComplete", "0", "{\"hbc\":\"h\",\"restore_state\":\"0x1ffffffff\"}", NULL);
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_RESTORE_STATE));
	CU_ASSERT_TRUE(R.required_missing);
	call("DsRestoreRegisterComplete", "0", "{\"hbc\":\"h\",\"restore_state\":87}", NULL);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_EQUAL(R.restore_state.norm, 0x80070057u);
}

/* ---- timestamps --------------------------------------------------------- */

/* One formatter serves messages (trimmed), the timeline and the fixture
 * writer (all 7 digits). */
static void test_time_format(void)
{
	char a[40], b[40];
	dsb_time_format(DSB_TICKS_AT_1970, a, sizeof a);
	dsb_time_format_full(DSB_TICKS_AT_1970, b, sizeof b);
	CU_ASSERT_STRING_EQUAL(a, "1970-01-01T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(b, "1970-01-01T00:00:00.0000000Z");
	int64_t t = DSB_TICKS_AT_1970 + 1795255201LL * DSB_TICKS_PER_SEC + 2500000;
	dsb_time_format(t, a, sizeof a);
	dsb_time_format_full(t, b, sizeof b);
	CU_ASSERT_STRING_EQUAL(a, "2026-11-21T10:00:01.25Z");
	CU_ASSERT_STRING_EQUAL(b, "2026-11-21T10:00:01.2500000Z");
	dsb_time_format_full(0, b, sizeof b);
	CU_ASSERT_STRING_EQUAL(b, "0001-01-01T00:00:00.0000000Z");
	/* 2000-02-29 (leap, divisible by 400) and 2100-03-01 (2100 is not leap). */
	dsb_time_format(DSB_TICKS_AT_1970 + 951782400LL * DSB_TICKS_PER_SEC, a, sizeof a);
	CU_ASSERT_STRING_EQUAL(a, "2000-02-29T00:00:00Z");
	dsb_time_format(DSB_TICKS_AT_1970 + 4107542400LL * DSB_TICKS_PER_SEC, a, sizeof a);
	CU_ASSERT_STRING_EQUAL(a, "2100-03-01T00:00:00Z");
}

/* Every day from 0001-01-01 to 2400-12-31 (three leap-century rules
 * inside): one day of ticks after the one before, and back to the same
 * text.  Guards the table of days before each month in jtime.c. */
static void jtime_every_day_follows_the_one_before(void)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t prev = -1;
	unsigned bad = 0;
	for (int y = 1; y <= 2400; y++) {
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		for (int m = 1; m <= 12; m++) {
			int last = mdays[m - 1] + (m == 2 && leap);
			for (int d = 1; d <= last; d++) {
				char s[40], back[40];
				snprintf(s, sizeof s, "%04d-%02d-%02dT00:00:00Z", y, m, d);
				int64_t t;
				if (!dsb_time_parse(s, strlen(s), &t) ||
				    (prev >= 0 && t - prev != 86400LL * DSB_TICKS_PER_SEC)) {
					bad++;
					continue;
				}
				dsb_time_format(t, back, sizeof back);
				bad += strcmp(back, s) != 0;
				prev = t;
			}
			/* The day after the month's last does not exist. */
			char s[40];
			int64_t t;
			snprintf(s, sizeof s, "%04d-%02d-%02dT00:00:00Z", y, m, last + 1);
			bad += last + 1 <= 31 && dsb_time_parse(s, strlen(s), &t);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(prev, (int64_t)876581 * 86400LL * DSB_TICKS_PER_SEC);
}

static void test_timestamps(void)
{
	static const struct {
		const char *s;
		bool ok;
		int64_t ticks;    /* checked when != -1 */
	} cases[] = {
		{ "0001-01-01T00:00:00Z", true, 0 },
		{ "0001-01-02T00:00:00Z", true, 864000000000LL },
		{ "0001-01-01T00:00:00.0000001Z", true, 1 },
		{ "0001-01-01T00:00:00.5Z", true, 5000000 },
		{ "0001-01-01T00:00:01.25Z", true, 12500000 },
		{ "1601-01-01T00:00:00Z", true, 504911232000000000LL },   /* FILETIME 0 */
		{ "1970-01-01T00:00:00Z", true, 621355968000000000LL },   /* Unix 0 */
		{ "2026-11-21T10:00:01.2500000Z", true, -1 },
		{ "2024-02-29T23:59:59Z", true, -1 },
		{ "2000-02-29T00:00:00Z", true, -1 },
		{ "9999-12-31T23:59:59.9999999Z", true, -1 },
		{ "2023-02-29T00:00:00Z", false, 0 },   /* not a leap year */
		{ "1900-02-29T00:00:00Z", false, 0 },   /* century, not leap */
		{ "2026-04-31T00:00:00Z", false, 0 },
		{ "2026-13-01T00:00:00Z", false, 0 },
		{ "2026-00-01T00:00:00Z", false, 0 },
		{ "2026-01-00T00:00:00Z", false, 0 },
		{ "0000-01-01T00:00:00Z", false, 0 },
		{ "2026-11-21T24:00:00Z", false, 0 },
		{ "2026-11-21T23:60:00Z", false, 0 },
		{ "2026-11-21T23:59:60Z", false, 0 },
		{ "2026-11-21T10:00:00.12345678Z", false, 0 },   /* 8 digits */
		{ "2026-11-21T10:00:00.Z", false, 0 },
		{ "2026-11-21T10:00:00z", false, 0 },
		{ "2026-11-21t10:00:00Z", false, 0 },
		{ "2026-11-21 10:00:00Z", false, 0 },
		{ "2026-11-21T10:00:00", false, 0 },
		{ "2026-11-21T10:00:00+00:00", false, 0 },
		{ "2026-11-21T10:00:00.5", false, 0 },
		{ "2026-11-21T10:00:00,5Z", false, 0 },
		{ "2026-1-21T10:00:00Z", false, 0 },
		{ " 2026-11-21T10:00:00Z", false, 0 },
		{ "2026-11-21T10:00:0aZ", false, 0 },
		{ "+026-11-21T10:00:00Z", false, 0 },
		{ "", false, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t t = -42;
		bool ok = dsb_time_parse(cases[i].s, strlen(cases[i].s), &t);
		if (ok != cases[i].ok)
			fprintf(stderr, "time case %s\n", cases[i].s);
		CU_ASSERT_EQUAL(ok, cases[i].ok);
		if (ok && cases[i].ticks != -1)
			CU_ASSERT_EQUAL(t, cases[i].ticks);
	}
	int64_t a, b;
	CU_ASSERT_TRUE(dsb_time_parse("2026-11-21T10:00:00.9Z", 22, &a));
	CU_ASSERT_TRUE(dsb_time_parse("2026-11-21T10:00:01Z", 20, &b));
	CU_ASSERT_TRUE(a < b);
	CU_ASSERT_EQUAL(b - a, 1000000);
	/* Through the decoder: t is required, t_end optional. */
	dec("{\"rec\":\"call\",\"seq\":1,\"t\":\"2026-11-21T10:00:00\",\"t_end\":\"x\","
	    "\"fn\":\"DsBackupEnd\",\"in\":{\"hbc\":\"h\"},\"hr\":0}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_T));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_T_END));
	CU_ASSERT_FALSE(R.t_end.present);
	CU_ASSERT_TRUE(R.required_missing);
	dec("{\"rec\":\"call\",\"seq\":1,\"t\":\"2026-11-21T10:00:00Z\",\"t_end\":\"x\","
	    "\"fn\":\"DsBackupEnd\",\"in\":{\"hbc\":\"h\"},\"hr\":0}");
	CU_ASSERT_FALSE(R.required_missing);   /* a faulty optional field is absent */
	CU_ASSERT_TRUE(R.t.present);
}

/* ---- base64 ------------------------------------------------------------- */

static void test_base64(void)
{
	static const struct {
		const char *s;
		const char *bytes;   /* NULL: invalid */
	} cases[] = {
		{ "", "" },
		{ "Zg==", "f" },
		{ "Zm8=", "fo" },
		{ "Zm9v", "foo" },
		{ "Zm9vYg==", "foob" },
		{ "Zm9vYmFy", "foobar" },
		{ "+/+/", "\xfb\xff\xbf" },
		{ "Zg=", NULL },
		{ "Zg", NULL },
		{ "Z===", NULL },
		{ "====", NULL },
		{ "Zm9v\n", NULL },
		{ "Zm9v\r\n", NULL },
		{ "Zm 9v", NULL },
		{ " Zm9v", NULL },
		{ "Zg==Zg==", NULL },
		{ "Zm9v====", NULL },
		{ "Zm-_", NULL },
		{ "Zm9v=", NULL },
		{ "Z=g=", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t *b = NULL;
		size_t n = 99;
		enum dsb_b64 r = dsb_b64_decode(cases[i].s, strlen(cases[i].s), &b, &n);
		if (!cases[i].bytes) {
			CU_ASSERT_EQUAL(r, DSB_B64_INVALID);
			CU_ASSERT_PTR_NULL(b);
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(r, DSB_B64_OK);
		CU_ASSERT_PTR_NOT_NULL(b);
		CU_ASSERT_EQUAL(n, strlen(cases[i].bytes));
		CU_ASSERT_EQUAL(memcmp(b, cases[i].bytes, n), 0);
		free(b);
	}
}

/* ---- tokens ---------------------------------------------------------------- */

static void test_tokens(void)
{
	/* out.token of DsBackupPrepare: never C002, P016 judges it. */
	static const struct {
		const char *tok;
		enum dsb_presence state;
		bool valid;
		size_t len;
	} outs[] = {
		{ "null", DSB_NULL, false, 0 },
		{ "\"\"", DSB_PRESENT, false, 0 },
		{ "\"!!!!\"", DSB_PRESENT, false, 0 },
		{ "\"AAE\"", DSB_PRESENT, false, 0 },
		{ "42", DSB_PRESENT, false, 0 },
		{ "\"AAEC\"", DSB_PRESENT, true, 3 },
	};
	char out[256];
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
		snprintf(out, sizeof out, "{\"hbc\":\"0x1\",\"token\":%s,\"token_size\":3}", outs[i].tok);
		call("DsBackupPrepareW", "0", "{\"grbit\":0,\"backup_type\":1}", out);
		CU_ASSERT_FALSE(dsb_record_any_fault(&R));
		CU_ASSERT_EQUAL(R.out_token.state, outs[i].state);
		CU_ASSERT_EQUAL(R.out_token.valid, outs[i].valid);
		CU_ASSERT_EQUAL(R.out_token.len, outs[i].len);
	}
	CU_ASSERT_EQUAL(R.out_token.bytes[0], 0);
	CU_ASSERT_EQUAL(R.out_token.bytes[2], 2);
	call("DsBackupPrepareW", "0", "{\"grbit\":0,\"backup_type\":1}", "{\"hbc\":\"0x1\"}");
	CU_ASSERT_EQUAL(R.out_token.state, DSB_ABSENT);
	CU_ASSERT_FALSE(R.out_token_size.present);

	/* in.token of DsRestorePrepare: null and "" mean no token; bad
	 * base64 is C002 and then absent. */
	static const struct {
		const char *tok;
		bool fault;
		enum dsb_presence state;
		bool valid;
	} ins[] = {
		{ "null", false, DSB_NULL, false },
		{ "\"\"", false, DSB_PRESENT, false },
		{ "\"AAEC\"", false, DSB_PRESENT, true },
		{ "\"AA EC\"", true, DSB_ABSENT, false },
		{ "\"AAE\"", true, DSB_ABSENT, false },
		{ "7", true, DSB_ABSENT, false },
	};
	char in[256];
	for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++) {
		snprintf(in, sizeof in, "{\"restore_type\":4,\"token\":%s,\"token_size\":3}", ins[i].tok);
		call("DsRestorePrepare", "0", in, "{\"hbc\":\"0x2\"}");
		CU_ASSERT_EQUAL(dsb_record_has_fault(&R, DSB_F_IN_TOKEN), ins[i].fault);
		CU_ASSERT_FALSE(R.required_missing);
		CU_ASSERT_EQUAL(R.in_token.state, ins[i].state);
		CU_ASSERT_EQUAL(R.in_token.valid, ins[i].valid);
		CU_ASSERT_EQUAL(R.in_token_size.v, 3);
	}
}

/* ---- lists ---------------------------------------------------------------- */

/* Build a W list buffer: entries of (bft, ASCII path), then `final` NUL units. */
static size_t wlist(uint8_t *b, const uint16_t *bft, const char *const *paths, size_t n,
		    size_t final)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		b[o++] = (uint8_t)bft[i];
		b[o++] = (uint8_t)(bft[i] >> 8);
		for (const char *p = paths[i]; *p; p++) {
			b[o++] = (uint8_t)*p;
			b[o++] = 0;
		}
		b[o++] = 0;
		b[o++] = 0;
	}
	for (size_t k = 0; k < final; k++) {
		b[o++] = 0;
		b[o++] = 0;
	}
	return o;
}

static void list_call(const char *fn, const uint8_t *b, size_t n, long long size)
{
	static char b64[1 << 15], out[(1 << 15) + 128];
	b64enc(b, n, b64);
	snprintf(out, sizeof out, "{\"list_raw\":\"%s\",\"size\":%lld,\"list_ptr\":\"0x5000\"}",
		 b64, size);
	call(fn, "0", "{\"hbc\":\"0x1f3a0\"}", out);
	CU_ASSERT_EQUAL(R.perr, DSB_PE_NONE);
}

static void test_list_raw_w(void)
{
	static const char *const paths[] = { "\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit",
					     "C:\\Windows\\NTDS", "C:\\Windows\\NTDS" };
	static const uint16_t bfts[] = { 0x44, 0x82, 0x83 };
	uint8_t b[1024];
	size_t n = wlist(b, bfts, paths, 3, 1);
	CU_ASSERT_EQUAL(n, 136);   /* the CF §5.5 example */
	list_call("DsRestoreGetDatabaseLocationsW", b, n, 136);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_TRUE(R.list.present);
	CU_ASSERT_TRUE(R.list.from_raw);
	CU_ASSERT_EQUAL(R.list.faults, 0);
	CU_ASSERT_EQUAL_FATAL(R.list.n, 3);
	CU_ASSERT_EQUAL(R.list.e[0].bft, 0x44);
	CU_ASSERT_STRING_EQUAL(R.list.e[0].path, paths[0]);
	CU_ASSERT_EQUAL(R.list.e[0].units, 31);
	CU_ASSERT_EQUAL(R.list.e[2].bft, 0x83);
	CU_ASSERT_EQUAL(R.list_size.v, 136);
	CU_ASSERT_STRING_EQUAL(R.list_ptr.s, "0x5000");

	/* A function recorded without its suffix is W. */
	list_call("DsBackupGetDatabaseNames", b, n, 136);
	CU_ASSERT_EQUAL(R.list.faults, 0);
	CU_ASSERT_EQUAL(R.list.n, 3);

	unsigned want;
	/* size differs from the byte count */
	list_call("DsBackupGetDatabaseNamesW", b, n, 134);
	CU_ASSERT_EQUAL(R.list.faults, DSB_LF_SIZE_MISMATCH);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));   /* P021, never C002 */
	/* no final NUL */
	n = wlist(b, bfts, paths, 3, 0);
	list_call("DsBackupGetDatabaseNamesW", b, n, (long long)n);
	CU_ASSERT_EQUAL(R.list.faults, DSB_LF_NO_FINAL_NUL);
	CU_ASSERT_EQUAL(R.list.n, 3);
	/* bytes after the final NUL */
	n = wlist(b, bfts, paths, 3, 2);
	list_call("DsBackupGetDatabaseNamesW", b, n, (long long)n);
	CU_ASSERT_EQUAL(R.list.faults, DSB_LF_TRAILING_BYTES);
	/* an empty path */
	static const char *const withempty[] = { "a", "" };
	static const uint16_t b2[] = { 0x21, 0x21 };
	n = wlist(b, b2, withempty, 2, 1);
	list_call("DsBackupGetBackupLogsW", b, n, (long long)n);
	CU_ASSERT_EQUAL(R.list.faults, DSB_LF_EMPTY_PATH);
	/* odd byte count */
	n = wlist(b, bfts, paths, 3, 1);
	b[n] = 0;
	list_call("DsBackupGetDatabaseNamesW", b, n + 1, (long long)n + 1);
	CU_ASSERT_EQUAL(R.list.faults, DSB_LF_ODD_BYTES);
	/* an unpaired surrogate (high, then low alone) */
	n = wlist(b, bfts, paths, 1, 1);
	b[4] = 0x00; b[5] = 0xD8;     /* 2nd path unit: U+D800 then 'D' */
	list_call("DsBackupGetDatabaseNamesW", b, n, (long long)n);
	CU_ASSERT_EQUAL(R.list.faults, DSB_LF_BAD_SURROGATE);
	CU_ASSERT_EQUAL(R.list.e[0].units, 31);
	n = wlist(b, bfts, paths, 1, 1);
	b[4] = 0x00; b[5] = 0xDC;
	list_call("DsBackupGetDatabaseNamesW", b, n, (long long)n);
	CU_ASSERT_EQUAL(R.list.faults, DSB_LF_BAD_SURROGATE);
	/* a valid pair is no fault: U+1F600 */
	n = wlist(b, bfts, paths, 1, 1);
	b[4] = 0x3D; b[5] = 0xD8; b[6] = 0x00; b[7] = 0xDE;
	list_call("DsBackupGetDatabaseNamesW", b, n, (long long)n);
	CU_ASSERT_EQUAL(R.list.faults, 0);
	CU_ASSERT_EQUAL(memcmp(R.list.e[0].path, "\\\xF0\x9F\x98\x80", 5), 0);
	/* BFTs: an unknown one, and the documentation's 0x22 / 0x23 */
	static const uint16_t bad[] = { 0x41, 0x82 };
	n = wlist(b, bad, paths, 2, 1);
	list_call("DsBackupGetDatabaseNamesW", b, n, (long long)n);
	CU_ASSERT_EQUAL(R.list.faults, DSB_LF_BAD_BFT);
	static const uint16_t doc[] = { 0x44, 0x22, 0x23 };
	n = wlist(b, doc, paths, 3, 1);
	list_call("DsBackupGetDatabaseNamesW", b, n, (long long)n);
	CU_ASSERT_EQUAL(R.list.faults, DSB_LF_BAD_BFT | DSB_LF_DOC_BFT);
	/* the six good values */
	static const uint16_t six[] = { 0x21, 0x25, 0x44, 0x82, 0x83, 0x0F };
	static const char *const p6[] = { "a", "b", "c", "d", "e", "f" };
	n = wlist(b, six, p6, 6, 1);
	list_call("DsBackupGetDatabaseNamesW", b, n, (long long)n);
	CU_ASSERT_EQUAL(R.list.faults, 0);
	CU_ASSERT_EQUAL(R.list.n, 6);
	/* empty lists: 1 or 2 NUL units; 3 is too many; 0 has no final NUL */
	static const struct { size_t nul; unsigned want; } empties[] = {
		{ 1, 0 }, { 2, 0 }, { 3, DSB_LF_TRAILING_BYTES }, { 0, DSB_LF_NO_FINAL_NUL },
	};
	for (size_t i = 0; i < 4; i++) {
		n = wlist(b, NULL, NULL, 0, empties[i].nul);
		list_call("DsBackupGetBackupLogsW", b, n, (long long)n);
		CU_ASSERT_EQUAL(R.list.faults, empties[i].want);
		CU_ASSERT_EQUAL(R.list.n, 0);
		CU_ASSERT_TRUE(R.list.present);
	}
	/* several faults at once are all reported */
	n = wlist(b, doc, withempty, 2, 0);
	list_call("DsBackupGetDatabaseNamesW", b, n, 1);
	want = DSB_LF_SIZE_MISMATCH | DSB_LF_NO_FINAL_NUL | DSB_LF_EMPTY_PATH |
	       DSB_LF_BAD_BFT | DSB_LF_DOC_BFT;
	CU_ASSERT_EQUAL(R.list.faults, want);
}

static void test_list_raw_a(void)
{
	/* A: one byte per unit; the BFT is the raw byte (0x82 is not
	 * decoded to U+201A); paths decode with the capture's code page. */
	static const uint8_t raw[] = { 0x82, 'C', ':', '\\', 'c', 'a', 'f', 0xE9, 0,
				       0x44, 'x', 0, 0 };
	static char b64[64], out[256];
	b64enc(raw, sizeof raw, b64);
	snprintf(out, sizeof out, "{\"list_raw\":\"%s\",\"size\":%zu}", b64, sizeof raw);
	snprintf(line_buf, sizeof line_buf,
		 "{\"rec\":\"call\",\"seq\":5,\"t\":\"2026-11-21T10:00:00Z\","
		 "\"fn\":\"DsBackupGetDatabaseNamesA\",\"in\":{\"hbc\":\"h\"},\"out\":%s,\"hr\":0}",
		 out);
	static const struct { uint32_t cp; const char *path; } cps[] = {
		{ 1252, "C:\\caf\xC3\xA9" },          /* é */
		{ 1251, "C:\\caf\xD0\xB9" },          /* й */
		{ 1253, "C:\\caf\xCE\xB9" },          /* ι */
		{ 28591, "C:\\caf\xC3\xA9" },
		{ 932, "C:\\caf\xC3\xA9" },           /* unsupported: 1252 */
		{ 0, "C:\\caf\xC3\xA9" },
		{ 65001, "C:\\caf\xEF\xBF\xBD" },     /* invalid UTF-8: U+FFFD */
	};
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		dsb_record_clear(&R);
		CU_ASSERT_FATAL(dsb_record_decode(line_buf, strlen(line_buf), 3, cps[i].cp, &R));
		CU_ASSERT_EQUAL(R.cs, DSB_CS_A);
		CU_ASSERT_EQUAL(R.list.faults, 0);
		CU_ASSERT_EQUAL_FATAL(R.list.n, 2);
		CU_ASSERT_EQUAL(R.list.e[0].bft, 0x82);
		CU_ASSERT_EQUAL(R.list.e[0].units, 7);
		CU_ASSERT_STRING_EQUAL(R.list.e[0].path, cps[i].path);
		CU_ASSERT_STRING_EQUAL(R.list.e[1].path, "x");
	}
	CU_ASSERT_TRUE(dsb_cp_supported(1252));
	CU_ASSERT_TRUE(dsb_cp_supported(874));
	CU_ASSERT_FALSE(dsb_cp_supported(932));
	/* 1252's five undefined bytes map to the C1 controls, as Windows does */
	char o[8];
	CU_ASSERT_EQUAL(dsb_cp_to_utf8(1252, (const uint8_t *)"\x81", 1, o), 2);
	CU_ASSERT_EQUAL(memcmp(o, "\xC2\x81", 2), 0);
	CU_ASSERT_EQUAL(dsb_cp_to_utf8(1252, (const uint8_t *)"\x80", 1, o), 3);
	CU_ASSERT_EQUAL(memcmp(o, "\xE2\x82\xAC", 3), 0);   /* € */
}

static void test_list_decoded(void)
{
	static const struct {
		const char *fn;
		const char *list;
		long long size;
		bool c002;
		unsigned faults;
		size_t n;
	} cases[] = {
		/* W: 2 * (sum(2 + n(p)) + 1); the CF example is 136 */
		{ "DsRestoreGetDatabaseLocationsW",
		  "[{\"bft\":\"0x44\",\"path\":\"\\\\\\\\DC01\\\\C$\\\\Windows\\\\NTDS\\\\ntds.dit\"},"
		  "{\"bft\":\"0x82\",\"path\":\"C:\\\\Windows\\\\NTDS\"},"
		  "{\"bft\":131,\"path\":\"C:\\\\Windows\\\\NTDS\"}]", 136, false, 0, 3 },
		{ "DsRestoreGetDatabaseLocationsW",
		  "[{\"bft\":\"0x44\",\"path\":\"\\\\\\\\DC01\\\\C$\\\\Windows\\\\NTDS\\\\ntds.dit\"},"
		  "{\"bft\":\"0x82\",\"path\":\"C:\\\\Windows\\\\NTDS\"},"
		  "{\"bft\":131,\"path\":\"C:\\\\Windows\\\\NTDS\"}]", 138, false, DSB_LF_SIZE_MISMATCH, 3 },
		/* no suffix: W */
		{ "DsBackupGetDatabaseNames", "[{\"bft\":68,\"path\":\"ab\"}]", 10, false, 0, 1 },
		{ "DsBackupGetDatabaseNames", "[{\"bft\":68,\"path\":\"ab\"}]", 5, false,
		  DSB_LF_SIZE_MISMATCH, 1 },
		/* UTF-16 units: U+1F600 is two */
		{ "DsBackupGetDatabaseNamesW", "[{\"bft\":68,\"path\":\"\xF0\x9F\x98\x80\"}]", 10, false, 0, 1 },
		{ "DsBackupGetDatabaseNamesW", "[{\"bft\":68,\"path\":\"\xC3\xA9\"}]", 8, false, 0, 1 },
		/* A: sum(2 + n(p)) + 1, only when every path is ASCII */
		{ "DsBackupGetDatabaseNamesA", "[{\"bft\":68,\"path\":\"ab\"}]", 5, false, 0, 1 },
		{ "DsBackupGetDatabaseNamesA", "[{\"bft\":68,\"path\":\"ab\"}]", 10, false,
		  DSB_LF_SIZE_MISMATCH, 1 },
		{ "DsBackupGetDatabaseNamesA", "[{\"bft\":68,\"path\":\"\xC3\xA9\"}]", 999, false, 0, 1 },
		/* empty lists */
		{ "DsBackupGetBackupLogsW", "[]", 2, false, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[]", 4, false, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[]", 6, false, DSB_LF_SIZE_MISMATCH, 0 },
		{ "DsBackupGetBackupLogsW", "[]", 1, false, DSB_LF_SIZE_MISMATCH, 0 },
		{ "DsBackupGetBackupLogsA", "[]", 1, false, 0, 0 },
		{ "DsBackupGetBackupLogsA", "[]", 2, false, 0, 0 },
		{ "DsBackupGetBackupLogsA", "[]", 4, false, DSB_LF_SIZE_MISMATCH, 0 },
		/* entry faults that are P021 */
		{ "DsBackupGetBackupLogsW", "[{\"bft\":\"0x22\",\"path\":\"a\"}]", 8, false,
		  DSB_LF_BAD_BFT | DSB_LF_DOC_BFT, 1 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":\"0xFFFF\",\"path\":\"a\"}]", 8, false,
		  DSB_LF_BAD_BFT, 1 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":0,\"path\":\"a\"}]", 8, false, DSB_LF_BAD_BFT, 1 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":33,\"path\":\"\"}]", 6, false, DSB_LF_EMPTY_PATH, 1 },
		/* malformed: C002 on out.list */
		{ "DsBackupGetBackupLogsW", "[{\"bft\":\"0x\",\"path\":\"a\"}]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":\"0x12345\",\"path\":\"a\"}]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":\"33\",\"path\":\"a\"}]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":\"0X21\",\"path\":\"a\"}]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":65536,\"path\":\"a\"}]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":-1,\"path\":\"a\"}]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":33.0,\"path\":\"a\"}]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":33,\"path\":7}]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":33}]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[{\"bft\":33,\"path\":\"a\\u0000b\"}]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "[\"!a\"]", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "{}", 8, true, 0, 0 },
		{ "DsBackupGetBackupLogsW", "null", 8, true, 0, 0 },
	};
	char out[1024];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(out, sizeof out, "{\"list\":%s,\"size\":%lld}", cases[i].list, cases[i].size);
		call(cases[i].fn, "0", "{\"hbc\":\"h\"}", out);
		if (dsb_record_has_fault(&R, DSB_F_LIST) != cases[i].c002 ||
		    R.list.faults != cases[i].faults)
			fprintf(stderr, "list case %zu: faults %#x\n", i, R.list.faults);
		CU_ASSERT_EQUAL(R.perr, DSB_PE_NONE);
		CU_ASSERT_EQUAL(dsb_record_has_fault(&R, DSB_F_LIST), cases[i].c002);
		CU_ASSERT_EQUAL(R.required_missing, cases[i].c002);
		CU_ASSERT_EQUAL(R.list.present, !cases[i].c002);
		CU_ASSERT_FALSE(R.list.from_raw);
		CU_ASSERT_EQUAL(R.list.faults, cases[i].faults);
		CU_ASSERT_EQUAL(R.list.n, cases[i].n);
	}

	/* Both given: list_raw wins, list is not even looked at. */
	call("DsBackupGetBackupLogsW", "0", "{\"hbc\":\"h\"}",
	     "{\"list\":\"junk\",\"list_raw\":\"AAA=\",\"size\":2}");
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_TRUE(R.list.from_raw);
	CU_ASSERT_EQUAL(R.list.faults, 0);
	/* list_raw not base64: C002, and the record is not replayed. */
	call("DsBackupGetBackupLogsW", "0", "{\"hbc\":\"h\"}",
	     "{\"list\":[],\"list_raw\":\"AAA\",\"size\":2}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_LIST_RAW));
	CU_ASSERT_TRUE(R.required_missing);
	CU_ASSERT_FALSE(R.list.present);
	/* Neither: out.list is missing. */
	call("DsBackupGetBackupLogsW", "0", "{\"hbc\":\"h\"}", "{\"size\":2}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_LIST));
	CU_ASSERT_TRUE(R.required_missing);
	/* A failed list call: outputs are not read at all. */
	call("DsBackupGetBackupLogsW", "\"hrNoBackup\"", "{\"hbc\":\"h\"}", "{\"list\":7}");
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_FALSE(R.list.present);
	CU_ASSERT_FALSE(R.outputs);
}

static void test_list_limit(void)
{
	/* DSB_LIST_ENTRIES_MAX entries are read; one more makes the field
	 * unreadable (C002), never a huge allocation. */
	for (int extra = 0; extra <= 1; extra++) {
		size_t ne = DSB_LIST_ENTRIES_MAX + (size_t)extra;
		size_t n = ne * 3 + 1;
		uint8_t *b = malloc(n);
		char *b64 = malloc(n * 2 + 8), *line = malloc(n * 2 + 512);
		CU_ASSERT_FATAL(b && b64 && line);
		/* Entry: BFT_LOG 0x21, path "L", NUL (3 bytes, copied whole so
		 * that gcc -O3's vectorizer sees the bounds). */
		static const uint8_t entry[3] = { 0x21, 'L', 0 };
		for (size_t i = 0; i < ne; i++)
			memcpy(b + 3 * i, entry, sizeof entry);
		b[n - 1] = 0;
		b64enc(b, n, b64);
		int len = snprintf(line, n * 2 + 512,
				   "{\"rec\":\"call\",\"seq\":5,\"t\":\"2026-11-21T10:00:00Z\","
				   "\"fn\":\"DsBackupGetBackupLogsA\",\"in\":{\"hbc\":\"h\"},"
				   "\"out\":{\"list_raw\":\"%s\",\"size\":%zu},\"hr\":0}", b64, n);
		dsb_record_clear(&R);
		CU_ASSERT_FATAL(dsb_record_decode(line, (size_t)len, 1, 1252, &R));
		CU_ASSERT_EQUAL(dsb_record_has_fault(&R, DSB_F_LIST_RAW), extra == 1);
		CU_ASSERT_EQUAL(R.list.n, extra ? 0 : ne);
		free(b);
		free(b64);
		free(line);
	}
}

/* ---- required fields, per function (CF §5.2) ------------------------------ */

struct kv {
	const char *key, *val;
	bool req;
	enum dsb_field f;
};

struct fcase {
	const char *fn;
	struct kv in[8], out[8];
};

static const struct fcase fcases[] = {
	{ "DsIsNTDSOnlineW", { { "server", "\"DC01\"", false, DSB_F_SERVER } },
	  { { "online", "true", true, DSB_F_ONLINE } } },
	{ "DsSetAuthIdentityA", { { "user", "\"u\"", false, DSB_F_USER },
				  { "domain", "\"d\"", false, DSB_F_DOMAIN } }, { { .key = NULL } } },
	{ "DsBackupPrepare", { { "server", "\"DC01\"", false, DSB_F_SERVER },
			       { "grbit", "0", true, DSB_F_GRBIT },
			       { "backup_type", "1", true, DSB_F_BACKUP_TYPE } },
	  { { "hbc", "\"0x1f3a0\"", true, DSB_F_OUT_HBC },
	    { "token", "\"AAEC\"", false, DSB_F_OUT_TOKEN },
	    { "token_size", "3", false, DSB_F_OUT_TOKEN_SIZE },
	    { "token_ptr", "\"0x100\"", false, DSB_F_TOKEN_PTR } } },
	{ "DsBackupGetDatabaseNamesW", { { "hbc", "\"h\"", true, DSB_F_HBC } },
	  { { "list", "[]", true, DSB_F_LIST }, { "size", "2", true, DSB_F_SIZE },
	    { "list_ptr", "\"0x200\"", false, DSB_F_LIST_PTR } } },
	{ "DsBackupOpenFileW", { { "hbc", "\"h\"", true, DSB_F_HBC },
				 { "name", "\"n\"", true, DSB_F_NAME },
				 { "read_hint", "65536", true, DSB_F_READ_HINT } },
	  { { "file_size", "20979712", true, DSB_F_FILE_SIZE } } },
	{ "DsBackupRead", { { "hbc", "\"h\"", true, DSB_F_HBC },
			    { "buffer_size", "65536", true, DSB_F_BUFFER_SIZE } },
	  { { "bytes_read", "65536", true, DSB_F_BYTES_READ } } },
	{ "DsBackupClose", { { "hbc", "\"h\"", true, DSB_F_HBC } }, { { .key = NULL } } },
	{ "DsBackupGetBackupLogsA", { { "hbc", "\"h\"", true, DSB_F_HBC } },
	  { { "list_raw", "\"AA==\"", true, DSB_F_LIST }, { "size", "1", true, DSB_F_SIZE },
	    { "list_ptr", "null", false, DSB_F_LIST_PTR } } },
	{ "DsBackupTruncateLogs", { { "hbc", "\"h\"", true, DSB_F_HBC } }, { { .key = NULL } } },
	{ "DsBackupEnd", { { "hbc", "\"h\"", true, DSB_F_HBC } }, { { .key = NULL } } },
	{ "DsBackupFree", { { "ptr", "\"0x100\"", true, DSB_F_PTR } }, { { .key = NULL } } },
	{ "DsRestorePrepareW", { { "server", "\"DC01\"", false, DSB_F_SERVER },
				 { "restore_type", "4", true, DSB_F_RESTORE_TYPE },
				 { "token", "\"AAEC\"", false, DSB_F_IN_TOKEN },
				 { "token_size", "3", false, DSB_F_IN_TOKEN_SIZE } },
	  { { "hbc", "\"0x2\"", true, DSB_F_OUT_HBC } } },
	{ "DsRestoreGetDatabaseLocations", { { "hbc", "\"h\"", true, DSB_F_HBC } },
	  { { "list", "[]", true, DSB_F_LIST }, { "size", "4", true, DSB_F_SIZE } } },
	{ "DsRestoreRegisterW", { { "hbc", "\"h\"", true, DSB_F_HBC },
				  { "checkpoint_path", "\"C:\\\\c\"", false, DSB_F_CHECKPOINT_PATH },
				  { "log_path", "\"C:\\\\l\"", false, DSB_F_LOG_PATH },
				  { "rstmap", "[{\"from\":\"a\",\"to\":\"b\"}]", false, DSB_F_RSTMAP },
				  { "backup_log_path", "\"C:\\\\b\"", false, DSB_F_BACKUP_LOG_PATH },
				  { "gen_low", "1", true, DSB_F_GEN_LOW },
				  { "gen_high", "9", true, DSB_F_GEN_HIGH } }, { { .key = NULL } } },
	{ "DsRestoreRegisterComplete", { { "hbc", "\"h\"", true, DSB_F_HBC },
					 { "restore_state", "\"S_OK\"", true, DSB_F_RESTORE_STATE } },
	  { { .key = NULL } } },
	{ "DsRestoreEnd", { { "hbc", "\"h\"", true, DSB_F_HBC } }, { { .key = NULL } } },
	{ "DsSetCurrentBackupLogW", { { "server", "\"DC01\"", false, DSB_F_SERVER },
				      { "log_number", "12", false, DSB_F_LOG_NUMBER } }, { { .key = NULL } } },
};

/* JSON object text of kv pairs, leaving out `skip` (or replacing its
 * value with `bad` when bad is not NULL). */
static void obj(char *o, size_t cap, const struct kv *kv, const struct kv *skip, const char *bad)
{
	size_t n = (size_t)snprintf(o, cap, "{");
	const char *sep = "";
	for (; kv->key; kv++) {
		if (kv == skip && !bad)
			continue;
		n += (size_t)snprintf(o + n, cap - n, "%s\"%s\":%s", sep, kv->key,
				      kv == skip ? bad : kv->val);
		sep = ",";
	}
	snprintf(o + n, cap - n, "}");
}

static void test_required_fields(void)
{
	char in[512], out[512];
	size_t nfn = 0;
	for (size_t i = 0; i < sizeof fcases / sizeof fcases[0]; i++) {
		const struct fcase *c = &fcases[i];
		/* All there: no fault. */
		obj(in, sizeof in, c->in, NULL, NULL);
		obj(out, sizeof out, c->out, NULL, NULL);
		call(c->fn, "0", in, out);
		if (dsb_record_any_fault(&R))
			fprintf(stderr, "%s: unexpected fault\n", c->fn);
		CU_ASSERT_FALSE(dsb_record_any_fault(&R));
		CU_ASSERT_FALSE(R.required_missing);
		CU_ASSERT_NOT_EQUAL(R.fn, DSB_FN_NONE);
		CU_ASSERT_STRING_EQUAL(R.fn_text, c->fn);
		CU_ASSERT_EQUAL(R.outputs, c->out[0].key != NULL && R.fn != DSB_FN_BACKUP_FREE);
		nfn++;
		/* Each field left out, then each given a wrong type. */
		for (int side = 0; side < 2; side++) {
			const struct kv *kvs = side ? c->out : c->in;
			for (const struct kv *k = kvs; k->key; k++) {
				for (int wrong = 0; wrong < 2; wrong++) {
					const char *bad = wrong ? "{\"x\":1}" : NULL;
					obj(in, sizeof in, c->in, side ? NULL : k, bad);
					obj(out, sizeof out, c->out, side ? k : NULL, bad);
					call(c->fn, "0", in, out);
					/* Absent optional fields are never faults; out.token is
					 * P016's, never C002. */
					bool want = k->req || (wrong && k->f != DSB_F_OUT_TOKEN);
					enum dsb_field f = k->f;
					if (f == DSB_F_LIST && strcmp(k->key, "list_raw") == 0 && wrong)
						f = DSB_F_LIST_RAW;
					if (dsb_record_has_fault(&R, f) != want)
						fprintf(stderr, "%s %s wrong=%d\n", c->fn, k->key, wrong);
					CU_ASSERT_EQUAL(dsb_record_has_fault(&R, f), want);
					CU_ASSERT_EQUAL(R.required_missing, k->req);
				}
			}
		}
		/* A failed call: outputs are ignored, missing or not. */
		obj(in, sizeof in, c->in, NULL, NULL);
		call(c->fn, "\"0x80070057\"", in, "{\"hbc\":5,\"online\":1,\"size\":-1}");
		CU_ASSERT_FALSE(dsb_record_any_fault(&R));
		CU_ASSERT_FALSE(R.outputs);
	}
	CU_ASSERT_EQUAL(nfn, 17);

	/* Call-level fields: fn, t, in, hr required; t_end, tid optional. */
	dec("{\"rec\":\"call\",\"seq\":1}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_FN));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_T));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_IN));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_HR));
	CU_ASSERT_FALSE(dsb_record_has_fault(&R, DSB_F_T_END));
	CU_ASSERT_FALSE(dsb_record_has_fault(&R, DSB_F_TID));
	dec("{\"rec\":\"call\",\"seq\":1,\"t\":\"2026-11-21T10:00:00Z\",\"fn\":\"DsBackupEnd\","
	    "\"in\":[],\"hr\":0,\"tid\":4294967296}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_IN));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_TID));
	CU_ASSERT_FALSE(dsb_record_has_fault(&R, DSB_F_HBC));   /* in unreadable: not judged */
	dec("{\"rec\":\"call\",\"seq\":1,\"t\":\"2026-11-21T10:00:00Z\",\"fn\":\"DsBackupEnd\","
	    "\"in\":{\"hbc\":\"h\"},\"hr\":0,\"tid\":4294967295,\"t_end\":\"2026-11-21T10:00:01Z\"}");
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_EQUAL(R.tid.v, 4294967295u);
	CU_ASSERT_TRUE(R.t_end.present);
	/* out that is not an object, on a successful call */
	call("DsBackupOpenFileW", "0", "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":1}", "[]");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_OUT));
	CU_ASSERT_TRUE(R.required_missing);
	/* success without out at all */
	call("DsBackupOpenFileW", "0", "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":1}", NULL);
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_FILE_SIZE));
	CU_ASSERT_TRUE(R.required_missing);
}

static void test_eof_read(void)
{
	/* ERROR_HANDLE_EOF: outputs count, bytes_read optional (absent = 0). */
	call("DsBackupRead", "\"ERROR_HANDLE_EOF\"", "{\"hbc\":\"h\",\"buffer_size\":65536}", NULL);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_TRUE(R.outputs);
	CU_ASSERT_TRUE(R.bytes_read.present);
	CU_ASSERT_EQUAL(R.bytes_read.v, 0);
	call("DsBackupRead", "38", "{\"hbc\":\"h\",\"buffer_size\":65536}", "{\"bytes_read\":100}");
	CU_ASSERT_EQUAL(R.bytes_read.v, 100);
	call("DsBackupRead", "\"0x80070026\"", "{\"hbc\":\"h\",\"buffer_size\":65536}",
	     "{\"bytes_read\":\"x\"}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_BYTES_READ));
	CU_ASSERT_FALSE(R.required_missing);
	CU_ASSERT_EQUAL(R.bytes_read.v, 0);
	/* EOF on another function is just a failure: outputs ignored. */
	call("DsBackupOpenFileW", "38", "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":1}", NULL);
	CU_ASSERT_FALSE(R.outputs);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	/* Another failed read: nothing read. */
	call("DsBackupRead", "\"hrInvalidHandle\"", "{\"hbc\":\"h\",\"buffer_size\":65536}",
	     "{\"bytes_read\":\"x\"}");
	CU_ASSERT_FALSE(R.bytes_read.present);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
}

/* ---- types (CF §8) ---------------------------------------------------------- */

static void test_types(void)
{
	static const struct {
		const char *in;
		enum dsb_field f;
		bool fault;
	} cases[] = {
		{ "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":4294967295}", DSB_F_READ_HINT, false },
		{ "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":4294967296}", DSB_F_READ_HINT, true },
		{ "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":-1}", DSB_F_READ_HINT, true },
		{ "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":1.5}", DSB_F_READ_HINT, true },
		{ "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":1e3}", DSB_F_READ_HINT, true },
		{ "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":\"65536\"}", DSB_F_READ_HINT, true },
		{ "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":true}", DSB_F_READ_HINT, true },
		{ "{\"hbc\":1,\"name\":\"n\",\"read_hint\":1}", DSB_F_HBC, true },
		{ "{\"hbc\":null,\"name\":\"n\",\"read_hint\":1}", DSB_F_HBC, true },
		{ "{\"hbc\":\"\",\"name\":\"n\",\"read_hint\":1}", DSB_F_HBC, false },
		{ "{\"hbc\":\"h\",\"name\":[\"n\"],\"read_hint\":1}", DSB_F_NAME, true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		call("DsBackupOpenFileW", "0", cases[i].in, "{\"file_size\":9223372036854775807}");
		CU_ASSERT_EQUAL(dsb_record_has_fault(&R, cases[i].f), cases[i].fault);
		CU_ASSERT_EQUAL(R.required_missing, cases[i].fault);
		if (!cases[i].fault)
			CU_ASSERT_EQUAL(R.file_size.v, 9223372036854775807ULL);
	}
	/* online is a boolean: 1 is not */
	call("DsIsNTDSOnline", "0", "{}", "{\"online\":1}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_ONLINE));
	CU_ASSERT_FALSE(R.has_online);
	call("DsIsNTDSOnline", "0", "{}", "{\"online\":false}");
	CU_ASSERT_TRUE(R.has_online);
	CU_ASSERT_FALSE(R.online);
	/* server: a string (null is not) */
	call("DsIsNTDSOnline", "0", "{\"server\":null}", "{\"online\":true}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_SERVER));
	CU_ASSERT_FALSE(R.required_missing);
	CU_ASSERT_EQUAL(R.server.state, DSB_ABSENT);
	/* DsRestoreRegister's paths: null and "" are R005's, not C002 */
	call("DsRestoreRegister", "0", "{\"hbc\":\"h\",\"checkpoint_path\":null,\"log_path\":\"\","
	     "\"gen_low\":1,\"gen_high\":2}", NULL);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_EQUAL(R.checkpoint_path.state, DSB_NULL);
	CU_ASSERT_EQUAL(R.log_path.state, DSB_PRESENT);
	CU_ASSERT_EQUAL(R.log_path.len, 0);
	CU_ASSERT_EQUAL(R.backup_log_path.state, DSB_ABSENT);
	call("DsRestoreRegister", "0", "{\"hbc\":\"h\",\"checkpoint_path\":1,"
	     "\"rstmap\":[{\"from\":\"a\"}],\"gen_low\":1,\"gen_high\":2}", NULL);
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_CHECKPOINT_PATH));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_RSTMAP));
	CU_ASSERT_FALSE(R.required_missing);
	/* seq: an integer >= 1 */
	static const struct { const char *seq; bool ok; } seqs[] = {
		{ "1", true }, { "9223372036854775807", true }, { "0", false }, { "-1", false },
		{ "\"1\"", false }, { "1.0", false }, { "null", false },
	};
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		snprintf(line_buf, sizeof line_buf, "{\"rec\":\"end\",\"seq\":%s,\"records\":3}",
			 seqs[i].seq);
		dec(line_buf);
		CU_ASSERT_EQUAL(R.seq.present, seqs[i].ok);
		CU_ASSERT_EQUAL(dsb_record_has_fault(&R, DSB_F_SEQ), !seqs[i].ok);
		CU_ASSERT_EQUAL(R.records.v, 3);
	}
	/* A number beyond 64 bits does not parse at all. */
	dec("{\"rec\":\"end\",\"seq\":99999999999999999999,\"records\":3}");
	CU_ASSERT_EQUAL(R.perr, DSB_PE_NUMBER);
	dec("{\"rec\":\"end\",\"seq\":1e999,\"records\":3}");
	CU_ASSERT_EQUAL(R.perr, DSB_PE_NUMBER);
}

static void test_capture_data_end(void)
{
	dec("{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\",\"version\":1,"
	    "\"host\":\"DC01\",\"agent\":\"a/1\",\"started\":\"2026-11-21T10:00:00.0000000Z\","
	    "\"ansi_cp\":1251}");
	CU_ASSERT_EQUAL(R.kind, DSB_REC_CAPTURE);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_STRING_EQUAL(R.format.s, "dsbackup-capture");
	CU_ASSERT_TRUE(R.version_is_1);
	CU_ASSERT_STRING_EQUAL(R.host.s, "DC01");
	CU_ASSERT_TRUE(R.started.present);
	CU_ASSERT_EQUAL(R.ansi_cp.v, 1251);
	/* format and version are C010's: never faults here */
	static const char *const versions[] = { "\"1\"", "1.0", "2", "true" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(line_buf, sizeof line_buf,
			 "{\"rec\":\"capture\",\"seq\":1,\"format\":7,\"version\":%s}", versions[i]);
		dec(line_buf);
		CU_ASSERT_TRUE(R.has_version);
		CU_ASSERT_FALSE(R.version_is_1);
		CU_ASSERT_EQUAL(R.format.state, DSB_ABSENT);
		CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	}
	dec("{\"rec\":\"capture\",\"seq\":1,\"started\":\"yesterday\",\"ansi_cp\":-5,\"host\":1}");
	CU_ASSERT_FALSE(R.has_version);
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_STARTED));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_ANSI_CP));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_HOST));
	CU_ASSERT_FALSE(R.required_missing);

	dec("{\"rec\":\"data\",\"seq\":9,\"hbc\":\"0x1f3a0\",\"name\":\"n\",\"member\":\"data/ntds.dit\","
	    "\"size\":20979712,\"sha256\":\"E8AF1A699B307852C826C5F4F65B117AC73AE218B1D4CBAC0220EAE54838EBA6\"}");
	CU_ASSERT_EQUAL(R.kind, DSB_REC_DATA);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_STRING_EQUAL(R.hbc.s, "0x1f3a0");
	CU_ASSERT_STRING_EQUAL(R.member.s, "data/ntds.dit");
	CU_ASSERT_EQUAL(R.size.v, 20979712);
	CU_ASSERT_STRING_EQUAL(R.sha256,
			       "e8af1a699b307852c826c5f4f65b117ac73ae218b1d4cbac0220eae54838eba6");
	dec("{\"rec\":\"data\",\"seq\":9,\"hbc\":1,\"member\":null,\"size\":-1,\"sha256\":\"e8\"}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_DATA_HBC));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_DATA_NAME));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_MEMBER));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_DATA_SIZE));
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_SHA256));
	CU_ASSERT_TRUE(R.missing[DSB_F_DATA_NAME / 64] >> (DSB_F_DATA_NAME % 64) & 1);
	CU_ASSERT_FALSE(R.missing[DSB_F_DATA_HBC / 64] >> (DSB_F_DATA_HBC % 64) & 1);
	CU_ASSERT_TRUE(R.required_missing);
	CU_ASSERT_STRING_EQUAL(dsb_field_name(DSB_F_DATA_HBC), "hbc");
	CU_ASSERT_STRING_EQUAL(dsb_field_name(DSB_F_HBC), "in.hbc");
	CU_ASSERT_STRING_EQUAL(dsb_field_name(DSB_F_SIZE), "out.size");
	CU_ASSERT_STRING_EQUAL(dsb_field_name(DSB_F_DATA_SIZE), "size");
	for (int f = 0; f < DSB_F_COUNT; f++)
		CU_ASSERT_STRING_NOT_EQUAL(dsb_field_name((enum dsb_field)f), "?");

	dec("{\"rec\":\"end\",\"seq\":7,\"finished\":\"2026-11-21T10:04:12.0000000Z\",\"records\":7}");
	CU_ASSERT_EQUAL(R.kind, DSB_REC_END);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_TRUE(R.finished.present);
	dec("{\"rec\":\"end\",\"seq\":7,\"records\":\"7\"}");
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_RECORDS));
	CU_ASSERT_FALSE(R.records.present);

	/* rec: unknown kinds keep a quotable name only when it is one */
	dec("{\"rec\":\"bookmark\",\"seq\":3,\"whatever\":[1,2]}");
	CU_ASSERT_EQUAL(R.kind, DSB_REC_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(R.rec_text, "bookmark");
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_EQUAL(R.seq.v, 3);
	dec("{\"rec\":\"Call\",\"seq\":3}");
	CU_ASSERT_EQUAL(R.kind, DSB_REC_UNKNOWN);
	dec("{\"rec\":\"two words\",\"seq\":3}");
	CU_ASSERT_EQUAL(R.kind, DSB_REC_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(R.rec_text, "");
	dec("{\"rec\":5,\"seq\":3}");
	CU_ASSERT_EQUAL(R.kind, DSB_REC_NONE);
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_REC));
	dec("{\"seq\":3}");
	CU_ASSERT_EQUAL(R.kind, DSB_REC_NONE);
	CU_ASSERT_TRUE(R.missing[DSB_F_REC / 64] >> (DSB_F_REC % 64) & 1);
}

static void test_fn_names(void)
{
	static const struct {
		const char *fn;
		enum dsb_fn want;
		enum dsb_charset cs;
	} cases[] = {
		{ "DsBackupPrepare", DSB_FN_BACKUP_PREPARE, DSB_CS_GENERIC },
		{ "DsBackupPrepareA", DSB_FN_BACKUP_PREPARE, DSB_CS_A },
		{ "DsBackupPrepareW", DSB_FN_BACKUP_PREPARE, DSB_CS_W },
		{ "DsIsNTDSOnlineW", DSB_FN_IS_NTDS_ONLINE, DSB_CS_W },
		{ "DsRestoreGetDatabaseLocationsA", DSB_FN_RESTORE_GET_DATABASE_LOCATIONS, DSB_CS_A },
		{ "DsSetCurrentBackupLogW", DSB_FN_SET_CURRENT_BACKUP_LOG, DSB_CS_W },
		{ "DsBackupRead", DSB_FN_BACKUP_READ, DSB_CS_GENERIC },
		{ "DsBackupReadW", DSB_FN_NONE, DSB_CS_GENERIC },      /* no A/W form */
		{ "DsBackupFreeA", DSB_FN_NONE, DSB_CS_GENERIC },
		{ "dsbackupprepare", DSB_FN_NONE, DSB_CS_GENERIC },
		{ "DsBackupPreparew", DSB_FN_NONE, DSB_CS_GENERIC },
		{ "DsBackupPrepareWW", DSB_FN_NONE, DSB_CS_GENERIC },
		{ "DsBackupOpen", DSB_FN_NONE, DSB_CS_GENERIC },
		{ "", DSB_FN_NONE, DSB_CS_GENERIC },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		call(cases[i].fn, "0", "{}", NULL);
		CU_ASSERT_EQUAL(R.fn, cases[i].want);
		CU_ASSERT_EQUAL(R.unknown_fn, cases[i].want == DSB_FN_NONE);
		CU_ASSERT_FALSE(dsb_record_has_fault(&R, DSB_F_FN));
		if (cases[i].want != DSB_FN_NONE) {
			CU_ASSERT_EQUAL(R.cs, cases[i].cs);
			CU_ASSERT_STRING_EQUAL(R.fn_text, cases[i].fn);
		} else {
			CU_ASSERT_STRING_EQUAL(R.fn_text, "");
			CU_ASSERT_STRING_EQUAL(R.fn_unknown, cases[i].fn);
		}
	}
	call("Ds Backup", "0", "{}", NULL);
	CU_ASSERT_TRUE(R.unknown_fn);
	CU_ASSERT_STRING_EQUAL(R.fn_unknown, "");
	CU_ASSERT_STRING_EQUAL(dsb_fn_name(DSB_FN_RESTORE_REGISTER_COMPLETE), "DsRestoreRegisterComplete");
	for (int f = 1; f < DSB_FN_COUNT; f++)
		CU_ASSERT_STRING_NOT_EQUAL(dsb_fn_name((enum dsb_fn)f), "?");
}

static void test_ptr_null(void)
{
	static const struct { const char *s; bool null; } cases[] = {
		{ "0", true }, { "000", true }, { "0x0", true }, { "0X00000000", true },
		{ "0x", false }, { "0x1", false }, { "", false }, { "1", false },
		{ "00x0", false }, { "0x0 ", false }, { "0xx0", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dsb_str p = { .state = DSB_PRESENT, .s = (char *)cases[i].s,
				     .len = strlen(cases[i].s) };
		CU_ASSERT_EQUAL(dsb_ptr_is_null(&p), cases[i].null);
	}
	struct dsb_str n = { .state = DSB_NULL };
	CU_ASSERT_TRUE(dsb_ptr_is_null(&n));
}

/* ---- parse errors -------------------------------------------------------- */

/* {"rec":"end","seq":1,"records":1,"x":[[[...]]]} with `arrays` levels of
 * arrays under the object: depth arrays + 1. */
static void nested(char *o, int arrays, const char *inner)
{
	size_t n = (size_t)snprintf(o, 4096, "{\"rec\":\"end\",\"seq\":1,\"records\":1,\"x\":");
	for (int i = 0; i < arrays; i++)
		o[n++] = '[';
	n += (size_t)snprintf(o + n, 4096 - n, "%s", inner);
	for (int i = 0; i < arrays; i++)
		o[n++] = ']';
	o[n++] = '}';
	o[n] = '\0';
}

static void test_parse_errors(void)
{
	char b[4096];
	/* depth: 64 levels parse, 65 do not; brackets in strings do not count */
	nested(b, 63, "");
	dec(b);
	CU_ASSERT_EQUAL(R.perr, DSB_PE_NONE);
	CU_ASSERT_EQUAL(R.kind, DSB_REC_END);
	nested(b, 64, "");
	dec(b);
	CU_ASSERT_EQUAL(R.perr, DSB_PE_DEPTH);
	CU_ASSERT_EQUAL(R.column, 38 + 63);   /* the bracket that opens level 65 */
	nested(b, 63, "\"[[[{{{\\\"[\"");
	dec(b);
	CU_ASSERT_EQUAL(R.perr, DSB_PE_NONE);
	nested(b, 63, "{}");
	dec(b);
	CU_ASSERT_EQUAL(R.perr, DSB_PE_DEPTH);

	static const struct {
		const char *line;
		size_t len;          /* 0: strlen */
		enum dsb_parse_error e;
		uint64_t col;        /* checked when != 0 */
	} cases[] = {
		{ "{\"rec\":\"end\",\"rec\":\"end\"}", 0, DSB_PE_DUP_KEY, 0 },
		{ "{\"in\":{\"a\":1,\"a\":2}}", 0, DSB_PE_DUP_KEY, 0 },
		{ "{\"rec\":\"\xff\"}", 0, DSB_PE_UTF8, 9 },
		{ "{\"r\xc3\xa9\":\"\xc0\xaf\"}", 0, DSB_PE_UTF8, 8 },      /* overlong */
		{ "{\"r\":\"\xed\xa0\x80\"}", 0, DSB_PE_UTF8, 7 },          /* surrogate */
		{ "{\"r\":\"\xf4\x90\x80\x80\"}", 0, DSB_PE_UTF8, 7 },      /* > U+10FFFF */
		{ "{\"r\":\"\xe2\x82\"}", 0, DSB_PE_UTF8, 7 },              /* cut short */
		{ "[1,2]", 0, DSB_PE_NOT_OBJECT, 1 },
		{ "  \"rec\"", 0, DSB_PE_NOT_OBJECT, 3 },
		{ "42", 0, DSB_PE_NOT_OBJECT, 1 },
		{ "null", 0, DSB_PE_NOT_OBJECT, 1 },
		{ "{\"rec\":\"end\"", 0, DSB_PE_JSON, 0 },
		{ "{\"rec\":\"end\"}}", 0, DSB_PE_JSON, 0 },
		{ "{'rec':'end'}", 0, DSB_PE_JSON, 0 },
		{ "{\"rec\":\"a\x01\"}", 0, DSB_PE_JSON, 0 },
		{ "{\"rec\":\"\\ud800\"}", 0, DSB_PE_JSON, 0 },
		{ "{\"rec\":\"a\0b\"}", 13, DSB_PE_JSON, 0 },              /* raw NUL byte */
		{ "{\"a\\u0000b\":1}", 0, DSB_PE_NUL, 0 },                  /* NUL in a key */
		{ "{\"rec\":01}", 0, DSB_PE_JSON, 0 },
		{ "{\"rec\":\"end\"} x", 0, DSB_PE_JSON, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = cases[i].len ? cases[i].len : strlen(cases[i].line);
		decn(cases[i].line, n);
		if (R.perr != cases[i].e)
			fprintf(stderr, "parse case %zu: perr %d col %llu\n", i, (int)R.perr,
				(unsigned long long)R.column);
		CU_ASSERT_EQUAL(R.perr, cases[i].e);
		CU_ASSERT_EQUAL(R.line, 7);
		CU_ASSERT_EQUAL(R.kind, DSB_REC_NONE);
		CU_ASSERT_FALSE(R.seq.present);
		if (cases[i].col)
			CU_ASSERT_EQUAL(R.column, cases[i].col);
		CU_ASSERT_STRING_NOT_EQUAL(dsb_parse_error_text(R.perr), "?");
	}
	/* jansson knows the column of its syntax errors */
	dec("{\"rec\":\"end\",,}");
	CU_ASSERT_EQUAL(R.perr, DSB_PE_JSON);
	CU_ASSERT_TRUE(R.column >= 13 && R.column <= 14);
	/* Valid UTF-8 of every length is fine. */
	dec("{\"rec\":\"end\",\"seq\":1,\"records\":1,\"x\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}");
	CU_ASSERT_EQUAL(R.perr, DSB_PE_NONE);
}

static void test_nul(void)
{
	/* data.member may hold NUL (C009 judges it); len tells the truth */
	dec("{\"rec\":\"data\",\"seq\":9,\"hbc\":\"h\",\"name\":\"n\",\"member\":\"data/a\\u0000b\","
	    "\"size\":1,\"sha256\":\"e8af1a699b307852c826c5f4f65b117ac73ae218b1d4cbac0220eae54838eba6\"}");
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_FALSE(R.has_nul);
	CU_ASSERT_EQUAL(R.member.len, 8);
	CU_ASSERT_EQUAL(memcmp(R.member.s, "data/a\0b", 8), 0);
	/* in any other string: the field is faulty, and has_nul says why */
	call("DsBackupOpenFileW", "0", "{\"hbc\":\"h\",\"name\":\"n\\u0000\",\"read_hint\":1}",
	     "{\"file_size\":1}");
	CU_ASSERT_TRUE(R.has_nul);
	CU_ASSERT_TRUE(dsb_record_has_fault(&R, DSB_F_NAME));
	CU_ASSERT_TRUE(R.required_missing);
	CU_ASSERT_EQUAL(R.name.state, DSB_ABSENT);
	/* in a field the format does not define: C002 all the same */
	call("DsBackupEnd", "0", "{\"hbc\":\"h\",\"note\":[\"\\u0000\"]}", NULL);
	CU_ASSERT_TRUE(R.has_nul);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_FALSE(R.required_missing);
	dec("{\"rec\":\"data\",\"seq\":9,\"hbc\":\"h\",\"name\":\"n\",\"member\":\"m\","
	    "\"size\":1,\"sha256\":\"e8af1a699b307852c826c5f4f65b117ac73ae218b1d4cbac0220eae54838eba6\","
	    "\"x\":\"\\u0000\"}");
	CU_ASSERT_TRUE(R.has_nul);
	/* ... but not in the ignored outputs of a failed call */
	call("DsBackupOpenFileW", "\"hrInvalidHandle\"",
	     "{\"hbc\":\"h\",\"name\":\"n\",\"read_hint\":1}", "{\"x\":\"\\u0000\"}");
	CU_ASSERT_FALSE(R.has_nul);
	/* an escaped backslash followed by u0000 is no NUL */
	call("DsBackupEnd", "0", "{\"hbc\":\"h\\\\u0000\"}", NULL);
	CU_ASSERT_FALSE(R.has_nul);
	CU_ASSERT_FALSE(dsb_record_any_fault(&R));
	CU_ASSERT_STRING_EQUAL(R.hbc.s, "h\\u0000");
}

static void test_password(void)
{
	/* at the top, nested in objects, and in objects inside arrays */
	static const char *const lines[] = {
		"{\"rec\":\"call\",\"seq\":2,\"password\":\"hunter2\",\"t\":\"2026-11-21T10:00:00Z\","
		"\"fn\":\"DsSetAuthIdentityW\",\"in\":{\"user\":\"u\"},\"hr\":0}",
		"{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:00Z\","
		"\"fn\":\"DsSetAuthIdentityW\",\"in\":{\"user\":\"u\",\"password\":{\"x\":[1]}},\"hr\":0}",
		"{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:00Z\","
		"\"fn\":\"DsSetAuthIdentityW\",\"in\":{\"user\":\"u\",\"a\":[[{\"b\":{\"password\":\"hunter2\"}}]]},\"hr\":0}",
		/* written with an escape: still the key "password" */
		"{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:00Z\","
		"\"fn\":\"DsSetAuthIdentityW\",\"in\":{\"user\":\"u\",\"pass\\u0077ord\":\"hunter2\"},\"hr\":0}",
		/* NUL inside the password is never looked at */
		"{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:00Z\","
		"\"fn\":\"DsSetAuthIdentityW\",\"in\":{\"user\":\"u\",\"password\":\"a\\u0000b\"},\"hr\":0}",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		dec(lines[i]);
		CU_ASSERT_EQUAL(R.perr, DSB_PE_NONE);
		CU_ASSERT_TRUE(R.has_password);
		CU_ASSERT_FALSE(R.has_nul);
		CU_ASSERT_FALSE(dsb_record_any_fault(&R));
		CU_ASSERT_EQUAL(R.fn, DSB_FN_SET_AUTH_IDENTITY);
	}
	/* the near miss: a value "password", a key "Password", "passwords" */
	dec("{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:00Z\","
	    "\"fn\":\"DsSetAuthIdentityW\",\"in\":{\"user\":\"password\",\"Password\":1,"
	    "\"passwords\":2},\"hr\":0}");
	CU_ASSERT_FALSE(R.has_password);
	/* a line that does not parse still owes its C011 */
	dec("{\"rec\":\"call\",\"password\":\"x\",\"password\":\"y\"}");
	CU_ASSERT_EQUAL(R.perr, DSB_PE_DUP_KEY);
	CU_ASSERT_TRUE(R.has_password);
	dec("{\"rec\":\"call\",\"in\":{\"password\" : \"x\"");
	CU_ASSERT_EQUAL(R.perr, DSB_PE_JSON);
	CU_ASSERT_TRUE(R.has_password);
	dec("{\"rec\":\"call\",\"in\":{\"x\":\"password\"");
	CU_ASSERT_EQUAL(R.perr, DSB_PE_JSON);
	CU_ASSERT_FALSE(R.has_password);
}

/* ---- the line splitter ------------------------------------------------------ */

#define MAXL 16

struct lines {
	size_t n;
	uint64_t lineno[MAXL];
	char text[MAXL][64];
	size_t len[MAXL];
	bool too_long[MAXL];
};

static void on_line(void *ctx, uint64_t lineno, const char *line, size_t len, bool too_long)
{
	struct lines *l = ctx;
	CU_ASSERT_FATAL(l->n < MAXL);
	l->lineno[l->n] = lineno;
	l->len[l->n] = len;
	l->too_long[l->n] = too_long;
	CU_ASSERT_EQUAL(too_long, line == NULL);
	if (line) {
		CU_ASSERT_EQUAL(line[len], '\0');
		memcpy(l->text[l->n], line, len < 63 ? len : 63);
	}
	l->n++;
}

/* Split `in` fed in chunks of `chunk` bytes (0: all at once). */
static void split(const char *in, size_t n, size_t chunk, struct lines *l)
{
	memset(l, 0, sizeof(*l));
	struct dsb_jsplit *s = dsb_jsplit_new(on_line, l);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	if (chunk == 0)
		chunk = n ? n : 1;
	for (size_t i = 0; i < n; i += chunk)
		CU_ASSERT_TRUE(dsb_jsplit_feed(s, in + i, n - i < chunk ? n - i : chunk));
	CU_ASSERT_TRUE(dsb_jsplit_finish(s));
	dsb_jsplit_free(s);
}

static void test_splitter(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out[6];
	} cases[] = {
		{ "a\nb\n", 4, { "a", "b" } },
		{ "a\nb", 3, { "a", "b" } },
		{ "a\r\nb\r\n", 6, { "a", "b" } },
		{ "a\r\r\nb\r", 6, { "a\r", "b" } },
		{ "a\rb\n", 4, { "a\rb" } },
		{ "\xEF\xBB\xBF{}\n\xEF\xBB\xBF{}\n", 12, { "{}", "\xEF\xBB\xBF{}" } },
		{ "\xEF\xBB\xBF", 3, { "" } },
		{ "\xEF\xBBx\n", 4, { "\xEF\xBBx" } },
		{ "\xEF\n", 2, { "\xEF" } },
		{ "\n", 1, { "" } },
		{ "\n\n", 2, { "", "" } },
		{ "\r", 1, { "" } },
		{ "", 0, { NULL } },
		{ "  \t\nx", 5, { "  \t", "x" } },
	};
	static const size_t chunks[] = { 0, 1, 2, 3, 5 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
			struct lines l;
			split(cases[i].in, cases[i].n, chunks[c], &l);
			size_t want = 0;
			while (want < 6 && cases[i].out[want])
				want++;
			if (l.n != want)
				fprintf(stderr, "split case %zu chunk %zu: %zu lines\n", i, chunks[c], l.n);
			CU_ASSERT_EQUAL_FATAL(l.n, want);
			for (size_t k = 0; k < want; k++) {
				CU_ASSERT_EQUAL(l.lineno[k], k + 1);
				CU_ASSERT_FALSE(l.too_long[k]);
				CU_ASSERT_EQUAL(l.len[k], strlen(cases[i].out[k]));
				CU_ASSERT_STRING_EQUAL(l.text[k], cases[i].out[k]);
			}
		}
	}
}

static void test_splitter_long_lines(void)
{
	/* A line of exactly the limit (plus \r\n) is delivered whole; one byte
	 * more is reported by length and dropped, in 1-byte and big chunks. */
	const size_t max = DSB_JOURNAL_LINE_MAX;
	size_t n = max + 64;
	char *big = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	for (int over = 0; over <= 1; over++) {
		size_t len = max + (size_t)over;
		memset(big, 'x', len);
		memcpy(big + len, "\r\nok\n", 5);
		static const size_t chunks[] = { 0, 1, 65536, 4096 + 7 };
		for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
			struct lines l;
			split(big, len + 5, chunks[c], &l);
			CU_ASSERT_EQUAL_FATAL(l.n, 2);
			CU_ASSERT_EQUAL(l.too_long[0], over == 1);
			CU_ASSERT_EQUAL(l.len[0], len);
			CU_ASSERT_FALSE(l.too_long[1]);
			CU_ASSERT_STRING_EQUAL(l.text[1], "ok");
			CU_ASSERT_EQUAL(l.lineno[1], 2);
		}
	}
	/* Far over the limit, as the last line without \n: still counted
	 * exactly, and the splitter never held more than the limit. */
	size_t huge = max * 2 + 3;
	char *h = malloc(huge);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	memset(h, 'y', huge);
	struct lines l;
	split(h, huge, 1 << 20, &l);
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	CU_ASSERT_TRUE(l.too_long[0]);
	CU_ASSERT_EQUAL(l.len[0], huge);
	memset(&l, 0, sizeof l);
	struct dsb_jsplit *s = dsb_jsplit_new(on_line, &l);
	CU_ASSERT_TRUE(dsb_jsplit_feed(s, h, huge));
	CU_ASSERT_TRUE(dsb_jsplit_held(s) <= max + 1);
	CU_ASSERT_TRUE(dsb_jsplit_feed(s, "\nz", 2));
	CU_ASSERT_TRUE(dsb_jsplit_finish(s));
	CU_ASSERT_EQUAL(l.n, 2);
	CU_ASSERT_STRING_EQUAL(l.text[1], "z");
	dsb_jsplit_free(s);
	free(h);
	free(big);
}

static const struct dsb_test result_tests[] = {
	{ "results: every form", test_results },
	{ "results: names", test_result_names },
	{ "results: hr and restore_state in records", test_hr_in_records },
	{ NULL, NULL },
};

static const struct dsb_test value_tests[] = {
	{ "timestamps", test_timestamps },
	{ "time_format", test_time_format },
	{ "jtime_every_day_follows_the_one_before", jtime_every_day_follows_the_one_before },
	{ "base64", test_base64 },
	{ "tokens", test_tokens },
	{ "pointers", test_ptr_null },
	{ "types", test_types },
	{ NULL, NULL },
};

static const struct dsb_test list_tests[] = {
	{ "list_raw W and every P021 fault", test_list_raw_w },
	{ "list_raw A and code pages", test_list_raw_a },
	{ "decoded list and expected size", test_list_decoded },
	{ "entry limit", test_list_limit },
	{ NULL, NULL },
};

static const struct dsb_test record_tests[] = {
	{ "required fields per function", test_required_fields },
	{ "EOF reads", test_eof_read },
	{ "capture, data and end records", test_capture_data_end },
	{ "function names", test_fn_names },
	{ "parse errors", test_parse_errors },
	{ "NUL in strings", test_nul },
	{ "password removal", test_password },
	{ NULL, NULL },
};

static const struct dsb_test split_tests[] = {
	{ "lines, CRLF, BOM, chunking", test_splitter },
	{ "over-long lines", test_splitter_long_lines },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "results", result_tests },
	{ "values", value_tests },
	{ "lists", list_tests },
	{ "records", record_tests },
	{ "splitter", split_tests },
};

DSB_TEST_MAIN(suites)
