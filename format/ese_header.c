/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ESE database header, its sub-structures, and the streaming-backup trailer
 * page: bytes to structures (REF §1.2-§1.5, §3.10).  See format/ese.h.
 */
#include "format/ese.h"

#include <string.h>

#include "format/cursor.h"

const char *dsb_ese_state_name(uint32_t state)
{
	switch (state) {
	case DSB_ESE_STATE_JUST_CREATED: return "just-created";
	case DSB_ESE_STATE_DIRTY: return "dirty-shutdown";
	case DSB_ESE_STATE_CLEAN: return "clean-shutdown";
	case DSB_ESE_STATE_BEING_CONVERTED: return "being-converted";
	case DSB_ESE_STATE_FORCE_DETACH: return "force-detach";
	case DSB_ESE_STATE_INC_RESEED: return "incremental-reseed-in-progress";
	case DSB_ESE_STATE_DIRTY_PATCHED: return "dirty-and-patched-shutdown";
	case DSB_ESE_STATE_REVERT: return "revert-in-progress";
	}
	return "unknown";
}

bool dsb_ese_page_size_valid(uint32_t cb)
{
	return cb == 2048 || cb == 4096 || cb == 8192 || cb == 16384 || cb == 32768;
}

/* The fixed-offset readers below go through a cursor positioned at `off`;
 * every caller has already checked that the whole structure is in the
 * buffer, so a false return cannot happen and the outputs stay zeroed if
 * it ever did. */
static void rdbytes(const struct dsb_cursor *c, size_t off, void *out, size_t n)
{
	struct dsb_cursor t = *c;
	memset(out, 0, n);
	if (dsb_cursor_seek(&t, off))
		(void)dsb_get_bytes(&t, out, n);
}

/* LOGTIME (REF §1.3): six bytes, then two bytes of flag and millisecond
 * bit-fields laid out LSB-first. */
void dsb_ese_read_logtime(const struct dsb_cursor *c, size_t off, struct dsb_ese_logtime *t)
{
	memset(t, 0, sizeof(*t));
	rdbytes(c, off, t->raw, sizeof(t->raw));
	t->sec = t->raw[0];
	t->min = t->raw[1];
	t->hour = t->raw[2];
	t->day = t->raw[3];
	t->month = t->raw[4];
	t->year = (uint16_t)(1900u + t->raw[5]);
	t->utc = t->raw[6] & 1u;
	t->ms = (uint16_t)((t->raw[6] >> 1) | ((t->raw[7] >> 1) & 0x7u) << 7);
	t->is_null = true;
	for (size_t i = 0; i < sizeof(t->raw); i++)
		if (t->raw[i])
			t->is_null = false;
}

void dsb_ese_read_lgpos(const struct dsb_cursor *c, size_t off, struct dsb_ese_lgpos *p)
{
	p->ib = dsb_at_le16(c, off + DSB_ESE_LGPOS_IB_OFF);
	p->isec = dsb_at_le16(c, off + DSB_ESE_LGPOS_ISEC_OFF);
	p->generation = (int32_t)dsb_at_le32(c, off + DSB_ESE_LGPOS_GEN_OFF);
}

void dsb_ese_read_signature(const struct dsb_cursor *c, size_t off, struct dsb_ese_signature *s)
{
	rdbytes(c, off, s->raw, sizeof(s->raw));
	s->random = dsb_at_le32(c, off);
	dsb_ese_read_logtime(c, off + 4, &s->created);
	s->is_null = true;
	for (size_t i = 0; i < sizeof(s->raw); i++)
		if (s->raw[i])
			s->is_null = false;
}

static void rd_bkinfo(const struct dsb_cursor *c, size_t off, struct dsb_ese_bkinfo *b)
{
	dsb_ese_read_lgpos(c, off + DSB_ESE_BKINFO_MARK_OFF, &b->mark);
	rdbytes(c, off + DSB_ESE_BKINFO_MARK_OFF, b->mark_raw, sizeof(b->mark_raw));
	dsb_ese_read_logtime(c, off + DSB_ESE_BKINFO_TIME_OFF, &b->time);
	b->gen_low = dsb_at_le32(c, off + DSB_ESE_BKINFO_GEN_LOW_OFF);
	b->gen_high = dsb_at_le32(c, off + DSB_ESE_BKINFO_GEN_HIGH_OFF);
}

int dsb_ese_lgpos_cmp(const struct dsb_ese_lgpos *a, const struct dsb_ese_lgpos *b)
{
	if (a->generation != b->generation)
		return a->generation < b->generation ? -1 : 1;
	if (a->isec != b->isec)
		return a->isec < b->isec ? -1 : 1;
	if (a->ib != b->ib)
		return a->ib < b->ib ? -1 : 1;
	return 0;
}

bool dsb_ese_header_decode(const uint8_t *buf, size_t len, struct dsb_ese_header *h)
{
	memset(h, 0, sizeof(*h));
	if (len < DSB_ESE_HDR_SIZE)
		return false;
	struct dsb_cursor c = dsb_cursor_make(buf, DSB_ESE_HDR_SIZE);

	h->checksum = dsb_at_le32(&c, DSB_ESE_HDR_CHECKSUM_OFF);
	h->magic = dsb_at_le32(&c, DSB_ESE_HDR_MAGIC_OFF);
	h->version = dsb_at_le32(&c, DSB_ESE_HDR_VERSION_OFF);
	h->attrib = dsb_at_le32(&c, DSB_ESE_HDR_ATTRIB_OFF);
	h->dbtime = dsb_at_le64(&c, DSB_ESE_HDR_DBTIME_OFF);
	dsb_ese_read_signature(&c, DSB_ESE_HDR_SIGN_DB_OFF, &h->sign_db);
	h->state = dsb_at_le32(&c, DSB_ESE_HDR_STATE_OFF);
	dsb_ese_read_lgpos(&c, DSB_ESE_HDR_LGPOS_CONS_OFF, &h->lgpos_consistent);
	dsb_ese_read_logtime(&c, DSB_ESE_HDR_TIME_CONS_OFF, &h->time_consistent);
	dsb_ese_read_logtime(&c, DSB_ESE_HDR_TIME_ATTACH_OFF, &h->time_attach);
	dsb_ese_read_lgpos(&c, DSB_ESE_HDR_LGPOS_ATTACH_OFF, &h->lgpos_attach);
	dsb_ese_read_logtime(&c, DSB_ESE_HDR_TIME_DETACH_OFF, &h->time_detach);
	dsb_ese_read_lgpos(&c, DSB_ESE_HDR_LGPOS_DETACH_OFF, &h->lgpos_detach);
	h->dbid = dsb_at_le32(&c, DSB_ESE_HDR_DBID_OFF);
	dsb_ese_read_signature(&c, DSB_ESE_HDR_SIGN_LOG_OFF, &h->sign_log);
	rd_bkinfo(&c, DSB_ESE_HDR_BK_FULL_PREV_OFF, &h->bk_full_prev);
	rd_bkinfo(&c, DSB_ESE_HDR_BK_INC_PREV_OFF, &h->bk_inc_prev);
	rd_bkinfo(&c, DSB_ESE_HDR_BK_FULL_CUR_OFF, &h->bk_full_cur);
	h->db_flags = dsb_at_le32(&c, DSB_ESE_HDR_DB_FLAGS_OFF);
	h->objid_last = dsb_at_le32(&c, DSB_ESE_HDR_OBJID_LAST_OFF);
	h->os_major = dsb_at_le32(&c, DSB_ESE_HDR_OS_VERSION_OFF);
	h->os_minor = dsb_at_le32(&c, DSB_ESE_HDR_OS_VERSION_OFF + 4);
	h->os_build = dsb_at_le32(&c, DSB_ESE_HDR_OS_VERSION_OFF + 8);
	h->os_sp = dsb_at_le32(&c, DSB_ESE_HDR_OS_VERSION_OFF + 12);
	h->update_major = dsb_at_le32(&c, DSB_ESE_HDR_UPDATE_MAJOR_OFF);
	h->page_size_field = dsb_at_le32(&c, DSB_ESE_HDR_PAGE_SIZE_OFF);
	h->page_size = h->page_size_field ? h->page_size_field : 4096u;
	h->repair_count = dsb_at_le32(&c, DSB_ESE_HDR_REPAIR_COUNT_OFF);
	h->gen_min_required = (int32_t)dsb_at_le32(&c, DSB_ESE_HDR_GEN_MIN_REQ_OFF);
	h->gen_max_required = (int32_t)dsb_at_le32(&c, DSB_ESE_HDR_GEN_MAX_REQ_OFF);
	rd_bkinfo(&c, DSB_ESE_HDR_BK_SNAP_CUR_OFF, &h->bk_snapshot_cur);
	h->create_version = dsb_at_le32(&c, DSB_ESE_HDR_CREATE_VERSION_OFF);
	h->create_update = dsb_at_le32(&c, DSB_ESE_HDR_CREATE_UPDATE_OFF);
	dsb_ese_read_logtime(&c, DSB_ESE_HDR_TIME_GEN_MAX_CREATE_OFF, &h->time_gen_max_create);
	h->bk_type_full_prev = dsb_at_le32(&c, DSB_ESE_HDR_BK_TYPE_FULL_PREV_OFF);
	h->repair_count_old = dsb_at_le32(&c, DSB_ESE_HDR_REPAIR_COUNT_OLD_OFF);
	/* Each counter block is {count u32, LOGTIME, old count u32}. */
	h->ecc_fix_ok = dsb_at_le32(&c, DSB_ESE_HDR_ECC_FIX_OK_OFF);
	h->ecc_fix_ok_old = dsb_at_le32(&c, DSB_ESE_HDR_ECC_FIX_OK_OFF + 12);
	h->ecc_fix_fail = dsb_at_le32(&c, DSB_ESE_HDR_ECC_FIX_FAIL_OFF);
	h->ecc_fix_fail_old = dsb_at_le32(&c, DSB_ESE_HDR_ECC_FIX_FAIL_OFF + 12);
	h->bad_checksum = dsb_at_le32(&c, DSB_ESE_HDR_BAD_CHECKSUM_OFF);
	h->bad_checksum_old = dsb_at_le32(&c, DSB_ESE_HDR_BAD_CHECKSUM_OFF + 12);
	h->gen_max_committed = (int32_t)dsb_at_le32(&c, DSB_ESE_HDR_GEN_MAX_COMMIT_OFF);
	rd_bkinfo(&c, DSB_ESE_HDR_BK_COPY_PREV_OFF, &h->bk_copy_prev);
	rd_bkinfo(&c, DSB_ESE_HDR_BK_DIFF_PREV_OFF, &h->bk_diff_prev);
	h->gen_recovering = (int32_t)dsb_at_le32(&c, DSB_ESE_HDR_GEN_RECOVERING_OFF);
	h->gen_min_consistent = (int32_t)dsb_at_le32(&c, DSB_ESE_HDR_GEN_MIN_CONS_OFF);
	h->update_minor = dsb_at_le32(&c, DSB_ESE_HDR_UPDATE_MINOR_OFF);
	rdbytes(&c, DSB_ESE_HDR_RESERVED_OFF, h->reserved, sizeof(h->reserved));
	h->filetype = dsb_at_le32(&c, DSB_ESE_HDR_FILETYPE_OFF);
	rdbytes(&c, DSB_ESE_HDR_RESERVED2_OFF, &h->reserved2, 1);
	dsb_ese_read_logtime(&c, DSB_ESE_HDR_TIME_GEN_MAX_REQ_OFF, &h->time_gen_max_required);
	return true;
}

unsigned dsb_ese_header_copy_check(const uint8_t *copy, size_t len, uint32_t cb)
{
	unsigned why = 0;
	if (len < cb || cb < DSB_ESE_HDR_SIZE)
		return DSB_ESE_HDRCOPY_SHORT;
	struct dsb_cursor c = dsb_cursor_make(copy, cb);
	uint32_t stored = dsb_at_le32(&c, DSB_ESE_HDR_CHECKSUM_OFF);
	uint32_t field = dsb_at_le32(&c, DSB_ESE_HDR_PAGE_SIZE_OFF);
	if (dsb_at_le32(&c, DSB_ESE_HDR_MAGIC_OFF) != DSB_ESE_MAGIC)
		why |= DSB_ESE_HDRCOPY_MAGIC;
	/* The checksum covers the whole candidate page (REF §1.4): a copy read
	 * at the wrong size fails here or on the page-size field. */
	if (dsb_ese_header_checksum(copy, cb) != stored)
		why |= DSB_ESE_HDRCOPY_CHECKSUM;
	if ((field ? field : 4096u) != cb || !dsb_ese_page_size_valid(field ? field : 4096u))
		why |= DSB_ESE_HDRCOPY_PAGE_SIZE;
	return why;
}

bool dsb_ese_trailer_decode(const uint8_t *page, size_t len, struct dsb_ese_trailer *t)
{
	memset(t, 0, sizeof(*t));
	if (len < DSB_ESE_TRL_SIZE)
		return false;
	struct dsb_cursor c = dsb_cursor_make(page, DSB_ESE_TRL_SIZE);
	t->checksum = dsb_at_le32(&c, 0);
	t->pghdr_zero = true;
	for (size_t i = 4; i < DSB_ESE_PGHDR_SIZE; i++)
		if (page[i])
			t->pghdr_zero = false;
	rd_bkinfo(&c, DSB_ESE_TRL_BKINFO_OFF, &t->bkinfo);
	dsb_ese_read_signature(&c, DSB_ESE_TRL_SIGN_DB_OFF, &t->sign_db);
	dsb_ese_read_signature(&c, DSB_ESE_TRL_SIGN_LOG_OFF, &t->sign_log);
	t->gen_min_required = (int32_t)dsb_at_le32(&c, DSB_ESE_TRL_GEN_MIN_REQ_OFF);
	t->gen_max_required = (int32_t)dsb_at_le32(&c, DSB_ESE_TRL_GEN_MAX_REQ_OFF);
	t->gen_max_committed = (int32_t)dsb_at_le32(&c, DSB_ESE_TRL_GEN_MAX_COMMIT_OFF);
	dsb_ese_read_logtime(&c, DSB_ESE_TRL_TIME_GEN_MAX_REQ_OFF, &t->time_gen_max_required);
	dsb_ese_read_logtime(&c, DSB_ESE_TRL_TIME_GEN_MAX_COMMIT_OFF, &t->time_gen_max_committed);
	return true;
}

bool dsb_ese_trailer_like(const uint8_t *page, size_t len)
{
	struct dsb_cursor c = dsb_cursor_make(page, len);
	uint32_t w0, w1, w2, w3, w6;
	if (!dsb_peek_le32(&c, 0, &w0) || !dsb_peek_le32(&c, 4, &w1) ||
	    !dsb_peek_le32(&c, 8, &w2) || !dsb_peek_le32(&c, 12, &w3) ||
	    !dsb_peek_le32(&c, 24, &w6))
		return false;
	/* An all-zero page also has those dwords zero; a trailer carries at
	 * least a checksum and the signatures. */
	return w1 == 0 && w2 == 0 && w3 == 0 && w6 == 0 && w0 != 0;
}
