/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ESE verifier's summary as the report keeps it: both paths that
 * verify a database (a member of a capture, verify/capture/capture.c, and
 * a loose file, verify/ese/ese_file.c) copy it out of the stream with this
 * before the stream, and its per-page memory, is freed.
 */
#ifndef DSB_VERIFY_ESE_REPORT_H
#define DSB_VERIFY_ESE_REPORT_H

#include <stdbool.h>

#include "format/filekind.h"
#include "verify/ese/ese.h"
#include "verify/report.h"

/* Fill *db (cleared first) from the summary: format, state, log
 * generations, signatures, backups, pages, walk, catalog and the tables.
 * member, file and line are the caller's.  False on out-of-memory (the
 * table list is then left empty; everything else is filled). */
bool dsb_ese_fill_database(struct dsb_database *db, int input,
			   const struct dsb_ese_summary *sum, bool complete);

/* Whether a sniffed file is entered in logs[] (a log or reserve log) or
 * checkpoints[] (RC §3.8). */
bool dsb_ese_sniff_is_log(const struct dsb_file_sniff *k);
bool dsb_ese_sniff_is_checkpoint(const struct dsb_file_sniff *k);

/* A log or checkpoint entry (cleared first) from what the sniff read of
 * its header (format/filekind.c): `where` is the file's path, its
 * backed-up name or its member name, whose last part (after '/' or '\\')
 * is the entry's name (NULL: standard input, which has none); size is the file's bytes.
 * member and file are the caller's.  False on out-of-memory (nothing is
 * left to free). */
bool dsb_ese_fill_log(struct dsb_log_entry *e, int input, const struct dsb_file_sniff *k,
		      const char *where, uint64_t size);
bool dsb_ese_fill_checkpoint(struct dsb_checkpoint_entry *e, int input,
			     const struct dsb_file_sniff *k, const char *where, uint64_t size);

#endif
