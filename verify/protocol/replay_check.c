/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The checks of the protocol replay: one function per rule that judges a
 * handle-taking call, named by the transition table (replay_table.c).
 * A check runs before the call's effects, so it sees the state the call
 * was made in.  Each raises at most one finding; when a rule has several
 * reasons on one record, its message names them all (RC §4.1).
 *
 * Messages quote only what RC §3.7 allows: function names, result names,
 * handle strings, file names and numbers.  Never a token.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "verify/protocol/replay_int.h"

#define HINT_UNIT  8192u    /* read hints and buffers: multiples of this ... */
#define HINT_MIN   24576u   /* ... and at least this (dsbackup-api §2.5, §2.6) */
#define GEN_MAX    0xFFFFFu /* DsRestoreRegister generations (§2.14) */

static const char *call_fn(const struct step *st)
{
	const struct dsb_record *r = st->rec;
	return r->fn_text[0] ? r->fn_text : dsb_rp_fn_name(r->fn, r->cs);
}

static const char *hbc_of(const struct step *st)
{
	return st->rec->hbc.s ? st->rec->hbc.s : "";
}

static struct ropen *open_of(const struct step *st)
{
	if (st->t->isolated || st->si == RP_NONE)
		return NULL;
	return dsb_rp_cur_open(st->rp, st->si);
}

static struct rsession *ses_of(const struct step *st)
{
	return st->si == RP_NONE ? NULL : &st->rp->ses[st->si];
}

/* The backed-up file a call is about: the name it opens, or the open it
 * works on. */
static const char *file_of(const struct step *st)
{
	if (st->rec->fn == DSB_FN_BACKUP_OPEN_FILE)
		return st->rec->name.s;
	struct ropen *o = open_of(st);
	return o ? o->name : NULL;
}

static struct dsb_loc loc_of(const struct step *st)
{
	return dsb_rp_rec_loc(st->rp, st->rec, st->rec->hbc.s, file_of(st));
}

static void emit(struct step *st, enum dsb_rule rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void emit(struct step *st, enum dsb_rule rule, const char *fmt, ...)
{
	struct dsb_loc loc = loc_of(st);
	/* Past the listing cap: counted, not formatted (see dsb_rp_add). */
	if (dsb_findings_count_if_unlisted(st->rp->f, st->rp->input, rule, &loc))
		return;
	char buf[DSB_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	dsb_rp_add(st->rp, rule, &loc, "%s", buf);
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* Why a read hint or buffer size is refused, or NULL. */
static const char *size_fault(uint64_t v)
{
	bool mult = v % HINT_UNIT != 0, small = v < HINT_MIN;
	if (mult && small)
		return "is not a multiple of 8192 and is under 24576";
	if (mult)
		return "is not a multiple of 8192";
	if (small)
		return "is under 24576";
	return NULL;
}

/* ---- P001, R009: the call is isolated ---------------------------------- */

static void ck_p001(struct step *st)
{
	st->raised_p001 = true;
	const struct dsb_replay *rp = st->rp;
	uint32_t old = st->ended_si;
	if (old != RP_NONE && rp->ses[old].end_line)
		emit(st, DSB_P001, "%s on handle %s, which is not live: its session ended at line %" PRIu64,
			 call_fn(st), hbc_of(st), rp->ses[old].end_line);
	else if (old != RP_NONE)
		emit(st, DSB_P001, "%s on handle %s, which is not live: its session has closed",
			 call_fn(st), hbc_of(st));
	else
		emit(st, DSB_P001, "%s on handle %s, which is not live: no successful DsBackupPrepare or DsRestorePrepare returned it",
			 call_fn(st), hbc_of(st));
}

static void ck_r009(struct step *st)
{
	st->raised_r009 = true;
	if (ses_of(st)->kind == DSB_SESSION_RESTORE)
		emit(st, DSB_R009, "%s, a backup-only call, on restore handle %s",
			 call_fn(st), hbc_of(st));
	else
		emit(st, DSB_R009, "%s, a restore-only call, on backup handle %s",
			 call_fn(st), hbc_of(st));
}

/* ---- backup: opens and reads ------------------------------------------- */

static void ck_p004(struct step *st)
{
	struct ropen *o = open_of(st);
	if (!o)
		return;
	emit(st, DSB_P004, "%s of %s while %s (opened at line %" PRIu64 ") is open on handle %s%s",
		 call_fn(st), st->rec->name.s, o->name, o->line, hbc_of(st),
		 st->ok ? "; the earlier open ends, not complete" : "");
}

static void ck_p005(struct step *st)
{
	const struct dsb_record *r = st->rec;
	struct rpath *p = dsb_rp_path_find(st->rp, ses_of(st), r->name.s, r->name.len);
	if (p && (p->flags & PF_NONDIR))
		return;
	emit(st, DSB_P005, "%s of %s, which matches %s of the lists returned on handle %s",
		 call_fn(st), r->name.s,
		 p && (p->flags & PF_LISTED) ? "only directory entries" : "no entry",
		 hbc_of(st));
}

static void ck_p006_hint(struct step *st)
{
	uint64_t v = st->rec->read_hint.v;
	const char *why = size_fault(v);
	if (!why)
		return;
	emit(st, DSB_P006, "%s of %s with read_hint %" PRIu64 ", which %s",
		 call_fn(st), st->rec->name.s ? st->rec->name.s : "", v, why);
}

/* A read of an open is counted here and judged when the open ends (the
 * message gives how many reads offended); a read with no file open is
 * judged on its own (RC §5.2). */
static void ck_p006_read(struct step *st)
{
	uint64_t v = st->rec->buffer_size.v;
	const char *why = size_fault(v);
	struct ropen *o = open_of(st);
	if (o) {
		if (o->nreads < UINT32_MAX)
			o->nreads++;
		if (why && o->p006_reads++ == 0) {
			o->p006_line = st->rec->line;
			o->p006_seq = st->rec->seq.v;
			o->p006_has_seq = st->rec->seq.present;
			o->p006_buf = v;
		}
		return;
	}
	if (!why)
		return;
	emit(st, DSB_P006, "%s with buffer_size %" PRIu64 ", which %s (no file open on handle %s)",
		 call_fn(st), v, why, hbc_of(st));
}

static void ck_p007(struct step *st)
{
	emit(st, DSB_P007, "%s with no file open on handle %s", call_fn(st), hbc_of(st));
}

static void ck_p008(struct step *st)
{
	if (!st->counts)
		return;
	struct why w = { .n = 0 };
	const struct dsb_record *r = st->rec;
	if (st->bytes > r->buffer_size.v)
		dsb_rp_why(&w, "returned %" PRIu64 " bytes into a buffer of %" PRIu64,
			   st->bytes, r->buffer_size.v);
	struct ropen *o = open_of(st);
	if (o && !o->p008_done && o->counted <= o->file_size &&
	    st->bytes > o->file_size - o->counted) {
		o->p008_done = true;
		uint64_t total = o->counted + st->bytes < o->counted ? UINT64_MAX
								      : o->counted + st->bytes;
		dsb_rp_why(&w, "the open of %s counted %" PRIu64 " bytes, past its file_size %" PRIu64,
			   o->name, total, o->file_size);
	}
	if (!w.count)
		return;
	emit(st, DSB_P008, "%s on handle %s: %s", call_fn(st), hbc_of(st), w.buf);
}

static void ck_p009(struct step *st)
{
	struct ropen *o = open_of(st);
	if (!o || o->counted >= o->file_size)
		return;
	emit(st, DSB_P009, "%s of %s after %" PRIu64 " of %" PRIu64 " bytes on handle %s: the backed-up file is incomplete",
		 call_fn(st), o->name, o->counted, o->file_size, hbc_of(st));
}

static void ck_p010(struct step *st)
{
	emit(st, DSB_P010, "%s with no file open on handle %s", call_fn(st), hbc_of(st));
}

/* ---- backup: phases ------------------------------------------------------ */

static void ck_p011(struct step *st)
{
	struct rsession *s = ses_of(st);
	struct ropen *o = open_of(st);
	struct why w = { .n = 0 };
	uint32_t b, d, l;
	if (o)
		dsb_rp_why(&w, "while %s is open", o->name);
	if (!s->got_dbnames)
		dsb_rp_why(&w, "with no successful DsBackupGetDatabaseNames before it");
	dsb_rp_unread(st->rp, s, &b, &d, &l);
	if (d)
		dsb_rp_why(&w, "before %" PRIu32 " database file%s to back up %s read in full",
			   d, plural(d), d == 1 ? "was" : "were");
	if (!w.count)
		return;
	emit(st, DSB_P011, "%s on handle %s %s", call_fn(st), hbc_of(st), w.buf);
}

static void ck_p012(struct step *st)
{
	struct rsession *s = ses_of(st);
	const struct dsb_record *r = st->rec;
	if (!s->logphase_line)
		return;
	struct rpath *p = dsb_rp_path_find(st->rp, s, r->name.s, r->name.len);
	if (!p || !(p->flags & PF_DB))
		return;
	emit(st, DSB_P012, "%s of database file %s after the successful %s at line %" PRIu64 " on handle %s",
		 call_fn(st), r->name.s, dsb_rp_fn_name(s->logphase_fn, s->logphase_cs),
		 s->logphase_line, hbc_of(st));
}

static void ck_p013(struct step *st)
{
	struct rsession *s = ses_of(st);
	struct ropen *o = open_of(st);
	struct why w = { .n = 0 };
	uint32_t b, d, l;
	if (o)
		dsb_rp_why(&w, "while %s is open", o->name);
	if (!s->got_logs)
		dsb_rp_why(&w, "with no successful DsBackupGetBackupLogs before it");
	dsb_rp_unread(st->rp, s, &b, &d, &l);
	if (b)
		dsb_rp_why(&w, "with %" PRIu32 " file%s to back up not read in full", b, plural(b));
	if (s->failed)
		dsb_rp_why(&w, "after %s at line %" PRIu64 " failed with %s",
			   dsb_rp_fn_name(s->fail_fn, s->fail_cs), s->fail_line, s->fail_hr);
	if (!w.count)
		return;
	emit(st, DSB_P013, "%s on handle %s %s: logs needed for a restore are lost",
		 call_fn(st), hbc_of(st), w.buf);
}

static void ck_p015(struct step *st)
{
	struct ropen *o = open_of(st);
	if (!o)
		return;
	emit(st, DSB_P015, "%s on handle %s with %s still open", call_fn(st), hbc_of(st), o->name);
}

/* ---- lists (CF §5.5) ----------------------------------------------------- */

static void ck_p021(struct step *st)
{
	const struct dsb_list *l = &st->rec->list;
	if (!st->ok || l->faults == 0)
		return;
	struct why w = { .n = 0 };
	unsigned f = l->faults;
	if (f & DSB_LF_SIZE_MISMATCH) {
		if (st->rec->list_size.present)
			dsb_rp_why(&w, "size %" PRIu64 " differs from the buffer's %s",
				   st->rec->list_size.v, l->from_raw ? "byte count" : "expected size");
		else
			dsb_rp_why(&w, "size differs from the buffer");
	}
	if (f & DSB_LF_NO_FINAL_NUL)
		dsb_rp_why(&w, "the final NUL unit is missing");
	if (f & DSB_LF_TRAILING_BYTES)
		dsb_rp_why(&w, "bytes follow the final NUL unit");
	if (f & DSB_LF_EMPTY_PATH)
		dsb_rp_why(&w, "an entry has an empty path");
	if (f & DSB_LF_ODD_BYTES)
		dsb_rp_why(&w, "the W buffer has an odd byte count");
	if (f & DSB_LF_BAD_SURROGATE)
		dsb_rp_why(&w, "the W buffer holds an unpaired surrogate");
	if (f & DSB_LF_DOC_BFT) {
		bool b22 = false, b23 = false;
		for (size_t i = 0; i < l->n; i++) {
			b22 |= l->e[i].bft == 0x22;
			b23 |= l->e[i].bft == 0x23;
		}
		dsb_rp_why(&w, "BFT %s, the value%s printed on the BFT documentation page, which is a documentation error (the headers give 0x82 and 0x83)",
			   b22 && b23 ? "0x22 and 0x23" : b23 ? "0x23" : "0x22",
			   b22 && b23 ? "s" : "");
	}
	if ((f & DSB_LF_BAD_BFT) && !(f & DSB_LF_DOC_BFT))
		dsb_rp_why(&w, "a BFT is none of 0x21, 0x25, 0x44, 0x82, 0x83 and 0x0f");
	else if (f & DSB_LF_BAD_BFT) {
		/* DOC_BFT may come with BAD_BFT set for the same entries: name
		 * other bad values only if there are some. */
		for (size_t i = 0; i < l->n; i++) {
			unsigned b = l->e[i].bft;
			if (b != 0x21 && b != 0x25 && b != 0x44 && b != 0x82 && b != 0x83 &&
			    b != 0x0f && b != 0x22 && b != 0x23) {
				dsb_rp_why(&w, "a BFT is none of 0x21, 0x25, 0x44, 0x82, 0x83 and 0x0f");
				break;
			}
		}
	}
	if (!w.count)
		dsb_rp_why(&w, "the list is malformed");
	emit(st, DSB_P021, "%s on handle %s returned a malformed list: %s",
		 call_fn(st), hbc_of(st), w.buf);
}

/* ---- restore ------------------------------------------------------------- */

static void ck_r003(struct step *st)
{
	struct rsession *s = ses_of(st);
	if (s->has_token)
		return;
	emit(st, DSB_R003, "%s on handle %s, which %s at line %" PRIu64 " prepared without a token",
		 call_fn(st), hbc_of(st), dsb_rp_fn_name(s->prep_fn, s->prep_cs), s->prep_line);
}

static void path_reason(struct why *w, const char *field, const struct dsb_str *v)
{
	if (v->state == DSB_ABSENT)
		dsb_rp_why(w, "%s is absent", field);
	else if (v->state == DSB_NULL)
		dsb_rp_why(w, "%s is null", field);
	else if (v->len == 0)
		dsb_rp_why(w, "%s is empty", field);
}

static void ck_r005(struct step *st)
{
	const struct dsb_record *r = st->rec;
	struct why w = { .n = 0 };
	path_reason(&w, "checkpoint_path", &r->checkpoint_path);
	path_reason(&w, "log_path", &r->log_path);
	path_reason(&w, "backup_log_path", &r->backup_log_path);
	if (!w.count)
		return;
	emit(st, DSB_R005, "%s on handle %s: %s", call_fn(st), hbc_of(st), w.buf);
}

static void ck_r006(struct step *st)
{
	const struct dsb_record *r = st->rec;
	uint64_t lo = r->gen_low.v, hi = r->gen_high.v;
	struct why w = { .n = 0 };
	if (lo > GEN_MAX)
		dsb_rp_why(&w, "gen_low 0x%" PRIx64 " is above 0xFFFFF", lo);
	if (hi > GEN_MAX)
		dsb_rp_why(&w, "gen_high 0x%" PRIx64 " is above 0xFFFFF", hi);
	if (lo > hi)
		dsb_rp_why(&w, "gen_low 0x%" PRIx64 " is greater than gen_high 0x%" PRIx64, lo, hi);
	if (!w.count)
		return;
	emit(st, DSB_R006, "%s on handle %s: %s", call_fn(st), hbc_of(st), w.buf);
}

static void ck_r007(struct step *st)
{
	struct rsession *s = ses_of(st);
	if (st->rec->fn == DSB_FN_RESTORE_REGISTER_COMPLETE)
		emit(st, DSB_R007, "%s on handle %s with no successful DsRestoreRegister before it",
			 call_fn(st), hbc_of(st));
	else
		emit(st, DSB_R007, "%s on handle %s after the successful %s at line %" PRIu64 " with no successful DsRestoreRegisterComplete after it",
			 call_fn(st), hbc_of(st),
			 dsb_rp_fn_name(DSB_FN_RESTORE_REGISTER, s->reg_cs), s->reg_line);
}

/* ---- P022: S_OK where the documentation says the call fails -------------- */

static void ck_p022(struct step *st)
{
	if (!st->ok)
		return;
	char res[DSB_RESULT_TEXT_MAX + 72];
	const struct dsb_record *r = st->rec;
	struct rsession *s = ses_of(st);
	struct ropen *o = open_of(st);
	dsb_rp_result_text(res, sizeof res, &r->hr);
	if (st->raised_p001) {
		/* (d) */
		emit(st, DSB_P022, "%s recorded as %s on handle %s, which is not live; documented to fail with ERROR_INVALID_PARAMETER",
			 call_fn(st), res, hbc_of(st));
	} else if (r->fn == DSB_FN_BACKUP_CLOSE && !o) {
		/* (a) */
		emit(st, DSB_P022, "%s recorded as %s with no file open on handle %s; documented to fail with hrInvalidHandle",
			 call_fn(st), res, hbc_of(st));
	} else if (r->fn == DSB_FN_BACKUP_OPEN_FILE && o) {
		/* (c) */
		emit(st, DSB_P022, "%s of %s recorded as %s while %s is open on handle %s; documented: only one file can be opened at a time",
			 call_fn(st), r->name.s, res, o->name, hbc_of(st));
	} else if (r->fn == DSB_FN_RESTORE_REGISTER && s && !st->raised_r009 &&
		   s->kind == DSB_SESSION_RESTORE && !s->has_token) {
		/* (e) */
		emit(st, DSB_P022, "%s recorded as %s on handle %s, prepared without a token; documented as not allowed",
			 call_fn(st), res, hbc_of(st));
	}
}

const rcheck_fn dsb_rp_checks[CK_COUNT] = {
	[CK_P001] = ck_p001,
	[CK_R009] = ck_r009,
	[CK_P004] = ck_p004,
	[CK_P005] = ck_p005,
	[CK_P006_HINT] = ck_p006_hint,
	[CK_P006_READ] = ck_p006_read,
	[CK_P007] = ck_p007,
	[CK_P008] = ck_p008,
	[CK_P009] = ck_p009,
	[CK_P010] = ck_p010,
	[CK_P011] = ck_p011,
	[CK_P012] = ck_p012,
	[CK_P013] = ck_p013,
	[CK_P015] = ck_p015,
	[CK_P021] = ck_p021,
	[CK_R003] = ck_r003,
	[CK_R005] = ck_r005,
	[CK_R006] = ck_r006,
	[CK_R007] = ck_r007,
	[CK_P022] = ck_p022,
};
