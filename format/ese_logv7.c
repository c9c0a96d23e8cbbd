/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The v7 (legacy) log body: LRCHECKSUM records, their checksums, shadow
 * sectors and the log-extend pattern (REF §3.5; verdicts §3.11).  See
 * format/ese_log.h for the interface.
 *
 * The walker is one transition per sector: sector() takes the next whole
 * sector and the phase, and moves on.  The caller's blocks are cut into
 * sectors by dsb_lv7_walk_feed(), in place when a whole sector is there,
 * else gathered in w->sec, so a 1-byte feed and a 64 KiB feed make the
 * same transitions.  A range checksum is the XOR of its pieces, each
 * rotated by its offset in the range (dsb_lv7_checksum_bytes), so a
 * multi-sector range is summed as its sectors pass and never held.
 */
#include "format/ese_log.h"

#include <string.h>

#include "format/cursor.h"
#include "lib/le.h"

/* ---- names ----------------------------------------------------------- */

static const char *const rule_names[DSB_LV7_RULE_COUNT] = {
	[DSB_LV7_RULE_OK] = "ok",
	[DSB_LV7_RULE_LRTYP] = "lrtyp",
	[DSB_LV7_RULE_STRADDLE] = "straddle",
	[DSB_LV7_RULE_BACKWARDS_LONG] = "backwards-long",
	[DSB_LV7_RULE_BACKWARDS_NOT_IB] = "backwards-not-ib",
	[DSB_LV7_RULE_SHORT_FLAG] = "short-flag",
	[DSB_LV7_RULE_SHORT_CHECKSUM] = "short-checksum",
	[DSB_LV7_RULE_SHORT_NONZERO] = "short-nonzero",
	[DSB_LV7_RULE_PAST_EOF] = "past-eof",
	[DSB_LV7_RULE_MULTI_NO_SHORT] = "multi-no-short",
	[DSB_LV7_RULE_MULTI_NOT_GRANULAR] = "multi-not-granular",
	[DSB_LV7_RULE_SINGLE_WITH_SHORT] = "single-with-short",
	[DSB_LV7_RULE_NEXT_NOT_GRANULAR] = "next-not-granular",
	[DSB_LV7_RULE_NEXT_NOT_AFTER] = "next-not-after",
};

static const char *const end_names[] = {
	[DSB_LV7_END_NONE] = "none",
	[DSB_LV7_END_CLEAN] = "clean",
	[DSB_LV7_END_TORN_SHADOW] = "torn-shadow",
	[DSB_LV7_END_TORN] = "torn",
	[DSB_LV7_END_CORRUPT] = "corrupt",
	[DSB_LV7_END_BAD_SECTOR] = "bad-sector-size",
};

static const char *const shadow_names[] = {
	[DSB_LV7_SHADOW_NOT_REACHED] = "not-reached",
	[DSB_LV7_SHADOW_ABSENT] = "absent",
	[DSB_LV7_SHADOW_CURRENT] = "current",
	[DSB_LV7_SHADOW_OLD] = "old",
	[DSB_LV7_SHADOW_REPAIR] = "repair",
	[DSB_LV7_SHADOW_OTHER] = "other",
};

static const char *const problem_names[] = {
	[DSB_LV7_PROB_NONE] = "none",
	[DSB_LV7_PROB_RECORD] = "record",
	[DSB_LV7_PROB_RANGE] = "range",
	[DSB_LV7_PROB_NEXT_PAST_END] = "next-past-end",
	[DSB_LV7_PROB_TRAILING] = "trailing",
};

static_assert(sizeof(end_names) / sizeof(end_names[0]) == DSB_LV7_END_BAD_SECTOR + 1 &&
	      sizeof(shadow_names) / sizeof(shadow_names[0]) == DSB_LV7_SHADOW_OTHER + 1 &&
	      sizeof(problem_names) / sizeof(problem_names[0]) == DSB_LV7_PROB_TRAILING + 1,
	      "a name for every value of each enum");

#define NAME_OF(table, v) \
	((size_t)(v) < sizeof(table) / sizeof((table)[0]) ? (table)[v] : "unknown")

const char *dsb_lv7_rule_name(enum dsb_lv7_rule r) { return NAME_OF(rule_names, r); }
const char *dsb_lv7_end_name(enum dsb_lv7_end e) { return NAME_OF(end_names, e); }
const char *dsb_lv7_shadow_name(enum dsb_lv7_shadow s) { return NAME_OF(shadow_names, s); }
const char *dsb_lv7_problem_name(enum dsb_lv7_problem_kind k) { return NAME_OF(problem_names, k); }

/* ---- the record -------------------------------------------------------- */

bool dsb_lv7_lrck_decode(const uint8_t *buf, size_t len, size_t off, struct dsb_lv7_lrck *out)
{
	memset(out, 0, sizeof(*out));
	struct dsb_cursor c = dsb_cursor_make(buf, len);
	if (!dsb_cursor_seek(&c, off) || dsb_cursor_left(&c) < DSB_LV7_LRCK_SIZE)
		return false;
	struct dsb_cursor r = dsb_cursor_make(buf + off, DSB_LV7_LRCK_SIZE);
	out->lrtyp = dsb_at_u8(&r, DSB_LV7_LRCK_LRTYP_OFF);
	out->cb_backwards = dsb_at_le32(&r, DSB_LV7_LRCK_CB_BACKWARDS_OFF);
	out->cb_forwards = dsb_at_le32(&r, DSB_LV7_LRCK_CB_FORWARDS_OFF);
	out->cb_next = dsb_at_le32(&r, DSB_LV7_LRCK_CB_NEXT_OFF);
	out->checksum = dsb_at_le32(&r, DSB_LV7_LRCK_CHECKSUM_OFF);
	out->short_checksum = dsb_at_le32(&r, DSB_LV7_LRCK_SHORT_CHECKSUM_OFF);
	out->use_short = dsb_at_u8(&r, DSB_LV7_LRCK_USE_SHORT_OFF);
	return true;
}

/* ---- checksums --------------------------------------------------------- */
/*
 * Like format/ese_checksum.c's kernels, these run over every byte of the
 * body, so they load whole words with memcpy (any alignment of p) instead
 * of going through the cursor; the callers have bounded n to their
 * buffer.  Words are XORed from p, so byte k lands in bits 8 * (k mod 4)
 * of the folded value; the piece's offset in its range (k0) is then one
 * rotation, which is what lets a range start anywhere and be cut anywhere.
 */


uint32_t dsb_lv7_checksum_bytes(const uint8_t *p, size_t n, uint64_t k0)
{
	uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		a0 ^= dsb_load_le64(p + i);
		a1 ^= dsb_load_le64(p + i + 8);
		a2 ^= dsb_load_le64(p + i + 16);
		a3 ^= dsb_load_le64(p + i + 24);
	}
	for (; i + 8 <= n; i += 8)
		a0 ^= dsb_load_le64(p + i);
	uint64_t a = a0 ^ a1 ^ a2 ^ a3;
	uint32_t x = (uint32_t)a ^ (uint32_t)(a >> 32);
	if (i + 4 <= n) {
		x ^= dsb_load_le32(p + i);
		i += 4;
	}
	/* i is a multiple of 4 here: the 0-3 tail bytes take the low bytes. */
	for (unsigned sh = 0; i < n; i++, sh += 8)
		x ^= (uint32_t)p[i] << sh;
	unsigned r = (unsigned)(k0 % 4) * 8;
	return r ? (x << r) | (x >> (32 - r)) : x;
}

uint32_t dsb_lv7_lrck_terms(const struct dsb_lv7_lrck *r, int32_t generation)
{
	return r->cb_backwards ^ r->cb_forwards ^ r->cb_next ^ (uint32_t)r->use_short ^
	       (uint32_t)generation;
}

bool dsb_lv7_range_checksum(const uint8_t *buf, size_t len, size_t rec_off,
			    const struct dsb_lv7_lrck *r, int32_t generation, uint32_t *out)
{
	if (rec_off < r->cb_backwards || rec_off > len ||
	    (uint64_t)len - rec_off < (uint64_t)DSB_LV7_LRCK_SIZE + r->cb_forwards)
		return false;
	*out = DSB_LV7_RANGE_SEED ^
	       dsb_lv7_checksum_bytes(buf + rec_off - r->cb_backwards, r->cb_backwards, 0) ^
	       dsb_lv7_checksum_bytes(buf + rec_off + DSB_LV7_LRCK_SIZE, r->cb_forwards, 0) ^
	       dsb_lv7_lrck_terms(r, generation);
	return true;
}

bool dsb_lv7_short_checksum(const uint8_t *sec, uint32_t cb_sec, uint32_t ib,
			    const struct dsb_lv7_lrck *r, int32_t generation, uint32_t *out)
{
	if (ib > cb_sec || cb_sec - ib < DSB_LV7_LRCK_SIZE || r->cb_backwards > ib)
		return false;
	size_t fwd = ib + DSB_LV7_LRCK_SIZE;
	*out = DSB_LV7_SHORT_SEED ^
	       dsb_lv7_checksum_bytes(sec + ib - r->cb_backwards, r->cb_backwards, 0) ^
	       dsb_lv7_checksum_bytes(sec + fwd, cb_sec - fwd, 0) ^
	       dsb_lv7_lrck_terms(r, generation);
	return true;
}

enum dsb_lv7_rule dsb_lv7_lrck_check(const struct dsb_lv7_lrck *r, const uint8_t *sec,
				     uint32_t cb_sec, uint64_t isec, uint32_t ib,
				     uint64_t file_size, int32_t generation)
{
	if (r->lrtyp != DSB_LV7_LRTYP_CHECKSUM)
		return DSB_LV7_RULE_LRTYP;
	if (ib > cb_sec || cb_sec - ib < DSB_LV7_LRCK_SIZE)
		return DSB_LV7_RULE_STRADDLE;
	if (r->cb_backwards > cb_sec - DSB_LV7_LRCK_SIZE)
		return DSB_LV7_RULE_BACKWARDS_LONG;
	if (r->cb_backwards != 0 && r->cb_backwards != ib)
		return DSB_LV7_RULE_BACKWARDS_NOT_IB;
	bool multi;
	if (r->use_short == DSB_LV7_SHORT_ON) {
		uint32_t sc = 0;
		if (!dsb_lv7_short_checksum(sec, cb_sec, ib, r, generation, &sc) ||
		    sc != r->short_checksum)
			return DSB_LV7_RULE_SHORT_CHECKSUM;
		multi = true;
	} else if (r->use_short == DSB_LV7_SHORT_OFF) {
		if (r->short_checksum != 0)
			return DSB_LV7_RULE_SHORT_NONZERO;
		multi = false;
	} else {
		return DSB_LV7_RULE_SHORT_FLAG;
	}
	/* The range from the record's sector start, at most 2^32 + 4096. */
	uint64_t range = (uint64_t)ib + DSB_LV7_LRCK_SIZE + r->cb_forwards;
	if (file_size != UINT64_MAX && (isec > file_size / cb_sec ||
					range > file_size - isec * cb_sec))
		return DSB_LV7_RULE_PAST_EOF;
	if (range > cb_sec) {
		if (!multi)
			return DSB_LV7_RULE_MULTI_NO_SHORT;
		if (range % cb_sec)
			return DSB_LV7_RULE_MULTI_NOT_GRANULAR;
	} else if (multi) {
		return DSB_LV7_RULE_SINGLE_WITH_SHORT;
	}
	if (r->cb_next != 0) {
		if (range < cb_sec || range % cb_sec)
			return DSB_LV7_RULE_NEXT_NOT_GRANULAR;
		uint64_t next = (uint64_t)ib + DSB_LV7_LRCK_SIZE + r->cb_next;
		if (next / cb_sec != range / cb_sec)
			return DSB_LV7_RULE_NEXT_NOT_AFTER;
	}
	return DSB_LV7_RULE_OK;
}

bool dsb_lv7_shadow_valid(const uint8_t *sec, uint32_t cb_sec, uint64_t isec, uint32_t ib,
			  uint64_t file_size, int32_t generation, struct dsb_lv7_lrck *out)
{
	struct dsb_lv7_lrck r;
	uint32_t sum = 0;
	bool ok = dsb_lv7_lrck_decode(sec, cb_sec, ib, &r) &&
		  dsb_lv7_lrck_check(&r, sec, cb_sec, isec, ib, file_size, generation) ==
			  DSB_LV7_RULE_OK &&
		  r.use_short == DSB_LV7_SHORT_OFF && r.cb_next == 0 &&
		  dsb_lv7_range_checksum(sec, cb_sec, ib, &r, generation, &sum) &&
		  (sum ^ DSB_LV7_SHADOW_XOR) == r.checksum;
	if (out)
		*out = r;
	return ok;
}

/* ---- the log-extend pattern -------------------------------------------- */

/* Fifteen 0xDA: the bytes of a 16-byte step after its first. */
static const uint8_t pattern_run[DSB_LV7_PATTERN_STEP - 1] = {
	0xDA, 0xDA, 0xDA, 0xDA, 0xDA, 0xDA, 0xDA, 0xDA,
	0xDA, 0xDA, 0xDA, 0xDA, 0xDA, 0xDA, 0xDA,
};
static_assert(sizeof(pattern_run) == DSB_LV7_PATTERN_STEP - 1, "one step's run of 0xDA");

bool dsb_lv7_is_pattern(const uint8_t *p, size_t n, uint64_t off)
{
	if (off % DSB_LV7_PATTERN_STEP || n % DSB_LV7_PATTERN_STEP)
		return false;
	for (size_t i = 0; i < n; i += DSB_LV7_PATTERN_STEP) {
		uint64_t in_period = (off + i) % DSB_LV7_PATTERN_PERIOD;
		if (p[i] != (uint8_t)(DSB_LV7_PATTERN_BYTE + in_period) ||
		    memcmp(p + i + 1, pattern_run, sizeof pattern_run) != 0)
			return false;
	}
	return true;
}

/* ---- the walker -------------------------------------------------------- */

static void bump(uint32_t *c)
{
	if (*c < UINT32_MAX)
		(*c)++;
}

void dsb_lv7_walk_init(struct dsb_lv7_walk *w, int32_t generation, uint32_t cb_sec,
		       uint64_t file_size)
{
	memset(w, 0, sizeof(*w));
	w->generation = generation;
	w->cb_sec = cb_sec;
	w->file_size = file_size ? file_size : UINT64_MAX;
	w->sum.trailing_all_pattern = true;
	bool pow2 = cb_sec && (cb_sec & (cb_sec - 1)) == 0;
	if (!pow2 || cb_sec < DSB_LV7_SEC_MIN || cb_sec > DSB_LV7_SEC_MAX) {
		w->phase = DSB_LV7_PH_OFF;
		w->sum.end = DSB_LV7_END_BAD_SECTOR;
		return;
	}
	/* The chain starts at file offset 4096: isec = 4096 / cbSec, ib 0. */
	w->isec = DSB_LOG_HDR_SIZE / cb_sec;
	w->phase = DSB_LV7_PH_RECORD;
}

void dsb_lv7_walk_init_header(struct dsb_lv7_walk *w, const struct dsb_log_header *h,
			      uint64_t file_size)
{
	if (!file_size)
		file_size = (uint64_t)h->csec_lgfile * h->cb_sec;
	dsb_lv7_walk_init(w, h->generation, h->cb_sec, file_size);
	if (!file_size)
		w->file_size = DSB_LOG_HDR_SIZE;   /* a header that declares no body */
}

static uint64_t sec_off(const struct dsb_lv7_walk *w, uint64_t isec)
{
	return isec * w->cb_sec;
}

static void problem(struct dsb_lv7_walk *w, enum dsb_lv7_problem_kind kind,
		    enum dsb_lv7_rule rule, uint64_t isec, uint32_t ib)
{
	if (w->sum.have_problem)
		return;
	w->sum.have_problem = true;
	w->sum.first_problem = (struct dsb_lv7_problem){
		.kind = kind, .rule = rule, .isec = isec, .ib = ib,
		.offset = sec_off(w, isec) + ib,
	};
}

/* A sector after the data (or the damage) that is neither pattern nor a
 * shadow. */
static void not_pattern(struct dsb_lv7_walk *w, uint64_t isec)
{
	bump(&w->sum.counts.bad);
	if (w->sum.trailing_all_pattern) {
		w->sum.trailing_all_pattern = false;
		w->sum.first_non_pattern = sec_off(w, isec);
	}
	problem(w, DSB_LV7_PROB_TRAILING, DSB_LV7_RULE_OK, isec, 0);
}

static bool pattern(const struct dsb_lv7_walk *w, const uint8_t *s, uint64_t isec)
{
	return dsb_lv7_is_pattern(s, w->cb_sec, sec_off(w, isec));
}

static bool shadow_at(const struct dsb_lv7_walk *w, const uint8_t *s, uint64_t isec, uint32_t ib,
		      struct dsb_lv7_lrck *r)
{
	return dsb_lv7_shadow_valid(s, w->cb_sec, isec, ib, w->file_size, w->generation, r);
}

/* A valid shadow at any place of the sector: an old shadow need not sit
 * where the last record does.  Cheap field tests go first; called for at
 * most two sectors of a walk, so its cost is bounded by the sector size. */
static bool shadow_anywhere(const struct dsb_lv7_walk *w, const uint8_t *s, uint64_t isec,
			    uint32_t *ib_out)
{
	for (uint32_t ib = 0; ib + DSB_LV7_LRCK_SIZE <= w->cb_sec; ib++) {
		if (s[ib] != DSB_LV7_LRTYP_CHECKSUM ||
		    s[ib + DSB_LV7_LRCK_USE_SHORT_OFF] != DSB_LV7_SHORT_OFF)
			continue;
		if (shadow_at(w, s, isec, ib, NULL)) {
			*ib_out = ib;
			return true;
		}
	}
	return false;
}

/* The chain broke at the record (isec, ib): one bad record. */
static void damage(struct dsb_lv7_walk *w, enum dsb_lv7_problem_kind kind,
		   enum dsb_lv7_rule rule, uint64_t isec, uint32_t ib, enum dsb_lv7_phase next)
{
	problem(w, kind, rule, isec, ib);
	bump(&w->sum.counts.bad);
	w->dmg_isec = isec;
	w->dmg_ib = ib;
	w->scan_first = true;
	w->scan_other = false;
	w->scan_torn_ok = true;
	w->phase = next;
}

static void torn_by_shadow(struct dsb_lv7_walk *w, uint64_t isec, uint32_t ib)
{
	w->sum.end = DSB_LV7_END_TORN_SHADOW;
	w->sum.shadow = DSB_LV7_SHADOW_REPAIR;
	w->sum.shadow_offset = sec_off(w, isec) + ib;
	bump(&w->sum.counts.shadow);
	w->phase = DSB_LV7_PH_TRAIL;
}

/* The record's range is summed: verified, or the chain broke there. */
static void range_done(struct dsb_lv7_walk *w)
{
	const struct dsb_lv7_lrck *r = &w->rec;
	if (w->acc != r->checksum) {
		if (!w->multi) {
			damage(w, DSB_LV7_PROB_RANGE, DSB_LV7_RULE_OK, w->rec_isec, w->rec_ib,
			       DSB_LV7_PH_SHADOW_TRY);
			return;
		}
		damage(w, DSB_LV7_PROB_RANGE, DSB_LV7_RULE_OK, w->rec_isec, w->rec_ib,
		       DSB_LV7_PH_SCAN);
		/* The sector after the record's went by inside the range: its
		 * copy says whether it is the record's shadow (a crash while
		 * the new first sector was on disk, the shadow still old). */
		if (w->have_save && shadow_at(w, w->save, w->rec_isec + 1, w->rec_ib, NULL)) {
			torn_by_shadow(w, w->rec_isec + 1, w->rec_ib);
			return;
		}
		/* An unfinished multi-sector flush leaves pattern inside it. */
		w->scan_torn_ok = w->range_pattern > 0;
		w->scan_first = false;
		return;
	}
	struct dsb_lv7_summary *m = &w->sum;
	bump(&m->counts.valid);
	if (w->multi)
		bump(&m->multi_sector);
	m->have_last = true;
	m->last_isec = w->rec_isec;
	m->last_ib = w->rec_ib;
	m->last_offset = sec_off(w, w->rec_isec) + w->rec_ib;
	m->data_end = m->last_offset + DSB_LV7_LRCK_SIZE + r->cb_forwards;
	w->last = *r;
	if (r->cb_next == 0) {
		m->chain_ended = true;
		m->end = DSB_LV7_END_CLEAN;
		w->phase = DSB_LV7_PH_AFTER;
		return;
	}
	/* The rules put the next record in the sector right after the
	 * range, which ended with this sector. */
	w->rec_ib = (uint32_t)(((uint64_t)w->rec_ib + DSB_LV7_LRCK_SIZE + r->cb_next) % w->cb_sec);
	w->phase = DSB_LV7_PH_RECORD;
}

static void on_record(struct dsb_lv7_walk *w, const uint8_t *s, uint64_t isec)
{
	uint32_t ib = w->rec_ib;
	struct dsb_lv7_lrck r;
	enum dsb_lv7_rule rule;
	if (!dsb_lv7_lrck_decode(s, w->cb_sec, ib, &r))
		rule = s[ib] != DSB_LV7_LRTYP_CHECKSUM ? DSB_LV7_RULE_LRTYP : DSB_LV7_RULE_STRADDLE;
	else
		rule = dsb_lv7_lrck_check(&r, s, w->cb_sec, isec, ib, w->file_size, w->generation);
	if (rule != DSB_LV7_RULE_OK) {
		damage(w, DSB_LV7_PROB_RECORD, rule, isec, ib, DSB_LV7_PH_SHADOW_TRY);
		return;
	}
	w->rec = r;
	w->rec_isec = isec;
	w->multi = (uint64_t)ib + DSB_LV7_LRCK_SIZE + r.cb_forwards > w->cb_sec;
	w->range_pattern = 0;
	w->have_save = false;
	size_t fwd = ib + DSB_LV7_LRCK_SIZE;
	size_t take = w->cb_sec - fwd < r.cb_forwards ? w->cb_sec - fwd : r.cb_forwards;
	w->acc = DSB_LV7_RANGE_SEED ^ dsb_lv7_lrck_terms(&r, w->generation) ^
		 dsb_lv7_checksum_bytes(s + ib - r.cb_backwards, r.cb_backwards, 0) ^
		 dsb_lv7_checksum_bytes(s + fwd, take, 0);
	w->fwd_done = take;
	if (w->fwd_done == r.cb_forwards)
		range_done(w);
	else
		w->phase = DSB_LV7_PH_RANGE;
}

static void on_range(struct dsb_lv7_walk *w, const uint8_t *s, uint64_t isec)
{
	uint64_t left = w->rec.cb_forwards - w->fwd_done;
	size_t take = left < w->cb_sec ? (size_t)left : w->cb_sec;
	w->acc ^= dsb_lv7_checksum_bytes(s, take, w->fwd_done);
	w->fwd_done += take;
	if (isec == w->rec_isec + 1) {
		memcpy(w->save, s, w->cb_sec);
		w->have_save = true;
	}
	if (pattern(w, s, isec))
		w->range_pattern++;
	if (w->fwd_done == w->rec.cb_forwards)
		range_done(w);
}

static void on_scan(struct dsb_lv7_walk *w, const uint8_t *s, uint64_t isec)
{
	uint32_t ib;
	bool first = w->scan_first;
	w->scan_first = false;
	if (pattern(w, s, isec)) {
		bump(&w->sum.counts.empty);
	} else if (first && shadow_anywhere(w, s, isec, &ib)) {
		bump(&w->sum.counts.shadow);
		w->sum.shadow = DSB_LV7_SHADOW_OLD;
		w->sum.shadow_offset = sec_off(w, isec) + ib;
	} else {
		w->scan_other = true;
		not_pattern(w, isec);
	}
}

static void on_shadow_try(struct dsb_lv7_walk *w, const uint8_t *s, uint64_t isec)
{
	if (shadow_at(w, s, isec, w->dmg_ib, NULL)) {
		torn_by_shadow(w, isec, w->dmg_ib);
		return;
	}
	w->phase = DSB_LV7_PH_SCAN;
	on_scan(w, s, isec);
}

static void on_after(struct dsb_lv7_walk *w, const uint8_t *s, uint64_t isec)
{
	struct dsb_lv7_summary *m = &w->sum;
	struct dsb_lv7_lrck r;
	uint32_t ib = m->last_ib;
	w->phase = DSB_LV7_PH_TRAIL;
	if (pattern(w, s, isec)) {
		m->shadow = DSB_LV7_SHADOW_ABSENT;
		bump(&m->counts.empty);
		return;
	}
	if (shadow_at(w, s, isec, ib, &r)) {
		/* The final record's own shadow is its sector again: the same
		 * pointers and the checksum it has, turned. */
		bool current = isec == m->last_isec + 1 && r.cb_backwards == w->last.cb_backwards &&
			       r.cb_forwards == w->last.cb_forwards &&
			       r.checksum == (w->last.checksum ^ DSB_LV7_SHADOW_XOR);
		m->shadow = current ? DSB_LV7_SHADOW_CURRENT : DSB_LV7_SHADOW_OLD;
	} else if (shadow_anywhere(w, s, isec, &ib)) {
		m->shadow = DSB_LV7_SHADOW_OLD;
	} else {
		m->shadow = DSB_LV7_SHADOW_OTHER;
		not_pattern(w, isec);
		return;
	}
	m->shadow_offset = sec_off(w, isec) + ib;
	bump(&m->counts.shadow);
}

static void on_trail(struct dsb_lv7_walk *w, const uint8_t *s, uint64_t isec)
{
	if (pattern(w, s, isec))
		bump(&w->sum.counts.empty);
	else
		not_pattern(w, isec);
}

/* The one transition: the next whole sector, in the current phase. */
static void sector(struct dsb_lv7_walk *w, const uint8_t *s)
{
	uint64_t isec = w->isec++;
	switch (w->phase) {
	case DSB_LV7_PH_RECORD: on_record(w, s, isec); break;
	case DSB_LV7_PH_RANGE: on_range(w, s, isec); break;
	case DSB_LV7_PH_SHADOW_TRY: on_shadow_try(w, s, isec); break;
	case DSB_LV7_PH_SCAN: on_scan(w, s, isec); break;
	case DSB_LV7_PH_AFTER: on_after(w, s, isec); break;
	case DSB_LV7_PH_TRAIL: on_trail(w, s, isec); break;
	case DSB_LV7_PH_OFF: break;
	}
}

static uint64_t body_size(const struct dsb_lv7_walk *w)
{
	if (w->file_size == UINT64_MAX)
		return UINT64_MAX;
	return w->file_size > DSB_LOG_HDR_SIZE ? w->file_size - DSB_LOG_HDR_SIZE : 0;
}

void dsb_lv7_walk_feed(struct dsb_lv7_walk *w, const uint8_t *p, size_t n)
{
	if (w->finished || w->phase == DSB_LV7_PH_OFF)
		return;
	uint64_t room = body_size(w) - w->fed;
	if (n > room) {
		w->sum.excess_bytes += n - room;
		n = (size_t)room;
	}
	w->fed += n;
	while (n > 0) {
		if (w->fill == 0 && n >= w->cb_sec) {
			sector(w, p);
			p += w->cb_sec;
			n -= w->cb_sec;
			continue;
		}
		size_t take = w->cb_sec - w->fill < n ? w->cb_sec - w->fill : n;
		memcpy(w->sec + w->fill, p, take);
		w->fill += (uint32_t)take;
		p += take;
		n -= take;
		if (w->fill == w->cb_sec) {
			w->fill = 0;
			sector(w, w->sec);
		}
	}
}

void dsb_lv7_walk_finish(struct dsb_lv7_walk *w, bool ended_early)
{
	if (w->finished)
		return;
	w->finished = true;
	struct dsb_lv7_summary *m = &w->sum;
	if (w->phase == DSB_LV7_PH_OFF)
		return;
	uint64_t body = body_size(w);
	bool complete = body != UINT64_MAX && w->fed == body;
	if (w->fill && complete) {
		m->tail_bytes = w->fill;   /* a size that is not whole sectors */
	} else if (w->fill || (body != UINT64_MAX && w->fed < body) || ended_early) {
		m->truncated = true;
		m->partial_bytes = w->fill;
		m->truncated_offset = DSB_LOG_HDR_SIZE + w->fed;
	}
	switch (w->phase) {
	case DSB_LV7_PH_RECORD:
		if (!m->truncated && body != UINT64_MAX) {
			/* A verified record points at a sector the file does
			 * not have: no unfinished write leaves that. */
			problem(w, DSB_LV7_PROB_NEXT_PAST_END, DSB_LV7_RULE_OK, w->isec, w->rec_ib);
			bump(&m->counts.bad);
			m->end = DSB_LV7_END_CORRUPT;
		} else {
			m->truncated = true;
			m->truncated_offset = DSB_LOG_HDR_SIZE + w->fed;
		}
		break;
	case DSB_LV7_PH_RANGE:
		/* Only a stream cut inside the range gets here: the rules keep
		 * a range inside a file of known size. */
		m->truncated = true;
		m->truncated_offset = DSB_LOG_HDR_SIZE + w->fed;
		break;
	case DSB_LV7_PH_SHADOW_TRY:
		/* The damaged sector is the file's last: nothing follows it. */
		m->end = m->truncated ? DSB_LV7_END_NONE : DSB_LV7_END_TORN;
		break;
	case DSB_LV7_PH_SCAN:
		if (w->scan_other || !w->scan_torn_ok)
			m->end = DSB_LV7_END_CORRUPT;
		else
			m->end = m->truncated ? DSB_LV7_END_NONE : DSB_LV7_END_TORN;
		break;
	case DSB_LV7_PH_AFTER:
		m->shadow = DSB_LV7_SHADOW_ABSENT;   /* the file ends with the data */
		break;
	case DSB_LV7_PH_TRAIL:
	case DSB_LV7_PH_OFF:
		break;
	}
	m->torn = m->end == DSB_LV7_END_TORN || m->end == DSB_LV7_END_TORN_SHADOW;
	m->clean = m->end == DSB_LV7_END_CLEAN && !m->have_problem && m->trailing_all_pattern &&
		   !m->truncated;
}

bool dsb_lv7_summary_equal(const struct dsb_lv7_summary *a, const struct dsb_lv7_summary *b)
{
	const struct dsb_log_seg_counts *x = &a->counts, *y = &b->counts;
	const struct dsb_lv7_problem *p = &a->first_problem, *q = &b->first_problem;
	return x->valid == y->valid && x->empty == y->empty && x->bad == y->bad &&
	       x->corrected == y->corrected && x->shadow == y->shadow && x->unread == y->unread &&
	       a->multi_sector == b->multi_sector && a->chain_ended == b->chain_ended &&
	       a->have_last == b->have_last && a->last_isec == b->last_isec &&
	       a->last_ib == b->last_ib && a->last_offset == b->last_offset &&
	       a->data_end == b->data_end && a->shadow == b->shadow &&
	       a->shadow_offset == b->shadow_offset && a->end == b->end && a->torn == b->torn &&
	       a->have_problem == b->have_problem &&
	       (!a->have_problem || (p->kind == q->kind && p->rule == q->rule &&
				     p->isec == q->isec && p->ib == q->ib && p->offset == q->offset)) &&
	       a->trailing_all_pattern == b->trailing_all_pattern &&
	       a->first_non_pattern == b->first_non_pattern && a->truncated == b->truncated &&
	       a->truncated_offset == b->truncated_offset && a->partial_bytes == b->partial_bytes &&
	       a->excess_bytes == b->excess_bytes && a->tail_bytes == b->tail_bytes &&
	       a->clean == b->clean;
}
