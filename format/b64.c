/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict base64 (RFC 4648 §4), for tokens and list_raw.  Strict because the
 * capture format says so and because a lenient decoder would make two
 * different recorded tokens compare equal for reasons nobody can see:
 * standard alphabet only, padding required (length a multiple of 4), `=`
 * only in the last one or two places, no whitespace, no line breaks.  The
 * unused low bits before the padding are not checked (RFC 4648 §3.5 leaves
 * that to the decoder); tokens compare by their decoded bytes anyway.
 */
#define DSB_JOURNAL_INTERNAL
#include "format/journal_int.h"

#include <stdlib.h>

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

enum dsb_b64 dsb_b64_decode(const char *s, size_t len, uint8_t **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (len % 4 != 0)
		return DSB_B64_INVALID;
	size_t pad = 0;
	if (len >= 4 && s[len - 1] == '=')
		pad = s[len - 2] == '=' ? 2 : 1;
	size_t n = len / 4 * 3 - pad;
	uint8_t *b = malloc(n ? n : 1);
	if (!b)
		return DSB_B64_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		bool last = i + 4 == len;
		int v[4];
		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)s[i + (size_t)k];
			/* '=' is allowed only as the padding of the last quantum. */
			if (c == '=' && last && (size_t)k >= 4 - pad) {
				v[k] = 0;
				continue;
			}
			v[k] = b64val(c);
			if (v[k] < 0) {
				free(b);
				return DSB_B64_INVALID;
			}
		}
		uint32_t q = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
			     (uint32_t)v[2] << 6 | (uint32_t)v[3];
		b[o++] = (uint8_t)(q >> 16);
		if (!last || pad < 2)
			b[o++] = (uint8_t)(q >> 8);
		if (!last || pad < 1)
			b[o++] = (uint8_t)q;
	}
	*out = b;
	*outlen = o;
	return DSB_B64_OK;
}
