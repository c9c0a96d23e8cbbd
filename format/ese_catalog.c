/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MSysObjects records: bytes to structures.
 *
 * An ESE record (the data of a leaf node) starts with a 4-byte header:
 *   off size field
 *     0    1  fidFixedLastInRec   highest fixed column present (1..127)
 *     1    1  fidVarLastInRec     highest variable column present (127 = none)
 *     2    2  ibEndOfFixedData    end of the fixed data and its null bitmap
 * then the fixed columns 1..fidFixedLast in column order at their schema
 * sizes, a null bitmap of ceil(fidFixedLast / 8) bytes ending at
 * ibEndOfFixedData (bit set = NULL), then one u16 per variable column
 * (end offset of its data, bit 15 = NULL) and the variable data.
 *
 * The catalog's own schema is fixed by the engine, so the sizes of its
 * fixed columns are known here without reading any other record:
 *   1 ObjidTable 4, 2 Type 2, 3 Id 4, 4 ColtypOrPgnoFDP 4, 5 SpaceUsage 4,
 *   6 Flags 4, 7 PagesOrLocale 4, 8 RootFlag 1, 9 RecordOffset 2,
 *   10 LCMapFlags 4, 11 KeyMost 2, 12 LVChunkMax 4;
 * variable column 128 is Name.
 */
#include "format/ese.h"

#include <string.h>

#include "format/cursor.h"

#define REC_HDR_SIZE      4
#define FID_VAR_FIRST     128
#define VAR_NULL_BIT      0x8000u
#define VAR_OFFSET_MASK   0x7FFFu

static const uint8_t catalog_fixed_size[] = {
	[1] = 4, [2] = 2, [3] = 4, [4] = 4, [5] = 4, [6] = 4,
	[7] = 4, [8] = 1, [9] = 2, [10] = 4, [11] = 2, [12] = 4,
};
#define CATALOG_FIXED_MAX ((int)(sizeof(catalog_fixed_size) - 1))

bool dsb_ese_catalog_record_decode(const uint8_t *rec, size_t len,
				   struct dsb_ese_catalog_record *out)
{
	memset(out, 0, sizeof(*out));
	struct dsb_cursor c = dsb_cursor_make(rec, len);
	uint8_t fix_last, var_last;
	uint16_t ib_end;
	if (!dsb_get_u8(&c, &fix_last) || !dsb_get_u8(&c, &var_last) || !dsb_get_le16(&c, &ib_end))
		return false;
	/* ObjidTable, Type, Id and ColtypOrPgnoFDP are in every catalog
	 * record; a record without them is not one. */
	if (fix_last < 4 || ib_end > len)
		return false;
	size_t nbitmap = ((size_t)fix_last + 7) / 8;
	if (nbitmap > ib_end)
		return false;
	size_t bitmap_off = ib_end - nbitmap;

	uint32_t val[CATALOG_FIXED_MAX + 1] = { 0 };
	size_t off = REC_HDR_SIZE;
	for (int col = 1; col <= fix_last && col <= CATALOG_FIXED_MAX; col++) {
		size_t sz = catalog_fixed_size[col];
		if (off + sz > bitmap_off)
			return false;
		struct dsb_cursor f = dsb_cursor_make(rec, len);
		uint8_t b8 = 0;
		uint16_t b16 = 0;
		uint32_t b32 = 0;
		bool ok = dsb_cursor_seek(&f, off) &&
			  (sz == 1 ? dsb_get_u8(&f, &b8) :
			   sz == 2 ? dsb_get_le16(&f, &b16) : dsb_get_le32(&f, &b32));
		if (!ok)
			return false;
		val[col] = sz == 1 ? b8 : sz == 2 ? b16 : b32;
		/* A NULL fixed column reads as 0 whatever its bytes hold. */
		if (rec[bitmap_off + (size_t)(col - 1) / 8] & (1u << ((col - 1) % 8)))
			val[col] = 0;
		off += sz;
	}
	out->objid_table = val[1];
	out->type = (uint16_t)val[2];
	out->id = val[3];
	out->pgno_fdp = val[4];
	out->flags = val[6];

	if (var_last < FID_VAR_FIRST)
		return true;
	size_t nvar = (size_t)var_last - (FID_VAR_FIRST - 1);
	struct dsb_cursor v = dsb_cursor_make(rec, len);
	uint16_t end0;
	if (!dsb_cursor_seek(&v, ib_end) || !dsb_get_le16(&v, &end0))
		return false;
	size_t data_off = (size_t)ib_end + 2 * nvar;
	if (data_off > len)
		return false;
	if (end0 & VAR_NULL_BIT)
		return true;
	size_t name_len = end0 & VAR_OFFSET_MASK;
	const uint8_t *name;
	struct dsb_cursor nc = dsb_cursor_make(rec, len);
	if (!dsb_cursor_seek(&nc, data_off) || !dsb_get_span(&nc, &name, name_len))
		return false;
	out->name_cut = name_len > DSB_ESE_NAME_MAX;
	out->name_len = out->name_cut ? DSB_ESE_NAME_MAX : name_len;
	memcpy(out->name, name, out->name_len);
	out->name[out->name_len] = '\0';
	return true;
}
