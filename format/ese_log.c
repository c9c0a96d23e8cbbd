/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LGFILEHDR, ATTACHINFO lists, CHECKPOINT and .pat files: bytes to
 * structures (REF §3.2, §3.8, §3.10).  See format/ese_log.h.
 */
#include "format/ese_log.h"

#include <stdio.h>
#include <string.h>

#include "format/cursor.h"

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- ATTACHINFO ------------------------------------------------------- */

void dsb_log_attach_decode(const uint8_t *buf, size_t len, size_t area_off,
			   struct dsb_log_attach_list *out)
{
	memset(out, 0, sizeof(*out));
	size_t area = len > area_off ? len - area_off : 0;
	if (area > DSB_LOG_ATTACH_AREA_SIZE)
		area = DSB_LOG_ATTACH_AREA_SIZE;
	struct dsb_cursor c = dsb_cursor_make(area ? buf + area_off : buf, area);
	for (;;) {
		size_t at = c.off;
		struct dsb_cursor rec = dsb_cursor_make(c.p + at, c.len - at);
		out->end_off = (uint32_t)at;
		uint8_t dbid;
		if (!dsb_get_u8(&c, &dbid)) {
			out->end = DSB_LOG_ATTACH_UNTERMINATED;
			return;
		}
		if (dbid == 0) {
			out->end = DSB_LOG_ATTACH_TERMINATED;
			out->tail_zero = all_zero(c.p + c.off, dsb_cursor_left(&c));
			return;
		}
		if (out->count == DSB_LOG_ATTACH_MAX) {
			out->end = DSB_LOG_ATTACH_LIMIT;
			return;
		}
		/* The fixed part, then the names: a record that does not fit
		 * is not kept. */
		if (!dsb_cursor_skip(&c, DSB_LOG_ATT_FIXED_SIZE - 1)) {
			out->end = DSB_LOG_ATTACH_OVERRUN;
			return;
		}
		struct dsb_log_attach *a = &out->rec[out->count];
		a->dbid = dbid;
		a->flags = dsb_at_u8(&rec, DSB_LOG_ATT_FLAGS_OFF);
		a->cb_names = dsb_at_le16(&rec, DSB_LOG_ATT_CB_NAMES_OFF);
		a->dbtime = dsb_at_le64(&rec, DSB_LOG_ATT_DBTIME_OFF);
		a->objid_last = dsb_at_le32(&rec, DSB_LOG_ATT_OBJID_LAST_OFF);
		a->cpg_max = dsb_at_le32(&rec, DSB_LOG_ATT_CPG_MAX_OFF);
		dsb_ese_read_lgpos(&rec, DSB_LOG_ATT_LGPOS_ATTACH_OFF, &a->lgpos_attach);
		dsb_ese_read_lgpos(&rec, DSB_LOG_ATT_LGPOS_CONS_OFF, &a->lgpos_consistent);
		dsb_ese_read_signature(&rec, DSB_LOG_ATT_SIGN_DB_OFF, &a->sign_db);
		a->name_off = (uint32_t)(area_off + at + DSB_LOG_ATT_FIXED_SIZE);
		if (!dsb_cursor_skip(&c, a->cb_names)) {
			memset(a, 0, sizeof(*a));
			out->end = DSB_LOG_ATTACH_OVERRUN;
			return;
		}
		out->count++;
	}
}

/* ---- LGFILEHDR -------------------------------------------------------- */

void dsb_log_version_format(const struct dsb_log_version *v, char *out, size_t n)
{
	snprintf(out, n, "%u.%u.%u.%u", v->major, v->minor, v->update_major, v->update_minor);
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

int dsb_log_version_cmp(const struct dsb_log_version *a, const struct dsb_log_version *b)
{
	int r = cmp_u32(a->major, b->major);
	if (!r)
		r = cmp_u32(a->minor, b->minor);
	if (!r)
		r = cmp_u32(a->update_major, b->update_major);
	if (!r)
		r = cmp_u32(a->update_minor, b->update_minor);
	return r;
}

bool dsb_log_zero_filled(const struct dsb_log_version *v)
{
	/* FLGVersionZeroFilled compares major.minor.updateMajor only. */
	struct dsb_log_version from = { .major = 8, .minor = 4000, .update_major = 2 };
	struct dsb_log_version mine = *v;
	mine.update_minor = 0;
	return dsb_log_version_cmp(&mine, &from) >= 0;
}

bool dsb_log_header_decode(const uint8_t *buf, size_t len, struct dsb_log_header *h)
{
	memset(h, 0, sizeof(*h));
	if (len < DSB_LOG_HDR_SIZE)
		return false;
	struct dsb_cursor c = dsb_cursor_make(buf, DSB_LOG_HDR_SIZE);
	h->checksum = dsb_at_le32(&c, DSB_LOG_HDR_CHECKSUM_OFF);
	h->checksum_computed = dsb_ese_header_checksum(buf, DSB_LOG_HDR_SIZE);
	h->generation = (int32_t)dsb_at_le32(&c, DSB_LOG_HDR_GENERATION_OFF);
	h->cb_sec = dsb_at_le16(&c, DSB_LOG_HDR_CB_SEC_OFF);
	h->csec_header = dsb_at_le16(&c, DSB_LOG_HDR_CSEC_HEADER_OFF);
	h->csec_lgfile = dsb_at_le16(&c, DSB_LOG_HDR_CSEC_LGFILE_OFF);
	h->cb_page = dsb_at_le16(&c, DSB_LOG_HDR_CB_PAGE_OFF);
	dsb_ese_read_logtime(&c, DSB_LOG_HDR_TM_CREATE_OFF, &h->tm_create);
	dsb_ese_read_logtime(&c, DSB_LOG_HDR_TM_PREV_GEN_OFF, &h->tm_prev_gen);
	h->version.major = dsb_at_le32(&c, DSB_LOG_HDR_MAJOR_OFF);
	h->version.minor = dsb_at_le32(&c, DSB_LOG_HDR_MINOR_OFF);
	h->version.update_major = dsb_at_le32(&c, DSB_LOG_HDR_UPDATE_MAJOR_OFF);
	h->version.update_minor = dsb_at_le32(&c, DSB_LOG_HDR_UPDATE_MINOR_OFF);
	dsb_ese_read_signature(&c, DSB_LOG_HDR_SIGN_LOG_OFF, &h->sign_log);
	h->flags = dsb_at_u8(&c, DSB_LOG_HDR_FLAGS_OFF);
	dsb_ese_read_lgpos(&c, DSB_LOG_HDR_LGPOS_CHECKPOINT_OFF, &h->lgpos_checkpoint);
	h->disk_sec_mismatch = dsb_at_u8(&c, DSB_LOG_HDR_DISK_SEC_OFF);
	h->checksum_prev = dsb_at_le64(&c, DSB_LOG_HDR_CHECKSUM_PREV_OFF);
	h->efv = dsb_at_le32(&c, DSB_LOG_HDR_EFV_OFF);
	h->reserved = dsb_at_le16(&c, DSB_LOG_HDR_RESERVED_OFF);
	h->filetype = dsb_at_le32(&c, DSB_LOG_HDR_FILETYPE_OFF);
	dsb_log_attach_decode(buf, DSB_LOG_HDR_SIZE, DSB_LOG_HDR_ATTACH_OFF, &h->attach);
	h->tail_zero = all_zero(buf + DSB_LOG_HDR_FIELDS_END, DSB_LOG_HDR_SIZE - DSB_LOG_HDR_FIELDS_END);
	return true;
}

/* ---- CHECKPOINT ------------------------------------------------------- */

bool dsb_chk_copy_decode(const uint8_t *buf, size_t len, struct dsb_chk_copy *k)
{
	memset(k, 0, sizeof(*k));
	if (len < DSB_CHK_COPY_SIZE)
		return false;
	struct dsb_cursor c = dsb_cursor_make(buf, DSB_CHK_COPY_SIZE);
	k->checksum = dsb_at_le32(&c, DSB_CHK_CHECKSUM_OFF);
	k->checksum_computed = dsb_ese_header_checksum(buf, DSB_CHK_COPY_SIZE);
	dsb_ese_read_lgpos(&c, DSB_CHK_LGPOS_LAST_FULL_OFF, &k->lgpos_last_full_backup_checkpoint);
	dsb_ese_read_lgpos(&c, DSB_CHK_LGPOS_CHECKPOINT_OFF, &k->lgpos_checkpoint);
	dsb_ese_read_signature(&c, DSB_CHK_SIGN_LOG_OFF, &k->sign_log);
	dsb_ese_read_lgpos(&c, DSB_CHK_LGPOS_FULL_BACKUP_OFF, &k->lgpos_full_backup);
	dsb_ese_read_logtime(&c, DSB_CHK_TIME_FULL_BACKUP_OFF, &k->time_full_backup);
	dsb_ese_read_lgpos(&c, DSB_CHK_LGPOS_INC_BACKUP_OFF, &k->lgpos_inc_backup);
	dsb_ese_read_logtime(&c, DSB_CHK_TIME_INC_BACKUP_OFF, &k->time_inc_backup);
	k->fversion = dsb_at_u8(&c, DSB_CHK_VERSION_OFF);
	dsb_ese_read_lgpos(&c, DSB_CHK_LGPOS_DB_CONS_OFF, &k->lgpos_db_consistency);
	k->filetype = dsb_at_le32(&c, DSB_CHK_FILETYPE_OFF);
	dsb_log_attach_decode(buf, DSB_CHK_COPY_SIZE, DSB_CHK_ATTACH_OFF, &k->attach);
	return true;
}

void dsb_chk_file_decode(const uint8_t *buf, size_t len, struct dsb_chk_file *f)
{
	memset(f, 0, sizeof(*f));
	f->len = len;
	for (unsigned i = 0; i < DSB_CHK_FILE_SIZE / DSB_CHK_COPY_SIZE; i++) {
		size_t off = (size_t)i * DSB_CHK_COPY_SIZE;
		if (len < off + DSB_CHK_COPY_SIZE)
			break;
		dsb_chk_copy_decode(buf + off, DSB_CHK_COPY_SIZE, &f->copy[i]);
		f->ncopies = i + 1;
		f->good[i] = f->copy[i].checksum == f->copy[i].checksum_computed;
	}
	f->copies_equal = f->ncopies == 2 && memcmp(buf, buf + DSB_CHK_COPY_SIZE, DSB_CHK_COPY_SIZE) == 0;
	/* The shadowed-header reader (REF §1.4, §3.8): the primary when it
	 * verifies, even if a good shadow differs; else a good shadow. */
	f->used = f->good[0] ? 0 : f->good[1] ? 1 : -1;
}

/* ---- .pat ------------------------------------------------------------- */

static unsigned pat_layout(const uint8_t *buf, uint32_t cb, unsigned ncopies,
			   struct dsb_pat_file *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = DSB_PAT_PATCHHDR;
	out->cb_page = cb;
	out->ncopies = ncopies;
	unsigned ok = 0;
	for (unsigned i = 0; i < ncopies; i++) {
		const uint8_t *p = buf + (size_t)i * cb;
		struct dsb_pat_copy *k = &out->copy[i];
		(void)dsb_ese_trailer_decode(p, cb, &k->t);
		k->checksum_computed = dsb_ese_header_checksum(p, cb);
		k->checksum_ok = k->checksum_computed == k->t.checksum;
		k->rest_zero = all_zero(p + DSB_ESE_TRL_SIZE, cb - DSB_ESE_TRL_SIZE);
		ok += k->checksum_ok;
	}
	out->copies_equal = ncopies == 2 && memcmp(buf, buf + cb, cb) == 0;
	return ok;
}

void dsb_pat_decode(const uint8_t *buf, size_t len, uint32_t cb_hint, struct dsb_pat_file *out)
{
	memset(out, 0, sizeof(*out));
	if (len == 0) {
		out->kind = DSB_PAT_EMPTY;
		return;
	}
	/* Candidate layouts: len is one or two pages of a valid size.  A
	 * layout whose every copy verifies beats one where only some do (a
	 * 16 KiB page verifies as its first 8 KiB too, its zero second half
	 * does not). */
	struct dsb_pat_file best, cand;
	bool have = false;
	unsigned best_score = 0;
	for (uint32_t cb = DSB_ESE_PAGE_MIN; cb <= DSB_ESE_PAGE_MAX; cb *= 2) {
		for (unsigned n = DSB_PAT_COPIES_MAX; n >= 1; n--) {
			if (len != (size_t)n * cb)
				continue;
			unsigned ok = pat_layout(buf, cb, n, &cand);
			if (ok == 0 && !cand.copy[0].t.pghdr_zero)
				continue;
			unsigned score = ok == n ? 2 : ok > 0;
			bool hinted = cb_hint && cb == cb_hint;
			bool best_hinted = have && cb_hint && best.cb_page == cb_hint;
			if (!have || (hinted && !best_hinted) || (!best_hinted && score > best_score)) {
				best = cand;
				best_score = score;
				have = true;
			}
		}
	}
	if (!have) {
		out->kind = DSB_PAT_LEGACY;
		return;
	}
	*out = best;
}

void dsb_log_extend_sector(uint8_t *out)
{
	for (size_t i = 0; i < DSB_LOG_EXTEND_SECTOR; i++)
		out[i] = i % 16 == 0 ? (uint8_t)(DSB_LOG_EXTEND_BYTE + i) : (uint8_t)DSB_LOG_EXTEND_BYTE;
}

bool dsb_log_extend_match(const uint8_t *p, size_t n, uint64_t off)
{
	uint8_t sector[DSB_LOG_EXTEND_SECTOR];
	dsb_log_extend_sector(sector);
	size_t i = 0;
	while (i < n) {
		size_t in = (size_t)((off + i) % DSB_LOG_EXTEND_SECTOR);
		size_t take = DSB_LOG_EXTEND_SECTOR - in < n - i ? DSB_LOG_EXTEND_SECTOR - in : n - i;
		if (memcmp(p + i, sector + in, take) != 0)
			return false;
		i += take;
	}
	return true;
}
