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

/* What a folder or file given to `verify` is when it is not a capture
 * (docs/media.md): IFM media or a Windows Server Backup.  Owned by its
 * input; NULL for a capture. */
struct dsb_medium_hive {
	char *name;                 /* "SYSTEM", "SECURITY", as found under registry/ */
	uint64_t size;
	bool regf;                  /* starts with the "regf" signature of a hive */
};
struct dsb_medium_volume {
	char *file;                 /* the .vhdx, relative to the input */
	uint64_t size;
	bool opened;                /* handed to the volume reader and read by it */
};
/* "2026-11-30T22:15:03" and its NUL */
#define DSB_MEDIUM_TIME_SIZE 20
_Static_assert(sizeof "2026-11-30T22:15:03" == DSB_MEDIUM_TIME_SIZE, "a backup's time fits");
struct dsb_medium_backup {
	char *folder;               /* "Backup 2026-11-30 221503", relative to the input */
	char *host;                 /* the <host> folder's name, NULL when not known */
	char when[DSB_MEDIUM_TIME_SIZE];   /* "2026-11-30T22:15:03", "" when the name has none */
	struct dsb_medium_volume *volumes;
	size_t nvolumes;
	bool media_id;              /* the host's folder holds MediaId */
	bool catalog;               /* ... and Catalog/GlobalCatalog and BackupGlobalCatalog
				     * (what `wbadmin get versions` lists versions from) */
	bool ntds;                  /* the catalogue names the NTDS writer */
	char *ntds_database;        /* DATABASE_FILES path\filespec, or NULL */
	char *ntds_logs;            /* DATABASE_LOGFILES path\filespec, or NULL */
};
struct dsb_medium {
	const char *kind;           /* "ifm" or "wsb" (static) */
	char *database;             /* ifm: the database, relative to the input, or NULL */
	bool sysvol;                /* ifm: a SYSVOL folder ("create sysvol full") */
	struct dsb_medium_hive *hives;
	size_t nhives;
	struct dsb_medium_backup *backups;
	size_t nbackups;
};
void dsb_medium_free(struct dsb_medium *m);

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
	bool ese_recognised;        /* `ese`: file_kind is a log, checkpoint,
				     * reserve log or patch file: checked as one,
				     * not "not a database" */
	struct dsb_input_medium *medium;   /* a file inside a disk image's volume
					    * (verify/media/), owned; NULL otherwise */
	struct dsb_medium *backup_medium;  /* `verify` of IFM media or a WSB, else NULL */
	unsigned shadows_unchecked; /* a disk image: VSS shadow copies of its
				     * NTDS volume not opened (no --shadows) */
	bool shadows_present;       /* ...or a VSS area whose catalog was not
				     * counted (shadows_unchecked is then 0) */
};

/* Where a file checked inside a disk image lies (RC §3.5, docs/media.md):
 * the report's `medium` object of the file's input.  A finding on such
 * an input gives its offset in the file; the file's place in the volume
 * and the volume's in the image are here. */
struct dsb_input_medium {
	char *image;                /* the image's path, as given */
	const char *format;         /* "raw", "ewf", "vhd", "vhdx", "vmdk", "qcow2" */
	unsigned volume;            /* 1.. in the partition table; 0: the whole image */
	const char *scheme;         /* "gpt", "mbr", "none" */
	uint64_t volume_offset;     /* bytes, in the image */
	const char *file_system;    /* "ntfs" */
	char *path;                 /* inside the volume: "/Windows/NTDS/ntds.dit" */
	int64_t file_volume_offset; /* the file's first byte in the volume, -1: not one run */
	/* `verify --shadows`: the file was read from a VSS shadow copy of the
	 * volume (format/vss.h), not from its live state. */
	unsigned snapshot;          /* 1.. oldest first; 0: the live volume */
	char snapshot_id[40];       /* the shadow copy's identifier, "{8-4-4-4-12}" */
	char snapshot_created[32];  /* its creation time, "2026-11-21T10:00:00Z" */
};
_Static_assert(sizeof(((struct dsb_input_medium *)0)->snapshot_id) >= sizeof "{01234567-0123-0123-0123-012345678901}",
	       "a braced GUID and its NUL fit");

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
	uint64_t truncate_line;     /* backup sessions: the journal line of the first
				     * successful DsBackupTruncateLogs, 0: none */
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

/* One ESE transaction log or reserve log (RC §3.8): a loose file given
 * to `dsbinspect ese` (found in a folder or named), or a capture member
 * whose first bytes are one.  The header fields are those the sniff
 * verifier (verify/logs/) decoded from a header whose checksum verified;
 * `segments` comes from the walk of a v8 body, and is absent (null in
 * JSON) for a v7 log, a reserve log and a log whose header failed. */
enum dsb_log_kind { DSB_LOG_LOG, DSB_LOG_RESERVE };

struct dsb_log_segments {
	uint64_t valid, empty, bad, corrected, shadow;
};

struct dsb_log_entry {
	int input;
	char *member;               /* archive member, or NULL (a loose file) */
	char *file;                 /* backed-up file name, or NULL */
	char *name;                 /* the file's own name: the last part of the
				     * member or path */
	enum dsb_log_kind kind;
	uint64_t size;              /* bytes of the file (member) */
	bool header_ok;             /* a log header whose checksum verifies; false
				     * for a reserve log, which has none */
	uint32_t generation;        /* header_ok: le_lGeneration */
	uint32_t version[4];        /* header_ok: major, minor, update major, update minor */
	uint16_t sector_size;       /* header_ok: le_cbSec */
	uint16_t page_size;         /* header_ok: le_cbPageSize (the database's) */
	struct dsb_ese_signature sign_log;
	struct dsb_ese_logtime created, prev_created;
	bool has_segments;          /* false: the body was not verified */
	struct dsb_log_segments segments;
	/* Set by the log judgement (verify/logs/), read by the set's: */
	bool errors;                /* an error-level DSB-L finding about this file's
				     * own bytes or its place in the sequence */
	bool torn_repairable;       /* a torn write in edb.log that soft recovery
				     * repairs from its shadow (L009) */
	/* Set by the log verifier: its attach records of another stream
	 * (owned; NULL when none, which is nearly always) */
	struct dsb_log_attach_rec *attach;
	uint32_t nattach;
};

/* An lrtypAttachDB record of a log's body that logs another stream's
 * signLog: the database it attached was last consistent in that stream
 * (REF §3.7; format/ese_logrec.h).  Kept for the set judgement only, not
 * rendered. */
struct dsb_log_attach_rec {
	struct dsb_ese_lgpos at;               /* the record's own position */
	struct dsb_ese_lgpos lgpos_consistent; /* logged: the database header's */
	struct dsb_ese_signature sign_db, sign_log;
};

/* One checkpoint file (RC §3.8). */
struct dsb_checkpoint_entry {
	int input;
	char *member;               /* archive member, or NULL (a loose file) */
	char *file;                 /* backed-up file name, or NULL */
	char *name;                 /* the file's own name */
	uint64_t size;
	bool copy_ok[2];            /* each 4096-byte copy's checksum verifies */
	bool copies_equal;
	struct dsb_ese_signature sign_log;   /* of the first copy that verifies */
	struct dsb_ese_lgpos checkpoint;
};

/* What renderers show of a log's or checkpoint's header: printable, as a
 * database's (the same signature form and timestamp form). */
struct dsb_log_view {
	struct dsb_db_signature sign_log;
	char created[24], prev_created[24];   /* "" when not set */
};
void dsb_log_view(const struct dsb_log_entry *lg, struct dsb_log_view *out);
/* A LOGTIME as the report prints it, "2026-11-21T08:52:00" (out left as
 * it is when the time is not set); DSB_LOGTIME_SHOW_SIZE bytes hold it. */
#define DSB_LOGTIME_SHOW_SIZE 24
void dsb_logtime_show(char *out, size_t n, const struct dsb_ese_logtime *t);
void dsb_checkpoint_view(const struct dsb_checkpoint_entry *ck, struct dsb_db_signature *out);

/* One streaming-backup patch file (*.pat, REF §3.10): RC §3.8 defines no
 * entry for it, the project does (docs/cli.md, `patches[]`).  Made by
 * `ese` for every file recognised as one (verify/ese/ese_file.c); bound
 * to a database and judged by the set judgement (verify/set/set_patch.c). */
enum dsb_patch_kind {
	DSB_PATCH_EMPTY,            /* 0 bytes: what current engines leave */
	DSB_PATCH_PATCHHDR,         /* one or two PATCHHDR pages (Windows 7-era) */
	DSB_PATCH_LEGACY,           /* older engines' patched pages: not verified */
};
const char *dsb_patch_kind_name(enum dsb_patch_kind k);

/* The fields of PATCHHDR a hard restore compares with its database
 * (ErrLGCheckDBFiles, REF §3.10), one bit each in `mismatch`. */
enum {
	DSB_PATCH_DIFF_SIGN_DB   = 1u << 0,
	DSB_PATCH_DIFF_SIGN_LOG  = 1u << 1,
	DSB_PATCH_DIFF_MARK      = 1u << 2,   /* bkinfo.lgposMark */
	DSB_PATCH_DIFF_GEN_LOW   = 1u << 3,   /* bkinfo.genLow */
	DSB_PATCH_DIFF_GEN_HIGH  = 1u << 4,   /* bkinfo.genHigh: 0, or not the trailer's */
	DSB_PATCH_DIFF_COUNT     = 5,
};
/* "signDb", "signLog", "lgposMark", "genLow", "genHigh": bit i's name. */
const char *dsb_patch_diff_name(unsigned bit);

struct dsb_patch_entry {
	int input;
	char *member;               /* archive member, or NULL (a loose file) */
	char *name;                 /* the file's own name */
	uint64_t size;
	enum dsb_patch_kind kind;
	uint32_t page_size;         /* PATCHHDR: the size of its copies */
	unsigned copies;            /* PATCHHDR: 1 or 2 */
	bool copy_ok[2];            /* each copy's checksum verifies */
	bool copies_equal;
	bool header_ok;             /* PATCHHDR and a copy verifies: the fields
				     * below are that copy's */
	struct dsb_ese_signature sign_db, sign_log;   /* header_ok */
	struct dsb_ese_bkinfo bkinfo;                 /* header_ok */
	/* Set by the set judgement: */
	int64_t database;           /* index into databases; -1: bound to none */
	bool by_name;               /* bound by its name (ntds.pat beside ntds.dit),
				     * no database having its signDb */
	bool compared;              /* its fields were compared with a streamed copy's */
	unsigned mismatch;          /* DSB_PATCH_DIFF_* */
};
/* Printable signatures and bkinfo of a patch file (absent unless header_ok). */
void dsb_patch_view(const struct dsb_patch_entry *p, struct dsb_db_signature *sign_db,
		    struct dsb_db_signature *sign_log, struct dsb_db_backup *bk);

/* A backup set and its restore verdict (RC §3.10, verify/set/set.h). */
enum dsb_set_verdict {
	DSB_SETV_NONE,              /* a log set: logs with no database, no verdict */
	DSB_SETV_RESTORABLE,
	DSB_SETV_WARNINGS,          /* restorable-with-warnings */
	DSB_SETV_NOT_RESTORABLE,
	DSB_SETV_UNKNOWN,           /* what decides it could not be read */
};
const char *dsb_set_verdict_name(enum dsb_set_verdict v);   /* NULL for NONE */

struct dsb_gen_run {
	uint32_t low, high;
};

struct dsb_backup_set {
	int input;                  /* the database's input (a log set: its first file's) */
	int64_t database;           /* index into databases; -1: a log set */
	size_t *logs;               /* indices into logs, by generation */
	size_t nlogs;
	int64_t checkpoint;         /* index into checkpoints; -1: none */
	char base[4];               /* "edb" (RC §3.9) */
	char ext[5];                /* ".log" or ".jtx" */
	bool has_required;          /* false: consistent, nothing to replay (null) */
	uint32_t required_low, required_high;
	uint32_t committed;         /* 0: none */
	struct dsb_gen_run *present;     /* the generations present, in runs */
	size_t npresent;
	char **missing;             /* names of required or committed generations
				     * absent or unusable, in order */
	size_t nmissing;
	uint64_t missing_total;     /* listed or not (DSB_SET_MISSING_LISTED) */
	enum dsb_set_verdict verdict;
	char **reasons;             /* one line each */
	size_t nreasons;
	char **next_steps;          /* one line each, in the order to follow */
	size_t nsteps;
	/* The same lines in the user's language, for the text report only
	 * (dsb_set_opts.local; lib/i18n.h): NULL and 0 when not asked for.
	 * The JSON forms never read them. */
	char **reasons_local;
	size_t nreasons_local;
	char **steps_local;
	size_t nsteps_local;
};
/* Free what a set owns and clear it. */
void dsb_backup_set_clear(struct dsb_backup_set *s);

/* `dsbinspect extract` (RC §3.11, extract/extract.h): what it wrote, or
 * would have written when it failed (`written` false), for the
 * renderers.  The project's own addition to the report (docs/cli.md). */
struct dsb_extracted_file {
	char *name;                 /* under the set's folder: the backed-up base name,
				     * or "manifest.json" */
	const char *kind;           /* "database", "log", "checkpoint", "manifest" (static) */
	char *member;               /* the archive member it came from; NULL: the manifest */
	char *file;                 /* the backed-up name it was opened as; NULL: the manifest */
	uint64_t size;
	char sha256[65];
};

struct dsb_extracted_set {
	size_t set;                 /* index into sets */
	char dir[32];               /* its folder under DIR: "set-1", ... */
	struct dsb_extracted_file *files;
	size_t nfiles;
};

struct dsb_extraction {
	char *dir;                  /* DIR as given */
	bool written;               /* every set is in place; false: nothing was left */
	bool overwrite, force;      /* the options in effect */
	struct dsb_extracted_set *sets;
	size_t nsets;
};
void dsb_extraction_free(struct dsb_extraction *x);

/* `dsbinspect ese` collects the files of every folder PATH (RC §1): what
 * a folder's walk found beside its ESE files, and every entry it skipped
 * that deserves its own line (not regular, a file already checked). */
struct dsb_ese_folder {
	char *path;                 /* as given */
	int input;                  /* the folder's own input, when something about
				     * the folder itself is a finding (no ESE file,
				     * a limit, an entry that cannot be read); -1 */
	uint64_t ese_files;         /* inputs it gave */
	uint64_t other_skipped;     /* regular files neither ESE by their header
				     * nor by their name: skipped, counted */
	uint64_t not_regular;       /* symbolic links, FIFOs, devices, sockets */
	uint64_t duplicates;        /* files already checked as an earlier input */
	bool complete;              /* walked to its end */
};

struct dsb_ese_skip {
	char *path;                 /* the skipped entry, as found */
	char *why;                  /* "symbolic link, not followed", ... (built
				     * from kinds and numbers, never file bytes) */
};

/* Skipped entries listed (the rest are counted in their folder). */
#define DSB_ESE_SKIPS_LISTED 1000

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
	struct dsb_log_entry *logs;       /* by input, then in the order read */
	size_t nlogs, logs_cap;
	struct dsb_checkpoint_entry *checkpoints;
	size_t ncheckpoints, checkpoints_cap;
	struct dsb_patch_entry *patches;  /* by input */
	size_t npatches, patches_cap;
	bool ese_collection;              /* `dsbinspect ese`: folders and skips apply */
	struct dsb_ese_folder *folders;   /* ese: the folder PATHs, in command-line order */
	size_t nfolders;
	struct dsb_ese_skip *skips;       /* ese: at most DSB_ESE_SKIPS_LISTED */
	size_t nskips;
	uint64_t skips_total;             /* listed or not */
	struct dsb_backup_set *sets;      /* RC §3.10: databases' sets, then log sets */
	size_t nsets, sets_cap;
	struct dsb_extraction *extraction;   /* `extract` only, else NULL (owned) */
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

/* Append a log or checkpoint entry (takes ownership of its strings and
 * clears *e); false on OOM, and then they are freed. */
bool dsb_report_add_log(struct dsb_report *r, struct dsb_log_entry *e);
bool dsb_report_add_checkpoint(struct dsb_report *r, struct dsb_checkpoint_entry *e);
bool dsb_report_add_patch(struct dsb_report *r, struct dsb_patch_entry *e);
/* Append a set (takes ownership, clears *s); false on OOM (then freed). */
bool dsb_report_add_set(struct dsb_report *r, struct dsb_backup_set *s);
/* Append a folder (path copied); returns its index, or -1 on OOM. */
int dsb_report_add_folder(struct dsb_report *r, const char *path);
/* Note a skipped entry: listed while fewer than DSB_ESE_SKIPS_LISTED are,
 * counted always.  False on OOM (it is still counted). */
bool dsb_report_add_skip(struct dsb_report *r, const char *path, const char *why);

/* Move everything src holds (inputs, sessions, entries, sets, findings)
 * to the end of dst, with every index into src's arrays (inputs,
 * databases, logs, checkpoints) made an index into dst's: dst then holds
 * what checking src's inputs into dst itself would have left there
 * (`verify --jobs`: each input is checked into a report of its own).  src
 * is left empty, to be freed.  False on out-of-memory: what was not moved
 * stays in src and is freed with it. */
bool dsb_report_absorb(struct dsb_report *dst, struct dsb_report *src);

/* Verdict of one input (input >= 0) or of the whole run (input < 0),
 * under r->fail_on (report-contract §2). */
enum dsb_verdict dsb_report_verdict(const struct dsb_report *r, int input);
const char *dsb_verdict_name(enum dsb_verdict v);

#endif
