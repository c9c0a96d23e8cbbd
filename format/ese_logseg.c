/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The v8 log segment walker (REF §3.4 reading rules 1-5; the verdicts of
 * §3.11 "Each log file").  See format/ese_log.h for the interface.
 *
 * One transition function, step(), takes the next event (a segment, or
 * the end of the body) and the state, and gives out what it could
 * classify.  The checksums are format/ese_checksum.c's: the XE (or, when
 * fFlags lacks 0x2000, the old format) for pgno = isec, and §2.5's
 * location of a single flipped bit.
 */
#include "format/ese_log.h"

#include <string.h>

#include "format/cursor.h"

/* LGSEGHDR (REF §3.4): the checksum and fFlags sit where a page header
 * has them, so the page layout's offsets name them. */
#define SEG_CHECKSUM_OFF    DSB_ESE_PG_CHECKSUM_OFF
#define SEG_LGPOS_OFF       8
#define SEG_LOGTIME_OFF     16
#define SEG_FLAGS_OFF       DSB_ESE_PG_FLAGS_OFF
static_assert(SEG_LGPOS_OFF + DSB_ESE_LGPOS_SIZE == SEG_LOGTIME_OFF,
	      "le_lgposSegment precedes logtimeSegmentStart");
/* The checksum-format flag is not correctable (REF §2.5): byte 37 bit 5. */
#define SEG_FORMAT_FLAG_BIT (SEG_FLAGS_OFF * 8 + 13)

static const char *const class_names[DSB_SEG_CLASS_COUNT] = {
	[DSB_SEG_DATA] = "data",
	[DSB_SEG_DATA_CORRECTED] = "data-corrected",
	[DSB_SEG_STALE] = "stale",
	[DSB_SEG_SHADOW] = "shadow",
	[DSB_SEG_EMPTY] = "empty",
	[DSB_SEG_BAD_LGPOS] = "bad-lgpos",
	[DSB_SEG_VALID_AFTER_EMPTY] = "valid-after-empty",
	[DSB_SEG_CORRUPT_AFTER_EMPTY] = "corrupt-after-empty",
	[DSB_SEG_TORN] = "torn",
	[DSB_SEG_CORRUPT] = "corrupt",
	[DSB_SEG_LAST_UNREAD] = "last-unread",
};

const char *dsb_log_seg_class_name(enum dsb_log_seg_class c)
{
	return (unsigned)c < DSB_SEG_CLASS_COUNT ? class_names[c] : "unknown";
}

void dsb_log_walk_init(struct dsb_log_walk *w, int32_t generation, uint32_t csec_lgfile,
		       bool zero_filled)
{
	memset(w, 0, sizeof(*w));
	w->generation = generation;
	w->csec = csec_lgfile;
	w->zero_filled = zero_filled;
	w->next_isec = 1;
}

void dsb_log_walk_init_header(struct dsb_log_walk *w, const struct dsb_log_header *h)
{
	dsb_log_walk_init(w, h->generation, h->csec_lgfile, dsb_log_zero_filled(&h->version));
}

/* What one segment is, on its own. */
struct exam {
	bool ok;             /* verifies as isec (perhaps after a correction) */
	bool corrected;
	uint32_t bit;
	uint64_t checksum;
	struct dsb_ese_lgpos lgpos;
	bool ok_as_prev;     /* !ok, and verifies as isec - 1 */
	bool zero;
};

static uint64_t checksum_for(const uint8_t *seg, uint32_t pgno, bool new_format)
{
	return new_format ? dsb_ese_checksum_xe(seg, DSB_LOG_SEG_SIZE, pgno, true)
			  : dsb_ese_checksum_old(seg, DSB_LOG_SEG_SIZE, pgno);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void examine(struct dsb_log_walk *w, const uint8_t *seg, uint32_t isec, struct exam *e)
{
	memset(e, 0, sizeof(*e));
	struct dsb_cursor c = dsb_cursor_make(seg, DSB_LOG_SEG_SIZE);
	uint64_t stored = dsb_at_le64(&c, SEG_CHECKSUM_OFF);
	bool nf = dsb_at_le32(&c, SEG_FLAGS_OFF) & DSB_ESE_PF_NEW_CHECKSUM;
	uint64_t computed = checksum_for(seg, isec, nf);
	if (stored == computed) {
		e->ok = true;
		e->checksum = stored;
		dsb_ese_read_lgpos(&c, SEG_LGPOS_OFF, &e->lgpos);
		return;
	}
	/* Rule 1: one flipped bit, located by the ECC half, is corrected in
	 * a copy; the copy must then verify. */
	uint32_t bit;
	if (nf && dsb_ese_ecc_locate(stored, computed, DSB_LOG_SEG_SIZE, true, &bit) &&
	    bit != SEG_FORMAT_FLAG_BIT) {
		memcpy(w->scratch, seg, DSB_LOG_SEG_SIZE);
		w->scratch[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		struct dsb_cursor s = dsb_cursor_make(w->scratch, DSB_LOG_SEG_SIZE);
		uint64_t fixed = checksum_for(w->scratch, isec, true);
		if (dsb_at_le64(&s, SEG_CHECKSUM_OFF) == fixed) {
			e->ok = e->corrected = true;
			e->bit = bit;
			e->checksum = fixed;
			dsb_ese_read_lgpos(&s, SEG_LGPOS_OFF, &e->lgpos);
			return;
		}
	}
	e->zero = stored == 0 && all_zero(seg, DSB_LOG_SEG_SIZE);
	dsb_ese_read_lgpos(&c, SEG_LGPOS_OFF, &e->lgpos);
	e->checksum = stored;
	/* Rule 3: a copy of the segment before (never tried on the first,
	 * whose predecessor is the header). */
	if (!e->zero && isec > 1)
		e->ok_as_prev = stored == checksum_for(seg, isec - 1, nf);
}

static bool is_problem(enum dsb_log_seg_class c)
{
	return c == DSB_SEG_BAD_LGPOS || c == DSB_SEG_VALID_AFTER_EMPTY ||
	       c == DSB_SEG_CORRUPT_AFTER_EMPTY || c == DSB_SEG_TORN || c == DSB_SEG_CORRUPT;
}

/* A classified segment leaves: counts, the chained checksum, the first
 * problem and correction. */
static void emit(struct dsb_log_walk *w, const struct dsb_log_seg *s, struct dsb_log_seg_batch *out)
{
	struct dsb_log_seg_counts *n = &w->counts;
	switch (s->cls) {
	case DSB_SEG_DATA:
	case DSB_SEG_DATA_CORRECTED:
		n->valid++;
		w->chain_xor ^= s->checksum;
		w->last_data_isec = s->isec;
		break;
	case DSB_SEG_EMPTY:
	case DSB_SEG_STALE:
		n->empty++;
		break;
	case DSB_SEG_SHADOW:
		n->shadow++;
		break;
	case DSB_SEG_LAST_UNREAD:
		n->unread++;
		break;
	default:
		n->bad++;
		break;
	}
	if (s->corrected) {
		n->corrected++;
		if (!w->have_corrected) {
			w->have_corrected = true;
			w->first_corrected = *s;
		}
	}
	if (is_problem(s->cls) && !w->have_problem) {
		w->have_problem = true;
		w->first_problem = *s;
		w->first_problem_offset = (uint64_t)s->isec * DSB_LOG_SEG_SIZE;
	}
	bool ends = s->cls == DSB_SEG_EMPTY || s->cls == DSB_SEG_STALE ||
		    s->cls == DSB_SEG_SHADOW || s->cls == DSB_SEG_TORN;
	if (ends && !w->end_isec && s->isec < w->csec - 1)
		w->end_isec = s->isec;
	if (out->n < DSB_LOG_WALK_OUT_MAX)
		out->seg[out->n++] = *s;
}

/* The one transition: seg is the next segment, or NULL for the end. */
static void step(struct dsb_log_walk *w, const uint8_t *seg, struct dsb_log_seg_batch *out)
{
	if (w->finished)
		return;
	if (!seg) {
		/* A bad segment with nothing after it has no shadow. */
		if (w->have_pending) {
			w->pending.cls = DSB_SEG_CORRUPT;
			emit(w, &w->pending, out);
			w->have_pending = false;
		}
		if (w->csec >= 2 && w->next_isec < w->csec && !w->truncated) {
			w->truncated = true;
			w->truncated_isec = w->next_isec;
		}
		w->finished = true;
		w->clean = !w->have_problem && !w->truncated;
		return;
	}
	uint32_t isec = w->next_isec;
	if (isec >= w->csec) {
		w->excess++;
		return;
	}
	w->next_isec++;
	struct exam e;
	examine(w, seg, isec, &e);
	struct dsb_log_seg s = {
		.isec = isec, .corrected = e.corrected, .bit = e.bit,
		.checksum = e.checksum, .lgpos = e.lgpos,
	};

	/* Rule 5's lookahead: the pending bad segment was torn iff this one
	 * is its own shadow, a copy verifying as its isec and carrying
	 * (gen, isec - 1, 0). */
	if (w->have_pending) {
		struct dsb_ese_lgpos want = { .generation = w->generation,
					      .isec = (uint16_t)(isec - 1) };
		w->have_pending = false;
		if (e.ok_as_prev && dsb_ese_lgpos_cmp(&e.lgpos, &want) == 0) {
			w->pending.cls = DSB_SEG_TORN;
			emit(w, &w->pending, out);
			s.cls = DSB_SEG_SHADOW;
			w->after_empty = true;
			emit(w, &s, out);
			return;
		}
		w->pending.cls = DSB_SEG_CORRUPT;
		emit(w, &w->pending, out);
	}

	/* The last segment only ever receives a shadow (REF §3.4). */
	if (isec == w->csec - 1) {
		s.cls = e.zero ? DSB_SEG_EMPTY : e.ok_as_prev ? DSB_SEG_SHADOW : DSB_SEG_LAST_UNREAD;
		emit(w, &s, out);
		return;
	}

	if (e.ok) {
		/* Rule 2: the whole le_lgposSegment, ib included. */
		struct dsb_ese_lgpos want = { .generation = w->generation, .isec = (uint16_t)isec };
		int cmp = dsb_ese_lgpos_cmp(&e.lgpos, &want);
		if (cmp < 0) {
			s.cls = DSB_SEG_STALE;
			w->after_empty = true;
		} else if (cmp > 0) {
			s.cls = DSB_SEG_BAD_LGPOS;
		} else if (w->after_empty) {
			s.cls = DSB_SEG_VALID_AFTER_EMPTY;
		} else {
			s.cls = e.corrected ? DSB_SEG_DATA_CORRECTED : DSB_SEG_DATA;
		}
	} else if (e.ok_as_prev) {
		s.cls = DSB_SEG_SHADOW;
		w->after_empty = true;
	} else if (e.zero && w->zero_filled) {
		s.cls = DSB_SEG_EMPTY;
		w->after_empty = true;
	} else if (w->after_empty) {
		s.cls = DSB_SEG_CORRUPT_AFTER_EMPTY;
	} else {
		/* Torn or corrupt: the next segment says. */
		w->pending = s;
		w->have_pending = true;
		return;
	}
	emit(w, &s, out);
}

void dsb_log_walk_feed(struct dsb_log_walk *w, const uint8_t *seg, size_t len,
		       struct dsb_log_seg_batch *out)
{
	out->n = 0;
	if (w->finished)
		return;
	if (len < DSB_LOG_SEG_SIZE) {
		/* A segment cut short: the body ends here. */
		if (w->next_isec < w->csec) {
			w->truncated = true;
			w->truncated_isec = w->next_isec;
			w->partial_bytes = (uint32_t)len;
		} else {
			w->excess++;
		}
		step(w, NULL, out);
		return;
	}
	step(w, seg, out);
}

void dsb_log_walk_finish(struct dsb_log_walk *w, bool ended_early, struct dsb_log_seg_batch *out)
{
	out->n = 0;
	if (ended_early && !w->finished && !w->truncated) {
		w->truncated = true;
		w->truncated_isec = w->next_isec;
	}
	step(w, NULL, out);
}
