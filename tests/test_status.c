/* SPDX-License-Identifier: Apache-2.0 */
/* verify/status: the one wording of an operational error, first cause
 * wins, later ones counted. */
#include <string.h>

#include "verify/findings.h"
#include "verify/status.h"
#include "tests/cunit_main.h"

static void message_of(const struct dsb_op_cause *c, char *out, size_t cap)
{
	dsb_status_message(c, out, cap);
}

/* The four places a cause can have, each worded as the capture verifier
 * worded its C015 before (tests of test_capture and test_hostile pin
 * the messages built from them). */
static void test_status_message_places(void)
{
	char m[DSB_MESSAGE_MAX];
	struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
	c.error = DSB_OP_UNREADABLE;
	c.detail = "truncated";
	message_of(&c, m, sizeof m);
	CU_ASSERT_STRING_EQUAL(m, "truncated");
	c.offset = 40000;
	message_of(&c, m, sizeof m);
	CU_ASSERT_STRING_EQUAL(m, "at byte 40000 of the input: truncated");
	c.whole = "the file";
	message_of(&c, m, sizeof m);
	CU_ASSERT_STRING_EQUAL(m, "at byte 40000 of the file: truncated");
	c.member = "cap/data/ntds.dit";
	message_of(&c, m, sizeof m);
	CU_ASSERT_STRING_EQUAL(m, "cap/data/ntds.dit, at byte 40000: truncated");
	c.offset = -1;
	c.rest_lost = true;
	message_of(&c, m, sizeof m);
	CU_ASSERT_STRING_EQUAL(m, "cap/data/ntds.dit: truncated; the rest of the input was not read");
}

/* The member is escaped by the one escape set and cut at
 * DSB_STATUS_NAME_MAX; the detail is not touched. */
static void test_status_message_escapes_member(void)
{
	char m[DSB_MESSAGE_MAX];
	struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
	c.error = DSB_OP_IO;
	c.member = "caf\xc3\xa9\t\"x\"";
	c.detail = "read error";
	message_of(&c, m, sizeof m);
	CU_ASSERT_STRING_EQUAL(m, "caf\\xc3\\xa9\\x09\\x22x\\x22: read error");
	char longname[DSB_STATUS_NAME_MAX + 50];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	c.member = longname;
	message_of(&c, m, sizeof m);
	CU_ASSERT_EQUAL(strlen(m), DSB_STATUS_NAME_MAX + strlen("...: read error"));
	CU_ASSERT(strstr(m, "aaa...: read error") != NULL);
	/* No detail: the error's name stands in. */
	c.member = NULL;
	c.detail = NULL;
	message_of(&c, m, sizeof m);
	CU_ASSERT_STRING_EQUAL(m, "io");
}

/* The first stopping cause is the C015; the ones after it are counted. */
static void test_status_first_cause_wins(void)
{
	struct dsb_findings *f = dsb_findings_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	struct dsb_status st = { .first = DSB_OP_OK };
	struct dsb_op_cause lim = DSB_OP_CAUSE_INIT;
	lim.error = DSB_OP_LIMIT;
	lim.limit = "DSB_MAX_MEMBERS";
	lim.detail = "too many members";
	lim.rest_lost = true;
	CU_ASSERT_TRUE(dsb_status_raise(&st, f, 0, &lim));
	CU_ASSERT_FALSE(dsb_status_nomem(&st, f, 0));
	CU_ASSERT_FALSE(dsb_status_raise(&st, f, 0, &lim));
	CU_ASSERT_EQUAL(st.first, DSB_OP_LIMIT);
	CU_ASSERT_STRING_EQUAL(st.limit, "DSB_MAX_MEMBERS");
	CU_ASSERT_EQUAL(st.later, 2);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(f, 0, DSB_C015), 1);
	size_t n = 0;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(v[0].message, "too many members; the rest of the input was not read");
	dsb_findings_free(f);
}

/* The twin: a cause reported with dsb_status_c015 (one member lost,
 * reading goes on) is not a stop: each is its own C015, none counted. */
static void test_status_c015_not_a_stop(void)
{
	struct dsb_findings *f = dsb_findings_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	struct dsb_status st = { .first = DSB_OP_OK };
	struct dsb_op_cause c = DSB_OP_CAUSE_INIT;
	c.error = DSB_OP_UNREADABLE;
	c.member = "a";
	c.offset = 7;
	c.detail = "damaged";
	dsb_status_c015(f, 0, &c);
	dsb_status_c015(f, 0, &c);
	CU_ASSERT_EQUAL(st.first, DSB_OP_OK);
	CU_ASSERT_EQUAL(st.later, 0);
	CU_ASSERT_EQUAL(dsb_findings_count_rule(f, 0, DSB_C015), 2);
	size_t n = 0;
	const struct dsb_finding *v = dsb_findings_sorted(f, &n);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(v[0].member, "a");
	CU_ASSERT_EQUAL(v[0].offset, 7);
	CU_ASSERT_TRUE(dsb_status_nomem(&st, f, 0));
	CU_ASSERT_EQUAL(st.first, DSB_OP_NOMEM);
	dsb_findings_free(f);
}

static void test_status_names_closed(void)
{
	for (int e = 0; e < DSB_OP_COUNT; e++)
		CU_ASSERT_PTR_NOT_NULL(dsb_op_error_name((enum dsb_op_error)e));
	CU_ASSERT_STRING_EQUAL(dsb_op_error_name(DSB_OP_NOMEM), "nomem");
	CU_ASSERT_STRING_EQUAL(dsb_op_error_name(DSB_OP_COUNT), "?");
}

/* The reader's causes land on the closed enum, each on its own where the
 * enum tells them apart. */
static void test_status_of_reader(void)
{
	CU_ASSERT_EQUAL(dsb_op_error_of_reader(DSB_AR_CAUSE_TRUNCATED), DSB_OP_TRUNCATED);
	CU_ASSERT_EQUAL(dsb_op_error_of_reader(DSB_AR_CAUSE_CORRUPT), DSB_OP_CORRUPT);
	CU_ASSERT_EQUAL(dsb_op_error_of_reader(DSB_AR_CAUSE_UNSUPPORTED), DSB_OP_UNSUPPORTED);
	CU_ASSERT_EQUAL(dsb_op_error_of_reader(DSB_AR_CAUSE_IO), DSB_OP_IO);
	CU_ASSERT_EQUAL(dsb_op_error_of_reader(DSB_AR_CAUSE_NOMEM), DSB_OP_NOMEM);
	CU_ASSERT_EQUAL(dsb_op_error_of_reader(DSB_AR_CAUSE_LIMIT), DSB_OP_LIMIT);
	CU_ASSERT_EQUAL(dsb_op_error_of_reader(DSB_AR_CAUSE_UNREADABLE), DSB_OP_UNREADABLE);
	CU_ASSERT_STRING_EQUAL(dsb_op_error_name(DSB_OP_TRUNCATED), "truncated");
	CU_ASSERT_STRING_EQUAL(dsb_op_error_name(DSB_OP_CORRUPT), "corrupt");
	CU_ASSERT_STRING_EQUAL(dsb_op_error_name(DSB_OP_UNSUPPORTED), "unsupported");
}

static const struct dsb_test tests[] = {
	{ "message: the four places", test_status_message_places },
	{ "message: member escaped and cut", test_status_message_escapes_member },
	{ "first cause wins, later ones counted", test_status_first_cause_wins },
	{ "twin: a one-member C015 is not a stop", test_status_c015_not_a_stop },
	{ "every error has a name", test_status_names_closed },
	{ "the archive reader's causes", test_status_of_reader },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "status", tests },
};

int main(void)
{
	return dsb_run_suites(suites, sizeof suites / sizeof suites[0]);
}
