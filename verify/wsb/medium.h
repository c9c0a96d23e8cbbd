/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `verify PATH` on what is not a capture: IFM media (ntdsutil ifm) and
 * Windows Server Backup folders (docs/media.md).  dsb_verify_input asks
 * dsb_medium_kind first; a capture, a plain folder and an archive go on
 * as before.
 *
 * How a folder is told apart, in this order (docs/media.md §0):
 *   1. a journal.jsonl at the top or one folder deep: a capture (CF §1.3);
 *   2. a regular file "Active Directory/ntds.dit": IFM media;
 *   3. a folder named WindowsImageBackup, or holding one, or a folder
 *      holding "Backup YYYY-MM-DD HHMMSS" folders (a host's), or itself
 *      so named: a Windows Server Backup;
 *   4. anything else: a plain folder, checked as a capture (C001).
 * A file is a WSB volume when it ends in .vhdx and its folder is named
 * "Backup YYYY-MM-DD HHMMSS"; any other file is an archive.
 */
#ifndef DSB_VERIFY_WSB_MEDIUM_H
#define DSB_VERIFY_WSB_MEDIUM_H

#include "verify/capture/capture.h"
#include "verify/report.h"

enum dsb_medium_kind {
	DSB_MEDIUM_NONE,        /* a capture, an archive, a plain folder */
	DSB_MEDIUM_IFM,
	DSB_MEDIUM_WSB,         /* WindowsImageBackup, a host's folder, a Backup folder */
	DSB_MEDIUM_WSB_VOLUME,  /* one .vhdx of a Backup folder */
};

enum dsb_medium_kind dsb_medium_kind(const char *path);

/* Check PATH as the medium it is (kind not NONE): one input for PATH
 * with its `medium`, and, for IFM, one per ESE file as `ese` makes them.
 * Returns PATH's input, or -1 on out of memory before it was entered. */
int dsb_medium_verify(struct dsb_report *rep, const char *path, enum dsb_medium_kind kind,
		      const struct dsb_verify_opts *opts);

/* `ese FOLDER` on IFM media: after the collection walked FOLDER, an input
 * for FOLDER with its `medium` (hives, SYSVOL), and DSB-S017 on the
 * databases the walk added (from index db_from).  The input, or -1 on
 * out of memory. */
int dsb_medium_ifm_note(struct dsb_report *rep, const char *path, size_t db_from);

/* Folders and files a WSB walk looks at: hosts under WindowsImageBackup,
 * backups under a host, entries of one Backup folder.  Past one, a C015
 * naming it and the rest of that folder is not looked at.  WSB keeps at
 * most 512 versions per target; a Backup folder holds one .vhdx per
 * volume and a dozen XML files. */
#define DSB_WSB_HOSTS_MAX 256u
#define DSB_WSB_BACKUPS_MAX 4096u
#define DSB_WSB_ENTRIES_MAX 4096u
/* Registry hives listed for IFM media (registry/ holds SYSTEM and
 * SECURITY; more are listed, never judged). */
#define DSB_IFM_HIVES_MAX 16u

#endif
