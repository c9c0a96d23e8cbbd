/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One journal line to one struct dsb_record (capture-format §2–§8).
 *
 * Order of work, and why:
 *  1. UTF-8 and nesting depth are checked here, before jansson, so that the
 *     error kind and column are exact (jansson would report both as generic
 *     syntax errors, and its depth limit is 2048, not 64).
 *  2. The line is parsed into a struct dsb_jdom (format/jdom.h) by the
 *     lean parser when it can, else by jansson with JSON_REJECT_DUPLICATES
 *     and JSON_ALLOW_NUL (every error, and the odd valid line the lean
 *     parser leaves).  jansson allocated every node and key of every line,
 *     which was most of the time of a long journal; the lean parser fills
 *     buffers that are reused line after line.  jansson's error text quotes
 *     the input, so only the error code, line and column are ever read
 *     from it (report-contract §3.7).
 *  3. Every `password` key is deleted from the tree before anything reads a
 *     value: from then on the value does not exist anywhere.
 *  4. Fields are read through per-function tables (fn_specs below): the
 *     CF §5.2 table, once, as data.  Outputs are read only when they count.
 *
 * The decoder judges nothing: faults go into rec->faults and the rules are
 * raised by verify/capture/jcheck.c.
 */
#define DSB_JOURNAL_INTERNAL
#include "format/journal_int.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/jdom.h"

/* ---- names ------------------------------------------------------------ */

static const char *const field_names[DSB_F_COUNT] = {
	[DSB_F_REC] = "rec", [DSB_F_SEQ] = "seq", [DSB_F_FORMAT] = "format",
	[DSB_F_VERSION] = "version", [DSB_F_HOST] = "host", [DSB_F_AGENT] = "agent",
	[DSB_F_STARTED] = "started", [DSB_F_ANSI_CP] = "ansi_cp", [DSB_F_FN] = "fn",
	[DSB_F_T] = "t", [DSB_F_T_END] = "t_end", [DSB_F_TID] = "tid",
	[DSB_F_IN] = "in", [DSB_F_OUT] = "out", [DSB_F_HR] = "hr",
	[DSB_F_SERVER] = "in.server", [DSB_F_USER] = "in.user",
	[DSB_F_DOMAIN] = "in.domain", [DSB_F_GRBIT] = "in.grbit",
	[DSB_F_BACKUP_TYPE] = "in.backup_type", [DSB_F_HBC] = "in.hbc",
	[DSB_F_NAME] = "in.name", [DSB_F_READ_HINT] = "in.read_hint",
	[DSB_F_BUFFER_SIZE] = "in.buffer_size", [DSB_F_PTR] = "in.ptr",
	[DSB_F_RESTORE_TYPE] = "in.restore_type", [DSB_F_IN_TOKEN] = "in.token",
	[DSB_F_IN_TOKEN_SIZE] = "in.token_size",
	[DSB_F_CHECKPOINT_PATH] = "in.checkpoint_path", [DSB_F_LOG_PATH] = "in.log_path",
	[DSB_F_RSTMAP] = "in.rstmap", [DSB_F_BACKUP_LOG_PATH] = "in.backup_log_path",
	[DSB_F_GEN_LOW] = "in.gen_low", [DSB_F_GEN_HIGH] = "in.gen_high",
	[DSB_F_RESTORE_STATE] = "in.restore_state", [DSB_F_LOG_NUMBER] = "in.log_number",
	[DSB_F_ONLINE] = "out.online", [DSB_F_OUT_HBC] = "out.hbc",
	[DSB_F_OUT_TOKEN] = "out.token", [DSB_F_OUT_TOKEN_SIZE] = "out.token_size",
	[DSB_F_TOKEN_PTR] = "out.token_ptr", [DSB_F_LIST] = "out.list",
	[DSB_F_LIST_RAW] = "out.list_raw", [DSB_F_SIZE] = "out.size",
	[DSB_F_LIST_PTR] = "out.list_ptr", [DSB_F_FILE_SIZE] = "out.file_size",
	[DSB_F_BYTES_READ] = "out.bytes_read",
	[DSB_F_MEMBER] = "member", [DSB_F_DATA_SIZE] = "size", [DSB_F_SHA256] = "sha256",
	[DSB_F_FINISHED] = "finished", [DSB_F_RECORDS] = "records",
	[DSB_F_DATA_HBC] = "hbc", [DSB_F_DATA_NAME] = "name",
};

const char *dsb_field_name(enum dsb_field f)
{
	if ((unsigned)f >= DSB_F_COUNT || !field_names[f])
		return "?";
	return field_names[f];
}

const char *dsb_parse_error_text(enum dsb_parse_error e)
{
	switch (e) {
	case DSB_PE_NONE: return "no error";
	case DSB_PE_UTF8: return "not valid UTF-8";
	case DSB_PE_JSON: return "not valid JSON";
	case DSB_PE_NOT_OBJECT: return "not a JSON object";
	case DSB_PE_DUP_KEY: return "duplicate key in an object";
	case DSB_PE_DEPTH: return "nesting deeper than 64 levels";
	case DSB_PE_TOO_LONG: return "line longer than the limit";
	case DSB_PE_NUL: return "NUL in an object key";
	case DSB_PE_NUMBER: return "number out of range";
	}
	return "?";
}

bool dsb_record_any_fault(const struct dsb_record *r)
{
	for (size_t i = 0; i < sizeof r->faults / sizeof r->faults[0]; i++)
		if (r->faults[i])
			return true;
	return false;
}

bool dsb_ptr_is_null(const struct dsb_str *p)
{
	if (p->state != DSB_PRESENT)
		return true;
	const char *s = p->s;
	size_t n = p->len, i = 0;
	if (n >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;   /* "0x" needs at least one 0 after it */
	if (i == n)
		return false;
	for (; i < n; i++)
		if (s[i] != '0')
			return false;
	return true;
}

/* ---- the function table (CF §5.2) -------------------------------------- */

enum ftype {
	FT_STR,        /* a JSON string */
	FT_PTR,        /* a string, or null (the null pointer) */
	FT_PATH,       /* a string, null or "": DsRestoreRegister's paths (R005) */
	FT_U32,        /* integer 0..2^32-1 */
	FT_U64,        /* integer 0..2^63-1 */
	FT_BOOL,       /* out.online */
	FT_RESULT,     /* in.restore_state */
	FT_IN_TOKEN,   /* base64, null or "" (no token); bad base64 is C002 */
	FT_OUT_TOKEN,  /* anything: P016 judges it, never C002 */
	FT_RSTMAP,     /* array of {from, to} */
	FT_LIST,       /* out.list / out.list_raw (CF §5.5) */
};

#define NO_OFF ((size_t)-1)   /* checked, not kept (user, domain, rstmap) */

struct fspec {
	const char *key;
	enum dsb_field field;
	enum ftype type;
	bool required;
	size_t off;    /* of the value in struct dsb_record */
};

#define REQ(k, f, t, m) { .key = k, .field = f, .type = t, .required = true, \
			  .off = offsetof(struct dsb_record, m) }
#define OPT(k, f, t, m) { .key = k, .field = f, .type = t, .required = false, \
			  .off = offsetof(struct dsb_record, m) }
#define CHK(k, f, t)    { .key = k, .field = f, .type = t, .required = false, .off = NO_OFF }
#define SPEC_END        { .key = NULL }

static const struct fspec in_server[] = {
	OPT("server", DSB_F_SERVER, FT_STR, server), SPEC_END };
static const struct fspec in_hbc[] = {
	REQ("hbc", DSB_F_HBC, FT_STR, hbc), SPEC_END };
static const struct fspec out_online[] = {
	REQ("online", DSB_F_ONLINE, FT_BOOL, has_online), SPEC_END };
static const struct fspec in_auth[] = {
	CHK("user", DSB_F_USER, FT_STR), CHK("domain", DSB_F_DOMAIN, FT_STR), SPEC_END };
static const struct fspec in_bprepare[] = {
	OPT("server", DSB_F_SERVER, FT_STR, server),
	REQ("grbit", DSB_F_GRBIT, FT_U32, grbit),
	REQ("backup_type", DSB_F_BACKUP_TYPE, FT_U32, backup_type), SPEC_END };
static const struct fspec out_bprepare[] = {
	REQ("hbc", DSB_F_OUT_HBC, FT_STR, out_hbc),
	OPT("token", DSB_F_OUT_TOKEN, FT_OUT_TOKEN, out_token),
	OPT("token_size", DSB_F_OUT_TOKEN_SIZE, FT_U32, out_token_size),
	OPT("token_ptr", DSB_F_TOKEN_PTR, FT_PTR, token_ptr), SPEC_END };
static const struct fspec out_list[] = {
	REQ("list", DSB_F_LIST, FT_LIST, list),
	REQ("size", DSB_F_SIZE, FT_U32, list_size),
	OPT("list_ptr", DSB_F_LIST_PTR, FT_PTR, list_ptr), SPEC_END };
static const struct fspec in_open[] = {
	REQ("hbc", DSB_F_HBC, FT_STR, hbc),
	REQ("name", DSB_F_NAME, FT_STR, name),
	REQ("read_hint", DSB_F_READ_HINT, FT_U32, read_hint), SPEC_END };
static const struct fspec out_open[] = {
	REQ("file_size", DSB_F_FILE_SIZE, FT_U64, file_size), SPEC_END };
static const struct fspec in_read[] = {
	REQ("hbc", DSB_F_HBC, FT_STR, hbc),
	REQ("buffer_size", DSB_F_BUFFER_SIZE, FT_U32, buffer_size), SPEC_END };
static const struct fspec out_read[] = {
	REQ("bytes_read", DSB_F_BYTES_READ, FT_U32, bytes_read), SPEC_END };
static const struct fspec in_free[] = {
	REQ("ptr", DSB_F_PTR, FT_PTR, ptr), SPEC_END };
static const struct fspec in_rprepare[] = {
	OPT("server", DSB_F_SERVER, FT_STR, server),
	REQ("restore_type", DSB_F_RESTORE_TYPE, FT_U32, restore_type),
	OPT("token", DSB_F_IN_TOKEN, FT_IN_TOKEN, in_token),
	OPT("token_size", DSB_F_IN_TOKEN_SIZE, FT_U32, in_token_size), SPEC_END };
static const struct fspec out_rprepare[] = {
	REQ("hbc", DSB_F_OUT_HBC, FT_STR, out_hbc), SPEC_END };
static const struct fspec in_register[] = {
	REQ("hbc", DSB_F_HBC, FT_STR, hbc),
	OPT("checkpoint_path", DSB_F_CHECKPOINT_PATH, FT_PATH, checkpoint_path),
	OPT("log_path", DSB_F_LOG_PATH, FT_PATH, log_path),
	CHK("rstmap", DSB_F_RSTMAP, FT_RSTMAP),
	OPT("backup_log_path", DSB_F_BACKUP_LOG_PATH, FT_PATH, backup_log_path),
	REQ("gen_low", DSB_F_GEN_LOW, FT_U32, gen_low),
	REQ("gen_high", DSB_F_GEN_HIGH, FT_U32, gen_high), SPEC_END };
static const struct fspec in_rcomplete[] = {
	REQ("hbc", DSB_F_HBC, FT_STR, hbc),
	REQ("restore_state", DSB_F_RESTORE_STATE, FT_RESULT, restore_state), SPEC_END };
static const struct fspec in_setlog[] = {
	OPT("server", DSB_F_SERVER, FT_STR, server),
	OPT("log_number", DSB_F_LOG_NUMBER, FT_U32, log_number), SPEC_END };

struct fn_info {
	const char *name;
	bool aw;                   /* has A and W forms */
	const struct fspec *in, *out;
};

static const struct fn_info fns[DSB_FN_COUNT] = {
	[DSB_FN_IS_NTDS_ONLINE] = { .name = "DsIsNTDSOnline", .aw = true,
		.in = in_server, .out = out_online },
	[DSB_FN_SET_AUTH_IDENTITY] = { .name = "DsSetAuthIdentity", .aw = true,
		.in = in_auth },
	[DSB_FN_BACKUP_PREPARE] = { .name = "DsBackupPrepare", .aw = true,
		.in = in_bprepare, .out = out_bprepare },
	[DSB_FN_BACKUP_GET_DATABASE_NAMES] = { .name = "DsBackupGetDatabaseNames", .aw = true,
		.in = in_hbc, .out = out_list },
	[DSB_FN_BACKUP_OPEN_FILE] = { .name = "DsBackupOpenFile", .aw = true,
		.in = in_open, .out = out_open },
	[DSB_FN_BACKUP_READ] = { .name = "DsBackupRead", .in = in_read, .out = out_read },
	[DSB_FN_BACKUP_CLOSE] = { .name = "DsBackupClose", .in = in_hbc },
	[DSB_FN_BACKUP_GET_BACKUP_LOGS] = { .name = "DsBackupGetBackupLogs", .aw = true,
		.in = in_hbc, .out = out_list },
	[DSB_FN_BACKUP_TRUNCATE_LOGS] = { .name = "DsBackupTruncateLogs", .in = in_hbc },
	[DSB_FN_BACKUP_END] = { .name = "DsBackupEnd", .in = in_hbc },
	[DSB_FN_BACKUP_FREE] = { .name = "DsBackupFree", .in = in_free },
	[DSB_FN_RESTORE_PREPARE] = { .name = "DsRestorePrepare", .aw = true,
		.in = in_rprepare, .out = out_rprepare },
	[DSB_FN_RESTORE_GET_DATABASE_LOCATIONS] = { .name = "DsRestoreGetDatabaseLocations",
		.aw = true, .in = in_hbc, .out = out_list },
	[DSB_FN_RESTORE_REGISTER] = { .name = "DsRestoreRegister", .aw = true,
		.in = in_register },
	[DSB_FN_RESTORE_REGISTER_COMPLETE] = { .name = "DsRestoreRegisterComplete",
		.in = in_rcomplete },
	[DSB_FN_RESTORE_END] = { .name = "DsRestoreEnd", .in = in_hbc },
	[DSB_FN_SET_CURRENT_BACKUP_LOG] = { .name = "DsSetCurrentBackupLog", .aw = true,
		.in = in_setlog },
};

const char *dsb_fn_name(enum dsb_fn fn)
{
	if ((unsigned)fn >= DSB_FN_COUNT || !fns[fn].name)
		return "?";
	return fns[fn].name;
}

/* Exact case; the A/W suffix only on the ten functions that have one. */
static enum dsb_fn fn_lookup(const char *s, size_t len, enum dsb_charset *cs)
{
	for (int f = 1; f < DSB_FN_COUNT; f++) {
		size_t nl = strlen(fns[f].name);
		if (len < nl || memcmp(s, fns[f].name, nl) != 0)
			continue;
		if (len == nl) {
			*cs = DSB_CS_GENERIC;
			return (enum dsb_fn)f;
		}
		if (len == nl + 1 && fns[f].aw && (s[nl] == 'A' || s[nl] == 'W')) {
			*cs = s[nl] == 'A' ? DSB_CS_A : DSB_CS_W;
			return (enum dsb_fn)f;
		}
	}
	return DSB_FN_NONE;
}

/* ---- reading values ---------------------------------------------------- */

/* The reader sees the line through struct dsb_jdom (format/jdom.h),
 * whichever parser filled it; these are jansson's accessors over it. */
struct dctx {
	struct dsb_record *rec;
	const struct dsb_jdom *dom;
	uint32_t ansi_cp;
	bool oom;
};

static bool is_type(const struct dsb_jnode *v, enum dsb_jtype t)
{
	return v && v->type == t;
}
#define is_str(v)  is_type(v, DSB_JT_STR)
#define is_int(v)  is_type(v, DSB_JT_INT)
#define is_obj(v)  is_type(v, DSB_JT_OBJ)
#define is_arr(v)  is_type(v, DSB_JT_ARR)
#define is_null(v) is_type(v, DSB_JT_NULL)

static const struct dsb_jnode *get(const struct dctx *d, const struct dsb_jnode *obj, const char *key)
{
	return dsb_jdom_get(d->dom, obj, key);
}

static const char *sval(const struct dctx *d, const struct dsb_jnode *v)
{
	return dsb_jnode_str(d->dom, v);
}

static void fault(struct dctx *d, enum dsb_field f, bool required)
{
	dsb_record_set_fault(d->rec, f);
	if (required)
		d->rec->required_missing = true;
}

static void missing(struct dctx *d, enum dsb_field f)
{
	dsb_record_set_fault(d->rec, f);
	d->rec->missing[f / 64] |= (uint64_t)1 << (f % 64);
	d->rec->required_missing = true;
}

static bool get_uint(const struct dsb_jnode *v, uint64_t max, uint64_t *out)
{
	if (!is_int(v))
		return false;
	int64_t i = v->u.i;
	if (i < 0 || (uint64_t)i > max)
		return false;
	*out = (uint64_t)i;
	return true;
}

static bool has_nul(const struct dctx *d, const struct dsb_jnode *v)
{
	return memchr(sval(d, v), '\0', v->u.s.len) != NULL;
}

/* A string without NUL: what every string field but data.member must be. */
static bool clean_str(const struct dctx *d, const struct dsb_jnode *v)
{
	return is_str(v) && !has_nul(d, v);
}

/* Copy a JSON string into a dsb_str (NUL allowed: len is authoritative). */
static bool copy_str(struct dctx *d, const struct dsb_jnode *v, struct dsb_str *out)
{
	size_t n = v->u.s.len;
	char *s = malloc(n + 1);
	if (!s) {
		d->oom = true;
		return false;
	}
	memcpy(s, sval(d, v), n);
	s[n] = '\0';
	out->state = DSB_PRESENT;
	out->s = s;
	out->len = n;
	return true;
}

static void set_ident(char *dst, size_t cap, const char *s, size_t len)
{
	dst[0] = '\0';
	if (len == 0 || len >= cap)
		return;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* A result (hr, restore_state).  false when faulty (C002). */
static bool read_result(const struct dctx *d, const struct dsb_jnode *v, struct dsb_result *out)
{
	enum dsb_rparse r;
	if (is_int(v))
		r = dsb_result_from_int(v->u.i, out);
	else if (clean_str(d, v))
		r = dsb_result_from_string(sval(d, v), v->u.s.len, out);
	else
		r = DSB_RP_BAD;
	if (r == DSB_RP_BAD) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	return true;
}

static bool read_time(const struct dctx *d, const struct dsb_jnode *v, struct dsb_time *out)
{
	if (!is_str(v) || !dsb_time_parse(sval(d, v), v->u.s.len, &out->ticks))
		return false;
	out->present = true;
	return true;
}

static void read_token(struct dctx *d, const struct dsb_jnode *v, const struct fspec *sp, struct dsb_token *t)
{
	if (is_null(v)) {
		t->state = DSB_NULL;
		return;
	}
	if (is_str(v)) {
		const char *s = sval(d, v);
		size_t n = v->u.s.len;
		if (n == 0) {
			t->state = DSB_PRESENT;   /* "": the API's NULL, no token */
			return;
		}
		uint8_t *b;
		size_t bl;
		enum dsb_b64 r = dsb_b64_decode(s, n, &b, &bl);
		if (r == DSB_B64_NOMEM) {
			d->oom = true;
			return;
		}
		if (r == DSB_B64_OK) {
			t->state = DSB_PRESENT;
			t->valid = true;
			t->bytes = b;
			t->len = bl;
			return;
		}
	}
	/* Not base64 (or not a string).  out.token keeps that state for P016;
	 * in.token is C002 and then absent (CF §8, RC §4.4). */
	if (sp->type == FT_OUT_TOKEN)
		t->state = DSB_PRESENT;
	else
		fault(d, sp->field, sp->required);
}

static bool rstmap_ok(const struct dctx *d, const struct dsb_jnode *v)
{
	if (!is_arr(v))
		return false;
	for (const struct dsb_jnode *e = dsb_jnode_first(d->dom, v); e; e = dsb_jnode_next(d->dom, e)) {
		const struct dsb_jnode *from = get(d, e, "from");
		const struct dsb_jnode *to = get(d, e, "to");
		if (!is_obj(e) || !clean_str(d, from) || !clean_str(d, to))
			return false;
	}
	return true;
}

/* A list entry's `bft`: integer 0..0xFFFF or "0x" and 1-4 hex digits. */
static bool read_bft(const struct dctx *d, const struct dsb_jnode *v, uint16_t *bft)
{
	uint64_t u;
	if (get_uint(v, 0xFFFF, &u)) {
		*bft = (uint16_t)u;
		return true;
	}
	if (!is_str(v))
		return false;
	const char *s = sval(d, v);
	size_t n = v->u.s.len;
	if (n < 3 || n > 6 || s[0] != '0' || s[1] != 'x')
		return false;
	unsigned x = 0;
	for (size_t i = 2; i < n; i++) {
		char c = s[i];
		int h = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (h < 0)
			return false;
		x = x << 4 | (unsigned)h;
	}
	*bft = (uint16_t)x;
	return true;
}

/* The decoded form, `list`.  false when malformed (C002). */
static bool read_list_array(struct dctx *d, const struct dsb_jnode *v, bool wide, struct dsb_list *l)
{
	if (!is_arr(v))
		return false;
	l->present = true;
	for (const struct dsb_jnode *e = dsb_jnode_first(d->dom, v); e; e = dsb_jnode_next(d->dom, e)) {
		uint16_t bft;
		const struct dsb_jnode *path = get(d, e, "path");
		if (!is_obj(e) || !read_bft(d, get(d, e, "bft"), &bft) || !clean_str(d, path))
			return false;
		const char *p = sval(d, path);
		size_t n = path->u.s.len;
		size_t units = wide ? dsb_utf8_utf16_units(p, n) : dsb_utf8_chars(p, n);
		enum dsb_lparse r = dsb_list_add(l, bft, p, n, units);
		if (r == DSB_LP_NOMEM)
			d->oom = true;
		if (r != DSB_LP_OK)
			return false;
	}
	return true;
}

/* out.list_raw wins over out.list when both are there (CF §5.5). */
static void read_list(struct dctx *d, const struct dsb_jnode *out)
{
	struct dsb_record *rec = d->rec;
	bool wide = rec->cs != DSB_CS_A;   /* no suffix: the SDK's UNICODE build */
	const struct dsb_jnode *raw = get(d, out, "list_raw");
	const struct dsb_jnode *arr = get(d, out, "list");
	if (raw) {
		uint8_t *b = NULL;
		size_t n = 0;
		enum dsb_b64 r = is_str(raw) ?
			dsb_b64_decode(sval(d, raw), raw->u.s.len, &b, &n) : DSB_B64_INVALID;
		if (r == DSB_B64_NOMEM) {
			d->oom = true;
			return;
		}
		if (r != DSB_B64_OK) {
			fault(d, DSB_F_LIST_RAW, true);
			return;
		}
		enum dsb_lparse lr = dsb_list_from_raw(b, n, wide, d->ansi_cp, &rec->list);
		free(b);
		if (lr != DSB_LP_OK) {
			if (lr == DSB_LP_NOMEM)
				d->oom = true;
			dsb_list_clear(&rec->list);
			fault(d, DSB_F_LIST_RAW, true);
			return;
		}
		if (rec->list_size.present && rec->list_size.v != n)
			rec->list.faults |= DSB_LF_SIZE_MISMATCH;
		return;
	}
	if (!arr) {
		missing(d, DSB_F_LIST);
		return;
	}
	if (!read_list_array(d, arr, wide, &rec->list)) {
		dsb_list_clear(&rec->list);
		fault(d, DSB_F_LIST, true);
		return;
	}
	if (rec->list_size.present && !dsb_list_size_ok(&rec->list, wide, rec->list_size.v))
		rec->list.faults |= DSB_LF_SIZE_MISMATCH;
}

/* Read one field per its spec.  A faulty optional field is left absent. */
static void read_field(struct dctx *d, const struct dsb_jnode *obj, const struct fspec *sp)
{
	struct dsb_record *rec = d->rec;
	void *dst = sp->off == NO_OFF ? NULL : (char *)rec + sp->off;
	if (sp->type == FT_LIST) {
		read_list(d, obj);
		return;
	}
	const struct dsb_jnode *v = get(d, obj, sp->key);
	if (!v) {
		if (sp->required)
			missing(d, sp->field);
		return;
	}
	bool ok = true;
	uint64_t u;
	switch (sp->type) {
	case FT_STR:
	case FT_PTR:
	case FT_PATH:
		if (is_null(v) && sp->type != FT_STR) {
			if (dst)
				((struct dsb_str *)dst)->state = DSB_NULL;
		} else if (!clean_str(d, v)) {
			ok = false;
		} else if (dst) {
			copy_str(d, v, dst);
		}
		break;
	case FT_U32:
	case FT_U64:
		ok = get_uint(v, sp->type == FT_U32 ? UINT32_MAX : INT64_MAX, &u);
		if (ok && dst)
			*(struct dsb_u64 *)dst = (struct dsb_u64){ .present = true, .v = u };
		break;
	case FT_BOOL:
		ok = is_type(v, DSB_JT_TRUE) || is_type(v, DSB_JT_FALSE);
		if (ok) {
			rec->has_online = true;
			rec->online = is_type(v, DSB_JT_TRUE);
		}
		break;
	case FT_RESULT:
		ok = read_result(d, v, dst);
		break;
	case FT_IN_TOKEN:
	case FT_OUT_TOKEN:
		read_token(d, v, sp, dst);
		return;
	case FT_RSTMAP:
		ok = rstmap_ok(d, v);
		break;
	case FT_LIST:
		break;
	}
	if (!ok)
		fault(d, sp->field, sp->required);
}

static void read_specs(struct dctx *d, const struct dsb_jnode *obj, const struct fspec *sp)
{
	for (; sp && sp->key; sp++)
		read_field(d, obj, sp);
}

/* ---- records ------------------------------------------------------------ */

static void read_opt_str(struct dctx *d, const struct dsb_jnode *root, const char *key,
			 enum dsb_field f, struct dsb_str *out)
{
	const struct dsb_jnode *v = get(d, root, key);
	if (!v)
		return;
	if (!clean_str(d, v))
		fault(d, f, false);
	else
		copy_str(d, v, out);
}

static void read_req_str(struct dctx *d, const struct dsb_jnode *root, const char *key,
			 enum dsb_field f, struct dsb_str *out)
{
	const struct dsb_jnode *v = get(d, root, key);
	if (!v)
		missing(d, f);
	else if (!clean_str(d, v))
		fault(d, f, true);
	else
		copy_str(d, v, out);
}

static void read_opt_time(struct dctx *d, const struct dsb_jnode *root, const char *key,
			  enum dsb_field f, struct dsb_time *out)
{
	const struct dsb_jnode *v = get(d, root, key);
	if (v && !read_time(d, v, out))
		fault(d, f, false);
}

static void read_capture(struct dctx *d, const struct dsb_jnode *root)
{
	struct dsb_record *rec = d->rec;
	/* format and version are judged by C010, never C002 (CF §8). */
	const struct dsb_jnode *v = get(d, root, "format");
	if (clean_str(d, v))
		copy_str(d, v, &rec->format);
	v = get(d, root, "version");
	rec->has_version = v != NULL;
	rec->version_is_1 = is_int(v) && v->u.i == 1;
	read_opt_str(d, root, "host", DSB_F_HOST, &rec->host);
	read_opt_str(d, root, "agent", DSB_F_AGENT, &rec->agent);
	read_opt_time(d, root, "started", DSB_F_STARTED, &rec->started);
	v = get(d, root, "ansi_cp");
	uint64_t u;
	if (v && !get_uint(v, UINT32_MAX, &u))
		fault(d, DSB_F_ANSI_CP, false);
	else if (v)
		rec->ansi_cp = (struct dsb_u64){ .present = true, .v = u };
}

static void read_call(struct dctx *d, const struct dsb_jnode *root)
{
	struct dsb_record *rec = d->rec;
	const struct dsb_jnode *v = get(d, root, "fn");
	if (!v) {
		missing(d, DSB_F_FN);
	} else if (!clean_str(d, v)) {
		fault(d, DSB_F_FN, true);
	} else {
		const char *s = sval(d, v);
		size_t n = v->u.s.len;
		rec->fn = fn_lookup(s, n, &rec->cs);
		if (rec->fn == DSB_FN_NONE) {
			rec->unknown_fn = true;
			set_ident(rec->fn_unknown, sizeof rec->fn_unknown, s, n);
		} else {
			memcpy(rec->fn_text, s, n);   /* a known name: at most 31 bytes */
			rec->fn_text[n] = '\0';
		}
	}

	v = get(d, root, "t");
	if (!v)
		missing(d, DSB_F_T);
	else if (!read_time(d, v, &rec->t))
		fault(d, DSB_F_T, true);
	read_opt_time(d, root, "t_end", DSB_F_T_END, &rec->t_end);
	v = get(d, root, "tid");
	uint64_t u;
	if (v && !get_uint(v, UINT32_MAX, &u))
		fault(d, DSB_F_TID, false);
	else if (v)
		rec->tid = (struct dsb_u64){ .present = true, .v = u };

	/* DsBackupFree returns nothing: an hr recorded there is ignored. */
	if (rec->fn != DSB_FN_BACKUP_FREE) {
		v = get(d, root, "hr");
		if (!v)
			missing(d, DSB_F_HR);
		else if (!read_result(d, v, &rec->hr))
			fault(d, DSB_F_HR, true);
	}

	const struct dsb_jnode *in = get(d, root, "in");
	if (!in)
		missing(d, DSB_F_IN);
	else if (!is_obj(in))
		fault(d, DSB_F_IN, true);
	else if (rec->fn != DSB_FN_NONE)
		read_specs(d, in, fns[rec->fn].in);
	else if (clean_str(d, v = get(d, in, "hbc")))
		copy_str(d, v, &rec->hbc);   /* unknown fn: for the location only */

	/* Outputs count only on success, and on a read that hit the end of
	 * the file (CF §5.1, §5.3); otherwise they are never looked at. */
	if (rec->fn == DSB_FN_NONE || !fns[rec->fn].out)
		return;
	bool eof = rec->fn == DSB_FN_BACKUP_READ && dsb_result_eof(&rec->hr);
	if (!dsb_result_ok(&rec->hr) && !eof)
		return;
	rec->outputs = true;
	const struct dsb_jnode *out = get(d, root, "out");
	if (out && !is_obj(out)) {
		fault(d, DSB_F_OUT, !eof);
		return;
	}
	if (eof) {
		/* bytes_read is optional there; absent means 0. */
		v = get(d, out, "bytes_read");
		if (v && !get_uint(v, UINT32_MAX, &u))
			fault(d, DSB_F_BYTES_READ, false);
		else
			rec->bytes_read = (struct dsb_u64){ .present = true, .v = v ? u : 0 };
		return;
	}
	/* Without `out` every required output is missing: get() on NULL
	 * finds nothing.  size before the list: the list's size check needs it. */
	const struct fspec *sp = fns[rec->fn].out;
	for (const struct fspec *p = sp; p->key; p++)
		if (p->type != FT_LIST)
			read_field(d, out, p);
	for (const struct fspec *p = sp; p->key; p++)
		if (p->type == FT_LIST)
			read_field(d, out, p);
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void read_data(struct dctx *d, const struct dsb_jnode *root)
{
	struct dsb_record *rec = d->rec;
	read_req_str(d, root, "hbc", DSB_F_DATA_HBC, &rec->hbc);
	read_req_str(d, root, "name", DSB_F_DATA_NAME, &rec->name);
	/* member may hold NUL: C009 judges it (an unsafe member path). */
	const struct dsb_jnode *v = get(d, root, "member");
	if (!v)
		missing(d, DSB_F_MEMBER);
	else if (!is_str(v))
		fault(d, DSB_F_MEMBER, true);
	else
		copy_str(d, v, &rec->member);
	v = get(d, root, "size");
	uint64_t u;
	if (!v)
		missing(d, DSB_F_DATA_SIZE);
	else if (!get_uint(v, INT64_MAX, &u))
		fault(d, DSB_F_DATA_SIZE, true);
	else
		rec->size = (struct dsb_u64){ .present = true, .v = u };
	v = get(d, root, "sha256");
	if (!v) {
		missing(d, DSB_F_SHA256);
		return;
	}
	const char *s = is_str(v) ? sval(d, v) : NULL;
	bool ok = s && v->u.s.len == 64;
	for (size_t i = 0; ok && i < 64; i++)
		ok = is_hex(s[i]);
	if (!ok) {
		fault(d, DSB_F_SHA256, true);
		return;
	}
	for (size_t i = 0; i < 64; i++)
		rec->sha256[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 'a' : s[i]);
	rec->sha256[64] = '\0';
}

static void read_end(struct dctx *d, const struct dsb_jnode *root)
{
	struct dsb_record *rec = d->rec;
	const struct dsb_jnode *v = get(d, root, "records");
	uint64_t u;
	if (!v)
		missing(d, DSB_F_RECORDS);
	else if (!get_uint(v, INT64_MAX, &u))
		fault(d, DSB_F_RECORDS, true);
	else
		rec->records = (struct dsb_u64){ .present = true, .v = u };
	read_opt_time(d, root, "finished", DSB_F_FINISHED, &rec->finished);
}

/* ---- tree walks ---------------------------------------------------------- */

/* Delete every `password` key at any depth (depth is at most 64 here, so
 * the recursion is bounded).  Returns true when one was found. */
static bool strip_passwords(struct dsb_jdom *dom, const struct dsb_jnode *v)
{
	bool found = false;
	if (is_obj(v) && dsb_jdom_del(dom, v, "password"))
		found = true;
	for (const struct dsb_jnode *x = dsb_jnode_first(dom, v); x; x = dsb_jnode_next(dom, x))
		found |= strip_passwords(dom, x);
	return found;
}

static bool any_nul(const struct dctx *d, const struct dsb_jnode *v)
{
	if (is_str(v))
		return has_nul(d, v);
	for (const struct dsb_jnode *x = dsb_jnode_first(d->dom, v); x; x = dsb_jnode_next(d->dom, x))
		if (any_nul(d, x))
			return true;
	return false;
}

/* NUL is C002 in every string but data.member (CF §2).  Ignored parts are
 * not judged: the outputs of a failed call, DsBackupFree's hr, capture's
 * format (C010 judges it). */
static bool nul_outside_member(const struct dctx *d, const struct dsb_jnode *root)
{
	const struct dsb_record *rec = d->rec;
	for (const struct dsb_jnode *x = dsb_jnode_first(d->dom, root); x; x = dsb_jnode_next(d->dom, x)) {
		const char *k = dsb_jnode_key(d->dom, x);
		if (rec->kind == DSB_REC_DATA && strcmp(k, "member") == 0)
			continue;
		if (rec->kind == DSB_REC_CALL && strcmp(k, "out") == 0 && !rec->outputs)
			continue;
		if (rec->kind == DSB_REC_CALL && strcmp(k, "hr") == 0 &&
		    rec->fn == DSB_FN_BACKUP_FREE)
			continue;
		if (rec->kind == DSB_REC_CAPTURE && strcmp(k, "format") == 0)
			continue;
		if (any_nul(d, x))
			return true;
	}
	return false;
}

/* ---- pre-checks ----------------------------------------------------------- */

/* Offset of the bracket that opens level DSB_JOURNAL_DEPTH_MAX + 1, or
 * (size_t)-1.  Strings are skipped with their escapes, so brackets inside
 * them do not count. */
static size_t too_deep(const char *s, size_t len)
{
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > DSB_JOURNAL_DEPTH_MAX)
				return i;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return (size_t)-1;
}

/* For a line that does not parse: does it hold a key written "password"?
 * C011 is still owed for it (CF §2).  Lexical only: a string token
 * "password" followed by ':'. */
static bool lexical_password(const char *s, size_t len)
{
	static const char key[] = "\"password\"";
	const size_t kl = sizeof key - 1;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = false;
			continue;
		}
		if (s[i] != '"')
			continue;
		if (len - i >= kl && memcmp(s + i, key, kl) == 0) {
			size_t j = i + kl;
			while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
				j++;
			if (j < len && s[j] == ':')
				return true;
		}
		in_str = true;
	}
	return false;
}

static void parse_failed(struct dsb_record *rec, enum dsb_parse_error e, uint64_t col,
			 const char *line, size_t len)
{
	rec->perr = e;
	rec->column = col;
	rec->has_password = lexical_password(line, len);
}

/* Most lines are ASCII, which is valid UTF-8: checked eight bytes at a
 * time before the byte-by-byte validator is needed. */
static bool all_ascii(const char *s, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ull)
			return false;
	}
	for (; i < len; i++)
		if ((unsigned char)s[i] & 0x80)
			return false;
	return true;
}

/* ---- decoders ------------------------------------------------------------- */

/* A decoder: the parsed form of the line, kept from one line to the next
 * so that a journal of millions of lines allocates its parse buffers once
 * (see format/jdom.h).  Owned by one caller at a time: nothing in it is
 * shared between decoders, and no process-global state is set (jansson's
 * allocators stay the default ones). */
struct dsb_jdec {
	struct dsb_jdom dom;
	uint64_t fast, fallback;   /* lines parsed by each parser, for tests */
};

struct dsb_jdec *dsb_jdec_new(void)
{
	struct dsb_jdec *dec = calloc(1, sizeof(*dec));
	if (dec)
		dsb_jdom_init(&dec->dom);
	return dec;
}

void dsb_jdec_free(struct dsb_jdec *dec)
{
	if (!dec)
		return;
	dsb_jdom_free(&dec->dom);
	free(dec);
}

void dsb_jdec_stats(const struct dsb_jdec *dec, uint64_t *fast, uint64_t *fallback)
{
	*fast = dec->fast;
	*fallback = dec->fallback;
}

/* jansson's parse of the line into dec->dom.  Returns false only on
 * out-of-memory; a line that does not parse is described in *rec. */
static bool parse_jansson(struct dsb_jdec *dec, const char *line, size_t len,
			  struct dsb_record *rec, bool *parsed)
{
	*parsed = false;
	dec->fallback++;
	json_error_t err;
	json_t *root = json_loadb(line, len,
				  JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (!root) {
		enum dsb_parse_error e;
		switch (json_error_code(&err)) {
		case json_error_out_of_memory:
			return false;
		case json_error_duplicate_key:
			e = DSB_PE_DUP_KEY;
			break;
		case json_error_null_byte_in_key:
			e = DSB_PE_NUL;
			break;
		case json_error_numeric_overflow:
			e = DSB_PE_NUMBER;
			break;
		case json_error_invalid_utf8:
			e = DSB_PE_UTF8;
			break;
		case json_error_stack_overflow:
			e = DSB_PE_DEPTH;
			break;
		default:
			e = DSB_PE_JSON;
			break;
		}
		/* Only the position is kept: err.text quotes the input. */
		parse_failed(rec, e, err.column > 0 ? (uint64_t)err.column : 0, line, len);
		return true;
	}
	bool ok = dsb_jdom_from_jansson(&dec->dom, root);
	json_decref(root);
	*parsed = ok;
	return ok;
}

bool dsb_record_decode_using(struct dsb_jdec *dec, enum dsb_jparser parser,
			     const char *line, size_t len, uint64_t lineno,
			     uint32_t ansi_cp, struct dsb_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->line = lineno;

	size_t bad;
	uint64_t col;
	if (!all_ascii(line, len) && !dsb_utf8_valid(line, len, &bad, &col)) {
		parse_failed(rec, DSB_PE_UTF8, col, line, len);
		return true;
	}

	/* The lean parser takes no line nested deeper than 64: for one it
	 * takes, the depth check below could only pass. */
	enum dsb_jparse jp = DSB_JP_FALLBACK;
	if (parser == DSB_JPARSER_LEAN)
		jp = dsb_jdom_parse(&dec->dom, line, len);
	if (jp == DSB_JP_NOMEM)
		return false;
	if (jp == DSB_JP_OK) {
		dec->fast++;
	} else {
		size_t deep = too_deep(line, len);
		if (deep != (size_t)-1) {
			parse_failed(rec, DSB_PE_DEPTH, dsb_utf8_chars(line, deep) + 1, line, len);
			return true;
		}
		bool parsed;
		if (!parse_jansson(dec, line, len, rec, &parsed))
			return false;
		if (!parsed)
			return true;   /* C002, described in rec */
	}

	struct dsb_jdom *dom = &dec->dom;
	const struct dsb_jnode *root = dsb_jdom_root(dom);
	if (!is_obj(root)) {
		size_t i = 0;
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		dsb_jdom_reset(dom);
		parse_failed(rec, DSB_PE_NOT_OBJECT, i + 1, line, len);
		return true;
	}

	/* The password goes first, before any value is read.  Both parsers
	 * note a key "password" as they meet it, so the tree is searched only
	 * when there is one. */
	if (dom->key_password)
		rec->has_password = strip_passwords(dom, root);

	struct dctx d = { .rec = rec, .dom = dom, .ansi_cp = ansi_cp };
	const struct dsb_jnode *v = get(&d, root, "rec");
	if (!v) {
		missing(&d, DSB_F_REC);
	} else if (!is_str(v)) {
		fault(&d, DSB_F_REC, true);
	} else {
		const char *s = sval(&d, v);
		size_t n = v->u.s.len;
		static const struct { const char *name; enum dsb_rec_kind kind; } kinds[] = {
			{ "capture", DSB_REC_CAPTURE }, { "call", DSB_REC_CALL },
			{ "data", DSB_REC_DATA }, { "end", DSB_REC_END },
		};
		rec->kind = DSB_REC_UNKNOWN;
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
			if (strlen(kinds[i].name) == n && memcmp(s, kinds[i].name, n) == 0)
				rec->kind = kinds[i].kind;
		if (rec->kind == DSB_REC_UNKNOWN)
			set_ident(rec->rec_text, sizeof rec->rec_text, s, n);
	}

	v = get(&d, root, "seq");
	uint64_t u;
	if (!v)
		missing(&d, DSB_F_SEQ);
	else if (!get_uint(v, INT64_MAX, &u) || u == 0)
		fault(&d, DSB_F_SEQ, true);
	else
		rec->seq = (struct dsb_u64){ .present = true, .v = u };

	switch (rec->kind) {
	case DSB_REC_CAPTURE:
		read_capture(&d, root);
		break;
	case DSB_REC_CALL:
		read_call(&d, root);
		break;
	case DSB_REC_DATA:
		read_data(&d, root);
		break;
	case DSB_REC_END:
		read_end(&d, root);
		break;
	case DSB_REC_NONE:
	case DSB_REC_UNKNOWN:
		break;   /* skipped: only rec and seq count */
	}
	/* NUL can only come from a \u0000 escape, which the parsers note. */
	if (rec->kind != DSB_REC_UNKNOWN && dom->str_nul)
		rec->has_nul = nul_outside_member(&d, root);
	/* Nothing of the line outlives the record's own copies. */
	dsb_jdom_reset(dom);
	if (d.oom) {
		dsb_record_clear(rec);
		return false;
	}
	return true;
}

bool dsb_record_decode_with(struct dsb_jdec *dec, const char *line, size_t len,
			    uint64_t lineno, uint32_t ansi_cp, struct dsb_record *rec)
{
	return dsb_record_decode_using(dec, DSB_JPARSER_LEAN, line, len, lineno, ansi_cp, rec);
}

bool dsb_record_decode(const char *line, size_t len, uint64_t lineno,
		       uint32_t ansi_cp, struct dsb_record *rec)
{
	struct dsb_jdec *dec = dsb_jdec_new();
	if (!dec) {
		memset(rec, 0, sizeof(*rec));
		rec->line = lineno;
		return false;
	}
	bool ok = dsb_record_decode_with(dec, line, len, lineno, ansi_cp, rec);
	dsb_jdec_free(dec);
	return ok;
}

static void str_free(struct dsb_str *s)
{
	free(s->s);
}

void dsb_record_clear(struct dsb_record *rec)
{
	struct dsb_str *strs[] = {
		&rec->format, &rec->host, &rec->agent, &rec->server, &rec->hbc,
		&rec->name, &rec->ptr, &rec->checkpoint_path, &rec->log_path,
		&rec->backup_log_path, &rec->out_hbc, &rec->token_ptr, &rec->list_ptr,
		&rec->member,
	};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		str_free(strs[i]);
	free(rec->in_token.bytes);
	free(rec->out_token.bytes);
	dsb_list_clear(&rec->list);
	uint64_t line = rec->line;
	memset(rec, 0, sizeof(*rec));
	rec->line = line;
}
