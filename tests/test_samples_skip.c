/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Regression tests for the samples switch of tests/cunit_main.h: the test
 * programs that read ../shared/samples once passed without them, saying
 * "skipped" only in output ctest hides.  Now `PROG --samples` exits 77
 * (ctest's SKIP_RETURN_CODE: "Skipped") when the samples are absent,
 * fails when their folder is there but a file is missing, and `PROG`
 * alone runs only the suites named for the built database.
 *
 * The programs are the ones built beside this one (the same build
 * folder); the samples folder is pointed elsewhere with the
 * DSB_SAMPLES_DIR environment variable, never renamed.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/cunit_main.h"

/* The programs with sample suites (CMakeLists.txt registers each twice). */
static const char *const programs[] = {
	"test_ese_samples", "test_ese_capture", "test_ese_cli", "test_ese_diag", "test_ese_file",
	"test_ese_pageview", "test_esedb", "test_esedb_heavy",
};
#define NPROGRAMS (sizeof(programs) / sizeof(programs[0]))

static char bindir[PATH_MAX], tmp[64];

static bool find_bindir(void)
{
	ssize_t n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
	if (n <= 0)
		return false;
	bindir[n] = '\0';
	char *slash = strrchr(bindir, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return true;
}

struct result {
	int status;          /* exit status, -1 if it did not exit */
	char out[1 << 16];   /* the start of its standard output */
};

/* Run bindir/prog [arg] with DSB_SAMPLES_DIR=samples (NULL: unset). */
static void run(const char *prog, const char *arg, const char *samples, struct result *r)
{
	char path[PATH_MAX + 64], outpath[128];
	snprintf(path, sizeof(path), "%s/%s", bindir, prog);
	snprintf(outpath, sizeof(outpath), "%s/out", tmp);
	memset(r, 0, sizeof(*r));
	r->status = -1;
	pid_t pid = fork();
	if (pid == 0) {
		int fo = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open("/dev/null", O_WRONLY);
		if (fo < 0 || fe < 0)
			_exit(127);
		dup2(fo, 1);
		dup2(fe, 2);
		if (samples)
			setenv("DSB_SAMPLES_DIR", samples, 1);
		else
			unsetenv("DSB_SAMPLES_DIR");
		execl(path, prog, arg, (char *)NULL);
		_exit(127);
	}
	int st;
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	FILE *f = fopen(outpath, "rb");
	if (f) {
		size_t n = fread(r->out, 1, sizeof(r->out) - 1, f);
		r->out[n] = '\0';
		fclose(f);
	}
}

static void setup(void)
{
	CU_ASSERT_FATAL(find_bindir());
	CU_ASSERT_FATAL(mkdtemp(strcpy(tmp, "/tmp/dsb-skip-XXXXXX")) != NULL);
}

/* An empty folder as the samples: 77 and a SKIPPED line, no suite run. */
static void regression_samples_absent_reported_as_skipped(void)
{
	static struct result r;
	char empty[128];
	snprintf(empty, sizeof(empty), "%s/no-samples", tmp);
	CU_ASSERT_FATAL(mkdir(empty, 0700) == 0);
	for (size_t i = 0; i < NPROGRAMS; i++) {
		run(programs[i], "--samples", empty, &r);
		if (r.status != DSB_SKIP_STATUS)
			printf("\n    %s --samples: exit %d", programs[i], r.status);
		CU_ASSERT_EQUAL(r.status, DSB_SKIP_STATUS);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "SKIPPED: the sample databases are absent"));
		CU_ASSERT_PTR_NULL(strstr(r.out, "Suite:"));
	}
	rmdir(empty);
}

/* A samples folder with its INDEX.md but without the databases is a
 * broken checkout: the sample checks fail, they are not skipped. */
static void regression_partial_samples_fail_not_skip(void)
{
	static struct result r;
	char dir[128], index[160];
	snprintf(dir, sizeof(dir), "%s/partial", tmp);
	snprintf(index, sizeof(index), "%s/INDEX.md", dir);
	CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
	FILE *f = fopen(index, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs("# samples index only\n", f);
	fclose(f);
	for (size_t i = 0; i < NPROGRAMS; i++) {
		run(programs[i], "--samples", dir, &r);
		if (r.status != 1 || !strstr(r.out, "missing sample"))
			printf("\n    %s --samples on INDEX.md alone: exit %d", programs[i], r.status);
		CU_ASSERT_EQUAL(r.status, 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "missing sample"));
	}
	unlink(index);
	rmdir(dir);
}

/* Without --samples: only the built-database suites, whatever
 * DSB_SAMPLES_DIR says; every suite name says so or names no sample. */
static void regression_fallback_named_as_built_database(void)
{
	static struct result r;
	run("test_ese_samples", NULL, "/nonexistent", &r);
	CU_ASSERT_EQUAL(r.status, 0);
	unsigned suites = 0;
	for (const char *p = r.out; (p = strstr(p, "Suite: ")) != NULL; p += 7) {
		suites++;
		CU_ASSERT_EQUAL(strncmp(p + 7, "built database", 14), 0);
	}
	CU_ASSERT_EQUAL(suites, 4);
	CU_ASSERT_PTR_NULL(strstr(r.out, "skipped"));
}

/* CMake registers each program a second time, NAME_samples with
 * `--samples` and SKIP_RETURN_CODE 77 (read from the CTestTestfile.cmake
 * of this build folder). */
static void test_ctest_registration(void)
{
	char path[PATH_MAX + 32], line[4096];
	snprintf(path, sizeof(path), "%s/CTestTestfile.cmake", bindir);
	FILE *f = fopen(path, "r");
	CU_ASSERT_FATAL(f != NULL);
	unsigned added[NPROGRAMS] = { 0 }, skippable[NPROGRAMS] = { 0 }, heavy[NPROGRAMS] = { 0 };
	_Static_assert(sizeof(added) / sizeof(added[0]) == NPROGRAMS, "one counter per program");
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; i < NPROGRAMS; i++) {
			char name[64];
			snprintf(name, sizeof(name), "%s_samples", programs[i]);
			if (!strstr(line, name))
				continue;
			added[i] += strncmp(line, "add_test(", 9) == 0 && strstr(line, "\"--samples\"");
			bool props = strncmp(line, "set_tests_properties(", 21) == 0;
			skippable[i] += props && strstr(line, "SKIP_RETURN_CODE \"77\"") != NULL;
			heavy[i] += props && strstr(line, "LABELS \"samples;heavy\"") != NULL;
		}
	fclose(f);
	for (size_t i = 0; i < NPROGRAMS; i++) {
		if (added[i] != 1 || skippable[i] != 1)
			printf("\n    %s_samples: %u add_test, %u with SKIP_RETURN_CODE 77", programs[i],
			       added[i], skippable[i]);
		CU_ASSERT_EQUAL(added[i], 1);
		CU_ASSERT_EQUAL(skippable[i], 1);
		/* A heavy program's sample run keeps the heavy label, so the
		 * sanitizer run (-LE 'fuzz|heavy') leaves it out as well. */
		size_t len = strlen(programs[i]);
		bool is_heavy = len > 6 && strcmp(programs[i] + len - 6, "_heavy") == 0;
		if (heavy[i] != (is_heavy ? 1u : 0u))
			printf("\n    %s_samples: labels samples;heavy %u times", programs[i], heavy[i]);
		CU_ASSERT_EQUAL(heavy[i], is_heavy ? 1u : 0u);
	}
}

static void test_usage(void)
{
	static struct result r;
	run("test_ese_samples", "--bogus", NULL, &r);
	CU_ASSERT_EQUAL(r.status, 2);
}

static void cleanup(void)
{
	char out[128];
	snprintf(out, sizeof(out), "%s/out", tmp);
	unlink(out);
	CU_ASSERT_EQUAL(rmdir(tmp), 0);
}

static const struct dsb_test tests[] = {
	{ "setup", setup },
	{ "regression_samples_absent_reported_as_skipped", regression_samples_absent_reported_as_skipped },
	{ "regression_partial_samples_fail_not_skip", regression_partial_samples_fail_not_skip },
	{ "regression_fallback_named_as_built_database", regression_fallback_named_as_built_database },
	{ "ctest runs each with --samples, 77 meaning skipped", test_ctest_registration },
	{ "an unknown argument is a usage error", test_usage },
	{ "cleanup", cleanup },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "samples switch", tests },
};

DSB_TEST_MAIN(suites)
