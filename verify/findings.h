/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Findings: what the checks conclude about the evidence.  They accumulate;
 * checking goes on after each one (operational errors are separate, see
 * verify/status.h).  A collection keeps, per rule, only the first
 * DSB_LIST_CAP findings in report order (report-contract §3.6) and counts
 * the rest, so its memory is bounded whatever the input: 10 million bad
 * records cost the same memory as 2,000.
 */
#ifndef DSB_VERIFY_FINDINGS_H
#define DSB_VERIFY_FINDINGS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/rules.h"

#define DSB_LIST_CAP 1000      /* listed findings per rule per input (RC §3.6) */
#define DSB_MESSAGE_MAX 1024   /* a message is one line, cut at this length */
#define DSB_TABLE_NAME_MAX 640 /* location.table: an ESE tree's name, escaped (\xHH) */

/* Where a finding is.  Absent members are NULL / 0 / -1 as noted.  The
 * strings are borrowed by dsb_findings_add, which copies them. */
struct dsb_loc {
	const char *member;   /* archive member name as in the archive, or NULL */
	uint64_t line;        /* anchor journal line, 0 = none */
	uint64_t seq;         /* record seq, valid when has_seq */
	bool has_seq;
	const char *hbc;      /* handle string, or NULL */
	const char *fn;       /* function name as recorded, or NULL */
	const char *file;     /* backed-up file name, or NULL */
	int64_t page;         /* ESE page number, -1 = none */
	int64_t offset;       /* byte offset, -1 = none */
	const char *table;    /* ESE table, or NULL */
	int64_t generation;   /* log generation, -1 = none */
};

#define DSB_LOC_INIT { .page = -1, .offset = -1, .generation = -1 }

struct dsb_finding {
	enum dsb_rule rule;
	enum dsb_severity severity;
	int input;
	char *message;
	char *member, *hbc, *fn, *file, *table;   /* owned copies or NULL */
	uint64_t line, seq;
	bool has_seq;
	int64_t page, offset, generation;
};

struct dsb_findings;

struct dsb_findings *dsb_findings_new(void);
void dsb_findings_free(struct dsb_findings *f);

/* Add a finding with the rule's default severity.  Never fails visibly: on
 * out-of-memory the finding is still counted (severity totals stay true)
 * and dsb_findings_oom() reports that something could not be listed. */
void dsb_findings_add(struct dsb_findings *f, int input, enum dsb_rule rule,
		      const struct dsb_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same with a va_list: what every checker's own printf-style adding
 * function calls, so that a message is formatted once, here. */
void dsb_findings_vadd(struct dsb_findings *f, int input, enum dsb_rule rule,
		       const struct dsb_loc *loc, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

/* For callers that build a message before adding it: when a finding at
 * `loc` could never be listed (its rule's listing is full with findings
 * that sort before it), count it as dsb_findings_add would and return
 * true, so that the caller skips the message.  false: nothing done, add
 * the finding as usual. */
bool dsb_findings_count_if_unlisted(struct dsb_findings *f, int input, enum dsb_rule rule,
				    const struct dsb_loc *loc);

/* Move every finding and count of src into dst, applying the caps; src is
 * left empty. */
void dsb_findings_merge(struct dsb_findings *dst, struct dsb_findings *src);

/* The same, with every input index of src moved up by base: the
 * findings of an input checked in a report of its own (`verify --jobs`)
 * join the run's report at the input's place in it.  An out-of-memory
 * mark of src carries over. */
void dsb_findings_merge_input(struct dsb_findings *dst, struct dsb_findings *src, int base);

/* The same, after rewriting every finding of src to the anchor of one
 * data member (RC §3.6 "Payload, ESE and log findings: the line of the
 * bound data record"): line, file and member are replaced (NULL file or
 * member: none).  Used for findings made while a member streamed by,
 * before the journal said which data record it belongs to.  Every
 * finding of src gets the same anchor, so their order among themselves,
 * and therefore which ones the caps keep, does not change. */
void dsb_findings_merge_anchor(struct dsb_findings *dst, struct dsb_findings *src,
			       uint64_t line, const char *file, const char *member);

/* The table that owns an ESE page, written into buf (n bytes) or
 * returned as a string of the callee's; NULL when no table owns it. */
typedef const char *(*dsb_table_of_fn)(void *ctx, int64_t page, char *buf, size_t n);

/* The same as dsb_findings_merge, after giving every finding of src that
 * has a page and no table the table `table_of` names for that page.  For
 * findings made before the owner of a page was known (the ESE catalog is
 * read at the end of the database).  The table is not a sort key, so
 * which findings the caps keep does not change. */
void dsb_findings_merge_table(struct dsb_findings *dst, struct dsb_findings *src,
			      dsb_table_of_fn table_of, void *ctx);

/* Sort the listed findings into report order (RC §3.6) and return them.
 * The array stays owned by f and valid until f changes. */
const struct dsb_finding *dsb_findings_sorted(struct dsb_findings *f, size_t *count);

/* The listed findings of one input, in report order: the same as that
 * input's run of dsb_findings_sorted(), at the cost of that input's
 * findings only (`verify` renders each input as it is done).  Valid until
 * the next call or until f changes; NULL on out-of-memory. */
const struct dsb_finding *dsb_findings_sorted_input(struct dsb_findings *f, int input,
						    size_t *count);

/* Totals over every finding, listed or not. */
uint64_t dsb_findings_total(const struct dsb_findings *f, int input, enum dsb_severity sev);
/* input < 0: over all inputs. */
uint64_t dsb_findings_suppressed(const struct dsb_findings *f, enum dsb_rule rule);
uint64_t dsb_findings_count_rule(const struct dsb_findings *f, int input, enum dsb_rule rule);
bool dsb_findings_oom(const struct dsb_findings *f);

/* The comparison of RC §3.6, exposed for tests. */
int dsb_finding_cmp(const struct dsb_finding *a, const struct dsb_finding *b);

#endif
