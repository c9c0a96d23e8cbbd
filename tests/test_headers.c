/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who may include what (issue 6 §5):
 *  - the private headers of a folder refuse to be included from outside
 *    it: compiled without the folder's macro they stop with #error, and
 *    compile with it;
 *  - the CLI (inspector/) includes the core through dsbinspect.h only,
 *    never a header of format/ or verify/;
 *  - lib/ includes nothing of format/, verify/ or inspector/.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/cunit_main.h"

/* Compile `src` (syntax only) against the source tree; returns the exit
 * status and puts the compiler's output in out. */
static int compile(const char *src, char *out, size_t cap)
{
	char tmpl[] = "/tmp/dsb_headers_XXXXXX.c";
	int fd = mkstemps(tmpl, 2);
	CU_ASSERT_FATAL(fd >= 0);
	FILE *f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(src, f);
	fclose(f);
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "cc -std=c11 -fsyntax-only -D_DEFAULT_SOURCE -I'%s' '%s' 2>&1", DSB_SOURCE_DIR, tmpl);
	FILE *p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	remove(tmpl);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static const struct {
	const char *header, *macro;
} private_headers[] = {
	{ "verify/protocol/replay_int.h", "DSB_REPLAY_INTERNAL" },
	{ "format/journal_int.h", "DSB_JOURNAL_INTERNAL" },
	{ "verify/ese/ese_private.h", "DSB_ESE_INTERNAL" },
	{ "verify/set/set_int.h", "DSB_SET_INTERNAL" },
	{ "verify/logs/logs_int.h", "DSB_LOGS_INTERNAL" },
};

static void test_private_headers_refuse_outsiders(void)
{
	for (size_t i = 0; i < sizeof private_headers / sizeof private_headers[0]; i++) {
		char src[256], out[4096];
		snprintf(src, sizeof src, "#include \"%s\"\nint main(void) { return 0; }\n",
			 private_headers[i].header);
		CU_ASSERT_NOT_EQUAL(compile(src, out, sizeof out), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "#error"));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "internal to"));
		/* The twin: the folder's macro lets it in. */
		snprintf(src, sizeof src, "#define %s\n#include \"%s\"\nint main(void) { return 0; }\n",
			 private_headers[i].macro, private_headers[i].header);
		int st = compile(src, out, sizeof out);
		CU_ASSERT_EQUAL(st, 0);
		if (st != 0)
			fprintf(stderr, "%s with %s: %s\n", private_headers[i].header,
				private_headers[i].macro, out);
	}
}

/* How many `#include "..."` lines of the .c and .h files of a folder
 * start with one of the refused prefixes (named on stderr when `say`). */
static unsigned refused_includes(const char *folder, const char *const *refused, size_t nref,
				 bool say)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", DSB_SOURCE_DIR, folder);
	DIR *d = opendir(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	unsigned bad = 0, files = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 3 || (strcmp(e->d_name + len - 2, ".c") != 0 &&
				strcmp(e->d_name + len - 2, ".h") != 0))
			continue;
		snprintf(path, sizeof path, "%s/%s/%s", DSB_SOURCE_DIR, folder, e->d_name);
		FILE *f = fopen(path, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		files++;
		char line[1024];
		while (fgets(line, sizeof line, f)) {
			const char *p = line;
			while (*p == ' ' || *p == '\t')
				p++;
			if (strncmp(p, "#include \"", 10) != 0)
				continue;
			for (size_t k = 0; k < nref; k++)
				if (strncmp(p + 10, refused[k], strlen(refused[k])) == 0) {
					if (say)
						fprintf(stderr, "%s/%s: %s", folder, e->d_name, line);
					bad++;
				}
		}
		fclose(f);
	}
	closedir(d);
	CU_ASSERT(files > 0);
	return bad;
}

static void test_cli_includes_one_public_header(void)
{
	static const char *const refused[] = { "format/", "verify/" };
	CU_ASSERT_EQUAL(refused_includes("inspector", refused, 2, true), 0);
	/* The check sees what it looks for: the core's own folders do. */
	CU_ASSERT_NOT_EQUAL(refused_includes("verify/capture", refused, 2, false), 0);
}

static void test_lib_includes_no_layer(void)
{
	static const char *const refused[] = { "format/", "verify/", "inspector/" };
	CU_ASSERT_EQUAL(refused_includes("lib", refused, 3, true), 0);
}

static const struct dsb_test header_tests[] = {
	{ "private headers refuse outsiders", test_private_headers_refuse_outsiders },
	{ "the CLI includes one public header", test_cli_includes_one_public_header },
	{ "lib/ includes no layer", test_lib_includes_no_layer },
	{ NULL, NULL },
};
static const struct dsb_suite suites[] = { { "headers", header_tests } };
DSB_TEST_MAIN(suites)
