/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ESE log verifier (DSB-L rules, REF §3.11, RC §3.8): each log,
 * reserve log and checkpoint file as it streams by, then the logs of one
 * stream among themselves.
 *
 * One file streams at a time, {start, data, end}, in O(1) memory: the
 * header (or both checkpoint copies) is kept, the body goes through the
 * v8 segment walker one segment at a time (format/ese_log.h).  What a
 * file leaves is a small fact record (generation, times, signLog,
 * chained checksums, size, version, what was wrong), kept until the end,
 * so the memory of a collection is bounded by its number of logs
 * (DSB_LOGS_FILES_MAX, a C015 past it).  Every finding is made at the
 * end (dsb_logs_judge), when the caller knows where each file is
 * anchored (a loose file's input, a capture member's data record), both
 * for one file's own bytes and for the set's continuity.
 *
 * Fed by `ese PATH...` (verify/ese/ese_file.c, ese_collection.c) and by
 * `verify` (verify/capture/capture.c, the MK_ESE_LOG and
 * MK_ESE_CHECKPOINT rows of kinds[]).
 */
#ifndef DSB_VERIFY_LOGS_H
#define DSB_VERIFY_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/findings.h"
#include "verify/report.h"

/* Files one collection or capture input keeps facts for.  A domain
 * controller keeps thousands of 10 MB logs at most; a fact is a few
 * hundred bytes and the file's name. */
#define DSB_LOGS_FILES_MAX 100000u

/* What the caller's sniff or the file's name made of the file. */
enum dsb_logs_kind {
	DSB_LOGS_LOG,          /* a log header, or a name saying log (*.log, *.jtx) */
	DSB_LOGS_RESERVE,      /* a reserve log (edbres00001.jrs): no header */
	DSB_LOGS_CHECKPOINT,   /* a checkpoint, or a name saying so (*.chk, *.jcp) */
};

struct dsb_logs;

/* Does the name say log (*.log, *.jtx), reserve log (*.jrs, res1.log)
 * or checkpoint (*.chk, *.jcp)?
 * Such a file is judged as one whatever its bytes (RC §3.8: DSB-L001,
 * DSB-L030 when it is not one). */
bool dsb_logs_kind_by_name(const char *name, enum dsb_logs_kind *out);

/* What a file is judged as (RC §3.8), `bytes` being what its header
 * says (NULL: none of the three) and `name` its name or backed-up name
 * (NULL: none): by the name when it says log or checkpoint (a header of
 * the other kind is then DSB-L004) or when the bytes say nothing; a
 * reserve log by its pattern stays one; else by the bytes.  False when
 * neither says.  The one rule of `ese` and of `verify`. */
bool dsb_logs_kind_judged(const enum dsb_logs_kind *bytes, const char *name,
			  enum dsb_logs_kind *out);

/* files_max: 0 for DSB_LOGS_FILES_MAX.  by_folder: files of different
 * folders are different log sets (`ese` given several backup sets at
 * once; ESE keeps a set's logs in one folder); else every file of the
 * same base name is one set (a capture input).  NULL on out of memory. */
struct dsb_logs *dsb_logs_new(size_t files_max, bool by_folder);
void dsb_logs_free(struct dsb_logs *l);

/* One file: `name` is its own name or path (the last part is judged:
 * RC §3.9 names), `tag` the caller's (an input, a member index), given
 * back to dsb_logs_where_fn.  False: the file limit is reached (the
 * file is not kept; dsb_logs_limit_hit says so) or out of memory. */
bool dsb_logs_start(struct dsb_logs *l, enum dsb_logs_kind kind, const char *name, uint64_t tag);
/* A file that may stand for a log, reserve log or checkpoint once its
 * name is known (a capture member whose bytes are none of them, bound
 * to a backed-up file only when the journal is read, possibly last):
 * its first bytes and size are kept as all three would judge them, no
 * body is walked, and nothing is judged or reported of it until
 * dsb_logs_judge_as wakes it.  Same return as dsb_logs_start. */
bool dsb_logs_start_dormant(struct dsb_logs *l, const char *name, uint64_t tag);
/* A dormant fact that whatever it is woken as is judged on its size
 * and two bits alone (no log header, no checkpoint copy: the common
 * case of a capture's other members, empty and zero-filled ones too) is
 * forgotten when it is fact i, the last one (true; *kept: the bits, for
 * dsb_logs_plain): a capture of a million such members keeps no fact
 * for them, and dsb_logs_plain makes one again for the few a name
 * wakes. */
bool dsb_logs_forget_plain(struct dsb_logs *l, size_t i, uint16_t *kept);
/* The fact of such a file, dormant, from its size, whether it was read
 * to its end and what dsb_logs_forget_plain kept; its index, or -1
 * (dsb_logs_end's). */
long dsb_logs_plain(struct dsb_logs *l, const char *name, uint64_t tag, uint64_t size,
		    bool complete, uint16_t kept);
/* The file's bytes, in order, in blocks of any size. */
void dsb_logs_data(struct dsb_logs *l, const void *buf, size_t len);
/* The end of the file; `complete`: read to its end (a read error leaves
 * the body unjudged past that point, and no size finding is made).
 * Returns the fact's index, or -1 when no file was started. */
long dsb_logs_end(struct dsb_logs *l, bool complete);

/* Fill a report entry of fact i (logs[] for a log or reserve log,
 * checkpoints[] for a checkpoint).  Strings are the caller's to set
 * (member, file); name is copied.  False on out of memory. */
bool dsb_logs_is_checkpoint(const struct dsb_logs *l, size_t i);
bool dsb_logs_fill_log(const struct dsb_logs *l, size_t i, int input, struct dsb_log_entry *e);
bool dsb_logs_fill_checkpoint(const struct dsb_logs *l, size_t i, int input,
			      struct dsb_checkpoint_entry *e);
/* Append fact i's entry to rep (logs[] or checkpoints[]), taking
 * ownership of member and file (either NULL), and remember it for
 * dsb_logs_judge.  False on out of memory (the strings are then freed). */
bool dsb_logs_report_entry(struct dsb_logs *l, size_t i, struct dsb_report *rep, int input,
			   char *member, char *file);
/* Fact i's file is known by another name (a capture member bound to a
 * backed-up file: edb0002A.log, whatever the member is called); the
 * name is judged from then on.  False on out of memory (name kept). */
bool dsb_logs_rename(struct dsb_logs *l, size_t i, const char *name);
/* Fact i is judged as `kind` from now on (its backed-up name says so,
 * RC §3.8): a dormant fact wakes; a log and a checkpoint change views
 * (a checkpoint's bytes under a log's name are a log header of the
 * wrong file type, DSB-L004, and the other way round).  A file whose
 * bytes are a reserve log stays one, and bytes that are a log or
 * checkpoint never become a reserve log: false, the fact unchanged
 * (awake). */
bool dsb_logs_judge_as(struct dsb_logs *l, size_t i, enum dsb_logs_kind kind);
/* The caller's report entry of fact i, whose `errors` and
 * `torn_repairable` dsb_logs_judge sets. */
void dsb_logs_set_entry(struct dsb_logs *l, size_t i, long entry);

/* Where a fact's findings go: its input and location (member, file,
 * line); loc's generation and offset are set by the judge. */
typedef void (*dsb_logs_where_fn)(void *ctx, uint64_t tag, int *input, struct dsb_loc *loc);

/* A where function for callers whose tag is the file's input (`ese`:
 * each loose file is its own input; the location stays empty). */
void dsb_logs_where_input(void *ctx, uint64_t tag, int *input, struct dsb_loc *loc);

/* Every DSB-L finding: each file's own, then the continuity of the logs
 * of each stream and base name (L020-L026) and the checkpoints against
 * them (L030-L034).  Sets `errors` and `torn_repairable` of the report
 * entries named by dsb_logs_set_entry.  Called once, at the end of a
 * collection or a capture input; the set judgement (verify/set/) comes
 * right after it. */
void dsb_logs_judge(struct dsb_logs *l, struct dsb_findings *f, struct dsb_report *rep,
		    dsb_logs_where_fn where, void *ctx);

/* The file limit was reached: how many files were not kept. */
uint64_t dsb_logs_limit_hit(const struct dsb_logs *l);

#endif
