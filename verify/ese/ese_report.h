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

#include "verify/ese/ese.h"
#include "verify/report.h"

/* Fill *db (cleared first) from the summary: format, state, log
 * generations, signatures, backups, pages, walk, catalog and the tables.
 * member, file and line are the caller's.  False on out-of-memory (the
 * table list is then left empty; everything else is filled). */
bool dsb_ese_fill_database(struct dsb_database *db, int input,
			   const struct dsb_ese_summary *sum, bool complete);

#endif
