/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Little-endian stores into a byte buffer, for the code that builds ESE
 * structures (fixtures, fuzz seeds, tests).  Reading input goes through
 * format/cursor.h instead, which checks bounds; these write where the
 * caller has the room.
 */
#ifndef DSB_LIB_LE_H
#define DSB_LIB_LE_H

#include <stddef.h>
#include <stdint.h>

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

#endif
