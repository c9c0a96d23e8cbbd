/* SPDX-License-Identifier: Apache-2.0 */
#include "verify/findings.h"

#include "lib/vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One bucket per (input, rule).  It holds at most BUCKET_MAX listed
 * findings between trims; a trim sorts it and drops everything past the
 * first DSB_LIST_CAP, which are never going to be listed.  `total` counts
 * every finding ever added, so suppressed = total - listed after a trim. */
#define BUCKET_MAX (2 * DSB_LIST_CAP)

DSB_VEC_DEFINE(finding_vec, struct dsb_finding);

struct bucket {
	struct finding_vec l;
	uint64_t total;
	/* Once trimmed, DSB_LIST_CAP findings at or before cap_line are kept,
	 * so a finding on a later line can never be listed: it is counted and
	 * dropped before its message is formatted (a journal of millions of
	 * records raising the same rule on every line spent most of its
	 * findings time formatting and copying messages nobody would see). */
	bool capped;
	uint64_t cap_line;
};

struct dsb_findings {
	struct bucket *b;          /* ninputs * DSB_RULE_COUNT */
	int ninputs;
	struct dsb_finding *sorted; /* flattened view, rebuilt on demand */
	size_t nsorted;
	struct dsb_finding *one;    /* one input's view (dsb_findings_sorted_input) */
	bool dirty;
	bool oom;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void finding_clear(struct dsb_finding *x)
{
	free(x->message);
	free(x->member);
	free(x->hbc);
	free(x->fn);
	free(x->file);
	free(x->table);
}

struct dsb_findings *dsb_findings_new(void)
{
	return calloc(1, sizeof(struct dsb_findings));
}

void dsb_findings_free(struct dsb_findings *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->ninputs * DSB_RULE_COUNT; i++) {
		for (size_t k = 0; k < f->b[i].l.n; k++)
			finding_clear(&f->b[i].l.v[k]);
		finding_vec_free(&f->b[i].l);
	}
	free(f->b);
	free(f->sorted);
	free(f->one);
	free(f);
}

static struct bucket *bucket_for(struct dsb_findings *f, int input, enum dsb_rule rule)
{
	if (input < 0 || (unsigned)rule >= DSB_RULE_COUNT)
		return NULL;
	if (input >= f->ninputs) {
		size_t want = (size_t)(input + 1) * DSB_RULE_COUNT;
		struct bucket *nb = realloc(f->b, want * sizeof(*nb));
		if (!nb)
			return NULL;
		memset(nb + (size_t)f->ninputs * DSB_RULE_COUNT, 0,
		       (want - (size_t)f->ninputs * DSB_RULE_COUNT) * sizeof(*nb));
		f->b = nb;
		f->ninputs = input + 1;
	}
	return &f->b[(size_t)input * DSB_RULE_COUNT + rule];
}

static int cmp_str_nullfirst(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_opt_i64(int64_t a, int64_t b)
{
	/* -1 means "none", which sorts first. */
	if (a == b)
		return 0;
	if (a < 0)
		return -1;
	if (b < 0)
		return 1;
	return a < b ? -1 : 1;
}

int dsb_finding_cmp(const struct dsb_finding *a, const struct dsb_finding *b)
{
	int c;
	if (a->input != b->input)
		return a->input < b->input ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if ((c = cmp_opt_i64(a->page, b->page)) != 0)
		return c;
	if ((c = cmp_opt_i64(a->offset, b->offset)) != 0)
		return c;
	if ((c = strcmp(dsb_rule_info(a->rule)->id, dsb_rule_info(b->rule)->id)) != 0)
		return c;
	if ((c = cmp_str_nullfirst(a->member, b->member)) != 0)
		return c;
	return strcmp(a->message, b->message);
}

static int qcmp(const void *a, const void *b)
{
	return dsb_finding_cmp(a, b);
}

static void bucket_trim(struct bucket *bk, size_t keep)
{
	if (bk->l.n <= keep)
		return;
	qsort(bk->l.v, bk->l.n, sizeof(*bk->l.v), qcmp);
	for (size_t k = keep; k < bk->l.n; k++)
		finding_clear(&bk->l.v[k]);
	bk->l.n = keep;
	/* One bucket is one input and one rule, so the line is the first key
	 * that differs: every kept finding sorts before any later line.  Later
	 * trims keep findings that sort no later, so the bound only tightens. */
	bk->capped = keep > 0;
	if (keep > 0)
		bk->cap_line = bk->l.v[keep - 1].line;
}

/* Takes ownership of *x's strings in every case. */
static void bucket_push(struct dsb_findings *f, struct bucket *bk, struct dsb_finding *x)
{
	if (bk->l.n == BUCKET_MAX)
		bucket_trim(bk, DSB_LIST_CAP);
	if (finding_vec_push(&bk->l, *x, BUCKET_MAX) != DSB_VEC_OK) {
		f->oom = true;
		finding_clear(x);
		return;
	}
	f->dirty = true;
}

/* Messages are one line: control characters become spaces. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* See struct bucket. */
static bool never_listed(const struct bucket *bk, const struct dsb_loc *loc)
{
	return bk->capped && loc && loc->line > bk->cap_line;
}

bool dsb_findings_count_if_unlisted(struct dsb_findings *f, int input, enum dsb_rule rule,
				    const struct dsb_loc *loc)
{
	struct bucket *bk = bucket_for(f, input, rule);
	if (!bk || !never_listed(bk, loc))
		return false;
	bk->total++;
	return true;
}

void dsb_findings_add(struct dsb_findings *f, int input, enum dsb_rule rule,
		      const struct dsb_loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dsb_findings_vadd(f, input, rule, loc, fmt, ap);
	va_end(ap);
}

void dsb_findings_vadd(struct dsb_findings *f, int input, enum dsb_rule rule,
		       const struct dsb_loc *loc, const char *fmt, va_list ap)
{
	struct bucket *bk = bucket_for(f, input, rule);
	if (!bk) {
		f->oom = true;
		return;
	}
	bk->total++;
	if (never_listed(bk, loc))
		return;

	char buf[DSB_MESSAGE_MAX];
	vsnprintf(buf, sizeof buf, fmt, ap);
	one_line(buf);

	static const struct dsb_loc none = DSB_LOC_INIT;
	if (!loc)
		loc = &none;
	struct dsb_finding x = {
		.rule = rule,
		.severity = dsb_rule_info(rule)->severity,
		.input = input,
		.message = strdup(buf),
		.member = dup_or_null(loc->member),
		.hbc = dup_or_null(loc->hbc),
		.fn = dup_or_null(loc->fn),
		.file = dup_or_null(loc->file),
		.table = dup_or_null(loc->table),
		.line = loc->line,
		.seq = loc->seq,
		.has_seq = loc->has_seq,
		.page = loc->page,
		.offset = loc->offset,
		.generation = loc->generation,
	};
	if (!x.message || (loc->member && !x.member) || (loc->hbc && !x.hbc) ||
	    (loc->fn && !x.fn) || (loc->file && !x.file) || (loc->table && !x.table)) {
		f->oom = true;
		finding_clear(&x);
		return;
	}
	bucket_push(f, bk, &x);
}

static void merge_shifted(struct dsb_findings *dst, struct dsb_findings *src, int base)
{
	for (int in = 0; in < src->ninputs; in++) {
		for (int r = 0; r < DSB_RULE_COUNT; r++) {
			struct bucket *s = &src->b[(size_t)in * DSB_RULE_COUNT + r];
			if (s->total == 0)
				continue;
			struct bucket *d = bucket_for(dst, in + base, (enum dsb_rule)r);
			if (!d) {
				dst->oom = true;
				continue;
			}
			d->total += s->total;
			for (size_t k = 0; k < s->l.n; k++) {
				s->l.v[k].input += base;
				bucket_push(dst, d, &s->l.v[k]);
			}
			s->l.n = 0;
			s->total = 0;
			s->capped = false;   /* its lines may have been rewritten */
		}
	}
	src->dirty = true;
}

void dsb_findings_merge(struct dsb_findings *dst, struct dsb_findings *src)
{
	merge_shifted(dst, src, 0);
}

void dsb_findings_merge_input(struct dsb_findings *dst, struct dsb_findings *src, int base)
{
	/* The whole report of an input: what it could not list, the run's
	 * report cannot list either. */
	if (src->oom)
		dst->oom = true;
	merge_shifted(dst, src, base);
}

static bool replace_str(char **slot, const char *s)
{
	char *n = s ? strdup(s) : NULL;
	if (s && !n)
		return false;
	free(*slot);
	*slot = n;
	return true;
}

void dsb_findings_merge_anchor(struct dsb_findings *dst, struct dsb_findings *src,
			       uint64_t line, const char *file, const char *member)
{
	for (int i = 0; i < src->ninputs * DSB_RULE_COUNT; i++) {
		struct bucket *bk = &src->b[i];
		for (size_t k = 0; k < bk->l.n; k++) {
			struct dsb_finding *x = &bk->l.v[k];
			x->line = line;
			if (!replace_str(&x->file, file) || !replace_str(&x->member, member))
				dst->oom = true;   /* the finding stays, counted and listed */
		}
	}
	dsb_findings_merge(dst, src);
}

void dsb_findings_merge_table(struct dsb_findings *dst, struct dsb_findings *src,
			      dsb_table_of_fn table_of, void *ctx)
{
	for (int i = 0; i < src->ninputs * DSB_RULE_COUNT; i++) {
		struct bucket *bk = &src->b[i];
		for (size_t k = 0; k < bk->l.n; k++) {
			struct dsb_finding *x = &bk->l.v[k];
			if (x->table || x->page < 0)
				continue;
			char buf[DSB_TABLE_NAME_MAX];
			const char *t = table_of(ctx, x->page, buf, sizeof buf);
			if (t && !replace_str(&x->table, t))
				dst->oom = true;   /* the finding stays, without its table */
		}
	}
	dsb_findings_merge(dst, src);
}

const struct dsb_finding *dsb_findings_sorted(struct dsb_findings *f, size_t *count)
{
	if (f->dirty || !f->sorted) {
		size_t n = 0;
		for (int i = 0; i < f->ninputs * DSB_RULE_COUNT; i++) {
			bucket_trim(&f->b[i], DSB_LIST_CAP);
			n += f->b[i].l.n;
		}
		free(f->sorted);
		f->sorted = malloc((n ? n : 1) * sizeof(*f->sorted));
		f->nsorted = 0;
		if (!f->sorted) {
			f->oom = true;
			*count = 0;
			return NULL;
		}
		/* A shallow copy: the strings stay owned by the buckets. */
		for (int i = 0; i < f->ninputs * DSB_RULE_COUNT; i++) {
			if (f->b[i].l.n == 0)   /* an empty bucket's v may be NULL */
				continue;
			memcpy(f->sorted + f->nsorted, f->b[i].l.v, f->b[i].l.n * sizeof(*f->sorted));
			f->nsorted += f->b[i].l.n;
		}
		qsort(f->sorted, f->nsorted, sizeof(*f->sorted), qcmp);
		f->dirty = false;
	}
	*count = f->nsorted;
	return f->sorted;
}

const struct dsb_finding *dsb_findings_sorted_input(struct dsb_findings *f, int input,
						    size_t *count)
{
	/* An input without findings has no buckets: an empty view. */
	static const struct dsb_finding none;
	*count = 0;
	if (input < 0 || input >= f->ninputs)
		return &none;
	struct bucket *b = &f->b[(size_t)input * DSB_RULE_COUNT];
	size_t n = 0;
	for (int r = 0; r < DSB_RULE_COUNT; r++) {
		/* A trim of a bucket already in the whole view changes nothing:
		 * that view was built from trimmed buckets, and anything added
		 * since marked it dirty. */
		bucket_trim(&b[r], DSB_LIST_CAP);
		n += b[r].l.n;
	}
	free(f->one);
	f->one = malloc((n ? n : 1) * sizeof(*f->one));
	if (!f->one) {
		f->oom = true;
		return NULL;
	}
	size_t o = 0;
	for (int r = 0; r < DSB_RULE_COUNT; r++) {
		if (b[r].l.n == 0)
			continue;
		memcpy(f->one + o, b[r].l.v, b[r].l.n * sizeof(*f->one));
		o += b[r].l.n;
	}
	qsort(f->one, o, sizeof(*f->one), qcmp);
	*count = o;
	return f->one;
}

uint64_t dsb_findings_count_rule(const struct dsb_findings *f, int input, enum dsb_rule rule)
{
	/* One input is one bucket: per-input totals (verdicts, the backup
	 * sets' look at each log's input) stay O(rules) with thousands of
	 * inputs in an `ese` collection. */
	if (input >= 0)
		return input < f->ninputs ? f->b[(size_t)input * DSB_RULE_COUNT + rule].total : 0;
	uint64_t t = 0;
	for (int in = 0; in < f->ninputs; in++)
		t += f->b[(size_t)in * DSB_RULE_COUNT + rule].total;
	return t;
}

uint64_t dsb_findings_total(const struct dsb_findings *f, int input, enum dsb_severity sev)
{
	uint64_t t = 0;
	for (int r = 0; r < DSB_RULE_COUNT; r++)
		if (dsb_rule_info((enum dsb_rule)r)->severity == sev)
			t += dsb_findings_count_rule(f, input, (enum dsb_rule)r);
	return t;
}

uint64_t dsb_findings_suppressed(const struct dsb_findings *f, enum dsb_rule rule)
{
	uint64_t t = 0;
	for (int in = 0; in < f->ninputs; in++) {
		const struct bucket *bk = &f->b[(size_t)in * DSB_RULE_COUNT + rule];
		size_t listed = bk->l.n < DSB_LIST_CAP ? bk->l.n : DSB_LIST_CAP;
		t += bk->total - listed;
	}
	return t;
}

bool dsb_findings_oom(const struct dsb_findings *f)
{
	return f->oom;
}
