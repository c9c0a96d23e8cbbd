/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the protocol replay, shared by its files:
 *
 *   verify/protocol/replay.c        the public interface, the transition function,
 *                          sessions, opens, data records, the end of the
 *                          journal and the export to the report
 *   verify/protocol/replay_table.c  THE table {state, call} -> {next state, checks,
 *                          effects}, the state names (function facts: format/dsapi.c)
 *   verify/protocol/replay_check.c  one function per check (the P and R rules)
 *   verify/protocol/replay_mem.c    buffers (P019, P020) and backup tokens (R004)
 *
 * Not for use outside verify/protocol/ (every .c file) and tests/test_replay*.c:
 * including it elsewhere is an error unless DSB_REPLAY_INTERNAL is defined.
 *
 * Memory is per handle (struct rsession), per open (struct ropen), per data
 * record (struct rdata), per distinct pointer (struct rptr) and per
 * outstanding buffer (struct rbuf); never per read.  Every array has a hard
 * limit from replay.h, and every byte of stored text counts against
 * DSB_MAX_NAME_BYTES.  When a limit is hit the replay stops: what came
 * before is judged, nothing after it is (the caller raises C015).
 */
#ifndef DSB_VERIFY_REPLAY_INT_H
#define DSB_VERIFY_REPLAY_INT_H

/* Defined by the .c files of verify/protocol/, and by the tests that check internals. */
#ifndef DSB_REPLAY_INTERNAL
#error "verify/protocol/replay_int.h is internal to verify/protocol/: include verify/protocol/replay.h"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/hashmap.h"
#include "lib/strbuf.h"
#include "format/dsapi.h"
#include "verify/protocol/replay.h"

#define RP_NONE UINT32_MAX   /* "no index" for every uint32_t index below */

/* ---- lookups ------------------------------------------------------------ */

/* Every lookup goes through lib/hashmap.h: the map stores a hash and an
 * index, the key lives in whatever the index names (a session's handle
 * string, a path, a pointer string, an open's (handle, name), a token
 * digest), and each lookup compares against it with its own eq function.
 * Every map is bounded by the limit of the array it indexes (DSB_MAX_*). */

/* A borrowed byte string, the key type of most maps. */
struct rkey {
	const char *s;
	size_t len;
};

/* ---- the state machine (replay_table.c) ------------------------------- */

/* The state of a handle.  HS_NONE is where a handle with no live session
 * is; no transition leads to it, so in a table cell it means "unchanged". */
enum hstate {
	HS_NONE,
	HS_B_READY,        /* backup handle, no file open */
	HS_B_OPEN,         /* backup handle, a file open */
	HS_R_READY,        /* restore handle, no successful Register yet */
	HS_R_REGISTERED,   /* a successful Register, no successful RegisterComplete after it */
	HS_R_COMPLETE,     /* the last successful Register was completed */
	HS_ENDED,          /* the session ended or closed: the handle is not live */
	HS_COUNT
};

extern const char *const dsb_rp_state_names[HS_COUNT];

/* Checks: each raises at most one finding (one rule) per record. */
enum rcheck {
	CK_P001, CK_R009,                  /* these two isolate the call (RC §4.1) */
	CK_P004, CK_P005, CK_P006_HINT, CK_P006_READ, CK_P007, CK_P008,
	CK_P009, CK_P010, CK_P011, CK_P012, CK_P013, CK_P015, CK_P021,
	CK_R003, CK_R005, CK_R006, CK_R007,
	CK_P022,                           /* last: it looks at what P001 decided */
	CK_COUNT
};

/* Effects, run in this order: ending an open comes before a new open and
 * before ending the session. */
enum reffect {
	EF_LIST_DBNAMES, EF_LIST_LOGS, EF_LIST_LOCATIONS,
	EF_COUNT_BYTES, EF_TRUNCATED, EF_REGISTERED,
	EF_END_OPEN, EF_OPEN, EF_END_SESSION,
	EF_COUNT
};

#define BIT(x) (1u << (x))

struct transition {
	bool isolated;        /* P001/R009: no state, only the call's own checks */
	unsigned checks;      /* BIT(CK_*), run whatever the result */
	unsigned on_ok;       /* BIT(EF_*), when the call counts (success; EOF read) */
	unsigned on_any;      /* BIT(EF_*), whatever the result */
	enum hstate next_ok;  /* after a call that counts; HS_NONE: unchanged */
	enum hstate next_any; /* after any result; HS_NONE: unchanged */
};

extern const struct transition dsb_rp_table[HS_COUNT][DSB_FN_COUNT];

/* The facts of each function (names, the handle it takes, whether it
 * returns a list) are format/dsapi.h's table. */

/* ---- replay state ----------------------------------------------------- */

/* Path flags: what the handle's lists and opens say about one name. */
enum {
	PF_LISTED    = 1u << 0,   /* some entry of the handle's lists */
	PF_NONDIR    = 1u << 1,   /* some entry without bit 0x80 */
	PF_DB        = 1u << 2,   /* some entry with BFT 0x44: a database file */
	PF_TO_BACKUP = 1u << 3,   /* a non-directory entry of DbNames/BackupLogs */
	PF_IN_LOGS   = 1u << 4,   /* a non-directory entry of BackupLogs */
	PF_FULL      = 1u << 5,   /* an ended open of it counted exactly file_size */
};

struct rpath {
	char *s;
	size_t len;
	int first_bft;            /* BFT of the first entry it matched, -1 none */
	unsigned flags;
};

/* The last calls that may overlap a later one (P018): the latest t_end,
 * and the latest t_end among the other threads. */
struct rcallmark {
	bool set;
	int64_t t_end;
	uint64_t tid;
	uint64_t line;
};

struct rsession {
	char *hbc;
	size_t hbc_len;
	enum dsb_session_kind kind;
	enum hstate state;
	bool cut;
	uint64_t first_seq, last_seq;
	uint64_t prep_line, prep_seq;
	bool prep_has_seq;
	enum dsb_fn prep_fn;
	enum dsb_charset prep_cs;
	uint64_t end_line;             /* the End that ended it, 0 if none */
	uint32_t backup_type, restore_type;
	bool has_token;

	uint32_t cur_open;             /* index in opens, RP_NONE */
	bool got_dbnames, got_logs;
	uint64_t logphase_line;        /* first successful GetBackupLogs/TruncateLogs */
	uint64_t truncate_line;        /* first successful TruncateLogs, 0: none */
	enum dsb_fn logphase_fn;
	enum dsb_charset logphase_cs;
	uint64_t reg_line;             /* last successful Register (R007) */
	enum dsb_charset reg_cs;

	/* P013: the first failed call of the session */
	bool failed;
	uint64_t fail_line;
	enum dsb_fn fail_fn;
	enum dsb_charset fail_cs;
	char fail_hr[DSB_RESULT_TEXT_MAX + 72];   /* as shown: text (name) */

	struct rcallmark mark[2];      /* P018 */

	/* the handle's lists and opened names; freed when the session closes */
	struct rpath *paths;
	uint32_t npaths, cappaths;
	struct dsb_hmap pathmap;
	uint32_t unread_backup, unread_db, unread_logs;
};

struct ropen {
	char *name;
	size_t name_len;
	uint32_t session;
	uint32_t path;                 /* index in the session's paths */
	int bft;                       /* -1: null */
	uint64_t file_size, counted;
	uint64_t line, seq;
	bool has_seq;
	enum dsb_charset cs;
	bool ended, by_close, p008_done, p006_done;
	uint32_t nreads, p006_reads;
	uint64_t p006_line, p006_seq, p006_buf;
	bool p006_has_seq;
	uint32_t data;                 /* bound data record, RP_NONE */
	uint32_t next_unbound;         /* binding stack link (older ended open) */
};

/* Opens waiting for their data record, per (handle string, name). */
struct rbind {
	uint32_t rep;                  /* an open with this key */
	uint32_t head;                 /* most recent ended open without data */
};

struct rdata {
	uint64_t line, seq;
	bool has_seq;
	char *hbc, *name;
	char *member;                  /* NUL-terminated copy; may hold NUL */
	size_t member_len;
	bool unsafe;
	uint64_t size;
	char sha256[65];
	uint32_t open;                 /* bound open, RP_NONE */
	bool counted_differs;          /* C006's counted-bytes case, pending */
	bool checked;                  /* member checks done */
	bool member_found;
	uint64_t member_size;
	char member_sha[65];
};

/* One pointer string ever returned (P019 "freed twice" needs the history). */
struct rptr {
	char *s;
	size_t len;
	uint32_t head, tail;           /* outstanding buffers, oldest first */
	uint32_t session;              /* session of the latest returning call */
	uint64_t last_line;
	enum dsb_fn last_fn;
	enum dsb_charset last_cs;
};

struct rbuf {
	uint32_t ptr;
	uint32_t next;                 /* FIFO link, or free-list link */
	uint64_t line, seq;
	bool has_seq;
	enum dsb_fn fn;
	enum dsb_charset cs;
	char *hbc;                     /* the handle the returning call named */
	uint32_t session;              /* the session of that call, RP_NONE */
};

struct rtoken {
	unsigned char digest[32];      /* SHA-256 of the decoded token */
};

struct dsb_replay {
	struct dsb_findings *f;
	int input;
	char *jmember;
	dsb_trace_fn trace;
	void *trace_ctx;

	struct rsession *ses;
	uint32_t nses, capses;
	struct dsb_hmap hmap;          /* handle string -> latest session */
	uint32_t live_backups;
	uint32_t last_backup;          /* latest backup session, for P017's message */

	struct ropen *opens;
	uint32_t nopens, capopens;
	struct rbind *binds;
	uint32_t nbinds, capbinds;
	struct dsb_hmap bindmap;       /* (hbc, name) -> rbind */

	struct rdata *data;
	uint32_t ndata, capdata;

	struct rptr *ptrs;
	uint32_t nptrs, capptrs;
	struct dsb_hmap ptrmap;
	struct rbuf *bufs;
	uint32_t nbufs, capbufs, freebuf;
	uint32_t outstanding;
	uint64_t anonymous;

	struct rtoken *tokens;
	uint32_t ntokens, captokens;
	struct dsb_hmap tokmap;

	bool has_online, online;
	uint64_t online_line;

	uint64_t name_bytes;
	bool limit_hit;
	const char *limit_what;
	bool ended, was_cut, members_done, pending_flushed;
};

/* What one call is being judged with (replay.c fills it in). */
struct step {
	struct dsb_replay *rp;
	const struct dsb_record *rec;
	const struct transition *t;
	uint32_t si;                   /* session index, RP_NONE when not live */
	uint32_t ended_si;             /* not live: the ended session of that string */
	enum hstate state;
	bool ok;                       /* recorded as S_OK */
	bool counts;                   /* ok, or a DsBackupRead at ERROR_HANDLE_EOF */
	bool raised_p001, raised_r009;
	uint64_t bytes;                /* out.bytes_read when counts (absent: 0) */
};

typedef void (*rcheck_fn)(struct step *st);
extern const rcheck_fn dsb_rp_checks[CK_COUNT];

/* ---- shared helpers (replay.c) ------------------------------------------ */

void dsb_rp_fail_limit(struct dsb_replay *rp, const char *what);
/* strdup counted against DSB_MAX_NAME_BYTES; NULL (and the limit) when over. */
char *dsb_rp_strdup(struct dsb_replay *rp, const char *s, size_t len);
void dsb_rp_strfree(struct dsb_replay *rp, char *s, size_t len);

/* "DsBackupOpenFileW": the generic name plus the recorded A/W suffix. */
const char *dsb_rp_fn_name(enum dsb_fn fn, enum dsb_charset cs);
/* A result as recorded plus its name when known: "87 (ERROR_INVALID_PARAMETER)". */
void dsb_rp_result_text(char *out, size_t size, const struct dsb_result *r);

/* A location for a call or data record of the journal. */
struct dsb_loc dsb_rp_rec_loc(const struct dsb_replay *rp,
			      const struct dsb_record *rec,
			      const char *hbc, const char *file);
void dsb_rp_add(struct dsb_replay *rp, enum dsb_rule rule,
		const struct dsb_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Insert into one of the replay's maps; false (and the replay's limit
 * set, naming why) when it cannot. */
bool dsb_rp_map_insert(struct dsb_replay *rp, struct dsb_hmap *m, uint64_t hash, uint32_t val);

/* The session's current open, or NULL. */
struct ropen *dsb_rp_cur_open(struct dsb_replay *rp, uint32_t si);
/* A path of the session, or NULL when the name matches nothing known. */
struct rpath *dsb_rp_path_find(struct dsb_replay *rp, struct rsession *s,
			       const char *name, size_t len);
/* Files not read in full, counting the current open as it stands now. */
void dsb_rp_unread(struct dsb_replay *rp, struct rsession *s,
		   uint32_t *backup, uint32_t *db, uint32_t *logs);

/* Reasons of one finding, joined with "; " (RC §4.1: a finding with
 * several reasons names all of them). */
struct why {
	char buf[DSB_MESSAGE_MAX];
	struct dsb_strbuf sb;   /* over buf, from the first reason on */
	int count;              /* reasons so far; buf is set only when > 0 */
};
void dsb_rp_why(struct why *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- buffers and tokens (replay_mem.c) ---------------------------------- */

/* A call that counts returned a buffer (RC §4.5); `ptr` may be absent
 * (anonymous), null (nothing) or a pointer string. */
void dsb_rp_buffer_returned(struct dsb_replay *rp, const struct dsb_record *rec,
			    const struct dsb_str *ptr, uint32_t si, const char *hbc);
/* DsBackupFree; returns the session the trace shows it on (RP_NONE). */
uint32_t dsb_rp_buffer_free(struct dsb_replay *rp, const struct dsb_record *rec,
			    const char **what);
/* P019 "never freed" for every outstanding named buffer. */
void dsb_rp_buffers_end(struct dsb_replay *rp);
void dsb_rp_buffers_clear(struct dsb_replay *rp);

void dsb_rp_token_add(struct dsb_replay *rp, const uint8_t *b, size_t len);
bool dsb_rp_token_known(const struct dsb_replay *rp, const uint8_t *b, size_t len);
void dsb_rp_tokens_clear(struct dsb_replay *rp);

#endif
