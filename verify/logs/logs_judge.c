/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DSB-L findings, made at the end from the fact records (logs.h):
 * each file's own (L001-L013, L030-L032), then the continuity of the
 * logs of each group (same base name and extension, RC §3.9) and stream
 * (signLog): L020-L026, and each checkpoint against the logs of its
 * group (L033, L034).  Verdicts and severities are REF §3.11's.
 */
#define DSB_LOGS_INTERNAL
#include "verify/logs/logs_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hex.h"

/* A file's name in a message: escaped, cut. */
#define NAME_SHOWN_MAX 96
#define NAME_SHOWN_SIZE DSB_ESCAPE_CUT_SIZE(NAME_SHOWN_MAX)
/* Missing generations a gap's message names one by one. */
#define GAP_NAMED_MAX 4
/* checksumPrevLogAllSegments is compared, a stored 0 included, from
 * 8.4000.x.13 on (REF §3.4). */
#define CHAIN_CHECKED_FROM_UPDATE_MINOR 13u

struct judge {
	struct dsb_logs *l;
	struct dsb_findings *f;
	struct dsb_report *rep;
	dsb_logs_where_fn where;
	void *ctx;
};

/* What a finding says of the log it is anchored at, read by the set's
 * judgement: by default an error makes that log unusable; a gap (L020) is
 * anchored at the log after it, which is intact; a torn write in edb.log
 * (L009) is one its own shadow repairs. */
enum mark { MARK_BY_SEVERITY, MARK_NONE, MARK_TORN_REPAIRABLE };
static const enum mark marks[DSB_RULE_COUNT] = {
	[DSB_L020] = MARK_NONE,
	[DSB_L009] = MARK_TORN_REPAIRABLE,
};

static void add(struct judge *j, struct lfact *x, enum dsb_rule r, int64_t gen, int64_t off,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add(struct judge *j, struct lfact *x, enum dsb_rule r, int64_t gen, int64_t off,
		const char *fmt, ...)
{
	int input = 0;
	struct dsb_loc loc = DSB_LOC_INIT;
	j->where(j->ctx, x->tag, &input, &loc);
	loc.generation = gen;
	loc.offset = off;
	va_list ap;
	va_start(ap, fmt);
	dsb_findings_vadd(j->f, input, r, &loc, fmt, ap);
	va_end(ap);
	if (x->entry < 0 || x->kind == DSB_LOGS_CHECKPOINT || (size_t)x->entry >= j->rep->nlogs)
		return;
	struct dsb_log_entry *e = &j->rep->logs[x->entry];
	switch (marks[r]) {
	case MARK_BY_SEVERITY:
		if (dsb_rule_info(r)->severity == DSB_SEV_ERROR)
			e->errors = true;
		break;
	case MARK_TORN_REPAIRABLE:
		e->torn_repairable = true;
		break;
	case MARK_NONE:
		break;
	}
}

static const char *shown(char out[NAME_SHOWN_SIZE], const struct lfact *x)
{
	if (x->chk_elsewhere && x->dir && *x->dir) {
		/* its folder and name: the logs it is judged with lie elsewhere */
		char path[2 * NAME_SHOWN_MAX];
		snprintf(path, sizeof path, "%s%s", x->dir, x->name);
		return dsb_escape_cut(out, NAME_SHOWN_MAX, path, strlen(path));
	}
	return dsb_escape_cut(out, NAME_SHOWN_MAX, x->name, strlen(x->name));
}

/* "edb0002A.log (generation 42)" or "edb.log". */
static const char *called(char *out, size_t n, const struct lfact *x)
{
	char name[NAME_SHOWN_SIZE];
	if (x->kind == DSB_LOGS_LOG && !(x->flags & LF_NO_HEADER))
		snprintf(out, n, "%s (generation %d)", shown(name, x), x->h.generation);
	else
		snprintf(out, n, "%s", shown(name, x));
	return out;
}
#define CALLED_SIZE (NAME_SHOWN_SIZE + 32)

/* A signLog in a message: "random 0x2a290779, created 2026-11-21T08:52:00". */
#define SIGN_SHOW_SIZE (sizeof "random 0x12345678, created " + DSB_LOGTIME_SHOW_SIZE)

static const char *sign_show(char out[SIGN_SHOW_SIZE], const struct dsb_ese_signature *s)
{
	char t[DSB_LOGTIME_SHOW_SIZE] = "never";
	dsb_logtime_show(t, sizeof t, &s->created);
	snprintf(out, SIGN_SHOW_SIZE, "random 0x%08x, created %s", s->random, t);
	return out;
}

static bool usable(const struct lfact *x)
{
	return x->kind == DSB_LOGS_LOG &&
	       !(x->flags & (LF_NO_HEADER | LF_FILETYPE | LF_VERSION | LF_CB_SEC));
}

/* ---- each file --------------------------------------------------------------- */

/* Where a tallied problem lies: a v8 segment, or a v7 record (its
 * sector and byte). */
static int64_t seg_offset(const struct lfact *x, const struct dsb_log_seg *s)
{
	return (int64_t)s->isec * (x->unit ? x->unit : DSB_LOG_SEG_SIZE) + (x->v7 ? s->lgpos.ib : 0);
}

static void seg_where(const struct lfact *x, const struct dsb_log_seg *s, char *out, size_t n)
{
	if (x->v7)
		snprintf(out, n, "the LRCHECKSUM record of sector %u, byte %u (offset %lld)", s->isec,
			 s->lgpos.ib, (long long)seg_offset(x, s));
	else
		snprintf(out, n, "segment %u (offset %lld)", s->isec, (long long)seg_offset(x, s));
}

static void log_body(struct judge *j, struct lfact *x, const char *me)
{
	char at[128];
	int64_t g = x->h.generation;
	if (x->corrected.n) {
		const struct dsb_log_seg *s = &x->corrected.first;
		seg_where(x, s, at, sizeof at);
		add(j, x, DSB_L008, g, seg_offset(x, s) + s->bit / 8,
		    "%s: %u segment%s with a single-bit error that ESE corrects in memory; the first is %s, byte %u, bit %u",
		    me, x->corrected.n, x->corrected.n == 1 ? "" : "s", at, s->bit / 8, s->bit % 8);
	}
	if (x->torn.n) {
		const struct dsb_log_seg *s = &x->torn.first;
		seg_where(x, s, at, sizeof at);
		if (x->pname.kind == DSB_LNAME_CURRENT)
			add(j, x, DSB_L009, g, seg_offset(x, s),
			    "%s: torn write at %s, followed by %s: soft recovery repairs it",
			    me, at, x->v7 ? "its shadow sector or only the log-extend pattern"
					  : "its own intact shadow");
		else
			add(j, x, DSB_L010, g, seg_offset(x, s),
			    "%s: torn write at %s (%s) in a log that is not edb.log: hard restore fails with -570/-571",
			    me, at, x->v7 ? "damage followed only by its shadow sector or the log-extend pattern"
					  : "a bad segment followed by its own shadow");
	}
	if (x->corrupt.n) {
		const struct dsb_log_seg *s = &x->corrupt.first;
		seg_where(x, s, at, sizeof at);
		add(j, x, DSB_L011, g, seg_offset(x, s),
		    "%s: %u corrupt segment%s (checksum fails, no single-bit error, no shadow follows); the first is %s: -501, and -573/-574 in hard restore",
		    me, x->corrupt.n, x->corrupt.n == 1 ? "" : "s", at);
	}
	if (x->after_empty.n) {
		const struct dsb_log_seg *s = &x->after_empty.first;
		seg_where(x, s, at, sizeof at);
		add(j, x, DSB_L012, g, seg_offset(x, s),
		    "%s: %u segment%s out of place; the first is %s, %s (lgposSegment %d:%u:%u)",
		    me, x->after_empty.n, x->after_empty.n == 1 ? "" : "s", at,
		    s->cls == DSB_SEG_BAD_LGPOS ? "which says it belongs further on" :
		    s->cls == DSB_SEG_VALID_AFTER_EMPTY ? "log data after the segment that ended the data" :
		    "a damaged segment after the segment that ended the data",
		    s->lgpos.generation, s->lgpos.isec, s->lgpos.ib);
	}
}

static void one_log(struct judge *j, struct lfact *x)
{
	char me[CALLED_SIZE], name[NAME_SHOWN_SIZE];
	called(me, sizeof me, x);
	if (x->flags & LF_NO_HEADER) {
		add(j, x, DSB_L001, -1, 0, x->size < DSB_LOG_HDR_SIZE ?
		    "%s: named as a transaction log, but shorter (%llu bytes) than a log header (4096): ESE cannot read it (-501)" :
		    "%s: the log header's checksum does not verify (or it is no log header): ESE cannot read it (-501; -612 when the backup API reads it)",
		    shown(name, x), (unsigned long long)x->size);
		return;
	}
	int64_t g = x->h.generation;
	if (x->pname.kind == DSB_LNAME_ARCHIVED && (int64_t)x->pname.generation != g)
		add(j, x, DSB_L002, g, -1,
		    "%s: the header says generation %d, the name generation %u: -513 in esentutl /ml, -515 in recovery",
		    shown(name, x), x->h.generation, x->pname.generation);
	if (x->flags & LF_FILETYPE)
		add(j, x, DSB_L004, g, DSB_LOG_HDR_FILETYPE_OFF,
		    "%s: named as a log, but its header's file type is %u, not 3 (log): -1812", me,
		    x->h.filetype);
	if (x->flags & LF_VERSION) {
		char v[DSB_LOG_VERSION_STR_MAX];
		dsb_log_version_format(&x->h.version, v, sizeof v);
		add(j, x, DSB_L006, g, DSB_LOG_HDR_MAJOR_OFF,
		    "%s: log format %s is none ESE accepts (8.4000.x, or 7.3704.x): -514; the body was not checked",
		    me, v);
	}
	if (x->flags & LF_CB_SEC)
		add(j, x, DSB_L007, g, DSB_LOG_HDR_CB_SEC_OFF,
		    "%s: a segment-format (v8) log whose sector size is %u, not 4096: -501; the body was not checked",
		    me, x->h.cb_sec);
	if (x->flags & LF_SIZE)
		add(j, x, DSB_L005, g, (int64_t)x->size,
		    "%s: %llu bytes, but its header says %u x %u = %llu bytes (%s): -541", me,
		    (unsigned long long)x->size, x->h.csec_lgfile, x->h.cb_sec,
		    (unsigned long long)x->h.csec_lgfile * x->h.cb_sec,
		    x->size < (uint64_t)x->h.csec_lgfile * x->h.cb_sec ? "cut short" : "padded");
	if (x->flags & LF_WALKED)
		log_body(j, x, me);
}

static void one_checkpoint(struct judge *j, struct lfact *x)
{
	char name[NAME_SHOWN_SIZE];
	shown(name, x);
	if (x->chk_used < 0) {
		add(j, x, DSB_L030, -1, 0,
		    x->size < DSB_CHK_COPY_SIZE ?
		    "%s: named as a checkpoint but holds no checkpoint copy (%llu bytes): unusable (-533 in esentutl /mk); recovery replays from the lowest log, so every log from the lowest one is needed" :
		    "%s: neither checkpoint copy verifies (%llu bytes): unusable (-533 in esentutl /mk); recovery replays from the lowest log, so every log from the lowest one is needed",
		    name, (unsigned long long)x->size);
		return;
	}
	const struct dsb_ese_lgpos *p = &x->chk_pos[x->chk_used];
	if (x->flags & LF_FILETYPE)
		add(j, x, DSB_L004, p->generation,
		    (int64_t)x->chk_used * DSB_CHK_COPY_SIZE + DSB_CHK_FILETYPE_OFF,
		    "%s: named as a checkpoint, but its file type is %u, not 4 (checkpoint): -1812",
		    name, x->chk_filetype);
	if (x->chk_good[0] && x->chk_good[1] && !x->chk_equal)
		add(j, x, DSB_L031, p->generation, DSB_CHK_COPY_SIZE,
		    "%s: both copies verify but differ: the primary (checkpoint %d:%u:%u) is used, the shadow says %d:%u:%u",
		    name, x->chk_pos[0].generation, x->chk_pos[0].isec, x->chk_pos[0].ib,
		    x->chk_pos[1].generation, x->chk_pos[1].isec, x->chk_pos[1].ib);
	else if (x->chk_good[0] && x->size < DSB_CHK_FILE_SIZE)
		add(j, x, DSB_L032, p->generation, DSB_CHK_COPY_SIZE,
		    "%s: the shadow copy is missing (%llu bytes, not 8192); ESE uses the primary (checkpoint %d:%u:%u)",
		    name, (unsigned long long)x->size, p->generation, p->isec, p->ib);
	else if (x->chk_good[0] != x->chk_good[1])
		add(j, x, DSB_L032, p->generation, x->chk_good[0] ? DSB_CHK_COPY_SIZE : 0,
		    "%s: the %s copy's checksum does not verify; ESE uses the %s (checkpoint %d:%u:%u)",
		    name, x->chk_good[0] ? "shadow" : "primary", x->chk_good[0] ? "primary" : "shadow",
		    p->generation, p->isec, p->ib);
}

/* ---- groups: one base name and extension ---------------------------------------- */

/* The log extension a file belongs with: a checkpoint .chk goes with
 * .log, .jcp with .jtx (REF §3.1). */
static const char *group_ext(const struct lfact *x)
{
	const char *e = x->pname.ext;
	if (!e)
		return "";
	if (strcmp(e, ".chk") == 0)
		return ".log";
	if (strcmp(e, ".jcp") == 0)
		return ".jtx";
	return e;
}

static bool same_sign(const struct dsb_ese_signature *a, const struct dsb_ese_signature *b)
{
	return memcmp(a->raw, b->raw, sizeof a->raw) == 0;
}

static bool archived(const struct lfact *x)
{
	return x->pname.kind != DSB_LNAME_CURRENT && x->pname.kind != DSB_LNAME_NEXT;
}

/* The group's facts, by index: built once per group. */
struct group {
	size_t *ix;             /* usable logs of the group, archived first by generation */
	size_t n;
	const struct dsb_ese_signature *sign;   /* the stream most logs carry */
	long current;           /* edb.log of that stream, -1 */
	uint64_t log_size;      /* the size most logs' headers say */
	int32_t *gens;          /* the stream's archived generations, sorted */
	size_t ngens;
	int32_t *held;          /* generations not missing, though not in the stream's
				 * logs: a foreign log's, or the name of a log whose
				 * header cannot be read (each said by its own rule) */
	size_t nheld;
};

/* Sort key of a group's log: archived logs by generation, then edb.log. */
struct gkey {
	bool current;
	int32_t gen;
	size_t ix;
};

static int by_generation(const void *a, const void *b)
{
	const struct gkey *x = a, *y = b;
	if (x->current != y->current)
		return x->current ? 1 : -1;
	return x->gen < y->gen ? -1 : x->gen > y->gen;
}

static uint64_t hdr_size(const struct lfact *x)
{
	return (uint64_t)x->h.csec_lgfile * x->h.cb_sec;
}

/* Sort key for the majorities: a log's signLog and size, and its place
 * in the group (sorted by generation). */
struct mkey {
	uint8_t sign[DSB_ESE_SIGNATURE_SIZE];
	uint64_t size;
	size_t pos;
};

static int by_sign(const void *a, const void *b)
{
	return memcmp(((const struct mkey *)a)->sign, ((const struct mkey *)b)->sign,
		      DSB_ESE_SIGNATURE_SIZE);
}

static int by_size(const void *a, const void *b)
{
	uint64_t x = ((const struct mkey *)a)->size, y = ((const struct mkey *)b)->size;
	return x < y ? -1 : x > y;
}

/* The longest run of equal keys in k (sorted by cmp); ties go to the run
 * holding the latest log.  Its latest position. */
static size_t longest_run(const struct mkey *k, size_t n, int (*cmp)(const void *, const void *))
{
	size_t best_len = 0, best_pos = 0;
	for (size_t a = 0; a < n;) {
		size_t b = a, pos = 0;
		while (b < n && cmp(&k[a], &k[b]) == 0) {
			if (k[b].pos > pos)
				pos = k[b].pos;
			b++;
		}
		if (b - a > best_len || (b - a == best_len && pos > best_pos)) {
			best_len = b - a;
			best_pos = pos;
		}
		a = b;
	}
	return best_pos;
}

/* The signLog and the size most logs of the group have: two sorts, so
 * that a group of 100,000 logs costs n log n, not n squared. */
static void majority(struct judge *j, struct group *g, struct mkey *k)
{
	struct dsb_logs *l = j->l;
	if (!g->n)
		return;
	for (size_t a = 0; a < g->n; a++) {
		const struct lfact *x = &l->facts.v[g->ix[a]];
		memcpy(k[a].sign, x->h.sign_log.raw, DSB_ESE_SIGNATURE_SIZE);
		k[a].size = hdr_size(x);
		k[a].pos = a;
	}
	qsort(k, g->n, sizeof(*k), by_sign);
	g->sign = &l->facts.v[g->ix[longest_run(k, g->n, by_sign)]].h.sign_log;
	qsort(k, g->n, sizeof(*k), by_size);
	g->log_size = hdr_size(&l->facts.v[g->ix[longest_run(k, g->n, by_size)]]);
}

static bool mine(const struct group *g, const struct lfact *x)
{
	return g->sign && same_sign(g->sign, &x->h.sign_log);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return x < y ? -1 : x > y;
}

/* Held generations below gen (g->held is sorted). */
static size_t held_below(const struct group *g, int32_t gen)
{
	size_t lo = 0, hi = g->nheld;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->held[mid] < gen)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool held(const struct group *g, int32_t gen)
{
	size_t i = held_below(g, gen);
	return i < g->nheld && g->held[i] == gen;
}

/* A generation's name, or "generation N" when the set has no name form. */
#define NAME_GEN_SIZE 32
_Static_assert(NAME_GEN_SIZE >= DSB_LOG_NAME_FMT_MAX &&
	       NAME_GEN_SIZE >= sizeof "generation -2147483648", "either form fits");

static void name_gen(char *out, size_t n, const struct lfact *like, int32_t gen)
{
	const char *ext = group_ext(like);
	if (!dsb_log_name_format(out, n, like->pname.base, ext, (uint32_t)gen, false))
		snprintf(out, n, "generation %d", gen);
}

static void gap(struct judge *j, const struct group *g, struct lfact *after, int32_t lo, int32_t hi)
{
	/* Counted, not walked: a gap may span two billion generations. */
	uint64_t missing = (uint64_t)((int64_t)hi - lo + 1) -
			   (held_below(g, hi + 1) - held_below(g, lo));
	if (!missing)
		return;
	char list[DSB_MESSAGE_MAX / 2] = "";
	size_t o = 0, named = 0;
	int32_t first = lo;
	for (int32_t k = lo; k <= hi && named < GAP_NAMED_MAX; k++) {
		if (held(g, k))
			continue;
		if (!named)
			first = k;
		char nm[NAME_GEN_SIZE];
		name_gen(nm, sizeof nm, after, k);
		int w = snprintf(list + o, sizeof list - o, "%s%s (generation %d)", named ? ", " : "",
				 nm, k);
		if (w < 0 || (size_t)w >= sizeof list - o)
			break;
		o += (size_t)w;
		named++;
	}
	char me[CALLED_SIZE];
	add(j, after, DSB_L020, missing == 1 ? first : -1, -1,
	    "%llu log%s missing before %s: %s%s: -528, and -1811 in hard restore",
	    (unsigned long long)missing, missing == 1 ? "" : "s", called(me, sizeof me, after), list,
	    missing > named ? ", ..." : "");
}

/* Two consecutive generations of the stream. */
static void pair(struct judge *j, struct lfact *p, struct lfact *n)
{
	char me[CALLED_SIZE], prev[CALLED_SIZE];
	called(me, sizeof me, n);
	called(prev, sizeof prev, p);
	int64_t g = n->h.generation;
	if (memcmp(n->h.tm_prev_gen.raw, p->h.tm_create.raw, sizeof p->h.tm_create.raw) != 0)
		add(j, n, DSB_L022, g, DSB_LOG_HDR_TM_PREV_GEN_OFF,
		    "%s: its tmPrevGen is not the creation time of %s: not written after it (-515, -556 in hard restore)",
		    me, prev);
	bool v8 = n->h.version.major == 8 && (p->flags & LF_WALKED);
	bool prev_whole = p->body_clean && !(p->flags & (LF_SIZE | LF_CUT));
	bool compared = n->h.version.update_minor >= CHAIN_CHECKED_FROM_UPDATE_MINOR ||
			n->h.checksum_prev != 0;
	if (v8 && prev_whole && compared && n->h.checksum_prev != p->chain_xor)
		add(j, n, DSB_L024, g, DSB_LOG_HDR_CHECKSUM_PREV_OFF,
		    "%s: checksumPrevLogAllSegments is 0x%016llX, but the data segments of %s XOR to 0x%016llX: -590",
		    me, (unsigned long long)n->h.checksum_prev, prev,
		    (unsigned long long)p->chain_xor);
	if (dsb_log_version_cmp(&n->h.version, &p->h.version) < 0) {
		char a[DSB_LOG_VERSION_STR_MAX], b[DSB_LOG_VERSION_STR_MAX];
		dsb_log_version_format(&n->h.version, a, sizeof a);
		dsb_log_version_format(&p->h.version, b, sizeof b);
		add(j, n, DSB_L025, g, DSB_LOG_HDR_MAJOR_OFF,
		    "%s: format %s is older than %s of %s (esentutl /ml warns)", me, a, b, prev);
	}
}

static void continuity(struct judge *j, struct group *g)
{
	struct dsb_logs *l = j->l;
	char me[CALLED_SIZE];
	struct lfact *prev = NULL, *top = NULL;
	bool five = false;
	for (size_t a = 0; a < g->n; a++) {
		struct lfact *x = &l->facts.v[g->ix[a]];
		if (!mine(g, x)) {
			char theirs[SIGN_SHOW_SIZE], ours[SIGN_SHOW_SIZE];
			add(j, x, DSB_L023, x->h.generation, DSB_LOG_HDR_SIGN_LOG_OFF,
			    "%s is from another log stream: its signLog (%s) is not the one of the set's other logs (%s): -530, -555 in hard restore",
			    called(me, sizeof me, x), sign_show(theirs, &x->h.sign_log),
			    sign_show(ours, g->sign));
			continue;
		}
		if (hdr_size(x) != g->log_size)
			add(j, x, DSB_L026, x->h.generation, DSB_LOG_HDR_CSEC_LGFILE_OFF,
			    "%s: its header says %llu bytes, the set's other logs %llu: -541",
			    called(me, sizeof me, x), (unsigned long long)hdr_size(x),
			    (unsigned long long)g->log_size);
		if (!archived(x)) {
			if (g->current < 0)
				g->current = (long)g->ix[a];
			continue;
		}
		if (x->pname.kind == DSB_LNAME_ARCHIVED && x->pname.five_digit &&
		    strcmp(group_ext(x), ".jtx") == 0 && !five) {
			five = true;
			add(j, x, DSB_L003, x->h.generation, -1,
			    "%s: a 5-digit name in a .jtx log set: an instance without EightDotThreeSoftCompat looks for 8 digits and raises -513",
			    called(me, sizeof me, x));
		}
		int64_t after_prev = prev ? (int64_t)prev->h.generation + 1 : 0;
		if (prev && x->h.generation > after_prev)
			gap(j, g, x, (int32_t)after_prev, x->h.generation - 1);
		else if (prev && x->h.generation == after_prev)
			pair(j, prev, x);
		prev = top = x;
	}
	if (g->current < 0)
		return;
	struct lfact *cur = &l->facts.v[g->current];
	if (!top)
		return;
	if (cur->h.generation == (int64_t)top->h.generation + 1)
		pair(j, top, cur);
	else
		add(j, cur, DSB_L021, cur->h.generation, DSB_LOG_HDR_GENERATION_OFF,
		    "%s is not the generation after the highest archived log, %s: -528 in esentutl /ml, -515 in soft recovery",
		    called(me, sizeof me, cur), called((char[CALLED_SIZE]){ 0 }, CALLED_SIZE, top));
}

/* A checkpoint against the logs of its group. */
static void checkpoint_vs_logs(struct judge *j, struct lfact *c, const struct group *g)
{
	if (c->chk_used < 0 || !g->n)
		return;
	const struct dsb_ese_lgpos *p = &c->chk_pos[c->chk_used];
	char name[NAME_SHOWN_SIZE];
	shown(name, c);
	if (!same_sign(&c->chk_sign, g->sign)) {
		char theirs[SIGN_SHOW_SIZE], ours[SIGN_SHOW_SIZE];
		add(j, c, DSB_L033, p->generation, c->chk_used * (int64_t)DSB_CHK_COPY_SIZE + DSB_CHK_SIGN_LOG_OFF,
		    "%s is from another log stream: its signLog (%s) is not the logs' (%s): -532; recovery ignores it",
		    name, sign_show(theirs, &c->chk_sign), sign_show(ours, g->sign));
		return;
	}
	size_t lo = 0, hi = g->ngens;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->gens[mid] < p->generation)
			lo = mid + 1;
		else
			hi = mid;
	}
	bool found = lo < g->ngens && g->gens[lo] == p->generation;
	if (g->current >= 0) {
		int64_t cg = j->l->facts.v[g->current].h.generation;
		found = found || cg == p->generation || cg == (int64_t)p->generation + 1;
	}
	if (found)
		return;
	char nm[NAME_GEN_SIZE];
	name_gen(nm, sizeof nm, &j->l->facts.v[g->ix[0]], p->generation);
	add(j, c, DSB_L034, p->generation, -1,
	    "%s points at generation %d, but neither %s nor an edb.log of that generation or the next is present: -509 (-528 at soft start)",
	    name, p->generation, nm);
}

/* A reserve log against the log size of the logs of its folder and base
 * name (size 0: there are none). */
static void reserve(struct judge *j, struct lfact *r, uint64_t size)
{
	char name[NAME_SHOWN_SIZE];
	shown(name, r);
	if ((r->flags & LF_RESERVE_BYTES) && (r->flags & LF_RESERVE_NONZERO))
		add(j, r, DSB_L013, -1, -1,
		    "%s: a reserve log holds only the log-extend pattern (or zeros, sized and never written); this one holds other bytes",
		    name);
	else if (size && r->size != size && !(r->flags & LF_CUT))
		add(j, r, DSB_L013, -1, -1, "%s: %llu bytes, but the logs beside it are %llu", name,
		    (unsigned long long)r->size, (unsigned long long)size);
}

/* Where a file belongs: folder, base name, the group's extension; the
 * reserve logs of a folder and base after its logs.  Sorting by it makes
 * every group one run, so that a collection of 100,000 files in as many
 * groups costs n log n. */
struct okey {
	const char *dir;
	char base[DSB_LOG_BASE_LEN + 1];   /* lowercase */
	const char *ext;
	bool reserve;
	size_t ix;
};

static int by_place(const void *a, const void *b)
{
	const struct okey *x = a, *y = b;
	int r = strcmp(x->dir, y->dir);
	if (!r)
		r = strcmp(x->base, y->base);
	if (!r)
		r = (int)x->reserve - (int)y->reserve;
	if (!r)
		r = strcmp(x->ext, y->ext);
	if (!r)
		r = x->ix < y->ix ? -1 : x->ix > y->ix;
	return r;
}

static bool same_place(const struct okey *x, const struct okey *y)
{
	return strcmp(x->dir, y->dir) == 0 && strcmp(x->base, y->base) == 0;
}

/* Scratch arrays of one judgement, n entries each. */
struct scratch {
	struct okey *order;
	size_t *ix;
	struct gkey *keys;
	struct mkey *mkeys;
	int32_t *held, *gens;
	struct gref *refs;          /* every group with logs, by stream */
	struct deferred *later;     /* checkpoints judged with another folder's logs */
};

/* The logs of one group (order[from, to)): its usable logs by
 * generation, the majority stream and size, its generations and the
 * ones held.  Uses the scratch arrays: one group at a time. */
static void build_group(struct judge *j, struct scratch *w, size_t from, size_t to,
			struct group *g)
{
	struct dsb_logs *l = j->l;
	*g = (struct group){ .ix = w->ix, .current = -1, .held = w->held, .gens = w->gens };
	for (size_t k = from; k < to; k++) {
		size_t i = w->order[k].ix;
		const struct lfact *x = &l->facts.v[i];
		if (x->kind != DSB_LOGS_LOG)
			continue;
		if (usable(x))
			g->ix[g->n++] = i;
		else if (x->pname.kind == DSB_LNAME_ARCHIVED)
			g->held[g->nheld++] = (int32_t)x->pname.generation;
	}
	if (!g->n)
		return;
	for (size_t k = 0; k < g->n; k++) {
		const struct lfact *x = &l->facts.v[g->ix[k]];
		w->keys[k] = (struct gkey){ .current = !archived(x), .gen = x->h.generation,
					    .ix = g->ix[k] };
	}
	qsort(w->keys, g->n, sizeof(*w->keys), by_generation);
	for (size_t k = 0; k < g->n; k++)
		g->ix[k] = w->keys[k].ix;
	majority(j, g, w->mkeys);
	for (size_t k = 0; k < g->n; k++) {
		const struct lfact *x = &l->facts.v[g->ix[k]];
		if (!archived(x))
			continue;
		if (mine(g, x))
			g->gens[g->ngens++] = x->h.generation;
		else
			g->held[g->nheld++] = x->h.generation;
	}
	qsort(g->held, g->nheld, sizeof(*g->held), cmp_i32);
	/* edb.log of the group's stream, for the checkpoint (continuity
	 * sets it too, on its way) */
	for (size_t k = 0; k < g->n && g->current < 0; k++) {
		const struct lfact *x = &l->facts.v[g->ix[k]];
		if (!archived(x) && mine(g, x))
			g->current = (long)g->ix[k];
	}
}

/* A group with logs, as a checkpoint of another folder looks for it:
 * its stream and the generations its logs span. */
struct gref {
	size_t from, to;
	const struct dsb_ese_signature *sign;
	int64_t low, high;          /* archived generations; high includes edb.log */
};

static int gref_by_sign(const void *a, const void *b)
{
	const struct gref *x = a, *y = b;
	int c = memcmp(x->sign->raw, y->sign->raw, DSB_ESE_SIGNATURE_SIZE);
	return c ? c : x->from < y->from ? -1 : x->from > y->from;
}

/* Groups a checkpoint of another folder is compared with, at most, before
 * it takes the first: a hostile collection of many folders of one stream
 * must not make each checkpoint look at each of them. */
#define CHK_GROUPS_TRIED 64

/* The group of the checkpoint's stream in another folder: the first (in
 * folder order) whose generations hold the checkpoint's, else the first;
 * -1 when no group has its stream as theirs. */
static long group_elsewhere(const struct gref *refs, size_t nrefs, const struct lfact *c)
{
	size_t lo = 0, hi = nrefs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(refs[mid].sign->raw, c->chk_sign.raw, DSB_ESE_SIGNATURE_SIZE) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= nrefs || !same_sign(refs[lo].sign, &c->chk_sign))
		return -1;
	int64_t gen = c->chk_pos[c->chk_used].generation;
	for (size_t k = lo, tried = 0; k < nrefs && tried < CHK_GROUPS_TRIED &&
					  same_sign(refs[k].sign, &c->chk_sign); k++, tried++)
		if (gen >= refs[k].low && gen <= refs[k].high)
			return (long)k;
	return (long)lo;
}

/* Does the group hold a usable log of the checkpoint's stream?  The
 * group's signatures are sorted once, the first time a checkpoint of
 * another stream than the group's asks. */
static bool group_has_stream(struct judge *j, struct scratch *w, const struct group *g,
			     bool *sorted, const struct dsb_ese_signature *sg)
{
	if (!g->n)
		return false;
	if (same_sign(g->sign, sg))
		return true;
	if (!*sorted) {
		for (size_t a = 0; a < g->n; a++) {
			memcpy(w->mkeys[a].sign, j->l->facts.v[g->ix[a]].h.sign_log.raw,
			       DSB_ESE_SIGNATURE_SIZE);
			w->mkeys[a].pos = a;
		}
		qsort(w->mkeys, g->n, sizeof(*w->mkeys), by_sign);
		*sorted = true;
	}
	struct mkey k;
	memcpy(k.sign, sg->raw, DSB_ESE_SIGNATURE_SIZE);
	return bsearch(&k, w->mkeys, g->n, sizeof(*w->mkeys), by_sign) != NULL;
}

/* A checkpoint judged against the logs of its stream in another folder. */
struct deferred {
	size_t chk;                 /* its fact */
	size_t ref;                 /* the group, in the sorted refs */
};

static int deferred_by_ref(const void *a, const void *b)
{
	const struct deferred *x = a, *y = b;
	if (x->ref != y->ref)
		return x->ref < y->ref ? -1 : 1;
	return x->chk < y->chk ? -1 : x->chk > y->chk;
}

/* The logs of one group (order[from, to)): continuity, then its
 * checkpoints; a checkpoint with no log of its stream in the group, whose
 * stream has logs in another folder (refs), is put in `later` to be
 * judged with those (esentutl /s<checkpoint folder> keeps it apart).
 * Returns the size most of its logs have (0: none). */
static uint64_t judge_group(struct judge *j, struct scratch *w, size_t from, size_t to,
			    const struct gref *refs, size_t nrefs, struct deferred *later,
			    size_t *nlater)
{
	struct dsb_logs *l = j->l;
	struct group g;
	build_group(j, w, from, to, &g);
	if (g.n)
		continuity(j, &g);
	bool sorted = false;
	for (size_t k = from; k < to; k++) {
		struct lfact *x = &l->facts.v[w->order[k].ix];
		if (x->kind != DSB_LOGS_CHECKPOINT)
			continue;
		long ref = -1;
		if (x->chk_used >= 0 && !group_has_stream(j, w, &g, &sorted, &x->chk_sign))
			ref = group_elsewhere(refs, nrefs, x);
		if (ref >= 0 && (refs[ref].from != from || refs[ref].to != to))
			later[(*nlater)++] = (struct deferred){ .chk = w->order[k].ix, .ref = (size_t)ref };
		else
			checkpoint_vs_logs(j, x, &g);
	}
	return g.n ? g.log_size : 0;
}

/* Every group with logs, for the checkpoints of other folders: its
 * range, stream and generations (none when the collection holds no
 * checkpoint: nothing would look). */
static size_t group_refs(struct judge *j, struct scratch *w, size_t n, struct gref *refs)
{
	bool any = false;
	for (size_t i = 0; i < n && !any; i++)   /* the awake facts, by place */
		any = j->l->facts.v[w->order[i].ix].kind == DSB_LOGS_CHECKPOINT;
	if (!any)
		return 0;
	size_t nrefs = 0;
	for (size_t a = 0; a < n;) {
		size_t b = a;
		while (b < n && same_place(&w->order[a], &w->order[b]) && !w->order[b].reserve &&
		       strcmp(w->order[a].ext, w->order[b].ext) == 0)
			b++;
		if (b == a) {
			a++;   /* a reserve log: no group */
			continue;
		}
		struct group g;
		build_group(j, w, a, b, &g);
		if (g.n && g.sign) {
			struct gref *r = &refs[nrefs++];
			*r = (struct gref){ .from = a, .to = b, .sign = g.sign, .low = INT64_MAX,
					    .high = INT64_MIN };
			if (g.ngens) {
				r->low = g.gens[0];
				r->high = g.gens[g.ngens - 1];
			}
			if (g.current >= 0) {
				int64_t cg = j->l->facts.v[g.current].h.generation;
				/* the checkpoint may point at edb.log's generation or the one before */
				if (cg - 1 < r->low)
					r->low = cg - 1;
				if (cg > r->high)
					r->high = cg;
			}
		}
		a = b;
	}
	qsort(refs, nrefs, sizeof(*refs), gref_by_sign);
	return nrefs;
}

/* The checkpoints put aside, each against its stream's group elsewhere;
 * each group is built once. */
static void judge_later(struct judge *j, struct scratch *w, const struct gref *refs,
			struct deferred *later, size_t nlater)
{
	qsort(later, nlater, sizeof(*later), deferred_by_ref);
	struct group g;
	for (size_t k = 0; k < nlater; k++) {
		if (k == 0 || later[k].ref != later[k - 1].ref)
			build_group(j, w, refs[later[k].ref].from, refs[later[k].ref].to, &g);
		struct lfact *c = &j->l->facts.v[later[k].chk];
		c->chk_elsewhere = true;
		checkpoint_vs_logs(j, c, &g);
	}
}

void dsb_logs_judge(struct dsb_logs *l, struct dsb_findings *f, struct dsb_report *rep,
		    dsb_logs_where_fn where, void *ctx)
{
	struct judge j = { .l = l, .f = f, .rep = rep, .where = where, .ctx = ctx };
	size_t n = l->facts.n;
	for (size_t i = 0; i < n; i++) {
		struct lfact *x = &l->facts.v[i];
		if (x->dormant)
			continue;   /* no name made it a log: not one */
		if (x->kind == DSB_LOGS_LOG)
			one_log(&j, x);
		else if (x->kind == DSB_LOGS_CHECKPOINT)
			one_checkpoint(&j, x);
	}
	if (!n)
		return;
	struct scratch w = {
		.order = malloc(n * sizeof(*w.order)), .ix = malloc(n * sizeof(*w.ix)),
		.keys = malloc(n * sizeof(*w.keys)), .mkeys = malloc(n * sizeof(*w.mkeys)),
		.held = malloc(n * sizeof(*w.held)), .gens = malloc(n * sizeof(*w.gens)),
		.refs = malloc(n * sizeof(*w.refs)), .later = malloc(n * sizeof(*w.later)),
	};
	if (w.order && w.ix && w.keys && w.mkeys && w.held && w.gens && w.refs && w.later) {
		size_t awake = 0;
		for (size_t i = 0; i < n; i++) {
			const struct lfact *x = &l->facts.v[i];
			if (x->dormant)
				continue;
			struct okey *k = &w.order[awake++];
			k->dir = x->dir;
			for (size_t c = 0; c <= DSB_LOG_BASE_LEN; c++)
				k->base[c] = (char)tolower((unsigned char)x->pname.base[c]);
			k->reserve = x->kind == DSB_LOGS_RESERVE;
			k->ext = k->reserve ? "" : group_ext(x);
			k->ix = i;
		}
		n = awake;
		qsort(w.order, n, sizeof(*w.order), by_place);
		size_t nrefs = group_refs(&j, &w, n, w.refs), nlater = 0;
		for (size_t a = 0; a < n;) {
			/* One folder and base name: its groups, then its reserve logs. */
			uint64_t size = 0;
			size_t b = a;
			while (b < n && same_place(&w.order[a], &w.order[b]) && !w.order[b].reserve) {
				size_t e = b;
				while (e < n && same_place(&w.order[b], &w.order[e]) && !w.order[e].reserve &&
				       strcmp(w.order[b].ext, w.order[e].ext) == 0)
					e++;
				uint64_t gs = judge_group(&j, &w, b, e, w.refs, nrefs, w.later, &nlater);
				if (!size)
					size = gs;
				b = e;
			}
			while (b < n && same_place(&w.order[a], &w.order[b]))
				reserve(&j, &l->facts.v[w.order[b++].ix], size);
			a = b;
		}
		judge_later(&j, &w, w.refs, w.later, nlater);
	}
	/* Short of memory, the files' own findings are made; the sets' not. */
	free(w.order);
	free(w.ix);
	free(w.keys);
	free(w.mkeys);
	free(w.held);
	free(w.gens);
	free(w.refs);
	free(w.later);
}

void dsb_logs_where_input(void *ctx, uint64_t tag, int *input, struct dsb_loc *loc)
{
	(void)ctx;
	(void)loc;
	*input = (int)tag;
}
