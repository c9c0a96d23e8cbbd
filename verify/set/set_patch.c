/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Patch files (*.pat) bound to their database (REF §3.10, §3.11 "Trailer
 * and patch file"): DSB-S014, S015, S016.
 *
 * A .pat of the PATCHHDR form (Windows 7-era engines; current ones leave
 * it empty and write the trailer page instead) is what a hard restore
 * reads in place of the trailer.  ESE's restore finds its databases by
 * the .pat names (ErrBuildRstmapForRestore), then compares each patch
 * header with its database (ErrLGCheckDBFiles): signDb, the header's and
 * the patch's signLog, bkinfoFullCur.lgposMark against the patch's mark;
 * the generations to replay are the patch's genLow..genHigh (genLow the
 * header's bkinfoFullCur.genLow, genHigh not 0: ErrDBCheckDBHeaderAndTrailer).
 *
 * Binding, once per collection (dsb_set_patches_bind): a .pat goes to
 * the database whose signDb it carries, in its own folder first, then
 * anywhere in the collection; when none carries it, to the database of
 * the same name in its folder (ntds.pat beside ntds.dit), which is how
 * the restore itself pairs them, and whose signDb then differs.  Judged
 * with each database's set (dsb_set_patches_judge): the fields, against a
 * streamed copy only (a hard restore reads a patch file for nothing else),
 * and a second .pat for one database.  Sorted keys make the binding
 * n log n whatever the number of files.
 */
#define DSB_SET_INTERNAL
#include "verify/set/set_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hex.h"

/* A file's name in a message: escaped, cut. */
#define PAT_NAME_SHOWN 96
#define PAT_NAME_SIZE DSB_ESCAPE_CUT_SIZE(PAT_NAME_SHOWN)

static const char *input_path(const struct dsb_report *r, int input)
{
	return input >= 0 && (size_t)input < r->ninputs && r->inputs[input].path
		       ? r->inputs[input].path : "";
}

/* The folder part of a path ("" for a bare name): its length. */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

static bool same_dir(const char *a, const char *b)
{
	size_t la = dir_len(a), lb = dir_len(b);
	return la == lb && memcmp(a, b, la) == 0;
}

/* The last part of a path up to its last dot, compared without case as
 * Windows names are: "ntds" of "x/NTDS.dit" and of "x/ntds.pat". */
static void stem(const char *path, const char **p, size_t *n)
{
	const char *own = path + dir_len(path) + (strchr(path, '/') ? 1 : 0);
	const char *dot = strrchr(own, '.');
	*p = own;
	*n = dot ? (size_t)(dot - own) : strlen(own);
}

static int stem_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	for (size_t i = 0; i < na && i < nb; i++) {
		int x = tolower((unsigned char)a[i]), y = tolower((unsigned char)b[i]);
		if (x != y)
			return x - y;
	}
	return na < nb ? -1 : na > nb;
}

/* Databases by signDb, and by folder and name stem. */
struct db_key {
	const struct dsb_report *rep;
	size_t ix;
};

static const struct dsb_database *key_db(const struct db_key *k)
{
	return &k->rep->databases[k->ix];
}

static int by_sign_db(const void *a, const void *b)
{
	const struct db_key *x = a, *y = b;
	int c = memcmp(key_db(x)->sum.header.sign_db.raw, key_db(y)->sum.header.sign_db.raw,
		       DSB_ESE_SIGNATURE_SIZE);
	return c ? c : x->ix < y->ix ? -1 : x->ix > y->ix;
}

static int place_cmp(const char *pa, const char *pb)
{
	size_t la = dir_len(pa), lb = dir_len(pb);
	int c = memcmp(pa, pb, la < lb ? la : lb);
	if (c || la != lb)
		return c ? c : la < lb ? -1 : 1;
	const char *sa, *sb;
	size_t na, nb;
	stem(pa, &sa, &na);
	stem(pb, &sb, &nb);
	return stem_cmp(sa, na, sb, nb);
}

static int by_place(const void *a, const void *b)
{
	const struct db_key *x = a, *y = b;
	int c = place_cmp(input_path(x->rep, key_db(x)->input), input_path(y->rep, key_db(y)->input));
	return c ? c : x->ix < y->ix ? -1 : x->ix > y->ix;
}

/* The first key of the sorted run whose signDb is sg (n: none). */
static size_t first_with_sign(const struct db_key *k, size_t n, const struct dsb_ese_signature *sg)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(key_db(&k[mid])->sum.header.sign_db.raw, sg->raw, DSB_ESE_SIGNATURE_SIZE) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t first_at_place(const struct db_key *k, size_t n, const char *path)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (place_cmp(input_path(k[mid].rep, key_db(&k[mid])->input), path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void patch_add(struct dsb_report *rep, const struct dsb_patch_entry *p, enum dsb_rule rule,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void patch_add(struct dsb_report *rep, const struct dsb_patch_entry *p, enum dsb_rule rule,
		      const char *fmt, ...)
{
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = p->member;
	va_list ap;
	va_start(ap, fmt);
	dsb_findings_vadd(rep->findings, p->input, rule, &loc, fmt, ap);
	va_end(ap);
}

static const char *shown(char out[PAT_NAME_SIZE], const char *s)
{
	return dsb_escape_cut(out, PAT_NAME_SHOWN, s, strlen(s));
}

/* Bind p to a database: by signDb (its folder first), else by name. */
static void bind_one(struct dsb_report *rep, struct dsb_patch_entry *p, const struct db_key *bysign,
		     size_t nsign, const struct db_key *byplace, size_t nplace)
{
	const char *ppath = input_path(rep, p->input);
	if (p->header_ok) {
		size_t k = first_with_sign(bysign, nsign, &p->sign_db);
		int64_t any = -1;
		for (; k < nsign && memcmp(key_db(&bysign[k])->sum.header.sign_db.raw,
					   p->sign_db.raw, DSB_ESE_SIGNATURE_SIZE) == 0; k++) {
			const struct dsb_database *db = key_db(&bysign[k]);
			if (same_dir(input_path(rep, db->input), ppath)) {
				p->database = (int64_t)bysign[k].ix;
				return;
			}
			if (any < 0)
				any = (int64_t)bysign[k].ix;
		}
		if (any >= 0) {
			p->database = any;
			return;
		}
	}
	size_t k = first_at_place(byplace, nplace, ppath);
	if (k < nplace && place_cmp(input_path(rep, key_db(&byplace[k])->input), ppath) == 0) {
		p->database = (int64_t)byplace[k].ix;
		p->by_name = true;
	}
}

void dsb_set_patches_bind(struct dsb_report *rep)
{
	if (!rep->npatches)
		return;
	size_t nd = rep->ndatabases, nsign = 0;
	struct db_key *bysign = malloc((nd + 1) * sizeof(*bysign));
	struct db_key *byplace = malloc((nd + 1) * sizeof(*byplace));
	if (!bysign || !byplace) {
		free(bysign);
		free(byplace);
		struct dsb_status st = { 0 };
		dsb_status_nomem(&st, rep->findings, rep->patches[0].input);
		return;
	}
	for (size_t d = 0; d < nd; d++) {
		byplace[d] = (struct db_key){ rep, d };
		if (rep->databases[d].sum.header_ok)
			bysign[nsign++] = (struct db_key){ rep, d };
	}
	qsort(bysign, nsign, sizeof(*bysign), by_sign_db);
	qsort(byplace, nd, sizeof(*byplace), by_place);
	for (size_t i = 0; i < rep->npatches; i++) {
		struct dsb_patch_entry *p = &rep->patches[i];
		p->database = -1;
		if (p->kind != DSB_PATCH_PATCHHDR)
			continue;   /* empty: a name only; legacy: not read (L036) */
		bind_one(rep, p, bysign, nsign, byplace, nd);
		if (p->database >= 0 || !p->header_ok)
			continue;
		char nm[PAT_NAME_SIZE];
		patch_add(rep, p, DSB_S015,
			  "%s carries the signDb of a database (random 0x%08x) that is not in the collection, and no database of the collection is named like it in its folder: a restore from its folder fails with -1811 JET_errFileNotFound",
			  shown(nm, p->name ? p->name : "-"), (unsigned)p->sign_db.random);
	}
	free(bysign);
	free(byplace);
}

/* What the patch header must equal in a streamed copy of the database
 * (ErrLGCheckDBFiles, ErrDBCheckDBHeaderAndTrailer): the mismatch bits. */
static unsigned compare(const struct dsb_patch_entry *p, const struct dsb_ese_summary *sum)
{
	const struct dsb_ese_header *h = &sum->header;
	unsigned m = 0;
	if (memcmp(p->sign_db.raw, h->sign_db.raw, DSB_ESE_SIGNATURE_SIZE) != 0)
		m |= DSB_PATCH_DIFF_SIGN_DB;
	if (memcmp(p->sign_log.raw, h->sign_log.raw, DSB_ESE_SIGNATURE_SIZE) != 0)
		m |= DSB_PATCH_DIFF_SIGN_LOG;
	if (dsb_ese_lgpos_cmp(&p->bkinfo.mark, &h->bk_full_cur.mark) != 0)
		m |= DSB_PATCH_DIFF_MARK;
	if (p->bkinfo.gen_low != h->bk_full_cur.gen_low)
		m |= DSB_PATCH_DIFF_GEN_LOW;
	if (p->bkinfo.gen_high == 0 ||
	    (sum->trailer_ok && p->bkinfo.gen_high != sum->trailer.bkinfo.gen_high))
		m |= DSB_PATCH_DIFF_GEN_HIGH;
	return m;
}

/* "signDb (random 0x1 here, 0x2 in the database), genHigh (0)": each
 * field that differs, with both values. */
static void differences(const struct dsb_patch_entry *p, const struct dsb_ese_summary *sum,
			char *out, size_t cap)
{
	const struct dsb_ese_header *h = &sum->header;
	size_t o = 0;
	out[0] = '\0';
	for (unsigned b = 0; b < DSB_PATCH_DIFF_COUNT; b++) {
		if (!(p->mismatch & (1u << b)))
			continue;
		char v[160];
		switch (1u << b) {
		case DSB_PATCH_DIFF_SIGN_DB:
			snprintf(v, sizeof v, "random 0x%08x, the database's 0x%08x", p->sign_db.random,
				 h->sign_db.random);
			break;
		case DSB_PATCH_DIFF_SIGN_LOG:
			snprintf(v, sizeof v, "random 0x%08x, the database's 0x%08x", p->sign_log.random,
				 h->sign_log.random);
			break;
		case DSB_PATCH_DIFF_MARK:
			snprintf(v, sizeof v, "%d:%u:%u, bkinfoFullCur's %d:%u:%u",
				 p->bkinfo.mark.generation, p->bkinfo.mark.isec, p->bkinfo.mark.ib,
				 h->bk_full_cur.mark.generation, h->bk_full_cur.mark.isec,
				 h->bk_full_cur.mark.ib);
			break;
		case DSB_PATCH_DIFF_GEN_LOW:
			snprintf(v, sizeof v, "%u, bkinfoFullCur's %u", (unsigned)p->bkinfo.gen_low,
				 (unsigned)h->bk_full_cur.gen_low);
			break;
		default:
			if (p->bkinfo.gen_high == 0)
				snprintf(v, sizeof v, "0: the backup never completed");
			else
				snprintf(v, sizeof v, "%u, the trailer's %u", (unsigned)p->bkinfo.gen_high,
					 (unsigned)sum->trailer.bkinfo.gen_high);
			break;
		}
		int w = snprintf(out + o, cap - o, "%s%s (%s)", o ? "; " : "", dsb_patch_diff_name(b), v);
		if (w < 0 || (size_t)w >= cap - o)
			return;
		o += (size_t)w;
	}
}

/* The one of several .pat of a database a restore pairs with it by
 * name, else the first: the others get S016. */
static size_t keeper(const struct set_work *w, const size_t *ix, size_t n)
{
	const char *dbp = input_path(w->rep, w->db->input);
	for (size_t k = 0; k < n; k++)
		if (place_cmp(input_path(w->rep, w->rep->patches[ix[k]].input), dbp) == 0)
			return k;
	return 0;
}

void dsb_set_patches_judge(struct set_work *w)
{
	struct dsb_report *rep = w->rep;
	size_t *ix = NULL, n = 0;
	for (size_t i = 0; i < rep->npatches; i++) {
		if (rep->patches[i].database != w->set.database)
			continue;
		size_t *v = realloc(ix, (n + 1) * sizeof(*v));
		if (!v) {
			free(ix);
			dsb_set_oom(w);
			return;
		}
		ix = v;
		ix[n++] = i;
	}
	char dbname[PAT_NAME_SIZE], nm[PAT_NAME_SIZE], other[PAT_NAME_SIZE];
	const char *dbp = input_path(rep, w->db->input);
	shown(dbname, dbp + dir_len(dbp) + (strchr(dbp, '/') ? 1 : 0));
	size_t keep = n ? keeper(w, ix, n) : 0;
	for (size_t k = 0; k < n; k++) {
		struct dsb_patch_entry *p = &rep->patches[ix[k]];
		shown(nm, p->name ? p->name : "-");
		if (k != keep) {
			w->patch_warnings = true;
			shown(other, rep->patches[ix[keep]].name ? rep->patches[ix[keep]].name : "-");
			patch_add(rep, p, DSB_S016,
				  "%s is a second patch file for %s, beside %s: a restore maps one database per .pat name",
				  nm, dbname, other);
		}
		if (!p->header_ok || !w->streamed)
			continue;   /* a hard restore reads a patch file for a streamed copy only */
		p->compared = true;
		p->mismatch = compare(p, &w->db->sum);
		if (!p->mismatch)
			continue;
		w->patch_mismatch = true;
		char diff[DSB_MESSAGE_MAX / 2];
		differences(p, &w->db->sum, diff, sizeof diff);
		bool gens_only = !(p->mismatch & ~(DSB_PATCH_DIFF_GEN_LOW | DSB_PATCH_DIFF_GEN_HIGH)) &&
				 p->bkinfo.gen_high != 0;
		patch_add(rep, p, DSB_S014, "%s does not match %s, %s: %s: %s", nm, dbname,
			  p->by_name ? "the database named like it (no database carries its signDb)"
				     : "the database whose signDb it carries",
			  diff, gens_only
			  ? "a hard restore replays the patch file's generations, not the database's (ESE asserts they are equal; -554 or -553 when the logs do not cover them)"
			  : "a hard restore fails with -552 JET_errDatabasePatchFileMismatch");
	}
	free(ix);
}
