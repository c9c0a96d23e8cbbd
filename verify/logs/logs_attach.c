/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lrtypAttachDB records of a log streaming by (REF §3.7): found by
 * format/ese_logrec.c's scan in each v8 segment (records never cross
 * one) or along the v7 body (they do cross sectors), kept when they log a
 * signLog other than the log's own: the attachment of a database last
 * consistent in another (the previous) stream.  The set judgement
 * (verify/set/set_attach.c) compares them with the databases.  Every log
 * keeps its own, whatever came before it, so the order of databases and
 * logs in a collection or capture never matters and no byte is read twice.
 */
#define DSB_LOGS_INTERNAL
#include "verify/logs/logs_int.h"

#include <stdlib.h>
#include <string.h>

struct found {
	struct dsb_logs *l;
	uint32_t unit;              /* bytes per LGPOS isec */
};

static bool keep(void *ctx, uint64_t at, const struct dsb_lr_attach *r)
{
	struct found *fd = ctx;
	struct lfact *f = &fd->l->cur;
	if (memcmp(r->sign_log.raw, f->h.sign_log.raw, sizeof r->sign_log.raw) == 0)
		return true;   /* an attach within this stream: bound by signLog already */
	if (f->nattach >= DSB_LOGS_ATTACH_KEPT)
		return false;   /* the rest of this piece: later records never decide */
	if (!f->attach) {
		f->attach = calloc(DSB_LOGS_ATTACH_KEPT, sizeof(*f->attach));
		if (!f->attach)
			return false;   /* out of memory: the records are not kept */
	}
	struct dsb_log_attach_rec *a = &f->attach[f->nattach++];
	a->at.generation = f->h.generation;
	a->at.isec = (uint16_t)(at / fd->unit);
	a->at.ib = (uint16_t)(at % fd->unit);
	a->lgpos_consistent = r->lgpos_consistent;
	a->sign_db = r->sign_db;
	a->sign_log = r->sign_log;
	return true;
}

void dsb_logs_attach_start(struct dsb_logs *l)
{
	dsb_lr_scan_reset(&l->scan, DSB_LOG_HDR_SIZE);
}

void dsb_logs_attach_segment(struct dsb_logs *l, const uint8_t *seg, size_t len)
{
	struct found fd = { .l = l, .unit = DSB_LOG_SEG_SIZE };
	uint64_t base = (uint64_t)l->walk.next_isec * DSB_LOG_SEG_SIZE;
	/* only segments the walker will classify, and that may hold data: a
	 * segment cut short, the last one (never read as data) and any past
	 * csecLGFile are not a log's records; the walker's verdict on the
	 * others drops what a non-data segment held (dsb_logs_attach_drop) */
	if (len != DSB_LOG_SEG_SIZE || l->walk.finished || l->walk.csec < 2 ||
	    l->walk.next_isec >= l->walk.csec - 1)
		return;
	/* records start after the segment's LGSEGHDR and end inside it */
	dsb_lr_scan_reset(&l->scan, base + DSB_LR_SEG_RECORDS_OFF);
	dsb_lr_scan_feed(&l->scan, seg + DSB_LR_SEG_RECORDS_OFF, len - DSB_LR_SEG_RECORDS_OFF,
			 len - DSB_LR_SEG_RECORDS_OFF, keep, &fd);
}

void dsb_logs_attach_v7(struct dsb_logs *l, const uint8_t *p, size_t n)
{
	struct found fd = { .l = l, .unit = l->cur.h.cb_sec ? l->cur.h.cb_sec : 1 };
	dsb_lr_scan_feed(&l->scan, p, n, 0, keep, &fd);
}

void dsb_logs_attach_drop(struct lfact *f, uint32_t isec)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < f->nattach; i++)
		if (f->attach[i].at.isec != isec)
			f->attach[k++] = f->attach[i];
	f->nattach = k;
}

void dsb_logs_attach_v7_end(struct lfact *f, uint64_t end)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < f->nattach; i++) {
		const struct dsb_ese_lgpos *p = &f->attach[i].at;
		uint64_t off = (uint64_t)p->isec * f->h.cb_sec + p->ib;
		if (off + DSB_LR_ATTACH_FIXED_SIZE <= end)
			f->attach[k++] = f->attach[i];
	}
	f->nattach = k;
}

bool dsb_logs_attach_copy(const struct lfact *f, struct dsb_log_attach_rec **out, uint32_t *n)
{
	*out = NULL;
	*n = 0;
	if (!f->nattach)
		return true;
	*out = malloc(f->nattach * sizeof(**out));
	if (!*out)
		return false;
	memcpy(*out, f->attach, f->nattach * sizeof(**out));
	*n = f->nattach;
	return true;
}
