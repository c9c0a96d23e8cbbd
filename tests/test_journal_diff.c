/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lean journal parser (format/jdom.c) against jansson, the reference:
 * every line decoded both ways (dsb_record_decode_using with
 * DSB_JPARSER_LEAN and DSB_JPARSER_JANSSON) must give the same record,
 * field by field (tests/record_cmp.h).  The journal checks see nothing of
 * a line but its record, so equal records mean byte-identical findings.
 *
 *   - every line of every scenario's journal (fixtures/lib/scenarios.c),
 *     as dsb_jsplit cuts it;
 *   - those lines mutated many ways (bytes flipped, dropped, doubled,
 *     JSON punctuation and escapes put in, cut short);
 *   - a table of the edge cases of JSON that the two parsers must agree
 *     on (numbers at int64_t's ends, reals near overflow, surrogates,
 *     \u0000 in keys and values, duplicate keys at depth, nesting 64/65,
 *     a "password" key spelled with escapes, an object of many keys).
 *
 * The lean parser must also really be the one used: most scenario lines
 * are asserted to take it, and lines it must leave to jansson are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/lib/jbuild.h"
#include "fixtures/lib/scenarios.h"
#include "format/jdom.h"
#include "format/journal.h"
/* The decoders this target holds against each other are internal. */
#define DSB_JOURNAL_INTERNAL
#include "format/journal_int.h"
#include "tests/cunit_main.h"
#include "tests/record_cmp.h"

/* Checked on x86-64 and other LP64 targets: a field added to the record
 * must be added to record_diff() too, and this size updated. */
_Static_assert(sizeof(struct dsb_record) == 1264,
	       "struct dsb_record changed: compare the new field in tests/record_cmp.h");

static struct dsb_jdec *dec;
static uint64_t lines_compared, lines_differing;

/* Decode one line both ways; true when the records agree. */
static bool same_both_ways(const char *line, size_t len, const char *ctx)
{
	struct dsb_record a, b;
	bool oka = dsb_record_decode_using(dec, DSB_JPARSER_LEAN, line, len, 3, 1252, &a);
	bool okb = dsb_record_decode_using(dec, DSB_JPARSER_JANSSON, line, len, 3, 1252, &b);
	CU_ASSERT_FATAL(oka && okb);
	const char *why = record_diff(&a, &b);
	lines_compared++;
	if (why) {
		lines_differing++;
		if (lines_differing <= 10)
			fprintf(stderr, "%s: the parsers differ on %s: %.*s\n", ctx, why,
				(int)(len > 300 ? 300 : len), line);
	}
	dsb_record_clear(&a);
	dsb_record_clear(&b);
	return why == NULL;
}

/* Decode with the lean parser alone; which parser took the line. */
static bool taken_by_lean(const char *line, size_t len)
{
	uint64_t f0, b0, f1, b1;
	struct dsb_record r;
	dsb_jdec_stats(dec, &f0, &b0);
	CU_ASSERT_FATAL(dsb_record_decode_with(dec, line, len, 1, 1252, &r));
	dsb_jdec_stats(dec, &f1, &b1);
	dsb_record_clear(&r);
	return f1 == f0 + 1;
}

/* ---- the scenarios' journals ------------------------------------------------ */

struct line_sink {
	char **v;
	size_t n, cap;
};

static void collect(void *ctx, uint64_t lineno, const char *line, size_t len, bool too_long)
{
	(void)lineno;
	struct line_sink *s = ctx;
	if (too_long || len == 0)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		CU_ASSERT_FATAL(s->v != NULL);
	}
	char *c = malloc(len + 1);
	CU_ASSERT_FATAL(c != NULL);
	memcpy(c, line, len);
	c[len] = '\0';
	s->v[s->n++] = c;
}

/* Every scenario's journal, cut into lines as the checks cut it. */
static struct line_sink scenario_lines(void)
{
	struct line_sink s = { 0 };
	size_t n;
	const struct dfx_scenario *sc = dfx_scenarios(&n);
	for (size_t i = 0; i < n; i++) {
		struct dfx_cap *cap = dfx_scenario_build(&sc[i]);
		CU_ASSERT_FATAL(cap != NULL);
		size_t len = 0;
		const char *j = cap->jb ? dfx_jb_bytes(cap->jb, &len) : NULL;
		if (j && len) {
			struct dsb_jsplit *sp = dsb_jsplit_new(collect, &s);
			CU_ASSERT_FATAL(sp != NULL);
			CU_ASSERT_FATAL(dsb_jsplit_feed(sp, j, len));
			CU_ASSERT_FATAL(dsb_jsplit_finish(sp));
			dsb_jsplit_free(sp);
		}
		dfx_cap_free(cap);
	}
	return s;
}

static void free_lines(struct line_sink *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static void journal_fast_path_matches_jansson(void)
{
	struct line_sink s = scenario_lines();
	CU_ASSERT(s.n > 1000);
	lines_compared = lines_differing = 0;
	uint64_t lean = 0;
	for (size_t i = 0; i < s.n; i++) {
		same_both_ways(s.v[i], strlen(s.v[i]), "scenario line");
		lean += taken_by_lean(s.v[i], strlen(s.v[i]));
	}
	CU_ASSERT_EQUAL(lines_differing, 0);
	CU_ASSERT_EQUAL(lines_compared, s.n);
	/* The scenarios hold deliberate JSON errors, but far fewer than 5%
	 * of their lines: the rest must go the lean way. */
	fprintf(stderr, "%zu scenario lines, %llu taken by the lean parser\n", s.n,
		(unsigned long long)lean);
	CU_ASSERT(lean * 100 >= (uint64_t)s.n * 95);
	free_lines(&s);
}

/* ---- mutations ---------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure can be replayed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* What a mutation puts in: JSON's punctuation, escapes, number parts. */
static const char *const inserts[] = {
	"\"", "\\", "{", "}", "[", "]", ",", ":", " ", "\t", "\r", "0", "-", "1e999",
	"e", ".", "+", "9223372036854775808", "\\u0000", "\\ud800", "\\udc00",
	"\\ud83d\\ude00", "\\u00e9", "null", "true", "fals", "\"password\":1,",
	"\"seq\":2,", "\"rec\":\"call\",", "[[[[", "]]]]", "\x01", "\xc3\xa9", "1.5",
	"-0", "\"\":0,",
};

static size_t mutate(const char *src, size_t n, char *out, size_t cap)
{
	size_t o = 0, pos = n ? (size_t)(rng() % n) : 0;
	switch (rng() % 6) {
	case 0:   /* flip one byte to a printable one */
		memcpy(out, src, n);
		o = n;
		if (n)
			out[pos] = (char)(0x20 + rng() % 0x5f);
		break;
	case 1:   /* drop a run of bytes */
	{
		size_t k = 1 + (size_t)(rng() % 4);
		if (pos + k > n)
			k = n - pos;
		memcpy(out, src, pos);
		memcpy(out + pos, src + pos + k, n - pos - k);
		o = n - k;
		break;
	}
	case 2:   /* cut short */
		memcpy(out, src, pos);
		o = pos;
		break;
	default:  /* insert something */
	{
		const char *ins = inserts[rng() % (sizeof inserts / sizeof inserts[0])];
		size_t il = strlen(ins);
		if (n + il > cap)
			il = 0;
		memcpy(out, src, pos);
		memcpy(out + pos, ins, il);
		memcpy(out + pos + il, src + pos, n - pos);
		o = n + il;
		break;
	}
	}
	out[o] = '\0';
	return o;
}

static void journal_fast_path_matches_jansson_mutated(void)
{
	struct line_sink s = scenario_lines();
	lines_compared = lines_differing = 0;
	static char buf[1 << 17];
	for (size_t i = 0; i < s.n; i++) {
		size_t n = strlen(s.v[i]);
		if (n + 64 > sizeof buf)
			continue;
		for (int k = 0; k < 24; k++) {
			char tmp[sizeof buf];
			size_t m = mutate(s.v[i], n, buf, sizeof buf - 64);
			/* Two mutations on a third of the lines. */
			if (k % 3 == 0) {
				memcpy(tmp, buf, m + 1);
				m = mutate(tmp, m, buf, sizeof buf - 64);
			}
			same_both_ways(buf, m, "mutated line");
		}
	}
	fprintf(stderr, "%llu mutated lines compared\n", (unsigned long long)lines_compared);
	CU_ASSERT(lines_compared > 20000);
	CU_ASSERT_EQUAL(lines_differing, 0);
	free_lines(&s);
}

/* ---- edge cases ------------------------------------------------------------------ */

#define CALLP "{\"rec\":\"call\",\"seq\":5,\"t\":\"2026-11-21T10:00:00Z\",\"fn\":\"DsBackupRead\"," \
	      "\"in\":{\"hbc\":\"0x1\",\"buffer_size\":"
#define CALLS "},\"hr\":0}"

static const struct {
	const char *line;
	int lean;   /* 1: the lean parser takes it; 0: jansson does; -1: either */
} edges[] = {
	{ .line = CALLP "65536" CALLS, .lean = 1 },
	{ .line = CALLP "-0" CALLS, .lean = 1 },
	{ .line = CALLP "9223372036854775807" CALLS, .lean = 1 },
	{ .line = CALLP "-9223372036854775808" CALLS, .lean = 1 },
	{ .line = CALLP "9223372036854775808" CALLS, .lean = 0 },
	{ .line = CALLP "-9223372036854775809" CALLS, .lean = 0 },
	{ .line = CALLP "99999999999999999999" CALLS, .lean = 0 },
	{ .line = CALLP "01" CALLS, .lean = 0 },
	{ .line = CALLP "-" CALLS, .lean = 0 },
	{ .line = CALLP "1." CALLS, .lean = 0 },
	{ .line = CALLP "1.e5" CALLS, .lean = 0 },
	{ .line = CALLP ".5" CALLS, .lean = 0 },
	{ .line = CALLP "+1" CALLS, .lean = 0 },
	{ .line = CALLP "1.5" CALLS, .lean = 1 },
	{ .line = CALLP "65536.0" CALLS, .lean = 1 },
	{ .line = CALLP "1e5" CALLS, .lean = 1 },
	{ .line = CALLP "1E+5" CALLS, .lean = 1 },
	{ .line = CALLP "1e-999" CALLS, .lean = 1 },
	{ .line = CALLP "1e308" CALLS, .lean = 0 },
	{ .line = CALLP "1e309" CALLS, .lean = 0 },
	{ .line = CALLP "-1e400" CALLS, .lean = 0 },
	{ .line = CALLP "1e" CALLS, .lean = 0 },
	{ .line = CALLP "true" CALLS, .lean = 1 },
	{ .line = CALLP "truex" CALLS, .lean = 0 },
	{ .line = CALLP "nul" CALLS, .lean = 0 },
	{ .line = CALLP "null" CALLS, .lean = 1 },
	{ .line = CALLP "\"65536\"" CALLS, .lean = 1 },
	{ .line = CALLP "[]" CALLS, .lean = 1 },
	{ .line = CALLP "{}" CALLS, .lean = 1 },
	{ .line = CALLP "[1,]" CALLS, .lean = 0 },
	{ .line = CALLP "{\"a\":1,}" CALLS, .lean = 0 },
	{ .line = CALLP "{\"a\" 1}" CALLS, .lean = 0 },
	{ .line = CALLP "{1:1}" CALLS, .lean = 0 },
	{ .line = CALLP "1 2" CALLS, .lean = 0 },
	/* strings */
	{ .line = "{\"rec\":\"call\",\"seq\":1,\"fn\":\"Ds\\u0042ackupEnd\",\"in\":{\"hbc\":\"x\"},\"hr\":0}", .lean = 1 },
	{ .line = "{\"rec\":\"call\",\"seq\":1,\"fn\":\"DsBackupEnd\",\"in\":{\"hbc\":\"a\\u0000b\"},\"hr\":0}", .lean = 1 },
	{ .line = "{\"rec\":\"data\",\"seq\":1,\"member\":\"a\\u0000b\",\"hbc\":\"x\",\"name\":\"n\"}", .lean = 1 },
	{ .line = "{\"rec\":\"data\",\"seq\":1,\"a\\u0000\":1}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"\\ud83d\\ude00\"}", .lean = 1 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"\\ud83d\"}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"\\ud83dx\"}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"\\ud83d\\u0041\"}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"\\ude00\"}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"\\u00E9\\u00e9\\/\\b\\f\\n\\r\\t\\\"\\\\\"}", .lean = 1 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"\\x\"}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"\\u12\"}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"\\u12g4\"}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"a\tb\"}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"caf\xc3\xa9\"}", .lean = 1 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":\"unterminated}", .lean = 0 },
	/* keys */
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"seq\":2}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":{\"a\":1,\"b\":{\"c\":1,\"c\":2}}}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"s\\u0065q\":2}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":[{\"a\":1},{\"a\":1}]}", .lean = 1 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"password\":\"Hunter2\"}", .lean = 1 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"x\":[{\"y\":{\"password\":[1,{\"password\":2}]}}]}", .lean = 1 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"pass\\u0077ord\":\"Hunter2\"}", .lean = 1 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"password\":1,\"password\":2}", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"Password\":1}", .lean = 1 },
	/* whole line */
	{ .line = "", .lean = 0 },
	{ .line = "   ", .lean = 0 },
	{ .line = "[1,2]", .lean = 1 },
	{ .line = "\"just a string\"", .lean = 1 },
	{ .line = "42", .lean = 1 },
	{ .line = " \t{\"rec\":\"end\",\"seq\":1} \r ", .lean = 1 },
	{ .line = "{\"rec\":\"end\",\"seq\":1}x", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1}{}", .lean = 0 },
	{ .line = "{\"rec\" : \"end\" ,\r\n\"seq\"\t:\t1}", .lean = 1 },
	{ .line = "{\"rec\":\"end\",\"seq\":1", .lean = 0 },
	{ .line = "{\"rec\":\"end\",\"seq\":1,\"records\":3,\"finished\":\"2026-11-21T10:00:00Z\"}", .lean = 1 },
};

static void journal_fast_path_edge_cases_match_jansson(void)
{
	lines_compared = lines_differing = 0;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		const char *l = edges[i].line;
		char ctx[32];
		snprintf(ctx, sizeof ctx, "edge %zu", i);
		CU_ASSERT(same_both_ways(l, strlen(l), ctx));
		if (edges[i].lean >= 0 && taken_by_lean(l, strlen(l)) != (edges[i].lean == 1)) {
			fprintf(stderr, "edge %zu: expected the %s parser: %s\n", i,
				edges[i].lean ? "lean" : "jansson", l);
			CU_FAIL("the wrong parser took an edge case");
		}
	}
	CU_ASSERT_EQUAL(lines_differing, 0);
}

/* Nesting at the limit and one past it; an object of many keys. */
static void journal_fast_path_depth_and_width_match_jansson(void)
{
	static char buf[8192];
	for (int depth = 62; depth <= 66; depth++) {
		size_t o = 0;
		o += (size_t)snprintf(buf + o, sizeof buf - o, "{\"rec\":\"end\",\"seq\":1,\"x\":");
		/* Levels 2..depth: arrays and objects in turn. */
		for (int k = 1; k < depth; k++)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s", k % 2 ? "[" : "{\"k\":");
		buf[o++] = '0';
		for (int k = depth - 1; k >= 1; k--)
			buf[o++] = k % 2 ? ']' : '}';
		buf[o++] = '}';
		buf[o] = '\0';
		CU_ASSERT(same_both_ways(buf, o, "depth"));
		CU_ASSERT_EQUAL(taken_by_lean(buf, o), depth <= DSB_JOURNAL_DEPTH_MAX);
	}
	for (int keys = DSB_JDOM_OBJ_KEYS_MAX - 4; keys <= DSB_JDOM_OBJ_KEYS_MAX + 4; keys++) {
		size_t o = 0;
		o += (size_t)snprintf(buf + o, sizeof buf - o, "{\"rec\":\"end\",\"seq\":1,\"x\":{");
		for (int k = 0; k < keys; k++)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\"k%d\":%d",
					      k ? "," : "", k, k);
		o += (size_t)snprintf(buf + o, sizeof buf - o, "}}");
		CU_ASSERT(same_both_ways(buf, o, "width"));
		CU_ASSERT_EQUAL(taken_by_lean(buf, o), keys <= DSB_JDOM_OBJ_KEYS_MAX);
		/* The same object with its last key written twice. */
		o -= 2;
		o += (size_t)snprintf(buf + o, sizeof buf - o, ",\"k%d\":0}}", keys - 1);
		CU_ASSERT(same_both_ways(buf, o, "width, duplicate"));
	}
}

/* A line of a million small values (the decoder's buffers grow past
 * what it keeps, and are given back), then a usual line. */
static void journal_decoder_parses_after_a_huge_line(void)
{
	size_t n = 2 * 1024 * 1024;
	char *big = malloc(n + 64);
	CU_ASSERT_FATAL(big != NULL);
	size_t o = (size_t)sprintf(big, "{\"rec\":\"end\",\"seq\":1,\"x\":[0");
	while (o + 8 < n)
		o += (size_t)sprintf(big + o, ",0");
	o += (size_t)sprintf(big + o, "]}");
	CU_ASSERT(same_both_ways(big, o, "huge line"));
	CU_ASSERT(taken_by_lean(big, o));
	free(big);
	const char *l = "{\"rec\":\"end\",\"seq\":1,\"records\":3}";
	struct dsb_record r;
	CU_ASSERT_FATAL(dsb_record_decode_with(dec, l, strlen(l), 9, 1252, &r));
	CU_ASSERT_EQUAL(r.kind, DSB_REC_END);
	CU_ASSERT(r.records.present && r.records.v == 3);
	dsb_record_clear(&r);
}

static void setup(void)
{
	if (!dec)
		dec = dsb_jdec_new();
	CU_ASSERT_FATAL(dec != NULL);
}

static void t_scen(void) { setup(); journal_fast_path_matches_jansson(); }
static void t_mut(void) { setup(); journal_fast_path_matches_jansson_mutated(); }
static void t_edge(void) { setup(); journal_fast_path_edge_cases_match_jansson(); }
static void t_depth(void) { setup(); journal_fast_path_depth_and_width_match_jansson(); }
static void t_huge(void) { setup(); journal_decoder_parses_after_a_huge_line(); }

static void t_done(void)
{
	dsb_jdec_free(dec);
	dec = NULL;
}

static const struct dsb_test tests[] = {
	{ "journal_fast_path_matches_jansson", t_scen },
	{ "journal_fast_path_matches_jansson_mutated", t_mut },
	{ "journal_fast_path_edge_cases_match_jansson", t_edge },
	{ "journal_fast_path_depth_and_width_match_jansson", t_depth },
	{ "journal_decoder_parses_after_a_huge_line", t_huge },
	{ "free the decoder", t_done },
	{ NULL, NULL },
};

static const struct dsb_suite dsb_suites[] = {
	{ "journal parsers", tests },
};

DSB_TEST_MAIN(dsb_suites)
