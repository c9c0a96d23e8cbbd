/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify/set/'s own header: one set being judged (set.c finds its facts
 * and raises the findings, set_words.c turns the same facts into the
 * set's reasons and next steps), and the pieces tests check alone.
 */
#ifndef DSB_VERIFY_SET_INT_H
#define DSB_VERIFY_SET_INT_H

#ifndef DSB_SET_INTERNAL
#error "verify/set/set_int.h is internal to verify/set/ (define DSB_SET_INTERNAL)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/ese_log.h"
#include "verify/report.h"
#include "verify/set/set.h"
#include "verify/status.h"

/* Findings name at most this many runs of generations; the rest are
 * counted ("and N more"). */
#define DSB_SET_RUNS_NAMED 4u

/* Generations the set judgement counts (absent or unusable), by where
 * they lie against the required range (REF §3.11). */
struct set_gap_counts {
	uint64_t low, middle, high;   /* required, absent */
	uint64_t committed;           /* past the required range, absent */
	uint64_t unusable;            /* required, present, with an error-level log finding */
	uint64_t unusable_committed;  /* the same past the required range */
};

/* A database last consistent in the previous log stream (REF §3.7,
 * set_attach.c): what the attach record of the logs beside it says. */
enum set_prev_kind {
	SET_PREV_NONE,       /* no attach record names it: S001 when it needs replay */
	SET_PREV_ACCEPTED,   /* signLog, signDb and lgposConsistent as logged: ESE
			      * redoes the attach and replays these logs into it */
	SET_PREV_TIME,       /* signLog and signDb as logged, lgposConsistent
			      * not: -551 (DSB-S013) */
};

struct set_prev {
	enum set_prev_kind kind;
	size_t log;                          /* the report's log holding the record */
	struct dsb_log_attach_rec rec;
};

struct set_work {
	struct dsb_report *rep;
	const struct dsb_set_opts *o;
	int64_t capture_started;      /* ticks, 0: none (an `ese` collection) */
	struct dsb_backup_set set;    /* being built */
	const struct dsb_database *db;     /* NULL: a log set */
	struct dsb_status st;
	bool oom;
	/* what decides the verdict */
	const char *unknown_why;      /* static: why the verdict is unknown */
	bool streamed;                /* a DsBackup stream with its trailer (or none) */
	bool db_errors, db_warnings;  /* error- or warning-level findings on the database */
	uint64_t db_error_count;     /* how many error-level ones (DSB-S011 names it) */
	uint64_t truncate_line;      /* a capture's session truncated the logs there, 0: not */
	bool log_warnings;            /* warnings on the set's logs, a torn write */
	bool foreign;                 /* S001: the logs beside it are of another stream */
	struct set_prev prev;         /* the previous-stream case (set_attach.c) */
	uint32_t foreign_logs;        /* logs of other streams in the collection */
	struct set_gap_counts gaps;
	bool page_size_bad;           /* S007 */
	bool tm_mismatch;             /* S005 */
	bool no_checkpoint, no_current;   /* S008, S009 */
	bool too_old;                 /* S010 */
	bool patch_mismatch;          /* S014: a .pat of the database disagrees with it */
	bool patch_warnings;          /* S016: a second .pat for the database */
	int64_t age_days;
	/* the logs of the set whose header gives a generation, by generation */
	uint32_t *gens;               /* distinct, ascending */
	size_t ngens;
	uint32_t *usable;             /* the generations of gens with no error */
	size_t nusable;
	/* `ese`: files named as this set's logs that are no log by their
	 * header (not in logs[]): generations present but unusable */
	uint32_t *bad_named;
	size_t nbad_named;
};

/* The name of generation gen in the set (RC §3.9) into out. */
void dsb_set_gen_name(const struct dsb_backup_set *s, uint32_t gen,
		      char out[DSB_LOG_NAME_FMT_MAX]);

/* Ticks since 0001-01-01 of a LOGTIME; false when it is not set or no
 * valid date. */
bool dsb_set_logtime_ticks(const struct dsb_ese_logtime *t, int64_t *ticks);

/* Call fn for every run [a, b] of [low, high] that is not in the sorted,
 * distinct gens[] (at most ngens + 1 runs: never a loop per generation). */
typedef void (*dsb_set_run_fn)(void *ctx, uint32_t a, uint32_t b);
void dsb_set_absent_runs(const uint32_t *gens, size_t ngens, uint32_t low, uint32_t high,
			 dsb_set_run_fn fn, void *ctx);

/* Out of memory: one C015 for the set's input (said once). */
void dsb_set_oom(struct set_work *w);

/* set_attach.c: among the report's logs ix[0..n) (all of them when ix
 * is NULL), the lowest attach record that logs db's signLog and signDb
 * (REF §3.7, logredo.cxx ErrLGRICheckRedoAttachDb); a record with
 * another signDb is ESE's deferred attach and counts as none. */
void dsb_set_prev_stream(const struct dsb_report *rep, const struct dsb_database *db,
			 const size_t *ix, size_t n, struct set_prev *out);
/* Is lg of the stream the database is bound to: its own signLog, or the
 * stream whose attach record accepts it? */
bool dsb_set_bound(const struct set_work *w, const struct dsb_log_entry *lg);
/* S013, and the `foreign`-like state that keeps S002-S007 quiet: the
 * previous-stream case with another consistent point. */
void dsb_set_judge_prev(struct set_work *w);
/* set_patch.c: bind every PATCHHDR .pat of the report to a database
 * (S015 for one that binds to none), once, before the sets; then, per
 * database's set, compare the fields of its .pat files (S014) and name a
 * second one (S016). */
void dsb_set_patches_bind(struct dsb_report *rep);
void dsb_set_patches_judge(struct set_work *w);

/* set_words.c: the verdict's reasons and next steps from w's facts. */
void dsb_set_words(struct set_work *w);
/* "edb00005.log, edb00006.log and 3 more": the first of `missing`. */
void dsb_set_quote_missing(const struct dsb_backup_set *s, char *out, size_t cap);
/* Append a line (copied) to one of the set's arrays; false on OOM. */
bool dsb_set_line(char ***v, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
