/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The protocol replay (report-contract §3.3, §3.4, §4, §5.2, §5.3;
 * capture-format §6, §7).  docs/rules-protocol.md says how each rule is
 * judged, with examples.
 *
 * Each handle string maps to its latest session.  A session is a state
 * machine (enum hstate) whose state changes in one place, set_state(), and
 * only through handle_call() walking the table of replay_table.c, or when a
 * Prepare starts it and when it closes.  handle_call() runs the cell's
 * checks (replay_check.c) on the state the call was made in, then the
 * cell's effects and transitions.
 *
 * Findings anchored in the past (P006 on the first offending read of an
 * open, P014/P015/R008 on the Prepare, P019 on the returning call, C014 on
 * an OpenFile) are raised when what they judge is known: when the open
 * ends, when the session closes, at the end record.  C006 on a data record
 * is raised by dsb_replay_members(), so that both of its cases (counted
 * bytes, member bytes) go into one finding.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format/paths.h"
#define DSB_REPLAY_INTERNAL
#include "verify/protocol/replay_int.h"

/* ---- small helpers ------------------------------------------------------ */

void dsb_rp_fail_limit(struct dsb_replay *rp, const char *what)
{
	if (!rp->limit_hit) {
		rp->limit_hit = true;
		rp->limit_what = what;
	}
}

char *dsb_rp_strdup(struct dsb_replay *rp, const char *s, size_t len)
{
	if (len >= DSB_MAX_NAME_BYTES - rp->name_bytes) {
		dsb_rp_fail_limit(rp, "more bytes of names, handles and pointers than the replay keeps");
		return NULL;
	}
	char *c = malloc(len + 1);
	if (!c) {
		dsb_rp_fail_limit(rp, "out of memory");
		return NULL;
	}
	if (len)
		memcpy(c, s, len);
	c[len] = '\0';
	rp->name_bytes += len + 1;
	return c;
}

void dsb_rp_strfree(struct dsb_replay *rp, char *s, size_t len)
{
	if (!s)
		return;
	free(s);
	rp->name_bytes -= len + 1;
}

const char *dsb_rp_fn_name(enum dsb_fn fn, enum dsb_charset cs)
{
	return dsb_fn_recorded_name(fn, cs);
}

static const char *rec_fn(const struct dsb_record *rec)
{
	return rec->fn_text[0] ? rec->fn_text : dsb_rp_fn_name(rec->fn, rec->cs);
}

/* RC §3.7: a result name is quoted only when it is at most 64 letters,
 * digits and '_'; numbers are quoted as recorded. */
static bool quotable_result(const char *t)
{
	if (!*t)
		return false;
	for (const char *p = t; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || (c == '-' && p == t);
		if (!ok)
			return false;
	}
	return strlen(t) <= DSB_RESULT_TEXT_MAX;
}

void dsb_rp_result_text(char *out, size_t size, const struct dsb_result *r)
{
	char t[DSB_RESULT_TEXT_MAX + 16];
	if (quotable_result(r->text))
		snprintf(t, sizeof t, "%s", r->text);
	else if (r->unknown_name || !r->present)
		snprintf(t, sizeof t, "an unknown result");
	else
		snprintf(t, sizeof t, "0x%08" PRIx32, r->raw);
	const char *name = r->present && !r->unknown_name ? dsb_result_name(r->norm) : NULL;
	if (name && strcmp(name, t) != 0 && quotable_result(name))
		snprintf(out, size, "%s (%s)", t, name);
	else
		snprintf(out, size, "%s", t);
}

struct dsb_loc dsb_rp_rec_loc(const struct dsb_replay *rp, const struct dsb_record *rec,
			      const char *hbc, const char *file)
{
	struct dsb_loc l = DSB_LOC_INIT;
	l.member = rp->jmember;
	l.line = rec->line;
	l.seq = rec->seq.v;
	l.has_seq = rec->seq.present;
	l.hbc = hbc;
	l.fn = rec->kind == DSB_REC_CALL ? rec_fn(rec) : NULL;
	l.file = file;
	return l;
}

void dsb_rp_add(struct dsb_replay *rp, enum dsb_rule rule, const struct dsb_loc *loc,
		const char *fmt, ...)
{
	/* A journal can raise one rule millions of times: past the listing
	 * cap the message is not even formatted. */
	if (dsb_findings_count_if_unlisted(rp->f, rp->input, rule, loc))
		return;
	va_list ap;
	va_start(ap, fmt);
	dsb_findings_vadd(rp->f, rp->input, rule, loc, fmt, ap);
	va_end(ap);
}

bool dsb_rp_map_insert(struct dsb_replay *rp, struct dsb_hmap *m, uint64_t hash, uint32_t val)
{
	switch (dsb_hmap_insert(m, hash, val)) {
	case DSB_HMAP_OK:
		return true;
	case DSB_HMAP_LIMIT:
		dsb_rp_fail_limit(rp, "more entries in one lookup table than the replay keeps");
		return false;
	case DSB_HMAP_NOMEM:
		break;
	}
	dsb_rp_fail_limit(rp, "out of memory");
	return false;
}

void dsb_rp_why(struct why *w, const char *fmt, ...)
{
	/* Set up on the first reason, so that `struct why w = { .count = 0 }`
	 * need not be followed by an init call at every use. */
	if (w->count == 0)
		dsb_sb_init(&w->sb, w->buf, sizeof w->buf);
	else if (dsb_sb_room(&w->sb) >= 2)   /* the whole separator or none */
		dsb_sb_puts(&w->sb, "; ");
	w->count++;
	va_list ap;
	va_start(ap, fmt);
	dsb_sb_vprintf(&w->sb, fmt, ap);
	va_end(ap);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- sessions ------------------------------------------------------------ */

static uint64_t key_hash(const char *s, size_t len)
{
	return dsb_hash_str(s, len);
}

static bool hbc_eq(const void *ctx, uint32_t v, const void *key)
{
	const struct dsb_replay *rp = ctx;
	const struct rkey *k = key;
	/* hbc is NULL once exported */
	return rp->ses[v].hbc && rp->ses[v].hbc_len == k->len &&
	       memcmp(rp->ses[v].hbc, k->s, k->len) == 0;
}

/* The latest session that a handle string named, live or not. */
static uint32_t *session_slot(struct dsb_replay *rp, const char *s, size_t len)
{
	struct rkey k = { s, len };
	return dsb_hmap_find(&rp->hmap, key_hash(s, len), hbc_eq, rp, &k);
}

static bool is_live(enum hstate st)
{
	return st != HS_NONE && st != HS_ENDED;
}

/* THE only place where a handle's state changes. */
static void set_state(struct dsb_replay *rp, struct rsession *s, enum hstate to)
{
	bool was = s->kind == DSB_SESSION_BACKUP && is_live(s->state);
	s->state = to;
	bool now = s->kind == DSB_SESSION_BACKUP && is_live(to);
	if (was && !now)
		rp->live_backups--;
	else if (!was && now)
		rp->live_backups++;
}

struct ropen *dsb_rp_cur_open(struct dsb_replay *rp, uint32_t si)
{
	const struct rsession *s = &rp->ses[si];
	if (s->state != HS_B_OPEN || s->cur_open == RP_NONE)
		return NULL;
	return &rp->opens[s->cur_open];
}

/* ---- the handle's lists and opened names ----------------------------------- */

static bool path_eq(const void *ctx, uint32_t v, const void *key)
{
	const struct rsession *s = ctx;
	const struct rkey *k = key;
	return s->paths[v].len == k->len && memcmp(s->paths[v].s, k->s, k->len) == 0;
}

struct rpath *dsb_rp_path_find(struct dsb_replay *rp, struct rsession *s,
			       const char *name, size_t len)
{
	(void)rp;
	if (!name)
		return NULL;
	struct rkey k = { name, len };
	uint32_t *v = dsb_hmap_find(&s->pathmap, key_hash(name, len), path_eq, s, &k);
	return v ? &s->paths[*v] : NULL;
}

static uint32_t path_intern(struct dsb_replay *rp, struct rsession *s,
			    const char *name, size_t len)
{
	struct rkey k = { name, len };
	uint64_t h = key_hash(name, len);
	uint32_t *v = dsb_hmap_find(&s->pathmap, h, path_eq, s, &k);
	if (v)
		return *v;
	if (s->npaths >= DSB_MAX_LIST_PATHS) {
		dsb_rp_fail_limit(rp, "more distinct file names on one handle than the replay keeps");
		return RP_NONE;
	}
	if (s->npaths == s->cappaths) {
		uint32_t nc = s->cappaths ? s->cappaths * 2 : 16;
		struct rpath *n = realloc(s->paths, (size_t)nc * sizeof(*n));
		if (!n) {
			dsb_rp_fail_limit(rp, "out of memory");
			return RP_NONE;
		}
		s->paths = n;
		s->cappaths = nc;
	}
	char *c = dsb_rp_strdup(rp, name, len);
	if (!c)
		return RP_NONE;
	if (!dsb_rp_map_insert(rp, &s->pathmap, h, s->npaths)) {
		dsb_rp_strfree(rp, c, len);
		return RP_NONE;
	}
	s->paths[s->npaths] = (struct rpath){ .s = c, .len = len, .first_bft = -1 };
	return s->npaths++;
}

/* What a name with these flags adds to the "not read in full" counts. */
static void contrib(unsigned f, uint32_t *b, uint32_t *d, uint32_t *l)
{
	bool unread = !(f & PF_FULL);
	*b = unread && (f & PF_TO_BACKUP);
	*d = unread && (f & PF_TO_BACKUP) && (f & PF_DB);
	*l = unread && (f & PF_IN_LOGS);
}

/* Flags only ever get added; the counts follow them, so P011, P013 and
 * P014 cost O(1) however long the lists. */
static void path_set(struct rsession *s, struct rpath *p, unsigned add)
{
	uint32_t b0, d0, l0, b1, d1, l1;
	contrib(p->flags, &b0, &d0, &l0);
	p->flags |= add;
	contrib(p->flags, &b1, &d1, &l1);
	s->unread_backup += b1 - b0;
	s->unread_db += d1 - d0;
	s->unread_logs += l1 - l0;
}

/* The current open counts as read in full while its counted bytes equal
 * its file_size (RC §4.3 "some open of it ... counted bytes equal"). */
static struct rpath *open_full_now(struct dsb_replay *rp, struct rsession *s)
{
	if (s->state != HS_B_OPEN || s->cur_open == RP_NONE)
		return NULL;
	const struct ropen *o = &rp->opens[s->cur_open];
	if (o->path == RP_NONE || o->counted != o->file_size)
		return NULL;
	struct rpath *p = &s->paths[o->path];
	return (p->flags & PF_FULL) ? NULL : p;
}

void dsb_rp_unread(struct dsb_replay *rp, struct rsession *s,
		   uint32_t *backup, uint32_t *db, uint32_t *logs)
{
	*backup = s->unread_backup;
	*db = s->unread_db;
	*logs = s->unread_logs;
	struct rpath *p = open_full_now(rp, s);
	if (p) {
		uint32_t b, d, l;
		contrib(p->flags, &b, &d, &l);
		*backup -= b;
		*db -= d;
		*logs -= l;
	}
}

/* ---- opens and data-record binding -------------------------------------- */

struct bkey {
	const char *hbc, *name;
	size_t hbc_len, name_len;
};

static uint64_t bind_hash(const char *hbc, size_t hl, const char *name, size_t nl)
{
	uint64_t h = dsb_hash_bytes(DSB_HASH_SEED, hbc, hl);
	h = dsb_hash_bytes(h, "", 1);   /* separator: a NUL, which neither holds */
	return dsb_hash_mix(dsb_hash_bytes(h, name, nl));
}

static bool bind_eq(const void *ctx, uint32_t v, const void *key)
{
	const struct dsb_replay *rp = ctx;
	const struct bkey *k = key;
	const struct ropen *o = &rp->opens[rp->binds[v].rep];
	const struct rsession *s = &rp->ses[o->session];
	return s->hbc && o->name && s->hbc_len == k->hbc_len && o->name_len == k->name_len &&
	       memcmp(s->hbc, k->hbc, k->hbc_len) == 0 &&
	       memcmp(o->name, k->name, k->name_len) == 0;
}

/* An open has ended: it waits for its data record (CF §6). */
static void bind_push(struct dsb_replay *rp, uint32_t oi)
{
	struct ropen *o = &rp->opens[oi];
	const struct rsession *s = &rp->ses[o->session];
	struct bkey k = { s->hbc, o->name, s->hbc_len, o->name_len };
	uint64_t h = bind_hash(k.hbc, k.hbc_len, k.name, k.name_len);
	uint32_t *v = dsb_hmap_find(&rp->bindmap, h, bind_eq, rp, &k);
	uint32_t gi;
	if (v) {
		gi = *v;
	} else {
		if (rp->nbinds == rp->capbinds) {
			uint32_t nc = rp->capbinds ? rp->capbinds * 2 : 16;
			struct rbind *n = realloc(rp->binds, (size_t)nc * sizeof(*n));
			if (!n) {
				dsb_rp_fail_limit(rp, "out of memory");
				return;
			}
			rp->binds = n;
			rp->capbinds = nc;
		}
		gi = rp->nbinds;
		rp->binds[gi] = (struct rbind){ .rep = oi, .head = RP_NONE };
		if (!dsb_rp_map_insert(rp, &rp->bindmap, h, gi))
			return;
		rp->nbinds++;
	}
	o->next_unbound = rp->binds[gi].head;
	rp->binds[gi].head = oi;
}

/* The most recent ended open on this handle string with this exact name
 * and no data record yet, taken off its stack. */
static uint32_t bind_pop(struct dsb_replay *rp, const struct dsb_str *hbc,
			 const struct dsb_str *name)
{
	if (!hbc->s || !name->s)
		return RP_NONE;
	struct bkey k = { hbc->s, name->s, hbc->len, name->len };
	uint32_t *v = dsb_hmap_find(&rp->bindmap, bind_hash(k.hbc, k.hbc_len, k.name, k.name_len),
				    bind_eq, rp, &k);
	if (!v)
		return RP_NONE;
	struct rbind *g = &rp->binds[*v];
	uint32_t oi = g->head;
	if (oi != RP_NONE)
		g->head = rp->opens[oi].next_unbound;
	return oi;
}

/* P006 on the reads of one open: once, at its first offending read, when
 * nothing can be added to the count any more. */
static void flush_p006(struct dsb_replay *rp, struct ropen *o)
{
	if (o->p006_reads == 0 || o->p006_done)
		return;
	o->p006_done = true;
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = rp->jmember;
	loc.line = o->p006_line;
	loc.seq = o->p006_seq;
	loc.has_seq = o->p006_has_seq;
	loc.hbc = rp->ses[o->session].hbc;
	loc.fn = dsb_rp_fn_name(DSB_FN_BACKUP_READ, DSB_CS_GENERIC);
	loc.file = o->name;
	uint64_t v = o->p006_buf;
	const char *why = v % 8192 && v < 24576 ? "is not a multiple of 8192 and is under 24576"
			  : v % 8192 ? "is not a multiple of 8192" : "is under 24576";
	dsb_rp_add(rp, DSB_P006, &loc,
		   "DsBackupRead of %s with buffer_size %" PRIu64 ", which %s; %" PRIu32 " of the open's %" PRIu32 " read%s offended",
		   o->name, v, why, o->p006_reads, o->nreads, plural(o->nreads));
}

/* ---- effects -------------------------------------------------------------- */

static void ef_list(struct step *st, enum reffect which)
{
	struct dsb_replay *rp = st->rp;
	struct rsession *s = &rp->ses[st->si];
	const struct dsb_record *r = st->rec;
	if (which == EF_LIST_DBNAMES)
		s->got_dbnames = true;
	if (which == EF_LIST_LOGS) {
		s->got_logs = true;
		if (!s->logphase_line) {
			s->logphase_line = r->line;
			s->logphase_fn = r->fn;
			s->logphase_cs = r->cs;
		}
	}
	if (!r->list.present)
		return;
	for (size_t i = 0; i < r->list.n; i++) {
		const struct dsb_list_entry *e = &r->list.e[i];
		if (!e->path)
			continue;
		uint32_t pi = path_intern(rp, s, e->path, strlen(e->path));
		if (pi == RP_NONE)
			return;
		struct rpath *p = &s->paths[pi];
		bool dir = e->bft & 0x80;
		unsigned add = PF_LISTED;
		if (!dir)
			add |= PF_NONDIR;
		if (e->bft == 0x44)
			add |= PF_DB;
		if (!dir && which != EF_LIST_LOCATIONS)
			add |= PF_TO_BACKUP;
		if (!dir && which == EF_LIST_LOGS)
			add |= PF_IN_LOGS;
		if (!(p->flags & PF_LISTED))
			p->first_bft = e->bft;
		path_set(s, p, add);
	}
}

static void ef_open(struct step *st)
{
	struct dsb_replay *rp = st->rp;
	struct rsession *s = &rp->ses[st->si];
	const struct dsb_record *r = st->rec;
	if (!r->name.s)
		return;
	uint32_t pi = path_intern(rp, s, r->name.s, r->name.len);
	if (pi == RP_NONE)
		return;
	if (rp->nopens >= DSB_MAX_OPENS) {
		dsb_rp_fail_limit(rp, "more opens than the replay keeps");
		return;
	}
	if (rp->nopens == rp->capopens) {
		uint32_t nc = rp->capopens ? rp->capopens * 2 : 16;
		struct ropen *n = realloc(rp->opens, (size_t)nc * sizeof(*n));
		if (!n) {
			dsb_rp_fail_limit(rp, "out of memory");
			return;
		}
		rp->opens = n;
		rp->capopens = nc;
	}
	char *name = dsb_rp_strdup(rp, r->name.s, r->name.len);
	if (!name)
		return;
	rp->opens[rp->nopens] = (struct ropen){
		.name = name, .name_len = r->name.len, .session = st->si, .path = pi,
		.bft = s->paths[pi].flags & PF_LISTED ? s->paths[pi].first_bft : -1,
		.file_size = r->file_size.v, .line = r->line, .seq = r->seq.v,
		.has_seq = r->seq.present, .cs = r->cs, .data = RP_NONE,
		.next_unbound = RP_NONE,
	};
	s->cur_open = rp->nopens++;
}

/* The open ends: at Close or End whatever the result, or replaced by a
 * successful OpenFile (CF §6). */
static void ef_end_open(struct step *st)
{
	struct dsb_replay *rp = st->rp;
	struct rsession *s = &rp->ses[st->si];
	if (s->cur_open == RP_NONE)
		return;
	uint32_t oi = s->cur_open;
	struct ropen *o = &rp->opens[oi];
	o->ended = true;
	o->by_close = st->rec->fn == DSB_FN_BACKUP_CLOSE;
	flush_p006(rp, o);
	if (o->path != RP_NONE && o->counted == o->file_size)
		path_set(s, &s->paths[o->path], PF_FULL);
	s->cur_open = RP_NONE;
	bind_push(rp, oi);
}

static void ef_count_bytes(struct step *st)
{
	struct ropen *o = dsb_rp_cur_open(st->rp, st->si);
	if (o)
		o->counted = sat_add(o->counted, st->bytes);
}

/* R007 names the Register that was not completed. */
static void ef_registered(struct step *st)
{
	struct rsession *s = &st->rp->ses[st->si];
	s->reg_line = st->rec->line;
	s->reg_cs = st->rec->cs;
}

static void ef_truncated(struct step *st)
{
	struct rsession *s = &st->rp->ses[st->si];
	if (!s->truncate_line)
		s->truncate_line = st->rec->line;   /* the set judgement's (DSB-S012) */
	if (!s->logphase_line) {
		s->logphase_line = st->rec->line;
		s->logphase_fn = st->rec->fn;
		s->logphase_cs = st->rec->cs;
	}
}

/* ---- closing a session ------------------------------------------------------ */

enum close_how { CLOSE_BY_END, CLOSE_REPLACED, CLOSE_JOURNAL_END };

static struct dsb_loc prepare_loc(const struct dsb_replay *rp, const struct rsession *s)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = rp->jmember;
	loc.line = s->prep_line;
	loc.seq = s->prep_seq;
	loc.has_seq = s->prep_has_seq;
	loc.hbc = s->hbc;
	loc.fn = dsb_rp_fn_name(s->prep_fn, s->prep_cs);
	return loc;
}

/* P014, judged when the session closes (RC §4.6). */
static void judge_p014(struct dsb_replay *rp, struct rsession *s, const struct dsb_loc *loc)
{
	if (!s->got_logs) {
		dsb_rp_add(rp, DSB_P014, loc,
			   "backup session on handle %s has no log backup: no successful DsBackupGetBackupLogs",
			   s->hbc);
		return;
	}
	uint32_t b, d, l;
	dsb_rp_unread(rp, s, &b, &d, &l);
	if (!l)
		return;
	const struct rpath *now = open_full_now(rp, s);
	const char *first = "";
	for (uint32_t i = 0; i < s->npaths; i++) {
		const struct rpath *p = &s->paths[i];
		if ((p->flags & PF_IN_LOGS) && !(p->flags & PF_FULL) && p != now) {
			first = p->s;
			break;
		}
	}
	dsb_rp_add(rp, DSB_P014, loc,
		   "backup session on handle %s has no complete log backup: %" PRIu32 " file%s listed by DsBackupGetBackupLogs not read in full, the first %s",
		   s->hbc, l, plural(l), first);
}

static void session_close(struct dsb_replay *rp, uint32_t si, enum close_how how,
			  const struct dsb_record *rec)
{
	struct rsession *s = &rp->ses[si];
	if (!is_live(s->state))
		return;
	/* An open still open now is never ended (no C014, no binding), but
	 * its reads are all known. */
	if (s->cur_open != RP_NONE)
		flush_p006(rp, &rp->opens[s->cur_open]);

	struct dsb_loc at_end = dsb_rp_rec_loc(rp, rec, s->hbc, NULL);
	struct dsb_loc at_prep = prepare_loc(rp, s);
	char why[128];
	if (how == CLOSE_REPLACED)
		snprintf(why, sizeof why, "the %s at line %" PRIu64 " returned the same handle",
			 rec_fn(rec), rec->line);
	else
		snprintf(why, sizeof why, "the journal ends at line %" PRIu64, rec->line);

	if (s->kind == DSB_SESSION_BACKUP) {
		judge_p014(rp, s, how == CLOSE_BY_END ? &at_end : &at_prep);
		if (how != CLOSE_BY_END)
			dsb_rp_add(rp, DSB_P015, &at_prep,
				   "backup session on handle %s closes without DsBackupEnd: %s",
				   s->hbc, why);
	} else if (how != CLOSE_BY_END) {
		dsb_rp_add(rp, DSB_R008, &at_prep,
			   "restore session on handle %s closes without DsRestoreEnd: %s",
			   s->hbc, why);
	}
	if (how == CLOSE_BY_END)
		s->end_line = rec->line;
	s->cur_open = RP_NONE;
	for (uint32_t i = 0; i < s->npaths; i++)
		dsb_rp_strfree(rp, s->paths[i].s, s->paths[i].len);
	free(s->paths);
	s->paths = NULL;
	s->npaths = s->cappaths = 0;
	dsb_hmap_free(&s->pathmap);
	set_state(rp, s, HS_ENDED);
}

static void ef_end_session(struct step *st)
{
	session_close(st->rp, st->si, CLOSE_BY_END, st->rec);
}

static void run_effects(struct step *st, unsigned mask)
{
	for (int e = 0; e < EF_COUNT; e++) {
		if (!(mask & BIT(e)))
			continue;
		switch ((enum reffect)e) {
		case EF_LIST_DBNAMES:
		case EF_LIST_LOGS:
		case EF_LIST_LOCATIONS:
			ef_list(st, (enum reffect)e);
			break;
		case EF_COUNT_BYTES:
			ef_count_bytes(st);
			break;
		case EF_TRUNCATED:
			ef_truncated(st);
			break;
		case EF_REGISTERED:
			ef_registered(st);
			break;
		case EF_END_OPEN:
			ef_end_open(st);
			break;
		case EF_OPEN:
			ef_open(st);
			break;
		case EF_END_SESSION:
			ef_end_session(st);
			break;
		case EF_COUNT:
			break;
		}
	}
}

static uint32_t session_start(struct dsb_replay *rp, const struct dsb_record *rec,
			      enum dsb_session_kind kind)
{
	const struct dsb_str *h = &rec->out_hbc;
	if (!h->s)
		return RP_NONE;
	uint32_t *slot = session_slot(rp, h->s, h->len);
	if (slot && is_live(rp->ses[*slot].state))
		session_close(rp, *slot, CLOSE_REPLACED, rec);
	if (rp->nses >= DSB_MAX_HANDLES) {
		dsb_rp_fail_limit(rp, "more sessions than the replay keeps");
		return RP_NONE;
	}
	if (rp->nses == rp->capses) {
		uint32_t nc = rp->capses ? rp->capses * 2 : 8;
		struct rsession *n = realloc(rp->ses, (size_t)nc * sizeof(*n));
		if (!n) {
			dsb_rp_fail_limit(rp, "out of memory");
			return RP_NONE;
		}
		rp->ses = n;
		rp->capses = nc;
	}
	char *copy = dsb_rp_strdup(rp, h->s, h->len);
	if (!copy)
		return RP_NONE;
	uint32_t si = rp->nses;
	/* session_close() may not have run: look the slot up again after the
	 * realloc, the map only holds indexes. */
	slot = session_slot(rp, h->s, h->len);
	if (slot) {
		*slot = si;
	} else if (!dsb_rp_map_insert(rp, &rp->hmap, key_hash(h->s, h->len), si)) {
		dsb_rp_strfree(rp, copy, h->len);
		return RP_NONE;
	}
	rp->nses++;
	struct rsession *s = &rp->ses[si];
	*s = (struct rsession){
		.hbc = copy, .hbc_len = h->len, .kind = kind, .state = HS_NONE,
		.first_seq = rec->seq.v, .last_seq = rec->seq.v,
		.prep_line = rec->line, .prep_seq = rec->seq.v,
		.prep_has_seq = rec->seq.present, .prep_fn = rec->fn, .prep_cs = rec->cs,
		.cur_open = RP_NONE,
	};
	set_state(rp, s, kind == DSB_SESSION_BACKUP ? HS_B_READY : HS_R_READY);
	return si;
}

/* ---- the trace ------------------------------------------------------------- */

/* The last component of a Windows path, at most `max` bytes, cut on a
 * UTF-8 boundary. */
static int short_name(const char *name, int max, const char **start)
{
	const char *b = name;
	for (const char *p = name; *p; p++)
		if (*p == '\\' || *p == '/')
			b = p + 1;
	size_t n = strlen(b);
	if (n > (size_t)max) {
		n = (size_t)max;
		while (n > 0 && ((unsigned char)b[n] & 0xC0) == 0x80)
			n--;
	}
	*start = b;
	return (int)n;
}

static void describe(struct dsb_replay *rp, uint32_t si, char *out, size_t size)
{
	const struct rsession *s = &rp->ses[si];
	if (s->state == HS_B_OPEN && s->cur_open != RP_NONE) {
		const struct ropen *o = &rp->opens[s->cur_open];
		const char *b;
		int n = short_name(o->name, 160, &b);
		snprintf(out, size, "%s %.*s %" PRIu64 "/%" PRIu64,
			 dsb_rp_state_names[s->state], n, b, o->counted, o->file_size);
	} else if (s->state == HS_ENDED) {
		snprintf(out, size, "%s %s", s->kind == DSB_SESSION_BACKUP ? "backup:" : "restore:",
			 s->end_line ? "ended" : "closed without End");
	} else {
		snprintf(out, size, "%s", dsb_rp_state_names[s->state]);
	}
}

static void trace(struct dsb_replay *rp, const struct dsb_record *rec, uint32_t si,
		  const char *state)
{
	if (!rp->trace)
		return;
	char buf[256];
	if (!state) {
		describe(rp, si, buf, sizeof buf);
		state = buf;
	}
	rp->trace(rp->trace_ctx, rec, si == RP_NONE ? NULL : rp->ses[si].hbc, state);
}

/* ---- the transition function --------------------------------------------- */

/* P018: the latest-returning earlier call on the handle, and the latest
 * among the other threads, are all it takes to know whether any earlier
 * call from another thread returned after this one began. */
static void judge_p018(struct step *st)
{
	struct dsb_replay *rp = st->rp;
	struct rsession *s = &rp->ses[st->si];
	const struct dsb_record *r = st->rec;
	if (!r->tid.present)
		return;
	const struct rcallmark *m = NULL;
	if (s->mark[0].set && s->mark[0].tid != r->tid.v)
		m = &s->mark[0];
	else if (s->mark[1].set)
		m = &s->mark[1];
	if (m && r->t.present && m->t_end > r->t.ticks) {
		struct dsb_loc loc = dsb_rp_rec_loc(rp, r, s->hbc, NULL);
		dsb_rp_add(rp, DSB_P018, &loc,
			   "%s (thread %" PRIu64 ") on handle %s began before the call at line %" PRIu64 " (thread %" PRIu64 ") on the same handle returned",
			   rec_fn(r), r->tid.v, s->hbc, m->line, m->tid);
	}
	if (!r->t_end.present)
		return;   /* a call without t_end never overlaps a later one */
	struct rcallmark c = { true, r->t_end.ticks, r->tid.v, r->line };
	if (!s->mark[0].set) {
		s->mark[0] = c;
	} else if (c.tid == s->mark[0].tid) {
		if (c.t_end > s->mark[0].t_end)
			s->mark[0] = c;
	} else if (c.t_end > s->mark[0].t_end) {
		s->mark[1] = s->mark[0];
		s->mark[0] = c;
	} else if (!s->mark[1].set || c.t_end > s->mark[1].t_end) {
		s->mark[1] = c;
	}
}

/* P013 counts the first failed call of the session (RC §5.2 details). */
static void note_failure(struct step *st)
{
	struct rsession *s = &st->rp->ses[st->si];
	if (st->counts || s->failed)
		return;
	s->failed = true;
	s->fail_line = st->rec->line;
	s->fail_fn = st->rec->fn;
	s->fail_cs = st->rec->cs;
	dsb_rp_result_text(s->fail_hr, sizeof s->fail_hr, &st->rec->hr);
}

static void handle_call(struct dsb_replay *rp, const struct dsb_record *rec)
{
	const char *h = rec->hbc.s ? rec->hbc.s : "";
	size_t hl = rec->hbc.s ? rec->hbc.len : 0;
	uint32_t *slot = session_slot(rp, h, hl);
	struct step st = {
		.rp = rp, .rec = rec, .si = RP_NONE, .ended_si = RP_NONE, .state = HS_NONE,
	};
	if (slot && is_live(rp->ses[*slot].state)) {
		st.si = *slot;
		st.state = rp->ses[st.si].state;
	} else if (slot) {
		st.ended_si = *slot;
	}
	st.t = &dsb_rp_table[st.state][rec->fn];
	st.ok = dsb_result_ok(&rec->hr);
	st.counts = st.ok || (rec->fn == DSB_FN_BACKUP_READ && dsb_result_eof(&rec->hr));
	st.bytes = st.counts && rec->bytes_read.present ? rec->bytes_read.v : 0;

	for (int c = 0; c < CK_COUNT; c++)
		if (st.t->checks & BIT(c))
			dsb_rp_checks[c](&st);
	if (!st.t->isolated)
		judge_p018(&st);

	/* A returned buffer is tracked even on an isolated call (RC §4.1). */
	if (st.ok && dsb_fn_info(rec->fn)->returns_list)
		dsb_rp_buffer_returned(rp, rec, &rec->list_ptr, st.si, rec->hbc.s);

	if (!st.t->isolated) {
		note_failure(&st);
		if (st.counts) {
			run_effects(&st, st.t->on_ok);
			if (st.t->next_ok != HS_NONE)
				set_state(rp, &rp->ses[st.si], st.t->next_ok);
		}
		run_effects(&st, st.t->on_any);
		if (st.t->next_any != HS_NONE)
			set_state(rp, &rp->ses[st.si], st.t->next_any);
	}
	if (st.si != RP_NONE && rec->seq.present && rec->seq.v > rp->ses[st.si].last_seq)
		rp->ses[st.si].last_seq = rec->seq.v;

	if (st.si == RP_NONE)
		trace(rp, rec, RP_NONE, "handle not live");
	else if (st.raised_r009)
		trace(rp, rec, st.si, rp->ses[st.si].kind == DSB_SESSION_BACKUP
		      ? "backup: call not allowed on this handle"
		      : "restore: call not allowed on this handle");
	else
		trace(rp, rec, st.si, NULL);
}

/* ---- calls that take no handle --------------------------------------------- */

static void online_answer(struct dsb_replay *rp, const struct dsb_record *rec)
{
	if (dsb_result_ok(&rec->hr) && rec->has_online) {
		rp->has_online = true;
		rp->online = rec->online;
		rp->online_line = rec->line;
		trace(rp, rec, RP_NONE, rec->online ? "directory online" : "directory offline");
	} else {
		trace(rp, rec, RP_NONE, "no answer");
	}
}

static const char *backup_type_name(uint64_t v)
{
	switch (v) {
	case 1: return "FULL";
	case 2: return "LOGS_ONLY";
	case 4: return "INCREMENTAL";
	}
	return NULL;
}

static void judge_p016(struct dsb_replay *rp, const struct dsb_record *rec,
		       const struct dsb_loc *loc)
{
	const struct dsb_token *t = &rec->out_token;
	struct why w = { .count = 0 };
	if (t->state == DSB_ABSENT)
		dsb_rp_why(&w, "out.token is absent");
	else if (t->state == DSB_NULL)
		dsb_rp_why(&w, "out.token is null");
	else if (!t->valid)
		dsb_rp_why(&w, "out.token is empty or not valid base64");
	if (!rec->out_token_size.present)
		dsb_rp_why(&w, "out.token_size is absent");
	else if (t->state == DSB_PRESENT && t->valid && t->len != rec->out_token_size.v)
		dsb_rp_why(&w, "the token's decoded length %zu differs from out.token_size %" PRIu64,
			   t->len, rec->out_token_size.v);
	if (w.count)
		dsb_rp_add(rp, DSB_P016, loc,
			   "%s on handle %s returned an expiry token that was not captured whole: %s",
			   rec_fn(rec), loc->hbc, w.buf);
}

static void backup_prepare(struct dsb_replay *rp, const struct dsb_record *rec)
{
	bool ok = dsb_result_ok(&rec->hr);
	const char *hbc = ok && rec->out_hbc.s ? rec->out_hbc.s : NULL;
	struct dsb_loc loc = dsb_rp_rec_loc(rp, rec, hbc, NULL);
	const char *fn = rec_fn(rec);
	uint64_t bt = rec->backup_type.v, gr = rec->grbit.v;

	if (!rp->has_online)
		dsb_rp_add(rp, DSB_P002, &loc, "%s with no earlier successful DsIsNTDSOnline", fn);
	else if (!rp->online)
		dsb_rp_add(rp, DSB_P002, &loc,
			   "%s after DsIsNTDSOnline at line %" PRIu64 " answered false: a backup must run online",
			   fn, rp->online_line);

	struct why w = { .count = 0 };
	if (gr != 0)
		dsb_rp_why(&w, "grbit %" PRIu64 ", which must be 0", gr);
	if (bt != 1) {
		const char *n = backup_type_name(bt);
		if (n)
			dsb_rp_why(&w, "backup_type %" PRIu64 " (%s), which must be 1 (FULL)", bt, n);
		else
			dsb_rp_why(&w, "backup_type %" PRIu64 ", which must be 1 (FULL)", bt);
	}
	if (w.count)
		dsb_rp_add(rp, DSB_P003, &loc, "%s with %s", fn, w.buf);

	if (rp->live_backups > 0) {
		const struct rsession *o = rp->last_backup != RP_NONE ? &rp->ses[rp->last_backup] : NULL;
		if (o && is_live(o->state))
			dsb_rp_add(rp, DSB_P017, &loc,
				   "%s while the backup session on handle %s (prepared at line %" PRIu64 ") is live%s",
				   fn, o->hbc, o->prep_line,
				   rp->live_backups > 1 ? ", among others" : "");
		else
			dsb_rp_add(rp, DSB_P017, &loc, "%s while %" PRIu32 " backup session%s %s live",
				   fn, rp->live_backups, plural(rp->live_backups),
				   rp->live_backups == 1 ? "is" : "are");
	}

	if (ok && bt != 1) {
		char res[DSB_RESULT_TEXT_MAX + 72];
		dsb_rp_result_text(res, sizeof res, &rec->hr);
		dsb_rp_add(rp, DSB_P022, &loc, "%s recorded as %s with backup_type %" PRIu64 "; %s",
			   fn, res, bt,
			   bt == 4 ? "documented to fail with ERROR_INVALID_PARAMETER for INCREMENTAL"
			   : bt == 2 ? "LOGS_ONLY is documented as not supported"
			   : "only FULL backups are documented as supported");
	}

	uint32_t si = RP_NONE;
	if (ok && hbc) {
		judge_p016(rp, rec, &loc);
		const struct dsb_token *t = &rec->out_token;
		if (t->state == DSB_PRESENT && t->valid && t->len > 0 && t->bytes)
			dsb_rp_token_add(rp, t->bytes, t->len);
		si = session_start(rp, rec, DSB_SESSION_BACKUP);
		if (si != RP_NONE) {
			rp->ses[si].backup_type = (uint32_t)bt;
			rp->last_backup = si;
		}
		dsb_rp_buffer_returned(rp, rec, &rec->token_ptr, si, hbc);
	}
	if (si != RP_NONE)
		trace(rp, rec, si, "backup: prepared");
	else
		trace(rp, rec, RP_NONE, "no session: the Prepare failed");
}

static void restore_prepare(struct dsb_replay *rp, const struct dsb_record *rec)
{
	bool ok = dsb_result_ok(&rec->hr);
	const char *hbc = ok && rec->out_hbc.s ? rec->out_hbc.s : NULL;
	struct dsb_loc loc = dsb_rp_rec_loc(rp, rec, hbc, NULL);
	const char *fn = rec_fn(rec);

	if (!rp->has_online)
		dsb_rp_add(rp, DSB_R001, &loc, "%s with no earlier successful DsIsNTDSOnline", fn);
	else if (rp->online)
		dsb_rp_add(rp, DSB_R001, &loc,
			   "%s after DsIsNTDSOnline at line %" PRIu64 " answered true: a restore must run offline",
			   fn, rp->online_line);

	uint64_t rt = rec->restore_type.v;
	if (rt != 0 && rt != 4)
		dsb_rp_add(rp, DSB_R002, &loc,
			   "%s with restore_type %" PRIu64 ": only 0 and 4 (RESTORE_TYPE_CATCHUP) are supported",
			   fn, rt);

	/* RC §4.4: a token is a non-empty valid base64 in.token with a
	 * positive in.token_size. */
	const struct dsb_token *t = &rec->in_token;
	bool has_token = t->state == DSB_PRESENT && t->valid && t->len > 0 && t->bytes &&
			 rec->in_token_size.present && rec->in_token_size.v > 0;
	if (has_token) {
		struct why w = { .count = 0 };
		if (rp->ntokens > 0 && !dsb_rp_token_known(rp, t->bytes, t->len))
			dsb_rp_why(&w, "its %zu-byte token equals none of the %" PRIu32 " backup token%s earlier in the journal",
				   t->len, rp->ntokens, plural(rp->ntokens));
		if (t->len != rec->in_token_size.v)
			dsb_rp_why(&w, "the token's decoded length %zu differs from token_size %" PRIu64,
				   t->len, rec->in_token_size.v);
		if (w.count)
			dsb_rp_add(rp, DSB_R004, &loc, "%s: %s", fn, w.buf);
	}

	uint32_t si = RP_NONE;
	if (ok && hbc) {
		si = session_start(rp, rec, DSB_SESSION_RESTORE);
		if (si != RP_NONE) {
			rp->ses[si].restore_type = (uint32_t)rt;
			rp->ses[si].has_token = has_token;
		}
	}
	if (si != RP_NONE)
		trace(rp, rec, si, has_token ? "restore: prepared with a token"
					     : "restore: prepared without a token");
	else
		trace(rp, rec, RP_NONE, "no session: the Prepare failed");
}

static void backup_free(struct dsb_replay *rp, const struct dsb_record *rec)
{
	const char *what = "";
	uint32_t si = dsb_rp_buffer_free(rp, rec, &what);
	trace(rp, rec, si, what);
}

/* ---- the interface ---------------------------------------------------------- */

struct dsb_replay *dsb_replay_new(struct dsb_findings *f, int input,
				  const char *journal_member)
{
	struct dsb_replay *rp = calloc(1, sizeof(*rp));
	if (!rp)
		return NULL;
	rp->f = f;
	rp->input = input;
	rp->last_backup = RP_NONE;
	rp->freebuf = RP_NONE;
	if (journal_member) {
		rp->jmember = strdup(journal_member);
		if (!rp->jmember) {
			free(rp);
			return NULL;
		}
	}
	return rp;
}

void dsb_replay_free(struct dsb_replay *rp)
{
	if (!rp)
		return;
	for (uint32_t i = 0; i < rp->nses; i++) {
		struct rsession *s = &rp->ses[i];
		free(s->hbc);
		for (uint32_t k = 0; k < s->npaths; k++)
			free(s->paths[k].s);
		free(s->paths);
		dsb_hmap_free(&s->pathmap);
	}
	free(rp->ses);
	dsb_hmap_free(&rp->hmap);
	for (uint32_t i = 0; i < rp->nopens; i++)
		free(rp->opens[i].name);
	free(rp->opens);
	free(rp->binds);
	dsb_hmap_free(&rp->bindmap);
	for (uint32_t i = 0; i < rp->ndata; i++) {
		free(rp->data[i].hbc);
		free(rp->data[i].name);
		free(rp->data[i].member);
	}
	free(rp->data);
	dsb_rp_buffers_clear(rp);
	dsb_rp_tokens_clear(rp);
	free(rp->jmember);
	free(rp);
}

void dsb_replay_set_trace(struct dsb_replay *rp, dsb_trace_fn fn, void *ctx)
{
	rp->trace = fn;
	rp->trace_ctx = ctx;
}

void dsb_replay_call(struct dsb_replay *rp, const struct dsb_record *rec)
{
	if (rp->limit_hit || rp->ended || rp->was_cut)
		return;
	if ((unsigned)rec->fn >= DSB_FN_COUNT || rec->fn == DSB_FN_NONE)
		return;
	switch (rec->fn) {
	case DSB_FN_IS_NTDS_ONLINE:
		online_answer(rp, rec);
		return;
	case DSB_FN_BACKUP_PREPARE:
		backup_prepare(rp, rec);
		return;
	case DSB_FN_RESTORE_PREPARE:
		restore_prepare(rp, rec);
		return;
	case DSB_FN_BACKUP_FREE:
		backup_free(rp, rec);
		return;
	default:
		break;
	}
	if (dsb_fn_info(rec->fn)->scope == DSB_SCOPE_NONE)
		trace(rp, rec, RP_NONE, "no handle");
	else
		handle_call(rp, rec);
}

void dsb_replay_data(struct dsb_replay *rp, const struct dsb_record *rec)
{
	if (rp->limit_hit || rp->ended || rp->was_cut)
		return;
	if (!rec->hbc.s || !rec->name.s || !rec->member.s)
		return;
	if (rp->ndata >= DSB_MAX_DATA_RECORDS) {
		dsb_rp_fail_limit(rp, "more data records than the replay keeps");
		return;
	}
	if (rp->ndata == rp->capdata) {
		uint32_t nc = rp->capdata ? rp->capdata * 2 : 16;
		struct rdata *n = realloc(rp->data, (size_t)nc * sizeof(*n));
		if (!n) {
			dsb_rp_fail_limit(rp, "out of memory");
			return;
		}
		rp->data = n;
		rp->capdata = nc;
	}
	/* Data records own their strings: a C014 record binds to nothing. */
	char *hbc = dsb_rp_strdup(rp, rec->hbc.s, rec->hbc.len);
	char *name = hbc ? dsb_rp_strdup(rp, rec->name.s, rec->name.len) : NULL;
	char *member = name ? dsb_rp_strdup(rp, rec->member.s, rec->member.len) : NULL;
	if (!member) {
		dsb_rp_strfree(rp, hbc, rec->hbc.len);
		dsb_rp_strfree(rp, name, rec->name.len);
		return;
	}
	uint32_t di = rp->ndata++;
	struct rdata *d = &rp->data[di];
	*d = (struct rdata){
		.line = rec->line, .seq = rec->seq.v, .has_seq = rec->seq.present,
		.hbc = hbc, .name = name, .member = member, .member_len = rec->member.len,
		.unsafe = dsb_member_path_unsafe(rec->member.s, rec->member.len),
		.size = rec->size.v, .open = RP_NONE,
	};
	memcpy(d->sha256, rec->sha256, sizeof d->sha256);
	d->sha256[64] = '\0';

	uint32_t oi = bind_pop(rp, &rec->hbc, &rec->name);
	if (oi == RP_NONE) {
		struct dsb_loc loc = dsb_rp_rec_loc(rp, rec, hbc, name);
		dsb_rp_add(rp, DSB_C014, &loc,
			   "data record for %s on handle %s binds to no open: no ended open of that name on that handle is without a data record",
			   name, hbc);
		return;
	}
	struct ropen *o = &rp->opens[oi];
	d->open = oi;
	o->data = di;
	d->counted_differs = d->size != o->counted;
	struct rsession *s = &rp->ses[o->session];
	if (rec->seq.present && rec->seq.v > s->last_seq)
		s->last_seq = rec->seq.v;
}

void dsb_replay_end(struct dsb_replay *rp, const struct dsb_record *rec)
{
	static const struct dsb_record none = { .kind = DSB_REC_END };
	if (!rec)
		rec = &none;
	if (rp->ended || rp->was_cut)
		return;
	rp->ended = true;
	if (rp->limit_hit)
		return;   /* nothing is concluded about what was not replayed */
	for (uint32_t i = 0; i < rp->nses; i++)
		if (is_live(rp->ses[i].state))
			session_close(rp, i, CLOSE_JOURNAL_END, rec);
	for (uint32_t i = 0; i < rp->nopens; i++) {
		const struct ropen *o = &rp->opens[i];
		if (!o->ended || o->counted == 0 || o->data != RP_NONE)
			continue;
		const struct rsession *s = &rp->ses[o->session];
		struct dsb_loc loc = DSB_LOC_INIT;
		loc.member = rp->jmember;
		loc.line = o->line;
		loc.seq = o->seq;
		loc.has_seq = o->has_seq;
		loc.hbc = s->hbc;
		loc.fn = dsb_rp_fn_name(DSB_FN_BACKUP_OPEN_FILE, o->cs);
		loc.file = o->name;
		dsb_rp_add(rp, DSB_C014, &loc,
			   "the open of %s on handle %s counted %" PRIu64 " byte%s but has no data record: its bytes are not in the capture",
			   o->name, s->hbc, o->counted, plural(o->counted));
	}
	dsb_rp_buffers_end(rp);
}

void dsb_replay_cut(struct dsb_replay *rp)
{
	if (rp->ended || rp->was_cut)
		return;
	rp->was_cut = true;
	for (uint32_t i = 0; i < rp->nses; i++) {
		struct rsession *s = &rp->ses[i];
		if (!is_live(s->state))
			continue;
		s->cut = true;
		if (s->cur_open != RP_NONE)
			flush_p006(rp, &rp->opens[s->cur_open]);
	}
}

/* ---- data members ----------------------------------------------------------- */

static struct dsb_loc data_loc(const struct dsb_replay *rp, const struct rdata *d)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = rp->jmember;
	loc.line = d->line;
	loc.seq = d->seq;
	loc.has_seq = d->has_seq;
	loc.hbc = d->hbc;
	loc.file = d->name;
	return loc;
}

/* C006 for one data record, with every reason it has (RC §4.1). */
static void judge_c006(struct dsb_replay *rp, const struct rdata *d, bool member_case)
{
	struct why w = { .count = 0 };
	if (member_case)
		dsb_rp_why(&w, "data member %s holds %" PRIu64 " byte%s, its data record says %" PRIu64,
			   d->member, d->member_size, plural(d->member_size), d->size);
	if (d->counted_differs) {
		const struct ropen *o = &rp->opens[d->open];
		dsb_rp_why(&w, "the data record's size %" PRIu64 " differs from the %" PRIu64 " byte%s counted by the open of %s at line %" PRIu64,
			   d->size, o->counted, plural(o->counted), o->name, o->line);
	}
	if (!w.count)
		return;
	struct dsb_loc loc = data_loc(rp, d);
	dsb_rp_add(rp, DSB_C006, &loc, "%s", w.buf);
}

static void flush_counted_c006(struct dsb_replay *rp)
{
	if (rp->members_done)
		return;
	rp->members_done = true;
	for (uint32_t i = 0; i < rp->ndata; i++)
		judge_c006(rp, &rp->data[i], false);
}

void dsb_replay_members(struct dsb_replay *rp, dsb_member_lookup_fn lookup,
			void *ctx, bool archive_complete)
{
	if (rp->members_done)
		return;
	rp->members_done = true;
	for (uint32_t i = 0; i < rp->ndata; i++) {
		struct rdata *d = &rp->data[i];
		bool member_case = false;
		d->checked = true;
		/* An unsafe member is never matched (CF §1.4); C009 is the
		 * journal checks'. */
		if (!d->unsafe && lookup) {
			struct dsb_member_facts mf;
			memset(&mf, 0, sizeof mf);
			if (lookup(ctx, d->member, &mf)) {
				d->member_found = true;
				d->member_size = mf.size;
				memcpy(d->member_sha, mf.sha256, sizeof d->member_sha);
				d->member_sha[64] = '\0';
				member_case = mf.size != d->size;
			}
		}
		struct dsb_loc loc = data_loc(rp, d);
		if (!d->unsafe && !d->member_found && archive_complete)
			dsb_rp_add(rp, DSB_C005, &loc,
				   "data record names %s, which the archive does not hold as a regular file",
				   d->member);
		judge_c006(rp, d, member_case);
		if (d->member_found && strcasecmp(d->member_sha, d->sha256) != 0)
			dsb_rp_add(rp, DSB_C007, &loc,
				   "the SHA-256 of data member %s differs from its data record's",
				   d->member);
	}
}

void dsb_replay_named_members(struct dsb_replay *rp,
			      void (*fn)(void *ctx, const char *member_path),
			      void *ctx)
{
	for (uint32_t i = 0; i < rp->ndata; i++)
		if (!rp->data[i].unsafe)
			fn(ctx, rp->data[i].member);
}

static void binding_of(const struct dsb_replay *rp, const struct rdata *d,
		       struct dsb_member_binding *out)
{
	const struct ropen *o = d->open != RP_NONE ? &rp->opens[d->open] : NULL;
	out->line = d->line;
	out->bound = o != NULL;
	out->file = o && o->name ? o->name : d->name;
	out->bft = o ? o->bft : -1;
}

bool dsb_replay_member_binding(const struct dsb_replay *rp, const char *member_path,
			       struct dsb_member_binding *out)
{
	bool found = false;
	for (uint32_t i = 0; i < rp->ndata; i++) {
		const struct rdata *d = &rp->data[i];
		if (d->unsafe || strcmp(d->member, member_path) != 0)
			continue;
		if (!found || (!out->bound && d->open != RP_NONE))
			binding_of(rp, d, out);
		found = true;
		if (out->bound)
			break;
	}
	return found;
}

void dsb_replay_bindings(const struct dsb_replay *rp,
			 void (*fn)(void *ctx, const char *member_path,
				    const struct dsb_member_binding *b),
			 void *ctx)
{
	for (uint32_t i = 0; i < rp->ndata; i++) {
		const struct rdata *d = &rp->data[i];
		if (d->unsafe)
			continue;
		struct dsb_member_binding b;
		binding_of(rp, d, &b);
		fn(ctx, d->member, &b);
	}
}

/* ---- export --------------------------------------------------------------- */

struct sort_key {
	uint64_t first_seq;
	uint32_t idx;
};

static int by_first_seq(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;
	if (x->first_seq != y->first_seq)
		return x->first_seq < y->first_seq ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void fill_file(struct dsb_replay *rp, struct ropen *o, struct dsb_file_entry *fe)
{
	fe->name = o->name;          /* moved */
	o->name = NULL;
	fe->bft = o->bft;
	fe->file_size = o->file_size;
	fe->bytes_read = o->counted;
	if (o->data == RP_NONE)
		return;
	const struct rdata *d = &rp->data[o->data];
	if (!d->member_found)
		return;
	fe->member = strdup(d->member);
	fe->has_sha256 = true;
	memcpy(fe->sha256, d->member_sha, sizeof fe->sha256);
	fe->complete = o->counted == o->file_size && o->by_close &&
		       d->member_size == o->counted &&
		       strcasecmp(d->member_sha, d->sha256) == 0;
}

bool dsb_replay_export(struct dsb_replay *rp, struct dsb_report *rep)
{
	flush_counted_c006(rp);
	if (rp->nses == 0)
		return true;
	struct sort_key *order = malloc((size_t)rp->nses * sizeof(*order));
	size_t *nfiles = calloc(rp->nses, sizeof(*nfiles));
	struct dsb_file_entry **files = calloc(rp->nses, sizeof(*files));
	bool ok = order && nfiles && files;
	for (uint32_t i = 0; ok && i < rp->nopens; i++)
		nfiles[rp->opens[i].session]++;
	for (uint32_t i = 0; ok && i < rp->nses; i++) {
		order[i] = (struct sort_key){ rp->ses[i].first_seq, i };
		if (nfiles[i] && rp->ses[i].hbc) {
			files[i] = calloc(nfiles[i], sizeof(**files));
			ok = files[i] != NULL;
		}
		nfiles[i] = 0;
	}
	for (uint32_t i = 0; ok && i < rp->nopens; i++) {
		struct ropen *o = &rp->opens[i];
		if (files[o->session] && o->name)
			fill_file(rp, o, &files[o->session][nfiles[o->session]++]);
	}
	if (ok)
		qsort(order, rp->nses, sizeof(*order), by_first_seq);
	for (uint32_t k = 0; ok && k < rp->nses; k++) {
		uint32_t i = order[k].idx;
		struct rsession *s = &rp->ses[i];
		if (!s->hbc)
			continue;   /* exported already */
		struct dsb_session ds = {
			.input = rp->input, .hbc = s->hbc, .kind = s->kind,
			.first_seq = s->first_seq, .last_seq = s->last_seq,
			.cut = s->cut || (rp->limit_hit && is_live(s->state)),
			.backup_type = s->backup_type, .restore_type = s->restore_type,
			.has_token = s->has_token, .files = files[i], .nfiles = nfiles[i],
			.truncate_line = s->truncate_line,
		};
		if (!dsb_report_add_session(rep, &ds)) {
			ok = false;
			break;
		}
		/* The report owns them now; keep the map's key valid until free. */
		s->hbc = NULL;
		files[i] = NULL;
	}
	if (files && nfiles) {
		for (uint32_t i = 0; i < rp->nses; i++) {
			for (size_t k = 0; files[i] && k < nfiles[i]; k++) {
				free(files[i][k].name);
				free(files[i][k].member);
			}
			free(files[i]);
		}
	}
	free(order);
	free(nfiles);
	free(files);
	if (!ok)
		dsb_rp_fail_limit(rp, "out of memory");
	return ok;
}

bool dsb_replay_limit_hit(const struct dsb_replay *rp, const char **what)
{
	if (what)
		*what = rp->limit_hit ? rp->limit_what : NULL;
	return rp->limit_hit;
}
