/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Backup sets and the restore verdict (RC §3.10; REF §3.7, §3.10, §3.11
 * "Log set against the database"): the DSB-S rules and the report's
 * sets[].
 *
 * A set is one database with the logs and checkpoint that belong to it.
 * Among the loose files of an `ese` collection they belong to it by
 * their log signature (signLog); logs and checkpoints that no database
 * claims form log sets of their own, with no verdict.  In a capture, a
 * set is what one backup session delivered: its database and the logs
 * whose bytes the session's data records bound.
 *
 * Everything is judged from what the verifiers already put in the report
 * (the database's summary with its header and trailer, each log's and
 * checkpoint's header fields): nothing is decoded again.  Called once,
 * after the last file of a collection or at the end of a capture input.
 */
#ifndef DSB_VERIFY_SET_H
#define DSB_VERIFY_SET_H

#include <stdbool.h>
#include <stdint.h>

#include "verify/report.h"

/* --tombstone-days: the default (RC §3.10), and the bound an option may
 * give (a lifetime past a few centuries is a typing error). */
#define DSB_TOMBSTONE_DAYS_DEFAULT 180u
#define DSB_TOMBSTONE_DAYS_MAX     36500u

/* Names of missing generations kept in a set's `missing` (the rest are
 * counted in missing_total): a hostile header may ask for two billion. */
#define DSB_SET_MISSING_LISTED 1000u

/* Databases of one `ese` collection whose sets are judged; past it, a
 * C015 on each further database (its set is not judged).  A set holds
 * the indices of its stream's logs: this bounds their copies. */
#define DSB_SET_DATABASES_MAX 64u

/* Words in the user's language (the CLI's dsb_tr and dsb_trn, lib/i18n.h):
 * given, each reason and next step is worded a second time, from the
 * translated format, for the text report (dsb_backup_set.reasons_local). */
struct dsb_set_words_tr {
	const char *(*tr)(const char *msgid) __attribute__((format_arg(1)));
	const char *(*trn)(const char *one, const char *many, unsigned long long n)
		__attribute__((format_arg(1), format_arg(2)));
};

struct dsb_set_opts {
	bool has_now;              /* --now given */
	int64_t now;               /* ticks (100 ns) since 0001-01-01 UTC, as
				    * format/journal.h's dsb_time_parse reads it */
	uint32_t tombstone_days;   /* 0: DSB_TOMBSTONE_DAYS_DEFAULT */
	const struct dsb_set_words_tr *local;   /* NULL: English lines only */
};

/* The sets of an `ese` collection: every database of the report with
 * the logs and checkpoints of its stream, then the log sets.  Findings
 * and sets go into rep; out of memory is noted in rep->findings. */
void dsb_sets_collection(struct dsb_report *rep, const struct dsb_set_opts *o);

/* The sets of one capture input: one per backup session that delivered
 * a database.  `started` is the capture's start (ticks as above), 0 when
 * the journal gave none. */
void dsb_sets_capture(struct dsb_report *rep, int input, int64_t started,
		      const struct dsb_set_opts *o);

#endif
