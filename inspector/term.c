/* SPDX-License-Identifier: Apache-2.0 */
#include "inspector/term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/hex.h"

/* Code points that must not reach a terminal as they are: they can hide,
 * reorder or fake text (the "Trojan Source" bidi controls among them). */
static bool cp_is_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f ||
	       (cp >= 0x80 && cp <= 0x9f) ||             /* C1 controls */
	       cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) ||         /* line/para separators, bidi */
	       (cp >= 0x2066 && cp <= 0x2069);           /* bidi isolates */
}

/* A byte as "\xHH", in lib/hex.h's form. */
static size_t byte_escape(char esc[16], unsigned char b)
{
	esc[0] = '\\';
	esc[1] = 'x';
	dsb_hex(esc + 2, &b, 1);
	return 4;
}

/* What to print for the character at p[0..n): the bytes themselves, or an
 * escape written into esc.  *consumed is how many bytes of p it covers.
 * This is the terminal's filter, a layer after lib/hex.h's escape set:
 * messages and fields arrive already escaped where they quote untrusted
 * bytes, and here valid UTF-8 stays readable while what could move the
 * cursor, reorder the text or is not UTF-8 at all is escaped. */
static const char *piece_at(const unsigned char *p, size_t n, char esc[16],
			    size_t *plen, size_t *consumed)
{
	uint32_t cp;
	size_t k = dsb_utf8_next(p, n, &cp);
	if (k == 0) {
		*consumed = 1;
		*plen = byte_escape(esc, p[0]);
		return esc;
	}
	*consumed = k;
	if (!cp_is_unsafe(cp)) {
		*plen = k;
		return (const char *)p;
	}
	if (cp < 0x80)
		*plen = byte_escape(esc, (unsigned char)cp);
	else
		*plen = (size_t)snprintf(esc, 16, "\\u{%04x}", (unsigned)cp);
	return esc;
}

size_t dsb_term_escape(char *dst, size_t dstlen, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), need = 0, used = 0;
	bool full = dstlen == 0;

	while (n > 0) {
		char esc[16];
		size_t plen, k;
		const char *piece = piece_at(p, n, esc, &plen, &k);
		need += plen;
		/* Cut only between whole characters or escapes. */
		if (!full && used + plen < dstlen) {
			memcpy(dst + used, piece, plen);
			used += plen;
		} else {
			full = true;
		}
		p += k;
		n -= k;
	}
	if (dstlen > 0)
		dst[used] = '\0';
	return need;
}

void dsb_term_puts(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	while (n > 0) {
		char esc[16];
		size_t plen, k;
		const char *piece = piece_at(p, n, esc, &plen, &k);
		fwrite(piece, 1, plen, fp);
		p += k;
		n -= k;
	}
}

bool dsb_term_colour(FILE *fp)
{
	/* https://no-color.org asks for "present and not empty"; the report
	 * contract says "never with NO_COLOR set", so any value counts. */
	if (getenv("NO_COLOR"))
		return false;
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(fp)) == 1;
}

const char *dsb_term_on(bool colour, enum dsb_style st)
{
	if (!colour)
		return "";
	switch (st) {
	case DSB_STYLE_ERROR: return "\033[1;31m";
	case DSB_STYLE_WARNING: return "\033[33m";
	case DSB_STYLE_INFO: return "\033[36m";
	case DSB_STYLE_PASS: return "\033[32m";
	case DSB_STYLE_HEADING: return "\033[1m";
	}
	return "";
}

const char *dsb_term_off(bool colour)
{
	return colour ? "\033[0m" : "";
}
