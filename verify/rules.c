/* SPDX-License-Identifier: Apache-2.0 */
#include "verify/rules.h"

#include <string.h>

#define E DSB_SEV_ERROR
#define W DSB_SEV_WARNING
#define I DSB_SEV_INFO

/* The catalogue.  Severities and meanings are fixed by the report contract
 * (report-contract.md §5); the wording of explanation and remedy is ours. */
static const struct dsb_rule_info catalogue[DSB_RULE_COUNT] = {
	[DSB_C001] = { "DSB-C001", E, DSB_CAT_CAPTURE,
		"No journal, or more than one",
		"The capture must hold exactly one regular file named journal.jsonl, at the top level or one folder deep. Without exactly one, the sessions cannot be replayed and the input is not checked in full (exit status 2).",
		"Repack the capture with its single journal.jsonl; if several captures were merged into one archive, split them." },
	[DSB_C002] = { "DSB-C002", E, DSB_CAT_CAPTURE,
		"Journal line or record is malformed",
		"A journal line is not a valid UTF-8 JSON object (or is too long, too deeply nested, or has duplicate keys), or a record lacks a required field or has a field of the wrong type or form. The record is not replayed.",
		"Fix the agent that wrote the journal; the message names the line, the column when known and the faulty fields." },
	[DSB_C003] = { "DSB-C003", E, DSB_CAT_CAPTURE,
		"Record sequence number out of order",
		"A record's seq is not the previous record's seq plus 1: records were lost, duplicated or reordered between the agent and the archive.",
		"Recapture, or find where the journal was edited or spliced." },
	[DSB_C004] = { "DSB-C004", E, DSB_CAT_CAPTURE,
		"Journal cut short or miscounted",
		"The journal has no end record, has records after its end record, or its end record counts a different number of records. What was read is still judged; end-of-journal judgements need a complete journal.",
		"Make sure the agent finished writing the journal before the capture was packed." },
	[DSB_C005] = { "DSB-C005", E, DSB_CAT_CAPTURE,
		"Data member missing from the archive",
		"A data record names a member that the archive does not hold as a regular file: the bytes of that backed-up file are not in the capture.",
		"Repack the capture with every data member the journal names." },
	[DSB_C006] = { "DSB-C006", E, DSB_CAT_CAPTURE,
		"Data member size mismatch",
		"A data member's byte count differs from its data record's size, or that size differs from the bytes counted by the reads of the open it belongs to: the capture did not keep what was read.",
		"Recapture; check the agent's buffering and the archive for truncation." },
	[DSB_C007] = { "DSB-C007", E, DSB_CAT_CAPTURE,
		"Data member SHA-256 mismatch",
		"A data member's SHA-256 differs from the one its data record gives: the member changed after it was recorded, or the agent hashed other bytes.",
		"Treat the member as altered; recapture, and keep chain of custody for the original." },
	[DSB_C008] = { "DSB-C008", I, DSB_CAT_CAPTURE,
		"Member not named by any data record",
		"A regular-file member other than the journal is named by no data record, so nothing ties it to a read. Members outside the capture root are included.",
		"Nothing to do if the file was added on purpose; otherwise find out who added it." },
	[DSB_C009] = { "DSB-C009", E, DSB_CAT_CAPTURE,
		"Unsafe member path or member kind",
		"A member path is empty, absolute, has a drive letter, a backslash, a control character or NUL, or an empty, '.' or '..' component; or an archive member is a link, device, FIFO or socket. It is never opened or matched.",
		"Do not extract this archive blindly; repack it with plain relative paths and regular files." },
	[DSB_C010] = { "DSB-C010", E, DSB_CAT_CAPTURE,
		"Unsupported capture format or version",
		"The first record is not a capture record with format \"dsbackup-capture\" and version 1. The journal is not read further (exit status 2).",
		"Use a dsbinspect that supports this capture version, or fix the agent's first record." },
	[DSB_C011] = { "DSB-C011", E, DSB_CAT_CAPTURE,
		"Password in the journal",
		"A record holds a key named password. Its value was discarded while parsing and is never shown, but the capture itself holds a secret.",
		"Rotate that password, then remove it from the capture and fix the agent so it never records credentials." },
	[DSB_C012] = { "DSB-C012", W, DSB_CAT_CAPTURE,
		"Unknown record kind, function or result name",
		"A record kind, function name or result name is not one the capture format defines. The record (or call) is skipped, or the result taken as an unknown failure.",
		"Check the agent's version against the capture format." },
	[DSB_C013] = { "DSB-C013", W, DSB_CAT_CAPTURE,
		"Time goes backwards",
		"A call ends before it begins, begins before the capture started, completes before the previous call completed, or the journal finishes before its last call completed: clocks or record order are not trustworthy.",
		"Check the agent host's clock and the order in which the agent writes records." },
	[DSB_C014] = { "DSB-C014", E, DSB_CAT_CAPTURE,
		"Data record without open, or open without data",
		"A data record binds to no ended open of that name on that handle, or an ended open that read bytes has no data record: the bytes read are not in the capture.",
		"Recapture, and make sure the agent writes a data record after every DsBackupClose." },
	[DSB_C015] = { "DSB-C015", E, DSB_CAT_CAPTURE,
		"Input or member cannot be read",
		"The input is not an archive, has a corrupt header, was cut short, failed to decompress or to read, or exceeds a documented limit. What was read before is still judged; nothing is concluded about the rest (exit status 2).",
		"Get an intact copy of the capture; for 7z or zip on standard input, pass the file instead." },

	[DSB_P001] = { "DSB-P001", E, DSB_CAT_PROTOCOL,
		"Call on a handle that is not live",
		"A call takes a handle that no successful DsBackupPrepare or DsRestorePrepare returned, or whose session has ended. The DLL rejects it with ERROR_INVALID_PARAMETER.",
		"Fix the agent's handle bookkeeping: use only handles from a successful Prepare, and none after End." },
	[DSB_P002] = { "DSB-P002", W, DSB_CAT_PROTOCOL,
		"Backup without the directory known to be online",
		"DsBackupPrepare came with no earlier successful DsIsNTDSOnline, or the latest one answered false. The documentation says to check, and a backup must run online.",
		"Call DsIsNTDSOnline first and fail the backup when the directory is not online." },
	[DSB_P003] = { "DSB-P003", E, DSB_CAT_PROTOCOL,
		"Backup is not a plain full backup",
		"DsBackupPrepare with grbit not 0 or a backup type other than BACKUP_TYPE_FULL (1). Only full backups are supported; incremental backups get ERROR_INVALID_PARAMETER.",
		"Call DsBackupPrepare with grbit 0 and BACKUP_TYPE_FULL." },
	[DSB_P004] = { "DSB-P004", E, DSB_CAT_PROTOCOL,
		"File opened while another is open",
		"DsBackupOpenFile while a file is open on the handle: only one file can be open per handle. A successful one ends the earlier open incomplete.",
		"Read each file to its end and DsBackupClose it before opening the next." },
	[DSB_P005] = { "DSB-P005", W, DSB_CAT_PROTOCOL,
		"File name not in the handle's lists",
		"DsBackupOpenFile of a name that matches no entry of the lists returned on the handle, or only directory entries (which are not files).",
		"Open exactly the paths the lists return, without their BFT character." },
	[DSB_P006] = { "DSB-P006", E, DSB_CAT_PROTOCOL,
		"Read hint or buffer size not allowed",
		"A read hint or read buffer is not a multiple of 8192 or is under 24576 bytes, which the documentation forbids.",
		"Use read hints and buffers that are multiples of 8192 and at least 24576 bytes." },
	[DSB_P007] = { "DSB-P007", E, DSB_CAT_PROTOCOL,
		"Read with no file open",
		"DsBackupRead on a handle with no file open.",
		"Only read between a successful DsBackupOpenFile and its DsBackupClose." },
	[DSB_P008] = { "DSB-P008", E, DSB_CAT_PROTOCOL,
		"Read returned more than asked, or past the file size",
		"A read returned more bytes than its buffer holds, or the bytes counted for an open passed the file size that DsBackupOpenFile returned: the capture or the agent is not faithful.",
		"Check the agent's read loop and how it records bytes_read." },
	[DSB_P009] = { "DSB-P009", E, DSB_CAT_PROTOCOL,
		"File closed before it was read in full",
		"DsBackupClose of an open whose counted bytes are below its file size: the backed-up copy of that file is incomplete.",
		"Read until the total equals the file size (the last read may return ERROR_HANDLE_EOF), then close." },
	[DSB_P010] = { "DSB-P010", E, DSB_CAT_PROTOCOL,
		"Close with no file open",
		"DsBackupClose with no file open on the handle; the DLL answers hrInvalidHandle (\"No file is currently open\").",
		"Close each file once, after its reads." },
	[DSB_P011] = { "DSB-P011", E, DSB_CAT_PROTOCOL,
		"Logs listed before the database was backed up",
		"DsBackupGetBackupLogs while a file is open, before any successful DsBackupGetDatabaseNames on the handle, or before every database file was read in full. After it, database files can no longer be backed up.",
		"Back up every database file first, close it, then ask for the logs." },
	[DSB_P012] = { "DSB-P012", E, DSB_CAT_PROTOCOL,
		"Database opened after the log phase began",
		"DsBackupOpenFile of a database file after a successful DsBackupGetBackupLogs or DsBackupTruncateLogs on the handle; the engine no longer allows it.",
		"Open database files before asking for the logs." },
	[DSB_P013] = { "DSB-P013", E, DSB_CAT_PROTOCOL,
		"Logs truncated before the backup was whole",
		"DsBackupTruncateLogs while a file is open, before a successful DsBackupGetBackupLogs, before every file to back up was read in full, or after an earlier call of the session failed. Logs needed for a restore are lost.",
		"Truncate only after every database and log file was read in full and every call succeeded." },
	[DSB_P014] = { "DSB-P014", E, DSB_CAT_PROTOCOL,
		"Backup without its logs",
		"The session closed with no successful DsBackupGetBackupLogs, or with a listed log or patch file not read in full. A database without its logs cannot be restored.",
		"Back up every file that DsBackupGetBackupLogs lists." },
	[DSB_P015] = { "DSB-P015", W, DSB_CAT_PROTOCOL,
		"Backup session not ended cleanly",
		"A backup session closed without DsBackupEnd, or DsBackupEnd came with a file still open. Bindings and server state are left behind.",
		"Close the open file, then always call DsBackupEnd, also after a failure." },
	[DSB_P016] = { "DSB-P016", E, DSB_CAT_PROTOCOL,
		"Expiry token not captured whole",
		"A successful DsBackupPrepare whose expiry token is missing, empty, not valid base64, has no recorded size, or whose decoded length differs from that size. Without it the backup cannot be restored.",
		"Record the token bytes and their size exactly as DsBackupPrepare returned them, and keep them with the backup." },
	[DSB_P017] = { "DSB-P017", W, DSB_CAT_PROTOCOL,
		"Second backup while one is live",
		"DsBackupPrepare while another backup session is live. ESE allows one online backup at a time; such a Prepare normally fails with hrBackupInProgress.",
		"End the running backup before starting another." },
	[DSB_P018] = { "DSB-P018", W, DSB_CAT_PROTOCOL,
		"Overlapping calls on one handle",
		"A call began on a handle before an earlier call on the same handle from another thread returned. Concurrent calls on one handle are not supported.",
		"Serialize all calls on a handle." },
	[DSB_P019] = { "DSB-P019", W, DSB_CAT_PROTOCOL,
		"Buffer never freed, or freed twice",
		"A token or list buffer was never passed to DsBackupFree by the end of the journal, or was freed more often than it was returned.",
		"Free every returned buffer exactly once with DsBackupFree." },
	[DSB_P020] = { "DSB-P020", E, DSB_CAT_PROTOCOL,
		"Free of a pointer never returned",
		"DsBackupFree of a non-null pointer that no earlier call returned.",
		"Pass DsBackupFree only pointers returned by DsBackupPrepare and the list calls." },
	[DSB_P021] = { "DSB-P021", E, DSB_CAT_PROTOCOL,
		"Malformed list",
		"A successful list call returned a buffer whose size, terminators, entries or BFT values do not follow the documented multi-string layout.",
		"Check the agent's recording of the list, or the server that produced it." },
	[DSB_P022] = { "DSB-P022", W, DSB_CAT_PROTOCOL,
		"Success recorded where the documentation says failure",
		"A call recorded as S_OK that the documentation says fails (close with no file open, an unsupported backup type, a second open, a call on a handle that is not live, a register without a token): the capture or the agent is not faithful.",
		"Check how the agent records results; it may be rewriting them." },

	[DSB_R001] = { "DSB-R001", W, DSB_CAT_RESTORE,
		"Restore without the directory known to be offline",
		"DsRestorePrepare with no earlier successful DsIsNTDSOnline, or the latest one answered true. A restore must run offline.",
		"Restart in Directory Services Restore Mode and check DsIsNTDSOnline first." },
	[DSB_R002] = { "DSB-R002", W, DSB_CAT_RESTORE,
		"Unsupported restore type",
		"DsRestorePrepare with a restore type that is neither 0 nor RESTORE_TYPE_CATCHUP (4); authoritative and online restores are not supported.",
		"Use restore type 0 or 4." },
	[DSB_R003] = { "DSB-R003", E, DSB_CAT_RESTORE,
		"Restore registered without a token",
		"DsRestoreRegister on a handle prepared without an expiry token; such a handle may only ask for database locations.",
		"Pass the expiry token saved with the backup to DsRestorePrepare." },
	[DSB_R004] = { "DSB-R004", W, DSB_CAT_RESTORE,
		"Restore token does not match the backup",
		"DsRestorePrepare with a token equal to none of the backup tokens in the journal, or whose decoded length differs from its recorded size.",
		"Use the token saved with this very backup." },
	[DSB_R005] = { "DSB-R005", E, DSB_CAT_RESTORE,
		"Restore path missing",
		"DsRestoreRegister with the checkpoint path, log path or backup log path absent, null or empty; the documentation says none may be NULL.",
		"Pass the locations from DsRestoreGetDatabaseLocations and the folder holding the backed-up logs." },
	[DSB_R006] = { "DSB-R006", E, DSB_CAT_RESTORE,
		"Log generation range out of bounds",
		"DsRestoreRegister with gen_low or gen_high above 0xFFFFF, or gen_low greater than gen_high.",
		"Pass the lowest and highest generation of the backed-up logs." },
	[DSB_R007] = { "DSB-R007", E, DSB_CAT_RESTORE,
		"Restore registration out of order",
		"DsRestoreRegisterComplete without a successful DsRestoreRegister before it, or DsRestoreEnd after a successful DsRestoreRegister with no successful DsRestoreRegisterComplete: the directory will not start.",
		"Call DsRestoreRegister, copy the files, then DsRestoreRegisterComplete, then DsRestoreEnd." },
	[DSB_R008] = { "DSB-R008", W, DSB_CAT_RESTORE,
		"Restore session not ended",
		"A restore session closed without DsRestoreEnd.",
		"Always call DsRestoreEnd." },
	[DSB_R009] = { "DSB-R009", E, DSB_CAT_RESTORE,
		"Backup call on a restore handle, or the reverse",
		"A backup-only call on a restore handle, or a restore-only call on a backup handle.",
		"Use each handle only with the calls of its kind." },
};

#undef E
#undef W
#undef I

const struct dsb_rule_info *dsb_rule_info(enum dsb_rule r)
{
	return (unsigned)r < DSB_RULE_COUNT ? &catalogue[r] : NULL;
}

enum dsb_rule dsb_rule_by_id(const char *id)
{
	for (int r = 0; r < DSB_RULE_COUNT; r++)
		if (strcmp(catalogue[r].id, id) == 0)
			return (enum dsb_rule)r;
	return DSB_RULE_COUNT;
}

const char *dsb_severity_name(enum dsb_severity s)
{
	switch (s) {
	case DSB_SEV_INFO: return "info";
	case DSB_SEV_WARNING: return "warning";
	case DSB_SEV_ERROR: return "error";
	}
	return "?";
}

const char *dsb_category_name(enum dsb_category c)
{
	switch (c) {
	case DSB_CAT_CAPTURE: return "capture";
	case DSB_CAT_PROTOCOL: return "protocol";
	case DSB_CAT_RESTORE: return "restore";
	case DSB_CAT_ESE: return "ese";
	case DSB_CAT_LOG: return "log";
	case DSB_CAT_PAYLOAD: return "payload";
	}
	return "?";
}
