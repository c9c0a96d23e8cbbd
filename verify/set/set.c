/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Backup sets: which files belong together, and the DSB-S judgement of
 * a database against its logs and checkpoint (set.h).  The facts each
 * rule rests on are REF §3.7 ("Does the log set match the database?"),
 * §3.10 (streamed copies and their trailer) and §3.11 ("Log set against
 * the database"); the verdict is RC §3.10's.
 *
 * What is not judged here: a log's own body and the set's continuity
 * (DSB-L, verify/logs/: a log with an error-level finding of theirs is
 * an unusable generation here, named in `missing`, and raises nothing
 * more), the trailer's checksum and its agreement with the header
 * (DSB-E020, E021: the database verifier's), the checkpoint's copies.
 */
#define DSB_SET_INTERNAL
#include "verify/set/set_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/journal.h"
#include "lib/strbuf.h"

#define SECS_PER_DAY  86400LL

/* ---- small pieces ---------------------------------------------------------- */

_Static_assert(sizeof(((struct dsb_backup_set *)0)->base) == DSB_LOG_BASE_LEN + 1,
	       "a set's base name is ESE's 3 characters (RC §3.9)");
_Static_assert(sizeof(((struct dsb_backup_set *)0)->ext) == sizeof ".log",
	       "a set's extension is a dot and 3 characters");

void dsb_set_gen_name(const struct dsb_backup_set *s, uint32_t gen,
		      char out[DSB_LOG_NAME_FMT_MAX])
{
	if (!dsb_log_name_format(out, DSB_LOG_NAME_FMT_MAX, s->base, s->ext, gen, false))
		snprintf(out, DSB_LOG_NAME_FMT_MAX, "(generation %u)", (unsigned)gen);
}

bool dsb_set_logtime_ticks(const struct dsb_ese_logtime *t, int64_t *ticks)
{
	if (t->is_null)
		return false;
	/* The journal's one parser of UTC times does the calendar (and
	 * refuses a date that does not exist, as a damaged header may hold). */
	char iso[sizeof "9999-12-31T23:59:59Z"];
	int n = snprintf(iso, sizeof iso, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)t->year,
			 (unsigned)t->month, (unsigned)t->day, (unsigned)t->hour, (unsigned)t->min,
			 (unsigned)t->sec);
	return n == (int)sizeof iso - 1 && dsb_time_parse(iso, (size_t)n, ticks);
}

void dsb_set_absent_runs(const uint32_t *gens, size_t ngens, uint32_t low, uint32_t high,
			 dsb_set_run_fn fn, void *ctx)
{
	if (low == 0 || low > high)
		return;
	uint64_t next = low;   /* the lowest generation not yet accounted for */
	for (size_t i = 0; i < ngens && next <= high; i++) {
		if (gens[i] < next)
			continue;
		if (gens[i] > next)
			fn(ctx, (uint32_t)next, gens[i] - 1 < high ? gens[i] - 1 : high);
		next = (uint64_t)gens[i] + 1;
	}
	if (next <= high)
		fn(ctx, (uint32_t)next, high);
}

bool dsb_set_line(char ***v, size_t *n, const char *fmt, ...)
{
	char buf[DSB_MESSAGE_MAX];
	struct dsb_strbuf sb;
	dsb_sb_init(&sb, buf, sizeof buf);
	va_list ap;
	va_start(ap, fmt);
	dsb_sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return false;
	*v = nv;
	if (!(nv[*n] = strdup(buf)))
		return false;
	(*n)++;
	return true;
}

void dsb_set_oom(struct set_work *w)
{
	if (w->oom)
		return;
	w->oom = true;
	if (dsb_status_nomem(&w->st, w->rep->findings, w->set.input) &&
	    (size_t)w->set.input < w->rep->ninputs)
		w->rep->inputs[w->set.input].incomplete = true;
}

static bool same_sign(const struct dsb_ese_signature *a, const struct dsb_ese_signature *b)
{
	return memcmp(a->raw, b->raw, sizeof a->raw) == 0;
}

static bool input_incomplete(const struct dsb_report *r, int input)
{
	return input >= 0 && (size_t)input < r->ninputs && r->inputs[input].incomplete;
}

/* ---- membership -------------------------------------------------------------- */

/* A report entry's name (NULL: standard input, no name) as ESE names files. */
static void parse_name(const char *name, struct dsb_log_name *nm)
{
	dsb_log_name_parse(name ? name : "", name ? strlen(name) : 0, nm);
}

/* Generation of a log for the set: its header's, or for a log whose
 * header does not verify, its name's (so that a damaged required log is
 * "present but unusable", not "absent"). */
static bool log_gen(const struct dsb_log_entry *lg, uint32_t *gen)
{
	if (lg->kind != DSB_LOG_LOG)
		return false;
	if (lg->header_ok) {
		*gen = lg->generation;
		return lg->generation > 0;
	}
	struct dsb_log_name nm;
	parse_name(lg->name, &nm);
	*gen = nm.generation;
	return nm.kind == DSB_LNAME_ARCHIVED;
}

struct gen_ix {
	uint32_t gen;
	size_t ix;
};

static int gen_ix_cmp(const void *a, const void *b)
{
	const struct gen_ix *x = a, *y = b;
	if (x->gen != y->gen)
		return x->gen < y->gen ? -1 : 1;
	return x->ix < y->ix ? -1 : x->ix > y->ix;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Keep the distinct values of a sorted array; returns their count. */
static size_t distinct(uint32_t *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* The set's base name and extension (RC §3.9): its logs' and
 * checkpoint's names, else edb / .log. */
static void set_base(struct set_work *w)
{
	struct dsb_backup_set *s = &w->set;
	snprintf(s->base, sizeof s->base, "edb");
	snprintf(s->ext, sizeof s->ext, ".log");
	const struct dsb_report *r = w->rep;
	for (size_t i = 0; i < s->nlogs; i++) {
		const char *name = r->logs[s->logs[i]].name;
		struct dsb_log_name nm;
		parse_name(name, &nm);
		if ((nm.kind == DSB_LNAME_ARCHIVED || nm.kind == DSB_LNAME_CURRENT) && nm.ext &&
		    strlen(nm.base) == DSB_LOG_BASE_LEN) {
			snprintf(s->base, sizeof s->base, "%s", nm.base);
			snprintf(s->ext, sizeof s->ext, "%s", nm.ext);
			return;
		}
	}
	if (s->checkpoint >= 0) {
		const char *name = r->checkpoints[s->checkpoint].name;
		struct dsb_log_name nm;
		parse_name(name, &nm);
		if (nm.kind == DSB_LNAME_CHECKPOINT && strlen(nm.base) == DSB_LOG_BASE_LEN) {
			snprintf(s->base, sizeof s->base, "%s", nm.base);
			snprintf(s->ext, sizeof s->ext, "%s",
				 strcmp(nm.ext, ".jcp") == 0 ? ".jtx" : ".log");
		}
	}
}

/* Sort the set's logs by generation, and derive gens[], usable[] and
 * the present runs. */
static void order_logs(struct set_work *w)
{
	struct dsb_backup_set *s = &w->set;
	const struct dsb_report *r = w->rep;
	size_t cap = s->nlogs + w->nbad_named;
	if (cap == 0)
		return;
	struct gen_ix *gi = malloc((s->nlogs ? s->nlogs : 1) * sizeof(*gi));
	w->gens = malloc(cap * sizeof(*w->gens));
	w->usable = malloc(cap * sizeof(*w->usable));
	s->present = malloc(cap * sizeof(*s->present));
	if (!gi || !w->gens || !w->usable || !s->present) {
		free(gi);
		dsb_set_oom(w);
		return;
	}
	for (size_t i = 0; i < s->nlogs; i++) {
		uint32_t g = 0;
		log_gen(&r->logs[s->logs[i]], &g);
		gi[i] = (struct gen_ix){ .gen = g, .ix = s->logs[i] };
	}
	qsort(gi, s->nlogs, sizeof(*gi), gen_ix_cmp);
	for (size_t i = 0; i < s->nlogs; i++) {
		const struct dsb_log_entry *lg = &r->logs[gi[i].ix];
		s->logs[i] = gi[i].ix;
		if (gi[i].gen == 0)
			continue;
		w->gens[w->ngens++] = gi[i].gen;
		/* a capture's session may deliver a log of another stream: there,
		 * not bound to the database, so not usable */
		bool bound = dsb_set_bound(w, lg);
		if (lg->header_ok && !lg->errors && bound)
			w->usable[w->nusable++] = gi[i].gen;
		if (lg->header_ok) {
			if (s->npresent && s->present[s->npresent - 1].high + 1 >= gi[i].gen)
				s->present[s->npresent - 1].high = gi[i].gen;
			else
				s->present[s->npresent++] = (struct dsb_gen_run){ gi[i].gen, gi[i].gen };
		}
	}
	free(gi);
	for (size_t i = 0; i < w->nbad_named; i++)
		w->gens[w->ngens++] = w->bad_named[i];
	qsort(w->gens, w->ngens, sizeof(*w->gens), u32_cmp);
	w->ngens = distinct(w->gens, w->ngens);
	qsort(w->usable, w->nusable, sizeof(*w->usable), u32_cmp);
	w->nusable = distinct(w->usable, w->nusable);
}

static bool has_gen(const uint32_t *v, size_t n, uint32_t g)
{
	return n && bsearch(&g, v, n, sizeof(*v), u32_cmp) != NULL;
}

/* ---- naming missing generations ---------------------------------------------- */

/* Runs of generations named in one message: "edb00005.log (generation
 * 5)", "edb00005.log to edb00007.log (generations 5-7, 3 files)". */
struct run_text {
	const struct dsb_backup_set *s;
	struct dsb_strbuf sb;
	char buf[DSB_MESSAGE_MAX];
	uint64_t runs, gens;
	uint32_t only;            /* the generation, when exactly one */
};

static void run_text_add(void *ctx, uint32_t a, uint32_t b)
{
	struct run_text *t = ctx;
	t->gens += (uint64_t)b - a + 1;
	t->only = a;
	if (t->runs++ >= DSB_SET_RUNS_NAMED)
		return;
	char na[DSB_LOG_NAME_FMT_MAX], nb[DSB_LOG_NAME_FMT_MAX];
	dsb_set_gen_name(t->s, a, na);
	if (t->runs > 1)
		dsb_sb_puts(&t->sb, ", ");
	if (a == b) {
		dsb_sb_printf(&t->sb, "%s (generation %u)", na, (unsigned)a);
	} else {
		dsb_set_gen_name(t->s, b, nb);
		dsb_sb_printf(&t->sb, "%s to %s (generations %u-%u, %llu files)", na, nb,
			      (unsigned)a, (unsigned)b, (unsigned long long)b - a + 1);
	}
}

static void run_text_init(struct run_text *t, const struct dsb_backup_set *s)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	dsb_sb_init(&t->sb, t->buf, sizeof t->buf);
}

static void run_text_end(struct run_text *t)
{
	if (t->runs > DSB_SET_RUNS_NAMED)
		dsb_sb_printf(&t->sb, " and %llu more run%s",
			      (unsigned long long)(t->runs - DSB_SET_RUNS_NAMED),
			      t->runs - DSB_SET_RUNS_NAMED == 1 ? "" : "s");
}

/* `missing`: every name of the runs, to DSB_SET_MISSING_LISTED. */
struct missing_ctx {
	struct set_work *w;
};

static void missing_add(void *ctx, uint32_t a, uint32_t b)
{
	struct set_work *w = ((struct missing_ctx *)ctx)->w;
	struct dsb_backup_set *s = &w->set;
	s->missing_total += (uint64_t)b - a + 1;
	for (uint64_t g = a; g <= b && s->nmissing < DSB_SET_MISSING_LISTED; g++) {
		char nm[DSB_LOG_NAME_FMT_MAX];
		dsb_set_gen_name(s, (uint32_t)g, nm);
		if (!dsb_set_line(&s->missing, &s->nmissing, "%s", nm)) {
			dsb_set_oom(w);
			return;
		}
	}
}

static void set_add(struct set_work *w, enum dsb_rule rule, int64_t generation,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void set_add(struct set_work *w, enum dsb_rule rule, int64_t generation,
		    const char *fmt, ...)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	if (w->db) {
		loc.member = w->db->member;
		loc.file = w->db->file;
		loc.line = w->db->line;
	}
	loc.generation = generation;
	va_list ap;
	va_start(ap, fmt);
	dsb_findings_vadd(w->rep->findings, w->set.input, rule, &loc, fmt, ap);
	va_end(ap);
}

/* ---- the judgement of a database's set --------------------------------------- */

/* The logs beside the database are not of its stream (S001), or attach
 * it from another consistent point (S013): one situation, one finding, so
 * the range, creation-time and page-size rules stay quiet. */
static bool unbound(const struct set_work *w)
{
	return w->foreign || w->prev.kind == SET_PREV_TIME;
}

/* Error- and warning-level findings on the database itself: its input
 * (a loose file is one), or in a capture the findings on its member. */
static void db_findings(struct set_work *w)
{
	const struct dsb_database *db = w->db;
	if (!db->member) {
		w->db_error_count = dsb_findings_total(w->rep->findings, db->input, DSB_SEV_ERROR);
		w->db_errors = w->db_error_count > 0;
		w->db_warnings = dsb_findings_total(w->rep->findings, db->input, DSB_SEV_WARNING) > 0;
		return;
	}
	size_t n;
	const struct dsb_finding *f = dsb_findings_sorted(w->rep->findings, &n);
	for (size_t i = 0; f && i < n; i++) {
		if (f[i].input != db->input || !f[i].member || strcmp(f[i].member, db->member) != 0 ||
		    dsb_rule_info(f[i].rule)->category == DSB_CAT_SET)
			continue;
		w->db_error_count += f[i].severity == DSB_SEV_ERROR;
		w->db_errors |= f[i].severity == DSB_SEV_ERROR;
		w->db_warnings |= f[i].severity == DSB_SEV_WARNING;
	}
}

/* The generations to replay and the committed one (RC §3.10: from the
 * trailer for a streamed copy, else from the header). */
static void required_range(struct set_work *w)
{
	const struct dsb_ese_summary *sum = &w->db->sum;
	const struct dsb_ese_header *h = &sum->header;
	struct dsb_backup_set *s = &w->set;
	if (!sum->fuzzy)
		return;   /* consistent: nothing to replay */
	uint32_t low, high, committed;
	if (w->streamed) {
		const struct dsb_ese_trailer *t = &sum->trailer;
		bool tr = sum->trailer_ok;
		low = tr && t->bkinfo.gen_low ? t->bkinfo.gen_low : h->bk_full_cur.gen_low;
		high = tr && t->bkinfo.gen_high ? t->bkinfo.gen_high : (uint32_t)h->gen_max_required;
		committed = (uint32_t)h->gen_max_committed;
		if (tr && (uint32_t)t->gen_max_committed > committed)
			committed = (uint32_t)t->gen_max_committed;
	} else {
		low = (uint32_t)h->gen_min_required;
		high = (uint32_t)h->gen_max_required;
		committed = (uint32_t)h->gen_max_committed;
	}
	/* A header whose numbers are negative or crossed is the database
	 * verifier's finding; the set takes what can be replayed. */
	if ((int32_t)low <= 0)
		low = (int32_t)high > 0 ? high : 1;
	if ((int32_t)high < (int32_t)low)
		high = low;
	if ((int32_t)committed < (int32_t)high)
		committed = high;
	s->has_required = true;
	s->required_low = low;
	s->required_high = high;
	s->committed = committed;
}

/* S002 or S003: the required generations a..b, absent at one end of
 * the range (`which`: "lowest", "highest").  Returns how many. */
static uint64_t end_missing(struct set_work *w, enum dsb_rule rule, uint32_t a, uint32_t b,
			    const char *which)
{
	struct run_text t;
	run_text_init(&t, &w->set);
	dsb_set_absent_runs(NULL, 0, a, b, run_text_add, &t);
	if (!t.gens)
		return 0;
	run_text_end(&t);
	set_add(w, rule, t.gens == 1 ? (int64_t)t.only : -1,
		"the database needs log generations %u-%u, and the %s %s missing: %s",
		(unsigned)w->set.required_low, (unsigned)w->set.required_high, which,
		t.gens == 1 ? "is" : "are", t.buf);
	return t.gens;
}

/* S002, S003, S004 and `missing`. */
static void judge_range(struct set_work *w)
{
	struct dsb_backup_set *s = &w->set;
	if (!s->has_required)
		return;
	uint32_t low = s->required_low, high = s->required_high;
	/* present (usable or not) inside the range: the ends are what lies
	 * outside the first and the last of them */
	uint32_t first = 0, last = 0;
	for (size_t i = 0; i < w->ngens; i++)
		if (w->gens[i] >= low && w->gens[i] <= high) {
			if (!first)
				first = w->gens[i];
			last = w->gens[i];
		}
	struct missing_ctx mc = { .w = w };
	dsb_set_absent_runs(w->usable, w->nusable, low, s->committed, missing_add, &mc);
	for (size_t i = 0; i < w->ngens; i++)
		if (w->gens[i] >= low && w->gens[i] <= s->committed &&
		    !has_gen(w->usable, w->nusable, w->gens[i])) {
			if (w->gens[i] <= high)
				w->gaps.unusable++;
			else
				w->gaps.unusable_committed++;
		}
	if (unbound(w))
		return;   /* S001 or S013 says why: these logs are not this database's */

	struct run_text t;
	w->gaps.low = end_missing(w, DSB_S002, low, first ? first - 1 : high, "lowest");
	if (first) {
		w->gaps.high = end_missing(w, DSB_S003, last + 1, high, "highest");
		/* absent inside: the log set's gap (DSB-L), counted for the words */
		run_text_init(&t, s);
		dsb_set_absent_runs(w->gens, w->ngens, first, last, run_text_add, &t);
		w->gaps.middle = t.gens;
	}
	if (s->committed > high) {
		run_text_init(&t, s);
		dsb_set_absent_runs(w->gens, w->ngens, high + 1, s->committed, run_text_add, &t);
		if (t.gens) {
			run_text_end(&t);
			w->gaps.committed = t.gens;
			set_add(w, DSB_S004, t.gens == 1 ? (int64_t)t.only : -1,
				"committed generations past the required range %u-%u, up to %u, are not here: %s; recovery ignoring lost logs would lose their transactions",
				(unsigned)low, (unsigned)high, (unsigned)s->committed, t.buf);
		}
	}
}

/* S005: the log of the highest required generation is the one the
 * database was written with (REF §3.7 "Creation time"). */
static void judge_tm_create(struct set_work *w)
{
	const struct dsb_ese_summary *sum = &w->db->sum;
	const struct dsb_ese_header *h = &sum->header;
	struct dsb_backup_set *s = &w->set;
	if (!s->has_required || unbound(w))
		return;
	const struct dsb_ese_logtime *want = NULL;
	uint32_t gen = 0;
	if (w->streamed) {
		/* the trailer's times are written only by engines that enable
		 * them (REF §3.10); zero: nothing to compare */
		if (sum->trailer_ok && !sum->trailer.time_gen_max_required.is_null &&
		    sum->trailer.gen_max_required > 0) {
			want = &sum->trailer.time_gen_max_required;
			gen = (uint32_t)sum->trailer.gen_max_required;
		}
	} else if (!h->time_gen_max_required.is_null) {
		want = &h->time_gen_max_required;
		gen = (uint32_t)h->gen_max_required;
	} else if (h->gen_max_required == h->gen_max_committed && !h->time_gen_max_create.is_null) {
		want = &h->time_gen_max_create;
		gen = (uint32_t)h->gen_max_required;
	}
	if (!want)
		return;
	for (size_t i = 0; i < s->nlogs; i++) {
		const struct dsb_log_entry *lg = &w->rep->logs[s->logs[i]];
		if (!lg->header_ok || lg->generation != gen || lg->errors)
			continue;
		if (memcmp(lg->created.raw, want->raw, sizeof want->raw) == 0)
			return;
		struct dsb_log_view vw;
		dsb_log_view(lg, &vw);
		char nm[DSB_LOG_NAME_FMT_MAX], exp[40] = "(not a valid time)";
		_Static_assert(sizeof exp >= 29, "dsb_time_format's longest form fits");
		dsb_set_gen_name(s, gen, nm);
		int64_t t;
		if (dsb_set_logtime_ticks(want, &t))
			dsb_time_format(t, exp, sizeof exp);
		w->tm_mismatch = true;
		set_add(w, DSB_S005, gen,
			"%s (generation %u) was created %s, but the database was written with the log of that generation created %s: not the log this database needs",
			nm, (unsigned)gen, vw.created[0] ? vw.created : "(no time)", exp);
		return;
	}
}

/* S007: the logs were written for a database of another page size. */
static void judge_page_size(struct set_work *w)
{
	struct dsb_backup_set *s = &w->set;
	uint32_t cb = w->db->sum.page_size;
	if (!s->has_required || unbound(w) || cb == 0)
		return;
	uint64_t bad = 0;
	const struct dsb_log_entry *first = NULL;
	for (size_t i = 0; i < s->nlogs; i++) {
		const struct dsb_log_entry *lg = &w->rep->logs[s->logs[i]];
		if (lg->header_ok && lg->page_size && lg->page_size != cb) {
			if (!bad++)
				first = lg;
		}
	}
	if (!bad)
		return;
	w->page_size_bad = true;
	char nm[DSB_LOG_NAME_FMT_MAX];
	dsb_set_gen_name(s, first->generation, nm);
	set_add(w, DSB_S007, bad == 1 ? (int64_t)first->generation : -1,
		"%llu log%s of the set name a database page size of %u bytes, the database's is %u (the first: %s, generation %u)",
		(unsigned long long)bad, bad == 1 ? "" : "s", (unsigned)first->page_size,
		(unsigned)cb, nm, (unsigned)first->generation);
}

/* S010: an Active Directory backup past the tombstone lifetime. */
static void judge_age(struct set_work *w)
{
	const struct dsb_ese_summary *sum = &w->db->sum;
	const struct dsb_ese_header *h = &sum->header;
	if (!sum->looks_like_ad || !sum->ad_tables_present)
		return;
	int64_t when = w->capture_started;
	const char *what = "the capture's start";
	if (!when) {
		what = "the header's backup time";
		if (!dsb_set_logtime_ticks(&h->bk_full_cur.time, &when) &&
		    !dsb_set_logtime_ticks(&h->bk_full_prev.time, &when)) {
			what = "the database's last consistent time";
			if (!dsb_set_logtime_ticks(&h->time_consistent, &when))
				return;
		}
	}
	int64_t now = w->o && w->o->has_now ? w->o->now : 0;
	if (!(w->o && w->o->has_now)) {
		/* ticks from 0001-01-01 to 1970-01-01 */
		int64_t epoch;
		if (!dsb_time_parse("1970-01-01T00:00:00Z", 20, &epoch))
			return;
		now = epoch + (int64_t)time(NULL) * DSB_TICKS_PER_SEC;
	}
	uint32_t days = w->o && w->o->tombstone_days ? w->o->tombstone_days
						     : DSB_TOMBSTONE_DAYS_DEFAULT;
	if (now <= when)
		return;
	int64_t age = (now - when) / DSB_TICKS_PER_SEC / SECS_PER_DAY;
	if (age <= (int64_t)days)
		return;
	w->too_old = true;
	w->age_days = age;
	char at[40];
	_Static_assert(sizeof at >= 29, "dsb_time_format's longest form fits");
	dsb_time_format(when, at, sizeof at);
	set_add(w, DSB_S010, -1,
		"the backup is %lld days old (%s, %s), past the tombstone lifetime of %u days: objects deleted since may have been purged elsewhere and would come back as lingering objects",
		(long long)age, what, at, (unsigned)days);
}

static void judge_database(struct set_work *w)
{
	const struct dsb_database *db = w->db;
	const struct dsb_ese_summary *sum = &db->sum;
	struct dsb_backup_set *s = &w->set;
	if (!sum->header_ok) {
		w->unknown_why = "no copy of the database header could be read";
		return;
	}
	w->streamed = sum->backup_in_progress || sum->trailer_present;
	db_findings(w);
	required_range(w);
	bool own_logs = w->ngens > 0 || s->checkpoint >= 0;
	w->foreign = s->has_required && !own_logs && w->foreign_logs > 0;
	if (w->foreign) {
		struct dsb_db_view vw;
		dsb_database_view(db, &vw);
		set_add(w, DSB_S001, -1,
			"the database needs log generations %u-%u of its log stream (signature 0x%08x, created %s), but the %u log%s of the collection %s of another stream",
			(unsigned)s->required_low, (unsigned)s->required_high,
			(unsigned)vw.sign_log.random,
			vw.sign_log.created[0] ? vw.sign_log.created : "(not set)",
			(unsigned)w->foreign_logs, w->foreign_logs == 1 ? "" : "s",
			w->foreign_logs == 1 ? "is" : "are");
	}
	dsb_set_judge_prev(w);
	judge_range(w);
	judge_tm_create(w);
	judge_page_size(w);
	dsb_set_patches_judge(w);
	if (w->streamed && s->has_required)
		set_add(w, DSB_S006, -1,
			"a streaming-backup copy: generations %u-%u are replayed by a hard restore that reads its trailer, not by soft recovery",
			(unsigned)s->required_low, (unsigned)s->required_high);
	if (!w->streamed && s->has_required && !unbound(w)) {
		if (s->checkpoint < 0) {
			w->no_checkpoint = true;
			char nm[DSB_LOG_NAME_FMT_MAX];
			dsb_set_gen_name(s, s->required_low, nm);
			set_add(w, DSB_S008, -1,
				"no checkpoint (%s.%s) in the set: recovery replays from the lowest log, %s",
				s->base, strcmp(s->ext, ".jtx") == 0 ? "jcp" : "chk", nm);
		}
		bool current = false;
		for (size_t i = 0; i < s->nlogs && !current; i++) {
			const char *name = w->rep->logs[s->logs[i]].name;
			struct dsb_log_name nm;
			parse_name(name, &nm);
			current = nm.kind == DSB_LNAME_CURRENT;
		}
		if (!current) {
			w->no_current = true;
			set_add(w, DSB_S009, -1,
				"no current log (%s%s) in a set copied from a running database: soft recovery looks for it",
				s->base, s->ext);
		}
	}
	judge_age(w);
	for (size_t i = 0; i < s->nlogs; i++) {
		const struct dsb_log_entry *lg = &w->rep->logs[s->logs[i]];
		if (lg->torn_repairable ||
		    (!lg->member && dsb_findings_total(w->rep->findings, lg->input, DSB_SEV_WARNING)))
			w->log_warnings = true;
		if (input_incomplete(w->rep, lg->input) && lg->input != db->input)
			w->unknown_why = "a log of the set could not be read in full";
	}
	if (input_incomplete(w->rep, db->input))
		w->unknown_why = db->member ? "the capture could not be read in full"
					    : "the database could not be read in full";
}

static void verdict(struct set_work *w)
{
	struct dsb_backup_set *s = &w->set;
	if (!w->db) {
		s->verdict = DSB_SETV_NONE;
		return;
	}
	if (w->unknown_why) {
		s->verdict = DSB_SETV_UNKNOWN;
		return;
	}
	bool broken = w->db_errors || unbound(w) || w->page_size_bad || w->tm_mismatch ||
		      w->gaps.low || w->gaps.high || w->gaps.middle || w->gaps.unusable ||
		      w->patch_mismatch;
	if (broken) {
		s->verdict = DSB_SETV_NOT_RESTORABLE;
		return;
	}
	/* an unusable generation past the required range loses committed
	 * data only, as an absent one does */
	bool warn = w->db_warnings || w->log_warnings || w->gaps.committed ||
		    w->gaps.unusable_committed || w->no_current || w->too_old || w->patch_warnings;
	s->verdict = warn ? DSB_SETV_WARNINGS : DSB_SETV_RESTORABLE;
}

/* Judge w->set (membership filled in), word it and hand it to the report. */
static void finish_set(struct set_work *w)
{
	set_base(w);
	order_logs(w);
	if (!w->oom && w->db)
		judge_database(w);
	verdict(w);
	/* RC §3.10: a not-restorable set carries an error of category log or
	 * set; a database damaged in itself has only its own errors (DSB-E,
	 * or a capture's on its member), so the set says what they mean for
	 * the restore.  An incomplete input is `unknown`, not this. */
	/* A session that truncated the server's logs although what it
	 * delivered does not cover the required generations: those logs
	 * are gone from the server too (issue 7, check 5). */
	if (w->db && w->truncate_line && w->set.verdict == DSB_SETV_NOT_RESTORABLE &&
	    (w->gaps.low || w->gaps.high || w->gaps.middle || w->gaps.unusable || unbound(w))) {
		char names[DSB_MESSAGE_MAX / 2];
		dsb_set_quote_missing(&w->set, names, sizeof names);
		struct dsb_loc loc = DSB_LOC_INIT;
		loc.line = w->truncate_line;
		loc.file = w->db->file;
		dsb_findings_add(w->rep->findings, w->set.input, DSB_S012, &loc,
				 "DsBackupTruncateLogs deleted the domain controller's logs, but the logs this session delivered do not cover generations %u-%u that its database needs (missing or unusable: %s): the truncated logs were needed",
				 (unsigned)w->set.required_low, (unsigned)w->set.required_high, names);
	}
	if (w->db && w->db_errors && w->set.verdict == DSB_SETV_NOT_RESTORABLE)
		set_add(w, DSB_S011, -1,
			"the database has %llu error-level finding%s of its own: replaying the logs cannot repair it, so this set does not restore to an intact database",
			(unsigned long long)w->db_error_count, w->db_error_count == 1 ? "" : "s");
	if (!w->oom)
		dsb_set_words(w);
	if (!dsb_report_add_set(w->rep, &w->set))
		dsb_set_oom(w);
	free(w->gens);
	free(w->usable);
	free(w->bad_named);
	w->gens = w->usable = w->bad_named = NULL;
	w->ngens = w->nusable = w->nbad_named = 0;
}

/* ---- an `ese` collection -------------------------------------------------- */

static bool push_ix(size_t **v, size_t *n, size_t ix)
{
	size_t *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return false;
	*v = nv;
	nv[(*n)++] = ix;
	return true;
}

static const struct dsb_ese_signature *log_sign(const struct dsb_log_entry *lg)
{
	return lg->header_ok && lg->kind == DSB_LOG_LOG && !lg->sign_log.is_null ? &lg->sign_log
										: NULL;
}

static const struct dsb_ese_signature *chk_sign(const struct dsb_checkpoint_entry *ck)
{
	return (ck->copy_ok[0] || ck->copy_ok[1]) && !ck->sign_log.is_null ? &ck->sign_log : NULL;
}

static const char *last_part(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

static bool same_naming(const struct dsb_log_name *a, const struct dsb_log_name *b)
{
	return a->ext && a->ext == b->ext && strcmp(a->base, b->base) == 0;
}

/* A file of the collection named as a log that gave no entry of its own
 * (no log by its header): found once, matched to each set by name. */
struct named_bad {
	struct dsb_log_name nm;
};

static struct named_bad *find_named_bad(const struct dsb_report *rep, size_t *n)
{
	*n = 0;
	bool *has_entry = calloc(rep->ninputs + 1, sizeof(bool));
	struct named_bad *v = malloc((rep->ninputs + 1) * sizeof(*v));
	if (!has_entry || !v) {
		free(has_entry);
		free(v);
		return NULL;
	}
	for (size_t i = 0; i < rep->ndatabases; i++)
		has_entry[rep->databases[i].input] = true;
	for (size_t i = 0; i < rep->nlogs; i++)
		has_entry[rep->logs[i].input] = true;
	for (size_t i = 0; i < rep->ncheckpoints; i++)
		has_entry[rep->checkpoints[i].input] = true;
	for (size_t k = 0; k < rep->ninputs; k++) {
		const struct dsb_input *in = &rep->inputs[k];
		if (!in->ese_file || has_entry[k] || !in->path)
			continue;
		parse_name(last_part(in->path), &v[*n].nm);
		if (v[*n].nm.kind == DSB_LNAME_ARCHIVED)
			(*n)++;
	}
	free(has_entry);
	return v;
}

/* The set's generations that are there only by a file's name: a log
 * entry whose header does not verify, or a file of the collection named
 * as a log that gave no entry at all. */
static void named_logs(struct set_work *w, const struct named_bad *bad, size_t nbad)
{
	const struct dsb_report *rep = w->rep;
	struct dsb_log_name own;
	parse_name(rep->logs[w->set.logs[0]].name, &own);
	for (size_t i = 0; i < rep->nlogs && !w->oom; i++) {
		const struct dsb_log_entry *lg = &rep->logs[i];
		if (lg->header_ok || lg->kind != DSB_LOG_LOG || !lg->name)
			continue;
		struct dsb_log_name nm;
		parse_name(lg->name, &nm);
		if (nm.kind == DSB_LNAME_ARCHIVED && same_naming(&nm, &own) &&
		    !push_ix(&w->set.logs, &w->set.nlogs, i))
			dsb_set_oom(w);
	}
	for (size_t k = 0; k < nbad && !w->oom; k++) {
		if (!same_naming(&bad[k].nm, &own))
			continue;
		uint32_t *v = realloc(w->bad_named, (w->nbad_named + 1) * sizeof(*v));
		if (!v) {
			dsb_set_oom(w);
			return;
		}
		w->bad_named = v;
		v[w->nbad_named++] = bad[k].nm.generation;
	}
}

/* Databases, logs and checkpoints by their log signature: sorted, each
 * stream is one run, so grouping costs n log n whatever the mix. */
enum sig_kind { SK_DB, SK_LOG, SK_CHK };

struct sig_ent {
	const uint8_t *raw;        /* DSB_ESE_SIGNATURE_SIZE bytes */
	enum sig_kind kind;
	size_t ix;
};

static int sig_cmp(const void *a, const void *b)
{
	const struct sig_ent *x = a, *y = b;
	int c = memcmp(x->raw, y->raw, DSB_ESE_SIGNATURE_SIZE);
	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->ix < y->ix ? -1 : x->ix > y->ix;
}

/* One stream's run [start, end) of the sorted entries. */
struct sig_run {
	size_t start, end;
	size_t first_log;          /* the lowest log index: log sets' order */
	bool chk_only;             /* no log: first_log is nlogs + the checkpoint's */
};

static int run_first_log_cmp(const void *a, const void *b)
{
	const struct sig_run *x = a, *y = b;
	return x->first_log < y->first_log ? -1 : x->first_log > y->first_log;
}

/* An `ese` file's folder: its input path up to its last '/' ("" for a
 * bare name). */
struct folder {
	const char *p;
	size_t n;
};

static struct folder folder_of(const struct dsb_report *r, int input)
{
	const char *p = input >= 0 && (size_t)input < r->ninputs && r->inputs[input].path
		? r->inputs[input].path : "";
	const char *slash = strrchr(p, '/');
	return (struct folder){ p, slash ? (size_t)(slash - p) : 0 };
}

static int folder_cmp(const void *a, const void *b)
{
	const struct folder *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);
	return c ? c : x->n < y->n ? -1 : x->n > y->n;
}

static bool same_folder(struct folder a, struct folder b)
{
	return folder_cmp(&a, &b) == 0;
}

/* The logs and checkpoint of a run into w's set.  With a database, the
 * folders decide among the stream's files (two backups of one domain
 * controller share a log stream, and checked together in two folders
 * they are two sets): when the database's folder holds logs of the
 * stream, the set takes those only, and its checkpoint is the one beside
 * it, else one kept in a folder with no log of the stream (esentutl
 * /s<checkpoint folder>); when it holds none, every log of the stream,
 * and the checkpoint beside the database, else the first. */
static void take_run(struct set_work *w, const struct sig_ent *e, const struct sig_run *run)
{
	const struct dsb_report *r = w->rep;
	size_t nlogs = 0;
	for (size_t k = run->start; k < run->end; k++)
		nlogs += e[k].kind == SK_LOG;
	struct folder *lf = w->db && nlogs ? malloc(nlogs * sizeof(*lf)) : NULL;
	if (w->db && nlogs && !lf) {
		dsb_set_oom(w);
		return;
	}
	struct folder mine = w->db ? folder_of(r, w->db->input) : (struct folder){ "", 0 };
	bool own_logs = false;
	size_t nf = 0;
	for (size_t k = run->start; lf && k < run->end; k++)
		if (e[k].kind == SK_LOG) {
			lf[nf] = folder_of(r, r->logs[e[k].ix].input);
			own_logs |= same_folder(lf[nf], mine);
			nf++;
		}
	if (lf)
		qsort(lf, nf, sizeof(*lf), folder_cmp);
	int64_t apart = -1, beside = -1;
	for (size_t k = run->start; k < run->end && !w->oom; k++) {
		if (e[k].kind == SK_LOG) {
			if (own_logs && !same_folder(folder_of(r, r->logs[e[k].ix].input), mine))
				continue;
			if (!push_ix(&w->set.logs, &w->set.nlogs, e[k].ix))
				dsb_set_oom(w);
		} else if (e[k].kind == SK_CHK) {
			struct folder f = folder_of(r, r->checkpoints[e[k].ix].input);
			if (w->set.checkpoint < 0)
				w->set.checkpoint = (int64_t)e[k].ix;
			if (!w->db)
				continue;
			if (beside < 0 && same_folder(f, mine))
				beside = (int64_t)e[k].ix;
			if (apart < 0 && !(nf && bsearch(&f, lf, nf, sizeof(*lf), folder_cmp)))
				apart = (int64_t)e[k].ix;
		}
	}
	if (w->db) {
		if (beside >= 0)
			w->set.checkpoint = beside;
		else if (apart >= 0)
			w->set.checkpoint = apart;
		else if (own_logs)
			w->set.checkpoint = -1;   /* every one lies beside another backup's logs */
	}
	free(lf);
}

#define SETS_LIMIT_FMT "more than %u databases in the collection (DSB_SET_DATABASES_MAX): the backup set of this one was not judged"
#define SETS_LIMIT_SIZE 128
_Static_assert(sizeof SETS_LIMIT_FMT - 2 + sizeof "4294967295" - 1 < SETS_LIMIT_SIZE,
	       "the limit's message fits with any count");

static void databases_limit(struct set_work *w, int input)
{
	char detail[SETS_LIMIT_SIZE];
	snprintf(detail, sizeof detail, SETS_LIMIT_FMT, (unsigned)DSB_SET_DATABASES_MAX);
	struct dsb_op_cause cause = DSB_OP_CAUSE_INIT;
	cause.error = DSB_OP_LIMIT;
	cause.limit = "DSB_SET_DATABASES_MAX";
	cause.detail = detail;
	dsb_status_c015(w->rep->findings, input, &cause);
	if ((size_t)input < w->rep->ninputs)
		w->rep->inputs[input].incomplete = true;
}

/* The run of the stream of log lg (SIZE_MAX: its signature is in none). */
static size_t run_of_log(const struct sig_ent *e, const struct sig_run *runs, size_t nruns,
			 const struct dsb_log_entry *lg)
{
	const struct dsb_ese_signature *sg = log_sign(lg);
	for (size_t r = 0; sg && r < nruns; r++)
		if (memcmp(e[runs[r].start].raw, sg->raw, DSB_ESE_SIGNATURE_SIZE) == 0)
			return r;
	return SIZE_MAX;
}

void dsb_sets_collection(struct dsb_report *rep, const struct dsb_set_opts *o)
{
	struct set_work w = { .rep = rep, .o = o };
	dsb_set_patches_bind(rep);
	size_t cap = rep->ndatabases + rep->nlogs + rep->ncheckpoints, n = 0, nbad = 0, nruns = 0;
	struct sig_ent *e = malloc((cap + 1) * sizeof(*e));
	struct sig_run *runs = malloc((cap + 1) * sizeof(*runs));
	size_t *db_run = malloc((rep->ndatabases + 1) * sizeof(*db_run));
	bool *claimed = calloc(cap + 1, sizeof(*claimed));
	struct named_bad *bad = find_named_bad(rep, &nbad);
	if (!e || !runs || !db_run || !bad || !claimed) {
		w.set.input = rep->ndatabases ? rep->databases[0].input : 0;
		if (rep->ninputs)
			dsb_set_oom(&w);
		goto done;
	}
	for (size_t i = 0; i < rep->ndatabases; i++) {
		db_run[i] = SIZE_MAX;
		if (rep->databases[i].sum.header_ok)
			e[n++] = (struct sig_ent){ rep->databases[i].sum.header.sign_log.raw, SK_DB, i };
	}
	for (size_t i = 0; i < rep->nlogs; i++) {
		const struct dsb_ese_signature *sg = log_sign(&rep->logs[i]);
		if (sg)
			e[n++] = (struct sig_ent){ sg->raw, SK_LOG, i };
	}
	for (size_t i = 0; i < rep->ncheckpoints; i++) {
		const struct dsb_ese_signature *sg = chk_sign(&rep->checkpoints[i]);
		if (sg)
			e[n++] = (struct sig_ent){ sg->raw, SK_CHK, i };
	}
	qsort(e, n, sizeof(*e), sig_cmp);
	/* runs of one stream; a database points at its run; the logs of
	 * runs with no database are the log sets' (and "another stream"
	 * for every database) */
	uint32_t unclaimed = 0;
	for (size_t a = 0; a < n;) {
		size_t b = a + 1;
		while (b < n && memcmp(e[a].raw, e[b].raw, DSB_ESE_SIGNATURE_SIZE) == 0)
			b++;
		struct sig_run run = { .start = a, .end = b, .first_log = SIZE_MAX, .chk_only = false };
		bool has_db = false;
		uint32_t logs = 0;
		for (size_t k = a; k < b; k++) {
			if (e[k].kind == SK_DB) {
				has_db = true;
				db_run[e[k].ix] = nruns;
			} else if (e[k].kind == SK_LOG) {
				logs++;
				if (e[k].ix < run.first_log)
					run.first_log = e[k].ix;
			}
		}
		if (!has_db)
			unclaimed += logs;
		runs[nruns++] = run;
		a = b;
	}

	for (size_t d = 0; d < rep->ndatabases && !w.oom; d++) {
		const struct dsb_database *db = &rep->databases[d];
		if (d >= DSB_SET_DATABASES_MAX) {
			databases_limit(&w, db->input);
			continue;
		}
		w = (struct set_work){ .rep = rep, .o = o, .db = db, .st = w.st, .oom = w.oom };
		w.set.input = db->input;
		w.set.database = (int64_t)d;
		w.set.checkpoint = -1;
		w.foreign_logs = unclaimed;
		if (db_run[d] != SIZE_MAX)
			take_run(&w, e, &runs[db_run[d]]);
		if (!w.set.nlogs && !w.oom) {
			/* none of its own stream's logs: are the logs beside it the
			 * next stream's, which attached it (REF §3.7)? */
			dsb_set_prev_stream(rep, db, NULL, 0, &w.prev);
			size_t r = w.prev.kind != SET_PREV_NONE
				? run_of_log(e, runs, nruns, &rep->logs[w.prev.log]) : SIZE_MAX;
			if (r != SIZE_MAX) {
				take_run(&w, e, &runs[r]);
				claimed[r] = true;
			} else {
				w.prev.kind = SET_PREV_NONE;
			}
		}
		/* a file named as one of this stream's logs whose header is no
		 * log's belongs by its name: a damaged generation, not an absent
		 * one */
		if (w.set.nlogs)
			named_logs(&w, bad, nbad);
		finish_set(&w);
	}

	/* log sets: the streams no database claims, in the order of their
	 * first log */
	size_t nlog_runs = 0;
	for (size_t r = 0; r < nruns; r++) {
		bool has_db = claimed[r];
		for (size_t k = runs[r].start; k < runs[r].end && !has_db; k++)
			has_db = e[k].kind == SK_DB;
		if (has_db)
			continue;
		if (runs[r].first_log == SIZE_MAX) {
			/* a checkpoint alone: a log set of its own, said to be of
			 * none of the databases' streams; after those with logs */
			for (size_t k = runs[r].start; k < runs[r].end; k++)
				if (e[k].kind == SK_CHK) {
					runs[r].chk_only = true;
					runs[r].first_log = rep->nlogs + e[k].ix;
					break;
				}
		}
		if (runs[r].first_log != SIZE_MAX)
			runs[nlog_runs++] = runs[r];
	}
	qsort(runs, nlog_runs, sizeof(*runs), run_first_log_cmp);
	for (size_t r = 0; r < nlog_runs && !w.oom; r++) {
		w = (struct set_work){ .rep = rep, .o = o, .st = w.st, .oom = w.oom };
		w.set.input = runs[r].chk_only
			? rep->checkpoints[runs[r].first_log - rep->nlogs].input
			: rep->logs[runs[r].first_log].input;
		w.set.database = -1;
		w.set.checkpoint = -1;
		w.foreign_logs = rep->ndatabases > 0;
		take_run(&w, e, &runs[r]);
		finish_set(&w);
	}
done:
	free(e);
	free(runs);
	free(claimed);
	free(db_run);
	free(bad);
}

/* ---- a capture ------------------------------------------------------------- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is `member` one of the session's (sorted) members? */
static bool delivered(const char *const *members, size_t n, const char *member)
{
	return member && n && bsearch(&member, members, n, sizeof(*members), str_cmp) != NULL;
}

void dsb_sets_capture(struct dsb_report *rep, int input, int64_t started,
		      const struct dsb_set_opts *o)
{
	struct set_work w = { .rep = rep, .o = o };
	for (size_t si = 0; si < rep->nsessions && !w.oom; si++) {
		const struct dsb_session *ss = &rep->sessions[si];
		if (ss->input != input || ss->kind != DSB_SESSION_BACKUP || ss->nfiles == 0)
			continue;
		/* the members whose bytes the session delivered, sorted: a
		 * session may hold a million opens (DSB_MAX_OPENS) */
		const char **members = malloc(ss->nfiles * sizeof(*members));
		if (!members) {
			w.set.input = input;
			dsb_set_oom(&w);
			return;
		}
		size_t nm = 0;
		for (size_t k = 0; k < ss->nfiles; k++)
			if (ss->files[k].member)
				members[nm++] = ss->files[k].member;
		qsort(members, nm, sizeof(*members), str_cmp);
		/* the database this session delivered (DSB_MAX_DATABASES a
		 * capture): the first the verifier checked */
		int64_t dbix = -1;
		for (size_t d = 0; d < rep->ndatabases && dbix < 0; d++)
			if (rep->databases[d].input == input &&
			    delivered(members, nm, rep->databases[d].member))
				dbix = (int64_t)d;
		if (dbix < 0) {
			free(members);
			continue;
		}
		w = (struct set_work){ .rep = rep, .o = o, .db = &rep->databases[dbix],
				       .capture_started = started, .st = w.st, .oom = w.oom };
		w.set.input = input;
		w.set.database = dbix;
		w.set.checkpoint = -1;
		for (size_t i = 0; i < rep->nlogs && !w.oom; i++)
			if (rep->logs[i].input == input && delivered(members, nm, rep->logs[i].member) &&
			    !push_ix(&w.set.logs, &w.set.nlogs, i))
				dsb_set_oom(&w);
		for (size_t i = 0; i < rep->ncheckpoints && w.set.checkpoint < 0; i++)
			if (rep->checkpoints[i].input == input &&
			    delivered(members, nm, rep->checkpoints[i].member))
				w.set.checkpoint = (int64_t)i;
		free(members);
		/* a session's logs all of another stream than its database:
		 * S001 names them, and none is the set's */
		uint32_t other = 0;
		for (size_t i = 0; i < w.set.nlogs; i++) {
			const struct dsb_ese_signature *sg = log_sign(&rep->logs[w.set.logs[i]]);
			if (sg && w.db->sum.header_ok && !same_sign(sg, &w.db->sum.header.sign_log))
				other++;
		}
		if (other == w.set.nlogs && other > 0)
			dsb_set_prev_stream(rep, w.db, w.set.logs, w.set.nlogs, &w.prev);
		if (other == w.set.nlogs && other > 0 && w.prev.kind == SET_PREV_NONE) {
			w.foreign_logs = other;
			free(w.set.logs);
			w.set.logs = NULL;
			w.set.nlogs = 0;
		}
		w.truncate_line = ss->truncate_line;
		finish_set(&w);
		w.truncate_line = 0;
	}
}
