/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LRATTACHDB records in a log's body: the shape test and the streaming
 * scan (format/ese_logrec.h).
 */
#include "format/ese_logrec.h"

#include <string.h>

#include "format/cursor.h"

/* A SIGNATURE's creation time is a date ESE could have written
 * (LGIGetDateTime: GetSystemTime's fields, REF §1.3). */
static bool real_time(const struct dsb_ese_logtime *t)
{
	return !t->is_null && t->sec < 60 && t->min < 60 && t->hour < 24 && t->day >= 1 &&
	       t->day <= 31 && t->month >= 1 && t->month <= 12;
}

enum dsb_lr_attach_shape dsb_lr_attach_decode(const uint8_t *buf, size_t len, size_t off,
					       size_t path_end, struct dsb_lr_attach *out)
{
	memset(out, 0, sizeof(*out));
	if (off > len || len - off < DSB_LR_ATTACH_FIXED_SIZE)
		return DSB_LRA_SHORT;
	struct dsb_cursor c = dsb_cursor_make(buf + off, DSB_LR_ATTACH_FIXED_SIZE);
	if (dsb_at_u8(&c, DSB_LR_ATTACH_LRTYP_OFF) != DSB_LRTYP_ATTACH_DB)
		return DSB_LRA_LRTYP;
	struct dsb_lr_attach r;
	memset(&r, 0, sizeof(r));
	r.dbid = dsb_at_u8(&c, DSB_LR_ATTACH_DBID_OFF);
	if (r.dbid == 0 || r.dbid > DSB_LR_ATTACH_DBID_MAX)
		return DSB_LRA_DBID;
	r.flags = dsb_at_u8(&c, DSB_LR_ATTACH_FLAGS_OFF);
	if (r.flags & ~(DSB_LR_ATTACH_UNICODE | DSB_LR_ATTACH_SPARSE))
		return DSB_LRA_FLAGS;
	r.cb_path = dsb_at_le16(&c, DSB_LR_ATTACH_CB_PATH_OFF);
	size_t path_at = off + DSB_LR_ATTACH_FIXED_SIZE;
	if (r.cb_path == 0 || r.cb_path > DSB_LR_ATTACH_PATH_MAX ||
	    ((r.flags & DSB_LR_ATTACH_UNICODE) && r.cb_path % 2) ||
	    (path_end && (path_at > path_end || path_end - path_at < r.cb_path)))
		return DSB_LRA_PATH;
	dsb_ese_read_signature(&c, DSB_LR_ATTACH_SIGN_DB_OFF, &r.sign_db);
	if (!real_time(&r.sign_db.created))
		return DSB_LRA_SIGN_DB;
	dsb_ese_read_signature(&c, DSB_LR_ATTACH_SIGN_LOG_OFF, &r.sign_log);
	if (!real_time(&r.sign_log.created))
		return DSB_LRA_SIGN_LOG;
	r.procid = dsb_at_le16(&c, DSB_LR_ATTACH_PROCID_OFF);
	r.cpg_max = dsb_at_le32(&c, DSB_LR_ATTACH_CPG_MAX_OFF);
	dsb_ese_read_lgpos(&c, DSB_LR_ATTACH_LGPOS_CONS_OFF, &r.lgpos_consistent);
	*out = r;
	return DSB_LRA_OK;
}

void dsb_lr_scan_reset(struct dsb_lr_scan *s, uint64_t pos)
{
	s->pos = pos;
	s->carry_len = 0;
}

/* Records starting at offsets [from, to) of buf, buf[0] being at stream
 * offset base; false when fn asked to stop. */
static bool scan_range(const uint8_t *buf, size_t len, size_t from, size_t to, size_t path_end,
		       uint64_t base, dsb_lr_attach_fn fn, void *ctx)
{
	size_t i = from;
	while (i < to) {
		const uint8_t *hit = memchr(buf + i, DSB_LRTYP_ATTACH_DB, to - i);
		if (!hit)
			break;
		i = (size_t)(hit - buf);
		if (len - i < DSB_LR_ATTACH_FIXED_SIZE)
			break;   /* this one and every later one would be cut */
		/* a type byte is one byte in 256 of record data: the dbid and
		 * flag bytes turn nearly all of them away before the decode
		 * (which zeroes a structure each time) */
		uint8_t dbid = buf[i + DSB_LR_ATTACH_DBID_OFF];
		uint8_t flags = buf[i + DSB_LR_ATTACH_FLAGS_OFF];
		struct dsb_lr_attach r;
		if (dbid >= 1 && dbid <= DSB_LR_ATTACH_DBID_MAX &&
		    !(flags & ~(DSB_LR_ATTACH_UNICODE | DSB_LR_ATTACH_SPARSE)) &&
		    dsb_lr_attach_decode(buf, len, i, path_end, &r) == DSB_LRA_OK &&
		    !fn(ctx, base + i, &r))
			return false;
		i++;
	}
	return true;
}

void dsb_lr_scan_feed(struct dsb_lr_scan *s, const uint8_t *p, size_t n, size_t path_end,
		      dsb_lr_attach_fn fn, void *ctx)
{
	/* records starting in the carried bytes: the carry and the first
	 * bytes of this piece, joined */
	if (s->carry_len && n) {
		uint8_t join[2 * DSB_LR_SCAN_CARRY];
		_Static_assert(sizeof join >= DSB_LR_SCAN_CARRY + DSB_LR_ATTACH_FIXED_SIZE - 1,
			       "the join holds any record starting in the carry");
		size_t take = n < DSB_LR_SCAN_CARRY ? n : DSB_LR_SCAN_CARRY;
		memcpy(join, s->carry, s->carry_len);
		memcpy(join + s->carry_len, p, take);
		/* the path, past the join, is bounded by the limit only */
		if (!scan_range(join, s->carry_len + take, 0, s->carry_len, 0,
				s->pos - s->carry_len, fn, ctx))
			goto carry;
	}
	if (n >= DSB_LR_ATTACH_FIXED_SIZE)
		scan_range(p, n, 0, n - DSB_LR_ATTACH_FIXED_SIZE + 1, path_end, s->pos, fn, ctx);
carry:
	/* keep the last bytes: of this piece, or of the carry and this piece */
	if (n >= DSB_LR_SCAN_CARRY) {
		memcpy(s->carry, p + n - DSB_LR_SCAN_CARRY, DSB_LR_SCAN_CARRY);
		s->carry_len = DSB_LR_SCAN_CARRY;
	} else {
		size_t keep = s->carry_len + n > DSB_LR_SCAN_CARRY ? DSB_LR_SCAN_CARRY - n
								   : s->carry_len;
		memmove(s->carry, s->carry + s->carry_len - keep, keep);
		memcpy(s->carry + keep, p, n);
		s->carry_len = keep + n;
	}
	s->pos += n;
}
