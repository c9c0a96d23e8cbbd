/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/strbuf.h"

#include <stdio.h>
#include <string.h>

void dsb_sb_init(struct dsb_strbuf *sb, char *buf, size_t cap)
{
	sb->p = buf;
	sb->cap = cap;
	sb->n = 0;
	sb->cut = false;
	if (cap)
		buf[0] = '\0';
}

size_t dsb_sb_room(const struct dsb_strbuf *sb)
{
	return sb->cap ? sb->cap - 1 - sb->n : 0;
}

void dsb_sb_add(struct dsb_strbuf *sb, const void *s, size_t len)
{
	size_t room = dsb_sb_room(sb);
	if (len > room) {
		sb->cut = true;
		len = room;
	}
	if (len == 0)
		return;
	memcpy(sb->p + sb->n, s, len);
	sb->n += len;
	sb->p[sb->n] = '\0';
}

void dsb_sb_puts(struct dsb_strbuf *sb, const char *s)
{
	dsb_sb_add(sb, s, strlen(s));
}

void dsb_sb_vprintf(struct dsb_strbuf *sb, const char *fmt, va_list ap)
{
	size_t room = dsb_sb_room(sb);
	if (room == 0) {
		sb->cut = true;
		return;
	}
	/* vsnprintf writes at most room bytes and the NUL, and says how many
	 * the whole output needed. */
	int k = vsnprintf(sb->p + sb->n, room + 1, fmt, ap);
	if (k < 0) {
		sb->p[sb->n] = '\0';   /* an encoding error: nothing appended */
		return;
	}
	if ((size_t)k > room) {
		sb->cut = true;
		k = (int)room;
	}
	sb->n += (size_t)k;
}

void dsb_sb_printf(struct dsb_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dsb_sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

const char *dsb_base_name(const char *path)
{
	const char *b = path;
	for (const char *c = path; *c; c++)
		if (*c == '/' || *c == '\\')
			b = c + 1;
	return b;
}
