/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/fdio.h"

#include <errno.h>
#include <unistd.h>

bool dsb_write_all(int fd, const void *buf, size_t len, uint64_t *done)
{
	const uint8_t *p = buf;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return false;
		}
		p += w;
		len -= (size_t)w;
		if (done)
			*done += (uint64_t)w;
	}
	return true;
}
