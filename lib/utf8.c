/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/utf8.h"

#include <stdlib.h>
#include <string.h>

size_t dsb_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	/* The minimum rejects overlong forms (C0, C1 leads included); F5-F7
	 * leads land above U+10FFFF. */
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

size_t dsb_utf8_repair_into(char *out, const void *in, size_t n)
{
	const unsigned char *p = in;
	size_t o = 0;
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		size_t k = dsb_utf8_next(p + i, n - i, &cp);
		if (k == 0) {
			/* U+FFFD, 3 bytes for 1: the output stays within 3 * n. */
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		}
	}
	out[o] = '\0';
	return o;
}

char *dsb_utf8_repair(const char *s, size_t n, size_t *outlen)
{
	char *out = n <= (SIZE_MAX - 1) / 3 ? malloc(3 * n + 1) : NULL;
	if (out)
		*outlen = dsb_utf8_repair_into(out, s, n);
	return out;
}
