/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The path from a disk image's bytes to a file inside it (format/media.h):
 * partition table, NTFS metadata (TSK), the NTDS folder's listing, each
 * file opened by path and read to its end, its runs mapped to the volume.
 * A volume with VSS shadow copies is followed into each store as
 * `verify --shadows` does (format/vss.h, dsb_media_open_vol).
 * Invariants: nothing crashes, hangs or reads past the image; a read
 * never returns more than asked; a file's bytes read add up to at most
 * its size.
 *
 * The input is a sparse image, since an NTFS volume is at least 1 MiB
 * and mostly zeros (the seeds' encoder: dfx_media_sparse, fixtures/lib/
 * media.h): a little-endian u32 image size in sectors (capped at
 * FUZZ_SECTORS_MAX), then runs of { u32 first sector, u16 sectors,
 * the sectors' bytes }; sectors never written are zeros.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/media.h"
#include "format/vss.h"
#include "lib/le.h"
#include "verify/media/media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECTOR 512u
#define FUZZ_SECTORS_MAX (16u << 11)   /* 16 MiB */
#define RUN_HEAD 6u
#define READ_BLOCK (64u << 10)

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

struct names {
	char v[64][256];
	size_t n;
};

static void keep(void *ctx, const char *name)
{
	struct names *n = ctx;
	if (n->n < sizeof n->v / sizeof n->v[0]) {
		strncpy(n->v[n->n], name, sizeof n->v[0] - 1);
		n->v[n->n][sizeof n->v[0] - 1] = '\0';
		n->n++;
	}
}

/* Every file of the NTDS folder of volume v, read to its end. */
static void read_ntds(struct dsb_media *m, size_t v, uint8_t *buf)
{
	static struct names names;
	char err[DSB_MEDIA_ERR_MAX];
	names.n = 0;
	if (dsb_media_dir_files(m, v, DSB_MEDIA_NTDS_DIR, keep, &names, err, sizeof err) != 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		char path[300];
		bool absent;
		snprintf(path, sizeof path, "%s/%s", DSB_MEDIA_NTDS_DIR, names.v[i]);
		struct dsb_media_file *f = dsb_media_file_open(m, v, path, &absent, err, sizeof err);
		if (!f)
			continue;
		uint64_t total = 0, fsize = dsb_media_file_size(f);
		for (;;) {
			ssize_t n = dsb_media_file_read(f, total, buf, READ_BLOCK, err, sizeof err);
			if (n <= 0)
				break;
			if ((size_t)n > READ_BLOCK)
				abort();
			(void)dsb_media_file_volume_offset(f, total);
			total += (uint64_t)n;
			if (total > fsize)
				abort();
		}
		dsb_media_file_close(f);
	}
}

/* `verify --shadows`' path: the volume as a callback to the VSS reader,
 * each store's NTFS opened as a volume of its own, its NTDS folder read. */
static void shadows(struct dsb_media *m, size_t v, uint8_t *buf)
{
	struct dsb_vol dv;
	if (!dsb_media_volume_vol(m, v, &dv) || !dsb_vss_present(&dv))
		return;
	struct dsb_vss_error e;
	struct dsb_vss *vss = dsb_vss_open(&dv, &e);
	for (size_t s = 0; vss && s < dsb_vss_count(vss); s++) {
		struct dsb_vol sv;
		char err[DSB_MEDIA_ERR_MAX];
		if (!dsb_vss_store_vol(vss, s, &sv, &e))
			continue;
		struct dsb_media *sm = dsb_media_open_vol(&sv, err, sizeof err);
		if (sm && dsb_media_nvolumes(sm) != 1)
			abort();   /* a volume given as such is never a table */
		if (sm && dsb_media_volume(sm, 0)->ntfs)
			read_ntds(sm, 0, buf);
		dsb_media_close(sm);
	}
	dsb_vss_close(vss);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	uint32_t sectors = dsb_load_le32(data);
	if (sectors == 0 || sectors > FUZZ_SECTORS_MAX)
		return 0;
	size_t len = (size_t)sectors * SECTOR;
	uint8_t *img = calloc(1, len);
	if (!img)
		return 0;
	for (size_t at = 4; at + RUN_HEAD <= size;) {
		uint32_t first = dsb_load_le32(data + at);
		size_t n = (size_t)le16(data + at + 4) * SECTOR;
		at += RUN_HEAD;
		if (n > size - at)
			n = (size - at) / SECTOR * SECTOR;
		if (first < sectors && n <= len - (size_t)first * SECTOR)
			memcpy(img + (size_t)first * SECTOR, data + at, n);
		at += n;
	}
	char err[DSB_MEDIA_ERR_MAX];
	struct dsb_media *m = dsb_media_open_memory(img, len, err, sizeof err);
	uint8_t *buf = malloc(READ_BLOCK);
	for (size_t v = 0; m && buf && v < dsb_media_nvolumes(m); v++) {
		if (!dsb_media_volume(m, v)->ntfs)
			continue;
		read_ntds(m, v, buf);
		shadows(m, v, buf);
	}
	free(buf);
	dsb_media_close(m);
	free(img);
	return 0;
}
