/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trailer check of a gzip input, run beside libarchive.
 *
 * Why: libarchive's gzip filter skips each member's trailer without
 * comparing it (3.6: "XXX TODO: Verify the length and CRC"), and a
 * format stops pulling the filter at its own end marker, so a gzip whose
 * CRC or length is wrong, or damaged where no member is read, reads
 * clean.  CF §1.2 wants the stream read to its very end with its trailer
 * checks run: this inflates the raw input once more, as it is hashed (on
 * the hasher's thread), output discarded, and lets zlib check every
 * member's CRC-32 and ISIZE, to the last byte of the input.
 *
 * Only the outermost filter is checked this way (the raw bytes must be
 * gzip); a gzip inside another filter is read by libarchive alone.
 */
#ifndef DSB_FORMAT_GZCHECK_H
#define DSB_FORMAT_GZCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dsb_gzcheck;

/* Do these first bytes of an input start a gzip member (RFC 1952: ID1
 * ID2 and CM = deflate)?  Needs DSB_GZCHECK_MAGIC_LEN bytes. */
#define DSB_GZCHECK_MAGIC_LEN 3
bool dsb_gzcheck_magic(const uint8_t *p, size_t n);

/* NULL when out of memory. */
struct dsb_gzcheck *dsb_gzcheck_new(void);
/* The raw input's bytes, in order, from its first. */
void dsb_gzcheck_feed(struct dsb_gzcheck *g, const uint8_t *p, size_t n);
/* After the last byte: true when every member's trailer matched.  Else
 * `msg` says what (one line) and *offset is the input byte where it was
 * found (-1 unknown). */
bool dsb_gzcheck_finish(struct dsb_gzcheck *g, char *msg, size_t cap, int64_t *offset);
void dsb_gzcheck_free(struct dsb_gzcheck *g);

#endif
