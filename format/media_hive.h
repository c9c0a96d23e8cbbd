/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The NTDS service's folders from a domain controller's SYSTEM hive
 * (Windows\System32\config\SYSTEM): HKLM\SYSTEM\Select\Current names
 * the current control set N, and ControlSetN\Services\NTDS\Parameters
 * holds "DSA Database file" (C:\Windows\NTDS\ntds.dit) and "Database
 * log files path" (C:\Windows\NTDS).  Read by libregf from memory.
 */
#ifndef DSB_FORMAT_MEDIA_HIVE_H
#define DSB_FORMAT_MEDIA_HIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A path value kept (MAX_PATH is 260 UTF-16 units; UTF-8 at most 3
 * bytes each). */
#define DSB_HIVE_PATH_MAX 800u
/* A SYSTEM hive read into memory to be searched: a domain controller's
 * is tens of MiB; a larger one is not looked at (the default folder is). */
#define DSB_HIVE_SIZE_MAX (256u << 20)

struct dsb_ntds_paths {
	unsigned control_set;       /* Select\Current */
	bool has_db, has_logs;
	char db[DSB_HIVE_PATH_MAX];     /* "DSA Database file", UTF-8 */
	char logs[DSB_HIVE_PATH_MAX];   /* "Database log files path" */
};

/* 0: found (at least one of the two values); 1: the hive has no such
 * key or value (err says which); -1: libregf could not read it (err). */
int dsb_hive_ntds_paths(const uint8_t *hive, size_t len, struct dsb_ntds_paths *out, char *err,
			size_t errlen);

/* A Windows path of the hive as a path inside a volume: the drive
 * letter dropped, '\' made '/', a file's name dropped when is_file
 * ("C:\Windows\NTDS\ntds.dit" -> "/Windows/NTDS").  False for what is
 * not an absolute path on a drive, or holds "." or "..". */
bool dsb_hive_volume_path(const char *win, bool is_file, char *dir, size_t cap);

#endif
