/* SPDX-License-Identifier: Apache-2.0 */
/* The member-path safety test and journal-name test on arbitrary bytes:
 * they must never read out of bounds, and their answers must agree with
 * a few invariants that hold for any input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/paths.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Copy so that reads past `size` are caught by ASan. */
	char *p = malloc(size ? size : 1);
	if (!p)
		return 0;
	memcpy(p, data, size);
	bool unsafe = dsb_member_path_unsafe(p, size);
	if (size == 0 && !unsafe)
		abort();
	if (memchr(p, '\\', size) && !unsafe)
		abort();
	size_t strip = dsb_member_strip_len(p, size);
	size_t root;
	if (dsb_member_is_journal(p + strip, size - strip, &root) && root > size - strip)
		abort();
	free(p);
	return 0;
}
