/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every record of every table read through libesedb, in a child process
 * (rules DSB-E036, DSB-E037, DSB-E038; docs/ese-checks.md "Records
 * through libesedb").
 *
 * Our own verifier checks pages, trees and the catalog but never decodes
 * a record's columns.  libesedb does, so it is used where it is strong:
 * after our checks passed, a child process opens the file with libesedb,
 * walks every table and record and reads every value (long values and
 * multi-values included), keeping and sending back nothing of their
 * contents (RC §3.7).  The child runs under limits (address space, CPU
 * time, and a wall clock the parent enforces by killing it), so a
 * libesedb that crashes, loops or eats memory on hostile input costs a
 * finding, never the parent.
 *
 * The child answers over a pipe in lines (at most DSB_ESEDB_LINE_MAX
 * bytes each, every count bounded by the parent):
 *
 *	T <records> <columns> <indexes> <name>   a table, as libesedb counts it
 *	R <record> <message>                     a record of that table it cannot read
 *	U <unreadable> <values> <raw> <lvmiss>   end of the table: totals
 *	O <message>                              libesedb cannot open the file
 *	M                                        out of memory (the limit)
 *	D                                        done
 *
 * Names are printable ASCII with other bytes as \xHH (as our own
 * summary writes them); messages are libesedb's error text cut to one
 * printable-ASCII line with digits kept and nothing read from the record.
 */
#ifndef DSB_VERIFY_ESEDB_RECORDS_H
#define DSB_VERIFY_ESEDB_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/ese.h"
#include "verify/ese/ese.h"
#include "verify/findings.h"

#define DSB_ESEDB_LINE_MAX        512          /* one protocol line, newline included */
#define DSB_ESEDB_MAX_TABLES      (1u << 17)   /* tables accepted (= DSB_ESE_MAX_CATALOG) */
#define DSB_ESEDB_MAX_LISTED      100          /* unreadable records listed per table; the rest counted */
#define DSB_ESEDB_MESSAGE_MAX     200          /* libesedb's message, cut */

_Static_assert(DSB_ESEDB_MAX_TABLES <= DSB_ESE_MAX_CATALOG,
	       "a table libesedb lists can be one our catalog kept");
_Static_assert(DSB_ESEDB_MESSAGE_MAX + 64 < DSB_ESEDB_LINE_MAX,
	       "an R line (tag, record number, message) fits a protocol line");
_Static_assert(DSB_ESE_NAME_MAX * 4 + 64 < DSB_ESEDB_LINE_MAX,
	       "a T line (tag, three counts, escaped name) fits a protocol line");

/* Limits of the child.  0 = no limit of that kind. */
struct dsb_esedb_limits {
	uint64_t mem_bytes;       /* RLIMIT_AS (not set under AddressSanitizer: see .c) */
	uint32_t cpu_seconds;     /* RLIMIT_CPU: SIGXCPU, then SIGKILL */
	uint32_t wall_ms;         /* the parent kills the child after this */
};

/* The defaults of `--records`: measured on the 12.6 MB sample ntds.dit at
 * about 0.5 s and 60 MB (docs/ese-checks.md), so these stop only a
 * runaway, and still allow databases a few hundred times larger. */
#define DSB_ESEDB_LIMITS_DEFAULT { .mem_bytes = 4ull << 30, .cpu_seconds = 600, .wall_ms = 900000 }

enum dsb_esedb_outcome {
	DSB_ESEDB_DONE,           /* every table walked */
	DSB_ESEDB_NOT_BUILT,      /* built without libesedb */
	DSB_ESEDB_OPEN_FAILED,    /* libesedb cannot open the file */
	DSB_ESEDB_WALL_LIMIT,     /* killed by the parent's wall clock */
	DSB_ESEDB_CPU_LIMIT,      /* SIGXCPU */
	DSB_ESEDB_MEM_LIMIT,      /* an allocation failed under RLIMIT_AS */
	DSB_ESEDB_CRASHED,        /* died on another signal, or exited early */
	DSB_ESEDB_PROTOCOL,       /* said something we do not accept */
};

/* One table as libesedb sees it. */
struct dsb_esedb_table {
	char name[DSB_ESE_NAME_MAX * 4 + 1];   /* escaped like dsb_ese_table_summary.name */
	uint64_t records;         /* libesedb_table_get_number_of_records */
	uint32_t columns;         /* its own, template table's excluded */
	uint32_t indexes;
	uint64_t unreadable;      /* records libesedb could not read */
	uint64_t values;          /* values read (long and multi-values count once) */
	uint64_t raw_values;      /* of which libesedb knows not the format: bytes read, not decoded */
	uint64_t lv_missing;      /* long values libesedb says are "not available" (its gap) */
	bool finished;            /* its U line arrived */
};

/* Called for each unreadable record as its line arrives (table is the
 * entry being filled); the record number is libesedb's entry index. */
typedef void (*dsb_esedb_record_fn)(void *ctx, const struct dsb_esedb_table *table,
				    uint64_t record, const char *message);

struct dsb_esedb_result {
	enum dsb_esedb_outcome outcome;
	char detail[DSB_ESEDB_MESSAGE_MAX + 64];   /* why, for every outcome but DONE */
	struct dsb_esedb_table *tables;
	size_t ntables;
	int exit_signal;          /* the signal that ended the child, 0 = none */
	double wall_seconds;      /* the child's lifetime, as the parent saw it */
	uint64_t max_rss_kb;      /* the child's peak RSS (getrusage) */
};

/* Run the child on `path`.  False only on an operational error (pipe,
 * fork or memory in the parent; *err then says which); everything the
 * child did or suffered is in *out.  `on_record` may be NULL. */
bool dsb_esedb_read_all(const char *path, const struct dsb_esedb_limits *lim,
			dsb_esedb_record_fn on_record, void *ctx,
			struct dsb_esedb_result *out, char *err, size_t errlen);
void dsb_esedb_result_free(struct dsb_esedb_result *r);

/* The parent's side alone, for tests and fuzzers: parse a whole answer
 * of the child as if it had then exited normally.  Every limit of the
 * live pass applies.  False only on out-of-memory. */
bool dsb_esedb_parse_answer(const void *buf, size_t len, dsb_esedb_record_fn on_record,
			    void *ctx, struct dsb_esedb_result *out);

/* The checks: read `path` through libesedb if `sum` (our verifier's
 * summary of the same file) says our checks passed, then add DSB-E036 per
 * unreadable record, DSB-E037 per table whose counts differ from ours,
 * and DSB-E038 when the pass did not run or did not finish.  `f` already
 * holds our verifier's findings for `input`: any error among them means
 * the file is not handed to libesedb.  `base` anchors the findings
 * (member, line, file), NULL for none.  False only on an operational
 * error (message in err). */
bool dsb_esedb_check_file(const char *path, struct dsb_findings *f, int input,
			  const struct dsb_loc *base, const struct dsb_ese_summary *sum,
			  const struct dsb_esedb_limits *lim, char *err, size_t errlen);

/* The gate of dsb_esedb_check_file alone: true when our checks (`sum`,
 * and the errors `f` holds for `input`) let the file be handed to
 * libesedb; otherwise one DSB-E038, anchored at `base`, says why.  For a
 * caller that has work to do between the decision and the pass (a
 * capture's member must first be on disk: esedb_copy.h). */
bool dsb_esedb_gate(struct dsb_findings *f, int input, const struct dsb_loc *base,
		    const struct dsb_ese_summary *sum);

/* The same checks over an answer the child would have sent (its bytes,
 * as dsb_esedb_parse_answer reads them), without libesedb: the gate, the
 * parsing and the judgement are those of the live pass.  For tests (the
 * rule-coverage table runs E036-E038 through it whether or not libesedb
 * is built in) and fuzzers.  False only on out-of-memory. */
bool dsb_esedb_check_answer(const void *answer, size_t len, struct dsb_findings *f, int input,
			    const struct dsb_loc *base, const struct dsb_ese_summary *sum);

/* `dsbinspect ese --records FILE`, through dsb_verify_opts.records: the
 * limits in, and whether an operational error (pipe, fork, memory)
 * stopped a pass out, with its message in err (errlen bytes, the
 * caller's). */
struct dsb_esedb_records {
	struct dsb_esedb_limits lim;
	char *err;
	size_t errlen;
	bool failed;
};

/* The same checks for the input dsb_verify_ese_file() is verifying
 * (verify/ese/ese_file.c calls it once per input, before it frees its
 * stream): `sum` is its verifier's summary of the file it read through
 * `fd`, so the file is verified once, and the child opens that very
 * descriptor (/proc/self/fd/N), not the path again.  `sum` is NULL when
 * the input is no database (nothing verified: the gate says no header
 * copy verified), `fd` -1 when nothing was opened.  Standard input ("-")
 * cannot be handed over (libesedb reads by path), nor anything but a
 * regular file: DSB-E038 says so.  False only on an operational error. */
bool dsb_esedb_check_ese_fd(struct dsb_findings *f, int input, const char *path, int fd,
			    const struct dsb_ese_summary *sum, const struct dsb_esedb_limits *lim,
			    char *err, size_t errlen);

#endif
