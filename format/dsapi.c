/* SPDX-License-Identifier: Apache-2.0 */
#include "format/dsapi.h"

/* Names as the capture format writes them, indexed by enum dsb_charset. */
#define AW(n)   .name = { n, n "A", n "W" }, .aw = true
#define ONE(n)  .name = { n, n, n }, .aw = false

/* Required fields, bold in CF §5.2. */
#define NO_FIELDS     { .n = 0 }
#define F1(a)         { .n = 1, .f = { a } }
#define F2(a, b)      { .n = 2, .f = { a, b } }
#define F3(a, b, c)   { .n = 3, .f = { a, b, c } }

_Static_assert(DSB_FN_REQUIRED_MAX == 3,
	       "F3 is the longest list: DsBackupOpenFile's and DsRestoreRegister's in fields");

const struct dsb_fn_info dsb_fn_table[DSB_FN_COUNT] = {
	[DSB_FN_NONE] = { ONE("?"), .scope = DSB_SCOPE_NONE,
		.in = NO_FIELDS, .out = NO_FIELDS },
	[DSB_FN_IS_NTDS_ONLINE] = { AW("DsIsNTDSOnline"), .scope = DSB_SCOPE_NONE,
		.in = NO_FIELDS, .out = F1(DSB_F_ONLINE) },
	[DSB_FN_SET_AUTH_IDENTITY] = { AW("DsSetAuthIdentity"), .scope = DSB_SCOPE_NONE,
		.in = NO_FIELDS, .out = NO_FIELDS },
	[DSB_FN_BACKUP_PREPARE] = { AW("DsBackupPrepare"), .scope = DSB_SCOPE_NONE,
		.in = F2(DSB_F_GRBIT, DSB_F_BACKUP_TYPE), .out = F1(DSB_F_OUT_HBC) },
	[DSB_FN_BACKUP_GET_DATABASE_NAMES] = { AW("DsBackupGetDatabaseNames"),
		.scope = DSB_SCOPE_BACKUP, .returns_list = true,
		.in = F1(DSB_F_HBC), .out = F2(DSB_F_LIST, DSB_F_SIZE) },
	[DSB_FN_BACKUP_OPEN_FILE] = { AW("DsBackupOpenFile"), .scope = DSB_SCOPE_BACKUP,
		.in = F3(DSB_F_HBC, DSB_F_NAME, DSB_F_READ_HINT), .out = F1(DSB_F_FILE_SIZE) },
	[DSB_FN_BACKUP_READ] = { ONE("DsBackupRead"), .scope = DSB_SCOPE_BACKUP,
		.in = F2(DSB_F_HBC, DSB_F_BUFFER_SIZE), .out = F1(DSB_F_BYTES_READ) },
	[DSB_FN_BACKUP_CLOSE] = { ONE("DsBackupClose"), .scope = DSB_SCOPE_BACKUP,
		.in = F1(DSB_F_HBC), .out = NO_FIELDS },
	[DSB_FN_BACKUP_GET_BACKUP_LOGS] = { AW("DsBackupGetBackupLogs"),
		.scope = DSB_SCOPE_BACKUP, .returns_list = true,
		.in = F1(DSB_F_HBC), .out = F2(DSB_F_LIST, DSB_F_SIZE) },
	[DSB_FN_BACKUP_TRUNCATE_LOGS] = { ONE("DsBackupTruncateLogs"), .scope = DSB_SCOPE_BACKUP,
		.in = F1(DSB_F_HBC), .out = NO_FIELDS },
	[DSB_FN_BACKUP_END] = { ONE("DsBackupEnd"), .scope = DSB_SCOPE_BACKUP,
		.in = F1(DSB_F_HBC), .out = NO_FIELDS },
	[DSB_FN_BACKUP_FREE] = { ONE("DsBackupFree"), .scope = DSB_SCOPE_NONE,
		.in = F1(DSB_F_PTR), .out = NO_FIELDS },
	[DSB_FN_RESTORE_PREPARE] = { AW("DsRestorePrepare"), .scope = DSB_SCOPE_NONE,
		.in = F1(DSB_F_RESTORE_TYPE), .out = F1(DSB_F_OUT_HBC) },
	[DSB_FN_RESTORE_GET_DATABASE_LOCATIONS] = { AW("DsRestoreGetDatabaseLocations"),
		.scope = DSB_SCOPE_BOTH, .returns_list = true,
		.in = F1(DSB_F_HBC), .out = F2(DSB_F_LIST, DSB_F_SIZE) },
	[DSB_FN_RESTORE_REGISTER] = { AW("DsRestoreRegister"), .scope = DSB_SCOPE_RESTORE,
		.in = F3(DSB_F_HBC, DSB_F_GEN_LOW, DSB_F_GEN_HIGH), .out = NO_FIELDS },
	[DSB_FN_RESTORE_REGISTER_COMPLETE] = { ONE("DsRestoreRegisterComplete"),
		.scope = DSB_SCOPE_RESTORE,
		.in = F2(DSB_F_HBC, DSB_F_RESTORE_STATE), .out = NO_FIELDS },
	[DSB_FN_RESTORE_END] = { ONE("DsRestoreEnd"), .scope = DSB_SCOPE_RESTORE,
		.in = F1(DSB_F_HBC), .out = NO_FIELDS },
	[DSB_FN_SET_CURRENT_BACKUP_LOG] = { AW("DsSetCurrentBackupLog"), .scope = DSB_SCOPE_NONE,
		.in = NO_FIELDS, .out = NO_FIELDS },
};

_Static_assert(sizeof dsb_fn_table / sizeof dsb_fn_table[0] == DSB_FN_COUNT,
	       "one row per function of enum dsb_fn");
_Static_assert(DSB_FN_COUNT == 18, "CF §5.2 lists 17 functions, plus the row for none");

const struct dsb_fn_info *dsb_fn_info(enum dsb_fn fn)
{
	return &dsb_fn_table[(unsigned)fn < DSB_FN_COUNT ? fn : DSB_FN_NONE];
}

const char *dsb_fn_recorded_name(enum dsb_fn fn, enum dsb_charset cs)
{
	if ((unsigned)cs > DSB_CS_W)
		cs = DSB_CS_GENERIC;
	return dsb_fn_info(fn)->name[cs];
}
