/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/hex.h"

#include <string.h>

static const char digits[16] = "0123456789abcdef";

void dsb_hex(char *out, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

void dsb_sha256_hex(char out[DSB_SHA256_HEX], const uint8_t digest[DSB_SHA256_LEN])
{
	dsb_hex(out, digest, DSB_SHA256_LEN);
}

bool dsb_escape_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\' && c != '"';
}

size_t dsb_escape(char *out, size_t cap, const void *in, size_t len)
{
	const unsigned char *b = in;
	size_t o = 0, i = 0;
	if (cap == 0)
		return 0;
	for (; i < len; i++) {
		bool plain = dsb_escape_plain(b[i]);
		size_t need = plain ? 1 : 4;
		if (o + need >= cap)   /* keep room for the NUL */
			break;
		if (plain) {
			out[o++] = (char)b[i];
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = digits[b[i] >> 4];
			out[o++] = digits[b[i] & 15];
		}
	}
	out[o] = '\0';
	return i;
}

const char *dsb_escape_cut(char *out, size_t max, const void *in, size_t len)
{
	size_t done = dsb_escape(out, max + 1, in, len);
	if (done < len)
		memcpy(out + strlen(out), "...", 4);
	return out;
}

int dsb_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
