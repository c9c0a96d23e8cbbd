/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
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

int dsb_read_file_max(int dirfd, const char *name, size_t max, char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno;
	struct stat st;
	int e = 0;
	if (fstat(fd, &st) != 0)
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = EINVAL;
	else if ((uint64_t)st.st_size > max)
		e = EFBIG;
	char *b = e ? NULL : malloc((size_t)st.st_size + 1);
	if (!e && !b)
		e = ENOMEM;
	size_t got = 0;
	/* The size fstat gave bounds the read: a file that grows meanwhile
	 * is read as it was. */
	while (!e && got < (size_t)st.st_size) {
		ssize_t n = read(fd, b + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			e = errno;
		else if (n == 0)
			break;
		else
			got += (size_t)n;
	}
	close(fd);
	if (e) {
		free(b);
		return e;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	return 0;
}
