/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The protocol replay (report-contract §4, §5.2, §5.3; capture-format §6).
 * One state machine per handle; one transition function driven by a table.
 * It receives the records that verify/capture/jcheck.c found replayable, raises the
 * DSB-P and DSB-R rules and the binding rules of data records (C006's
 * size-against-counted-bytes case, C014), and keeps the sessions and files
 * of the report.  Memory is per handle, per open and per outstanding buffer,
 * never per read, and every such count has a hard limit.
 */
#ifndef DSB_VERIFY_REPLAY_H
#define DSB_VERIFY_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/journal.h"
#include "verify/findings.h"
#include "verify/report.h"

#define DSB_MAX_HANDLES     65536     /* sessions per input */
#define DSB_MAX_OPENS       1000000   /* opens (file entries) per input */
#define DSB_MAX_BUFFERS     1000000   /* outstanding buffers per input */
#define DSB_MAX_LIST_PATHS  100000    /* distinct names per session: list entries and opened names */
#define DSB_MAX_DATA_RECORDS 1000000  /* data records per input */
#define DSB_MAX_NAME_BYTES  (256u * 1024 * 1024)  /* stored names, handles, pointers */

struct dsb_replay;

/* One line of the `replay` timeline: called after each replayed call with
 * the record and a short description of the handle's state afterwards
 * ("backup: file open ntds.dit 8192/20979712", "ended", ...). */
typedef void (*dsb_trace_fn)(void *ctx, const struct dsb_record *rec,
			     const char *session_hbc, const char *state);

/* `journal_member`: the journal's archive member name, for locations. */
struct dsb_replay *dsb_replay_new(struct dsb_findings *f, int input,
				  const char *journal_member);
void dsb_replay_free(struct dsb_replay *rp);
void dsb_replay_set_trace(struct dsb_replay *rp, dsb_trace_fn fn, void *ctx);

/* A call record with every required field valid and a known fn. */
void dsb_replay_call(struct dsb_replay *rp, const struct dsb_record *rec);
/* A data record with every required field valid. */
void dsb_replay_data(struct dsb_replay *rp, const struct dsb_record *rec);
/* The end record of a complete journal: end-of-journal judgements. */
void dsb_replay_end(struct dsb_replay *rp, const struct dsb_record *rec);
/* The journal was cut short: sessions still live become cut. */
void dsb_replay_cut(struct dsb_replay *rp);

/* What the archive holds under a member path (relative to the capture
 * root).  Returns false when there is no regular-file member of that name. */
struct dsb_member_facts {
	uint64_t size;
	char sha256[65];
};
typedef bool (*dsb_member_lookup_fn)(void *ctx, const char *member_path,
				     struct dsb_member_facts *out);

/* After the whole input was read.  Checks each bound data record against
 * the archive: C005, C006 (member bytes vs size), C007; fills in each
 * file's member, sha256 and complete.  `archive_complete` is false after a
 * C015: then members that were not found raise nothing. */
void dsb_replay_members(struct dsb_replay *rp, dsb_member_lookup_fn lookup,
			void *ctx, bool archive_complete);

/* Calls fn for every member path named by a data record (safe ones only),
 * for C008. */
void dsb_replay_named_members(struct dsb_replay *rp,
			      void (*fn)(void *ctx, const char *member_path),
			      void *ctx);

/* What the journal says about one data member: the data record naming it
 * and the open that record is bound to.  Valid until dsb_replay_export
 * (which moves the open names into the report) or dsb_replay_free. */
struct dsb_member_binding {
	uint64_t line;          /* the data record's line */
	const char *file;       /* the bound open's name; unbound: the record's name */
	int bft;                /* the bound open's BFT; -1: null, or unbound */
	bool bound;             /* the record is bound to an open */
};

/* Member path -> its binding: the first data record (journal order) bound
 * to an open that names it, else the first that names it.  False when no
 * data record names it (unsafe ones never do).  A linear scan: for a few
 * members; use dsb_replay_bindings for all of them. */
bool dsb_replay_member_binding(const struct dsb_replay *rp, const char *member_path,
			       struct dsb_member_binding *out);

/* Calls fn for every data record with a safe member path, in journal
 * order, with its binding. */
void dsb_replay_bindings(const struct dsb_replay *rp,
			 void (*fn)(void *ctx, const char *member_path,
				    const struct dsb_member_binding *b),
			 void *ctx);

/* Move the sessions into the report, sorted by first_seq. */
bool dsb_replay_export(struct dsb_replay *rp, struct dsb_report *rep);

/* true when a hard limit was exceeded (the caller raises C015). */
bool dsb_replay_limit_hit(const struct dsb_replay *rp, const char **what);

#endif
