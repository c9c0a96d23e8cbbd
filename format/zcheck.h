/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trailer checks of a compressed input, run beside libarchive.
 *
 * Why: CF §1.2 wants a compressed stream read to its very end so that its
 * own checks run (a gzip member's CRC-32 and length, xz's block checks and
 * index), and a mismatch anywhere is C015, even after the archive's last
 * member.  libarchive does not give that: its gzip filter skips each
 * trailer unchecked (its 3.6 source leaves the length and CRC check as
 * a to-do note), and a format stops pulling its filter at its own end
 * marker, so the last xz block's check and the stream's index are never
 * reached either.  This
 * decompresses the raw input once more, as it is hashed (on the hasher's
 * thread), output thrown away, and lets zlib or liblzma check it all, to
 * the input's last byte.
 *
 * zstd's frames (RFC 8878: the optional content checksum), bzip2's block
 * and stream CRCs, and lz4 frames' block and content checksums are
 * checked the same way, since libarchive stops pulling those filters at
 * the archive's end marker as well.
 *
 * Only the outermost filter is checked this way (the raw bytes must be
 * one of these); a filter inside another one, lz4's legacy format (no
 * checksum) and the other filters are read by libarchive alone.
 */
#ifndef DSB_FORMAT_ZCHECK_H
#define DSB_FORMAT_ZCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dsb_zcheck_kind {
	DSB_ZCHECK_NONE,
	DSB_ZCHECK_GZIP,     /* RFC 1952: 1F 8B 08 */
	DSB_ZCHECK_XZ,       /* xz file format: FD 37 7A 58 5A 00 */
	DSB_ZCHECK_ZSTD,     /* RFC 8878 frame: 28 B5 2F FD */
	DSB_ZCHECK_BZIP2,    /* "BZh" */
	DSB_ZCHECK_LZ4,      /* LZ4 frame: 04 22 4D 18 */
	DSB_ZCHECK_KIND_COUNT
};

/* Bytes the kind is decided on: the longest magic. */
#define DSB_ZCHECK_MAGIC_LEN 6
/* The most memory liblzma may take for one xz stream (its dictionary);
 * past it the check is not made, and that is C015 naming the limit. */
#define DSB_ZCHECK_XZ_MEMLIMIT (256u << 20)
/* The largest zstd window checked (2^27 = 128 MiB, libzstd's default
 * limit for a frame that does not ask for long mode). */
#define DSB_ZCHECK_ZSTD_WINDOW_LOG_MAX 27

/* What the first DSB_ZCHECK_MAGIC_LEN bytes of an input say. */
enum dsb_zcheck_kind dsb_zcheck_magic(const uint8_t *p, size_t n);

struct dsb_zcheck;

/* NULL when out of memory. */
struct dsb_zcheck *dsb_zcheck_new(enum dsb_zcheck_kind kind);
/* The raw input's bytes, in order, from its first. */
void dsb_zcheck_feed(struct dsb_zcheck *z, const uint8_t *p, size_t n);
/* After the last byte: true when every check passed.  Else `msg` says
 * what (one line) and *offset is the input byte where it was found (-1
 * unknown). */
bool dsb_zcheck_finish(struct dsb_zcheck *z, char *msg, size_t cap, int64_t *offset);
/* After a failed dsb_zcheck_finish: true when the failure is that the
 * input ended inside a stream (cut), false when its bytes were wrong. */
bool dsb_zcheck_cut(const struct dsb_zcheck *z);
void dsb_zcheck_free(struct dsb_zcheck *z);

#endif
