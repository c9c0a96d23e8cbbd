/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A zip's end: the end-of-central-directory record (EOCD, zip64 too) and
 * the central directory it points at, checked from the bytes themselves.
 *
 * Why: libarchive falls back to its streaming zip reader when the
 * central directory is missing or cut, and that reader never looks for
 * it, so a zip cut short after its last local header reads "fine".  CF
 * §1.2 makes such a zip C015.  The central directory also gives each
 * name's length, which libarchive does not: a name with a NUL inside is
 * handed over cut at the NUL, and CF §1.4 makes it unsafe (C009).
 *
 * No judgement here: the check says what is wrong and which names are
 * cut; format/archive.c turns that into reader errors and member flags.
 * Layouts: PKWARE APPNOTE.TXT 4.3.12 (central header), 4.3.14-4.3.16.
 */
#ifndef DSB_FORMAT_ZIPCD_H
#define DSB_FORMAT_ZIPCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hard limits: past them the zip is not checked further (a C015 names
 * the limit).  Entries: more than the member table takes anyway
 * (DSB_MAX_MEMBERS).  Cut names: each is compared with every member. */
#define DSB_ZIPCD_ENTRIES_MAX   2000000u
#define DSB_ZIPCD_NUL_NAMES_MAX 64
/* The longest span the check reads at once: a central header with the
 * largest name, extra field and comment (16-bit lengths). */
#define DSB_ZIPCD_SPAN_MAX      (46u + 3u * 65535u)

enum dsb_zipcd_status {
	DSB_ZIPCD_OK,
	DSB_ZIPCD_BAD,           /* missing, cut or inconsistent: message, offset */
	DSB_ZIPCD_UNREACHABLE,   /* needs bytes before `avail_from` (a stream's kept tail) */
	DSB_ZIPCD_LIMIT,         /* a DSB_ZIPCD_*_MAX was exceeded: message */
	DSB_ZIPCD_NOMEM,
};

/* `n` bytes of the input at `off`, or NULL when they cannot be had. */
typedef const uint8_t *(*dsb_zipcd_read_fn)(void *ctx, uint64_t off, size_t n);

struct dsb_zipcd {
	enum dsb_zipcd_status status;
	char message[256];       /* one line; no member name in it */
	int64_t offset;          /* in the input, where the problem is; -1 unknown */
	uint64_t entries;        /* central directory entries walked */
	/* Names stored with a NUL inside, as libarchive hands them over: the
	 * bytes before the first NUL, one leading "./" removed.  malloc'ed. */
	char *cut[DSB_ZIPCD_NUL_NAMES_MAX];
	size_t ncut;
};

/* Check the zip that ends at `size` (the input's length).  Bytes before
 * `avail_from` are not asked for (0: all of them can be read). */
void dsb_zipcd_check(uint64_t size, uint64_t avail_from, dsb_zipcd_read_fn rd, void *ctx,
		     struct dsb_zipcd *out);
/* Is `name` (as libarchive returned it) the visible part of a name the
 * central directory stores with a NUL inside? */
bool dsb_zipcd_name_cut(const struct dsb_zipcd *z, const char *name, size_t len);
void dsb_zipcd_free(struct dsb_zipcd *z);

#endif
