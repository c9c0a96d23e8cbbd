/* SPDX-License-Identifier: Apache-2.0 */
/*
 * THE table of the 17 DsBackup/DsRestore functions a capture records
 * (capture-format §5.2): per function, its names (generic, A, W), the
 * handle it takes (none, a backup handle only, a restore handle only,
 * either), whether it returns a list (RC §4.5), and the fields §5.2 marks
 * required -- `in` whatever the result, `out` on a successful call.
 *
 * Every fact about a function as such is read from here: the replay
 * (verify/protocol/) for names, scope and lists; the journal decoder
 * (format/journal.c) keeps its own field specs with offsets and types, and
 * tests/test_dsapi.c holds its idea of "required" against this table.
 */
#ifndef DSB_FORMAT_DSAPI_H
#define DSB_FORMAT_DSAPI_H

#include <stdbool.h>
#include <stdint.h>

#include "format/journal.h"

/* Which handle a function takes (RC §4.2: R009 for the wrong kind). */
enum dsb_fn_scope {
	DSB_SCOPE_NONE,      /* takes no handle (Prepare, Free, the server calls) */
	DSB_SCOPE_BACKUP,    /* a backup handle only */
	DSB_SCOPE_RESTORE,   /* a restore handle only */
	DSB_SCOPE_BOTH,      /* either kind */
};

/* The most required fields on one side of one function: DsBackupOpenFile
 * and DsRestoreRegister require three `in` fields. */
#define DSB_FN_REQUIRED_MAX 3

struct dsb_fn_fields {
	uint8_t n;
	enum dsb_field f[DSB_FN_REQUIRED_MAX];
};

struct dsb_fn_info {
	const char *name[3];          /* by enum dsb_charset: "DsBackupOpenFile", ...A, ...W;
				       * the generic name three times without A/W forms */
	bool aw;                      /* has A and W forms */
	enum dsb_fn_scope scope;
	bool returns_list;            /* out.list or out.list_raw, size, list_ptr */
	struct dsb_fn_fields in;      /* required in fields */
	struct dsb_fn_fields out;     /* required out fields of a successful call; DSB_F_LIST
				       * stands for "list or list_raw" */
};

/* Row DSB_FN_NONE is "?": an unknown or missing function. */
extern const struct dsb_fn_info dsb_fn_table[DSB_FN_COUNT];

/* The row of fn; DSB_FN_NONE's for anything out of range. */
const struct dsb_fn_info *dsb_fn_info(enum dsb_fn fn);

/* "DsBackupOpenFileW": the name as recorded with charset cs (out of range:
 * the generic form). */
const char *dsb_fn_recorded_name(enum dsb_fn fn, enum dsb_charset cs);

#endif
