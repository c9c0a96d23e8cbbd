/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ESE verifier's stream: bytes in, in blocks of any size, once.
 *
 * The first HDR_BUF bytes are buffered until the page size is known (both
 * header copies at every candidate size, REF §1.4).  After that, pages are
 * handed to ese_page_process() straight from the caller's buffer when they
 * are whole, or assembled in `part` when a feed splits them.  The last
 * complete page of every feed is copied to `hold` instead of being
 * processed: until the stream ends, any page may be the last one, and the
 * last page of a streamed copy is the backup trailer (REF §3.10), which is
 * judged as such at finish.  Checking the header copies, the header's
 * fields and the trailer happens here; pages in verify/ese/ese_pages.c; the
 * walk in verify/ese/ese_tree.c.
 */
#define DSB_ESE_INTERNAL
#include "verify/ese/ese_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/cursor.h"
#include "lib/hex.h"

/* ---- helpers shared by the ese_*.c files -------------------------------- */

void ese_add(struct dsb_ese_stream *s, enum dsb_rule rule, int64_t page, int64_t offset,
	     const char *table, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ese_vadd(s, rule, page, offset, table, fmt, ap);
	va_end(ap);
}

/* The va_list form: the message is formatted once, by dsb_findings_vadd. */
void ese_vadd(struct dsb_ese_stream *s, enum dsb_rule rule, int64_t page, int64_t offset,
	      const char *table, const char *fmt, va_list ap)
{
	struct dsb_loc loc = s->base;
	loc.page = page;
	loc.offset = offset;
	loc.table = table;
	/* A page finding names the tree that owns the page.  Until the
	 * catalog is read (at finish) that is unknown: the finding waits in
	 * `early` and gets its table in ese_owners_finish. */
	char owner[DSB_TABLE_NAME_MAX];
	if (!table && page >= 1 && page <= UINT32_MAX) {
		if (!s->owners_done && s->early) {
			dsb_findings_vadd(s->early, s->input, rule, &loc, fmt, ap);
			return;
		}
		loc.table = ese_page_table(s, (uint32_t)page, owner, sizeof owner);
	}
	dsb_findings_vadd(s->f, s->input, rule, &loc, fmt, ap);
}

void ese_fuzzy(struct dsb_ese_stream *s, enum fuzzy_kind k, int64_t page, const char *fmt, ...)
{
	struct fuzzy_agg *z = &s->fz[k];
	if (z->count++ == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(z->first_what, sizeof(z->first_what), fmt, ap);
		va_end(ap);
		z->first_page = page;
	}
}

void *ese_grow(struct dsb_ese_stream *s, void *v, size_t *cap, size_t n, size_t elem,
	       size_t limit)
{
	if (n < *cap || n >= limit)
		return v;
	size_t want = *cap ? *cap * 2 : 64;
	if (want > limit)
		want = limit;
	if (want > SIZE_MAX / elem) {
		s->oom = true;
		return v;
	}
	void *nv = realloc(v, want * elem);
	if (!nv) {
		s->oom = true;
		return v;
	}
	*cap = want;
	return nv;
}

/* A catalog name as findings and the report show it: the one escape set
 * (lib/hex.h), so a '"' is written \x22 like every other quoted name. */
void ese_printable(const char *in, size_t len, char *out, size_t outsz)
{
	dsb_escape(out, outsz, in, len);
}

/* ---- life cycle ---------------------------------------------------------- */

static char *dup_or_null(const char *p)
{
	return p ? strdup(p) : NULL;
}

struct dsb_ese_stream *dsb_ese_stream_new(struct dsb_findings *f, int input,
					  const struct dsb_loc *base)
{
	struct dsb_ese_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->f = f;
	s->input = input;
	struct dsb_loc none = DSB_LOC_INIT;
	s->base = base ? *base : none;
	s->member = dup_or_null(s->base.member);
	s->file = dup_or_null(s->base.file);
	s->hbuf = malloc(HDR_BUF);
	s->early = dsb_findings_new();
	if (!s->hbuf || !s->early || (s->base.member && !s->member) || (s->base.file && !s->file)) {
		dsb_ese_stream_free(s);
		return NULL;
	}
	s->base.member = s->member;
	s->base.file = s->file;
	s->base.page = -1;
	s->base.offset = -1;
	s->base.table = NULL;
	s->phase = PH_HEADER;
	s->next_pgno = 1;
	s->lim = (struct dsb_ese_limits)DSB_ESE_LIMITS_DEFAULT;
	s->sum.state_name = "unknown";
	for (int k = 0; k < FZ_COUNT; k++)
		s->fz[k].first_page = -1;
	return s;
}

void dsb_ese_stream_free(struct dsb_ese_stream *s)
{
	if (!s)
		return;
	free(s->member);
	free(s->file);
	free(s->hbuf);
	free(s->part);
	free(s->hold);
	ese_pg_free(s);
	free(s->children.v);
	free(s->cat.v);
	free(s->ext.v);
	free(s->roots.v);
	free(s->tables.v);
	free(s->misp.v);
	free(s->undec.v);
	free(s->owners.v);
	/* Not merged: the stream was never finished (an out-of-memory stop). */
	dsb_findings_free(s->early);
	free(s);
}

void dsb_ese_stream_set_limits(struct dsb_ese_stream *s, const struct dsb_ese_limits *lim)
{
	/* Only before the first byte: a limit changed half-way would judge
	 * some pages by one limit and the rest by another. */
	if (s->phase != PH_HEADER || s->hlen || !lim)
		return;
	const struct dsb_ese_limits def = DSB_ESE_LIMITS_DEFAULT;
#define LIM_SET(f) s->lim.f = lim->f && lim->f < def.f ? lim->f : def.f
	LIM_SET(pages);
	LIM_SET(children);
	LIM_SET(catalog);
	LIM_SET(extents);
	LIM_SET(roots);
	LIM_SET(depth);
	LIM_SET(misplaced);
#undef LIM_SET
}

bool dsb_ese_summary_incomplete(const struct dsb_ese_summary *sum)
{
	return !sum->header_ok || sum->checks_incomplete;
}

const struct dsb_ese_summary *dsb_ese_stream_summary(const struct dsb_ese_stream *s)
{
	return &s->sum;
}

bool dsb_ese_sniff(const void *first_bytes, size_t len)
{
	struct dsb_cursor c = dsb_cursor_make(first_bytes, len);
	uint32_t magic;
	if (dsb_peek_le32(&c, DSB_ESE_HDR_MAGIC_OFF, &magic) && magic == DSB_ESE_MAGIC)
		return true;
	for (uint32_t cb = DSB_ESE_PAGE_MIN; cb <= DSB_ESE_PAGE_MAX; cb *= 2)
		if (dsb_peek_le32(&c, cb + DSB_ESE_HDR_MAGIC_OFF, &magic) && magic == DSB_ESE_MAGIC)
			return true;
	return false;
}

/* ---- the header ----------------------------------------------------------- */

static void why_text(unsigned why, char *out, size_t n)
{
	out[0] = '\0';
	size_t o = 0;
	static const struct { unsigned bit; const char *text; } names[] = {
		{ DSB_ESE_HDRCOPY_SHORT, "missing (the file ends first)" },
		{ DSB_ESE_HDRCOPY_MAGIC, "no ESE magic" },
		{ DSB_ESE_HDRCOPY_CHECKSUM, "checksum mismatch" },
		{ DSB_ESE_HDRCOPY_PAGE_SIZE, "page-size field does not match" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(why & names[i].bit))
			continue;
		int w = snprintf(out + o, n - o, "%s%s", o ? ", " : "", names[i].text);
		if (w < 0 || (size_t)w >= n - o)
			break;
		o += (size_t)w;
		if (why & DSB_ESE_HDRCOPY_SHORT)
			break;   /* a missing copy has no other problem worth naming */
	}
}

static uint32_t le32_at(const uint8_t *p, size_t len, size_t off)
{
	struct dsb_cursor c = dsb_cursor_make(p, len);
	uint32_t v = 0;
	(void)dsb_peek_le32(&c, off, &v);
	return v;
}

/* Judge both header copies and pick the page size; false when no copy is
 * good (E001 or E002 added: nothing else can be verified). */
static bool header_decide(struct dsb_ese_stream *s)
{
	static const uint32_t sizes[] = { 2048, 4096, 8192, 16384, 32768 };
	unsigned pwhy[5], swhy[5];
	_Static_assert(sizeof(sizes) / sizeof(sizes[0]) == 5 && sizeof(pwhy) / sizeof(pwhy[0]) == 5,
		       "one verdict per copy for each ESE page size, 2 to 32 KiB (REF §1.1)");
	_Static_assert(2 * 32768 <= HDR_BUF, "both copies at the largest size are buffered");
	int pick = -1;
	for (int i = 0; i < 5; i++) {
		uint32_t cb = sizes[i];
		pwhy[i] = dsb_ese_header_copy_check(s->hbuf, s->hlen, cb);
		swhy[i] = s->hlen > cb ? dsb_ese_header_copy_check(s->hbuf + cb, s->hlen - cb, cb)
				       : DSB_ESE_HDRCOPY_SHORT;
	}
	/* Prefer a size at which both copies are good (REF §1.4).  Then the
	 * size the copies are laid out for, whatever their page-size field
	 * says: both verify there with only the field disagreeing, or one
	 * does and the other copy's magic is where the layout puts it.  Only
	 * then one good copy alone, the primary first.  A header checksum
	 * covers the whole candidate page and the bytes past 748 are zero, so
	 * the primary of an 8 KiB database also verifies at 2 and 4 KiB:
	 * trusting a page-size field of 0 (4096) there would read every page
	 * at the wrong size.  The shadow, at offset cb, is what fixes cb. */
	const unsigned PS = DSB_ESE_HDRCOPY_PAGE_SIZE;
	for (int i = 0; i < 5 && pick < 0; i++)
		if (!pwhy[i] && !swhy[i])
			pick = i;
	for (int i = 0; i < 5 && pick < 0; i++)
		if (!(pwhy[i] & ~PS) && !(swhy[i] & ~PS))
			pick = i;
	for (int i = 0; i < 5 && pick < 0; i++)
		if ((!(pwhy[i] & ~PS) && !(swhy[i] & (DSB_ESE_HDRCOPY_MAGIC | DSB_ESE_HDRCOPY_SHORT))) ||
		    (!(swhy[i] & ~PS) && !(pwhy[i] & DSB_ESE_HDRCOPY_MAGIC)))
			pick = i;
	for (int i = 0; i < 5 && pick < 0; i++)
		if (!pwhy[i])
			pick = i;
	for (int i = 0; i < 5 && pick < 0; i++)
		if (!swhy[i])
			pick = i;

	if (pick < 0) {
		bool magic = le32_at(s->hbuf, s->hlen, DSB_ESE_HDR_MAGIC_OFF) == DSB_ESE_MAGIC;
		for (int i = 0; i < 5; i++)
			if (le32_at(s->hbuf, s->hlen, sizes[i] + DSB_ESE_HDR_MAGIC_OFF) == DSB_ESE_MAGIC)
				magic = true;
		s->sum.is_ese = magic;
		if (!magic) {
			ese_add(s, DSB_E001, -1, 0, NULL,
				"no ESE database header: no 0x89ABCDEF magic at offset 4 nor in a shadow copy at 2-32 KiB (%zu bytes read)",
				s->hlen);
			return false;
		}
		/* Name the problems at the page size the primary claims, if it
		 * claims a valid one; otherwise at 8 KiB, Active Directory's. */
		uint32_t field = le32_at(s->hbuf, s->hlen, DSB_ESE_HDR_PAGE_SIZE_OFF);
		uint32_t cb = field ? field : 4096;
		int at = 2;
		for (int i = 0; i < 5; i++)
			if (sizes[i] == cb)
				at = i;
		char pw[128], sw[128];
		why_text(pwhy[at], pw, sizeof(pw));
		why_text(swhy[at], sw, sizeof(sw));
		ese_add(s, DSB_E002, -1, 0, NULL,
			"both header copies are damaged: at %u-byte pages the primary (offset 0): %s; the shadow (offset %u): %s",
			sizes[at], pw, sizes[at], sw);
		return false;
	}

	uint32_t cb = sizes[pick];
	s->cb = cb;
	s->sum.is_ese = true;
	s->sum.header_ok = true;
	s->sum.page_size = cb;
	/* A copy is good when it verifies at this layout.  Its page-size
	 * field disagreeing makes it the damaged one when the other copy's
	 * field is right; when both copies say the same wrong size, the field
	 * is what is wrong, once (E005), and the copies are fine. */
	unsigned pps = pwhy[pick] & PS, sps = swhy[pick] & PS;
	bool pgood = !(pwhy[pick] & ~PS), sgood = !(swhy[pick] & ~PS);
	if (pgood && sgood && pps != sps) {
		if (pps)
			pgood = false;
		else
			sgood = false;
	}
	s->sum.primary_ok = pgood;
	s->sum.shadow_ok = sgood;
	const uint8_t *use = pgood ? s->hbuf : s->hbuf + cb;
	if (pgood ? pps : sps) {
		uint32_t field = le32_at(use, cb, DSB_ESE_HDR_PAGE_SIZE_OFF);
		ese_add(s, DSB_E005, -1, (pgood ? 0 : (int64_t)cb) + DSB_ESE_HDR_PAGE_SIZE_OFF, NULL,
			"the page-size field (offset %u) holds %u%s, but the header copies are laid out for %u-byte pages (the shadow copy is at offset %u); the pages are read as %u bytes",
			DSB_ESE_HDR_PAGE_SIZE_OFF, field, field ? "" : " (0 means 4096)", cb, cb, cb);
	}
	char why[128];
	if (!s->sum.primary_ok) {
		why_text(pwhy[pick], why, sizeof(why));
		ese_add(s, DSB_E003, -1, 0, NULL,
			"primary header copy (offset 0) is damaged: %s; the shadow copy at offset %u is good and is used",
			why, cb);
	} else if (!s->sum.shadow_ok) {
		why_text(swhy[pick], why, sizeof(why));
		ese_add(s, DSB_E003, -1, cb, NULL,
			"shadow header copy (offset %u) is damaged: %s; the primary copy is good and is used",
			cb, why);
	} else if (memcmp(s->hbuf, s->hbuf + cb, cb) != 0) {
		/* From byte 4: the checksums differ whenever anything else does. */
		size_t first = 0, ndiff = 0;
		for (size_t i = DSB_ESE_HDR_MAGIC_OFF; i < cb; i++) {
			if (s->hbuf[i] != s->hbuf[cb + i]) {
				if (!ndiff)
					first = i;
				ndiff++;
			}
		}
		ese_add(s, DSB_E004, -1, (int64_t)(cb + first), NULL,
			"header copies both verify but differ in %zu bytes, the first at byte %zu; the primary is used",
			ndiff, first);
	} else {
		s->sum.copies_identical = true;
	}
	(void)dsb_ese_header_decode(use, cb, &s->sum.header);
	return true;
}

static bool state_dirty(uint32_t st)
{
	return st == DSB_ESE_STATE_DIRTY || st == DSB_ESE_STATE_DIRTY_PATCHED;
}

/* The header's own fields (REF §1.2, §1.5): values, coherence, counters. */
static void header_checks(struct dsb_ese_stream *s)
{
	const struct dsb_ese_header *h = &s->sum.header;
	const uint8_t *copy = s->sum.primary_ok ? s->hbuf : s->hbuf + s->cb;
	int64_t base = s->sum.primary_ok ? 0 : s->cb;

	s->sum.format_version = h->version;
	s->sum.format_revision = h->update_major;
	s->sum.format_update_minor = h->update_minor;
	s->sum.state = h->state;
	s->sum.state_name = dsb_ese_state_name(h->state);
	s->sum.gen_min_required = h->gen_min_required;
	s->sum.gen_max_required = h->gen_max_required;
	s->sum.gen_max_committed = h->gen_max_committed;
	s->sum.backup_in_progress = h->bk_full_cur.gen_low != 0 && h->bk_full_cur.gen_high == 0;
	s->expect_trailer = s->sum.backup_in_progress;
	s->sum.fuzzy = state_dirty(h->state) || h->bk_full_cur.gen_low != 0;

	if (h->version != DSB_ESE_VERSION)
		ese_add(s, DSB_E005, -1, base + DSB_ESE_HDR_VERSION_OFF, NULL,
			"format version 0x%x is not 0x620", h->version);
	if (h->attrib != 0)
		ese_add(s, DSB_E005, -1, base + DSB_ESE_HDR_ATTRIB_OFF, NULL,
			"file attribute %u is not 0 (database)", h->attrib);
	/* 0 is what engines before the file-type field left there. */
	if (h->filetype != 0 && h->filetype != DSB_ESE_FILETYPE_DATABASE)
		ese_add(s, DSB_E005, -1, base + DSB_ESE_HDR_FILETYPE_OFF, NULL,
			"file type %u at offset 667 is not a database (1)", h->filetype);
	if (h->state != DSB_ESE_STATE_CLEAN && !state_dirty(h->state))
		ese_add(s, DSB_E005, -1, base + DSB_ESE_HDR_STATE_OFF, NULL,
			"database state %u (%s): the database cannot be attached in this state",
			h->state, dsb_ese_state_name(h->state));

	if (h->state == DSB_ESE_STATE_CLEAN &&
	    (h->gen_min_required != 0 || h->gen_max_required != 0))
		ese_add(s, DSB_E006, -1, base + DSB_ESE_HDR_GEN_MIN_REQ_OFF, NULL,
			"state clean-shutdown but log generations %d-%d are required (expected 0-0)",
			h->gen_min_required, h->gen_max_required);
	if (state_dirty(h->state) &&
	    (h->gen_min_required <= 0 || h->gen_max_required <= 0 ||
	     h->gen_min_required > h->gen_max_required))
		ese_add(s, DSB_E006, -1, base + DSB_ESE_HDR_GEN_MIN_REQ_OFF, NULL,
			"state %s but the required log generations are %d-%d (expected 1 <= minimum <= maximum)",
			dsb_ese_state_name(h->state), h->gen_min_required, h->gen_max_required);

	size_t first_rsv = 0;
	bool rsv = false;
	for (size_t i = 0; i < DSB_ESE_HDR_RESERVED_LEN && !rsv; i++)
		if (copy[DSB_ESE_HDR_RESERVED_OFF + i]) {
			rsv = true;
			first_rsv = DSB_ESE_HDR_RESERVED_OFF + i;
		}
	if (!rsv && copy[DSB_ESE_HDR_RESERVED2_OFF]) {
		rsv = true;
		first_rsv = DSB_ESE_HDR_RESERVED2_OFF;
	}
	for (size_t i = DSB_ESE_HDR_SIZE; i < s->cb && !rsv; i++)
		if (copy[i]) {
			rsv = true;
			first_rsv = i;
		}
	if (rsv)
		ese_add(s, DSB_E007, -1, base + (int64_t)first_rsv, NULL,
			"header byte %zu is reserved (always zero) but is not", first_rsv);

	if (h->repair_count || h->repair_count_old)
		ese_add(s, DSB_E008, -1, base + DSB_ESE_HDR_REPAIR_COUNT_OFF, NULL,
			"repair count %u (before the last defragmentation: %u)",
			h->repair_count, h->repair_count_old);
	if (h->bad_checksum || h->bad_checksum_old || h->ecc_fix_fail || h->ecc_fix_fail_old)
		ese_add(s, DSB_E009, -1, base + DSB_ESE_HDR_BAD_CHECKSUM_OFF, NULL,
			"the engine counted %u uncorrectable checksum errors (%u earlier) and %u failed single-bit corrections (%u earlier)",
			h->bad_checksum, h->bad_checksum_old, h->ecc_fix_fail, h->ecc_fix_fail_old);
	if (h->ecc_fix_ok || h->ecc_fix_ok_old)
		ese_add(s, DSB_E010, -1, base + DSB_ESE_HDR_ECC_FIX_OK_OFF, NULL,
			"the engine corrected %u single-bit errors (%u earlier)",
			h->ecc_fix_ok, h->ecc_fix_ok_old);
}

/* ---- the trailer ------------------------------------------------------------ */

static void trailer_verify(struct dsb_ese_stream *s, const uint8_t *page, uint32_t at_pgno)
{
	const struct dsb_ese_header *h = &s->sum.header;
	struct dsb_ese_trailer *t = &s->sum.trailer;
	int64_t off = page_offset(s, at_pgno);
	(void)dsb_ese_trailer_decode(page, s->cb, t);
	s->sum.trailer_present = true;

	char why[512];
	size_t o = 0;
#define WHY(...) do { \
		int w_ = snprintf(why + o, sizeof(why) - o, "%s", o ? "; " : ""); \
		if (w_ > 0 && (size_t)w_ < sizeof(why) - o) o += (size_t)w_; \
		w_ = snprintf(why + o, sizeof(why) - o, __VA_ARGS__); \
		if (w_ > 0 && (size_t)w_ < sizeof(why) - o) o += (size_t)w_; \
	} while (0)
	if (dsb_ese_header_checksum(page, s->cb) != t->checksum)
		WHY("checksum mismatch");
	if (!t->pghdr_zero)
		WHY("page header bytes 4-39 are not zero");
	if (memcmp(t->sign_db.raw, h->sign_db.raw, DSB_ESE_SIGNATURE_SIZE) != 0)
		WHY("database signature differs from the header's");
	if (memcmp(t->sign_log.raw, h->sign_log.raw, DSB_ESE_SIGNATURE_SIZE) != 0)
		WHY("log signature differs from the header's");
	if (t->bkinfo.gen_high == 0)
		WHY("no end generation (genHigh 0)");
	else if (t->bkinfo.gen_low > t->bkinfo.gen_high)
		WHY("generations %u-%u run backwards", t->bkinfo.gen_low, t->bkinfo.gen_high);
	if (memcmp(t->bkinfo.mark_raw, h->bk_full_cur.mark_raw, DSB_ESE_LGPOS_SIZE) != 0)
		WHY("backup mark (0x%x,%x,%x) differs from the header's (0x%x,%x,%x)",
		    (unsigned)t->bkinfo.mark.generation, t->bkinfo.mark.isec, t->bkinfo.mark.ib,
		    (unsigned)h->bk_full_cur.mark.generation, h->bk_full_cur.mark.isec,
		    h->bk_full_cur.mark.ib);
	if (!s->expect_trailer)
		WHY("the header records no streaming backup in progress");
#undef WHY
	if (o) {
		ese_add(s, DSB_E020, -1, off, NULL, "trailer page after page %u: %s",
			at_pgno - 1, why);
		return;
	}
	s->sum.trailer_ok = true;
	s->sum.fuzzy = true;   /* a valid trailer: a streamed, online copy */
}

/* ---- bytes in ------------------------------------------------------------------ */

static void flush_hold(struct dsb_ese_stream *s)
{
	if (!s->have_hold)
		return;
	s->have_hold = false;
	ese_page_process(s, s->hold, s->hold_pgno);
}

static void pages_feed(struct dsb_ese_stream *s, const uint8_t *p, size_t n)
{
	size_t cb = s->cb;
	while (n && !s->oom) {
		if (s->part_len || n < cb) {
			size_t take = cb - s->part_len < n ? cb - s->part_len : n;
			memcpy(s->part + s->part_len, p, take);
			s->part_len += take;
			p += take;
			n -= take;
			if (s->part_len == cb) {
				flush_hold(s);
				uint8_t *t = s->hold;
				s->hold = s->part;
				s->part = t;
				s->have_hold = true;
				s->hold_pgno = s->next_pgno++;
				s->part_len = 0;
			}
			continue;
		}
		/* Whole pages in the caller's buffer: check them in place, all
		 * but the last, which is held back. */
		size_t whole = n / cb;
		flush_hold(s);
		for (size_t i = 0; i + 1 < whole && !s->oom; i++)
			ese_page_process(s, p + i * cb, s->next_pgno++);
		memcpy(s->hold, p + (whole - 1) * cb, cb);
		s->have_hold = true;
		s->hold_pgno = s->next_pgno++;
		p += whole * cb;
		n -= whole * cb;
	}
}

/* Header decided: set up the page path and push what the header buffer
 * holds past the two copies. */
static bool start_pages(struct dsb_ese_stream *s)
{
	header_checks(s);
	s->part = malloc(s->cb);
	s->hold = malloc(s->cb);
	if (!s->part || !s->hold) {
		s->oom = true;
		return false;
	}
	s->phase = PH_PAGES;
	if (s->hlen > 2 * (size_t)s->cb)
		pages_feed(s, s->hbuf + 2 * (size_t)s->cb, s->hlen - 2 * (size_t)s->cb);
	return !s->oom;
}

bool dsb_ese_stream_feed(struct dsb_ese_stream *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	if (s->oom)
		return false;
	if (s->phase == PH_STOPPED || s->phase == PH_DONE) {
		s->sum.bytes += len;
		return true;
	}
	s->sum.bytes += len;
	if (s->phase == PH_HEADER) {
		size_t take = HDR_BUF - s->hlen < len ? HDR_BUF - s->hlen : len;
		memcpy(s->hbuf + s->hlen, p, take);
		s->hlen += take;
		p += take;
		len -= take;
		if (s->hlen < HDR_BUF)
			return true;
		if (!header_decide(s)) {
			s->phase = PH_STOPPED;
			return true;
		}
		if (!start_pages(s))
			return false;
	}
	pages_feed(s, p, len);
	if (s->oom)
		s->sum.out_of_memory = true;
	return !s->oom;
}

static void finish_last_page(struct dsb_ese_stream *s)
{
	if (!s->have_hold) {
		if (s->expect_trailer && !s->sum.truncated)
			ese_add(s, DSB_E021, -1, page_offset(s, s->next_pgno), NULL,
				"the header records a streaming backup in progress but the file has no page after the header");
		return;
	}
	s->have_hold = false;
	if (s->sum.truncated) {
		ese_page_process(s, s->hold, s->hold_pgno);
		return;
	}
	bool like = dsb_ese_trailer_like(s->hold, s->cb);
	if (s->expect_trailer) {
		if (like) {
			trailer_verify(s, s->hold, s->hold_pgno);
			return;
		}
		ese_add(s, DSB_E021, s->hold_pgno, page_offset(s, s->hold_pgno), NULL,
			"the header records a streaming backup in progress but the last page (%u) is not a trailer page",
			s->hold_pgno);
		ese_page_process(s, s->hold, s->hold_pgno);
		return;
	}
	/* Not announced by the header: a trailer only if it has the shape and
	 * its header-style checksum verifies (what esentutl /k does). */
	if (like && dsb_ese_header_checksum(s->hold, s->cb) == le32_at(s->hold, s->cb, 0)) {
		trailer_verify(s, s->hold, s->hold_pgno);
		return;
	}
	ese_page_process(s, s->hold, s->hold_pgno);
}

void dsb_ese_stream_finish(struct dsb_ese_stream *s, bool complete)
{
	if (s->phase == PH_DONE)
		return;
	if (s->phase == PH_HEADER && !s->oom) {
		if (!header_decide(s))
			s->phase = PH_STOPPED;
		else
			(void)start_pages(s);
	}
	if (s->phase != PH_PAGES || s->oom) {
		ese_owners_finish(s);
		s->sum.out_of_memory = s->oom;
		s->phase = PH_DONE;
		return;
	}
	if (!complete)
		s->sum.truncated = true;
	if (s->hlen < 2 * (size_t)s->cb) {
		s->sum.truncated = true;
		if (complete && s->hlen > s->cb)
			ese_add(s, DSB_E012, -1, (int64_t)s->hlen, NULL,
				"the file ends %zu bytes into the shadow header copy (%zu bytes in all)",
				s->hlen - s->cb, s->hlen);
		else if (complete)
			ese_add(s, DSB_E012, -1, (int64_t)s->hlen, NULL,
				"the file ends after the primary header: no shadow copy and no pages");
	} else if (s->part_len) {
		s->sum.truncated = true;
		if (complete)
			ese_add(s, DSB_E012, s->next_pgno, page_offset(s, s->next_pgno), NULL,
				"the file ends %zu bytes into page %u (offset %lld): the page is incomplete",
				s->part_len, s->next_pgno, (long long)page_offset(s, s->next_pgno));
	}
	finish_last_page(s);
	if (!s->oom)
		ese_finish_trees(s);
	ese_owners_finish(s);
	s->sum.out_of_memory = s->oom;
	s->phase = PH_DONE;
}

struct dsb_ese_stream *dsb_ese_verify_fd(int fd, struct dsb_findings *f, int input,
					 const struct dsb_loc *base, int *read_errno)
{
	enum { CHUNK = 1 << 20 };
	struct dsb_ese_stream *s = dsb_ese_stream_new(f, input, base);
	uint8_t *buf = malloc(CHUNK);
	if (!s || !buf) {
		free(buf);
		dsb_ese_stream_free(s);
		return NULL;
	}
	if (read_errno)
		*read_errno = 0;
	bool complete = true;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (read_errno)
				*read_errno = errno;
			complete = false;
			break;
		}
		if (n == 0)
			break;
		if (!dsb_ese_stream_feed(s, buf, (size_t)n))
			break;
	}
	free(buf);
	dsb_ese_stream_finish(s, complete);
	return s;
}
