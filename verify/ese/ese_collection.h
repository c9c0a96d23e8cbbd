/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect ese PATH...`: loose ESE files and folders searched for
 * them, checked together as one collection (RC §1).
 *
 * Each PATH is a file (checked as `ese FILE` always was:
 * verify/ese/ese_file.h) or a folder, walked by the reader's folder walk
 * (format/archive.h: links never followed, entries that are not regular
 * files or folders never opened, names in byte order in each folder,
 * DSB_AR_DIR_DEPTH_MAX levels).  A folder's regular file is an input when
 * its first bytes are an ESE file (format/filekind.c's sniff: database,
 * log, reserve log, checkpoint, patch file) or when its name says it is
 * one (ESE_NAME_EXTS in the .c), whatever its header; any other file is
 * skipped and counted.  Every file is checked once per run: a file met
 * again (the same device and inode, given twice or both by name and in a
 * folder) is a skipped entry naming the input that checked it, so that a
 * log generation is never counted twice in one collection.
 */
#ifndef DSB_VERIFY_ESE_COLLECTION_H
#define DSB_VERIFY_ESE_COLLECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "verify/capture/capture.h"
#include "verify/report.h"

/* ESE files a run takes from folders: past it, a C015 on the folder that
 * reached it (the limit named) and that folder's walk stops.  A domain
 * controller's log folder holds thousands of 10 MB logs at most; each
 * input costs a few hundred bytes of report. */
#define DSB_ESE_COLLECTION_FILES_MAX 100000u

struct dsb_ese_collection;

/* Whether a folder's file is an input of the collection: its first
 * bytes sniffed as k (format/filekind.h), its own name (no folder).
 * Also used by the media verifier (verify/media/) on a volume's folder. */
struct dsb_file_sniff;
bool dsb_ese_collection_takes(const struct dsb_file_sniff *k, const char *name);

/* files_max: 0 for DSB_ESE_COLLECTION_FILES_MAX (tests set a lower one).
 * NULL on out of memory. */
struct dsb_ese_collection *dsb_ese_collection_new(struct dsb_report *rep,
						  const struct dsb_verify_opts *opts,
						  size_t files_max);
/* Check one PATH ("-" is standard input).  0, or -1 on out of memory
 * before anything could be entered in the report. */
int dsb_ese_collection_add(struct dsb_ese_collection *c, const char *path);
/* After the last PATH: the judgements across files, the logs' first
 * (verify/logs/, DSB-L020-L034 and each log's `errors`), then the set's.
 * Once; collection_free without it leaves the logs unjudged. */
void dsb_ese_collection_end(struct dsb_ese_collection *c);
void dsb_ese_collection_free(struct dsb_ese_collection *c);

#endif
