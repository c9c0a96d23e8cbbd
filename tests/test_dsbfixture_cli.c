/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fixture command itself: what it does with arguments a person types.
 * `dsbfixture logset --help` once wrote a whole backup set (ntds.dit and
 * five logs) into a folder named "--help" of the current directory, and
 * that folder was committed: an option given where a path is expected is
 * now a usage error, and `--help` after a command prints the help.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "verify/capture/capture.h"
#include "verify/set/set.h"

#include "tests/cunit_main.h"

/* Run dsbfixture with args in folder `cwd`, output to /dev/null; its
 * exit status, or -1. */
static int fixture_run(const char *cwd, const char *const *args)
{
	const char *argv[12];
	size_t n = 0;
	argv[n++] = DSB_FIXTURE_BINARY;
	for (size_t i = 0; args[i] && n < 11; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd < 0 || chdir(cwd) != 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(DSB_FIXTURE_BINARY, (char *const *)argv);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Entries of folder `dir`, "." and ".." left out. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *scratch(void)
{
	static char tmpl[64];
	snprintf(tmpl, sizeof(tmpl), "/tmp/dsbfx-cli-XXXXXX");
	return mkdtemp(tmpl);
}

static void regression_option_is_never_an_output_folder(void)
{
	char *dir = scratch();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	static const char *const cases[][4] = {
		{ "logset", "--help", NULL },
		{ "logset", "-h", NULL },
		{ "example", "--help", NULL },
		{ "write", "dc-full-backup", "--help", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL(fixture_run(dir, cases[i]), 0);   /* the help */
		CU_ASSERT_EQUAL(entries(dir), 0);
	}
	static const char *const bad[][5] = {
		{ "logset", "--db", "none", NULL },
		{ "big", "--size", "1M", NULL },
		{ "write", "dc-full-backup", "--format", "tar", NULL },
		{ "seeds", "-x", NULL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(fixture_run(dir, bad[i]), 2);     /* usage */
		CU_ASSERT_EQUAL(entries(dir), 0);
	}
	rmdir(dir);
}

static void an_ordinary_folder_is_still_written(void)
{
	char *dir = scratch();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	static const char *const args[] = { "logset", "set", "--db", "none", "--gens", "1-2", NULL };
	CU_ASSERT_EQUAL(fixture_run(dir, args), 0);
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/set", dir);
	CU_ASSERT_EQUAL(entries(sub), 2);   /* edb00001.log, edb00002.log */
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/* `example --log-format v7` (and `write dc-full-backup`): the DC backup
 * with v7 logs, restorable; a format other than v8 or v7, and the
 * option on a command or scenario it does not apply to, are usage
 * errors that write nothing. */
static void log_format_v7(void)
{
	char *dir = scratch();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	static const char *const bad[][8] = {
		{ "example", "x.tar", "--log-format", "v9", NULL },
		{ "example", "x.tar", "--log-format", NULL },
		{ "write", "good-full-backup", "x.tar", "--log-format", "v7", NULL },
		{ "big", "x.tar", "--size", "1M", "--log-format", "v7", NULL },
		{ "journal", "x", "--records", "10", "--log-format", "v7", NULL },
		{ "ese", "x", "--size", "1M", "--log-format", "v7", NULL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(fixture_run(dir, bad[i]), 2);
		CU_ASSERT_EQUAL(entries(dir), 0);
	}
	static const char *const ok[][8] = {
		{ "example", "v7.tar", "--log-format", "v7", NULL },
		{ "write", "dc-full-backup", "v7.zip", "--log-format", "v7", "--log-size", "64K", NULL },
		{ "example", "v8.tar", "--log-format", "v8", NULL },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(fixture_run(dir, ok[i]), 0);
		char path[128];
		const char *out = strcmp(ok[i][0], "write") == 0 ? ok[i][2] : ok[i][1];
		snprintf(path, sizeof(path), "%s/%s", dir, out);
		struct dsb_report *r = dsb_report_new(DSB_FAIL_ON_ERROR);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_EQUAL(dsb_verify_input(r, path, NULL), 0);
		CU_ASSERT_EQUAL(r->nlogs, 5);
		for (size_t k = 0; k < r->nlogs; k++) {
			CU_ASSERT_EQUAL(r->logs[k].version[0], i == 2 ? 8u : 7u);
			CU_ASSERT_EQUAL(r->logs[k].sector_size, i == 2 ? 4096u : 512u);
			CU_ASSERT_EQUAL(r->logs[k].size, i == 1 ? 65536u : 1048576u);
		}
		CU_ASSERT_EQUAL_FATAL(r->nsets, 1);
		CU_ASSERT_EQUAL(r->sets[0].verdict, DSB_SETV_RESTORABLE);
		CU_ASSERT_EQUAL(dsb_report_verdict(r, -1), DSB_PASS);
		dsb_report_free(r);
		unlink(path);
	}
	rmdir(dir);
}

static const struct dsb_test cli_tests[] = {
	{ "regression: an option is never an output folder", regression_option_is_never_an_output_folder },
	{ "an ordinary folder is still written", an_ordinary_folder_is_still_written },
	{ "--log-format v7: the DC backup with v7 logs; misuse refused", log_format_v7 },
	{ NULL, NULL },
};

static const struct dsb_suite suites[] = {
	{ "dsbfixture command line", cli_tests },
};

DSB_TEST_MAIN(suites)
