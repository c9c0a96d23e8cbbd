/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VSS shadow copies of a volume, read through libvshadow (LGPL-3.0+).
 *
 * The volume is a read callback (struct dsb_vol), not a file: the NTFS
 * volume that holds the NTDS files is a partition inside a raw, E01,
 * VHDX... image, read through the media layer.  libvshadow gets it through
 * a libbfio handle whose io functions call that callback
 * (libvshadow_volume_open_file_io_handle), and each store is handed back
 * as a struct dsb_vol of the same shape, so that the NTFS code that opened
 * the live volume opens the snapshot's file system unchanged.
 *
 * Bad input: libvshadow's failures become one of the closed enum's
 * causes (verify/status.h) with libvshadow's innermost message as the
 * detail; the number of stores is capped (DSB_VSS_MAX_STORES), and every
 * read libvshadow makes while opening counts against a byte budget
 * (DSB_VSS_OPEN_BUDGET), so that a catalog whose chain loops ends as
 * DSB_OP_LIMIT instead of a hang.
 *
 * Memory: libvshadow keeps each store's block descriptors (32 bytes of
 * list entry each, one per 16 KiB block copied) once the store is first
 * read, so a store costs at most 1/512 of the copied data; the catalog
 * and one 16 KiB block at a time otherwise.
 */
#ifndef DSB_FORMAT_VSS_H
#define DSB_FORMAT_VSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"

/* A volume as a read callback: `n` bytes at `off` into `buf`.  Returns 0
 * when all n were read, -1 otherwise (past the end included). */
struct dsb_vol {
	int (*read)(void *ctx, uint64_t off, void *buf, size_t n);
	void *ctx;
	uint64_t size;
};

/* Windows keeps at most 64 shadow copies per volume (512 with Windows
 * Server 2025's registry setting, never by default): more in a catalog is
 * damage. */
#define DSB_VSS_MAX_STORES 64
/* Bytes libvshadow may read while opening the volume and while opening
 * each store (catalog, store headers, block lists): 64 MiB is 4,096
 * catalog or list blocks, about 2 million descriptors. */
#define DSB_VSS_OPEN_BUDGET (UINT64_C(64) << 20)

struct dsb_vss_store_info {
	uint8_t id[16];            /* the store identifier, on-disk byte order */
	uint8_t copy_id[16];       /* the shadow copy identifier (0 when unavailable) */
	uint64_t creation_time;    /* FILETIME: 100 ns units since 1601-01-01 UTC */
	uint64_t size;             /* the snapshot volume's size in bytes */
};

/* What went wrong: the enum's cause and a message to put in its detail. */
struct dsb_vss_error {
	enum dsb_op_error error;
	char detail[DSB_STATUS_DETAIL_MAX];
};

struct dsb_vss;

/* True when the volume holds a VSS volume header at 0x1e00 (only reads
 * that one sector: cheap enough to ask of every NTFS volume). */
bool dsb_vss_present(const struct dsb_vol *vol);

/* Opens the VSS catalog of `vol` (borrowed until dsb_vss_close).  NULL
 * with *e filled when the volume has none (DSB_OP_UNREADABLE, "no VSS
 * volume header"), it is damaged, or a limit is reached. */
struct dsb_vss *dsb_vss_open(const struct dsb_vol *vol, struct dsb_vss_error *e);
void dsb_vss_close(struct dsb_vss *v);

/* Stores, oldest first (by creation time, as libvshadow sorts them). */
size_t dsb_vss_count(const struct dsb_vss *v);
bool dsb_vss_info(struct dsb_vss *v, size_t i, struct dsb_vss_store_info *out,
		  struct dsb_vss_error *e);

/* Store i as a volume: its read callback reads the snapshot's bytes.
 * Valid until dsb_vss_close.  A read failure there (a damaged block list)
 * is -1 from the callback, and dsb_vss_last_error says why. */
bool dsb_vss_store_vol(struct dsb_vss *v, size_t i, struct dsb_vol *out, struct dsb_vss_error *e);
const struct dsb_vss_error *dsb_vss_last_error(const struct dsb_vss *v);

#endif
