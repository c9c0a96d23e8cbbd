/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writing a whole buffer to a descriptor: the copies of members that
 * `verify --records` (verify/ese/esedb_copy.c) and `extract`
 * (extract/extract.c) write as a capture streams.
 */
#ifndef DSB_LIB_FDIO_H
#define DSB_LIB_FDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* write(2) until all len bytes are out, again after EINTR.  False on an
 * error, with errno set (ENOSPC when write() returned 0, which for a
 * regular file means no room).  *done (may be NULL) grows by the bytes
 * written, also those before a failure. */
bool dsb_write_all(int fd, const void *buf, size_t len, uint64_t *done);

/* Read a whole regular file named `name` in folder `dirfd` (AT_FDCWD: the
 * working folder), never through a symbolic link (O_NOFOLLOW) nor from
 * a FIFO or device (O_NONBLOCK, then fstat must say regular), at most max
 * bytes.  0 with *buf (malloc'd, NUL-terminated past *len) on success;
 * else an errno value: ELOOP for a link, EINVAL for a file that is not
 * regular, EFBIG past max, ENOMEM, or what open or read said. */
int dsb_read_file_max(int dirfd, const char *name, size_t max, char **buf, size_t *len);

#endif
