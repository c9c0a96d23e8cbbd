/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal.jsonl: bytes to records.  No judgement here: the decoder says
 * what each line holds and what in it is malformed (as fault flags), and
 * verify/ turns that into findings.  See docs/capture-format.md.
 *
 * Streaming: dsb_jsplit_* cuts a byte stream into lines without ever
 * holding more than DSB_JOURNAL_LINE_MAX bytes; an over-long line is
 * reported by length and discarded.  dsb_record_decode() then parses one
 * line (a lean parser, with jansson for errors and the lines it leaves:
 * duplicate keys rejected, depth limited, NUL allowed in strings so the
 * checks can judge it), strips every `password` key before anything else
 * sees the value, and fills a struct dsb_record.
 */
#ifndef DSB_FORMAT_JOURNAL_H
#define DSB_FORMAT_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hard limits (documented in docs/capture-format.md). */
#define DSB_JOURNAL_LINE_MAX  (16u * 1024 * 1024)  /* bytes per line, CF §2 minimum */
#define DSB_JOURNAL_DEPTH_MAX 64                   /* JSON nesting, CF §2 */
#define DSB_LIST_ENTRIES_MAX  65536                /* entries in one decoded list */
#define DSB_RESULT_TEXT_MAX   64                   /* a result as recorded, printable */

/* ---- line splitting -------------------------------------------------- */

struct dsb_jsplit;

/* Called once per line (blank lines included; the callee decides).  `line`
 * is NUL-terminated at len and has its trailing \r and, on line 1, its BOM
 * removed.  `too_long` lines come with line == NULL and len = their full
 * length. */
typedef void (*dsb_line_fn)(void *ctx, uint64_t lineno, const char *line,
			    size_t len, bool too_long);

struct dsb_jsplit *dsb_jsplit_new(dsb_line_fn fn, void *ctx);
/* Returns false only on out-of-memory (an operational error). */
bool dsb_jsplit_feed(struct dsb_jsplit *s, const void *buf, size_t len);
/* Flush the last line (which needs no \n). */
bool dsb_jsplit_finish(struct dsb_jsplit *s);
/* Inside a too_long callback: whether the discarded line held a JSON key
 * "password" (escapes decoded) followed by ':', outside string values.
 * The bytes are scanned as they are discarded; no value is kept (CF §2). */
bool dsb_jsplit_long_password(const struct dsb_jsplit *s);
void dsb_jsplit_free(struct dsb_jsplit *s);

/* ---- results (CF §5.3) ----------------------------------------------- */

#define DSB_HR_EOF 0x80070026u   /* ERROR_HANDLE_EOF, normalized */

struct dsb_result {
	bool present;        /* the field was there and well-formed (or an unknown name) */
	bool unknown_name;   /* a name of the right shape that we do not know: C012, a failure equal to nothing */
	uint32_t raw;        /* as read (meaningless when unknown_name) */
	uint32_t norm;       /* normalized: 1..0xFFFF -> 0x80070000|v */
	char text[DSB_RESULT_TEXT_MAX + 1];   /* as recorded, e.g. "0x80070057", "87", "ERROR_HANDLE_EOF" */
};

/* Parsing: format/journal_int.h (dsb_result_from_int/_from_string). */
/* Name of a normalized value when known ("hrInvalidHandle"), else NULL. */
const char *dsb_result_name(uint32_t norm);
static inline bool dsb_result_ok(const struct dsb_result *r)
{
	return r->present && !r->unknown_name && r->norm == 0;
}
static inline bool dsb_result_eof(const struct dsb_result *r)
{
	return r->present && !r->unknown_name && r->norm == DSB_HR_EOF;
}

/* ---- values ------------------------------------------------------------ */

enum dsb_presence { DSB_ABSENT = 0, DSB_NULL, DSB_PRESENT };

struct dsb_str {
	enum dsb_presence state;
	char *s;       /* UTF-8, NUL-terminated; may contain NUL only in data.member */
	size_t len;
};

struct dsb_u64 {
	bool present;
	uint64_t v;
};

struct dsb_time {
	bool present;
	int64_t ticks;   /* 100 ns units since 0001-01-01T00:00:00Z */
};

/* YYYY-MM-DDThh:mm:ss[.f{1,7}]Z, a real date, to 100 ns ticks since
 * 0001-01-01T00:00:00Z.  false for anything else.  The journal's times,
 * and --now (the backup sets' tombstone judgement). */
bool dsb_time_parse(const char *s, size_t len, int64_t *ticks);

/* ticks back to text, "2026-11-21T10:00:01.25Z" (fraction only when not
 * zero, trailing zeros dropped); cap >= 29 holds any value. */
void dsb_time_format(int64_t ticks, char *out, size_t cap);
/* The same with all 7 fraction digits: "2026-11-21T10:00:01.2500000Z". */
void dsb_time_format_full(int64_t ticks, char *out, size_t cap);
#define DSB_TICKS_PER_SEC 10000000LL
/* Ticks at 1970-01-01T00:00:00Z (719,162 days after 0001-01-01). */
#define DSB_TICKS_AT_1970 (719162LL * 86400LL * DSB_TICKS_PER_SEC)

struct dsb_token {
	enum dsb_presence state;   /* PRESENT with len 0 for "" */
	bool valid;                /* valid RFC 4648 base64, non-empty */
	uint8_t *bytes;            /* decoded when valid */
	size_t len;
};

/* ---- lists (CF §5.5) -------------------------------------------------- */

enum dsb_list_fault {
	DSB_LF_SIZE_MISMATCH   = 1u << 0,  /* size vs list_raw bytes or expected size of list */
	DSB_LF_NO_FINAL_NUL    = 1u << 1,
	DSB_LF_TRAILING_BYTES  = 1u << 2,
	DSB_LF_EMPTY_PATH      = 1u << 3,
	DSB_LF_ODD_BYTES       = 1u << 4,  /* W buffer with an odd byte count */
	DSB_LF_BAD_SURROGATE   = 1u << 5,
	DSB_LF_BAD_BFT         = 1u << 6,  /* a BFT none of the six */
	DSB_LF_DOC_BFT         = 1u << 7,  /* 0x22 or 0x23, the documentation's error
					    * (BAD_BFT is set as well) */
};

struct dsb_list_entry {
	uint16_t bft;
	char *path;           /* UTF-8 */
	size_t units;         /* n(p): UTF-16 code units (W) or characters (A) */
};

struct dsb_list {
	bool present;          /* list or list_raw given and well-formed enough to decode */
	bool from_raw;         /* decoded from list_raw */
	unsigned faults;       /* enum dsb_list_fault bits: P021 reasons */
	struct dsb_list_entry *e;
	size_t n;
};

/* ---- records ------------------------------------------------------------ */

enum dsb_rec_kind {
	DSB_REC_NONE = 0,   /* no valid `rec` (unparsed line, missing rec) */
	DSB_REC_CAPTURE,
	DSB_REC_CALL,
	DSB_REC_DATA,
	DSB_REC_END,
	DSB_REC_UNKNOWN,    /* a `rec` string of another kind: C012 */
};

enum dsb_fn {
	DSB_FN_NONE = 0,    /* missing or unknown (see record.unknown_fn) */
	DSB_FN_IS_NTDS_ONLINE,
	DSB_FN_SET_AUTH_IDENTITY,
	DSB_FN_BACKUP_PREPARE,
	DSB_FN_BACKUP_GET_DATABASE_NAMES,
	DSB_FN_BACKUP_OPEN_FILE,
	DSB_FN_BACKUP_READ,
	DSB_FN_BACKUP_CLOSE,
	DSB_FN_BACKUP_GET_BACKUP_LOGS,
	DSB_FN_BACKUP_TRUNCATE_LOGS,
	DSB_FN_BACKUP_END,
	DSB_FN_BACKUP_FREE,
	DSB_FN_RESTORE_PREPARE,
	DSB_FN_RESTORE_GET_DATABASE_LOCATIONS,
	DSB_FN_RESTORE_REGISTER,
	DSB_FN_RESTORE_REGISTER_COMPLETE,
	DSB_FN_RESTORE_END,
	DSB_FN_SET_CURRENT_BACKUP_LOG,
	DSB_FN_COUNT
};

enum dsb_charset { DSB_CS_GENERIC = 0, DSB_CS_A, DSB_CS_W };

/* Generic name ("DsBackupOpenFile") of a function. */
const char *dsb_fn_name(enum dsb_fn fn);

/* Bits naming the faulty fields of a record, for C002's message. */
enum dsb_field {
	DSB_F_REC, DSB_F_SEQ, DSB_F_FORMAT, DSB_F_VERSION, DSB_F_HOST, DSB_F_AGENT,
	DSB_F_STARTED, DSB_F_ANSI_CP, DSB_F_FN, DSB_F_T, DSB_F_T_END, DSB_F_TID,
	DSB_F_IN, DSB_F_OUT, DSB_F_HR,
	/* in */
	DSB_F_SERVER, DSB_F_USER, DSB_F_DOMAIN, DSB_F_GRBIT, DSB_F_BACKUP_TYPE,
	DSB_F_HBC, DSB_F_NAME, DSB_F_READ_HINT, DSB_F_BUFFER_SIZE, DSB_F_PTR,
	DSB_F_RESTORE_TYPE, DSB_F_IN_TOKEN, DSB_F_IN_TOKEN_SIZE, DSB_F_CHECKPOINT_PATH,
	DSB_F_LOG_PATH, DSB_F_RSTMAP, DSB_F_BACKUP_LOG_PATH, DSB_F_GEN_LOW, DSB_F_GEN_HIGH,
	DSB_F_RESTORE_STATE, DSB_F_LOG_NUMBER,
	/* out */
	DSB_F_ONLINE, DSB_F_OUT_HBC, DSB_F_OUT_TOKEN, DSB_F_OUT_TOKEN_SIZE, DSB_F_TOKEN_PTR,
	DSB_F_LIST, DSB_F_LIST_RAW, DSB_F_SIZE, DSB_F_LIST_PTR, DSB_F_FILE_SIZE,
	DSB_F_BYTES_READ,
	/* data / end */
	DSB_F_MEMBER, DSB_F_DATA_SIZE, DSB_F_SHA256, DSB_F_FINISHED, DSB_F_RECORDS,
	DSB_F_DATA_HBC, DSB_F_DATA_NAME,   /* a data record's `hbc` and `name` */
	DSB_F_COUNT
};
/* The field's name as the capture format writes it ("in.read_hint"). */
const char *dsb_field_name(enum dsb_field f);

enum dsb_parse_error {
	DSB_PE_NONE = 0,
	DSB_PE_UTF8,        /* not valid UTF-8 */
	DSB_PE_JSON,        /* not valid JSON */
	DSB_PE_NOT_OBJECT,
	DSB_PE_DUP_KEY,
	DSB_PE_DEPTH,       /* nesting deeper than DSB_JOURNAL_DEPTH_MAX */
	DSB_PE_TOO_LONG,    /* longer than DSB_JOURNAL_LINE_MAX */
	DSB_PE_NUL,         /* NUL in an object key (jansson cannot hold one) */
	DSB_PE_NUMBER,      /* a number too large for jansson (beyond 64 bits) */
};

/* Short text of a parse error for C002 messages ("duplicate key"). */
const char *dsb_parse_error_text(enum dsb_parse_error e);

struct dsb_record {
	uint64_t line;
	enum dsb_parse_error perr;     /* != NONE: the line did not parse; only line is valid */
	uint64_t column;               /* 1-based column of a parse error, 0 if unknown */

	enum dsb_rec_kind kind;
	struct dsb_u64 seq;            /* present only when a valid integer >= 1 */
	bool has_password;             /* a `password` key anywhere: C011 (value already gone) */
	uint64_t faults[(DSB_F_COUNT + 63) / 64];   /* faulty fields (C002) */
	uint64_t missing[(DSB_F_COUNT + 63) / 64];  /* those of faults[] that are absent */
	bool required_missing;         /* a required field is missing or faulty: not replayed */
	bool has_nul;                  /* NUL in a string other than data.member (C002); a
					* defined field holding it is also in faults[] */
	char rec_text[DSB_RESULT_TEXT_MAX + 1];   /* an unknown `rec` when it is letters, digits
						   * and _ (C012 may quote it), else "" */

	/* capture */
	struct dsb_str format;         /* the raw `format`; PRESENT only if a string */
	bool version_is_1;             /* `version` is the JSON integer 1 */
	bool has_version;
	struct dsb_str host, agent;
	struct dsb_time started;
	struct dsb_u64 ansi_cp;

	/* call */
	enum dsb_fn fn;
	enum dsb_charset cs;
	bool unknown_fn;               /* fn present but not one of the names: C012 */
	char fn_text[48];              /* the recorded name when known (for locations) */
	char fn_unknown[DSB_RESULT_TEXT_MAX + 1]; /* an unknown `fn` of letters, digits, _ */
	bool outputs;                  /* out.* was read: a successful call or an EOF read */
	struct dsb_time t, t_end;
	struct dsb_u64 tid;
	struct dsb_result hr;          /* DsBackupFree: ignored, present=false */
	/* in */
	struct dsb_str server, hbc, name, ptr;
	struct dsb_u64 grbit, backup_type, read_hint, buffer_size, restore_type,
		gen_low, gen_high, log_number, in_token_size;
	struct dsb_token in_token;
	struct dsb_str checkpoint_path, log_path, backup_log_path;
	struct dsb_result restore_state;
	/* out (set only when outputs count: success, or EOF read) */
	bool has_online, online;
	struct dsb_str out_hbc, token_ptr, list_ptr;
	struct dsb_token out_token;
	struct dsb_u64 out_token_size, list_size, file_size, bytes_read;  /* bytes_read of an
					* EOF read without one: present, 0 */
	struct dsb_list list;

	/* data */
	struct dsb_str member;         /* may hold NUL: len is authoritative */
	struct dsb_u64 size;
	char sha256[65];               /* lowercase hex, "" if absent/faulty */

	/* end */
	struct dsb_u64 records;
	struct dsb_time finished;
};

static inline void dsb_record_set_fault(struct dsb_record *r, enum dsb_field f)
{
	r->faults[f / 64] |= (uint64_t)1 << (f % 64);
}
static inline bool dsb_record_has_fault(const struct dsb_record *r, enum dsb_field f)
{
	return (r->faults[f / 64] >> (f % 64)) & 1;
}
bool dsb_record_any_fault(const struct dsb_record *r);

/* Decode one non-blank line.  `ansi_cp` is the capture's code page, used
 * to decode A-form list_raw paths.  Returns false only on out-of-memory;
 * every problem with the input is described in *rec.  Free with
 * dsb_record_clear(). */
bool dsb_record_decode(const char *line, size_t len, uint64_t lineno,
		       uint32_t ansi_cp, struct dsb_record *rec);

/* The same with a decoder that keeps its parse buffers from one line to
 * the next: what a reader of many lines uses (verify/capture/jcheck.c).
 * A decoder serves one thread at a time; each holds its own buffers and
 * no process-global state is touched, so decoders on different threads
 * are independent. */
struct dsb_jdec;
struct dsb_jdec *dsb_jdec_new(void);
void dsb_jdec_free(struct dsb_jdec *dec);
bool dsb_record_decode_with(struct dsb_jdec *dec, const char *line, size_t len,
			    uint64_t lineno, uint32_t ansi_cp, struct dsb_record *rec);
void dsb_record_clear(struct dsb_record *rec);

/* A null pointer (CF §5.1): JSON null, "0+", or "0[xX]0+".  An absent
 * field answers true too (there is no pointer string to use): callers that
 * must tell "no pointer recorded" from "null" look at p->state first. */
bool dsb_ptr_is_null(const struct dsb_str *p);

#endif
