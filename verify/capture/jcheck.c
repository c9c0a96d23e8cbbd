/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Journal checks (capture-format §2–§8): the rules that judge the journal as
 * a sequence of lines, before and around the protocol replay.
 *
 *   C002  a line that is not a JSON object, or a record with faulty fields
 *   C003  seq out of order            C004  no end, records after it, count
 *   C009  unsafe data.member          C010  not a dsbackup-capture v1 journal
 *   C011  a password key              C012  unknown kind, function, result name
 *   C013  time going backwards
 *
 * Streaming: the only state kept between lines is a handful of counters and
 * times, never anything per record, so a journal of any length runs in the
 * memory of its longest line.  One struct dsb_record is reused for every line.
 */
#include "verify/capture/jcheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/journal.h"
#include "format/paths.h"
#include "lib/hex.h"
#include "lib/strbuf.h"

/* How much of an unsafe member path a C009 message shows (escaped). */
#define MEMBER_SHOWN_MAX 200

struct dsb_jcheck {
	struct dsb_findings *f;
	int input;
	char *member;              /* the journal's archive member name */
	struct dsb_replay *rp;
	struct dsb_jsplit *split;
	struct dsb_jdec *dec;      /* parse buffers, reused for every line */
	struct dsb_record rec;     /* reused for every line */
	bool oom;
	bool finished;

	uint64_t records;          /* non-blank lines so far (CF §7) */
	uint64_t last_line;        /* the last line read, blank or not */
	uint64_t expected_seq;     /* CF §3 */
	bool bad_format;           /* C010: nothing past the first record */
	bool ended;                /* the end record was seen */
	bool after_end_reported;   /* the one C004 for records after it */
	uint32_t ansi_cp;          /* from the capture record; 1252 by default */
	struct dsb_time started;   /* the capture record's */
	struct dsb_time last_done; /* completion time of the latest call that had one */
};

/* ---- helpers ------------------------------------------------------------ */

static struct dsb_loc loc_of(const struct dsb_jcheck *jc, const struct dsb_record *rec)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = jc->member;
	loc.line = rec->line;
	if (rec->seq.present) {
		loc.seq = rec->seq.v;
		loc.has_seq = true;
	}
	if (rec->kind == DSB_REC_CALL) {
		if (rec->fn_text[0])
			loc.fn = rec->fn_text;
		else if (rec->fn_unknown[0])
			loc.fn = rec->fn_unknown;
	}
	/* The handle the record names: a call's in.hbc, else the one a
	 * Prepare returned; a data record's hbc. */
	if (rec->hbc.state == DSB_PRESENT)
		loc.hbc = rec->hbc.s;
	else if (rec->out_hbc.state == DSB_PRESENT)
		loc.hbc = rec->out_hbc.s;
	return loc;
}

/* A message that lists several reasons: a buffer and lib's bounded
 * builder over it. */
struct msg {
	char b[DSB_MESSAGE_MAX];
	struct dsb_strbuf s;
};

/* Not an initializer: that would clear the whole buffer for every record. */
static void msg_init(struct msg *m)
{
	dsb_sb_init(&m->s, m->b, sizeof m->b);
}

__attribute__((format(printf, 2, 3)))
static void msg_add(struct msg *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dsb_sb_vprintf(&m->s, fmt, ap);
	va_end(ap);
}

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

static const char *kind_name(enum dsb_rec_kind k)
{
	switch (k) {
	case DSB_REC_CAPTURE: return "capture";
	case DSB_REC_CALL: return "call";
	case DSB_REC_DATA: return "data";
	case DSB_REC_END: return "end";
	case DSB_REC_NONE:
	case DSB_REC_UNKNOWN:
		break;
	}
	return NULL;
}

/* ---- C002 ----------------------------------------------------------------- */

/* Field names, missing ones and invalid ones apart; never a value. */
static void list_fields(struct msg *m, const struct dsb_record *rec, bool want_missing)
{
	const char *sep = want_missing ? "missing field " : "invalid field ";
	size_t count = 0;
	for (int f = 0; f < DSB_F_COUNT; f++) {
		bool miss = rec->missing[f / 64] >> (f % 64) & 1;
		if (!dsb_record_has_fault(rec, (enum dsb_field)f) || miss != want_missing)
			continue;
		count++;
	}
	if (count == 0)
		return;
	if (m->s.n)
		msg_add(m, "; ");
	if (count > 1)
		sep = want_missing ? "missing fields " : "invalid fields ";
	for (int f = 0; f < DSB_F_COUNT; f++) {
		bool miss = rec->missing[f / 64] >> (f % 64) & 1;
		if (!dsb_record_has_fault(rec, (enum dsb_field)f) || miss != want_missing)
			continue;
		msg_add(m, "%s%s", sep, dsb_field_name((enum dsb_field)f));
		sep = ", ";
	}
}

static void check_c002(struct dsb_jcheck *jc, const struct dsb_record *rec,
		       uint64_t long_len, bool second_capture)
{
	struct dsb_loc loc = loc_of(jc, rec);
	if (rec->perr == DSB_PE_TOO_LONG) {
		dsb_findings_add(jc->f, jc->input, DSB_C002, &loc,
				 "line %llu is longer than the %u-byte limit (%llu bytes); not read",
				 (unsigned long long)rec->line, DSB_JOURNAL_LINE_MAX,
				 (unsigned long long)long_len);
		return;
	}
	if (rec->perr != DSB_PE_NONE) {
		if (rec->column)
			dsb_findings_add(jc->f, jc->input, DSB_C002, &loc,
					 "line %llu, column %llu: %s",
					 (unsigned long long)rec->line,
					 (unsigned long long)rec->column,
					 dsb_parse_error_text(rec->perr));
		else
			dsb_findings_add(jc->f, jc->input, DSB_C002, &loc, "line %llu: %s",
					 (unsigned long long)rec->line,
					 dsb_parse_error_text(rec->perr));
		return;
	}
	if (!dsb_record_any_fault(rec) && !rec->has_nul && !second_capture)
		return;
	struct msg m;
	msg_init(&m);
	if (second_capture)
		msg_add(&m, "a second capture record (ignored)");
	list_fields(&m, rec, true);
	list_fields(&m, rec, false);
	if (rec->has_nul)
		msg_add(&m, "%sa string holds NUL (\\u0000)", m.s.n ? "; " : "");
	dsb_findings_add(jc->f, jc->input, DSB_C002, &loc, "line %llu: %s",
			 (unsigned long long)rec->line, m.b);
}

/* ---- C003 ----------------------------------------------------------------- */

static void check_c003(struct dsb_jcheck *jc, const struct dsb_record *rec)
{
	/* A record without a valid seq takes the expected number. */
	if (!rec->seq.present) {
		jc->expected_seq++;
		return;
	}
	if (rec->seq.v != jc->expected_seq) {
		struct dsb_loc loc = loc_of(jc, rec);
		dsb_findings_add(jc->f, jc->input, DSB_C003, &loc, "seq %llu where %llu was expected",
				 (unsigned long long)rec->seq.v,
				 (unsigned long long)jc->expected_seq);
	}
	jc->expected_seq = rec->seq.v + 1;
}

/* ---- C012 ----------------------------------------------------------------- */

static void unknown_result(struct msg *m, const char *field, const struct dsb_result *r)
{
	if (!r->present || !r->unknown_name)
		return;
	if (m->s.n)
		msg_add(m, "; ");
	/* A name of letters, digits and _ may be quoted (RC §3.7), up to
	 * 64 of them: r->text is empty beyond that. */
	if (r->text[0])
		msg_add(m, "unknown result name \"%s\" in %s, taken as a failure equal to no other",
			r->text, field);
	else
		msg_add(m, "unknown result name in %s, taken as a failure equal to no other", field);
}

static void check_c012(struct dsb_jcheck *jc, const struct dsb_record *rec)
{
	struct msg m;
	msg_init(&m);
	if (rec->kind == DSB_REC_UNKNOWN) {
		if (rec->rec_text[0])
			msg_add(&m, "unknown record kind \"%s\"; record skipped", rec->rec_text);
		else
			msg_add(&m, "unknown record kind; record skipped");
	}
	if (rec->kind == DSB_REC_CALL) {
		if (rec->unknown_fn) {
			if (rec->fn_unknown[0])
				msg_add(&m, "unknown function \"%s\"; call not replayed", rec->fn_unknown);
			else
				msg_add(&m, "unknown function name; call not replayed");
		}
		unknown_result(&m, "hr", &rec->hr);
		unknown_result(&m, "in.restore_state", &rec->restore_state);
	}
	if (m.s.n) {
		struct dsb_loc loc = loc_of(jc, rec);
		dsb_findings_add(jc->f, jc->input, DSB_C012, &loc, "%s", m.b);
	}
}

/* ---- C013 ----------------------------------------------------------------- */

static void check_c013(struct dsb_jcheck *jc, const struct dsb_record *rec)
{
	struct msg m;
	msg_init(&m);
	char a[40], b[40];
	if (rec->kind == DSB_REC_CALL) {
		if (rec->t.present && rec->t_end.present && rec->t_end.ticks < rec->t.ticks) {
			dsb_time_format(rec->t_end.ticks, a, sizeof a);
			dsb_time_format(rec->t.ticks, b, sizeof b);
			msg_add(&m, "t_end %s is before t %s", a, b);
		}
		if (rec->t.present && jc->started.present && rec->t.ticks < jc->started.ticks) {
			dsb_time_format(rec->t.ticks, a, sizeof a);
			dsb_time_format(jc->started.ticks, b, sizeof b);
			msg_add(&m, "%st %s is before the capture started (%s)", m.s.n ? "; " : "", a, b);
		}
		/* Completion: t_end, or t without it.  A call with neither
		 * leaves the previous completion in place. */
		const struct dsb_time *done = rec->t_end.present ? &rec->t_end :
					      rec->t.present ? &rec->t : NULL;
		if (done && jc->last_done.present && done->ticks < jc->last_done.ticks) {
			dsb_time_format(done->ticks, a, sizeof a);
			dsb_time_format(jc->last_done.ticks, b, sizeof b);
			msg_add(&m, "%sthe call completes at %s, before the previous call (%s)",
				m.s.n ? "; " : "", a, b);
		}
		if (done)
			jc->last_done = *done;
	} else if (rec->kind == DSB_REC_END) {
		if (rec->finished.present && jc->last_done.present &&
		    rec->finished.ticks < jc->last_done.ticks) {
			dsb_time_format(rec->finished.ticks, a, sizeof a);
			dsb_time_format(jc->last_done.ticks, b, sizeof b);
			msg_add(&m, "finished %s is before the last call completed (%s)", a, b);
		}
	}
	if (m.s.n) {
		struct dsb_loc loc = loc_of(jc, rec);
		dsb_findings_add(jc->f, jc->input, DSB_C013, &loc, "time goes backwards: %s", m.b);
	}
}

/* ---- C010 ----------------------------------------------------------------- */

/* The first record: a capture record, format "dsbackup-capture", version
 * the integer 1.  false (C010 raised) when not. */
static bool check_c010(struct dsb_jcheck *jc, const struct dsb_record *rec)
{
	struct msg m;
	msg_init(&m);
	if (rec->perr != DSB_PE_NONE) {
		msg_add(&m, "the first record cannot be read");
	} else if (rec->kind != DSB_REC_CAPTURE) {
		const char *k = kind_name(rec->kind);
		if (k)
			msg_add(&m, "the first record is a %s record, not a capture record", k);
		else if (rec->rec_text[0])
			msg_add(&m, "the first record is a \"%s\" record, not a capture record",
				rec->rec_text);
		else
			msg_add(&m, "the first record is not a capture record");
	} else {
		static const char want[] = "dsbackup-capture";
		if (rec->format.state != DSB_PRESENT)
			msg_add(&m, "format is missing or not a string");
		else if (rec->format.len != sizeof want - 1 ||
			 memcmp(rec->format.s, want, sizeof want - 1) != 0)
			msg_add(&m, "format is not \"%s\"", want);
		if (!rec->has_version)
			msg_add(&m, "%sversion is missing", m.s.n ? "; " : "");
		else if (!rec->version_is_1)
			msg_add(&m, "%sversion is not the integer 1 (this reads version 1 only)",
				m.s.n ? "; " : "");
	}
	if (!m.s.n)
		return true;
	struct dsb_loc loc = loc_of(jc, rec);
	dsb_findings_add(jc->f, jc->input, DSB_C010, &loc,
			 "not a dsbackup-capture version 1 journal: %s; the journal is not read further",
			 m.b);
	return false;
}

/* ---- C009 ----------------------------------------------------------------- */

static void check_member(struct dsb_jcheck *jc, const struct dsb_record *rec)
{
	if (rec->member.state != DSB_PRESENT ||
	    !dsb_member_path_unsafe(rec->member.s, rec->member.len))
		return;
	/* Member paths may be quoted (RC §3.7); escaped with lib's one set
	 * (lib/hex.h) so that the message stays one clean line. */
	char shown[DSB_ESCAPE_SIZE(MEMBER_SHOWN_MAX)];
	size_t len = rec->member.len < MEMBER_SHOWN_MAX ? rec->member.len : MEMBER_SHOWN_MAX;
	dsb_escape(shown, sizeof shown, rec->member.s, len);
	struct dsb_loc loc = loc_of(jc, rec);
	dsb_findings_add(jc->f, jc->input, DSB_C009, &loc,
			 "unsafe member path \"%s%s\" in a data record; it is never opened or matched",
			 shown, rec->member.len > MEMBER_SHOWN_MAX ? "..." : "");
}

/* ---- one record ----------------------------------------------------------- */

static void judge(struct dsb_jcheck *jc, struct dsb_record *rec, uint64_t long_len)
{
	bool first = jc->records == 1;
	bool second_capture = !first && rec->kind == DSB_REC_CAPTURE;

	check_c003(jc, rec);
	check_c002(jc, rec, long_len, second_capture);
	if (rec->has_password) {
		struct dsb_loc loc = loc_of(jc, rec);
		dsb_findings_add(jc->f, jc->input, DSB_C011, &loc,
				 "a key named \"password\"; its value was discarded unread");
	}
	check_c013(jc, rec);

	if (first) {
		if (!check_c010(jc, rec)) {
			jc->bad_format = true;
			check_c012(jc, rec);
			return;
		}
		jc->started = rec->started;
		if (rec->ansi_cp.present)
			jc->ansi_cp = (uint32_t)rec->ansi_cp.v;
		return;
	}

	/* After the end record: one C004, no replay, no other rule but the
	 * four the format names (C002, C003, C011, C013, above). */
	if (jc->ended) {
		if (!jc->after_end_reported) {
			jc->after_end_reported = true;
			struct dsb_loc loc = loc_of(jc, rec);
			dsb_findings_add(jc->f, jc->input, DSB_C004, &loc,
					 "a record after the end record, at line %llu; records after the end are not replayed",
					 (unsigned long long)rec->line);
		}
		return;
	}

	check_c012(jc, rec);
	switch (rec->kind) {
	case DSB_REC_CALL:
		if (!rec->required_missing && !rec->unknown_fn)
			dsb_replay_call(jc->rp, rec);
		break;
	case DSB_REC_DATA:
		check_member(jc, rec);
		if (!rec->required_missing)
			dsb_replay_data(jc->rp, rec);
		break;
	case DSB_REC_END:
		/* An end record with a faulty required field still ends the
		 * journal; only its count goes unchecked (CF §8). */
		jc->ended = true;
		if (!rec->required_missing && rec->records.v != jc->records) {
			struct dsb_loc loc = loc_of(jc, rec);
			dsb_findings_add(jc->f, jc->input, DSB_C004, &loc,
					 "the end record counts %llu records, but the journal holds %llu up to it",
					 (unsigned long long)rec->records.v,
					 (unsigned long long)jc->records);
		}
		dsb_replay_end(jc->rp, rec);
		break;
	case DSB_REC_CAPTURE:   /* a second one: C002 above, ignored */
	case DSB_REC_UNKNOWN:   /* C012 above, skipped */
	case DSB_REC_NONE:      /* C002 above */
		break;
	}
}

static void on_line(void *ctx, uint64_t lineno, const char *line, size_t len, bool too_long)
{
	struct dsb_jcheck *jc = ctx;
	if (jc->bad_format || jc->oom)
		return;
	jc->last_line = lineno;
	if (!too_long && is_blank(line, len))
		return;
	jc->records++;
	struct dsb_record *rec = &jc->rec;
	uint64_t long_len = 0;
	if (too_long) {
		dsb_record_clear(rec);
		rec->line = lineno;
		rec->perr = DSB_PE_TOO_LONG;
		long_len = len;
		rec->has_password = dsb_jsplit_long_password(jc->split);
	} else if (!dsb_record_decode_with(jc->dec, line, len, lineno, jc->ansi_cp, rec)) {
		jc->oom = true;
		return;
	}
	judge(jc, rec, long_len);
	dsb_record_clear(rec);
}

/* ---- interface ------------------------------------------------------------ */

struct dsb_jcheck *dsb_jcheck_new(struct dsb_findings *f, int input,
				  const char *journal_member, struct dsb_replay *rp)
{
	struct dsb_jcheck *jc = calloc(1, sizeof(*jc));
	if (!jc)
		return NULL;
	jc->f = f;
	jc->input = input;
	jc->rp = rp;
	jc->expected_seq = 1;
	jc->ansi_cp = 1252;
	jc->member = strdup(journal_member ? journal_member : "journal.jsonl");
	jc->split = dsb_jsplit_new(on_line, jc);
	jc->dec = dsb_jdec_new();
	if (!jc->member || !jc->split || !jc->dec) {
		dsb_jcheck_free(jc);
		return NULL;
	}
	return jc;
}

void dsb_jcheck_free(struct dsb_jcheck *jc)
{
	if (!jc)
		return;
	dsb_record_clear(&jc->rec);
	dsb_jsplit_free(jc->split);
	dsb_jdec_free(jc->dec);
	free(jc->member);
	free(jc);
}

bool dsb_jcheck_feed(struct dsb_jcheck *jc, const void *buf, size_t len)
{
	/* After C010 the journal is not read further (CF §4). */
	if (jc->bad_format || jc->finished)
		return !jc->oom;
	if (!dsb_jsplit_feed(jc->split, buf, len))
		jc->oom = true;
	return !jc->oom;
}

void dsb_jcheck_finish(struct dsb_jcheck *jc, bool read_failed)
{
	if (jc->finished)
		return;
	jc->finished = true;
	/* A last line cut by a read error is not a line of the journal:
	 * nothing is concluded about the part not read (CF §1.2). */
	if (!read_failed && !jc->bad_format && !dsb_jsplit_finish(jc->split))
		jc->oom = true;
	if (jc->bad_format)
		return;
	if (jc->records == 0) {
		if (read_failed)
			return;
		/* No record at all: C010 without an anchor line (RC §3.6). */
		struct dsb_loc loc = DSB_LOC_INIT;
		loc.member = jc->member;
		dsb_findings_add(jc->f, jc->input, DSB_C010, &loc,
				 "not a dsbackup-capture version 1 journal: the journal holds no record");
		jc->bad_format = true;
		return;
	}
	if (jc->ended)
		return;
	if (!read_failed) {
		struct dsb_loc loc = DSB_LOC_INIT;
		loc.member = jc->member;
		loc.line = jc->last_line;
		dsb_findings_add(jc->f, jc->input, DSB_C004, &loc,
				 "the journal ends without an end record after %llu records (line %llu): it was cut short",
				 (unsigned long long)jc->records, (unsigned long long)jc->last_line);
	}
	dsb_replay_cut(jc->rp);
}

bool dsb_jcheck_bad_format(const struct dsb_jcheck *jc)
{
	return jc->bad_format;
}

uint64_t dsb_jcheck_records(const struct dsb_jcheck *jc)
{
	return jc->records;
}

int64_t dsb_jcheck_started(const struct dsb_jcheck *jc)
{
	return jc && jc->started.present ? jc->started.ticks : 0;
}
