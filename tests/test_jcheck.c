/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The journal checks (verify/capture/jcheck.c): C002, C003, C004, C009, C010, C011,
 * C012, C013.  Each rule has a journal that triggers it and a near-identical
 * one that does not; every journal is also fed in 1-byte and odd-sized
 * chunks, which must not change a single finding.  A real dsb_replay is
 * used, so replayed records go where they go in the product.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/journal.h"
#include "verify/findings.h"
#include "verify/capture/jcheck.h"
#include "verify/protocol/replay.h"
#include "tests/cunit_main.h"

#define JM "cap/journal.jsonl"

static struct dsb_findings *F;
static bool bad_format;
static uint64_t nrecords;

/* The journal-level rules this module raises. */
static const enum dsb_rule mine[] = {
	DSB_C002, DSB_C003, DSB_C004, DSB_C009, DSB_C010, DSB_C011, DSB_C012, DSB_C013,
};

static void run_chunked(const char *j, size_t n, size_t chunk, bool read_failed)
{
	dsb_findings_free(F);
	F = dsb_findings_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(F);
	struct dsb_replay *rp = dsb_replay_new(F, 0, JM);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rp);
	struct dsb_jcheck *jc = dsb_jcheck_new(F, 0, JM, rp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(jc);
	if (chunk == 0)
		chunk = n ? n : 1;
	for (size_t i = 0; i < n; i += chunk)
		CU_ASSERT_TRUE(dsb_jcheck_feed(jc, j + i, n - i < chunk ? n - i : chunk));
	dsb_jcheck_finish(jc, read_failed);
	dsb_jcheck_finish(jc, read_failed);   /* idempotent */
	bad_format = dsb_jcheck_bad_format(jc);
	nrecords = dsb_jcheck_records(jc);
	dsb_jcheck_free(jc);
	dsb_replay_free(rp);
}

/* One signature of the findings of my rules, to compare chunkings. */
static void signature(char *out, size_t cap)
{
	size_t n, o = 0;
	const struct dsb_finding *v = dsb_findings_sorted(F, &n);
	out[0] = '\0';
	for (size_t i = 0; i < n && o < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%d@%llu:%s|", (int)v[i].rule,
				      (unsigned long long)v[i].line, v[i].message);
}

/* Run whole, then in 1-byte and 7-byte chunks: same findings each time. */
static void run(const char *j)
{
	static char a[16384], b[16384];
	size_t n = strlen(j);
	run_chunked(j, n, 1, false);
	signature(a, sizeof a);
	run_chunked(j, n, 7, false);
	signature(b, sizeof b);
	CU_ASSERT_STRING_EQUAL(a, b);
	run_chunked(j, n, 0, false);
	signature(b, sizeof b);
	CU_ASSERT_STRING_EQUAL(a, b);
}

static uint64_t count(enum dsb_rule r)
{
	return dsb_findings_count_rule(F, 0, r);
}

static uint64_t mine_total(void)
{
	uint64_t t = 0;
	for (size_t i = 0; i < sizeof mine / sizeof mine[0]; i++)
		t += count(mine[i]);
	return t;
}

/* The k-th listed finding of rule r in report order, or NULL. */
static const struct dsb_finding *nth(enum dsb_rule r, size_t k)
{
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(F, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].rule == r && k-- == 0)
			return &v[i];
	return NULL;
}

static uint64_t nth_line(enum dsb_rule r, size_t k)
{
	const struct dsb_finding *x = nth(r, k);
	CU_ASSERT_PTR_NOT_NULL(x);
	return x ? x->line : (uint64_t)-1;
}

static uint64_t line_of(enum dsb_rule r)
{
	const struct dsb_finding *x = nth(r, 0);
	CU_ASSERT_PTR_NOT_NULL(x);
	return x ? x->line : (uint64_t)-1;
}

static bool msg_has(enum dsb_rule r, const char *s)
{
	const struct dsb_finding *x = nth(r, 0);
	return x && strstr(x->message, s) != NULL;
}

#define CAP "{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\",\"version\":1," \
	    "\"host\":\"DC01\",\"started\":\"2026-11-21T10:00:00Z\"}\n"
/* A call that the replay accepts whatever came before. */
#define ONLINE(seq, ss) "{\"rec\":\"call\",\"seq\":" #seq ",\"t\":\"2026-11-21T10:00:" ss "Z\"," \
	"\"fn\":\"DsIsNTDSOnlineW\",\"in\":{\"server\":\"DC01\"},\"out\":{\"online\":true},\"hr\":0}\n"
#define END(seq, n) "{\"rec\":\"end\",\"seq\":" #seq ",\"records\":" #n "}\n"

static void test_clean(void)
{
	run(CAP ONLINE(2, "01") ONLINE(3, "02") END(4, 4));
	CU_ASSERT_EQUAL(mine_total(), 0);
	CU_ASSERT_FALSE(bad_format);
	CU_ASSERT_EQUAL(nrecords, 4);
	/* CRLF, a BOM, blank lines, no final newline: still clean */
	run("\xEF\xBB\xBF" "{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\",\"version\":1}\r\n"
	    "\r\n  \t\n" ONLINE(2, "01") "{\"rec\":\"end\",\"seq\":3,\"records\":3}");
	CU_ASSERT_EQUAL(mine_total(), 0);
	CU_ASSERT_EQUAL(nrecords, 3);
}

/* ---- C002 ----------------------------------------------------------------- */

static void test_c002(void)
{
	/* a line that does not parse: C002 at its line, no C003 (it takes the
	 * expected seq), and it counts as a record */
	run(CAP "{\"rec\":\"call\",\"seq\":2,\n" ONLINE(3, "02") END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C002), 2);
	CU_ASSERT_TRUE(msg_has(DSB_C002, "line 2"));
	CU_ASSERT_TRUE(msg_has(DSB_C002, "not valid JSON"));
	CU_ASSERT_EQUAL(count(DSB_C003), 0);
	CU_ASSERT_EQUAL(count(DSB_C004), 0);
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsIsNTDSOnlineW\","
	    "\"in\":{\"server\":\"DC01\"},\"out\":{\"online\":true},\"hr\":0}\n" ONLINE(3, "02") END(4, 4));
	CU_ASSERT_EQUAL(mine_total(), 0);

	/* a column when known; never the input */
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"\xff\"}\n" END(3, 3));
	CU_ASSERT_TRUE(msg_has(DSB_C002, "line 2, column 28: not valid UTF-8"));

	/* faulty fields: one C002 naming each, never a value */
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsBackupOpenFileW\","
	    "\"in\":{\"name\":\"SECRETNAME\",\"read_hint\":\"SECRETHINT\"},\"hr\":\"SECRET HR\"}\n"
	    END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C002), 2);
	CU_ASSERT_TRUE(msg_has(DSB_C002, "missing field in.hbc"));
	CU_ASSERT_TRUE(msg_has(DSB_C002, "invalid fields hr, in.read_hint"));
	CU_ASSERT_FALSE(msg_has(DSB_C002, "SECRET"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(nth(DSB_C002, 0));
	CU_ASSERT_EQUAL(nth(DSB_C002, 0)->seq, 2);
	CU_ASSERT_STRING_EQUAL(nth(DSB_C002, 0)->fn, "DsBackupOpenFileW");
	CU_ASSERT_STRING_EQUAL(nth(DSB_C002, 0)->member, JM);

	/* a second capture record */
	run(CAP ONLINE(2, "01") "{\"rec\":\"capture\",\"seq\":3,\"format\":\"dsbackup-capture\",\"version\":1}\n"
	    END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C002), 3);
	CU_ASSERT_TRUE(msg_has(DSB_C002, "second capture record"));
	CU_ASSERT_EQUAL(count(DSB_C010), 0);

	/* NUL in a string other than data.member */
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsIsNTDSOnlineW\","
	    "\"in\":{\"server\":\"DC\\u000001\"},\"out\":{\"online\":true},\"hr\":0}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	CU_ASSERT_TRUE(msg_has(DSB_C002, "invalid field in.server"));
	CU_ASSERT_TRUE(msg_has(DSB_C002, "NUL"));

	/* depth 64 is fine, 65 is not */
	char j[2048];
	for (int extra = 0; extra <= 1; extra++) {
		size_t n = (size_t)snprintf(j, sizeof j, "%s{\"rec\":\"call\",\"seq\":2,\"x\":", CAP);
		for (int i = 0; i < 63 + extra; i++)
			j[n++] = '[';
		for (int i = 0; i < 63 + extra; i++)
			j[n++] = ']';
		snprintf(j + n, sizeof j - n, ",\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsIsNTDSOnlineW\","
			 "\"in\":{},\"out\":{\"online\":true},\"hr\":0}\n%s", END(3, 3));
		run(j);
		CU_ASSERT_EQUAL(count(DSB_C002), (uint64_t)extra);
		if (extra)
			CU_ASSERT_TRUE(msg_has(DSB_C002, "nesting deeper than 64 levels"));
	}

	/* duplicate keys */
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"seq\":2}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	CU_ASSERT_TRUE(msg_has(DSB_C002, "duplicate key"));
}

static void test_c002_too_long(void)
{
	/* Streamed in big chunks: reported by length, never held, and the
	 * lines around it are read as usual. */
	size_t big = DSB_JOURNAL_LINE_MAX + 10;
	size_t cap = strlen(CAP), tail = strlen(END(3, 3));
	char *j = malloc(cap + big + 1 + tail);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	memcpy(j, CAP, cap);
	memset(j + cap, ' ', big);
	j[cap] = '{';
	j[cap + big] = '\n';
	memcpy(j + cap + big + 1, END(3, 3), tail);
	run_chunked(j, cap + big + 1 + tail, 65536, false);
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C002), 2);
	CU_ASSERT_TRUE(msg_has(DSB_C002, "longer than"));
	CU_ASSERT_EQUAL(count(DSB_C003), 0);
	CU_ASSERT_EQUAL(count(DSB_C004), 0);   /* it counts as a record */
	CU_ASSERT_EQUAL(nrecords, 3);
	free(j);
}

/* ---- C003 ----------------------------------------------------------------- */

static void test_c003(void)
{
	run(CAP ONLINE(5, "01") ONLINE(6, "02") END(7, 4));
	CU_ASSERT_EQUAL(count(DSB_C003), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C003), 2);
	CU_ASSERT_TRUE(msg_has(DSB_C003, "seq 5 where 2 was expected"));
	CU_ASSERT_EQUAL(count(DSB_C004), 0);
	run(CAP ONLINE(2, "01") ONLINE(3, "02") END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C003), 0);
	/* a repeated seq: the expectation continues from it, so the next
	 * record is on track again */
	run(CAP ONLINE(2, "01") ONLINE(2, "02") ONLINE(3, "03") END(4, 5));
	CU_ASSERT_EQUAL(count(DSB_C003), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C003), 3);
	CU_ASSERT_TRUE(msg_has(DSB_C003, "seq 2 where 3 was expected"));
	/* a gap, then two in a row */
	run(CAP ONLINE(2, "01") ONLINE(4, "02") ONLINE(4, "03") END(5, 5));
	CU_ASSERT_EQUAL(count(DSB_C003), 2);
	CU_ASSERT_EQUAL(nth_line(DSB_C003, 0), 3);
	CU_ASSERT_EQUAL(nth_line(DSB_C003, 1), 4);
	/* a record without a valid seq takes the expected number */
	run(CAP "{\"rec\":\"call\",\"seq\":\"2\",\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsIsNTDSOnlineW\","
	    "\"in\":{},\"out\":{\"online\":true},\"hr\":0}\n" ONLINE(3, "02") END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C003), 0);
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	CU_ASSERT_TRUE(msg_has(DSB_C002, "invalid field seq"));
	/* the first record's seq is judged too */
	run("{\"rec\":\"capture\",\"seq\":0,\"format\":\"dsbackup-capture\",\"version\":1}\n"
	    ONLINE(2, "01") END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C003), 0);
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	run("{\"rec\":\"capture\",\"seq\":3,\"format\":\"dsbackup-capture\",\"version\":1}\n"
	    ONLINE(4, "01") END(5, 3));
	CU_ASSERT_EQUAL(count(DSB_C003), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C003), 1);
}

/* ---- C004 ----------------------------------------------------------------- */

static void test_c004_no_end(void)
{
	run(CAP ONLINE(2, "01") ONLINE(3, "02"));
	CU_ASSERT_EQUAL(count(DSB_C004), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C004), 3);
	CU_ASSERT_TRUE(msg_has(DSB_C004, "without an end record"));
	run(CAP ONLINE(2, "01") ONLINE(3, "02") END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C004), 0);
	/* the last line read, blank or not */
	run(CAP ONLINE(2, "01") "\n\n");
	CU_ASSERT_EQUAL(line_of(DSB_C004), 4);
	/* cut by a read error: no C004, and a partial last line is not judged */
	run_chunked(CAP ONLINE(2, "01") "{\"rec\":\"ca", strlen(CAP ONLINE(2, "01") "{\"rec\":\"ca"),
		    0, true);
	CU_ASSERT_EQUAL(count(DSB_C004), 0);
	CU_ASSERT_EQUAL(count(DSB_C002), 0);
	CU_ASSERT_EQUAL(nrecords, 2);
}

static void test_c004_after_end(void)
{
	run(CAP ONLINE(2, "01") END(3, 3) ONLINE(4, "02") ONLINE(5, "03"));
	CU_ASSERT_EQUAL(count(DSB_C004), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C004), 4);
	CU_ASSERT_TRUE(msg_has(DSB_C004, "after the end record"));
	run(CAP ONLINE(2, "01") END(3, 3) "\n  \n");
	CU_ASSERT_EQUAL(count(DSB_C004), 0);
	/* records after the end still count for C002, C003, C011 and C013,
	 * and for nothing else (no C012) */
	run(CAP ONLINE(2, "05") END(3, 3) "{\"rec\":\"call\",\"seq\":9,\"password\":\"x\","
	    "\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsNope\",\"in\":{},\"hr\":\"hrWhat\"}\n" "{x\n");
	CU_ASSERT_EQUAL(count(DSB_C004), 1);
	CU_ASSERT_EQUAL(count(DSB_C003), 1);
	CU_ASSERT_EQUAL(count(DSB_C011), 1);
	CU_ASSERT_EQUAL(count(DSB_C013), 1);
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C002), 5);
	CU_ASSERT_EQUAL(count(DSB_C012), 0);
}

static void test_c004_count(void)
{
	run(CAP ONLINE(2, "01") END(3, 4));
	CU_ASSERT_EQUAL(count(DSB_C004), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C004), 3);
	CU_ASSERT_TRUE(msg_has(DSB_C004, "counts 4 records, but the journal holds 3"));
	run(CAP ONLINE(2, "01") END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C004), 0);
	/* blank lines do not count; lines that do not parse do */
	run(CAP "\n \n" ONLINE(2, "01") "not json\n" END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C004), 0);
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	CU_ASSERT_EQUAL(count(DSB_C003), 0);
	/* an end record with a faulty required field still ends the journal;
	 * its count goes unchecked */
	run(CAP ONLINE(2, "01") "{\"rec\":\"end\",\"seq\":3,\"records\":\"three\"}\n");
	CU_ASSERT_EQUAL(count(DSB_C004), 0);
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
	run(CAP ONLINE(2, "01") "{\"rec\":\"end\",\"records\":99}\n");
	CU_ASSERT_EQUAL(count(DSB_C004), 0);
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
}

/* ---- C010 ----------------------------------------------------------------- */

static void test_c010(void)
{
	static const struct {
		const char *journal;
		uint64_t line;        /* anchor; 0 = none */
		const char *why;
	} bad[] = {
		{ ONLINE(1, "01") END(2, 2), 1, "is a call record" },
		{ "{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\",\"version\":\"1\"}\n" END(2, 2),
		  1, "version is not the integer 1" },
		{ "{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\",\"version\":2}\n" END(2, 2),
		  1, "version is not the integer 1" },
		{ "{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\",\"version\":1.0}\n" END(2, 2),
		  1, "version is not the integer 1" },
		{ "{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\"}\n" END(2, 2),
		  1, "version is missing" },
		{ "{\"rec\":\"capture\",\"seq\":1,\"format\":\"DSBACKUP-CAPTURE\",\"version\":1}\n" END(2, 2),
		  1, "format is not" },
		{ "{\"rec\":\"capture\",\"seq\":1,\"version\":1}\n" END(2, 2), 1, "format is missing" },
		{ "{\"rec\":\"capture\",\"seq\":1,\"format\":[],\"version\":1}\n" END(2, 2), 1, "format is missing" },
		{ "\n\n{\"rec\":\"capture\"\n" END(2, 2), 3, "cannot be read" },
		{ "{\"rec\":\"journal\",\"seq\":1}\n", 1, "\"journal\" record" },
		{ "", 0, "holds no record" },
		{ "\n \n\t\n", 0, "holds no record" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		run(bad[i].journal);
		CU_ASSERT_EQUAL(count(DSB_C010), 1);
		CU_ASSERT_TRUE(bad_format);
		const struct dsb_finding *x = nth(DSB_C010, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(x);
		CU_ASSERT_EQUAL(x->line, bad[i].line);
		if (!strstr(x->message, bad[i].why))
			fprintf(stderr, "C010 case %zu: %s\n", i, x->message);
		CU_ASSERT_PTR_NOT_NULL(strstr(x->message, bad[i].why));
		/* nothing past the first record: no C004 for the missing end */
		CU_ASSERT_EQUAL(count(DSB_C004), 0);
	}
	/* the journal is not read past that record: a broken line 2 and a
	 * wrong seq on line 3 raise nothing */
	run(ONLINE(1, "01") "garbage\n" ONLINE(9, "02"));
	CU_ASSERT_EQUAL(count(DSB_C010), 1);
	CU_ASSERT_EQUAL(count(DSB_C002), 0);
	CU_ASSERT_EQUAL(count(DSB_C003), 0);
	CU_ASSERT_EQUAL(nrecords, 1);
	/* findings on that record itself are still made */
	run("{\"rec\":\"capture\",\"seq\":4,\"password\":\"p\",\"format\":\"x\",\"version\":1}\n");
	CU_ASSERT_EQUAL(count(DSB_C010), 1);
	CU_ASSERT_EQUAL(count(DSB_C011), 1);
	CU_ASSERT_EQUAL(count(DSB_C003), 1);
	run("{x\n");
	CU_ASSERT_EQUAL(count(DSB_C010), 1);
	CU_ASSERT_EQUAL(count(DSB_C002), 1);

	/* the near miss: a good capture record after blank lines */
	run("\n\n" CAP ONLINE(2, "01") END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C010), 0);
	CU_ASSERT_FALSE(bad_format);
	CU_ASSERT_EQUAL(mine_total(), 0);
	/* unknown optional fields on the capture record are fine */
	run("{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\",\"version\":1,\"x\":{}}\n"
	    END(2, 2));
	CU_ASSERT_EQUAL(mine_total(), 0);
	/* a read error before any record: nothing concluded */
	run_chunked("", 0, 0, true);
	CU_ASSERT_EQUAL(count(DSB_C010), 0);
	CU_ASSERT_FALSE(bad_format);
}

/* ---- C011 ----------------------------------------------------------------- */

static void test_c011(void)
{
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsSetAuthIdentityW\","
	    "\"in\":{\"user\":\"u\",\"password\":\"Hunter2Secret\"},\"hr\":0}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C011), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C011), 2);
	CU_ASSERT_FALSE(msg_has(DSB_C011, "Hunter2"));
	CU_ASSERT_EQUAL(count(DSB_C002), 0);   /* removed, then the record is fine */
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsSetAuthIdentityW\","
	    "\"in\":{\"user\":\"u\",\"passwd\":\"Hunter2Secret\"},\"hr\":0}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C011), 0);
	/* deep inside arrays, and in a line that does not parse */
	run(CAP "{\"rec\":\"data\",\"seq\":2,\"x\":[{\"y\":[{\"password\":1}]}]}\n"
	    "{\"password\":\"a\",\"password\":\"b\"}\n" END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C011), 2);
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(F, &n);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_PTR_NULL(strstr(v[i].message, "\"b\""));
}

/* ---- C012 ----------------------------------------------------------------- */

static void test_c012(void)
{
	/* an unknown record kind: skipped, no C002 */
	run(CAP "{\"rec\":\"note\",\"seq\":2,\"text\":\"hello\"}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C012), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C012), 2);
	CU_ASSERT_TRUE(msg_has(DSB_C012, "unknown record kind \"note\""));
	CU_ASSERT_EQUAL(count(DSB_C002), 0);
	run(CAP "{\"rec\":\"two words\",\"seq\":2}\n" END(3, 3));
	CU_ASSERT_TRUE(msg_has(DSB_C012, "unknown record kind;"));
	run(CAP "{\"rec\":\"data\",\"seq\":2,\"hbc\":\"h\",\"name\":\"n\",\"member\":\"m\",\"size\":0,"
	    "\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C012), 0);
	CU_ASSERT_EQUAL(count(DSB_C002), 0);

	/* an unknown function */
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsBackupOpenFileX\","
	    "\"in\":{\"hbc\":\"0x1\"},\"hr\":0}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C012), 1);
	CU_ASSERT_TRUE(msg_has(DSB_C012, "unknown function \"DsBackupOpenFileX\""));
	CU_ASSERT_PTR_NOT_NULL_FATAL(nth(DSB_C012, 0));
	CU_ASSERT_STRING_EQUAL(nth(DSB_C012, 0)->hbc, "0x1");
	CU_ASSERT_EQUAL(count(DSB_C002), 0);
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsSetAuthIdentityW\","
	    "\"in\":{\"user\":\"u\"},\"hr\":0}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C012), 0);

	/* an unknown result name, in hr and in restore_state */
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsSetAuthIdentityW\","
	    "\"in\":{\"user\":\"u\"},\"hr\":\"hrTotallyNew\"}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C012), 1);
	CU_ASSERT_TRUE(msg_has(DSB_C012, "unknown result name \"hrTotallyNew\" in hr"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(nth(DSB_C012, 0));
	CU_ASSERT_STRING_EQUAL(nth(DSB_C012, 0)->fn, "DsSetAuthIdentityW");
	CU_ASSERT_EQUAL(count(DSB_C002), 0);
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsSetAuthIdentityW\","
	    "\"in\":{\"user\":\"u\"},\"hr\":\"hrInvalidParam\"}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C012), 0);
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsRestoreRegisterComplete\","
	    "\"in\":{\"hbc\":\"0x9\",\"restore_state\":\"ERROR_WHATEVER\"},\"hr\":\"hrNoBackup\"}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C012), 1);
	CU_ASSERT_TRUE(msg_has(DSB_C012, "in in.restore_state"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(nth(DSB_C012, 0));
	CU_ASSERT_STRING_EQUAL(nth(DSB_C012, 0)->hbc, "0x9");
	/* both on one record: one finding naming both */
	run(CAP "{\"rec\":\"call\",\"seq\":2,\"t\":\"2026-11-21T10:00:01Z\",\"fn\":\"DsNew\","
	    "\"in\":{},\"hr\":\"hrNew\"}\n" END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C012), 1);
	CU_ASSERT_TRUE(msg_has(DSB_C012, "\"DsNew\""));
	CU_ASSERT_TRUE(msg_has(DSB_C012, "\"hrNew\""));
}

/* ---- C013 ----------------------------------------------------------------- */

#define CALLT(seq, t, tend) "{\"rec\":\"call\",\"seq\":" #seq ",\"t\":\"2026-11-21T" t "Z\"," \
	tend "\"fn\":\"DsIsNTDSOnlineW\",\"in\":{},\"out\":{\"online\":true},\"hr\":0}\n"
#define TEND(t) "\"t_end\":\"2026-11-21T" t "Z\","

static void test_c013(void)
{
	/* 1. t_end before t */
	run(CAP CALLT(2, "10:00:05", TEND("10:00:04.9999999")) END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C013), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C013), 2);
	CU_ASSERT_TRUE(msg_has(DSB_C013, "t_end 2026-11-21T10:00:04.9999999Z is before t 2026-11-21T10:00:05Z"));
	run(CAP CALLT(2, "10:00:05", TEND("10:00:05")) END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C013), 0);

	/* 2. t before the capture's started */
	run(CAP CALLT(2, "09:59:59.9", "") END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C013), 1);
	CU_ASSERT_TRUE(msg_has(DSB_C013, "before the capture started"));
	run(CAP CALLT(2, "10:00:00", "") END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C013), 0);
	run("{\"rec\":\"capture\",\"seq\":1,\"format\":\"dsbackup-capture\",\"version\":1}\n"
	    CALLT(2, "09:59:59.9", "") END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C013), 0);   /* no started: nothing to compare */

	/* 3. completion before the previous call's completion (t_end, else t) */
	run(CAP CALLT(2, "10:00:01", TEND("10:00:03")) CALLT(3, "10:00:02", "") END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C013), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C013), 3);
	CU_ASSERT_TRUE(msg_has(DSB_C013, "before the previous call"));
	run(CAP CALLT(2, "10:00:01", TEND("10:00:03")) CALLT(3, "10:00:02", TEND("10:00:03")) END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C013), 0);   /* overlapping calls are fine */

	/* 4. end's finished before the last call's completion */
	run(CAP CALLT(2, "10:00:01", TEND("10:00:03"))
	    "{\"rec\":\"end\",\"seq\":3,\"records\":3,\"finished\":\"2026-11-21T10:00:02Z\"}\n");
	CU_ASSERT_EQUAL(count(DSB_C013), 1);
	CU_ASSERT_EQUAL(line_of(DSB_C013), 3);
	CU_ASSERT_TRUE(msg_has(DSB_C013, "finished 2026-11-21T10:00:02Z is before the last call completed"));
	run(CAP CALLT(2, "10:00:01", TEND("10:00:03"))
	    "{\"rec\":\"end\",\"seq\":3,\"records\":3,\"finished\":\"2026-11-21T10:00:03Z\"}\n");
	CU_ASSERT_EQUAL(count(DSB_C013), 0);

	/* several reasons on one record: one finding */
	run(CAP CALLT(2, "10:00:05", "") CALLT(3, "09:00:00", TEND("08:00:00")) END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C013), 1);
	CU_ASSERT_TRUE(msg_has(DSB_C013, "t_end"));
	CU_ASSERT_TRUE(msg_has(DSB_C013, "capture started"));
	CU_ASSERT_TRUE(msg_has(DSB_C013, "previous call"));
	/* a record with a faulty required field still counts as far as it can */
	run(CAP CALLT(2, "10:00:05", "") "{\"rec\":\"call\",\"seq\":3,\"t\":\"2026-11-21T10:00:01Z\"}\n"
	    END(4, 4));
	CU_ASSERT_EQUAL(count(DSB_C013), 1);
	CU_ASSERT_EQUAL(count(DSB_C002), 1);
}

/* ---- C009 ----------------------------------------------------------------- */

#define DATA(seq, member) "{\"rec\":\"data\",\"seq\":" #seq ",\"hbc\":\"0x1\",\"name\":\"n\"," \
	"\"member\":\"" member "\",\"size\":0," \
	"\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}\n"

static void test_c009(void)
{
	static const char *const unsafe[] = {
		DATA(2, "../etc/passwd"), DATA(2, "/abs"), DATA(2, "data\\\\x"), DATA(2, "C:x"),
		DATA(2, "data//x"), DATA(2, "data/./x"), DATA(2, ""), DATA(2, "data/a\\u0000b"),
		DATA(2, "data/\\u0007"),
	};
	char j[1024];
	for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++) {
		snprintf(j, sizeof j, "%s%s%s", CAP, unsafe[i], END(3, 3));
		run(j);
		CU_ASSERT_EQUAL(count(DSB_C009), 1);
		CU_ASSERT_EQUAL(line_of(DSB_C009), 2);
		CU_ASSERT_EQUAL(count(DSB_C002), 0);   /* NUL in member: C009, not C002 */
		CU_ASSERT_PTR_NOT_NULL_FATAL(nth(DSB_C009, 0));
		CU_ASSERT_STRING_EQUAL(nth(DSB_C009, 0)->hbc, "0x1");
	}
	CU_ASSERT_TRUE(msg_has(DSB_C009, "\"data/\\x07\""));
	run(CAP DATA(2, "data/ntds.dit") END(3, 3));
	CU_ASSERT_EQUAL(count(DSB_C009), 0);
	CU_ASSERT_EQUAL(count(DSB_C002), 0);
}

/* The unsafe path in C009's message is escaped with lib's one set
 * (lib/hex.h): quote, backslash, controls and non-ASCII as \xHH, cut
 * after 200 bytes with "..."; the same bytes in a safe path raise nothing. */
static void test_c009_message_escapes_with_lib_set(void)
{
	char j[2048];
	/* JSON: ../q, a quote, a backslash, U+00E9, DEL, ~ */
	snprintf(j, sizeof j, "%s%s%s", CAP, DATA(2, "../q\\\"\\\\\\u00e9\\u007f~"), END(3, 3));
	run(j);
	CU_ASSERT_EQUAL(count(DSB_C009), 1);
	CU_ASSERT_TRUE(msg_has(DSB_C009, "\"../q\\x22\\x5c\\xc3\\xa9\\x7f~\""));
	/* The twin: the same bytes but the backslash, in a safe path. */
	snprintf(j, sizeof j, "%s%s%s", CAP, DATA(2, "data/q\\\"\\u00e9\\u007f~"), END(3, 3));
	run(j);
	CU_ASSERT_EQUAL(count(DSB_C009), 0);
	CU_ASSERT_EQUAL(count(DSB_C002), 0);

	/* 300 bytes: the first 200 shown, then "...". */
	char member[301];
	memset(member, 'a', 300);
	memcpy(member, "../", 3);
	member[300] = '\0';
	char data[1024];
	snprintf(data, sizeof data, "{\"rec\":\"data\",\"seq\":2,\"hbc\":\"0x1\",\"name\":\"n\","
		 "\"member\":\"%s\",\"size\":0,\"sha256\":"
		 "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}\n", member);
	snprintf(j, sizeof j, "%s%s%s", CAP, data, END(3, 3));
	run(j);
	CU_ASSERT_EQUAL(count(DSB_C009), 1);
	char want[260];
	snprintf(want, sizeof want, "\"%.200s...\"", member);
	CU_ASSERT_TRUE(msg_has(DSB_C009, want));
}

/* ---- streaming ------------------------------------------------------------- */

static void test_long_journal(void)
{
	/* 200,000 records with a finding on each: memory stays flat (findings
	 * are capped per rule) and every finding is counted. */
	const size_t n = 200000;
	dsb_findings_free(F);
	F = dsb_findings_new();
	struct dsb_replay *rp = dsb_replay_new(F, 0, JM);
	struct dsb_jcheck *jc = dsb_jcheck_new(F, 0, JM, rp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(jc);
	CU_ASSERT_TRUE(dsb_jcheck_feed(jc, CAP, strlen(CAP)));
	char line[512];
	for (size_t i = 0; i < n; i++) {
		/* seq jumps by 2: one C003 per record */
		int len = snprintf(line, sizeof line,
				   "{\"rec\":\"call\",\"seq\":%zu,\"t\":\"2026-11-21T10:00:01Z\","
				   "\"fn\":\"DsIsNTDSOnlineW\",\"in\":{},\"out\":{\"online\":true},\"hr\":0}\n",
				   2 * i + 3);
		CU_ASSERT_TRUE(dsb_jcheck_feed(jc, line, (size_t)len));
	}
	dsb_jcheck_finish(jc, false);
	CU_ASSERT_EQUAL(dsb_jcheck_records(jc), n + 1);
	dsb_jcheck_free(jc);
	dsb_replay_free(rp);
	CU_ASSERT_EQUAL(count(DSB_C003), n);
	CU_ASSERT_EQUAL(count(DSB_C004), 1);
	size_t listed;
	dsb_findings_sorted(F, &listed);
	CU_ASSERT_TRUE(listed <= 2 * DSB_LIST_CAP);
	CU_ASSERT_EQUAL(dsb_findings_suppressed(F, DSB_C003), n - DSB_LIST_CAP);
}

__attribute__((destructor)) static void cleanup(void)
{
	dsb_findings_free(F);
}

static const struct dsb_test tests[] = {
	{ "clean journals", test_clean },
	{ "C002", test_c002 },
	{ "C002 over-long line", test_c002_too_long },
	{ "C003", test_c003 },
	{ "C004 no end record", test_c004_no_end },
	{ "C004 records after the end", test_c004_after_end },
	{ "C004 wrong count", test_c004_count },
	{ "C009 unsafe member", test_c009 },
	{ "C009 message escapes with lib's set", test_c009_message_escapes_with_lib_set },
	{ "C010", test_c010 },
	{ "C011", test_c011 },
	{ "C012", test_c012 },
	{ "C013", test_c013 },
	{ "a long journal streams", test_long_journal },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "jcheck", tests },
};

DSB_TEST_MAIN(suites)
