/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bytes as text: lowercase hex (SHA-256 digests, RC §3.2's "64 lowercase
 * hex digits"), and the one escape that quotes untrusted bytes inside a
 * message or a report field.
 *
 * THE escape set.  A byte is written as itself when it is printable ASCII
 * (0x20-0x7e) other than '\\' and '"'; every other byte is written as
 * "\xHH" (two lowercase hex digits).  Why exactly these:
 *
 *  - Controls (0x00-0x1f, 0x7f) escaped: a message is one line (RC §3.6,
 *    dsb_findings_add turns what is left into spaces, losing the byte) and
 *    must never carry a terminal control sequence.
 *  - Every byte >= 0x80 escaped: the quoted names come from archives,
 *    journals and database headers, and need not be UTF-8.  Passing them
 *    through would let invalid UTF-8 reach the JSON and SARIF renderers
 *    (which would have to replace it, losing the byte) and let C1 controls
 *    and bidirectional overrides reach a terminal.  Escaped, the result is
 *    plain printable ASCII, the same bytes in every output format.
 *  - '\\' escaped: so the escape can be read back without ambiguity --
 *    every "\x" in the result stands for exactly one escaped byte, and a
 *    name that itself contains the text "\x41" is not mistaken for "A".
 *  - '"' escaped: messages quote names between double quotes (RC §3.7
 *    allows file names and member paths to be quoted); a quote inside
 *    the name must not end the quotation early.
 *
 * JSON and SARIF string escaping is jansson's job and is not done here;
 * the terminal filter of the text renderer (inspector/term.c) is a later,
 * separate layer that keeps valid UTF-8 readable in text output.  This is
 * what a message says about a name; those are how a whole report is
 * written.
 */
#ifndef DSB_LIB_HEX_H
#define DSB_LIB_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DSB_SHA256_LEN 32
#define DSB_SHA256_HEX (2 * DSB_SHA256_LEN + 1)   /* 64 digits and a NUL */

/* Lowercase hex of n bytes into out[0 .. 2n], NUL-terminated. */
void dsb_hex(char *out, const void *p, size_t n);

/* A SHA-256 digest as 64 lowercase hex digits and a NUL. */
void dsb_sha256_hex(char out[DSB_SHA256_HEX], const uint8_t digest[DSB_SHA256_LEN]);

/* The value of one hex digit of either case, or -1 for any other byte
 * (JSON's \uXXXX, result codes, the password-key scanner). */
int dsb_hex_digit(unsigned char c);

/* True when byte c is written as itself by dsb_escape (see above). */
bool dsb_escape_plain(unsigned char c);

/* The output buffer that always holds n escaped bytes and the NUL. */
#define DSB_ESCAPE_SIZE(n) ((n) * 4 + 1)

/* Escape in[0..len) into out[0..cap): whole escapes only, always
 * NUL-terminated when cap > 0.  Returns how many input bytes were written
 * (len when everything fitted); the output's length is strlen(out). */
size_t dsb_escape(char *out, size_t cap, const void *in, size_t len);

/* A name as a message quotes it: dsb_escape cut at `max` output bytes,
 * "..." appended when something was left out, so that a long name does
 * not crowd the rest of a one-line message out.  `out` holds
 * DSB_ESCAPE_CUT_SIZE(max) bytes.  Returns out. */
#define DSB_ESCAPE_CUT_SIZE(max) ((max) + 4)
const char *dsb_escape_cut(char *out, size_t max, const void *in, size_t len);

#endif
