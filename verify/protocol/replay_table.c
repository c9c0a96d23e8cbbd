/* SPDX-License-Identifier: Apache-2.0 */
/*
 * THE transition table of the protocol replay (report-contract §4.1,
 * §4.2, §5.2, §5.3): for each handle state and each handle-taking call,
 * the checks to run (whatever the result), the effects of a call that
 * counts and of any call, and the next state.  verify/protocol/replay.c has the one
 * function that walks it; nothing else changes a handle's state.
 *
 * Reading a row: a cell lists what that call means in that state.  A
 * call that is misplaced in a state shows it by a check in its cell (P007
 * for a read with nothing open, P010 for a close, P004 for a second open,
 * R007 for a RegisterComplete before any Register), not by a missing cell.
 * Rows HS_NONE and HS_ENDED are handles that are not live: every call
 * there is P001 and isolated.  A backup-only call in a restore row, or a
 * restore-only call in a backup row, is R009 and isolated.  Isolated calls
 * keep only the checks on their own parameters and outputs (P006, P008's
 * buffer case, P021) and P022.
 */
#include <assert.h>

#define DSB_REPLAY_INTERNAL
#include "verify/protocol/replay_int.h"

const char *const dsb_rp_state_names[HS_COUNT] = {
	[HS_NONE]         = "not live",
	[HS_B_READY]      = "backup: no file open",
	[HS_B_OPEN]       = "backup: file open",
	[HS_R_READY]      = "restore: prepared",
	[HS_R_REGISTERED] = "restore: registered",
	[HS_R_COMPLETE]   = "restore: register complete",
	[HS_ENDED]        = "ended",
};
static_assert(sizeof(dsb_rp_state_names) / sizeof(dsb_rp_state_names[0]) == HS_COUNT,
	      "one name per handle state");

/* The cells shared by several rows. */

/* A handle that is not live (P001): every handle-taking call. */
#define ROW_NOT_LIVE \
	[DSB_FN_BACKUP_GET_DATABASE_NAMES] = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P021) | BIT(CK_P022) }, \
	[DSB_FN_BACKUP_OPEN_FILE]          = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P006_HINT) | BIT(CK_P022) }, \
	[DSB_FN_BACKUP_READ]               = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P006_READ) | BIT(CK_P008) | BIT(CK_P022) }, \
	[DSB_FN_BACKUP_CLOSE]              = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P022) }, \
	[DSB_FN_BACKUP_GET_BACKUP_LOGS]    = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P021) | BIT(CK_P022) }, \
	[DSB_FN_BACKUP_TRUNCATE_LOGS]      = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P022) }, \
	[DSB_FN_BACKUP_END]                = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P022) }, \
	[DSB_FN_RESTORE_GET_DATABASE_LOCATIONS] = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P021) | BIT(CK_P022) }, \
	[DSB_FN_RESTORE_REGISTER]          = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P022) }, \
	[DSB_FN_RESTORE_REGISTER_COMPLETE] = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P022) }, \
	[DSB_FN_RESTORE_END]               = { .isolated = true, .checks = BIT(CK_P001) | BIT(CK_P022) }

/* A restore handle given a backup-only call (R009).  A restore handle
 * never has a file open, so a DsBackupClose recorded as S_OK there is
 * P022's case (a). */
#define CELLS_BACKUP_ONLY_ON_RESTORE \
	[DSB_FN_BACKUP_GET_DATABASE_NAMES] = { .isolated = true, .checks = BIT(CK_R009) | BIT(CK_P021) }, \
	[DSB_FN_BACKUP_OPEN_FILE]          = { .isolated = true, .checks = BIT(CK_R009) | BIT(CK_P006_HINT) }, \
	[DSB_FN_BACKUP_READ]               = { .isolated = true, .checks = BIT(CK_R009) | BIT(CK_P006_READ) | BIT(CK_P008) }, \
	[DSB_FN_BACKUP_CLOSE]              = { .isolated = true, .checks = BIT(CK_R009) | BIT(CK_P022) }, \
	[DSB_FN_BACKUP_GET_BACKUP_LOGS]    = { .isolated = true, .checks = BIT(CK_R009) | BIT(CK_P021) }, \
	[DSB_FN_BACKUP_TRUNCATE_LOGS]      = { .isolated = true, .checks = BIT(CK_R009) }, \
	[DSB_FN_BACKUP_END]                = { .isolated = true, .checks = BIT(CK_R009) }

/* A backup handle given a restore-only call (R009). */
#define CELLS_RESTORE_ONLY_ON_BACKUP \
	[DSB_FN_RESTORE_REGISTER]          = { .isolated = true, .checks = BIT(CK_R009) }, \
	[DSB_FN_RESTORE_REGISTER_COMPLETE] = { .isolated = true, .checks = BIT(CK_R009) }, \
	[DSB_FN_RESTORE_END]               = { .isolated = true, .checks = BIT(CK_R009) }

/* DsRestoreGetDatabaseLocations is allowed on both kinds (RC §4.2). */
#define CELL_LOCATIONS \
	[DSB_FN_RESTORE_GET_DATABASE_LOCATIONS] = { .checks = BIT(CK_P021), .on_ok = BIT(EF_LIST_LOCATIONS) }

/* Restore calls that do not depend on the Register state. */
#define CELL_REGISTER \
	[DSB_FN_RESTORE_REGISTER] = { .checks = BIT(CK_R003) | BIT(CK_R005) | BIT(CK_R006) | BIT(CK_P022), \
				      .on_ok = BIT(EF_REGISTERED), .next_ok = HS_R_REGISTERED }

const struct transition dsb_rp_table[HS_COUNT][DSB_FN_COUNT] = {
	[HS_NONE] = { ROW_NOT_LIVE },
	[HS_ENDED] = { ROW_NOT_LIVE },

	[HS_B_READY] = {
		[DSB_FN_BACKUP_GET_DATABASE_NAMES] = { .checks = BIT(CK_P021), .on_ok = BIT(EF_LIST_DBNAMES) },
		[DSB_FN_BACKUP_OPEN_FILE] = {
			.checks = BIT(CK_P005) | BIT(CK_P006_HINT) | BIT(CK_P012),
			.on_ok = BIT(EF_OPEN), .next_ok = HS_B_OPEN },
		[DSB_FN_BACKUP_READ] = { .checks = BIT(CK_P006_READ) | BIT(CK_P007) | BIT(CK_P008) },
		[DSB_FN_BACKUP_CLOSE] = { .checks = BIT(CK_P010) | BIT(CK_P022) },
		[DSB_FN_BACKUP_GET_BACKUP_LOGS] = { .checks = BIT(CK_P011) | BIT(CK_P021), .on_ok = BIT(EF_LIST_LOGS) },
		[DSB_FN_BACKUP_TRUNCATE_LOGS] = { .checks = BIT(CK_P013), .on_ok = BIT(EF_TRUNCATED) },
		[DSB_FN_BACKUP_END] = { .on_any = BIT(EF_END_SESSION), .next_any = HS_ENDED },
		CELL_LOCATIONS,
		CELLS_RESTORE_ONLY_ON_BACKUP,
	},

	[HS_B_OPEN] = {
		[DSB_FN_BACKUP_GET_DATABASE_NAMES] = { .checks = BIT(CK_P021), .on_ok = BIT(EF_LIST_DBNAMES) },
		/* A successful second open ends the first, not complete (RC §4.1). */
		[DSB_FN_BACKUP_OPEN_FILE] = {
			.checks = BIT(CK_P004) | BIT(CK_P005) | BIT(CK_P006_HINT) | BIT(CK_P012) | BIT(CK_P022),
			.on_ok = BIT(EF_END_OPEN) | BIT(EF_OPEN), .next_ok = HS_B_OPEN },
		[DSB_FN_BACKUP_READ] = { .checks = BIT(CK_P006_READ) | BIT(CK_P008), .on_ok = BIT(EF_COUNT_BYTES) },
		/* Close ends the open whatever its result (CF §6). */
		[DSB_FN_BACKUP_CLOSE] = { .checks = BIT(CK_P009),
					  .on_any = BIT(EF_END_OPEN), .next_any = HS_B_READY },
		[DSB_FN_BACKUP_GET_BACKUP_LOGS] = { .checks = BIT(CK_P011) | BIT(CK_P021), .on_ok = BIT(EF_LIST_LOGS) },
		[DSB_FN_BACKUP_TRUNCATE_LOGS] = { .checks = BIT(CK_P013), .on_ok = BIT(EF_TRUNCATED) },
		[DSB_FN_BACKUP_END] = { .checks = BIT(CK_P015),
					.on_any = BIT(EF_END_OPEN) | BIT(EF_END_SESSION), .next_any = HS_ENDED },
		CELL_LOCATIONS,
		CELLS_RESTORE_ONLY_ON_BACKUP,
	},

	[HS_R_READY] = {
		CELL_LOCATIONS,
		CELL_REGISTER,
		[DSB_FN_RESTORE_REGISTER_COMPLETE] = { .checks = BIT(CK_R007) },
		[DSB_FN_RESTORE_END] = { .on_any = BIT(EF_END_SESSION), .next_any = HS_ENDED },
		CELLS_BACKUP_ONLY_ON_RESTORE,
	},

	[HS_R_REGISTERED] = {
		CELL_LOCATIONS,
		CELL_REGISTER,
		[DSB_FN_RESTORE_REGISTER_COMPLETE] = { .next_ok = HS_R_COMPLETE },
		[DSB_FN_RESTORE_END] = { .checks = BIT(CK_R007),
					 .on_any = BIT(EF_END_SESSION), .next_any = HS_ENDED },
		CELLS_BACKUP_ONLY_ON_RESTORE,
	},

	[HS_R_COMPLETE] = {
		CELL_LOCATIONS,
		CELL_REGISTER,
		[DSB_FN_RESTORE_REGISTER_COMPLETE] = { 0 },
		[DSB_FN_RESTORE_END] = { .on_any = BIT(EF_END_SESSION), .next_any = HS_ENDED },
		CELLS_BACKUP_ONLY_ON_RESTORE,
	},
};
