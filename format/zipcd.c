/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A zip's end-of-central-directory record and central directory, checked
 * from the bytes (format/zipcd.h).  Every field is read through the
 * bounds-checked cursor at its named offset; every count and length read
 * from the input is bounded before it is used.
 */
#include "format/zipcd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/cursor.h"
#include "format/paths.h"

/* End of central directory record (APPNOTE 4.3.16). */
enum eocd {
	EOCD_SIG          = 0,    /* 0x06054b50, "PK\5\6" */
	EOCD_DISK         = 4,
	EOCD_CD_DISK      = 6,
	EOCD_ENTRIES_DISK = 8,
	EOCD_ENTRIES      = 10,
	EOCD_CD_SIZE      = 12,
	EOCD_CD_OFFSET    = 16,
	EOCD_COMMENT_LEN  = 20,
	EOCD_LEN          = 22,
};
#define EOCD_SIGNATURE   0x06054b50u
#define EOCD_COMMENT_MAX 65535u
/* Where the EOCD can start: its comment is at most 64 KiB. */
#define EOCD_SEARCH      ((uint64_t)EOCD_LEN + EOCD_COMMENT_MAX)

/* Zip64 end of central directory locator (APPNOTE 4.3.15), just before
 * the EOCD. */
enum z64loc {
	Z64LOC_SIG    = 0,        /* 0x07064b50 */
	Z64LOC_DISK   = 4,
	Z64LOC_OFFSET = 8,        /* of the zip64 EOCD record */
	Z64LOC_DISKS  = 16,
	Z64LOC_LEN    = 20,
};
#define Z64LOC_SIGNATURE 0x07064b50u

/* Zip64 end of central directory record (APPNOTE 4.3.14). */
enum z64eocd {
	Z64_SIG          = 0,     /* 0x06064b50 */
	Z64_REC_SIZE     = 4,
	Z64_DISK         = 16,
	Z64_CD_DISK      = 20,
	Z64_ENTRIES_DISK = 24,
	Z64_ENTRIES      = 32,
	Z64_CD_SIZE      = 40,
	Z64_CD_OFFSET    = 48,
	Z64_LEN          = 56,
};
#define Z64_SIGNATURE 0x06064b50u

/* Central directory file header (APPNOTE 4.3.12). */
enum cdh {
	CDH_SIG         = 0,      /* 0x02014b50, "PK\1\2" */
	CDH_NAME_LEN    = 28,
	CDH_EXTRA_LEN   = 30,
	CDH_COMMENT_LEN = 32,
	CDH_LEN         = 46,     /* the name follows */
};
#define CDH_SIGNATURE 0x02014b50u

_Static_assert(CDH_LEN + 3u * 65535u == DSB_ZIPCD_SPAN_MAX,
	       "the widest span read: a central header with three 16-bit lengths at their largest");
_Static_assert(EOCD_SEARCH <= DSB_ZIPCD_SPAN_MAX, "the EOCD search is one span");

struct zc {
	uint64_t size, avail_from;
	dsb_zipcd_read_fn rd;
	void *ctx;
	struct dsb_zipcd *out;
};

static void fail(struct zc *z, enum dsb_zipcd_status st, int64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct zc *z, enum dsb_zipcd_status st, int64_t offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(z->out->message, sizeof z->out->message, fmt, ap);
	va_end(ap);
	z->out->status = st;
	z->out->offset = offset;
}

/* n bytes at off as a cursor; false (status set) when they cannot be had. */
static bool span(struct zc *z, uint64_t off, size_t n, struct dsb_cursor *c)
{
	if (off > z->size || n > z->size - off) {
		fail(z, DSB_ZIPCD_BAD, (int64_t)off,
		     "the zip's central directory points past the end of the input (byte %llu)",
		     (unsigned long long)off);
		return false;
	}
	if (off < z->avail_from) {
		fail(z, DSB_ZIPCD_UNREACHABLE, (int64_t)off,
		     "the zip's central directory starts %llu bytes before the end of the input",
		     (unsigned long long)(z->size - off));
		return false;
	}
	const uint8_t *p = z->rd(z->ctx, off, n);
	if (!p) {
		fail(z, DSB_ZIPCD_BAD, (int64_t)off,
		     "cannot read the zip's central directory at byte %llu",
		     (unsigned long long)off);
		return false;
	}
	*c = dsb_cursor_make(p, n);
	return true;
}

static uint16_t le16_at(const struct dsb_cursor *c, size_t off)
{
	struct dsb_cursor t = *c;
	uint16_t v = 0;
	if (!dsb_cursor_seek(&t, off) || !dsb_get_le16(&t, &v))
		return 0;
	return v;
}

static uint32_t le32_at(const struct dsb_cursor *c, size_t off)
{
	uint32_t v = 0;
	return dsb_peek_le32(c, off, &v) ? v : 0;
}

static uint64_t le64_at(const struct dsb_cursor *c, size_t off)
{
	uint64_t v = 0;
	return dsb_peek_le64(c, off, &v) ? v : 0;
}

/* Where the directory is, from the EOCD (and the zip64 record). */
struct cd_where {
	uint64_t eocd;           /* offset of the EOCD */
	uint64_t end;            /* where the directory must end: the zip64 record or the EOCD */
	uint64_t entries, cd_size, cd_offset;
	uint32_t disk, cd_disk;
	uint64_t entries_disk;
};

/* The last EOCD whose comment ends within the input.  A signature later
 * than it whose record or comment runs past the end is a cut EOCD. */
static bool find_eocd(struct zc *z, struct cd_where *w)
{
	if (z->size < EOCD_LEN) {
		fail(z, DSB_ZIPCD_BAD, (int64_t)z->size,
		     "no end-of-central-directory record: the zip's central directory is missing or cut");
		return false;
	}
	uint64_t from = z->size > EOCD_SEARCH ? z->size - EOCD_SEARCH : 0;
	if (from < z->avail_from)
		from = z->avail_from;
	struct dsb_cursor c;
	if (!span(z, from, (size_t)(z->size - from), &c))
		return false;
	for (size_t i = c.len >= 4 ? c.len - 4 : 0;; i--) {
		if (le32_at(&c, i) == EOCD_SIGNATURE && c.len - i >= 4) {
			uint64_t at = from + i;
			if (c.len - i < EOCD_LEN ||
			    le16_at(&c, i + EOCD_COMMENT_LEN) > c.len - i - EOCD_LEN) {
				fail(z, DSB_ZIPCD_BAD, (int64_t)at,
				     "the zip's end-of-central-directory record at byte %llu is cut short",
				     (unsigned long long)at);
				return false;
			}
			w->eocd = at;
			w->end = at;
			w->disk = le16_at(&c, i + EOCD_DISK);
			w->cd_disk = le16_at(&c, i + EOCD_CD_DISK);
			w->entries_disk = le16_at(&c, i + EOCD_ENTRIES_DISK);
			w->entries = le16_at(&c, i + EOCD_ENTRIES);
			w->cd_size = le32_at(&c, i + EOCD_CD_SIZE);
			w->cd_offset = le32_at(&c, i + EOCD_CD_OFFSET);
			return true;
		}
		if (i == 0)
			break;
	}
	fail(z, DSB_ZIPCD_BAD, (int64_t)z->size,
	     "no end-of-central-directory record: the zip's central directory is missing or cut");
	return false;
}

/* Fields at their largest value mean "see the zip64 record". */
static bool find_zip64(struct zc *z, struct cd_where *w)
{
	if (w->entries != 0xFFFF && w->entries_disk != 0xFFFF && w->cd_size != 0xFFFFFFFFu &&
	    w->cd_offset != 0xFFFFFFFFu)
		return true;
	struct dsb_cursor c;
	if (w->eocd < Z64LOC_LEN) {
		fail(z, DSB_ZIPCD_BAD, (int64_t)w->eocd,
		     "the zip's end record asks for a zip64 record, and there is no room for one");
		return false;
	}
	uint64_t loc = w->eocd - Z64LOC_LEN;
	if (!span(z, loc, Z64LOC_LEN, &c))
		return false;
	if (le32_at(&c, Z64LOC_SIG) != Z64LOC_SIGNATURE) {
		fail(z, DSB_ZIPCD_BAD, (int64_t)loc,
		     "the zip's end record asks for a zip64 record, and its locator is missing");
		return false;
	}
	uint64_t rec = le64_at(&c, Z64LOC_OFFSET);
	if (le32_at(&c, Z64LOC_DISKS) > 1 || rec > loc || loc - rec < Z64_LEN) {
		fail(z, DSB_ZIPCD_BAD, (int64_t)loc,
		     "the zip64 locator at byte %llu points to no zip64 record",
		     (unsigned long long)loc);
		return false;
	}
	if (!span(z, rec, Z64_LEN, &c))
		return false;
	if (le32_at(&c, Z64_SIG) != Z64_SIGNATURE) {
		fail(z, DSB_ZIPCD_BAD, (int64_t)rec,
		     "no zip64 end-of-central-directory record at byte %llu",
		     (unsigned long long)rec);
		return false;
	}
	w->end = rec;
	w->disk = le32_at(&c, Z64_DISK);
	w->cd_disk = le32_at(&c, Z64_CD_DISK);
	w->entries_disk = le64_at(&c, Z64_ENTRIES_DISK);
	w->entries = le64_at(&c, Z64_ENTRIES);
	w->cd_size = le64_at(&c, Z64_CD_SIZE);
	w->cd_offset = le64_at(&c, Z64_CD_OFFSET);
	return true;
}

static bool note_cut_name(struct zc *z, const uint8_t *name, size_t len, uint64_t at)
{
	struct dsb_zipcd *o = z->out;
	if (o->ncut == DSB_ZIPCD_NUL_NAMES_MAX) {
		fail(z, DSB_ZIPCD_LIMIT, (int64_t)at,
		     "more than %d member names with a NUL inside (DSB_ZIPCD_NUL_NAMES_MAX)",
		     DSB_ZIPCD_NUL_NAMES_MAX);
		return false;
	}
	/* What libarchive hands over: the bytes before the NUL, and then the
	 * reader drops one leading "./" as for every name. */
	size_t vis = (size_t)((const uint8_t *)memchr(name, 0, len) - name);
	size_t s = dsb_member_strip_len((const char *)name, vis);
	char *p = malloc(vis - s + 1);
	if (!p) {
		fail(z, DSB_ZIPCD_NOMEM, -1, "out of memory");
		return false;
	}
	memcpy(p, name + s, vis - s);
	p[vis - s] = '\0';
	o->cut[o->ncut++] = p;
	return true;
}

/* Every central header, back to back, exactly filling the directory. */
static void walk(struct zc *z, const struct cd_where *w, uint64_t start)
{
	uint64_t pos = start, end = start + w->cd_size;
	for (uint64_t k = 0; k < w->entries; k++) {
		struct dsb_cursor c;
		if (end - pos < CDH_LEN) {
			fail(z, DSB_ZIPCD_BAD, (int64_t)pos,
			     "the zip's central directory is cut: entry %llu of %llu would start at byte %llu, past its end",
			     (unsigned long long)k + 1, (unsigned long long)w->entries,
			     (unsigned long long)pos);
			return;
		}
		if (!span(z, pos, CDH_LEN, &c))
			return;
		if (le32_at(&c, CDH_SIG) != CDH_SIGNATURE) {
			fail(z, DSB_ZIPCD_BAD, (int64_t)pos,
			     "the zip's central directory is damaged: no central header at byte %llu (entry %llu)",
			     (unsigned long long)pos, (unsigned long long)k + 1);
			return;
		}
		size_t nlen = le16_at(&c, CDH_NAME_LEN);
		uint64_t total = (uint64_t)CDH_LEN + nlen + le16_at(&c, CDH_EXTRA_LEN) +
				 le16_at(&c, CDH_COMMENT_LEN);
		if (total > end - pos) {
			fail(z, DSB_ZIPCD_BAD, (int64_t)pos,
			     "the zip's central directory is cut: entry %llu at byte %llu runs past its end",
			     (unsigned long long)k + 1, (unsigned long long)pos);
			return;
		}
		if (nlen > 0) {
			if (!span(z, pos + CDH_LEN, nlen, &c))
				return;
			if (memchr(c.p, 0, nlen) && !note_cut_name(z, c.p, nlen, pos))
				return;
		}
		pos += total;
		z->out->entries++;
	}
	if (pos != end)
		fail(z, DSB_ZIPCD_BAD, (int64_t)pos,
		     "the zip's central directory holds %llu bytes after its %llu entries",
		     (unsigned long long)(end - pos), (unsigned long long)w->entries);
}

void dsb_zipcd_check(uint64_t size, uint64_t avail_from, dsb_zipcd_read_fn rd, void *ctx,
		     struct dsb_zipcd *out)
{
	memset(out, 0, sizeof(*out));
	out->offset = -1;
	struct zc z = { .size = size, .avail_from = avail_from, .rd = rd, .ctx = ctx, .out = out };
	struct cd_where w = { 0 };
	if (!find_eocd(&z, &w) || !find_zip64(&z, &w))
		return;
	if (w.disk != 0 || w.cd_disk != 0 || w.entries_disk != w.entries) {
		fail(&z, DSB_ZIPCD_BAD, (int64_t)w.eocd,
		     "a zip split over several parts (disks); only whole zips are read");
		return;
	}
	if (w.entries > DSB_ZIPCD_ENTRIES_MAX) {
		fail(&z, DSB_ZIPCD_LIMIT, (int64_t)w.eocd,
		     "the zip's central directory lists %llu entries, more than %u (DSB_ZIPCD_ENTRIES_MAX)",
		     (unsigned long long)w.entries, DSB_ZIPCD_ENTRIES_MAX);
		return;
	}
	/* The directory ends where the end records start.  Bytes before the
	 * zip (a self-extracting program in front of it) shift every offset by as much; a
	 * directory claiming to run past its end is cut or damaged. */
	if (w.cd_offset > w.end || w.cd_size > w.end - w.cd_offset) {
		fail(&z, DSB_ZIPCD_BAD, (int64_t)w.end,
		     "the zip's central directory is cut or damaged: %llu bytes at byte %llu do not fit before its end record at byte %llu",
		     (unsigned long long)w.cd_size, (unsigned long long)w.cd_offset,
		     (unsigned long long)w.end);
		return;
	}
	walk(&z, &w, w.end - w.cd_size);
}

bool dsb_zipcd_name_cut(const struct dsb_zipcd *z, const char *name, size_t len)
{
	for (size_t i = 0; i < z->ncut; i++)
		if (strlen(z->cut[i]) == len && memcmp(z->cut[i], name, len) == 0)
			return true;
	return false;
}

void dsb_zipcd_free(struct dsb_zipcd *z)
{
	for (size_t i = 0; i < z->ncut; i++)
		free(z->cut[i]);
	z->ncut = 0;
}
