/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one bounds-checked byte cursor that every parser in format/ reads
 * through.  Every getter either reads the whole value and advances, or
 * reads nothing, leaves the cursor where it was and returns false: a
 * truncated structure can never be half-consumed.  Integers are read with
 * unsigned temporaries, never by casting a struct over input bytes.
 */
#ifndef DSB_FORMAT_CURSOR_H
#define DSB_FORMAT_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct dsb_cursor {
	const uint8_t *p;   /* start of the buffer */
	size_t len;         /* its length */
	size_t off;         /* next byte to read */
};

static inline struct dsb_cursor dsb_cursor_make(const void *p, size_t len)
{
	struct dsb_cursor c = { .p = p, .len = len, .off = 0 };
	return c;
}

static inline size_t dsb_cursor_left(const struct dsb_cursor *c)
{
	return c->len - c->off;
}

static inline bool dsb_cursor_seek(struct dsb_cursor *c, size_t off)
{
	if (off > c->len)
		return false;
	c->off = off;
	return true;
}

static inline bool dsb_cursor_skip(struct dsb_cursor *c, size_t n)
{
	if (n > dsb_cursor_left(c))
		return false;
	c->off += n;
	return true;
}

static inline bool dsb_get_u8(struct dsb_cursor *c, uint8_t *v)
{
	if (dsb_cursor_left(c) < 1)
		return false;
	*v = c->p[c->off++];
	return true;
}

static inline bool dsb_get_le16(struct dsb_cursor *c, uint16_t *v)
{
	if (dsb_cursor_left(c) < 2)
		return false;
	const uint8_t *b = c->p + c->off;
	*v = (uint16_t)((unsigned)b[0] | (unsigned)b[1] << 8);
	c->off += 2;
	return true;
}

static inline bool dsb_get_le32(struct dsb_cursor *c, uint32_t *v)
{
	if (dsb_cursor_left(c) < 4)
		return false;
	const uint8_t *b = c->p + c->off;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	     (uint32_t)b[3] << 24;
	c->off += 4;
	return true;
}

static inline bool dsb_get_le64(struct dsb_cursor *c, uint64_t *v)
{
	uint32_t lo, hi;
	size_t save = c->off;
	if (!dsb_get_le32(c, &lo) || !dsb_get_le32(c, &hi)) {
		c->off = save;
		return false;
	}
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

static inline bool dsb_get_bytes(struct dsb_cursor *c, void *out, size_t n)
{
	if (n > dsb_cursor_left(c))
		return false;
	memcpy(out, c->p + c->off, n);
	c->off += n;
	return true;
}

/* Borrow n bytes in place: *out points into the cursor's buffer. */
static inline bool dsb_get_span(struct dsb_cursor *c, const uint8_t **out, size_t n)
{
	if (n > dsb_cursor_left(c))
		return false;
	*out = c->p + c->off;
	c->off += n;
	return true;
}

/* Fixed-offset reads for layout tables: read at `off` without moving. */
static inline bool dsb_peek_le32(const struct dsb_cursor *c, size_t off, uint32_t *v)
{
	struct dsb_cursor t = *c;
	return dsb_cursor_seek(&t, off) && dsb_get_le32(&t, v);
}

static inline bool dsb_peek_le64(const struct dsb_cursor *c, size_t off, uint64_t *v)
{
	struct dsb_cursor t = *c;
	return dsb_cursor_seek(&t, off) && dsb_get_le64(&t, v);
}

/* Field readers for layout tables whose whole structure the caller has
 * already found inside the buffer: the value at `off`, or 0 should it lie
 * outside after all (a decoder bug then shows as a zero, never as a read
 * past the buffer). */
static inline uint8_t dsb_at_u8(const struct dsb_cursor *c, size_t off)
{
	return off < c->len ? c->p[off] : 0;
}

static inline uint16_t dsb_at_le16(const struct dsb_cursor *c, size_t off)
{
	struct dsb_cursor t = *c;
	uint16_t v = 0;
	if (!dsb_cursor_seek(&t, off) || !dsb_get_le16(&t, &v))
		return 0;
	return v;
}

static inline uint32_t dsb_at_le32(const struct dsb_cursor *c, size_t off)
{
	uint32_t v = 0;
	return dsb_peek_le32(c, off, &v) ? v : 0;
}

static inline uint64_t dsb_at_le64(const struct dsb_cursor *c, size_t off)
{
	uint64_t v = 0;
	return dsb_peek_le64(c, off, &v) ? v : 0;
}

#endif
