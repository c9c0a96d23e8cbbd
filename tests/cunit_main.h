/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared main() for the CUnit test programs: runs the registered suites
 * verbosely and exits non-zero when any assertion failed, so ctest sees it.
 * A test program defines `static const struct dsb_suite dsb_suites[]` and
 * includes this file last.
 *
 * Suites that need the real sample databases (shared/samples, INDEX.md
 * there) go in a second table, given to DSB_TEST_MAIN_WITH_SAMPLES (or
 * dsb_test_main_samples from a main of one's own).  They run only when the
 * program is given `--samples`, and the program is then registered a
 * second time with ctest under NAME_samples (CMakeLists.txt looks for
 * those names in the source).  Without the samples that run exits DSB_SKIP_STATUS (77), which
 * ctest reports as "Skipped" in its summary: a check that could not run is
 * never counted as passed, and a check on the generated database is never
 * presented as one on the samples (its suite says "built database").
 *
 * The samples folder is the compiled DSB_SAMPLES_DIR unless the
 * environment variable of the same name overrides it, so that the skip can
 * be tried without touching the shared folder:
 *   DSB_SAMPLES_DIR=$(mktemp -d) ctest -R samples
 */
#ifndef DSB_TESTS_CUNIT_MAIN_H
#define DSB_TESTS_CUNIT_MAIN_H

#include <CUnit/Basic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* AddressSanitizer's shadow memory and quarantine make peak RSS say
 * nothing about the design: memory bounds are judged only without it
 * (and the tests say so when they are not). */
#if defined(__SANITIZE_ADDRESS__)
#define DSB_RSS_JUDGED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DSB_RSS_JUDGED 0
#endif
#endif
#ifndef DSB_RSS_JUDGED
#define DSB_RSS_JUDGED 1
#endif

/* ctest's SKIP_RETURN_CODE for these programs (the automake convention). */
#define DSB_SKIP_STATUS 77

struct dsb_test {
	const char *name;
	void (*fn)(void);
};

struct dsb_suite {
	const char *name;
	const struct dsb_test *tests;   /* terminated by { NULL, NULL } */
};

/* True while a suite of the samples table runs: test functions shared by
 * both tables use it to choose the sample file or the built database. */
static bool dsb_on_samples;

static int dsb_suite_init_samples(void) { dsb_on_samples = true; return 0; }
static int dsb_suite_init_built(void) { dsb_on_samples = false; return 0; }

/* The samples folder: $DSB_SAMPLES_DIR when set and not empty, else the
 * path compiled in by CMake (../shared/samples beside the checkout). */
static inline const char *dsb_samples_dir(void)
{
	const char *env = getenv("DSB_SAMPLES_DIR");
	if (env && *env)
		return env;
#ifdef DSB_SAMPLES_DIR
	return DSB_SAMPLES_DIR;
#else
	return "";
#endif
}

/* `rel` under the samples folder, into out (n bytes). */
static inline void dsb_sample_path(const char *rel, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", dsb_samples_dir(), rel);
}

/* The path of sample `rel` into out, checked: sample suites run only
 * when the samples folder is there, so a file missing from it is a broken
 * checkout, which fails the test (false, said here), never a skip. */
static inline bool dsb_sample_path_present(const char *rel, char *out, size_t n)
{
	dsb_sample_path(rel, out, n);
	if (access(out, R_OK) == 0)
		return true;
	printf("\n    missing sample %s", out);
	CU_FAIL("missing sample");
	return false;
}

/* A whole sample in memory (malloc'd; *len its size).  Only sample suites
 * call it, which run when the samples folder is there: a file missing
 * from it is a broken checkout, so NULL (said here) fails the test rather
 * than skipping it. */
static inline uint8_t *dsb_sample_load(const char *rel, size_t *len)
{
	char path[1024];
	dsb_sample_path(rel, path, sizeof(path));
	*len = 0;
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	if (f && fseek(f, 0, SEEK_END) == 0) {
		long size = ftell(f);
		if (size > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size)))
			*len = fread(buf, 1, (size_t)size, f);
	}
	if (f)
		fclose(f);
	if (!buf)
		printf("\n    missing sample %s", path);
	return buf;
}

/* The samples are there when their INDEX.md is: a folder without it (or
 * none at all) is "absent", and a folder with it but missing a file the
 * tests name is a broken checkout that fails, not a skip. */
static inline bool dsb_samples_present(void)
{
	char path[1024];
	dsb_sample_path("INDEX.md", path, sizeof(path));
	return access(path, R_OK) == 0;
}

/* Run the suites argv selects: no argument -> `suites`; "--samples" ->
 * `sample_suites` (exit 77 when the samples are absent).  Any other
 * argument is a usage error. */
static int dsb_test_main_samples(int argc, char **argv, const struct dsb_suite *suites, size_t n,
				 const struct dsb_suite *sample_suites, size_t nsamples)
{
	if (argc > 2 || (argc == 2 && (strcmp(argv[1], "--samples") != 0 || !nsamples))) {
		fprintf(stderr, "usage: %s%s\n", argv[0], nsamples ? " [--samples]" : "");
		return 2;
	}
	bool samples = argc == 2;
	if (samples && !dsb_samples_present()) {
		printf("SKIPPED: the sample databases are absent (no %s/INDEX.md); "
		       "their checks did not run\n", dsb_samples_dir());
		return DSB_SKIP_STATUS;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	const struct dsb_suite *sel = samples ? sample_suites : suites;
	size_t nsel = samples ? nsamples : n;
	for (size_t i = 0; i < nsel; i++) {
		CU_pSuite s = CU_add_suite(sel[i].name,
					   samples ? dsb_suite_init_samples : dsb_suite_init_built, NULL);
		if (!s)
			return 2;
		for (const struct dsb_test *t = sel[i].tests; t->name; t++)
			if (!CU_add_test(s, t->name, t->fn))
				return 2;
	}
	if (samples)
		printf("samples: %s\n", dsb_samples_dir());
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

/* For test programs with a main() of their own and no sample suites. */
static inline int dsb_run_suites(const struct dsb_suite *suites, size_t n)
{
	char prog[] = "test", *argv[] = { prog, NULL };
	return dsb_test_main_samples(1, argv, suites, n, NULL, 0);
}

#define DSB_TEST_MAIN(suites) \
	int main(void) { return dsb_run_suites(suites, sizeof(suites) / sizeof((suites)[0])); }

#define DSB_TEST_MAIN_WITH_SAMPLES(suites, sample_suites) \
	int main(int argc, char **argv) \
	{ \
		return dsb_test_main_samples(argc, argv, suites, sizeof(suites) / sizeof((suites)[0]), \
					     sample_suites, \
					     sizeof(sample_suites) / sizeof((sample_suites)[0])); \
	}

#endif
