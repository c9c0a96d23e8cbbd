/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Journal checks (capture-format §2–§8): feeds journal bytes through the
 * line splitter and record decoder, raises the journal-level capture rules
 * (C002, C003, C004, C010, C011, C012, C013), and hands each replayable
 * record to the replay.
 */
#ifndef DSB_VERIFY_JCHECK_H
#define DSB_VERIFY_JCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "verify/findings.h"
#include "verify/protocol/replay.h"

struct dsb_jcheck;

struct dsb_jcheck *dsb_jcheck_new(struct dsb_findings *f, int input,
				  const char *journal_member, struct dsb_replay *rp);
void dsb_jcheck_free(struct dsb_jcheck *jc);

/* Journal bytes, in order.  false only on out-of-memory. */
bool dsb_jcheck_feed(struct dsb_jcheck *jc, const void *buf, size_t len);

/* The journal member ended.  `read_failed`: its data could not be read to
 * the end (C015 is the caller's); the journal is then treated as cut but
 * no C004 is raised for the unread part. */
void dsb_jcheck_finish(struct dsb_jcheck *jc, bool read_failed);

/* C010 happened: the input is incomplete (exit status 2). */
bool dsb_jcheck_bad_format(const struct dsb_jcheck *jc);
uint64_t dsb_jcheck_records(const struct dsb_jcheck *jc);
/* The capture record's `started` (ticks), 0 when there was none: a
 * backup's age is measured from it (verify/set/set.h). */
int64_t dsb_jcheck_started(const struct dsb_jcheck *jc);

#endif
