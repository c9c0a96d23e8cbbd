/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Backup sets written by the log generator (fixtures/lib/loggen.h) into
 * fresh folders and checked as `dsbinspect ese PATH...` checks them
 * (verify/ese/ese_collection.h), for the set tests (test_sets.c,
 * test_set_binding.c).  Include after the CUnit and fixture headers;
 * every folder made is removed by set_fx_cleanup().
 */
#ifndef DSB_TESTS_SET_FIXTURE_H
#define DSB_TESTS_SET_FIXTURE_H

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures/lib/loggen.h"
#include "format/journal.h"
#include "verify/ese/ese_collection.h"

/* Folders a test program makes before it cleans up, and their names
 * ("/tmp/dsb-setfx-" and mkdtemp's six characters). */
#define SET_FX_DIRS 8
#define SET_FX_DIR_SIZE 32
static char set_fx_dirs[SET_FX_DIRS][SET_FX_DIR_SIZE];
static size_t set_fx_ndirs;
_Static_assert(sizeof "/tmp/dsb-setfx-XXXXXX" <= SET_FX_DIR_SIZE, "a folder's name fits");

static inline const char *set_fx_fresh_dir(void)
{
	CU_ASSERT_FATAL(set_fx_ndirs < SET_FX_DIRS);
	char *d = set_fx_dirs[set_fx_ndirs++];
	snprintf(d, SET_FX_DIR_SIZE, "/tmp/dsb-setfx-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(d));
	return d;
}

/* Write a generated set into folder d (made if missing). */
static inline void set_fx_write_into(const char *d, const struct dfx_logset_opts *o)
{
	char err[256] = "";
	struct dfx_logset *s = dfx_logset_new(o, err, sizeof err);
	if (!s)
		printf("\n    %s", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_FATAL(dfx_logset_write_dir(s, d, err, sizeof err));
	dfx_logset_free(s);
}

/* Write a generated set into a fresh folder. */
static inline const char *set_fx_write(const struct dfx_logset_opts *o)
{
	const char *d = set_fx_fresh_dir();
	set_fx_write_into(d, o);
	return d;
}

static inline void set_fx_cleanup(void)
{
	for (size_t i = 0; i < set_fx_ndirs; i++) {
		char cmd[SET_FX_DIR_SIZE + 16];
		snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", SET_FX_DIR_SIZE - 1, set_fx_dirs[i]);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	set_fx_ndirs = 0;
}

/* Called between the last PATH and the collection's end: stands for
 * what the log verifier (verify/logs/) marks on the report's logs. */
typedef void (*set_fx_before_end_fn)(struct dsb_report *rep);

/* Check the paths as one `ese` collection with --now and --tombstone-days
 * (0: the default). */
static inline struct dsb_report *set_fx_check(const char *const *paths, size_t n, const char *now,
					      uint32_t days, set_fx_before_end_fn before_end)
{
	struct dsb_report *rep = dsb_report_new(DSB_FAIL_ON_ERROR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	struct dsb_verify_opts vo = { .sets = { .has_now = true, .tombstone_days = days } };
	CU_ASSERT_FATAL(dsb_time_parse(now, strlen(now), &vo.sets.now));
	struct dsb_ese_collection *c = dsb_ese_collection_new(rep, &vo, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL(dsb_ese_collection_add(c, paths[i]), 0);
	if (before_end)
		before_end(rep);
	dsb_ese_collection_end(c);
	dsb_ese_collection_end(c);   /* once: a second call adds nothing */
	dsb_ese_collection_free(c);
	return rep;
}

/* The one finding of `rule`, or NULL (none, or more than one). */
static inline const struct dsb_finding *set_fx_only(struct dsb_report *r, enum dsb_rule rule)
{
	size_t n, k = 0;
	const struct dsb_finding *f = dsb_findings_sorted(r->findings, &n), *hit = NULL;
	for (size_t i = 0; i < n; i++)
		if (f[i].rule == rule) {
			hit = &f[i];
			k++;
		}
	return k == 1 ? hit : NULL;
}

/* A temporary file for a command's output (out: "/tmp/...-XXXXXX"). */
static inline void set_fx_temp(char *out)
{
	int fd = mkstemp(out);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
}

#endif
