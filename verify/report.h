/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The report model: what the checks of all inputs produced, independent of
 * how it is rendered (inspector/ renders text, JSON and SARIF from it).
 * Field meanings follow report-contract.md §3.
 */
#ifndef DSB_VERIFY_REPORT_H
#define DSB_VERIFY_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/ese/ese.h"
#include "verify/findings.h"

#define DSB_MAX_FILTERS 8

enum dsb_verdict { DSB_PASS = 0, DSB_FAIL = 1, DSB_INCOMPLETE = 2 };

/* --fail-on: the lowest severity that fails; NEVER matches nothing. */
enum dsb_fail_on { DSB_FAIL_ON_INFO, DSB_FAIL_ON_WARNING, DSB_FAIL_ON_ERROR, DSB_FAIL_ON_NEVER };

struct dsb_input {
	char *path;                 /* as given; "-" for stdin */
	uint64_t size;              /* bytes read (folder: sum of regular files) */
	bool has_sha256;            /* false for a folder or a read that failed */
	char sha256[65];
	char *container;            /* "tar", "zip", "dir", ... or NULL */
	const char *filters[DSB_MAX_FILTERS];   /* outermost first, static strings */
	int nfilters;
	bool incomplete;            /* C001, C010 or C015 happened on this input */
	bool ese_file;              /* `dsbinspect ese`: a loose file, not a capture */
	char *file_kind;            /* `ese`: what a file that is not a database is
				     * ("a tar archive", ...), owned; NULL for a
				     * database */
};

struct dsb_file_entry {
	char *name;                 /* as passed to DsBackupOpenFile */
	int bft;                    /* -1: null */
	uint64_t file_size;
	uint64_t bytes_read;
	char *member;               /* bound data record's member, or NULL */
	bool has_sha256;
	char sha256[65];            /* computed over the member's bytes */
	bool complete;
};

enum dsb_session_kind { DSB_SESSION_BACKUP, DSB_SESSION_RESTORE };

struct dsb_session {
	int input;
	char *hbc;
	enum dsb_session_kind kind;
	uint64_t first_seq, last_seq;
	bool cut;
	uint32_t backup_type;       /* backup sessions */
	uint32_t restore_type;      /* restore sessions */
	bool has_token;             /* restore sessions */
	struct dsb_file_entry *files;
	size_t nfiles;
};

/* One side of an ESE signature (db or log), printable: the computer name
 * is structure of the header, not record content; bytes outside
 * printable ASCII are written \xHH. */
struct dsb_db_signature {
	bool present;               /* false: all zero (no log stream, ...) */
	uint32_t random;
	char created[24];           /* "2014-03-18T10:20:30", "" when not set */
	char computer[16 * 4 + 1];
};

/* A bkinfo of the header (last full backup, or the one in progress). */
struct dsb_db_backup {
	bool present;               /* false: all zero */
	uint32_t gen_low, gen_high;
	int32_t mark_generation;
	uint16_t mark_isec, mark_ib;
	char time[24];              /* "" when not set */
};

/* One table of a database's catalog, with what the walk of its trees
 * found (verify/ese/ese.h struct dsb_ese_table_summary).  The name is
 * catalog structure, not record contents (RC §3.7): printable, other
 * bytes written \xHH. */
struct dsb_db_table {
	char *name;
	uint32_t objid, pgno_fdp;
	uint32_t columns, indexes, long_values;
	uint64_t records;           /* non-deleted leaf nodes of its data tree */
	uint64_t pages;             /* of its data, index and long-value trees */
	bool complete;              /* every page of its trees was read and valid */
};

/* One verified ESE database: a backed-up file in a capture, or a file
 * given to `dsbinspect ese`.  The entry holds what the verifier produced,
 * its plain-data summary (verify/ese/ese.h), whole: header fields and raw
 * signatures included, so that a field the verifier adds reaches the
 * renderers without being copied by hand.  The one conversion is
 * dsb_ese_fill_database (verify/ese/ese_report.c): the summary's only
 * pointer to the verifier's memory, its table array, is copied into
 * `tables` and cleared, so the verifier's per-page memory is gone before
 * the next member. */
struct dsb_database {
	int input;
	char *member;               /* archive member, or NULL (`ese` FILE) */
	char *file;                 /* backed-up file name, or NULL */
	uint64_t line;              /* the bound data record's line, 0 = none */
	bool complete;              /* read to its end */
	struct dsb_ese_summary sum; /* sum.tables is NULL: see `tables` */
	size_t ntables;
	struct dsb_db_table *tables;     /* ntables entries, owned; NULL when none */
};

/* What renderers show of the header, made printable from the raw summary
 * (all absent when no header copy verified). */
struct dsb_db_view {
	struct dsb_db_signature sign_db, sign_log;
	struct dsb_db_backup full_prev, full_cur;
};
void dsb_database_view(const struct dsb_database *db, struct dsb_db_view *out);

struct dsb_report {
	struct dsb_input *inputs;
	size_t ninputs;
	struct dsb_session *sessions;   /* by input, then first_seq */
	size_t nsessions;
	size_t sessions_cap;            /* grown geometrically: exports are O(n) */
	struct dsb_findings *findings;
	enum dsb_fail_on fail_on;
	struct dsb_database *databases;   /* by input, then in the order verified */
	size_t ndatabases;
};

struct dsb_report *dsb_report_new(enum dsb_fail_on fail_on);
void dsb_report_free(struct dsb_report *r);

/* Append an input entry; returns its index, or -1 on out-of-memory. */
int dsb_report_add_input(struct dsb_report *r, const char *path);
/* Append a session (takes ownership of its strings and files); false on OOM. */
bool dsb_report_add_session(struct dsb_report *r, struct dsb_session *s);
void dsb_session_clear(struct dsb_session *s);

/* Append a database (takes ownership of its member and file strings and
 * its tables, and clears *db); false on OOM, and then they are freed. */
bool dsb_report_add_database(struct dsb_report *r, struct dsb_database *db);
/* Free what a database entry owns (member, file, tables) and clear it. */
void dsb_database_clear(struct dsb_database *db);

/* Verdict of one input (input >= 0) or of the whole run (input < 0),
 * under r->fail_on (report-contract §2). */
enum dsb_verdict dsb_report_verdict(const struct dsb_report *r, int input);
const char *dsb_verdict_name(enum dsb_verdict v);

#endif
