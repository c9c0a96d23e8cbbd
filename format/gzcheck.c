/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A gzip input's trailers checked by zlib (format/gzcheck.h).  Members
 * follow each other (RFC 1952 §2.2); after the last one, bytes that do not
 * start another member are what libarchive ignores too (padding), and are
 * not judged here.
 */
#include "format/gzcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define GZ_SCRATCH    (64u * 1024)   /* inflated bytes, thrown away */
#define GZ_WINDOW_BITS (15 + 16)     /* the largest window, gzip wrapper only */
#define TRAILER_FIELD  4             /* CRC-32 and ISIZE: 4 bytes each (RFC 1952 §2.3.1) */

struct dsb_gzcheck {
	z_stream z;
	bool live;            /* inside a member */
	bool after;           /* a member ended: is another one starting? */
	uint8_t head[DSB_GZCHECK_MAGIC_LEN];
	size_t head_n;        /* bytes of the next member's magic seen */
	bool done;            /* a failure or trailing bytes: nothing more to check */
	bool failed;
	char msg[200];
	uint64_t in;          /* raw bytes consumed */
	int64_t fail_at;
	uint8_t scratch[GZ_SCRATCH];
};

bool dsb_gzcheck_magic(const uint8_t *p, size_t n)
{
	return n >= DSB_GZCHECK_MAGIC_LEN && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8;
}

struct dsb_gzcheck *dsb_gzcheck_new(void)
{
	struct dsb_gzcheck *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	if (inflateInit2(&g->z, GZ_WINDOW_BITS) != Z_OK) {
		free(g);
		return NULL;
	}
	g->live = true;
	g->fail_at = -1;
	return g;
}

static void fail(struct dsb_gzcheck *g, const char *what)
{
	g->failed = true;
	g->done = true;
	g->fail_at = (int64_t)g->in;
	snprintf(g->msg, sizeof g->msg, "%s", what);
}

/* Inflate n bytes of a member; returns how many were consumed. */
static size_t inflate_some(struct dsb_gzcheck *g, const uint8_t *p, size_t n)
{
	/* zlib counts in uInt: feed at most that much at a time. */
	uInt take = n > (size_t)UINT32_MAX ? UINT32_MAX : (uInt)n;
	g->z.next_in = (Bytef *)(uintptr_t)p;
	g->z.avail_in = take;
	for (;;) {
		g->z.next_out = g->scratch;
		g->z.avail_out = sizeof g->scratch;
		uInt before = g->z.avail_in;
		int r = inflate(&g->z, Z_NO_FLUSH);
		g->in += before - g->z.avail_in;
		if (r == Z_STREAM_END) {
			g->live = false;
			g->after = true;
			g->head_n = 0;
			break;
		}
		if (r == Z_DATA_ERROR) {
			/* zlib's words: "incorrect data check" (CRC-32),
			 * "incorrect length check" (ISIZE), or the deflate data.
			 * A trailer field was read whole: point at its start. */
			const char *m = g->z.msg ? g->z.msg : "invalid data";
			bool trailer = strstr(m, "check") != NULL;
			char what[160];
			snprintf(what, sizeof what, "%s%s",
				 strcmp(m, "incorrect data check") == 0 ?
				 "its CRC-32 does not match the data: " :
				 strcmp(m, "incorrect length check") == 0 ?
				 "its length (ISIZE) does not match the data: " : "", m);
			fail(g, what);
			if (trailer && g->fail_at >= TRAILER_FIELD)
				g->fail_at -= TRAILER_FIELD;
			break;
		}
		if (r == Z_MEM_ERROR) {
			fail(g, "out of memory while checking the gzip stream");
			break;
		}
		/* Z_OK, or Z_BUF_ERROR: no progress possible without input. */
		if (g->z.avail_in == 0 || (r == Z_BUF_ERROR && g->z.avail_out != 0))
			break;
	}
	return take - g->z.avail_in;
}

void dsb_gzcheck_feed(struct dsb_gzcheck *g, const uint8_t *p, size_t n)
{
	while (n > 0 && !g->done) {
		if (g->after) {
			/* Another member, or the end of what we judge. */
			while (n > 0 && g->head_n < DSB_GZCHECK_MAGIC_LEN) {
				g->head[g->head_n++] = *p++;
				n--;
			}
			if (g->head_n < DSB_GZCHECK_MAGIC_LEN)
				return;
			if (!dsb_gzcheck_magic(g->head, g->head_n)) {
				g->done = true;   /* trailing bytes: libarchive stops here too */
				return;
			}
			g->after = false;
			g->live = true;
			if (inflateReset(&g->z) != Z_OK) {
				fail(g, "cannot restart the gzip check");
				return;
			}
			size_t k = inflate_some(g, g->head, g->head_n);
			(void)k;   /* three header bytes: never a whole member */
			continue;
		}
		size_t k = inflate_some(g, p, n);
		p += k;
		n -= k;
		if (k == 0 && !g->after && !g->done)
			break;   /* cannot happen with input left; never spin */
	}
}

bool dsb_gzcheck_finish(struct dsb_gzcheck *g, char *msg, size_t cap, int64_t *offset)
{
	if (!g->failed && g->live)
		fail(g, "the gzip stream ends inside a member (its trailer is missing or cut)");
	if (!g->failed)
		return true;
	snprintf(msg, cap, "%s", g->msg);
	*offset = g->fail_at;
	return false;
}

void dsb_gzcheck_free(struct dsb_gzcheck *g)
{
	if (!g)
		return;
	inflateEnd(&g->z);
	free(g);
}
