/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the disk-image tests share (test_media.c, test_shadows.c): the
 * tools their fixtures run looked for (fixtures/lib/media.h), a fixture
 * step that must succeed, and their main: skip with 77 when a tool is
 * absent, else run the suites in a fresh work folder removed at the end.
 */
#ifndef DSB_TESTS_MEDIA_FIXTURE_H
#define DSB_TESTS_MEDIA_FIXTURE_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fixtures/lib/media.h"
#include "tests/cunit_main.h"
#include "verify/report.h"
#include "verify/rules.h"

/* A fixture step that must succeed; its message printed when not. */
static inline void media_fx_must(enum dfx_media_rc rc, const char *err)
{
	if (rc != DFX_MEDIA_OK)
		printf("\n    %s", err);
	CU_ASSERT_EQUAL_FATAL(rc, DFX_MEDIA_OK);
}

/* Findings of rule on input (-1: any input). */
static inline size_t media_fx_count_rule(struct dsb_report *r, int input, enum dsb_rule rule)
{
	size_t n, k = 0;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		if (f[i].rule == rule && (input < 0 || f[i].input == input))
			k++;
	return k;
}

/* Every finding, with the input's name, for a failing assertion. */
static inline void media_fx_print_findings(struct dsb_report *r)
{
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n);
	for (size_t i = 0; i < n; i++)
		printf("\n      %s %s @%lld: %s", dsb_rule_info(f[i].rule)->id,
		       f[i].input >= 0 && (size_t)f[i].input < r->ninputs ? r->inputs[f[i].input].path : "-",
		       (long long)f[i].offset, f[i].message);
}

/* A tool the fixtures run, looked for on PATH. */
static inline bool media_fx_have_tool(const char *name)
{
	const char *path = getenv("PATH");
	char dir[1024];
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(dir, sizeof dir, "%.*s/%s", (int)n, p, name);
		if (access(dir, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	/* mkntfs and ntfscp live in /usr/sbin, off a user's PATH */
	snprintf(dir, sizeof dir, "/usr/sbin/%s", name);
	return access(dir, X_OK) == 0;
}

/* The program's main: DSB_SKIP_STATUS when one of tools[] (NULL ended)
 * is absent (`packages` names what installs them); else the suites run
 * in work (a mkdtemp template of cap bytes), removed afterwards. */
static inline int media_fx_main(const char *const *tools, const char *packages, char *work,
				size_t cap, const char *tmpl, const struct dsb_suite *suites,
				size_t nsuites)
{
	for (size_t i = 0; tools[i]; i++)
		if (!media_fx_have_tool(tools[i])) {
			printf("SKIPPED: %s is not installed (%s)\n", tools[i], packages);
			return DSB_SKIP_STATUS;
		}
	snprintf(work, cap, "%s", tmpl);
	if (!mkdtemp(work))
		return 1;
	int rc = dsb_run_suites(suites, nsuites);
	char cmd[64 + 256];
	snprintf(cmd, sizeof cmd, "rm -rf '%.256s'", work);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}

#endif
