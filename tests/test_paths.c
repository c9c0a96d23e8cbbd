/* SPDX-License-Identifier: Apache-2.0 */
/* Member paths (capture-format §1.3, §1.4). */
#include <string.h>

#include "format/paths.h"
#include "tests/cunit_main.h"

static bool unsafe(const char *s)
{
	return dsb_member_path_unsafe(s, strlen(s));
}

static void test_unsafe(void)
{
	static const char *const bad[] = {
		"", "/abs", "\\abs", "a\\b", "a/../b", "..", "../x", "a/..", ".",
		"./a", "a/./b", "a//b", "a/", "C:x", "c:/x", "z:", "a\tb", "a\x1f",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CU_ASSERT_TRUE(unsafe(bad[i]));
		if (!unsafe(bad[i]))
			fprintf(stderr, "should be unsafe: '%s'\n", bad[i]);
	}
	static const char *const good[] = {
		"data/ntds.dit", "journal.jsonl", "a", "..a", "a..", ".hidden",
		"a/.b/c", "1:x", "dir/C:x", "Data/ntds.dit", "a b/c d", "\xc3\xa9t\xc3\xa9",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		CU_ASSERT_FALSE(unsafe(good[i]));
		if (unsafe(good[i]))
			fprintf(stderr, "should be safe: '%s'\n", good[i]);
	}
	/* NUL inside the path, with an explicit length. */
	CU_ASSERT_TRUE(dsb_member_path_unsafe("a\0b", 3));
	CU_ASSERT_FALSE(dsb_member_path_unsafe("ab", 2));
}

static void test_strip(void)
{
	CU_ASSERT_EQUAL(dsb_member_strip_len("./a", 3), 2);
	CU_ASSERT_EQUAL(dsb_member_strip_len("././a", 5), 2);   /* one only */
	CU_ASSERT_EQUAL(dsb_member_strip_len(".a", 2), 0);
	CU_ASSERT_EQUAL(dsb_member_strip_len("a", 1), 0);
}

static void test_journal(void)
{
	size_t root = 99;
	CU_ASSERT_TRUE(dsb_member_is_journal("journal.jsonl", 13, &root));
	CU_ASSERT_EQUAL(root, 0);
	const char *one = "capture-2026-11-21/journal.jsonl";
	CU_ASSERT_TRUE(dsb_member_is_journal(one, strlen(one), &root));
	CU_ASSERT_EQUAL(root, strlen("capture-2026-11-21/"));
	const char *two = "a/b/journal.jsonl";
	CU_ASSERT_FALSE(dsb_member_is_journal(two, strlen(two), &root));
	CU_ASSERT_FALSE(dsb_member_is_journal("/journal.jsonl", 14, &root));
	CU_ASSERT_FALSE(dsb_member_is_journal("xjournal.jsonl", 14, &root));
	CU_ASSERT_FALSE(dsb_member_is_journal("Journal.jsonl", 13, &root));
	CU_ASSERT_FALSE(dsb_member_is_journal("journal.jsonl.bak", 17, &root));
}

static const struct dsb_test path_tests[] = {
	{ "unsafe", test_unsafe },
	{ "strip", test_strip },
	{ "journal", test_journal },
	{ NULL, NULL },
};
static const struct dsb_suite suites[] = { { "paths", path_tests } };
DSB_TEST_MAIN(suites)
