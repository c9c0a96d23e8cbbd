/* SPDX-License-Identifier: Apache-2.0 */
/* The gzip, xz, zstd, bzip2 and lz4 checks (format/zcheck.c) on
 * arbitrary bytes, fed in chunks whose size the first byte picks (the
 * second picks the kind when the bytes have no magic of their own): they must never crash, hang or
 * spin, whatever the stream; the verdict is free. */
#include <stdint.h>
#include <stdlib.h>

#include "format/zcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t chunk = (size_t)data[0] + 1;
	enum dsb_zcheck_kind kind =
		(enum dsb_zcheck_kind)(1 + data[1] % (DSB_ZCHECK_KIND_COUNT - 1));
	data += 2;
	size -= 2;
	if (dsb_zcheck_magic(data, size) != DSB_ZCHECK_NONE)
		kind = dsb_zcheck_magic(data, size);
	struct dsb_zcheck *z = dsb_zcheck_new(kind);
	if (!z)
		return 0;
	for (size_t i = 0; i < size; i += chunk)
		dsb_zcheck_feed(z, data + i, size - i < chunk ? size - i : chunk);
	char msg[256];
	int64_t at = -1;
	if (!dsb_zcheck_finish(z, msg, sizeof msg, &at) && at > (int64_t)size)
		abort();   /* an offset is within what was fed */
	dsb_zcheck_free(z);
	return 0;
}
