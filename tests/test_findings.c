/* SPDX-License-Identifier: Apache-2.0 */
/* The findings collector: report order (RC §3.6), caps, suppression,
 * totals, merge, and the verdict computation of the report model. */
#include <stdlib.h>
#include <string.h>

#include "verify/findings.h"
#include "verify/report.h"
#include "verify/rules.h"
#include "tests/cunit_main.h"

static void test_catalogue_complete(void)
{
	/* Every row filled and ids well-formed; lookup by id round-trips. */
	for (int r = 0; r < DSB_RULE_COUNT; r++) {
		const struct dsb_rule_info *ri = dsb_rule_info((enum dsb_rule)r);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ri->id);
		CU_ASSERT_EQUAL(strlen(ri->id), 8);
		CU_ASSERT_EQUAL(strncmp(ri->id, "DSB-", 4), 0);
		CU_ASSERT_PTR_NOT_NULL(ri->title);
		CU_ASSERT_PTR_NOT_NULL(ri->explanation);
		CU_ASSERT_PTR_NOT_NULL(ri->remedy);
		CU_ASSERT_EQUAL(dsb_rule_by_id(ri->id), (enum dsb_rule)r);
	}
	CU_ASSERT_EQUAL(dsb_rule_by_id("DSB-X999"), DSB_RULE_COUNT);
}

static void test_contract_severities(void)
{
	/* Spot checks against report-contract §5. */
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_C008)->severity, DSB_SEV_INFO);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_C012)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_C013)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_P002)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_P005)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_P015)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_P017)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_P018)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_P019)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_P022)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_R001)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_R004)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_R008)->severity, DSB_SEV_WARNING);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_P020)->severity, DSB_SEV_ERROR);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_R009)->severity, DSB_SEV_ERROR);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_R009)->category, DSB_CAT_RESTORE);
	CU_ASSERT_EQUAL(dsb_rule_info(DSB_P001)->category, DSB_CAT_PROTOCOL);
	CU_ASSERT_STRING_EQUAL(dsb_category_name(DSB_CAT_CAPTURE), "capture");
	CU_ASSERT_STRING_EQUAL(dsb_severity_name(DSB_SEV_WARNING), "warning");
}

static void add_at(struct dsb_findings *f, int input, enum dsb_rule rule,
		   uint64_t line, int64_t page, const char *member, const char *msg)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.line = line;
	loc.page = page;
	loc.member = member;
	dsb_findings_add(f, input, rule, &loc, "%s", msg);
}

static void test_order(void)
{
	struct dsb_findings *f = dsb_findings_new();
	add_at(f, 1, DSB_C002, 1, -1, NULL, "b");
	add_at(f, 0, DSB_P010, 42, -1, NULL, "x");
	add_at(f, 0, DSB_C009, 0, -1, "z", "m");
	add_at(f, 0, DSB_C009, 0, -1, "a", "m");
	add_at(f, 0, DSB_C008, 0, -1, NULL, "m");
	add_at(f, 0, DSB_P004, 42, -1, NULL, "x");
	add_at(f, 0, DSB_P004, 42, 7, NULL, "x");
	add_at(f, 0, DSB_P004, 42, -1, NULL, "a");
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL_FATAL(n, 8);
	/* input 0, line 0: C008 (no member) < C009 a < C009 z */
	CU_ASSERT_EQUAL(v[0].rule, DSB_C008);
	CU_ASSERT_EQUAL(v[1].rule, DSB_C009);
	CU_ASSERT_STRING_EQUAL(v[1].member, "a");
	CU_ASSERT_STRING_EQUAL(v[2].member, "z");
	/* line 42: no page before page 7; P004 < P010; message order */
	CU_ASSERT_EQUAL(v[3].rule, DSB_P004);
	CU_ASSERT_STRING_EQUAL(v[3].message, "a");
	CU_ASSERT_EQUAL(v[4].rule, DSB_P004);
	CU_ASSERT_STRING_EQUAL(v[4].message, "x");
	CU_ASSERT_EQUAL(v[4].page, -1);
	CU_ASSERT_EQUAL(v[5].rule, DSB_P010);
	CU_ASSERT_EQUAL(v[6].rule, DSB_P004);
	CU_ASSERT_EQUAL(v[6].page, 7);
	CU_ASSERT_EQUAL(v[7].input, 1);
	dsb_findings_free(f);
}

static void test_cap_and_suppressed(void)
{
	struct dsb_findings *f = dsb_findings_new();
	/* Added in reverse line order: the listed ones must be the first
	 * 1,000 in report order, not the first 1,000 added. */
	for (uint64_t i = 5000; i >= 1; i--)
		add_at(f, 0, DSB_C003, i, -1, NULL, "seq");
	add_at(f, 0, DSB_C002, 3, -1, NULL, "bad");
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL(n, 1001);
	CU_ASSERT_EQUAL(dsb_findings_suppressed(f, DSB_C003), 4000);
	CU_ASSERT_EQUAL(dsb_findings_suppressed(f, DSB_C002), 0);
	CU_ASSERT_EQUAL(dsb_findings_total(f, 0, DSB_SEV_ERROR), 5001);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(f, 0, DSB_C003), 5000);
	uint64_t maxline = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].rule == DSB_C003 && v[i].line > maxline)
			maxline = v[i].line;
	CU_ASSERT_EQUAL(maxline, 1000);
	CU_ASSERT_EQUAL(v[2].rule, DSB_C002);   /* line 3 */
	dsb_findings_free(f);
}

/* Past the cap, findings on later lines are dropped unformatted: the
 * listing must still be the first 1,000 in report order, ties on the
 * last kept line included, and every finding counted. */
static void regression_findings_past_cap_dropped_early_keep_report_order(void)
{
	struct dsb_findings *f = dsb_findings_new();
	char msg[32];
	for (uint64_t i = 1; i <= 3000; i++)
		add_at(f, 0, DSB_P007, i, -1, NULL, "read");
	/* The bucket trimmed at 2,000 and kept lines 1..1000.  The same line
	 * as the last kept one, with a message that sorts first, must take
	 * its place; an earlier line must be kept; a later one never. */
	add_at(f, 0, DSB_P007, 1000, -1, NULL, "a read");
	add_at(f, 0, DSB_P007, 0, -1, NULL, "line zero");
	for (uint64_t i = 0; i < 2500; i++) {
		snprintf(msg, sizeof msg, "late %llu", (unsigned long long)i);
		add_at(f, 0, DSB_P007, 5000 + i, -1, NULL, msg);
	}
	add_at(f, 0, DSB_P007, 0, 7, NULL, "page");   /* line 0, a page: after "line zero" */
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1000);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(f, 0, DSB_P007), 3000 + 2 + 2500 + 1);
	CU_ASSERT_EQUAL(dsb_findings_suppressed(f, DSB_P007), 3000 + 2 + 2500 + 1 - 1000);
	CU_ASSERT_EQUAL(v[0].line, 0);
	CU_ASSERT_STRING_EQUAL(v[0].message, "line zero");
	CU_ASSERT_EQUAL(v[1].line, 0);
	CU_ASSERT_STRING_EQUAL(v[1].message, "page");
	CU_ASSERT_EQUAL(v[2].line, 1);
	CU_ASSERT_EQUAL(v[999].line, 998);
	/* The same list as without the early drop: lines 0, 0, 1..998, then
	 * nothing from 999 on, nothing "late". */
	for (size_t i = 0; i < n; i++)
		CU_ASSERT(v[i].line <= 998);
	dsb_findings_free(f);
}

/* Count-only past the cap, for callers that format before adding; its
 * twin (a line that can still be listed, or a rule not yet capped) must
 * do nothing at all. */
static void findings_count_if_unlisted_counts_only_past_the_cap(void)
{
	struct dsb_findings *f = dsb_findings_new();
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.line = 99999;
	CU_ASSERT_FALSE(dsb_findings_count_if_unlisted(f, 0, DSB_P007, &loc));
	CU_ASSERT_EQUAL(dsb_findings_count_rule(f, 0, DSB_P007), 0);
	for (uint64_t i = 1; i <= 2001; i++)
		add_at(f, 0, DSB_P007, i, -1, NULL, "read");
	/* The 2,001st trimmed the bucket to lines 1..1000 before it went in. */
	CU_ASSERT_TRUE(dsb_findings_count_if_unlisted(f, 0, DSB_P007, &loc));
	CU_ASSERT_EQUAL(dsb_findings_count_rule(f, 0, DSB_P007), 2002);
	loc.line = 1000;
	CU_ASSERT_FALSE(dsb_findings_count_if_unlisted(f, 0, DSB_P007, &loc));
	loc.line = 5;
	CU_ASSERT_FALSE(dsb_findings_count_if_unlisted(f, 0, DSB_P007, &loc));
	loc.line = 99999;
	CU_ASSERT_FALSE(dsb_findings_count_if_unlisted(f, 0, DSB_P008, &loc));
	CU_ASSERT_FALSE(dsb_findings_count_if_unlisted(f, 1, DSB_P007, &loc));
	CU_ASSERT_EQUAL(dsb_findings_count_rule(f, 0, DSB_P007), 2002);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(f, 0, DSB_P008), 0);
	size_t n;
	dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL(n, 1000);
	CU_ASSERT_EQUAL(dsb_findings_suppressed(f, DSB_P007), 1002);
	dsb_findings_free(f);
}

/* A collection merged away starts afresh: its bound must not drop the
 * findings added to it afterwards. */
static void regression_findings_cap_bound_cleared_by_merge(void)
{
	struct dsb_findings *a = dsb_findings_new(), *b = dsb_findings_new();
	for (uint64_t i = 1; i <= 2500; i++)
		add_at(b, 0, DSB_E001, i, -1, NULL, "x");
	dsb_findings_merge_anchor(a, b, 9, NULL, NULL);
	add_at(b, 0, DSB_E001, 5000, -1, NULL, "after the merge");
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(b, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(v[0].message, "after the merge");
	v = dsb_findings_sorted(a, &n);
	CU_ASSERT_EQUAL(n, 1000);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(a, 0, DSB_E001), 2500);
	dsb_findings_free(a);
	dsb_findings_free(b);
}

static void test_merge(void)
{
	struct dsb_findings *a = dsb_findings_new(), *b = dsb_findings_new();
	for (uint64_t i = 1; i <= 900; i++) {
		add_at(a, 0, DSB_P019, 2 * i, -1, NULL, "a");
		add_at(b, 0, DSB_P019, 2 * i - 1, -1, NULL, "b");
	}
	add_at(b, 2, DSB_C008, 0, -1, "m", "x");
	dsb_findings_merge(a, b);
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(a, &n);
	CU_ASSERT_EQUAL(n, 1001);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(a, 0, DSB_P019), 1800);
	CU_ASSERT_EQUAL(dsb_findings_suppressed(a, DSB_P019), 800);
	CU_ASSERT_EQUAL(v[0].line, 1);
	CU_ASSERT_EQUAL(v[999].line, 1000);
	CU_ASSERT_EQUAL(v[1000].input, 2);
	CU_ASSERT_EQUAL(dsb_findings_total(b, -1, DSB_SEV_WARNING), 0);
	dsb_findings_free(a);
	dsb_findings_free(b);
}

static void test_message_one_line(void)
{
	struct dsb_findings *f = dsb_findings_new();
	dsb_findings_add(f, 0, DSB_P001, NULL, "handle %s\nnext\tline", "0x1\r");
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(v[0].message, "handle 0x1  next line");
	CU_ASSERT_EQUAL(v[0].severity, DSB_SEV_ERROR);
	CU_ASSERT_EQUAL(v[0].page, -1);
	dsb_findings_free(f);
}

static void test_verdicts(void)
{
	struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_EQUAL(dsb_report_add_input(r, "a.tar"), 0);
	CU_ASSERT_EQUAL(dsb_report_add_input(r, "b.tar"), 1);
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
	dsb_findings_add(r->findings, 1, DSB_P002, NULL, "w");
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);   /* warnings only */
	r->fail_on = DSB_FAIL_ON_WARNING;
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_FAIL);
	CU_ASSERT_EQUAL(dsb_report_verdict(r, 0), DSB_PASS);
	CU_ASSERT_EQUAL(dsb_report_verdict(r, 1), DSB_FAIL);
	r->fail_on = DSB_FAIL_ON_NEVER;
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
	r->inputs[0].incomplete = true;
	CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_INCOMPLETE);
	CU_ASSERT_EQUAL(dsb_report_verdict(r, 1), DSB_PASS);
	r->fail_on = DSB_FAIL_ON_INFO;
	dsb_findings_add(r->findings, 1, DSB_C008, NULL, "i");
	CU_ASSERT_EQUAL(dsb_report_verdict(r, 1), DSB_FAIL);
	CU_ASSERT_STRING_EQUAL(dsb_verdict_name(DSB_INCOMPLETE), "incomplete");
	dsb_report_free(r);
}

/* ESE findings are made while a member streams, before the data record
 * that anchors them may have been read: merge_anchor re-anchors them. */
static void test_merge_anchor(void)
{
	struct dsb_findings *dst = dsb_findings_new(), *src = dsb_findings_new();
	for (int i = 0; i < 1500; i++) {
		struct dsb_loc loc = DSB_LOC_INIT;
		loc.page = 1500 - i;
		loc.offset = (int64_t)(1500 - i) * 8192;
		dsb_findings_add(src, 0, DSB_C007, &loc, "page %d", i);
	}
	add_at(dst, 0, DSB_C007, 3, -1, NULL, "earlier line");
	dsb_findings_merge_anchor(dst, src, 42, "\\\\DC01\\ntds.dit", "cap/data/ntds.dit");
	size_t n;
	const struct dsb_finding *v = dsb_findings_sorted(dst, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1000);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(dst, 0, DSB_C007), 1501);
	CU_ASSERT_EQUAL(dsb_findings_suppressed(dst, DSB_C007), 501);
	CU_ASSERT_EQUAL(v[0].line, 3);
	CU_ASSERT_PTR_NULL(v[0].file);
	CU_ASSERT_EQUAL(v[1].line, 42);
	CU_ASSERT_EQUAL(v[1].page, 1);   /* lowest page first at the same line */
	CU_ASSERT_STRING_EQUAL(v[1].member, "cap/data/ntds.dit");
	CU_ASSERT_PTR_NOT_NULL(v[1].file);
	CU_ASSERT_EQUAL(v[999].page, 999);
	CU_ASSERT_EQUAL(dsb_findings_total(src, -1, DSB_SEV_ERROR), 0);
	dsb_findings_free(dst);
	dsb_findings_free(src);
}

/* Regression: flattening copied from the NULL array of never-used buckets
 * (memcpy(dst, NULL, 0) is undefined; UBSan aborted the sanitizer build). */
static void test_regression_sorted_empty_buckets(void)
{
	struct dsb_findings *f = dsb_findings_new();
	size_t n = 99;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NOT_NULL(v);
	add_at(f, 3, DSB_R009, 5, -1, NULL, "only input 3, one rule");
	v = dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(v[0].input, 3);
	dsb_findings_free(f);
}

static const struct dsb_test catalogue_tests[] = {
	{ "catalogue_complete", test_catalogue_complete },
	{ "contract_severities", test_contract_severities },
	{ NULL, NULL },
};
static const struct dsb_test findings_tests[] = {
	{ "order", test_order },
	{ "cap_and_suppressed", test_cap_and_suppressed },
	{ "merge", test_merge },
	{ "merge_anchor", test_merge_anchor },
	{ "message_one_line", test_message_one_line },
	{ "verdicts", test_verdicts },
	{ "regression_sorted_empty_buckets", test_regression_sorted_empty_buckets },
	{ "regression_findings_past_cap_dropped_early_keep_report_order",
	  regression_findings_past_cap_dropped_early_keep_report_order },
	{ "regression_findings_cap_bound_cleared_by_merge",
	  regression_findings_cap_bound_cleared_by_merge },
	{ "findings_count_if_unlisted_counts_only_past_the_cap",
	  findings_count_if_unlisted_counts_only_past_the_cap },
	{ NULL, NULL },
};
static const struct dsb_suite suites[] = {
	{ "catalogue", catalogue_tests },
	{ "findings", findings_tests },
};
DSB_TEST_MAIN(suites)
