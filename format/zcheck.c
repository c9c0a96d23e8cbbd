/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A compressed input's own checks, by zlib or liblzma (format/zcheck.h).
 *
 * Streams follow each other (gzip members, RFC 1952 §2.2; xz streams).
 * After one ends, bytes that do not start another of the same kind are
 * what libarchive ignores too (padding) and are not judged here.  Each
 * kind is one row of the backend table: start (or restart) a decoder,
 * decode some bytes, end it.
 */
#include "format/zcheck.h"

#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SCRATCH        (64u * 1024)  /* decoded bytes, thrown away */
#define GZ_WINDOW_BITS (15 + 16)     /* the largest window, gzip wrapper only */
#define GZ_TRAILER_FIELD 4           /* CRC-32 and ISIZE: 4 bytes each (RFC 1952 §2.3.1) */

static const uint8_t gzip_magic[] = { 0x1f, 0x8b, 0x08 };
static const uint8_t xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
_Static_assert(sizeof xz_magic == DSB_ZCHECK_MAGIC_LEN, "the longest magic decides");
_Static_assert(sizeof gzip_magic <= DSB_ZCHECK_MAGIC_LEN, "every magic fits the head");

/* What one decode step did. */
enum step { STEP_MORE, STEP_END, STEP_FAIL };

struct dsb_zcheck;

struct backend {
	const uint8_t *magic;
	size_t magic_len;
	bool (*start)(struct dsb_zcheck *z, bool restart);
	/* Decode from p; *used bytes consumed. */
	enum step (*step)(struct dsb_zcheck *z, const uint8_t *p, size_t n, size_t *used);
	void (*end)(struct dsb_zcheck *z);
};

struct dsb_zcheck {
	const struct backend *b;
	z_stream gz;
	lzma_stream xz;
	bool started;         /* the decoder holds state to free */
	bool live;            /* inside a stream */
	bool after;           /* a stream ended: is another one starting? */
	uint8_t head[DSB_ZCHECK_MAGIC_LEN];
	size_t head_n;        /* bytes of the next stream's magic seen */
	bool done;            /* a failure or trailing bytes: nothing more to check */
	bool failed;
	bool cut;             /* the failure: the input ended inside a stream */
	char msg[200];
	uint64_t in;          /* raw bytes consumed */
	int64_t fail_at;
	uint8_t scratch[SCRATCH];
};

static void fail(struct dsb_zcheck *z, int64_t back, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the first failure; `back` bytes before the position reached
 * (a trailer field read whole). */
static void fail(struct dsb_zcheck *z, int64_t back, const char *fmt, ...)
{
	z->failed = true;
	z->done = true;
	z->fail_at = (int64_t)z->in >= back ? (int64_t)z->in - back : (int64_t)z->in;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(z->msg, sizeof z->msg, fmt, ap);
	va_end(ap);
}

/* ---- gzip: zlib checks each member's CRC-32 and ISIZE ---------------------- */

static bool gz_start(struct dsb_zcheck *z, bool restart)
{
	if (restart)
		return inflateReset(&z->gz) == Z_OK;
	return inflateInit2(&z->gz, GZ_WINDOW_BITS) == Z_OK;
}

static enum step gz_step(struct dsb_zcheck *z, const uint8_t *p, size_t n, size_t *used)
{
	/* zlib counts in uInt: at most that much at a time. */
	uInt take = n > (size_t)UINT32_MAX ? UINT32_MAX : (uInt)n;
	z->gz.next_in = (Bytef *)(uintptr_t)p;
	z->gz.avail_in = take;
	enum step st = STEP_MORE;
	for (;;) {
		z->gz.next_out = z->scratch;
		z->gz.avail_out = sizeof z->scratch;
		uInt before = z->gz.avail_in;
		int r = inflate(&z->gz, Z_NO_FLUSH);
		z->in += before - z->gz.avail_in;
		if (r == Z_STREAM_END) {
			st = STEP_END;
			break;
		}
		if (r == Z_DATA_ERROR) {
			/* zlib's words.  A trailer field was read whole when
			 * it does not match: point at its first byte. */
			const char *m = z->gz.msg ? z->gz.msg : "invalid data";
			if (strcmp(m, "incorrect data check") == 0)
				fail(z, GZ_TRAILER_FIELD, "gzip: its CRC-32 does not match the data (%s)", m);
			else if (strcmp(m, "incorrect length check") == 0)
				fail(z, GZ_TRAILER_FIELD, "gzip: its length (ISIZE) does not match the data (%s)", m);
			else
				fail(z, 0, "gzip data error: %s", m);
			st = STEP_FAIL;
			break;
		}
		if (r == Z_MEM_ERROR) {
			fail(z, 0, "%s", "out of memory while checking the gzip stream");
			st = STEP_FAIL;
			break;
		}
		/* Z_OK, or Z_BUF_ERROR: no progress possible without input. */
		if (z->gz.avail_in == 0 || (r == Z_BUF_ERROR && z->gz.avail_out != 0))
			break;
	}
	*used = take - z->gz.avail_in;
	return st;
}

static void gz_end(struct dsb_zcheck *z)
{
	inflateEnd(&z->gz);
}

/* ---- xz: liblzma checks every block's check, the index and the footer ------ */

static bool xz_start(struct dsb_zcheck *z, bool restart)
{
	if (restart)
		lzma_end(&z->xz);
	lzma_stream init = LZMA_STREAM_INIT;
	z->xz = init;
	/* One stream at a time (no LZMA_CONCATENATED): what follows a stream
	 * is judged by its magic, as for gzip. */
	return lzma_stream_decoder(&z->xz, DSB_ZCHECK_XZ_MEMLIMIT, 0) == LZMA_OK;
}

static enum step xz_step(struct dsb_zcheck *z, const uint8_t *p, size_t n, size_t *used)
{
	z->xz.next_in = p;
	z->xz.avail_in = n;
	enum step st = STEP_MORE;
	for (;;) {
		z->xz.next_out = z->scratch;
		z->xz.avail_out = sizeof z->scratch;
		size_t before = z->xz.avail_in;
		lzma_ret r = lzma_code(&z->xz, LZMA_RUN);
		z->in += before - z->xz.avail_in;
		if (r == LZMA_STREAM_END) {
			st = STEP_END;
			break;
		}
		if (r == LZMA_MEMLIMIT_ERROR) {
			fail(z, 0, "xz: the stream needs more memory than %u bytes to be checked (DSB_ZCHECK_XZ_MEMLIMIT)",
			     DSB_ZCHECK_XZ_MEMLIMIT);
			st = STEP_FAIL;
			break;
		}
		if (r != LZMA_OK) {
			fail(z, 0, "xz: %s",
			     r == LZMA_DATA_ERROR ? "the data is damaged or a check does not match" :
			     r == LZMA_FORMAT_ERROR ? "not an xz stream" :
			     r == LZMA_OPTIONS_ERROR ? "unsupported options" :
			     r == LZMA_MEM_ERROR ? "out of memory" : "cannot be decoded");
			st = STEP_FAIL;
			break;
		}
		if (z->xz.avail_in == 0)
			break;
	}
	*used = n - z->xz.avail_in;
	return st;
}

static void xz_end(struct dsb_zcheck *z)
{
	lzma_end(&z->xz);
}

static const struct backend backends[] = {
	[DSB_ZCHECK_GZIP] = { .magic = gzip_magic, .magic_len = sizeof gzip_magic,
			      .start = gz_start, .step = gz_step, .end = gz_end },
	[DSB_ZCHECK_XZ]   = { .magic = xz_magic, .magic_len = sizeof xz_magic,
			      .start = xz_start, .step = xz_step, .end = xz_end },
};

/* ---- the stream of streams ---------------------------------------------------- */

enum dsb_zcheck_kind dsb_zcheck_magic(const uint8_t *p, size_t n)
{
	for (size_t k = 0; k < sizeof backends / sizeof backends[0]; k++) {
		const struct backend *b = &backends[k];
		if (b->magic && n >= b->magic_len && memcmp(p, b->magic, b->magic_len) == 0)
			return (enum dsb_zcheck_kind)k;
	}
	return DSB_ZCHECK_NONE;
}

struct dsb_zcheck *dsb_zcheck_new(enum dsb_zcheck_kind kind)
{
	if (kind == DSB_ZCHECK_NONE)
		return NULL;
	struct dsb_zcheck *z = calloc(1, sizeof(*z));
	if (!z)
		return NULL;
	z->b = &backends[kind];
	if (!z->b->start(z, false)) {
		free(z);
		return NULL;
	}
	z->started = true;
	z->live = true;
	z->fail_at = -1;
	return z;
}

/* Decode a run of bytes of the current stream; false when it stopped
 * (failed, or the stream ended: z->after). */
static size_t decode(struct dsb_zcheck *z, const uint8_t *p, size_t n)
{
	size_t used = 0;
	switch (z->b->step(z, p, n, &used)) {
	case STEP_END:
		z->live = false;
		z->after = true;
		z->head_n = 0;
		break;
	case STEP_FAIL:
	case STEP_MORE:
		break;
	}
	return used;
}

void dsb_zcheck_feed(struct dsb_zcheck *z, const uint8_t *p, size_t n)
{
	while (n > 0 && !z->done) {
		if (z->after) {
			/* Another stream of the same kind, or the end of what we
			 * judge. */
			while (n > 0 && z->head_n < z->b->magic_len) {
				z->head[z->head_n++] = *p++;
				n--;
			}
			if (z->head_n < z->b->magic_len)
				return;
			if (memcmp(z->head, z->b->magic, z->b->magic_len) != 0) {
				z->done = true;   /* trailing bytes: libarchive stops here too */
				return;
			}
			z->after = false;
			z->live = true;
			if (!z->b->start(z, true)) {
				fail(z, 0, "%s", "cannot restart the compressed stream check");
				return;
			}
			decode(z, z->head, z->head_n);   /* a magic: never a whole stream */
			continue;
		}
		size_t k = decode(z, p, n);
		p += k;
		n -= k;
		if (k == 0 && !z->after)
			break;   /* no progress with input left: never spin */
	}
}

bool dsb_zcheck_finish(struct dsb_zcheck *z, char *msg, size_t cap, int64_t *offset)
{
	if (!z->failed && z->live) {
		z->cut = true;
		fail(z, 0, "%s", z->b == &backends[DSB_ZCHECK_GZIP] ?
		     "gzip: the stream ends inside a member (its trailer is missing or cut)" :
		     "xz: the stream ends inside a stream (its index or footer is missing or cut)");
	}
	if (!z->failed)
		return true;
	snprintf(msg, cap, "%s", z->msg);
	*offset = z->fail_at;
	return false;
}

bool dsb_zcheck_cut(const struct dsb_zcheck *z)
{
	return z->failed && z->cut;
}

void dsb_zcheck_free(struct dsb_zcheck *z)
{
	if (!z)
		return;
	if (z->started)
		z->b->end(z);
	free(z);
}
