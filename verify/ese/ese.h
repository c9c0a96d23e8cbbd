/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ESE database verifier: structures to findings (rules DSB-E001...).
 *
 * A streaming consumer.  The capture reader feeds a data member's bytes
 * once, as they stream by, in blocks of any size; the verifier never seeks
 * and never holds more than a few pages of the database:
 *
 *	struct dsb_ese_stream *s = dsb_ese_stream_new(f, input, &loc);
 *	while (...) dsb_ese_stream_feed(s, buf, n);
 *	dsb_ese_stream_finish(s, read_ok);
 *	const struct dsb_ese_summary *sum = dsb_ese_stream_summary(s);
 *	...
 *	dsb_ese_stream_free(s);
 *
 * What it keeps per page is a summary (type, flags, objid, siblings or
 * children) for the B-tree walk at finish, in about 6 bytes a page on a
 * typical database (a 6-byte slot, the rest in side tables: the objids in a
 * dictionary, the few pages whose links or counts do not fit in
 * exceptions; summary.walk_bytes says how much), up to DSB_ESE_MAX_PAGES
 * pages, and the child pointers of internal pages whose children are not a
 * run of consecutive pages (4 bytes each).  Hostile pages cost at most
 * about 20 bytes a page: past DSB_ESE_IRREGULAR_BASE plus a quarter of the
 * pages in exceptions, or past DSB_ESE_MAX_PAGES, the walk is skipped
 * (DSB-E034) and every page is still checksummed.  docs/architecture.md
 * says how memory grows with each dimension.  Findings are added to `f` with the location `base` (member,
 * line, file) plus the page and its byte offset in the file.  Most are
 * added at finish: whether a damaged page matters depends on whether a
 * tree references it, which is known only once every page has been seen.
 *
 * See docs/ese-checks.md for the checks, their rules and their limits.
 */
#ifndef DSB_VERIFY_ESE_H
#define DSB_VERIFY_ESE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/ese.h"
#include "verify/findings.h"

/* Hard limits on what the verifier keeps (each documented in
 * docs/ese-checks.md).  Exceeding one skips the tree walk, never a
 * checksum. */
#define DSB_ESE_MAX_PAGES     (1u << 24)  /* pages summarised for the walk (128 GiB at 8 KiB) */
#define DSB_ESE_MAX_CHILDREN  (1u << 24)  /* child pointers of internal pages */
#define DSB_ESE_MAX_CATALOG   (1u << 17)  /* catalog entries kept (tables, indexes, LVs, column runs) */
#define DSB_ESE_MAX_EXTENTS   (1u << 20)  /* space-tree extents kept */
#define DSB_ESE_MAX_ROOTS     (1u << 18)  /* FDP root pages kept */
#define DSB_ESE_MAX_DEPTH     32          /* levels of one B-tree */
#define DSB_ESE_MAX_MISPLACED (1u << 16)  /* pages kept as "written for another pgno" candidates */
#define DSB_ESE_MAX_UNDECODED (1u << 16)  /* pages noted as holding entries not understood */
/* Pages whose summary does not fit the compact slot (sibling links that
 * are not the neighbouring pages, large counts, more distinct objids than
 * 65535) may be this many plus a quarter of the pages kept so far. */
#define DSB_ESE_IRREGULAR_BASE (1u << 16)

/* The limits one stream applies: the hard limits above by default.  Tests
 * lower them (dsb_ese_stream_set_limits) to reach each limit with a small
 * database instead of a giant one.  A limit reached is never silent: it is
 * a DSB-E034 finding naming it, and the summary's checks_incomplete. */
struct dsb_ese_limits {
	uint32_t pages, children, catalog, extents, roots, depth, misplaced;
};
#define DSB_ESE_LIMITS_DEFAULT { \
	.pages = DSB_ESE_MAX_PAGES, .children = DSB_ESE_MAX_CHILDREN, \
	.catalog = DSB_ESE_MAX_CATALOG, .extents = DSB_ESE_MAX_EXTENTS, \
	.roots = DSB_ESE_MAX_ROOTS, .depth = DSB_ESE_MAX_DEPTH, \
	.misplaced = DSB_ESE_MAX_MISPLACED }

struct dsb_ese_table_summary {
	char name[DSB_ESE_NAME_MAX * 4 + 1];  /* printable: other bytes as \xHH */
	uint32_t objid, pgno_fdp;
	uint32_t columns, indexes, long_values;
	uint64_t records;         /* non-deleted leaf nodes of the data tree */
	uint64_t pages;           /* pages of its data, index and LV trees */
	bool complete;            /* every page of its trees was read and valid */
};

struct dsb_ese_summary {
	/* header */
	bool is_ese;              /* some header copy carries the ESE magic */
	bool header_ok;           /* at least one header copy verified */
	bool primary_ok, shadow_ok, copies_identical;
	uint32_t page_size;
	struct dsb_ese_header header;        /* the copy used (valid if header_ok) */
	uint32_t format_version, format_revision, format_update_minor;
	uint32_t state;
	const char *state_name;   /* static string */
	bool fuzzy;               /* a copy of a running database (dirty, or a backup in progress) */
	bool backup_in_progress;  /* bkinfoFullCur.genLow set, genHigh 0: a streamed copy */
	/* log generations: as the header says, and what a restore needs */
	int32_t gen_min_required, gen_max_required, gen_max_committed;
	uint32_t logs_needed_low, logs_needed_high;   /* 0-0: none */
	/* streaming-backup trailer */
	bool trailer_present, trailer_ok;
	struct dsb_ese_trailer trailer;
	/* pages */
	uint64_t bytes;           /* bytes fed */
	bool truncated;           /* cut in the middle of a page or by a read error */
	uint64_t pages_total;     /* logical pages seen (trailer excluded) */
	uint64_t pages_used;      /* valid, in use */
	uint64_t pages_empty;     /* valid, flagged empty or pre-initialised */
	uint64_t pages_uninit;    /* all zero */
	uint64_t pages_bad;       /* checksum fails (incl. bit flips and misplaced) */
	uint64_t pages_bitflip, pages_misplaced;
	uint64_t pages_bad_structure;
	uint64_t pages_old_checksum, pages_new_checksum;
	uint64_t highest_dbtime;
	uint32_t highest_dbtime_pgno;
	/* trees and space (valid once tree_walk_done) */
	bool tree_walk_done;
	const char *tree_walk_skipped;       /* static reason, or NULL */
	uint64_t pages_referenced;           /* reached from a tree */
	uint64_t pages_unreferenced;         /* not zero, reached from no tree */
	uint64_t pages_free;                 /* in available space */
	uint32_t last_owned_pgno;            /* end of the database's owned space, 0 = unknown */
	/* catalog */
	bool catalog_ok;
	size_t ntables;
	const struct dsb_ese_table_summary *tables;   /* owned by the stream */
	bool looks_like_ad;       /* named *ntds.dit or has a datatable */
	bool ad_tables_present;
	/* operational */
	bool out_of_memory;
	bool checks_incomplete;   /* a limit stopped a check (DSB-E034 says which) */
	/* memory: bytes of the per-page store at finish (slots, objid
	 * dictionary, exceptions, child pointers), and pages it held */
	uint64_t walk_bytes;
	uint64_t walk_pages;
};

/* Is the database input "not checked in full" (RC §2, exit status 2)?  No
 * header copy verified (E001/E002: nothing was checked), or a limit
 * stopped a check (E034).  The one place that decides it, for both the
 * capture path and the `ese` command. */
bool dsb_ese_summary_incomplete(const struct dsb_ese_summary *sum);

struct dsb_ese_stream;

/* `base` supplies member, line and file for every finding (its strings are
 * copied); page and offset are set per finding.  NULL on out-of-memory. */
struct dsb_ese_stream *dsb_ese_stream_new(struct dsb_findings *f, int input,
					  const struct dsb_loc *base);
/* Replace the limits (tests only; before the first feed, else ignored).
 * Values of 0 keep the default. */
void dsb_ese_stream_set_limits(struct dsb_ese_stream *s, const struct dsb_ese_limits *lim);
/* Feed the next bytes.  False only on an operational error (out of
 * memory): verification stopped; later calls do nothing.  Findings never
 * make it return false. */
bool dsb_ese_stream_feed(struct dsb_ese_stream *s, const void *buf, size_t len);
/* End of the stream.  complete = false when the caller's read failed, so
 * the end is not the file's end: no finding about the missing part is
 * made (the caller reports the read error).  Idempotent. */
void dsb_ese_stream_finish(struct dsb_ese_stream *s, bool complete);
/* Valid after finish, until free. */
const struct dsb_ese_summary *dsb_ese_stream_summary(const struct dsb_ese_stream *s);
void dsb_ese_stream_free(struct dsb_ese_stream *s);

/* Do these first bytes look like an ESE database (magic in the primary
 * header, or in the shadow at one of the page sizes if len reaches it)? */
bool dsb_ese_sniff(const void *first_bytes, size_t len);

/* Convenience: stream a whole file descriptor through a new stream and
 * finish it (complete = false on a read error, with errno in *read_errno
 * when not NULL).  The caller frees the returned stream; NULL on
 * out-of-memory. */
struct dsb_ese_stream *dsb_ese_verify_fd(int fd, struct dsb_findings *f, int input,
					 const struct dsb_loc *base, int *read_errno);

/* ---- page-local structure checks (REF §2.2, §2.3), exposed for tests and
 * fuzzers; the stream runs them on every page whose checksum verifies. --- */

struct dsb_ese_page_problem {
	enum dsb_rule rule;       /* DSB_E016 ... DSB_E019 */
	uint32_t at;              /* byte offset in the page of the culprit */
	uint32_t more;            /* further problems of this rule found on the
				   * page and not listed (one finding per rule
				   * and page: the first one found) */
	char what[160];           /* one line, no input bytes */
};

/* The page-local rules, first and last: one problem slot each. */
#define DSB_ESE_PAGE_RULE_FIRST DSB_E016
#define DSB_ESE_PAGE_RULE_LAST  DSB_E019
#define DSB_ESE_PAGE_PROBLEMS_MAX 4   /* at most one per rule */
static_assert(DSB_ESE_PAGE_PROBLEMS_MAX == DSB_ESE_PAGE_RULE_LAST - DSB_ESE_PAGE_RULE_FIRST + 1,
	      "one problem slot per page-local rule (E016-E019), no more, no fewer");

/* Returns the number of problems written to out (at most one per rule;
 * the others of a rule are counted in its `more`). */
size_t dsb_ese_page_structure_check(const uint8_t *page, size_t cb,
				    struct dsb_ese_page_problem out[DSB_ESE_PAGE_PROBLEMS_MAX]);

#endif
