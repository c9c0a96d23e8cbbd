/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one strict UTF-8 decoder: the journal's validation (format/codepage.c,
 * CF §2), the terminal filter and the JSON renderer's repair of names
 * (inspector/) all read UTF-8 the same way.
 */
#ifndef DSB_LIB_UTF8_H
#define DSB_LIB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one UTF-8 sequence of s[0..n).  Returns its length (1-4) and the
 * code point, or 0 when the bytes there are not valid UTF-8 (overlong
 * forms, surrogates, values above U+10FFFF, a sequence cut by n; n == 0
 * included). */
size_t dsb_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* in[0..n) made valid UTF-8 in out, which has room for 3 * n + 1 bytes:
 * each byte that does not decode becomes U+FFFD.  NUL-terminated; the
 * length is returned. */
size_t dsb_utf8_repair_into(char *out, const void *in, size_t n);

/* s[0..n) made valid UTF-8: each byte that does not decode becomes U+FFFD
 * (a name from an archive or the command line need not be UTF-8; JSON
 * must be).  A new NUL-terminated string of *outlen bytes, to free();
 * NULL on out-of-memory. */
char *dsb_utf8_repair(const char *s, size_t n, size_t *outlen);

#endif
