/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One log, reserve log or checkpoint file streaming by (logs.h): the
 * header or both checkpoint copies are gathered, then the body goes one
 * segment at a time through the v8 walker (format/ese_logseg.c), taken
 * straight from the caller's block when it holds a whole segment and
 * carried in one segment's buffer when a block boundary splits one.
 * What is left is the file's fact record; findings are made at the end
 * (logs_judge.c).
 */
#define DSB_LOGS_INTERNAL
#include "verify/logs/logs_int.h"

#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"

/* ESE's segment-format logs: 8.4000.x (REF §3.2). */
#define LOG_V8_MAJOR 8u
#define LOG_V8_MINOR 4000u
/* The legacy format, 7.3704.x; 16 and 32 KiB pages from 7.3704.14
 * (FLGIsLVChunkSizeCompatible). */
#define LOG_V7_MAJOR 7u
#define LOG_V7_MINOR 3704u
#define LOG_V7_LARGE_PAGE_UPDATE 14u
#define LOG_V7_LARGE_PAGE 16384u

struct dsb_logs *dsb_logs_new(size_t files_max, bool by_folder)
{
	struct dsb_logs *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->files_max = files_max ? files_max : DSB_LOGS_FILES_MAX;
	l->by_folder = by_folder;
	dsb_log_extend_sector(l->pattern);
	return l;
}

static void fact_free(struct lfact *f)
{
	free(f->name);
	free(f->dir);
	free(f->attach);
	f->name = NULL;
	f->dir = NULL;
	f->attach = NULL;
}

void dsb_logs_free(struct dsb_logs *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->facts.n; i++)
		fact_free(&l->facts.v[i]);
	lfact_vec_free(&l->facts);
	fact_free(&l->cur);
	free(l);
}

uint64_t dsb_logs_limit_hit(const struct dsb_logs *l)
{
	return l->over;
}

bool dsb_logs_version_ok(const struct dsb_log_version *v, uint16_t cb_page)
{
	if (v->major == LOG_V8_MAJOR)
		return v->minor == LOG_V8_MINOR;
	if (v->major == LOG_V7_MAJOR && v->minor == LOG_V7_MINOR)
		return cb_page < LOG_V7_LARGE_PAGE || v->update_major >= LOG_V7_LARGE_PAGE_UPDATE;
	return false;
}

bool dsb_logs_kind_by_name(const char *name, enum dsb_logs_kind *out)
{
	struct dsb_log_name n;
	dsb_log_name_parse(name, strlen(name), &n);
	if (n.kind == DSB_LNAME_RESERVE)
		*out = DSB_LOGS_RESERVE;   /* edbres00001.jrs, res1.log */
	else if (!n.ext)
		return false;
	else if (strcmp(n.ext, ".log") == 0 || strcmp(n.ext, ".jtx") == 0)
		*out = DSB_LOGS_LOG;
	else if (strcmp(n.ext, ".chk") == 0 || strcmp(n.ext, ".jcp") == 0)
		*out = DSB_LOGS_CHECKPOINT;
	else
		return false;
	return true;
}

bool dsb_logs_kind_judged(const enum dsb_logs_kind *bytes, const char *name,
			  enum dsb_logs_kind *out)
{
	enum dsb_logs_kind by_name;
	bool named = name && dsb_logs_kind_by_name(name, &by_name);
	if (!bytes) {
		if (named)
			*out = by_name;
		return named;
	}
	*out = named && *bytes != DSB_LOGS_RESERVE && by_name != DSB_LOGS_RESERVE ? by_name
										: *bytes;
	return true;
}

bool dsb_logs_start(struct dsb_logs *l, enum dsb_logs_kind kind, const char *name, uint64_t tag)
{
	fact_free(&l->cur);
	memset(&l->cur, 0, sizeof(l->cur));
	l->active = false;
	if (l->facts.n >= l->files_max) {
		l->over++;
		return false;
	}
	const char *own = name ? dsb_base_name(name) : "";
	size_t dlen = l->by_folder && name ? (size_t)(own - name) : 0;
	l->cur.name = strdup(own);
	l->cur.dir = strndup(name ? name : "", dlen);
	if (!l->cur.name || !l->cur.dir)
		return false;
	dsb_log_name_parse(own, strlen(own), &l->cur.pname);
	l->cur.kind = kind;
	l->cur.tag = tag;
	l->cur.entry = -1;
	l->cur.chk_used = -1;
	l->head_len = 0;
	l->seg_len = 0;
	l->walking = false;
	l->walking7 = false;
	l->active = true;
	return true;
}

/* A log's view of its first 4096 bytes: the header's facts into f->h,
 * and the flags of what is wrong with it (LF_NO_HEADER, LF_FILETYPE,
 * LF_VERSION, LF_CB_SEC).  *hp: the decoded header. */
static unsigned log_view(struct lfact *f, const uint8_t *head, size_t len,
			 struct dsb_log_header *hp)
{
	struct dsb_log_header h;
	if (!dsb_log_header_decode(head, len, &h) || h.checksum != h.checksum_computed)
		return LF_NO_HEADER;
	struct dsb_log_header_facts *o = &f->h;
	o->generation = h.generation;
	o->cb_sec = h.cb_sec;
	o->csec_lgfile = h.csec_lgfile;
	o->cb_page = h.cb_page;
	o->filetype = h.filetype;
	o->tm_create = h.tm_create;
	o->tm_prev_gen = h.tm_prev_gen;
	o->version = h.version;
	o->sign_log = h.sign_log;
	o->checksum_prev = h.checksum_prev;
	unsigned flags = 0;
	if (h.filetype != 0 && h.filetype != DSB_ESE_FILETYPE_LOG)
		flags |= LF_FILETYPE;
	if (!dsb_logs_version_ok(&h.version, h.cb_page))
		flags |= LF_VERSION;
	if (h.version.major == LOG_V8_MAJOR && h.cb_sec != DSB_LOG_SEG_SIZE)
		flags |= LF_CB_SEC;
	if (hp)
		*hp = h;
	return flags;
}

/* The size a verified header names, against the file's (LF_SIZE). */
static unsigned log_size_view(const struct lfact *f, unsigned flags, bool complete)
{
	return complete && !(flags & LF_NO_HEADER) &&
	       f->size != (uint64_t)f->h.csec_lgfile * f->h.cb_sec ? LF_SIZE : 0;
}

/* The header is in: decode it, decide whether the body is walked.  The
 * one place where the body format is chosen: by the header's major
 * version. */
static void log_header(struct dsb_logs *l)
{
	struct lfact *f = &l->cur;
	struct dsb_log_header h;
	f->flags |= log_view(f, l->head, l->head_len < DSB_LOG_HDR_SIZE ? l->head_len
					 : DSB_LOG_HDR_SIZE, &h);
	if (f->flags & (LF_NO_HEADER | LF_FILETYPE | LF_VERSION | LF_CB_SEC))
		return;
	dsb_logs_attach_start(l);
	switch (h.version.major) {
	case LOG_V8_MAJOR:
		dsb_log_walk_init_header(&l->walk, &h);
		l->walking = true;
		f->unit = DSB_LOG_SEG_SIZE;
		f->flags |= LF_WALKED;
		break;
	case LOG_V7_MAJOR:
		/* The legacy LRCHECKSUM chain; its ranges are checked against
		 * csecLGFile x cbSec (a file of another size is L005 anyway). */
		dsb_lv7_walk_init_header(&l->walk7, &h, 0);
		l->walking7 = true;
		f->unit = h.cb_sec;
		f->v7 = true;
		f->flags |= LF_WALKED;
		break;
	default:
		break;
	}
}

static void tally(struct seg_tally *t, const struct dsb_log_seg *s)
{
	if (t->n++ == 0)
		t->first = *s;
}

static void take_batch(struct lfact *f, const struct dsb_log_seg_batch *b)
{
	for (unsigned i = 0; i < b->n; i++) {
		const struct dsb_log_seg *s = &b->seg[i];
		if (s->cls != DSB_SEG_DATA && s->cls != DSB_SEG_DATA_CORRECTED)
			dsb_logs_attach_drop(f, s->isec);
		if (s->corrected)
			tally(&f->corrected, s);
		switch (s->cls) {
		case DSB_SEG_TORN:
			tally(&f->torn, s);
			break;
		case DSB_SEG_CORRUPT:
			tally(&f->corrupt, s);
			break;
		case DSB_SEG_BAD_LGPOS:
		case DSB_SEG_VALID_AFTER_EMPTY:
		case DSB_SEG_CORRUPT_AFTER_EMPTY:
			tally(&f->after_empty, s);
			break;
		case DSB_SEG_DATA:
		case DSB_SEG_DATA_CORRECTED:
		case DSB_SEG_STALE:
		case DSB_SEG_SHADOW:
		case DSB_SEG_EMPTY:
		case DSB_SEG_LAST_UNREAD:
		case DSB_SEG_CLASS_COUNT:
			break;
		}
	}
}

static void walk_seg(struct dsb_logs *l, const uint8_t *seg, size_t len)
{
	struct dsb_log_seg_batch b;
	dsb_logs_attach_segment(l, seg, len);
	dsb_log_walk_feed(&l->walk, seg, len, &b);
	take_batch(&l->cur, &b);
}

/* Body bytes of a walked log: whole segments from the block, a split
 * one through l->seg. */
static void body(struct dsb_logs *l, const uint8_t *p, size_t n)
{
	if (l->seg_len) {
		size_t take = DSB_LOG_SEG_SIZE - l->seg_len < n ? DSB_LOG_SEG_SIZE - l->seg_len : n;
		memcpy(l->seg + l->seg_len, p, take);
		l->seg_len += take;
		p += take;
		n -= take;
		if (l->seg_len < DSB_LOG_SEG_SIZE)
			return;
		walk_seg(l, l->seg, DSB_LOG_SEG_SIZE);
		l->seg_len = 0;
	}
	while (n >= DSB_LOG_SEG_SIZE) {
		walk_seg(l, p, DSB_LOG_SEG_SIZE);
		p += DSB_LOG_SEG_SIZE;
		n -= DSB_LOG_SEG_SIZE;
	}
	memcpy(l->seg, p, n);
	l->seg_len = n;
}

void dsb_logs_data(struct dsb_logs *l, const void *buf, size_t len)
{
	if (!l->active)
		return;
	struct lfact *f = &l->cur;
	const uint8_t *p = buf;
	uint64_t off = f->size;
	f->size += len;
	if (f->kind == DSB_LOGS_RESERVE || f->dormant) {
		if (!(f->flags & LF_RESERVE_BYTES) && !dsb_log_extend_match(p, len, off))
			f->flags |= LF_RESERVE_BYTES;
		for (size_t i = 0; i < len && !(f->flags & LF_RESERVE_NONZERO); i++)
			if (p[i])
				f->flags |= LF_RESERVE_NONZERO;
		if (f->kind == DSB_LOGS_RESERVE)
			return;
	}
	/* Both checkpoint copies' worth of first bytes, whatever the kind:
	 * a log's header, and the other view (dsb_logs_judge_as). */
	if (l->head_len < DSB_CHK_FILE_SIZE) {
		size_t before = l->head_len;
		size_t take = DSB_CHK_FILE_SIZE - before < len ? DSB_CHK_FILE_SIZE - before : len;
		memcpy(l->head + before, p, take);
		l->head_len += take;
		/* a log's body starts after its header: the rest of the
		 * copied bytes are walked too */
		size_t used = f->kind == DSB_LOGS_CHECKPOINT || f->dormant ? take
			: before >= DSB_LOG_HDR_SIZE ? 0
			: DSB_LOG_HDR_SIZE - before < take ? DSB_LOG_HDR_SIZE - before : take;
		p += used;
		len -= used;
		if (f->kind == DSB_LOGS_LOG && !f->dormant && before < DSB_LOG_HDR_SIZE &&
		    l->head_len >= DSB_LOG_HDR_SIZE)
			log_header(l);
	}
	if (f->dormant)
		return;
	if (l->walking && len)
		body(l, p, len);
	if (l->walking7 && len) {
		dsb_lv7_walk_feed(&l->walk7, p, len);
		dsb_logs_attach_v7(l, p, len);
	}
}

/* A v7 walk's outcome as the tallies a v8 walk leaves: a torn write
 * (repairable from its shadow, or followed by pattern only) or a corrupt
 * chain, at the record or sector where it broke (REF §3.5, §3.11: v7 has
 * the same verdicts as v8). */
static void v7_end(struct dsb_logs *l, bool complete)
{
	struct lfact *f = &l->cur;
	dsb_lv7_walk_finish(&l->walk7, !complete);
	const struct dsb_lv7_summary *sum = &l->walk7.sum;
	f->counts = sum->counts;
	f->body_clean = sum->clean;
	l->walking7 = false;
	dsb_logs_attach_v7_end(f, sum->have_last ? sum->data_end : 0);
	if (!sum->have_problem)
		return;
	struct dsb_log_seg s;
	memset(&s, 0, sizeof(s));
	s.isec = (uint32_t)sum->first_problem.isec;
	s.lgpos.generation = f->h.generation;
	s.lgpos.isec = (uint16_t)sum->first_problem.isec;
	s.lgpos.ib = (uint16_t)sum->first_problem.ib;
	if (sum->end == DSB_LV7_END_TORN_SHADOW || sum->end == DSB_LV7_END_TORN) {
		s.cls = DSB_SEG_TORN;
		tally(&f->torn, &s);
	} else if (sum->end == DSB_LV7_END_CORRUPT ||
		   sum->first_problem.kind == DSB_LV7_PROB_TRAILING) {
		s.cls = DSB_SEG_CORRUPT;
		tally(&f->corrupt, &s);
	}
}

/* A checkpoint's view of the first bytes: its copies into chk_*, and
 * LF_FILETYPE when the copy ESE reads is another file type. */
static unsigned checkpoint_view(struct lfact *f, const uint8_t *head, size_t len)
{
	struct dsb_chk_file c;
	dsb_chk_file_decode(head, len, &c);
	f->chk_good[0] = c.good[0];
	f->chk_good[1] = c.good[1];
	f->chk_equal = c.copies_equal;
	f->chk_used = c.used;
	f->chk_pos[0] = c.copy[0].lgpos_checkpoint;
	f->chk_pos[1] = c.copy[1].lgpos_checkpoint;
	if (c.used < 0)
		return 0;
	f->chk_sign = c.copy[c.used].sign_log;
	f->chk_filetype = c.copy[c.used].filetype;
	return f->chk_filetype != 0 && f->chk_filetype != DSB_ESE_FILETYPE_CHECKPOINT ? LF_FILETYPE
										   : 0;
}

long dsb_logs_end(struct dsb_logs *l, bool complete)
{
	if (!l->active)
		return -1;
	l->active = false;
	struct lfact *f = &l->cur;
	if (!complete)
		f->flags |= LF_CUT;
	size_t hlen = l->head_len < DSB_LOG_HDR_SIZE ? l->head_len : DSB_LOG_HDR_SIZE;
	switch (f->kind) {
	case DSB_LOGS_CHECKPOINT: {
		f->flags |= checkpoint_view(f, l->head, l->head_len);
		unsigned lv = log_view(f, l->head, hlen, NULL);
		f->other_flags = lv | log_size_view(f, lv, complete);
		break;
	}
	case DSB_LOGS_LOG:
		if (f->dormant) {
			/* never walked: the header's facts only */
			unsigned lv = log_view(f, l->head, hlen, NULL);
			f->flags |= lv | log_size_view(f, lv, complete);
			f->other_flags = checkpoint_view(f, l->head, l->head_len);
			break;
		}
		if (l->head_len < DSB_LOG_HDR_SIZE)
			log_header(l);   /* too short for a header: LF_NO_HEADER */
		if (l->walking) {
			struct dsb_log_seg_batch b;
			if (l->seg_len) {
				walk_seg(l, l->seg, l->seg_len);
				l->seg_len = 0;
			}
			dsb_log_walk_finish(&l->walk, !complete, &b);
			take_batch(f, &b);
			f->counts = l->walk.counts;
			f->chain_xor = l->walk.chain_xor;
			f->body_clean = l->walk.clean;
		}
		if (l->walking7)
			v7_end(l, complete);
		f->flags |= log_size_view(f, f->flags, complete);
		f->other_flags = checkpoint_view(f, l->head, l->head_len);
		break;
	case DSB_LOGS_RESERVE:
		break;
	}
	if (lfact_vec_push(&l->facts, *f, l->files_max) != DSB_VEC_OK)
		return -1;
	f->name = NULL;   /* the kept fact owns them */
	f->dir = NULL;
	f->attach = NULL;
	return (long)(l->facts.n - 1);
}

bool dsb_logs_start_dormant(struct dsb_logs *l, const char *name, uint64_t tag)
{
	if (!dsb_logs_start(l, DSB_LOGS_LOG, name, tag))
		return false;
	l->cur.dormant = true;
	return true;
}

/* What a plain fact keeps besides its size (dsb_logs_forget_plain):
 * the reserve view's bits, and whether its two would-be checkpoint
 * copies are equal (zeros: the checkpoints[] entry says so). */
#define LF_PLAIN_KEPT (LF_RESERVE_BYTES | LF_RESERVE_NONZERO)
#define KEPT_CHK_EQUAL (1u << 15)
_Static_assert((LF_PLAIN_KEPT | KEPT_CHK_EQUAL) <= UINT16_MAX && !(LF_PLAIN_KEPT & KEPT_CHK_EQUAL),
	       "the kept bits fit a uint16_t, apart");

bool dsb_logs_forget_plain(struct dsb_logs *l, size_t i, uint16_t *kept)
{
	struct lfact *f = &l->facts.v[i];
	if (i + 1 != l->facts.n || !f->dormant ||
	    (f->flags & ~(LF_CUT | LF_PLAIN_KEPT)) != LF_NO_HEADER || f->other_flags ||
	    f->chk_used >= 0 || f->chk_good[0] || f->chk_good[1])
		return false;
	*kept = (uint16_t)((f->flags & LF_PLAIN_KEPT) | (f->chk_equal ? KEPT_CHK_EQUAL : 0));
	fact_free(f);
	l->facts.n--;
	return true;
}

long dsb_logs_plain(struct dsb_logs *l, const char *name, uint64_t tag, uint64_t size,
		    bool complete, uint16_t kept)
{
	if (!dsb_logs_start_dormant(l, name, tag))
		return -1;
	/* no first bytes: no header, no checkpoint copy (dsb_logs_end) */
	l->cur.size = size;
	l->cur.flags = kept & LF_PLAIN_KEPT;
	long ix = dsb_logs_end(l, complete);
	if (ix >= 0)
		l->facts.v[ix].chk_equal = (kept & KEPT_CHK_EQUAL) != 0;
	return ix;
}

bool dsb_logs_judge_as(struct dsb_logs *l, size_t i, enum dsb_logs_kind kind)
{
	struct lfact *f = &l->facts.v[i];
	bool dormant = f->dormant;
	f->dormant = false;
	if (kind == f->kind)
		return true;
	if (kind == DSB_LOGS_RESERVE) {
		if (!dormant) {
			f->dormant = dormant;
			return false;   /* its bytes are a log or checkpoint: judged as one */
		}
		f->flags &= LF_SHARED;
		f->kind = DSB_LOGS_RESERVE;
		return true;
	}
	if (f->kind == DSB_LOGS_RESERVE)
		return false;   /* the pattern, or a reserve name: stays a reserve log */
	unsigned mine = f->flags & ~LF_SHARED;
	f->flags = (f->flags & LF_SHARED) | f->other_flags;
	f->other_flags = mine;
	f->kind = kind;
	return true;
}

/* The entry's name: none for standard input, which has no name of its own. */
static bool own_name(const struct lfact *f, char **out)
{
	*out = f->name[0] ? strdup(f->name) : NULL;
	return *out || !f->name[0];
}

bool dsb_logs_is_checkpoint(const struct dsb_logs *l, size_t i)
{
	return l->facts.v[i].kind == DSB_LOGS_CHECKPOINT;
}

bool dsb_logs_rename(struct dsb_logs *l, size_t i, const char *name)
{
	struct lfact *f = &l->facts.v[i];
	const char *own = dsb_base_name(name);
	char *n = strdup(own);
	if (!n)
		return false;
	free(f->name);
	f->name = n;
	dsb_log_name_parse(own, strlen(own), &f->pname);
	return true;
}

void dsb_logs_set_entry(struct dsb_logs *l, size_t i, long entry)
{
	l->facts.v[i].entry = entry;
}

bool dsb_logs_fill_log(const struct dsb_logs *l, size_t i, int input, struct dsb_log_entry *e)
{
	const struct lfact *f = &l->facts.v[i];
	memset(e, 0, sizeof(*e));
	e->input = input;
	e->size = f->size;
	e->kind = f->kind == DSB_LOGS_RESERVE ? DSB_LOG_RESERVE : DSB_LOG_LOG;
	e->header_ok = f->kind == DSB_LOGS_LOG && !(f->flags & LF_NO_HEADER);
	if (e->header_ok) {
		e->generation = (uint32_t)f->h.generation;
		e->version[0] = f->h.version.major;
		e->version[1] = f->h.version.minor;
		e->version[2] = f->h.version.update_major;
		e->version[3] = f->h.version.update_minor;
		e->sector_size = f->h.cb_sec;
		e->page_size = f->h.cb_page;
		e->sign_log = f->h.sign_log;
		e->created = f->h.tm_create;
		e->prev_created = f->h.tm_prev_gen;
	}
	e->has_segments = (f->flags & LF_WALKED) != 0;
	if (e->has_segments) {
		e->segments.valid = f->counts.valid;
		e->segments.empty = f->counts.empty;
		e->segments.bad = f->counts.bad;
		e->segments.corrected = f->counts.corrected;
		e->segments.shadow = f->counts.shadow;
	}
	if (!dsb_logs_attach_copy(f, &e->attach, &e->nattach))
		return false;
	if (own_name(f, &e->name))
		return true;
	free(e->attach);
	e->attach = NULL;
	e->nattach = 0;
	return false;
}

bool dsb_logs_fill_checkpoint(const struct dsb_logs *l, size_t i, int input,
			      struct dsb_checkpoint_entry *e)
{
	const struct lfact *f = &l->facts.v[i];
	memset(e, 0, sizeof(*e));
	e->input = input;
	e->size = f->size;
	e->copy_ok[0] = f->chk_good[0];
	e->copy_ok[1] = f->chk_good[1];
	e->copies_equal = f->chk_equal;
	if (f->chk_used >= 0) {
		e->sign_log = f->chk_sign;
		e->checkpoint = f->chk_pos[f->chk_used];
	}
	return own_name(f, &e->name);
}

bool dsb_logs_report_entry(struct dsb_logs *l, size_t i, struct dsb_report *rep, int input,
			   char *member, char *file)
{
	bool filled, added;
	if (dsb_logs_is_checkpoint(l, i)) {
		struct dsb_checkpoint_entry ck;
		filled = dsb_logs_fill_checkpoint(l, i, input, &ck);
		ck.member = member;
		ck.file = file;
		added = dsb_report_add_checkpoint(rep, &ck);
		dsb_logs_set_entry(l, i, added ? (long)rep->ncheckpoints - 1 : -1);
	} else {
		struct dsb_log_entry lg;
		filled = dsb_logs_fill_log(l, i, input, &lg);
		lg.member = member;
		lg.file = file;
		added = dsb_report_add_log(rep, &lg);
		dsb_logs_set_entry(l, i, added ? (long)rep->nlogs - 1 : -1);
	}
	return filled && added;
}
