/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: VSS store parsing (format/vss.c, libvshadow under it).
 * The input is the volume itself: the VSS header at 0x1e00, the catalog
 * and the stores where it points (the seeds are small volumes written by
 * fixtures/lib/vssgen.c).  Every store is listed and read -- its first
 * 256 KiB, in pieces that cross 16 KiB blocks, and a block at its end --
 * so the block lists, range lists and bitmaps are parsed.  Aborts when a
 * failure comes without a cause or a detail, when a read past what the
 * volume holds is handed to the callback, or when more stores are listed
 * than DSB_VSS_MAX_STORES.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/vss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libvshadow 20190323 leaks the block it read when a store header's
 * record type is wrong (docs/media.md): the library's, not a finding. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libvshadow_store_block_initialize\n";
}

struct mem {
	const uint8_t *p;
	size_t n;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	const struct mem *m = ctx;
	if (off > m->n || n > m->n - off)
		abort();   /* format/vss.c clamps every read to the volume's size */
	memcpy(buf, m->p + off, n);
	return 0;
}

static void check_error(const struct dsb_vss_error *e)
{
	if (e->error == DSB_OP_OK || e->error >= DSB_OP_COUNT || e->detail[0] == '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = { .p = data, .n = size };
	struct dsb_vol vol = { .read = mem_read, .ctx = &m, .size = size };
	struct dsb_vss_error e = { .error = DSB_OP_OK };
	struct dsb_vss *v = dsb_vss_open(&vol, &e);
	if (!v) {
		check_error(&e);
		return 0;
	}
	size_t n = dsb_vss_count(v);
	if (n > DSB_VSS_MAX_STORES)
		abort();
	static uint8_t buf[1u << 18];
	for (size_t i = 0; i < n; i++) {
		struct dsb_vss_store_info info;
		struct dsb_vol sv;
		if (!dsb_vss_info(v, i, &info, &e) || !dsb_vss_store_vol(v, i, &sv, &e)) {
			check_error(&e);
			continue;
		}
		uint64_t upto = sv.size < sizeof(buf) ? sv.size : sizeof(buf);
		for (uint64_t off = 0; off < upto;) {
			size_t len = off % 2 ? 5000 : 20000;
			if (len > upto - off)
				len = (size_t)(upto - off);
			if (sv.read(sv.ctx, off, buf, len) != 0) {
				check_error(dsb_vss_last_error(v));
				break;
			}
			off += len;
		}
		if (sv.size >= 0x4000 && sv.read(sv.ctx, sv.size - 0x4000, buf, 0x4000) != 0)
			check_error(dsb_vss_last_error(v));
	}
	dsb_vss_close(v);
	return 0;
}
