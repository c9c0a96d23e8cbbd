/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared main() for the CUnit test programs: runs every registered suite
 * verbosely and exits non-zero when any assertion failed, so ctest sees it.
 * A test program defines `static const struct dsb_suite dsb_suites[]` and
 * includes this file last.
 */
#ifndef DSB_TESTS_CUNIT_MAIN_H
#define DSB_TESTS_CUNIT_MAIN_H

#include <CUnit/Basic.h>
#include <stdio.h>

struct dsb_test {
	const char *name;
	void (*fn)(void);
};

struct dsb_suite {
	const char *name;
	const struct dsb_test *tests;   /* terminated by { NULL, NULL } */
};

static int dsb_run_suites(const struct dsb_suite *suites, size_t n)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < n; i++) {
		CU_pSuite s = CU_add_suite(suites[i].name, NULL, NULL);
		if (!s)
			return 2;
		for (const struct dsb_test *t = suites[i].tests; t->name; t++)
			if (!CU_add_test(s, t->name, t->fn))
				return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	unsigned run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (run == 0) {
		fprintf(stderr, "no test ran\n");
		return 1;
	}
	return failed ? 1 : 0;
}

#define DSB_TEST_MAIN(suites) \
	int main(void) { return dsb_run_suites(suites, sizeof(suites) / sizeof((suites)[0])); }

#endif
