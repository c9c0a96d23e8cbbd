/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A database last made consistent in the previous log stream (REF §3.7;
 * logredo.cxx ErrLGRICheckRedoAttachDb).  ESE logs the attach before it
 * rewrites the header: when the header write never happened, the
 * database keeps the previous stream's signLog and lgposConsistent, and
 * the new stream's lrtypAttachDB record holds both.  Recovery compares
 * the header with that record:
 *   - signLog and signDb as logged, lgposConsistent as logged: the
 *     attach is redone, the header set as after it, and the logs replay
 *     into the database (accepted);
 *   - signLog and signDb as logged, lgposConsistent not: -551
 *     JET_errConsistentTimeMismatch (DSB-S013);
 *   - signDb not as logged: the attachment is deferred, as when nothing
 *     names it: -1216 at the end of recovery (DSB-S001).
 * The records come from each log's own scan (verify/logs/logs_attach.c),
 * so the order in which database and logs arrived does not matter.
 */
#define DSB_SET_INTERNAL
#include "verify/set/set_int.h"

#include <string.h>

static bool same_sign(const struct dsb_ese_signature *a, const struct dsb_ese_signature *b)
{
	return memcmp(a->raw, b->raw, sizeof a->raw) == 0;
}

void dsb_set_prev_stream(const struct dsb_report *rep, const struct dsb_database *db,
			 const size_t *ix, size_t n, struct set_prev *out)
{
	memset(out, 0, sizeof(*out));
	const struct dsb_ese_header *h = &db->sum.header;
	if (!db->sum.header_ok || h->sign_log.is_null)
		return;
	size_t count = ix ? n : rep->nlogs;
	for (size_t k = 0; k < count; k++) {
		size_t i = ix ? ix[k] : k;
		const struct dsb_log_entry *lg = &rep->logs[i];
		if (!lg->header_ok || same_sign(&lg->sign_log, &h->sign_log))
			continue;
		for (uint32_t r = 0; r < lg->nattach; r++) {
			const struct dsb_log_attach_rec *a = &lg->attach[r];
			if (!same_sign(&a->sign_log, &h->sign_log) || !same_sign(&a->sign_db, &h->sign_db))
				continue;
			/* the first attach of it in the stream decides: later ones
			 * come after the header was set as after the attach */
			if (out->kind != SET_PREV_NONE && dsb_ese_lgpos_cmp(&a->at, &out->rec.at) >= 0)
				continue;
			out->kind = dsb_ese_lgpos_cmp(&a->lgpos_consistent, &h->lgpos_consistent) == 0
				? SET_PREV_ACCEPTED : SET_PREV_TIME;
			out->log = i;
			out->rec = *a;
		}
	}
}

bool dsb_set_bound(const struct set_work *w, const struct dsb_log_entry *lg)
{
	if (!w->db || !w->db->sum.header_ok)
		return true;
	if (same_sign(&lg->sign_log, &w->db->sum.header.sign_log))
		return true;
	return w->prev.kind == SET_PREV_ACCEPTED &&
	       same_sign(&lg->sign_log, &w->rep->logs[w->prev.log].sign_log);
}

void dsb_set_judge_prev(struct set_work *w)
{
	if (w->prev.kind != SET_PREV_TIME)
		return;
	const struct dsb_ese_header *h = &w->db->sum.header;
	const struct dsb_log_attach_rec *a = &w->prev.rec;
	struct dsb_db_view vw;
	dsb_database_view(w->db, &vw);
	char nm[DSB_LOG_NAME_FMT_MAX];
	dsb_set_gen_name(&w->set, (uint32_t)a->at.generation, nm);
	struct dsb_loc loc = DSB_LOC_INIT;
	loc.member = w->db->member;
	loc.file = w->db->file;
	loc.line = w->db->line;
	loc.generation = a->at.generation;
	dsb_findings_add(w->rep->findings, w->set.input, DSB_S013, &loc,
			 "the database was last consistent in the previous log stream (signature 0x%08x, created %s), and %s attaches it at (%d,%u,%u), but that record logged its consistent point as (%d,%u,%u) where the database header has (%d,%u,%u): this copy of the database is not the one these logs attached",
			 (unsigned)vw.sign_log.random,
			 vw.sign_log.created[0] ? vw.sign_log.created : "(not set)", nm,
			 (int)a->at.generation, (unsigned)a->at.isec, (unsigned)a->at.ib,
			 (int)a->lgpos_consistent.generation, (unsigned)a->lgpos_consistent.isec,
			 (unsigned)a->lgpos_consistent.ib, (int)h->lgpos_consistent.generation,
			 (unsigned)h->lgpos_consistent.isec, (unsigned)h->lgpos_consistent.ib);
}
