/* SPDX-License-Identifier: Apache-2.0 */
#include "verify/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hex.h"
#include "lib/i18n.h"
#include "lib/vec.h"

struct dsb_report *dsb_report_new(enum dsb_fail_on fail_on)
{
	struct dsb_report *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->findings = dsb_findings_new();
	if (!r->findings) {
		free(r);
		return NULL;
	}
	r->fail_on = fail_on;
	return r;
}

void dsb_session_clear(struct dsb_session *s)
{
	free(s->hbc);
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].name);
		free(s->files[i].member);
	}
	free(s->files);
	memset(s, 0, sizeof(*s));
}

static void log_clear(struct dsb_log_entry *e)
{
	free(e->attach);
	free(e->member);
	free(e->file);
	free(e->name);
	memset(e, 0, sizeof(*e));
}

static void checkpoint_clear(struct dsb_checkpoint_entry *e)
{
	free(e->member);
	free(e->file);
	free(e->name);
	memset(e, 0, sizeof(*e));
}

static void patch_clear(struct dsb_patch_entry *e)
{
	free(e->member);
	free(e->name);
	memset(e, 0, sizeof(*e));
}

void dsb_report_free(struct dsb_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ninputs; i++) {
		free(r->inputs[i].path);
		free(r->inputs[i].container);
		free(r->inputs[i].file_kind);
		if (r->inputs[i].medium) {
			free(r->inputs[i].medium->image);
			free(r->inputs[i].medium->path);
			free(r->inputs[i].medium);
		}
		dsb_medium_free(r->inputs[i].backup_medium);
	}
	free(r->inputs);
	for (size_t i = 0; i < r->nsessions; i++)
		dsb_session_clear(&r->sessions[i]);
	free(r->sessions);
	for (size_t i = 0; i < r->ndatabases; i++)
		dsb_database_clear(&r->databases[i]);
	free(r->databases);
	for (size_t i = 0; i < r->nlogs; i++)
		log_clear(&r->logs[i]);
	free(r->logs);
	for (size_t i = 0; i < r->ncheckpoints; i++)
		checkpoint_clear(&r->checkpoints[i]);
	free(r->checkpoints);
	for (size_t i = 0; i < r->npatches; i++)
		patch_clear(&r->patches[i]);
	free(r->patches);
	for (size_t i = 0; i < r->nfolders; i++)
		free(r->folders[i].path);
	free(r->folders);
	for (size_t i = 0; i < r->nskips; i++) {
		free(r->skips[i].path);
		free(r->skips[i].why);
	}
	free(r->skips);
	for (size_t i = 0; i < r->nsets; i++)
		dsb_backup_set_clear(&r->sets[i]);
	free(r->sets);
	dsb_extraction_free(r->extraction);
	dsb_findings_free(r->findings);
	free(r);
}

void dsb_extraction_free(struct dsb_extraction *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nsets; i++) {
		for (size_t k = 0; k < x->sets[i].nfiles; k++) {
			struct dsb_extracted_file *f = &x->sets[i].files[k];
			free(f->name);
			free(f->member);
			free(f->file);
		}
		free(x->sets[i].files);
	}
	free(x->sets);
	free(x->dir);
	free(x);
}

int dsb_report_add_input(struct dsb_report *r, const char *path)
{
	struct dsb_input *n = realloc(r->inputs, (r->ninputs + 1) * sizeof(*n));
	if (!n)
		return -1;
	r->inputs = n;
	struct dsb_input *in = &r->inputs[r->ninputs];
	memset(in, 0, sizeof(*in));
	in->path = strdup(path);
	if (!in->path)
		return -1;
	return (int)r->ninputs++;
}

bool dsb_report_add_session(struct dsb_report *r, struct dsb_session *s)
{
	if (r->nsessions == r->sessions_cap) {
		size_t cap = r->sessions_cap ? 2 * r->sessions_cap : 16;
		struct dsb_session *n = realloc(r->sessions, cap * sizeof(*n));
		if (!n)
			return false;
		r->sessions = n;
		r->sessions_cap = cap;
	}
	r->sessions[r->nsessions++] = *s;
	memset(s, 0, sizeof(*s));
	return true;
}

bool dsb_report_add_database(struct dsb_report *r, struct dsb_database *db)
{
	/* A few per input (DSB_MAX_DATABASES): linear growth is fine. */
	struct dsb_database *n = realloc(r->databases, (r->ndatabases + 1) * sizeof(*n));
	if (!n) {
		dsb_database_clear(db);
		return false;
	}
	r->databases = n;
	r->databases[r->ndatabases++] = *db;
	memset(db, 0, sizeof(*db));
	return true;
}

/* Grow an entry array geometrically: a collection may hold thousands of
 * logs, and exports stay O(n).  False on OOM (nothing changed). */
static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	if (dsb_vec_capacity(*cap, n + 1, size, SIZE_MAX, &ncap) != DSB_VEC_OK)
		return false;
	if (ncap == *cap)
		return true;
	void *nv = realloc(*v, ncap * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}

bool dsb_report_add_log(struct dsb_report *r, struct dsb_log_entry *e)
{
	if (!grow((void **)&r->logs, &r->logs_cap, r->nlogs, sizeof(*r->logs))) {
		log_clear(e);
		return false;
	}
	r->logs[r->nlogs++] = *e;
	memset(e, 0, sizeof(*e));
	return true;
}

bool dsb_report_add_checkpoint(struct dsb_report *r, struct dsb_checkpoint_entry *e)
{
	if (!grow((void **)&r->checkpoints, &r->checkpoints_cap, r->ncheckpoints,
		  sizeof(*r->checkpoints))) {
		checkpoint_clear(e);
		return false;
	}
	r->checkpoints[r->ncheckpoints++] = *e;
	memset(e, 0, sizeof(*e));
	return true;
}

bool dsb_report_add_patch(struct dsb_report *r, struct dsb_patch_entry *e)
{
	if (!grow((void **)&r->patches, &r->patches_cap, r->npatches, sizeof(*r->patches))) {
		patch_clear(e);
		return false;
	}
	r->patches[r->npatches++] = *e;
	memset(e, 0, sizeof(*e));
	return true;
}

static void free_lines(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void dsb_backup_set_clear(struct dsb_backup_set *s)
{
	free(s->logs);
	free(s->present);
	free_lines(s->missing, s->nmissing);
	free_lines(s->reasons, s->nreasons);
	free_lines(s->next_steps, s->nsteps);
	free_lines(s->reasons_local, s->nreasons_local);
	free_lines(s->steps_local, s->nsteps_local);
	memset(s, 0, sizeof(*s));
}

bool dsb_report_add_set(struct dsb_report *r, struct dsb_backup_set *s)
{
	if (!grow((void **)&r->sets, &r->sets_cap, r->nsets, sizeof(*r->sets))) {
		dsb_backup_set_clear(s);
		return false;
	}
	r->sets[r->nsets++] = *s;
	memset(s, 0, sizeof(*s));
	return true;
}

/* The names are the report's (RC §3.10), in English; marked N_ so the
 * text report can say them in the user's language (lib/i18n.h). */
const char *dsb_set_verdict_name(enum dsb_set_verdict v)
{
	switch (v) {
	case DSB_SETV_NONE: return NULL;
	case DSB_SETV_RESTORABLE: return N_("restorable");
	case DSB_SETV_WARNINGS: return N_("restorable-with-warnings");
	case DSB_SETV_NOT_RESTORABLE: return N_("not-restorable");
	case DSB_SETV_UNKNOWN: return N_("unknown");
	}
	return NULL;
}

int dsb_report_add_folder(struct dsb_report *r, const char *path)
{
	/* One per folder PATH on the command line: linear growth is fine. */
	struct dsb_ese_folder *n = realloc(r->folders, (r->nfolders + 1) * sizeof(*n));
	if (!n)
		return -1;
	r->folders = n;
	struct dsb_ese_folder *f = &r->folders[r->nfolders];
	memset(f, 0, sizeof(*f));
	f->input = -1;
	f->path = strdup(path);
	if (!f->path)
		return -1;
	return (int)r->nfolders++;
}

bool dsb_report_add_skip(struct dsb_report *r, const char *path, const char *why)
{
	r->skips_total++;
	if (r->nskips >= DSB_ESE_SKIPS_LISTED)
		return true;
	/* At most DSB_ESE_SKIPS_LISTED entries: linear growth is fine. */
	struct dsb_ese_skip *n = realloc(r->skips, (r->nskips + 1) * sizeof(*n));
	if (!n)
		return false;
	r->skips = n;
	char *p = strdup(path), *w = strdup(why);
	if (!p || !w) {
		free(p);
		free(w);
		return false;
	}
	r->skips[r->nskips++] = (struct dsb_ese_skip){ .path = p, .why = w };
	return true;
}

void dsb_database_clear(struct dsb_database *db)
{
	free(db->member);
	free(db->file);
	for (size_t i = 0; db->tables && i < db->ntables; i++)
		free(db->tables[i].name);
	free(db->tables);
	memset(db, 0, sizeof(*db));
}

enum dsb_verdict dsb_report_verdict(const struct dsb_report *r, int input)
{
	for (size_t i = 0; i < r->ninputs; i++)
		if ((input < 0 || (int)i == input) && r->inputs[i].incomplete)
			return DSB_INCOMPLETE;
	if (r->fail_on == DSB_FAIL_ON_NEVER)
		return DSB_PASS;
	/* info < warning < error; fail_on values share that order. */
	static const enum dsb_severity sev[] = { DSB_SEV_INFO, DSB_SEV_WARNING, DSB_SEV_ERROR };
	for (int s = (int)r->fail_on; s <= DSB_FAIL_ON_ERROR; s++)
		if (dsb_findings_total(r->findings, input, sev[s]) > 0)
			return DSB_FAIL;
	return DSB_PASS;
}

const char *dsb_verdict_name(enum dsb_verdict v)
{
	switch (v) {
	case DSB_PASS: return N_("pass");
	case DSB_FAIL: return N_("fail");
	case DSB_INCOMPLETE: return N_("incomplete");
	}
	return "?";
}

/* ---- what renderers show of a database's header -------------------------- */

void dsb_logtime_show(char *out, size_t n, const struct dsb_ese_logtime *t)
{
	if (!t->is_null)
		snprintf(out, n, "%04u-%02u-%02uT%02u:%02u:%02u",
			 t->year % 10000u, t->month % 100u, t->day % 100u, t->hour % 100u,
			 t->min % 100u, t->sec % 100u);
}

/* The computer name: 16 bytes of the raw signature at offset 12, NUL
 * padded, through the one escape set (it is header structure, not record
 * content, but need not be printable). */
#define SIGN_COMPUTER_OFF 12
#define SIGN_COMPUTER_LEN 16
_Static_assert(SIGN_COMPUTER_OFF + SIGN_COMPUTER_LEN <= DSB_ESE_SIGNATURE_SIZE,
	       "the computer name lies inside the raw signature");
_Static_assert(sizeof(((struct dsb_db_signature *)0)->computer) >= DSB_ESCAPE_SIZE(SIGN_COMPUTER_LEN),
	       "every escaped computer name fits");

static void show_signature(struct dsb_db_signature *o, const struct dsb_ese_signature *sg)
{
	memset(o, 0, sizeof(*o));
	o->present = !sg->is_null;
	if (!o->present)
		return;
	o->random = sg->random;
	dsb_logtime_show(o->created, sizeof o->created, &sg->created);
	const uint8_t *name = sg->raw + SIGN_COMPUTER_OFF;
	size_t len = 0;
	while (len < SIGN_COMPUTER_LEN && name[len])
		len++;
	dsb_escape(o->computer, sizeof o->computer, name, len);
}

static void show_backup(struct dsb_db_backup *o, const struct dsb_ese_bkinfo *b)
{
	memset(o, 0, sizeof(*o));
	o->present = b->gen_low || b->gen_high || b->mark.generation || !b->time.is_null;
	o->gen_low = b->gen_low;
	o->gen_high = b->gen_high;
	o->mark_generation = b->mark.generation;
	o->mark_isec = b->mark.isec;
	o->mark_ib = b->mark.ib;
	dsb_logtime_show(o->time, sizeof o->time, &b->time);
}

void dsb_database_view(const struct dsb_database *db, struct dsb_db_view *out)
{
	memset(out, 0, sizeof(*out));
	if (!db->sum.header_ok)
		return;
	show_signature(&out->sign_db, &db->sum.header.sign_db);
	show_signature(&out->sign_log, &db->sum.header.sign_log);
	show_backup(&out->full_prev, &db->sum.header.bk_full_prev);
	show_backup(&out->full_cur, &db->sum.header.bk_full_cur);
}

void dsb_log_view(const struct dsb_log_entry *lg, struct dsb_log_view *out)
{
	memset(out, 0, sizeof(*out));
	if (!lg->header_ok)
		return;
	show_signature(&out->sign_log, &lg->sign_log);
	dsb_logtime_show(out->created, sizeof out->created, &lg->created);
	dsb_logtime_show(out->prev_created, sizeof out->prev_created, &lg->prev_created);
}

void dsb_checkpoint_view(const struct dsb_checkpoint_entry *ck, struct dsb_db_signature *out)
{
	memset(out, 0, sizeof(*out));
	if (ck->copy_ok[0] || ck->copy_ok[1])
		show_signature(out, &ck->sign_log);
}

/* ---- one input's report into the run's ----------------------------------- */

/* Move the *sn elements (of `size` bytes) at sv to the end of the array
 * *dv of *dn elements: *dcap allocated when dcap is not NULL, else
 * exactly *dn.  *sn becomes 0; the elements' owned memory moves with
 * them.  False on out-of-memory (nothing moved). */
static bool move_all(void **dv, size_t *dn, size_t *dcap, const void *sv, size_t *sn,
		     size_t size)
{
	if (*sn == 0)
		return true;
	size_t have = dcap ? *dcap : *dn;
	if (*dn + *sn > have) {
		size_t want;
		if (dsb_vec_capacity(have, *dn + *sn, size, SIZE_MAX, &want) != DSB_VEC_OK)
			return false;
		void *nv = realloc(*dv, want * size);
		if (!nv)
			return false;
		*dv = nv;
		if (dcap)
			*dcap = want;
	}
	memcpy((char *)*dv + *dn * size, sv, *sn * size);
	*dn += *sn;
	*sn = 0;
	return true;
}

bool dsb_report_absorb(struct dsb_report *dst, struct dsb_report *src)
{
	/* Every index src holds, made one of dst's, then the arrays moved. */
	int base = (int)dst->ninputs;
	size_t db_base = dst->ndatabases, log_base = dst->nlogs, ck_base = dst->ncheckpoints;
	for (size_t i = 0; i < src->nsessions; i++)
		src->sessions[i].input += base;
	for (size_t i = 0; i < src->ndatabases; i++)
		src->databases[i].input += base;
	for (size_t i = 0; i < src->nlogs; i++)
		src->logs[i].input += base;
	for (size_t i = 0; i < src->ncheckpoints; i++)
		src->checkpoints[i].input += base;
	for (size_t i = 0; i < src->npatches; i++) {
		src->patches[i].input += base;
		if (src->patches[i].database >= 0)
			src->patches[i].database += (int64_t)db_base;
	}
	for (size_t i = 0; i < src->nfolders; i++)
		if (src->folders[i].input >= 0)
			src->folders[i].input += base;
	for (size_t i = 0; i < src->nsets; i++) {
		struct dsb_backup_set *s = &src->sets[i];
		s->input += base;
		if (s->database >= 0)
			s->database += (int64_t)db_base;
		if (s->checkpoint >= 0)
			s->checkpoint += (int64_t)ck_base;
		for (size_t k = 0; k < s->nlogs; k++)
			s->logs[k] += log_base;
	}
	/* Referenced before referencing: a set moves only after the
	 * databases, logs and checkpoints it points at. */
	bool ok = move_all((void **)&dst->inputs, &dst->ninputs, NULL, src->inputs,
			   &src->ninputs, sizeof(*src->inputs)) &&
		  move_all((void **)&dst->sessions, &dst->nsessions, &dst->sessions_cap,
			   src->sessions, &src->nsessions, sizeof(*src->sessions)) &&
		  move_all((void **)&dst->databases, &dst->ndatabases, NULL, src->databases,
			   &src->ndatabases, sizeof(*src->databases)) &&
		  move_all((void **)&dst->logs, &dst->nlogs, &dst->logs_cap, src->logs,
			   &src->nlogs, sizeof(*src->logs)) &&
		  move_all((void **)&dst->checkpoints, &dst->ncheckpoints, &dst->checkpoints_cap,
			   src->checkpoints, &src->ncheckpoints, sizeof(*src->checkpoints)) &&
		  move_all((void **)&dst->patches, &dst->npatches, &dst->patches_cap,
			   src->patches, &src->npatches, sizeof(*src->patches)) &&
		  move_all((void **)&dst->sets, &dst->nsets, &dst->sets_cap, src->sets,
			   &src->nsets, sizeof(*src->sets)) &&
		  move_all((void **)&dst->folders, &dst->nfolders, NULL, src->folders,
			   &src->nfolders, sizeof(*src->folders)) &&
		  move_all((void **)&dst->skips, &dst->nskips, NULL, src->skips, &src->nskips,
			   sizeof(*src->skips));
	dst->skips_total += src->skips_total;
	src->skips_total = 0;
	/* The findings last: their input indices are the inputs' new places. */
	if (ok)
		dsb_findings_merge_input(dst->findings, src->findings, base);
	return ok;
}

const char *dsb_patch_kind_name(enum dsb_patch_kind k)
{
	switch (k) {
	case DSB_PATCH_EMPTY:
		return "empty";
	case DSB_PATCH_PATCHHDR:
		return "patchhdr";
	case DSB_PATCH_LEGACY:
		return "legacy";
	}
	return "?";
}

static const char *const patch_diff_names[DSB_PATCH_DIFF_COUNT] = {
	"signDb", "signLog", "lgposMark", "genLow", "genHigh",
};
_Static_assert(DSB_PATCH_DIFF_GEN_HIGH == 1u << (DSB_PATCH_DIFF_COUNT - 1),
	       "one name per compared field");

const char *dsb_patch_diff_name(unsigned bit)
{
	return bit < DSB_PATCH_DIFF_COUNT ? patch_diff_names[bit] : "?";
}

void dsb_patch_view(const struct dsb_patch_entry *p, struct dsb_db_signature *sign_db,
		    struct dsb_db_signature *sign_log, struct dsb_db_backup *bk)
{
	memset(sign_db, 0, sizeof(*sign_db));
	memset(sign_log, 0, sizeof(*sign_log));
	memset(bk, 0, sizeof(*bk));
	if (!p->header_ok)
		return;
	show_signature(sign_db, &p->sign_db);
	show_signature(sign_log, &p->sign_log);
	show_backup(bk, &p->bkinfo);
}

void dsb_medium_free(struct dsb_medium *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nhives; i++)
		free(m->hives[i].name);
	free(m->hives);
	for (size_t i = 0; i < m->nbackups; i++) {
		struct dsb_medium_backup *b = &m->backups[i];
		for (size_t k = 0; k < b->nvolumes; k++)
			free(b->volumes[k].file);
		free(b->volumes);
		free(b->folder);
		free(b->host);
		free(b->ntds_database);
		free(b->ntds_logs);
	}
	free(m->backups);
	free(m->database);
	free(m);
}
