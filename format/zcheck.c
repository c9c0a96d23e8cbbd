/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A compressed input's own checks, by zlib, liblzma, libzstd, libbz2 or
 * liblz4 (format/zcheck.h).
 *
 * Streams follow each other (gzip members, RFC 1952 §2.2; xz streams; zstd,
 * bzip2 and lz4 frames or streams).
 * After one ends, bytes that do not start another of the same kind are
 * what libarchive ignores too (padding) and are not judged here.  Each
 * kind is one row of the backend table: start (or restart) a decoder,
 * decode some bytes, end it.
 */
#include "format/zcheck.h"

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#define SCRATCH        (64u * 1024)  /* decoded bytes, thrown away */
#define GZ_WINDOW_BITS (15 + 16)     /* the largest window, gzip wrapper only */
#define GZ_TRAILER_FIELD 4           /* CRC-32 and ISIZE: 4 bytes each (RFC 1952 §2.3.1) */

static const uint8_t gzip_magic[] = { 0x1f, 0x8b, 0x08 };
static const uint8_t xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
/* RFC 8878 §3.1.1: 0xFD2FB528, little-endian */
static const uint8_t zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };
/* "BZh" then the block size digit, which the magic leaves to libbz2 */
static const uint8_t bzip2_magic[] = { 'B', 'Z', 'h' };
/* the LZ4 frame format's 0x184D2204, little-endian (the legacy format,
 * 0x184C2102, has no checksum to check and is left to libarchive) */
static const uint8_t lz4_magic[] = { 0x04, 0x22, 0x4d, 0x18 };
_Static_assert(sizeof xz_magic == DSB_ZCHECK_MAGIC_LEN, "the longest magic decides");
_Static_assert(sizeof gzip_magic <= DSB_ZCHECK_MAGIC_LEN && sizeof zstd_magic <= DSB_ZCHECK_MAGIC_LEN &&
	       sizeof bzip2_magic <= DSB_ZCHECK_MAGIC_LEN && sizeof lz4_magic <= DSB_ZCHECK_MAGIC_LEN,
	       "every magic fits the head");

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
	const char *cut;    /* the input ended inside a stream */
};

struct dsb_zcheck {
	const struct backend *b;
	z_stream gz;
	lzma_stream xz;
	ZSTD_DStream *zs;
	bz_stream bz;
	LZ4F_dctx *lz;
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
	uint64_t frame_at;    /* where the current stream or frame began */
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

/* ---- zstd: libzstd checks each frame's content checksum (RFC 8878 §3.1.1) -- */

static bool zs_start(struct dsb_zcheck *z, bool restart)
{
	if (restart)
		return !ZSTD_isError(ZSTD_DCtx_reset(z->zs, ZSTD_reset_session_only));
	if (!(z->zs = ZSTD_createDStream()))
		return false;
	/* The window a frame may ask for: libzstd's default limit (what
	 * libarchive's own decoder accepts), so that a hostile frame header
	 * never makes us allocate more. */
	return !ZSTD_isError(ZSTD_DCtx_setParameter(z->zs, ZSTD_d_windowLogMax,
						    DSB_ZCHECK_ZSTD_WINDOW_LOG_MAX));
}

static enum step zs_step(struct dsb_zcheck *z, const uint8_t *p, size_t n, size_t *used)
{
	ZSTD_inBuffer in = { .src = p, .size = n, .pos = 0 };
	enum step st = STEP_MORE;
	for (;;) {
		ZSTD_outBuffer out = { .dst = z->scratch, .size = sizeof z->scratch, .pos = 0 };
		size_t before = in.pos;
		size_t r = ZSTD_decompressStream(z->zs, &out, &in);
		z->in += in.pos - before;
		if (ZSTD_isError(r)) {
			/* libzstd keeps input of its own and does not say how far
			 * it got on an error: the place given is the frame's
			 * first byte, which is known. */
			ZSTD_ErrorCode e = ZSTD_getErrorCode(r);
			if (e == ZSTD_error_checksum_wrong)
				fail(z, 0, "zstd: a frame's content checksum does not match the data (%s; the frame starts at byte %llu)",
				     ZSTD_getErrorName(r), (unsigned long long)z->frame_at);
			else if (e == ZSTD_error_frameParameter_windowTooLarge)
				fail(z, 0, "zstd: a frame needs a window larger than 2^%d bytes to be checked (DSB_ZCHECK_ZSTD_WINDOW_LOG_MAX)",
				     DSB_ZCHECK_ZSTD_WINDOW_LOG_MAX);
			else
				fail(z, 0, "zstd: %s (in the frame that starts at byte %llu)",
				     ZSTD_getErrorName(r), (unsigned long long)z->frame_at);
			z->fail_at = (int64_t)z->frame_at;
			st = STEP_FAIL;
			break;
		}
		if (r == 0) {       /* a frame decoded, checked and flushed */
			st = STEP_END;
			break;
		}
		/* Input left, or output may still be pending: go on while
		 * something moves. */
		if (in.pos == in.size && out.pos < out.size)
			break;
	}
	*used = in.pos;
	return st;
}

static void zs_end(struct dsb_zcheck *z)
{
	ZSTD_freeDStream(z->zs);
}

/* ---- bzip2: libbz2 checks every block's CRC and the stream's combined CRC -- */

static bool bz_start(struct dsb_zcheck *z, bool restart)
{
	if (restart)
		BZ2_bzDecompressEnd(&z->bz);
	memset(&z->bz, 0, sizeof z->bz);
	return BZ2_bzDecompressInit(&z->bz, 0, 0) == BZ_OK;
}

static enum step bz_step(struct dsb_zcheck *z, const uint8_t *p, size_t n, size_t *used)
{
	/* libbz2 counts in unsigned int: at most that much at a time. */
	unsigned take = n > (size_t)UINT32_MAX ? UINT32_MAX : (unsigned)n;
	z->bz.next_in = (char *)(uintptr_t)p;
	z->bz.avail_in = take;
	enum step st = STEP_MORE;
	for (;;) {
		z->bz.next_out = (char *)z->scratch;
		z->bz.avail_out = sizeof z->scratch;
		unsigned before = z->bz.avail_in;
		int r = BZ2_bzDecompress(&z->bz);
		z->in += before - z->bz.avail_in;
		if (r == BZ_STREAM_END) {
			st = STEP_END;
			break;
		}
		if (r != BZ_OK) {
			fail(z, 0, "bzip2: %s",
			     r == BZ_DATA_ERROR ? "the data is damaged or a block or stream CRC does not match" :
			     r == BZ_DATA_ERROR_MAGIC ? "not a bzip2 stream" :
			     r == BZ_MEM_ERROR ? "out of memory" : "cannot be decoded");
			st = STEP_FAIL;
			break;
		}
		if (z->bz.avail_in == 0 && z->bz.avail_out != 0)
			break;
	}
	*used = take - z->bz.avail_in;
	return st;
}

static void bz_end(struct dsb_zcheck *z)
{
	BZ2_bzDecompressEnd(&z->bz);
}

/* ---- lz4: liblz4 checks the block and content checksums a frame carries ---- */

static bool lz_start(struct dsb_zcheck *z, bool restart)
{
	if (restart) {
		LZ4F_resetDecompressionContext(z->lz);
		return true;
	}
	return !LZ4F_isError(LZ4F_createDecompressionContext(&z->lz, LZ4F_VERSION));
}

static enum step lz_step(struct dsb_zcheck *z, const uint8_t *p, size_t n, size_t *used)
{
	size_t done = 0;
	enum step st = STEP_MORE;
	while (done < n) {
		size_t out = sizeof z->scratch, in = n - done;
		size_t r = LZ4F_decompress(z->lz, z->scratch, &out, p + done, &in, NULL);
		done += in;
		z->in += in;
		if (LZ4F_isError(r)) {
			/* As for zstd: the frame's first byte is the place known. */
			fail(z, 0, "lz4: %s (in the frame that starts at byte %llu)", LZ4F_getErrorName(r),
			     (unsigned long long)z->frame_at);
			z->fail_at = (int64_t)z->frame_at;
			st = STEP_FAIL;
			break;
		}
		if (r == 0) {       /* the frame ended, its checksums verified */
			st = STEP_END;
			break;
		}
		if (in == 0 && out == 0)
			break;          /* no progress: more input needed */
	}
	*used = done;
	return st;
}

static void lz_end(struct dsb_zcheck *z)
{
	LZ4F_freeDecompressionContext(z->lz);
}

static const struct backend backends[] = {
	[DSB_ZCHECK_GZIP] = { .magic = gzip_magic, .magic_len = sizeof gzip_magic,
			      .start = gz_start, .step = gz_step, .end = gz_end,
			      .cut = "gzip: the stream ends inside a member (its trailer is missing or cut)" },
	[DSB_ZCHECK_XZ]   = { .magic = xz_magic, .magic_len = sizeof xz_magic,
			      .start = xz_start, .step = xz_step, .end = xz_end,
			      .cut = "xz: the stream ends inside a stream (its index or footer is missing or cut)" },
	[DSB_ZCHECK_ZSTD] = { .magic = zstd_magic, .magic_len = sizeof zstd_magic,
			      .start = zs_start, .step = zs_step, .end = zs_end,
			      .cut = "zstd: the input ends inside a frame (its last block or checksum is missing or cut)" },
	[DSB_ZCHECK_BZIP2] = { .magic = bzip2_magic, .magic_len = sizeof bzip2_magic,
			       .start = bz_start, .step = bz_step, .end = bz_end,
			       .cut = "bzip2: the input ends inside a stream (its end-of-stream marker and CRC are missing or cut)" },
	[DSB_ZCHECK_LZ4]  = { .magic = lz4_magic, .magic_len = sizeof lz4_magic,
			      .start = lz_start, .step = lz_step, .end = lz_end,
			      .cut = "lz4: the input ends inside a frame (its end mark or content checksum is missing or cut)" },
};
_Static_assert(sizeof backends / sizeof backends[0] == DSB_ZCHECK_KIND_COUNT,
	       "one backend per kind");

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
			z->frame_at = z->in;
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
		fail(z, 0, "%s", z->b->cut);
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
