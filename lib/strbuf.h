/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded string builder over a buffer the caller owns: append bytes, a
 * string, or printf output, and never write past the buffer.  What does not
 * fit is cut (the buffer always holds a NUL-terminated prefix of what was
 * appended) and remembered in `cut`, so a message that lists many reasons
 * stays one bounded line however many there are.
 *
 * Bounded rather than growing: findings messages have a fixed maximum
 * (DSB_MESSAGE_MAX) and are built for every faulty record of a journal of
 * millions, so a fixed buffer on the stack costs nothing per record and can
 * never run out of memory.
 */
#ifndef DSB_LIB_STRBUF_H
#define DSB_LIB_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct dsb_strbuf {
	char *p;       /* the caller's buffer, always NUL-terminated */
	size_t cap;    /* its size in bytes, at least 1 */
	size_t n;      /* bytes held, NUL not counted; n < cap */
	bool cut;      /* something appended did not fit */
};

/* Start empty over buf[0..cap); cap must be at least 1.  Not an
 * initializer on purpose: only buf[0] is written, never the whole buffer. */
void dsb_sb_init(struct dsb_strbuf *sb, char *buf, size_t cap);

/* Bytes that can still be appended (the NUL aside). */
size_t dsb_sb_room(const struct dsb_strbuf *sb);

/* Append len bytes (as many as fit). */
void dsb_sb_add(struct dsb_strbuf *sb, const void *s, size_t len);
/* Append a NUL-terminated string (as much as fits). */
void dsb_sb_puts(struct dsb_strbuf *sb, const char *s);
/* Append printf output (as much as fits). */
void dsb_sb_printf(struct dsb_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dsb_sb_vprintf(struct dsb_strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The last component of a path, '/' or '\\' separated: a member, a
 * backed-up Windows name (C:\\Windows\\NTDS\\ntds.dit), a file given on
 * the command line.  A pointer into path; "" when it ends with one. */
const char *dsb_base_name(const char *path);

#endif
