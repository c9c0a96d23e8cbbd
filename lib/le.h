/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Little-endian stores into a byte buffer, for the code that builds ESE
 * structures (fixtures, fuzz seeds, tests), and the raw word loads of the
 * checksum kernels (format/ese_checksum.c, format/ese_logv7.c), which run
 * over every byte of a page or log body and have bounded their length to
 * the buffer already.  Any other reading of input goes through
 * format/cursor.h, which checks bounds.
 */
#ifndef DSB_LIB_LE_H
#define DSB_LIB_LE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline void dsb_put_le16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static inline void dsb_put_le32(uint8_t *p, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static inline void dsb_put_le64(uint8_t *p, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* A word at p, any alignment (memcpy: one load on x86-64). */
static inline uint64_t dsb_load_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint32_t dsb_load_le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

#endif
