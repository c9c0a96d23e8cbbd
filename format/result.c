/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Results (capture-format §5.3): a call's `hr` and DsRestoreRegisterComplete's
 * `restore_state`, read to a 32-bit value and normalized so that 87, "0x57"
 * and "0x80070057" are the same error.  Positive raw codes are failures:
 * only a normalized 0 is success (FAILED() would call 87 a success).
 */
#define DSB_JOURNAL_INTERNAL
#include "format/journal_int.h"
#include "lib/hex.h"

#include <stdio.h>
#include <string.h>

/* Which name to show for a value that has several (dsb_result_name): the
 * lowest rank wins.  Success is S_OK, the name every reader knows (and the
 * one the documentation's "Returns S_OK if ..." uses); otherwise
 * ntdsbmsg.h's hr* names come first because they are what the API
 * documents; S_FALSE is never shown for 0x80070001, because a recorded 1 is
 * ERROR_INVALID_FUNCTION as often as it is S_FALSE. */
enum rank { RN_SUCCESS, RN_HR, RN_WIN32, RN_RPC, RN_COM, RN_ALIAS, RN_NEVER };

struct rname {
	const char *name;
	uint32_t value;   /* raw, as the header defines it */
	enum rank rank;
};

/* Sorted by name in byte order (strcmp), for bsearch; test_journal checks
 * the order.  Sources: capture-format §5.3 and dsbackup-api.md §4.5
 * (ntdsbmsg.h, every hr* name). */
static const struct rname names[] = {
	{ .name = "ERROR_ACCESS_DENIED", .value = 5u, .rank = RN_WIN32 },
	{ .name = "ERROR_HANDLE_EOF", .value = 38u, .rank = RN_WIN32 },
	{ .name = "ERROR_INVALID_PARAMETER", .value = 87u, .rank = RN_WIN32 },
	{ .name = "ERROR_NOT_ENOUGH_MEMORY", .value = 8u, .rank = RN_WIN32 },
	{ .name = "ERROR_SUCCESS", .value = 0u, .rank = RN_WIN32 },
	{ .name = "E_ACCESSDENIED", .value = 0x80070005u, .rank = RN_COM },
	{ .name = "E_FAIL", .value = 0x80004005u, .rank = RN_COM },
	{ .name = "E_HANDLE", .value = 0x80070006u, .rank = RN_COM },
	{ .name = "E_INVALIDARG", .value = 0x80070057u, .rank = RN_COM },
	{ .name = "E_NOTIMPL", .value = 0x80004001u, .rank = RN_COM },
	{ .name = "E_OUTOFMEMORY", .value = 0x8007000Eu, .rank = RN_COM },
	{ .name = "E_POINTER", .value = 0x80004003u, .rank = RN_COM },
	{ .name = "E_UNEXPECTED", .value = 0x8000FFFFu, .rank = RN_COM },
	{ .name = "NOERROR", .value = 0u, .rank = RN_ALIAS },
	{ .name = "RPC_S_ALREADY_LISTENING", .value = 1713u, .rank = RN_RPC },
	{ .name = "RPC_S_INVALID_BINDING", .value = 1702u, .rank = RN_RPC },
	{ .name = "S_FALSE", .value = 1u, .rank = RN_NEVER },
	{ .name = "S_OK", .value = 0u, .rank = RN_SUCCESS },
	{ .name = "hrAccessDenied", .value = 0xC8000773u, .rank = RN_HR },
	{ .name = "hrAfterInitialization", .value = 0xC800073Au, .rank = RN_HR },
	{ .name = "hrAlreadyInitialized", .value = 0xC8000406u, .rank = RN_HR },
	{ .name = "hrAlreadyListening", .value = 1713u, .rank = RN_HR },
	{ .name = "hrAlreadyOpen", .value = 0xC7FF0005u, .rank = RN_HR },
	{ .name = "hrAlreadyPrepared", .value = 0xC8000647u, .rank = RN_HR },
	{ .name = "hrBFInUse", .value = 0xC80000CAu, .rank = RN_HR },
	{ .name = "hrBFNotSynchronous", .value = 0x880000C8u, .rank = RN_HR },
	{ .name = "hrBFPageNotFound", .value = 0x880000C9u, .rank = RN_HR },
	{ .name = "hrBackupDirectoryNotEmpty", .value = 0xC80001F8u, .rank = RN_HR },
	{ .name = "hrBackupInProgress", .value = 0xC80001F9u, .rank = RN_HR },
	{ .name = "hrBackupNotAllowedYet", .value = 0xC800020Bu, .rank = RN_HR },
	{ .name = "hrBadBackupDatabaseSize", .value = 0xC8000231u, .rank = RN_HR },
	{ .name = "hrBadCheckpointSignature", .value = 0xC8000214u, .rank = RN_HR },
	{ .name = "hrBadColumnId", .value = 0xC80005EDu, .rank = RN_HR },
	{ .name = "hrBadDbSignature", .value = 0xC8000213u, .rank = RN_HR },
	{ .name = "hrBadItagSequence", .value = 0xC80005EEu, .rank = RN_HR },
	{ .name = "hrBadLogSignature", .value = 0xC8000212u, .rank = RN_HR },
	{ .name = "hrBadLogVersion", .value = 0xC8000202u, .rank = RN_HR },
	{ .name = "hrBufferTooSmall", .value = 0xC800040Eu, .rank = RN_HR },
	{ .name = "hrBufferTruncated", .value = 0x880003EEu, .rank = RN_HR },
	{ .name = "hrCannotBeTagged", .value = 0xC80005F1u, .rank = RN_HR },
	{ .name = "hrCannotRename", .value = 0xC800051Au, .rank = RN_HR },
	{ .name = "hrCheckpointCorrupt", .value = 0xC8000215u, .rank = RN_HR },
	{ .name = "hrCircularLogging", .value = 0xC7FF000Bu, .rank = RN_HR },
	{ .name = "hrColumn2ndSysMaint", .value = 0xC80005E6u, .rank = RN_HR },
	{ .name = "hrColumnCannotIndex", .value = 0xC80005E9u, .rank = RN_HR },
	{ .name = "hrColumnDoesNotFit", .value = 0xC80005DFu, .rank = RN_HR },
	{ .name = "hrColumnDuplicate", .value = 0xC80005E4u, .rank = RN_HR },
	{ .name = "hrColumnInUse", .value = 0xC8000416u, .rank = RN_HR },
	{ .name = "hrColumnIndexed", .value = 0xC80005E1u, .rank = RN_HR },
	{ .name = "hrColumnLong", .value = 0xC80005DDu, .rank = RN_HR },
	{ .name = "hrColumnMaxTruncated", .value = 0x880005E8u, .rank = RN_HR },
	{ .name = "hrColumnNotFound", .value = 0xC80005E3u, .rank = RN_HR },
	{ .name = "hrColumnNotUpdatable", .value = 0xC8000418u, .rank = RN_HR },
	{ .name = "hrColumnNull", .value = 0x880003ECu, .rank = RN_HR },
	{ .name = "hrColumnSetNull", .value = 0x8800042Cu, .rank = RN_HR },
	{ .name = "hrColumnTooBig", .value = 0xC80005E2u, .rank = RN_HR },
	{ .name = "hrCommunicationError", .value = 0xC7FF000Du, .rank = RN_HR },
	{ .name = "hrConsistentTimeMismatch", .value = 0xC8000227u, .rank = RN_HR },
	{ .name = "hrContainerNotEmpty", .value = 0xC8000413u, .rank = RN_HR },
	{ .name = "hrContentsExpired", .value = 0xC7FF0011u, .rank = RN_HR },
	{ .name = "hrCouldNotConnect", .value = 0xC7FF0007u, .rank = RN_HR },
	{ .name = "hrCreateIndexFailed", .value = 0x88000581u, .rank = RN_HR },
	{ .name = "hrCurrencyStackOutOfMemory", .value = 0xC800042Eu, .rank = RN_HR },
	{ .name = "hrDatabaseAttached", .value = 0x880003EFu, .rank = RN_HR },
	{ .name = "hrDatabaseCorrupted", .value = 0xC80004B6u, .rank = RN_HR },
	{ .name = "hrDatabaseDuplicate", .value = 0xC80004B1u, .rank = RN_HR },
	{ .name = "hrDatabaseInUse", .value = 0xC80004B2u, .rank = RN_HR },
	{ .name = "hrDatabaseInconsistent", .value = 0xC8000226u, .rank = RN_HR },
	{ .name = "hrDatabaseInvalidName", .value = 0xC80004B4u, .rank = RN_HR },
	{ .name = "hrDatabaseInvalidPages", .value = 0xC80004B5u, .rank = RN_HR },
	{ .name = "hrDatabaseLocked", .value = 0xC80004B7u, .rank = RN_HR },
	{ .name = "hrDatabaseNotFound", .value = 0xC80004B3u, .rank = RN_HR },
	{ .name = "hrDeleteBackupFileFail", .value = 0xC800020Cu, .rank = RN_HR },
	{ .name = "hrDensityInvalid", .value = 0xC800051Bu, .rank = RN_HR },
	{ .name = "hrDiskFull", .value = 0xC8000710u, .rank = RN_HR },
	{ .name = "hrDiskIO", .value = 0xC80003FEu, .rank = RN_HR },
	{ .name = "hrError", .value = 0xC7FF0002u, .rank = RN_HR },
	{ .name = "hrExistingLogFileHasBadSignature", .value = 0x8800022Eu, .rank = RN_HR },
	{ .name = "hrExistingLogFileIsNotContiguous", .value = 0x8800022Fu, .rank = RN_HR },
	{ .name = "hrFLDKeyTooBig", .value = 0x88000190u, .rank = RN_HR },
	{ .name = "hrFLDNullKey", .value = 0x88000192u, .rank = RN_HR },
	{ .name = "hrFLDTooManySegments", .value = 0xC8000191u, .rank = RN_HR },
	{ .name = "hrFeatureNotAvailable", .value = 0xC80003E9u, .rank = RN_HR },
	{ .name = "hrFileAccessDenied", .value = 0xC8000408u, .rank = RN_HR },
	{ .name = "hrFileClose", .value = 0xC8000066u, .rank = RN_HR },
	{ .name = "hrFileNotFound", .value = 0xC8000713u, .rank = RN_HR },
	{ .name = "hrFileOpenReadOnly", .value = 0x88000715u, .rank = RN_HR },
	{ .name = "hrFullBackupNotTaken", .value = 0xC7FF000Eu, .rank = RN_HR },
	{ .name = "hrGivenLogFileHasBadSignature", .value = 0xC800022Bu, .rank = RN_HR },
	{ .name = "hrGivenLogFileIsNotContiguous", .value = 0xC800022Cu, .rank = RN_HR },
	{ .name = "hrIllegalOperation", .value = 0xC8000520u, .rank = RN_HR },
	{ .name = "hrInTransaction", .value = 0xC8000454u, .rank = RN_HR },
	{ .name = "hrIncrementalBackupDisabled", .value = 0xC7FF0009u, .rank = RN_HR },
	{ .name = "hrIndexCantBuild", .value = 0xC8000579u, .rank = RN_HR },
	{ .name = "hrIndexDuplicate", .value = 0xC800057Bu, .rank = RN_HR },
	{ .name = "hrIndexHasClustered", .value = 0xC8000580u, .rank = RN_HR },
	{ .name = "hrIndexHasPrimary", .value = 0xC800057Au, .rank = RN_HR },
	{ .name = "hrIndexInUse", .value = 0xC800041Bu, .rank = RN_HR },
	{ .name = "hrIndexInvalidDef", .value = 0xC800057Eu, .rank = RN_HR },
	{ .name = "hrIndexMustStay", .value = 0xC800057Du, .rank = RN_HR },
	{ .name = "hrIndexNotFound", .value = 0xC800057Cu, .rank = RN_HR },
	{ .name = "hrInvalidBackup", .value = 0xC800020Eu, .rank = RN_HR },
	{ .name = "hrInvalidBackupSequence", .value = 0xC8000209u, .rank = RN_HR },
	{ .name = "hrInvalidBookmark", .value = 0xC8000415u, .rank = RN_HR },
	{ .name = "hrInvalidBufferSize", .value = 0xC8000417u, .rank = RN_HR },
	{ .name = "hrInvalidCodePage", .value = 0xC8000427u, .rank = RN_HR },
	{ .name = "hrInvalidColumnType", .value = 0xC80005E7u, .rank = RN_HR },
	{ .name = "hrInvalidCountry", .value = 0xC8000425u, .rank = RN_HR },
	{ .name = "hrInvalidDatabase", .value = 0xC8000404u, .rank = RN_HR },
	{ .name = "hrInvalidDatabaseId", .value = 0xC80003F2u, .rank = RN_HR },
	{ .name = "hrInvalidFilename", .value = 0xC8000414u, .rank = RN_HR },
	{ .name = "hrInvalidHandle", .value = 0xC7FF0003u, .rank = RN_HR },
	{ .name = "hrInvalidLanguageId", .value = 0xC8000426u, .rank = RN_HR },
	{ .name = "hrInvalidLogSequence", .value = 0xC8000203u, .rank = RN_HR },
	{ .name = "hrInvalidName", .value = 0xC80003EAu, .rank = RN_HR },
	{ .name = "hrInvalidObject", .value = 0xC8000524u, .rank = RN_HR },
	{ .name = "hrInvalidOnSort", .value = 0xC80006A6u, .rank = RN_HR },
	{ .name = "hrInvalidOperation", .value = 0xC8000772u, .rank = RN_HR },
	{ .name = "hrInvalidParam", .value = 0xC7FF0001u, .rank = RN_HR },
	{ .name = "hrInvalidParameter", .value = 0xC80003EBu, .rank = RN_HR },
	{ .name = "hrInvalidPath", .value = 0xC80003FFu, .rank = RN_HR },
	{ .name = "hrInvalidRecips", .value = 0xC7FF0006u, .rank = RN_HR },
	{ .name = "hrInvalidSesid", .value = 0xC8000450u, .rank = RN_HR },
	{ .name = "hrInvalidTableId", .value = 0xC800051Eu, .rank = RN_HR },
	{ .name = "hrKeyChanged", .value = 0x88000652u, .rank = RN_HR },
	{ .name = "hrKeyDuplicate", .value = 0xC8000645u, .rank = RN_HR },
	{ .name = "hrKeyIsMade", .value = 0xC80005ECu, .rank = RN_HR },
	{ .name = "hrKeyNotMade", .value = 0xC8000648u, .rank = RN_HR },
	{ .name = "hrLogBufferTooSmall", .value = 0xC8000205u, .rank = RN_HR },
	{ .name = "hrLogCorrupted", .value = 0xC800073Cu, .rank = RN_HR },
	{ .name = "hrLogDiskFull", .value = 0xC8000211u, .rank = RN_HR },
	{ .name = "hrLogFileCorrupt", .value = 0xC80001F5u, .rank = RN_HR },
	{ .name = "hrLogFileNotFound", .value = 0xC7FF000Au, .rank = RN_HR },
	{ .name = "hrLogSequenceEnd", .value = 0xC8000207u, .rank = RN_HR },
	{ .name = "hrLogWriteFail", .value = 0xC80001FEu, .rank = RN_HR },
	{ .name = "hrLoggingDisabled", .value = 0xC8000204u, .rank = RN_HR },
	{ .name = "hrMakeBackupDirectoryFail", .value = 0xC800020Du, .rank = RN_HR },
	{ .name = "hrMissingExpiryToken", .value = 0xC7FF000Fu, .rank = RN_HR },
	{ .name = "hrMissingFullBackup", .value = 0xC8000230u, .rank = RN_HR },
	{ .name = "hrMissingLogFile", .value = 0xC8000210u, .rank = RN_HR },
	{ .name = "hrMissingPreviousLogFile", .value = 0xC80001FDu, .rank = RN_HR },
	{ .name = "hrMissingRestoreLogFiles", .value = 0xC800022Du, .rank = RN_HR },
	{ .name = "hrNoBackup", .value = 0xC8000208u, .rank = RN_HR },
	{ .name = "hrNoBackupDirectory", .value = 0xC80001F7u, .rank = RN_HR },
	{ .name = "hrNoCurrentIndex", .value = 0xC80005EBu, .rank = RN_HR },
	{ .name = "hrNoCurrentRecord", .value = 0xC8000643u, .rank = RN_HR },
	{ .name = "hrNoFullRestore", .value = 0xC7FF000Cu, .rank = RN_HR },
	{ .name = "hrNoIdleActivity", .value = 0x88000422u, .rank = RN_HR },
	{ .name = "hrNoWriteLock", .value = 0x8800042Bu, .rank = RN_HR },
	{ .name = "hrNone", .value = 0x00000000u, .rank = RN_HR },
	{ .name = "hrNotInTransaction", .value = 0xC800041Eu, .rank = RN_HR },
	{ .name = "hrNotInitialized", .value = 0xC8000405u, .rank = RN_HR },
	{ .name = "hrNullInvalid", .value = 0xC80005E0u, .rank = RN_HR },
	{ .name = "hrNullKeyDisallowed", .value = 0xC800041Du, .rank = RN_HR },
	{ .name = "hrNyi", .value = 0xC0000001u, .rank = RN_HR },
	{ .name = "hrObjectDuplicate", .value = 0xC8000522u, .rank = RN_HR },
	{ .name = "hrObjectNotFound", .value = 0xC8000519u, .rank = RN_HR },
	{ .name = "hrOutOfBuffers", .value = 0xC80003F6u, .rank = RN_HR },
	{ .name = "hrOutOfCursors", .value = 0xC80003F5u, .rank = RN_HR },
	{ .name = "hrOutOfDatabaseSpace", .value = 0xC80003F4u, .rank = RN_HR },
	{ .name = "hrOutOfFileHandles", .value = 0xC80003FCu, .rank = RN_HR },
	{ .name = "hrOutOfMemory", .value = 0xC80003F3u, .rank = RN_HR },
	{ .name = "hrOutOfSessions", .value = 0xC800044Du, .rank = RN_HR },
	{ .name = "hrOutOfThreads", .value = 0xC8000067u, .rank = RN_HR },
	{ .name = "hrPMRecDeleted", .value = 0xC800012Eu, .rank = RN_HR },
	{ .name = "hrPatchFileMismatch", .value = 0xC8000228u, .rank = RN_HR },
	{ .name = "hrPermissionDenied", .value = 0xC8000711u, .rank = RN_HR },
	{ .name = "hrReadVerifyFailure", .value = 0xC80003FAu, .rank = RN_HR },
	{ .name = "hrRecordClusteredChanged", .value = 0xC8000644u, .rank = RN_HR },
	{ .name = "hrRecordDeleted", .value = 0xC80003F9u, .rank = RN_HR },
	{ .name = "hrRecordNotFound", .value = 0xC8000641u, .rank = RN_HR },
	{ .name = "hrRecordTooBig", .value = 0xC8000402u, .rank = RN_HR },
	{ .name = "hrRecoveredWithErrors", .value = 0xC800020Fu, .rank = RN_HR },
	{ .name = "hrRemainingVersions", .value = 0x88000141u, .rank = RN_HR },
	{ .name = "hrRestoreInProgress", .value = 0xC7FF0004u, .rank = RN_HR },
	{ .name = "hrRestoreLogTooHigh", .value = 0xC800022Au, .rank = RN_HR },
	{ .name = "hrRestoreLogTooLow", .value = 0xC8000229u, .rank = RN_HR },
	{ .name = "hrRestoreMapExists", .value = 0xC7FF0008u, .rank = RN_HR },
	{ .name = "hrSeekNotEqual", .value = 0x8800040Fu, .rank = RN_HR },
	{ .name = "hrSessionWriteConflict", .value = 0xC8000453u, .rank = RN_HR },
	{ .name = "hrTableDuplicate", .value = 0xC8000517u, .rank = RN_HR },
	{ .name = "hrTableEmpty", .value = 0x88000515u, .rank = RN_HR },
	{ .name = "hrTableInUse", .value = 0xC8000518u, .rank = RN_HR },
	{ .name = "hrTableLocked", .value = 0xC8000516u, .rank = RN_HR },
	{ .name = "hrTableNotEmpty", .value = 0xC800051Cu, .rank = RN_HR },
	{ .name = "hrTaggedNotNULL", .value = 0xC80005EAu, .rank = RN_HR },
	{ .name = "hrTempFileOpenError", .value = 0xC800070Bu, .rank = RN_HR },
	{ .name = "hrTermInProgress", .value = 0xC80003E8u, .rank = RN_HR },
	{ .name = "hrTooManyActiveUsers", .value = 0xC8000423u, .rank = RN_HR },
	{ .name = "hrTooManyAttachedDatabases", .value = 0xC800070Du, .rank = RN_HR },
	{ .name = "hrTooManyColumns", .value = 0xC8000410u, .rank = RN_HR },
	{ .name = "hrTooManyIO", .value = 0xC8000069u, .rank = RN_HR },
	{ .name = "hrTooManyIndexes", .value = 0xC80003F7u, .rank = RN_HR },
	{ .name = "hrTooManyKeys", .value = 0xC80003F8u, .rank = RN_HR },
	{ .name = "hrTooManyOpenDatabases", .value = 0xC8000403u, .rank = RN_HR },
	{ .name = "hrTooManyOpenIndexes", .value = 0xC8000582u, .rank = RN_HR },
	{ .name = "hrTooManyOpenTables", .value = 0xC800051Fu, .rank = RN_HR },
	{ .name = "hrTooManySorts", .value = 0xC80006A5u, .rank = RN_HR },
	{ .name = "hrTransTooDeep", .value = 0xC800044Fu, .rank = RN_HR },
	{ .name = "hrUnknownExpiryTokenFormat", .value = 0xC7FF0010u, .rank = RN_HR },
	{ .name = "hrUpdateNotPrepared", .value = 0xC8000649u, .rank = RN_HR },
	{ .name = "hrVersionStoreOutOfMemory", .value = 0xC800042Du, .rank = RN_HR },
	{ .name = "hrWriteConflict", .value = 0xC800044Eu, .rank = RN_HR },
	{ .name = "hrerrDataHasChanged", .value = 0xC800064Bu, .rank = RN_HR },
	{ .name = "hrwrnDataHasChanged", .value = 0x8800064Au, .rank = RN_HR },
};

#define NNAMES (sizeof names / sizeof names[0])

size_t dsb_result_name_count(void)
{
	return NNAMES;
}

const char *dsb_result_name_at(size_t i, uint32_t *raw)
{
	if (i >= NNAMES)
		return NULL;
	*raw = names[i].value;
	return names[i].name;
}

uint32_t dsb_result_normalize(uint32_t raw)
{
	return (raw >= 1 && raw <= 0xFFFF) ? 0x80070000u | raw : raw;
}

bool dsb_result_lookup(const char *s, size_t len, uint32_t *raw)
{
	size_t lo = 0, hi = NNAMES;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *n = names[mid].name;
		size_t nl = strlen(n);
		int c = memcmp(s, n, len < nl ? len : nl);
		if (c == 0)
			c = (len > nl) - (len < nl);
		if (c == 0) {
			*raw = names[mid].value;
			return true;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

const char *dsb_result_name(uint32_t norm)
{
	const struct rname *best = NULL;
	for (size_t i = 0; i < NNAMES; i++) {
		const struct rname *n = &names[i];
		if (n->rank == RN_NEVER || dsb_result_normalize(n->value) != norm)
			continue;
		if (!best || n->rank < best->rank)
			best = n;
	}
	return best ? best->name : NULL;
}

static void set_value(struct dsb_result *out, uint32_t raw)
{
	out->present = true;
	out->unknown_name = false;
	out->raw = raw;
	out->norm = dsb_result_normalize(raw);
}

enum dsb_rparse dsb_result_from_int(long long v, struct dsb_result *out)
{
	memset(out, 0, sizeof(*out));
	if (v < -2147483648LL || v > 4294967295LL)
		return DSB_RP_BAD;
	/* Negative values are two's complement: -2147024809 is 0x80070057. */
	set_value(out, (uint32_t)(v < 0 ? (uint32_t)(v + 4294967296LL) : (uint64_t)v));
	snprintf(out->text, sizeof out->text, "%lld", v);
	return DSB_RP_OK;
}

static bool is_ident(const char *s, size_t len)
{
	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* Keep the text as recorded when it is short enough to show; a longer
 * (valid) decimal string is shown by its value instead. */
static void set_text(struct dsb_result *out, const char *s, size_t len)
{
	if (len <= DSB_RESULT_TEXT_MAX) {
		memcpy(out->text, s, len);
		out->text[len] = '\0';
	}
}

enum dsb_rparse dsb_result_from_string(const char *s, size_t len, struct dsb_result *out)
{
	memset(out, 0, sizeof(*out));
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		size_t nd = len - 2;
		if (nd < 1 || nd > 8)
			return DSB_RP_BAD;
		uint32_t v = 0;
		for (size_t i = 2; i < len; i++) {
			int h = dsb_hex_digit((unsigned char)s[i]);
			if (h < 0)
				return DSB_RP_BAD;
			v = v << 4 | (uint32_t)h;
		}
		set_value(out, v);
		set_text(out, s, len);
		return DSB_RP_OK;
	}
	if (len >= 1 && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))) {
		bool neg = s[0] == '-';
		size_t i = neg ? 1 : 0;
		if (i == len)
			return DSB_RP_BAD;
		uint64_t v = 0;
		for (; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return DSB_RP_BAD;
			v = v * 10 + (uint64_t)(s[i] - '0');
			/* Stop before the value can overflow: anything past
			 * 2^32 is out of range whatever the sign. */
			if (v > 4294967296ULL)
				return DSB_RP_BAD;
		}
		long long sv = neg ? -(long long)v : (long long)v;
		if (dsb_result_from_int(sv, out) != DSB_RP_OK)
			return DSB_RP_BAD;
		if (len <= DSB_RESULT_TEXT_MAX)
			set_text(out, s, len);
		return DSB_RP_OK;
	}
	if (!is_ident(s, len))
		return DSB_RP_BAD;
	uint32_t raw;
	if (dsb_result_lookup(s, len, &raw)) {
		set_value(out, raw);
		set_text(out, s, len);
		return DSB_RP_OK;
	}
	/* An unknown name is a failure that equals no other result: `norm`
	 * is meaningless and dsb_result_ok()/dsb_result_eof() say false. */
	out->present = true;
	out->unknown_name = true;
	out->raw = out->norm = 0xFFFFFFFFu;
	set_text(out, s, len);
	return DSB_RP_UNKNOWN;
}
